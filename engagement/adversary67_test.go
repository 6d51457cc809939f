package engagement_test

// Adversary 67: differential checks of the engagement core (order,
// numbered path against the path by name) and the at-risk rule at its
// exact threshold. Each test fails on the code it was written against.

import (
	"context"
	"slices"
	"testing"

	"github.com/engagekit/engagekit/engagement"
)

// TestAdversary67_DuplicateIDClaimedByUnclassified: Analyze promises "the
// same book for any order" of the responses. Two responses share the id
// "r1": one the classifier's rule refuses (it gives an unknown class
// name, so it is rejected as Unclassified), the other a plain like. Read
// rule-refused first, the refused response claims the id and the like is
// then rejected as a DuplicateID: nothing is used. Read the other way,
// the like is used (Used 1, a score for client "a"). The book depends on
// the order.
//
// Root mechanism (analyze.go: run.response): the id is marked seen
// before the response is classified, so a response that is then rejected
// (Unclassified) still claims its id, while responses rejected by the
// earlier checks (unknown setting, NaN, …) do not.
func TestAdversary67_DuplicateIDClaimedByUnclassified(t *testing.T) {
	j := journey(t)
	c, err := engagement.Classifier{}.WithRule(`response.Kind == "bad" ? "nonsense" : ""`)
	if err != nil {
		t.Fatal(err)
	}
	o := engagement.Options{AsOf: asOf, Classifier: c}
	bad := engagement.Response{ID: "r1", Client: "a", Stimulus: "video", Kind: "bad", Time: daysAgo(3)}
	like := engagement.Response{ID: "r1", Client: "a", Stimulus: "video", Kind: "like", Time: daysAgo(3)}
	ab := must(engagement.Analyze(context.Background(), j, slices.Values([]engagement.Response{bad, like}), o))
	ba := must(engagement.Analyze(context.Background(), j, slices.Values([]engagement.Response{like, bad}), o))
	if ab.Report.Used != ba.Report.Used || len(ab.Scores()) != len(ba.Scores()) {
		t.Errorf("order changes the book: [bad, like] report %+v scores %v; [like, bad] report %+v scores %v",
			ab.Report, ab.Scores(), ba.Report, ba.Scores())
	}
}

// TestAdversary67_EventsAcceptEmptyClient: AnalyzeEvents "gives the same
// book as Analyze over the same responses". A response of no client (an
// empty id) is rejected by Analyze as NoClient; the same response
// numbered for the client "" (clients = [""]) is used by AnalyzeEvents,
// which returns a Score for the client "" that Analyze never gives. The
// doc of AnalyzeEvents warns only about names given twice, not about the
// empty name.
//
// Root mechanism (events.go: run.event / analyzeEvents): the numbered
// path checks only that the client number is in range, never that the
// client's name is not empty, as run.response does (rNoClient).
func TestAdversary67_EventsAcceptEmptyClient(t *testing.T) {
	j := journey(t)
	x := must(engagement.NewIndex(j, "like"))
	rs := []engagement.Response{{Client: "", Stimulus: "video", Kind: "like", Time: daysAgo(3)}}
	o := engagement.Options{AsOf: asOf}
	a := must(engagement.Analyze(context.Background(), j, slices.Values(rs), o))
	e := must(engagement.AnalyzeEvents(context.Background(), x, []string{""}, slices.Values([]engagement.Event{x.Event(0, rs[0])}), o))
	if a.Report.Used != e.Report.Used || len(a.Scores()) != len(e.Scores()) {
		t.Errorf("Analyze: report %+v, scores %v; AnalyzeEvents: report %+v, scores %v",
			a.Report, a.Scores(), e.Report, e.Scores())
	}
}

// TestAdversary67_AtRiskExactThreshold: AtRisk's doc says a client is at
// risk when "in the Recent most recent periods they escalated at less
// than Drop times their own rate over the Baseline periods before". With
// Recent 3, Baseline 6 and Drop 0.4, a client who escalated in 5 of the
// 6 baseline periods and 1 of the 3 recent ones escalated recently at
// 1/3, exactly 0.4 × 5/6 = 1/3: not less, so not at risk. The client is
// reported at risk (0.4 × 0.8333… rounds to 0.33333333333333337 >
// 0.3333333333333333). Likewise Drop 0.8 with 2 recent periods of 3.
//
// Root mechanism (derive.go: Book.AtRisk): the rates are compared as
// rounded floats, recent < Drop*base, where the product's rounding
// decides a tie; counts cross-multiplied (k·Baseline against
// Drop·m·Recent, one rounding) or a tolerance would not.
func TestAdversary67_AtRiskExactThreshold(t *testing.T) {
	j := journey(t)
	// Periods of 30 days: recent escalations in period 0 (and 1 for the
	// second client), baseline escalations in periods 3..7 of 3..8.
	rs := append(history("one_of_three", 0, 3, 4, 5, 6, 7), history("two_of_three", 0, 1, 3, 4, 5, 6, 7)...)
	b := must(engagement.Analyze(context.Background(), j, slices.Values(rs), engagement.Options{AsOf: asOf}))
	for _, c := range []struct {
		drop   float64
		client string
	}{{0.4, "one_of_three"}, {0.8, "two_of_three"}} {
		risk := must(b.AtRisk(engagement.AtRiskRule{Recent: 3, Baseline: 6, Drop: c.drop}))
		for _, r := range risk {
			if r.Client == c.client {
				t.Errorf("Drop %v: %s at risk with recent rate %v, which is exactly Drop × baseline rate %v (not less)",
					c.drop, r.Client, r.RecentRate, r.BaselineRate)
			}
		}
	}
}
