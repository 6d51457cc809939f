package rulefile_test

// The fifty-third adversary's suite against rulefile.Analyze: optional
// chains (their nil fails a comparison in the compiled rule), field paths
// read through a nil parent, and the domains of the file's named
// decisions (what a read of d.band or d.fired can hold). Every test fails
// on the code it was written against and demonstrates one defect, held to
// the compiled rule set (dsl.CompileRules) by brute-force evaluation.

import (
	"math"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/dsl/rulefile"
)

type a53P struct {
	A *float64 `expr:"a"`
}

type a53Q struct {
	A float64 `expr:"a"`
}

// a53Env has nilable fields: a number, a string and a struct.
type a53Env struct {
	A *float64 `expr:"a"`
	S *string  `expr:"s"`
	P *a53P    `expr:"p"`
	Q *a53Q    `expr:"q"`
}

var a53Now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// a53Nums are the numbers of the sweep: the literals of the files below,
// their neighbours, ±Inf and NaN.
var a53Nums = []float64{math.Inf(-1), -math.MaxFloat64, -2, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.25, 2.5, 3, math.MaxFloat64, math.Inf(1), math.NaN()}

// a53Sweep is every input over the fields named in used ("a", "s", "p",
// "q"),
// each nil or any of its values; the other fields stay nil.
func a53Sweep(used map[string]bool) []a53Env {
	out := []a53Env{{}}
	vary := func(set func(e *a53Env, i int) bool) {
		var next []a53Env
		for _, e := range out {
			next = append(next, e)
			for i := 0; ; i++ {
				e2 := e
				if !set(&e2, i) {
					break
				}
				next = append(next, e2)
			}
		}
		out = next
	}
	if used["a"] {
		vary(func(e *a53Env, i int) bool {
			if i >= len(a53Nums) {
				return false
			}
			x := a53Nums[i]
			e.A = &x
			return true
		})
	}
	if used["s"] {
		strs := []string{"", "\x00", "a", "x", "x\x00", "y", "z", "z\x00"}
		vary(func(e *a53Env, i int) bool {
			if i >= len(strs) {
				return false
			}
			s := strs[i]
			e.S = &s
			return true
		})
	}
	if used["p"] {
		vary(func(e *a53Env, i int) bool {
			switch {
			case i == 0:
				e.P = &a53P{} // p set, p.a a nil pointer
			case i <= len(a53Nums):
				x := a53Nums[i-1]
				e.P = &a53P{A: &x}
			default:
				return false
			}
			return true
		})
	}
	if used["q"] {
		vary(func(e *a53Env, i int) bool {
			if i >= len(a53Nums) {
				return false
			}
			e.Q = &a53Q{A: a53Nums[i]}
			return true
		})
	}
	return out
}

// a53Gap reports whether table id of rs shows a gap at env, as Explain
// tells it: the table does not fail, its when (if any) holds, and it
// makes no hit.
func a53Gap(t *testing.T, rs *dsl.RuleSet[a53Env], id string, env a53Env) bool {
	t.Helper()
	x, err := rs.Explain(id, env, a53Now)
	if err != nil {
		t.Fatal(err)
	}
	return x.Err == "" && !x.Fired && (x.When == nil || x.When.Value == true)
}

// Promise broken: rulefile doc.go # Analysis, "A gap, overlap or conflict
// carries such an input as its [Finding.Witness]"; Finding.Witness, "an
// input that demonstrates a gap"; a table is decided "under its when,
// point by point as the compiled table decides". And dsl doc.go # NaN and
// nil: "A comparison ... that sees nil from an optional chain (a?.b when
// a is nil) ... fails with [ErrEval]".
//
// The analysis reads `q?.a != 0` as a comparison of a value with a
// literal and decides it by compareInCondition (analyze_cond.go), where
// nil != 0 is true. The compiled rule fails there: an optional chain's nil
// decides nothing. So the when admits, in the analysis, the point where
// q?.a is nil, and the table's rows (`> 0`, `< 0`) pass no nil: a gap.
// (q.a is a float64: q?.a is nil only where q is.)
//
// Observed: table-gap "no row of t covers inputs such as q?.a = nil",
// witness {q?.a: nil}. At q = nil the compiled table fails at its when;
// at every other input of the sweep (q.a of ±Inf, ±MaxFloat64, NaN, 0
// excluded by the when, ...) a row decides or the table fails.
// Expected: no table-gap.
func TestAdversary53_OptionalChainNilInWhenFalseGap(t *testing.T) {
	fs, rs := analyzeCompiled[a53Env](t, "a53", `table t hit first {
  type "t"
  when q?.a != 0
  in q?.a
  row > 0 => title "pos"
  row < 0 => title "neg"
}
`)
	f := findingOf(fs, "table-gap", "t", "")
	if f == nil {
		return
	}
	for _, e := range a53Sweep(map[string]bool{"q": true}) {
		if a53Gap(t, rs, "t", e) {
			t.Logf("the table makes no hit at q = %+v: the gap may be real", e.Q)
			return
		}
	}
	t.Errorf("FALSE table-gap: %q (witness %v); at q = nil the compiled when fails (%v), and no input of the sweep leaves the table undecided",
		f.Message, f.Witness, a53Err(rs, a53Env{}))
}

func a53Err(rs *dsl.RuleSet[a53Env], env a53Env) error {
	_, err := rs.Eval(env, a53Now)
	return err
}

// Promise broken: rulefile doc.go # Analysis, "[Analyze] reports ...
// branches and rows that can never be taken"; "Each question is decided
// on one witness per class of values the rule tells apart", and a table
// "point by point as the compiled table decides". Analyze's doc: "a
// branch or row is unreachable only when no input at all reaches it" —
// and this row is reached by none.
//
// A condition's field path below another (p.a) is read through its
// parent (cond.through: where p is nil the when sees p.a as nil, or
// failing), but the table's input p.a is read as its own atom, never
// through p (tableState.observe reads pt[input] directly; realizable is
// applied to witnesses only, not to which rows match). So the grid has
// the point p = nil, p.a = 3, where the when `p.a == nil` holds and row 2
// `not(2.5)` matches, though no input gives it: with p nil the compiled
// when fails (a read through a nil pointer), and with p non-nil the when
// holds only where p.a is nil, which not(2.5) never passes.
//
// Observed: no finding for row 2 (neither unreachable-row nor unknown).
// Expected: unreachable-row for row 2; brute force over p = nil, p.a =
// nil and p.a of every class (±Inf, NaN, 2.5, its neighbours) never takes
// it.
func TestAdversary53_TableInputNotReadThroughNilParent(t *testing.T) {
	fs, rs := analyzeCompiled[a53Env](t, "a53", `table t hit first {
  type "t"
  when p.a == nil
  in p.a
  row nil       => title "absent"
  row not(2.5)  => title "other"
}
`)
	for _, e := range a53Sweep(map[string]bool{"p": true}) {
		if tookPath(rs, e, a53Now, "t", "row 2") {
			t.Fatalf("row 2 is taken at p = %+v: test broken", e.P)
		}
	}
	if !tookPath(rs, a53Env{P: &a53P{}}, a53Now, "t", "row 1") {
		t.Fatal("row 1 is not taken at p.a = nil: test broken")
	}
	if findingOf(fs, "unreachable-row", "t", "row 2") == nil && findingOf(fs, rulefile.CodeUnknown, "t", "") == nil {
		t.Errorf("MISSED unreachable-row: row 2 of t is taken by no input of the sweep (the when admits only p.a = nil), yet Analyze reports nothing of it: %+v", fs)
	}
}

// Promise broken: rulefile doc.go # Analysis, "A read of one of the
// file's named decisions (risk.band) holds only what the decision can
// say, when every statement that sets it is a literal, or nil: a table
// over a decision's bands has no gap at a band the decision never gives";
// Finding.Witness, "an input that demonstrates a gap".
//
// Analyze reads the decisions' domains twice, the second time without
// the branches and rows a first pass proves never decide (neverDecide,
// readDecisions(f, consts, never)); its comment says "Smaller domains
// only make more of them unreachable". But when every statement that
// sets an output is in such a branch, the second pass has no value at all
// for it: domain.vals has no entry for the name (finish adds nil only to
// the names some leaf says), so readDecisions records no domain, and the
// read d.band becomes a free field path (fieldAtom finds no domain) that
// holds any value. The smaller domain is read as the largest.
//
// Here branch 2 of d (a >= 2 after a > 0) is never taken, so d.band is
// nil in every evaluation, fired or not, and row 1 (nil) always decides.
//
// Observed: table-gap "no row of r covers inputs such as d.band = any
// value but nil". Expected: no gap: every input of the sweep takes row 1.
func TestAdversary53_DecisionOutputOnlyUnreachableSetterIsFree(t *testing.T) {
	fs, rs := analyzeCompiled[a53Env](t, "a53", `rule d {
  type "d"
  emit false
  when a >= 1
  branch a > 0 {
    title "n"
  }
  branch a >= 2 {
    output band "z"
  }
}

table r hit first {
  type "t"
  in d.band
  row nil => title "none"
}
`)
	if findingOf(fs, "unreachable-branch", "d", "branch 2") == nil {
		t.Fatalf("test broken: branch 2 of d is not found unreachable: %+v", fs)
	}
	f := findingOf(fs, "table-gap", "r", "")
	if f == nil {
		return
	}
	for _, e := range a53Sweep(map[string]bool{"a": true}) {
		if a53Gap(t, rs, "r", e) {
			t.Logf("r makes no hit at a = %v: the gap may be real", e.A)
			return
		}
	}
	t.Errorf("FALSE table-gap: %q (witness %v): d.band is nil at every input (its only setter, branch 2, is unreachable) and no input of the sweep leaves r undecided",
		f.Message, f.Witness)
}

// a53NoGap fails the test when Analyze claims a table-gap for table r of
// body and no input of the sweep over used shows one (a53Gap).
func a53NoGap(t *testing.T, body string, used map[string]bool, why string) {
	t.Helper()
	fs, rs := analyzeCompiled[a53Env](t, "a53", body)
	f := findingOf(fs, "table-gap", "r", "")
	if f == nil {
		return
	}
	for _, e := range a53Sweep(used) {
		if a53Gap(t, rs, "r", e) {
			t.Logf("r makes no hit at %+v: the gap may be real", e)
			return
		}
	}
	t.Errorf("FALSE table-gap: %q (witness %v): %s; no input of the sweep leaves r undecided", f.Message, f.Witness, why)
}

// Promise broken: rulefile doc.go # Analysis, "an unreachable branch or
// row says what no input satisfies"; Analyze's doc, "a branch or row is
// unreachable only when no input at all reaches it", and "A condition's
// comparison of a decision's output with a literal fails on nil, as the
// compiled rule's does".
//
// The analysis marks every comparison of a decision's output with a
// literal as failing on nil (cond.decided, analyze_cond.go comparison and
// eval). The compiled rule's guard, __decided (dsl/decisions.go), fails
// only on an untyped nil: the output of a decision that did not fire or
// did not say it. A decision that fired and says `output band s`, with s
// a nil *string, reads as that typed nil, and `d.band == "z"` is then
// false, as for any nil pointer ("== and != compare it with a value,
// which it equals none of", dsl doc.go), not a failure.
//
// Observed: unreachable-branch "else of r can never be taken: no input
// has when d.band == nil and not (d.band == "z")". Expected: no such
// finding: at s = nil, r takes its else.
func TestAdversary53_DecisionOutputNilPointerComparedTakenForFailure(t *testing.T) {
	fs, rs := analyzeCompiled[a53Env](t, "a53", `rule d {
  type "d"
  emit false
  output band s
}

rule r {
  type "t"
  when d.band == nil
  branch d.band == "z" {
    title "z"
  }
  else {
    title "other"
  }
}
`)
	f := findingOf(fs, "unreachable-branch", "r", "else")
	if f == nil {
		return
	}
	env := a53Env{} // s is a nil *string
	if !tookPath(rs, env, a53Now, "r", "else") {
		hits, err := rs.Eval(env, a53Now)
		t.Logf("r does not take its else at s = nil (%v, %v): the finding holds", hits, err)
		return
	}
	t.Errorf("FALSE unreachable-branch: %q; at s = nil (d fires, d.band is a nil *string) r takes its else", f.Message)
}

// Promise broken: rulefile doc.go # Analysis, "A read of one of the
// file's named decisions (risk.band) holds only what the decision can
// say ... a table over a decision's bands has no gap at a band the
// decision never gives"; Finding.Witness, "an input that demonstrates a
// gap".
//
// The decisions' domains leave out only the rows the first pass proves
// never decide, by the codes unreachable-branch, unreachable-row and
// outranked-row (analysis.neverDecide). A row of a unique table that
// matches only where another matches too never decides either (the table
// fails there), but report() gives it no such code: it is "in overlap"
// and is reported as unique-overlap. So its output stays in the domain.
//
// Row 1 of d (1 | nil) matches only where row 2 (-) does: at a = 1 and a
// = nil d fails (both match), and elsewhere it decides by row 2, whose
// band is nil. d.band is never "y".
//
// Observed: table-gap "no row of r covers inputs such as d.band = "y"".
// Expected: no gap (every input either fails d, and so r, or takes row 1
// of r).
func TestAdversary53_DecisionOverlapOnlyRowInDomain(t *testing.T) {
	a53NoGap(t, `table d hit unique {
  type "d"
  emit false
  in a
  row 1 | nil => output band "y"
  row -        => title "n"
}

table r hit first {
  type "t"
  in d.band
  row nil => title "none"
}
`, map[string]bool{"a": true}, `d.band is never "y": row 1 of d matches only with row 2, which fails d`)
}

// Promise broken: as above, "A read of one of the file's named decisions
// holds only what the decision can say"; "a table over a decision's
// bands has no gap at a band the decision never gives".
//
// leaves (analyze_decision.go) takes a tree without an else to have one
// more way of deciding, the rule's own statements "unless an else always
// catches", which it judges by the syntax alone (hasElse). Here the
// branches a > 0 and a <= 0 catch every number, and a nil or NaN a fails
// the first condition (and d with it): the rule's own band "z" is never
// the decision's. No pass of the analysis asks whether falling through
// the branches is possible.
//
// Observed: table-gap "no row of r covers inputs such as d.band = "z"".
// Expected: no gap: every input takes a row of r or fails d (and r).
func TestAdversary53_DecisionFallThroughLeafAssumed(t *testing.T) {
	a53NoGap(t, `rule d {
  type "d"
  emit false
  output band "z"
  branch a > 0 {
    output band "x"
  }
  branch a <= 0 {
    output band "y"
  }
}

table r hit first {
  type "t"
  in d.band
  row "x" => title "x"
  row "y" => title "y"
}
`, map[string]bool{"a": true}, `d.band is "x" or "y" (or d fails): no input falls through d's branches to its own "z"`)
}

// Promise broken: as above, "A read of one of the file's named decisions
// holds only what the decision can say"; Finding.Witness, "an input that
// demonstrates a gap".
//
// readDecisions gives d.fired the value false when mayMiss(d) says the
// decision may take no decision, and for a table mayMiss looks only for
// a row of `-` cells. The rows of d (>= 0, < 0, nil) cover every input
// between them (a NaN fails the table), and the analysis of d itself
// finds no gap, yet d.fired is taken to be false at some input.
//
// Observed: table-gap "no row of r covers inputs such as d.fired =
// false". Expected: no gap: d fires (or fails) at every input, and r
// takes row 1.
func TestAdversary53_DecisionCoveringTableMayMiss(t *testing.T) {
	a53NoGap(t, `table d hit first {
  type "d"
  emit false
  in a
  row >= 0 => title "pos"
  row < 0  => title "neg"
  row nil  => title "none"
}

table r hit first {
  type "t"
  in d.fired
  row true => title "fired"
}
`, map[string]bool{"a": true}, "d fires or fails at every input (its rows cover every number and nil)")
}
