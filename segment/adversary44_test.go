package segment

// Adversary 44: failing tests, one defect each, for package segment.

import (
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/engagement"
)

var a44Now = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

// Promise broken: doc.go: "Every client gets exactly one segment with the
// reason (the two values and the thresholds), or, when its numbers are
// unknown (NaN), an error: never a segment by default"; the standard "NaN
// never decides"; Threshold.resolve refuses At(NaN) because "Every
// comparison with NaN is false ...: the threshold would decide nothing,
// silently". Cut is exported data a host keeps and rebuilds (Scatter
// speaks of "a hand-made one").
// Observed: Cut.Assign compares with the cut's values unchecked: with a
// Cut whose Profit is NaN (a stored threshold read back as unknown), a
// client with a profit of 90 and engagement 0.9 is assigned C ("engaged,
// not profitable"), with no error and the reason "profit 90 < NaN".
// Expected: an error, as for the client's own NaN, never a segment.
func TestAdversary44_NaNCutDecidesSilently(t *testing.T) {
	cut := Cut{Profit: math.NaN(), Engagement: 0.5}
	a, err := cut.Assign(Client{ID: "c", Revenue: 100, CostToServe: 10, Engagement: 0.9})
	if err == nil {
		t.Errorf("Cut{Profit: NaN}.Assign: segment %s (%q), nil error; want an error: NaN decided the client unprofitable", a.Segment, a.Reason)
	}
}

type a44Portfolio struct {
	Weights []float64 `expr:"weights"`
}

// Promise broken: doc.go: "A client whose rule reads a NaN gets an error,
// whether the rule would hold or not: never a later segment or the
// default"; Custom.Assign: "a rule that cannot be decided because a float
// field it reads is NaN, whether it would hold or not"; the dsl's doc
// ("NaN and nil"): "The built-ins that order or pick from a list of
// numbers (max, min, median, mean, sort, uniq) ... fail on a NaN ...
// element, which would otherwise decide silently where it lands".
// Observed: sortBy orders by keys unchecked (it is not among the list
// built-ins the dsl guards, dsl/instrument.go listBuiltins): the rule
// `sortBy(weights, #)[0] >= 0.1` (the smallest weight is 10% or more)
// puts a client with weights [0.5, NaN] in "diversified" without error,
// while the same weights in the order [NaN, 0.5] fail, and sort(weights)
// fails on both: where the NaN landed decided. Expected: an error
// wrapping dsl.ErrNaN for both orders, as sort gives.
func TestAdversary44_SortByNaNDecides(t *testing.T) {
	c, err := NewCustom[a44Portfolio]([]Rule{{Segment: "diversified", When: "sortBy(weights, #)[0] >= 0.1"}}, "concentrated")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range [][]float64{{0.5, math.NaN()}, {math.NaN(), 0.5}} {
		a, err := c.Assign("c", a44Portfolio{Weights: w}, a44Now)
		if !errors.Is(err, dsl.ErrNaN) {
			t.Errorf("weights %v: segment %q (%s), err %v; want an error wrapping dsl.ErrNaN", w, a.Segment, a.Reason, err)
		}
	}
}

// Promise broken: Summarize (summary.go): "A total beyond the float64
// range reads as ±MaxFloat64; a segment's ProfitShare comes from the exact
// totals, so it is right even then", a summary that always encodes (a
// total of +Inf "would not encode as JSON", which round 25 fixed);
// stats.Ratio claims "finite when both are finite sums and b's is not 0".
// Observed: with finite money whose book profit is tiny beside its
// segments' (A +1e200, B -1e200, C +1e-200: a book of 1e-200), A's share
// is 1e400, which Ratio rounds to +Inf (B's to -Inf), and json.Marshal of
// the Summary fails with "unsupported value: +Inf". Expected: a finite
// ProfitShare (held to the float64 range, as the totals are) and a
// summary that encodes.
func TestAdversary44_SummaryProfitShareInfinite(t *testing.T) {
	clients := []Client{
		{ID: "a", Revenue: 1e200},
		{ID: "b", CostToServe: 1e200},
		{ID: "c", Revenue: 1e-200},
	}
	assignments := []Assignment{{ClientID: "a", Segment: A}, {ClientID: "b", Segment: B}, {ClientID: "c", Segment: C}}
	s := Summarize(assignments, clients)
	for _, l := range s.Segments {
		if math.IsInf(l.ProfitShare, 0) || math.IsNaN(l.ProfitShare) {
			t.Errorf("segment %s: ProfitShare %v, want a finite number", l.Segment, l.ProfitShare)
		}
	}
	if _, err := json.Marshal(s); err != nil {
		t.Errorf("the summary of a book of finite money does not encode: %v", err)
	}
}

// Promise broken: WithScores (scores.go): "A client with several scores
// gets the highest total, whatever their order"; the standard "results
// are deterministic" (the package reads -0 as 0 everywhere else: Profit,
// Cut, Assign).
// Observed: two scores of a client whose totals are -0 and +0 (a score
// read from JSON with "escalation": -0, "maintenance": -0, whose Total is
// -0) give the client the engagement of whichever came first: -0 one way,
// +0 the other, so the returned clients differ with the order of the
// scores (their JSON reads "engagement":-0 or 0). Expected: one client
// whatever the order (the zero as 0).
func TestAdversary44_WithScoresSignedZeroOrder(t *testing.T) {
	negZero := math.Copysign(0, -1)
	neg := engagement.Score{Client: "c", Escalation: negZero, Maintenance: negZero}
	pos := engagement.Score{Client: "c"}
	if !math.Signbit(neg.Total()) || math.Signbit(pos.Total()) {
		t.Fatalf("setup: totals %v %v", neg.Total(), pos.Total())
	}
	clients := []Client{{ID: "c", Revenue: 1}}
	x := WithScores(clients, []engagement.Score{neg, pos})
	y := WithScores(clients, []engagement.Score{pos, neg})
	bx, _ := json.Marshal(x)
	by, _ := json.Marshal(y)
	if string(bx) != string(by) {
		t.Errorf("WithScores depends on the order of a client's scores: %s one way, %s the other", bx, by)
	}
}
