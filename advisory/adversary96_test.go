package advisory_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
)

// amt96 is Amsterdam Mean Time, +00:19:32: what time.LoadLocation("Europe/Amsterdam")
// gives for any instant before 1937 (a client's birth date, say). RFC 3339
// offsets are hours and minutes only: a zone of +00:19:32 has no RFC 3339
// form, and Go's MarshalJSON silently writes it as +00:19, a different
// instant (32 seconds off). Any tz zone's LMT (Europe/London -00:01:15 before
// 1847, ...) is the same.
var amt96 = time.FixedZone("AMT", 19*60+32)

// TestAdversary96OddOffsetTimeChangesInstantInJSON
//
// Contract (record.go, Record): "An infinity, a NaN inside a value, a time
// outside the years 0 to 9999 or in a zone a day or more from UTC (in a
// value or as the record's AsOf) ... are refused: a consolidated record is
// written as JSON, which has none of them". And doc.go: "Every type the
// package returns marshals to JSON". The promise is that what Consolidate
// takes is written faithfully (bad input is a typed error naming where);
// the brief lists zones with odd offsets among that bad input.
//
// Input: one record as of 2024-03-01 12:00 and a birth date 1930-05-01, both
// in a zone of +00:19:32.
//
// Happens: Consolidate accepts both; the result marshals without error,
// and read back the provenance's as-of and the birth date are 32 seconds
// off the instants the source gave (the consolidated record, the source of
// truth's provenance and anything computed from the JSON disagree).
// Expected: a *RecordError naming the field/as-of (as for a zone a day
// off), or JSON that reads back as the same instants.
func TestAdversary96OddOffsetTimeChangesInstantInJSON(t *testing.T) {
	asOf := time.Date(2024, 3, 1, 12, 0, 0, 0, amt96)
	birth := time.Date(1930, 5, 1, 0, 0, 0, 0, amt96)
	c, err := advisory.Consolidate("c-96", []advisory.Record{{Source: "crm", AsOf: asOf,
		Fields: map[string]any{"client.birthDate": birth}}}, advisory.Policy{})
	var re *advisory.RecordError
	if errors.As(err, &re) {
		return // refused where it entered: the promise kept
	}
	if err != nil {
		t.Fatalf("unexpected error %v", err)
	}
	b, err := json.Marshal(c)
	if err != nil {
		return // refused when written: no silent change
	}
	var back struct {
		Fields     map[string]time.Time           `json:"fields"`
		Provenance map[string]advisory.Provenance `json:"provenance"`
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("the JSON does not read back: %v\n%s", err, b)
	}
	if got := back.Provenance["client.birthDate"].AsOf; !got.Equal(asOf) {
		t.Errorf("as-of %v (%s) written as JSON reads back as %v: %v apart\n%s", asOf, asOf.UTC(), got.UTC(), asOf.Sub(got), b)
	}
	if got := back.Fields["client.birthDate"]; !got.Equal(birth) {
		t.Errorf("birth date %v (%s) written as JSON reads back as %v: %v apart", birth, birth.UTC(), got.UTC(), birth.Sub(got))
	}
}

// TestAdversary96AlertEvidenceOddOffsetChangesInstant
//
// Contract (alert_json.go, Alert.MarshalJSON): "an alert always encodes,
// whatever a rule computed: what JSON cannot write is replaced, not
// refused ... an output or a piece of evidence JSON cannot hold (an
// infinity, a NaN inside a list, a time outside the years 0 to 9999 or a
// channel) is written as its text ("+Inf"), which tells a reader what the
// rule saw."
//
// Input: an alert whose evidence is a time in a zone of +00:19:32 (a
// rule's read of a birth date, or Staleness's "as_of").
//
// Happens: the evidence is written as an RFC 3339 time of offset +00:19,
// which reads back 32 seconds off what the rule saw: JSON cannot hold this
// time, yet it is neither replaced by its text nor refused.
func TestAdversary96AlertEvidenceOddOffsetChangesInstant(t *testing.T) {
	seen := time.Date(2024, 3, 1, 12, 0, 0, 0, amt96)
	a := advisory.Alert{ClientID: "c-96", Type: "t", RuleID: "r", Title: "x",
		Evidence: []advisory.Evidence{{Name: "as_of", Value: seen}}}
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatalf("the alert does not encode: %v", err)
	}
	var back struct {
		Evidence []struct {
			Value any `json:"value"`
		} `json:"evidence"`
	}
	if err := json.Unmarshal(b, &back); err != nil || len(back.Evidence) != 1 {
		t.Fatalf("reading back: %v\n%s", err, b)
	}
	s, _ := back.Evidence[0].Value.(string)
	got, perr := time.Parse(time.RFC3339Nano, s)
	if perr == nil && !got.Equal(seen) {
		t.Errorf("evidence %v (%s) is written %q, an RFC 3339 time %v apart from what the rule saw", seen, seen.UTC(), s, seen.Sub(got))
	}
}
