package engagement

import (
	"cmp"
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/engagekit/engagekit/internal/seqs"
	"github.com/engagekit/engagekit/internal/stats"
)

// Variant is one arm of an A/B test: the clients who responded to its
// stimuli (exposed) and those of them who escalated.
type Variant struct {
	Name      string  `json:"name"`
	Exposed   int     `json:"exposed"`
	Escalated int     `json:"escalated"`
	Rate      float64 `json:"rate"`
	// Low and High are the 95% Wilson interval of the rate.
	Low  float64 `json:"low"`
	High float64 `json:"high"`
	// Against the control: the two-proportion test's z and p, Cohen's h,
	// and the Bayesian probability that this variant beats the control.
	Z         float64 `json:"z"`
	P         float64 `json:"p"`
	Effect    float64 `json:"effect"`
	ProbBeats float64 `json:"prob_beats_control"`
	SmallWarn bool    `json:"small_sample"`
}

// Experiment compares a campaign's variants on escalation rate.
type Experiment struct {
	Campaign string    `json:"campaign"`
	Control  string    `json:"control"`
	Variants []Variant `json:"variants"`
}

// CompareResponders measures the variants of a campaign among the clients
// who responded to them: a client counts once per
// variant, exposed when they responded to one of its stimuli and escalated
// when one of those responses escalated (by the classifier). control names
// the control variant; every variant is tested against it. A variant with
// fewer than minSample exposed clients is flagged. The statistics do not
// depend on the variants' names: relabelling two variants swaps their
// results. Responses of no client, or at a zero time, are skipped, as
// Analyze skips them. A control with no exposed client (a typo, say) is an
// [*OptionError]: nothing is compared against nothing.
//
// CompareResponders is the responded-only view of a campaign: its
// denominator is the clients who responded, which the variant itself
// affects. For experiments from exposures, with a sample-ratio check,
// sequential and CUPED results, use an [ExperimentPlan]. When ctx ends,
// it stops reading the responses and returns ctx's error.
func CompareResponders(ctx context.Context, j *Journey, responses iter.Seq[Response], campaign, control string, minSample int, c Classifier) (Experiment, error) {
	type key struct{ variant, client string }
	exposed := map[key]bool{}
	if j == nil || responses == nil {
		responses = func(func(Response) bool) {}
		j = &Journey{}
	}
	seqs.Each(responses, func(r Response) bool {
		if ctx.Err() != nil {
			return false
		}
		// A response of no client, or at no time, is no one's (as
		// Analyze and Funnel skip it): it must not count as a client.
		if r.Client == "" || r.Time.IsZero() {
			return true
		}
		st, from, to, ok := j.Resolve(r)
		if !ok || st.Campaign != campaign || r.Time.Before(st.Time) {
			return true
		}
		cl, err := c.Classify(r, st, from, to, r.Time)
		if err != nil {
			return true
		}
		k := key{st.Variant, r.Client}
		exposed[k] = exposed[k] || cl == Escalate
		return true
	})
	if err := ctx.Err(); err != nil {
		return Experiment{}, err
	}
	counts := map[string][2]int{}
	for k, esc := range exposed {
		v := counts[k.variant]
		v[0]++
		if esc {
			v[1]++
		}
		counts[k.variant] = v
	}
	ctl, ok := counts[control]
	if !ok {
		return Experiment{}, optErr("CompareResponders control", control, fmt.Sprintf("no client of campaign %q responded to it", campaign))
	}
	e := Experiment{Campaign: campaign, Control: control}
	for name, v := range counts {
		lo, hi := stats.Wilson(v[1], v[0], 1.96)
		z, p, h := stats.TwoProportion(ctl[1], ctl[0], v[1], v[0])
		e.Variants = append(e.Variants, Variant{Name: name, Exposed: v[0], Escalated: v[1], Rate: float64(v[1]) / float64(v[0]),
			Low: lo, High: hi, Z: z, P: p, Effect: h, ProbBeats: stats.ProbBBeatsA(ctl[1], ctl[0], v[1], v[0]), SmallWarn: v[0] < minSample})
	}
	slices.SortFunc(e.Variants, func(a, b Variant) int { return cmp.Compare(a.Name, b.Name) })
	return e, nil
}

// Compare is [CompareResponders] under its old name.
//
// Deprecated: the name said nothing of what is compared and clashed with
// the version diff of package advisory (now advisory.DiffAlerts); use
// [CompareResponders], or an [ExperimentPlan] for an experiment from
// exposures.
func Compare(ctx context.Context, j *Journey, responses iter.Seq[Response], campaign, control string, minSample int, c Classifier) (Experiment, error) {
	return CompareResponders(ctx, j, responses, campaign, control, minSample, c)
}
