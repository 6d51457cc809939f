package canvas_test

import (
	"context"
	"fmt"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
	"github.com/engagekit/engagekit/segment"
)

func Example() {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	type Context struct {
		Age int `expr:"age"`
	}
	placement, err := canvas.NewPlacement[Context]([]canvas.TypeRule{
		{Type: "pension.gap", Base: canvas.Position{Urgency: 0.1}, Sensitivity: "client.age < 30 ? 0.7 : 0.9"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	alerts := []advisory.Alert{
		{ClientID: "ada", Type: "mortgage.term_end", RuleID: "term", Urgency: 0.9, Sensitivity: 0.3},
		{ClientID: "ada", Type: "pension.gap", RuleID: "gap"},
		{ClientID: "bram", Type: "pension.gap", RuleID: "gap"},
	}
	everything := []canvas.Channel{canvas.AppPush, canvas.Email, canvas.ReviewMeeting, canvas.PortalNudge}
	clients := map[string]canvas.Client[Context]{
		"ada":  {ID: "ada", Context: Context{Age: 29}, Consent: everything, Policy: segment.DefaultPolicies()[segment.A]},
		"bram": {ID: "bram", Context: Context{Age: 45}, Consent: []canvas.Channel{canvas.PortalNudge}, Policy: segment.DefaultPolicies()[segment.B]},
	}
	planner, err := canvas.NewPlanner(placement, canvas.Options{Now: now})
	if err != nil {
		fmt.Println(err)
		return
	}
	plan, err := planner.Plan(context.Background(), alerts, clients)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range plan.FollowUps {
		fmt.Printf("%s: %s via %s (%s), due %s\n", f.ClientID, f.Items[0].Alert.Type, f.Channel, f.Action, f.Due.Format(time.DateOnly))
	}
	fmt.Printf("%d alerts: %d planned, %d deferred\n", plan.Totals.Alerts, plan.Totals.Planned, plan.Totals.Deferred)
	// Output:
	// ada: mortgage.term_end via app_push (self_service), due 2026-11-27
	// bram: pension.gap via portal_nudge (book_adviser), due 2027-02-22
	// ada: pension.gap via review_meeting (book_adviser), due 2027-02-22
	// 3 alerts: 3 planned, 0 deferred
}
