package dsl

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"time"

	"github.com/expr-lang/expr/vm/runtime"
)

// The registry's governed and internal functions. Built-ins that build
// strings or lists replace expr's own of the same name, so that what they
// build is charged to the governor before it is built; the internal ones
// are the wrappers instrumentation inserts (see instrument.go). Each
// receives the governor as a hidden last argument, as the date built-ins
// receive the evaluation time.
//
// Every function here states, in its doc, what it does with nil, NaN and
// a zero value; the closures compile only the internal wrappers, with the
// same checks (native.go).

var (
	errNaNValue = fmt.Errorf("value is NaN, so the comparison cannot be decided: %w", ErrNaN)
	errNilChain = errors.New("the optional chain is nil, so the comparison cannot be decided (use ?? to give a default, or compare with nil)")
)

// internalFuncs are the wrappers instrumentation inserts; rules cannot
// name them.
var internalFuncs = map[string]*hostFunc{
	// __nan(x) is x, or an ErrNaN failure when x is a NaN float.
	nanFunc: {name: nanFunc, arities: []int{1}, validate: sameType, fn: func(args ...any) (any, error) {
		if isNaN(args[0]) {
			return nil, errNaNValue
		}
		return args[0], nil
	}},
	// __some(x) is x, or a failure when x is nil (an optional chain that
	// stopped) or NaN.
	someFunc: {name: someFunc, arities: []int{1}, validate: sameType, fn: func(args ...any) (any, error) {
		switch {
		case isNil(args[0]):
			return nil, errNilChain
		case isNaN(args[0]):
			return nil, errNaNValue
		}
		return args[0], nil
	}},
	// __step(g) counts one step of a loop; it is always true.
	stepFunc: {name: stepFunc, arities: []int{1}, types: []any{new(func(*governor) bool)}, fn: func(args ...any) (any, error) {
		g, err := govFrom(args[0])
		if err != nil {
			return nil, err
		}
		if err := g.step(); err != nil {
			return nil, err
		}
		return true, nil
	}},
	// __concat(a, b, g) is a + b: for strings, charged before it is
	// built; for anything else (an operand whose type is known only when
	// the rule runs), expr's own addition.
	concatFunc: {name: concatFunc, arities: []int{3}, validate: validateAdd, fn: func(args ...any) (any, error) {
		a, aok := args[0].(string)
		b, bok := args[1].(string)
		if !aok || !bok {
			return addAny(args[0], args[1])
		}
		if err := charge(args[2], int64(len(a))+int64(len(b))); err != nil {
			return nil, err
		}
		return a + b, nil
	}},
}

// governedFuncs replace expr's built-ins that build strings or lists.
var governedFuncs = map[string]*hostFunc{
	// repeat(s, n) is s n times; n must not be negative.
	"repeat": {name: "repeat", arities: []int{2}, withGov: true,
		types: []any{new(func(string, int, *governor) string)},
		fn: func(args ...any) (any, error) {
			s, _ := args[0].(string)
			n, _ := args[1].(int)
			if n < 0 {
				return nil, fmt.Errorf("repeat: count %d is negative", n)
			}
			if len(s) > 0 && n > math.MaxInt64/len(s) {
				return nil, &limitError{limit: "units of memory", max: 0}
			}
			if err := charge(args[2], int64(len(s))*int64(n)); err != nil {
				return nil, err
			}
			return strings.Repeat(s, n), nil
		}},
	// replace(s, old, new) replaces every old in s by new.
	"replace": {name: "replace", arities: []int{3}, withGov: true,
		types: []any{new(func(string, string, string, *governor) string)},
		fn: func(args ...any) (any, error) {
			s, _ := args[0].(string)
			old, _ := args[1].(string)
			repl, _ := args[2].(string)
			n := int64(strings.Count(s, old))
			if err := charge(args[3], int64(len(s))+n*int64(len(repl))); err != nil {
				return nil, err
			}
			return strings.ReplaceAll(s, old, repl), nil
		}},
	// upper(s) and lower(s) change the case of s.
	"upper": caseFunc("upper", strings.ToUpper),
	"lower": caseFunc("lower", strings.ToLower),
	// split(s, sep) is the list of the parts of s between each sep.
	"split": splitFunc("split", strings.Split),
	// splitAfter(s, sep) is split keeping each sep at the end of its part.
	"splitAfter": splitFunc("splitAfter", strings.SplitAfter),
	// join(list, sep) joins the strings of a list with sep (default "").
	"join": {name: "join", arities: []int{1, 2}, withGov: true, validate: validateJoin,
		fn: func(args ...any) (any, error) {
			sep := ""
			if len(args) == 3 {
				sep, _ = args[1].(string)
			}
			parts, err := stringsOf(args[0])
			if err != nil {
				return nil, err
			}
			size := int64(len(sep)) * int64(max(len(parts)-1, 0))
			for _, p := range parts {
				size += int64(len(p))
			}
			if err := charge(args[len(args)-1], size); err != nil {
				return nil, err
			}
			return strings.Join(parts, sep), nil
		}},
	// string(x) writes a number, string, bool, time or duration as text.
	// It does not take structs, lists or maps: written out, they would show
	// fields the environment hides.
	"string": {name: "string", arities: []int{1}, validate: validateScalar, fn: func(args ...any) (any, error) {
		return scalarString(args[0])
	}},
}

// validateAdd types __concat: a string when both operands are strings,
// else unknown until the rule runs.
func validateAdd(args []reflect.Type) (reflect.Type, error) {
	if len(args) != 3 {
		return nil, fmt.Errorf("internal addition takes 3 arguments")
	}
	if args[0].Kind() == reflect.String && args[1].Kind() == reflect.String {
		return stringType, nil
	}
	return anyType, nil
}

// addAny is expr's + on operands of any type, its panic on a mismatch
// turned into an error.
func addAny(a, b any) (out any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return runtime.Add(a, b), nil
}

func caseFunc(name string, f func(string) string) *hostFunc {
	return &hostFunc{name: name, arities: []int{1}, withGov: true, types: []any{new(func(string, *governor) string)},
		fn: func(args ...any) (any, error) {
			s, _ := args[0].(string)
			if err := charge(args[1], int64(len(s))); err != nil {
				return nil, err
			}
			return f(s), nil
		}}
}

func splitFunc(name string, f func(s, sep string) []string) *hostFunc {
	return &hostFunc{name: name, arities: []int{2}, withGov: true, types: []any{new(func(string, string, *governor) []string)},
		fn: func(args ...any) (any, error) {
			s, _ := args[0].(string)
			sep, _ := args[1].(string)
			parts := int64(len(s)) + 1
			if sep != "" {
				parts = int64(strings.Count(s, sep)) + 1
			}
			if err := charge(args[2], parts*memUnit); err != nil {
				return nil, err
			}
			return f(s, sep), nil
		}}
}

func charge(g any, bytes int64) error {
	gov, err := govFrom(g)
	if err != nil {
		return err
	}
	return gov.chargeBytes(bytes)
}

// sameType is the type rule of the wrappers: the result has the type of
// the argument, so wrapping changes no static type.
func sameType(args []reflect.Type) (reflect.Type, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("internal wrapper takes 1 argument")
	}
	return args[0], nil
}

func validateJoin(args []reflect.Type) (reflect.Type, error) {
	if len(args) < 2 || len(args) > 3 {
		return nil, fmt.Errorf("join takes 1 or 2 arguments")
	}
	switch args[0].Kind() {
	case reflect.Slice, reflect.Array, reflect.Interface:
	default:
		return nil, fmt.Errorf("join: argument 1 is %v, want a list of strings", args[0])
	}
	if len(args) == 3 && args[1].Kind() != reflect.String && args[1].Kind() != reflect.Interface {
		return nil, fmt.Errorf("join: argument 2 is %v, want a string", args[1])
	}
	return stringType, nil
}

func stringsOf(v any) ([]string, error) {
	switch xs := v.(type) {
	case []string:
		return xs, nil
	case []any:
		out := make([]string, len(xs))
		for i, x := range xs {
			s, ok := x.(string)
			if !ok {
				return nil, fmt.Errorf("join: element %d is %T, want a string", i, x)
			}
			out[i] = s
		}
		return out, nil
	}
	return nil, fmt.Errorf("join: argument 1 is %T, want a list of strings", v)
}

func validateScalar(args []reflect.Type) (reflect.Type, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("string takes 1 argument")
	}
	if !scalarType(args[0]) && args[0].Kind() != reflect.Interface {
		return nil, fmt.Errorf("string: argument is %v; it takes a number, string, bool, time or duration", args[0])
	}
	return stringType, nil
}

func scalarType(t reflect.Type) bool {
	if t == timeType || t == reflect.TypeFor[time.Duration]() {
		return true
	}
	switch t.Kind() {
	case reflect.Bool, reflect.String:
		return true
	}
	return isNumberKind(t.Kind())
}

func scalarString(v any) (any, error) {
	if v == nil {
		return "nil", nil
	}
	if !scalarType(reflect.TypeOf(v)) {
		return nil, fmt.Errorf("string: argument is %T; it takes a number, string, bool, time or duration", v)
	}
	return fmt.Sprint(v), nil
}

func isNaN(v any) bool {
	switch x := v.(type) {
	case float64:
		return x != x
	case float32:
		return x != x
	}
	rv := reflect.ValueOf(v)
	if rv.IsValid() && (rv.Kind() == reflect.Float64 || rv.Kind() == reflect.Float32) {
		return math.IsNaN(rv.Float())
	}
	return false
}
