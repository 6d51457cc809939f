package segment

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"slices"
	"strconv"

	"github.com/engagekit/engagekit/internal/batch"
)

// Grid is the profitability × engagement scheme: A = profitable and
// engaged, B = profitable, not yet engaged, C = engaged, not profitable,
// D = neither. A client exactly at a threshold counts as on top of it.
// The zero Grid splits profit at 0 and engagement at 0.
//
// No behaviour is never engagement: a client whose engagement is zero or
// below (no recorded behaviour, which [WithScores] gives as 0, or more
// disengagement than engagement) is not engaged, whatever the
// threshold — At(0), At(-1) and a Top share that reaches down to zero
// included. Top thresholds rank the whole book, and clients tied at a top
// share's cut go below it (see [Top]).
//
// A Grid encodes as JSON (and in any text format) through its thresholds'
// text: {"profit": "top 40%", "engagement": "≥ 0.5"}.
type Grid struct {
	Profit     Threshold `json:"profit"`
	Engagement Threshold `json:"engagement"`
}

// Cut is a grid resolved against a book: the threshold values in force,
// and for a [Top] threshold whose cut fell inside a run of equal values,
// how many clients that tie put below it (0 otherwise). It is small,
// immutable data, safe to share.
type Cut struct {
	Profit     float64 `json:"profit"`
	Engagement float64 `json:"engagement"`
	// ProfitTies and EngagementTies count the clients a tie at the cut
	// put below it; the threshold is then their value, and only a value
	// above it is on top.
	ProfitTies     int `json:"profit_ties,omitempty"`
	EngagementTies int `json:"engagement_ties,omitempty"`
}

// Assignment is one client's segment with the reason for it: the two axis
// values and the thresholds they were compared to.
type Assignment struct {
	ClientID   string  `json:"client_id"`
	Segment    Segment `json:"segment"`
	Profit     float64 `json:"profit"`
	Engagement float64 `json:"engagement"`
	Cut        Cut     `json:"cut"`
	// Tie is true when a value tied at a top share's cut decided the
	// client's side of it (see [Top]).
	Tie    bool   `json:"tie,omitempty"`
	Reason string `json:"reason"`
}

// Cut resolves the grid's thresholds against a book, as [Grid.AssignAll]
// does. Quantile thresholds use the clients whose numbers are known and
// who are clients of the book (a client of no id, or of an id an earlier
// client has, is none); the order of the book does not matter. It sorts
// the book's numbers, so for a large book it takes a while: when ctx is
// done it stops and returns ctx's error.
func (g Grid) Cut(ctx context.Context, book []Client) (Cut, error) {
	return g.cut(ctx, book, duplicateIDs(book))
}

// cut is Cut over the clients of book not marked in skip (nil: none).
func (g Grid) cut(ctx context.Context, book []Client, skip []bool) (Cut, error) {
	profits, engagement := make([]float64, 0, len(book)), make([]float64, 0, len(book))
	for i, c := range book {
		if i&4095 == 0 && ctx.Err() != nil {
			return Cut{}, ctx.Err()
		}
		if c.check() == nil && (skip == nil || !skip[i]) {
			profits = append(profits, c.Profit())
			engagement = append(engagement, c.Engagement+0) // -0 is 0, on either side of a cut
		}
	}
	// The two axes are resolved side by side: a top share sorts its
	// values, and neither axis reads the other's.
	var e float64
	var et int
	var eErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		e, et, eErr = g.Engagement.resolve(engagement)
	}()
	p, pt, err := g.Profit.resolve(profits)
	<-done
	if e <= 0 {
		// A tie at zero engagement or below decides nothing: no client
		// there is engaged, whatever the threshold (see Grid), so none
		// is decided by the tie, and Assign marks none.
		et = 0
	}
	if err != nil {
		return Cut{}, err
	}
	if eErr != nil {
		return Cut{}, eErr
	}
	if err := ctx.Err(); err != nil {
		return Cut{}, err
	}
	return Cut{Profit: p, Engagement: e, ProfitTies: pt, EngagementTies: et}, nil
}

// ErrInvalidCut is the error of assigning by a [Cut] that no grid
// resolves: a threshold that is not a finite number (NaN would put every
// client below it, silently) or a negative count of ties. A cut built by
// hand or read back from JSON can be one.
var ErrInvalidCut = errors.New("segment: invalid cut")

// check rejects a cut no grid resolves.
func (c Cut) check() error {
	switch {
	case math.IsNaN(c.Profit) || math.IsInf(c.Profit, 0):
		return fmt.Errorf("%w: profit threshold %v is not a finite number", ErrInvalidCut, c.Profit)
	case math.IsNaN(c.Engagement) || math.IsInf(c.Engagement, 0):
		return fmt.Errorf("%w: engagement threshold %v is not a finite number", ErrInvalidCut, c.Engagement)
	case c.ProfitTies < 0 || c.EngagementTies < 0:
		return fmt.Errorf("%w: negative ties (%d, %d)", ErrInvalidCut, c.ProfitTies, c.EngagementTies)
	}
	return nil
}

// Assign puts one client in its segment. A cut that is not a finite
// pair of thresholds is an error wrapping [ErrInvalidCut]; a client of no
// id, or a NaN or infinite number, is a [*ClientError].
func (c Cut) Assign(cl Client) (Assignment, error) {
	if err := c.check(); err != nil {
		return Assignment{ClientID: cl.ID}, err
	}
	if err := cl.check(); err != nil {
		return Assignment{ClientID: cl.ID}, err
	}
	cl.Engagement += 0 // -0 is 0, in the assignment and its reason
	profit := cl.Profit()
	profitTie := c.ProfitTies > 0 && profit == c.Profit
	engagementTie := c.EngagementTies > 0 && cl.Engagement > 0 && cl.Engagement == c.Engagement
	profitable := profit >= c.Profit && !profitTie
	engaged := cl.Engagement >= c.Engagement && cl.Engagement > 0 && !engagementTie
	return Assignment{ClientID: cl.ID, Segment: quadrant(profitable, engaged), Profit: profit, Engagement: cl.Engagement, Cut: c,
		Tie: profitTie || engagementTie, Reason: c.reason(cl, profitable, engaged, profitTie, engagementTie)}, nil
}

func quadrant(profitable, engaged bool) Segment {
	switch {
	case profitable && engaged:
		return A
	case profitable:
		return B
	case engaged:
		return C
	}
	return D
}

// reason writes "profit 7000 ≥ 0, engagement 0.8 ≥ 0.5" with one
// allocation: it is built for every client of a book. A value tied at a
// top share's cut reads "profit 500 tied at the cut: below it"; no
// engagement reads "engagement 0: none".
func (c Cut) reason(cl Client, profitable, engaged, profitTie, engagementTie bool) string {
	var buf [160]byte // the longest reason, two tied sides of 24-byte numbers, fits
	b := buf[:0]
	b = append(b, "profit "...)
	b = appendSide(b, cl.Profit(), c.Profit, profitable, profitTie)
	b = append(b, ", engagement "...)
	if cl.Engagement <= 0 {
		b = strconv.AppendFloat(b, cl.Engagement, 'g', -1, 64)
		return string(append(b, ": none"...))
	}
	b = appendSide(b, cl.Engagement, c.Engagement, engaged, engagementTie)
	return string(b)
}

// appendSide writes one axis: "7000 ≥ 0", or for a tie at the cut "500
// tied at the cut: below it".
func appendSide(b []byte, v, cut float64, above, tied bool) []byte {
	b = strconv.AppendFloat(b, v, 'g', -1, 64)
	if tied {
		return append(b, " tied at the cut: below it"...)
	}
	b = append(b, cmpWord(above)...)
	return strconv.AppendFloat(b, cut, 'g', -1, 64)
}

func cmpWord(above bool) string {
	if above {
		return " ≥ "
	}
	return " < "
}

// Book is the outcome of segmenting a book: every client's assignment in
// input order, the clients that could not be segmented, and the counts, in
// which In = OK + Failed + Cancelled always holds.
type Book struct {
	Cut         Cut           `json:"cut"`
	Assignments []Assignment  `json:"assignments"`
	Failed      []ClientError `json:"failed,omitempty"`
	Counts      Counts        `json:"counts"`
}

// Counts accounts for every client of a book: In = OK + Failed +
// Cancelled, always. Cancelled counts the clients not segmented because
// the context ended first.
type Counts struct {
	In        int `json:"in"`
	OK        int `json:"ok"`
	Failed    int `json:"failed"`
	Cancelled int `json:"cancelled"`
}

// AssignAll segments a book on all cores. The thresholds are resolved over
// the whole book first. A client whose id an earlier client has is not a
// client of the book: it fails with [ErrDuplicateID] and counts in no cut;
// so does a client of no id, with [ErrNoID], or of an id that is not
// UTF-8, with [ErrBadID]. When ctx ends before every client is segmented,
// the book holds those that were, its Counts the rest as cancelled, and
// the error is ctx's.
func (g Grid) AssignAll(ctx context.Context, book []Client) (Book, error) {
	// The duplicate check runs beside the cuts, which leave out the
	// duplicates: most books have none, and the cuts are worked out again
	// without them for one that does.
	dups := make(chan []bool, 1)
	go func() { dups <- duplicateIDs(book) }()
	cut, err := g.cut(ctx, book, nil)
	dup := <-dups
	if dup != nil {
		cut, err = g.cut(ctx, book, dup)
	}
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
			// ctx ended before the cuts were known: no client was
			// segmented, and every one is counted as cancelled.
			return Book{Counts: Counts{In: len(book), Cancelled: len(book)}}, err
		}
		return Book{}, err
	}
	res := Book{Cut: cut, Assignments: make([]Assignment, 0, len(book))}
	items := func(yield func(int) bool) {
		for i := range book {
			if !yield(i) {
				return
			}
		}
	}
	assign := func(i int, out *Assignment) (err error) {
		if dup != nil && dup[i] {
			*out = Assignment{ClientID: book[i].ID}
			return &ClientError{ClientID: book[i].ID, Field: "id", Err: ErrDuplicateID}
		}
		*out, err = cut.Assign(book[i])
		return err
	}
	c := batch.Run(ctx, items, assign, func(_, _ int, a Assignment, err error) {
		if err == nil {
			res.Assignments = append(res.Assignments, a)
			return
		}
		if ce, ok := err.(*ClientError); ok {
			res.Failed = append(res.Failed, *ce)
		}
	}, batch.Options{})
	// The batch stops reading the book when ctx ends; the book's length
	// is known, so the clients it did not read count as cancelled.
	res.Counts = Counts{In: len(book), OK: c.OK, Failed: c.Failed, Cancelled: c.Cancelled + len(book) - c.In}
	if res.Counts.Cancelled > 0 {
		// ctx ended while clients were left: the book holds those
		// segmented, the counts say how many were not, and the error
		// says the book is not whole.
		return res, ctx.Err()
	}
	return res, nil
}

// duplicateIDs marks the clients whose id, not empty, an earlier client
// has; nil when
// there are none. Most books have none, and a map of a million ids costs
// half a second and 66 MB: the ids' 64-bit hashes are sorted instead, and
// only when two hashes are equal (a duplicate, or a collision, about one
// book in 36 million at a million ids) are the ids compared, by the map.
func duplicateIDs(book []Client) []bool {
	seed := maphash.MakeSeed()
	hashes := make([]uint64, len(book))
	for i := range book {
		hashes[i] = maphash.String(seed, book[i].ID)
	}
	slices.Sort(hashes)
	for i := 1; i < len(hashes); i++ {
		if hashes[i] == hashes[i-1] {
			return duplicateIDsByMap(book)
		}
	}
	return nil
}

// duplicateIDsByMap is duplicateIDs, comparing the ids themselves.
func duplicateIDsByMap(book []Client) []bool {
	seen := make(map[string]struct{}, len(book))
	var dup []bool
	for i, c := range book {
		if c.ID == "" {
			continue // no client: it fails on its own, as ErrNoID
		}
		if _, ok := seen[c.ID]; ok {
			if dup == nil {
				dup = make([]bool, len(book))
			}
			dup[i] = true
			continue
		}
		seen[c.ID] = struct{}{}
	}
	return dup
}
