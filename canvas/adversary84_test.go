package canvas_test

import (
	"context"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
	"github.com/engagekit/engagekit/segment"
)

// TestAdversary84_TouchBudgetIgnoresYearBoundary
//
// Contract: segment.Policy.TouchesPerYear is "the contact budget per
// client per year"; Client.TouchesUsed is "the touches this year before
// the plan"; Plan schedules each contact "in the earliest period that
// respects ... their segment's touch budget", and a Deferral's NextSlot is
// zero only "when that needs the host: ... a budget".
//
// Input: Now = 2024-12-30 (UTC), Period a week, Horizon 2 (periods start
// 2024-12-30 and 2025-01-06); one client with TouchesPerYear 1 and
// TouchesUsed 1 (this year's, 2024's, touch spent), consenting to the
// portal; one planned-routine alert (default playbook: portal nudge).
//
// Observed: the alert is deferred as touch_budget with a zero NextSlot.
// Expected: the period starting 2025-01-06 lies in a year whose budget is
// untouched, so the contact should be planned there (or at the very least
// deferred with a NextSlot in 2025, not "needs the host").
//
// Root mechanism (guess): takeSlot checks cs.used+cs.touches against
// cs.budget once per contact, before looking at any period; the budget is
// one counter for the whole horizon, with no notion of which year a
// period falls in, so a horizon crossing 1 January charges next year's
// touches to this year's budget (and TouchesUsed, this year's, to next
// year's).
func TestAdversary84_TouchBudgetIgnoresYearBoundary(t *testing.T) {
	now := time.Date(2024, 12, 30, 0, 0, 0, 0, time.UTC)
	p, err := canvas.NewPlanner[struct{}](nil, canvas.Options{Now: now, Period: 7 * 24 * time.Hour, Horizon: 2})
	if err != nil {
		t.Fatal(err)
	}
	clients := map[string]canvas.Client[struct{}]{"a": {ID: "a", Consent: []canvas.Channel{canvas.PortalNudge},
		Policy: segment.Policy{TouchesPerYear: 1}, TouchesUsed: 1}}
	alerts := []advisory.Alert{{ClientID: "a", Type: "t", RuleID: "r", Urgency: 0.1, Sensitivity: 0.1}}
	for _, workers := range []int{1, 2} {
		plan, err := canvas.Parallel(p, workers, 1).Plan(context.Background(), alerts, clients)
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.FollowUps) != 0 {
			t.Errorf("%d workers: planned %+v past this year's spent budget", workers, plan.FollowUps)
		}
		// The contract since (Client.TouchesUsed): a plan counts every
		// touch against the budget of the year it starts in; across the
		// new year the host plans again with the new year's count.
		if len(plan.Deferred) != 1 || plan.Deferred[0].Reason != canvas.TouchBudget || !plan.Deferred[0].NextSlot.IsZero() {
			t.Errorf("%d workers: deferred %+v; want one deferral as touch_budget, its next slot the host's", workers, plan.Deferred)
		}
	}
}
