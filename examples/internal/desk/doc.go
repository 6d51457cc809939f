// Package desk is the wealthdesk job: a generated wealth manager ([Firm],
// [Generate]) and what the job does with it, end to end on one machine
// ([Run]). Its per-client steps ([Firm.Prepare], [Firm.PlanClient],
// [NewPlanner], [Team]) are exported so that the same job can run on a
// distributed engine (examples/beam) and be held to the same answers.
// It is example code, internal to the examples, not part of engagekit's
// API.
package desk
