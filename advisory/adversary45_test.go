package advisory

// Adversary 45: failing tests, one defect each, for the advisory package
// (package-internal, so the helpers are named adv45).

import (
	"context"
	"slices"
	"testing"
	"time"
)

var adv45Now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// adv45Observer records what an Observer is told.
type adv45Observer struct {
	files []FileStats
	done  []BatchStats
}

func (o *adv45Observer) File(f FileStats)  { o.files = append(o.files, f) }
func (o *adv45Observer) Progress(Counts)   {}
func (o *adv45Observer) Done(b BatchStats) { o.done = append(o.done, b) }

// TestAdversary45_ObserverCountsDisabledRuleEvaluated
//
// Promise broken: advisory/observe.go, BatchStats: "for each rule of the
// framework in rule order, how many files it was evaluated on". A rule
// with `enabled false` is evaluated on no file (dsl skips it; Rules()
// says Enabled false), but observation.done sets every rule's
// Evaluations to the number of files evaluated. Observed: the disabled
// rule reports 3 evaluations over 3 files, as the enabled one does.
// Expected: 0 for the disabled rule.
func TestAdversary45_ObserverCountsDisabledRuleEvaluated(t *testing.T) {
	src := `ruleset obs version 1

rule live {
  type "a.live"
  when discrepancies > 0
  title "live"
}

rule parked {
  type "a.parked"
  when discrepancies > 0
  title "parked"
  enabled false
}
`
	fw, err := Compile[File]([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	items := []Item[File]{{ClientID: "a", File: File{Discrepancies: 1}}, {ClientID: "b"}, {ClientID: "c", File: File{Discrepancies: 2}}}
	var obs adv45Observer
	res := fw.EvaluateAll(context.Background(), slices.Values(items), adv45Now, BatchOptions{Workers: 1, Observer: &obs})
	if res.Counts.OK != 3 || len(obs.done) != 1 {
		t.Fatalf("batch %+v, %d done calls", res.Counts, len(obs.done))
	}
	for _, rs := range obs.done[0].Rules {
		if rs.Rule == "parked" && rs.Evaluations != 0 {
			t.Errorf("disabled rule %q: observed %d evaluations (%d fires); it was evaluated on no file", rs.Rule, rs.Evaluations, rs.Fires)
		}
	}
}

// TestAdversary45_ConsolidateAcceptsStructOfChannel
//
// Promise broken: advisory/consolidate.go, Consolidate: "A record with a
// value of an unsupported type is an error naming it"; record.go, Record:
// a value is nil, a string, a bool, a number, a time.Time, "or a value
// made of these: a struct, a pointer to one, a slice or array, or a map
// with string keys". checkValue refuses a chan in a slice
// ([]chan int: an error naming the field), but stops at any struct
// without looking inside it, so the same chan in a struct field passes.
// Observed: Consolidate of struct{C chan int} returns no error (and a
// struct of a func, or of a complex128, likewise). Expected: the
// *RecordError the slice gets.
func TestAdversary45_ConsolidateAcceptsStructOfChannel(t *testing.T) {
	type holder struct{ C chan int }
	ch := make(chan int)
	rec := func(v any) []Record {
		return []Record{{Source: "crm", AsOf: adv45Now, Fields: map[string]any{"x": v}}}
	}
	if _, err := Consolidate("c-1", rec([]chan int{ch}), Policy{}); err == nil {
		t.Fatal("control: a slice of a chan is refused")
	}
	c, err := Consolidate("c-1", rec(holder{C: ch}), Policy{})
	if err == nil {
		t.Errorf("a struct holding a chan: no error, consolidated %v; want the error a []chan int gets", c.Fields)
	}
}

// TestAdversary45_StalenessAgeWraps
//
// Promise broken: advisory/stale.go, Staleness: every older value is an
// alert "with the field, the source and the age as evidence" (the age in
// whole seconds "a source as of year one is older than that"). The age
// is now.Unix() − as-of.Unix() in an int64, which wraps for times 2^63
// seconds apart (both within the ±2^62 s the engagement package accepts
// as Unix times). Observed: a field as of −2^62 s, stale at +2^62 s, is
// reported "-106751991167300 days ago" with age_days negative. Expected:
// a positive age (saturated, or counted without a wrap).
func TestAdversary45_StalenessAgeWraps(t *testing.T) {
	asOf, now := time.Unix(-1<<62, 0).UTC(), time.Unix(1<<62, 0).UTC()
	// Consolidate now refuses an as-of outside the years 0 to 9999 (JSON
	// cannot write it, adversary 50): the host's own Consolidated still
	// reaches Staleness with one.
	if _, err := Consolidate("c-1", []Record{{Source: "crm", AsOf: asOf, Fields: map[string]any{"client.name": "Ann"}}}, Policy{}); err == nil {
		t.Fatal("an as-of 2^62 s before 1970 was accepted")
	}
	c := Consolidated{ClientID: "c-1", Fields: map[string]any{"client.name": "Ann"},
		Provenance: map[string]Provenance{"client.name": {Source: "crm", AsOf: asOf}}}
	alerts := Staleness(c, Policy{Default: FieldPolicy{MaxAge: time.Hour}}, now)
	if len(alerts) != 1 || alerts[0].Type != TypeStale {
		t.Fatalf("alerts %+v, want one stale alert", alerts)
	}
	for _, e := range alerts[0].Evidence {
		if age, ok := e.Value.(int); e.Name == "age_days" && (!ok || age < 0) {
			t.Errorf("a field stale by 2^63 s: age_days %v, message %q; want a positive age", e.Value, alerts[0].Message)
		}
	}
}
