package stats

// Adversary 58: failing tests, one defect each, for package stats.

import (
	"math"
	"testing"
)

// TestAdversary58_ChiSquareJumpsAtWilsonHilferty
//
// Promise broken: gamma.go, ChiSquareUpper: "It keeps its relative
// precision far in the tail"; wilsonHilfertyFrom: the approximation's
// "error shrinks as 1/a (about 1e-8 here)"; statistics are correct.
//
// Observed: RegIncGammaUpper switches to wilsonHilferty for a > 1e8;
// its error is about 1e-8 near the centre but grows relatively in the
// tail. At df = 2e8 and the next float64 above (a change of 3e-8 in
// df, which moves Q by ~1e-15 relatively), at x = df + 60·√(df/2)
// (30 standard deviations of the gamma variable), the p-value jumps
// from 1.2044172e-197 (continued fraction) to 1.2045070e-197
// (Wilson–Hilferty): 7.5e-5 relatively.
//
// Expected: no jump past the series' own precision (1e-6 relatively)
// where the method changes.
func TestAdversary58_ChiSquareJumpsAtWilsonHilferty(t *testing.T) {
	df0 := 2e8
	df1 := math.Nextafter(df0, 3e8)
	x := df0 + 60*math.Sqrt(df0/2)
	q0, q1 := ChiSquareUpper(x, df0), ChiSquareUpper(x, df1)
	if rel := math.Abs(q1-q0) / q0; !(rel < 1e-6) {
		t.Errorf("ChiSquareUpper(%g, %g) = %.10g, ChiSquareUpper(%g, next float %.17g) = %.10g: relative jump %.3g at the Wilson–Hilferty switch",
			x, df0, q0, x, df1, q1, rel)
	}
}

// TestAdversary58_NormalQuantileSkipsHalleyOnNormalFloats
//
// Promise broken: dist.go, NormalQuantile: "takes one Halley step on Φ
// computed with math.Erfc, so the tails keep their precision"; the step
// is left out only "Below the normal floats (p < 2.2e-308)".
//
// Observed: the guard is x*x/2 > 700 on Acklam's x, which holds from
// p ≈ 1.05e-306 down, not from 2.2e-308: for the normal floats between
// (here p = 1e-307, where exp(x²/2) ≈ 1e305 is finite and Φ normal) the
// step is skipped and Φ(NormalQuantile(p)) is off by 6e-7 relatively,
// where just above the guard it is off by 1e-13.
//
// Expected: Φ(NormalQuantile(p)) = p to 1e-10 relatively for normal p.
func TestAdversary58_NormalQuantileSkipsHalleyOnNormalFloats(t *testing.T) {
	for _, p := range []float64{1e-307, 5e-308, 0x1p-1020} {
		z := NormalQuantile(p)
		back := 0.5 * math.Erfc(-z/math.Sqrt2)
		if rel := math.Abs(back-p) / p; !(rel < 1e-10) {
			t.Errorf("p = %g (a normal float): NormalQuantile = %.17g, Φ of it = %.17g, relative error %.3g", p, z, back, rel)
		}
	}
}
