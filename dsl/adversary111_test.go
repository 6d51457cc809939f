package dsl

// The hundred-and-eleventh adversary's suite: numbers given to narrower
// parameters of host functions and of the methods of kept types (the
// widened signatures of functions.go and the __fit of numbers.go), and
// literals that cannot fit them.

import (
	"errors"
	"math"
	"strings"
	"testing"
)

type a111Count int64

func (c a111Count) Scale(k int8) int        { return int(c) * int(k) }
func (c a111Count) Ratio(k float32) float64 { return float64(c) * float64(k) }
func (c a111Count) Sum(ks ...int8) int {
	s := int(c)
	for _, k := range ks {
		s += int(k)
	}
	return s
}

type a111Env struct {
	C    a111Count `expr:"c"`
	I    int       `expr:"i"`
	N    int       `expr:"n"`
	F    float64   `expr:"f"`
	Tiny float64   `expr:"tiny"`
}

func a111Env0() a111Env { return a111Env{C: 4, I: 0, N: 300, F: 0.5, Tiny: 1e-50} }

var a111Opts = []Option{
	WithFunc1("i8", func(n int8) int { return int(n) }),
	WithFunc1("f32", func(x float32) float64 { return float64(x) }),
	WithMethods[a111Count]("Scale", "Ratio", "Sum"),
}

// a111Eval compiles src on both backends and evaluates it on env; a
// compile error is returned as such (compiled false).
func a111Eval(src string, i int, env a111Env) (got bool, compiled bool, err error) {
	o := a111Opts
	if i == 1 {
		o = append(o[:len(o):len(o)], exprOnly)
	}
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("PANIC")
		}
	}()
	e, err := Compile[a111Env, bool](src, o...)
	if err != nil {
		return false, false, err
	}
	got, err = e.Eval(env, a22Now)
	return got, true, err
}

// Contract (doc.go, Numbers): "a number given to a narrower parameter, of
// a host function or a method, must fit it ...: such a parameter takes an
// int or a float64 as rules compute them (f32(ratio), i8(-128),
// pence(n))"; a type error that fails whatever the data is a compile error.
//
// Broken: a kept type's method with an int8 parameter, c.Scale(k int8),
// refuses the literal -128 at compile time ("constant 128 overflows
// int8": the very bug the widening fixed for host functions), and
// c.Scale(-1), which fits, compiles and then fails every evaluation on
// both backends ("interface conversion: interface {} is int, not int8").
// c.Scale(3) and c.Scale(n) for an int field work.
//
// Mechanism: numbers.go, fitMethodArguments skips an argument whose
// static type already is the parameter's (a.Type() == pt); expr's checker
// types the literal under a unary minus as int8, so no __fit is inserted,
// but the negation yields an int at run time, which the method call
// asserts to int8. The host-function path (literalMisfit/widened) has no
// counterpart for methods.
func TestAdversary111MethodNegativeLiteralNarrowParam(t *testing.T) {
	env := a111Env0()
	for _, src := range []string{`c.Scale(-1) == -4`, `c.Scale(-128) == -512`, `c.Scale(-(1)) == -4`, `c.Ratio(-0.5) == -2`} {
		for i := range a22Names {
			got, compiled, err := a111Eval(src, i, env)
			if !compiled || err != nil || !got {
				t.Errorf("%s: %s = %v (compiled %v), %v; want true", a22Names[i], src, got, compiled, a111Line(err))
			}
		}
	}
}

// Contract (doc.go, Numbers): a number given to a narrower parameter of a
// method must fit it, and where it does not the evaluation fails with
// ErrOverflow; a call that fails whatever the data is a compile error.
//
// Broken: a kept type's variadic method over int8, c.Sum(ks ...int8),
// given any int known only at run time fails every evaluation with
// "reflect: cannot use int as type int8 in Call": c.Sum(-1) and
// c.Sum(int(f)) (0) should be 3 and 4, and c.Sum(n) with n = 300 should
// fail with ErrOverflow, not with a reflect message. c.Sum(1, 2) works
// (literals typed by expr's checker).
//
// Mechanism: numbers.go, fitMethodArguments returns at once for a
// variadic method (method.Type.IsVariadic()), so no argument is wrapped
// in __fit and expr's reflect call receives ints for int8 elements.
func TestAdversary111VariadicMethodNarrowElements(t *testing.T) {
	env := a111Env0()
	for _, src := range []string{`c.Sum(-1) == 3`, `c.Sum(int(f)) == 4`, `c.Sum(i, 1) == 5`} {
		for i := range a22Names {
			got, compiled, err := a111Eval(src, i, env)
			if !compiled || err != nil || !got {
				t.Errorf("%s: %s = %v (compiled %v), %v; want true", a22Names[i], src, got, compiled, a111Line(err))
			}
		}
	}
	for i := range a22Names {
		src := `c.Sum(n) == 304`
		got, compiled, err := a111Eval(src, i, env)
		if compiled && !errors.Is(err, ErrOverflow) {
			t.Errorf("%s: %s = %v, %v; want ErrOverflow (300 does not fit an int8)", a22Names[i], src, got, err)
		}
	}
}

// Contract (doc.go, Numbers): "a number given to a narrower parameter ...
// must fit it" (never wrap or truncate), and "a literal it cannot hold
// ... is a compile error"; "a float32 as the decimal it holds".
//
// Broken: 1e-50 given to a float32 parameter becomes 0 silently:
// f32(tiny) == 0 is true for tiny = 1e-50, the literal f32(1e-50)
// compiles and is 0, and a method's float32 parameter does the same
// (c.Ratio(tiny) == 0). A nonzero number is truncated to zero (and
// -1e-46 to -0), where 1e39 is rightly refused.
//
// Mechanism: functions.go, fitsNumber's float case for a float32 target
// checks only z.OverflowFloat(f), which catches magnitudes above
// MaxFloat32 but not those below its smallest subnormal, which Convert
// flushes to zero; literalMisfit and __fit (fitValue) inherit it.
func TestAdversary111Float32UnderflowToZero(t *testing.T) {
	env := a111Env0()
	for _, src := range []string{`f32(tiny) == 0`, `c.Ratio(tiny) == 0`, `f32(-tiny) == 0`} {
		for i := range a22Names {
			got, compiled, err := a111Eval(src, i, env)
			if compiled && err == nil {
				t.Errorf("%s: %s = %v, nil; want ErrOverflow: %v does not fit a float32 (it became 0)", a22Names[i], src, got, env.Tiny)
			} else if compiled && !errors.Is(err, ErrOverflow) {
				t.Errorf("%s: %s: %v; want ErrOverflow", a22Names[i], src, err)
			}
		}
	}
	for i := range a22Names {
		src := `f32(1e-50) == 0`
		if got, compiled, err := a111Eval(src, i, env); compiled {
			t.Errorf("%s: %s compiled (= %v, %v); want a compile error as f32(1e39) is", a22Names[i], src, got, err)
		}
	}
}

// Contract (doc.go, Numbers): "a literal it cannot hold (i8(128)) is a
// compile error"; a type error that fails whatever the data is a compile
// error; a constant that fails is reported where it is declared.
//
// Broken: i8(+128), i8(-(-128)) and, in a rule file, const Big = 128 with
// i8(Big) all compile, and every evaluation then fails with ErrOverflow
// (i8(128) and i8(-129) are compile errors). The same holds for
// f32(+1e39) and const Huge = 1e39 with f32(Huge).
//
// Mechanism: functions.go, literalMisfit (called from rewrite.go call())
// looks only at an IntegerNode or FloatNode under at most one unary
// minus: a unary plus, a double negation, or a constant's name
// (substituted later) is "any other argument" and left to the run time.
func TestAdversary111LiteralMisfitEscapes(t *testing.T) {
	env := a111Env0()
	for _, src := range []string{`i8(+128) == 0`, `i8(-(-128)) == 0`, `f32(+1e39) > 0`} {
		for i := range a22Names {
			if got, compiled, err := a111Eval(src, i, env); compiled {
				t.Errorf("%s: %s compiled (= %v, %v); want a compile error as i8(128) is", a22Names[i], src, got, err)
			}
		}
	}
	for _, body := range []string{
		"const Big = 128\nrule r {\n  type \"t\"\n  when i8(Big) == 0\n}\n",
		"const Huge = 1e39\nrule r {\n  type \"t\"\n  when f32(Huge) > 0\n}\n",
	} {
		for i, o := range [][]Option{append([]Option{a22Limits}, a111Opts...), append([]Option{a22Limits, exprOnly}, a111Opts...)} {
			r := a93Run(body, env, o...)
			if r.compileErr == nil {
				t.Errorf("%s: %s\n  compiled (%s); want a compile error: the constant can never fit the parameter",
					a22Names[i], strings.TrimSpace(body), r)
			}
		}
	}
}

func a111Line(err error) string {
	if err == nil {
		return "<nil>"
	}
	return firstLine(err.Error())
}

// Contract (doc.go, Errors): every error is an *Error placed at line and
// column of the mistake, with a snippet and a caret; a number literal a
// narrower parameter cannot hold is "a compile error naming the function
// and argument" (as i8(128) is: "i8: argument 1 is 128, ...", at the
// argument).
//
// Broken: c.Scale(300), a kept type's method with an int8 parameter, is a
// compile error placed at 1:1 (the start of the expression, not the
// argument at 1:9), whose message is expr's recovered panic "constant 300
// overflows int8" followed by a full goroutine dump of expr's compiler
// (runtime/debug.Stack ... compiler.(*compiler).IntegerNode ...): the
// library's internals in a message meant for the rule's author.
//
// Mechanism: no literalMisfit counterpart for method arguments
// (rewrite.go call() checks r.cfg.funcs only); expr's checker accepts the
// literal with the int8 type and its compiler panics in IntegerNode,
// recovering with the stack in the error (compiler.Compile's defer), which
// compile.go (exprProgram) passes on as the compile error.
func TestAdversary111MethodLiteralMisfitLeaksStack(t *testing.T) {
	env := a111Env0()
	for i := range a22Names {
		src := `c.Scale(300) == 0`
		_, compiled, err := a111Eval(src, i, env)
		if compiled {
			t.Errorf("%s: %s compiled; want a compile error", a22Names[i], src)
			continue
		}
		var de *Error
		if !errors.As(err, &de) {
			t.Errorf("%s: %s: untyped error %T", a22Names[i], src, err)
			continue
		}
		if strings.Contains(err.Error(), "goroutine") || strings.Contains(err.Error(), "debug.Stack") {
			t.Errorf("%s: %s: the compile error carries a goroutine dump (%d bytes): %s", a22Names[i], src, len(err.Error()), firstLine(err.Error()))
		}
		if de.Column != 9 {
			t.Errorf("%s: %s: error at %d:%d, want the argument at 1:9: %s", a22Names[i], src, de.Line, de.Column, firstLine(err.Error()))
		}
	}
}

type a111AnyEnv struct {
	M map[string]any `expr:"m"`
	C a111Count      `expr:"c"`
}

// Contract (doc.go and the brief): NaN never decides, and a NaN fails with
// ErrNaN ("a NaN product fails with ErrNaN", "a NaN among them fails",
// between: "a NaN fails with ErrNaN"); ErrOverflow is for a number too
// large for where it goes.
//
// Broken: a NaN known only at run time (a map of any) given to a host
// function's int8 parameter, i8(m.nan), or to a kept type's method's int8
// parameter, c.Scale(m.nan), fails with "argument 1 is NaN, which a int8
// does not hold: dsl: int overflow": errors.Is(err, ErrOverflow) and not
// ErrNaN, so a host sorting failures by kind reports missing data as an
// overflow.
//
// Mechanism: functions.go, convertValue reports every fitsNumber misfit
// as ErrOverflow; fitsNumber's float-to-integer case is false for a NaN
// (f == math.Trunc(f) fails) without telling NaN apart (also __fit's
// fitValue in numbers.go).
func TestAdversary111NaNToIntParamIsOverflow(t *testing.T) {
	opts := []Option{
		WithFunc1("i8", func(n int8) int { return int(n) }),
		WithMethods[a111Count]("Scale"),
	}
	env := a111AnyEnv{M: map[string]any{"nan": math.NaN()}, C: 4}
	for _, src := range []string{`i8(m.nan) == 0`, `c.Scale(m.nan) == 0`} {
		for i, o := range [][]Option{opts, append(opts[:len(opts):len(opts)], exprOnly)} {
			e, err := Compile[a111AnyEnv, bool](src, o...)
			if err != nil {
				t.Errorf("%s: %s: %v", a22Names[i], src, a111Line(err))
				continue
			}
			got, err := e.Eval(env, a22Now)
			if !errors.Is(err, ErrNaN) {
				t.Errorf("%s: %s = %v, %v; want ErrNaN", a22Names[i], src, got, a111Line(err))
			}
		}
	}
}
