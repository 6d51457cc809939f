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
// [Planner.Plan] bundles a client's alerts into one contact where the
// channel allows, orders the contacts totally, and schedules each in the
// earliest period that respects the client's consented channels, their
// segment's touch budget, a contact-pressure cap and adviser capacity.
// What cannot be delivered inside the horizon is deferred with the reason
// and its next slot: alerts in = planned + deferred. Clients come from a
// map, or through [Planner.PlanLookup] from wherever the host keeps them.
// A million alerts grouped by client, as a batch gives them, plan in about
// two thirds of a second on one core. [Loop] closes the loop with the
// clients' responses, and [Picture] draws the canvas.
package canvas
