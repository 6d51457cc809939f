package dsl

// The thirty-fourth adversary's suite: decision tables, templates, the
// governor and Explain against Eval. Each test fails on the code it was
// written against and demonstrates one defect. It reuses the harness of
// adversary22_helpers_test.go (a22Env, a22Backends: one rule file run with
// the closures and with expr alone, through Eval and Explain).

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/engagekit/engagekit/dsl/rulefile"
)

// a34Errors lists the *Error values of an evaluation's error naming rule id.
func a34Errors(err error, id string) []*Error {
	var out []*Error
	for _, e := range Errors(err) {
		if e.RuleID == id {
			out = append(out, e)
		}
	}
	return out
}

// The package doc promises, under Untrusted rules, that MaxSteps and
// MemoryBudget are "per rule: ... the memory it builds (MemoryBudget:
// arrays, maps, ranges, strings, ..., and its title and message, part by
// part)", and that "A hit's evidence (its lets and the fields it read) is
// computed under one more budget". Limits.MemoryBudget: "bounds what one
// evaluation of a rule may allocate".
//
// A table that makes several hits (collect, rule_order, output_order, or
// any) builds each row's title and outputs in turn, and appendHit computes
// each hit's evidence after them; evidence() resets the governor
// (ruleset_eval.go), so every row after the first starts on a fresh
// budget. A collect table of N rows that each build a little over half
// the budget fails with ErrLimit at row 2 (as it should), but the same
// table with one unused let (which only adds evidence) builds N budgets'
// worth and succeeds: the rule's memory is rows × MemoryBudget, not
// MemoryBudget, and whether a rule is over its limit depends on whether
// it has a let.
func TestAdversary34_CollectRowsEachGetAFreshBudget(t *testing.T) {
	lim := WithLimits(Limits{MemoryBudget: 100, MaxSteps: 1000})
	var rows strings.Builder
	for range 8 {
		// repeat charges 32 units and the title part 32 more: 64 a row.
		rows.WriteString("  row - => title \"{repeat(s, 100)}\"\n")
	}
	for _, policy := range []string{"collect", "rule_order"} {
		for _, let := range []string{"", "  let z = 1\n"} {
			body := "table tb hit " + policy + " {\n  type \"t\"\n" + let + "  in i\n" + rows.String() + "}\n"
			for i, r := range a22Backends(body, a22Env0(), lim) {
				if r.panicked != "" || r.compileErr != nil {
					t.Fatalf("%s: %v", a22Names[i], r)
				}
				built := 0
				for _, h := range r.hits {
					built += len(h.Title)
				}
				if !errors.Is(r.err, ErrLimit) {
					t.Errorf("hit %s, let %q, %s: %d hits whose titles alone are %d bytes (%d units) under a budget of 100 units, error %v; want ErrLimit at row 2, as without a let",
						policy, strings.TrimSpace(let), a22Names[i], len(r.hits), built, built/memUnit, r.err)
				}
			}
		}
	}
}

// The package doc, under Errors: "Every error is an *Error: the rule's id,
// the statement (...), line and column in runes, a snippet with a caret".
//
// A title or message part that takes the rule over its memory budget when
// its text is written (render in ruleset_eval.go charges each part after
// appending it) fails through program.evalError, which places only expr's
// own *file.Error; a governor's limitError becomes an *Error with the
// statement ("title") but line 0, column 0 and no snippet, although the
// part that went over is known.
func TestAdversary34_TemplateChargeErrorWithoutPosition(t *testing.T) {
	lim := WithLimits(Limits{MemoryBudget: 100, MaxSteps: 1000})
	for _, body := range []string{
		"rule r {\n  type \"t\"\n  let q = repeat(s, 100)\n  title \"{q}{q}{q}{q}\"\n}\n",
		"rule r {\n  type \"t\"\n  let q = repeat(s, 100)\n  message \"x {q} {q} {q}\"\n}\n",
		"table r hit first {\n  type \"t\"\n  in i\n  row - => title \"{repeat(s, 100)}{repeat(s, 100)}\"\n}\n",
	} {
		for i, r := range a22Backends(body, a22Env0(), lim) {
			errs := a34Errors(r.err, "r")
			if r.panicked != "" || r.compileErr != nil || len(errs) != 1 || errs[0].Kind != KindLimit {
				t.Fatalf("%s: %s: %v; want one limit error", a22Names[i], body, r)
			}
			if e := errs[0]; e.Line == 0 || e.Column == 0 || e.Snippet == "" {
				t.Errorf("%s: %s\n  error %q is at %d:%d with snippet %q; want the line:column of the part that went over the budget",
					a22Names[i], strings.ReplaceAll(strings.TrimSpace(body), "\n", " | "), e.Error(), e.Line, e.Column, e.Snippet)
			}
		}
	}
}

// cells.go, cellTest.match: "A value of a type the test cannot compare
// with is an error, never a silent false". The doc's NaN-and-nil section
// and Types are checked at compile time say the same of conditions.
//
// equalValues answers a time.Time input compared with a string (or a
// number, or a bool) with `ok && ...`: false, no error. So a table over a
// time (`in at`) whose cell is a string is silently never equal, and a
// `!= "x"` row silently always matches and decides the table; `< "x"` on
// the same input is an error. The compile does not catch it either
// (cellValue checks only number and string inputs).
func TestAdversary34_TimeInputEqualityCellDecidesSilently(t *testing.T) {
	for _, cell := range []string{`"2026-01-15"`, `!= "x"`, `!= 5`, `not("x")`, `"a" | "b" | -`} {
		body := "table tb hit first {\n  type \"t\"\n  in at\n  row " + cell + " => output k 1\n  row - => output k 2\n}\n"
		for i, r := range a22Backends(body, a22Env0()) {
			if r.panicked != "" {
				t.Fatalf("%s: %v", a22Names[i], r)
			}
			if r.compileErr == nil && r.err == nil {
				t.Errorf("%s: cell %s on a time.Time input: %v with no error; want a compile or evaluation error, as `< \"x\"` gives",
					a22Names[i], cell, r)
			}
		}
	}
}

// The package doc: "every name and type is checked at compile time" and
// "Types are checked at compile time"; builder.cell (ruleset_compile.go)
// compiles a cell "checking each value against the input's static type
// where that type is known".
//
// cellValue checks only a number input against a non-number value and a
// string input against a non-string value. A bool input with a string or
// number cell, a time input with a number cell, a list input with a number
// cell, all of static types known at compile time, compile, and then fail
// every evaluation that reaches the row with "cannot compare bool with
// string" and the like.
func TestAdversary34_CellTypeErrorsAtRunTime(t *testing.T) {
	for _, c := range []struct{ in, cell string }{
		{"b", `"yes"`},
		{"b", `1`},
		{"b", `< true`},
		{"at", `< 5`},
		{"at", `[1..2]`},
		{"xs", `5`},
		{"items[0]", `"x"`},
	} {
		body := "table tb hit first {\n  type \"t\"\n  in " + c.in + "\n  row " + c.cell + " => output k 1\n}\n"
		r := a22Run(body, a22Env0())
		if r.panicked != "" {
			t.Fatalf("%v", r)
		}
		if r.compileErr == nil {
			t.Errorf("in %s, row %s: compiles, then %v; want a compile error (ErrType)", c.in, c.cell, r)
		} else if !errors.Is(r.compileErr, ErrType) {
			t.Errorf("in %s, row %s: compile error %v; want ErrType", c.in, c.cell, r.compileErr)
		}
	}
}

// RuleSet.Explain: "It decides the rule exactly as [RuleSet.Eval] does
// (the same condition, guard, branch, row and hits, the same errors)"; and
// the package doc: property tests hold "the closures to expr, and Explain
// to Eval".
//
// keys and values of a map are expr's, in Go's map iteration order, which
// is random. A rule that reads them by position (`keys(mi)[0] == "a"`,
// `first(values(mi)) > 1`) decides differently from
// one evaluation to the next over the same environment, and Explain
// disagrees with Eval. (Go starts a small map's iteration at one of its 8
// slots at random, so "b" comes first about one time in eight: the test
// evaluates 400 times, and every run agreeing has a probability of about
// (7/8)^400, below 10^-23.)
func TestAdversary34_MapKeyOrderDecides(t *testing.T) {
	for _, body := range []string{
		"rule r {\n  type \"t\"\n  when keys(mi)[0] == \"a\"\n}\n",
		"rule r {\n  type \"t\"\n  when first(values(mi)) > 1\n}\n",
	} {
		for bi, opts := range [][]Option{nil, {exprOnly}} {
			rs, err := CompileRules[a22Env]([]byte("ruleset a22 version 1\n"+body), opts...)
			if err != nil {
				t.Fatal(err)
			}
			env := a22Env0()
			seen := map[string]int{}
			for range 200 {
				hits, err := rs.Eval(env, a22Now)
				seen[fmt.Sprintf("eval %s %v", a22HitsString(hits), err)]++
				x, err := rs.Explain("r", env, a22Now)
				if err != nil {
					t.Fatal(err)
				}
				seen[fmt.Sprintf("eval %s %v", a22HitsString(x.Hits), nilIfEmpty(x.Err))]++ // the same key as Eval's: a verdict is a verdict
			}
			if len(seen) > 1 {
				t.Errorf("%s: %s\n  one environment, 400 evaluations (Eval and Explain), %d different decisions: %v",
					a22Names[bi], strings.ReplaceAll(strings.TrimSpace(body), "\n", " | "), len(seen), seen)
			}
		}
	}
}

func nilIfEmpty(s string) error {
	if s == "" {
		return nil
	}
	return errors.New(s)
}

type a34Env struct {
	I int `expr:"i"`
}

// Package rulefile, Analysis: "It is exact where it claims anything. ...
// A gap, overlap or conflict carries such an input as its
// [Finding.Witness]" and "A read of one of the file's named decisions
// (risk.band) holds only what the decision can say, when every statement
// that sets it is a literal".
//
// readDecisions takes a decision's domain from every leaf of its tree,
// reachable or not. Rule a's branch 2 (i > 10 after i > 5) can never be
// taken, and Analyze says so itself (unreachable-branch), yet it reports a
// gap in table tb at a.band = "y", the output of that very branch: a
// witness no input gives. Brute force over i (each side of 5 and 10, and
// the ends of int) always has tb decide.
func TestAdversary34_GapAtOutputOfUnreachableBranch(t *testing.T) {
	src := `ruleset p version 1

rule a {
  type "t"
  emit false
  branch i > 5 {
    output band "x"
  }
  branch i > 10 {
    output band "y"
  }
  else {
    output band "z"
  }
}

table tb hit unique {
  type "u"
  in a.band
  row "x" => output k 1
  row "z" => output k 2
}
`
	f, err := rulefile.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := CompileRules[a34Env]([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	// Brute force: every class of i the file tells apart, and more.
	for _, i := range []int{math.MinInt, -1, 0, 4, 5, 6, 9, 10, 11, 12, math.MaxInt} {
		hits, err := rs.Eval(a34Env{I: i}, a22Now)
		if err != nil || len(hits) != 1 || hits[0].Rule != "tb" {
			t.Fatalf("i = %d: %v, %v; the brute force expects tb to decide", i, hits, err)
		}
	}
	for _, fd := range rulefile.Analyze(f) {
		if fd.Code == "table-gap" && fd.Rule == "tb" {
			t.Errorf("Analyze: %s %s, witness %v; but a.band is \"x\" or \"z\" for every i (branch 2, the only leaf saying \"y\", is one Analyze itself calls unreachable), and tb decides for all of them",
				fd.Code, fd.Message, fd.Witness)
		}
	}
}
