package stats

// Adversary 54: failing tests, one defect each, for package stats.

import (
	"math"
	"testing"
)

// TestAdversary54_ChiSquareUpperLargeDF
//
// Promise broken: "ChiSquareUpper is the upper tail of a chi-square
// statistic with df degrees of freedom, P(χ²_df ≥ x) = Q(df/2, x/2)" and
// "RegIncGammaUpper is Q(a, x) = Γ(a, x)/Γ(a) for a > 0 and x ≥ 0, by the
// series of P = 1 − Q below x = a+1" (gamma.go).
//
// Observed: gammaSeries stops after 10,000 terms, but near x ≈ a its terms
// shrink like exp(−n²/2a): it needs about 9·√a terms, so from a ≈ 1e6 on
// the sum is truncated and P too small. A chi-square statistic at its own
// degrees of freedom (2e9) has an upper tail of 0.876; Q(1e7, 1e7) is
// 0.50074 (true 0.49996).
//
// Expected: P(χ²_df ≥ df) is about one half for a large df (the
// distribution is nearly normal about its mean df; exactly
// 1/2 − 1/(3√(π·df)) to first order), and Q(a, a) ≈ 1/2 − 1/(3√(2πa)).
func TestAdversary54_ChiSquareUpperLargeDF(t *testing.T) {
	for _, df := range []float64{2e5, 2e7, 2e9} {
		got := ChiSquareUpper(df, df)
		want := 0.5 - math.Sqrt(1/(9*math.Pi*df))
		if math.Abs(got-want) > 1e-5 {
			t.Errorf("ChiSquareUpper(%g, %g) = %v, want %v (the chi-square median is just under its mean)", df, df, got, want)
		}
	}
}

// TestAdversary54_NormalQuantileStallsBelowNormalRange
//
// Promise broken (dist.go): "NormalQuantile is the inverse of
// [NormalCDF]: the z with Φ(z) = p, for 0 < p < 1 ... and takes one Halley
// step on Φ computed with math.Erfc, so the tails keep their precision".
//
// Observed: for a subnormal p (below 2.2e-308) the quantile stalls at
// about −37.59 whatever p. acklam starts from q = √(−2·log p), and
// math.Log of a subnormal is −709.09 for all of them on amd64 (Go's
// assembly Log does not scale them; log(1e-320) is −736.8), so the start
// is −37.54 for any subnormal p, and one Halley step moves it to −37.59:
// NormalQuantile(1e-310) is −37.590, whose tail Φ(−37.590) is 1.6e-309,
// sixteen times p, and NormalQuantile(1e-320) is −37.591 again, 150
// billion times p (the quantile is about −38.3). TwoSidedZ, and with it
// the critical value of every level α below about 4e-308, inherits it.
//
// Expected: Φ(NormalQuantile(p)) = p within a few percent for every
// positive p, as it holds at 1e-300.
func TestAdversary54_NormalQuantileStallsBelowNormalRange(t *testing.T) {
	for _, p := range []float64{1e-300, 1e-310, 1e-315, 1e-320} {
		z := NormalQuantile(p)
		tail := NormalUpper(-z) // Φ(z), from the upper tail of −z
		if !(math.Abs(tail/p-1) < 0.05) {
			t.Errorf("NormalQuantile(%g) = %v, but Φ(%v) = %g: %.3g times p", p, z, z, tail, tail/p)
		}
	}
}
