package rulefile_test

// The hundred-and-second adversary's suite against rulefile.Analyze:
// reads of aggregating collect tables, a branchless decision whose when
// never holds, the cost of proving a chain of decisions that always fire,
// and differential probes of hit policies, cells and conditions.

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/dsl/rulefile"
)

type a102Env struct {
	A any `expr:"a"`
	B any `expr:"b"`
}

var a102Now = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

func a102Vals() []any {
	return []any{nil, math.NaN(), math.Inf(-1), -2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 10.0,
		math.Inf(1), 1, "", "a", "x", "x\x00", "z", true, false}
}

func a102Sweep() []a102Env {
	var out []a102Env
	for _, a := range a102Vals() {
		for _, b := range a102Vals() {
			out = append(out, a102Env{A: a, B: b})
		}
	}
	return out
}

// a102Gap holds a table-gap claim about table t (which has no when) to
// the compiled rule set: some input of the sweep must leave t without a
// hit and without an error.
func a102Gap(t *testing.T, label, body string) {
	t.Helper()
	fs, rs := analyzeCompiled[a102Env](t, "a102", body)
	f := findingOf(fs, "table-gap", "t", "")
	if f == nil {
		return
	}
	for _, e := range a102Sweep() {
		x, err := rs.Explain("t", e, a102Now)
		if err != nil {
			t.Fatal(err)
		}
		if x.Err == "" && !x.Fired {
			return // the gap is real
		}
	}
	t.Errorf("FALSE table-gap (%s): %q witness %v; no input of the sweep leaves t without a hit", label, f.Message, f.Witness)
}

// Contract: doc.go # Analysis, "A read of one of the file's named
// decisions (risk.band) holds only what the decision can say, when every
// statement that sets it is a literal, or nil: a table over a decision's
// bands has no gap at a band the decision never gives", and "A gap ...
// carries such an input as its Finding.Witness".
//
// d is an aggregating collect table (collect sum rate): its one hit is the
// table's own decision, whose type is the literal "x" (dsl: aggLeaf is
// the table's block). So d.type is "x" when d fires and nil when it does
// not; t covers both, and no input leaves t without a hit.
func TestAdversary102_AggregateTableTypeReadGap(t *testing.T) {
	a102Gap(t, "collect sum: d.type", `table d hit collect sum rate {
  type "x"
  emit false
  in a
  row < 5  => output rate 1
  row >= 5 => output rate 2
}

table t hit first {
  type "t"
  in d.type
  row "x" => title "x"
  row nil => title "none"
}
`)
	a102Gap(t, "collect count: d.type", `table d hit C# {
  type "x"
  emit false
  in a
  row < 5  => title "lo"
  row >= 5 => title "hi"
}

table t hit first {
  type "t"
  in d.type
  row "x" => title "x"
  row nil => title "none"
}
`)
}

// Contract: Analyze's doc, "The values a rule reads are taken to vary
// independently, except the reads of one named decision, which hold
// together what one of its leaves gives (fired is false exactly when its
// outputs are nil)"; a gap comes with an input that shows it.
//
// d (collect sum rate) fires with rate a number, or does not fire with
// rate nil: t's rows (true, -) and (false, nil) cover every input.
func TestAdversary102_AggregateTableFiredAndOutputTogether(t *testing.T) {
	a102Gap(t, "collect sum: d.fired, d.rate", `table d hit collect sum rate {
  type "x"
  emit false
  in a
  row < 5  => output rate 1
  row >= 5 => output rate 2
}

table t hit first {
  type "t"
  in d.fired, d.rate
  row true,  -   => title "fired"
  row false, nil => title "quiet"
}
`)
}

// Contract: doc.go # Analysis, a read of a named decision "holds only
// what the decision can say"; a gap "carries such an input as its
// Finding.Witness". A decision whose when no input satisfies never fires,
// so its fired is false for every input.
//
// d is a rule without branches whose when (a > 5 && a < 3) is true for
// no input (NaN, nil and strings fail it), so d.fired is always false and
// t (row false) always decides.
func TestAdversary102_NeverTrueWhenFiredGap(t *testing.T) {
	a102Gap(t, "when never true", `rule d {
  type "d"
  emit false
  when a > 5 && a < 3
}

table t hit first {
  type "t"
  in d.fired
  row false => title "quiet"
}
`)
}

// Contract: doc.go # Analysis, Analyze reports "conflicting rows in any
// tables", exactly, and says "unknown" only "where the analysis cannot
// decide (... rows of an any table whose outputs are not literals)";
// analyze_rank.go's own comment on sameText: "two literals of different kinds
// or values (a number's text too: 1 and 1.0 are an int and a float)
// differ".
//
// Rows 1 and 2 both match a = 4; their outputs are the literals 1 (an
// int) and 1.0 (a float64), which the compiled any policy compares by
// type and value: the table fails there ("decide differently"). The
// analysis says only "unknown" (sameText returns decideUnknown for equal
// numbers although literalIdentity tells an int from a float).
func TestAdversary102_AnyTableIntVersusFloatLiteralConflict(t *testing.T) {
	fs, rs := analyzeCompiled[a102Env](t, "a102", `table t hit any {
  type "t"
  in a
  row < 5 => output x 1
  row < 9 => output x 1.0
}
`)
	_, err := rs.Eval(a102Env{A: 4.0}, a102Now)
	if err == nil || !strings.Contains(err.Error(), "decide differently") {
		t.Fatalf("compiled: want the any policy's conflict at a = 4, got %v", err)
	}
	if f := findingOf(fs, "any-conflict", "t", "row 1"); f == nil {
		t.Errorf("MISSED any-conflict: rows 1 and 2 (outputs 1 and 1.0) conflict at a = 4 (compiled: %v); findings %v", err, fs)
	}
}

// a102Claims holds every unreachable-row, outranked-row, unique-overlap,
// any-conflict and collect-out-of-range finding about table t (no when)
// to the compiled rule set over the sweep.
func a102Claims(t *testing.T, label, body string) {
	t.Helper()
	fs, rs := analyzeCompiled[a102Env](t, "a102", body)
	for _, f := range fs {
		if f.Rule != "t" {
			continue
		}
		t.Logf("%s: %s %v", label, f.Code, f.Related)
		switch f.Code {
		case "unreachable-row", "outranked-row":
			row := f.Related[0]
			for _, e := range a102Sweep() {
				if tookPath(rs, e, a102Now, "t", row) {
					t.Errorf("FALSE %s (%s): %q, but %s is taken at %#v", f.Code, label, f.Message, row, e)
					break
				}
			}
		case "unique-overlap", "any-conflict", "collect-out-of-range":
			found := false
			for _, e := range a102Sweep() {
				if _, err := rs.Eval(e, a102Now); err != nil {
					found = true
					break
				}
			}
			if !found {
				t.Errorf("FALSE %s (%s): %q; no input of the sweep fails t", f.Code, label, f.Message)
			}
		}
	}
	// The other direction for collect sums: where the compiled table
	// fails for a sum outside [0,1], the analysis says so.
	if findingOf(fs, "collect-out-of-range", "t", "") == nil {
		for _, e := range a102Sweep() {
			if _, err := rs.Eval(e, a102Now); err != nil && strings.Contains(err.Error(), "outside [0,1]") {
				t.Errorf("MISSED collect-out-of-range (%s): t fails at %#v: %v", label, e, err)
				break
			}
		}
	}
}

// Contract: doc.go # Analysis, "It is exact where it claims anything":
// rows of priority tables that never win (ties go to the earliest row,
// dsl.HitPriority), rows never taken past `nil | not(nil)` cells (a NaN
// input fails the table), overlaps of string intervals, and a collect sum
// of urgencies exactly 1 in float64 (0.1 + 0.2 + 0.7), over it with 0.01
// more: claimed where, and only where, the compiled table fails.
func TestAdversary102_TableClaimsHoldOnSweep(t *testing.T) {
	a102Claims(t, "priority tie", `table t hit priority {
  type "t"
  in a
  row -     => title "one" priority 1
  row >= 0  => title "two" priority 1
  row < 0   => title "three" priority 0.5
}
`)
	a102Claims(t, "nil and not(nil)", `table t hit first {
  type "t"
  in a
  row nil      => title "n"
  row not(nil) => title "v"
  row -        => title "never"
}
`)
	a102Claims(t, "string intervals", `table t hit unique {
  type "t"
  in a
  row ["a".."m")  => title "am"
  row >= "l"      => title "l"
  row < "a"       => title "low"
}
`)
	a102Claims(t, "collect sum float", `table t hit collect sum urgency {
  type "t"
  in a
  row -    => urgency 0.1
  row >= 0 => urgency 0.2
  row >= 1 => urgency 0.7
  row >= 2 => urgency 0.01
}
`)
}

// a102Chain is a chain of n decisions e0 ... e(n-1): e0's when is never
// false, each next one's when is the previous one's fired; t reads the
// last one's.
func a102Chain(n int) string {
	var b strings.Builder
	b.WriteString("ruleset chain version 1\n\nrule e0 {\n  type \"e\"\n  emit false\n  when a == nil || a != nil\n}\n\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "rule e%d {\n  type \"e\"\n  emit false\n  when e%d.fired\n}\n\n", i, i-1)
	}
	fmt.Fprintf(&b, "table t hit first {\n  type \"t\"\n  in e%d.fired\n  row true => title \"x\"\n}\n", n-1)
	return b.String()
}

// Contract: doc.go # Analysis, "Its work is bounded ... so a file built
// to be expensive is analyzed in a second or two at most, with "unknown"
// where the budget ran out"; Analyze's doc, the passes over the
// decisions "share one budget, the size of one analysis's".
//
// A chain of 1,000 small rules (about 60 KB), each reading the previous
// one's fired: each pass of Analyze's proof loop proves one more link
// (holds), and every pass re-reads every decision, so the work grows with
// the square of the chain while the shared budget, charged only for tiny
// grids, never runs out. (At 800 rules it took about 9 s here.)
func TestAdversary102_DecisionChainProofPassesBounded(t *testing.T) {
	// The chain is a valid file whose table always decides.
	small := a102Chain(4)
	rs, err := dsl.CompileRules[a102Env]([]byte(small))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []a102Env{{}, {A: 1.0}, {A: math.NaN()}, {A: "s"}} {
		if !tookPath(rs, e, a102Now, "t", "row 1") {
			t.Fatalf("small chain: t did not take row 1 at %v", e)
		}
	}
	f, err := rulefile.Parse([]byte(a102Chain(1000)))
	if err != nil {
		t.Fatal(err)
	}
	// Each rule proves the next always fires, so t always decides: the
	// whole chain must be proved (one pass in the order the decisions
	// read one another, not one link a pass), with no gap claimed and
	// nothing left unknown. (Proving a link a pass took quadratic time:
	// 800 rules, 8.9 s.)
	for _, x := range rulefile.Analyze(f) {
		if x.Rule == "t" {
			t.Errorf("1,000-rule chain: %s %s: %s", x.Code, x.Rule, x.Message)
		}
	}
}
