package rulefile_test

// The fifty-sixth adversary's suite against rulefile.Analyze: what the
// analysis now proves of a decision (levels closed, rows that never
// decide) and of optional chains. Every test fails on the code it was
// written against and demonstrates one defect, held to the compiled rule
// set by brute-force evaluation.

import (
	"testing"
)

// Promise broken: dsl doc.go # NaN and nil, "A comparison ... that sees
// nil from an optional chain (a?.b when a is nil ...) ... fails with
// [ErrEval]"; rulefile doc.go # Analysis, "A gap, overlap or conflict
// carries such an input as its [Finding.Witness]", a table decided "point
// by point as the compiled table decides".
//
// carriesChain (analyze_cond.go) decides whether a comparison's operand
// may carry an optional chain's nil by the operand's syntax; a let is an
// identifier, so `v != 0` with `let v = q?.a` is read as an ordinary
// comparison, where nil != 0 holds. The compiler expands the let and
// guards the chain (the when fails at q = nil). So the analysis admits v
// = nil into the table, where no row (> 0, < 0) passes it: a gap. (The
// same table with q?.a written in place of v has no gap: adversary 53.)
//
// Observed: table-gap "no row of r covers inputs such as v = nil".
// Expected: no table-gap: at q = nil the compiled when fails; everywhere
// else a row decides or the table fails.
func TestAdversary56_LetOfOptionalChainComparedAsValue(t *testing.T) {
	fs, rs := analyzeCompiled[a53Env](t, "a56", `table r hit first {
  type "t"
  let v = q?.a
  when v != 0
  in v
  row > 0 => title "pos"
  row < 0 => title "neg"
}
`)
	f := findingOf(fs, "table-gap", "r", "")
	if f == nil {
		return
	}
	for _, e := range a53Sweep(map[string]bool{"q": true}) {
		if a53Gap(t, rs, "r", e) {
			t.Logf("r makes no hit at q = %+v: the gap may be real", e.Q)
			return
		}
	}
	t.Errorf("FALSE table-gap: %q (witness %v); at q = nil the compiled when fails (%v), and no input of the sweep leaves r undecided",
		f.Message, f.Witness, a53Err(rs, a53Env{}))
}

// Promise broken: rulefile doc.go # Analysis, "A gap, overlap or conflict
// carries such an input as its [Finding.Witness]"; Finding.Witness, "an
// input that demonstrates a gap"; a table decided "point by point as the
// compiled table decides". And dsl doc.go: "a?.b when a is nil" is nil.
//
// The guard `q == nil || q?.a > 0` is the common way to admit a missing
// record: where q is nil, q?.a is nil too, and row 1 (nil) decides; where
// q is set, q.a > 0 and row 2 decides. The analysis reads q?.a as an
// opaque value of its own, free of q: chainOf (analyze_cond.go) refuses
// an optional member, so q?.a is no field path and gets no parents
// (through, which readThrough relies on), and realizable
// (analyze_grid.go) links paths by the prefix "q.", which "q?.a" does not
// start with. So the grid has the point q = nil, q?.a = -1, which no
// input gives.
//
// Observed: table-gap "no row of r covers inputs such as q?.a = -1, q =
// nil" (witness {q: nil, q?.a: -1}).
// Expected: no table-gap: every input of the sweep (q nil, q.a of every
// class) takes a row of r.
func TestAdversary56_OptionalChainNotReadBelowItsRoot(t *testing.T) {
	fs, rs := analyzeCompiled[a53Env](t, "a56", `table r hit first {
  type "t"
  when q == nil || q?.a > 0
  in q?.a
  row nil => title "none"
  row > 0 => title "pos"
}
`)
	f := findingOf(fs, "table-gap", "r", "")
	if f == nil {
		return
	}
	for _, e := range a53Sweep(map[string]bool{"q": true}) {
		if a53Gap(t, rs, "r", e) {
			t.Logf("r makes no hit at q = %+v: the gap may be real", e.Q)
			return
		}
	}
	t.Errorf("FALSE table-gap: %q (witness %v): where q is nil so is q?.a, and no input of the sweep leaves r undecided", f.Message, f.Witness)
}
