package engagement

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/engagekit/engagekit/internal/stats"
)

// ErrNoControlData is the cause of the error an analysis returns when no
// client was exposed to the control alone (a typo in the experiment or
// control id, or an experiment that has not started): nothing can be
// compared against nothing.
var ErrNoControlData = errors.New("engagement: the control has no exposed client")

// ExperimentReport is one analysis of an experiment. Arms are in the
// plan's order; Comparisons too, without the control. Intervals are at
// level 1−Alpha and, unlike the adjusted p-values, not corrected for the
// number of variants.
type ExperimentReport struct {
	Experiment  string         `json:"experiment"`
	Control     string         `json:"control"`
	AsOf        time.Time      `json:"as_of"`
	Alpha       float64        `json:"alpha"`
	Correction  Correction     `json:"correction"`
	Arms        []ArmStats     `json:"arms"`
	Comparisons []Comparison   `json:"comparisons"`
	SRM         SRM            `json:"srm"`
	Counts      ExposureCounts `json:"counts"`
	// CUPED is true when the data carried a pre-period covariate and
	// Theta is its pooled coefficient (see [Adjusted]).
	CUPED bool    `json:"cuped"`
	Theta float64 `json:"theta"`
}

// ArmStats is one arm's conversion: Converted of Exposed clients, the
// Rate, and its Wilson score interval [Low, High] (both 0 and [0, 1] for
// an arm nobody was exposed to).
type ArmStats struct {
	Variant   string  `json:"variant"`
	Planned   float64 `json:"planned_share"`
	Exposed   int     `json:"exposed"`
	Converted int     `json:"converted"`
	Rate      float64 `json:"rate"`
	Low       float64 `json:"low"`
	High      float64 `json:"high"`
}

// Comparison is a variant against the control, by every method the
// engine offers. The frequentist test is the pooled two-proportion
// z-test,
//
//	z = (p_B − p_A) / √(p̄(1−p̄)(1/n_A + 1/n_B)),   p = P(|Z| ≥ |z|) = erfc(|z|/√2)
//
// with p̄ the pooled rate, except that when a cell of the 2×2 table (an
// arm's conversions or non-conversions) expects fewer than five under
// "no difference", p is Fisher's exact two-sided p-value: there the normal
// approximation made one conversion in a small arm look decisive (three
// clients, one conversion: z-test 6.6e-9, exact 3/103). PAdjusted is p after the plan's correction
// across the variants, and Significant is PAdjusted ≤ α. Diff is
// p_B − p_A with Newcombe's hybrid score interval, built from the arms'
// Wilson intervals [l_A, u_A] and [l_B, u_B]:
// [Diff − √((p_B−l_B)² + (u_A−p_A)²), Diff + √((u_B−p_B)² + (p_A−l_A)²)]
// (R. G. Newcombe, "Interval estimation for the difference between
// independent proportions", Statistics in Medicine 17, 1998, method 10).
// The Wald interval Diff ± z·√(p_A(1−p_A)/n_A + p_B(1−p_B)/n_B) it
// replaced counts an arm with no conversion as certain: with a small arm
// and rare conversions it left out a true difference of 0 in a third of
// experiments without one, while p said "not significant". Lift is
// p_B/p_A − 1 with Koopman's score interval for the ratio, less one: the
// ratios φ whose Pearson χ², with the arms' rates fitted under p_B =
// φ·p_A, is at most z²_{1−α/2} (P. A. R. Koopman, Biometrics 40, 1984).
// The Katz log interval it replaced had no width when both arms
// converted every client, and with ten clients an arm at rates of 95 %
// and 90 % its 95 % interval left the true lift out of one experiment in
// five. Koopman's is an approximation too: over arms of 5 to 50 clients
// at rates of 1 % to 95 % it covers the true lift in 95.6 % of
// experiments on average, but where an arm expects less than one
// conversion or one non-conversion it can cover as little as 86 % (15
// clients at 1 % against 50 at 85 %; 91 % for 30 against 8 clients both
// at 95 %), as every interval of this kind does; read a lift from arms
// that small with care. HasLift is false (and the lift fields 0) when
// either arm has no conversion.
//
// The Bayesian view puts uniform Beta(1, 1) priors on both rates:
// ProbBeats is P(p_B > p_A) and ExpectedLoss E[max(p_A − p_B, 0)], what
// choosing the variant costs in rate if it is in fact worse, both exact
// (sums over the Beta posteriors, no sampling).
type Comparison struct {
	Variant      string     `json:"variant"`
	Diff         float64    `json:"diff"`
	DiffLow      float64    `json:"diff_low"`
	DiffHigh     float64    `json:"diff_high"`
	HasLift      bool       `json:"has_lift"`
	Lift         float64    `json:"lift"`
	LiftLow      float64    `json:"lift_low"`
	LiftHigh     float64    `json:"lift_high"`
	Z            float64    `json:"z"`
	P            float64    `json:"p"`
	PAdjusted    float64    `json:"p_adjusted"`
	Significant  bool       `json:"significant"`
	ProbBeats    float64    `json:"prob_beats_control"`
	ExpectedLoss float64    `json:"expected_loss"`
	Sequential   Sequential `json:"sequential"`
	CUPED        Adjusted   `json:"cuped"`
}

// Analyze reads the data and reports the experiment: conversion per arm
// (clients who converted ÷ clients exposed), the sample-ratio check, and
// each variant against the control by the fixed-horizon z-test, the
// Bayesian posterior, the always-valid sequential test and, when d.Pre
// is given, CUPED.
//
// The rules, in the order they apply: exposures of another experiment,
// of an unknown variant, without client or time, or at or after AsOf are
// counted and left out; a client exposed to more than one variant is
// counted and left out of every arm; a client's exposure time is their
// first; a client converts with a response at or after it, within the
// plan's Window and before AsOf, that the plan's Kinds or Converts
// accept. Clients still inside their window count as exposed: their
// arm's rate can only grow.
//
// A plan not made by [NewExperimentPlan] (nil or zero), a zero AsOf, or a
// NaN or infinite value in Pre, is an [*OptionError]; a control no client was exposed to is
// an error wrapping [ErrNoControlData]; a cancelled ctx returns its
// error. A variant nobody was exposed to is reported, with p = 1.
func (p *ExperimentPlan) Analyze(ctx context.Context, d ExperimentData) (ExperimentReport, error) {
	if !p.made() {
		return ExperimentReport{}, optErr("ExperimentPlan", "zero", "not made by NewExperimentPlan")
	}
	if d.AsOf.IsZero() {
		return ExperimentReport{}, optErr("ExperimentData.AsOf", d.AsOf, "required")
	}
	if err := checkPre(d.Pre); err != nil {
		return ExperimentReport{}, err
	}
	r := ExperimentReport{Experiment: p.cfg.Experiment, Control: p.cfg.Control, AsOf: d.AsOf, Alpha: p.cfg.Alpha, Correction: p.correction}
	e, err := p.collect(ctx, d, &r.Counts)
	if err != nil {
		return ExperimentReport{}, err
	}
	r.Arms = p.armStats(e, &r.Counts)
	if r.Arms[p.control].Exposed == 0 {
		return ExperimentReport{}, fmt.Errorf("%w: experiment %q, control %q", ErrNoControlData, p.cfg.Experiment, p.cfg.Control)
	}
	r.SRM = p.srm(r.Arms)
	ctl := r.Arms[p.control]
	for i, a := range r.Arms {
		if i != p.control {
			r.Comparisons = append(r.Comparisons, p.compare(ctl, a))
		}
	}
	p.sequential(e, 0, r.Comparisons) // times are from as-of
	if d.Pre != nil {
		r.CUPED = true
		r.Theta = p.cuped(e, d.Pre, r.Comparisons)
	}
	p.adjust(r.Comparisons)
	return r, ctx.Err()
}

// armStats counts each arm's exposed and converted clients.
func (p *ExperimentPlan) armStats(e *exposed, n *ExposureCounts) []ArmStats {
	out := make([]ArmStats, len(p.cfg.Arms))
	for _, c := range e.clients {
		if c.arm < 0 {
			n.MultiVariant++
			continue
		}
		n.Clients++
		out[c.arm].Exposed++
		if c.conv != noConversion {
			out[c.arm].Converted++
			n.Conversions++
		}
	}
	z := p.z()
	for i := range out {
		a := &out[i]
		a.Variant, a.Planned = p.cfg.Arms[i].Variant, p.share[i]
		if a.Exposed > 0 {
			a.Rate = float64(a.Converted) / float64(a.Exposed)
		}
		a.Low, a.High = stats.Wilson(a.Converted, a.Exposed, z)
	}
	return out
}

// z is the two-sided critical value of the plan's α.
// It is read from the lower tail: 1 − α/2 rounds to 1 for a tiny α (1e-20),
// whose quantile is +Inf and made every interval NaN.
func (p *ExperimentPlan) z() float64 { return -stats.NormalQuantile(p.cfg.Alpha / 2) }

// compare is the fixed-horizon and Bayesian comparison of b with the
// control a.
func (p *ExperimentPlan) compare(a, b ArmStats) Comparison {
	c := Comparison{Variant: b.Variant, DiffLow: -1, DiffHigh: 1,
		Sequential: Sequential{P: 1, Low: -1, High: 1}, CUPED: Adjusted{P: 1}}
	c.Z, c.P, _ = stats.TwoProportion(a.Converted, a.Exposed, b.Converted, b.Exposed)
	c.ProbBeats = stats.ProbBBeatsA(a.Converted, a.Exposed, b.Converted, b.Exposed)
	c.ExpectedLoss = stats.ExpectedLoss(a.Converted, a.Exposed, b.Converted, b.Exposed)
	if b.Exposed == 0 {
		return c
	}
	z := p.z()
	c.Diff = b.Rate - a.Rate
	// Newcombe's hybrid score interval from the arms' Wilson intervals
	// (a control without exposures has [0, 1], so the interval spans
	// what b's rate allows).
	c.DiffLow = math.Max(-1, c.Diff-math.Hypot(b.Rate-b.Low, a.High-a.Rate))
	c.DiffHigh = math.Min(1, c.Diff+math.Hypot(b.High-b.Rate, a.Rate-a.Low))
	if a.Converted > 0 && b.Converted > 0 {
		// The bounds hold the ratio RatioScore estimates, b.Rate/a.Rate
		// computed alike; less one each, they hold the lift (an
		// expm1(log(ratio)) lift rounded outside bounds that had closed
		// on it, at an α near 1).
		lo, hi := stats.RatioScore(b.Converted, b.Exposed, a.Converted, a.Exposed, z)
		c.HasLift, c.Lift = true, b.Rate/a.Rate-1
		c.LiftLow, c.LiftHigh = lo-1, hi-1
	}
	return c
}

// adjust corrects each family of p-values across the variants.
func (p *ExperimentPlan) adjust(cs []Comparison) {
	fixed, seq, cup := make([]float64, len(cs)), make([]float64, len(cs)), make([]float64, len(cs))
	for i, c := range cs {
		fixed[i], seq[i], cup[i] = c.P, c.Sequential.P, c.CUPED.P
	}
	m := p.correction.method()
	fixed, seq, cup = stats.Adjust(fixed, m), stats.Adjust(seq, m), stats.Adjust(cup, m)
	alpha := p.cfg.Alpha
	for i := range cs {
		c := &cs[i]
		c.PAdjusted, c.Significant = fixed[i], fixed[i] <= alpha
		c.Sequential.PAdjusted, c.Sequential.Significant = seq[i], seq[i] <= alpha
		if c.CUPED.Applied {
			c.CUPED.PAdjusted, c.CUPED.Significant = cup[i], cup[i] <= alpha
		}
	}
}

// checkPre refuses a covariate that is not a number: a NaN or an infinite
// pre-period value made every CUPED figure NaN. The error names the first
// such client in id order.
func checkPre(pre map[string]float64) error {
	bad, found := "", false
	for id, v := range pre {
		if (math.IsNaN(v) || math.IsInf(v, 0)) && (!found || id < bad) {
			bad, found = id, true
		}
	}
	if !found {
		return nil
	}
	return optErr("ExperimentData.Pre", pre[bad], fmt.Sprintf("of client %q: not a finite number", bad))
}
