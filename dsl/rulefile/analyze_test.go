package rulefile

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// wantCodes analyzes a file of body and checks its findings' codes.
func wantCodes(t *testing.T, body string, want []string) {
	t.Helper()
	f, err := Parse([]byte("ruleset x version 1\n" + body + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	fs := Analyze(f)
	if d := cmp.Diff(want, codes(fs)); d != "" {
		t.Errorf("findings (-want +got):\n%s\n%v", d, fs)
	}
}

func codes(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code+"@"+f.Rule)
	}
	return out
}

func TestAnalyze(t *testing.T) {
	cases := []struct {
		name string
		body string
		want []string
	}{
		{"clean", `
rule r {
  type "t"
  let d = x.a
  when d > 1
}`, nil},
		{"unused let and const", `
const Unused = 3
rule r {
  type "t"
  let d = x.a
  when x.b > 1
}`, []string{"unused-const@", "unused-let@r"}},
		{"duplicate id", `
rule r {
  type "t"
}
rule r {
  type "t"
}`, []string{"duplicate-id@r"}},
		{"equivalent conditions", `
rule a {
  type "t"
  when x.age >= 30 && x.cov < 0.6
}
rule b {
  type "t"
  when x.cov < 0.6 && 30 <= x.age
}
rule c {
  type "t"
  when x.cov < 0.5 && 30 <= x.age
}`, []string{"equivalent-when@b"}},
		{"a branch below a failing optional chain", `
rule r {
  type "t"
  branch x.p?.v == 1 {
  }
  branch x.p == nil {
  }
  else {
  }
}`, []string{"unreachable-branch@r"}},
		{"covered branch", `
rule r {
  type "t"
  branch x.age < 50 {
  }
  branch x.age < 30 {
  }
  else {
  }
}`, []string{"unreachable-branch@r"}},
		{"else after exhaustive branches", `
rule r {
  type "t"
  branch x.age < 30 {
  }
  branch x.age >= 30 {
  }
  else {
  }
}`, []string{"unreachable-branch@r"}},
		{"unreadable condition is left alone", `
rule r {
  type "t"
  branch f(x) {
  }
  branch x.age < 30 {
  }
}`, nil},
		{"table: shadowed row and gap", `
table t hit first {
  type "t"
  in x.age, x.tier
  row < 30,  "gold" => urgency 0.1
  row < 20,  "gold" => urgency 0.2
  row >= 30, -      => urgency 0.3
}`, []string{"table-gap@t", "unreachable-row@t"}},
		{"table: unique overlap", `
table t hit unique {
  type "t"
  in x.age
  row [0..30]  => urgency 0.1
  row [30..60) => urgency 0.2
  row -        => urgency 0.3
}`, []string{"unique-overlap@t", "unique-overlap@t", "unique-overlap@t"}},
		{"table: constants resolved", `
const Limit = 30
table t hit first {
  type "t"
  in x.age
  row < Limit  => urgency 0.1
  row >= Limit => urgency 0.2
}`, []string{"table-gap@t"}}, // a nil age matches no row (DMN)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantCodes(t, c.body, c.want) })
	}
}

// The defects of tracker #14, item 3: each case failed before the
// analysis decided on exact witnesses in context.
func TestAnalyzeDefects(t *testing.T) {
	cases := []struct {
		name string
		body string
		want []string
	}{
		// False positives.
		{"nil row fires for nil", `
table t hit first {
  type "t"
  in x.a
  row < 30  => urgency 0.1
  row >= 30 => urgency 0.2
  row nil   => urgency 0.3
}`, nil},
		{"string ranges", `
table t hit first {
  type "t"
  in x.s
  row < "m"  => urgency 0.1
  row > "m"  => urgency 0.2
  row "m" | nil => urgency 0.3
}`, nil},
		{"string between literals", `
table t hit unique {
  type "t"
  in x.s
  row < "a" | nil => urgency 0.1
  row "a"         => urgency 0.2
  row ("a".."b")  => urgency 0.3
  row >= "b"      => urgency 0.4
}`, nil},
		{"when restricts the table's domain", `
table t hit first {
  type "t"
  when x.a >= 10
  in x.a
  row >= 10 => urgency 0.1
}`, nil},
		{"booleans with nil", `
table t hit unique {
  type "t"
  in x.b
  row true  => urgency 0.1
  row false => urgency 0.2
  row nil   => urgency 0.3
}`, nil},
		{"not of a list does not take nil", `
table t hit unique {
  type "t"
  in x.a
  row not(< 10 | > 20) => urgency 0.1
  row < 10 | > 20      => urgency 0.2
}`, []string{"table-gap@t"}},
		// False negatives.
		{"nested branch contradicts its parent", `
rule r {
  type "t"
  branch x.a < 10 {
    branch x.a > 20 {
    }
  }
}`, []string{"unreachable-branch@r"}},
		{"branch contradicts the when", `
rule r {
  type "t"
  when x.a < 10
  branch x.a > 20 {
  }
  branch x.a < 5 {
  }
}`, []string{"unreachable-branch@r"}},
		{"nested branch under a negated sibling", `
rule r {
  type "t"
  branch x.a < 10 {
  }
  branch x.s == "k" {
    branch x.a < 5 {
    }
  }
}`, []string{"unreachable-branch@r"}},
		{"priority row always outranked", `
table t hit priority {
  type "t"
  in x.a
  row -    => priority 2
  row < 30 => priority 1
}`, []string{"outranked-row@t"}},
		{"priority by order", `
table t hit priority {
  type "t"
  order risk "high", "low"
  in x.a
  row -    => output risk "high"
  row < 30 => output risk "low"
}`, []string{"outranked-row@t"}},
		{"unique overlap between later rows", `
table t hit unique {
  type "t"
  in x.a
  row < 50 | nil => urgency 0.1
  row < 40 => urgency 0.2
  row < 30 => urgency 0.3
}`, []string{"table-gap@t", "unique-overlap@t", "unique-overlap@t", "unique-overlap@t"}},
		{"gap below a limit beyond 2^53", `
table t hit first {
  type "t"
  in x.a
  row >= 18014398509481984 => urgency 0.1
  row nil => urgency 0.2
}`, []string{"table-gap@t"}},
		{"gap above a limit beyond 2^53", `
table t hit first {
  type "t"
  in x.a
  row <= 9007199254740993 | nil => urgency 0.1
}`, []string{"table-gap@t"}},
		{"unreadable branch hides a covered one", `
rule r {
  type "t"
  branch x.a < 30 {
  }
  branch f(x) {
  }
  branch x.a < 20 {
  }
}`, []string{"unreachable-branch@r"}},
		{"unreadable branch repeated", `
rule r {
  type "t"
  branch f(x) {
  }
  branch f(x) && x.a > 1 {
  }
}`, []string{"unreachable-branch@r"}},
		{"!= in a table leaves nil uncovered", `
table t hit first {
  type "t"
  in x.a
  row != 5 => urgency 0.1
  row 5    => urgency 0.2
}`, []string{"table-gap@t"}},
		{"!= nil under == nil", `
rule r {
  type "t"
  branch x.a != nil {
    branch x.a == nil {
    }
  }
}`, []string{"unreachable-branch@r"}},
		{"boolean column gap at nil", `
table t hit first {
  type "t"
  in x.b
  row true  => urgency 0.1
  row false => urgency 0.2
}`, []string{"table-gap@t"}},
		{"column mixing numbers and nil", `
table t hit first {
  type "t"
  in x.a
  row < 10  => urgency 0.1
  row nil   => urgency 0.2
  row >= 10 => urgency 0.3
}`, nil},
		{"constant naming a constant", `
const A = 30
const B = A
table t hit first {
  type "t"
  in x.a
  row < B | nil => urgency 0.1
  row < 20      => urgency 0.2
  row -         => urgency 0.3
}`, []string{"unreachable-row@t"}},
		{"constant in a branch", `
const Limit = 30
rule r {
  type "t"
  when x.a < Limit
  branch x.a >= Limit {
  }
}`, []string{"unreachable-branch@r"}},
		{"nested conditions fail wherever the branch is reached", `
rule r {
  type "t"
  branch x.a == nil {
    branch x.a < 1 {
    }
  }
}`, []string{"unreachable-branch@r"}},
		{"an int beyond 2^53 in a condition is not rounded", `
rule r {
  type "t"
  branch x.n <= 9007199254740992 {
  }
  branch x.n == 9007199254740993 {
  }
}`, nil},
		{"a bool field compared with true, false and nil", `
rule r {
  type "t"
  branch x.b == true {
  }
  branch x.b == false {
  }
  branch x.b == nil {
  }
  else {
  }
}`, []string{"unknown@r"}},
		{"a cell naming a constant that is not a literal", `
const Limit = 10 * 3
table t hit first {
  type "t"
  in x.a
  row < Limit => urgency 0.1
}`, []string{"unknown@t"}},
		{"any rows whose outputs are not literals", `
table t hit any {
  type "t"
  in x.a
  row -        => urgency x.u
  row < 10     => urgency 0.2
}`, []string{"unknown@t"}},
		{"any rows that decide differently", `
table t hit any {
  type "t"
  in x.a
  row < 10 | nil => urgency 0.1
  row < 20       => urgency 0.2
  row -          => urgency 0.2
}`, []string{"any-conflict@t", "any-conflict@t"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantCodes(t, c.body, c.want) })
	}
}

// Witnesses are exact values of the right interval, beyond 2^53 too.
func TestAnalyzeWitnesses(t *testing.T) {
	cases := []struct {
		name, body, code string
		want             map[string]any
	}{
		{"below 2^54", `
table t hit first {
  type "t"
  in x.a
  row >= 18014398509481984 => urgency 0.1
  row nil => urgency 0.2
}`, "table-gap", map[string]any{"x.a": 18014398509481982.0}},
		{"nil only", `
table t hit first {
  type "t"
  in x.a
  row != 5 => urgency 0.1
  row 5    => urgency 0.2
}`, "table-gap", map[string]any{"x.a": nil}},
		{"string between", `
table t hit first {
  type "t"
  in x.s
  row <= "a" | nil => urgency 0.1
  row >= "b" => urgency 0.2
}`, "table-gap", map[string]any{"x.s": "a\x00"}},
		{"overlap of later rows", `
table t hit unique {
  type "t"
  in x.a
  row < 10 => urgency 0.1
  row [20..30] => urgency 0.2
  row [25..40] => urgency 0.3
  row - => urgency 0.3
}`, "unique-overlap", map[string]any{"x.a": 25.0}},
		{"when supplies the domain", `
table t hit first {
  type "t"
  when x != nil && x.b == true
  in x.a
  row < 10 => urgency 0.1
}`, "table-gap", map[string]any{"x.a": 10.0, "x": AnyValue{}, "x.b": true}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse([]byte("ruleset x version 1\n" + c.body + "\n"))
			if err != nil {
				t.Fatal(err)
			}
			for _, fd := range Analyze(f) {
				if fd.Code == c.code {
					if d := cmp.Diff(c.want, fd.Witness); d != "" {
						t.Errorf("witness (-want +got):\n%s", d)
					}
					return
				}
			}
			t.Errorf("no %s in %v", c.code, Analyze(f))
		})
	}
}

func TestAnalyzeGapWitness(t *testing.T) {
	f, err := Parse([]byte("ruleset x version 1\ntable t hit first {\n  type \"t\"\n  in x.age\n  row < 30 => urgency 0.1\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	fs := Analyze(f)
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "x.age = 30") {
		t.Fatalf("want a gap with witness x.age = 30, got %v", fs)
	}
}

func TestAnalyzeFixtures(t *testing.T) {
	for name, src := range fixtures(t) {
		f, err := Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, fd := range Analyze(f) {
			if fd.Severity == Problem {
				t.Errorf("%s: unexpected problem %+v", name, fd)
			}
		}
	}
}

// TestAnalyzeBoundedWork: files built to be expensive — a table of
// hundreds of overlapping rows, a tree of thousands of branches over the
// same fields — are answered "unknown" where the analysis's bounded work
// runs out, rather than analyzed for minutes; the budget is what bounds
// the time, so the test only checks the answers.
func TestAnalyzeBoundedWork(t *testing.T) {
	var table strings.Builder
	table.WriteString("ruleset x version 1\ntable t hit unique {\n  in a, b\n")
	for i := range 400 {
		fmt.Fprintf(&table, "  row [%d..%d], [%d..%d] => type \"t\"\n", i, i+2, 400-i, 402-i)
	}
	table.WriteString("}\n")
	var tree strings.Builder
	tree.WriteString("ruleset x version 1\nrule r {\n  type \"t\"\n")
	for i := range 6000 {
		fmt.Fprintf(&tree, "  branch a > %d && b < %d || c == %d {\n  }\n", i, 6000-i, i)
	}
	tree.WriteString("}\n")
	for name, src := range map[string]string{"table": table.String(), "tree": tree.String()} {
		f, err := Parse([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		unknown := 0
		for _, fd := range Analyze(f) {
			switch fd.Code {
			case CodeUnknown:
				unknown++
			case "unreachable-branch", "unreachable-row":
				t.Errorf("%s: %s", name, fd.Message)
			}
		}
		if unknown == 0 {
			t.Errorf("%s: no unknown finding", name)
		}
	}
}

// TestAnalyzeDecisionReads: a read of a named decision holds only what the
// decision can say (or nil when it did not fire): a table over its bands
// has no gap at a band it never gives, and a gap at one it does give
// carries that band as its witness.
func TestAnalyzeDecisionReads(t *testing.T) {
	const band = `
table risk hit first {
  type "risk"
  emit false
  in x.score
  row < 30 | nil => output band "low"
  row [30..70) => output band "medium"
  row >= 70 => output band "high"
}
`
	cases := []struct {
		name, body string
		want       []string
		witness    map[string]any
	}{
		{"every band and not fired", band + `
table advice hit unique {
  type "advice"
  in risk.band
  row "low" | "medium" => urgency 0.1
  row "high" | nil => urgency 0.9
}`, nil, nil},
		{"a band left out", band + `
table advice hit unique {
  type "advice"
  in risk.band
  row "low" | nil => urgency 0.1
  row "high" => urgency 0.9
}`, []string{"table-gap@advice"}, map[string]any{"risk.band": "medium"}},
		{"fired is a bool", band + `
rule r {
  type "r"
  branch risk.fired {
  }
  branch !risk.fired {
  }
  else {
  }
}`, // risk's rows cover every number and nil (a NaN or a string fails
			// it): it always fires, so !risk.fired is never taken either
			// (adversary 53: the analysis proves a table closed).
			[]string{"unreachable-branch@r", "unreachable-branch@r"}, nil},
		{"an output set by an expression is a free field", `
rule risk {
  type "risk"
  emit false
  output band x.band
}
table advice hit unique {
  type "advice"
  in risk.band
  row "low" | nil => urgency 0.1
  row "high" => urgency 0.9
}`, []string{"table-gap@advice"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse([]byte("ruleset x version 1\n" + c.body + "\n"))
			if err != nil {
				t.Fatal(err)
			}
			fs := Analyze(f)
			if d := cmp.Diff(c.want, codes(fs)); d != "" {
				t.Fatalf("findings (-want +got):\n%s\n%v", d, fs)
			}
			if c.witness != nil {
				if d := cmp.Diff(c.witness, fs[0].Witness); d != "" {
					t.Errorf("witness (-want +got):\n%s", d)
				}
			}
		})
	}
}

// TestAnalyzeCollectRange: a collect table's sum or count of urgency is
// reported where it leaves [0,1] (the table fails there unless outputs are
// clamped), and not where it stays in it.
func TestAnalyzeCollectRange(t *testing.T) {
	for _, c := range []struct {
		body string
		want []string
	}{
		{"table t hit collect sum urgency {\n  in a\n  row < 0 => urgency 0.6\n  row - => urgency 0.6\n}\n", []string{"collect-out-of-range@t"}},
		{"table t hit collect sum urgency {\n  in a\n  row < 0 => urgency 0.6\n  row >= 0 => urgency 0.6\n}\n", []string{"table-gap@t"}},
		{"table t hit collect sum sensitivity {\n  in a\n  row < 0 => sensitivity 0.5\n  row - => sensitivity 0.5\n}\n", nil},
		{"table t hit collect sum sensitivity {\n  sensitivity 0.7\n  in a\n  row < 0 => title \"x\"\n  row < 1 => title \"y\"\n}\n", []string{"table-gap@t", "collect-out-of-range@t"}},
		{"table t hit collect max urgency {\n  in a\n  row < 0 => urgency 0.9\n  row - => urgency 0.9\n}\n", nil},
	} {
		wantCodes(t, c.body, c.want)
	}
}
