package segment

import (
	"cmp"
	"math"
	"slices"

	"github.com/engagekit/engagekit/internal/stats"
)

// Summary is a book per segment: how many clients, what they bring and
// cost, and each segment's share of the profit. Segments are sorted by name.
type Summary struct {
	Segments []SegmentSummary `json:"segments"`
	Profit   float64          `json:"profit"`
	// Ties is how many clients a tie at a top share's cut decided (see
	// [Top]), over all segments.
	Ties int `json:"ties"`
	// Unknown is how many clients counted with no money, over all
	// segments (see [SegmentSummary.Unknown]).
	Unknown int `json:"unknown,omitempty"`
}

// SegmentSummary is one segment's line of a [Summary].
type SegmentSummary struct {
	Segment     Segment `json:"segment"`
	Clients     int     `json:"clients"`
	Revenue     float64 `json:"revenue"`
	CostToServe float64 `json:"cost_to_serve"`
	Profit      float64 `json:"profit"`
	// ProfitShare is the segment's profit over the book's; 0 when the
	// book's profit is 0.
	ProfitShare float64 `json:"profit_share"`
	// Ties is how many of the segment's clients a tie at a top share's
	// cut decided ([Assignment.Tie]).
	Ties int `json:"ties"`
	// Unknown is how many of the segment's clients counted with no
	// money: no client of their id was given (or the id is empty), or its revenue, cost or
	// profit is not a finite number (a custom scheme may assign such a
	// client; its NaN would have made every total NaN).
	Unknown int `json:"unknown,omitempty"`
}

// Summarize totals a book's assignments. clients gives revenue and cost by
// client id (the first client of an id, should clients name one twice);
// assignments of unknown clients, and of clients whose money is not a
// finite number, count with zero money and in Unknown. The sums are exact
// and rounded once, so they do not depend on the order of the book: added
// in order, 1e17, -1e17 and 1 make 1 one way and 0 another. A total
// beyond the float64 range reads as ±MaxFloat64; a segment's ProfitShare
// comes from the exact totals, so it is right even then.
func Summarize(assignments []Assignment, clients []Client) Summary {
	client := clientsByID(assignments, clients)
	type sums struct{ revenue, cost, profit stats.ExactSum }
	lines := map[Segment]*SegmentSummary{}
	totals := map[Segment]*sums{}
	var total Summary
	var bookProfit stats.ExactSum
	for i, a := range assignments {
		l := lines[a.Segment]
		if l == nil {
			l = &SegmentSummary{Segment: a.Segment}
			lines[a.Segment] = l
			totals[a.Segment] = &sums{}
		}
		c, known := client(i)
		l.Clients++
		if known && !moneyKnown(c) {
			known, c = false, Client{}
		}
		if !known {
			l.Unknown++
			total.Unknown++
		}
		if a.Tie {
			l.Ties++
			total.Ties++
		}
		s := totals[a.Segment]
		s.revenue.Add(c.Revenue)
		s.cost.Add(c.CostToServe)
		s.profit.Add(c.Profit())
		bookProfit.Add(c.Profit())
	}
	total.Profit = bounded(bookProfit.Float64())
	for seg, l := range lines {
		s := totals[seg]
		l.Revenue, l.CostToServe, l.Profit = bounded(s.revenue.Float64()), bounded(s.cost.Float64()), bounded(s.profit.Float64())
		// The share from the exact totals: finite where a total is not.
		if share := stats.Ratio(&s.profit, &bookProfit); !math.IsNaN(share) {
			l.ProfitShare = share
		}
		total.Segments = append(total.Segments, *l)
	}
	slices.SortFunc(total.Segments, func(a, b SegmentSummary) int { return cmp.Compare(a.Segment, b.Segment) })
	return total
}

// clientsByID finds the client of each assignment, by its index: the first
// client of its id, a zero client when none has it (and for no id: a
// record of no id is no client). AssignAll keeps its input's order, so a
// book's assignments usually line up with its clients one for one; then,
// unless an id repeats or is empty, the i-th assignment's client is the
// i-th client and no map of the ids is built.
func clientsByID(assignments []Assignment, clients []Client) func(i int) (Client, bool) {
	aligned := len(assignments) == len(clients)
	for i := 0; aligned && i < len(assignments); i++ {
		aligned = assignments[i].ClientID == clients[i].ID && clients[i].ID != ""
	}
	if aligned && duplicateIDs(clients) == nil {
		return func(i int) (Client, bool) { return clients[i], true }
	}
	byID := make(map[string]Client, len(clients))
	for _, c := range clients {
		if _, ok := byID[c.ID]; !ok && c.ID != "" {
			byID[c.ID] = c
		}
	}
	return func(i int) (Client, bool) {
		c, ok := byID[assignments[i].ClientID]
		return c, ok
	}
}

// moneyKnown says whether a client's revenue, cost and profit are finite.
func moneyKnown(c Client) bool {
	for _, v := range []float64{c.Revenue, c.CostToServe, c.Profit()} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// bounded is a total held to the float64 range: the exact total of finite
// money can pass it (two revenues of MaxFloat64), and a total of +Inf
// would not encode as JSON.
func bounded(x float64) float64 {
	return min(max(x, -math.MaxFloat64), math.MaxFloat64)
}
