package dsl

import (
	"fmt"
	"math"
	"math/bits"
	"reflect"
	"time"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/vm/runtime"
)

// Arithmetic that never wraps. Go's and expr's int arithmetic wraps
// around, so a rule could decide on a sign that flipped. Instrumentation
// routes int arithmetic through checks (instrument.go): +, -, * and unary
// - of two operands the checker types int through __int, which the
// closures compile too; any arithmetic with an operand whose type is
// known only when the rule runs (an any field, a map value, a predicate's
// accumulator, a pointer to a host number) through __arith, which reads
// both operands as the front end reads numbers whose types it knows
// (dynamicNumber: a named int as an int, a float32 as its decimal, a
// pointer as what it points to) and then checks ints as __int does; a
// range through __range, which sizes it without wrapping; a sum of ints
// through the list walk's exact total (checkedSum).

const (
	intFunc   = "__int"
	arithFunc = "__arith"
	rangeFunc = "__range"
	durFunc   = "__dur"
)

var durationType = reflect.TypeFor[time.Duration]()

// durationArith reports whether n, of operands typed lt and rt, is
// arithmetic on durations that expr would let wrap: a Duration result of
// +, - or * of durations and ints (d + d, d * 2, 2 * d). Time's own
// methods (Add, Sub) saturate or are the host's.
func durationArith(n *ast.BinaryNode, lt, rt reflect.Type) bool {
	// A pointer to a duration is the duration it points to (or nil,
	// which __dur refuses), as a pointer to a number is read.
	lt, rt = deref(lt), deref(rt)
	if !intArith[n.Operator] || (lt != durationType && rt != durationType) {
		return false
	}
	// A duration times a float is typed a duration by expr's checker,
	// but expr's multiply gives a float64: __dur computes it as the type
	// says.
	scalar := func(t reflect.Type) bool {
		if t == nil {
			return false
		}
		k := t.Kind()
		return k >= reflect.Int && k <= reflect.Uint64 || n.Operator == "*" && (k == reflect.Float32 || k == reflect.Float64)
	}
	return scalar(lt) && scalar(rt)
}

// checkedDuration is __dur(l, r, op) at the place of at.
func checkedDuration(at, l, r ast.Node, op string) ast.Node {
	return internalCall(durFunc, at, l, r, opLiteral(at, op))
}

// checkedDurationCall is __dur's function: a op b on durations and
// integers, as __int checks ints, and a duration times a float, rounded to
// the nanosecond; a Duration, or a failure where it does not fit (or is
// NaN).
func checkedDurationCall(args ...any) (any, error) {
	op, _ := args[2].(string)
	a, err := durationOperand(args[0])
	if err != nil {
		return nil, err
	}
	b, err := durationOperand(args[1])
	if err != nil {
		return nil, err
	}
	fa, aFloat := a.(float64)
	fb, bFloat := b.(float64)
	switch {
	case aFloat && bFloat, (aFloat || bFloat) && op != "*":
		return nil, fmt.Errorf("internal duration arithmetic on %T %s %T", args[0], op, args[1])
	case aFloat:
		return scaleDuration(time.Duration(b.(int)), fa, args[1], args[0])
	case bFloat:
		return scaleDuration(time.Duration(a.(int)), fb, args[0], args[1])
	}
	if v, ok := intOp(op)(a.(int), b.(int)); ok {
		return time.Duration(v), nil
	}
	return nil, fmt.Errorf("%v %s %v: the duration does not fit (it would wrap around): %w", args[0], op, args[1], ErrOverflow)
}

// durationPointee is the duration v points to, through any pointers, or
// v itself when it is no pointer to a duration; a nil one decides
// nothing. (dynamicNumber reads a pointer to a plain number; a duration
// keeps its type, and its pointer.)
func durationPointee(v any) (any, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || deref(rv.Type()) != durationType {
		return v, nil
	}
	return durationOperandValue(rv, v)
}

// durationOperand is an operand of __dur as an int (a duration or an
// integer) or a float64, read through pointers; a nil one decides
// nothing.
func durationOperand(v any) (any, error) {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer {
		var err error
		if v, err = durationOperandValue(rv, v); err != nil {
			return nil, err
		}
	}
	if d, ok := v.(time.Duration); ok {
		return int(d), nil
	}
	n, err := dynamicNumber(v)
	if err != nil {
		return nil, err
	}
	switch n.(type) {
	case int, float64:
		return n, nil
	}
	return nil, fmt.Errorf("internal duration arithmetic on %T", v)
}

// durationOperandValue is what the pointer rv (v) points to, through any
// pointers; a nil one decides nothing.
func durationOperandValue(rv reflect.Value, v any) (any, error) {
	if rv = derefValue(rv, false); rv.Kind() == reflect.Pointer {
		return nil, fmt.Errorf("duration arithmetic on a nil %T, and a nil decides nothing: %w", v, ErrEval)
	}
	return rv.Interface(), nil
}

// scaleDuration is d × f rounded to the nanosecond: a NaN product (0 ×
// Inf, a NaN factor) fails as a comparison with NaN does, and one beyond a
// Duration's range as an overflow. dv and fv are the operands as written,
// for the message.
func scaleDuration(d time.Duration, f float64, dv, fv any) (any, error) {
	p := math.Round(float64(d) * f)
	switch {
	case math.IsNaN(p):
		return nil, fmt.Errorf("%v * %v is NaN: %w", dv, fv, ErrNaN)
	case p < -(1<<63) || p >= 1<<63:
		return nil, fmt.Errorf("%v * %v: the duration does not fit: %w", dv, fv, ErrOverflow)
	}
	return time.Duration(p), nil
}

// arithOps are expr's arithmetic operators.
var arithOps = map[string]bool{"+": true, "-": true, "*": true, "/": true, "%": true, "**": true, "^": true}

// intArith are the operators whose int results __int checks.
var intArith = map[string]bool{"+": true, "-": true, "*": true}

// errOverflow is the cause of a failure of int arithmetic whose result
// does not fit an int.
var errOverflow = fmt.Errorf("the result does not fit an int (it would wrap around): %w", ErrOverflow)

// intOp is op on ints, with ok false where the result does not fit an
// int: +, -, *, and abs and neg (of a; b is ignored).
func intOp(op string) func(a, b int) (int, bool) {
	switch op {
	case "+":
		return addInt
	case "-":
		return func(a, b int) (int, bool) {
			d := a - b
			return d, (b >= 0) == (d <= a)
		}
	case "*":
		return func(a, b int) (int, bool) {
			if a == 0 || b == 0 {
				return 0, true
			}
			p := a * b
			return p, p/b == a && !(a == -1 && b == math.MinInt) && !(b == -1 && a == math.MinInt)
		}
	case "abs":
		return func(a, _ int) (int, bool) {
			if a < 0 {
				return -a, a != math.MinInt
			}
			return a, true
		}
	case "neg":
		return func(a, _ int) (int, bool) { return -a, a != math.MinInt }
	}
	return func(int, int) (int, bool) { return 0, false }
}

// addInt is a + b, with ok false where it overflows.
func addInt(a, b int) (int, bool) {
	s := a + b
	return s, (b >= 0) == (s >= a)
}

// checkedInt is __int(l, r, op) at the place of at: l op r on ints, failing
// where the result does not fit an int.
func checkedInt(at, l, r ast.Node, op string) ast.Node {
	return internalCall(intFunc, at, l, r, opLiteral(at, op))
}

// checkedAny is __arith(l, r, op) at the place of at.
func checkedAny(at, l, r ast.Node, op string) ast.Node {
	return internalCall(arithFunc, at, l, r, opLiteral(at, op))
}

func opLiteral(at ast.Node, op string) ast.Node {
	n := &ast.StringNode{Value: op}
	n.SetLocation(at.Location())
	return n
}

// dynamicType reports whether values of type t have a type known only
// when the rule runs.
func dynamicType(t reflect.Type) bool {
	return t == nil || t.Kind() == reflect.Interface
}

// intArithmetic checks __int's arguments: the first check typed both
// operands int (instrumentation wraps only those), and a later check may
// know one only as an interface (a sum over a let's list).
func intArithmetic(args []reflect.Type) (reflect.Type, error) {
	isInt := func(t reflect.Type) bool { return t == intType || dynamicType(t) }
	if len(args) != 3 || !isInt(args[0]) || !isInt(args[1]) {
		return nil, fmt.Errorf("internal int arithmetic takes two ints and an operator, not %v", args)
	}
	return intType, nil
}

// checkedIntCall is __int's function.
func checkedIntCall(args ...any) (any, error) {
	a, aok := args[0].(int)
	b, bok := args[1].(int)
	op, _ := args[2].(string)
	if !aok || !bok {
		return nil, fmt.Errorf("internal int arithmetic on %T and %T", args[0], args[1])
	}
	if v, ok := intOp(op)(a, b); ok {
		return v, nil
	}
	return nil, intOverflow(a, b, op)
}

func intOverflow(a, b int, op string) error {
	switch op {
	case "abs":
		return fmt.Errorf("abs(%d): %w", a, errOverflow)
	case "neg":
		return fmt.Errorf("-(%d): %w", a, errOverflow)
	}
	return fmt.Errorf("%d %s %d: %w", a, op, b, errOverflow)
}

// arithAny is __arith's function: a op b (op also "neg" and "abs", of a)
// on values of any type, numbers read as the front end reads them, ints
// checked, anything else as expr computes it.
func arithAny(args ...any) (out any, err error) {
	op, _ := args[2].(string)
	a, err := dynamicNumber(args[0])
	if err != nil {
		return nil, err
	}
	b, err := dynamicNumber(args[1])
	if err != nil {
		return nil, err
	}
	if a, err = durationPointee(a); err != nil {
		return nil, err
	}
	if b, err = durationPointee(b); err != nil {
		return nil, err
	}
	if _, ok := a.(int); ok {
		if _, ok := b.(int); ok {
			switch op {
			case "+", "-", "*", "abs", "neg":
				return checkedIntCall(a, b, op) // as __int computes it
			}
		}
	}
	// Durations (behind an interface, a map's value, a reduce's
	// accumulator) are checked as __dur checks them statically: d + d,
	// d * n, n * d, -d and abs(d) never wrap, and d * 1.5 is a duration.
	_, da := a.(time.Duration)
	_, db := b.(time.Duration)
	if da || db {
		switch op {
		case "neg", "abs":
			if da {
				return checkedDurationCall(a, 0, op)
			}
		case "+", "-", "*":
			_, ia := a.(int)
			_, ib := b.(int)
			_, fa := a.(float64)
			_, fb := b.(float64)
			if (da || ia) && (db || ib) || op == "*" && (da && fb || fa && db) {
				return checkedDurationCall(a, b, op)
			}
		}
	}
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("%v", r) // expr's own message for a mismatch
		}
	}()
	switch op {
	case "+":
		return runtime.Add(a, b), nil
	case "-":
		return runtime.Subtract(a, b), nil
	case "*":
		return runtime.Multiply(a, b), nil
	case "/":
		return runtime.Divide(a, b), nil
	case "%":
		return runtime.Modulo(a, b), nil
	case "**", "^":
		return runtime.Exponent(a, b), nil
	case "neg":
		return runtime.Negate(a), nil
	case "abs":
		if f, ok := a.(float64); ok {
			return math.Abs(f), nil
		}
		if rv := reflect.ValueOf(a); rv.Kind() == reflect.Float32 || rv.Kind() == reflect.Float64 {
			// A float32 or a named float stays of its type, as expr's
			// abs keeps it; math.Abs clears the sign of -0 too.
			return reflect.ValueOf(math.Abs(rv.Float())).Convert(rv.Type()).Interface(), nil
		}
		return nil, fmt.Errorf("abs: argument is %T, want a number", a)
	}
	return nil, fmt.Errorf("internal arithmetic: unknown operator %q", op)
}

// makeRange is __range(a, b, g): the list a..b, charged to the rule's
// budget, steps and memory, before it is built. expr sizes a range as
// b - a + 1, which wraps for bounds far apart (math.MinInt..math.MaxInt
// made an empty list); here the size is exact, and too large fails.
func makeRange(args ...any) (any, error) {
	// An operand known only at run time (an any, a map value) is read as
	// the front end reads numbers: a named or narrow int is an int.
	x, err := dynamicNumber(args[0])
	if err != nil {
		return nil, err
	}
	y, err := dynamicNumber(args[1])
	if err != nil {
		return nil, err
	}
	a, aok := x.(int)
	b, bok := y.(int)
	if !aok || !bok {
		return nil, fmt.Errorf("a range takes ints, not %T and %T", args[0], args[1])
	}
	g, err := govFrom(args[2])
	if err != nil {
		return nil, err
	}
	if b < a {
		return []int{}, nil
	}
	size, carry := bits.Add64(uint64(b)-uint64(a), 1, 0)
	if carry != 0 || size > math.MaxInt64 {
		size = math.MaxInt64
	}
	if err := g.charge(int64(size)); err != nil {
		return nil, err
	}
	if err := g.steps_(int64(size)); err != nil {
		return nil, err
	}
	out := make([]int, size)
	for i := range out {
		out[i] = a + i
	}
	return out, nil
}

// checkedSum adds the ints of list exactly and fails where the total does
// not fit an int (expr's sum wraps, as Go's + does). Running totals may
// leave the range on the way: only the sum is the rule's. expr's total is
// an int only until the first float, and a float after it, which does not
// wrap: the ints up to the first float are the ones checked.
func checkedSum(list reflect.Value) error {
	var t wideSum
	if ints, ok := list.Interface().([]int); ok {
		// The common list, without reflection for each element.
		for _, n := range ints {
			t.add(int64(n))
		}
		return t.check()
	}
	for i := range list.Len() {
		e := list.Index(i)
		for e.Kind() == reflect.Interface && !e.IsNil() {
			e = e.Elem()
		}
		var n int64
		switch {
		case e.CanInt():
			n = e.Int()
		case e.CanUint() && e.Uint() <= math.MaxInt64:
			n = int64(e.Uint())
		case e.CanUint():
			return fmt.Errorf("sum: %v %d %w", e.Type(), e.Uint(), errOverflow)
		case e.CanFloat():
			return t.check() // the total is a float from here on
		default:
			continue // not an int: sum is a float's, which does not wrap
		}
		t.add(n)
	}
	return t.check()
}

// wideSum is a 128-bit two's-complement total of int64s: no sum of fewer
// than 2^64 of them overflows it.
type wideSum struct {
	hi int64
	lo uint64
}

func (t *wideSum) add(n int64) {
	var carry uint64
	t.lo, carry = bits.Add64(t.lo, uint64(n), 0)
	t.hi += n>>63 + int64(carry)
}

// check fails when the total does not fit an int.
func (t *wideSum) check() error {
	if t.hi != int64(t.lo)>>63 {
		return fmt.Errorf("sum: %w", errOverflow)
	}
	return nil
}
