package advisory_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/dsl"
	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

var now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

func days(n int) time.Time { return now.AddDate(0, 0, n) }

func TestConsolidationPolicies(t *testing.T) {
	crm := advisory.Record{Source: "crm", AsOf: days(-10), Fields: map[string]any{"client.name": "Ada", "client.income": 50000, "client.family": ""}}
	custodian := advisory.Record{Source: "custodian", AsOf: days(-1), Fields: map[string]any{"client.name": "Ada J.", "client.income": 50000.0, "client.family": "couple"}}
	advice := advisory.Record{Source: "advice", AsOf: days(-30), Fields: map[string]any{"client.name": nil, "client.income": 61000}}
	records := []advisory.Record{crm, custodian, advice}
	cases := []struct {
		name     string
		policy   advisory.FieldPolicy
		field    string
		want     any
		from     string
		conflict bool
	}{
		{"source of truth", advisory.FieldPolicy{Sources: []string{"crm", "custodian"}}, "client.name", "Ada", "crm", true},
		{"fallback when the truth is empty", advisory.FieldPolicy{Sources: []string{"crm", "custodian"}}, "client.family", "couple", "custodian", false},
		{"most recent", advisory.FieldPolicy{Strategy: advisory.MostRecent}, "client.name", "Ada J.", "custodian", true},
		{"numbers compare by value", advisory.FieldPolicy{Sources: []string{"advice"}}, "client.income", 61000, "advice", true},
		{"first non-empty reports no conflict", advisory.FieldPolicy{Strategy: advisory.FirstNonEmpty, Sources: []string{"custodian"}}, "client.name", "Ada J.", "custodian", false},
		{"unnamed sources: most recent first", advisory.FieldPolicy{Sources: []string{"nobody"}}, "client.name", "Ada J.", "custodian", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := advisory.Consolidate("c1", records, advisory.Policy{Default: c.policy})
			if err != nil {
				t.Fatal(err)
			}
			if !cmp.Equal(c.want, got.Fields[c.field]) || got.Provenance[c.field].Source != c.from {
				t.Errorf("%s = %v from %s, want %v from %s", c.field, got.Fields[c.field], got.Provenance[c.field].Source, c.want, c.from)
			}
			hasConflict := slices.ContainsFunc(got.Conflicts, func(x advisory.Conflict) bool { return x.Field == c.field })
			if hasConflict != c.conflict {
				t.Errorf("conflict on %s = %v, want %v (%+v)", c.field, hasConflict, c.conflict, got.Conflicts)
			}
		})
	}
	for _, v := range []any{make(chan int), []func(){nil}, map[int]string{1: "x"}} {
		if _, err := advisory.Consolidate("c1", []advisory.Record{{Source: "x", Fields: map[string]any{"a": v}}}, advisory.Policy{}); err == nil {
			t.Errorf("a %T value must be rejected", v)
		}
	}
}

func TestPropertyConsolidationIgnoresOrder(t *testing.T) {
	var reused advisory.Consolidated // ConsolidateInto, across all the cases
	rapid.Check(t, func(t *rapid.T) {
		sources := []string{"crm", "custodian", "advice"}
		var records []advisory.Record
		for i := range rapid.IntRange(0, 6).Draw(t, "n") {
			rec := advisory.Record{Source: rapid.SampledFrom(sources).Draw(t, "source"), AsOf: days(-rapid.IntRange(0, 3).Draw(t, "age")), Fields: map[string]any{}}
			for _, f := range []string{"a", "b", "c"} {
				if rapid.Bool().Draw(t, f) {
					rec.Fields[f] = rapid.SampledFrom([]any{1, 2.0, "x", "", nil, true, days(i)}).Draw(t, f+"v")
				}
			}
			records = append(records, rec)
		}
		policy := advisory.Policy{Default: advisory.FieldPolicy{
			Strategy: rapid.SampledFrom([]advisory.Strategy{advisory.SourceOfTruth, advisory.MostRecent, advisory.FirstNonEmpty}).Draw(t, "strategy"),
			Sources:  rapid.Permutation(sources).Draw(t, "order")[:rapid.IntRange(0, 3).Draw(t, "named")]}}
		want, err := advisory.Consolidate("c", records, policy)
		if err != nil {
			t.Fatal(err)
		}
		shuffled := rapid.Permutation(records).Draw(t, "shuffled")
		got, err := advisory.Consolidate("c", shuffled, policy)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("order changed the result:\n%s", d)
		}
		if err := advisory.ConsolidateInto(&reused, "c", shuffled, policy); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, reused); d != "" {
			t.Fatalf("ConsolidateInto into a used record differs:\n%s", d)
		}
	})
}

func TestStaleness(t *testing.T) {
	c := advisory.Consolidated{ClientID: "c1",
		Fields:     map[string]any{"pension.coverage": 0.4, "client.name": "Ada"},
		Provenance: map[string]advisory.Provenance{"pension.coverage": {Source: "advice", AsOf: days(-400)}, "client.name": {Source: "crm", AsOf: days(-400)}}}
	p := advisory.Policy{Fields: map[string]advisory.FieldPolicy{
		"pension.coverage":   {MaxAge: 365 * 24 * time.Hour},
		"client.birthDate":   {Required: true},
		"mortgage.fixedTerm": {MaxAge: time.Hour},
	}}
	alerts := advisory.Staleness(c, p, now)
	var got []string
	for _, a := range alerts {
		got = append(got, a.Type+" "+a.Evidence[0].Value.(string))
	}
	want := []string{"data.missing client.birthDate", "data.stale pension.coverage"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if age := alerts[1].Evidence[3]; age.Name != "age_days" || age.Value != 400 {
		t.Errorf("age evidence %+v", age)
	}
}

type hostFile struct {
	Client struct {
		Name string  `json:"name"`
		Age  int     `expr:"age"`
		Cash float32 `json:"cash"`
	} `json:"client"`
	Loan *struct {
		End time.Time `json:"end"`
	} `json:"loan"`
}

func TestDecode(t *testing.T) {
	var h hostFile
	err := advisory.Decode(advisory.Consolidated{Fields: map[string]any{
		"client.name": "Ada", "client.age": 31.0, "client.cash": 12, "loan.end": "2027-01-31",
	}}, &h)
	if err != nil {
		t.Fatal(err)
	}
	if h.Client.Name != "Ada" || h.Client.Age != 31 || h.Client.Cash != 12 || h.Loan == nil || h.Loan.End.Month() != time.January {
		t.Errorf("decoded %+v %+v", h, h.Loan)
	}
	err = advisory.Decode(advisory.Consolidated{Fields: map[string]any{"client.nope": 1, "client.age": 1.5, "client.name": 3}}, &h)
	var de *advisory.DecodeError
	if !errors.As(err, &de) || len(err.(interface{ Unwrap() []error }).Unwrap()) != 3 {
		t.Errorf("want three decode errors, got %v", err)
	}
	var h2 hostFile
	if err := advisory.Decode(advisory.Consolidated{Fields: map[string]any{"client.name": "x"}}, &h2); err != nil || h2.Loan != nil {
		t.Errorf("a product no source knows must stay nil: %v %+v", err, h2.Loan)
	}
}

func framework(t testing.TB) *advisory.Framework[advisory.File] {
	t.Helper()
	src, err := os.ReadFile("testdata/framework.rules")
	if err != nil {
		t.Fatal(err)
	}
	fw, err := advisory.Compile[advisory.File](src)
	if err != nil {
		t.Fatal(err)
	}
	return fw
}

func seedFiles() []advisory.Item[advisory.File] {
	born := func(age int) time.Time { return time.Date(2026-age, 6, 1, 0, 0, 0, 0, time.UTC) }
	return []advisory.Item[advisory.File]{
		{ClientID: "term-2w", File: advisory.File{Client: advisory.Client{BirthDate: born(45)}, Mortgage: &advisory.Mortgage{FixedTermEnd: days(14)}}},
		{ClientID: "term-6m", File: advisory.File{Client: advisory.Client{BirthDate: born(45)}, Mortgage: &advisory.Mortgage{FixedTermEnd: days(180)}}},
		{ClientID: "home-under", File: advisory.File{Client: advisory.Client{BirthDate: born(50)}, Home: &advisory.Home{Cover: 300000, PropertyValue: 400000}}},
		{ClientID: "pension-30", File: advisory.File{Client: advisory.Client{BirthDate: born(30).AddDate(0, -7, 0)}, Pension: &advisory.Pension{Coverage: 0.4}}},
		{ClientID: "pension-29", File: advisory.File{Client: advisory.Client{BirthDate: born(29)}, Pension: &advisory.Pension{Coverage: 0.4}}},
		{ClientID: "discrepancies-1", File: advisory.File{Client: advisory.Client{BirthDate: born(40)}, Discrepancies: 1}},
		{ClientID: "discrepancies-8", File: advisory.File{Client: advisory.Client{BirthDate: born(40)}, Discrepancies: 8}},
	}
}

func TestSeedCasesAsAlerts(t *testing.T) {
	fw := framework(t)
	type want struct {
		typ           string
		urgent, sense float64
	}
	wants := map[string]want{
		"term-2w":    {"mortgage.term_end", 0.9, 0.3},
		"term-6m":    {"mortgage.term_end", 0.3, 0.3},
		"home-under": {"insurance.home_under_value", 0.4, 0.1},
		"pension-30": {"pension.gap", 0.1, 0.9},
		"pension-29": {"pension.start_early", 0.1, 0.7},
	}
	for _, it := range seedFiles() {
		alerts, err := fw.Evaluate(it.ClientID, it.File, now)
		if err != nil {
			t.Fatal(it.ClientID, err)
		}
		w, ok := wants[it.ClientID]
		if !ok {
			continue
		}
		if len(alerts) != 1 || alerts[0].Type != w.typ || alerts[0].Urgency != w.urgent || alerts[0].Sensitivity != w.sense {
			t.Errorf("%s: got %+v, want %+v", it.ClientID, alerts, w)
		}
	}
	one, _ := fw.Evaluate("d1", seedFiles()[5].File, now)
	eight, _ := fw.Evaluate("d8", seedFiles()[6].File, now)
	if !(eight[0].Sensitivity > one[0].Sensitivity) {
		t.Errorf("8 discrepancies %v not more sensitive than 1 %v", eight[0].Sensitivity, one[0].Sensitivity)
	}
}

func TestAlertsGolden(t *testing.T) {
	fw := framework(t)
	res := fw.EvaluateAll(context.Background(), slices.Values(seedFiles()), now, advisory.BatchOptions{})
	got, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	const golden = "testdata/alerts.golden.json"
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("alerts differ from %s (-want +got):\n%s", golden, d)
	}
}

func genFile(t *rapid.T) advisory.File {
	f := advisory.File{Client: advisory.Client{BirthDate: days(-365 * rapid.IntRange(18, 90).Draw(t, "age"))},
		Discrepancies: rapid.IntRange(0, 10).Draw(t, "disc")}
	if rapid.Bool().Draw(t, "mortgage") {
		f.Mortgage = &advisory.Mortgage{FixedTermEnd: rapid.SampledFrom([]time.Time{{}, days(3), days(100), days(-5)}).Draw(t, "end")}
	}
	if rapid.Bool().Draw(t, "pension") {
		f.Pension = &advisory.Pension{Coverage: rapid.SampledFrom([]float64{0.1, 0.59, 0.6, 0.9, math.NaN()}).Draw(t, "cov")}
	}
	if rapid.Bool().Draw(t, "home") {
		f.Home = &advisory.Home{Cover: rapid.Float64Range(0, 5e5).Draw(t, "cover"), PropertyValue: rapid.Float64Range(0, 5e5).Draw(t, "value")}
	}
	return f
}

// A batch equals the files evaluated one by one, accounts for every file,
// and every alert's evidence names only what its rule reads or computes.
func TestPropertyBatch(t *testing.T) {
	fw := framework(t)
	reads := map[string][]string{}
	for _, r := range fw.Rules() {
		reads[r.ID] = r.Reads
	}
	rapid.Check(t, func(t *rapid.T) {
		items := make([]advisory.Item[advisory.File], rapid.IntRange(0, 40).Draw(t, "n"))
		loadFails := map[int]bool{}
		for i := range items {
			items[i] = advisory.Item[advisory.File]{ClientID: "c" + string(rune('a'+i%26)), File: genFile(t)}
			// Some files are loaded on the workers; some loads fail or panic.
			switch file := items[i].File; rapid.IntRange(0, 5).Draw(t, "load") {
			case 0:
				items[i].Load = func() (advisory.File, []advisory.Alert, error) { return file, nil, nil }
				items[i].File = advisory.File{}
			case 1:
				items[i].Load = func() (advisory.File, []advisory.Alert, error) { return file, nil, errors.New("no such client") }
				loadFails[i] = true
			case 2:
				items[i].Load = func() (advisory.File, []advisory.Alert, error) { panic("host bug") }
				loadFails[i] = true
			case 3: // the load finds alerts of its own, which come first
				id := items[i].ClientID
				items[i].Load = func() (advisory.File, []advisory.Alert, error) {
					return file, []advisory.Alert{{ClientID: id, Type: advisory.TypeStale, RuleID: advisory.StalenessRule}}, nil
				}
			}
		}
		workers := rapid.IntRange(1, 4).Draw(t, "workers")
		res := fw.EvaluateAll(context.Background(), slices.Values(items), now, advisory.BatchOptions{Workers: workers})
		// EvaluateEach hands over, file by file in order, what EvaluateAll
		// joins: the same alerts, failures and counts.
		var each []advisory.Alert
		var eachFailed []string
		last := -1
		counts := fw.EvaluateEach(context.Background(), slices.Values(items), now, advisory.BatchOptions{Workers: workers}, func(fa advisory.FileAlerts) {
			if fa.Index <= last || fa.ClientID != items[fa.Index].ClientID {
				t.Fatalf("file %d (%s) handed over after file %d", fa.Index, fa.ClientID, last)
			}
			last = fa.Index
			each = append(each, fa.Alerts...)
			if fa.Err != nil {
				eachFailed = append(eachFailed, fmt.Sprint(fa.Index, fa.Err))
			}
		})
		var allFailed []string
		for _, fe := range res.Failed {
			allFailed = append(allFailed, fmt.Sprint(fe.Index, fe.Err))
		}
		if counts != res.Counts || !slices.Equal(eachFailed, allFailed) || len(each) != len(res.Alerts) {
			t.Fatalf("EvaluateEach: %+v, %d alerts, failed %v; EvaluateAll: %+v, %d alerts, failed %v", counts, len(each), eachFailed, res.Counts, len(res.Alerts), allFailed)
		}
		if d := cmp.Diff(res.Alerts, each, cmp.Comparer(func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) })); d != "" {
			t.Fatalf("EvaluateEach's alerts differ from EvaluateAll's:\n%s", d)
		}
		for _, fe := range res.Failed {
			var le *advisory.LoadError
			if errors.As(fe.Err, &le) != loadFails[fe.Index] || loadFails[fe.Index] && le.ClientID != items[fe.Index].ClientID {
				t.Fatalf("file %d failed with %v; a load failure: %v", fe.Index, fe.Err, loadFails[fe.Index])
			}
		}
		var want []advisory.Alert
		failed := 0
		for i, it := range items {
			if loadFails[i] {
				failed++
				continue
			}
			if it.Load != nil {
				var found []advisory.Alert
				it.File, found, _ = it.Load()
				want = append(want, found...)
			}
			alerts, err := fw.Evaluate(it.ClientID, it.File, now)
			want = append(want, alerts...)
			if err != nil {
				failed++
			}
		}
		if d := cmp.Diff(want, res.Alerts, cmp.Comparer(func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) })); d != "" {
			t.Fatalf("batch differs from sequential:\n%s", d)
		}
		c := res.Counts
		if c.In != len(items) || c.OK+c.Failed+c.Cancelled != c.In || c.Failed != failed || len(res.Failed) != failed {
			t.Fatalf("accounting %+v, %d failed files listed, want %d", c, len(res.Failed), failed)
		}
		for _, a := range res.Alerts {
			for _, e := range a.Evidence {
				if !slices.Contains(reads[a.RuleID], e.Name) && !isLet(e.Name) {
					t.Fatalf("alert %s names %s, which rule %s does not read", a.Type, e.Name, a.RuleID)
				}
			}
		}
	})
}

func isLet(name string) bool { return name == "days" || name == "cover" || name == "years" }

func TestDiffVersions(t *testing.T) {
	v3 := framework(t)
	src, _ := os.ReadFile("testdata/framework.rules")
	v4src := strings.Replace(strings.Replace(string(src), "version 3", "version 4", 1), "days <= UrgentDays ? 0.9 : 0.3", "days <= 30 ? 0.9 : 0.3", 1)
	v4src = strings.Replace(v4src, "rule home_underinsured", "rule home_underinsured_v4", 1)
	v4, err := advisory.Compile[advisory.File]([]byte(v4src))
	if err != nil {
		t.Fatal(err)
	}
	files := seedFiles()
	files = append(files, advisory.Item[advisory.File]{ClientID: "term-3w", File: advisory.File{Mortgage: &advisory.Mortgage{FixedTermEnd: days(21)}}})
	d, err := advisory.DiffVersions(context.Background(), v3, v4, slices.Values(files), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Appeared) != 1 || len(d.Disappeared) != 1 || len(d.Changed) != 1 || d.Changed[0].New.ClientID != "term-3w" ||
		!cmp.Equal(d.Changed[0].Fields, []string{"urgency"}) {
		t.Errorf("diff %+v", d)
	}
}

func TestFrameworkErrorsNameTheRule(t *testing.T) {
	_, err := advisory.Compile[advisory.File]([]byte("ruleset x version 1\nrule r {\n  type \"t\"\n  when mortgage.rat > 1\n}\n"))
	var de *dsl.Error
	if !errors.As(err, &de) || de.RuleID != "r" || de.Line != 4 || de.Suggestion != "mortgage.rate" {
		t.Errorf("got %v", err)
	}
}

// A Decoder decodes exactly as Decode does, errors included, and is safe to
// share between goroutines.
func TestDecoderMatchesDecode(t *testing.T) {
	d, err := advisory.NewDecoder[hostFile]()
	if err != nil {
		t.Fatal(err)
	}
	records := []map[string]any{
		{"client.name": "Ada", "client.age": 31.0, "client.cash": 12, "loan.end": "2027-01-31"},
		{"client.nope": 1, "client.age": 1.5, "client.name": 3},
		{"Client.Name": "by Go name", "loan.end.year": 2027, "loan": 1},
		{},
	}
	var wg sync.WaitGroup
	for _, fields := range records {
		c := advisory.Consolidated{Fields: fields}
		var want hostFile
		wantErr := advisory.Decode(c, &want)
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var got hostFile
				gotErr := d.Decode(c, &got)
				if diff := cmp.Diff(want, got); diff != "" || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
					t.Errorf("%v: Decoder gave %v, Decode %v\n%s", fields, gotErr, wantErr, diff)
				}
			}()
		}
	}
	wg.Wait()
	if _, err := advisory.NewDecoder[int](); err == nil {
		t.Error("NewDecoder[int]: want an error")
	}
	if err := d.Decode(advisory.Consolidated{}, nil); err == nil {
		t.Error("Decode into nil: want an error")
	}
}
