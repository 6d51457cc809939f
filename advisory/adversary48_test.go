package advisory

// Adversary 48: failing tests, one defect each, for the advisory package
// (package-internal, so the helpers are named adv48).

import (
	"context"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"
)

var adv48Now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// adv48Observer records the batch totals an Observer is told.
type adv48Observer struct{ done []BatchStats }

func (o *adv48Observer) File(FileStats)    {}
func (o *adv48Observer) Progress(Counts)   {}
func (o *adv48Observer) Done(b BatchStats) { o.done = append(o.done, b) }

// TestAdversary48_ConsolidateProvenanceZoneDependsOnOrder
//
// Promise broken: advisory/doc.go: Consolidate "is a pure function,
// independent of the order of the records"; consolidate.go, Consolidate:
// "the records' order does not matter, and two records of one source are
// taken as versions, the latest as-of winning". Two versions of crm as
// of one instant, written in two zones (12:00Z and 13:00+01:00), holding
// the same value, tie in latestPerSource (AsOf.Compare is 0, the values'
// texts are equal), so the one kept — and with it the Provenance's and
// the Conflict values' AsOf, zone and all — is whichever came first.
// Observed: [utc, cet] gives provenance as_of "2026-11-24T12:00:00Z",
// [cet, utc] gives "2026-11-24T13:00:00+01:00": two results (and two
// JSON documents) for one set of records. Expected: one result.
func TestAdversary48_ConsolidateProvenanceZoneDependsOnOrder(t *testing.T) {
	at := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	utc := Record{Source: "crm", AsOf: at, Fields: map[string]any{"client.name": "Ann"}}
	cet := Record{Source: "crm", AsOf: at.In(time.FixedZone("CET", 3600)), Fields: map[string]any{"client.name": "Ann"}}
	c1, err1 := Consolidate("c-1", []Record{utc, cet}, Policy{})
	c2, err2 := Consolidate("c-1", []Record{cet, utc}, Policy{})
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	j1, _ := json.Marshal(c1)
	j2, _ := json.Marshal(c2)
	if !reflect.DeepEqual(c1, c2) || string(j1) != string(j2) {
		t.Errorf("one set of records in two orders consolidates two ways:\n%s\n%s", j1, j2)
	}
}

// TestAdversary48_ConsolidateInfiniteValueBreaksJSON
//
// Promise broken: advisory/doc.go, JSON: "Every type the package returns
// marshals to JSON"; consolidate.go, Consolidate: "A record with a value
// of an unsupported type is an error naming it". A record's number may
// be any float (record.go), NaN counts as empty, but +Inf (a CRM's
// income ÷ 0) is neither refused nor empty: Consolidate returns it as
// the field's value. Observed: Consolidate of {"client.income": +Inf}
// returns no error, and json.Marshal of the Consolidated fails
// ("unsupported value: +Inf"). Expected: a *RecordError naming the
// field, or a result that marshals.
func TestAdversary48_ConsolidateInfiniteValueBreaksJSON(t *testing.T) {
	recs := []Record{{Source: "crm", AsOf: adv48Now, Fields: map[string]any{"client.income": math.Inf(1)}}}
	c, err := Consolidate("c-1", recs, Policy{})
	if err != nil {
		return // refused: what the contract allows
	}
	if _, jerr := json.Marshal(c); jerr != nil {
		t.Errorf("Consolidate took an infinite income (fields %v) and its result does not marshal: %v", c.Fields, jerr)
	}
}

// TestAdversary48_ObserverCountsSilentDecisionNeverDecided
//
// Promise broken: advisory/observe.go, BatchStats: "for each rule of the
// framework in rule order, how many files it was evaluated on". A
// decision with `emit false` is decided only when a rule reads it (dsl:
// "Eval never returns its hits"; the rule set's loop skips it), and one
// read only by a disabled rule is decided on no file: its condition,
// which fails on every file (an index out of range), fails none.
// observation.done skips disabled rules (adversary 45's fix) but gives
// every other rule the number of files evaluated. Observed: the silent
// decision "band" reports 2 evaluations over 2 files, both of which
// evaluated without error. Expected: 0.
func TestAdversary48_ObserverCountsSilentDecisionNeverDecided(t *testing.T) {
	src := `ruleset obs version 1

rule band {
  type "a.band"
  emit false
  when [1, 2][staleFields + 5] > 0
  output level "high"
}

rule parked {
  type "a.parked"
  when discrepancies > 5 && band.fired
  title "parked"
  enabled false
}
`
	fw, err := Compile[File]([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	items := []Item[File]{{ClientID: "a", File: File{Discrepancies: 7}}, {ClientID: "b"}}
	var obs adv48Observer
	res := fw.EvaluateAll(context.Background(), slices.Values(items), adv48Now, BatchOptions{Workers: 1, Observer: &obs})
	if res.Counts.OK != 2 || len(obs.done) != 1 {
		t.Fatalf("control: batch %+v, failed %v, %d done calls", res.Counts, res.Failed, len(obs.done))
	}
	for _, rs := range obs.done[0].Rules {
		if rs.Rule == "band" && rs.Evaluations != 0 {
			t.Errorf("silent decision %q, read only by a disabled rule and decided on no file (its failing condition failed none): observed %d evaluations",
				rs.Rule, rs.Evaluations)
		}
	}
}
