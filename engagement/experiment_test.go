package engagement_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
)

// armData is an arm of a generated experiment: n clients exposed, the
// first x of whom convert an hour later.
type armData struct {
	variant string
	n, x    int
}

var expStart = time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)

// expData generates one exposure per client, a minute apart, and a
// "book" response an hour after it for the converted.
func expData(arms ...armData) ([]engagement.Exposure, []engagement.Response) {
	var xs []engagement.Exposure
	var rs []engagement.Response
	k := 0
	for _, a := range arms {
		for i := range a.n {
			id := fmt.Sprintf("%s-%d", a.variant, i)
			t := expStart.Add(time.Duration(k) * time.Second)
			k++
			xs = append(xs, engagement.Exposure{Client: id, Experiment: "spring", Variant: a.variant, Time: t})
			if i < a.x {
				rs = append(rs, engagement.Response{Client: id, Stimulus: "s", Kind: "book", Time: t.Add(time.Hour)})
			}
		}
	}
	return xs, rs
}

func plan(t testing.TB, c engagement.ExperimentConfig) *engagement.ExperimentPlan {
	t.Helper()
	if c.Experiment == "" {
		c.Experiment = "spring"
	}
	if c.Window == 0 {
		c.Window = 7 * 24 * time.Hour
	}
	if c.Kinds == nil && c.Converts == nil {
		c.Kinds = []string{"book"}
	}
	p, err := engagement.NewExperimentPlan(c)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func analyze(t testing.TB, p *engagement.ExperimentPlan, xs []engagement.Exposure, rs []engagement.Response, pre map[string]float64) engagement.ExperimentReport {
	t.Helper()
	r, err := p.Analyze(context.Background(), engagement.ExperimentData{AsOf: expStart.AddDate(0, 3, 0),
		Exposures: slices.Values(xs), Responses: slices.Values(rs), Pre: pre})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func ab() []engagement.Arm { return []engagement.Arm{{"a", 1}, {"b", 1}} }

// TestExperimentAspirin is the Physicians' Health Study as Agresti
// reports it (An Introduction to Categorical Data Analysis, 2nd ed.,
// 2007, §2.2.3–2.2.4 and §2.4): myocardial infarction in 189 of 11,034
// on placebo and 104 of 11,037 on aspirin. Agresti gives the difference
// 0.0077 with 95% interval (0.005, 0.011), the relative risk 1.82 with
// 95% interval (1.43, 2.30), and Pearson's X² = 25.01 (the square of the
// pooled z). Here aspirin is the control and placebo the variant, so the
// lift is the relative risk minus one. Independently, the test
// recomputes Pearson's X² from the 2×2 table, Σ(O−E)²/E.
func TestExperimentAspirin(t *testing.T) {
	xs, rs := expData(armData{"a", 11037, 104}, armData{"b", 11034, 189})
	r := analyze(t, plan(t, engagement.ExperimentConfig{Control: "a", Arms: ab()}), xs, rs, nil)
	c := r.Comparisons[0]
	round := func(v float64, d int) float64 { s := math.Pow(10, float64(d)); return math.Round(v*s) / s }
	if round(c.Diff, 4) != 0.0077 || round(c.DiffLow, 3) != 0.005 || round(c.DiffHigh, 3) != 0.011 {
		t.Errorf("difference %v (%v, %v), want 0.0077 (0.005, 0.011)", c.Diff, c.DiffLow, c.DiffHigh)
	}
	// Agresti's interval is printed to two decimals from rounded
	// intermediate values; at this size Koopman's score interval agrees
	// with it.
	if !c.HasLift || round(1+c.Lift, 2) != 1.82 || math.Abs(1+c.LiftLow-1.43) > 0.01 || math.Abs(1+c.LiftHigh-2.30) > 0.01 {
		t.Errorf("relative risk %v (%v, %v), want 1.82 (1.43, 2.30)", 1+c.Lift, 1+c.LiftLow, 1+c.LiftHigh)
	}
	// Both arms convert every client: the lift is 0, and its interval is
	// (n/(n + z²), 1 + z²/n) − 1, not the point 0 the Katz interval gave.
	xs, rs = expData(armData{"a", 10, 10}, armData{"b", 10, 10})
	all := analyze(t, plan(t, engagement.ExperimentConfig{Control: "a", Arms: ab()}), xs, rs, nil).Comparisons[0]
	z2 := 1.959963984540054 * 1.959963984540054
	if !all.HasLift || all.Lift != 0 || math.Abs(all.LiftLow-(10/(10+z2)-1)) > 1e-9 || math.Abs(all.LiftHigh-z2/10) > 1e-9 {
		t.Errorf("both arms all converted: lift %v (%v, %v), want 0 (%v, %v)", all.Lift, all.LiftLow, all.LiftHigh, 10/(10+z2)-1, z2/10)
	}
	x2 := 0.0
	for _, cell := range [][3]float64{{104, 11037, 293}, {11037 - 104, 11037, 22071 - 293}, {189, 11034, 293}, {11034 - 189, 11034, 22071 - 293}} {
		e := cell[1] * cell[2] / 22071
		x2 += (cell[0] - e) * (cell[0] - e) / e
	}
	if math.Abs(c.Z*c.Z-x2) > 1e-9 || round(c.Z*c.Z, 1) != 25.0 {
		t.Errorf("z² = %v, want Pearson X² %v (Agresti: 25.01)", c.Z*c.Z, x2)
	}
	if want := math.Erfc(c.Z / math.Sqrt2); math.Abs(c.P-want) > 1e-12*want || c.P > 1e-6 || !c.Significant {
		t.Errorf("p = %v, want erfc(z/√2) = %v, significant", c.P, want)
	}
	if c.PAdjusted != c.P || c.ProbBeats < 0.9999 || c.ExpectedLoss > 1e-6 {
		t.Errorf("one variant: adjusted %v, P(beats) %v, loss %v", c.PAdjusted, c.ProbBeats, c.ExpectedLoss)
	}
}

// TestExperimentWilson checks the arms' intervals against Newcombe,
// "Two-sided confidence intervals for the single proportion" (Statistics
// in Medicine 17, 1998), Table I, score method: 81/263 gives
// (0.2553, 0.3662), 15/148 gives (0.0624, 0.1605) and 0/20 gives
// (0, 0.1611).
func TestExperimentWilson(t *testing.T) {
	xs, rs := expData(armData{"a", 263, 81}, armData{"b", 148, 15}, armData{"c", 20, 0})
	p := plan(t, engagement.ExperimentConfig{Control: "a", Arms: []engagement.Arm{{"a", 1}, {"b", 1}, {"c", 1}}})
	r := analyze(t, p, xs, rs, nil)
	want := [][2]float64{{0.2553, 0.3662}, {0.0624, 0.1605}, {0, 0.1611}}
	for i, a := range r.Arms {
		if math.Abs(a.Low-want[i][0]) > 5e-5 || math.Abs(a.High-want[i][1]) > 5e-5 {
			t.Errorf("%s %d/%d: [%.4f, %.4f], want %v", a.Variant, a.Converted, a.Exposed, a.Low, a.High, want[i])
		}
	}
	if c := r.Comparisons[1]; c.HasLift || c.Lift != 0 {
		t.Errorf("no conversion in c: lift %+v", c)
	}
}

// TestExperimentHolm: several variants are adjusted by Holm by default
// (p̃₍ᵢ₎ = max_{j≤i} (m−j+1)·p₍ⱼ₎, computed here by hand) and by
// Benjamini–Hochberg on request; the Bayesian probabilities of beating
// the control are exact and sum with their mirror images to one.
func TestExperimentHolm(t *testing.T) {
	xs, rs := expData(armData{"a", 1000, 100}, armData{"b", 1000, 130}, armData{"c", 1000, 120}, armData{"d", 1000, 95})
	arms := []engagement.Arm{{"a", 1}, {"b", 1}, {"c", 1}, {"d", 1}}
	r := analyze(t, plan(t, engagement.ExperimentConfig{Control: "a", Arms: arms}), xs, rs, nil)
	if r.Correction != engagement.Holm {
		t.Errorf("default correction %v", r.Correction)
	}
	cs := r.Comparisons
	pb, pc, pd := cs[0].P, cs[1].P, cs[2].P
	if !(pb < pc && pc < pd) {
		t.Fatalf("p order %v %v %v", pb, pc, pd)
	}
	holm := []float64{3 * pb, max(3*pb, 2*pc), min(1, max(3*pb, 2*pc, pd))}
	for i, c := range cs {
		if math.Abs(c.PAdjusted-holm[i]) > 1e-15 {
			t.Errorf("%s: Holm %v, want %v", c.Variant, c.PAdjusted, holm[i])
		}
		if c.Significant != (c.PAdjusted <= 0.05) {
			t.Errorf("%s: significant %v at adjusted p %v", c.Variant, c.Significant, c.PAdjusted)
		}
	}
	bh := engagement.BenjaminiHochberg
	r = analyze(t, plan(t, engagement.ExperimentConfig{Control: "a", Arms: arms, Correction: &bh}), xs, rs, nil)
	if got, want := r.Comparisons[1].PAdjusted, min(3*pc/2, pd); math.Abs(got-want) > 1e-15 {
		t.Errorf("BH of c: %v, want %v", got, want)
	}
	// The mirror image: d against a, then a against d.
	xs2, rs2 := expData(armData{"d", 1000, 95}, armData{"a", 1000, 100})
	m := analyze(t, plan(t, engagement.ExperimentConfig{Control: "d", Arms: []engagement.Arm{{"d", 1}, {"a", 1}}}), xs2, rs2, nil)
	if s := m.Comparisons[0].ProbBeats + cs[2].ProbBeats; math.Abs(s-1) > 0.01 {
		t.Errorf("P(d > a) + P(a > d) = %v", s)
	}
	if d := m.Comparisons[0].ExpectedLoss - cs[2].ExpectedLoss - (cs[2].Diff * 1000 / 1002); math.Abs(d) > 1e-9 {
		t.Errorf("loss identity off by %v", d)
	}
}

// TestExperimentEdges is the table of edge cases: what is excluded and
// counted, and what is an error.
func TestExperimentEdges(t *testing.T) {
	at := func(h int) time.Time { return expStart.Add(time.Duration(h) * time.Hour) }
	x := func(client, variant string, h int) engagement.Exposure {
		return engagement.Exposure{Client: client, Experiment: "spring", Variant: variant, Time: at(h)}
	}
	book := func(client string, h int) engagement.Response {
		return engagement.Response{Client: client, Stimulus: "s", Kind: "book", Time: at(h)}
	}
	p := plan(t, engagement.ExperimentConfig{Control: "a", Arms: ab(), Window: 48 * time.Hour})
	cases := []struct {
		name  string
		xs    []engagement.Exposure
		rs    []engagement.Response
		check func(engagement.ExperimentReport, error) string
	}{
		{"no data", nil, nil, wantErr(engagement.ErrNoControlData)},
		{"control empty", []engagement.Exposure{x("c1", "b", 0)}, nil, wantErr(engagement.ErrNoControlData)},
		{"control only in another experiment", []engagement.Exposure{{Client: "c1", Experiment: "autumn", Variant: "a", Time: at(0)}, x("c2", "b", 0)}, nil,
			wantErr(engagement.ErrNoControlData)},
		{"variant empty", []engagement.Exposure{x("c1", "a", 0), x("c2", "a", 0)}, []engagement.Response{book("c1", 1)},
			func(r engagement.ExperimentReport, err error) string {
				c := r.Comparisons[0]
				if err != nil || c.P != 1 || c.Significant || c.Sequential.P != 1 || r.Arms[1].Exposed != 0 || r.Arms[1].High != 1 {
					return fmt.Sprintf("%v %+v %+v", err, c, r.Arms)
				}
				return ""
			}},
		{"several variants excluded", []engagement.Exposure{x("c1", "a", 0), x("c1", "b", 1), x("c1", "a", 2), x("c2", "a", 0), x("c2", "a", 5), x("c3", "b", 0)},
			[]engagement.Response{book("c1", 3), book("c2", 6)},
			func(r engagement.ExperimentReport, err error) string {
				n := r.Counts
				if err != nil || n.MultiVariant != 1 || n.Clients != 2 || n.Used != 6 || r.Arms[0].Exposed != 1 || r.Arms[0].Converted != 1 || r.Arms[1].Exposed != 1 {
					return fmt.Sprintf("%v %+v %+v", err, n, r.Arms)
				}
				return ""
			}},
		{"rejected exposures counted", []engagement.Exposure{x("c1", "a", 0), x("c2", "z", 0), x("", "a", 0), {Client: "c3", Experiment: "spring", Variant: "a"},
			{Client: "c4", Experiment: "other", Variant: "a", Time: at(0)}, x("c5", "b", 24*200)}, nil,
			func(r engagement.ExperimentReport, err error) string {
				n := r.Counts
				if err != nil || n.Exposures != 6 || n.Used != 1 || n.UnknownVariant != 1 || n.Invalid != 2 || n.OtherExperiment != 1 || n.AfterAsOf != 1 {
					return fmt.Sprintf("%v %+v", err, n)
				}
				return ""
			}},
		{"conversion window", []engagement.Exposure{x("c1", "a", 10), x("c2", "a", 10), x("c3", "a", 10), x("c4", "b", 10), x("c5", "b", 10)},
			[]engagement.Response{book("c1", 9), book("c2", 58), {Client: "c3", Kind: "like", Time: at(11)}, book("c4", 10), book("c5", 57), book("c9", 11)},
			func(r engagement.ExperimentReport, err error) string {
				// Before the exposure, at its end, another kind, or an
				// unexposed client do not convert; at the exposure and
				// inside the window do.
				if err != nil || r.Arms[0].Converted != 0 || r.Arms[1].Converted != 2 || r.Counts.Conversions != 2 || r.Counts.Responses != 6 {
					return fmt.Sprintf("%v %+v %+v", err, r.Arms, r.Counts)
				}
				return ""
			}},
		{"SRM detected", func() []engagement.Exposure { xs, _ := expData(armData{"a", 600, 0}, armData{"b", 400, 0}); return xs }(), nil,
			func(r engagement.ExperimentReport, err error) string {
				// χ² = 2·100²/500 = 40 on one degree of freedom.
				if err != nil || !r.SRM.Mismatch || math.Abs(r.SRM.ChiSquare-40) > 1e-9 || r.SRM.P > 1e-9 {
					return fmt.Sprintf("%v %+v", err, r.SRM)
				}
				return ""
			}},
		{"no SRM", func() []engagement.Exposure { xs, _ := expData(armData{"a", 510, 0}, armData{"b", 490, 0}); return xs }(), nil,
			func(r engagement.ExperimentReport, err error) string {
				// The exact binomial test, in rationals: Σ of the counts no more likely than 510 of 1,000.
				if err != nil || r.SRM.Mismatch || math.Abs(r.SRM.P-0.547972745923477) > 1e-12 || math.Abs(r.SRM.ChiSquare-0.4) > 1e-12 {
					return fmt.Sprintf("%v %+v", err, r.SRM)
				}
				return ""
			}},
	}
	for _, c := range cases {
		r, err := p.Analyze(context.Background(), engagement.ExperimentData{AsOf: expStart.AddDate(0, 3, 0), Exposures: slices.Values(c.xs), Responses: slices.Values(c.rs)})
		if msg := c.check(r, err); msg != "" {
			t.Errorf("%s: %s", c.name, msg)
		}
	}
	if _, err := p.Analyze(context.Background(), engagement.ExperimentData{}); !errors.Is(err, engagement.ErrInvalidOption) {
		t.Errorf("zero AsOf: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	xs, _ := expData(armData{"a", 5000, 0}, armData{"b", 5000, 0})
	if _, err := p.Analyze(ctx, engagement.ExperimentData{AsOf: expStart.AddDate(0, 3, 0), Exposures: slices.Values(xs)}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func wantErr(target error) func(engagement.ExperimentReport, error) string {
	return func(_ engagement.ExperimentReport, err error) string {
		if !errors.Is(err, target) {
			return fmt.Sprintf("error %v, want %v", err, target)
		}
		return ""
	}
}

// TestExperimentConfigRejected: every invalid option is an OptionError
// from the constructor, never a default.
func TestExperimentConfigRejected(t *testing.T) {
	ok := engagement.ExperimentConfig{Experiment: "e", Control: "a", Arms: ab(), Window: time.Hour, Kinds: []string{"book"}}
	bad := engagement.Correction(7)
	cases := map[string]func(*engagement.ExperimentConfig){
		"no experiment":      func(c *engagement.ExperimentConfig) { c.Experiment = "" },
		"one arm":            func(c *engagement.ExperimentConfig) { c.Arms = c.Arms[:1] },
		"arm twice":          func(c *engagement.ExperimentConfig) { c.Arms = []engagement.Arm{{"a", 1}, {"a", 1}} },
		"empty variant":      func(c *engagement.ExperimentConfig) { c.Arms = []engagement.Arm{{"a", 1}, {"", 1}} },
		"zero weight":        func(c *engagement.ExperimentConfig) { c.Arms = []engagement.Arm{{"a", 1}, {"b", 0}} },
		"NaN weight":         func(c *engagement.ExperimentConfig) { c.Arms = []engagement.Arm{{"a", math.NaN()}, {"b", 1}} },
		"control not arm":    func(c *engagement.ExperimentConfig) { c.Control = "typo" },
		"no window":          func(c *engagement.ExperimentConfig) { c.Window = 0 },
		"kinds and func":     func(c *engagement.ExperimentConfig) { c.Converts = func(engagement.Response) bool { return true } },
		"neither":            func(c *engagement.ExperimentConfig) { c.Kinds = nil },
		"alpha 1":            func(c *engagement.ExperimentConfig) { c.Alpha = 1 },
		"alpha NaN":          func(c *engagement.ExperimentConfig) { c.Alpha = math.NaN() },
		"SRM alpha":          func(c *engagement.ExperimentConfig) { c.SRMAlpha = -0.1 },
		"interval":           func(c *engagement.ExperimentConfig) { c.Interval = time.Millisecond },
		"tau":                func(c *engagement.ExperimentConfig) { c.Tau = -1 },
		"unknown correction": func(c *engagement.ExperimentConfig) { c.Correction = &bad },
	}
	for name, f := range cases {
		c := ok
		c.Arms = slices.Clone(ok.Arms)
		f(&c)
		if p, err := engagement.NewExperimentPlan(c); !errors.Is(err, engagement.ErrInvalidOption) || p != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	p, err := engagement.NewExperimentPlan(ok)
	if err != nil {
		t.Fatal(err)
	}
	c := p.Config()
	if c.Alpha != 0.05 || c.SRMAlpha != 0.001 || c.Interval != 24*time.Hour || c.Tau != 0.1 || *c.Correction != engagement.Holm {
		t.Errorf("defaults %+v", c)
	}
}

// TestExperimentPlanConcurrent: one plan analysed from several goroutines
// gives each the same report (run with -race).
func TestExperimentPlanConcurrent(t *testing.T) {
	xs, rs := expData(armData{"a", 300, 30}, armData{"b", 300, 45})
	p := plan(t, engagement.ExperimentConfig{Control: "a", Arms: ab()})
	want := analyze(t, p, xs, rs, nil)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			got, err := p.Analyze(context.Background(), engagement.ExperimentData{AsOf: want.AsOf, Exposures: slices.Values(xs), Responses: slices.Values(rs)})
			if err == nil && fmt.Sprint(got) != fmt.Sprint(want) {
				err = fmt.Errorf("concurrent report differs: %+v", got)
			}
			errs <- err
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
