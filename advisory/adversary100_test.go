package advisory_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
)

// amt100 is Amsterdam Mean Time (+00:19:32), which Go's zone data gives
// Europe/Amsterdam before 1937: RFC 3339 cuts it to +00:19, another instant.
var amt100 = time.FixedZone("AMT", 19*60+32)

// evidenceBack marshals an alert with one piece of evidence and returns
// the evidence's JSON as written.
func evidenceBack(t *testing.T, v any) json.RawMessage {
	t.Helper()
	a := advisory.Alert{ClientID: "c-100", Type: "t", RuleID: "r", Title: "x",
		Evidence: []advisory.Evidence{{Name: "v", Value: v}}}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatalf("the alert does not encode: %v", err)
	}
	var back struct {
		Evidence []struct {
			Value json.RawMessage `json:"value"`
		} `json:"evidence"`
	}
	if err := json.Unmarshal(b, &back); err != nil || len(back.Evidence) != 1 {
		t.Fatalf("reading back: %v\n%s", err, b)
	}
	return back.Evidence[0].Value
}

type inner100 struct{ When time.Time }

// outer100 embeds an unexported struct: encoding/json writes its exported
// fields (When) as outer100's own.
type outer100 struct {
	inner100
	Name string
}

// stamp100 embeds time.Time; wrapped100 embeds stamp100 unexported, so
// time.Time's MarshalJSON is promoted to wrapped100 and json writes the
// value as that time.
type stamp100 struct{ time.Time }
type wrapped100 struct{ stamp100 }

// TestAdversary100EvidenceTimeInUnexportedEmbeddedStruct
//
// Contract (alert_json.go, Alert.MarshalJSON): a piece of evidence holding
// "a time ... in a zone whose offset has seconds, which RFC 3339 cuts to
// the minute" is written as its text; doc: what is written reads back as
// what the library held (no silent change of an instant).
//
// Input: evidence outer100{inner100{When: 1930-05-01 00:00 +00:19:32}},
// and wrapped100{stamp100{that time}}: the time sits in an exported field
// of an unexported embedded struct, which encoding/json promotes and
// writes (for wrapped100, through time.Time's promoted MarshalJSON).
//
// Happens: jsontime.Inexact skips the unexported embedded field, answers
// false, and the alert writes "When":"1930-05-01T00:00:00+00:19": 32 s
// off what the rule saw, silently.
func TestAdversary100EvidenceTimeInUnexportedEmbeddedStruct(t *testing.T) {
	odd := time.Date(1930, 5, 1, 0, 0, 0, 0, amt100)
	check := func(name string, raw json.RawMessage, get func() (time.Time, error)) {
		got, err := get()
		if err != nil {
			return // written as text, or in some other form: not a silent change
		}
		if !got.Equal(odd) {
			t.Errorf("%s: evidence holding %v (%s) is written %s, which reads back %v apart", name, odd, odd.UTC(), raw, odd.Sub(got))
		}
	}
	raw := evidenceBack(t, outer100{inner100: inner100{When: odd}, Name: "n"})
	check("embedded struct", raw, func() (time.Time, error) {
		var o struct{ When *time.Time }
		if err := json.Unmarshal(raw, &o); err != nil || o.When == nil {
			return time.Time{}, json.Unmarshal([]byte("x"), &o)
		}
		return *o.When, nil
	})
	raw = evidenceBack(t, wrapped100{stamp100{odd}})
	check("promoted MarshalJSON", raw, func() (time.Time, error) {
		var tm time.Time
		err := json.Unmarshal(raw, &tm)
		return tm, err
	})
}

// TestAdversary100EvidencePointerAliasHidesTime
//
// Contract: as above.
//
// Input: arr := [2]time.Time{2026-01-02 UTC, 1930-05-01 +00:19:32};
// evidence []any{&arr[0], &arr}. Both pointers hold the same address.
//
// Happens: Inexact remembers pointers by address alone: it follows
// &arr[0] (a fine time), then finds &arr's address "seen" and skips the
// array, so arr[1] is never checked; the alert writes it as
// "1930-05-01T00:00:00+00:19", 32 s off.
func TestAdversary100EvidencePointerAliasHidesTime(t *testing.T) {
	fine := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	odd := time.Date(1930, 5, 1, 0, 0, 0, 0, amt100)
	arr := [2]time.Time{fine, odd}
	raw := evidenceBack(t, []any{&arr[0], &arr})
	var back []json.RawMessage
	if err := json.Unmarshal(raw, &back); err != nil || len(back) != 2 {
		return // written as text: no silent change
	}
	var pair [2]time.Time
	if err := json.Unmarshal(back[1], &pair); err != nil {
		return
	}
	if !pair[1].Equal(odd) {
		t.Errorf("evidence %v (%s) is written %s, which reads back %v apart", odd, odd.UTC(), raw, odd.Sub(pair[1]))
	}
}

// TestAdversary100LargeOutputWithoutTimesBecomesCutText
//
// Contract (Alert.MarshalJSON): only "an output or a piece of evidence
// JSON cannot hold" is written as its text; doc: what is written reads
// back as what the library held.
//
// Input: an output "ids" that is a []int of 100 001 small numbers, and
// one that is a []any nested 40 deep around the number 1. No time, no
// NaN: JSON writes both exactly (json.Marshal of each succeeds).
//
// Happens: jsontime.Inexact passes its visit budget (100 000) / its depth
// limit (64) and answers true, so the alert takes its text path and
// writes each output as valuetext's text: a string, and for the list one
// cut after ~4096 parts and ended in a digest: the list's numbers are
// lost, though JSON could write them all.
func TestAdversary100LargeOutputWithoutTimesBecomesCutText(t *testing.T) {
	ids := make([]int, 100_001)
	for i := range ids {
		ids[i] = i
	}
	var nested any = 1
	for range 40 {
		nested = []any{nested}
	}
	for name, v := range map[string]any{"ids": ids, "nested": nested} {
		want, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: json.Marshal: %v", name, err)
		}
		a := advisory.Alert{ClientID: "c-100", Type: "t", RuleID: "r", Title: "x", Outputs: map[string]any{name: v}}
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatalf("%s: the alert does not encode: %v", name, err)
		}
		var back struct {
			Outputs map[string]json.RawMessage `json:"outputs"`
		}
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: reading back: %v", name, err)
		}
		if got := back.Outputs[name]; string(got) != string(want) {
			s := string(got)
			if len(s) > 200 {
				s = s[:100] + " … " + s[len(s)-100:]
			}
			t.Errorf("output %q (JSON-writable, %d bytes as JSON) is written as %d bytes: %s", name, len(want), len(got), s)
		}
	}
}
