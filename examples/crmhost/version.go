package main

import "time"

// Status is where a rule-file version is in its life: written (draft),
// sent for approval (submitted), approved or rejected by a second person,
// and deployed. One version at most is deployed; the one it replaces goes
// back to approved, so it can be rolled back to.
type Status string

// The statuses.
const (
	Draft     Status = "draft"
	Submitted Status = "submitted"
	Approved  Status = "approved"
	Rejected  Status = "rejected"
	Deployed  Status = "deployed"
)

// Version is one stored rule file: its text, its JSON form (nil when it
// does not parse), and who wrote, approved and deployed it, and when.
type Version struct {
	ID          int64
	Text        string
	JSON        []byte
	Status      Status
	Author      string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	SubmittedAt time.Time
	Approver    string // who approved or rejected it
	ApprovedAt  time.Time
	Deployer    string
	DeployedAt  time.Time
	Note        string // the approver's or rejecter's comment
}

// Transition is a change of a version's status by a user at a time.
type Transition struct {
	From []Status
	To   Status
	By   string
	At   time.Time
	Note string
	// Checker says the change is the second person's: the version's
	// author may not make it (maker-checker).
	Checker bool
}

// The transitions crmhost allows: an author submits a draft, an approver
// who is not the version's author approves or rejects it (approving
// deploys it), and an approver deploys an approved version again to roll
// back.
func submit(by string, at time.Time) Transition {
	return Transition{From: []Status{Draft, Rejected}, To: Submitted, By: by, At: at}
}

func approve(by string, at time.Time, note string) Transition {
	return Transition{From: []Status{Submitted}, To: Deployed, By: by, At: at, Note: note, Checker: true}
}

func reject(by string, at time.Time, note string) Transition {
	return Transition{From: []Status{Submitted}, To: Rejected, By: by, At: at, Note: note, Checker: true}
}

func rollback(by string, at time.Time) Transition {
	return Transition{From: []Status{Approved}, To: Deployed, By: by, At: at}
}
