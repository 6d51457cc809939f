package rulefile_test

// The ninety-fourth adversary's suite against rulefile.Analyze, after
// equivalent-when gained a NaN witness for every value: held to the
// compiled rule set by brute force over `any` fields holding nil, NaN,
// ±Inf, -0, numbers around the literals, huge ints, strings and bools.

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/dsl/rulefile"
)

// a94Env has untyped fields: the analysis knows no types, so its claims
// must hold for this Env too.
type a94Env struct {
	A any `expr:"a"`
	B any `expr:"b"`
}

var a94Now = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

// a94Vals are the values of the sweep.
func a94Vals() []any {
	return []any{nil, math.NaN(), math.Inf(-1), -2.0, -1.0, -0.5, math.Copysign(0, -1), 0.0, 0.5, 1.0, 1.5, 2.0,
		math.Inf(1), 1, int64(1<<53 + 1), "", "a", "x", "x\x00", "z", true, false}
}

func a94Sweep() []a94Env {
	var out []a94Env
	for _, a := range a94Vals() {
		for _, b := range a94Vals() {
			out = append(out, a94Env{A: a, B: b})
		}
	}
	return out
}

func a94Fires(rs *dsl.RuleSet[a94Env], e a94Env, id string) bool {
	return tookPath(rs, e, a94Now, id, "")
}

// Promise broken: rulefile doc.go # Analysis, "[Analyze] reports ...
// rules whose conditions hold for the same inputs ... It is exact where
// it claims anything", and "the analysis knows no types and any value
// may be a float" (so a claim must hold for an `any` field too).
//
// For a number, x and y agree (y's ordering only restates a != 1); for
// nil both are not true (x is false, y fails at nil < 1); for NaN both
// fail at a != 1. But a value of another kind than the literal, a
// string in an `any` a, passes `a != 1` (values of different kinds are
// unequal) and `a != nil`, so x fires, while y's `a < 1` cannot order a
// string with a number and fails. The NaN witness added for
// equivalent-when (atoms.mayBeNaN) fails every comparison but with nil,
// which is not what a value of another kind does (== and != decide,
// only orderings fail); the axis (analyze_value.go axis) gives a value of
// another kind (kindOther) only when no literal has a kind, or for bools
// compared with nil and both true and false, so sameWhen never sees it.
// The same holds with the kinds swapped (a != "x" && a != nil against a
// != "x" && (a > "x" || a < "x"), at any number a).
//
// Observed: equivalent-when "the condition of y is equivalent to that of
// x". Expected: none: at a = "x" (an any), x fires and y fails.
func TestAdversary94EquivalentWhenValueOfAnotherKind(t *testing.T) {
	for _, c := range []struct{ x, y, rule string }{
		{`a != 1 && a != nil`, `a != 1 && (a < 1 || a > 1)`, "a number literal, a string value"},
		{`a != "x" && a != nil`, `a != "x" && (a > "x" || a < "x")`, "a string literal, a number value"},
	} {
		fs, rs := analyzeCompiled[a94Env](t, "a94", fmt.Sprintf(`rule x {
  type "x"
  when %s
}

rule y {
  type "y"
  when %s
}
`, c.x, c.y))
		f := findingOf(fs, "equivalent-when", "y", "x")
		if f == nil {
			continue
		}
		for _, e := range a94Sweep() {
			if fx, fy := a94Fires(rs, e, "x"), a94Fires(rs, e, "y"); fx != fy {
				_, err := rs.Eval(e, a94Now)
				t.Errorf("FALSE equivalent-when (%s): %q; at a = %#v (an any): x fires %v, y fires %v (%v)",
					c.rule, f.Message, e.A, fx, fy, err)
				break
			}
		}
	}
}

// Promise broken: rulefile doc.go # Analysis, "A read of one of the
// file's named decisions (risk.band) holds only what the decision can
// say ... a table over a decision's bands has no gap at a band the
// decision never gives"; Finding.Witness, "an input that demonstrates a
// gap"; doc.go # Named decisions, id.fired is "whether it decided
// anything".
//
// d's when holds for every value of a: nil == nil, and any other value
// (a NaN too: NaN is not nil) is != nil; it never fails, since a
// comparison with the literal nil does not. So d fires at every input
// and d.fired is never false. readDecisions gives d.fired the value
// false whenever mayMiss(d) (analyze_decision.go) says the decision may
// take no decision, and for a rule mayMiss says so for any rule with a
// when, without asking whether the when can be false (for tables it asks:
// p.closed, adversary 53). The second variant's when is false for no
// input either (a nil, NaN, string or bool a fails an ordering; every
// number passes one of them).
//
// Observed: table-gap "no row of t covers inputs such as d.fired =
// false" (witness {d.fired: false}). Expected: no gap: at every input of
// the sweep t takes row 1 (or, in the second variant, fails with d).
func TestAdversary94DecisionWhenNeverFalseFiredGap(t *testing.T) {
	for _, when := range []string{`a == nil || a != nil`, `a >= 0 || a < 0`} {
		fs, rs := analyzeCompiled[a94Env](t, "a94", fmt.Sprintf(`rule d {
  type "d"
  emit false
  when %s
}

table t hit first {
  type "t"
  in d.fired
  row true => title "fired"
}
`, when))
		f := findingOf(fs, "table-gap", "t", "")
		if f == nil {
			continue
		}
		gap := false
		for _, e := range a94Sweep() {
			x, err := rs.Explain("t", e, a94Now)
			if err != nil {
				t.Fatal(err)
			}
			if x.Err == "" && !x.Fired {
				t.Logf("when %s: t makes no hit at a = %#v: the gap may be real", when, e.A)
				gap = true
				break
			}
		}
		if !gap {
			t.Errorf("FALSE table-gap (d's when %s): %q (witness %v); d's when is false for no input, so d.fired is never false, and every input of the sweep takes row 1 of t or fails",
				when, f.Message, f.Witness)
		}
	}
}

// Pins the author's argument where it holds: a NaN input of a priority
// table fails it (a table's input must not be NaN), so row 3, which
// matches only where row 1 does for every other value, never wins.
func TestAdversary94PriorityOutrankedHoldsUnderNaN(t *testing.T) {
	fs, rs := analyzeCompiled[a94Env](t, "a94", `table t hit priority {
  type "t"
  in a, b
  row not(nil), -     => priority 3
  row -, < 1          => priority 2
  row >= 1, -         => priority 1
  row nil, -          => priority 0
}
`)
	f := findingOf(fs, "outranked-row", "t", "row 3")
	if f == nil {
		t.Fatalf("no outranked-row for row 3: %+v", fs)
	}
	for _, e := range a94Sweep() {
		if tookPath(rs, e, a94Now, "t", "row 3") {
			t.Errorf("FALSE outranked-row %q: row 3 wins at a = %#v, b = %#v", f.Message, e.A, e.B)
			return
		}
	}
	_ = rulefile.CodeUnknown
}
