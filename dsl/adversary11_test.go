package dsl_test

// The eleventh adversary's suite: checked int arithmetic, pointers to host
// numbers and lists of host numbers (commit 0f8d628). Every test fails on
// the code it was written against and names the promise of doc.go it
// breaks. None can hang: each evaluates a few small rules once.

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
)

type a11Pence int64

type a11Env struct {
	I   int            `expr:"i"`
	J   int            `expr:"j"`
	Min int64          `expr:"min"`
	Big int64          `expr:"big"`
	Xs  []int          `expr:"xs"`
	As  []any          `expr:"as"`
	M   map[string]any `expr:"m"`
	PP  *a11Pence      `expr:"pp"`
	P8  *int8          `expr:"p8"`
	PF  *float32       `expr:"pf"`
	PPs []*a11Pence    `expr:"pps"`
}

var a11Now = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)

// a11Decide compiles a rule whose body is body (its when and lets) and
// returns what Eval decided (fired, error); Explain must agree.
func a11Decide(t *testing.T, body string, env a11Env, opts ...dsl.Option) (bool, error) {
	t.Helper()
	rs, err := dsl.CompileRules[a11Env]([]byte("ruleset a11 version 1\nrule r {\n  type \"t\"\n"+body+"\n}\n"), opts...)
	if err != nil {
		t.Fatalf("%s: compile: %v", body, err)
	}
	hits, evalErr := rs.Eval(env, a11Now)
	ex, err := rs.Explain("r", env, a11Now)
	if err != nil {
		t.Fatalf("%s: explain: %v", body, err)
	}
	if (evalErr == nil) != (ex.Err == "") || evalErr == nil && ex.Fired != (len(hits) == 1) {
		t.Errorf("%s: Eval %d hits, %v; Explain fired %v, %q", body, len(hits), evalErr, ex.Fired, ex.Err)
	}
	return len(hits) == 1, evalErr
}

// a11Overflows checks that each condition fails with ErrOverflow.
func a11Overflows(t *testing.T, env a11Env, whens ...string) {
	t.Helper()
	for _, w := range whens {
		fired, err := a11Decide(t, "  when "+w, env)
		if !errors.Is(err, dsl.ErrOverflow) {
			t.Errorf("%s: fired %v, err %v; want ErrOverflow (the int result wraps around)", w, fired, err)
		}
	}
}

func a11Max() a11Env {
	p := a11Pence(math.MaxInt64)
	return a11Env{I: math.MaxInt64, J: 2, Min: math.MinInt64, Big: math.MaxInt64, PP: &p}
}

// TestAdversary11ChainedIntArithmeticWraps: doc.go, Numbers: "int
// arithmetic (+, -, *, unary -, sum) whose result does not fit an int,
// fail[s] the evaluation with ErrOverflow". Only the innermost operation
// of a chain is checked: the instrumenter walks the operands first and
// replaces them with __int calls, whose type is not yet known, so the
// outer operator is not seen as int arithmetic. With i = MaxInt64,
// `i - 1 + 2 > 0` is false with no error (i - 1 + 2 wrapped to MinInt64),
// `-i * 2 < 0` is false (wrapped to 2), and a let chained on a let
// (`let a = i - 1`, `let b = a + 2`, `when b < 0`) fires, with b =
// -9223372036854775808 in its evidence. The same in a table input.
func TestAdversary11ChainedIntArithmeticWraps(t *testing.T) {
	env := a11Max()
	a11Overflows(t, env, "i - 1 + 2 > 0", "-i * 2 < 0", "(j + 0) * i < 0", "(0 - i) - 2 > 0", "(big - 1) + 2 < 0")
	fired, err := a11Decide(t, "  let a = i - 1\n  let b = a + 2\n  when b < 0", env)
	if !errors.Is(err, dsl.ErrOverflow) {
		t.Errorf("let a = i - 1; let b = a + 2; when b < 0 with i = MaxInt64: fired %v, err %v; want ErrOverflow", fired, err)
	}
}

// TestAdversary11PointerNumberArithmeticWraps: doc.go, Numbers: a pointer
// to a host number is read "as the number it points to", and "Nothing
// wraps around". The pointer is read by __num typed any, so arithmetic on
// it is not instrumented: with *pp = MaxInt64, `pp + 1 > 0` is false with
// no error (it wrapped to MinInt64), and `pp * 2 < 0` too (-2).
func TestAdversary11PointerNumberArithmeticWraps(t *testing.T) {
	a11Overflows(t, a11Max(), "pp + 1 > 0", "pp * 2 > 0", "-pp - 2 > 0")
}

// TestAdversary11AnyIntArithmeticWraps: doc.go, Numbers: "int arithmetic
// (+, -, *, unary -, sum) whose result does not fit an int, fail[s] the
// evaluation with ErrOverflow". Only operands the checker types int are
// checked; an int that reaches + as any wraps: a map[string]any value, an
// element of a []any, max of ints, a reduce accumulator, a conditional
// with a float arm. All these are false with no error for MaxInt64 + 1.
func TestAdversary11AnyIntArithmeticWraps(t *testing.T) {
	env := a11Max()
	env.M = map[string]any{"a": math.MaxInt64}
	env.As = []any{math.MaxInt64}
	env.Xs = []int{math.MaxInt64, 1}
	a11Overflows(t, env, "m.a + 1 > 0", "as[0] + 1 > 0", "max(xs) + 1 > 0", "reduce(xs, #acc + #) > 0",
		"(j > 1 ? i : 2.5) + 1 > 0")
}

// TestAdversary11SumOfAnyIntsWraps: doc.go, Numbers: "sum(amounts), and a
// list of any holding them too" and "int arithmetic (+, -, *, unary -,
// sum) ... fail[s] ... with ErrOverflow". The sum is re-added checked only
// when the checker types it an int; a sum over a []any of ints, over a
// []*Pence, or over [pp, 1] is typed any and wraps: each of these is
// false with no error.
func TestAdversary11SumOfAnyIntsWraps(t *testing.T) {
	env := a11Max()
	one := a11Pence(1)
	env.As = []any{math.MaxInt64, 1}
	env.PPs = []*a11Pence{env.PP, &one}
	a11Overflows(t, env, "sum(as) > 0", "sum(pps) > 0", "sum([pp, 1]) > 0")
}

// TestAdversary11AbsOfMinIntIsNegative: doc.go, Numbers: "Nothing wraps
// around", and unary - of the least int fails with ErrOverflow. abs is
// -x for a negative x, unchecked in both backends (expr's abs and the
// closures' max(v, -v)): abs(min) with min = MinInt64 is MinInt64, so
// `abs(min) >= 0` is false with no error.
func TestAdversary11AbsOfMinIntIsNegative(t *testing.T) {
	fired, err := a11Decide(t, "  when abs(min) >= 0", a11Max())
	if err == nil && !fired {
		t.Errorf("abs(min) >= 0 with min = MinInt64: false, no error; abs gave a negative number (want ErrOverflow)")
	}
}

// TestAdversary11RangeSizeWraps: doc.go, Untrusted rules: a range is
// charged for its steps and memory, and Numbers: "Nothing wraps around".
// expr sizes a..b as b - a + 1, which wraps for huge bounds and builds an
// empty list: `0 in min..big` is false and `len(-1..big) == 0` and
// `count(min..big, true) == 0` are true, with no error, where the range
// holds 2^64 (or 2^63 + 1) ints and should fail (ErrLimit or ErrOverflow).
func TestAdversary11RangeSizeWraps(t *testing.T) {
	for _, w := range []string{"0 in min..big", "!(0 in min..big)", "len(-1..big) == 0", "count(min..big, true) == 0"} {
		fired, err := a11Decide(t, "  when "+w, a11Max())
		if err == nil {
			t.Errorf("%s with min, big = MinInt64, MaxInt64: decided %v with no error; the range's size wrapped to an empty list", w, fired)
		}
	}
}

// TestAdversary11SumFalseOverflow: doc.go, Numbers: sum fails with
// ErrOverflow when its "result does not fit an int". checkedSum fails
// where a running total leaves the range, though the sum fits:
// sum([MaxInt64, 1, -2]) is MaxInt64 - 1 (and expr's wrapping sum gives
// exactly that), yet the rule fails with ErrOverflow.
func TestAdversary11SumFalseOverflow(t *testing.T) {
	env := a11Env{Xs: []int{math.MaxInt64, 1, -2}}
	for _, w := range []string{"sum(xs) == 9223372036854775806", "sum(xs, #) == 9223372036854775806"} {
		fired, err := a11Decide(t, "  when "+w, env)
		if err != nil || !fired {
			t.Errorf("%s with xs = [MaxInt64, 1, -2]: fired %v, err %v; want true (the sum fits an int)", w, fired, err)
		}
	}
}

// TestAdversary11HostFunctionTakingPointerToNumber: doc.go, Built-ins:
// "calls are type-checked at compile time". Since 0f8d628 a pointer to a
// number is read as the number (typed any), so a host function whose
// parameter is that pointer type (*Pence, *int8, *float32) still
// compiles, but every evaluation with a non-nil pointer fails with
// "argument 1 is int, want *a11Pence". Before 0f8d628 these rules
// compiled and decided (ff(pp) was true).
func TestAdversary11HostFunctionTakingPointerToNumber(t *testing.T) {
	env := a11Max()
	i8, f := int8(5), float32(0.9)
	env.P8, env.PF = &i8, &f
	for _, c := range []struct {
		when string
		opt  dsl.Option
	}{
		{"ff(pp)", dsl.WithFunc1("ff", func(p *a11Pence) bool { return p != nil })},
		{"k(p8) > 0", dsl.WithFunc1("k", func(p *int8) int { return int(*p) })},
		{"fl(pf) > 0", dsl.WithFunc1("fl", func(p *float32) float64 { return float64(*p) })},
	} {
		fired, err := a11Decide(t, "  when "+c.when, env, c.opt)
		if err != nil || !fired {
			t.Errorf("%s: fired %v, err %v; want it to fire (it compiled, and did before 0f8d628)", c.when, fired, err)
		}
	}
}

// TestAdversary11NamedNumberInAnyArithmetic: doc.go, Numbers: a named
// integer is read as an int and a float32 as the decimal it holds,
// "wherever they come from: ... a map value" (numbers.go) and "a list of
// any holding them too". Comparisons read them so (m.q == 7 and m.f ==
// 0.9 hold), but arithmetic and max do not: with m = {"q": Pence(7),
// "f": float32(0.9)}, `m.q + 1 == 8` fails with "invalid operation:
// a11Pence + int", `max(m.q, 1) == 7` with "a11Pence < int", and
// `m.f * 1 == 0.9` is false (it computes 0.8999999761581421).
func TestAdversary11NamedNumberInAnyArithmetic(t *testing.T) {
	env := a11Env{M: map[string]any{"q": a11Pence(7), "f": float32(0.9)}, As: []any{float32(0.9)}}
	for _, w := range []string{"m.q == 7", "m.f == 0.9"} {
		if fired, err := a11Decide(t, "  when "+w, env); err != nil || !fired {
			t.Fatalf("setup: %s: %v, %v", w, fired, err)
		}
	}
	for _, w := range []string{"m.q + 1 == 8", "max(m.q, 1) == 7", "m.f * 1 == 0.9", "as[0] + 0 == 0.9"} {
		fired, err := a11Decide(t, "  when "+w, env)
		if err != nil || !fired {
			msg := ""
			if err != nil {
				msg = strings.SplitN(err.Error(), "\n", 2)[0]
			}
			t.Errorf("%s: fired %v, err %q; want true, as the comparisons without arithmetic are", w, fired, msg)
		}
	}
}
