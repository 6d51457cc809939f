package engagement_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
	"github.com/google/go-cmp/cmp"
)

// An analysis reads times only against each other and as-of: moved whole
// by four centuries either way (past 2262, where UnixNano wraps, and
// before 1678), an experiment's report is the same, and so are a funnel's
// steps with its responses moved past 2262.
func TestFarTimesMoveTogether(t *testing.T) {
	for _, by := range []int{400, -400} {
		shift := func(at time.Time) time.Time { return at.AddDate(by, 0, 0) }
		xs, rs := expData(armData{"a", 200, 30}, armData{"b", 200, 45})
		p := plan(t, engagement.ExperimentConfig{Control: "a", Arms: ab(), Interval: 24 * time.Hour})
		want := analyze(t, p, xs, rs, nil)
		for i := range xs {
			xs[i].Time = shift(xs[i].Time)
		}
		for i := range rs {
			rs[i].Time = shift(rs[i].Time)
		}
		got, err := p.Analyze(context.Background(), engagement.ExperimentData{AsOf: shift(want.AsOf),
			Exposures: slices.Values(xs), Responses: slices.Values(rs)})
		if err != nil {
			t.Fatalf("moved by %d years: %v", by, err)
		}
		got.AsOf = want.AsOf
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("moved by %d years (-as given +moved):\n%s", by, d)
		}
	}
	j := journey(t)
	var fs []engagement.Response
	path := []string{"linkedin-1", "website-1", "podcast-1"}
	for c, depth := range []int{3, 2, 3, 1} {
		for s := range depth {
			fs = append(fs, engagement.Response{Client: string(rune('a' + c)), Stimulus: path[s], Kind: "x", Time: daysAgo(50 - s*7 - c)})
		}
	}
	steps := []string{"linkedin", "website", "podcast"}
	want := must(engagement.Funnel(context.Background(), j, slices.Values(fs), steps, 10*24*time.Hour))
	for i := range fs {
		fs[i].Time = fs[i].Time.AddDate(250, 0, 0) // past 2262; the stimuli stay, the responses still follow them
	}
	got := must(engagement.Funnel(context.Background(), j, slices.Values(fs), steps, 10*24*time.Hour))
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("funnel moved by 250 years (-as given +moved):\n%s", d)
	}
	// Three centuries after the journey's first stimulus is past what a
	// funnel's nanoseconds hold: rejected, named, counted.
	far := append(slices.Clone(fs), engagement.Response{Client: "z", Stimulus: "linkedin-1", Kind: "x", Time: fs[0].Time.AddDate(300, 0, 0)})
	got = must(engagement.Funnel(context.Background(), j, slices.Values(far), steps, 0))
	if got.Report.Rejected[engagement.BadTime] != 1 || got.Report.In != len(far) {
		t.Errorf("a response 300 years after the journey begins: report %+v, want it rejected as %s", got.Report, engagement.BadTime)
	}
}
