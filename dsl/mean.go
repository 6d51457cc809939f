package dsl

import (
	"fmt"
	"math/big"
	"reflect"
	"slices"
	"time"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
)

// The mean and the median of durations are durations. expr reads a
// duration by its kind and gives a float64 of nanoseconds, which compares
// and adds with no duration (mean(ds) > d failed on every evaluation), and
// loses nanoseconds past 2^53. So the instrumentation hands every mean and
// median to one function of its own, after their lists are walked (steps,
// NaN, nil): of numbers it is expr's own; of durations it is computed
// exactly, in integers, rounded half away from zero to the nanosecond;
// durations and numbers together fail. Where the types show durations
// (a []time.Duration, the values a map makes, durations as arguments) the
// call is typed a duration (__meandur), so that mean(ds).Hours() and
// mean(ds) > d check; where they show numbers it is a float64, as expr
// types it; otherwise (a []any) it is known only when the rule runs.

const (
	meanFunc    = "__mean"
	meanDurFunc = "__meandur"
)

// aggregateCall is mean or median n, instrumented, as __mean or __meandur.
func aggregateCall(n *ast.BuiltinNode, durations bool) ast.Node {
	name := &ast.StringNode{Value: n.Name}
	name.SetLocation(n.Location())
	f := meanFunc
	if durations {
		f = meanDurFunc
	}
	return internalCall(f, n, append([]ast.Node{name}, n.Arguments...)...)
}

// meanType is __mean's static type: float64 when every argument is a
// number or a list of them, as expr types a mean; else known only when
// the rule runs.
func meanType(args []reflect.Type) (reflect.Type, error) {
	for _, t := range args[1:] {
		if e, _ := innermost(t); e == nil || !isNumberKind(e.Kind()) {
			return anyType, nil
		}
	}
	return floatType64, nil
}

// meanOf is __mean's and __meandur's function: args[0] names the
// aggregate; durations says the types showed durations.
func meanOf(durations bool) func(args ...any) (any, error) {
	return func(args ...any) (any, error) {
		name, _ := args[0].(string)
		ds, numbers, err := durationsIn(args[1:])
		switch {
		case err != nil:
			return nil, err
		case len(ds) > 0 && numbers:
			return nil, fmt.Errorf("%s of durations and numbers together: a duration keeps its type (read it as a number with its Hours(), Minutes() or Seconds())", name)
		case len(ds) == 0 && !durations:
			return builtin.Builtins[builtin.Index[name]].Func(args[1:]...)
		case len(ds) == 0:
			return time.Duration(0), nil // of no durations, as expr's mean of nothing is 0
		case name == "median":
			slices.Sort(ds)
			if len(ds)%2 == 1 {
				return ds[len(ds)/2], nil
			}
			return halfway(ds[len(ds)/2-1], ds[len(ds)/2]), nil
		}
		sum := new(big.Int)
		for _, d := range ds {
			sum.Add(sum, big.NewInt(int64(d)))
		}
		return roundedQuotient(sum, int64(len(ds))), nil
	}
}

// durationsIn lists the durations among the values of args (lists
// flattened, as expr's mean flattens them), and says whether anything
// else is there.
func durationsIn(args []any) (ds []time.Duration, others bool, err error) {
	var walk func(v reflect.Value, depth int) error
	walk = func(v reflect.Value, depth int) error {
		if depth > 64 {
			return fmt.Errorf("lists nested deeper than 64")
		}
		for v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer {
			if v.IsNil() {
				others = true
				return nil
			}
			v = v.Elem()
		}
		switch {
		case v.Type() == durationType:
			ds = append(ds, time.Duration(v.Int()))
		case v.Kind() == reflect.Slice || v.Kind() == reflect.Array:
			for i := range v.Len() {
				if err := walk(v.Index(i), depth+1); err != nil {
					return err
				}
			}
		default:
			others = true
		}
		return nil
	}
	for _, a := range args {
		if a == nil {
			others = true
			continue
		}
		if err := walk(reflect.ValueOf(a), 0); err != nil {
			return nil, false, err
		}
	}
	return ds, others, nil
}

// halfway is (a + b) / 2 exactly, rounded half away from zero.
func halfway(a, b time.Duration) time.Duration {
	return roundedQuotient(new(big.Int).Add(big.NewInt(int64(a)), big.NewInt(int64(b))), 2)
}

// roundedQuotient is sum / n rounded half away from zero; a mean of
// durations is between the least and the greatest, so it fits.
func roundedQuotient(sum *big.Int, n int64) time.Duration {
	q, r := new(big.Int).QuoRem(sum, big.NewInt(n), new(big.Int))
	if twice := new(big.Int).Abs(new(big.Int).Lsh(r, 1)); twice.Cmp(big.NewInt(n)) >= 0 {
		q.Add(q, big.NewInt(int64(sum.Sign())))
	}
	return time.Duration(q.Int64())
}
