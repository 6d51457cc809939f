package dsl

import (
	"fmt"
	"math"
	"reflect"
	"time"

	"github.com/expr-lang/expr/ast"
)

// A time's AddDate adds years, months and days with Go's int arithmetic:
// time.Date normalizes them without a check, so at.AddDate(MaxInt, 0, 0)
// wraps into the past and a rule decides on it. Each step AddDate is
// given is bounded by a million years (maxDateYears), far beyond any
// date a CRM keeps and far inside what a time holds (some 292 billion
// years either way), so the date it gives is the one asked for, or the
// rule fails with ErrOverflow at the step.

// dateStepFunc is __datestep(n, unit): n, or a failure where a step of n
// years (unit 0), months (1) or days (2) is more than a million years.
const dateStepFunc = "__datestep"

// maxDateYears bounds a step of AddDate, in years.
const maxDateYears = 1_000_000

// dateStepUnits name AddDate's arguments and their bounds, in order.
var dateStepUnits = [3]struct {
	name string
	max  int
}{{"years", maxDateYears}, {"months", 12 * maxDateYears}, {"days", 366 * maxDateYears}}

// boundTimeCall checks a call of a time's AddDate, Sub or UnixMilli: it
// wraps each argument of AddDate in __datestep, Sub's result in __sub and
// UnixMilli's in __unixmilli; any other call is returned as it is.
func boundTimeCall(c *ast.CallNode) ast.Node {
	m, ok := c.Callee.(*ast.MemberNode)
	if !ok || m.Node == nil {
		return c
	}
	p, ok := m.Property.(*ast.StringNode)
	if recv := deref(receiverType(m.Node)); ok && recv == durationType && deref(m.Node.Type()) == durationType {
		// A duration's Abs and Round saturate as Sub does: computed
		// here, with the overflow an error.
		switch {
		case p.Value == "Abs" && len(c.Arguments) == 0:
			return internalCall(durationMethodFunc, c, m.Node, opLiteral(c, "Abs"), m.Node)
		case p.Value == "Round" && len(c.Arguments) == 1:
			return internalCall(durationMethodFunc, c, m.Node, opLiteral(c, "Round"), c.Arguments[0])
		}
		return c
	}
	if deref(receiverType(m.Node)) != timeType {
		return c
	}
	switch {
	case !ok:
	case p.Value == "AddDate" && len(c.Arguments) == len(dateStepUnits):
		for i, a := range c.Arguments {
			unit := &ast.IntegerNode{Value: i}
			unit.SetLocation(a.Location())
			c.Arguments[i] = internalCall(dateStepFunc, a, a, unit)
		}
	case p.Value == "Sub":
		return internalCall(timeSubFunc, c, c)
	case p.Value == "UnixMilli" && len(c.Arguments) == 0:
		return internalCall(unixMilliFunc, c, c, m.Node)
	}
	return c
}

// unixMilliFunc is __unixmilli(ms, t): ms, t's UnixMilli, or a failure
// where t is more than some 292 million years from 1970, where Go's
// result is undefined (it wraps: chained AddDate steps reach such dates,
// and far.UnixMilli() > at.UnixMilli() was false).
const unixMilliFunc = "__unixmilli"

// unixMilli is __unixmilli's function.
func unixMilli(args ...any) (any, error) {
	rv := derefValue(reflect.ValueOf(args[1]), false)
	if !rv.IsValid() {
		return args[0], nil
	}
	if t, ok := rv.Interface().(time.Time); ok {
		if s := t.Unix(); s > math.MaxInt64/1000 || s < math.MinInt64/1000 {
			return nil, fmt.Errorf("UnixMilli of a time %d years from 1970 does not fit an int64: %w", s/(365*86400), ErrOverflow)
		}
	}
	return args[0], nil
}

// timeSubFunc is __sub(d): d, a time's Sub, or a failure where Sub
// saturated: Go gives the largest duration (some 292 years) for any
// larger difference, so a.Sub(b) of 1,000 years equalled that of 2,000
// years, and of a zero time (missing data) a real difference.
const timeSubFunc = "__sub"

// timeSub is __sub's function.
func timeSub(args ...any) (any, error) {
	if d, ok := args[0].(time.Duration); ok && (d == math.MaxInt64 || d == math.MinInt64) {
		return nil, fmt.Errorf("time's Sub: the times are more than a duration's 292 years apart: %w", ErrOverflow)
	}
	return args[0], nil
}

// dateStep is __datestep's function.
func dateStep(args ...any) (any, error) {
	unit, _ := args[1].(int)
	n, ok := args[0].(int)
	if !ok || unit < 0 || unit >= len(dateStepUnits) {
		return args[0], nil // not an int: AddDate's own call reports it
	}
	if u := dateStepUnits[unit]; n > u.max || n < -u.max {
		return nil, fmt.Errorf("AddDate: a step of %d %s is more than a million years: %w", n, u.name, ErrOverflow)
	}
	return n, nil
}

// durationMethodFunc is __dmethod(d, name, arg): d.Abs() or d.Round(arg),
// or a failure where Go would saturate the result at a duration's limit
// (the smallest duration's Abs, a Round up past the largest).
const durationMethodFunc = "__dmethod"

// durationThrough is v as a duration, read through any pointers; false
// for a nil pointer or another type.
func durationThrough(v any) (time.Duration, bool) {
	rv := derefValue(reflect.ValueOf(v), false)
	if !rv.IsValid() || rv.Type() != durationType {
		return 0, false
	}
	return time.Duration(rv.Int()), true
}

// durationKind names v for an error: a nil pointer as nil, which decides
// nothing.
func durationKind(v any) string {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
		return fmt.Sprintf("a nil %T, and a nil decides nothing", v)
	}
	return valueKind(v)
}

// durationMethod is __dmethod's function.
func durationMethod(args ...any) (any, error) {
	name, _ := args[1].(string)
	d, ok := durationThrough(args[0]) // through a pointer, as the method is
	if !ok {
		return nil, fmt.Errorf("%s: the receiver is %s, want a duration", name, durationKind(args[0]))
	}
	over := fmt.Errorf("%v.%s: beyond a duration's 292 years: %w", d, name, ErrOverflow)
	if name == "Abs" {
		if d == math.MinInt64 {
			return nil, over
		}
		return d.Abs(), nil
	}
	m, ok := durationThrough(args[2]) // d.Round(pd) takes the duration pd points to, as Go's does *pd
	if !ok {
		return nil, fmt.Errorf("a duration's Round: the multiple is %s, want a duration", durationKind(args[2]))
	}
	if m <= 0 {
		return d, nil // as Go's Round
	}
	// Go's Round, with its saturation found: a result rounded away from
	// zero that does not fit.
	// Half of m is compared as uint64s: r+r overflows an int64 past 2^62.
	lessThanHalf := func(r, m time.Duration) bool { return uint64(r)+uint64(r) < uint64(m) }
	r := d % m
	if d < 0 {
		r = -r
		if lessThanHalf(r, m) {
			return d + r, nil
		}
		if d1 := d - m + r; d1 < d {
			return d1, nil
		}
		return nil, over
	}
	if lessThanHalf(r, m) {
		return d - r, nil
	}
	if d1 := d + m - r; d1 > d {
		return d1, nil
	}
	return nil, over
}
