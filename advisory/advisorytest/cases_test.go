package advisorytest_test

import (
	"strings"
	"testing"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/advisory/advisorytest"
)

// caseEnv is a small client file: json tags differ from the rules' names,
// as a host's do.
type caseEnv struct {
	Score  float64  `json:"score_value" expr:"score"`
	Tier   string   `json:"tier" expr:"tier"`
	Amount *float64 `json:"amount,omitempty" expr:"amount"`
}

const caseRules = `ruleset small version 1

rule high {
  type "score.high"
  when score > 0.8
  title "Score {score}"
  urgency 0.7
  sensitivity 0.2
}

rule tiered {
  type "tier.review"
  when score > 0.1
  urgency 0.5
  sensitivity 0.5
  branch tier == "A" {
    urgency 0.9
  }
  branch tier == "B" {
    urgency 0.6
  }
  else {
    urgency 0.1
  }
}

rule amount_big {
  type "amount.big"
  when amount != nil && amount > 1000
  urgency 0.4
  sensitivity 0.4
}

table bands hit first {
  type "score.band"
  in score
  row < 0.2         => title "low" urgency 0.1 sensitivity 0.1
  row [0.2..0.5)    => title "mid" urgency 0.2 sensitivity 0.2
  row >= 0.5        => title "top" urgency 0.3 sensitivity 0.3
}
`

func compileSmall(t *testing.T) *advisory.Framework[caseEnv] {
	t.Helper()
	fw, err := advisory.Compile[caseEnv]([]byte(caseRules))
	if err != nil {
		t.Fatal(err)
	}
	return fw
}

const goodCases = `{
  "now": "2026-11-24T09:00:00Z",
  "cases": [
    {"name": "high tier A", "input": {"score_value": 0.9, "tier": "A"},
     "expect": [
       {"rule": "high", "type": "score.high", "urgency": 0.7, "sensitivity": 0.2, "title": "0.9"},
       {"rule": "tiered", "path": "branch 1", "urgency": 0.9},
       {"rule": "bands", "path": "row 3", "title": "top"}
     ]},
    {"name": "low score, only the band", "input": {"score_value": 0.05},
     "expect": [{"rule": "bands", "path": "row 1"}]},
    {"name": "includes mode ignores the rest", "mode": "includes",
     "input": {"score_value": 0.3, "tier": "B", "amount": 5000},
     "expect": [{"rule": "amount_big", "urgency": 0.41, "tolerance": 0.02}],
     "absent": ["high"]},
    {"name": "nil amount", "input": {"score_value": 0.3, "tier": "B"},
     "expect": [{"rule": "tiered", "path": "branch 2"}, {"rule": "bands", "path": "row 2"}]}
  ]
}`

func TestEvaluateCasesPassAndCoverage(t *testing.T) {
	fw := compileSmall(t)
	rep, err := advisorytest.EvaluateCases(fw, []byte(goodCases))
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Passed != 4 || rep.Failed != 0 {
		t.Fatalf("report:\n%s", rep)
	}
	cov := rep.Coverage
	if cov.Files != 4 {
		t.Errorf("coverage counts %d cases, want 4", cov.Files)
	}
	fired := map[string]int{}
	for _, r := range cov.Rules {
		fired[r.Rule] = r.Fired
	}
	want := map[string]int{"high": 1, "tiered": 3, "amount_big": 1, "bands": 4}
	for r, n := range want {
		if fired[r] != n {
			t.Errorf("%s fired in %d cases, want %d", r, fired[r], n)
		}
	}
	if got, want := cov.Summary(), "coverage: rules 4/4, branches 2/3, rows 3/3"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	if got := cov.Unfired(); len(got) != 1 || got[0] != "tiered/else" {
		t.Errorf("unfired %q, want [tiered/else]", got)
	}
	if !strings.Contains(rep.String(), "4 of 4 cases passed") {
		t.Errorf("report text:\n%s", rep)
	}
}

func TestRunCasesPasses(t *testing.T) {
	advisorytest.RunCases(t, compileSmall(t), []byte(goodCases))
}

// A wrong expectation fails its case, and the diff names what is wrong
// and nothing else.
func TestEvaluateCasesWrongExpectation(t *testing.T) {
	fw := compileSmall(t)
	cases := `{
  "now": "2026-11-24T09:00:00Z",
  "cases": [
    {"name": "wrong urgency", "input": {"score_value": 0.9, "tier": "A"}, "mode": "includes",
     "expect": [{"rule": "tiered", "urgency": 0.3}]},
    {"name": "expected no hit", "input": {"score_value": 0.9, "tier": "A"}, "expect": []},
    {"name": "missing and unexpected", "input": {"score_value": 0.05},
     "expect": [{"rule": "high"}, {"rule": "bands", "path": "row 1", "title": "lowest"}]},
    {"name": "absent fires", "mode": "includes", "input": {"score_value": 0.9},
     "expect": [], "absent": ["high"]},
    {"name": "right", "input": {"score_value": 0.05}, "expect": [{"rule": "bands"}]}
  ]
}`
	rep, err := advisorytest.EvaluateCases(fw, []byte(cases))
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.Passed != 1 || rep.Failed != 4 {
		t.Fatalf("passed %d, failed %d:\n%s", rep.Passed, rep.Failed, rep)
	}
	diff := func(i int) string { return rep.Cases[i].Diff }
	// wrong urgency: only the urgency line differs.
	if got := changed(diff(0)); len(got) != 2 || !strings.Contains(got[0], "- Urgency: 0.3") || !strings.Contains(got[1], "+ Urgency: 0.9") {
		t.Errorf("wrong urgency diff changes %q:\n%s", got, diff(0))
	}
	// no hit expected: every hit is listed as unexpected.
	for _, r := range []string{`"high"`, `"tiered"`, `"bands"`} {
		if !strings.Contains(diff(1), r) {
			t.Errorf("no-hit diff lacks %s:\n%s", r, diff(1))
		}
	}
	// the expected rule that did not fire, and the title that does not
	// hold the substring.
	if d := diff(2); !strings.Contains(d, `"high"`) || !strings.Contains(d, `"…lowest…"`) || !strings.Contains(d, `"low"`) {
		t.Errorf("missing diff:\n%s", d)
	}
	if d := diff(3); !strings.Contains(d, `"high"`) || strings.Contains(d, `"bands"`) {
		t.Errorf("absent diff:\n%s", d)
	}
	if rep.Cases[4].Diff != "" || !rep.Cases[4].Pass {
		t.Errorf("right case: %+v", rep.Cases[4])
	}
	text := rep.String()
	for _, want := range []string{"FAIL wrong urgency", "hits (-want +got)", "1 of 5 cases passed", "coverage: rules"} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "FAIL right") {
		t.Errorf("report lists a passing case:\n%s", text)
	}
}

// Malformed cases files are errors naming the case and what is wrong.
func TestEvaluateCasesMalformed(t *testing.T) {
	fw := compileSmall(t)
	for _, tc := range []struct{ name, file, want string }{
		{"syntax", "{\n  \"now\": \"2026-11-24T09:00:00Z\",\n  \"cases\": [}\n", "line 3:"},
		{"no cases", `{"now": "2026-11-24T09:00:00Z"}`, `no "cases"`},
		{"unknown top field", `{"now": "2026-11-24T09:00:00Z", "cass": []}`, `unknown field "cass"`},
		{"no name", `{"now": "2026-11-24T09:00:00Z", "cases": [{"input": {}, "expect": []}]}`, `case 1: no "name"`},
		{"duplicate", `{"now": "2026-11-24T09:00:00Z", "cases": [{"name": "a", "input": {}, "expect": []}, {"name": "a", "input": {}, "expect": []}]}`,
			`case 2 "a": a second case`},
		{"no now", `{"cases": [{"name": "a", "input": {}, "expect": []}]}`, `case 1 "a": no "now"`},
		{"bad now", `{"now": "yesterday", "cases": [{"name": "a", "input": {}, "expect": []}]}`, `cases file: parsing time`},
		{"no expect", `{"now": "2026-11-24T09:00:00Z", "cases": [{"name": "a", "input": {}}]}`, `case 1 "a": no "expect"`},
		{"no input", `{"now": "2026-11-24T09:00:00Z", "cases": [{"name": "a", "expect": []}]}`, `case 1 "a": no "input"`},
		{"input field", `{"now": "2026-11-24T09:00:00Z", "cases": [{"name": "a", "input": {"score": 1}, "expect": []}]}`,
			`case 1 "a": input: json: unknown field "score" (field names are the json tags of advisorytest_test.caseEnv)`},
		{"input type", `{"now": "2026-11-24T09:00:00Z", "cases": [{"name": "a", "input": {"score_value": "x"}, "expect": []}]}`,
			`case 1 "a": input: line 1:84: json: cannot unmarshal string`}, // placed in the file
		{"unknown rule", `{"now": "2026-11-24T09:00:00Z", "cases": [{"name": "a", "input": {}, "expect": [{"rule": "hihg"}]}]}`,
			`case 1 "a": expect 1: the framework has no rule "hihg"`},
		{"no rule", `{"now": "2026-11-24T09:00:00Z", "cases": [{"name": "a", "input": {}, "expect": [{"path": "row 1"}]}]}`,
			`case 1 "a": expect 1: no "rule"`},
		{"unknown path", `{"now": "2026-11-24T09:00:00Z", "cases": [{"name": "a", "input": {}, "expect": [{"rule": "bands", "path": "row 9"}]}]}`,
			`case 1 "a": expect 1: rule "bands" has no path "row 9"`},
		{"mode", `{"now": "2026-11-24T09:00:00Z", "cases": [{"name": "a", "mode": "exact", "input": {}, "expect": []}]}`,
			`case 1 "a": mode "exact"`},
		{"unknown case field", `{"now": "2026-11-24T09:00:00Z", "cases": [{"name": "a", "input": {}, "expected": []}]}`,
			`case 1 "a": json: unknown field "expected"`},
		{"absent rule", `{"now": "2026-11-24T09:00:00Z", "cases": [{"name": "a", "input": {}, "expect": [], "absent": ["nope"]}]}`,
			`case 1 "a": absent: the framework has no rule "nope"`},
		{"tolerance", `{"now": "2026-11-24T09:00:00Z", "cases": [{"name": "a", "input": {}, "expect": [{"rule": "high", "tolerance": -1}]}]}`,
			`case 1 "a": expect 1: tolerance -1 is negative`},
	} {
		_, err := advisorytest.EvaluateCases(fw, []byte(tc.file))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one holding %q", tc.name, err, tc.want)
		}
	}
}

// An evaluation error fails the case unless the case expects it.
func TestEvaluateCasesErrors(t *testing.T) {
	fw, err := advisory.Compile[caseEnv]([]byte(`ruleset e version 1
rule boom {
  type "t"
  when score / 0 > 1 || tier[5:] == "x"
  urgency 0.1
  sensitivity 0.1
}
`))
	if err != nil {
		t.Skip("no failing rule to test with:", err)
	}
	rep, err := advisorytest.EvaluateCases(fw, []byte(`{"now": "2026-11-24T09:00:00Z", "cases": [
	  {"name": "fails", "input": {"score_value": 0, "tier": "A"}, "expect": []},
	  {"name": "expects it", "input": {"score_value": 0, "tier": "A"}, "expect": [], "error": "boom"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Cases[0].Pass {
		t.Skipf("the rule did not fail: %+v", rep.Cases[0])
	}
	if rep.Cases[0].Error == "" || !rep.Cases[1].Pass {
		t.Errorf("cases: %+v", rep.Cases)
	}
}

// changed lists a diff's removed and added lines, spaces squeezed.
func changed(diff string) []string {
	var out []string
	for _, l := range strings.Split(diff, "\n") {
		l = strings.Join(strings.Fields(l), " ")
		if strings.HasPrefix(l, "- ") || strings.HasPrefix(l, "+ ") {
			out = append(out, l)
		}
	}
	return out
}
