package segment_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/engagekit/engagekit/internal/svg"
	"github.com/engagekit/engagekit/segment"
	"pgregory.net/rapid"
)

// Books no picture should choke on: empty, all unknown, with quantile
// thresholds that have nothing to rank.
func TestScatterDegenerateBooks(t *testing.T) {
	nan := math.NaN()
	top := segment.Grid{Profit: segment.Top(0.3), Engagement: segment.Top(0.5)}
	cases := []struct {
		name string
		grid segment.Grid
		book []segment.Client
	}{
		{"empty, top shares", top, nil},
		{"all NaN, top shares", top, []segment.Client{{ID: "a", Revenue: nan}, {ID: "b", Engagement: nan}}},
		{"one client", top, []segment.Client{{ID: "a", Revenue: 1}}},
		{"the ends of float64", segment.Grid{}, []segment.Client{{ID: "a", Revenue: math.MaxFloat64, CostToServe: -math.MaxFloat64}, {ID: "b", Revenue: -math.MaxFloat64, Engagement: -math.MaxFloat64}}},
	}
	for _, c := range cases {
		res, err := c.grid.AssignAll(context.Background(), c.book)
		if err != nil {
			t.Fatal(err)
		}
		if err := svg.Check(segment.Scatter(res)); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	// A hand-made book with non-finite numbers draws what is finite.
	hand := segment.Book{Cut: segment.Cut{Profit: math.Inf(1), Engagement: nan},
		Assignments: []segment.Assignment{{ClientID: "x", Profit: nan, Engagement: 1}, {ClientID: "y", Profit: 1, Engagement: 2}}}
	out := segment.Scatter(hand)
	if err := svg.Check(out); err != nil {
		t.Error(err)
	}
	if n := strings.Count(string(out), "<circle"); n != 1 {
		t.Errorf("%d dots, want the one finite client", n)
	}
}

// Every picture of any book, with any names and numbers, is well-formed
// XML without NaN or infinity.
func TestPropertyScatterWellFormed(t *testing.T) {
	num := rapid.OneOf(rapid.Float64(), rapid.SampledFrom([]float64{0, math.NaN(), math.Inf(1), math.Inf(-1), math.MaxFloat64, -math.MaxFloat64}))
	hostile := rapid.OneOf(rapid.String(), rapid.StringMatching(`[\x00-\x1f<>&"']{0,6}`), rapid.Map(rapid.SliceOf(rapid.Byte()), func(b []byte) string { return string(b) }))
	rapid.Check(t, func(t *rapid.T) {
		var book []segment.Client
		for range rapid.IntRange(0, 12).Draw(t, "n") {
			book = append(book, segment.Client{ID: hostile.Draw(t, "id"), Revenue: num.Draw(t, "rev"), CostToServe: num.Draw(t, "cost"), Engagement: num.Draw(t, "eng")})
		}
		grid := genGrid(t)
		res, err := grid.AssignAll(context.Background(), book)
		if err != nil {
			t.Fatal(err)
		}
		for i := range res.Assignments {
			res.Assignments[i].Segment = segment.Segment(hostile.Draw(t, "segment"))
		}
		if err := svg.Check(segment.Scatter(res)); err != nil {
			t.Fatal(err)
		}
	})
}
