package segment

import (
	"context"
	"slices"
	"strconv"

	"github.com/engagekit/engagekit/internal/batch"
)

// Grid is the profitability × engagement scheme: A = profitable and
// engaged, B = profitable, not yet engaged, C = engaged, not profitable,
// D = neither. A client exactly at a threshold counts as on top of it.
// The zero Grid splits profit at 0 and engagement at 0.
type Grid struct {
	Profit     Threshold
	Engagement Threshold
}

// Cut is a grid resolved against a book: the threshold values in force.
// It is small, immutable data, safe to share.
type Cut struct {
	Profit     float64 `json:"profit"`
	Engagement float64 `json:"engagement"`
}

// Assignment is one client's segment with the reason for it: the two axis
// values and the thresholds they were compared to.
type Assignment struct {
	ClientID   string  `json:"client_id"`
	Segment    Segment `json:"segment"`
	Profit     float64 `json:"profit"`
	Engagement float64 `json:"engagement"`
	Cut        Cut     `json:"cut"`
	Reason     string  `json:"reason"`
}

// Cut resolves the grid's thresholds against a book. Quantile thresholds
// use the clients whose numbers are known; the order of the book does not
// matter.
func (g Grid) Cut(book []Client) (Cut, error) {
	var profits, engagement []float64
	for _, c := range book {
		if c.check() == nil {
			profits = append(profits, c.Profit())
			engagement = append(engagement, c.Engagement)
		}
	}
	p, err := g.Profit.resolve(profits)
	if err != nil {
		return Cut{}, err
	}
	e, err := g.Engagement.resolve(engagement)
	return Cut{Profit: p, Engagement: e}, err
}

// Assign puts one client in its segment.
func (c Cut) Assign(cl Client) (Assignment, error) {
	if err := cl.check(); err != nil {
		return Assignment{ClientID: cl.ID}, err
	}
	profitable, engaged := cl.Profit() >= c.Profit, cl.Engagement >= c.Engagement
	return Assignment{ClientID: cl.ID, Segment: quadrant(profitable, engaged), Profit: cl.Profit(), Engagement: cl.Engagement, Cut: c,
		Reason: c.reason(cl, profitable, engaged)}, nil
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
// allocation: it is built for every client of a book.
func (c Cut) reason(cl Client, profitable, engaged bool) string {
	b := make([]byte, 0, 64)
	b = append(b, "profit "...)
	b = strconv.AppendFloat(b, cl.Profit(), 'g', -1, 64)
	b = append(b, cmpWord(profitable)...)
	b = strconv.AppendFloat(b, c.Profit, 'g', -1, 64)
	b = append(b, ", engagement "...)
	b = strconv.AppendFloat(b, cl.Engagement, 'g', -1, 64)
	b = append(b, cmpWord(engaged)...)
	b = strconv.AppendFloat(b, c.Engagement, 'g', -1, 64)
	return string(b)
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
	Counts      batch.Counts  `json:"counts"`
}

// AssignAll segments a book on all cores. The thresholds are resolved over
// the whole book first.
func (g Grid) AssignAll(ctx context.Context, book []Client) (Book, error) {
	cut, err := g.Cut(book)
	if err != nil {
		return Book{}, err
	}
	res := Book{Cut: cut, Assignments: make([]Assignment, 0, len(book))}
	res.Counts = batch.Run(ctx, slices.Values(book), cut.Assign, func(_ int, a Assignment, err error) {
		if err == nil {
			res.Assignments = append(res.Assignments, a)
			return
		}
		if ce, ok := err.(*ClientError); ok {
			res.Failed = append(res.Failed, *ce)
		}
	}, batch.Options{})
	return res, nil
}
