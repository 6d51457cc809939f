package dsl

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"
)

// Expr is a compiled expression over environment type Env with result type
// R. It is immutable and safe for concurrent use by multiple goroutines;
// evaluating it compiles nothing and, for results that fit in an interface
// without boxing (bool, small ints), allocates nothing.
type Expr[Env, R any] struct {
	src     string
	id      string
	p       *program
	limits  Limits
	layout  frameLayout
	runners sync.Pool
}

// Compile compiles src, an expression in the expr language, against the
// environment type Env (a struct, or a pointer to one: rules name its fields
// by Go name or `expr:"name"` tag) with result type R. R may be bool,
// float64, int, string, or any other type; the expression's type must fit R
// or Compile fails with a [KindType] error.
//
// Compile reports every unknown name at once, each with its position and
// the nearest known name. All errors are *[Error] values, joined with
// errors.Join when there are several.
func Compile[Env, R any](src string, opts ...Option) (*Expr[Env, R], error) {
	cfg := newConfig(opts)
	if len(cfg.errs) > 0 {
		return nil, withRuleID(cfg.id, errors.Join(cfg.errs...))
	}
	envType := reflect.TypeFor[Env]()
	if err := checkEnvType(envType, cfg); err != nil {
		err.RuleID = cfg.id
		return nil, err
	}
	resultType := reflect.TypeFor[R]()
	layout := layoutFor[Env]()
	c, err := compileTree(src, envType, layout, cfg, expectKind(resultType))
	if err != nil {
		return nil, err
	}
	if t := c.tree.Node.Type(); t != nil && expectKind(resultType) == reflect.Invalid && !fits(t, resultType) {
		return nil, &Error{RuleID: cfg.id, Kind: KindType, Line: 1, Column: 1,
			Msg: fmt.Sprintf("expression is %v, want %v", t, resultType)}
	}
	p := &program{src: src, cfg: cfg, c: c, kind: expectKind(resultType), explain: &explainCache{cfg: cfg}}
	e := &Expr[Env, R]{src: src, id: cfg.id, p: p, limits: cfg.limits, layout: layout}
	if !cfg.exprOnly {
		if n := compileNode(envType, layout, c.tree.Node, cfg, nil); n != nil {
			p.native = valueOf(n, p.kind)
		}
	}
	if p.native == nil {
		if _, err := c.exprProgram(); err != nil {
			return nil, err
		}
	}
	e.runners.New = func() any { return newRunner[Env](layout, e.limits) }
	return e, nil
}

// fits reports whether a value of static type t can be returned as R.
func fits(t, r reflect.Type) bool {
	return t.Kind() == reflect.Interface || t.AssignableTo(r) || r.Kind() == reflect.Interface && t.Implements(r)
}

func withRuleID(id string, err error) error {
	if id == "" {
		return err
	}
	var all []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		all = j.Unwrap()
	} else {
		all = []error{err}
	}
	for _, e := range all {
		if de, ok := e.(*Error); ok && de.RuleID == "" {
			de.RuleID = id
		}
	}
	return err
}

// Source returns the expression's source text.
func (e *Expr[Env, R]) Source() string {
	if e == nil {
		return ""
	}
	return e.src
}

// ID returns the rule id given with [WithID].
func (e *Expr[Env, R]) ID() string {
	if e == nil {
		return ""
	}
	return e.id
}

// Reads returns the field paths of the environment the expression reads,
// sorted, as a rule names them ("client.Age"). Only the longest chain of a
// member access is listed. The caller owns the returned slice.
func (e *Expr[Env, R]) Reads() []string {
	if !e.compiled() {
		return nil
	}
	return append([]string(nil), e.p.c.reads...)
}

// Calls returns the functions the expression calls, sorted: built-ins,
// host functions and methods of the environment. The caller owns the slice.
func (e *Expr[Env, R]) Calls() []string {
	if !e.compiled() {
		return nil
	}
	return append([]string(nil), e.p.c.calls...)
}

// compiled reports whether Compile made e: a zero Expr has no program.
func (e *Expr[Env, R]) compiled() bool { return e != nil && e.p != nil }

// Eval evaluates the expression over env at time now, which the date
// built-ins use as "today".
//
// A failure is an *[Error] of kind [KindEval]: a nil pointer on the way to a
// field, a panic or error in a host function, or a NaN that reached a
// comparison (see "NaN and nil" in the package doc); of kind [KindLimit]
// when the expression runs over its step or memory budget. ±Inf are
// ordinary numbers.
func (e *Expr[Env, R]) Eval(env Env, now time.Time) (R, error) {
	return e.EvalContext(context.Background(), env, now)
}

// EvalContext is [Expr.Eval] under a context: when ctx ends, a running
// evaluation stops within a bounded number of steps with an error
// matching [ErrCancelled] and ctx.Err().
func (e *Expr[Env, R]) EvalContext(ctx context.Context, env Env, now time.Time) (R, error) {
	if !e.compiled() {
		var zero R
		return zero, ErrNotCompiled
	}
	r := e.runners.Get().(*runner[Env])
	r.gov.start(ctx)
	s := session[Env]{r: r, env: env, fr: r.bind(env, now)}
	out, err := s.value(e.p)
	r.release()
	e.runners.Put(r)
	return e.result(out, err)
}

// result converts a program's value to R.
func (e *Expr[Env, R]) result(out any, err error) (R, error) {
	res, ok := out.(R)
	if err != nil {
		return res, err
	}
	if !ok && out != nil {
		return res, e.p.errorf(nil, "result is %T, want %v", out, reflect.TypeFor[R]())
	}
	if out == nil && !nilable(reflect.TypeFor[R]()) {
		// A nil where the result cannot be one (a string, a number, a
		// bool): it decides nothing, where R's zero value would ("" fell
		// through to a classifier's default).
		return res, e.p.errorf(nil, "result is nil, and a nil decides nothing; want %v", reflect.TypeFor[R]())
	}
	return res, nil
}

// nilable reports whether a value of type t may be nil.
func nilable(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Interface, reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan:
		return true
	}
	return false
}

// ErrNotCompiled is the error of evaluating or explaining an [Expr] or a
// [RuleSet] that Compile did not make (a zero value, a nil pointer): it
// has no program to run.
var ErrNotCompiled = errors.New("dsl: not compiled: make it with Compile")

// ErrNaN is the cause (errors.Is) of an evaluation error raised because a
// value was NaN.
var ErrNaN = errors.New("dsl: NaN")

// ErrOverflow is the cause (errors.Is) of an evaluation error raised
// because a number does not fit where it goes: int arithmetic (+, -, *,
// unary -, abs, sum) gave a result that does not fit an int, or a uint64
// did not fit one (Go and expr would wrap it around, flipping its sign);
// a time or duration went past its range; or an argument does not fit a
// host function's or method's parameter (it overflows, underflows a
// float32, is not whole, or would lose precision).
var ErrOverflow = errors.New("dsl: number out of range")
