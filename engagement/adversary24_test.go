package engagement_test

// The 24th adversary's suite. Each test fails on the code it was written
// against; the comment above each says the promise, the minimal input,
// and what was observed.

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
)

// adv24One analyzes one "like" of stimulus st (maintain) by client "a",
// at, against j with half-life hl, as of asOfT, and returns the client's
// maintenance score.
func adv24One(t *testing.T, j *engagement.Journey, st string, at, asOfT time.Time, hl time.Duration) float64 {
	t.Helper()
	o := engagement.Options{AsOf: asOfT, Weights: engagement.Weights{Escalate: 3, Maintain: 1, Disengage: 2, HalfLife: hl}}
	rs := []engagement.Response{{Client: "a", Stimulus: st, Kind: "like", Time: at}}
	b := must(engagement.Analyze(context.Background(), j, slices.Values(rs), o))
	s := b.Scores()
	if len(s) != 1 || b.Report.Used != 1 {
		t.Fatalf("scores %v, report %+v", s, b.Report)
	}
	return s[0].Maintenance
}

// TestAdversary24_DecayTruncatedToWholeSeconds: a Score is "each class's
// weighted responses, each decayed by its age with the half-life", and
// Options at their limits (HalfLife of 1ns) must give correct results.
// The analysis reads a response's age in whole seconds (run.fold divides
// the age by time.Second before the decay table), so the sub-second part
// of every age is dropped.
//
// Minimal input: one maintain response 900ms before AsOf, HalfLife 1ns:
// Maintenance is 1 (no decay at all) where 2^(-9e8) = 0 is expected;
// with HalfLife 1s, 500ms before AsOf gives 1 instead of 2^-0.5 = 0.707.
// It also breaks Score.At: the book as of T of a response at T-0.4s,
// moved to T+0.8s, is 2^-0.8 = 0.574, while the book as of T+0.8s says
// 2^-1 = 0.5 (both should be 2^-1.2 = 0.435).
func TestAdversary24_DecayTruncatedToWholeSeconds(t *testing.T) {
	j := journey(t)
	cases := []struct {
		hl, age time.Duration
	}{
		{time.Nanosecond, 900 * time.Millisecond},
		{time.Nanosecond, time.Nanosecond},
		{time.Second, 500 * time.Millisecond},
		{time.Second, 1500 * time.Millisecond},
		{time.Minute, 59 * time.Second / 2},
	}
	for _, c := range cases {
		got := adv24One(t, j, "linkedin-1", asOf.Add(-c.age), asOf, c.hl)
		want := math.Exp2(-float64(c.age) / float64(c.hl))
		if math.Abs(got-want) > 1e-9*math.Max(1, want) {
			t.Errorf("HalfLife %v, response %v before AsOf: Maintenance %.6g, want 2^(-%v/%v) = %.6g", c.hl, c.age, got, c.age, c.hl, want)
		}
	}
	// Score.At against a later analysis.
	hl := time.Second
	at := asOf.Add(-400 * time.Millisecond)
	later := asOf.Add(800 * time.Millisecond)
	o := engagement.Options{AsOf: asOf, Weights: engagement.Weights{Escalate: 3, Maintain: 1, Disengage: 2, HalfLife: hl}}
	b := must(engagement.Analyze(context.Background(), j, slices.Values([]engagement.Response{{Client: "a", Stimulus: "linkedin-1", Kind: "like", Time: at}}), o))
	moved := b.Scores()[0].At(later).Maintenance
	direct := adv24One(t, j, "linkedin-1", at, later, hl)
	if math.Abs(moved-direct) > 1e-9 {
		t.Errorf("HalfLife 1s, response at T-0.4s: book as of T moved to T+0.8s gives %.6g, book as of T+0.8s gives %.6g (want both %.6g)",
			moved, direct, math.Exp2(-1.2))
	}
}

// TestAdversary24_AgesSaturateAt292Years: Options at their limits
// (HalfLife of 290 years) must give correct results, and an analysis
// accepts responses of any valid time.Time after their stimulus. The
// analysis measures ages with time.Time.Sub (run.response) or ageOf
// (events), both saturated at 292 years, and decays by the saturated
// age: every response more than 292 years old counts as 292 years old.
//
// Minimal input: HalfLife 290 years (365.25-day years), one maintain
// response 600 years before AsOf (its stimulus 601 years before):
// Maintenance 0.497 (= 2^(-292.3/290)) instead of 2^(-600/290) = 0.238;
// a response 300 years old scores the same 0.497 instead of 0.488. The
// numbered path (AnalyzeEvents) gives the same wrong value.
func TestAdversary24_AgesSaturateAt292Years(t *testing.T) {
	hl := time.Duration(290 * 365.25 * 24 * float64(time.Hour))
	for _, years := range []int{300, 600} {
		at := asOf.AddDate(-years, 0, 0)
		j := must(engagement.NewJourney([]engagement.Setting{{ID: "s"}},
			[]engagement.Stimulus{{ID: "x", Setting: "s", Time: at.AddDate(-1, 0, 0)}}))
		// The exact age, in seconds (no Duration holds it).
		ageSec := float64(asOf.Unix() - at.Unix())
		want := math.Exp2(-ageSec / hl.Seconds())
		got := adv24One(t, j, "x", at, asOf, hl)
		if math.Abs(got-want) > 1e-9 {
			t.Errorf("HalfLife 290y, response %d years before AsOf: Maintenance %.6g, want 2^(-%d/290) = %.6g", years, got, years, want)
		}
		x := must(engagement.NewIndex(j, "like"))
		e := x.Event(0, engagement.Response{Client: "a", Stimulus: "x", Kind: "like", Time: at})
		o := engagement.Options{AsOf: asOf, Weights: engagement.Weights{Escalate: 3, Maintain: 1, Disengage: 2, HalfLife: hl}}
		eb := must(engagement.AnalyzeEvents(context.Background(), x, []string{"a"}, slices.Values([]engagement.Event{e}), o))
		if s := eb.Scores(); len(s) != 1 || math.Abs(s[0].Maintenance-want) > 1e-9 {
			t.Errorf("AnalyzeEvents, response %d years before AsOf: scores %v, want Maintenance %.6g", years, s, want)
		}
	}
}
