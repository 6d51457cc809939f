package rulefile_test

// The ninety-eighth adversary's suite against rulefile.Analyze, after
// a decision whose when is false for no input was read as always firing
// (proofs.holds) and equivalent-when gained a witness of another kind.

import (
	"fmt"
	"math"
	"testing"
	"time"
)

type a98Env struct {
	A any `expr:"a"`
	B any `expr:"b"`
}

var a98Now = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

func a98Vals() []any {
	return []any{nil, math.NaN(), math.Inf(-1), -2.0, -1.0, -0.5, math.Copysign(0, -1), 0.0, 0.5, 1.0, 1.5, 2.0,
		math.Inf(1), 1, int64(1<<53 + 1), int64(-(1<<53 + 1)), int64(-(1 << 53)), "", "a", "x", "x\x00", "z", true, false}
}

func a98Sweep() []a98Env {
	var out []a98Env
	for _, a := range a98Vals() {
		for _, b := range a98Vals() {
			out = append(out, a98Env{A: a, B: b})
		}
	}
	return out
}

// a98Gap reports a table-gap claim about t that no input of the sweep shows.
func a98Gap(t *testing.T, label, body string) {
	t.Helper()
	fs, rs := analyzeCompiled[a98Env](t, "a98", body)
	f := findingOf(fs, "table-gap", "t", "")
	if f == nil {
		t.Logf("%s: no gap claimed: %v", label, fs)
		return
	}
	for _, e := range a98Sweep() {
		x, err := rs.Explain("t", e, a98Now)
		if err != nil {
			t.Fatal(err)
		}
		if x.Err == "" && !x.Fired {
			t.Logf("%s: gap real at %#v", label, e)
			return
		}
	}
	t.Errorf("FALSE table-gap (%s): %q witness %v; no input of the sweep leaves t without a hit", label, f.Message, f.Witness)
}

// Promise broken: rulefile doc.go # Analysis, "its fired is false only
// where it may not decide (a when false for some input, a level it may
// fall through)", and "It is exact where it claims anything": a gap
// comes "with an input that shows it".
//
// d's when is e.fired (or e.fired || b == 1), and e always fires: its
// when is false for no input (chain, chain3: e's own when holds through
// a further decision f), or it is a table the first pass proves closed
// (nil / not(nil)). So d's when is false for no input, d always fires,
// and t (over d.fired, one row true) has no gap. neverDecide
// (analyze.go) computes proofs.holds with neverFalse on the first pass's
// domains, readDecisions(f, consts, proofs{}), where every decision with
// a when (or any table not yet proven closed) may have fired = false;
// holds is never iterated, so a decision proven to always fire does not
// make its readers' whens never false. mayMiss(d) (analyze_decision.go)
// then gives d.fired the value false.
//
// Observed: table-gap "no row of t covers inputs such as d.fired =
// false". Expected: none; every input of the sweep makes t take row 1.
func TestAdversary98ChainedDecisionNeverFalseGap(t *testing.T) {
	cases := []struct{ label, body string }{
		{"chain", `rule e {
  type "e"
  emit false
  when a == nil || a != nil
}

rule d {
  type "d"
  emit false
  when e.fired
}

table t hit first {
  type "t"
  in d.fired
  row true => title "fired"
}
`},
		{"chain-closed-table", `table e hit first {
  type "e"
  emit false
  in a
  row nil => title "n"
  row not(nil) => title "v"
}

rule d {
  type "d"
  emit false
  when e.fired
}

table t hit first {
  type "t"
  in d.fired
  row true => title "fired"
}
`},
		{"chain3", `rule f {
  type "f"
  emit false
  when a == nil || a != nil
}

rule e {
  type "e"
  emit false
  when f.fired
}

rule d {
  type "d"
  emit false
  when e.fired || b == 1
}

table t hit first {
  type "t"
  in d.fired
  row true => title "fired"
}
`},
	}
	for _, c := range cases {
		a98Gap(t, c.label, c.body)
	}
}

// The adversary read this as a miss: x's when a == 1 || (a == 1 && b ==
// 2) holds exactly where a == 1 does, for every Env type, and so does
// a == 1 && (b == nil || b != nil). But equivalent-when compares the
// conditions of rules that read the same values (its candidates are
// grouped by what they read, so that a file of n rules costs a grid per
// group, not n² of them), and the documentation now says so: a
// condition that reads a value which never decides it is not compared
// with one that does not read it. The test holds that scope both ways:
// silent on these pairs, whose equivalence the sweep confirms, and a
// claim for a pair of the same reads (b == nil || b != nil written the
// other way round, true at NaN too: NaN is not nil).
func TestAdversary98EquivalentWhenIgnoredValueMissed(t *testing.T) {
	for _, x := range []string{"a == 1 || (a == 1 && b == 2)", "a == 1 && (b == nil || b != nil)"} {
		y := "a == 1"
		body := fmt.Sprintf("rule x {\n  type \"x\"\n  when %s\n}\n\nrule y {\n  type \"y\"\n  when %s\n}\n", x, y)
		fs, rs := analyzeCompiled[a98Env](t, "a98", body)
		for _, e := range a98Sweep() {
			if tookPath(rs, e, a98Now, "x", "") != tookPath(rs, e, a98Now, "y", "") {
				t.Fatalf("premise: %q / %q differ at a=%#v b=%#v", x, y, e.A, e.B)
			}
		}
		if f := findingOf(fs, "equivalent-when", "y", "x"); f != nil {
			t.Logf("claimed, though the reads differ: %q", f.Message)
		}
	}
	x, y := "a == 1 && (b == nil || b != nil)", "a == 1 && (b != nil || b == nil)"
	body := fmt.Sprintf("rule x {\n  type \"x\"\n  when %s\n}\n\nrule y {\n  type \"y\"\n  when %s\n}\n", x, y)
	fs, rs := analyzeCompiled[a98Env](t, "a98", body)
	for _, e := range a98Sweep() {
		if tookPath(rs, e, a98Now, "x", "") != tookPath(rs, e, a98Now, "y", "") {
			t.Fatalf("premise: %q / %q differ at a=%#v b=%#v", x, y, e.A, e.B)
		}
	}
	if findingOf(fs, "equivalent-when", "y", "x") == nil {
		t.Errorf("MISSED equivalent-when: %q and %q read the same values and fire alike at every input; findings %v", x, y, fs)
	}
}
