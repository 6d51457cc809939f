package segment_test

// Adversary 14: failing tests, one defect each, for package segment.

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/engagekit/engagekit/engagement"
	"github.com/engagekit/engagekit/segment"
)

// TestAdversary14ProfitOverflowIsSegmented: revenue and cost are each
// finite, but revenue − cost overflows to +Inf. Docs (ErrUnknown: "a
// ClientError about a NaN or infinite number"; doc.go: a client whose
// numbers are unknown gets an error, "never a segment by default")
// promise an error; instead the client is put in A with Profit +Inf
// ("profit +Inf ≥ 0"), and the Book no longer marshals to JSON.
func TestAdversary14ProfitOverflowIsSegmented(t *testing.T) {
	book := []segment.Client{{ID: "o", Revenue: math.MaxFloat64, CostToServe: -math.MaxFloat64, Engagement: 1}}
	b, err := segment.Grid{}.AssignAll(context.Background(), book)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Failed) != 1 || !errors.Is(&b.Failed[0], segment.ErrUnknown) {
		if len(b.Assignments) != 1 {
			t.Fatalf("client neither failed nor assigned: %+v", b)
		}
		_, jerr := json.Marshal(b)
		t.Errorf("profit %v (infinite) got segment %q, reason %q, failed=%v; want a ClientError wrapping ErrUnknown (json.Marshal(book): %v)",
			b.Assignments[0].Profit, b.Assignments[0].Segment, b.Assignments[0].Reason, b.Failed, jerr)
	}
}

// TestAdversary14NaNFixedThreshold: At(math.NaN()) is accepted and every
// comparison with it is false, so every client silently goes below it
// ("profit 100 < NaN": segment C for a profitable, engaged client).
// Docs: bad input gets an error, never a segment by default (Top(NaN) is
// an error when resolved; At(NaN) is not).
func TestAdversary14NaNFixedThreshold(t *testing.T) {
	b, err := segment.Grid{Profit: segment.At(math.NaN())}.AssignAll(context.Background(),
		[]segment.Client{{ID: "p", Revenue: 100, Engagement: 1}})
	if err == nil && len(b.Assignments) == 1 {
		t.Errorf("At(NaN) threshold: no error; client got %q (%q)", b.Assignments[0].Segment, b.Assignments[0].Reason)
	}
}

// TestAdversary14NegativeZeroCutDependsOnOrder: with a Top share whose
// cut falls on profit zero, where one client's profit is +0 and another's
// -0 (revenue -0), Cut.Profit is +0 or -0 depending on the order of the
// book (the unstable sort picks one), and so is every client's Reason
// ("profit 0 ≥ 0" vs "profit 0 ≥ -0") and the Book's JSON. Docs (Cut:
// "the order of the book does not matter"; results are a pure function of
// the inputs) promise the same Book for any order.
func TestAdversary14NegativeZeroCutDependsOnOrder(t *testing.T) {
	neg := math.Copysign(0, -1)
	book := []segment.Client{{ID: "p", Revenue: 5, Engagement: 1}, {ID: "z", Revenue: 0, Engagement: 1},
		{ID: "nz", Revenue: neg, Engagement: 1}, {ID: "m", Revenue: -3, Engagement: 1}}
	swapped := []segment.Client{book[0], book[2], book[1], book[3]}
	g := segment.Grid{Profit: segment.Top(0.75)}
	b1, err1 := g.AssignAll(context.Background(), book)
	b2, err2 := g.AssignAll(context.Background(), swapped)
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	j1, _ := json.Marshal(b1.Cut)
	j2, _ := json.Marshal(b2.Cut)
	reason := func(b segment.Book, id string) string {
		for _, a := range b.Assignments {
			if a.ClientID == id {
				return a.Reason
			}
		}
		return ""
	}
	if string(j1) != string(j2) || reason(b1, "z") != reason(b2, "z") {
		t.Errorf("order changed the result: cut %s vs %s; client z's reason %q vs %q", j1, j2, reason(b1, "z"), reason(b2, "z"))
	}
}

// TestAdversary14SummarizeDependsOnOrder: Summarize adds profits in the
// order of the assignments, so the same book in another order gives
// another total (1 vs 0) and other shares (A's share 1e17 and B's -1e17,
// summing to 0, vs 0 and 0). Docs: results are a pure function of the
// inputs. (Summarize now adds exactly and rounds once. That the shares
// then sum to 1 cannot hold for every book: A's exact profit, 1e17 + 1, is
// no float64, and rounds to 1e17; the shares are of the rounded profits.)
func TestAdversary14SummarizeDependsOnOrder(t *testing.T) {
	clients := []segment.Client{{ID: "1", Revenue: 1e17}, {ID: "2", Revenue: -1e17}, {ID: "3", Revenue: 1}}
	x := segment.Summarize([]segment.Assignment{{ClientID: "1", Segment: "A"}, {ClientID: "3", Segment: "A"}, {ClientID: "2", Segment: "B"}}, clients)
	y := segment.Summarize([]segment.Assignment{{ClientID: "1", Segment: "A"}, {ClientID: "2", Segment: "B"}, {ClientID: "3", Segment: "A"}}, clients)
	jx, _ := json.Marshal(x)
	jy, _ := json.Marshal(y)
	if string(jx) != string(jy) || y.Profit != 1 {
		t.Errorf("same assignments, other order: %s vs %s (book profit %v, exactly 1)", jx, jy, y.Profit)
	}
}

// TestAdversary14DuplicateIDsSummarize: AssignAll accepts two clients
// with one id without a word, and Summarize then totals both assignments
// with the money of the last one: the book's profit is reported as -100
// (two clients each -50) while the clients' profits sum to 50. Promise:
// duplicate ids get a typed error or a documented treatment; Summarize
// accounts for every client without double counting.
func TestAdversary14DuplicateIDsSummarize(t *testing.T) {
	book := []segment.Client{{ID: "x", Revenue: 100, Engagement: 1}, {ID: "x", Revenue: -50, Engagement: 1}}
	b, err := segment.Grid{}.AssignAll(context.Background(), book)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Failed) > 0 {
		// The fix: the second x is no client of the book, with a typed
		// error, and the first is summarized alone.
		if len(b.Failed) != 1 || !errors.Is(&b.Failed[0], segment.ErrDuplicateID) || len(b.Assignments) != 1 {
			t.Fatalf("failed %+v, assignments %+v; want the second x failed with ErrDuplicateID", b.Failed, b.Assignments)
		}
		if s := segment.Summarize(b.Assignments, book); s.Profit != 100 {
			t.Errorf("the book's one client x brings 100, Summarize says %v", s.Profit)
		}
		return
	}
	s := segment.Summarize(b.Assignments, book)
	if s.Profit != 50 {
		t.Errorf("book profit 100 + (-50) = 50, Summarize says %v (%+v)", s.Profit, s.Segments)
	}
}

// TestAdversary14DuplicateIDsMigrate: two assignments before and two
// after, all for id "x" (a duplicate AssignAll accepts): Migrate's matrix
// counts one client, lists no move, no Left and no Joined: a client has
// vanished silently. Docs: each row sums to the clients in that segment
// before who are still in the book after (here 1 in A, 1 in B).
func TestAdversary14DuplicateIDsMigrate(t *testing.T) {
	before := []segment.Assignment{{ClientID: "x", Segment: segment.A}, {ClientID: "x", Segment: segment.B}}
	m := segment.Migrate(before, before)
	total := 0
	for _, f := range m.Flows {
		total += f.Clients
	}
	if total+len(m.Left) != len(before) {
		t.Errorf("2 assignments before, matrix accounts for %d (+%d left): %+v", total, len(m.Left), m)
	}
}

// TestAdversary14WithScoresDuplicateScoreOrder: two scores for one client
// (0.9 and 0): WithScores keeps whichever comes last, so the order of the
// scores decides whether the client is engaged (A) or not (B), without an
// error. Promise: the order of the inputs does not change a client's
// segment unless documented (WithScores says only "matched by id").
func TestAdversary14WithScoresDuplicateScoreOrder(t *testing.T) {
	clients := []segment.Client{{ID: "c", Revenue: 10}}
	hi, zero := engagement.Score{Client: "c", Escalation: 0.9}, engagement.Score{Client: "c"}
	seg := func(scores ...engagement.Score) segment.Segment {
		b, err := segment.Grid{}.AssignAll(context.Background(), segment.WithScores(clients, scores))
		if err != nil || len(b.Assignments) != 1 {
			t.Fatal(err, b)
		}
		return b.Assignments[0].Segment
	}
	if x, y := seg(hi, zero), seg(zero, hi); x != y {
		t.Errorf("scores in one order give %s, in the other %s", x, y)
	}
}

// TestAdversary14ScatterUnboundedByIDs: ScatterDots caps the dots "so
// that the picture of a million clients stays a picture a browser opens",
// but nothing caps the text: one client whose id is 2 MiB of '<' makes an
// SVG of over 8 MiB (each '<' escaped to "&lt;"), and 5,000 such dots
// would make 40 GiB. Promise: Scatter stays bounded whatever the names.
func TestAdversary14ScatterUnboundedByIDs(t *testing.T) {
	id := strings.Repeat("<", 2<<20)
	out := segment.Scatter(segment.Book{Assignments: []segment.Assignment{{ClientID: id, Segment: segment.A, Profit: 1, Engagement: 1}}})
	if len(out) > 1<<20 {
		t.Errorf("one dot drew %d bytes of SVG", len(out))
	}
}
