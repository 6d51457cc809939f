package advisory_test

// Adversary 151: false alarms of DiffAlerts and DiffVersions against
// alerts read back from JSON, exact JSON round trips of alerts, files and
// consolidated records, hostile JSON documents, consolidation ties and
// staleness edges. Eight tests showed a defect and were fixed in the same
// session ("Was (fixed)" above each); the rest pin behaviour that already
// held against hostile input.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/internal/testguard"
)

var now151 = time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)

const rules151 = `ruleset r151 version 1
rule review {
  type "client.review"
  when client.income > 0
  title "Review {client.name}"
  message "Income of {client.name} is {client.income}"
}
`

func fw151(t testing.TB) *advisory.Framework[advisory.File] {
	t.Helper()
	fw, err := advisory.Compile[advisory.File]([]byte(rules151))
	if err != nil {
		t.Fatal(err)
	}
	return fw
}

// jsonRoundTrip151 writes alerts as JSON and reads them back, as a host
// keeping last release's alerts in a store does.
func jsonRoundTrip151(t testing.TB, as []advisory.Alert) []advisory.Alert {
	t.Helper()
	b, err := json.Marshal(as)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var back []advisory.Alert
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	return back
}

// Was (fixed): an alert whose title, message or client id holds bytes that are
// not UTF-8 (a CRM's Latin-1 name "M\xfcller", which Consolidate and
// NewFile accept and a rule's title interpolates) changes in a JSON round
// trip (encoding/json writes each bad byte as U+FFFD), so DiffAlerts of
// the in-memory alerts against the same alerts read back from JSON
// reports a change that did not happen.
// Input: the alerts of one framework over two clients, one named
// "M\xfcller" (client id "c-\xfc"), and the same alerts through
// json.Marshal / json.Unmarshal.
// Expected: 2 unchanged, nothing appeared, disappeared or changed (and the
// round trip exact).
// Got before the fix: the Latin-1 client's alert disappeared and appeared (its key's
// client id changed), and with a valid id its title and message
// "changed".
func TestAdversary151_DiffAlertsInvalidUTF8FromJSON_Pinned(t *testing.T) {
	testguard.Run(t, 20*time.Second, func() {
		fw := fw151(t)
		var old []advisory.Alert
		for _, f := range []struct{ id, name string }{{"c-\xfc", "M\xfcller"}, {"c-ok", "Caf\xe9 Ltd"}, {"c-plain", "Smith"}} {
			file := advisory.File{Client: advisory.Client{ID: f.id, Name: f.name, Income: 50000}}
			as, err := fw.Evaluate(f.id, file, now151)
			if err != nil {
				t.Fatal(err)
			}
			old = append(old, as...)
		}
		if len(old) != 3 {
			t.Fatalf("setup: %d alerts, want 3", len(old))
		}
		back := jsonRoundTrip151(t, old)
		d := advisory.DiffAlerts(old, back)
		if d.Unchanged != 3 || len(d.Changed)+len(d.Appeared)+len(d.Disappeared) != 0 {
			var changed [][]string
			for _, c := range d.Changed {
				changed = append(changed, c.Fields)
			}
			t.Errorf("DiffAlerts(alerts, same alerts via JSON): unchanged %d, changed %v, appeared %d, disappeared %d; want 3 unchanged and nothing else",
				d.Unchanged, changed, len(d.Appeared), len(d.Disappeared))
		}
	})
}

// Was (fixed): Consolidate accepts field names and string values that are not
// UTF-8, which JSON cannot hold: two fields whose names differ only in a
// bad byte are written under one JSON key, twice, so a consolidated record
// read back from JSON has lost a field (and a value's bytes changed). The
// doc refuses infinities and out-of-range times because "a consolidated
// record is written as JSON, which has none of them"; JSON has no invalid
// UTF-8 either.
// Input: one record with fields "acct.\xff" = 1, "acct.\xfe" = 2 and
// "client.name" = "M\xfcller".
// Expected: a *RecordError naming a field, or a JSON round trip that keeps
// three fields and their values.
// Got before the fix: nil error; the JSON has the key "acct.\ufffd" twice and reads back
// as two fields, "client.name" as "M\ufffdller".
func TestAdversary151_ConsolidateInvalidUTF8_Pinned(t *testing.T) {
	testguard.Run(t, 20*time.Second, func() {
		rec := advisory.Record{Source: "crm", AsOf: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
			Fields: map[string]any{"acct.\xff": 1, "acct.\xfe": 2, "client.name": "M\xfcller"}}
		c, err := advisory.Consolidate("c1", []advisory.Record{rec}, advisory.Policy{})
		var re *advisory.RecordError
		if errors.As(err, &re) {
			return // refused where it enters: fixed
		}
		if err != nil {
			t.Fatalf("error %v (%T), want a *RecordError or nil", err, err)
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		var back advisory.Consolidated
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("unmarshal: %v", err)
		}
		if len(back.Fields) != 3 || back.Fields["client.name"] != "M\xfcller" {
			t.Errorf("Consolidate accepted names and values JSON cannot hold: %s read back as %d fields %q; want a *RecordError or an exact round trip",
				b, len(back.Fields), back.Fields)
		}
	})
}

type host151 struct {
	Account int64   `expr:"account"`
	Scores  []uint8 `expr:"scores"`
}

// Was (fixed): a Consolidated written as JSON (as the doc says it is) and read
// back loses a big integer: encoding/json reads every number of Fields (an
// any) as a float64, so an account number 2^53+1 reads back as 2^53, and
// Decode then writes 2^53 into the host's int64 without an error — a
// wrong account, silently. Alert.UnmarshalJSON keeps such integers; the
// consolidated record has no such reader.
// Input: Consolidate of {"account": int64(2^53+1)}; json.Marshal,
// json.Unmarshal into a Consolidated, Decode into an int64 field.
// Expected: the round trip writes 9007199254740993 again and Decode gives
// 9007199254740993 (or fails).
// Got before the fix: JSON written again holds 9007199254740992 and Decode gives
// 9007199254740992 with a nil error.
func TestAdversary151_ConsolidatedJSONBigInteger_Pinned(t *testing.T) {
	testguard.Run(t, 20*time.Second, func() {
		const acct = int64(1<<53 + 1)
		c, err := advisory.Consolidate("c1", []advisory.Record{{Source: "crm", AsOf: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
			Fields: map[string]any{"account": acct}}}, advisory.Policy{})
		if err != nil {
			t.Fatal(err)
		}
		b1, _ := json.Marshal(c)
		var back advisory.Consolidated
		if err := json.Unmarshal(b1, &back); err != nil {
			t.Fatal(err)
		}
		b2, _ := json.Marshal(back)
		if !bytes.Equal(b1, b2) {
			t.Errorf("Consolidated JSON round trip not exact:\n first %s\nsecond %s", b1, b2)
		}
		var h host151
		if err := advisory.Decode(back, &h); err == nil && h.Account != acct {
			t.Errorf("Decode of the record read back from JSON: account %d with no error; want %d or an error", h.Account, acct)
		}
	})
}

// Was (fixed): a Consolidated holding a list of uint8 (scores, which a
// record may hold as any slice) is written by encoding/json as base64
// text, reads back as a string, and no longer decodes: the record the
// library wrote cannot be read back into the type it came from.
// Alert.MarshalJSON writes such lists as numbers for this reason; a
// Consolidated does not.
// Input: Consolidate of {"scores": []uint8{1, 2, 3}}; JSON round trip;
// Decode into a []uint8 field.
// Expected: JSON writes [1,2,3] (or anything that reads back), Decode
// gives [1 2 3].
// Got before the fix: JSON writes "AQID"; Decode fails "cannot put string into []uint8".
func TestAdversary151_ConsolidatedJSONByteList_Pinned(t *testing.T) {
	testguard.Run(t, 20*time.Second, func() {
		c, err := advisory.Consolidate("c1", []advisory.Record{{Source: "crm", AsOf: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
			Fields: map[string]any{"scores": []uint8{1, 2, 3}}}}, advisory.Policy{})
		if err != nil {
			t.Fatal(err)
		}
		var direct host151
		if err := advisory.Decode(c, &direct); err != nil || !slices.Equal(direct.Scores, []uint8{1, 2, 3}) {
			t.Fatalf("setup: Decode in memory = %v, %v", direct.Scores, err)
		}
		b, _ := json.Marshal(c)
		var back advisory.Consolidated
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		var h host151
		if err := advisory.Decode(back, &h); err != nil || !slices.Equal(h.Scores, []uint8{1, 2, 3}) {
			t.Errorf("Consolidated %s read back from JSON decodes to %v, %v; want [1 2 3], nil", b, h.Scores, err)
		}
	})
}

// Was (fixed): a failed FileAlerts or FileStats whose error has empty text
// (errors.New(""), or a nil *LoadError, which the doc counts as a failure
// that says so) is written without "error" (omitempty on the text) and
// reads back as a file that did not fail.
// Input: FileAlerts{Err: errors.New("")}, FileAlerts{Err: (*LoadError)(nil)}
// and FileStats alike, through json.Marshal / json.Unmarshal.
// Expected: each reads back failed (Err != nil, errors.Is ErrFromJSON).
// Got before the fix: Err nil: the failure is lost.
func TestAdversary151_FileJSONEmptyErrorTextLost_Pinned(t *testing.T) {
	testguard.Run(t, 20*time.Second, func() {
		for _, cause := range []error{errors.New(""), (*advisory.LoadError)(nil)} {
			fa := advisory.FileAlerts{Index: 3, ClientID: "c3", Err: cause}
			if _, failed := fa.Failure(); !failed {
				t.Fatalf("setup: %T is not a failure", cause)
			}
			b, _ := json.Marshal(fa)
			var back advisory.FileAlerts
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if !errors.Is(back.Err, advisory.ErrFromJSON) {
				t.Errorf("FileAlerts failed with %T %q wrote %s, read back with Err %v; want a failure", cause, fmt.Sprint(cause), b, back.Err)
			}
			fs := advisory.FileStats{Index: 3, ClientID: "c3", Err: cause}
			b, _ = json.Marshal(fs)
			var sback advisory.FileStats
			if err := json.Unmarshal(b, &sback); err != nil {
				t.Fatal(err)
			}
			if !errors.Is(sback.Err, advisory.ErrFromJSON) {
				t.Errorf("FileStats failed with %T wrote %s, read back with Err %v; want a failure", cause, b, sback.Err)
			}
		}
	})
}

// Was (fixed): Alert.UnmarshalJSON reads a zero written with a sign, a
// fraction or an exponent ("-0", "0.0", "0e5") as a json.Number, the type
// its doc keeps for integers past the uint64 range, while "1.0" and "1e2"
// read as ints: an evidence float64(-0) (which MarshalJSON writes "-0")
// comes back a json.Number. jsonNumberValue reads "-0" as a float's
// negative zero; readNumbers then takes that float for a whole number
// past uint64 (wholeDecimal is true for every zero).
// Input: evidence values -0, 0.0, -0.0, 0e5 in an alert's JSON.
// Expected: -0 and -0.0 read as float64 negative zero, 0.0 and 0e5 as the
// int 0 (as 1.0 reads as int 1).
// Got before the fix: json.Number("-0"), json.Number("0.0"), json.Number("-0.0"),
// json.Number("0e5").
func TestAdversary151_AlertJSONZeroReadAsJSONNumber_Pinned(t *testing.T) {
	testguard.Run(t, 20*time.Second, func() {
		// In memory first: a float64 -0 evidence written and read back.
		a := advisory.Alert{ClientID: "c", Type: "t", RuleID: "r", Evidence: []advisory.Evidence{{Name: "delta", Value: math.Copysign(0, -1)}}}
		back := jsonRoundTrip151(t, []advisory.Alert{a})
		if f, ok := back[0].Evidence[0].Value.(float64); !ok || f != 0 || !math.Signbit(f) {
			t.Errorf("evidence float64(-0) read back as %T %v; want float64 -0", back[0].Evidence[0].Value, back[0].Evidence[0].Value)
		}
		for _, c := range []struct {
			text string
			want any
		}{{"-0", math.Copysign(0, -1)}, {"-0.0", math.Copysign(0, -1)}, {"0.0", 0}, {"0e5", 0}, {"1.0", 1}} {
			var x advisory.Alert
			if err := json.Unmarshal([]byte(`{"urgency":0,"sensitivity":0,"evidence":[{"name":"v","value":`+c.text+`}]}`), &x); err != nil {
				t.Fatal(err)
			}
			got := x.Evidence[0].Value
			ok := false
			switch w := c.want.(type) {
			case int:
				g, isInt := got.(int)
				ok = isInt && g == w
			case float64:
				g, isFloat := got.(float64)
				ok = isFloat && g == w && math.Signbit(g) == math.Signbit(w)
			}
			if !ok {
				t.Errorf("evidence %s read as %T %v; want %T %v", c.text, got, got, c.want, c.want)
			}
		}
	})
}

// Was (fixed): JSON null into an Alert or a FileAlerts is not a no-op, as
// encoding/json's convention for Unmarshalers (and its own behaviour for
// a struct) is: it wipes the value, and an alert's urgency and
// sensitivity become NaN; "[null]" reads as an alert with NaN urgency
// rather than the zero alert a struct without the method would give.
// Input: json.Unmarshal("null", &alert) with Title "keep", Urgency 0.5;
// json.Unmarshal("null", &fileAlerts) with ClientID "keep".
// Expected: both unchanged.
// Got before the fix: Alert{Title: "", Urgency: NaN, Sensitivity: NaN}; FileAlerts
// with ClientID "".
func TestAdversary151_JSONNullNotNoOp_Pinned(t *testing.T) {
	testguard.Run(t, 20*time.Second, func() {
		a := advisory.Alert{ClientID: "c", Type: "t", RuleID: "r", Title: "keep", Urgency: 0.5, Sensitivity: 0.25}
		if err := json.Unmarshal([]byte("null"), &a); err != nil {
			t.Fatal(err)
		}
		if a.Title != "keep" || a.Urgency != 0.5 || a.Sensitivity != 0.25 {
			t.Errorf("null into an alert left %+v; want it unchanged", a)
		}
		fa := advisory.FileAlerts{Index: 2, ClientID: "keep"}
		if err := json.Unmarshal([]byte("null"), &fa); err != nil {
			t.Fatal(err)
		}
		if fa.ClientID != "keep" || fa.Index != 2 {
			t.Errorf("null into a FileAlerts left %+v; want it unchanged", fa)
		}
	})
}

// Was (fixed): DiffVersions, a function that returns an error, panics with a
// nil pointer dereference when either framework is nil (a host whose
// registry has no "old" version yet).
// Input: DiffVersions(ctx, nil, fw, files, now) and (ctx, fw, nil, …).
// Expected: an error saying a framework is missing, no panic.
// Got before the fix: panic: runtime error: invalid memory address or nil pointer
// dereference.
func TestAdversary151_DiffVersionsNilFramework_Pinned(t *testing.T) {
	fw := fw151(t)
	items := []advisory.Item[advisory.File]{{ClientID: "a", File: advisory.File{Client: advisory.Client{ID: "a", Income: 1}}}}
	for i, pair := range [][2]*advisory.Framework[advisory.File]{{nil, fw}, {fw, nil}} {
		testguard.Run(t, 20*time.Second, func() {
			_, err := advisory.DiffVersions(context.Background(), pair[0], pair[1], slices.Values(items), now151)
			if err == nil {
				t.Errorf("case %d: DiffVersions with a nil framework: nil error; want one", i)
			}
		})
	}
}

// ---------------------------------------------------------------- pinned

// Alerts of a real framework, with evidence holding big integers, times
// in several zones and with monotonic readings, floats of one print,
// -0 and NaN urgencies, written as JSON and read back, diff as unchanged
// against the in-memory alerts in any order; and a book of 20,000 alerts (4 per key)
// diffed against itself reversed finishes under the guard with every
// alert unchanged.
func TestAdversary151_DiffAlertsJSONAndHuge_Pinned(t *testing.T) {
	testguard.Run(t, 20*time.Second, func() {
		ny, _ := time.LoadLocation("America/New_York")
		inst := time.Date(2025, 3, 9, 7, 30, 0, 0, time.UTC)
		big1 := new(big.Int).Lsh(big.NewInt(1), 70)
		var old []advisory.Alert
		for i := range 40 {
			ev := []advisory.Evidence{
				{Name: "big", Value: uint64(math.MaxUint64)},
				{Name: "huge", Value: big1},
				{Name: "at", Value: []time.Time{inst, inst.In(ny), time.Now()}[i%3]},
				{Name: "m", Value: map[string]any{"b": 0.1 + 0.2, "a": []any{int64(1<<53 + 1), "x"}}},
			}
			u := []float64{0.3, math.Copysign(0, -1), math.NaN(), 1}[i%4]
			old = append(old, advisory.Alert{ClientID: fmt.Sprint("c", i%7), Type: "t", RuleID: fmt.Sprint("r", i%3),
				Path: "p", Title: "Review ü ✓ <&>", Message: "line\u2028sep", Urgency: u, Sensitivity: 0.5, Evidence: ev,
				Outputs: map[string]any{"z": 1, "a": "b"}, Tags: []string{}})
		}
		back := jsonRoundTrip151(t, old)
		slices.Reverse(back)
		d := advisory.DiffAlerts(old, back)
		if d.Unchanged != len(old) || len(d.Changed)+len(d.Appeared)+len(d.Disappeared) != 0 {
			t.Errorf("alerts vs themselves via JSON: %+v", d.ByType)
		}
		// Written again, the alerts read back write the same JSON.
		b1, _ := json.Marshal(back)
		b2, _ := json.Marshal(jsonRoundTrip151(t, back))
		if !bytes.Equal(b1, b2) {
			t.Errorf("write-read-write of alerts not stable")
		}

		const n = 20_000
		huge := make([]advisory.Alert, n)
		for i := range huge {
			huge[i] = advisory.Alert{ClientID: fmt.Sprint("c", i/4), Type: "t", RuleID: "r", Title: "x", Urgency: float64(i%10) / 10}
		}
		rev := slices.Clone(huge)
		slices.Reverse(rev)
		d = advisory.DiffAlerts(huge, rev)
		if d.Unchanged != n || len(d.Changed)+len(d.Appeared)+len(d.Disappeared) != 0 {
			t.Errorf("huge book vs itself reversed: unchanged %d, changed %d", d.Unchanged, len(d.Changed))
		}
	})
}

// Staleness at its edges: a zero now flags nothing stale (but a required
// field is missing); a zero as-of is stale with its age in days; a future
// as-of is fresh; a MaxAge of MaxInt64 never overflows into a false
// alarm; exactly MaxAge old is fresh and a nanosecond more is stale,
// whatever the zone of now; required fields listed twice give one alert.
func TestAdversary151_StalenessEdges_Pinned(t *testing.T) {
	testguard.Run(t, 20*time.Second, func() {
		mk := func(asOf time.Time) advisory.Consolidated {
			return advisory.Consolidated{ClientID: "c", Fields: map[string]any{"f": 1},
				Provenance: map[string]advisory.Provenance{"f": {Source: "crm", AsOf: asOf}}}
		}
		day := 24 * time.Hour
		p := advisory.Policy{Default: advisory.FieldPolicy{MaxAge: 30 * day}}
		if as := advisory.Staleness(mk(now151.Add(-400*day)), p, time.Time{}); len(as) != 0 {
			t.Errorf("zero now: %d alerts", len(as))
		}
		as := advisory.Staleness(mk(now151), advisory.Policy{}, time.Time{}, "g", "g")
		if len(as) != 1 || as[0].Type != advisory.TypeMissing || as[0].Path != "g" {
			t.Errorf("zero now, required g twice: %+v", as)
		}
		as = advisory.Staleness(mk(time.Time{}), p, now151)
		if len(as) != 1 || as[0].Type != advisory.TypeStale || as[0].Evidence[3].Value.(int) < 700000 {
			t.Errorf("zero as-of: %+v", as)
		}
		if as := advisory.Staleness(mk(now151.Add(1000*day)), p, now151); len(as) != 0 {
			t.Errorf("future as-of: %+v", as)
		}
		pMax := advisory.Policy{Default: advisory.FieldPolicy{MaxAge: math.MaxInt64}}
		if as := advisory.Staleness(mk(now151.Add(-100*day)), pMax, now151); len(as) != 0 {
			t.Errorf("MaxAge MaxInt64: %+v", as)
		}
		tokyo := time.FixedZone("JST", 9*3600)
		if as := advisory.Staleness(mk(now151.Add(-30*day)), p, now151.In(tokyo)); len(as) != 0 {
			t.Errorf("exactly MaxAge old: %+v", as)
		}
		if as := advisory.Staleness(mk(now151.Add(-30*day-1)), p, now151.In(tokyo)); len(as) != 1 {
			t.Errorf("MaxAge + 1ns old: %+v", as)
		}
	})
}

// Consolidation ties and names: under MostRecent, equal instants in two
// zones go to the source the policy names first, then by name, in any
// record order; a policy naming sources with no record falls back; NFC
// and NFD spellings of one name, and dotted names, are distinct fields,
// each with its own provenance; a lone NaN is no value.
func TestAdversary151_ConsolidateTiesAndNames_Pinned(t *testing.T) {
	testguard.Run(t, 20*time.Second, func() {
		at := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
		ny := time.FixedZone("EDT", -4*3600)
		recs := []advisory.Record{
			{Source: "zeta", AsOf: at.In(ny), Fields: map[string]any{"x": "z", "caf\u00e9": 1, "a.b": 1, "n": math.NaN()}},
			{Source: "alpha", AsOf: at, Fields: map[string]any{"x": "a", "cafe\u0301": 2, "a.b.c": 2, "n": 5}},
			{Source: "mid", AsOf: at, Fields: map[string]any{"x": "m"}},
		}
		p := advisory.Policy{Default: advisory.FieldPolicy{Strategy: advisory.MostRecent, Sources: []string{"ghost", "mid"}}}
		var first []byte
		for perm := range 6 {
			rs := slices.Clone(recs)
			rs[0], rs[perm%3] = rs[perm%3], rs[0]
			if perm >= 3 {
				slices.Reverse(rs)
			}
			c, err := advisory.Consolidate("c", rs, p)
			if err != nil {
				t.Fatal(err)
			}
			if c.Fields["x"] != "m" || c.Provenance["x"].Source != "mid" {
				t.Errorf("perm %d: x = %v from %s; want m from mid", perm, c.Fields["x"], c.Provenance["x"].Source)
			}
			if len(c.Fields) != 6 || c.Fields["n"] != 5 {
				t.Errorf("perm %d: fields %v", perm, c.Fields)
			}
			b, _ := json.Marshal(c)
			if first == nil {
				first = b
			} else if !bytes.Equal(first, b) {
				t.Errorf("perm %d: result depends on record order:\n%s\n%s", perm, first, b)
			}
		}
		// Unnamed sources at one instant: by name.
		c, _ := advisory.Consolidate("c", recs[:2], advisory.Policy{Default: advisory.FieldPolicy{Strategy: advisory.MostRecent}})
		if c.Provenance["x"].Source != "alpha" {
			t.Errorf("unnamed tie went to %s; want alpha", c.Provenance["x"].Source)
		}
	})
}

// Hostile JSON into the exported types: nesting past encoding/json's
// limit, numbers no float64 holds, wrong types and hostile policies are
// errors (typed), never panics; duplicate keys go to the last; a huge
// array of evidence reads back whole.
func TestAdversary151_HostileJSON_Pinned(t *testing.T) {
	testguard.Run(t, 20*time.Second, func() {
		deep := strings.Repeat("[", 20000) + strings.Repeat("]", 20000)
		var a advisory.Alert
		var se *json.SyntaxError
		if err := json.Unmarshal([]byte(`{"evidence":[{"name":"x","value":`+deep+`}]}`), &a); !errors.As(err, &se) {
			t.Errorf("deep nesting: %T %v", err, err)
		}
		var ute *json.UnmarshalTypeError
		for _, doc := range []string{`{"urgency":1e400}`, `{"urgency":"0.5"}`, `{"evidence":{"a":1}}`, `{"tags":"x"}`, `{"outputs":[1]}`} {
			if err := json.Unmarshal([]byte(doc), &a); !errors.As(err, &ute) {
				t.Errorf("%s: %T %v; want *json.UnmarshalTypeError", doc, err, err)
			}
		}
		for _, doc := range []string{`{"default":{"strategy":"Strategy(256)"}}`, `{"default":{"strategy":"Strategy(1)"}}`, `{"default":{"strategy":2}}`, `{"default":{"max_age":1e30}}`} {
			var p advisory.Policy
			if err := json.Unmarshal([]byte(doc), &p); err == nil {
				t.Errorf("policy %s accepted: %+v", doc, p)
			}
		}
		var d advisory.Alert
		if err := json.Unmarshal([]byte(`{"title":"a","title":"b","urgency":0.5,"urgency":0.75,"outputs":{"k":1,"k":2}}`), &d); err != nil || d.Title != "b" || d.Urgency != 0.75 || d.Outputs["k"] != 2 {
			t.Errorf("duplicate keys: %+v %v", d, err)
		}
		var sb strings.Builder
		sb.WriteString(`{"evidence":[`)
		for i := range 50_000 {
			if i > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, `{"name":"e%d","value":[%d,18446744073709551616,1.5]}`, i, i)
		}
		sb.WriteString(`]}`)
		var h advisory.Alert
		if err := json.Unmarshal([]byte(sb.String()), &h); err != nil || len(h.Evidence) != 50_000 {
			t.Errorf("huge evidence: %d, %v", len(h.Evidence), err)
		} else if v := h.Evidence[49_999].Value.([]any); v[0] != 49_999 || v[1] != json.Number("18446744073709551616") || v[2] != 1.5 {
			t.Errorf("huge evidence last value %#v", v)
		}
	})
}
