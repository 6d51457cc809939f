package canvas

import (
	"encoding/json"
	"fmt"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/internal/valuetext"
)

// itemJSON is an Item without its MarshalJSON method.
type itemJSON Item

// MarshalJSON encodes the item as its fields, so that a plan always
// encodes: an alert holding what JSON cannot (a NaN or infinite urgency or
// sensitivity, which a type with a placement rule may carry; an output or
// a piece of evidence with such a number or of a type JSON cannot write)
// is encoded with that urgency or sensitivity as null and those values as
// their text ("NaN"). The plan's own numbers are always finite.
func (it Item) MarshalJSON() ([]byte, error) {
	if b, err := json.Marshal(itemJSON(it)); err == nil || it.Alert == nil {
		return b, err
	}
	return json.Marshal(struct {
		Alert    safeAlert `json:"alert"`
		Position Position  `json:"position"`
		Quadrant Quadrant  `json:"quadrant"`
	}{safeAlert{it.Alert}, it.Position, it.Quadrant})
}

// safeAlert encodes an alert as JSON can hold it.
type safeAlert struct{ a *advisory.Alert }

// MarshalJSON encodes the alert's fields, replacing what JSON cannot write.
func (s safeAlert) MarshalJSON() ([]byte, error) {
	a := *s.a
	var urgency, sensitivity *float64
	if finite(a.Urgency) {
		urgency = &a.Urgency
	}
	if finite(a.Sensitivity) {
		sensitivity = &a.Sensitivity
	}
	if len(a.Outputs) > 0 {
		a.Outputs = make(map[string]any, len(s.a.Outputs))
		for k, v := range s.a.Outputs {
			a.Outputs[k] = jsonValue(v)
		}
	}
	if len(a.Evidence) > 0 {
		a.Evidence = make([]advisory.Evidence, len(s.a.Evidence))
		for i, e := range s.a.Evidence {
			a.Evidence[i] = advisory.Evidence{Name: e.Name, Value: jsonValue(e.Value)}
		}
	}
	// The outer fields shadow the alert's own of the same JSON name.
	return json.Marshal(struct {
		*advisory.Alert
		Urgency     *float64 `json:"urgency"`
		Sensitivity *float64 `json:"sensitivity"`
	}{&a, urgency, sensitivity})
}

// jsonValue is v if JSON can write it, else its text: fmt's, or, for a
// value that points back at itself (which fmt would follow until the stack
// overflowed, a fatal error), the plan's order's (valuetext.Text), which stops
// there.
func jsonValue(v any) any {
	if _, err := json.Marshal(v); err != nil {
		if text, cyclic := valuetext.TextCyclic(v); cyclic {
			return text
		}
		return fmt.Sprint(v)
	}
	return v
}
