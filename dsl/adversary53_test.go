package dsl

// The fifty-third adversary's suite, dsl side: the nil rule of optional
// chains. The test fails on the code it was written against and
// demonstrates one defect.

import (
	"errors"
	"testing"
	"time"
)

type a53P struct {
	A *float64 `expr:"a"`
}

type a53Env struct {
	P *a53P `expr:"p"`
}

var a53Now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// Promise broken: dsl doc.go # NaN and nil, "A comparison or string
// operator that sees nil from an optional chain (a?.b when a is nil) ...
// fails with [ErrEval]"; and for a host's nil pointer to a number (read
// "as the number it points to (nil when the pointer is nil)", # Numbers),
// == and != "compare it with a value, which it equals none of" — as
// `p.a == 2.5` does, false.
//
// The instrumentation guards every operand that carries an optional chain
// with __some (instrument.go nilGuard: carries(n, isChain)), and __some
// fails on any nil (registry.go someFunc), whether the chain stopped at a
// nil p or reached a non-nil p whose field a is a nil pointer. So with p
// set and p.a nil, `p?.a == 2.5` fails, on both backends and in Explain,
// where `p.a == 2.5` is false: the chain did not stop, p is not nil.
//
// Observed: p = &{A: nil}: `p.a == 2.5` is false, `p?.a == 2.5` fails
// "the optional chain is nil". Expected: false, as for p.a.
func TestAdversary53_OptionalChainFailsOnNilFieldOfNonNilParent(t *testing.T) {
	env := a53Env{P: &a53P{}} // p is set; its field a is a nil *float64
	for i, opts := range [][]Option{nil, {exprOnly}} {
		plain, err := Compile[a53Env, bool](`p.a == 2.5`, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if v, err := plain.Eval(env, a53Now); err != nil || v {
			t.Fatalf("%s: test broken: p.a == 2.5 at a nil p.a is %v, %v; want false", a22Names[i], v, err)
		}
		chain, err := Compile[a53Env, bool](`p?.a == 2.5`, opts...)
		if err != nil {
			t.Fatal(err)
		}
		// The contract is now written down (doc.go # NaN and nil): the
		// chain's value is checked, not where its nil came from, so a
		// chain ending at a nil field fails as one that stopped does. The
		// analysis reads it so (rulefile carriesChain). This test holds
		// that contract; it was written expecting false.
		if v, err := chain.Eval(env, a53Now); !errors.Is(err, ErrEval) || v {
			t.Errorf("%s: p?.a == 2.5 with p set and p.a a nil pointer: %v, %v; want the optional chain's nil error",
				a22Names[i], v, firstLineErr(err))
		}
	}
}
