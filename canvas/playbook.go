package canvas

import (
	"github.com/engagekit/engagekit/internal/enumtext"
	"time"
)

// Action is the call to action of a follow-up. The zero value is
// [ActionUnknown].
type Action uint8

// The actions.
const (
	ActionUnknown Action = iota
	// SelfService asks the client to act on their own.
	SelfService
	// GuidedFlow walks the client through a decision.
	GuidedFlow
	// BookAdviser asks the client to book a meeting with an adviser.
	BookAdviser
)

var actionNames = [...]string{"unknown", "self_service", "guided_flow", "book_adviser"}

// String returns the action's name.
func (a Action) String() string {
	return enumtext.String(actionNames[:], "Action", uint8(a))
}

// MarshalText encodes the action as its name.
func (a Action) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText decodes an action from its name, or the form String gives
// a number without one, so that a plan's JSON reads back.
func (a *Action) UnmarshalText(b []byte) error {
	n, err := nameNumber(actionNames[:], "Action", string(b))
	*a = Action(n)
	return err
}

// actionRank orders the calls to action by how much they ask of the
// client and the firm: self-service, a guided flow, an adviser. It is 0 for
// an action that is none of these. A contact's call to action is the
// highest its agenda needs: an agenda with an item for an adviser needs the
// adviser, and a guided flow covers what the client could do alone.
func actionRank(a Action) int {
	switch a {
	case SelfService:
		return 1
	case GuidedFlow:
		return 2
	case BookAdviser:
		return 3
	}
	return 0
}

// Play is how to follow up: channels in order of preference, the call to
// action, and how soon: a contact is due Within of the plan's Now (zero:
// due at once).
type Play struct {
	Channels []Channel     `json:"channels"`
	Action   Action        `json:"action"`
	Within   time.Duration `json:"within"`
}

// Playbook maps quadrants, and if the host wishes alert types, to plays.
// A planner's playbook has a play for every quadrant.
type Playbook struct {
	Quadrants map[Quadrant]Play `json:"quadrants"`
	Types     map[string]Play   `json:"types,omitempty"`
}

// DefaultPlaybook follows the canvas: urgent alerts go out on push
// channels, the rest wait for passive ones; advice-sensitive alerts ask the
// client to book an adviser, the rest offer self-service.
//
//	urgent & sensitive   adviser call, adviser meeting, email       book an adviser   within 3 days
//	urgent & routine     app push, email, SMS, letter               self-service      within 3 days
//	planned & sensitive  review meeting, portal nudge, mailing      book an adviser   within 90 days
//	planned & routine    portal nudge, newsletter, mailing          self-service      within 90 days
func DefaultPlaybook() Playbook {
	day := 24 * time.Hour
	return Playbook{Quadrants: map[Quadrant]Play{
		UrgentSensitive:  {Channels: []Channel{PhoneAdviser, AdviserMeeting, Email}, Action: BookAdviser, Within: 3 * day},
		UrgentRoutine:    {Channels: []Channel{AppPush, Email, SMS, Letter}, Action: SelfService, Within: 3 * day},
		PlannedSensitive: {Channels: []Channel{ReviewMeeting, PortalNudge, Mailing}, Action: BookAdviser, Within: 90 * day},
		PlannedRoutine:   {Channels: []Channel{PortalNudge, Newsletter, Mailing}, Action: SelfService, Within: 90 * day},
	}}
}

// For returns the play of an alert type in a quadrant: the type's own, or
// the quadrant's.
func (pb Playbook) For(q Quadrant, typ string) Play {
	if p, ok := pb.Types[typ]; ok {
		return p
	}
	return pb.Quadrants[q]
}
