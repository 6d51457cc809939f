package dsl

// The fifth adversary's suite: the closures (native*.go) against expr, and
// numeric edge cases. Every test here fails on the code it was written
// against; each names the promise of doc.go it breaks. The closures are
// compared with a rule set compiled with exprOnly, the reference
// native_test.go tests them against.

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"
)

// a5Cents is a fixed-point money type a host registers with WithNumber:
// 150 is £1.50.
type a5Cents int64

type a5Env struct {
	X float64       `expr:"x"`
	B bool          `expr:"b"`
	C a5Cents       `expr:"c"`
	D time.Duration `expr:"d"`
}

var a5Now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// a5Outcome is what one rule set made of one environment: its hits (rule,
// title, outputs) and error, or the panic that escaped.
func a5Outcome(src string, env a5Env, opts ...Option) (out string) {
	defer func() {
		if r := recover(); r != nil {
			out = fmt.Sprintf("PANIC: %v", r)
		}
	}()
	rs, err := CompileRules[a5Env]([]byte("ruleset a5 version 1\n"+src), opts...)
	if err != nil {
		return "compile error: " + firstLine(err.Error())
	}
	hits, err := rs.Eval(env, a5Now)
	out = "hits:"
	for _, h := range hits {
		out += fmt.Sprintf(" %s title=%q outputs=%v", h.Rule, h.Title, h.Outputs)
	}
	if err != nil {
		out += " error: " + firstLine(err.Error())
	}
	return out
}

// a5Agree fails t unless the rule set gives the same outcome with its
// closures as with expr alone.
func a5Agree(t *testing.T, src string, env a5Env, opts ...Option) {
	t.Helper()
	got := a5Outcome(src, env, opts...)
	want := a5Outcome(src, env, append(opts, exprOnly)...)
	if got != want {
		t.Errorf("closures and expr disagree on\n%s\n  closures: %s\n  expr:     %s", src, got, want)
	}
}

// Nothing panics out of the library (doc.go, "Untrusted rules"), and a
// constant is "a number, string or bool". A rule-file constant that
// computes to +Inf is accepted, but CompileRules then panics: the shared
// guards key each rule's leading conjunct by its text
// (native_guard.go:sharedGuards, lead.String()), and expr prints a
// ConstantNode with encoding/json, which refuses ±Inf ("json: unsupported
// value: +Inf"). With exprOnly the same file compiles and the rule fires.
// One rule is enough: the key is computed before the guard is known to be
// shared. (native_memo.go:memoInt keys date calls the same way.)
func TestAdversary5InfConstantPanicsCompile(t *testing.T) {
	src := "const Cap = 1e308 * 10\nrule r {\n  type \"t\"\n  when x < Cap && b\n}\n"
	env := a5Env{X: 1, B: true}
	if got := a5Outcome(src, env); got != "hits: r title=\"\" outputs=map[]" {
		t.Errorf("want r to fire, as with expr alone (%s); got %s", a5Outcome(src, env, exprOnly), got)
	}
}

// The closures and expr always agree (dsl/native.go: "the closures can only
// ever agree with expr"), and a decimal type registered with WithNumber is
// read as "the float64 its conversion gives" (doc.go, Numbers). For a
// named integer type registered with WithNumber, the closures ignore the
// conversion: __num(c) compiles to the raw field (native_calls.go:call,
// the numFunc case returns its argument whenever it is an int or float
// node; native.go:place reads any integer kind as an int). So with c =
// 150 (£1.50), `c > 100` is true in the closures and false in expr, and
// the rule fires with title "150" where expr says it does not fire.
func TestAdversary5WithNumberNamedInteger(t *testing.T) {
	cents := WithNumber(func(c a5Cents) float64 { return float64(c) / 100 })
	a5Agree(t, "rule r {\n  type \"t\"\n  when c > 100\n  title \"{c}\"\n}\n", a5Env{C: 150}, cents)

	e, err := Compile[a5Env, bool](`c > 100`, cents)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := e.Eval(a5Env{C: 150}, a5Now); v || err != nil {
		t.Errorf("c > 100 with c = 150 cents (1.5): got %v, %v; want false", v, err)
	}
}

// time.Duration "keeps its type" (doc.go, Numbers), and the closures must
// agree with expr. The closures read a Duration field as a plain int
// (native.go:place, which goes by reflect.Kind, while numbers.go:numberKind
// leaves Duration, time.Month and any type with WithMethods unconverted).
// So:
//   - a title "{d}" with d = 5s reads "5000000000" with the closures and
//     "5s" with expr, and an output holds int 5000000000 instead of 5s;
//   - abs, round, floor and ceil of a Duration are decided by the closures
//     (native_calls.go:builtin), while expr fails at run time with
//     "invalid argument for abs (type time.Duration)": the closures fire a
//     rule that expr reports as an error (and the type error is one the
//     compile could have caught).
func TestAdversary5DurationKeepsItsType(t *testing.T) {
	t.Run("title", func(t *testing.T) {
		a5Agree(t, "rule r {\n  type \"t\"\n  when b\n  title \"{d}\"\n  output wait d\n}\n", a5Env{B: true, D: 5 * time.Second})
	})
	t.Run("abs", func(t *testing.T) {
		a5Agree(t, "rule r {\n  type \"t\"\n  when abs(d) > d\n}\n", a5Env{D: -time.Second})
	})
}

// NaN never decides: "a comparison ... that sees NaN as an operand fails
// the evaluation with ErrNaN, wherever the NaN came from" (doc.go, NaN and
// nil); int(x), num(x), money(x, …) and pct(x) all fail on a NaN for that
// reason. string(x) does not (registry.go "string" → scalarString writes
// "NaN"), so `string(x) == "NaN"` is true for a NaN x, in Eval and Explain
// and in both backends, with no error: the NaN decided the comparison.
func TestAdversary5StringOfNaNDecides(t *testing.T) {
	for _, opts := range [][]Option{nil, {exprOnly}} {
		e, err := Compile[a5Env, bool](`string(x) == "NaN"`, opts...)
		if err != nil {
			t.Fatal(err)
		}
		v, err := e.Eval(a5Env{X: math.NaN()}, a5Now)
		if !errors.Is(err, ErrNaN) {
			t.Errorf("string(x) == \"NaN\" with a NaN x: got %v, %v; want an error matching ErrNaN", v, err)
		}
	}
}
