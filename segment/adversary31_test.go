package segment_test

// Adversary 31: failing tests, one defect each, for package segment.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"runtime"
	"testing"
	"time"

	"github.com/engagekit/engagekit/segment"
)

// TestAdversary31_EngagementTiesAtZeroDisagree: Top promises that when the
// k-th and (k+1)-th values are equal "every client with that value goes
// below the threshold ... (zero engagement, say) ... Such clients are
// "decided by a tie" (see [Cut.ProfitTies], [Assignment.Tie] and
// [SegmentSummary.Ties])": the three must count the same clients. When the
// tie at an engagement cut is at 0 (or below), Cut.EngagementTies counts
// the tied clients (3) while no Assignment has Tie set and Summarize
// reports 0 ties: two paths of the package disagree about the same book.
func TestAdversary31_EngagementTiesAtZeroDisagree(t *testing.T) {
	book := []segment.Client{{ID: "a", Revenue: 1, Engagement: 1}, {ID: "b", Revenue: 1}, {ID: "c", Revenue: 1}, {ID: "d", Revenue: 1}}
	b, err := segment.Grid{Engagement: segment.Top(0.5)}.AssignAll(context.Background(), book)
	if err != nil || len(b.Assignments) != 4 {
		t.Fatalf("%+v %v", b, err)
	}
	tied := 0
	for _, a := range b.Assignments {
		if a.Tie {
			tied++
		}
	}
	s := segment.Summarize(b.Assignments, book)
	if b.Cut.EngagementTies != tied || s.Ties != tied {
		t.Errorf("Cut.EngagementTies = %d, but %d assignments have Tie and Summarize.Ties = %d (cut %+v)", b.Cut.EngagementTies, tied, s.Ties, b.Cut)
	}
}

// TestAdversary31_ConstantRuleThatAlwaysFailsCompiles: doc.go: "A rule
// that can never be chosen is a compile error ([ErrUnreachable])", and
// NewCustom: "A condition that reads no field and calls no function is a
// constant, evaluated here". A constant condition whose evaluation fails
// (`1 % 0 == 0`: integer divide by zero; `0/0 > 1`: NaN) can never be
// chosen, and neither can any rule after it, since Assign stops at the
// error; yet NewCustom accepts the scheme, and then every client of the
// book fails at rule 1.
func TestAdversary31_ConstantRuleThatAlwaysFailsCompiles(t *testing.T) {
	for _, when := range []string{"1 % 0 == 0", "0/0 > 1"} {
		c, err := segment.NewCustom[schemeEnv]([]segment.Rule{{Segment: "never", When: when}, {Segment: "young", When: "age < 30"}}, "other")
		if err != nil {
			continue // refused at compile time: the fix
		}
		_, aerr := c.Assign("c1", schemeEnv{Age: 20, Profit: 1}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		t.Errorf("constant rule %q compiled without error; every client then fails: %v", when, aerr)
	}
}

// TestAdversary31_InfiniteFixedThresholdAccepted: resolve refuses
// At(NaN) because "every client would be below it, silently"; At(+Inf)
// and At(-Inf) do exactly that (every finite client below, or above) and
// are accepted: AssignAll returns no error, every client gets a segment
// decided by the meaningless threshold ("profit 1e+06 < +Inf"), and the
// Book it returns does not encode as JSON. Bad input (±Inf) should be a
// clear error, as NaN is.
func TestAdversary31_InfiniteFixedThresholdAccepted(t *testing.T) {
	book := []segment.Client{{ID: "rich", Revenue: 1e6, Engagement: 1}}
	for _, v := range []float64{math.Inf(1), math.Inf(-1)} {
		b, err := segment.Grid{Profit: segment.At(v)}.AssignAll(context.Background(), book)
		if err != nil {
			continue
		}
		_, jerr := json.Marshal(b)
		t.Errorf("At(%v): no error; client got %q (%q); json.Marshal(book): %v", v, b.Assignments[0].Segment, b.Assignments[0].Reason, jerr)
	}
}

// TestAdversary31_BookOfFailedClientsDoesNotEncode: Book carries JSON tags
// and lists "the clients that could not be segmented" in Failed, the one
// thing a host needs to report when a batch is bad. With a Top threshold
// and a book whose every client is unknown (a NaN revenue), the cut is
// +Inf (the empty book's value) and json.Marshal of the Book fails
// ("unsupported value: +Inf"): the failures cannot be reported. (The
// package holds a Book to encoding elsewhere: adversary 25 fixed an
// infinite cut for the same reason.)
func TestAdversary31_BookOfFailedClientsDoesNotEncode(t *testing.T) {
	book := []segment.Client{{ID: "n", Revenue: math.NaN(), Engagement: 1}}
	b, err := segment.Grid{Profit: segment.Top(0.5)}.AssignAll(context.Background(), book)
	if err != nil {
		return // refused with an error: acceptable
	}
	if _, jerr := json.Marshal(b); jerr != nil {
		t.Errorf("book with %d failed clients, cut %+v: json.Marshal: %v", len(b.Failed), b.Cut, jerr)
	}
}

// TestAdversary31_FailedCauseLostInJSON: Book is the JSON outcome of a
// segmentation (its fields are tagged), and Failed holds ClientErrors
// whose cause is ErrUnknown or ErrDuplicateID. The cause is tagged
// `json:"-"`: after an encode/decode round trip errors.Is(&Failed[0],
// ErrDuplicateID) is false and Error() reads "segment: client x: id:
// <nil>" instead of naming the cause. The round trip does not give back
// the Book.
func TestAdversary31_FailedCauseLostInJSON(t *testing.T) {
	book := []segment.Client{{ID: "x", Revenue: 1, Engagement: 1}, {ID: "x", Revenue: 2, Engagement: 1}, {ID: "n", Revenue: math.NaN()}}
	b, err := segment.Grid{}.AssignAll(context.Background(), book)
	if err != nil || len(b.Failed) != 2 {
		t.Fatalf("%+v %v", b, err)
	}
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	var back segment.Book
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	for i := range b.Failed {
		if back.Failed[i].Error() != b.Failed[i].Error() || !errors.Is(&back.Failed[i], b.Failed[i].Err) {
			t.Errorf("failed client %d: %q before the round trip, %q after (errors.Is cause: %v)", i, b.Failed[i].Error(), back.Failed[i].Error(), errors.Is(&back.Failed[i], b.Failed[i].Err))
		}
	}
}

// TestAdversary31_SummarizeUnknownMoneyIsNaN: Summarize holds its totals
// to the float64 range "because a total of +Inf would not encode as JSON"
// and promises ProfitShare from exact totals. A client with unknown money
// (NaN revenue: the package's own "unknown", which AssignAll refuses with
// ErrUnknown) assigned by a custom scheme that does not read money makes
// Summary.Profit and the segment's Revenue and Profit NaN, silently, and
// the Summary no longer encodes as JSON.
func TestAdversary31_SummarizeUnknownMoneyIsNaN(t *testing.T) {
	c, err := segment.NewCustom[schemeEnv]([]segment.Rule{{Segment: "young", When: "age < 30"}}, "other")
	if err != nil {
		t.Fatal(err)
	}
	clients := []segment.Client{{ID: "k", Revenue: 100}, {ID: "u", Revenue: math.NaN()}}
	var as []segment.Assignment
	for _, cl := range clients {
		a, err := c.Assign(cl.ID, schemeEnv{Age: 25}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		as = append(as, a)
	}
	s := segment.Summarize(as, clients)
	_, jerr := json.Marshal(s)
	if math.IsNaN(s.Profit) || jerr != nil {
		t.Errorf("summary profit %v, segments %+v; json.Marshal: %v", s.Profit, s.Segments, jerr)
	}
}

// TestAdversary31_TopStringMisstatesShare: String "describes the
// threshold: "≥ 1000" or "top 40%"", and Top reads its share "as the
// shortest decimal that is its float64, so Top(0.55) of 100 clients is
// 55". String multiplies the float by 100 and describes Top(0.55) as
// "top 55.00000000000001%" and Top(0.07) as "top 7.000000000000001%": a
// share other than the one in force, in the text a host shows its users.
func TestAdversary31_TopStringMisstatesShare(t *testing.T) {
	for _, c := range []struct {
		share float64
		want  string
	}{{0.55, "top 55%"}, {0.07, "top 7%"}, {0.29, "top 29%"}} {
		if got := segment.Top(c.share).String(); got != c.want {
			t.Errorf("Top(%v).String() = %q, want %q", c.share, got, c.want)
		}
	}
}

// TestAdversary31_MigrateQuadraticMemory: nothing may run unbounded, yet
// Migrate allocates a dense len(Segments)² matrix (and looks each segment
// up by a linear scan): assignments naming many segments, as a store of
// assignments written by a custom scheme (or a bug writing the client id
// as the segment) can, cost memory quadratic in the input. Four times the
// assignments cost sixteen times the bytes: 1,000 clients moving between
// 2,000 segment names allocate about 32 MB; a million would ask 32 TB.
// Migrate has no error to refuse with, so it should bound its work (a
// sparse matrix, or a cap).
func TestAdversary31_MigrateQuadraticMemory(t *testing.T) {
	alloc := func(n int) uint64 {
		before, after := make([]segment.Assignment, n), make([]segment.Assignment, n)
		for i := range n {
			id := fmt.Sprintf("c%d", i)
			before[i] = segment.Assignment{ClientID: id, Segment: segment.Segment("from-" + id)}
			after[i] = segment.Assignment{ClientID: id, Segment: segment.Segment("to-" + id)}
		}
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		m := segment.Migrate(before, after)
		runtime.ReadMemStats(&m1)
		if len(m.Moves) != n {
			t.Fatalf("%d moves, want %d", len(m.Moves), n)
		}
		return m1.TotalAlloc - m0.TotalAlloc
	}
	small, large := alloc(250), alloc(1000)
	if large > 8*small {
		t.Errorf("Migrate of 250 moves allocated %d bytes, of 1,000 moves %d bytes (%.1f×, quadratic: a linear cost would be about 4×)", small, large, float64(large)/float64(small))
	}
}
