package advisory_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/engagekit/engagekit/advisory"
)

// Contract (errors_json.go): LoadError and RecordError "carry an error,
// which JSON cannot write (its Err is tagged "-"): each encodes its
// fields and the cause's text in "error" ... so a host logging them as
// JSON keeps why". Encoded as a value (json.Marshal(*e), or a LoadError
// field/array element held by value in a host struct) the "error" key is
// missing and the cause is silently lost.
// Mechanism guess: MarshalJSON is declared on the pointer receiver
// (*LoadError / *RecordError); encoding/json only uses it for addressable
// values, so a non-addressable value falls back to the default struct
// encoding, which drops Err ("-").
func TestAdversary87_LoadErrorValueDropsCause(t *testing.T) {
	le := &advisory.LoadError{ClientID: "c1", Err: errors.New("crm unavailable")}
	data, err := json.Marshal(*le)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	if !strings.Contains(string(data), `"error":"crm unavailable"`) {
		ptrData, _ := json.Marshal(le)
		t.Errorf("LoadError as a value encodes as %s, without its cause (as a pointer: %s)", data, ptrData)
	}
}

// Same contract and mechanism as above, for RecordError inside a host
// struct held by value.
func TestAdversary87_RecordErrorValueDropsCause(t *testing.T) {
	re := advisory.RecordError{ClientID: "c1", Source: "crm", Field: "age", Err: errors.New("not a number")}
	data, err := json.Marshal(struct{ E advisory.RecordError }{re})
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	if !strings.Contains(string(data), `"error":"not a number"`) {
		t.Errorf("RecordError as a value encodes as %s, without its cause", data)
	}
}
