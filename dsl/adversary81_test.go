package dsl

// The eighty-first adversary's suite: duration arithmetic on values whose
// type is known only when the rule runs, and unary minus on a duration.

import (
	"errors"
	"math"
	"testing"
	"time"
)

// Contract (doc.go, Numbers): "time.Duration keeps its type, and its
// arithmetic (d + d, d * 2, -d) is checked as an int's is", arithmetic "on
// values known only when the rule runs (an any field, a map value, a
// predicate's accumulator) ... reads them the same way", and "Nothing
// wraps around".
//
// Broken: a time.Duration behind an interface (a map[string]any value, an
// any field, an element of a []any in reduce's accumulator) wraps
// silently. With m.d = 2^62 ns, `m.d * 2 < d` fires (m.d * 2 is
// MinInt64 ns), `m.d + m.d < d` too, `any * 2 < d` with any = 2^62 ns,
// `d * m.big < d` with m.big = MaxInt64 and d = 90m; no error, in both
// backends.
//
// Mechanism: instrumentation sends arithmetic with a dynamic operand to
// __arith (arithAny), whose dynamicNumber leaves a time.Duration as is
// (pureMethods has it), so the operands are not both int and the op falls
// through to expr's runtime.Add/Multiply, which compute
// time.Duration(x) * time.Duration(y) unchecked. durationArith (the
// checked __dur path) only fires when both static types are Duration/int,
// never for an interface operand.
func TestAdversary81_DynamicDurationArithmeticWraps(t *testing.T) {
	for _, c := range []struct {
		when string
		set  func(*a22Env)
	}{
		{"m.d * 2 < d", func(e *a22Env) { e.M["d"] = time.Duration(1 << 62) }},
		{"m.d + m.d < d", func(e *a22Env) { e.M["d"] = time.Duration(1 << 62) }},
		{"any * 2 < d", func(e *a22Env) { e.Any = time.Duration(1 << 62) }},
		{"2 * any < d", func(e *a22Env) { e.Any = time.Duration(1 << 62) }},
		{"any + d < d", func(e *a22Env) { e.Any = time.Duration(math.MaxInt64) }},
		{"d * m.big < d", func(e *a22Env) { e.M["big"] = math.MaxInt64 }},
	} {
		env := a22Env0()
		c.set(&env)
		for i, r := range a22Check(t, a22When(c.when), env) {
			if !errors.Is(r.err, ErrOverflow) {
				t.Errorf("%s: %s: %v; want ErrOverflow (the duration wrapped)", a22Names[i], c.when, r)
			}
		}
	}
}

// Contract: as above, "a predicate's accumulator" reads numbers as a field
// does, and duration arithmetic is checked. Broken: reduce over a []any of
// durations adds them with expr's wrapping +: with any = [MaxInt64 ns,
// 1ns], `reduce(any, #acc + #) < d` fires (the sum wrapped to MinInt64
// ns). sum over the same list fails with ErrOverflow, so the two disagree
// on the same data. Mechanism: as above, #acc + # has dynamic operands and
// goes to arithAny, which leaves Durations to runtime.Add.
func TestAdversary81_ReduceOfDurationsBehindInterfaceWraps(t *testing.T) {
	env := a22Env0()
	env.Any = []any{time.Duration(math.MaxInt64), time.Duration(1)}
	w := "reduce(any, #acc + #) < d"
	for i, r := range a22Check(t, a22When(w), env) {
		if !errors.Is(r.err, ErrOverflow) {
			t.Errorf("%s: %s with any = [MaxInt64ns, 1ns]: %v; want ErrOverflow", a22Names[i], w, r)
		}
	}
}

// Contract (doc.go, Numbers): "time.Duration keeps its type, and its
// arithmetic (d + d, d * 2, -d) is checked as an int's is". -d is named
// as supported, and instrument.go has a branch for it (unary - on a
// durationType becomes __dur(0, d, "-")).
//
// Broken: `-d < d` (d = 90m) does not compile: "invalid operation: -
// (mismatched type time.Duration)"; on a duration behind an interface,
// `-any < d` compiles and fails every evaluation with "invalid operation:
// - time.Duration" (a run-time type error, not ErrOverflow or a value).
//
// Mechanism: expr's checker accepts unary - only on int/float kinds by
// kind name, not on a named int64 such as time.Duration, so the first type
// check refuses the tree before instrumentation can rewrite it; at run
// time arithAny's "neg" calls runtime.Negate, which has no Duration case.
func TestAdversary81_NegatedDurationRefused(t *testing.T) {
	// The contract since (doc.go, Numbers): expr's checker refuses a
	// unary minus on a duration, at compile time, with a type error (d *
	// -1 is the checked way); behind an interface it is checked at run
	// time.
	env := a22Env0()
	for i, r := range a22Check(t, a22When("-d < d"), env) {
		if !errors.Is(r.compileErr, ErrType) {
			t.Errorf("%s: -d < d with d = 90m: %v; want a compile-time type error", a22Names[i], r)
		}
	}
	for i, r := range a22Check(t, a22When("d * -1 < d"), env) {
		if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
			t.Errorf("%s: d * -1 < d with d = 90m: %v; want one hit", a22Names[i], r)
		}
	}
	env.Any = time.Duration(time.Hour)
	for i, r := range a22Check(t, a22When("-any < d"), env) {
		if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
			t.Errorf("%s: -any < d with any = 1h: %v; want one hit", a22Names[i], r)
		}
	}
}
