package segment_test

// Adversary 25: failing tests, one defect each, for package segment.

import (
	"context"
	"encoding/json"
	"math"
	"testing"

	"github.com/engagekit/engagekit/segment"
)

// TestAdversary25_SummarizeOverflowsToInf: Summarize promises exact totals
// and each segment's share of the profit, and has no error to report. Two
// valid clients (each profit MaxFloat64, finite, segmented A) and a third
// (profit -MaxFloat64, C): the book's profit is exactly MaxFloat64, but
// A's total is reported as +Inf and A's ProfitShare as +Inf (C's is -1),
// and the Summary no longer marshals to JSON. Minimal input: revenues
// MaxFloat64, MaxFloat64, -MaxFloat64, costs 0. Expected: finite totals and
// shares (or a documented, typed treatment of a total float64 cannot hold).
func TestAdversary25_SummarizeOverflowsToInf(t *testing.T) {
	book := []segment.Client{{ID: "a", Revenue: math.MaxFloat64, Engagement: 1}, {ID: "b", Revenue: math.MaxFloat64, Engagement: 1},
		{ID: "c", Revenue: -math.MaxFloat64, Engagement: 1}}
	b, err := segment.Grid{}.AssignAll(context.Background(), book)
	if err != nil || len(b.Assignments) != 3 {
		t.Fatalf("every client is valid: %+v %v", b, err)
	}
	s := segment.Summarize(b.Assignments, book)
	for _, l := range s.Segments {
		for _, v := range []float64{l.Revenue, l.CostToServe, l.Profit, l.ProfitShare} {
			if math.IsInf(v, 0) || math.IsNaN(v) {
				t.Errorf("segment %s: revenue %v, profit %v, share %v: not finite (book profit %v)", l.Segment, l.Revenue, l.Profit, l.ProfitShare, s.Profit)
				break
			}
		}
	}
	if _, err := json.Marshal(s); err != nil {
		t.Errorf("json.Marshal(summary): %v", err)
	}
}

// TestAdversary25_TieAtMaxFloatGivesInfiniteCut: a top share whose cut
// falls in a run of clients tied at the largest finite profit puts the
// threshold at "the least float above their value", which is +Inf. The
// clients are finite and valid, yet Cut.Profit is +Inf, the Book no longer
// marshals to JSON, and Scatter leaves the threshold line out (it draws a
// non-finite threshold only for an empty book, as documented). Minimal
// input: Top(0.5) over two clients with revenue MaxFloat64, cost 0.
// Expected: a finite cut (the tied value, with the ties below it as
// ProfitTies says), and a Book that marshals.
func TestAdversary25_TieAtMaxFloatGivesInfiniteCut(t *testing.T) {
	book := []segment.Client{{ID: "a", Revenue: math.MaxFloat64, Engagement: 1}, {ID: "b", Revenue: math.MaxFloat64, Engagement: 1}}
	for _, g := range []segment.Grid{{Profit: segment.Top(0.5)}, {Engagement: segment.Top(0.5)}} {
		if g.Engagement != (segment.Threshold{}) {
			book = []segment.Client{{ID: "a", Revenue: 1, Engagement: math.MaxFloat64}, {ID: "b", Revenue: 1, Engagement: math.MaxFloat64}}
		}
		b, err := g.AssignAll(context.Background(), book)
		if err != nil {
			t.Fatal(err)
		}
		if math.IsInf(b.Cut.Profit, 0) || math.IsInf(b.Cut.Engagement, 0) {
			t.Errorf("%v: two finite clients tied at MaxFloat64 give cut %+v", g, b.Cut)
		}
		if _, err := json.Marshal(b); err != nil {
			t.Errorf("%v: json.Marshal(book): %v", g, err)
		}
	}
}

// TestAdversary25_TopShareRoundedUp: Top promises the top k = ⌈share·n⌉
// clients. The share is rounded to the nearest billionth before the
// ceiling, so a share just below a billionth boundary is rounded up and the
// ceiling then counts one client too many. Minimal input: Top(1.0/6) over
// six clients with distinct profits 1..6: ⌈(1/6)·6⌉ = 1 (float64 1/6 is
// 0.1666…66, below 1/6; its product with 6 is 1), but 2 are put on top
// (0.166666667·6 = 1.000000002, ceiling 2). Likewise Top(2.0/3) of 3 puts
// all three on top. Expected: 1 (and 2).
func TestAdversary25_TopShareRoundedUp(t *testing.T) {
	for _, c := range []struct {
		share float64
		n     int
		want  int
	}{{1.0 / 6, 6, 1}, {2.0 / 3, 3, 2}} {
		var book []segment.Client
		for i := range c.n {
			book = append(book, segment.Client{ID: string(rune('a' + i)), Revenue: float64(i + 1), Engagement: 1})
		}
		b, err := segment.Grid{Profit: segment.Top(c.share)}.AssignAll(context.Background(), book)
		if err != nil {
			t.Fatal(err)
		}
		top := 0
		for _, a := range b.Assignments {
			if a.Segment == segment.A {
				top++
			}
		}
		if top != c.want {
			t.Errorf("Top(%v) of %d distinct clients: %d on top, want ⌈share·n⌉ = %d (cut %+v)", c.share, c.n, top, c.want, b.Cut)
		}
	}
}

// TestAdversary25_TieCutIsNegativeZero: the package makes -0 read and cut
// as 0 ("a zero profit is +0 … so that it reads and cuts alike"; "-0 is 0,
// on either side of a cut"), but a tie at the smallest negative value puts
// the threshold at the float above it, -0: Cut.Profit is -0, the JSON says
// "profit":-0 and a client with profit 0 reads "profit 0 ≥ -0". Minimal
// input: Top(0.5) over profits -5e-324, -5e-324, 0. Expected: a cut of +0
// (the same as At(0), or a cut at 0 from Top without the tie).
func TestAdversary25_TieCutIsNegativeZero(t *testing.T) {
	tiny := -math.SmallestNonzeroFloat64
	book := []segment.Client{{ID: "a", Revenue: tiny, Engagement: 1}, {ID: "b", Revenue: tiny, Engagement: 1}, {ID: "z", Revenue: 0, Engagement: 1}}
	b, err := segment.Grid{Profit: segment.Top(0.5)}.AssignAll(context.Background(), book)
	if err != nil {
		t.Fatal(err)
	}
	// (Since the review, a tie's cut is the tied value itself, which the
	// top must exceed: no float above it is needed, so no -0 arises. The
	// client at 0 is above the tie, on top.)
	if b.Cut.Profit == 0 && math.Signbit(b.Cut.Profit) || b.Assignments[2].Segment != segment.A && b.Assignments[2].Segment != segment.B {
		reason := ""
		for _, a := range b.Assignments {
			if a.ClientID == "z" {
				reason = a.Reason
			}
		}
		t.Errorf("cut profit is -0 (%+v); client z's reason %q", b.Cut, reason)
	}
	eb := []segment.Client{{ID: "a", Revenue: 1, Engagement: tiny}, {ID: "b", Revenue: 1, Engagement: tiny}, {ID: "z", Revenue: 1, Engagement: 1}}
	b, err = segment.Grid{Engagement: segment.Top(0.5)}.AssignAll(context.Background(), eb)
	if err != nil {
		t.Fatal(err)
	}
	if b.Cut.Engagement == 0 && math.Signbit(b.Cut.Engagement) {
		t.Errorf("cut engagement is -0 (%+v)", b.Cut)
	}
}
