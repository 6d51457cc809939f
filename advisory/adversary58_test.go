package advisory

// Adversary 58: failing tests, one defect each, for the advisory package
// (package-internal, helpers named adv58).

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"
)

// adv58Panicky is a host value whose MarshalJSON panics.
type adv58Panicky struct{}

func (adv58Panicky) MarshalJSON() ([]byte, error) { panic("adv58: boom") }

type adv58Point struct{ A int }

// TestAdversary58_AlertTextWritesPointerAddress
//
// Promise broken: advisory/doc.go, results are pure functions of their
// inputs; alert_json.go, Alert.MarshalJSON: "what JSON cannot write is
// written as its text, which tells a reader what the rule saw". jsonValue
// falls back to fmt.Sprint for a value that is not cyclic, and fmt writes
// a pointer below the top level as its address. Observed: two equal
// alerts whose output is [+Inf, &{1}] encode as "[+Inf 0x…]" with
// different addresses (the encoding depends on where the value was
// allocated, not on what it holds). Expected: equal alerts encode to
// equal bytes (the pointer's value written, as valuetext does).
func TestAdversary58_AlertTextWritesPointerAddress(t *testing.T) {
	mk := func() Alert {
		return Alert{ClientID: "c-1", Type: "t", RuleID: "r", Title: "T",
			Outputs: map[string]any{"x": []any{math.Inf(1), &adv58Point{1}}}}
	}
	b1, err1 := json.Marshal(mk())
	b2, err2 := json.Marshal(mk())
	if err1 != nil || err2 != nil {
		t.Fatalf("errors %v %v", err1, err2)
	}
	if !bytes.Equal(b1, b2) {
		t.Errorf("equal alerts encode differently:\n%s\n%s", b1, b2)
	}
}

// TestAdversary58_AlertMarshalPanicsOnPanickingValue
//
// Promise broken: advisory/doc.go, nothing panics; alert_json.go:
// "an alert always encodes, whatever a rule computed". Alert.MarshalJSON
// calls json.Marshal on the fields and then jsonValue calls json.Marshal
// on each output, and encoding/json re-panics a panic of a value's own
// MarshalJSON (it recovers only its own errors). Observed: an output
// holding a host value whose MarshalJSON panics makes json.Marshal of
// the alert panic. Expected: the value written as text (or an error),
// no panic.
func TestAdversary58_AlertMarshalPanicsOnPanickingValue(t *testing.T) {
	a := Alert{ClientID: "c-1", Type: "t", RuleID: "r", Title: "T",
		Outputs: map[string]any{"p": adv58Panicky{}}}
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("json.Marshal(alert) panicked: %v", r)
		}
	}()
	if _, err := json.Marshal(a); err != nil {
		t.Errorf("alert does not encode: %v", err)
	}
}

// TestAdversary58_JSONNumberTrailingSpaceBreaksJSON
//
// Promise broken: advisory/record.go, Record: "a json.Number that is not
// a number [is] refused: a consolidated record is written as JSON";
// doc.go: every type returned marshals to JSON. jsonNumber checks the
// first byte and json.Valid, and json.Valid allows whitespace after a
// value, but encoding/json writes a json.Number only if it is a number
// literal exactly. Observed: a record field json.Number("1 ") consolidates
// with no error, and json.Marshal of the Consolidated fails ("invalid
// number literal"); " 1" (leading space) is refused. Expected: "1 "
// refused by Consolidate as " 1" is, or a result that marshals.
func TestAdversary58_JSONNumberTrailingSpaceBreaksJSON(t *testing.T) {
	rec := Record{Source: "crm", AsOf: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Fields: map[string]any{"x": json.Number("1 ")}}
	c, err := Consolidate("c-1", []Record{rec}, Policy{})
	if err != nil {
		return // refused: what the contract allows
	}
	if _, err := json.Marshal(c); err != nil {
		t.Errorf("Consolidate accepted json.Number(\"1 \") and its result does not marshal: %v", err)
	}
}
