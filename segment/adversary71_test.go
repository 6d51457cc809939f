package segment_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/engagekit/engagekit/segment"
)

// TestAdversary71_CutCountsDuplicateIDsAtTopTie: resolving a grid once
// and assigning client by client (Grid.Cut then Cut.Assign) disagrees
// with AssignAll on the same book when the book names an id twice and a
// Top share's cut falls on the duplicate's value.
//
// Contract (grid.go AssignAll, client.go ErrDuplicateID): "A client whose
// id an earlier client has is not a client of the book: it ... counts in
// no cut"; "a book's ids name one client each". Grid.Cut "resolves the
// grid's thresholds against a book", so the same book must give the same
// cut. Book a:5, b:5, a:5 (duplicate), c:1, Top(0.5): the book's clients
// are a, b, c, k = ⌈1.5⌉ = 2, the 2nd and 3rd profits are 5 and 1, no tie,
// so a and b are on top (AssignAll: A, A). Grid.Cut counts the duplicate,
// sees 5,5,5,1 with k = 2, finds a tie of three at 5 and puts a and b
// below (C, C): the duplicate record flips two real clients' segments.
//
// Mechanism guess: grid.go Grid.Cut calls g.cut(ctx, book, nil) — it
// never computes duplicateIDs(book), which only AssignAll passes as skip.
func TestAdversary71_CutCountsDuplicateIDsAtTopTie(t *testing.T) {
	book := []segment.Client{
		{ID: "a", Revenue: 5, Engagement: 1},
		{ID: "b", Revenue: 5, Engagement: 1},
		{ID: "a", Revenue: 5, Engagement: 1}, // duplicate id: not a client of the book
		{ID: "c", Revenue: 1, Engagement: 1},
	}
	g := segment.Grid{Profit: segment.Top(0.5)}
	cut, err := g.Cut(context.Background(), book)
	if err != nil {
		t.Fatal(err)
	}
	all, err := g.AssignAll(context.Background(), book)
	if err != nil {
		t.Fatal(err)
	}
	if cut != all.Cut {
		t.Errorf("Grid.Cut = %+v, AssignAll's cut of the same book = %+v", cut, all.Cut)
	}
	for _, a := range all.Assignments {
		var cl segment.Client
		for _, c := range book {
			if c.ID == a.ClientID {
				cl = c
				break
			}
		}
		one, err := cut.Assign(cl)
		if err != nil {
			t.Fatal(err)
		}
		if one.Segment != a.Segment {
			t.Errorf("client %s: AssignAll puts it in %s, Grid.Cut+Cut.Assign in %s (%s)", a.ClientID, a.Segment, one.Segment, one.Reason)
		}
	}
}

// TestAdversary71_SummarizeEmptyIDDependsOnAlignment: the totals of two
// assignments change when an unrelated client is appended to clients.
//
// Contract (summary.go Summarize): "clients gives revenue and cost by
// client id (the first client of an id, should clients name one twice)".
// Two assignments of id "" and two clients of id "" (revenue 1, then 2):
// by the contract both assignments take the first client's money (total
// 2; or, since a record of no id is no client per ErrNoID, Unknown 2).
// Observed: revenue 3 when assignments and clients line up one for one,
// revenue 2 when a third client "x" (assigned nothing) is added: the same
// assignments, the same clients of their ids, two different summaries.
//
// Mechanism guess: summary.go clientsByID takes the aligned fast path when
// duplicateIDs(clients) == nil, but duplicateIDsByMap skips empty ids
// ("it fails on its own, as ErrNoID"), so repeated empty ids count as no
// duplicate and each assignment takes its own index's client, while the
// map path takes the first.
func TestAdversary71_SummarizeEmptyIDDependsOnAlignment(t *testing.T) {
	as := []segment.Assignment{{ClientID: "", Segment: segment.A}, {ClientID: "", Segment: segment.A}}
	clients := []segment.Client{{ID: "", Revenue: 1}, {ID: "", Revenue: 2}}
	aligned := segment.Summarize(as, clients)
	padded := segment.Summarize(as, append(clients, segment.Client{ID: "x", Revenue: 100}))
	if aligned.Segments[0].Revenue != padded.Segments[0].Revenue || aligned.Unknown != padded.Unknown {
		t.Errorf("same assignments and clients of their ids: revenue %v (unknown %d) aligned, %v (unknown %d) with an unrelated client appended",
			aligned.Segments[0].Revenue, aligned.Unknown, padded.Segments[0].Revenue, padded.Unknown)
	}
	if aligned.Segments[0].Revenue == 3 {
		t.Errorf("revenue 3: each assignment of id \"\" took a different client, not the first client of that id")
	}
}

// TestAdversary71_ClientErrorTextCauseReadsBackAsSentinel: a failed
// client whose cause is a plain error of text "unknown" comes back from
// JSON as ErrUnknown (the package's NaN sentinel), and one of text
// "duplicate_id" as ErrDuplicateID.
//
// Contract (client.go ClientError): sentinels are written by name, "any
// other cause as its text; reading it back gives the same sentinel (a
// text, an error of that text)". A cause that is not a sentinel must come
// back as an error of its text, not as a sentinel: errors.Is(back,
// ErrUnknown) turns true, silently (a host retrying "unknown numbers"
// clients would now pick this one).
//
// Mechanism guess: client.go MarshalJSON writes a non-sentinel cause's
// text into the same "cause" field the sentinel names use, with no way to
// tell them apart; UnmarshalJSON then maps the text to the sentinel.
func TestAdversary71_ClientErrorTextCauseReadsBackAsSentinel(t *testing.T) {
	for _, text := range []string{"unknown", "duplicate_id", "no_id"} {
		orig := segment.ClientError{ClientID: "x", Field: "load", Err: errors.New(text)}
		data, err := json.Marshal(orig)
		if err != nil {
			t.Fatal(err)
		}
		var back segment.ClientError
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatal(err)
		}
		for _, s := range []error{segment.ErrUnknown, segment.ErrDuplicateID, segment.ErrNoID} {
			if errors.Is(&back, s) && !errors.Is(&orig, s) {
				t.Errorf("cause errors.New(%q) (%s) reads back as the sentinel %q", text, data, s)
			}
		}
	}
}
