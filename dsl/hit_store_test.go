package dsl_test

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

// storeRules title, message and evidence every hit, a collect table's
// rows each a hit of one rule, and a title longer than a store lays out in
// its block.
const storeRules = `ruleset store version 1
rule term {
  type "mortgage.term_end"
  let days = daysUntil(client.fixedTermEnd)
  let left = 1 - client.pensionCoverage
  let label = num(client.pensionCoverage, 2)
  let big = client.age * 1000
  let small = client.age
  let soon = days < 30
  let end = client.fixedTermEnd
  when days >= 0 && days <= 400
  title "Term ends in {days} days; {left} of the pension to cover"
  message "Age {client.age}, coverage {client.pensionCoverage}"
  urgency days <= 30 ? 0.9 : 0.3
}
table bands hit collect {
  type "pension.band"
  in client.age, client.pensionCoverage
  row < 40, -    => title "young at {client.age}"
  row -, < 0.5   => title "short by {0.5 - client.pensionCoverage}"
  row >= 60, -   => title "near retirement at {client.age}"
}
rule long {
  type "note.long"
  when client.age > 90
  title "{repeat('x', 5000)} {client.age}"
}
`

// TestHitStoreHitsAsAllocated: hits laid out in a store equal those of an
// evaluation without one, file by file, and the hits a store laid out
// stay as they were while the store goes on to later files' hits.
func TestHitStoreHitsAsAllocated(t *testing.T) {
	rules, err := dsl.CompileRules[Env]([]byte(storeRules))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	rapid.Check(t, func(t *rapid.T) {
		var store dsl.HitStore
		var kept, want [][]dsl.Hit
		for i := range rapid.IntRange(1, 400).Draw(t, "files") {
			env := Env{Client: Client{Age: rapid.IntRange(18, 99).Draw(t, "age"),
				PensionCoverage: rapid.Float64Range(0, 1).Draw(t, "coverage"),
				FixedTermEnd:    now.AddDate(0, 0, rapid.IntRange(-30, 500).Draw(t, "days"))}}
			plain, err := rules.AppendEvalWith(context.Background(), nil, env, now, dsl.EvalOptions{})
			if err != nil {
				t.Fatal(err)
			}
			stored, err := rules.AppendEvalWith(context.Background(), nil, env, now, dsl.EvalOptions{Store: &store})
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(plain, stored); d != "" {
				t.Fatalf("file %d: hits with a store differ (-without +with):\n%s", i, d)
			}
			kept, want = append(kept, stored), append(want, plain)
		}
		// The collector runs with the store dropped: the boxes of the
		// kept hits' evidence keep their blocks alive, and the values
		// read back the same, through reflect and JSON too.
		store = dsl.HitStore{}
		runtime.GC()
		runtime.GC()
		if d := cmp.Diff(want, kept); d != "" {
			t.Fatalf("hits laid out earlier changed as the store went on (-as made +now):\n%s", d)
		}
		wantJSON, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		keptJSON, err := json.Marshal(kept)
		if err != nil {
			t.Fatal(err)
		}
		if string(wantJSON) != string(keptJSON) {
			t.Fatalf("hits with a store write other JSON:\n%s\nwant\n%s", keptJSON, wantJSON)
		}
	})
}

// TestHitStoreManyBlocks: three thousand files through one store, many
// blocks of each kind, every hit kept: each still equals its file's hits
// made without a store once the store has moved on past its blocks.
func TestHitStoreManyBlocks(t *testing.T) {
	rules, err := dsl.CompileRules[Env]([]byte(storeRules))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	var store dsl.HitStore
	var kept, want []dsl.Hit
	for i := range 3000 {
		env := Env{Client: Client{Age: 18 + i%80, PensionCoverage: float64(i%997) / 997, FixedTermEnd: now.AddDate(0, 0, i%420)}}
		plain, err := rules.AppendEvalWith(context.Background(), nil, env, now, dsl.EvalOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if kept, err = rules.AppendEvalWith(context.Background(), kept, env, now, dsl.EvalOptions{Store: &store}); err != nil {
			t.Fatal(err)
		}
		want = append(want, plain...)
	}
	if len(want) < 3000 {
		t.Fatalf("%d hits, want more than a block of each kind", len(want))
	}
	if d := cmp.Diff(want, kept); d != "" {
		t.Fatalf("hits laid out earlier changed as the store went on (-as made +now):\n%s", d)
	}
}

// TestHitStoreEvidenceKinds: the evidence a store lays out has the
// dynamic types the closures give without one (float64, int, string,
// bool, time.Time), small ints and large.
func TestHitStoreEvidenceKinds(t *testing.T) {
	rules, err := dsl.CompileRules[Env]([]byte(storeRules))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	env := Env{Client: Client{Age: 95, PensionCoverage: 0.25, FixedTermEnd: now.AddDate(0, 0, 10)}}
	hits, err := rules.AppendEvalWith(context.Background(), nil, env, now, dsl.EvalOptions{Store: new(dsl.HitStore)})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, h := range hits {
		for _, b := range h.Evidence {
			got[h.Rule+" "+b.Name] = fmt.Sprintf("%T %v", b.Value, b.Value)
		}
	}
	want := map[string]string{"term days": "int 10", "term left": "float64 0.75", "term label": "string 0.25", "term big": "int 95000",
		"term small": "int 95", "term soon": "bool true", "term end": "time.Time 2026-12-04 09:00:00 +0000 UTC"}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("evidence %s = %s, want %s", name, got[name], w)
		}
	}
}

// TestHitStoreEvidenceCapped: a hit's evidence is capped at its length,
// so a host appending to one hit's evidence cannot write over the next
// hit's, laid out after it in the same block.
func TestHitStoreEvidenceCapped(t *testing.T) {
	rules, err := dsl.CompileRules[Env]([]byte(storeRules))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	var store dsl.HitStore
	env := Env{Client: Client{Age: 95, PensionCoverage: 0.2, FixedTermEnd: now.AddDate(0, 0, 10)}}
	hits, err := rules.AppendEvalWith(context.Background(), nil, env, now, dsl.EvalOptions{Store: &store})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) < 3 {
		t.Fatalf("%d hits, want the rule's, the table's rows and the long title's", len(hits))
	}
	before := make([][]dsl.Binding, len(hits))
	for i, h := range hits {
		if len(h.Evidence) != cap(h.Evidence) {
			t.Errorf("hit %d (%s): evidence of length %d has room for %d", i, h.Rule, len(h.Evidence), cap(h.Evidence))
		}
		before[i] = append([]dsl.Binding(nil), h.Evidence...)
	}
	for i := range hits {
		hits[i].Evidence = append(hits[i].Evidence, dsl.Binding{Name: "host", Value: i})
	}
	for i := range hits {
		if len(before[i]) == 0 {
			continue
		}
		if d := cmp.Diff(before[i], hits[i].Evidence[:len(before[i])]); d != "" {
			t.Errorf("hit %d: evidence written over by another hit's append:\n%s", i, d)
		}
	}
	if long := hits[len(hits)-1]; !strings.HasPrefix(long.Title, strings.Repeat("x", 5000)) {
		t.Errorf("long title %.40q…, want 5000 x's first", long.Title)
	}
}

// TestHitStoreZeroAndNil: a store's zero value is ready, and no store
// (EvalOptions{}) allocates each hit's texts as before.
func TestHitStoreZeroAndNil(t *testing.T) {
	rules, err := dsl.CompileRules[Env]([]byte(storeRules))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	env := Env{Client: Client{Age: 30, PensionCoverage: 0.4, FixedTermEnd: now.AddDate(0, 0, 40)}}
	for _, o := range []dsl.EvalOptions{{}, {Store: new(dsl.HitStore)}, {Store: &dsl.HitStore{}}} {
		hits, err := rules.AppendEvalWith(context.Background(), nil, env, now, o)
		if err != nil || len(hits) == 0 || hits[0].Title == "" {
			t.Errorf("store %v: %d hits, %v", o.Store != nil, len(hits), err)
		}
	}
}
