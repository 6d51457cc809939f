package dsl

import (
	"errors"
	"strings"
	"testing"
)

type paramPence int64

type paramGBP float64

type paramCount int64

// Double is a method rules may call, so the type keeps its type.
func (c paramCount) Double() paramCount { return c * 2 }

type paramEnv struct {
	I int        `expr:"i"`
	F float64    `expr:"f"`
	P paramPence `expr:"p"`
	G paramGBP   `expr:"g"`
	C paramCount `expr:"c"`
	N int        `expr:"n"`
}

// A host function's parameter of a narrower number type takes what rules
// compute, an int or a float64, and the argument is converted when the
// function is called: where it fits it is the value, where it does not
// the evaluation fails with ErrOverflow (widenedSignature). expr's checker
// took no float64 for a float32 parameter, and no -128 for an int8 one.
func TestHostFunctionNarrowParameters(t *testing.T) {
	opts := []Option{
		WithFunc1("i8", func(n int8) int { return int(n) }),
		WithFunc1("u8", func(n uint8) int { return int(n) }),
		WithFunc1("f32", func(x float32) float64 { return float64(x) }),
		WithFunc1("pence", func(p paramPence) int { return int(p) }),
		WithFunc1("gbp", func(g paramGBP) float64 { return float64(g) }),
		WithFunc1("counted", func(c paramCount) int { return int(c) }),
		WithFunction("both", func(a int8, b float32) float64 { return float64(a) + float64(b) }),
		WithMethods[paramCount]("Double"),
	}
	env := paramEnv{I: 3, F: 0.5, P: 7, G: 2.5, C: 4, N: 128}
	for _, c := range []struct {
		src  string
		want bool
		err  error
	}{
		{`i8(-128) == -128`, true, nil},
		{`i8(127) == 127`, true, nil},
		{`i8(i) == 3`, true, nil},
		{`i8(n) == 0`, false, ErrOverflow},
		{`u8(255) == 255`, true, nil},
		{`u8(i - 4) == 0`, false, ErrOverflow},
		{`f32(f) == 0.5`, true, nil},
		{`f32(0.25) == 0.25`, true, nil},
		{`f32(1) == 1`, true, nil},
		{`f32(f * 1e300) > 0`, false, ErrOverflow},
		{`pence(p) == 7`, true, nil},
		{`pence(i) == 3`, true, nil},
		{`gbp(g) == 2.5`, true, nil},
		{`gbp(f) == 0.5`, true, nil},
		{`counted(c) == 4`, true, nil},
		{`counted(c.Double()) == 8`, true, nil},
		{`both(-128, f) == -127.5`, true, nil},
	} {
		for i, o := range [][]Option{opts, append(opts[:len(opts):len(opts)], exprOnly)} {
			e, err := Compile[paramEnv, bool](c.src, o...)
			if err != nil {
				t.Errorf("%s: %s: %v", a22Names[i], c.src, err)
				continue
			}
			got, err := e.Eval(env, a22Now)
			switch {
			case c.err != nil && !errors.Is(err, c.err):
				t.Errorf("%s: %s = %v, %v; want %v", a22Names[i], c.src, got, err, c.err)
			case c.err == nil && (err != nil || got != c.want):
				t.Errorf("%s: %s = %v, %v; want %v", a22Names[i], c.src, got, err, c.want)
			}
		}
	}
}

// A literal that a parameter cannot hold fails whatever the data: a
// compile error, naming the function and the argument.
func TestHostFunctionLiteralThatDoesNotFit(t *testing.T) {
	opts := []Option{
		WithFunc1("i8", func(n int8) int { return int(n) }),
		WithFunc1("u8", func(n uint8) int { return int(n) }),
		WithFunc1("f32", func(x float32) float64 { return float64(x) }),
	}
	for _, src := range []string{`i8(128) == 0`, `i8(-129) == 0`, `u8(-1) == 0`, `u8(2.5) == 0`, `f32(1e300) > 0`, `i8(1.5) == 1`} {
		for i, o := range [][]Option{opts, append(opts[:len(opts):len(opts)], exprOnly)} {
			_, err := Compile[paramEnv, bool](src, o...)
			if !errors.Is(err, ErrType) || !strings.Contains(err.Error(), "does not hold") {
				t.Errorf("%s: %s: %v; want a compile error saying the argument does not fit", a22Names[i], src, err)
			}
		}
	}
}
