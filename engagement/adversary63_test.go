package engagement_test

// Adversary 63: failing tests, one defect each, for the experiment part
// of package engagement (CUPED, the sequential test).

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
)

// adv63Binom is the binomial probability of k of n at p.
func adv63Binom(n, k int, p float64) float64 {
	c := 1.0
	for i := range k {
		c = c * float64(n-i) / float64(i+1)
	}
	return c * math.Pow(p, float64(k)) * math.Pow(1-p, float64(n-k))
}

// TestAdversary63_CUPEDSmallArmsNullSize
//
// Contract broken: Adjusted's doc: "P its two-sided normal p-value",
// Significant "PAdjusted ≤ α", and CUPED "leaves the difference unbiased
// and its variance smaller" — it narrows, it must not manufacture
// evidence; the package doc's standard is a valid p-value, P(P ≤ α |
// no difference) ≤ α. The fixed test and the sequential test both refuse
// the normal approximation when a cell of the 2×2 table expects fewer
// than five (Fisher's exact p / "such a look is no evidence"); CUPED has
// no such guard.
//
// Input: 5 clients a arm, both arms converting with probability ½, and a
// pre-period covariate that is the same for every client (Pre = {}:
// every client 0), so θ = 0 and VarianceReduction = 0: CUPED is the
// unadjusted comparison. Enumerating all 36 outcomes exactly, CUPED is
// Significant with probability 0.109 — more than twice α = 0.05 (the
// fixed test, exact here: 0.021). E.g. 3/5 against 0/5: Fisher's P =
// 0.167, CUPED P = 0.014, Significant.
//
// Root mechanism (engagement/cuped.go: adjusted): the pooled-within
// t-like statistic is referred to the normal distribution whatever the
// counts; with a handful of binary outcomes (an arm at 0/5 has no
// variance at all) its null distribution is far heavier-tailed than
// N(0, 1).
func TestAdversary63_CUPEDSmallArmsNullSize(t *testing.T) {
	p := plan(t, engagement.ExperimentConfig{Control: "a", Arms: ab()})
	const n = 5
	cuped, fixed := 0.0, 0.0
	var example engagement.Comparison
	for xa := 0; xa <= n; xa++ {
		for xb := 0; xb <= n; xb++ {
			xs, rs := expData(armData{"a", n, xa}, armData{"b", n, xb})
			r := analyze(t, p, xs, rs, map[string]float64{})
			c := r.Comparisons[0]
			// Since the fix, CUPED is not applied where a cell of the
			// table expects fewer than five (P 1): what is applied must
			// still be the unadjusted comparison.
			if c.CUPED.Applied && math.Abs(c.CUPED.VarianceReduction) > 1e-12 {
				t.Fatalf("test broken: constant covariate: %+v", c.CUPED)
			}
			w := adv63Binom(n, xa, 0.5) * adv63Binom(n, xb, 0.5)
			if c.CUPED.Significant {
				cuped += w
			}
			if c.Significant {
				fixed += w
			}
			if xa == 0 && xb == 3 {
				example = c
			}
		}
	}
	const alpha = 0.05
	if cuped > alpha {
		t.Errorf("null (both arms ½, 5 clients each, constant covariate): CUPED Significant with probability %.4f > α = %v (fixed test %.4f); e.g. 0/5 vs 3/5: P %.4f, CUPED P %.4f, CUPED significant %v",
			cuped, alpha, fixed, example.P, example.CUPED.P, example.CUPED.Significant)
	}
}

// TestAdversary63_SequentialPRisesNextDay
//
// Contract broken: Sequential's doc: "an analysis replays them, so
// reading at the same hour every day gives p-values that never rise", and
// "the experiment [may be] stopped as soon as the p-value is below α".
//
// Input: 400 clients an arm, exposed every 30 minutes from the start;
// control converts 10%, variant 30% (an hour after exposure). Read at
// start+10 days: P = 1.6e-10, significant, interval [0.11, 0.29]. During
// the next day 80 of the variant's converters are also shown the control
// (a real new event, after the first read; no backfill). Read at
// start+11 days, the same hour: P = 1, interval [-0.05, 0.10], disjoint
// from the day before.
//
// Root mechanism (engagement/experiment_exposure.go: expose, and
// sequential.go: sequential): a client exposed to a second variant later
// is dropped from every arm retroactively (arm = -1), and the replay of
// the past looks then uses counts those looks never had, so the running
// minimum over looks is recomputed from different history. A host that
// stopped on day 10, as the doc invites, declared a winner that day 11
// says never was.
func TestAdversary63_SequentialPRisesNextDay(t *testing.T) {
	p := plan(t, engagement.ExperimentConfig{Control: "a", Arms: ab(), Tau: 0.5})
	day := 24 * time.Hour
	var xs []engagement.Exposure
	var rs []engagement.Response
	for i := range 400 {
		for _, v := range []string{"a", "b"} {
			id := fmt.Sprintf("%s%d", v, i)
			tm := expStart.Add(time.Duration(i) * 30 * time.Minute)
			xs = append(xs, engagement.Exposure{Client: id, Experiment: "spring", Variant: v, Time: tm})
			if (v == "a" && i%10 == 0) || (v == "b" && i%10 < 3) {
				rs = append(rs, engagement.Response{Client: id, Stimulus: "s", Kind: "book", Time: tm.Add(time.Hour)})
			}
		}
	}
	read := func(asOf time.Time, xs []engagement.Exposure) engagement.Sequential {
		r, err := p.Analyze(context.Background(), engagement.ExperimentData{AsOf: asOf, Exposures: slices.Values(xs), Responses: slices.Values(rs)})
		if err != nil {
			t.Fatal(err)
		}
		return r.Comparisons[0].Sequential
	}
	asOf1 := expStart.Add(10 * day)
	s1 := read(asOf1, xs)
	later := slices.Clone(xs)
	for i := range 400 {
		if i%10 == 1 || i%10 == 2 {
			later = append(later, engagement.Exposure{Client: fmt.Sprintf("b%d", i), Experiment: "spring", Variant: "a", Time: asOf1.Add(time.Hour)})
		}
	}
	s2 := read(asOf1.Add(day), later)
	if !s1.Significant {
		t.Fatalf("test broken: day 10 not significant: %+v", s1)
	}
	if s2.P > s1.P {
		t.Errorf("sequential P read a day apart at the same hour rose from %.3g (significant, [%.3f, %.3f]) to %.3g ([%.3f, %.3f]); the doc says it never rises",
			s1.P, s1.Low, s1.High, s2.P, s2.Low, s2.High)
	}
}

// TestAdversary63_CUPEDConstantCovariateNegativeReduction
//
// Contract broken: Adjusted's doc: CUPED leaves the variance "smaller by
// the squared correlation", VarianceReduction = 1 − SE²/SE₀²; cuped.go
// goes out of its way to be "exact for a constant covariate (every
// distance 0, so θ is 0, not the noise of a rounded mean)". A constant
// covariate has correlation 0: the reduction is exactly 0, never
// negative (a negative one says CUPED widened the interval).
//
// Input: 5 clients an arm, 2/5 against 2/5, Pre = {} (every client 0);
// now 20 an arm, 8/20 against 8/20.
// Observed: θ = 0 exactly, yet VarianceReduction = −2.2e-16.
//
// Root mechanism (engagement/cuped.go: adjusted): SE = √v is squared
// back (SE·SE ≠ v in floating point) instead of using v/v0, whose ratio
// is exactly 1 when θ = 0 (ss(m) = syy).
func TestAdversary63_CUPEDConstantCovariateNegativeReduction(t *testing.T) {
	p := plan(t, engagement.ExperimentConfig{Control: "a", Arms: ab()})
	// 20 an arm (5 at first: since the fix, CUPED is not applied where a
	// cell of the table expects fewer than five).
	xs, rs := expData(armData{"a", 20, 8}, armData{"b", 20, 8})
	r := analyze(t, p, xs, rs, map[string]float64{})
	c := r.Comparisons[0].CUPED
	if r.Theta != 0 || !c.Applied {
		t.Fatalf("test broken: θ %v, %+v", r.Theta, c)
	}
	if c.VarianceReduction != 0 {
		t.Errorf("constant covariate (θ = 0): VarianceReduction %v, want exactly 0 (SE %v)", c.VarianceReduction, c.SE)
	}
}
