package rulefile_test

// The nineteenth adversary's suite against rulefile.Analyze. Every test
// fails on the current code and documents one defect, held to the compiled
// rule set (dsl.CompileRules) by brute-force evaluation, as the earlier
// adversaries' tests are.

import (
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/dsl/rulefile"
)

type a19X struct {
	Score float64 `expr:"score"`
	Flag  bool    `expr:"flag"`
}

type a19Env struct {
	X a19X `expr:"x"`
}

var a19Now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// a19Sweep covers the classes of the files below (and then some).
func a19Sweep() []a19Env {
	var out []a19Env
	for _, sc := range []float64{-1e9, -1, 0, 0.5, 1, 1.5, 2, 4, 5, 5.5, 6, 7, 1e9} {
		for _, fl := range []bool{false, true} {
			out = append(out, a19Env{X: a19X{Score: sc, Flag: fl}})
		}
	}
	return out
}

// a19FalseGap fails the test when Analyze reports a table-gap for table t
// while, at every input of the sweep that admits(), the compiled table
// decides (takes some row). It returns quietly when no gap is claimed.
func a19FalseGap(t *testing.T, body string, admits func(a19Env) bool) {
	t.Helper()
	fs, rs := analyzeCompiled[a19Env](t, "a19", body)
	f := findingOf(fs, "table-gap", "t", "")
	if f == nil {
		return // no such claim: what the analysis must give (a false claim would be checked below)
	}
	admitted := 0
	for _, e := range a19Sweep() {
		if !admits(e) {
			continue
		}
		admitted++
		if !tookPath(rs, e, a19Now, "t", "") {
			t.Logf("the table misses %+v: the gap may be real", e)
			return
		}
	}
	if admitted == 0 {
		t.Fatal("test broken: the sweep admits no input")
	}
	t.Errorf("FALSE table-gap: %q (witness %v): every one of the %d admitted inputs of the sweep is decided by a row", f.Message, f.Witness, admitted)
}

// TestAdversary19_UnreadableConstantInput: a table input that is a file
// constant whose value the analysis cannot read (`const N = 2 * 3`) is
// taken for a free field path (valueAtom: a root not in a.consts is a
// field), so Analyze reports a gap at N = 5. N is 6 in every evaluation
// and row 1 decides every input. Docs (doc.go, Analysis): "Where the
// analysis cannot decide (... a constant it cannot read ...) it reports
// code "unknown""; Finding.Witness: "an input that demonstrates a gap".
// Adversary 12's ConstantInputGap fixed the readable constant only.
// Witness: every input of the sweep takes row 1.
func TestAdversary19_UnreadableConstantInput(t *testing.T) {
	a19FalseGap(t, `const N = 2 * 3

table t hit unique {
  type "t"
  in N
  row 6 => title "six"
}
`, func(a19Env) bool { return true })
}

// TestAdversary19_LetOfLiteralInput: a let whose value is a literal or a
// readable constant (`let lim = 5`, `let on = On`) is inlined by the
// compiler ("Lets are inlined where they are used"), so it is that one
// value. scope.letKey keys it as an opaque value ("value (int 5)[]"), a
// free atom, so Analyze reports gaps at lim = 4 and on = false, and, in
// the when, reads `x.score > lim` as an opaque condition apart from the
// input x.score (witness {x.score: 4, "x.score > lim": true}). Adversary
// 12 fixed `in On` and `let s = x.score`, not a let of a literal.
// Witness: every input of the sweep the when admits takes row 1.
func TestAdversary19_LetOfLiteralInput(t *testing.T) {
	t.Run("let_literal_input", func(t *testing.T) {
		a19FalseGap(t, `table t hit unique {
  type "t"
  let lim = 5
  in lim
  row 5 => title "five"
}
`, func(a19Env) bool { return true })
	})
	t.Run("let_constant_input", func(t *testing.T) {
		a19FalseGap(t, `const On = true

table t hit unique {
  type "t"
  let on = On
  in on
  row true => title "on"
}
`, func(a19Env) bool { return true })
	})
	t.Run("let_literal_in_when", func(t *testing.T) {
		a19FalseGap(t, `table t hit unique {
  type "t"
  let lim = 5
  when x.score > lim
  in x.score
  row > 5 => title "above"
}
`, func(e a19Env) bool { return e.X.Score > 5 })
	})
}

// TestAdversary19_ConditionComparedWithTrue: `when (x.score > 1) ==
// true` is the condition x.score > 1 (a nil x.score fails both), but the
// reader takes the comparison's left side as an opaque value atom apart
// from the field x.score, and reports a gap whose witness contradicts
// itself: {x.score: 0, "x.score > 1": true}. This is adversary 9's `when
// x.flag` / `in x.flag` defect one level down: a comparison of a condition
// with true or false is that condition or its negation. Docs
// (Finding.Witness): "an input that demonstrates a gap". Witness: every
// input of the sweep with score > 1 takes row 1.
func TestAdversary19_ConditionComparedWithTrue(t *testing.T) {
	t.Run("eq_true", func(t *testing.T) {
		a19FalseGap(t, `table t hit unique {
  type "t"
  when (x.score > 1) == true
  in x.score
  row > 1 => title "above"
}
`, func(e a19Env) bool { return e.X.Score > 1 })
	})
	t.Run("ne_false", func(t *testing.T) {
		a19FalseGap(t, `table t hit unique {
  type "t"
  when (x.score > 1) != false
  in x.score
  row > 1 => title "above"
}
`, func(e a19Env) bool { return e.X.Score > 1 })
	})
}

// TestAdversary19_ClampedUrgencyDomain: the domain of a decision's
// urgency (or sensitivity) is the literals its statements say, here
// {1.5}, and Analyze calls `branch d.urgency == 1` unreachable. A literal
// outside [0,1] compiles only under dsl.WithClampedOutputs (otherwise it
// is a compile error: "urgency 1.5 is outside [0,1]"), and then the
// decision's urgency is clamped to 1, and branch 1 is taken at every
// input. So the claim is true of no compiled rule set. Docs: "a branch or
// row is unreachable only when no input at all reaches it"; a read "holds
// only what the decision can say". Minimal file below; witness: any
// input (x.score = 0) takes branch 1 (and branch 1 of s, for sensitivity).
func TestAdversary19_ClampedUrgencyDomain(t *testing.T) {
	src := `ruleset a19 version 1

rule d {
  type "d"
  emit false
  urgency 1.5
  sensitivity -0.5
}

rule r {
  type "r"
  branch d.urgency == 1 {
    title "clamped"
  }
}

rule s {
  type "s"
  branch d.sensitivity == 0 {
    title "clamped"
  }
}
`
	if _, err := dsl.CompileRules[a19Env]([]byte(src)); err == nil {
		t.Fatal("the file compiles without clamping; want the compile error for urgency 1.5")
	}
	rs, err := dsl.CompileRules[a19Env]([]byte(src), dsl.WithClampedOutputs())
	if err != nil {
		t.Fatalf("compile with clamped outputs: %v", err)
	}
	f, err := rulefile.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	fs := rulefile.Analyze(f)
	env := a19Env{}
	for _, id := range []string{"r", "s"} {
		fd := findingOf(fs, "unreachable-branch", id, "branch 1")
		if fd == nil {
			continue // no such claim: what the analysis must give
		}
		if tookPath(rs, env, a19Now, id, "branch 1") {
			t.Errorf("FALSE unreachable-branch: %q, yet with clamped outputs (the only way the file compiles) %s takes branch 1 at %+v", fd.Message, id, env)
		}
	}
}
