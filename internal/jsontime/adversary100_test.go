package jsontime

import (
	"encoding/json"
	"testing"
	"time"
)

type inner100 struct{ When time.Time }
type outer100 struct {
	inner100
	Name string
}
type stamp100 struct{ time.Time }
type wrapped100 struct{ stamp100 }

// TestAdversary100InexactMissesWhatJSONWrites
//
// Contract (Inexact): true when v holds, "anywhere JSON reads it", a time
// Check refuses.
//
// Inputs, each of which json.Marshal writes with the odd time cut to
// +00:19 (checked below):
//   - outer100{inner100{When: odd}}: an exported field of an unexported
//     embedded struct, which encoding/json promotes; Inexact skips the
//     embedded field as unexported.
//   - wrapped100{stamp100{odd}}: time.Time's MarshalJSON promoted through
//     an unexported embedded field; skipped likewise.
//   - []any{&arr[0], &arr} with arr[1] odd: the two pointers share one
//     address, and Inexact's seen set, keyed by address alone, skips
//     &arr after &arr[0].
//
// Happens: Inexact answers false for all three.
func TestAdversary100InexactMissesWhatJSONWrites(t *testing.T) {
	odd := time.Date(1930, 5, 1, 0, 0, 0, 0, amsterdamMeanTime)
	fine := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	arr := [2]time.Time{fine, odd}
	for _, c := range []struct {
		name string
		v    any
	}{
		{"unexported embedded struct", outer100{inner100: inner100{When: odd}}},
		{"promoted MarshalJSON", wrapped100{stamp100{odd}}},
		{"aliased pointers", []any{&arr[0], &arr}},
	} {
		b, err := json.Marshal(c.v)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !Inexact(c.v) {
			t.Errorf("%s: Inexact = false, yet JSON writes %s (the time %v cut to the minute)", c.name, b, odd)
		}
	}
}
