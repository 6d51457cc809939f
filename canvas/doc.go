// Package canvas is active client management's last steps: it places
// alerts on the canvas of urgency against advice sensitivity, maps each
// quadrant to a way of following up, and plans the follow-ups the firm can
// deliver.
//
// # Placement
//
// Each alert type has a base position, refined by the client's context
// through dsl expressions ([TypeRule], [NewPlacement]): a fixed-rate term
// ending in two weeks is urgent, in six months it is not; pension advice
// differs under and over 30; eight discrepancies are more advice-sensitive
// than one. [Thresholds] split the canvas into four [Quadrant] values.
// Placement never guesses: a position that is NaN or infinite before it is
// clamped to the canvas, whether the alert brought it (a type without a
// rule) or a rule computed it, is an error ([ErrNotFinite]), and the
// planner defers the alert as [PlacementFailed] with the error as detail.
//
// # Playbooks
//
// A [Playbook] maps each quadrant (and, if the host wishes, an alert type)
// to a [Play]: urgent alerts go out on push channels, the rest wait for
// passive ones; advice-sensitive alerts ask the client to book an adviser,
// the rest offer self-service. Low urgency never means dropped.
//
// # The plan
//
// [NewPlanner] checks its [Options] and reports every problem at once.
// [Planner.Plan] bundles a client's alerts into one contact where the
// channel allows, orders the contacts totally, and schedules each in the
// earliest period that respects the client's consented channels, their
// segment's touch budget, a contact-pressure cap and adviser capacity.
// What cannot be delivered inside the horizon is deferred with the reason
// and its next slot: alerts in = planned + deferred. Clients come from a
// map, or through [Planner.PlanLookup] from wherever the host keeps them.
//
// A bundle is what its items are, whatever their order: its position is
// their highest urgency and highest sensitivity plus a boost per extra
// item, its quadrant that position's (a boost over the threshold makes it
// advice-sensitive: a contact never carries a sensitivity its label
// denies), and its call to action the highest its agenda needs. The whole
// plan, deferrals included, is the same for any order of the alerts.
//
// A million alerts grouped by client, as a batch gives them, plan in about
// two thirds of a second on one core. [Loop] closes the loop with the
// clients' responses, and [PicturePlans] draws a plan's canvas ([Picture]
// any items').
//
// # Due dates
//
// Each play says within how long its contacts are due. The planner keeps
// its periods (capacity and pressure are counted per period) and does not
// cut them finer: a contact that cannot be made in a period starting by
// its due date, because the pressure cap or adviser capacity fills the
// periods that would be in time, is planned in the earliest period that
// fits and marked late, with how late and why ([FollowUp.Late],
// [FollowUp.LateReason]); [Totals] counts late follow-ups and their
// alerts. No follow-up is planned after it is due without saying so. A
// host that wants urgent contacts in time shortens the Period, or raises
// capacity.
package canvas
