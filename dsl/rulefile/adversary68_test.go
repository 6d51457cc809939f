package rulefile_test

// The sixty-eighth adversary's suite against rulefile.Analyze: what two
// rows or leaves decide, as the analysis reads it from their source text
// (templateSrc, rowSignatures, sameDecision, domain.leaf) against what the
// compiled rule set decides (newLeaf's cmpOr for the type, the rendered
// template, the clamped urgency, the aggregate of a collect table). Every
// test fails on the code it was written against and demonstrates one
// defect, held to the compiled rule set (dsl.CompileRules) by evaluation
// over a sweep of inputs.

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/dsl/rulefile"
)

// a68Env has one nilable number.
type a68Env struct {
	A *float64 `expr:"a"`
}

var a68Now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// a68Sweep is a = nil and a of every class the files below tell apart
// (their literals, neighbours, ±Inf, ±MaxFloat64), NaN left out: a NaN
// input fails every comparing cell, which these tests do not need.
func a68Sweep() []a68Env {
	out := []a68Env{{}}
	for _, x := range []float64{math.Inf(-1), -math.MaxFloat64, -2, -1, -0.5, 0, 0.5, 1, 2, math.MaxFloat64, math.Inf(1)} {
		out = append(out, a68Env{A: &x})
	}
	return out
}

func a68Num(x float64) *float64 { return &x }

// Contract broken: rulefile doc.go # Analysis, "It is exact where it
// claims anything"; Finding code "any-conflict" is "rows of an any table
// that match together and decide differently", with a witness that
// demonstrates it.
//
// Input: an any table whose rows both always match; row 1's title is
// "'{1}'" (text ', the interpolation of 1, text '), row 2's is "'1'" (a
// literal). Both render the same title, '1', so the compiled table never
// fails: every input of the sweep makes the hit of row 1.
//
// Observed: any-conflict "rows 1 and 2 ... decide differently", witness
// a = any value but nil. Expected: no any-conflict.
//
// Mechanism: templateSrc (analyze_rank.go) writes a template with an
// interpolation as its source text, '{1}', and sameText then hands that
// text to literalSrc, which parses it as an expr single-quoted string
// literal, "{1}", and compares it with row 2's literal "'1'": two
// different string literals, decideDifferently. A non-literal template's
// text is read as a literal whenever it happens to parse as one.
func TestAdversary68_QuotedTemplateReadAsLiteralAnyConflict(t *testing.T) {
	fs, rs := analyzeCompiled[a68Env](t, "a68", `table t hit any {
  type "t"
  in a
  row - => title "'{1}'"
  row - => title "'1'"
}
`)
	f := findingOf(fs, "any-conflict", "t", "row 1")
	if f == nil {
		return // fixed
	}
	for _, e := range a68Sweep() {
		hits, err := rs.Eval(e, a68Now)
		if err != nil || len(hits) != 1 {
			t.Logf("at a = %v the table fails or makes no single hit (%v, %v): the conflict may be real", e.A, hits, err)
			return
		}
	}
	t.Errorf("FALSE any-conflict: %q (witness %v); both rows render the title %q and the compiled table decides at every input of the sweep",
		f.Message, f.Witness, "'1'")
}

// Contract broken: rulefile doc.go # Analysis, "[Analyze] reports ...
// conflicting rows in any tables"; "rows of an any table whose outputs
// are not literals" are "unknown", never passed over in silence.
//
// Input: an any table whose rows both always match; row 1's title is
// "{{'k': 1}}{a}" (the literal text {'k': 1}, then a), row 2's is
// "{ {'k': 1} }{a}" (the interpolation of the map {'k': 1}, then a). They
// render differently, so at a = 1 the compiled table fails: "hit policy
// any: row 1 and row 2 both match and decide differently".
//
// Observed: no finding at all for t (no any-conflict, no unknown).
// Expected: any-conflict for rows 1 and 2 (or unknown).
//
// Mechanism: templateSrc escapes a text part's braces ({ as {{) and
// writes an interpolation as {src}: the text {'k': 1} becomes
// {{'k': 1}}, and the interpolation of {'k': 1} becomes {{'k': 1}} too.
// The encoding is not injective, so rowSignatures gives both rows one
// signature, and tableState.sameness takes equal signatures as deciding
// alike without asking sameDecision.
func TestAdversary68_EscapedBraceTextEqualsInterpolationMissedConflict(t *testing.T) {
	fs, rs := analyzeCompiled[a68Env](t, "a68", `table t hit any {
  type "t"
  in a
  row - => title "{{'k': 1}}{a}"
  row - => title "{ {'k': 1} }{a}"
}
`)
	_, err := rs.Eval(a68Env{A: a68Num(1)}, a68Now)
	if err == nil || !strings.Contains(err.Error(), "decide differently") {
		t.Fatalf("at a = 1 the compiled table does not fail with a conflict (%v): test broken", err)
	}
	if findingOf(fs, "any-conflict", "t", "") == nil && findingOf(fs, rulefile.CodeUnknown, "t", "") == nil {
		t.Errorf("MISSED any-conflict: at a = 1 rows 1 and 2 of t both match and decide differently (%v), yet Analyze reports nothing of t: %+v", err, fs)
	}
}

// Contract broken: rulefile doc.go # Analysis, "a branch or row is
// unreachable only when no input at all reaches it"; "A read of one of
// the file's named decisions (risk.band) holds only what the decision can
// say".
//
// Input: rule d (type "t") whose branch 1 says `type ""`; rule r's branch
// `d.type == "t"`. The compiled leaf keeps the enclosing type where a
// branch's type is empty (newLeaf: l.typ = cmpOr(o.typ, l.typ)), so at
// a = 1 d decides branch 1 with type "t" and r takes branch 1.
//
// Observed: unreachable-branch "branch 1 of r can never be taken: no input
// has d.type == "t"". Expected: no such finding.
//
// Mechanism: domain.leaf (analyze_decision.go) takes the innermost block
// whose Type is non-nil, so branch 1's `type ""` gives d.type the value
// "", and d.type's domain is {"", "u"}: "t", which d gives, is missing.
func TestAdversary68_EmptyBranchTypeDomainUnreachableBranch(t *testing.T) {
	fs, rs := analyzeCompiled[a68Env](t, "a68", `rule d {
  type "t"
  emit false
  title "x"
  branch a > 0 {
    type ""
  }
  else {
    type "u"
  }
}

rule r {
  type "r"
  title "r"
  branch d.type == "t" {
    title "seen t"
  }
}
`)
	f := findingOf(fs, "unreachable-branch", "r", "branch 1")
	if f == nil {
		return // fixed
	}
	if tookPath(rs, a68Env{A: a68Num(1)}, a68Now, "r", "branch 1") {
		t.Errorf("FALSE unreachable-branch: %q; but a = 1 takes branch 1 of r (d decides branch 1 with type %q)", f.Message, "t")
	}
}

// Contract broken: as above, and Finding code "any-conflict": rows that
// "match together and decide differently".
//
// Input: an any table of type "t" whose row 1 says `type ""` and row 2
// `type "t"`, both always matching. Compiled, row 1's empty type keeps the
// table's, so both rows decide type "t", title "x": the table decides at
// every input of the sweep.
//
// Observed: any-conflict for rows 1 and 2. Expected: none.
//
// Mechanism: rowSignatures and sameDecision (analyze_rank.go) read a
// row's type as the row's own whenever its Type is non-nil, so `type ""`
// is the literal "" against "t": decideDifferently. The compiler's
// newLeaf reads an empty type as none (cmpOr).
func TestAdversary68_EmptyRowTypeAnyConflict(t *testing.T) {
	fs, rs := analyzeCompiled[a68Env](t, "a68", `table t hit any {
  type "t"
  in a
  row - => type "" title "x"
  row - => type "t" title "x"
}
`)
	f := findingOf(fs, "any-conflict", "t", "row 1")
	if f == nil {
		return // fixed
	}
	for _, e := range a68Sweep() {
		hits, err := rs.Eval(e, a68Now)
		if err != nil || len(hits) != 1 {
			t.Logf("at a = %v the table fails or makes no single hit (%v, %v): the conflict may be real", e.A, hits, err)
			return
		}
	}
	t.Errorf("FALSE any-conflict: %q (witness %v); both rows decide type \"t\", title \"x\" and the compiled table decides at every input of the sweep",
		f.Message, f.Witness)
}

// Contract broken: Finding code "any-conflict" (rows that "decide
// differently"); rulefile's own reading of urgency (domain.leaf: "As
// compiled: a literal outside [0,1] fails the file or, with clamped
// outputs, is clamped, so the value read is in [0,1]").
//
// Input: an any table whose rows say urgency 1.5 and urgency 2, both
// always matching, compiled with dsl.WithClampedOutputs (without it the
// file does not compile, so the finding's claim is about this rule set
// only). Both urgencies clamp to 1: the rows decide alike and the table
// decides at every input of the sweep.
//
// Observed: any-conflict for rows 1 and 2. Expected: none.
//
// Mechanism: sameNumber (analyze_rank.go) compares the literals' values,
// 1.5 != 2, without the clamp that domain.leaf applies to the same
// statements.
func TestAdversary68_ClampedUrgencyAnyConflict(t *testing.T) {
	src := `ruleset a68 version 1

table t hit any {
  type "t"
  in a
  row - => urgency 1.5
  row - => urgency 2
}
`
	file, err := rulefile.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := dsl.CompileRules[a68Env]([]byte(src), dsl.WithClampedOutputs())
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	fs := rulefile.Analyze(file)
	f := findingOf(fs, "any-conflict", "t", "row 1")
	if f == nil {
		return // fixed
	}
	for _, e := range a68Sweep() {
		hits, err := rs.Eval(e, a68Now)
		if err != nil || len(hits) != 1 {
			t.Logf("at a = %v the table fails or makes no single hit (%v, %v): the conflict may be real", e.A, hits, err)
			return
		}
	}
	t.Errorf("FALSE any-conflict: %q (witness %v); with clamped outputs both rows decide urgency 1 and the table decides at every input of the sweep",
		f.Message, f.Witness)
}

// Contract broken: rulefile doc.go # Analysis, a table is decided "point
// by point as the compiled table decides"; analyze_table.go, "a row no
// point fires never fires", and the unreachable-row finding "never
// decides: every input it matches makes the table fail" (which the
// analysis reports for unique and any tables).
//
// Input: a collect table aggregating urgency by sum; row 1 (a < 0) says
// urgency 0.6, row 2 (-) urgency 0.6. Wherever row 1 matches, row 2 does
// too, the sum is 1.2, outside [0,1], and the compiled table fails
// ("hit policy collect sum: urgency is 1.2, outside [0,1]"). Row 1 never
// decides; brute force over the sweep confirms it.
//
// Observed: no finding for t. Expected: unreachable-row for row 1 (or
// unknown).
//
// Mechanism: tableState.decide (analyze_table.go) takes every matching
// row of a collect table as deciding; it does not model fireAggregate's
// failures (an urgency or sensitivity sum outside [0,1], +Inf plus -Inf).
// A weaker finding than the others: a miss, not a false claim.
func TestAdversary68_CollectSumUrgencyRowNeverDecidesMissed(t *testing.T) {
	fs, rs := analyzeCompiled[a68Env](t, "a68", `table t hit collect sum urgency {
  type "t"
  in a
  row < 0 => urgency 0.6
  row -   => urgency 0.6
}
`)
	decides := false
	for _, e := range a68Sweep() {
		hits, err := rs.Eval(e, a68Now)
		if err == nil && len(hits) == 1 && strings.Contains(hits[0].Path, "1") {
			decides = true
		}
	}
	if decides {
		t.Fatal("row 1 decides at some input of the sweep: test broken")
	}
	if _, err := rs.Eval(a68Env{A: a68Num(-1)}, a68Now); err == nil {
		t.Fatal("at a = -1 the table does not fail: test broken")
	}
	// Fixed: the table decides here only if the rule set clamps its
	// outputs, which a file does not say; the analysis reports where the
	// sum leaves [0,1] (collect-out-of-range, with a witness) rather than
	// claim the row never decides.
	if f := findingOf(fs, "collect-out-of-range", "t", "row 1"); f != nil {
		if _, err := rs.Eval(a68Env{A: a68Num(-1)}, a68Now); err == nil {
			t.Errorf("collect-out-of-range %q, yet the table decides at a = -1", f.Message)
		}
		return
	}
	if findingOf(fs, "unreachable-row", "t", "row 1") == nil && findingOf(fs, rulefile.CodeUnknown, "t", "") == nil {
		t.Errorf("MISSED unreachable-row: row 1 of t never decides (wherever it matches the sum of urgencies is 1.2 and the table fails), yet Analyze reports nothing of t: %+v", fs)
	}
}
