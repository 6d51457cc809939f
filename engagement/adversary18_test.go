package engagement_test

// The eighteenth adversary's suite. Each test fails on the code it was
// written against because of a defect; its comment names the promise
// broken and the minimal input.

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
)

// TestAdversary18_SRMHugeWeightsFalseMismatch: Arm.Weight is "positive"
// and relative ("1 and 1 is a 50/50 split"), and NewExperimentPlan
// accepts every finite positive weight; the SRM check must not fire on a
// sound experiment. Minimal input: arms a and b weighted 1e308 each (a
// 50/50 split), 100 clients in each arm. The weights' sum overflows to
// +Inf, both planned shares become 0, χ² = +Inf and SRM reports a
// Mismatch with P = 0 on a perfectly balanced split (ArmStats.Planned is
// 0 for both arms). Expected: Planned 0.5 each, χ² = 0, no mismatch (or
// the weights refused by NewExperimentPlan with an *OptionError).
func TestAdversary18_SRMHugeWeightsFalseMismatch(t *testing.T) {
	p, err := engagement.NewExperimentPlan(engagement.ExperimentConfig{Experiment: "spring", Control: "a", Window: 7 * 24 * time.Hour,
		Kinds: []string{"book"}, Arms: []engagement.Arm{{"a", 1e308}, {"b", 1e308}}})
	if errors.Is(err, engagement.ErrInvalidOption) {
		return // refused with a typed error: a documented non-result
	}
	if err != nil {
		t.Fatal(err)
	}
	xs, rs := expData(armData{"a", 100, 10}, armData{"b", 100, 10})
	r := analyze(t, p, xs, rs, nil)
	if r.SRM.Mismatch || r.SRM.P < 0.5 || r.Arms[0].Planned != 0.5 || r.Arms[1].Planned != 0.5 {
		t.Errorf("weights 1e308:1e308, 100/100 clients: SRM %+v, planned shares %v and %v; want a 50/50 plan and no mismatch",
			r.SRM, r.Arms[0].Planned, r.Arms[1].Planned)
	}
}

// adv18LogBinom is log P(X = k) for X ~ Binomial(n, p).
func adv18LogBinom(n, k int, p float64) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c + float64(k)*math.Log(p) + float64(n-k)*math.Log1p(-p)
}

// TestAdversary18_SRMSmallExpectedCountFalseAlarms: SRM is a test at
// level SRMAlpha ("Mismatch is P < Alpha", a check "that should almost
// never fire on a sound experiment"): when clients really are assigned
// with the planned shares it may report a mismatch with probability at
// most SRMAlpha. Minimal input: a plan weighted 199:1 (the variant gets
// 0.5%), 100 clients, each assigned independently with the planned
// shares. The variant expects 0.5 clients; Pearson's χ² against a
// chi-square with 1 df reads 3 variant clients (probability ≈ 1.4%) as
// χ² ≈ 12.6, P ≈ 4e-4 < 0.001. The false-mismatch probability,
// computed exactly here by summing the binomial probabilities of every
// split the report calls a mismatch (no Monte Carlo), is 0.0141 — 14
// times SRMAlpha = 0.001. (Planned 999:1 with 20 clients: one variant
// client is a "mismatch", probability 0.0198.) Expected: at most
// SRMAlpha, e.g. by an exact multinomial/binomial test when an arm's
// expected count is small.
func TestAdversary18_SRMSmallExpectedCountFalseAlarms(t *testing.T) {
	const (
		n     = 100
		share = 1.0 / 200
	)
	p := plan(t, engagement.ExperimentConfig{Control: "a", Arms: []engagement.Arm{{"a", 199}, {"b", 1}}})
	size, worst := 0.0, -1
	for b := 0; b < n; b++ { // b = n leaves the control empty (probability 1e-230)
		xs, rs := expData(armData{"a", n - b, 0}, armData{"b", b, 0})
		r := analyze(t, p, xs, rs, nil)
		if r.SRM.Mismatch {
			size += math.Exp(adv18LogBinom(n, b, share))
			if worst < 0 {
				worst = b
			}
		}
	}
	if alpha := 0.001; size > alpha {
		t.Errorf("planned 199:1, %d clients assigned as planned: SRM reports a mismatch with probability %.4f (from %d variant clients on), above SRMAlpha = %v",
			n, size, worst, alpha)
	}
}

// TestAdversary18_WilsonIntervalExcludesRate: ArmStats documents [Low,
// High] as the Wilson score interval of the arm's Rate, and the library
// promises an interval contains its estimate. Minimal input: an arm of 3
// exposed clients, none converted: Rate = 0 but Low = 5.55e-17 > 0 (the
// interval's centre minus its half-width, equal in exact arithmetic,
// differ by rounding); likewise 10 of 10 converted give Rate = 1 but
// High = 0.9999999999999999. Of the 100 arms with n = 1..50, 25 miss. Expected: Low ≤ Rate ≤ High (Low exactly 0 for no
// conversion, High exactly 1 for all).
func TestAdversary18_WilsonIntervalExcludesRate(t *testing.T) {
	p := plan(t, engagement.ExperimentConfig{Control: "a", Arms: ab()})
	bad := 0
	for n := 1; n <= 50; n++ {
		xs, rs := expData(armData{"a", n, n}, armData{"b", n, 0})
		r := analyze(t, p, xs, rs, nil)
		for _, a := range r.Arms {
			if !(a.Low <= a.Rate && a.Rate <= a.High) {
				if bad++; bad > 4 {
					continue
				}
				t.Errorf("arm %s: %d of %d converted: rate %v outside its interval [%v, %v]", a.Variant, a.Converted, a.Exposed, a.Rate, a.Low, a.High)
			}
		}
	}
	if bad > 4 {
		t.Errorf("%d arms in all with the rate outside its interval", bad)
	}
}

// TestAdversary18_CUPEDNaNCovariate: bad input (NaN, Inf) gets a typed
// error or a documented non-result, and an interval contains its
// estimate. Minimal input: 100 clients per arm, Pre = {"a-0": NaN} (or
// +Inf). Analyze returns no error and a CUPED result with Applied = true
// and Diff, SE, Low, High and VarianceReduction all NaN (Theta is
// reported as 0); the report then cannot be encoded as JSON
// ("unsupported value: NaN"), though every field has a json tag. The doc
// of Adjusted names only two non-results (no covariate, an arm under two
// clients: Applied false, P = 1). Expected: an error (an *OptionError,
// say) or Applied = false, and finite fields.
func TestAdversary18_CUPEDNaNCovariate(t *testing.T) {
	p := plan(t, engagement.ExperimentConfig{Control: "a", Arms: ab()})
	xs, rs := expData(armData{"a", 100, 10}, armData{"b", 100, 17})
	for _, bad := range []float64{math.NaN(), math.Inf(1)} {
		r, err := p.Analyze(context.Background(), engagement.ExperimentData{AsOf: expStart.AddDate(0, 3, 0),
			Exposures: slices.Values(xs), Responses: slices.Values(rs), Pre: map[string]float64{"a-0": bad}})
		if err != nil {
			continue // a typed error is a documented non-result
		}
		c := r.Comparisons[0].CUPED
		finite := !math.IsNaN(c.Diff) && !math.IsNaN(c.SE) && !math.IsNaN(c.Low) && !math.IsNaN(c.High) && !math.IsNaN(c.VarianceReduction)
		if c.Applied && !finite {
			t.Errorf("Pre a-0 = %v: CUPED applied with NaN results: %+v", bad, c)
		}
		if _, err := json.Marshal(r); err != nil {
			t.Errorf("Pre a-0 = %v: the report does not encode: %v", bad, err)
		}
	}
}

// TestAdversary18_CUPEDConstantCovariate: a covariate that is the same
// for every client carries no information: θ (the pooled covariance
// over the pooled variance) is 0/0, and CUPED must reduce to the
// unadjusted comparison (VarianceReduction 0), with an interval that
// contains Diff. Minimal inputs, 100 clients per arm (10 and 17
// converting), every client's Pre the same constant:
//   - 7e300 (finite): the arm mean rounds off the constant, the
//     deviations square to +Inf, θ = 0 and θ²·Σdx² = 0·Inf = NaN, so SE,
//     Low, High and VarianceReduction are NaN with Applied = true;
//   - 3.3e-5: the deviations are rounding noise and the report's Theta is
//     1166.5 (0.1 gives 0.031), a coefficient of nothing.
//
// Expected: Theta = 0 and CUPED equal to the no-covariate result.
func TestAdversary18_CUPEDConstantCovariate(t *testing.T) {
	p := plan(t, engagement.ExperimentConfig{Control: "a", Arms: ab()})
	xs, rs := expData(armData{"a", 100, 10}, armData{"b", 100, 17})
	base := analyze(t, p, xs, rs, map[string]float64{}).Comparisons[0].CUPED // every client's Pre is 0
	for _, k := range []float64{7e300, 3.3e-5} {
		pre := map[string]float64{}
		for _, x := range xs {
			pre[x.Client] = k
		}
		r := analyze(t, p, xs, rs, pre)
		c := r.Comparisons[0].CUPED
		if r.Theta != 0 || math.IsNaN(c.SE) || math.Abs(c.SE-base.SE) > 1e-12 || !(c.Low <= c.Diff && c.Diff <= c.High) {
			t.Errorf("every Pre = %v: Theta %v, CUPED %+v; want Theta 0 and SE %v as with a zero covariate", k, r.Theta, c, base.SE)
		}
	}
}

// TestAdversary18_UnmarshalBookEscalationsAboveResponses: UnmarshalBook
// promises that "data that is not a whole book [as MarshalBinary writes
// it] is ErrCorrupt"; a change test must never raise an alarm from bad
// input, and a rate is in [0, 1]. Minimal input: the encoding of an empty
// book whose content-group counts are rewritten so that, in each of the
// 64 buckets of the first group, 40 recent responses carry 50 recent
// escalations (and 40 baseline responses 2): counts no analysis can
// produce. UnmarshalBook accepts them, and ChangeTests reports kind=post
// with RecentRate 1.25, Effect NaN, P 4.6e-11 and Significant true.
// Expected: ErrCorrupt (escalations above responses, per bucket and
// window).
func TestAdversary18_UnmarshalBookEscalationsAboveResponses(t *testing.T) {
	j := journey(t)
	o := engagement.Options{AsOf: asOf}
	data := must(must(engagement.Analyze(context.Background(), j, nil, o)).MarshalBinary())
	// An empty book: magic and fingerprint (16 bytes), 0 clients (1
	// byte), the group-count length, 4 zero bytes per group-bucket, and a
	// 4-byte empty report.
	ng := 0
	for n := 1; n < 1<<20; n++ {
		if 4*n+len(binary.AppendUvarint(nil, uint64(n))) == len(data)-17-4 {
			ng = n
		}
	}
	if ng == 0 {
		t.Fatalf("unexpected encoding of an empty book (%d bytes)", len(data))
	}
	out := binary.AppendUvarint(slices.Clone(data[:17]), uint64(ng))
	for i := range ng {
		c := [4]int{} // baseline n, baseline escalations, recent n, recent escalations
		if i < 64 {
			c = [4]int{40, 2, 40, 50}
		}
		for _, v := range c {
			out = binary.AppendUvarint(out, uint64(v))
		}
	}
	out = append(out, data[len(data)-4:]...)
	b, err := engagement.UnmarshalBook(j, o, out)
	if errors.Is(err, engagement.ErrCorrupt) {
		return
	}
	if err != nil {
		t.Fatalf("err %v, want ErrCorrupt", err)
	}
	all, err := b.ChangeTests(engagement.ChangeOptions{})
	t.Errorf("50 escalations of 40 responses accepted (err %v); change tests: %+v", err, all)
}

// TestAdversary18_ExperimentAsOfAfter2262: an analysis is of any valid
// time.Time; exposures before AsOf are counted. Minimal input: 10
// clients exposed on 2262-04-01 (alternating arms a and b), AsOf
// 2262-05-01. AsOf is past the range of UnixNano (2262-04-11), which
// wraps it to a negative number, so every exposure is "at or after
// AsOf" and Analyze fails with ErrNoControlData for a control with five
// exposed clients. Expected: a report with 5 clients per arm (or an
// *OptionError refusing the time), never "no control data".
func TestAdversary18_ExperimentAsOfAfter2262(t *testing.T) {
	p := plan(t, engagement.ExperimentConfig{Control: "a", Arms: ab()})
	start := time.Date(2262, 4, 1, 0, 0, 0, 0, time.UTC)
	var xs []engagement.Exposure
	for i := range 10 {
		xs = append(xs, engagement.Exposure{Client: string(rune('a' + i)), Experiment: "spring", Variant: []string{"a", "b"}[i%2], Time: start.Add(time.Duration(i) * time.Hour)})
	}
	r, err := p.Analyze(context.Background(), engagement.ExperimentData{AsOf: start.AddDate(0, 1, 0), Exposures: slices.Values(xs)})
	if errors.Is(err, engagement.ErrInvalidOption) {
		return
	}
	if err != nil || r.Arms[0].Exposed != 5 || r.Arms[1].Exposed != 5 {
		t.Errorf("10 exposures on 2262-04-01, as of 2262-05-01: err %v, counts %+v", err, r.Counts)
	}
}
