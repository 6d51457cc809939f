package stats

import (
	"math"
	"math/big"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// The sum is the exact total rounded once (math/big at full precision),
// and the same in any order.
func TestPropertyExactSum(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		gen := rapid.OneOf(
			rapid.Float64Range(-1e6, 1e6),
			rapid.Float64Range(-math.MaxFloat64/4, math.MaxFloat64/4),
			rapid.SampledFrom([]float64{0, math.Copysign(0, -1), 5e-324, -5e-324, 1e17, -1e17, 1, math.MaxFloat64 / 8, 2.2250738585072014e-308}),
		)
		xs := rapid.SliceOf(gen).Draw(t, "xs")
		exact := new(big.Float).SetPrec(4000)
		var s ExactSum
		for _, x := range xs {
			exact.Add(exact, new(big.Float).SetPrec(4000).SetFloat64(x))
			s.Add(x)
		}
		want, _ := exact.Float64()
		want += 0
		if got := s.Float64(); got != want || math.Signbit(got) != math.Signbit(want) {
			t.Fatalf("sum of %v = %v, want %v", xs, got, want)
		}
		rev := slices.Clone(xs)
		slices.Reverse(rev)
		var r ExactSum
		for _, x := range rev {
			r.Add(x)
		}
		if r.Float64() != s.Float64() {
			t.Fatalf("reversed: %v vs %v", r.Float64(), s.Float64())
		}
	})
}

// Carrying keeps the total exact past 2^30 additions of large values.
func TestExactSumCarries(t *testing.T) {
	var s ExactSum
	s.adds = 1<<30 - 3
	for range 6 {
		s.Add(math.MaxFloat64 / 16)
		s.Add(-math.MaxFloat64 / 32)
	}
	if got, want := s.Float64(), 6*(math.MaxFloat64/32); got != want {
		t.Fatalf("got %v, want %v", got, want)
	}
}

// What float64 addition makes of NaN and the infinities, the sum makes.
func TestExactSumNonFinite(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		want float64
	}{
		{[]float64{1, math.NaN(), 2}, math.NaN()},
		{[]float64{1, math.Inf(1)}, math.Inf(1)},
		{[]float64{math.Inf(-1), -1e308}, math.Inf(-1)},
		{[]float64{math.Inf(1), 3, math.Inf(-1)}, math.NaN()},
		{[]float64{math.MaxFloat64, math.MaxFloat64}, math.Inf(1)},
	} {
		var s ExactSum
		for _, x := range c.xs {
			s.Add(x)
		}
		if got := s.Float64(); got != c.want && !(got != got && c.want != c.want) {
			t.Errorf("sum of %v = %v, want %v", c.xs, got, c.want)
		}
	}
}

// Ratio divides the exact totals: right where a total is beyond float64.
func TestRatio(t *testing.T) {
	var a, b, zero ExactSum
	a.Add(math.MaxFloat64)
	a.Add(math.MaxFloat64) // 2·MaxFloat64: +Inf as a float64
	b.Add(math.MaxFloat64)
	b.Add(math.MaxFloat64)
	b.Add(-math.MaxFloat64)
	if got := Ratio(&a, &b); got != 2 {
		t.Errorf("2·Max / Max = %v, want 2", got)
	}
	var third ExactSum
	third.Add(1)
	var three ExactSum
	three.Add(3)
	if got := Ratio(&third, &three); got != 1.0/3 {
		t.Errorf("1/3 = %v, want %v", got, 1.0/3)
	}
	if got := Ratio(&a, &zero); !math.IsNaN(got) {
		t.Errorf("over 0: %v, want NaN", got)
	}
	// A quotient beyond the float64 range is held to it, by sign.
	var big, tiny, negTiny ExactSum
	big.Add(1e200)
	tiny.Add(1e-200)
	negTiny.Add(-1e-200)
	if got := Ratio(&big, &tiny); got != math.MaxFloat64 {
		t.Errorf("1e200 / 1e-200 = %v, want MaxFloat64", got)
	}
	if got := Ratio(&big, &negTiny); got != -math.MaxFloat64 {
		t.Errorf("1e200 / -1e-200 = %v, want -MaxFloat64", got)
	}
}
