package advisory

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

// Consolidate refuses the values and as-ofs its result could not write
// as JSON, and takes the ones it can; what it takes marshals.
func TestConsolidateJSONValues(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	type holder struct{ N json.Number }
	for _, c := range []struct {
		name  string
		asOf  time.Time
		value any
		ok    bool
	}{
		{"a date", at, at, true},
		{"year 9999", at, time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), true},
		{"year 0", at, time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), true},
		{"year 10000", at, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"year -1", at, time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{"a zone a day off", at, at.In(time.FixedZone("far", 24*3600)), false},
		{"a zone just within a day", at, at.In(time.FixedZone("near", 24*3600-60)), true},
		{"a time in a struct", at, struct{ T time.Time }{time.Date(20261, 1, 1, 0, 0, 0, 0, time.UTC)}, false},
		{"an as-of past 9999", time.Date(20261, 1, 1, 0, 0, 0, 0, time.UTC), "Ann", false},
		{"a number", at, json.Number("-1.5e3"), true},
		{"an empty number", at, json.Number(""), true},
		{"text as a number", at, json.Number("abc"), false},
		{"a quoted string as a number", at, json.Number(`"1"`), false},
		{"text as a number in a struct", at, holder{"x"}, false},
	} {
		cons, err := Consolidate("c-1", []Record{{Source: "crm", AsOf: c.asOf, Fields: map[string]any{"f": c.value}}}, Policy{})
		var re *RecordError
		switch {
		case c.ok && err != nil:
			t.Errorf("%s: refused: %v", c.name, err)
		case !c.ok && !errors.As(err, &re):
			t.Errorf("%s: %v; want a *RecordError", c.name, err)
		case c.ok:
			if _, err := json.Marshal(cons); err != nil {
				t.Errorf("%s: taken, and the result does not marshal: %v", c.name, err)
			}
		}
	}
}
