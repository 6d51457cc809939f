package advisory_test

// The thirty-ninth adversary's suite, against the fixes of adversary 33
// (f3f1ebe). Every test fails on the code it was written against and
// names the promise it breaks. Nothing here reads a clock or draws at
// random.

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
)

var a39At = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Promise (Decoder: "[Decode] for one destination type"; the fix: Decode
// "never writes through a pointer or map it did not make or copy", so a
// record's, or anyone's, value is never modified). Broken: the Decoder's
// fast path (decode_fast.go, leafPath.store) follows a non-nil pointer
// already in the destination and stores through it. A host that fills
// the destination's *Mortgage with a template shared across clients (or
// reuses one File, whose Mortgage the previous record's whole "mortgage"
// set to that record's own *Mortgage) has "mortgage.rate" written into
// the shared value; Decode, on the same input, copies it first.
func TestAdversary39_DecoderFastPathWritesThroughSharedPointer(t *testing.T) {
	d, err := advisory.NewDecoder[advisory.File]()
	if err != nil {
		t.Fatal(err)
	}
	c := advisory.Consolidated{ClientID: "c", Fields: map[string]any{"mortgage.rate": 0.05}}

	shared := &advisory.Mortgage{Balance: 100000, Rate: 0.02}
	viaDecode := advisory.File{Mortgage: shared}
	if err := advisory.Decode(c, &viaDecode); err != nil {
		t.Fatal(err)
	}
	if shared.Rate != 0.02 || viaDecode.Mortgage.Rate != 0.05 {
		t.Fatalf("Decode: shared rate %v, decoded rate %v", shared.Rate, viaDecode.Mortgage.Rate)
	}
	viaDecoder := advisory.File{Mortgage: shared}
	if err := d.Decode(c, &viaDecoder); err != nil {
		t.Fatal(err)
	}
	if viaDecoder.Mortgage.Rate != 0.05 {
		t.Fatalf("Decoder: decoded rate %v, want 0.05", viaDecoder.Mortgage.Rate)
	}
	if shared.Rate != 0.02 {
		t.Errorf("Decoder.Decode wrote mortgage.rate through a *Mortgage it did not make: the shared mortgage's rate is now %v (Decode copied it and left it at 0.02)", shared.Rate)
	}
}

type a39Term struct {
	Rate  float64 `json:"rate" expr:"rate"`
	Years int     `json:"years" expr:"years"`
}

type a39Host struct {
	FixedTerm *a39Term `json:"fixed_term" expr:"fixedTerm"`
}

// Promise (File: "A consolidated record may name a field either way, one
// way at a time ... a file whose records name one field both ways is a
// DecodeError"; Record/doc.go: a value whole or by part, the part "a field
// with its own provenance"; the fix: a whole value and then its parts is
// allowed, the part landing in a copy). Broken: the check compares only
// whole destinations, and fields are applied in name order. A part named
// the expr way ("fixedTerm.rate", the custodian's) sorts before the whole
// named the json way ("fixed_term", the crm's: 'T' < '_'), so the part is
// written first and the whole then replaces it: the custodian's 0.05 is
// silently lost, no DecodeError (named alike, "fixed_term.rate", the same
// records decode to 0.05).
func TestAdversary39_PartBeforeWholeLostSilently(t *testing.T) {
	crm := advisory.Record{Source: "crm", AsOf: a39At, Fields: map[string]any{"fixed_term": &a39Term{Rate: 0.02, Years: 5}}}
	cust := advisory.Record{Source: "custodian", AsOf: a39At, Fields: map[string]any{"fixedTerm.rate": 0.05}}
	c, err := advisory.Consolidate("c", []advisory.Record{crm, cust}, advisory.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	var h a39Host
	err = advisory.Decode(c, &h)
	if err == nil && (h.FixedTerm == nil || h.FixedTerm.Rate != 0.05) {
		t.Errorf("fixedTerm.rate 0.05, a part with its own provenance (custodian), is overwritten by the whole fixed_term (crm) with no error: rate %v", h.FixedTerm.Rate)
	}
}

// Promise (Decode: a map with string keys converts "to a struct field by
// field (its keys named as paths name fields)"; File: a record names a
// field "one way at a time", both ways is a DecodeError; the fix made two
// names of one field an error). Broken: inside a whole value the check is
// not made: convertStruct applies the map's keys in sorted order, so a
// crm "client" holding both "birthDate" (1980) and "birth_date" (1985)
// decodes with no error to whichever sorts last, 1985.
func TestAdversary39_WholeMapNamesFieldTwice(t *testing.T) {
	t1 := time.Date(1980, 3, 1, 0, 0, 0, 0, time.UTC)
	t2 := time.Date(1985, 1, 1, 0, 0, 0, 0, time.UTC)
	crm := advisory.Record{Source: "crm", AsOf: a39At, Fields: map[string]any{"client": map[string]any{"birthDate": t1, "birth_date": t2}}}
	c, err := advisory.Consolidate("c", []advisory.Record{crm}, advisory.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := advisory.NewFile(c)
	if err == nil {
		t.Errorf("client named birth date both ways (1980 and 1985) and decoded with no error to %s", f.Client.BirthDate.Format(time.DateOnly))
	}
}

type a39Holding struct {
	Name   string
	bought time.Time
}

// Promise (same: values agree "numbers by value, times by instant"; the
// fix: "times in fields a host's struct does not export compare by
// instant"). Broken: only a time in addressable memory is read as a time
// (valuetext.TimeOf); same copies the top value into addressable memory,
// but a map's values (and an interface's contents) are not addressable,
// so a holding in a map[string]Holding is compared by the time's fields
// (wall, ext, loc): the same instant in UTC and in +01:00 is a false
// conflict.
func TestAdversary39_UnexportedTimeInMapValueFalseConflict(t *testing.T) {
	a := map[string]a39Holding{"fund": {Name: "fund", bought: a39At}}
	b := map[string]a39Holding{"fund": {Name: "fund", bought: a39At.In(time.FixedZone("CET", 3600))}}
	crm := advisory.Record{Source: "crm", AsOf: a39At, Fields: map[string]any{"holdings": a}}
	cust := advisory.Record{Source: "custodian", AsOf: a39At, Fields: map[string]any{"holdings": b}}
	c, err := advisory.Consolidate("c", []advisory.Record{crm, cust}, advisory.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Conflicts) != 0 {
		t.Errorf("the same holding bought at the same instant (two zones), in a map, is a conflict: %+v", c.Conflicts)
	}
}

// Promise (Consolidate: "a pure function of its inputs: the records'
// order does not matter"; doc.go: "independent of the order of the
// records"; the fix: the bad policy and the bad value are each named
// deterministically). Broken: the value check and the policy check are
// met as the records are walked, so which error comes back depends on
// the records' order: crm's field a (bad policy) first gives a
// *PolicyError, custodian's field b (a chan) first gives a *RecordError.
func TestAdversary39_ConsolidateErrorDependsOnRecordOrder(t *testing.T) {
	crm := advisory.Record{Source: "crm", AsOf: a39At, Fields: map[string]any{"a": 1}}
	cust := advisory.Record{Source: "custodian", AsOf: a39At, Fields: map[string]any{"b": make(chan int)}}
	p := advisory.Policy{Fields: map[string]advisory.FieldPolicy{"a": {Strategy: advisory.Strategy(9)}}}
	_, e1 := advisory.Consolidate("c", []advisory.Record{crm, cust}, p)
	_, e2 := advisory.Consolidate("c", []advisory.Record{cust, crm}, p)
	if e1 == nil || e2 == nil {
		t.Fatalf("errors %v and %v, want both", e1, e2)
	}
	if e1.Error() != e2.Error() {
		t.Errorf("the same records in two orders give two errors:\n  crm first:       %v\n  custodian first: %v", e1, e2)
	}
}

// Promise (DiffVersions: "a rule that failed on a file in either version
// [is left out] for that file"; Diff: "Alerts are matched by client, rule,
// alert type and path", not by rule set). Broken: the fix knows a failed
// rule by its own framework's name and its id, and keeps an alert unless
// its (RuleSet, RuleID) is a failed one; a new version under a new rule
// set name ("desk" to "desk2") whose rule r fires where the old r failed
// keeps its alert, which DiffAlerts, pairing by rule id, reports as
// appeared, though the old version could not say (before the fix, left
// out).
func TestAdversary39_DiffVersionsRenamedRuleSetKeepsFailedRule(t *testing.T) {
	old, err := advisory.Compile[advisory.File]([]byte("ruleset desk version 1\nrule r {\n  type \"t\"\n  when mortgage.rate > 0\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	nw, err := advisory.Compile[advisory.File]([]byte("ruleset desk2 version 2\nrule r {\n  type \"t\"\n  when mortgage == nil || mortgage.rate > 0\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	items := []advisory.Item[advisory.File]{{ClientID: "a"}}
	d, err := advisory.DiffVersions(context.Background(), old, nw, slices.Values(items), a39At)
	if err == nil {
		t.Fatal("the old version's rule r should fail on a nil mortgage")
	}
	if len(d.Appeared) != 0 {
		t.Errorf("rule r failed on client a in the old version, yet its new alert is in the diff as appeared: %+v", d.Appeared)
	}
}
