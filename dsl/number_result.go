package dsl

import (
	"fmt"
	"math"
	"reflect"

	"github.com/expr-lang/expr/ast"
)

// A number statement (urgency, sensitivity, a decision's number output, an
// Expr compiled for a float64) whose value expr's checker types any is
// read when the rule runs, as a condition typed any is (see may_be.go):
// mean(l), max(l), median(l), a reduce, a value of a map of any. Refusing
// them at compile time refused what is a number whatever the data (mean(l)
// of a list of numbers: the author had to write float(mean(l)), which also
// reads the string "0.5" as a number). __number(x) reads x as a float64:
// a number of any kind; a nil, a NaN or a value of another kind fails,
// naming what it was. A value that can be no number whatever the data
// stays a compile error.

// numberValueFunc is __number(x), a number statement's value typed any.
const numberValueFunc = "__number"

// readAsNumberResult reports a number statement's value that is known
// only when the rule runs, and may be a number: typed any, or a pointer
// (to a number, read through __num as the number or nil), or not typed at
// all (a reduce whose step the checker cannot type).
func readAsNumberResult(n ast.Node) bool {
	if name, ok := isInternalCall(n); ok && name == numberValueFunc {
		return false
	}
	if t := n.Type(); t != nil && t.Kind() != reflect.Interface && t.Kind() != reflect.Pointer {
		return false // typed: the checker decides
	}
	return mayBe(n, nil, wantNumber)
}

// wrapNumberResult reads the number statement at slot through __number
// when its value is known only when the rule runs; it reports whether it
// did. The front end asks twice: as it types the numbers, and after the
// instrumentation, whose arithmetic of such values (__arith of m.k / 2)
// is typed any where expr typed the division a float64.
func wrapNumberResult(slot *ast.Node) bool {
	if !readAsNumberResult(*slot) {
		return false
	}
	*slot = internalCall(numberValueFunc, startOf(*slot), *slot)
	return true
}

// numberValue is __number's function.
func numberValue(args ...any) (any, error) {
	v, err := plainValue(args[0], plainStrict)
	if err != nil {
		return nil, err
	}
	// A duration, a month or a weekday keeps its type: no number.
	if t := reflect.TypeOf(v); t != nil && t.Kind() != reflect.Bool && pureMethods[t] == nil {
		if f, ok := toFloat(v); ok {
			if math.IsNaN(f) {
				return nil, fmt.Errorf("the value is NaN, not a number")
			}
			return f, nil
		}
	}
	return nil, fmt.Errorf("the value is %s, not a number", valueKind(args[0]))
}
