package engagement_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
)

// TestSurveyPrecision: survey answers keep float64 precision on both
// paths (they were float32: 0.7 came back 0.699999988 and 1e300 as +Inf).
func TestSurveyPrecision(t *testing.T) {
	j := journey(t)
	o := engagement.Options{AsOf: asOf, ExpectedKind: "expected", DeliveredKind: "delivered"}
	for _, c := range []struct{ expected, delivered float64 }{{0.7, 0.2}, {1e300, 1e299}} {
		rs := []engagement.Response{{Client: "a", Stimulus: "video", Kind: "expected", Value: c.expected, Time: daysAgo(3)},
			{Client: "a", Stimulus: "video", Kind: "delivered", Value: c.delivered, Time: daysAgo(2)}}
		x, _ := engagement.NewIndex(j, "expected", "delivered")
		events := []engagement.Event{x.Event(0, rs[0]), x.Event(0, rs[1])}
		for name, b := range map[string]*engagement.Book{
			"Analyze":       engagement.Analyze(context.Background(), j, slices.Values(rs), o),
			"AnalyzeEvents": engagement.AnalyzeEvents(context.Background(), x, []string{"a"}, slices.Values(events), o),
		} {
			gaps, mean := b.ExpectationGap()
			if len(gaps) != 1 || gaps[0].Expected != c.expected || gaps[0].Delivered != c.delivered || mean != c.expected-c.delivered {
				t.Errorf("%s: %+v mean %v, want %v − %v", name, gaps, mean, c.expected, c.delivered)
			}
		}
	}
}

// TestSubSecondBoundaries: a post-sale response half a second older than
// the onboarding window is past it, on both paths, although its whole
// seconds would put it exactly on the boundary.
func TestSubSecondBoundaries(t *testing.T) {
	j := journey(t)
	now := asOf.Add(700 * time.Millisecond)
	onboarding := 60 * 24 * time.Hour
	x, _ := engagement.NewIndex(j, "agenda")
	for _, c := range []struct {
		at   time.Time
		want engagement.LifeStage
	}{
		{now.Add(-onboarding - 500*time.Millisecond), engagement.Active},
		{now.Add(-onboarding), engagement.Onboarding},
		{now.Add(-onboarding + time.Nanosecond), engagement.Onboarding},
	} {
		r := engagement.Response{Client: "a", Stimulus: "meeting-1", Kind: "agenda", Time: c.at}
		o := engagement.Options{AsOf: now}
		books := []*engagement.Book{
			engagement.Analyze(context.Background(), j, slices.Values([]engagement.Response{r}), o),
			engagement.AnalyzeEvents(context.Background(), x, []string{"a"}, slices.Values([]engagement.Event{x.Event(0, r)}), o),
		}
		for i, b := range books {
			if got := must(b.Lifecycle(engagement.LifecycleRule{})); len(got) != 1 || got[0].Stage != c.want {
				t.Errorf("path %d, response %v before as-of: %+v, want %s", i, now.Sub(c.at), got, c.want)
			}
		}
	}
}
