package rulefile_test

// The fifty-ninth adversary's suite against rulefile.Analyze, found by a
// random generator of small rule files (since removed) checked against
// brute-force evaluation of the compiled rule set. Every test fails on the
// code it was written against and demonstrates one defect.

import (
	"math"
	"testing"
	"time"
)

type a59Q struct {
	A float64  `expr:"a"`
	B *float64 `expr:"b"`
}

type a59Env struct {
	X float64  `expr:"x"`
	Y *float64 `expr:"y"`
	N int      `expr:"n"`
	S string   `expr:"s"`
	B bool     `expr:"b"`
	Q *a59Q    `expr:"q"`
}

var a59Now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

var a59Nums = []float64{math.Inf(-1), -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.25, 2.5, 3, math.Inf(1), math.NaN()}

// Promise broken: rulefile doc.go # Analysis, "[Analyze] reports ...
// gaps in tables", a table decided "under its when, point by point as the
// compiled table decides, DMN's nil semantics included", "nil for every
// value" a witness class; "A nil input (absent data, a nil pointer)
// passes only - and nil".
//
// Under `when q == nil` the input q?.a is nil at every input the when
// admits, and the only row, not(1), passes no nil: the compiled table is
// undecided at q = nil (Explain: when true, no row matches, no error).
// The analysis sees that row 1 matches nothing (unreachable-row) yet
// reports no gap: the point q = nil, q?.a = nil, which is realizable, is
// lost (the chain read through its root, readThrough/realizable in
// analyze_grid.go / analyze_table.go, leaves no nil point for the gap
// search). The same table over y (`when y == nil`, `in y`) is reported.
//
// Observed: findings [unreachable-row row 1] only; no table-gap, no
// unknown.
// Expected: table-gap with witness q = nil (q?.a = nil).
func TestAdversary59_ChainBelowNilRootGapMissed(t *testing.T) {
	fs, rs := analyzeCompiled[a59Env](t, "a59", `table r hit first {
  type "t"
  when q == nil
  in q?.a
  row not(1) => title "x"
}
`)
	x, err := rs.Explain("r", a59Env{}, a59Now)
	if err != nil {
		t.Fatal(err)
	}
	if x.Err != "" || x.Fired || x.When == nil || x.When.Value != true {
		t.Fatalf("test broken: at q = nil the table is not undecided: %+v", x)
	}
	if findingOf(fs, "table-gap", "r", "") == nil && findingOf(fs, "unknown", "r", "") == nil {
		t.Errorf("MISSED table-gap: at q = nil the when holds and no row matches (q?.a is nil), yet Analyze reports only %+v", fs)
	}
}

// a59NoGap fails when Analyze claims a table-gap for r and no x of the
// sweep (every other field left zero) leaves r undecided.
func a59NoGap(t *testing.T, body, why string) {
	t.Helper()
	fs, rs := analyzeCompiled[a59Env](t, "a59", body)
	f := findingOf(fs, "table-gap", "r", "")
	if f == nil {
		return
	}
	for _, x := range a59Nums {
		e := a59Env{X: x}
		ex, err := rs.Explain("r", e, a59Now)
		if err != nil {
			t.Fatal(err)
		}
		if ex.Err == "" && !ex.Fired && (ex.When == nil || ex.When.Value == true) {
			t.Logf("r makes no hit at x = %v: the gap may be real", x)
			return
		}
	}
	t.Errorf("FALSE table-gap: %q (witness %v): %s", f.Message, f.Witness, why)
}

// Promise broken: rulefile doc.go # Analysis, "A read of one of the
// file's named decisions (risk.band) holds only what the decision can
// say ... a table over a decision's bands has no gap at a band the
// decision never gives"; Finding.Witness, "an input that demonstrates a
// gap".
//
// Both rows of the any table d match every input and decide differently:
// d fails at every input (any-conflict, which Analyze reports), so r,
// which reads d, fails at every input too. The analysis leaves the rows
// that never decide out of d's domain and reads an output said only by
// leaves that never decide as nil (today's change: "decision outputs said
// only by unreachable leaves read as nil", analyze_decision.go), as though
// d could be read without deciding; nil is what a decision that did not
// fire gives, and d always fires (its rows are `-`) or fails.
//
// Observed: table-gap "no row of r covers inputs such as d.band = nil".
// Expected: no gap: r fails at every input (d fails).
func TestAdversary59_AlwaysConflictingAnyTableBandReadAsNil(t *testing.T) {
	a59NoGap(t, `table d hit any {
  type "d"
  emit false
  in x
  row - => output band "a"
  row - => output band "b"
}

table r hit first {
  type "t"
  in d.band
  row "a" => title "a"
}
`, "d fails at every input (rows 1 and 2 conflict everywhere), and r with it")
}

// Promise broken: as above, "A read of one of the file's named decisions
// holds only what the decision can say"; Finding.Witness, "an input that
// demonstrates a gap".
//
// Under its when (x >= 2) both rows of the unique table d match at every
// input (not(1), not(-1)): d fails there (unique-overlap, reported), and
// where the when is false d does not fire. So d.fired, read by r, is
// false or d fails: never true. The analysis takes d.fired to be true at
// some input (readDecisions, analyze_decision.go, gives fired = true
// whenever d has a row that matches, though every row that matches only
// overlaps another: no row ever decides).
//
// Observed: table-gap "no row of r covers inputs such as d.fired = true".
// Expected: no gap: at x < 2 (and -Inf) r takes row 1; at x >= 2 d fails
// and r with it; at NaN d fails.
func TestAdversary59_OverlapOnlyUniqueTableFiredReadAsTrue(t *testing.T) {
	a59NoGap(t, `table d hit unique {
  type "d"
  emit false
  when x >= 2
  in x
  row not(1)  => output band "x"
  row not(-1) => output band "y"
}

table r hit first {
  type "t"
  in d.fired
  row false => title "a"
}
`, "d.fired is false (when x < 2) or d fails (both rows match every x >= 2)")
}
