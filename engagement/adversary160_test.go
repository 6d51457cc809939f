package engagement_test

// Adversary 160: the experiment's lift interval after 9aa4145 (Koopman's
// score interval for a ratio, internal/stats RatioScore, used by compare).
// The defects they found are fixed (the tests say how it was); all pass
// and pin the behaviour.

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
	"github.com/engagekit/engagekit/internal/stats"
	"github.com/engagekit/engagekit/internal/testguard"
)

const a160z95 = 1.959963984540054

// a160Report analyzes an experiment of a control "a" (na clients, xa
// converted) and a variant "b" (nb, xb) at level alpha.
func a160Report(t *testing.T, alpha float64, na, xa, nb, xb int) engagement.ExperimentReport {
	t.Helper()
	p, err := engagement.NewExperimentPlan(engagement.ExperimentConfig{Experiment: "spring", Control: "a",
		Arms:   []engagement.Arm{{Variant: "a", Weight: 1}, {Variant: "b", Weight: 1}},
		Window: 7 * 24 * time.Hour, Kinds: []string{"book"}, Alpha: alpha})
	if err != nil {
		t.Fatalf("alpha %v: %v", alpha, err)
	}
	xs, rs := expData(armData{"a", na, xa}, armData{"b", nb, xb})
	r, err := p.Analyze(context.Background(), engagement.ExperimentData{AsOf: expStart.AddDate(0, 3, 0),
		Exposures: slices.Values(xs), Responses: slices.Values(rs)})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Was (fixed): with an Alpha near 1 (accepted: "in (0, 1)"), the reported
// lift lies outside its own interval. RatioScore's bounds collapse onto
// the estimate est = rate_b/rate_a, and LiftLow/LiftHigh are est − 1,
// while Lift is computed another way, expm1(log(est)), which rounds to
// the other side.
// Got before the fix: control 3 of 4, variant 1 of 1, Alpha 1−1e−16: Lift
// 0.3333333333333333 > LiftHigh 0.33333333333333326; control 1 of 3,
// variant 1 of 1: Lift 1.9999999999999996 < LiftLow 2.
// A fix gives LiftLow ≤ Lift ≤ LiftHigh always (compute Lift as the
// bounds are, or widen the bounds to include it).
func TestAdversary160_LiftInsideItsIntervalNearAlphaOne_Pinned(t *testing.T) {
	for _, alpha := range []float64{0.9999999999999999, 0.999999999999999} {
		for _, c := range [][4]int{{4, 3, 1, 1}, {3, 1, 1, 1}, {8, 6, 1, 1}, {9, 1, 1, 1}, {7, 5, 1, 1}} {
			r := a160Report(t, alpha, c[0], c[1], c[2], c[3])
			cmp := r.Comparisons[0]
			if !cmp.HasLift {
				t.Fatalf("%v: no lift", c)
			}
			if !(cmp.LiftLow <= cmp.Lift && cmp.Lift <= cmp.LiftHigh) {
				t.Errorf("alpha %v, control %d of %d, variant %d of %d: lift %v outside its interval [%v, %v]",
					alpha, c[1], c[0], c[3], c[2], cmp.Lift, cmp.LiftLow, cmp.LiftHigh)
			}
		}
	}
}

// a160Binom is the binomial(n, p) distribution.
func a160Binom(n int, p float64) []float64 {
	out := make([]float64, n+1)
	lc, _ := math.Lgamma(float64(n + 1))
	for k := 0; k <= n; k++ {
		l1, _ := math.Lgamma(float64(k + 1))
		l2, _ := math.Lgamma(float64(n - k + 1))
		out[k] = math.Exp(lc - l1 - l2 + float64(k)*math.Log(p) + float64(n-k)*math.Log1p(-p))
	}
	return out
}

// a160Coverage is the exact probability that RatioScore's interval
// covers p1/p2 when x1 ~ Bin(n1, p1) and x2 ~ Bin(n2, p2) (an outcome
// with no success in an arm gives (0, +Inf), which covers).
func a160Coverage(n1, n2 int, p1, p2, z float64) float64 {
	b1, b2 := a160Binom(n1, p1), a160Binom(n2, p2)
	phi, cov := p1/p2, 0.0
	for x1 := 0; x1 <= n1; x1++ {
		for x2 := 0; x2 <= n2; x2++ {
			if lo, hi := stats.RatioScore(x1, n1, x2, n2, z); lo <= phi && phi <= hi {
				cov += b1[x1] * b2[x2]
			}
		}
	}
	return cov
}

// Was (a defect, kept as a documented limit): the 95 % lift interval
// covers the true ratio below 95 % in small, unequal arms. Exact coverage
// (every outcome enumerated, no sampling), over a grid of arm sizes
// 5..50 and rates 0.05..0.95:
// Got before the fix: 30 vs 8 clients, both converting at 95 % (true lift 0): 90.7 %;
// 20 vs 5 at 95 %/95 %: 91.0 %; 10 vs 10 at 5 %/90 %: 91.4 %;
// 50 vs 15 at 85 %/1 %: 86.0 %.
// Kept: every asymptotic interval for a ratio dips so where an arm
// expects under one conversion or non-conversion (Newcombe's MOVER with
// Wilson intervals gives the same 86 % minimum on a grid of 1,764 cells,
// the adjusted log interval 56 %); Koopman's averages 95.6 % there. The
// doc of engagement.Comparison says so, with these figures; the pin
// holds the dips where they were measured (none below 85 %) and the mean
// of this small grid at nominal.
func TestAdversary160_RatioCoverageSmallUnequalArms_Pinned(t *testing.T) {
	for _, c := range []struct {
		n1, n2 int
		p1, p2 float64
	}{{30, 8, 0.95, 0.95}, {8, 30, 0.95, 0.95}, {20, 5, 0.95, 0.95}, {10, 10, 0.05, 0.9}, {50, 15, 0.85, 0.01}} {
		if got := a160Coverage(c.n1, c.n2, c.p1, c.p2, a160z95); got < 0.85 {
			t.Errorf("%d vs %d clients at rates %v and %v: the 95 %% interval covers the true ratio %v in %.3f of experiments",
				c.n1, c.n2, c.p1, c.p2, c.p1/c.p2, got)
		}
	}
	sum, cells := 0.0, 0
	for _, n := range [][2]int{{8, 30}, {10, 10}, {20, 5}, {15, 50}} {
		for _, p1 := range []float64{0.05, 0.5, 0.95} {
			for _, p2 := range []float64{0.05, 0.5, 0.95} {
				sum += a160Coverage(n[0], n[1], p1, p2, a160z95)
				cells++
			}
		}
	}
	if mean := sum / float64(cells); mean < 0.95 {
		t.Errorf("mean coverage over %d small-arm cells %.4f, want at least 0.95", cells, mean)
	}
}

// Was (fixed): with very large arms (2^50 clients, beyond any real book but
// within RatioScore's int domain) the bounds drift: 1 of 2 against an arm
// that converted all of its N clients is, for any large N, the Wilson
// interval of 1/2, about (0.0945, 0.9055), and swapping the arms inverts
// it; at N = 2^50 the χ² loses its precision (x − n·p with n·p near
// 2^50, 1 − p near the float's step).
// Got before the fix: N = 2^50: (0.0945, 0.8964), 1 % short of 0.9055, while the
// swapped call gives 1/0.90545; at N ≈ 1.1e15, swapped, a lower bound of
// 1.125 for 1/0.9055 = 1.104; at N near 2^62 the bounds stop moving with
// z (the same (1.277, 5.357) for z from 3 to 20). Up to N of 10^12 the
// error is below 10^-5 (counts in the billions are fine).
// A fix computes the statistic without the cancellation, so that the
// interval at N = 2^50 agrees with the one at N = 2^20 to 1e-4.
func TestAdversary160_RatioScoreHugeArm_Pinned(t *testing.T) {
	const big = 1 << 50
	refLo, refHi := stats.RatioScore(1, 2, 1<<20, 1<<20, a160z95)
	lo, hi := stats.RatioScore(1, 2, big, big, a160z95)
	slo, shi := stats.RatioScore(big, big, 1, 2, a160z95)
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"lo", lo, refLo}, {"hi", hi, refHi}, {"1/swapped hi", 1 / shi, refLo}, {"1/swapped lo", 1 / slo, refHi}} {
		if math.Abs(c.got/c.want-1) > 1e-4 {
			t.Errorf("1 of 2 against %d of %d: %s %v, want %v (as at 2^20 clients)", big, big, c.name, c.got, c.want)
		}
	}
}

// Pinned: for counts from 1 to 2^40 (x = 1, n − 1 and n in either arm)
// and every z a plan's Alpha can give (1e−300 … the largest, 38.47), the
// interval is finite, positive, holds the estimate, grows as z grows,
// and encodes as JSON; RatioScore returns promptly.
func TestAdversary160_RatioScoreEdgesOrderedFiniteMonotone_Pinned(t *testing.T) {
	zs := []float64{1e-300, 1e-160, 1e-20, 1e-8, 0.01, 0.5, 1, a160z95, 3, 10, 20, 37.5,
		-stats.NormalQuantile(math.SmallestNonzeroFloat64)}
	ns := []int{1, 2, 3, 10, 97, 1000, 1e6, 1e9, 4e9, 1 << 40}
	testguard.Run(t, 20*time.Second, func() {
		for _, n1 := range ns {
			for _, n2 := range ns {
				for _, x1 := range slices.Compact([]int{1, max(1, n1-1), n1}) {
					for _, x2 := range slices.Compact([]int{1, max(1, n2-1), n2}) {
						est := (float64(x1) / float64(n1)) / (float64(x2) / float64(n2))
						plo, phi := math.Inf(1), 0.0
						for _, z := range zs {
							lo, hi := stats.RatioScore(x1, n1, x2, n2, z)
							name := fmt.Sprintf("%d/%d vs %d/%d, z %v: (%v, %v)", x1, n1, x2, n2, z, lo, hi)
							if !(lo > 0 && lo <= est && est <= hi && !math.IsInf(hi, 0)) {
								t.Fatalf("%s around %v", name, est)
							}
							if lo > plo || hi < phi {
								t.Fatalf("%s narrower than at a smaller z (%v, %v)", name, plo, phi)
							}
							if _, err := json.Marshal([2]float64{lo, hi}); err != nil {
								t.Fatalf("%s: %v", name, err)
							}
							plo, phi = lo, hi
						}
					}
				}
			}
		}
	})
}

// Pinned: the report's lift bounds are RatioScore's less one, ordered
// around Lift, finite and JSON-encodable, for arms of one client, arms
// that convert everyone, and Alpha from 1e−300 to 0.5.
func TestAdversary160_ReportLiftEdges_Pinned(t *testing.T) {
	for _, alpha := range []float64{1e-300, 1e-20, 0.001, 0.05, 0.5} {
		z := -stats.NormalQuantile(alpha / 2)
		for _, c := range [][4]int{{1, 1, 1, 1}, {1, 1, 40, 40}, {40, 40, 1, 1}, {40, 40, 40, 40}, {10, 1, 10, 10}, {3, 2, 7, 1}} {
			r := a160Report(t, alpha, c[0], c[1], c[2], c[3])
			cmp := r.Comparisons[0]
			lo, hi := stats.RatioScore(c[3], c[2], c[1], c[0], z)
			if !cmp.HasLift || cmp.LiftLow != lo-1 || cmp.LiftHigh != hi-1 {
				t.Errorf("alpha %v, %v: lift (%v, %v), RatioScore (%v, %v)", alpha, c, cmp.LiftLow, cmp.LiftHigh, lo, hi)
			}
			if !(cmp.LiftLow <= cmp.Lift && cmp.Lift <= cmp.LiftHigh) || cmp.LiftLow < -1 || math.IsInf(cmp.LiftHigh, 0) {
				t.Errorf("alpha %v, %v: lift %v in [%v, %v]", alpha, c, cmp.Lift, cmp.LiftLow, cmp.LiftHigh)
			}
			if _, err := json.Marshal(r); err != nil {
				t.Errorf("alpha %v, %v: %v", alpha, c, err)
			}
		}
	}
}

// Pinned: swapping the arms inverts the interval (lo ↔ 1/hi) to 1e−7
// for every pair of outcomes of arms up to 25 clients, at several z.
func TestAdversary160_RatioScoreSwapInverts_Pinned(t *testing.T) {
	for _, z := range []float64{0.1, 1, a160z95, 3.29} {
		for n1 := 1; n1 <= 25; n1 += 3 {
			for n2 := 1; n2 <= 25; n2 += 4 {
				for x1 := 1; x1 <= n1; x1++ {
					for x2 := 1; x2 <= n2; x2++ {
						lo, hi := stats.RatioScore(x1, n1, x2, n2, z)
						slo, shi := stats.RatioScore(x2, n2, x1, n1, z)
						if math.Abs(lo*shi-1) > 1e-7 || math.Abs(hi*slo-1) > 1e-7 {
							t.Fatalf("z %v, %d/%d vs %d/%d: (%v, %v), swapped (%v, %v)", z, x1, n1, x2, n2, lo, hi, slo, shi)
						}
					}
				}
			}
		}
	}
}
