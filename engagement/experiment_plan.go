package engagement

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"time"
)

// Arm is a variant of an experiment and its planned share of clients.
type Arm struct {
	Variant string `json:"variant"`
	// Weight is the arm's share of the planned split, relative to the
	// other arms' (1 and 1 is a 50/50 split, 2 and 1 is 2:1); positive.
	Weight float64 `json:"weight"`
}

// ExperimentConfig describes an experiment: its arms and planned split,
// its control, what counts as a conversion, and the levels of its tests.
// A zero field means the default its comment names; every other invalid
// value is an [*OptionError] from [NewExperimentPlan].
type ExperimentConfig struct {
	// Experiment is the id exposures carry; required.
	Experiment string `json:"experiment"`
	// Control is the arm every other arm is compared with; required, and
	// one of Arms.
	Control string `json:"control"`
	// Arms are the variants, control included, with the planned split:
	// at least two, each named once.
	Arms []Arm `json:"arms"`
	// Window is how long after a client's first exposure a response
	// converts them: [exposure, exposure+Window); required, positive.
	Window time.Duration `json:"window"`
	// Kinds are the response kinds that convert; Converts is a predicate
	// instead, for anything else (a stimulus, a setting, a value). Give
	// exactly one. Converts must be safe for concurrent use when the
	// plan is.
	Kinds    []string            `json:"kinds,omitempty"`
	Converts func(Response) bool `json:"-"`
	// Alpha is the significance level of the tests and the coverage
	// 1−Alpha of the intervals, in (0, 1); zero means 0.05.
	Alpha float64 `json:"alpha"`
	// Correction adjusts the p-values across the variants compared with
	// the control; nil means [Holm] (the family-wise error rate, as
	// experiment platforms report it).
	Correction *Correction `json:"correction,omitempty"`
	// SRMAlpha is the level of the sample-ratio-mismatch test, in
	// (0, 1); zero means 0.001, the usual level for a check that should
	// almost never fire on a sound experiment.
	SRMAlpha float64 `json:"srm_alpha"`
	// Interval is the spacing of the sequential test's looks, counted
	// back from each analysis's AsOf; zero means a day. At least a
	// second.
	Interval time.Duration `json:"interval"`
	// Tau is the standard deviation of the sequential test's normal
	// mixing distribution of the standardized difference (the
	// difference of rates ÷ the pooled outcome standard deviation
	// √(p̄(1−p̄))), positive; zero means 0.1, a small effect. The test
	// has most power for effects of about this size.
	Tau float64 `json:"tau"`
}

// ExperimentPlan is a checked [ExperimentConfig], compiled once and
// analysed as often as the data grows (every day, say). It is immutable
// and safe for concurrent use by multiple goroutines.
type ExperimentPlan struct {
	cfg        ExperimentConfig
	arms       map[string]int
	control    int
	share      []float64
	kinds      map[string]bool
	correction Correction
}

// NewExperimentPlan checks a configuration and compiles it. Every problem
// is reported, joined, each an [*OptionError]. The plan keeps copies of
// the config's slices.
func NewExperimentPlan(c ExperimentConfig) (*ExperimentPlan, error) {
	c, errs := c.resolve()
	p := &ExperimentPlan{cfg: c, arms: map[string]int{}, control: -1, correction: *c.Correction}
	for i, a := range c.Arms {
		switch _, dup := p.arms[a.Variant]; {
		case a.Variant == "":
			errs = append(errs, optErr("ExperimentConfig.Arms", i, "empty variant"))
		case dup:
			errs = append(errs, optErr("ExperimentConfig.Arms", a.Variant, "listed twice"))
		case !(a.Weight > 0) || math.IsInf(a.Weight, 1):
			errs = append(errs, optErr("ExperimentConfig.Arms weight", a.Weight, fmt.Sprintf("of %q: not a positive number", a.Variant)))
		}
		p.arms[a.Variant] = i
	}
	if i, ok := p.arms[c.Control]; ok {
		p.control = i
	} else {
		errs = append(errs, optErr("ExperimentConfig.Control", c.Control, "not one of the arms"))
	}
	// The shares are the weights over their total, each scaled by the
	// largest first: finite weights near the float64 limit add up to
	// +Inf, which made every share 0.
	largest := 0.0
	for _, a := range c.Arms {
		if a.Weight > largest && !math.IsInf(a.Weight, 1) {
			largest = a.Weight
		}
	}
	total := 0.0
	for _, a := range c.Arms {
		total += a.Weight / largest
	}
	for i, a := range c.Arms {
		p.share = append(p.share, a.Weight/largest/total)
		if p.share[i] == 0 && a.Weight > 0 && largest > 0 {
			// So small beside the largest that its share is below the
			// float64 range: no client is expected in it, and the check
			// of the split would divide by zero.
			errs = append(errs, optErr("ExperimentConfig.Arms weight", a.Weight, fmt.Sprintf("of %q: too small beside the largest weight, %v, to have a share", a.Variant, largest)))
		}
	}
	if len(c.Kinds) > 0 {
		p.kinds = map[string]bool{}
		for _, k := range c.Kinds {
			p.kinds[k] = true
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return p, nil
}

// resolve fills the defaults and checks the scalar fields.
func (c ExperimentConfig) resolve() (ExperimentConfig, []error) {
	var errs []error
	bad := func(name string, v any, msg string) { errs = append(errs, optErr("ExperimentConfig."+name, v, msg)) }
	c.Arms, c.Kinds = slices.Clone(c.Arms), slices.Clone(c.Kinds)
	if c.Experiment == "" {
		bad("Experiment", `""`, "required")
	}
	if len(c.Arms) < 2 {
		bad("Arms", len(c.Arms), "fewer than two arms: nothing to compare")
	}
	if c.Window <= 0 {
		bad("Window", c.Window, "not positive: a conversion window is required")
	}
	if (len(c.Kinds) > 0) == (c.Converts != nil) {
		bad("Kinds", c.Kinds, "give exactly one of Kinds and Converts")
	}
	c.Alpha = level(c.Alpha, 0.05, "Alpha", bad)
	c.SRMAlpha = level(c.SRMAlpha, 0.001, "SRMAlpha", bad)
	switch {
	case c.Interval == 0:
		c.Interval = 24 * time.Hour
	case c.Interval < time.Second:
		bad("Interval", c.Interval, "shorter than a second")
	}
	switch {
	case c.Tau == 0:
		c.Tau = 0.1
	case !(c.Tau > 0) || math.IsInf(c.Tau, 1):
		bad("Tau", c.Tau, "not a positive number")
	}
	corr := Holm
	if c.Correction != nil {
		if corr = *c.Correction; corr > Holm {
			bad("Correction", corr, "unknown correction")
		}
	}
	c.Correction = &corr
	return c, errs
}

// level resolves a significance level: zero is def, otherwise in (0, 1).
func level(v, def float64, name string, bad func(string, any, string)) float64 {
	switch {
	case v == 0:
		return def
	case !(v > 0 && v < 1):
		bad(name, v, "outside (0, 1)")
	case !(v/2 > 0):
		// A two-sided level is split in halves: half of the least
		// float is 0, whose normal quantile is infinite, and every
		// interval then NaN.
		bad(name, v, "so small that half of it is 0")
	}
	return v
}

// Config returns the plan's configuration with its defaults filled in.
func (p *ExperimentPlan) Config() ExperimentConfig {
	if !p.made() {
		return ExperimentConfig{}
	}
	c := p.cfg
	c.Arms, c.Kinds = slices.Clone(c.Arms), slices.Clone(c.Kinds)
	corr := *c.Correction
	c.Correction = &corr
	return c
}

// made reports whether p was made by NewExperimentPlan: a nil or zero plan
// has no arms, no control and no correction to analyse with.
func (p *ExperimentPlan) made() bool { return p != nil && p.arms != nil }

// converts reports whether a response counts as a conversion.
func (p *ExperimentPlan) converts(r *Response) bool {
	if p.kinds != nil {
		return p.kinds[r.Kind]
	}
	return p.cfg.Converts(*r)
}
