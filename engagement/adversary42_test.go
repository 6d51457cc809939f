package engagement_test

// Adversary 42: failing tests, one defect each, for classification rules.

import (
	"context"
	"errors"
	"iter"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
)

// TestAdversary42_EventsRuleCannotSeeResponseID: AnalyzeEvents "gives the
// same book as Analyze over the same responses", and a classification
// rule "sees a numbered event by name". ClassifyEnv hands the rule the
// whole Response, its ID included, but an Event carries no id: the
// numbered path rebuilds the response with an empty ID. A rule
// escalating responses whose id marks them as booked through the adviser
// desk (`response.ID startsWith "desk-"`) escalates under Analyze and
// maintains under AnalyzeEvents: two books of the same responses, and no
// error or rejection says the rule could not be decided.
func TestAdversary42_EventsRuleCannotSeeResponseID(t *testing.T) {
	j := journey(t)
	x := must(engagement.NewIndex(j, "like"))
	c := must(engagement.Classifier{}.WithRule(`response.ID startsWith "desk-" ? "escalate" : ""`))
	o := engagement.Options{AsOf: asOf, Classifier: c}
	rs := []engagement.Response{{ID: "desk-1", Client: "ann", Stimulus: "linkedin-1", Kind: "like", Time: daysAgo(3)}}
	ctx := context.Background()
	// Fixed by refusing such a rule on the numbered path, which has no id
	// to give it (rewritten to that contract): the error, on both
	// AnalyzeEvents and AnalyzeParallel; Analyze by name still takes it.
	if _, err := engagement.Analyze(ctx, j, slices.Values(rs), o); err != nil {
		t.Fatal(err)
	}
	events := slices.Values([]engagement.Event{x.Event(0, rs[0])})
	if _, err := engagement.AnalyzeEvents(ctx, x, []string{"ann"}, events, o); !errors.Is(err, engagement.ErrInvalidOption) {
		t.Errorf("AnalyzeEvents with a rule reading response.ID: %v, want an option error", err)
	}
	if _, err := engagement.AnalyzeParallel(ctx, x, []string{"ann"}, []iter.Seq[engagement.Event]{events}, o); !errors.Is(err, engagement.ErrInvalidOption) {
		t.Errorf("AnalyzeParallel with a rule reading response.ID: %v, want an option error", err)
	}
}

// TestAdversary42_ClassifyReadsTimeInOwnZone: WithRule: "The rule reads a
// response's time in the zone of Options.AsOf (the analysis's calendar
// ...), on every path alike." Classifier.Classify, given the analysis's
// as-of as now, hands the rule the response's time in the response's own
// zone: a rule escalating morning responses (response.Time.Hour() < 12)
// classifies a like at 20:00 in Tokyo (11:00 UTC) as maintain through
// Classify and as escalate through Analyze with the same as-of (UTC).
func TestAdversary42_ClassifyReadsTimeInOwnZone(t *testing.T) {
	j := journey(t)
	c := must(engagement.Classifier{}.WithRule(`response.Time.Hour() < 12 ? "escalate" : "maintain"`))
	tokyo := time.FixedZone("JST", 9*3600)
	r := engagement.Response{Client: "ann", Stimulus: "linkedin-1", Kind: "like", Time: time.Date(2026, 11, 20, 20, 0, 0, 0, tokyo)}
	b := must(engagement.Analyze(context.Background(), j, slices.Values([]engagement.Response{r}), engagement.Options{AsOf: asOf, Classifier: c}))
	s := b.Scores()
	if len(s) != 1 {
		t.Fatalf("setup: %+v", s)
	}
	analyzed := engagement.Maintain
	if s[0].Escalation > 0 {
		analyzed = engagement.Escalate
	}
	st, from, to, ok := j.Resolve(r)
	if !ok {
		t.Fatal("setup: response does not resolve")
	}
	got, err := c.Classify(r, st, from, to, asOf)
	if err != nil || got != analyzed {
		t.Errorf("Classify(…, asOf %v) = %v, %v; Analyze with the same as-of classified it %v", asOf, got, err, analyzed)
	}
}
