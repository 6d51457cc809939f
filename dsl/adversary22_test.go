package dsl

// The twenty-second adversary's suite: strings, dates and durations, lists
// and their built-ins, nil pointers in string operators and decision
// tables' run-time errors. Every test fails on the code it was written
// against (e0a6bfc) and names the promise of doc.go it breaks, with the
// smallest input found. Each rule runs with the closures and with expr
// alone (exprOnly), through Eval and Explain (a22Check, in
// adversary22_helpers_test.go), under small limits.

import (
	"errors"
	"strings"
	"testing"
)

// TestAdversary22_DurationArithmeticWraps: doc.go, Numbers: "Nothing wraps
// around: ... int arithmetic (+, -, *, unary -, abs, sum) whose result does
// not fit an int, fail[s] the evaluation with ErrOverflow", and
// "time.Duration keeps its type" (it keeps its type; it does not leave the
// checks). A time.Duration is an int64, but + and * on durations go to
// expr's own wrapping arithmetic. Minimal input: d = 2^62 ns (146 years):
// `(d + d).Hours() < 0` fires (d + d = MinInt64), `(d * 2).Hours() < 0`
// too, `(d - d - d - d - d).Hours() > 0` fires (-3·2^62 wraps to +2^62),
// and `at.Add(d + d) < at` says a time 292 years on is in the past; no
// error, in both backends and in Explain. With d = 90m,
// `(d * 1000000000000).Hours() < 0` fires too.
func TestAdversary22_DurationArithmeticWraps(t *testing.T) {
	env := a22Env0()
	env.D = 1 << 62
	for _, w := range []string{
		"(d + d).Hours() < 0",
		"(d * 2).Hours() < 0",
		"(2 * d).Hours() < 0",
		"(d - d - d - d - d).Hours() > 0",
		"at.Add(d + d) < at",
	} {
		for i, r := range a22Check(t, a22When(w), env) {
			if !errors.Is(r.err, ErrOverflow) {
				t.Errorf("%s: %s with d = 2^62ns: %v; want ErrOverflow (the duration wrapped)", a22Names[i], w, r)
			}
		}
	}
	env = a22Env0() // d = 90m
	for i, r := range a22Check(t, a22When("(d * 1000000000000).Hours() < 0"), env) {
		if !errors.Is(r.err, ErrOverflow) {
			t.Errorf("%s: (d * 1000000000000).Hours() < 0 with d = 90m: %v; want ErrOverflow", a22Names[i], r)
		}
	}
}

// TestAdversary22_FindIndexNotFoundIsNil: doc.go, Errors: "Types are
// checked at compile time" (a type error is a compile error, not a
// run-time one), and Built-ins: expr's built-ins are available. The
// checker types findIndex and findLastIndex as int, but when no element
// matches they yield nil (expr's compiler emits OpNil; its documentation
// says -1), so the well-typed `findIndex(xs, # > 10) == -1` fails at run
// time with "interface conversion: interface {} is nil, not int" in both
// backends and in Explain, `findIndex(xs, # > 10) < 0` with "invalid
// operation: <nil> < int", and `output k findIndex(xs, # > 10)`, an int
// output, hands the host nil.
func TestAdversary22_FindIndexNotFoundIsNil(t *testing.T) {
	env := a22Env0()
	for _, w := range []string{
		"findIndex(xs, # > 10) == -1",
		"findLastIndex(xs, # > 10) == -1",
		"findIndex(items, .score > 1) < 0",
		"findIndex([], true) == -1",
	} {
		for i, r := range a22Check(t, a22When(w), env) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: %s with no element matching: %v; want one hit (findIndex is -1 when none matches)", a22Names[i], w, r)
			}
		}
	}
	body := "rule r {\n  type \"t\"\n  when true\n  output k findIndex(xs, # > 10)\n}\n"
	for i, r := range a22Check(t, body, env) {
		if r.err != nil || len(r.hits) != 1 || r.hits[0].Outputs["k"] != -1 {
			t.Errorf("%s: output k findIndex(xs, # > 10): %v; want k = -1, an int as the output is typed", a22Names[i], r)
		}
	}
}

// TestAdversary22_RunTimeTypeErrors: doc.go, Errors: "Types are checked
// at compile time" (a type error is a compile error, not a run-time one).
// These rules compile, and every evaluation of them fails with a type error
// no data can avoid, in both backends and in Explain:
//
//	max(ts) == at               invalid argument for max (type time.Time)
//	min(ss) == "a"              invalid argument for min (type string)
//	sum([d, d]) > d             invalid operation: time.Duration + int
//	sortBy(items, .tags)[0]...  invalid operation: []string < []string
//
// Either the compiler refuses them (ErrType) or they evaluate.
func TestAdversary22_RunTimeTypeErrors(t *testing.T) {
	env := a22Env0()
	for _, w := range []string{
		"max(ts) == at",
		"min(ss) == \"a\"",
		"sum([d, d]) > d",
		"sortBy(items, .tags)[0].name == \"x\"",
		"sortBy(items, m)[0].name == \"x\"",
	} {
		for i, r := range a22Check(t, a22When(w), env) {
			if r.compileErr != nil {
				if !errors.Is(r.compileErr, ErrType) {
					t.Errorf("%s: %s: compile error %v; want ErrType", a22Names[i], w, r.compileErr)
				}
				continue
			}
			if r.err != nil {
				t.Errorf("%s: %s compiles and fails at run time, whatever the data: %v; want a compile error (ErrType)", a22Names[i], w, r)
			}
		}
	}
}

// TestAdversary22_NilStringPointerDecides: doc.go, NaN and nil: "NaN and
// nil never decide ... A comparison or string operator that sees nil ...
// fails with ErrEval ... So does such a nil ... where it would otherwise
// decide as false or turn into a zero value: ... an argument a function
// takes as a string (`upper(p?.name)`)". A nil *string field (ps, absent
// data) is refused by <, > and + ("invalid operation: <nil> < string") and
// by trim (an "interface conversion" error), but matches, contains,
// startsWith and in decide false on it, so `!(ps matches "a")` fires, and
// lower and upper turn it into "": `lower(ps) == ""` fires; in both
// backends and in Explain. (The same rules through an optional chain,
// `!(pitem?.name matches "a")`, fail as they should.)
func TestAdversary22_NilStringPointerDecides(t *testing.T) {
	env := a22Env0() // ps = nil
	for _, w := range []string{
		"!(ps matches \"a\")",
		"!(s matches ps)",
		"!(ps contains \"a\")",
		"!(ps startsWith \"a\")",
		"!(ps endsWith \"a\")",
		"!(ps in ss)",
		"lower(ps) == \"\"",
		"upper(ps) == \"\"",
	} {
		for i, r := range a22Check(t, a22When(w), env) {
			if len(r.hits) != 0 || !errors.Is(r.err, ErrEval) {
				t.Errorf("%s: %s with ps = nil: %v; want ErrEval (nil never decides)", a22Names[i], w, r)
			}
		}
	}
}

// TestAdversary22_TableErrorsWithoutPosition: doc.go, Errors: "Every error
// is an *Error: the rule's id, the statement (..., "row 3, urgency", …),
// line and column in runes, a snippet with a caret". A decision table's
// run-time failures carry the rule's id and nothing else (tableError in
// ruleset_table.go; the cell failure of ruleset_eval.go has a statement
// but line 0:0): a unique table whose rows 1 and 2 both match ("rule tb:
// hit policy unique: row 1 and row 2 both match"), an any table whose rows
// decide differently, a row's output not in the table's order, a collect
// sum over a nil output, and a cell that cannot compare its input ("rule
// tb, row 1: row 1, column 1: cannot compare int with string").
func TestAdversary22_TableErrorsWithoutPosition(t *testing.T) {
	env := a22Env0() // s = "hello", i = 3, m.a = 1
	for _, body := range []string{
		"table tb hit unique {\n  type \"t\"\n  in s, i\n  row \"hello\", - => output k 1\n  row -, 3 => output k 2\n}\n",
		"table tb hit any {\n  type \"t\"\n  in s, i\n  row \"hello\", - => output k 1\n  row -, 3 => output k 2\n}\n",
		"table tb hit priority {\n  type \"t\"\n  order k 2, 1\n  in s, i\n  row \"hello\", - => output k 1\n  row -, 3 => output k 3\n}\n",
		"table tb hit collect sum k {\n  type \"t\"\n  in s, i\n  row \"hello\", - => output k 1\n  row -, 3 => output k nil\n}\n",
		"table tb hit first {\n  type \"t\"\n  in m.a\n  row \"x\" => output k 2\n  row - => output k 1\n}\n",
	} {
		for i, r := range a22Backends(body, env) {
			// A literal output a fix refuses at compile time (order k 2, 1
			// beside output k 3) is as good, if its error is placed.
			err := r.err
			if r.compileErr != nil {
				err = r.compileErr
			}
			var de *Error
			if r.panicked != "" || !errors.As(err, &de) {
				t.Errorf("%s: %s: %v; want an *Error", a22Names[i], firstLine(body), r)
				continue
			}
			if de.RuleID != "tb" || de.Statement == "" || de.Line == 0 || de.Column == 0 {
				t.Errorf("%s: %s\n  error %q has rule %q, statement %q, position %d:%d; want the rule, the statement and its line:column",
					a22Names[i], strings.ReplaceAll(strings.TrimSpace(body), "\n", " | "), firstLine(de.Error()), de.RuleID, de.Statement, de.Line, de.Column)
			}
		}
	}
}
