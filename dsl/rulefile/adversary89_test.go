package rulefile_test

// The eighty-ninth adversary's suite against rulefile.Analyze's
// equivalent-when: held to the compiled rule set by brute force over
// nil, the literals, their neighbours, ±Inf and NaN.

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
)

type a89Env struct {
	B *float64 `expr:"b"`
	C *float64 `expr:"c"`
	S *string  `expr:"s"`
}

var a89Now = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// a89Nums are nil and the numbers of the sweep: the literals (1), their
// neighbours, ±Inf and NaN.
func a89Nums() []*float64 {
	out := []*float64{nil}
	for _, x := range []float64{math.Inf(-1), -1, 0, 0.5, 1, 1.5, 2, math.Inf(1), math.NaN()} {
		x := x
		out = append(out, &x)
	}
	return out
}

func a89Strs() []*string {
	out := []*string{nil}
	for _, s := range []string{"", "a", "a\x00", "b"} {
		s := s
		out = append(out, &s)
	}
	return out
}

func a89Show(p *float64) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

// a89Differ is an input of the sweep where rules x and y of rs do not
// fire alike, and false when there is none.
func a89Differ(rs *dsl.RuleSet[a89Env], x, y string) (a89Env, bool) {
	for _, b := range a89Nums() {
		for _, c := range a89Nums() {
			for _, s := range a89Strs() {
				e := a89Env{B: b, C: c, S: s}
				if tookPath(rs, e, a89Now, x, "") != tookPath(rs, e, a89Now, y, "") {
					return e, true
				}
			}
		}
	}
	return a89Env{}, false
}

// Promise broken: rulefile doc.go # Analysis, "[Analyze] reports ...
// rules whose conditions hold for the same inputs ... It is exact where
// it claims anything"; dsl doc.go # NaN and nil, "A comparison (==, !=,
// ...) that sees NaN as an operand fails the evaluation with ErrNaN ...
// Operators that short-circuit decide before they look".
//
// The two conditions are one disjunction in two orders. Over nil and
// every number but NaN they agree (== never fails there, and b, c are
// top-level paths whose read never fails: through() gives them no
// failing witness). But a NaN b fails `b == 1` where it is read: at c =
// 1, x short-circuits to true before reading b, while y reads b first
// and fails. The analysis's witnesses (analyze_value.go axis /
// numberWitnesses; atoms.witnesses in analyze_cond.go) have no NaN, nor
// any failing value for a top-level number compared only with == / !=,
// so equivalentWhens/sameWhen see the two as equal.
//
// Observed: equivalent-when "the condition of y is equivalent to that of
// x". Expected: none: at b = NaN, c = 1, x fires and y fails; at b = 1,
// c = NaN, y fires and x fails.
func TestAdversary89NaNShortCircuitFalseEquivalentWhen(t *testing.T) {
	fs, rs := analyzeCompiled[a89Env](t, "a89", `rule x {
  type "x"
  when c == 1 || b == 1
}

rule y {
  type "y"
  when b == 1 || c == 1
}
`)
	f := findingOf(fs, "equivalent-when", "y", "x")
	if f == nil {
		return
	}
	e, differ := a89Differ(rs, "x", "y")
	if !differ {
		t.Logf("x and y fire alike on every input of the sweep: the finding holds")
		return
	}
	_, err := rs.Eval(e, a89Now)
	t.Errorf("FALSE equivalent-when: %q; at b = %s, c = %s: x fires %v, y fires %v (%v)", f.Message,
		a89Show(e.B), a89Show(e.C), tookPath(rs, e, a89Now, "x", ""), tookPath(rs, e, a89Now, "y", ""), err)
}

// The adversary read this as a miss: over a *string s, `s == "a" || s !=
// "a"` always holds, so w's condition holds exactly where z's does. But
// the analysis knows no types (rulefile's package doc), so a claim must
// hold for every type the file compiles against, and with s an `any`
// holding a NaN, w's comparisons of s fail where z decides (a comparison
// that sees NaN fails: dsl's "NaN and nil"). The two are not equivalent
// for every type, and the analysis rightly says nothing; the test holds
// that, and shows the input where they part.
type a89AnyEnv struct {
	C *float64 `expr:"c"`
	S any      `expr:"s"`
}

func TestAdversary89TautologyOverAnyValueIsNoEquivalence(t *testing.T) {
	body := `rule z {
  type "z"
  when c == 1
}

rule w {
  type "w"
  when c == 1 && (s == "a" || s != "a")
}
`
	fs, rs := analyzeCompiled[a89Env](t, "a89", body)
	if e, differ := a89Differ(rs, "z", "w"); differ {
		t.Fatalf("test broken: z and w fire differently at c = %s, s = %v", a89Show(e.C), e.S)
	}
	if f := findingOf(fs, "equivalent-when", "w", "z"); f != nil {
		t.Errorf("equivalent-when %q, yet over an any s they part", f.Message)
	}
	_, anyRS := analyzeCompiled[a89AnyEnv](t, "a89", body)
	one := 1.0
	e := a89AnyEnv{C: &one, S: math.NaN()}
	if z, w := tookPath(anyRS, e, a89Now, "z", ""), tookPath(anyRS, e, a89Now, "w", ""); z == w {
		t.Errorf("at c = 1, s = NaN (an any): z fires %v and w fires %v; the test expects them to part", z, w)
	}
}
