package advisory_test

// The sixteenth adversary's suite: decoding, staleness and diffs. Every
// test here fails on the code it was written against and names the
// promise it breaks.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
)

type a16Dotted struct {
	Score float64 `json:"score.value"`
}

// TestAdversary16DecoderDottedTag: Decoder "is [Decode] for one
// destination type", and decode_fast.go: a record is decoded the fast way
// or the general way "so the result is the same". A field tagged
// "score.value" (a json tag holding a dot) is reached by the path
// "score.value" in the Decoder's fast path, but Decode reads the path as
// segment "score" then "value" and fails ("has no field score"). So
// Decode and Decoder disagree on one record, and the Decoder's own answer
// depends on the value's type: 0.5 (a float64, the fast path) is
// written, 1 (an int, decoded the general way) is an error.
func TestAdversary16DecoderDottedTag(t *testing.T) {
	dec, err := advisory.NewDecoder[a16Dotted]()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []any{0.5, 1} {
		c := advisory.Consolidated{ClientID: "c", Fields: map[string]any{"score.value": v}}
		var a, b a16Dotted
		errA := advisory.Decode(c, &a)
		errB := dec.Decode(c, &b)
		if (errA == nil) != (errB == nil) || a != b {
			t.Errorf("value %T(%v): Decode gives %+v, %v; Decoder gives %+v, %v", v, v, a, errA, b, errB)
		}
	}
}

type a16Inner struct {
	B float64 `json:"b"`
}

type a16Shadow struct {
	A a16Inner `json:"a"`
	X float64  `json:"a.b"`
}

// TestAdversary16DecoderDottedTagShadows: as above, with a field tagged
// "a.b" beside a struct field a holding b. Decode writes path "a.b" into
// A.B (segment by segment, as documented); the Decoder's fast path maps
// "a.b" to whichever of X and A.B its walk over a Go map met last, so one
// Decoder writes A.B and another, built the same way, writes X.
func TestAdversary16DecoderDottedTagShadows(t *testing.T) {
	c := advisory.Consolidated{ClientID: "c", Fields: map[string]any{"a.b": 0.25}}
	var want a16Shadow
	if err := advisory.Decode(c, &want); err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for range 64 {
		dec, err := advisory.NewDecoder[a16Shadow]()
		if err != nil {
			t.Fatal(err)
		}
		var s a16Shadow
		err = dec.Decode(c, &s)
		got[fmt.Sprintf("%+v %v", s, err)]++
	}
	if len(got) != 1 || got[fmt.Sprintf("%+v %v", want, nil)] == 0 {
		t.Errorf("Decode writes %+v; 64 Decoders of the same type write: %v", want, got)
	}
}

// TestAdversary16StaleAgeSaturates: Staleness's alert says the field
// "comes from <source> as of <date>, N days ago" with evidence age_days.
// For an as-of more than 292 years back (the zero time.Time a source
// sends for a date it never set), now.Sub saturates at the largest
// Duration: the alert reads "as of 0001-01-01, 106751 days ago"; the
// field is 739,943 days old.
func TestAdversary16StaleAgeSaturates(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	c := advisory.Consolidated{ClientID: "c", Fields: map[string]any{"income": 1.0},
		Provenance: map[string]advisory.Provenance{"income": {Source: "crm"}}}
	p := advisory.Policy{Default: advisory.FieldPolicy{MaxAge: 24 * time.Hour}}
	alerts := advisory.Staleness(c, p, now)
	if len(alerts) != 1 {
		t.Fatalf("alerts %+v", alerts)
	}
	want := 739943 // days from 0001-01-01 to 2026-11-24
	var age any
	for _, e := range alerts[0].Evidence {
		if e.Name == "age_days" {
			age = e.Value
		}
	}
	if age != want || !strings.Contains(alerts[0].Message, fmt.Sprint(want)) {
		t.Errorf("age_days %v, message %q; want %d days", age, alerts[0].Message, want)
	}
}

// TestAdversary16DiffAlertsDuplicateKeys: DiffAlerts: "Alerts are matched
// by client, rule, alert type and path", and each old alert is either
// matched (changed or unchanged) or disappeared. Two old alerts of one
// key (one client's file twice in a batch, say) against one new alert:
// one old alert is lost (neither matched nor disappeared), and which of
// the two the new alert is compared with depends on the old list's order:
// "unchanged" one way, "changed" the other.
func TestAdversary16DiffAlertsDuplicateKeys(t *testing.T) {
	a := advisory.Alert{ClientID: "c", RuleID: "r", Type: "t", Urgency: 0.1}
	b := a
	b.Urgency = 0.2
	n := []advisory.Alert{a}
	d1 := advisory.DiffAlerts([]advisory.Alert{a, b}, n)
	d2 := advisory.DiffAlerts([]advisory.Alert{b, a}, n)
	for _, d := range []advisory.Diff{d1, d2} {
		if accounted := len(d.Disappeared) + len(d.Changed) + d.Unchanged; accounted != 2 {
			t.Errorf("2 old alerts, %d accounted for: %d disappeared, %d changed, %d unchanged",
				accounted, len(d.Disappeared), len(d.Changed), d.Unchanged)
		}
	}
	if d1.Unchanged != d2.Unchanged || len(d1.Changed) != len(d2.Changed) {
		t.Errorf("the old list's order decides: unchanged %d/%d, changed %d/%d", d1.Unchanged, d2.Unchanged, len(d1.Changed), len(d2.Changed))
	}
}

type a16File struct {
	N int `expr:"n"`
}

// TestAdversary16DiffVersionsFailedRule: DiffVersions: "The error joins
// the failures of either version; the diff covers what both could
// evaluate." Rule r fails on file c in the old version (int overflow)
// and fires in the new one: the diff lists r's alert for c as Appeared,
// a change the deployment would make, though the old version could not
// evaluate it. The other way round (new fails where old fired) the
// alert is listed as Disappeared.
func TestAdversary16DiffVersionsFailedRule(t *testing.T) {
	failing, err := advisory.Compile[a16File]([]byte("ruleset s version 1\nrule r {\n  type \"t\"\n  when n * 4611686018427387904 > 0\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	firing, err := advisory.Compile[a16File]([]byte("ruleset s version 2\nrule r {\n  type \"t\"\n  when n > 0\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	files := slices.Values([]advisory.Item[a16File]{{ClientID: "c", File: a16File{N: 4}}})
	if _, err := failing.Evaluate("c", a16File{N: 4}, now); err == nil {
		t.Fatal("the old version does not fail on the file")
	}
	d, err := advisory.DiffVersions(context.Background(), failing, firing, files, now)
	if err == nil {
		t.Error("no error for the old version's failure")
	}
	if len(d.Appeared) != 0 {
		t.Errorf("old fails on c, new fires: diff lists as appeared %+v", d.Appeared)
	}
	d, _ = advisory.DiffVersions(context.Background(), firing, failing, files, now)
	if len(d.Disappeared) != 0 {
		t.Errorf("old fires on c, new fails: diff lists as disappeared %+v", d.Disappeared)
	}
}
