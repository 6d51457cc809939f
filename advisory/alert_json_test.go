package advisory

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"
)

// An alert always encodes: what JSON cannot write is written as text or
// null, and an alert JSON can write encodes as its plain fields.
func TestAlertMarshalJSON(t *testing.T) {
	type cyclic struct{ Next any }
	loop := &cyclic{}
	loop.Next = loop
	base := Alert{ClientID: "c-1", Type: "t", RuleID: "r", Title: "T", Urgency: 0.5, Sensitivity: 0.25}
	with := func(f func(*Alert)) Alert { a := base; f(&a); return a }
	for _, c := range []struct {
		name  string
		alert Alert
		want  []string // substrings of the encoding
	}{
		{"plain", base, []string{`"client_id":"c-1"`, `"urgency":0.5`, `"sensitivity":0.25`}},
		{"infinite output", with(func(a *Alert) { a.Outputs = map[string]any{"ltv": math.Inf(1), "n": 2} }),
			[]string{`"ltv":"+Inf"`, `"n":2`, `"urgency":0.5`}},
		{"infinite evidence", with(func(a *Alert) { a.Evidence = []Evidence{{Name: "q", Value: math.Inf(-1)}} }),
			[]string{`{"name":"q","value":"-Inf"}`}},
		{"NaN urgency", with(func(a *Alert) { a.Urgency = math.NaN() }), []string{`"urgency":null`, `"sensitivity":0.25`}},
		{"time beyond JSON", with(func(a *Alert) {
			a.Evidence = []Evidence{{Name: "as_of", Value: time.Date(20261, 1, 1, 0, 0, 0, 0, time.UTC)}}
		}), []string{`"value":"20261-01-01 00:00:00 +0000 UTC"`}},
		{"cyclic", with(func(a *Alert) { a.Outputs = map[string]any{"x": loop} }), []string{`"x":"`}},
	} {
		b, err := json.Marshal(c.alert)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(string(b), w) {
				t.Errorf("%s: %s does not hold %s", c.name, b, w)
			}
		}
		// A pointer encodes alike.
		if bp, err := json.Marshal(&c.alert); err != nil || string(bp) != string(b) {
			t.Errorf("%s: *Alert encodes as %s (%v), Alert as %s", c.name, bp, err, b)
		}
	}
	// The plain path is the fields as they are.
	want, _ := json.Marshal(alertFields(base))
	if got, _ := json.Marshal(base); string(got) != string(want) {
		t.Errorf("plain alert %s, want its fields %s", got, want)
	}
}
