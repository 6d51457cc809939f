package engagementtest_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
	"github.com/engagekit/engagekit/engagement/engagementtest"
	"pgregory.net/rapid"
)

var asOf = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// Clean histories are used whole; spoiled ones are partly rejected, and
// every response is accounted for either way.
func TestHistories(t *testing.T) {
	rejectedSome := false
	rapid.Check(t, func(t *rapid.T) {
		j := engagementtest.Journeys(asOf).Draw(t, "journey")
		clean := engagementtest.Histories(j, asOf, engagementtest.HistoryOptions{}).Draw(t, "clean")
		b := must(engagement.Analyze(context.Background(), j, slices.Values(clean), engagement.Options{AsOf: asOf}))
		if b.Report.In != len(clean) || b.Report.Used != len(clean) {
			t.Fatalf("a clean history was not used whole: %+v", b.Report)
		}
		for _, r := range clean {
			st, _ := j.Stimulus(r.Stimulus)
			if r.Time.Before(st.Time) || r.Time.After(asOf) {
				t.Fatalf("%+v is outside [%v, %v]", r, st.Time, asOf)
			}
		}
		bad := engagementtest.Histories(j, asOf, engagementtest.HistoryOptions{Bad: 0.5, Max: 40}).Draw(t, "bad")
		b = must(engagement.Analyze(context.Background(), j, slices.Values(bad), engagement.Options{AsOf: asOf}))
		rejected := 0
		for _, n := range b.Report.Rejected {
			rejected += n
		}
		rejectedSome = rejectedSome || rejected > 0
		if b.Report.In != len(bad) || b.Report.Used+rejected != len(bad) {
			t.Fatalf("%d responses, report %+v", len(bad), b.Report)
		}
	})
	if !rejectedSome {
		t.Error("no spoiled history had a response rejected")
	}
}

// The checks pass on the library with its default classifier.
func TestCheckDefault(t *testing.T) {
	engagementtest.Check(t, engagement.Options{AsOf: asOf})
}

// CheckClassifier catches a rule that gives something other than a class,
// and one that fails.
func TestCheckClassifierFails(t *testing.T) {
	j := journey(t)
	rs := []engagement.Response{{Client: "ann", Stimulus: "post", Kind: "like", Time: asOf.Add(-time.Hour)}}
	for src, want := range map[string]string{
		`"bogus"`: "gave",
		`response.Value / 0 > 1 ? "escalate" : string(1/0)`: "failed",
	} {
		c, err := engagement.Classifier{}.WithRule(src)
		if err != nil {
			t.Fatal(err)
		}
		err = engagementtest.CheckClassifier(c, j, rs, asOf)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("rule %s: got %v, want an error saying %q", src, err, want)
		}
	}
	if err := engagementtest.CheckClassifier(engagement.Classifier{}, j, rs, asOf); err != nil {
		t.Errorf("the default classifier: %v", err)
	}
}

// CheckBook holds for a small fixed history and, through View, tells
// books apart.
func TestCheckBookAndView(t *testing.T) {
	j := journey(t)
	rs := []engagement.Response{
		{ID: "1", Client: "ann", Stimulus: "post", Kind: "like", Time: asOf.Add(-48 * time.Hour)},
		{ID: "2", Client: "ann", Stimulus: "post", Kind: "click", Setting: "site", Time: asOf.Add(-24 * time.Hour)},
		{ID: "2", Client: "bob", Stimulus: "post", Kind: "unfollow", Time: asOf},
		{Client: "", Stimulus: "post", Kind: "like", Time: asOf},
	}
	o := engagement.Options{AsOf: asOf}
	if err := engagementtest.CheckBook(j, rs, o); err != nil {
		t.Fatal(err)
	}
	a := engagementtest.View(must(engagement.Analyze(context.Background(), j, slices.Values(rs), o)))
	b := engagementtest.View(must(engagement.Analyze(context.Background(), j, slices.Values(rs[:2]), o)))
	if len(a.Scores) != 1 || a.Scores[0].Client != "ann" || a.Report.Rejected[engagement.DuplicateID] != 1 || a.Report.Rejected[engagement.NoClient] != 1 {
		t.Errorf("view of the whole: %+v", a)
	}
	if len(b.Scores) != 1 || b.Report.In != 2 {
		t.Errorf("view of a part: %+v", b)
	}
}

func journey(t *testing.T) *engagement.Journey {
	j, err := engagement.NewJourney([]engagement.Setting{{ID: "feed", Depth: 1}, {ID: "site", Depth: 2}},
		[]engagement.Stimulus{{ID: "post", Setting: "feed", Kind: "post", Time: asOf.Add(-72 * time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// A classifier that looks at the analysis time breaks what CheckBook
// promises: as time passes, yesterday's escalation becomes maintenance,
// and a score component grows without a new response.
func TestCheckBookFails(t *testing.T) {
	j := journey(t)
	c, err := engagement.Classifier{}.WithRule(`daysSince(response.Time) < 10 ? "escalate" : "maintain"`)
	if err != nil {
		t.Fatal(err)
	}
	rs := []engagement.Response{{Client: "ann", Stimulus: "post", Kind: "like", Time: asOf.Add(-time.Hour)}}
	err = engagementtest.CheckBook(j, rs, engagement.Options{AsOf: asOf, Classifier: c})
	if err == nil || !strings.Contains(err.Error(), "grew with time alone") {
		t.Errorf("got %v, want a score that grew with time alone", err)
	}
}

// must is for calls whose options are valid by construction.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
