package advisory_test

// Adversary 106: probes of package advisory (decoding json.Numbers,
// evidence of trees and tables, staleness ages, equal-time versions,
// alert JSON round trips, batches whose Loads misbehave, cancellation,
// order independence of consolidation).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
)

var now106 = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

// TestAdversary106_JSONNumberNotDecoded
//
// Contract: doc.go/README: Records carry "[]any of maps from JSON" and
// "named or narrow numbers"; json_number.go: "A json.Number is a number
// written as JSON text (what a feed decoded with json.Decoder.UseNumber
// holds): a record compares it as the number it writes"; Record accepts a
// json.Number that is a number; Decode: "a number converts to any numeric
// type (named ones too) if it fits exactly".
//
// Input: one record {"client.income": json.Number("50000"),
// "client.dependants": json.Number("2")}. Consolidate accepts it; NewFile,
// Decode and Decoder.Decode all fail with "cannot put json.Number into
// float64" / "into int": a feed read with UseNumber (the way to keep
// numbers exact) can never become a client file.
// Root cause guess: convert.go convertAt: json.Number is a string kind,
// so isNumber(src.Kind()) is false and no case converts it to a number.
func TestAdversary106_JSONNumberNotDecoded(t *testing.T) {
	c, err := advisory.Consolidate("c1", []advisory.Record{{Source: "crm", AsOf: now106,
		Fields: map[string]any{"client.income": json.Number("50000"), "client.dependants": json.Number("2")}}}, advisory.Policy{})
	if err != nil {
		t.Fatalf("Consolidate refused json.Numbers that are numbers: %v", err)
	}
	f, err := advisory.NewFile(c)
	if err != nil || f.Client.Income != 50000 || f.Client.Dependants != 2 {
		t.Errorf("NewFile = income %v, dependants %v, err %v; want 50000, 2, nil", f.Client.Income, f.Client.Dependants, err)
	}
	d, _ := advisory.NewDecoder[advisory.File]()
	var g advisory.File
	if err := d.Decode(c, &g); err != nil || g.Client.Income != 50000 {
		t.Errorf("Decoder.Decode = income %v, err %v; want 50000, nil", g.Client.Income, err)
	}
}

// TestAdversary106_EvidenceOmitsWhatDecidedTreesAndTables
//
// Contract: Alert.Evidence "lists the values that made the rule fire";
// doc.go: an alert carries "the evidence (the rule's calculations and the
// fields its condition read)"; README: "why each rule fired". A table's
// condition is its inputs' tests, a branch's the condition after `branch`.
//
// Input: table tab with inputs client.dependants, household.income (row 2
// `-, >= 10` fires on household.income 20), and a rule tree whose branch 2
// `household.members > 2` fires on members 3. Observed: the table's alert
// has no evidence at all, and the tree's alert lists only client.income
// (the rule's when): neither names the value that decided it.
// Root cause guess: dsl/ruleset_compile.go builder.rule adds read evidence
// only for rule.when (`if b.base.readEvidence && rule.when != nil`), never
// for branch conditions or a table's inputs.
func TestAdversary106_EvidenceOmitsWhatDecidedTreesAndTables(t *testing.T) {
	fw, err := advisory.Compile[advisory.File]([]byte(`ruleset r version 1
rule tree {
  type "x.tree"
  when client.income > 0
  branch mortgage != nil && mortgage.balance > 100 {
    title "big mortgage"
  }
  branch household.members > 2 {
    title "large household"
  }
  else {
    title "other"
  }
}
table tab hit first {
  type "x.tab"
  in client.dependants, household.income
  row > 1, - => title "dependants"
  row -, >= 10 => title "household income"
}
`))
	if err != nil {
		t.Fatal(err)
	}
	f := advisory.File{Client: advisory.Client{Income: 30000}, Household: advisory.Household{Members: 3, Income: 20}}
	alerts, err := fw.Evaluate("c1", f, now106)
	if err != nil || len(alerts) != 2 {
		t.Fatalf("Evaluate = %v, %v", alerts, err)
	}
	has := func(a advisory.Alert, name string, v any) bool {
		for _, e := range a.Evidence {
			if e.Name == name && fmt.Sprint(e.Value) == fmt.Sprint(v) {
				return true
			}
		}
		return false
	}
	for _, a := range alerts {
		switch a.RuleID {
		case "tree":
			if !has(a, "household.members", 3) {
				t.Errorf("tree alert %q (path %s): evidence %v does not hold household.members = 3, the value its branch decided on", a.Title, a.Path, a.Evidence)
			}
		case "tab":
			if !has(a, "household.income", 20) {
				t.Errorf("table alert %q (path %s): evidence %v does not hold household.income = 20, the input its row decided on", a.Title, a.Path, a.Evidence)
			}
		}
	}
}

// TestAdversary106_StaleAgeCountsSubSecondAsDay
//
// Contract: Staleness gives "the age as evidence"; daysBetween is "the
// whole days from a to b". Staleness at exact boundaries.
//
// Input: a value as of 2025-06-01 12:00:00.9 UTC, now 2025-06-02
// 12:00:00.5 UTC (23h59m59.6s later), MaxAge 1h. Observed: the alert
// reads "1 days ago" with age_days 1, though not one whole day has passed
// (0 whole days). Root cause guess: stale.go daysBetween splits t.Unix(),
// dropping the nanoseconds, so two instants in the same second of day
// compare as a whole day apart.
func TestAdversary106_StaleAgeCountsSubSecondAsDay(t *testing.T) {
	T := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	asOf := T.Add(900 * time.Millisecond)
	now := T.Add(24*time.Hour + 500*time.Millisecond)
	c := advisory.Consolidated{ClientID: "c1", Fields: map[string]any{"x": 1.0},
		Provenance: map[string]advisory.Provenance{"x": {Source: "crm", AsOf: asOf}}}
	al := advisory.Staleness(c, advisory.Policy{Default: advisory.FieldPolicy{MaxAge: time.Hour}}, now)
	if len(al) != 1 {
		t.Fatalf("Staleness = %v, want one data.stale alert", al)
	}
	want := int(now.Sub(asOf) / (24 * time.Hour)) // 0
	for _, e := range al[0].Evidence {
		if e.Name == "age_days" && e.Value != want {
			t.Errorf("age_days = %v after %v, want %d whole days (message %q)", e.Value, now.Sub(asOf), want, al[0].Message)
		}
	}
}

// TestAdversary106_SameSourceSameInstantDisagreementSilent
//
// Contract: bad input gets a clear typed error naming what is wrong;
// Consolidate "returns the merged record with ... the fields on which
// sources disagree"; "two records of one source are taken as versions,
// the latest as-of winning" (which is undefined when they are as of the
// same instant).
//
// Input: crm says client.income 9000 and crm says 10000, both as of the
// same instant. Observed: no error and no Conflict; 10000 is chosen
// because its text sorts first ("10000" < "9000"), and 9000 vanishes
// without a trace. Root cause guess: consolidate.go latestPerSource
// breaks the tie by valuetext and CompactFunc drops the other version.
func TestAdversary106_SameSourceSameInstantDisagreementSilent(t *testing.T) {
	T := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	c, err := advisory.Consolidate("c1", []advisory.Record{
		{Source: "crm", AsOf: T, Fields: map[string]any{"client.income": 9000.0}},
		{Source: "crm", AsOf: T.In(time.FixedZone("X", 3600)), Fields: map[string]any{"client.income": 10000.0}},
	}, advisory.Policy{})
	if err != nil {
		return // refused, naming the records: fine
	}
	if len(c.Conflicts) == 0 {
		t.Errorf("two versions of crm as of one instant disagree (9000 vs 10000): no error, no conflict; chose %v from %+v",
			c.Fields["client.income"], c.Provenance["client.income"])
	}
}

// TestAdversary106_AlertJSONRoundTripLosesInteger
//
// Contract: JSON round trips are exact; doc.go: "Every type the package
// returns marshals to JSON", evidence is "the fields its condition read".
//
// Input: a file with client.dependants = 2^53+1 and a rule reading it.
// The alert's evidence holds the int 9007199254740993 and encodes as
// such; read back into an Alert it is 9007199254740992 (a float64), and
// encodes so: the stored alert shows a value the rule never read.
// Root cause guess: alert_json.go has MarshalJSON but no UnmarshalJSON;
// encoding/json reads evidence and outputs (any) as float64.
func TestAdversary106_AlertJSONRoundTripLosesInteger(t *testing.T) {
	fw, err := advisory.Compile[advisory.File]([]byte(`ruleset r version 1
rule deps {
  type "x.deps"
  when client.dependants > 0
  title "deps"
  output n client.dependants
}
`))
	if err != nil {
		t.Fatal(err)
	}
	f := advisory.File{Client: advisory.Client{Dependants: 1<<53 + 1}}
	al, err := fw.Evaluate("c1", f, now106)
	if err != nil || len(al) != 1 {
		t.Fatalf("Evaluate = %v, %v", al, err)
	}
	b1, err := json.Marshal(al[0])
	if err != nil {
		t.Fatal(err)
	}
	var back advisory.Alert
	if err := json.Unmarshal(b1, &back); err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(back)
	if string(b1) != string(b2) {
		t.Errorf("alert JSON does not round-trip:\n wrote %s\n reads back as %s", b1, b2)
	}
}

// TestAdversary106_BatchLoadMisbehaviour
//
// Contract: a batch never drops a client or an alert; nothing panics out
// of the library; a Load that fails, panics, returns a nil file or ends
// its goroutine fails its file with a clear error naming the client;
// In = OK + Failed + Cancelled; files handed over in order, once each;
// alerts a Load found come first and are kept even when it fails.
func TestAdversary106_BatchLoadMisbehaviour(t *testing.T) {
	fw, err := advisory.Compile[*advisory.File]([]byte(`ruleset r version 1
rule inc {
  type "x.inc"
  when client.income > 100
  title "inc"
}
`))
	if err != nil {
		t.Fatal(err)
	}
	stale := func(id string) []advisory.Alert {
		return []advisory.Alert{{ClientID: id, Type: advisory.TypeStale, RuleID: advisory.StalenessRule, Title: "stale " + id}}
	}
	good := &advisory.File{Client: advisory.Client{Income: 1000}}
	items := []advisory.Item[*advisory.File]{
		{ClientID: "err", Load: func() (*advisory.File, []advisory.Alert, error) { return nil, stale("err"), errors.New("db down") }},
		{ClientID: "panic", Load: func() (*advisory.File, []advisory.Alert, error) { panic("boom") }},
		{ClientID: "nilfile", Load: func() (*advisory.File, []advisory.Alert, error) { return nil, stale("nilfile"), nil }},
		{ClientID: "goexit", Load: func() (*advisory.File, []advisory.Alert, error) { runtime.Goexit(); return nil, nil, nil }},
		{ClientID: "ok-load", Load: func() (*advisory.File, []advisory.Alert, error) { return good, stale("ok-load"), nil }},
		{ClientID: "ok-file", File: good},
		{ClientID: "nil-panic", Load: func() (*advisory.File, []advisory.Alert, error) { panic(nil) }},
	}
	for _, workers := range []int{1, 3} {
		var seen []advisory.FileAlerts
		counts := fw.EvaluateEach(context.Background(), slices.Values(items), now106, advisory.BatchOptions{Workers: workers},
			func(fa advisory.FileAlerts) { seen = append(seen, fa) })
		if counts.In != len(items) || counts.OK+counts.Failed+counts.Cancelled != counts.In || counts.Cancelled != 0 {
			t.Fatalf("workers %d: counts %+v for %d items", workers, counts, len(items))
		}
		if len(seen) != len(items) {
			t.Fatalf("workers %d: %d files handed over, want %d", workers, len(seen), len(items))
		}
		for i, fa := range seen {
			it := items[i]
			if fa.Index != i || fa.ClientID != it.ClientID {
				t.Errorf("workers %d: file %d handed over as %d/%s", workers, i, fa.Index, fa.ClientID)
			}
			switch it.ClientID {
			case "ok-load":
				if fa.Err != nil || len(fa.Alerts) != 2 || fa.Alerts[0].Type != advisory.TypeStale {
					t.Errorf("workers %d: ok-load: %v, %v", workers, fa.Alerts, fa.Err)
				}
			case "ok-file":
				if fa.Err != nil || len(fa.Alerts) != 1 {
					t.Errorf("workers %d: ok-file: %v, %v", workers, fa.Alerts, fa.Err)
				}
			case "err", "nilfile":
				var le *advisory.LoadError
				if fa.Err == nil || it.ClientID == "err" && !errors.As(fa.Err, &le) {
					t.Errorf("workers %d: %s: error %v, want a failure (a *LoadError for a failed Load)", workers, it.ClientID, fa.Err)
				}
				if len(fa.Alerts) == 0 || fa.Alerts[0].Title != "stale "+it.ClientID {
					t.Errorf("workers %d: %s: the Load's alert was dropped: %v (%v)", workers, it.ClientID, fa.Alerts, fa.Err)
				}
			default:
				if fa.Err == nil {
					t.Errorf("workers %d: %s: no error", workers, it.ClientID)
				}
			}
			if fe, failed := fa.Failure(); failed && !strings.Contains(fe.Error(), it.ClientID) {
				t.Errorf("workers %d: failure %q does not name client %s", workers, fe.Error(), it.ClientID)
			}
		}
	}
}

// TestAdversary106_CancelMidBatchAccountsEveryFile
//
// Contract: cancellation mid-batch drops no file: In = OK + Failed +
// Cancelled, the files handed over are in order, once each, each
// complete (its alert there), and no file fails because of the cancel.
func TestAdversary106_CancelMidBatchAccountsEveryFile(t *testing.T) {
	fw, err := advisory.Compile[advisory.File]([]byte(`ruleset r version 1
rule inc {
  type "x.inc"
  when client.income > 100
  title "inc"
}
`))
	if err != nil {
		t.Fatal(err)
	}
	const n = 3000
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	items := func(yield func(advisory.Item[advisory.File]) bool) {
		for i := range n {
			it := advisory.Item[advisory.File]{ClientID: fmt.Sprint("c", i), Load: func() (advisory.File, []advisory.Alert, error) {
				if i == 700 {
					cancel()
				}
				return advisory.File{Client: advisory.Client{Income: 1000}}, nil, nil
			}}
			if !yield(it) {
				return
			}
		}
	}
	handed, last := 0, -1
	counts := fw.EvaluateEach(ctx, items, now106, advisory.BatchOptions{Workers: 2}, func(fa advisory.FileAlerts) {
		handed++
		if fa.Index <= last {
			t.Errorf("file %d handed over after %d", fa.Index, last)
		}
		last = fa.Index
		if fa.Err != nil || len(fa.Alerts) != 1 {
			t.Errorf("file %d (%s) handed over as %v, %v", fa.Index, fa.ClientID, fa.Alerts, fa.Err)
		}
	})
	// The batch reads files no further once ctx ends (Counts.Unread).
	if counts.In > n || (counts.In < n && !counts.Unread) || counts.OK+counts.Failed+counts.Cancelled != counts.In || handed != counts.OK+counts.Failed {
		t.Errorf("counts %+v, %d handed over, for %d files", counts, handed, n)
	}
	if counts.Cancelled == 0 {
		t.Errorf("counts %+v: the cancel at file 700 cancelled nothing", counts)
	}
}

// TestAdversary106_ConsolidateOrderIndependentZonesAndTies
//
// Contract: Consolidate "is a pure function, independent of the order of
// the records"; MostRecent: "equal times go to the source named earlier
// in the policy's order, then by name". Records as of equal instants in
// different zones, versions of one source, sources named and not, give
// the same JSON in every order.
func TestAdversary106_ConsolidateOrderIndependentZonesAndTies(t *testing.T) {
	T := time.Date(2025, 3, 30, 1, 30, 0, 0, time.UTC)
	z1, z2 := time.FixedZone("A", 5*3600+30*60), time.FixedZone("B", -8*3600)
	records := []advisory.Record{
		{Source: "crm", AsOf: T.In(z1), Fields: map[string]any{"client.income": 100.0, "client.name": "Ann", "pension.coverage": 0.5}},
		{Source: "custodian", AsOf: T.In(z2), Fields: map[string]any{"client.income": 200.0, "client.name": "Ann", "portfolio.value": 10.0}},
		{Source: "zeta", AsOf: T, Fields: map[string]any{"client.income": 300.0, "pension.coverage": 0.7}},
		{Source: "alpha", AsOf: T.In(z2), Fields: map[string]any{"client.income": 400.0, "pension.coverage": ""}},
		{Source: "crm", AsOf: T.Add(-time.Hour).In(z2), Fields: map[string]any{"client.income": 50.0, "portfolio.value": 20.0}},
	}
	policies := []advisory.Policy{
		{Default: advisory.FieldPolicy{Strategy: advisory.MostRecent, Sources: []string{"custodian", "crm"}}},
		{Default: advisory.FieldPolicy{Sources: []string{"custodian"}}},
		{Default: advisory.FieldPolicy{Strategy: advisory.FirstNonEmpty}},
		{Default: advisory.FieldPolicy{Strategy: advisory.MostRecent}},
	}
	r := rand.New(rand.NewPCG(106, 1))
	for pi, p := range policies {
		ref, err := advisory.Consolidate("c1", records, p)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(ref)
		for k := range 30 {
			sh := slices.Clone(records)
			r.Shuffle(len(sh), func(i, j int) { sh[i], sh[j] = sh[j], sh[i] })
			got, err := advisory.Consolidate("c1", sh, p)
			if err != nil {
				t.Fatal(err)
			}
			if g, _ := json.Marshal(got); string(g) != string(want) {
				t.Fatalf("policy %d shuffle %d:\n%s\nin order:\n%s", pi, k, g, want)
			}
		}
		if pi == 0 {
			// MostRecent at equal instants: custodian, named first, wins.
			if pr := ref.Provenance["client.income"]; pr.Source != "custodian" {
				t.Errorf("MostRecent tie: client.income from %+v, want custodian (named first)", pr)
			}
		}
	}
}

// TestAdversary106_StalenessExactBoundaryAcrossZones
//
// Contract: Staleness reports values "older than" MaxAge: as of exactly
// MaxAge before now is not stale, a nanosecond more is, whatever the
// zones of the as-of and of now.
func TestAdversary106_StalenessExactBoundaryAcrossZones(t *testing.T) {
	maxAge := 365 * 24 * time.Hour
	now := time.Date(2026, 3, 29, 2, 30, 0, 0, time.FixedZone("P", 2*3600))
	p := advisory.Policy{Fields: map[string]advisory.FieldPolicy{"pension.coverage": {MaxAge: maxAge}}}
	for _, z := range []*time.Location{time.UTC, time.FixedZone("W", -11*3600), time.FixedZone("E", 14*3600)} {
		for _, d := range []time.Duration{0, time.Nanosecond, -time.Nanosecond} {
			asOf := now.Add(-maxAge - d).In(z)
			c := advisory.Consolidated{ClientID: "c", Fields: map[string]any{"pension.coverage": 0.5},
				Provenance: map[string]advisory.Provenance{"pension.coverage": {Source: "crm", AsOf: asOf}}}
			al := advisory.Staleness(c, p, now)
			if stale := len(al) == 1; stale != (d > 0) {
				t.Errorf("as of %v, now %v (age MaxAge%+v): alerts %v", asOf, now, d, al)
			}
		}
	}
}
