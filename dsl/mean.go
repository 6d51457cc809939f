package dsl

import (
	"fmt"
	"math/big"
	"reflect"
	"slices"
	"time"

	"github.com/expr-lang/expr/ast"
)

// The mean and the median of durations are durations. expr reads a
// duration by its kind and gives a float64 of nanoseconds, which compares
// and adds with no duration (mean(ds) > d failed on every evaluation), and
// loses nanoseconds past 2^53. So the instrumentation hands every mean and
// median to one function of its own, which reads every value, however
// deep in lists of lists, as a step and a unit of memory of the rule's
// budget and fails on a NaN or a nil: of numbers it computes them as
// expr does (a float64); of durations exactly, in integers, rounded half
// away from zero to the nanosecond; durations and numbers together fail. Where the types show durations
// (a []time.Duration, the values a map makes, durations as arguments) the
// call is typed a duration (__meandur), so that mean(ds).Hours() and
// mean(ds) > d check; where they show numbers it is a float64, as expr
// types it; otherwise (a []any) it is known only when the rule runs.

const (
	meanFunc    = "__mean"
	meanDurFunc = "__meandur"
)

// aggregateCall is mean or median n, instrumented, as __mean or __meandur
// (name, governor, the arguments).
func aggregateCall(n *ast.BuiltinNode, durations bool) ast.Node {
	name := &ast.StringNode{Value: n.Name}
	name.SetLocation(n.Location())
	f := meanFunc
	if durations {
		f = meanDurFunc
	}
	return internalCall(f, n, append([]ast.Node{name, govIdent(n)}, n.Arguments...)...)
}

// meanType is __mean's static type: float64 when every argument is a
// number or a list of them, as expr types a mean; else known only when
// the rule runs.
func meanType(args []reflect.Type) (reflect.Type, error) {
	for _, t := range args[2:] {
		if e, _ := innermost(t); e == nil || !isNumberKind(e.Kind()) {
			return anyType, nil
		}
	}
	return floatType64, nil
}

// meanOf is __mean's and __meandur's function: args[0] names the
// aggregate, args[1] is the governor; durations says the types showed
// durations. Every value it reads, however deep in lists of lists, is a
// step and a unit of memory of the rule's budget; a NaN fails, as a
// comparison with it would (the median of NaN, 1 and 2 would otherwise
// be 1).
func meanOf(durations bool) func(args ...any) (any, error) {
	return func(args ...any) (any, error) {
		name, _ := args[0].(string)
		g, err := govFrom(args[1])
		if err != nil {
			return nil, err
		}
		c := collector{name: name, g: g}
		for _, a := range args[2:] {
			if err := c.add(reflect.ValueOf(a), 0); err != nil {
				return nil, err
			}
		}
		switch {
		case len(c.ds) > 0 && len(c.fs) > 0:
			return nil, fmt.Errorf("%s of durations and numbers together: a duration keeps its type (read it as a number with its Hours(), Minutes() or Seconds())", name)
		case len(c.ds) > 0:
			return c.durations(), nil
		case len(c.fs) == 0 && durations:
			return time.Duration(0), nil // of no durations, as the mean of nothing is 0
		}
		return c.numbers(), nil
	}
}

// collector gathers the values of a mean or a median, lists flattened,
// as expr's flatten them.
type collector struct {
	name string
	g    *governor
	ds   []time.Duration
	fs   []float64
}

func (c *collector) add(v reflect.Value, depth int) error {
	if depth > 64 {
		return fmt.Errorf("%s: lists nested deeper than 64", c.name)
	}
	if err := c.g.step(); err != nil {
		return err
	}
	if v = derefValue(v, true); !v.IsValid() || (v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer) && v.IsNil() {
		return fmt.Errorf("%s of a list holding nil: %w", c.name, ErrEval)
	}
	switch k := v.Kind(); {
	case v.Type() == durationType:
		c.ds = append(c.ds, time.Duration(v.Int()))
	case k == reflect.Slice || k == reflect.Array:
		for i := range v.Len() {
			if err := c.add(v.Index(i), depth+1); err != nil {
				return err
			}
		}
		return nil
	case k >= reflect.Int && k <= reflect.Int64:
		c.fs = append(c.fs, float64(v.Int()))
	case k >= reflect.Uint && k <= reflect.Uintptr:
		c.fs = append(c.fs, float64(v.Uint()))
	case k == reflect.Float32 || k == reflect.Float64:
		f := v.Float()
		if f != f {
			return errNaNValue
		}
		c.fs = append(c.fs, f)
	default:
		return fmt.Errorf("invalid argument for %s (type %v)", c.name, v.Type())
	}
	return c.g.charge(1) // the value kept
}

// numbers is the mean or the median of the numbers, as expr computes it.
func (c *collector) numbers() float64 {
	if len(c.fs) == 0 {
		return 0
	}
	if c.name == "median" {
		slices.Sort(c.fs)
		n := len(c.fs)
		if n%2 == 1 {
			return c.fs[n/2]
		}
		return (c.fs[n/2-1] + c.fs[n/2]) / 2
	}
	total := 0.0
	for _, f := range c.fs {
		total += f
	}
	return total / float64(len(c.fs))
}

// durations is the mean or the median of the durations, exactly.
func (c *collector) durations() time.Duration {
	ds := c.ds
	if c.name == "median" {
		slices.Sort(ds)
		if len(ds)%2 == 1 {
			return ds[len(ds)/2]
		}
		return halfway(ds[len(ds)/2-1], ds[len(ds)/2])
	}
	sum, term := new(big.Int), new(big.Int)
	for _, d := range ds {
		sum.Add(sum, term.SetInt64(int64(d)))
	}
	return roundedQuotient(sum, int64(len(ds)))
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
