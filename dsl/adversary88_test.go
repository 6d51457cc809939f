package dsl

// The eighty-eighth adversary's suite: a duration times a float (typed a
// duration by expr's checker, a float64 when it runs), and a method called
// through an optional chain on a nil pointer.

import (
	"errors"
	"testing"
	"time"
)

// Contract (doc.go, Numbers and Errors): "time.Duration keeps its type";
// types are checked at compile time, and a test the data can never pass
// is a compile error, not a failure of every evaluation.
//
// Broken: d * 1.5 (and f * d, 1.5 * d) compiles, typed a time.Duration,
// but is a float64 when it runs. Every use of it as a duration then
// fails on every evaluation with a run-time type error, whatever the
// data: `d * 1.5 > d` ("invalid operation: float64 > time.Duration"),
// `(d * 1.5).Hours() > 2` ("reflect: Method index out of range"),
// `at.Add(d * 1.5) > at` ("interface conversion"), `at + d * 1.5 > at`;
// a decision's output `output w d * 1.5` fails the rule that reads it as
// `a.w > d`. And where it does not fail it is silently wrong: words(d * 1.5)
// with d = 90m writes "0 seconds" (not "2 hours 15 minutes"), and the
// hit's output w, whose static type is a duration, is the float64 8.1e12.
//
// Mechanism: expr's checker types Duration * number as Duration, while
// runtime.Multiply(time.Duration, float64) returns a float64.
// instrument.go (the BinaryNode case) routes duration arithmetic only
// through durationArith (arith.go), which takes int-like operands alone,
// so a float operand falls through to expr's unchecked multiply with the
// checker's wrong type kept; format.go's words reads its argument with
// args[0].(time.Duration) and takes a float64 as 0.
func TestAdversary88DurationTimesFloatTypedDurationIsFloat(t *testing.T) {
	env := a22Env0() // d = 90m: d * 1.5 is 135m
	for _, w := range []string{
		"d * 1.5 > d",
		"f * d > d",
		"(d * 1.5).Hours() > 2",
		"at.Add(d * 1.5) > at",
		"at + d * 1.5 > at",
	} {
		for i, r := range a22Check(t, a22When(w), env) {
			if r.compileErr != nil {
				if !errors.Is(r.compileErr, ErrType) {
					t.Errorf("%s: %s: refused, but not as a type error: %v", a22Names[i], w, r.compileErr)
				}
				continue // refused at compile time: what the contract allows
			}
			if r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: %s with d = 90m: %v; want one hit (135m > 90m), or a compile-time type error (this fails on every evaluation, whatever the data)",
					a22Names[i], w, r)
			}
		}
	}

	// A decision's duration output read by another rule.
	body := "rule a {\n  type \"t\"\n  emit false\n  output w d * 1.5\n}\nrule b {\n  type \"t\"\n  when a.w > d\n}\n"
	for i, r := range a22Check(t, body, env) {
		if r.compileErr == nil && (r.err != nil || len(r.hits) != 1) {
			t.Errorf("%s: rule b reads a.w = d * 1.5 as `a.w > d`: %v; want one hit of b, or a compile-time type error", a22Names[i], r)
		}
	}

	// Silently wrong: words of d * 1.5 against words of a 135m duration.
	want := a22Run("rule a {\n  type \"t\"\n  title \"{words(d)}\"\n}\n", a22Env{D: 135 * time.Minute})
	if want.err != nil || len(want.hits) != 1 {
		t.Fatalf("sanity: words(d) with d = 135m: %v", want)
	}
	body = "rule a {\n  type \"t\"\n  title \"{words(d * 1.5)}\"\n  output w d * 1.5\n}\n"
	for i, r := range a22Check(t, body, env) {
		if r.compileErr != nil {
			continue
		}
		if r.err != nil || len(r.hits) != 1 {
			t.Errorf("%s: title {words(d * 1.5)}: %v", a22Names[i], r)
			continue
		}
		h := r.hits[0]
		if h.Title != want.hits[0].Title {
			t.Errorf("%s: title {words(d * 1.5)} with d = 90m: %q; want %q (words of 135m)", a22Names[i], h.Title, want.hits[0].Title)
		}
		if _, ok := h.Outputs["w"].(time.Duration); !ok {
			t.Errorf("%s: output w = d * 1.5 (a duration to the checker) is %T %v; want a time.Duration", a22Names[i], h.Outputs["w"], h.Outputs["w"])
		}
	}
}

// Contract (doc.go, NaN and nil): "compare the chain with nil
// (`a?.b == nil`) to test for absence, or give a default (`a?.b ?? 0`,
// where the default is what decides)". An optional *time.Time or
// *time.Duration is the natural absent date or period, and the pure
// methods of time.Time and time.Duration are on the allow-list.
//
// Broken: with pat (a *time.Time) nil, `pat?.Year() == nil` and
// `(pat?.Year() ?? 0) == 0` both fail the evaluation with "value method
// time.Time.Year called using nil *Time pointer"; so do
// `(pd?.Hours() ?? 0.0) == 0` with pd a nil *time.Duration, and
// `pat?.Before(at) ?? true`, in a condition, a title and an urgency alike.
// The optional chain does not stop at the nil pointer when what follows
// it is a method call; through a struct field it does
// (`pitem?.when?.Year() == nil` with pitem nil is true).
//
// Mechanism: expr's compiler (MemberNode with a method: OpMethod) emits no
// OpJumpIfNil for an optional member that is a method call, so the
// method runs on the nil receiver and Go's pointer-wrapper panics (caught
// by the VM as an error). Instrumentation (instrument.go: the optional
// chain guards, __some) and the rewriter do not supply the missing nil
// check for a method call on an optional chain, and the closures send
// the expression to expr.
func TestAdversary88OptionalMethodOnNilPointer(t *testing.T) {
	env := a22Env0() // pat, pd and pitem nil
	for _, w := range []string{
		"pat?.Year() == nil",
		"(pat?.Year() ?? 0) == 0",
		"(pd?.Hours() ?? 0.0) == 0",
		"pat?.Before(at) ?? true",
		"pitem?.when?.Year() == nil", // passes: the chain through a field stops at nil
	} {
		for i, r := range a22Check(t, a22When(w), env) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: %s with the pointer nil: %v; want one hit (the chain is nil, the default decides)", a22Names[i], w, r)
			}
		}
	}
	body := "rule a {\n  type \"t\"\n  title \"last {pat?.Year() ?? 0}\"\n  urgency (pd?.Hours() ?? 0.0) / 100\n}\n"
	for i, r := range a22Check(t, body, env) {
		if r.compileErr != nil || r.err != nil || len(r.hits) != 1 || r.hits[0].Title != "last 0" {
			t.Errorf("%s: title {pat?.Year() ?? 0}, urgency (pd?.Hours() ?? 0.0) / 100, pointers nil: %v; want one hit titled \"last 0\"", a22Names[i], r)
		}
	}
}

// The fix's contract: a duration times a float is a duration, rounded to
// the nanosecond, wherever the float comes from (a field, a slice, a map
// of any, a reduce's accumulator); a NaN product fails with ErrNaN, one
// past a duration's range with ErrOverflow.
func TestAdversary88DurationTimesFloatContract(t *testing.T) {
	env := a22Env0() // d = 90m, f = 1.5, fs = [1.5, 0.5], m.f = 2.5
	for _, w := range []string{
		`d * 1.5 == duration("135m")`,
		`fs[1] * d == duration("45m")`,
		`m.f * d == duration("225m")`,
		`d * m.f == duration("225m")`,
		`reduce(fs, #acc + d * #, duration("0s")) == duration("180m")`,
		`d * 0.1 * 3 == duration("27m")`,
		`duration("1ns") * 0.5 == duration("1ns")`,
		`duration("1ns") * -0.5 == duration("-1ns")`,
	} {
		for i, r := range a22Check(t, a22When(w), env) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: %s: %v; want one hit", a22Names[i], w, r)
			}
		}
	}
	for _, c := range []struct {
		when string
		want error
	}{
		{`d * (f - f) * (1e308 * 10) > d`, ErrNaN},
		{`d * 1e300 > d`, ErrOverflow},
		{`d * m.f * 1e300 > d`, ErrOverflow},
	} {
		for i, r := range a22Check(t, a22When(c.when), env) {
			if r.compileErr != nil || !errors.Is(r.err, c.want) {
				t.Errorf("%s: %s: %v; want %v", a22Names[i], c.when, r, c.want)
			}
		}
	}
}
