package stats

import (
	"math"
	"math/big"
	"testing"

	"pgregory.net/rapid"
)

// Known values: Fisher's lady tasting tea (3 of 4 cups right against 1 of
// 4: p = 34/70, two-sided), one event in a group of three against none in
// a hundred, no events, and complete separation (both tails of 1/252).
func TestFisherExactKnownValues(t *testing.T) {
	for _, c := range []struct {
		x1, n1, x2, n2 int
		want           float64
	}{
		{1, 4, 3, 4, 34.0 / 70},   // the tea tasting, two-sided
		{0, 100, 1, 3, 3.0 / 103}, // one event, in the small group
		{0, 5, 0, 5, 1},           // no events: nothing to test
		{5, 5, 0, 5, 2.0 / 252},   // complete separation, both tails
	} {
		if got := FisherExact(c.x1, c.n1, c.x2, c.n2); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("FisherExact(%d/%d, %d/%d) = %v, want %v", c.x1, c.n1, c.x2, c.n2, got, c.want)
		}
	}
}

// FisherExact equals the p-value summed exactly, in rationals, over the
// hypergeometric distribution of the second group's count.
func TestFisherExactMatchesExactSum(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n1, n2 := rapid.IntRange(1, 40).Draw(t, "n1"), rapid.IntRange(1, 40).Draw(t, "n2")
		x1, x2 := rapid.IntRange(0, n1).Draw(t, "x1"), rapid.IntRange(0, n2).Draw(t, "x2")
		k := x1 + x2
		prob := func(j int) *big.Rat {
			num := new(big.Int).Mul(new(big.Int).Binomial(int64(k), int64(j)), new(big.Int).Binomial(int64(n1+n2-k), int64(n2-j)))
			return new(big.Rat).SetFrac(num, new(big.Int).Binomial(int64(n1+n2), int64(n2)))
		}
		observed, sum := prob(x2), new(big.Rat)
		for j := max(0, k-n1); j <= min(k, n2); j++ {
			if p := prob(j); p.Cmp(observed) <= 0 {
				sum.Add(sum, p)
			}
		}
		want, _ := sum.Float64()
		if got := FisherExact(x1, n1, x2, n2); math.Abs(got-want) > 1e-9*max(1, want) {
			t.Fatalf("FisherExact(%d/%d, %d/%d) = %v, exact sum %v", x1, n1, x2, n2, got, want)
		}
	})
}

// The exact binomial test against its definition on small cases: the
// p-value is the total probability of the counts no more likely than x.
func TestBinomialTwoSidedKnownValues(t *testing.T) {
	for _, c := range []struct {
		x, n int
		p    float64
		want float64
	}{
		{0, 0, 0.5, 1},
		{5, 10, 0.5, 1},
		{0, 10, 0.5, 2.0 / 1024},       // 0 and 10
		{1, 10, 0.5, 22.0 / 1024},      // 0, 1, 9, 10
		{3, 3, 0.5, 0.25},              // 0 and 3
		{0, 3, 0.01, 1},                // the mode
		{1, 100, 0.005, 0.3942295635},  // exact, in rationals
		{3, 100, 0.005, 0.01410291654}, // exact, in rationals
		{2, 10, 0, 0}, {0, 10, 0, 1}, {10, 10, 1, 1}, {9, 10, 1, 0},
		{11, 10, 0.5, 1}, {-1, 10, 0.5, 1}, {1, 10, math.NaN(), 1},
	} {
		if got := BinomialTwoSided(c.x, c.n, c.p); math.Abs(got-c.want) > 1e-8 {
			t.Errorf("BinomialTwoSided(%d, %d, %v) = %.10g, want %.10g", c.x, c.n, c.p, got, c.want)
		}
	}
}

// The binomial test's tails, found by bisection and the incomplete beta
// function, are the sum over every count it defines (brute force).
func TestPropertyBinomialTwoSidedIsTheSum(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 400).Draw(t, "n")
		x := rapid.IntRange(0, n).Draw(t, "x")
		p := rapid.Float64Range(1e-6, 1-1e-6).Draw(t, "p")
		lp, lq := math.Log(p), math.Log1p(-p)
		logP := func(y int) float64 { return logChoose(n, y) + float64(y)*lp + float64(n-y)*lq }
		want := 0.0
		for y := 0; y <= n; y++ {
			if logP(y) <= logP(x)+1e-7 {
				want += math.Exp(logP(y))
			}
		}
		want = min(1, want)
		if got := BinomialTwoSided(x, n, p); math.Abs(got-want) > 1e-9*max(want, 1e-300) && math.Abs(got-want) > 1e-13 {
			t.Fatalf("BinomialTwoSided(%d, %d, %v) = %.15g, the sum %.15g", x, n, p, got, want)
		}
	})
}
