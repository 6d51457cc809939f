package rulefile_test

// The twenty-ninth adversary's suite against rulefile.Analyze. Every test
// fails on the current code and documents one defect, held to the compiled
// rule set (dsl.CompileRules) by brute-force evaluation, as the earlier
// adversaries' tests are.

import (
	"testing"
	"time"
)

type a29X struct {
	Score float64 `expr:"score"`
	Flag  bool    `expr:"flag"`
}

type a29Env struct {
	X a29X `expr:"x"`
}

var a29Now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// a29Sweep covers the classes of the files below (and then some).
func a29Sweep() []a29Env {
	var out []a29Env
	for _, sc := range []float64{-1e9, -1, 0, 0.5, 1, 3, 4, 5, 5.5, 6, 7, 1e9} {
		for _, fl := range []bool{false, true} {
			out = append(out, a29Env{X: a29X{Score: sc, Flag: fl}})
		}
	}
	return out
}

// TestAdversary29_LetOfUnreadableConstant: adversary 19 made a table
// input that is a constant the analysis cannot read (`in N`, `const N =
// 2 * 3`) say "unknown". A let of that constant (`let a = N; in a`) is
// the same value (the compiler inlines the let: `in N`), but scope.letKey
// finds no literal (literalNode refuses an unread constant), then takes
// the chain `N` for a field path ("field N"), a free value, and Analyze
// claims a table-gap "no row of t covers inputs such as a = 5". a is 6 in
// every evaluation. Docs: "a constant it cannot read ... it reports code
// "unknown""; Finding.Witness: "an input that demonstrates a gap".
// Minimal file below; witness: every input of the sweep takes row 1.
func TestAdversary29_LetOfUnreadableConstant(t *testing.T) {
	fs, rs := analyzeCompiled[a29Env](t, "a29", `const N = 2 * 3

table t hit unique {
  type "t"
  let a = N
  in a
  row 6 => title "six"
}
`)
	f := findingOf(fs, "table-gap", "t", "")
	if f == nil {
		return // no such claim: what the analysis must give
	}
	for _, e := range a29Sweep() {
		if !tookPath(rs, e, a29Now, "t", "row 1") {
			t.Logf("the table misses %+v: the gap may be real", e)
			return
		}
	}
	t.Errorf("FALSE table-gap: %q (witness %v): a is the constant 6 and every input of the sweep takes row 1", f.Message, f.Witness)
}

// TestAdversary29_WhenComparesLiteralLet: the latest fix makes a let of a
// literal that value, yet a condition comparing such a let with a literal
// (`let lim = 3; when lim > 5`) or two such lets (`let a = 5; let b = 6;
// when a == b`) is not read: comparison refuses a side that is itself a
// literal (`both`), and the whole comparison becomes an opaque atom that
// may be true. Analyze then claims a table-gap with a witness that
// contradicts the file: {x.score: 4, "lim > 5": true} (lim is 3), and
// {x.score: 4, "a == b": true} (5 == 6). Both whens are false at every
// input, so the table never decides and no input shows a gap. Docs: a
// condition is read as comparisons "of a value (a field path, a let, any
// other expression) with a literal or a constant"; Finding.Witness: "an
// input that demonstrates a gap". Witness: at every input of the sweep
// the compiled table does not fire (no hit, no error).
func TestAdversary29_WhenComparesLiteralLet(t *testing.T) {
	for name, body := range map[string]string{
		"let_vs_literal": `table t hit unique {
  type "t"
  let lim = 3
  when lim > 5
  in x.score
  row > 5 => title "above"
}
`,
		"let_vs_let": `table t hit unique {
  type "t"
  let a = 5
  let b = 6
  when a == b
  in x.score
  row > 5 => title "above"
}
`,
	} {
		t.Run(name, func(t *testing.T) {
			fs, rs := analyzeCompiled[a29Env](t, "a29", body)
			f := findingOf(fs, "table-gap", "t", "")
			if f == nil {
				return // no such claim: what the analysis must give
			}
			for _, e := range a29Sweep() {
				hits, err := rs.Eval(e, a29Now)
				if err != nil {
					t.Logf("evaluation fails at %+v: %v", e, err)
					return
				}
				for _, h := range hits {
					if h.Rule == "t" {
						t.Logf("t fires at %+v: the when is not constant", e)
						return
					}
				}
			}
			t.Errorf("FALSE table-gap: %q (witness %v): the when is false at every input of the sweep, so the table never decides and has no gap", f.Message, f.Witness)
		})
	}
}

// TestAdversary29_ControlLiteralForms: controls (pass today): a let of a
// let of a literal in a when, a constant both a cell and an input, -0 in
// a let, and a constant of a negated constant are read as their values;
// no gap is claimed.
func TestAdversary29_ControlLiteralForms(t *testing.T) {
	for name, body := range map[string]string{
		"let_of_let":   "table t hit unique {\n  type \"t\"\n  let a = 5\n  let b = a\n  when x.score > b\n  in x.score\n  row > 5 => title \"above\"\n}\n",
		"const_cell":   "const On = true\n\ntable t hit unique {\n  type \"t\"\n  in On, x.flag\n  row On, - => title \"on\"\n}\n",
		"neg_zero":     "table t hit unique {\n  type \"t\"\n  let z = -0\n  in z\n  row 0 => title \"zero\"\n}\n",
		"const_of_neg": "const A = 5\nconst B = -A\n\ntable t hit unique {\n  type \"t\"\n  in B\n  row -5 => title \"neg\"\n}\n",
	} {
		t.Run(name, func(t *testing.T) {
			fs, _ := analyzeCompiled[a29Env](t, "a29", body)
			if f := findingOf(fs, "table-gap", "t", ""); f != nil {
				t.Errorf("table-gap claimed: %q %v", f.Message, f.Witness)
			}
		})
	}
}
