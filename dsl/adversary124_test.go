package dsl_test

// The hundred-and-twenty-fourth adversary's suite: the typing of a
// condition whose value is known only when the rule runs, in both
// directions. doc.go (Numbers): "A condition known only when the rule
// runs (`when m.flag`, `when (let f = m.flag; f ?? false)`) is read then,
// and fails on a nil or on a value that is not a bool; one that is no bool
// whatever the data (`n > 0 ? 1 : "a"`) is a compile error."
//
// So a refusal must be of an expression that is no bool for any data, and
// an accepted condition must be a bool for some data.

import (
	"errors"
	"fmt"
	"math"
	"math/rand"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
)

type a124Env struct {
	M  map[string]any `expr:"m"`
	A  any            `expr:"a"`
	L  []any          `expr:"l"`
	PB *bool          `expr:"pb"`
	PA *any           `expr:"pa"`
	B  bool           `expr:"b"`
	N  int            `expr:"n"`
}

var a124At = time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)

// a124Guard runs body on its own goroutine with a 10 s timeout, turning a
// panic into a test failure.
func a124Guard(t *testing.T, body func()) {
	t.Helper()
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		body()
	}()
	select {
	case p := <-done:
		if p != nil {
			t.Fatalf("panic: %v", p)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("timed out after 10 s")
	}
}

// a124Values are the values data may hold behind an any.
func a124Values() []any {
	return []any{nil, true, false, 0, 1, -1, 2.5, math.NaN(), "s", "",
		[]any{}, []any{true}, []any{false}, []any{1}, []any{true, false}, []any{1, 2}, []any{"s"}, []any{[]any{true}},
		map[string]any{}, map[string]any{"k": true}}
}

// a124Envs is every value of a124Values in each of a, l (when a list),
// m.x and *pa, beside b true and false.
func a124Envs() []a124Env {
	var out []a124Env
	for _, v := range a124Values() {
		for _, b := range []bool{true, false} {
			v := v
			e := a124Env{A: v, M: map[string]any{"x": v}, PA: &v, B: b, N: 1}
			if l, ok := v.([]any); ok {
				e.L = l
			}
			bb := b
			e.PB = &bb
			out = append(out, e)
		}
	}
	return out
}

// a124BoolFor reports data for which src, compiled with result type any,
// evaluates to a bool without error.
func a124BoolFor(t *testing.T, src string) (a124Env, any, bool) {
	t.Helper()
	e, err := dsl.Compile[a124Env, any](src)
	if err != nil {
		return a124Env{}, nil, false
	}
	for _, d := range a124Envs() {
		if v, err := e.Eval(d, a124At); err == nil {
			if _, ok := v.(bool); ok {
				return d, v, true
			}
		}
	}
	return a124Env{}, nil, false
}

func a124Show(d a124Env) string {
	pa := any(nil)
	if d.PA != nil {
		pa = *d.PA
	}
	return fmt.Sprintf("a=%#v l=%#v m.x=%#v *pa=%#v b=%v", d.A, d.L, d.M["x"], pa, d.B)
}

// max and min of one argument that is no list give it back as it is (expr's
// minMax), so max(a) is true for a = true: numberBuiltins in numbers.go
// says max and min are "a number whatever their arguments hold", and
// refuses the condition, though `max(a) && true` compiles as one and is
// true for the same data.
func TestAdversary124_MaxMinOfAnyIsNoFalseRefusal(t *testing.T) {
	a124Guard(t, func() {
		for _, src := range []string{"max(a)", "min(a)", "max(m.x)", "min(m.x)", "let v = max(a); v", "b ? min(a) : false"} {
			_, err := dsl.Compile[a124Env, bool](src)
			if err == nil {
				continue
			}
			if d, v, ok := a124BoolFor(t, src); ok {
				t.Errorf("when %s: refused (%v),\n  yet Compile[Env, any] evaluates it to %v for %s", src, a124First(err), v, a124Show(d))
			}
		}
		// The same value is a condition as an operand of &&.
		e, err := dsl.Compile[a124Env, bool]("max(a) && true")
		if err != nil {
			t.Fatalf("max(a) && true: %v", err)
		}
		if v, err := e.Eval(a124Env{A: true}, a124At); !v || err != nil {
			t.Errorf("max(a) && true with a = true: %v, %v", v, err)
		}
	})
}

// reduce without an initial value starts from the list's first element
// (doc.go: "#acc is typed as it runs, as the initial value (the first
// element without one), then as what the step gives"), so over a list of
// one element the step never runs and the reduce is that element: a bool
// for l = [true], whatever the step gives. mayBeBool looks only at the step
// and the initial value.
func TestAdversary124_ReduceFirstElementIsNoFalseRefusal(t *testing.T) {
	a124Guard(t, func() {
		for _, src := range []string{"reduce(l, #acc + #)", "reduce(l, #acc * 2)", "reduce(l, #index)", "reduce(m.x, #acc + 1)",
			"let r = reduce(l, #acc + #); r"} {
			_, err := dsl.Compile[a124Env, bool](src)
			if err == nil {
				continue
			}
			if d, v, ok := a124BoolFor(t, src); ok {
				t.Errorf("when %s: refused (%v),\n  yet Compile[Env, any] evaluates it to %v for %s", src, a124First(err), v, a124Show(d))
			}
		}
	})
}

// A field typed *any is read as what it points to by &&, !, == and ??
// (`pa && true`, `pa ?? false` compile as conditions and decide), and the
// condition `pa ?? false` is read at run time; `when pa` alone is refused
// as "*interface", though it is a bool whenever *pa is one.
func TestAdversary124_PointerToAnyIsNoFalseRefusal(t *testing.T) {
	a124Guard(t, func() {
		var v any = true
		env := a124Env{PA: &v}
		for _, src := range []string{"pa && true", "pa ?? false", "!pa"} {
			e, err := dsl.Compile[a124Env, bool](src)
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			if _, err := e.Eval(env, a124At); err != nil {
				t.Fatalf("%s with *pa = true: %v", src, err)
			}
		}
		for _, src := range []string{"pa", "let p = pa; p"} {
			if _, err := dsl.Compile[a124Env, bool](src); err != nil {
				t.Errorf("when %s: refused (%v), yet *pa = true reads as true in `pa && true` and `pa ?? false`", src, a124First(err))
			}
		}
	})
}

// The other direction: conditions accepted though no data makes them a
// bool. A slice (a[1:]) and take are a string or a list; a ?? whose left
// side is arithmetic or a number built-in never reaches its right side
// (the left is never nil: it is a number or an error), so the bool on the
// right cannot be the value. mayBeBool takes `x ?? y` as a bool when
// either side may be one, and a slice of an any as an any. findLastIndex
// is in numberBuiltins, but the rewriter (find_last.go) has already
// written it as `find(...) ?? -1`, a ?? over an any, before the condition
// is typed: an int whatever the data, accepted as a condition.
func TestAdversary124_NeverBoolConditionsAreRefused(t *testing.T) {
	a124Guard(t, func() {
		for _, src := range []string{"a[1:]", "m.x[:1]", "take(a, 1)", "(a + 1) ?? true", "let y = a + 1; y ?? true",
			"abs(a) ?? true", "ceil(a) ?? b", "sum(l) ?? true", "len(a) ?? true",
			"findLastIndex(l, #)", "findLastIndex(l, # == 1)"} {
			e, err := dsl.Compile[a124Env, bool](src)
			if err != nil {
				continue
			}
			decided := false
			for _, d := range a124Envs() {
				if _, err := e.Eval(d, a124At); err == nil {
					decided = true
					break
				}
			}
			if _, _, ok := a124BoolFor(t, src); ok || decided {
				continue // a bool for some data: a fair condition
			}
			t.Errorf("when %s: compiles as a condition, yet fails on every one of %d data sets (no bool whatever the data: a compile error, doc.go)",
				src, len(a124Envs()))
		}
	})
}

// Pins. The numeric built-ins the change names are refused, and only
// where they are no bool for any data.
func TestAdversary124_NumberBuiltinsRefusedFairly(t *testing.T) {
	a124Guard(t, func() {
		for _, src := range []string{"mean(a)", "median(a)", "abs(a)", "sum(l)", "ceil(a)", "floor(a)", "round(a)", "len(a)",
			"count(l)", "int(a)", "float(a)", "findIndex(l, #)", "-a", "a + 1", "reduce(l, #acc - #, 0)"} {
			_, err := dsl.Compile[a124Env, bool](src)
			if err == nil {
				t.Errorf("when %s: compiles", src)
				continue
			}
			if !errors.Is(err, dsl.ErrType) {
				t.Errorf("when %s: %v, want ErrType", src, err)
			}
			if d, v, ok := a124BoolFor(t, src); ok {
				t.Errorf("when %s: refused, yet %v for %s", src, v, a124Show(d))
			}
		}
	})
}

// Pins: zero values are ErrNotCompiled; a NaN behind an any never decides.
func TestAdversary124_ZeroAndNaN(t *testing.T) {
	a124Guard(t, func() {
		var z dsl.Expr[a124Env, bool]
		if _, err := z.Eval(a124Env{}, a124At); !errors.Is(err, dsl.ErrNotCompiled) {
			t.Errorf("zero Expr Eval: %v", err)
		}
		if _, err := z.Explain(a124Env{}, a124At); !errors.Is(err, dsl.ErrNotCompiled) {
			t.Errorf("zero Expr Explain: %v", err)
		}
		var rs dsl.RuleSet[a124Env]
		if _, err := rs.Eval(a124Env{}, a124At); !errors.Is(err, dsl.ErrNotCompiled) {
			t.Errorf("zero RuleSet Eval: %v", err)
		}
		for _, src := range []string{"m.x", "m.x > 0 || false", "!(m.x > 0)", "first(l) ?? true", "max(a) > 0 ? true : false"} {
			e, err := dsl.Compile[a124Env, bool](src)
			if err != nil {
				t.Errorf("%s: %v", src, err)
				continue
			}
			nan := math.NaN()
			env := a124Env{A: nan, L: []any{nan}, M: map[string]any{"x": nan}}
			if v, err := e.Eval(env, a124At); err == nil {
				t.Errorf("%s with NaN: %v, no error", src, v)
			}
		}
	})
}

// Differential: random expressions over an, l, m.x, pb, pa; every one that
// compiles as a condition gives the same value and error through Explain
// as through Eval, and nothing panics.
func TestAdversary124_ExplainAgreesWithEval(t *testing.T) {
	a124Guard(t, func() {
		atoms := []string{"a", "m.x", "l", "pb", "pa", "b", "n", "true", "nil", "1", "'s'", "l[0]"}
		un := []string{"first(%s)", "last(%s)", "max(%s)", "reduce(%s, #acc && #)", "reduce(%s, #, false)", "get(%s, 0)",
			"(%s)?.k", "%s ?? true", "!%s", "let v = %s; v", "let v = %s; v ?? false", "find(%s, # != nil)", "%s == true"}
		bin := []string{"%s ?? %s", "b ? %s : %s", "%s && %s", "%s || %s", "%s == %s", "(%s) ? %s : false"}
		r := rand.New(rand.NewSource(124))
		var gen func(int) string
		gen = func(d int) string {
			if d == 0 || r.Intn(3) == 0 {
				return atoms[r.Intn(len(atoms))]
			}
			if r.Intn(2) == 0 {
				return fmt.Sprintf(un[r.Intn(len(un))], gen(d-1))
			}
			return fmt.Sprintf(bin[r.Intn(len(bin))], gen(d-1), gen(d-1))
		}
		envs := a124Envs()
		for i := 0; i < 300; i++ {
			src := gen(3)
			e, err := dsl.Compile[a124Env, bool](src)
			if err != nil {
				continue
			}
			for _, d := range envs {
				v, err := e.Eval(d, a124At)
				x, xerr := e.Explain(d, a124At)
				if (err == nil) != (xerr == nil) || err == nil && (x == nil || x.Value != v) {
					t.Errorf("%s for %s: Eval %v, %v; Explain %v, %v", src, a124Show(d), v, err, x, xerr)
					break
				}
			}
		}
	})
}

func a124First(err error) string {
	s := err.Error()
	for i := range s {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
