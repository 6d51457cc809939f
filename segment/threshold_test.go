package segment_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/engagekit/engagekit/segment"
	"pgregory.net/rapid"
)

// TestNoBehaviourNeverEngaged: a client with zero (or negative)
// engagement is never engaged, whatever the threshold.
func TestNoBehaviourNeverEngaged(t *testing.T) {
	book := []segment.Client{{ID: "silent", Revenue: 100}, {ID: "cross", Revenue: 100, Engagement: -2}, {ID: "fan", Revenue: 100, Engagement: 3}}
	for _, g := range []segment.Grid{{}, {Engagement: segment.At(-5)}, {Engagement: segment.Top(1)}, {Engagement: segment.Top(0.9)}} {
		res, err := g.AssignAll(context.Background(), book)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range res.Assignments {
			if want := map[string]segment.Segment{"silent": segment.B, "cross": segment.B, "fan": segment.A}[a.ClientID]; a.Segment != want {
				t.Errorf("%+v: %s is %s (%s), want %s", g, a.ClientID, a.Segment, a.Reason, want)
			}
		}
	}
}

func TestTopExactNearestRankAndTies(t *testing.T) {
	hundred := make([]segment.Client, 100)
	for i := range hundred {
		hundred[i] = segment.Client{ID: fmt.Sprint(i), Revenue: float64(i + 1), Engagement: 1}
	}
	// A book where most clients have zero profit: 30 distinct, 70 at 0.
	mostZero := make([]segment.Client, 100)
	for i := range mostZero {
		mostZero[i] = segment.Client{ID: fmt.Sprint(i), Engagement: 1}
		if i < 30 {
			mostZero[i].Revenue = float64(i + 1)
		}
	}
	equal := []segment.Client{{ID: "a", Revenue: 5, Engagement: 1}, {ID: "b", Revenue: 5, Engagement: 1}, {ID: "c", Revenue: 5, Engagement: 1}}
	cases := []struct {
		name      string
		book      []segment.Client
		share     float64
		top, ties int
	}{
		{"Top(0.55) of 100 is 55", hundred, 0.55, 55, 0},
		{"Top(0.29) of 100 is 29", hundred, 0.29, 29, 0},
		{"Top(0.001) of 100 is 1", hundred, 0.001, 1, 0},
		{"Top(1) is all", hundred, 1, 100, 0},
		{"most-zero book, Top(0.5): the zeros go below", mostZero, 0.5, 30, 70},
		{"most-zero book, Top(0.3): exactly the 30", mostZero, 0.3, 30, 0},
		{"all equal, Top(0.5): none on top", equal, 0.5, 0, 3},
		{"all equal, Top(1): all", equal, 1, 3, 0},
	}
	for _, c := range cases {
		res, err := segment.Grid{Profit: segment.Top(c.share)}.AssignAll(context.Background(), c.book)
		if err != nil {
			t.Fatal(c.name, err)
		}
		top, ties := 0, 0
		for _, a := range res.Assignments {
			if a.Segment == segment.A {
				top++
			}
			if a.Tie {
				ties++
			}
		}
		if top != c.top || ties != c.ties || res.Cut.ProfitTies != c.ties {
			t.Errorf("%s: %d on top, %d ties (cut %+v); want %d, %d", c.name, top, ties, res.Cut, c.top, c.ties)
		}
		if s := segment.Summarize(res.Assignments, c.book); s.Ties != c.ties {
			t.Errorf("%s: summary ties %d, want %d", c.name, s.Ties, c.ties)
		}
	}
}

func TestTopRejectsBadShares(t *testing.T) {
	book := []segment.Client{{ID: "a", Revenue: 1}}
	for _, share := range []float64{0, -0.1, 1.01, math.NaN(), math.Inf(1)} {
		if _, err := (segment.Grid{Profit: segment.Top(share)}).Cut(context.Background(), book); err == nil {
			t.Errorf("Top(%v) accepted", share)
		}
	}
	// Any share in (0, 1] is one: a trillionth of one client is one client.
	if c, err := (segment.Grid{Profit: segment.Top(1e-12)}).Cut(context.Background(), book); err != nil || c.Profit != 1 {
		t.Errorf("Top(1e-12) of one client: cut %+v, err %v; want the client on top", c, err)
	}
}

// TestPropertyTopNeverSwallows: with a share below 1, the top holds at
// most ⌈share·n⌉ clients, and exactly that many when values are distinct.
func TestPropertyTopNeverSwallows(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 80).Draw(t, "n")
		pct := rapid.IntRange(1, 99).Draw(t, "pct")
		book := make([]segment.Client, n)
		distinct := rapid.Bool().Draw(t, "distinct")
		for i := range book {
			book[i] = segment.Client{ID: fmt.Sprint(i), Revenue: float64(rapid.IntRange(0, 3).Draw(t, "v")), Engagement: 1}
			if distinct {
				book[i].Revenue = float64(i)
			}
		}
		res, err := segment.Grid{Profit: segment.Top(float64(pct) / 100)}.AssignAll(context.Background(), book)
		if err != nil {
			t.Fatal(err)
		}
		k := (pct*n + 99) / 100
		top := 0
		for _, a := range res.Assignments {
			if a.Segment == segment.A {
				top++
			}
		}
		if top > k || (distinct && top != k) {
			t.Fatalf("%d on top of %d at %d%%: want ≤ %d (exactly, for distinct values)", top, n, pct, k)
		}
	})
}
