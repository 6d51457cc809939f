package segment_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/engagekit/engagekit/segment"
)

// Contract (ClientError doc): any non-sentinel cause is written as its
// text in "cause_text"; "reading it back gives the same sentinel, or an
// error of that text". A cause whose text is "" is written with no
// cause_text at all (omitempty) and reads back as a nil Err: the error
// loses its cause (Unwrap is nil, Error() ends "<nil>" instead of "").
// Mechanism guess: clientErrorJSON.Text is `omitempty` and UnmarshalJSON
// only builds an error when in.Text != "", so "no cause" and "cause with
// empty text" encode identically.
func TestAdversary87_EmptyTextCauseLost(t *testing.T) {
	orig := segment.ClientError{ClientID: "c1", Field: "revenue", Err: errors.New("")}
	data, err := json.Marshal(orig)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var back segment.ClientError
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("unmarshal %s: %v", data, err)
	}
	if back.Err == nil {
		t.Fatalf("cause with empty text read back as nil: JSON %s; Error() was %q, now %q",
			data, orig.Error(), back.Error())
	}
	if back.Error() != orig.Error() {
		t.Errorf("Error() %q, want %q", back.Error(), orig.Error())
	}
}

// Contract: ClientError's JSON writes "any other cause as its text"; the
// brief's (and advisory's errText's) rule is that encoding an error
// never panics. A typed-nil cause — a nil *segment.ClientError stored in
// Err, the package's own error type — makes json.Marshal panic with a nil
// dereference instead of writing something (advisory writes a nil pointer
// cause as "" and a panicking Error as the panic's text).
// Mechanism guess: MarshalJSON calls e.Err.Error() unguarded; the pointer
// method (*ClientError).Error reads e.ClientID through nil.
func TestAdversary87_TypedNilCauseMarshalPanics(t *testing.T) {
	var nilCause *segment.ClientError
	orig := segment.ClientError{ClientID: "c1", Field: "id", Err: nilCause}
	var data []byte
	var err error
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("json.Marshal(ClientError{Err: (*ClientError)(nil)}) panicked: %v", r)
			}
		}()
		data, err = json.Marshal(orig)
	}()
	if err == nil && !json.Valid(data) {
		t.Errorf("invalid JSON %s", data)
	}
}
