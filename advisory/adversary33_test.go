package advisory_test

// The thirty-third adversary's suite. Every test fails on the code it was
// written against and names the promise it breaks. Nothing here reads a
// clock or draws at random without a fixed seed.

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/dsl"
)

var a33At = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Promise (BatchOptions.Workers: "how many goroutines evaluate"; the
// project: nothing panics out of the library; EvaluateAll "never dropping
// a file: In = OK + Failed + Cancelled"). Broken: the batch reads ahead
// 256*Workers items (internal/batch), unchecked: Workers 1<<40 panics with
// "makeslice: cap out of range", 1<<56 wraps the chunk to 0 and panics
// with "index out of range [0] with length 0", on a book of one file.
func TestAdversary33_HugeWorkersPanics(t *testing.T) {
	fw, err := advisory.Compile[advisory.File]([]byte("ruleset s version 1\nrule r {\n  type \"t\"\n  when client.income > 0\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	book := []advisory.Item[advisory.File]{{ClientID: "a"}}
	for _, w := range []int{1 << 40, 1 << 56} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("EvaluateAll with Workers %d panicked: %v", w, r)
				}
			}()
			res := fw.EvaluateAll(context.Background(), slices.Values(book), a33At, advisory.BatchOptions{Workers: w})
			if res.Counts != (advisory.Counts{In: 1, OK: 1}) {
				t.Errorf("Workers %d: counts %+v, want In 1 OK 1", w, res.Counts)
			}
		}()
	}
}

// Promise (project: nothing may run unbounded; Record: a value is "a
// value made of these: a struct, ... a slice or array, or a map"; a
// hostile value gets an error, quickly). Broken: checkValue walks every
// path through a value, so a part shared at each level is walked once per
// path: 8 maps of 4 entries each pointing to the next (32 entries in all)
// take 4^8 visits, about 87,000 allocations to Consolidate one field; at
// 16 entries a map it is 16^8 = 4e9 visits (hours), for a value of 128
// entries. The walk should remember what it has checked, as sameValues
// and valuetext do. Counted by allocations (each visit of a map entry
// copies it), not by time.
func TestAdversary33_CheckValueExponentialOnSharedParts(t *testing.T) {
	var v any = 1.0
	entries := 0
	for range 8 {
		m := map[string]any{}
		for i := range 4 {
			m[fmt.Sprint(i)] = v
			entries++
		}
		v = m
	}
	rec := advisory.Record{Source: "crm", AsOf: a33At, Fields: map[string]any{"x": v}}
	var err error
	allocs := testing.AllocsPerRun(1, func() {
		_, err = advisory.Consolidate("c", []advisory.Record{rec}, advisory.Policy{})
	})
	if err != nil {
		t.Fatal(err)
	}
	if allocs > 1000 {
		t.Errorf("consolidating one value of %d map entries (8 maps, each shared 4 times by the one above) allocated %.0f times: every path is walked, 4^8 of them", entries, allocs)
	}
}

// Promise (Record: "The caller owns the map and the values in it;
// consolidation modifies neither"; Consolidate "is a pure function of its
// inputs"; NewFile/Decode write into the destination). Broken: Decode
// stores a whole value assignable to the field as it is (the record's own
// *Mortgage), then a part named on its own ("mortgage.rate", from another
// source) is written through that pointer into the caller's record: the
// crm record's Mortgage.Rate becomes the custodian's 0.05, and a second
// Consolidate of the same records gives a different result.
func TestAdversary33_NewFileWritesIntoCallersRecord(t *testing.T) {
	m := &advisory.Mortgage{Balance: 200000, Rate: 0.02}
	crm := advisory.Record{Source: "crm", AsOf: a33At, Fields: map[string]any{"mortgage": m}}
	cust := advisory.Record{Source: "custodian", AsOf: a33At, Fields: map[string]any{"mortgage.rate": 0.05}}
	c, err := advisory.Consolidate("c", []advisory.Record{crm, cust}, advisory.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	f, err := advisory.NewFile(c)
	if err != nil {
		t.Fatal(err)
	}
	if f.Mortgage == nil || f.Mortgage.Rate != 0.05 {
		t.Fatalf("file's mortgage %+v, want rate 0.05", f.Mortgage)
	}
	if m.Rate != 0.02 {
		t.Errorf("NewFile changed the crm record's mortgage: its rate is now %v (was 0.02)", m.Rate)
	}
}

type a33Holding struct {
	Name   string
	bought time.Time
}

// Promise (same: values agree "numbers by value, times by instant";
// Conflict: "a field on which sources hold different values"). Broken: a
// time.Time in a field a host's struct does not export is not read as a
// time (sameValues asks CanInterface) but field by field (wall, ext, loc):
// the same instant in UTC and in a +01:00 zone is a false conflict.
// (internal/valuetext already reads such a time as its instant.)
func TestAdversary33_UnexportedTimeFalseConflict(t *testing.T) {
	a := a33Holding{Name: "fund", bought: a33At}
	b := a33Holding{Name: "fund", bought: a33At.In(time.FixedZone("CET", 3600))}
	crm := advisory.Record{Source: "crm", AsOf: a33At, Fields: map[string]any{"holding": a}}
	cust := advisory.Record{Source: "custodian", AsOf: a33At, Fields: map[string]any{"holding": b}}
	c, err := advisory.Consolidate("c", []advisory.Record{crm, cust}, advisory.Policy{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Conflicts) != 0 {
		t.Errorf("the same holding bought at the same instant (two zones) is a conflict: %+v", c.Conflicts)
	}
}

// Promise (File: "A consolidated record may name a field either way";
// doc.go: "a source of truth per field"; Policy Sources: "the source of
// truth first"). Broken: two sources naming one field by its two names
// ("client.birthDate", "client.birth_date") are consolidated as two
// fields, each source winning its own, with no conflict; NewFile then
// writes them in sorted order, so the custodian's "client.birth_date"
// overwrites the crm's though the policy makes crm the source of truth:
// the file holds 1985, no error, Discrepancies 0.
func TestAdversary33_FieldNamedTwoWaysBypassesSourceOfTruth(t *testing.T) {
	truth := time.Date(1980, 3, 1, 0, 0, 0, 0, time.UTC)
	other := time.Date(1985, 1, 1, 0, 0, 0, 0, time.UTC)
	crm := advisory.Record{Source: "crm", AsOf: a33At, Fields: map[string]any{"client.birthDate": truth}}
	cust := advisory.Record{Source: "custodian", AsOf: a33At, Fields: map[string]any{"client.birth_date": other}}
	c, err := advisory.Consolidate("c", []advisory.Record{crm, cust}, advisory.Policy{Default: advisory.FieldPolicy{Sources: []string{"crm", "custodian"}}})
	if err != nil {
		t.Fatal(err)
	}
	f, err := advisory.NewFile(c)
	if err == nil && !f.Client.BirthDate.Equal(truth) {
		t.Errorf("birth date %s from the custodian, not %s from crm (the source of truth), with no error and %d discrepancies",
			f.Client.BirthDate.Format(time.DateOnly), truth.Format(time.DateOnly), f.Discrepancies)
	}
}

// Promise (Consolidate: "It is a pure function of its inputs"; doc.go:
// "independent of the order of the records"). Broken: on a record with an
// unsupported value, the Consolidated returned beside the *RecordError
// holds whichever fields map iteration settled before it met the bad one:
// one input, many different results (0, 2, 26, 40 fields ...).
func TestAdversary33_ConsolidateErrorResultVaries(t *testing.T) {
	fields := map[string]any{"bad": make(chan int)}
	for i := range 40 {
		fields[fmt.Sprintf("f%02d", i)] = i
	}
	rec := advisory.Record{Source: "crm", AsOf: a33At, Fields: fields}
	sizes := map[int]bool{}
	for range 50 {
		c, err := advisory.Consolidate("c", []advisory.Record{rec}, advisory.Policy{})
		var re *advisory.RecordError
		if !errors.As(err, &re) {
			t.Fatalf("want a *RecordError, got %v", err)
		}
		sizes[len(c.Fields)] = true
	}
	if len(sizes) > 1 {
		t.Errorf("one input, 50 calls: the result holds %d different numbers of fields", len(sizes))
	}
}

// Promise (Strategy: three strategies, "The zero value is SourceOfTruth";
// UnmarshalText refuses an unknown name; project: a conflicting or bad
// policy gets a clear typed error, not a silently wrong result). Broken:
// Consolidate takes a FieldPolicy of Strategy(9) (String "Strategy(9)")
// without an error, choosing as SourceOfTruth does.
func TestAdversary33_UnknownStrategyAccepted(t *testing.T) {
	recs := []advisory.Record{
		{Source: "crm", AsOf: a33At, Fields: map[string]any{"x": 1}},
		{Source: "custodian", AsOf: a33At.Add(time.Hour), Fields: map[string]any{"x": 2}},
	}
	c, err := advisory.Consolidate("c", recs, advisory.Policy{Default: advisory.FieldPolicy{Strategy: advisory.Strategy(9)}})
	if err == nil {
		t.Errorf("policy with strategy %s accepted: x = %v from %s", advisory.Strategy(9), c.Fields["x"], c.Provenance["x"].Source)
	}
}

type a33Observer struct{ stats advisory.BatchStats }

func (o *a33Observer) File(advisory.FileStats)    {}
func (o *a33Observer) Progress(advisory.Counts)   {}
func (o *a33Observer) Done(s advisory.BatchStats) { o.stats = s }

// Promise (BatchStats: per rule "how many files it was evaluated on, how
// many alerts it raised ... and on how many files it failed"; LoadError:
// a file "whose Item.Load failed: none of its rules was evaluated").
// Broken: the observation tells a load failure by errors.As(err,
// &*LoadError), which also looks through a rule's *dsl.Error: a host
// function failing with a *LoadError (a lazy lookup) makes an evaluated
// file look unloaded. Rule q fired (its alert is in the result) and rule
// r failed, yet the stats say 0 evaluations, 0 fires, 0 errors.
func TestAdversary33_ObserverMissesEvaluatedFile(t *testing.T) {
	fw, err := advisory.Compile[advisory.File]([]byte("ruleset s version 1\nrule r {\n  type \"r\"\n  when lookup(client.id) > 0\n}\nrule q {\n  type \"q\"\n  when true\n}\n"),
		dsl.WithFunction("lookup", func(id string) (float64, error) {
			return 0, &advisory.LoadError{ClientID: id, Err: errors.New("crm unavailable")}
		}))
	if err != nil {
		t.Fatal(err)
	}
	var o a33Observer
	res := fw.EvaluateAll(context.Background(), slices.Values([]advisory.Item[advisory.File]{{ClientID: "a"}}), a33At,
		advisory.BatchOptions{Workers: 1, Observer: &o})
	if len(res.Alerts) != 1 || res.Counts.Failed != 1 {
		t.Fatalf("result %+v", res)
	}
	want := []advisory.RuleStats{{Rule: "r", Evaluations: 1, Errors: 1}, {Rule: "q", Evaluations: 1, Fires: 1}}
	if !reflect.DeepEqual(o.stats.Rules, want) {
		t.Errorf("rule stats %+v, want %+v (the result has q's alert and r's failure)", o.stats.Rules, want)
	}
}

// Promise (StalenessRule: the staleness alerts' "RuleSet is empty, which
// tells them from the alerts of a framework rule that happens to have the
// same id"; DiffVersions leaves out "a rule that failed on a file in
// either version ... for that file"). Broken: DiffVersions drops every
// alert whose RuleID is a failed rule's, RuleSet ignored: a framework
// rule "staleness" failing in the old version removes the Load's
// data.stale alert, identical in both versions, from the diff (Unchanged
// 0, want 1).
func TestAdversary33_DiffVersionsDropsStalenessAlerts(t *testing.T) {
	old, err := advisory.Compile[advisory.File]([]byte("ruleset s version 1\nrule staleness {\n  type \"t\"\n  when mortgage.rate > 0\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	nw, err := advisory.Compile[advisory.File]([]byte("ruleset s version 2\nrule staleness {\n  type \"t\"\n  when mortgage != nil && mortgage.rate > 0\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	stale := advisory.Alert{ClientID: "a", Type: advisory.TypeStale, RuleID: advisory.StalenessRule, Path: "client.income", Title: "Stale client.income"}
	items := []advisory.Item[advisory.File]{{ClientID: "a", Load: func() (advisory.File, []advisory.Alert, error) {
		return advisory.File{}, []advisory.Alert{stale}, nil
	}}}
	d, err := advisory.DiffVersions(context.Background(), old, nw, slices.Values(items), a33At)
	if err == nil {
		t.Fatal("the old version's rule should fail on a nil mortgage")
	}
	if d.Unchanged != 1 {
		t.Errorf("the data.stale alert both versions' Load raised is left out of the diff: %+v", d)
	}
}
