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
	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

var asOf = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

func daysAgo(n int) time.Time { return asOf.AddDate(0, 0, -n) }

func journey(t testing.TB) *engagement.Journey {
	t.Helper()
	settings := []engagement.Setting{
		{ID: "linkedin", Stage: engagement.PreSale, Depth: 1},
		{ID: "website", Stage: engagement.PreSale, Depth: 2},
		{ID: "podcast", Stage: engagement.PreSale, Depth: 3},
		{ID: "event", Stage: engagement.PreSale, Depth: 4},
		{ID: "meeting", Stage: engagement.PostSale, Depth: 5},
	}
	var stimuli []engagement.Stimulus
	for i, s := range []string{"linkedin", "website", "podcast", "event", "meeting"} {
		stimuli = append(stimuli, engagement.Stimulus{ID: s + "-1", Setting: s, Kind: []string{"post", "article", "episode", "invite", "agenda"}[i],
			Campaign: "spring", Variant: []string{"a", "b"}[i%2], Topic: []string{"pensions", "mortgages"}[i%2], Time: daysAgo(400)})
	}
	stimuli = append(stimuli, engagement.Stimulus{ID: "video", Setting: "linkedin", Kind: "video", Time: daysAgo(400)})
	j, err := engagement.NewJourney(settings, stimuli)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func TestJourneyValidation(t *testing.T) {
	_, err := engagement.NewJourney(
		[]engagement.Setting{{ID: "a"}, {ID: "a"}, {ID: "b", Depth: -1}},
		[]engagement.Stimulus{{ID: "s", Setting: "nope", Time: asOf}, {ID: "t", Setting: "a"}})
	var je *engagement.JourneyError
	if !errors.As(err, &je) || len(err.(interface{ Unwrap() []error }).Unwrap()) != 4 {
		t.Fatalf("want four journey errors, got %v", err)
	}
}

func TestClassification(t *testing.T) {
	j := journey(t)
	li, _ := j.Setting("linkedin")
	web, _ := j.Setting("website")
	st, _ := j.Stimulus("linkedin-1")
	var c engagement.Classifier
	cases := []struct {
		kind string
		to   engagement.Setting
		want engagement.Class
	}{
		{"like", li, engagement.Maintain}, {"share", li, engagement.Maintain},
		{"click", web, engagement.Escalate}, {"unfollow", li, engagement.Disengage},
	}
	for _, k := range cases {
		if got, _ := c.Classify(engagement.Response{Kind: k.kind}, st, li, k.to, asOf); got != k.want {
			t.Errorf("%s: %s, want %s", k.kind, got, k.want)
		}
	}
	c2 := must(must(c.WithKind("share", engagement.Escalate)).WithPair("linkedin", "website", engagement.Maintain))
	if got, _ := c2.Classify(engagement.Response{Kind: "share"}, st, li, li, asOf); got != engagement.Escalate {
		t.Errorf("kind override: %s", got)
	}
	if got, _ := c2.Classify(engagement.Response{Kind: "click"}, st, li, web, asOf); got != engagement.Maintain {
		t.Errorf("pair override: %s", got)
	}
	c3, err := c.WithRule(`response.Value >= 0.9 && stimulus.Kind == "video" ? "escalate" : ""`)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := c3.Classify(engagement.Response{Kind: "watch", Value: 0.95}, engagement.Stimulus{Kind: "video"}, li, li, asOf); got != engagement.Escalate {
		t.Errorf("rule: %s", got)
	}
	if _, err := c.WithRule(`response.Knd`); err == nil {
		t.Error("a rule with an unknown field must not compile")
	}
}

func TestRejectionsAccounted(t *testing.T) {
	j := journey(t)
	rs := []engagement.Response{
		{ID: "1", Client: "a", Stimulus: "linkedin-1", Kind: "like", Time: daysAgo(3)},
		{ID: "1", Client: "a", Stimulus: "linkedin-1", Kind: "like", Time: daysAgo(3)},
		{Client: "a", Stimulus: "nope", Kind: "like", Time: daysAgo(3)},
		{Client: "a", Stimulus: "linkedin-1", Kind: "like"},
		{Client: "a", Stimulus: "linkedin-1", Kind: "like", Time: daysAgo(500)},
		{Client: "a", Stimulus: "linkedin-1", Kind: "like", Time: asOf.AddDate(0, 0, 1)},
		{Client: "a", Stimulus: "linkedin-1", Kind: "watch", Value: math.NaN(), Time: daysAgo(1)},
		{Client: "a", Stimulus: "linkedin-1", Kind: "click", Setting: "mars", Time: daysAgo(1)},
		{Stimulus: "linkedin-1", Kind: "like", Time: daysAgo(1)},
	}
	b := must(engagement.Analyze(context.Background(), j, slices.Values(rs), engagement.Options{AsOf: asOf}))
	want := map[engagement.Reason]int{engagement.DuplicateID: 1, engagement.UnknownStimulus: 1, engagement.ZeroTime: 1,
		engagement.BeforeStimulus: 1, engagement.AfterAsOf: 1, engagement.NaNValue: 1, engagement.UnknownSetting: 1, engagement.NoClient: 1}
	if d := cmp.Diff(want, b.Report.Rejected); d != "" || b.Report.Used != 1 || b.Report.In != len(rs) {
		t.Errorf("report %+v (-want +got):\n%s", b.Report, d)
	}
}

// history builds escalations of one client in the given periods (30 days).
func history(client string, periods ...int) []engagement.Response {
	var out []engagement.Response
	for _, p := range periods {
		out = append(out, engagement.Response{Client: client, Stimulus: "linkedin-1", Kind: "click", Setting: "website", Time: daysAgo(30*p + 1)})
	}
	return out
}

func TestPatternsSuperfansAtRisk(t *testing.T) {
	j := journey(t)
	var rs []engagement.Response
	rs = append(rs, history("habit", 0, 1, 2, 3, 4, 5, 6, 7, 8)...)
	rs = append(rs, history("once", 4)...)
	rs = append(rs, history("sometimes", 1, 5, 9)...)
	rs = append(rs, history("lapsed_fan", 2, 3, 4, 5, 6, 7)...)
	b := must(engagement.Analyze(context.Background(), j, slices.Values(rs), engagement.Options{AsOf: asOf}))
	got := map[string]engagement.Pattern{}
	for _, p := range must(b.Patterns(engagement.PatternRule{})) {
		got[p.Client] = p.Pattern
	}
	want := map[string]engagement.Pattern{"habit": engagement.Habit, "once": engagement.OneOff, "sometimes": engagement.Intermittent, "lapsed_fan": engagement.Intermittent}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("patterns (-want +got):\n%s", d)
	}
	var fans []string
	for _, f := range must(b.Superfans(engagement.SuperfanRule{})) {
		fans = append(fans, f.Client)
	}
	slices.Sort(fans)
	if !cmp.Equal([]string{"habit", "lapsed_fan"}, fans) {
		t.Errorf("superfans %v", fans)
	}
	var risk []string
	for _, r := range must(b.AtRisk(engagement.AtRiskRule{})) {
		risk = append(risk, r.Client)
	}
	if !cmp.Equal([]string{"lapsed_fan"}, risk) {
		t.Errorf("at risk %v", risk)
	}
}

func TestLifecycleAndCrossSell(t *testing.T) {
	j := journey(t)
	rs := []engagement.Response{
		{Client: "new", Stimulus: "meeting-1", Kind: "attend", Time: daysAgo(10)},
		{Client: "prospect", Stimulus: "linkedin-1", Kind: "like", Time: daysAgo(10)},
		{Client: "gone", Stimulus: "meeting-1", Kind: "attend", Time: daysAgo(300)},
		{Client: "prospect", Stimulus: "website-1", Kind: "click", Setting: "podcast", Time: daysAgo(5)},
	}
	b := must(engagement.Analyze(context.Background(), j, slices.Values(rs), engagement.Options{AsOf: asOf}))
	want := []engagement.ClientStage{{Client: "gone", Stage: engagement.Lapsed}, {Client: "new", Stage: engagement.Onboarding}, {Client: "prospect", Stage: engagement.Prospect}}
	if d := cmp.Diff(want, must(b.Lifecycle(engagement.LifecycleRule{}))); d != "" {
		t.Errorf("lifecycle (-want +got):\n%s", d)
	}
	// Onboarding None says zero, which the zero value cannot: no client is
	// onboarding, the new one is active.
	want[1].Stage = engagement.Active
	if d := cmp.Diff(want, must(b.Lifecycle(engagement.LifecycleRule{Onboarding: engagement.None}))); d != "" {
		t.Errorf("lifecycle without onboarding (-want +got):\n%s", d)
	}
	cs := b.CrossSells(func(client, topic string) bool { return topic == "pensions" })
	if !cmp.Equal([]engagement.CrossSell{{Client: "prospect", Topic: "mortgages"}}, cs) {
		t.Errorf("cross-sell %v", cs)
	}
}

func TestChangesFindFallingContent(t *testing.T) {
	j := journey(t)
	var rs []engagement.Response
	for i := range 400 {
		kind, setting := "view", ""
		if i%2 == 0 { // half escalate in the baseline
			kind, setting = "click", "website"
		}
		rs = append(rs, engagement.Response{Client: fmt.Sprint("c", i%200), Stimulus: "video", Kind: kind, Setting: setting, Time: daysAgo(100 + i%150)})
	}
	for i := range 400 {
		kind, setting := "view", ""
		if i%10 == 0 { // a tenth escalate recently
			kind, setting = "click", "website"
		}
		rs = append(rs, engagement.Response{Client: fmt.Sprint("c", i%200), Stimulus: "video", Kind: kind, Setting: setting, Time: daysAgo(1 + i%80)})
	}
	b := must(engagement.Analyze(context.Background(), j, slices.Values(rs), engagement.Options{AsOf: asOf}))
	ch, err := b.Changes(engagement.ChangeOptions{Alpha: 0.01})
	if err != nil || len(ch) == 0 || ch[0].Dimension != "kind" || ch[0].Value != "video" || !ch[0].Falling || ch[0].PAdjusted > 0.01 {
		t.Fatalf("want videos losing popularity, got %+v", ch)
	}
}

func TestFunnelAndBenchmark(t *testing.T) {
	j := journey(t)
	var rs []engagement.Response
	path := []string{"linkedin-1", "website-1", "podcast-1", "event-1", "meeting-1"}
	for c, depth := range []int{5, 3, 3, 1, 2} {
		for s := range depth {
			rs = append(rs, engagement.Response{Client: string(rune('a' + c)), Stimulus: path[s], Kind: "x", Time: daysAgo(50 - s*7)})
		}
	}
	// Reaching the website before LinkedIn does not count as a step.
	rs = append(rs, engagement.Response{Client: "z", Stimulus: "website-1", Kind: "x", Time: daysAgo(60)}, engagement.Response{Client: "z", Stimulus: "linkedin-1", Kind: "x", Time: daysAgo(20)})
	f := must(engagement.Funnel(context.Background(), j, slices.Values(rs), []string{"linkedin", "website", "podcast", "event", "meeting"}, 0)).Steps
	var reached []int
	for _, s := range f {
		reached = append(reached, s.Reached)
	}
	if !cmp.Equal([]int{6, 4, 3, 1, 1}, reached) || f[1].MedianTime != 7*24*time.Hour {
		t.Errorf("funnel %+v", f)
	}
	r := must(engagement.Benchmark("escalation", 0.3, []float64{0.1, 0.2, 0.3, 0.5}))
	if r.Percentile != 62.5 || r.Quartile != 3 {
		t.Errorf("rank %+v", r)
	}
}

// Merge laws: associative, commutative, identity, and merging parts equals
// scoring the whole.
func TestPropertyMergeLaws(t *testing.T) {
	j := journey(t)
	near := func(a, b engagement.Score) bool {
		eq := func(x, y float64) bool { return math.Abs(x-y) <= 1e-9*(1+math.Abs(x)) }
		return a.Responses == b.Responses && eq(a.Escalation, b.Escalation) && eq(a.Maintenance, b.Maintenance) && eq(a.Disengagement, b.Disengagement)
	}
	rapid.Check(t, func(t *rapid.T) {
		rs := genResponses(t, "x")
		cut1 := rapid.IntRange(0, len(rs)).Draw(t, "cut1")
		cut2 := rapid.IntRange(cut1, len(rs)).Draw(t, "cut2")
		score := func(part []engagement.Response, at time.Time) engagement.Score {
			s := must(engagement.Analyze(context.Background(), j, slices.Values(part), engagement.Options{AsOf: at})).Scores()
			if len(s) == 0 {
				return engagement.Score{}
			}
			return s[0]
		}
		whole := score(rs, asOf)
		a, b, c := score(rs[:cut1], asOf), score(rs[cut1:cut2], asOf.AddDate(0, 0, -0)), score(rs[cut2:], asOf)
		if !near(engagement.Merge(engagement.Merge(a, b), c), whole) || !near(engagement.Merge(a, engagement.Merge(b, c)), whole) {
			t.Fatalf("merge of parts differs from the whole")
		}
		if !near(engagement.Merge(a, b), engagement.Merge(b, a)) || !near(engagement.Merge(a, engagement.Score{}), a) {
			t.Fatalf("commutativity or identity fails")
		}
		later := whole.At(asOf.AddDate(0, 0, rapid.IntRange(0, 400).Draw(t, "later")))
		if later.Total() > whole.Total()+1e-9 && whole.Total() >= 0 || later.Escalation > whole.Escalation+1e-9 {
			t.Fatalf("a later as-of raised the score without new responses")
		}
		more := append(slices.Clone(rs), engagement.Response{Client: "x", Stimulus: "linkedin-1", Kind: "click", Setting: "website", Time: daysAgo(rapid.IntRange(0, 300).Draw(t, "when"))})
		if score(more, asOf).Escalation < whole.Escalation {
			t.Fatalf("an added escalation lowered the escalation component")
		}
	})
}

func genResponses(t *rapid.T, client string) []engagement.Response {
	n := rapid.IntRange(0, 30).Draw(t, "n")
	out := make([]engagement.Response, n)
	for i := range out {
		kind := rapid.SampledFrom([]string{"like", "click", "unfollow"}).Draw(t, "kind")
		setting := ""
		if kind == "click" {
			setting = "website"
		}
		out[i] = engagement.Response{Client: client, Stimulus: "linkedin-1", Kind: kind, Setting: setting, Time: daysAgo(rapid.IntRange(0, 300).Draw(t, "age"))}
	}
	return out
}

// Funnel counts never grow down the funnel, and an experiment's statistics
// follow its variants when they are relabelled.
func TestPropertyFunnelAndExperiment(t *testing.T) {
	j := journey(t)
	rapid.Check(t, func(t *rapid.T) {
		var rs []engagement.Response
		for c := range rapid.IntRange(0, 20).Draw(t, "clients") {
			for range rapid.IntRange(0, 6).Draw(t, "responses") {
				st := rapid.SampledFrom([]string{"linkedin-1", "website-1", "podcast-1", "event-1", "meeting-1"}).Draw(t, "st")
				kind := rapid.SampledFrom([]string{"like", "click"}).Draw(t, "k")
				setting := ""
				if kind == "click" {
					setting = "meeting"
				}
				rs = append(rs, engagement.Response{Client: string(rune('a' + c)), Stimulus: st, Kind: kind, Setting: setting, Time: daysAgo(rapid.IntRange(0, 90).Draw(t, "age"))})
			}
		}
		f := must(engagement.Funnel(context.Background(), j, slices.Values(rs), []string{"linkedin", "website", "podcast", "event", "meeting"}, 0)).Steps
		for i := 1; i < len(f); i++ {
			if f[i].Reached > f[i-1].Reached {
				t.Fatalf("funnel grows at step %d: %+v", i, f)
			}
		}
		// A control with no data is an error: then there is nothing to swap.
		e, err1 := engagement.CompareResponders(context.Background(), j, slices.Values(rs), "spring", "a", 10, engagement.Classifier{})
		swapped, err2 := engagement.CompareResponders(context.Background(), j, slices.Values(rs), "spring", "b", 10, engagement.Classifier{})
		if err1 != nil || err2 != nil {
			return
		}
		if len(e.Variants) == 2 && len(swapped.Variants) == 2 {
			if math.Abs(e.Variants[1].Z+swapped.Variants[0].Z) > 1e-9 || math.Abs(e.Variants[1].P-swapped.Variants[0].P) > 1e-9 ||
				math.Abs(e.Variants[1].ProbBeats+swapped.Variants[0].ProbBeats-1) > 0.02 {
				t.Fatalf("relabelling is not symmetric: %+v vs %+v", e.Variants, swapped.Variants)
			}
		}
	})
}

func TestWeightsByKindAndSetting(t *testing.T) {
	j := journey(t)
	rs := []engagement.Response{{Client: "a", Stimulus: "linkedin-1", Kind: "click", Setting: "meeting", Time: asOf}}
	plain := must(engagement.Analyze(context.Background(), j, slices.Values(rs), engagement.Options{AsOf: asOf})).Scores()[0]
	w := engagement.Weights{ByKind: map[string]float64{"click": 2}, BySetting: map[string]float64{"meeting": 1.5}}
	weighted := must(engagement.Analyze(context.Background(), j, slices.Values(rs), engagement.Options{AsOf: asOf, Weights: w})).Scores()[0]
	if plain.Escalation != 3 || weighted.Escalation != 9 {
		t.Errorf("escalation %v plain, %v weighted; want 3 and 9", plain.Escalation, weighted.Escalation)
	}
}

func TestExpectationGap(t *testing.T) {
	j := journey(t)
	rs := []engagement.Response{
		{Client: "a", Stimulus: "meeting-1", Kind: "survey_expected", Value: 9, Time: daysAgo(10)},
		{Client: "a", Stimulus: "meeting-1", Kind: "survey_delivered", Value: 6, Time: daysAgo(5)},
		{Client: "a", Stimulus: "meeting-1", Kind: "survey_delivered", Value: 7, Time: daysAgo(4)},
		{Client: "b", Stimulus: "meeting-1", Kind: "survey_expected", Value: 7, Time: daysAgo(10)},
		{Client: "c", Stimulus: "meeting-1", Kind: "survey_expected", Value: 6, Time: daysAgo(10)},
		{Client: "c", Stimulus: "meeting-1", Kind: "survey_delivered", Value: 8, Time: daysAgo(5)},
	}
	b := must(engagement.Analyze(context.Background(), j, slices.Values(rs), engagement.Options{AsOf: asOf, ExpectedKind: "survey_expected", DeliveredKind: "survey_delivered"}))
	gaps, mean := b.ExpectationGap()
	want := []engagement.Gap{{Client: "a", Expected: 9, Delivered: 6.5, Gap: 2.5}, {Client: "c", Expected: 6, Delivered: 8, Gap: -2}}
	if d := cmp.Diff(want, gaps); d != "" || mean != 0.25 {
		t.Errorf("gaps (-want +got):\n%s mean %v", d, mean)
	}
}

func TestJourneyResolve(t *testing.T) {
	j := journey(t)
	cases := []struct {
		r        engagement.Response
		from, to string
		ok       bool
	}{
		{engagement.Response{Stimulus: "linkedin-1"}, "linkedin", "linkedin", true},
		{engagement.Response{Stimulus: "linkedin-1", Setting: "meeting"}, "linkedin", "meeting", true},
		{engagement.Response{Stimulus: "linkedin-1", Setting: "moon"}, "linkedin", "", false},
		{engagement.Response{Stimulus: "nope"}, "", "", false},
	}
	for _, c := range cases {
		st, from, to, ok := j.Resolve(c.r)
		if ok != c.ok || from.ID != c.from || to.ID != c.to || (ok && st.ID != c.r.Stimulus) {
			t.Errorf("Resolve(%+v) = %s, %s, %s, %v; want %s, %s, %v", c.r, st.ID, from.ID, to.ID, ok, c.from, c.to, c.ok)
		}
	}
}

// must is for calls whose options are valid by construction.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
