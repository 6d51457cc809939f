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
