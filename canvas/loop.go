package canvas

import (
	"cmp"
	"slices"

	"github.com/engagekit/engagekit/engagement"
)

// Outcome is what a client did about a planned follow-up, classified as
// the engagement package does: maintain, escalate, disengage, or
// [engagement.ClassUnknown] for no response.
type Outcome struct {
	FollowUpID string           `json:"follow_up_id"`
	Class      engagement.Class `json:"class"`
}

// Rate is the response to the follow-ups of one group.
type Rate struct {
	Dimension  string  `json:"dimension"` // "quadrant", "channel" or "type"
	Value      string  `json:"value"`
	Sent       int     `json:"sent"`
	Responded  int     `json:"responded"`
	Escalated  int     `json:"escalated"`
	Disengaged int     `json:"disengaged"`
	Response   float64 `json:"response_rate"`
	Escalation float64 `json:"escalation_rate"`
}

// Loop measures how clients responded to a plan's follow-ups, by quadrant,
// channel and alert type, so the host can tune its playbook. A follow-up
// without an outcome counts as sent and not responded; outcomes of unknown
// follow-ups, and of a class that is none of the four (Class(99)), are
// ignored. A follow-up with several outcomes counts each:
// it responded if any is a response, escalated if any escalates and
// disengaged if any disengages, whatever their order (the last of them
// decided before). Rates are sorted by dimension and value.
func Loop(plan Plan, outcomes []Outcome) []Rate {
	const responded, escalated, disengaged = 1, 2, 4
	byID := map[string]uint8{}
	for _, o := range outcomes {
		f := byID[o.FollowUpID]
		switch o.Class {
		case engagement.Maintain:
			f |= responded
		case engagement.Escalate:
			f |= responded | escalated
		case engagement.Disengage:
			f |= responded | disengaged
		}
		// ClassUnknown is no response; a number past the classes
		// (Class(99), read back from JSON) is no outcome at all.
		byID[o.FollowUpID] = f
	}
	rates := map[[2]string]*Rate{}
	add := func(dim, value string, did uint8) {
		r := rates[[2]string{dim, value}]
		if r == nil {
			r = &Rate{Dimension: dim, Value: value}
			rates[[2]string{dim, value}] = r
		}
		r.Sent++
		if did&responded != 0 {
			r.Responded++
		}
		if did&escalated != 0 {
			r.Escalated++
		}
		if did&disengaged != 0 {
			r.Disengaged++
		}
	}
	for _, f := range plan.FollowUps {
		class := byID[f.ID]
		add("quadrant", f.Quadrant.String(), class)
		add("channel", f.Channel.String(), class)
		types := map[string]bool{}
		for _, it := range f.Items {
			if typ := it.typ(); !types[typ] {
				types[typ] = true
				add("type", typ, class)
			}
		}
	}
	out := make([]Rate, 0, len(rates))
	for _, r := range rates {
		r.Response = float64(r.Responded) / float64(r.Sent)
		r.Escalation = float64(r.Escalated) / float64(r.Sent)
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b Rate) int {
		return cmp.Or(cmp.Compare(a.Dimension, b.Dimension), cmp.Compare(a.Value, b.Value))
	})
	return out
}
