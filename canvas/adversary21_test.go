package canvas_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
	"github.com/google/go-cmp/cmp"
)

// DEFECT: a plan never gives a client more touches than their segment's
// budget allows (doc.go: "schedules each in the earliest period that
// respects ... their segment's touch budget"), and bad input gets an error
// or a documented deferral. takeSlot (schedule.go) tests
// used+touches >= budget with the client's TouchesUsed as given, so a
// negative TouchesUsed (a corrupt or mis-signed count) is credit: with
// TouchesPerYear 1 and TouchesUsed -3 the client is planned 3 contacts (4
// would fit) and Plan returns no error.
// Minimal input: one client {TouchesPerYear: 1, TouchesUsed: -3}, all
// channels consented, three alerts in three quadrants (three contacts).
// Expected: at most one follow-up (a negative count read as none used, or
// the alerts deferred as TouchBudget). Actual: three follow-ups, nothing
// deferred — on one goroutine and on several.
func TestAdversary21_NegativeTouchesUsedExceedsBudget(t *testing.T) {
	c := client("c")
	c.Policy.TouchesPerYear, c.TouchesUsed = 1, -3
	clients := map[string]canvas.Client[ctx]{"c": c}
	alerts := []advisory.Alert{
		{ClientID: "c", Type: "a", RuleID: "r", Urgency: 0.9, Sensitivity: 0.1},
		{ClientID: "c", Type: "b", RuleID: "r", Urgency: 0.9, Sensitivity: 0.9},
		{ClientID: "c", Type: "c", RuleID: "r", Urgency: 0.1, Sensitivity: 0.1},
	}
	p := must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now}))
	for _, w := range []int{1, 2} {
		plan, err := canvas.Parallel(p, w, 1).Plan(ctxBG, alerts, clients)
		if err != nil {
			continue // a typed error for the bad count would do
		}
		if len(plan.FollowUps) > c.Policy.TouchesPerYear {
			t.Errorf("%d workers: %d follow-ups for a client with a budget of %d touches a year (TouchesUsed %d); totals %+v",
				w, len(plan.FollowUps), c.Policy.TouchesPerYear, c.TouchesUsed, plan.Totals)
		}
	}
}

// DEFECT: a Plan does not survive a JSON round trip. Plan carries JSON tags
// and always encodes (json.go), and the plan is written as JSON by the
// hosts (examples/beam TeamLine, examples/internal/desk Result), but
// Quadrant and Action implement only MarshalText: they encode as their
// names ("urgent_routine", "self_service") and json.Unmarshal cannot read
// them back into the uint8 types (Channel, beside them, has UnmarshalText
// and decodes). Item.Position, DeferReason and the times round-trip.
// Minimal input: one alert {c, t, r, urgency 0.9, sensitivity 0.1}, client
// c consenting to app push; json.Marshal(plan) then json.Unmarshal into a
// canvas.Plan.
// Expected: the decoded plan equals the plan. Actual: "json: cannot
// unmarshal string into Go struct field FollowUp.follow_ups.action of type
// canvas.Action" (and likewise for quadrant).
func TestAdversary21_PlanJSONDoesNotDecode(t *testing.T) {
	p := must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now}))
	alerts := []advisory.Alert{{ClientID: "c", Type: "t", RuleID: "r", Title: "x", Urgency: 0.9, Sensitivity: 0.1}}
	plan := mustPlan(p.Plan(ctxBG, alerts, map[string]canvas.Client[ctx]{"c": client("c", canvas.AppPush)}))
	if len(plan.FollowUps) != 1 {
		t.Fatalf("want one follow-up, got %+v", plan)
	}
	b, err := json.Marshal(plan)
	if err != nil {
		t.Fatal(err)
	}
	var back canvas.Plan
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("a plan's JSON does not decode into a Plan: %v\n%s", err, b)
	}
	if d := cmp.Diff(plan, back); d != "" {
		t.Errorf("the decoded plan differs:\n%s", d)
	}
}

// DEFECT: Plan stops within a few thousand alerts or contacts once ctx
// ends (Planner.Plan), and planning takes time in proportion to the book.
// alertOrder (order.go) breaks a tie between two alerts by writing their
// Outputs out with valueText, which guards against a value that points
// back into itself but not against one that shares parts: a slice of two
// references to one slice, nested d levels, is d small slices but
// valueText writes 2^d leaves, once per comparison, without looking at
// ctx. Two alerts alike but for such an output, on one client's agenda,
// make a two-alert plan take ~0.7 s at d = 18, ~0.9 s at 19, ~2 s at 20 (two shared cores), twice as
// long per level (d = 40 is days), and a cancelled context does not stop it.
// Minimal input: alerts {c, t, r, Outputs {"x": D(1)}} and {c, t, r,
// Outputs {"x": D(2)}} with D(v) = []any{D'(v), D'(v)} nested 20 deep, one
// client consenting to email; ctx times out after 20 ms.
// Expected: Plan returns (the plan, or ctx's error) well within 0.5 s.
// Actual: it returns after the whole exponential walk (~2 s here).
func TestAdversary21_SharedOutputsIgnoreCancellation(t *testing.T) {
	dag := func(leaf any, depth int) any {
		v := leaf
		for range depth {
			v = []any{v, v}
		}
		return v
	}
	const depth = 20
	alerts := []advisory.Alert{
		{ClientID: "c", Type: "t", RuleID: "r", Outputs: map[string]any{"x": dag(1, depth)}},
		{ClientID: "c", Type: "t", RuleID: "r", Outputs: map[string]any{"x": dag(2, depth)}},
	}
	p := must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now}))
	cx, cancel := context.WithTimeout(ctxBG, 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := canvas.Parallel(p, 1, 0).Plan(cx, alerts, map[string]canvas.Client[ctx]{"c": client("c", canvas.Email)})
	if took := time.Since(start); took > 500*time.Millisecond {
		t.Errorf("a plan of two alerts with %d-deep shared outputs took %v (err %v), past its 20 ms deadline", depth, took, err)
	}
}

// A negative touch budget is bad data: it allows no touch, where it read
// as no budget at all (the review of adversary 21's finds).
func TestAdversary21Review_NegativeBudgetAllowsNoTouch(t *testing.T) {
	c := canvas.Client[ctx]{ID: "c", Consent: []canvas.Channel{canvas.Email, canvas.AppPush, canvas.Letter, canvas.SMS, canvas.PortalNudge}}
	c.Policy.TouchesPerYear = -1
	alerts := []advisory.Alert{{ClientID: "c", Type: "t", RuleID: "r", Urgency: 0.9, Sensitivity: 0.1}}
	p := must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now}))
	plan := mustPlan(p.Plan(ctxBG, alerts, map[string]canvas.Client[ctx]{"c": c}))
	if plan.Totals.Planned != 0 || len(plan.Deferred) != 1 || plan.Deferred[0].Reason != canvas.TouchBudget {
		t.Errorf("a budget of -1: %d planned, deferred %+v; want the alert deferred for the touch budget", plan.Totals.Planned, plan.Deferred)
	}
}
