package segment_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/engagekit/engagekit/segment"
)

func Example() {
	book := []segment.Client{
		{ID: "ada", Revenue: 9000, CostToServe: 2000, Engagement: 0.8},
		{ID: "bram", Revenue: 12000, CostToServe: 3000, Engagement: 0.2, Assets: 4e6},
		{ID: "chen", Revenue: 800, CostToServe: 1500, Engagement: 0.9},
		{ID: "dirk", Revenue: 300, CostToServe: 900, Engagement: 0.1},
	}
	grid := segment.Grid{Profit: segment.At(0), Engagement: segment.At(0.5)}
	res, err := grid.AssignAll(context.Background(), book)
	if err != nil {
		fmt.Println(err)
		return
	}
	policies := segment.DefaultPolicies()
	for _, a := range res.Assignments {
		p, _ := policies.For(a.Segment)
		fmt.Printf("%-4s %s %-17s %3d touches/yr  (%s)\n", a.ClientID, a.Segment, p.Stance, p.TouchesPerYear, a.Reason)
	}
	// Output:
	// ada  A retain_and_grow   100 touches/yr  (profit 7000 ≥ 0, engagement 0.8 ≥ 0.5)
	// bram B show_the_value     60 touches/yr  (profit 9000 ≥ 0, engagement 0.2 < 0.5)
	// chen C take_cost_out      40 touches/yr  (profit -700 < 0, engagement 0.9 ≥ 0.5)
	// dirk D let_go_gracefully  20 touches/yr  (profit -600 < 0, engagement 0.1 < 0.5)
}

// A grid kept as JSON (in a database row, a config file) reads back as
// the grid it was.
func ExampleGrid_json() {
	grid := segment.Grid{Profit: segment.Top(0.4), Engagement: segment.At(0.5)}
	b, _ := json.Marshal(grid)
	fmt.Println(string(b))
	var back segment.Grid
	if err := json.Unmarshal([]byte(`{"profit": "top 25%", "engagement": ">= 0.6"}`), &back); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(back.Profit, back.Engagement)
	// Output:
	// {"profit":"top 40%","engagement":"≥ 0.5"}
	// top 25% ≥ 0.6
}
