package canvas_test

// Adversary 25: failing tests, one defect each, for package canvas.

import (
	"reflect"
	"testing"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
	"github.com/engagekit/engagekit/engagement"
)

// TestAdversary25_LoopDuplicateOutcomesOrder: Loop keeps the last of
// several outcomes for one follow-up, so the order of the outcomes
// decides the rates, without an error. Promise: outcomes with duplicate
// follow-up ids give a deterministic, order-independent result (or a
// typed error). Minimal input: one follow-up f1 and the outcomes
// {f1 escalate} and {f1 unknown (no response)}: in that order the
// follow-up counts as not responded (response rate 0), in the other as
// responded and escalated (1 and 1).
func TestAdversary25_LoopDuplicateOutcomesOrder(t *testing.T) {
	plan := canvas.Plan{FollowUps: []canvas.FollowUp{{ID: "f1", ClientID: "c", Channel: canvas.Email, Action: canvas.SelfService,
		Quadrant: canvas.UrgentRoutine, Items: []canvas.Item{{Alert: &advisory.Alert{ClientID: "c", Type: "x"}, Quadrant: canvas.UrgentRoutine}}}}}
	esc := canvas.Outcome{FollowUpID: "f1", Class: engagement.Escalate}
	none := canvas.Outcome{FollowUpID: "f1", Class: engagement.ClassUnknown}
	x := canvas.Loop(plan, []canvas.Outcome{esc, none})
	y := canvas.Loop(plan, []canvas.Outcome{none, esc})
	if !reflect.DeepEqual(x, y) {
		t.Errorf("the same outcomes in two orders give different rates:\n%+v\n%+v", x, y)
	}
}
