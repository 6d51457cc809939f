package dsl

import (
	"fmt"
	"math"
	"reflect"
	"time"
)

// cellTest is a compiled table cell: a DMN unary test on one input value.
// Tests run in Go, not through expr: a table is its inputs computed once
// and then plain comparisons per row.
type cellTest struct {
	kind   cellKind
	op     string     // cellCompare: < <= > >= == !=
	value  any        // cellCompare: the operand
	lo, hi any        // cellInterval: the bounds
	loOpen bool       // cellInterval: lo excluded
	hiOpen bool       // cellInterval: hi excluded
	list   []cellTest // cellAny: any of; cellNot: the negated tests
}

type cellKind uint8

const (
	cellAnything cellKind = iota // "-"
	cellCompare
	cellInterval
	cellOneOf
	cellNot
)

// match reports whether v passes the test. A value of a type the test
// cannot compare with is an error, never a silent false, and a NaN input is
// an error: NaN passes no comparison, and "not(< 3)" would pass it.
//
// A nil input (absent data) follows DMN: it passes "-" and the null test
// "nil" (alone or in a list), and no other test: not "< 3", not "!= 3",
// not "not(3)", since a comparison with null is null in FEEL, and not of
// null is null too.
func (c *cellTest) match(v any) (bool, error) {
	if v == nil {
		return c.matchNull(), nil
	}
	switch c.kind {
	case cellAnything:
		return true, nil
	case cellCompare:
		return compareOp(c.op, v, c.value)
	case cellInterval:
		return c.inInterval(v)
	case cellOneOf, cellNot:
		hit := false
		for i := range c.list {
			ok, err := c.list[i].match(v)
			if err != nil {
				return false, err
			}
			if ok {
				hit = true
				break
			}
		}
		return hit != (c.kind == cellNot), nil
	}
	return false, fmt.Errorf("unknown cell test")
}

// matchNull is match for a nil input.
func (c *cellTest) matchNull() bool {
	switch c.kind {
	case cellAnything:
		return true
	case cellCompare:
		return c.op == "==" && c.value == nil
	case cellOneOf:
		for i := range c.list {
			if c.list[i].matchNull() {
				return true
			}
		}
		return false
	case cellNot:
		// not(nil) of a nil input is false; not of any other test is
		// null, which no row takes.
		return false
	}
	return false
}

// cellInput normalizes a table input for the cell tests: a pointer is
// read through to what it points to (nil for a nil pointer, or a nil map,
// slice or interface), and a value of a named string or bool type becomes
// a plain string or bool, so `"gold"` matches a Tier("gold").
func cellInput(v any) any {
	if v == nil {
		return nil
	}
	rv := reflect.ValueOf(v)
	if rv = derefValue(rv, true); rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		return nil // a nil, or a chain with no value at its end
	}
	switch rv.Kind() {
	case reflect.Map, reflect.Slice, reflect.Func, reflect.Chan:
		if rv.IsNil() {
			return nil
		}
	case reflect.String:
		return rv.String()
	case reflect.Bool:
		return rv.Bool()
	}
	if rv.Type() == reflect.TypeOf(v) {
		return v
	}
	return rv.Interface()
}

func (c *cellTest) inInterval(v any) (bool, error) {
	lo, err := compareValues(v, c.lo)
	if err != nil {
		return false, err
	}
	hi, err := compareValues(v, c.hi)
	if err != nil {
		return false, err
	}
	okLo := lo > 0 || (lo == 0 && !c.loOpen)
	okHi := hi < 0 || (hi == 0 && !c.hiOpen)
	return okLo && okHi, nil
}

func compareOp(op string, v, operand any) (bool, error) {
	if op == "==" || op == "!=" {
		eq, err := equalValues(v, operand)
		return eq == (op == "=="), err
	}
	c, err := compareValues(v, operand)
	if err != nil {
		return false, err
	}
	switch op {
	case "<":
		return c < 0, nil
	case "<=":
		return c <= 0, nil
	case ">":
		return c > 0, nil
	case ">=":
		return c >= 0, nil
	}
	return false, fmt.Errorf("unknown operator %s", op)
}

// equalValues is equality for cells: numbers by value whatever their Go
// type, nil equal only to nil.
func equalValues(a, b any) (bool, error) {
	if a == nil || b == nil {
		return isNil(a) && isNil(b), nil
	}
	if fa, ok := number(a); ok {
		fb, ok := number(b)
		if !ok {
			return false, fmt.Errorf("cannot compare %T with %T", a, b)
		}
		if math.IsNaN(fa) || math.IsNaN(fb) {
			return false, ErrNaN
		}
		return fa == fb, nil
	}
	if ta, ok := a.(time.Time); ok {
		tb, ok := b.(time.Time)
		if !ok {
			return false, fmt.Errorf("cannot compare time with %T", b) // never a silent false
		}
		return ta.Equal(tb), nil
	}
	if da, ok := a.(time.Duration); ok {
		db, ok := b.(time.Duration)
		if !ok {
			return false, fmt.Errorf("cannot compare time.Duration with %T", b)
		}
		return da == db, nil
	}
	if reflect.TypeOf(a) != reflect.TypeOf(b) {
		return false, fmt.Errorf("cannot compare %T with %T", a, b)
	}
	return a == b, nil
}

// compareValues orders numbers, strings and times; anything else, or a
// NaN, is an error.
func compareValues(a, b any) (int, error) {
	if fa, ok := number(a); ok {
		fb, ok := number(b)
		if !ok {
			return 0, fmt.Errorf("cannot compare %T with %T", a, b)
		}
		if math.IsNaN(fa) || math.IsNaN(fb) {
			return 0, ErrNaN
		}
		switch {
		case fa < fb:
			return -1, nil
		case fa > fb:
			return 1, nil
		}
		return 0, nil
	}
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		if !ok {
			return 0, fmt.Errorf("cannot compare string with %T", b)
		}
		return cmpOrdered(x, y), nil
	case time.Time:
		y, ok := b.(time.Time)
		if !ok {
			return 0, fmt.Errorf("cannot compare time with %T", b)
		}
		return x.Compare(y), nil
	case time.Duration:
		y, ok := b.(time.Duration)
		if !ok {
			return 0, fmt.Errorf("cannot compare time.Duration with %T", b)
		}
		return cmpOrdered(int(x), int(y)), nil
	}
	return 0, fmt.Errorf("cannot order %T", a)
}

func cmpOrdered[T int | float64 | string](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func number(v any) (float64, bool) {
	switch v.(type) {
	case bool, string, nil, time.Time, time.Duration:
		// A duration is not a number to a rule (`d > 5` does not
		// compile): a cell compares it with durations only.
		return 0, false
	}
	return toFloat(v)
}

func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface, reflect.Func:
		return rv.IsNil()
	}
	return false
}
