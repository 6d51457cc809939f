package dsl_test

import (
	"errors"
	"math"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// fileEnv is a client file as rules see it in these tests.
type fileEnv struct {
	Client   fileClient    `expr:"client"`
	Mortgage *fileMortgage `expr:"mortgage"`
	Pension  *filePension  `expr:"pension"`
	Home     *fileHome     `expr:"home"`
}

type fileClient struct {
	Age           int `expr:"age"`
	Discrepancies int `expr:"discrepancies"`
}

type fileMortgage struct {
	FixedTermEnd time.Time `expr:"fixedTermEnd"`
}

type filePension struct {
	Coverage float64 `expr:"coverage"`
}

type fileHome struct {
	Cover         float64 `expr:"cover"`
	PropertyValue float64 `expr:"propertyValue"`
}

var testNow = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

const seedRules = `ruleset retail version 3

const UrgentDays = 14

rule fixed_term_ending {
  type "mortgage.term_end"
  tags "mortgage"
  let days = daysUntil(mortgage.fixedTermEnd)
  when mortgage != nil && days >= 0 && days <= 180
  title "Fixed-rate term ends in {days} days"
  urgency days <= UrgentDays ? 0.9 : 0.3
  sensitivity 0.3
}

rule home_underinsured {
  type "insurance.home_under_value"
  let cover = ratio(home.cover, home.propertyValue)
  when home != nil && cover < 1
  title "Home cover is {pct(cover)} of the property's value"
  urgency 0.4
  sensitivity 0.1
}

rule pension_gap {
  type "pension.gap"
  when pension != nil && pension.coverage < 0.6
  urgency 0.1
  sensitivity 0.9
  branch client.age < 30 {
    type "pension.start_early"
    sensitivity 0.7
  }
}

rule discrepancies {
  type "data.discrepancies"
  when client.discrepancies > 0
  urgency 0.2
  sensitivity clamp(0.3 + client.discrepancies * 0.08, 0, 1)
}
`

func compileSeeds(t testing.TB) *dsl.RuleSet[fileEnv] {
	t.Helper()
	rs, err := dsl.CompileRules[fileEnv]([]byte(seedRules))
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func hitOf(hits []dsl.Hit, rule string) *dsl.Hit {
	for i := range hits {
		if hits[i].Rule == rule {
			return &hits[i]
		}
	}
	return nil
}

func TestSeedCases(t *testing.T) {
	rs := compileSeeds(t)
	cases := []struct {
		name                 string
		env                  fileEnv
		rule, typ            string
		urgency, sensitivity float64
		title                string
	}{
		{"term ends in two weeks: urgent, a little advice-sensitive",
			fileEnv{Mortgage: &fileMortgage{FixedTermEnd: testNow.AddDate(0, 0, 14)}},
			"fixed_term_ending", "mortgage.term_end", 0.9, 0.3, "Fixed-rate term ends in 14 days"},
		{"term ends in six months: not urgent",
			fileEnv{Mortgage: &fileMortgage{FixedTermEnd: testNow.AddDate(0, 0, 180)}},
			"fixed_term_ending", "mortgage.term_end", 0.3, 0.3, "Fixed-rate term ends in 180 days"},
		{"home cover below value: a little urgent, not advice-sensitive",
			fileEnv{Home: &fileHome{Cover: 300000, PropertyValue: 400000}},
			"home_underinsured", "insurance.home_under_value", 0.4, 0.1, "Home cover is 75% of the property's value"},
		{"pension gap at 30: not urgent, very advice-sensitive",
			fileEnv{Client: fileClient{Age: 30}, Pension: &filePension{Coverage: 0.4}},
			"pension_gap", "pension.gap", 0.1, 0.9, ""},
		{"pension gap under 30: different advice",
			fileEnv{Client: fileClient{Age: 29}, Pension: &filePension{Coverage: 0.4}},
			"pension_gap", "pension.start_early", 0.1, 0.7, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hits, err := rs.Eval(c.env, testNow)
			if err != nil {
				t.Fatal(err)
			}
			h := hitOf(hits, c.rule)
			if h == nil {
				t.Fatalf("%s did not fire; hits %+v", c.rule, hits)
			}
			want := [4]any{c.typ, c.urgency, c.sensitivity, c.title}
			got := [4]any{h.Type, h.Urgency, h.Sensitivity, h.Title}
			if want != got {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestEightDiscrepanciesMoreSensitiveThanOne(t *testing.T) {
	rs := compileSeeds(t)
	sens := func(n int) float64 {
		hits, err := rs.Eval(fileEnv{Client: fileClient{Age: 40, Discrepancies: n}}, testNow)
		if err != nil {
			t.Fatal(err)
		}
		return hitOf(hits, "discrepancies").Sensitivity
	}
	if one, eight := sens(1), sens(8); !(eight > one) {
		t.Errorf("sensitivity with 8 discrepancies %v, with 1 %v", eight, one)
	}
}

func TestEvidenceAndPath(t *testing.T) {
	rs := compileSeeds(t)
	hits, err := rs.Eval(fileEnv{Client: fileClient{Age: 25}, Pension: &filePension{Coverage: 0.2},
		Mortgage: &fileMortgage{FixedTermEnd: testNow.AddDate(0, 0, 3)}}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	want := []dsl.Hit{
		{Rule: "fixed_term_ending", Type: "mortgage.term_end", Title: "Fixed-rate term ends in 3 days", Urgency: 0.9, Sensitivity: 0.3,
			Evidence: []dsl.Binding{{Name: "days", Value: 3}}, Tags: []string{"mortgage"}},
		{Rule: "pension_gap", Type: "pension.start_early", Path: "branch 1", Urgency: 0.1, Sensitivity: 0.7},
	}
	if d := cmp.Diff(want, hits); d != "" {
		t.Errorf("hits (-want +got):\n%s", d)
	}
}

func TestReadEvidence(t *testing.T) {
	rs, err := dsl.CompileRules[fileEnv]([]byte(seedRules), dsl.WithReadEvidence())
	if err != nil {
		t.Fatal(err)
	}
	hits, err := rs.Eval(fileEnv{Client: fileClient{Age: 45}, Pension: &filePension{Coverage: 0.5}}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	h := hitOf(hits, "pension_gap")
	// The when's read and the branches' (client.age chose the branch).
	want := []dsl.Binding{{Name: "client.age", Value: 45}, {Name: "pension.coverage", Value: 0.5}}
	if d := cmp.Diff(want, h.Evidence); d != "" {
		t.Errorf("evidence (-want +got):\n%s", d)
	}
}

const tableRules = `ruleset t version 1
const Young = 30
table review hit %s {
  type "pension.review"
  in client.age, pension.coverage
  row < Young,  < 0.5       => type "pension.start_early" urgency 0.1 sensitivity 0.6 priority 1
  row >= Young, [0.5..0.6)  => urgency 0.2 sensitivity 0.9 priority 3
  row -,        < 0.6       => urgency 0.3 sensitivity 0.5 priority 2
}
`

func TestTableHitPolicies(t *testing.T) {
	env := fileEnv{Client: fileClient{Age: 40}, Pension: &filePension{Coverage: 0.55}}
	paths := func(policy string) ([]string, error) {
		src := strings.Replace(tableRules, "%s", policy, 1)
		if policy != "priority" {
			src = regexp.MustCompile(` priority \d`).ReplaceAllString(src, "")
		}
		rs, err := dsl.CompileRules[fileEnv]([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		hits, err := rs.Eval(env, testNow)
		var out []string
		for _, h := range hits {
			out = append(out, h.Path)
		}
		return out, err
	}
	for policy, want := range map[string][]string{
		"first":    {"row 2"},
		"priority": {"row 2"},
		"collect":  {"row 2", "row 3"},
	} {
		got, err := paths(policy)
		if err != nil || !cmp.Equal(want, got) {
			t.Errorf("%s: got %v (%v), want %v", policy, got, err, want)
		}
	}
	if _, err := paths("unique"); !errors.Is(err, dsl.ErrEval) || !strings.Contains(err.Error(), "row 2 and row 3") {
		t.Errorf("unique: want an overlap error naming both rows, got %v", err)
	}
}

func TestCompileErrorsAllAtOnce(t *testing.T) {
	src := `ruleset bad version 1
rule a {
  type "t"
  when client.agee > 3
}
rule b {
  when pension.coverage < "x"
}
rule c {
  type "t"
  urgency "high"
}
`
	_, err := dsl.CompileRules[fileEnv]([]byte(src))
	var got []string
	for _, e := range err.(interface{ Unwrap() []error }).Unwrap() {
		for _, leaf := range flatten(e) {
			var de *dsl.Error
			if !errors.As(leaf, &de) {
				t.Fatalf("not a *dsl.Error: %v", leaf)
			}
			got = append(got, de.RuleID+" "+de.Kind.String())
		}
	}
	want := []string{"a unknown_name", "b type", "b type", "c type"}
	if d := cmp.Diff(want, got, cmpopts.SortSlices(func(a, b string) bool { return a < b })); d != "" {
		t.Errorf("errors (-want +got):\n%s\n%v", d, err)
	}
	if !strings.Contains(err.Error(), "4:15: client has no field agee (did you mean client.age?)") {
		t.Errorf("want the position and suggestion of the unknown field, got:\n%v", err)
	}
}

func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

func TestFailingRuleDoesNotStopOthers(t *testing.T) {
	rs, err := dsl.CompileRules[fileEnv]([]byte(`ruleset x version 1
rule broken {
  type "t"
  when pension.coverage < 0.5
}
rule fine {
  type "t"
  when client.age > 1
}
`))
	if err != nil {
		t.Fatal(err)
	}
	hits, err := rs.Eval(fileEnv{Client: fileClient{Age: 5}}, testNow)
	var de *dsl.Error
	if !errors.As(err, &de) || de.RuleID != "broken" || !errors.Is(err, dsl.ErrEval) {
		t.Fatalf("want an evaluation error of rule broken, got %v", err)
	}
	if len(hits) != 1 || hits[0].Rule != "fine" {
		t.Errorf("hits %+v, want rule fine alone", hits)
	}
}

func TestNaNNeverFiresSilently(t *testing.T) {
	rs, err := dsl.CompileRules[fileEnv]([]byte(`ruleset x version 1
rule low {
  type "t"
  when pension != nil && !(pension.coverage >= 0.6)
}
`))
	if err != nil {
		t.Fatal(err)
	}
	hits, err := rs.Eval(fileEnv{Pension: &filePension{Coverage: math.NaN()}}, testNow)
	if len(hits) != 0 || !errors.Is(err, dsl.ErrNaN) {
		t.Errorf("got hits %v, err %v; want no hit and a NaN error", hits, err)
	}
}

func TestOutputRange(t *testing.T) {
	// A literal out of range is a compile error naming the statement; a
	// computed one fails the evaluation that computes it.
	src := []byte("ruleset x version 1\nrule r {\n  type \"t\"\n  urgency 1.5\n}\n")
	_, err := dsl.CompileRules[fileEnv](src)
	var de *dsl.Error
	if !errors.As(err, &de) || de.RuleID != "r" || de.Statement != "urgency" || de.Line != 4 || de.Column != 11 {
		t.Errorf("urgency 1.5: want a compile error at rule r, urgency, 4:11; got %v", err)
	}
	computed := []byte("ruleset x version 1\nrule r {\n  type \"t\"\n  urgency 1 + client.age\n}\n")
	rs, err := dsl.CompileRules[fileEnv](computed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rs.Eval(fileEnv{Client: fileClient{Age: 1}}, testNow); !errors.Is(err, dsl.ErrEval) {
		t.Errorf("urgency 2 should be an error by default, got %v", err)
	}
	for _, s := range [][]byte{src, computed} {
		rs, err = dsl.CompileRules[fileEnv](s, dsl.WithClampedOutputs())
		if err != nil {
			t.Fatal(err)
		}
		hits, err := rs.Eval(fileEnv{Client: fileClient{Age: 1}}, testNow)
		if err != nil || hits[0].Urgency != 1 {
			t.Errorf("clamped: got %+v, %v", hits, err)
		}
	}
}

func TestExplainRule(t *testing.T) {
	rs := compileSeeds(t)
	x, err := rs.Explain("fixed_term_ending", fileEnv{}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	got := x.String()
	for _, want := range []string{"did not fire", "mortgage (nil) != nil → false", "days >= 0 → not evaluated"} {
		if !strings.Contains(got, want) {
			t.Errorf("explanation lacks %q:\n%s", want, got)
		}
	}
	if _, err := rs.Explain("nope", fileEnv{}, testNow); !errors.Is(err, dsl.ErrUnknownName) {
		t.Errorf("unknown rule: %v", err)
	}
}

func TestRuleSetConcurrent(t *testing.T) {
	rs := compileSeeds(t)
	envs := make([]fileEnv, 64)
	for i := range envs {
		envs[i] = fileEnv{Client: fileClient{Age: 20 + i, Discrepancies: i % 9},
			Pension:  &filePension{Coverage: float64(i%10) / 10},
			Mortgage: &fileMortgage{FixedTermEnd: testNow.AddDate(0, 0, i*5)}}
	}
	want := make([][]dsl.Hit, len(envs))
	for i, env := range envs {
		want[i], _ = rs.Eval(env, testNow)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 200 {
				i := (g*31 + k) % len(envs)
				got, _ := rs.Eval(envs[i], testNow)
				if !cmp.Equal(want[i], got) {
					t.Errorf("env %d: concurrent result differs", i)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestRulesInfo(t *testing.T) {
	rs := compileSeeds(t)
	infos := rs.Rules()
	if len(infos) != 4 || infos[2].ID != "pension_gap" || !cmp.Equal(infos[2].Paths, []string{"branch 1"}) {
		t.Fatalf("rules info wrong: %+v", infos)
	}
	if !cmp.Equal(infos[0].Reads, []string{"mortgage", "mortgage.fixedTermEnd"}) {
		t.Errorf("reads of fixed_term_ending = %v", infos[0].Reads)
	}
}

// FuzzCompileRules compiles arbitrary rule files and evaluates what
// compiles: an error or hits, never a panic.
func FuzzCompileRules(f *testing.F) {
	f.Add([]byte(seedRules))
	f.Add([]byte(strings.Replace(tableRules, "%s", "unique", 1)))
	f.Add([]byte("ruleset x version 1\nrule r {\n  type \"t\"\n  when 1..100000000 | len() > 0\n}\n"))
	f.Add([]byte("ruleset x version 1\nrule r {\n  type \"t\"\n  let a = b\n  let b = a\n  when a\n}\n"))
	// The formatting, date and number built-ins, lists and chains.
	f.Add([]byte("ruleset x version 1\nconst C = \"GBP\"\nrule r {\n  type \"t\"\n  let d = today\n" +
		"  when d >= date(\"2026-01-01\") && max(1, client.age) > int(0.5) && (pension?.coverage ?? 1) != 0.5\n" +
		"  title \"{money(client.age * 1000, C)} {num(1234.5, 1)} {date(d)} {words(duration(\\\"90m\\\"))}\"\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		rs, err := dsl.CompileRules[fileEnv](src)
		if err != nil {
			return
		}
		for _, env := range []fileEnv{{}, {Client: fileClient{Age: 31, Discrepancies: 2}, Pension: &filePension{Coverage: math.NaN()},
			Mortgage: &fileMortgage{}, Home: &fileHome{}}} {
			_, _ = rs.Eval(env, testNow)
			for _, info := range rs.Rules() {
				_, _ = rs.Explain(info.ID, env, testNow)
			}
		}
	})
}
