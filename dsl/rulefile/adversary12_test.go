package rulefile_test

// The twelfth adversary's suite against rulefile.Analyze. Every test fails
// on the current code and documents one defect, held to the compiled rule
// set (dsl.CompileRules) as the property tests are.

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl/rulefile"
)

type a12X struct {
	Score float64        `expr:"score"`
	Flag  bool           `expr:"flag"`
	M     map[string]any `expr:"m"`
}

type a12Env struct {
	X a12X `expr:"x"`
}

var a12Now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

func a12Sweep() []a12Env {
	var out []a12Env
	for _, sc := range []float64{-1, 0, 0.5, 1, 2} {
		for _, fl := range []bool{false, true} {
			out = append(out, a12Env{X: a12X{Score: sc, Flag: fl}})
		}
	}
	return out
}

// TestAdversary12BracketKeyWithDotIsNotAPath: chainOf reads a member
// access with a string property as one more path step, joining the steps
// with ".", so x.m["k.z"] (the map entry named "k.z") and x.m.k.z (entry z
// of entry k) get the one key "field x.m.k.z": one atom for two values.
// Branch 2 is called unreachable ("not (x.m["k.z"] == 1) and x.m.k.z ==
// 1"), yet m = {"k": {"z": 1}} takes it. Docs: "a branch or row is
// unreachable only when no input at all reaches it"; opaque expressions
// are one atom "only when they are one computation". (The same merge makes
// `when x.m["k.z"] == 1` and `when x.m.k.z == 1` "equivalent-when".)
func TestAdversary12BracketKeyWithDotIsNotAPath(t *testing.T) {
	fs, rs := analyzeCompiled[a12Env](t, "a12", `rule r {
  type "r"
  branch x.m["k.z"] == 1 {
    title "a"
  }
  branch x.m.k.z == 1 {
    title "b"
  }
}
`)
	f := findingOf(fs, "unreachable-branch", "r", "")
	if f == nil {
		return // no such claim: what the analysis must give (a false claim would be checked below)
	}
	env := a12Env{X: a12X{M: map[string]any{"k": map[string]any{"z": 1}}}}
	if tookPath(rs, env, a12Now, "r", "branch 2") {
		t.Errorf("FALSE unreachable-branch: %q, yet the compiled rule takes branch 2 at m = %v", f.Message, env.X.M)
	}
}

// TestAdversary12ConstantInputGap: a table input that is a file constant
// the analysis reads (const On = true) is taken as a free value, and a
// gap is reported with witness {On: false}. On is true in every
// evaluation and row 1 matches every input: there is no gap. Docs
// (Finding.Witness): "an input that demonstrates a gap"; the analysis
// reads constants with literal values (fileConstants) and says "unknown"
// only for "a constant it cannot read".
func TestAdversary12ConstantInputGap(t *testing.T) {
	fs, rs := analyzeCompiled[a12Env](t, "a12", `const On = true

table t hit unique {
  type "t"
  in On
  row true => title "a"
}
`)
	f := findingOf(fs, "table-gap", "t", "")
	if f == nil {
		return // no such claim: what the analysis must give (a false claim would be checked below)
	}
	for _, e := range a12Sweep() {
		if !tookPath(rs, e, a12Now, "t", "row 1") {
			return
		}
	}
	t.Errorf("FALSE table-gap: %q (witness %v): the constant On is true and row 1 decides every input", f.Message, f.Witness)
}

// TestAdversary12LetAliasGap: the compiler inlines a let (dsl/lets.go:
// "Lets are inlined where they are used"), so `let s = x.score` is the
// computation x.score. The analysis keys it "let s = (x.score)[]", apart
// from the field x.score, and reports a gap with witness {s: 1,
// x.score: -1}, a point no input gives: wherever the when (s > 0) holds,
// x.score > 0 and row 1 decides. This is the `when x.flag` / `in x.flag`
// defect of adversary 9 through a let. Docs: "a gap ... comes with an
// input that shows it" (the caveat on computed inputs speaks of a witness
// over a let or call input; here the input is a plain field).
func TestAdversary12LetAliasGap(t *testing.T) {
	fs, rs := analyzeCompiled[a12Env](t, "a12", `table t hit unique {
  type "t"
  let s = x.score
  when s > 0
  in x.score
  row > 0 => title "a"
}
`)
	f := findingOf(fs, "table-gap", "t", "")
	if f == nil {
		return // no such claim: what the analysis must give (a false claim would be checked below)
	}
	for _, e := range a12Sweep() {
		if e.X.Score > 0 && !tookPath(rs, e, a12Now, "t", "row 1") {
			return
		}
	}
	t.Errorf("FALSE table-gap: %q (witness %v): s is x.score, and every input the when admits is decided by row 1", f.Message, f.Witness)
}

// TestAdversary12LetHiddenByExprLet: an expr `let` inside an expression
// hides a rule let of the same name (dsl/lets.go inlineLets: "Names bound
// by an expr `let` ... inside the expression shadow rule lets"), so the
// rule's let s is read nowhere. letsRead counts every identifier s, so no
// unused-let is reported. Adversary 9's let_hidden_by_branch_let is the
// same defect through a branch's let; the docs promise unused-let correct.
func TestAdversary12LetHiddenByExprLet(t *testing.T) {
	fs, rs := analyzeCompiled[a12Env](t, "a12", `rule r {
  type "r"
  let s = x.score
  when (let s = 1; s > 0)
}
`)
	// The when is true whatever x.score is: the rule's s is not read.
	if !tookPath(rs, a12Env{X: a12X{Score: -5}}, a12Now, "r", "") {
		t.Fatal("rule r does not fire at score -5")
	}
	if findingOf(fs, "unused-let", "r", "") == nil {
		t.Errorf("MISSED unused-let: the rule's let s is hidden by the expression's own let s and read nowhere: %v", fs)
	}
}

// TestAdversary12AnyTableQuadraticWork: "Its work is bounded ... a file
// built to be expensive is analyzed in a second or two at most". An any
// table's rows are compared pairwise at every grid point (sameDecision,
// which parses both rows' outputs each time), outside the budget: the
// weight charged is the cells' size, linear in the rows. 1000 rows that
// all match and decide alike ("a" and 'a'), over a grid of a dozen points,
// take about 8 s and report nothing (the file is analyzed only, so the
// field x.age need not exist).
func TestAdversary12AnyTableQuadraticWork(t *testing.T) {
	if raceEnabled {
		t.Skip("a bound on time says nothing under the race detector (10x slower, and as loaded as the machine)")
	}
	var b strings.Builder
	b.WriteString("ruleset a12 version 1\n\ntable t hit any {\n  type \"t\"\n")
	b.WriteString("  when x.age != 1 && x.age != 2 && x.age != 3 && x.age != 4 && x.age != 5\n  in x.score\n")
	for i := range 1000 {
		o := `"a"`
		if i%2 == 1 {
			o = `'a'`
		}
		fmt.Fprintf(&b, "  row - => output v %s\n", o)
	}
	b.WriteString("}\n")
	f, err := rulefile.Parse([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	fs := rulefile.Analyze(f)
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("an any table of 1000 rows took %v (%d findings): work outside the budget", d, len(fs))
	}
}

// TestAdversary12EquivalentWhenQuadraticWork: equivalentWhens compares
// every pair of rules whose whens read the same atoms (the keys leave out
// the literals, so `x.score > 1` and `x.score > 2` pair), re-parsing both
// whens for each pair before the budget is consulted: 2000 one-line rules
// take about 11 s. Docs: "a file built to be expensive is analyzed in a
// second or two at most".
func TestAdversary12EquivalentWhenQuadraticWork(t *testing.T) {
	if raceEnabled {
		t.Skip("a bound on time says nothing under the race detector (10x slower, and as loaded as the machine)")
	}
	var b strings.Builder
	b.WriteString("ruleset a12 version 1\n\n")
	for i := range 2000 {
		fmt.Fprintf(&b, "rule r%d {\n  type \"t\"\n  when x.score > %d\n}\n\n", i, i)
	}
	f, err := rulefile.Parse([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	rulefile.Analyze(f)
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("2000 rules of one line each took %v: the pairwise equivalent-when check is outside the budget", d)
	}
}
