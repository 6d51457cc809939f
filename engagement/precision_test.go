package engagement_test

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
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
			"Analyze":       must(engagement.Analyze(context.Background(), j, slices.Values(rs), o)),
			"AnalyzeEvents": must(engagement.AnalyzeEvents(context.Background(), x, []string{"a"}, slices.Values(events), o)),
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
			must(engagement.Analyze(context.Background(), j, slices.Values([]engagement.Response{r}), o)),
			must(engagement.AnalyzeEvents(context.Background(), x, []string{"a"}, slices.Values([]engagement.Event{x.Event(0, r)}), o)),
		}
		for i, b := range books {
			if got := must(b.Lifecycle(engagement.LifecycleRule{})); len(got) != 1 || got[0].Stage != c.want {
				t.Errorf("path %d, response %v before as-of: %+v, want %s", i, now.Sub(c.at), got, c.want)
			}
		}
	}
}

// TestChunkedPrecision: on the buffered, sorted path (clients enough,
// events out of order) survey values a float32 does not hold (0.7,
// 1e300) and sub-second times come through exactly: the book is byte for
// byte the book of the same events in client order, folded as they come.
func TestChunkedPrecision(t *testing.T) {
	j := journey(t)
	x, _ := engagement.NewIndex(j, "survey_expected", "survey_delivered", "like")
	o := engagement.Options{AsOf: asOf.Add(300 * time.Millisecond), ExpectedKind: "survey_expected", DeliveredKind: "survey_delivered"}
	const clients = 1 << 15
	names := make([]string, clients)
	for i := range names {
		names[i] = fmt.Sprint("c", i)
	}
	values := []float64{0.7, 1e300, -1e300, 3, 0.1, math.Copysign(0, -1), 1e-310, math.MaxFloat32, 2.5}
	r := rand.New(rand.NewPCG(3, 4))
	events := make([]engagement.Event, 200_000)
	for i := range events {
		events[i] = x.Event(uint32(r.IntN(clients)), engagement.Response{Stimulus: "video", Kind: []string{"survey_expected", "survey_delivered", "like"}[r.IntN(3)],
			Value: values[r.IntN(len(values))], Time: asOf.Add(-time.Duration(r.Int64N(int64(400 * 24 * time.Hour))))})
	}
	sorted := slices.Clone(events)
	slices.SortStableFunc(sorted, func(p, q engagement.Event) int { return cmp.Compare(p.Client, q.Client) })
	var enc [2][]byte
	for i, es := range [][]engagement.Event{events, sorted} {
		b := must(engagement.AnalyzeEvents(context.Background(), x, names, slices.Values(es), o))
		if b.Report.Used != len(es) {
			t.Fatalf("%d: %+v", i, b.Report)
		}
		enc[i] = must(b.MarshalBinary())
	}
	if !bytes.Equal(enc[0], enc[1]) {
		t.Fatal("the buffered path's book differs from the arrival-order book")
	}
	// Two clients out of order, to see values whole.
	gaps, _ := must(engagement.AnalyzeEvents(context.Background(), x, names, slices.Values([]engagement.Event{
		{Client: 9, Stimulus: events[0].Stimulus, Kind: 0, Value: 0.7, Time: asOf.Unix() - 10, Nanos: 5},
		{Client: 8, Stimulus: events[0].Stimulus, Kind: 1, Value: 1e300, Time: asOf.Unix() - 10, Nanos: 7},
		{Client: 9, Stimulus: events[0].Stimulus, Kind: 1, Value: 0.2, Time: asOf.Unix() - 9},
		{Client: 8, Stimulus: events[0].Stimulus, Kind: 0, Value: 1e299, Time: asOf.Unix() - 9},
	}), o)).ExpectationGap()
	want := map[string][2]float64{"c9": {0.7, 0.2}, "c8": {1e299, 1e300}}
	for _, g := range gaps {
		if w, ok := want[g.Client]; !ok || g.Expected != w[0] || g.Delivered != w[1] {
			t.Errorf("gap %+v, want expected and delivered %v", g, w)
		}
		delete(want, g.Client)
	}
	if len(want) > 0 {
		t.Errorf("gaps %+v: missing %v", gaps, want)
	}
}
