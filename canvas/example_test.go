package canvas_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
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

// A batch's alerts planned as the batch hands them over, file by file,
// without joining them into one slice.
func ExamplePlanner_PlanParts() {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	fw, err := advisory.Compile[advisory.File]([]byte(`ruleset home version 1
rule underinsured {
  type "insurance.home_under_value"
  when home != nil && ratio(home.cover, home.propertyValue) < 0.9
  urgency 0.4
  sensitivity 0.2
}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	book := []advisory.Item[advisory.File]{
		{ClientID: "ada", File: advisory.File{Home: &advisory.Home{Cover: 150000, PropertyValue: 400000}}},
		{ClientID: "bram", File: advisory.File{Home: &advisory.Home{Cover: 390000, PropertyValue: 400000}}},
		{ClientID: "cleo", File: advisory.File{Home: &advisory.Home{Cover: 200000, PropertyValue: 300000}}},
	}
	var parts [][]advisory.Alert
	counts := fw.EvaluateEach(context.Background(), slices.Values(book), now, advisory.BatchOptions{}, func(fa advisory.FileAlerts) {
		if len(fa.Alerts) > 0 {
			parts = append(parts, fa.Alerts) // the file's alerts, kept as they are
		}
	})
	// The lookup below reads nothing it writes: safe for concurrent use,
	// so a large plan looks its clients up on all cores.
	planner, err := canvas.NewPlanner[struct{}](nil, canvas.Options{Now: now, ConcurrentLookup: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	plan, err := planner.PlanParts(context.Background(), parts, func(id string) (canvas.Client[struct{}], bool) {
		return canvas.Client[struct{}]{ID: id, Consent: []canvas.Channel{canvas.Email}, Policy: segment.DefaultPolicies()[segment.B]}, true
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range plan.FollowUps {
		fmt.Printf("%s: %s via %s\n", f.ClientID, f.Items[0].Alert.Type, f.Channel)
	}
	fmt.Printf("%d files, %d alerts planned\n", counts.In, plan.Totals.Planned)
	// Output:
	// ada: insurance.home_under_value via email
	// cleo: insurance.home_under_value via email
	// 3 files, 2 alerts planned
}

// The canvas of a plan, drawn from the plan as it is: every planned and
// deferred alert as a circle of its type, at the type's mean placement.
func ExamplePicturePlans() {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	planner, err := canvas.NewPlanner[struct{}](nil, canvas.Options{Now: now})
	if err != nil {
		fmt.Println(err)
		return
	}
	alerts := []advisory.Alert{
		{ClientID: "ada", Type: "mortgage.term_end", RuleID: "term", Urgency: 0.9, Sensitivity: 0.3},
		{ClientID: "ada", Type: "pension.gap", RuleID: "gap", Urgency: 0.2, Sensitivity: 0.8},
		{ClientID: "bram", Type: "pension.gap", RuleID: "gap", Urgency: 0.3, Sensitivity: 0.9},
	}
	plan, err := planner.Plan(context.Background(), alerts, map[string]canvas.Client[struct{}]{
		"ada":  {ID: "ada", Consent: []canvas.Channel{canvas.AppPush, canvas.ReviewMeeting}, Policy: segment.DefaultPolicies()[segment.A]},
		"bram": {ID: "bram", Consent: []canvas.Channel{canvas.ReviewMeeting}, Policy: segment.DefaultPolicies()[segment.B]},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	svg := string(canvas.PicturePlans(canvas.Thresholds{}, plan))
	title, _, _ := strings.Cut(svg[strings.Index(svg, "Active client"):], "<")
	fmt.Println(title)
	fmt.Println(strings.Count(svg, "<circle"), "circles")
	// Output:
	// Active client management canvas (3 alerts, 2 types)
	// 2 circles
}
