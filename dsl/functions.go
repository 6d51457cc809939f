package dsl

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/engagekit/engagekit/internal/numfit"
	"github.com/expr-lang/expr/ast"
)

// hostFunc is a function callable from rules: a built-in or one the host
// registered. Types are the signatures expr checks calls against; withNow
// marks the date built-ins, which receive the evaluation time as a hidden
// last argument.
type hostFunc struct {
	name    string
	fn      func(args ...any) (any, error)
	types   []any
	withNow bool
	// arities lists the argument counts a rule may write (before the hidden
	// time argument).
	arities []int
	// date is a date built-in's own function, which the native closures
	// call without boxing.
	date func(t, now time.Time) int
	// withGov marks functions that receive the governor as a hidden last
	// argument (after the time, for those that take both).
	withGov bool
	// validate, when set, types a call from its argument types instead
	// of types.
	validate func(args []reflect.Type) (reflect.Type, error)
}

// takesPointer reports whether some signature of f takes a pointer, or an
// any, as argument i: such an argument is passed as the pointer it is,
// any other is read as the value it points to.
func (f *hostFunc) takesPointer(i int) bool {
	for _, sig := range f.types {
		ft := reflect.TypeOf(sig)
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() != reflect.Func {
			continue
		}
		var pt reflect.Type
		switch {
		case ft.IsVariadic() && i >= ft.NumIn()-1:
			pt = ft.In(ft.NumIn() - 1).Elem()
		case i < ft.NumIn():
			pt = ft.In(i)
		default:
			continue
		}
		if pt.Kind() == reflect.Pointer || pt.Kind() == reflect.Interface {
			return true
		}
	}
	return false
}

// WithFunction registers a host function under name. fn must be a func
// value returning one result, or a result and an error; calls are
// type-checked at compile time against its signature. Numbers are converted
// to the parameter's numeric type. A panic or an error inside fn becomes an
// evaluation error of the rule. fn must be safe for concurrent use.
//
// WithFunction calls fn through reflection; [WithFunc1], [WithFunc2] and
// [WithFunc3] are faster for functions of one to three arguments.
func WithFunction(name string, fn any) Option {
	return optionFunc(func(c *config) {
		f, err := reflectFunc(name, fn)
		if err != nil {
			c.errs = append(c.errs, err)
			return
		}
		c.addFunc(f)
	})
}

// WithFunc1 registers a typed host function of one argument.
func WithFunc1[A, R any](name string, fn func(A) R) Option {
	return optionFunc(func(c *config) {
		if fn == nil {
			c.errs = append(c.errs, nilFuncError(name))
			return
		}
		c.addFunc(&hostFunc{name: name, types: []any{new(func(A) R)}, arities: []int{1},
			fn: func(args ...any) (any, error) {
				a, err := coerce[A](name, 1, args[0])
				if err != nil {
					return nil, err
				}
				return fn(a), nil
			}})
	})
}

// WithFunc2 registers a typed host function of two arguments.
func WithFunc2[A, B, R any](name string, fn func(A, B) R) Option {
	return optionFunc(func(c *config) {
		if fn == nil {
			c.errs = append(c.errs, nilFuncError(name))
			return
		}
		c.addFunc(&hostFunc{name: name, types: []any{new(func(A, B) R)}, arities: []int{2},
			fn: func(args ...any) (any, error) {
				a, err := coerce[A](name, 1, args[0])
				if err != nil {
					return nil, err
				}
				b, err := coerce[B](name, 2, args[1])
				if err != nil {
					return nil, err
				}
				return fn(a, b), nil
			}})
	})
}

// WithFunc3 registers a typed host function of three arguments.
func WithFunc3[A, B, C, R any](name string, fn func(A, B, C) R) Option {
	return optionFunc(func(c *config) {
		if fn == nil {
			c.errs = append(c.errs, nilFuncError(name))
			return
		}
		c.addFunc(&hostFunc{name: name, types: []any{new(func(A, B, C) R)}, arities: []int{3},
			fn: func(args ...any) (any, error) {
				a, err := coerce[A](name, 1, args[0])
				if err != nil {
					return nil, err
				}
				b, err := coerce[B](name, 2, args[1])
				if err != nil {
					return nil, err
				}
				cc, err := coerce[C](name, 3, args[2])
				if err != nil {
					return nil, err
				}
				return fn(a, b, cc), nil
			}})
	})
}

func nilFuncError(name string) error {
	return &Error{Kind: KindType, Msg: fmt.Sprintf("function %s is nil", name)}
}

func (c *config) addFunc(f *hostFunc) {
	if err := checkName("function", f.name); err != nil {
		c.errs = append(c.errs, err)
		return
	}
	if builtinFuncs[f.name] != nil || governedFuncs[f.name] != nil || localeFuncs[f.name] != nil || dateFuncs[f.name] != nil ||
		exprBuiltins[f.name] || f.name == "today" || strings.HasPrefix(f.name, "__") {
		c.errs = append(c.errs, &Error{Kind: KindType, Msg: fmt.Sprintf("function %s would hide a built-in", f.name)})
		return
	}
	if c.funcs == nil {
		c.funcs = map[string]*hostFunc{}
	}
	c.funcs[f.name] = f
}

// literalMisfit says why the number literal arg (-128, 2.5) does not fit
// parameter i of the host function f, whose parameters expr checks as
// ints and float64s (widenedSignature): a call that fails whatever the
// data is a compile error. It is "" for a literal that fits, or any other
// argument.
func literalMisfit(f *hostFunc, i int, arg ast.Node) string {
	v, ok := literalNumber(arg)
	if !ok {
		return ""
	}
	for _, ft := range f.types {
		t := reflect.TypeOf(ft).Elem()
		if t.Kind() != reflect.Func || i >= t.NumIn() || t.IsVariadic() && i >= t.NumIn()-1 {
			return ""
		}
		if p := t.In(i); !isNumberKind(p.Kind()) || fitsNumber(v, p) {
			return ""
		}
	}
	t := reflect.TypeOf(f.types[0]).Elem().In(i)
	return fmt.Sprintf("is %v, which its %v parameter does not hold", v, t)
}

// literalNumber is the number the argument n always is: a number literal
// or a constant's value, under any + and - signs (-(-128), +1e39); false
// for anything else, and for a negation that does not fit an int64.
func literalNumber(n ast.Node) (reflect.Value, bool) {
	switch m := n.(type) {
	case *ast.IntegerNode:
		return reflect.ValueOf(int64(m.Value)), true
	case *ast.FloatNode:
		return reflect.ValueOf(m.Value), true
	case *ast.ConstantNode:
		if rv := reflect.ValueOf(m.Value); rv.IsValid() && isNumberKind(rv.Kind()) {
			return rv, true
		}
	case *ast.UnaryNode:
		v, ok := literalNumber(m.Node)
		switch {
		case !ok || m.Operator != "+" && m.Operator != "-":
		case m.Operator == "+":
			return v, true
		case v.CanInt() && v.Int() != math.MinInt64:
			return reflect.ValueOf(-v.Int()), true
		case v.CanUint() && v.Uint() <= 1<<63:
			return reflect.ValueOf(int64(-v.Uint())), true // 2^63 negated is MinInt64
		case v.CanFloat():
			return reflect.ValueOf(-v.Float()), true
		}
	}
	return reflect.Value{}, false
}

// widened is the host function f as expr checks calls of it: its
// signatures widened (widenedSignature).
func (c *config) widened(f *hostFunc) *hostFunc {
	w := *f
	w.types = make([]any, len(f.types))
	for i, t := range f.types {
		w.types[i] = reflect.New(c.widenedSignature(reflect.TypeOf(t).Elem())).Interface()
	}
	return &w
}

// widenedSignature is fn's signature as expr checks calls against it:
// a parameter of a narrower number type (int8, uint32, float32, a named
// Pence) is an int or a float64, as rules compute, and the argument is
// converted to the parameter's own type when the function is called,
// failing there where it does not fit (convertValue). expr's checker took
// no float64 for a float32 at all, and read -128 for an int8 as 128
// negated, which it refused.
func (c *config) widenedSignature(fn reflect.Type) reflect.Type {
	if fn.Kind() != reflect.Func {
		return fn
	}
	in := make([]reflect.Type, fn.NumIn())
	for i := range in {
		in[i] = c.widenedNumber(fn.In(i))
	}
	out := make([]reflect.Type, fn.NumOut())
	for i := range out {
		out[i] = fn.Out(i)
	}
	return reflect.FuncOf(in, out, fn.IsVariadic())
}

// widenedNumber is int for an integer type other than int, float64 for a
// float type other than float64, and t itself for any other type, and for
// a number type that keeps its type (a duration, a month, a type whose
// methods rules call: rules pass them as such).
func (c *config) widenedNumber(t reflect.Type) reflect.Type {
	switch {
	case t == intType || t == floatType64 || c.keepsType(t):
		return t
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return intType
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return floatType64
	}
	return t
}

var errorType = reflect.TypeFor[error]()

// reflectFunc wraps an arbitrary Go func for [WithFunction].
func reflectFunc(name string, fn any) (*hostFunc, error) {
	v := reflect.ValueOf(fn)
	if !v.IsValid() || v.Kind() != reflect.Func || v.IsNil() {
		return nil, &Error{Kind: KindType, Msg: fmt.Sprintf("function %s: %T is not a func", name, fn)}
	}
	t := v.Type()
	if t.IsVariadic() || t.NumOut() == 0 || t.NumOut() > 2 || (t.NumOut() == 2 && t.Out(1) != errorType) {
		return nil, &Error{Kind: KindType, Msg: fmt.Sprintf("function %s: signature %s must return a value, or a value and an error", name, t)}
	}
	exprType := t
	if t.NumOut() == 2 {
		in := make([]reflect.Type, t.NumIn())
		for i := range in {
			in[i] = t.In(i)
		}
		exprType = reflect.FuncOf(in, []reflect.Type{t.Out(0)}, false)
	}
	call := func(args ...any) (any, error) {
		in := make([]reflect.Value, len(args))
		for i, a := range args {
			arg, err := convertValue(name, i+1, a, t.In(i))
			if err != nil {
				return nil, err
			}
			in[i] = arg
		}
		out := v.Call(in)
		if len(out) == 2 && !out[1].IsNil() {
			if e := out[1].Elem(); e.Kind() == reflect.Pointer && e.IsNil() {
				// A typed nil is not nil: the call failed, and said
				// nothing of why (its Error would read through nil).
				return nil, fmt.Errorf("%s returned a nil %s as its error", name, e.Type())
			}
			return nil, out[1].Interface().(error)
		}
		return out[0].Interface(), nil
	}
	return &hostFunc{name: name, fn: call, types: []any{reflect.New(exprType).Interface()}, arities: []int{t.NumIn()}}, nil
}

// coerce converts an argument as expr passes it (ints for integer
// literals, for example) to the parameter type A.
func coerce[A any](name string, pos int, v any) (A, error) {
	if a, ok := v.(A); ok {
		return a, nil
	}
	var zero A
	rv, err := convertValue(name, pos, v, reflect.TypeFor[A]())
	if err != nil {
		return zero, err
	}
	return rv.Interface().(A), nil
}

func convertValue(name string, pos int, v any, t reflect.Type) (reflect.Value, error) {
	if t.Kind() != reflect.Pointer && t.Kind() != reflect.Interface {
		// A pointer to a value (an *int in a map of any) given where the
		// value is wanted: what it points to, as rules read it.
		if p, _, ok := valuePointee(reflect.ValueOf(v)); ok {
			v = p
		}
	}
	if v == nil {
		switch t.Kind() {
		case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice, reflect.Func:
			return reflect.Zero(t), nil
		}
		return reflect.Value{}, fmt.Errorf("%s: argument %d is nil, want %s", name, pos, t)
	}
	rv := reflect.ValueOf(v)
	if rv.Type().AssignableTo(t) {
		return rv, nil
	}
	if isNumberKind(rv.Kind()) && isNumberKind(t.Kind()) {
		switch m := numfit.Check(rv, t); m {
		case numfit.Fits:
		case numfit.NaN:
			return reflect.Value{}, fmt.Errorf("%s: argument %d is NaN, which no %s holds: %w", name, pos, t, errNaNValue)
		default:
			return reflect.Value{}, fmt.Errorf("%s: argument %d is %v, which %s in its %s parameter: %w", name, pos, v, m, t, ErrOverflow)
		}
		return rv.Convert(t), nil
	}
	// A host's named string or bool (or a pointer to one), which rules
	// read as a plain one (numbers.go), is the parameter's type again.
	if textOrBool(rv.Type()) && textOrBool(t) && rv.Type().ConvertibleTo(t) {
		return rv.Convert(t), nil
	}
	// A pointer the rule read as what it points to (a *Tier in a map of
	// any): a pointer to that value again, as the parameter's type.
	if t.Kind() == reflect.Pointer && rv.Kind() != reflect.Pointer {
		e, err := convertValue(name, pos, v, t.Elem())
		if err != nil {
			return reflect.Value{}, err
		}
		p := reflect.New(t.Elem())
		p.Elem().Set(e)
		return p, nil
	}
	return reflect.Value{}, fmt.Errorf("%s: argument %d is %T, want %s", name, pos, v, t)
}

func isNumberKind(k reflect.Kind) bool {
	return (k >= reflect.Int && k <= reflect.Uint64) || k == reflect.Float32 || k == reflect.Float64
}

// toFloat converts any Go number to float64.
func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case float32:
		return float32Decimal(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		// A pointer to a number known only when the rule runs (in a map
		// of any): the number it points to, as dynamicNumber reads it.
		if n, err := dynamicNumber(v); err == nil && n != nil && reflect.TypeOf(n).Kind() != reflect.Pointer {
			return toFloat(n)
		}
		return math.NaN(), false
	}
	if !rv.IsValid() || !isNumberKind(rv.Kind()) {
		return math.NaN(), false
	}
	if rv.Kind() == reflect.Float32 {
		return float32Decimal(float32(rv.Float())), true // a named float32, as its decimal too
	}
	return rv.Convert(reflect.TypeFor[float64]()).Float(), true
}

func constKind(v any) bool {
	switch v.(type) {
	case bool, string, time.Time, time.Duration:
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.IsValid() && isNumberKind(rv.Kind())
}

// textOrBool reports a string or bool type, or a pointer to one.
func textOrBool(t reflect.Type) bool {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.String || t.Kind() == reflect.Bool
}

// fitsNumber reports whether the number v converts to type t unchanged,
// by the library's one rule (internal/numfit): in range, whole for an
// integer type, exact for an integer into a float type, and for a float
// into a float32 neither infinite nor zero where it was not. (Go's
// conversion wraps and truncates: 300 became 44 for a uint8 parameter,
// 2.5 became 2 for an int.)
func fitsNumber(v reflect.Value, t reflect.Type) bool {
	return numfit.Check(v, t) == numfit.Fits
}
