package engagement_test

// The twentieth adversary's suite. Each test fails on the code it was
// written against because of a defect; its comment names the promise
// broken and the minimal input.

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
	"github.com/google/go-cmp/cmp"
)

// TestAdversary20_TinyAlphaNaNIntervals: ExperimentConfig.Alpha is valid
// anywhere in (0, 1) (NewExperimentPlan accepts it), and an analysis
// never reports a NaN; CUPED's interval holds its Diff. Minimal input:
// Alpha = 1e-20, arms a and b with 100 clients each and no conversion,
// Pre given (empty). The critical value is NormalQuantile(1 − α/2), and
// 1 − 5e-21 rounds to exactly 1, so z = +Inf: every arm's Wilson
// interval is [NaN, NaN], the difference's interval is NaN (Inf·0), and
// so is CUPED's Low/High (Diff 0, SE 0). Expected: finite intervals that
// hold the estimates (z from the lower tail, −NormalQuantile(α/2), is
// 9.3), or Alpha so small refused with an *OptionError.
func TestAdversary20_TinyAlphaNaNIntervals(t *testing.T) {
	p, err := engagement.NewExperimentPlan(engagement.ExperimentConfig{Experiment: "spring", Control: "a", Arms: ab(),
		Window: 7 * 24 * time.Hour, Kinds: []string{"book"}, Alpha: 1e-20})
	if err != nil {
		return // refused with a typed error: a documented non-result
	}
	xs, rs := expData(armData{"a", 100, 0}, armData{"b", 100, 0})
	r := analyze(t, p, xs, rs, map[string]float64{})
	bad := func(lo, est, hi float64) bool { return !(lo <= est && est <= hi) }
	for _, a := range r.Arms {
		if bad(a.Low, a.Rate, a.High) {
			t.Errorf("α = 1e-20, arm %s 0 of 100: Wilson interval [%v, %v] does not hold the rate %v", a.Variant, a.Low, a.High, a.Rate)
		}
	}
	c := r.Comparisons[0]
	if bad(c.DiffLow, c.Diff, c.DiffHigh) {
		t.Errorf("α = 1e-20: difference interval [%v, %v] does not hold Diff %v", c.DiffLow, c.DiffHigh, c.Diff)
	}
	if bad(c.CUPED.Low, c.CUPED.Diff, c.CUPED.High) {
		t.Errorf("α = 1e-20: CUPED interval [%v, %v] does not hold its Diff %v", c.CUPED.Low, c.CUPED.High, c.CUPED.Diff)
	}
}

// TestAdversary20_HugeTauNaNSequentialP: Tau is valid when positive and
// finite, and a p-value is in [0, 1]. Minimal input: Tau = 1e200, arms a
// and b of 100 clients with 20 and 30 conversions (one look). τ² = 1e400
// overflows to +Inf, r = τ²/c = +Inf, and MixtureLogLR computes
// −½·log1p(+Inf) + z²·Inf/(2·Inf) = −Inf + NaN: Sequential.P is NaN
// (PAdjusted reads it as 1, hiding it). Expected: P in [0, 1] (the limit
// r → ∞ is no evidence, Λ → 0, so P stays 1), or Tau refused with an
// *OptionError.
func TestAdversary20_HugeTauNaNSequentialP(t *testing.T) {
	p, err := engagement.NewExperimentPlan(engagement.ExperimentConfig{Experiment: "spring", Control: "a", Arms: ab(),
		Window: 7 * 24 * time.Hour, Kinds: []string{"book"}, Tau: 1e200})
	if err != nil {
		return // refused with a typed error
	}
	xs, rs := expData(armData{"a", 100, 20}, armData{"b", 100, 30})
	s := analyze(t, p, xs, rs, nil).Comparisons[0].Sequential
	if !(s.P >= 0 && s.P <= 1) {
		t.Errorf("Tau 1e200, 20/100 vs 30/100: sequential P = %v, want a p-value in [0, 1]", s.P)
	}
}

// adv20Journey is two settings, s1 and s2, each with a stimulus x1, x2
// at base.
func adv20Journey(t *testing.T, base time.Time) *engagement.Journey {
	t.Helper()
	j, err := engagement.NewJourney([]engagement.Setting{{ID: "s1", Depth: 1}, {ID: "s2", Depth: 2}},
		[]engagement.Stimulus{{ID: "x1", Setting: "s1", Kind: "k", Time: base}, {ID: "x2", Setting: "s2", Kind: "k", Time: base}})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// TestAdversary20_FunnelMedianTimeNegative: a step's MedianTime is a
// time from one response to a later one, never negative. Minimal input:
// one client, a response at s1 at time T and one at s2 at T + (2⁶³−2) ns
// (inside the 292 years a funnel accepts; window 0). The gap 2⁶³−2 is
// held as a float64 for the median, which rounds it up to 2⁶³, and
// time.Duration(2⁶³) is out of range: MedianTime is
// −2562047h47m16.854775808s (math.MinInt64). Expected: a non-negative
// median, e.g. clamped to math.MaxInt64.
func TestAdversary20_FunnelMedianTimeNegative(t *testing.T) {
	base := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	rs := []engagement.Response{{Client: "c", Stimulus: "x1", Kind: "k", Time: base},
		{Client: "c", Stimulus: "x2", Kind: "k", Time: base.Add(time.Duration(math.MaxInt64 - 1))}}
	f, err := engagement.Funnel(context.Background(), adv20Journey(t, base), slices.Values(rs), []string{"s1", "s2"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if f.Steps[1].Reached != 1 {
		return // the far response refused: no median to check
	}
	if m := f.Steps[1].MedianTime; m < 0 {
		t.Errorf("s1 at T, s2 at T+(2^63-2)ns: step 2 MedianTime %v (%d ns), want non-negative", m, int64(m))
	}
}

// TestAdversary20_FunnelOrderDependsOnFirstRead: a report does not depend
// on the order of the responses. Minimal input: three clients, each with
// one response at s1 (stimulus at 1900): at 2100, at 1910 and at 2290.
// Times are held from the first response read, and one 292 years or
// more from it is rejected as BadTime: read 2100 first, all three are
// used (−190 and +190 years); read 1910 first, the 2290 response is 380
// years away and rejected, so s1 is reached by 2 clients instead of 3.
// Expected: the same report in any order (e.g. times held from the
// earliest, or as a wider count).
func TestAdversary20_FunnelOrderDependsOnFirstRead(t *testing.T) {
	base := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	j := adv20Journey(t, base)
	rs := []engagement.Response{
		{Client: "mid", Stimulus: "x1", Kind: "k", Time: base.AddDate(200, 0, 0)},
		{Client: "early", Stimulus: "x1", Kind: "k", Time: base.AddDate(10, 0, 0)},
		{Client: "late", Stimulus: "x1", Kind: "k", Time: base.AddDate(390, 0, 0)},
	}
	steps := []string{"s1", "s2"}
	want, err := engagement.Funnel(context.Background(), j, slices.Values(rs), steps, 0)
	if err != nil {
		t.Fatal(err)
	}
	rs[0], rs[1] = rs[1], rs[0]
	got, err := engagement.Funnel(context.Background(), j, slices.Values(rs), steps, 0)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("the same three responses, the first two swapped: funnel differs (-2100 read first +1910 read first):\n%s", d)
	}
}

// TestAdversary20_SRMChiSquareFalseAlarms: SRM's false-mismatch rate is
// at most SRMAlpha for any planned split ("Mismatch is P < Alpha"). When
// every arm expects at least five clients the check is Pearson's χ²,
// whose discrete null distribution is heavier-tailed than χ²₁ for a
// skewed split. Minimal input: weights 9:1 (the variant 10%), 50
// clients assigned independently as planned, default SRMAlpha 0.001:
// the variant expects exactly 5, and 14 or more variant clients (or 0)
// read as a mismatch. Summing the binomial probabilities of every split
// the report calls a mismatch (exact, no Monte Carlo) gives 0.0032, 3.2
// times SRMAlpha. Also 1:1 with 16 clients at SRMAlpha 0.05: 0.077.
// Expected: at most SRMAlpha (the exact binomial test costs n+1 terms;
// it is already used below five expected).
func TestAdversary20_SRMChiSquareFalseAlarms(t *testing.T) {
	logBinom := func(n, k int, p float64) float64 {
		a, _ := math.Lgamma(float64(n + 1))
		b, _ := math.Lgamma(float64(k + 1))
		c, _ := math.Lgamma(float64(n - k + 1))
		return a - b - c + float64(k)*math.Log(p) + float64(n-k)*math.Log1p(-p)
	}
	for _, c := range []struct {
		weight   float64 // control's weight against the variant's 1
		n        int
		srmAlpha float64
	}{{9, 50, 0.001}, {1, 16, 0.05}} {
		p := plan(t, engagement.ExperimentConfig{Control: "a", Arms: []engagement.Arm{{"a", c.weight}, {"b", 1}}, SRMAlpha: c.srmAlpha})
		share := 1 / (c.weight + 1)
		rate := 0.0
		for x := 0; x < c.n; x++ { // the control needs a client
			xs, rs := expData(armData{"a", c.n - x, 0}, armData{"b", x, 0})
			if analyze(t, p, xs, rs, nil).SRM.Mismatch {
				rate += math.Exp(logBinom(c.n, x, share))
			}
		}
		if rate > c.srmAlpha*1.0001 {
			t.Errorf("split %v:1, %d clients assigned as planned: SRM false-mismatch probability %.5f, %.2f times SRMAlpha %v",
				c.weight, c.n, rate, rate/c.srmAlpha, c.srmAlpha)
		}
	}
}

// TestAdversary20_CUPEDDependsOnExposureOrder: a report does not depend
// on the order of the exposures. CUPED reads the covariate as distances
// from the value of the first client in exposure order and sums in that
// order. Minimal input: arm a, clients a-0 and a-1 with pre 1e20 (a-0
// converts); arm b, b-0 pre 2 (converts) and b-1 pre 1. Exposures in
// the order a-0, a-1, b-0, b-1: the shift is 1e20, b's values 1 and 2
// both become −5e19 and b's spread is lost: Theta 0, CUPED Diff 0, not
// significant. The same exposures reversed: the shift is 1, b's spread
// is kept: Theta 1, CUPED Diff 1e20, P 0, significant. A second case
// with ordinary values (10 clients, pre 0.01 to 5.5) differs in Theta's
// last bits by the order of summation alone. Expected: the same Theta
// and CUPED result in any order (a shift chosen from the values, not
// their order, and order-free sums, e.g. stats' exact sum).
func TestAdversary20_CUPEDDependsOnExposureOrder(t *testing.T) {
	p := plan(t, engagement.ExperimentConfig{Control: "a", Arms: ab()})
	for _, c := range []struct {
		name string
		a, b armData
		pre  []float64 // by exposure, in expData's order
	}{
		{"far apart", armData{"a", 2, 1}, armData{"b", 2, 1}, []float64{1e20, 1e20, 2, 1}},
		{"ordinary", armData{"a", 5, 2}, armData{"b", 5, 3}, []float64{0.1, 0.7, 0.3, 1.9, 2.2, 0.01, 5.5, 0.3, 0.9, 1.1}},
	} {
		xs, rs := expData(c.a, c.b)
		pre := map[string]float64{}
		for i, x := range xs {
			pre[x.Client] = c.pre[i]
		}
		want := analyze(t, p, xs, rs, pre)
		slices.Reverse(xs)
		got := analyze(t, p, xs, rs, pre)
		if want.Theta != got.Theta || want.Comparisons[0].CUPED != got.Comparisons[0].CUPED {
			t.Errorf("%s: exposures as given vs reversed: Theta %v vs %v\nCUPED %+v\nvs    %+v", c.name, want.Theta, got.Theta,
				want.Comparisons[0].CUPED, got.Comparisons[0].CUPED)
		}
	}
}
