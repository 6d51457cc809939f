package dsl

import (
	"math"
	"reflect"
	"time"

	"github.com/engagekit/engagekit/internal/envfield"
	"github.com/engagekit/engagekit/internal/mem"
	"github.com/expr-lang/expr/ast"
)

// A rule's condition is also compiled, when it can be, to a tree of Go
// closures that read the environment through field offsets, so deciding it
// costs a few nanoseconds a comparison: no VM dispatch, no boxing of the
// values it reads. Rules are mostly guards, comparisons with constants and
// calls of the built-ins, and a rule set of a hundred of them spends most of
// its time deciding conditions that do not hold.
//
// The closures cover a subset of expr: env fields of type bool, int,
// float64, string, time.Time and pointers to structs, chains of fields
// through struct values and pointers, literals and constants, the
// comparison, logical and arithmetic operators, the conditional, the
// built-ins daysUntil, daysSince, monthsSince, age, yearsBetween, clamp,
// ratio, between and pct, expr's abs, round, floor and ceil, and time's
// IsZero. A condition using anything else is
// left to expr whole.
//
// The closures never produce an error of their own. Where expr would fail
// (a field read through a nil pointer, a zero time given to a date
// built-in, an integer division by zero, a NaN reaching a comparison) they
// answer "not decided", and the rule set asks expr, which gives the error.
// They answer "not decided" only there: evidence relies on it, reporting
// an undecided value as nil without asking expr (ruleset_eval.go). So the
// closures can only ever agree with expr; the property tests check that
// they do.

// nctx is what the closures read: the host's environment and the
// evaluation time.
type nctx struct {
	env  mem.Ptr
	now  time.Time
	memo []memoSlot // see native_memo.go
	gov  *governor  // charged what the formatting built-ins write
}

// nativeCond is a compiled condition: its value, and whether it could be
// decided.
type nativeCond func(*nctx) (bool, bool)

// nkind is the Go type a closure yields.
type nkind uint8

const (
	nNone nkind = iota
	nBool
	nInt
	nFloat
	nString
	nTime
	nPtr    // a pointer to a struct, which may be nil
	nStruct // a struct value, reachable only as the base of a field
	nNil
)

// nnode is a compiled sub-expression: one closure of its kind. Nodes that
// are places in the environment reached through struct values only are
// rooted, at a constant offset from the environment, so a field chain
// folds into one load; other places have a closure giving their address.
type nnode struct {
	kind   nkind
	typ    reflect.Type
	rooted bool
	off    uintptr
	addr   func(*nctx) (mem.Ptr, bool)
	b      func(*nctx) (bool, bool)
	i      func(*nctx) (int, bool)
	f      func(*nctx) (float64, bool)
	s      func(*nctx) (string, bool)
	t      func(*nctx) (time.Time, bool)
	p      func(*nctx) (mem.Ptr, bool)
}

var (
	boolType   = reflect.TypeFor[bool]()
	intType    = reflect.TypeFor[int]()
	floatType  = reflect.TypeFor[float64]()
	stringType = reflect.TypeFor[string]()
	timeType   = reflect.TypeFor[time.Time]()
)

// nativeCompiler compiles checked trees over one environment type.
type nativeCompiler struct {
	env  reflect.Type
	cfg  *config   // which numbers the host converts, which types keep theirs
	memo *memoPlan // the rule set's memoized calls, or nil
}

// compileNode compiles a checked tree over envType's flat frame, or
// returns nil when the frame is not flat or any part of the tree is
// outside the subset.
func compileNode(envType reflect.Type, layout frameLayout, root ast.Node, cfg *config, memo *memoPlan) *nnode {
	if !layout.flat || envType.Kind() != reflect.Struct {
		return nil
	}
	nc := &nativeCompiler{env: envType, cfg: cfg, memo: memo}
	return nc.node(root)
}

func (nc *nativeCompiler) node(n ast.Node) *nnode {
	switch n := n.(type) {
	case *ast.BoolNode:
		return constNode(n.Value)
	case *ast.IntegerNode:
		return constNode(n.Value)
	case *ast.FloatNode:
		return constNode(n.Value)
	case *ast.StringNode:
		return constNode(n.Value)
	case *ast.ConstantNode:
		return constNode(n.Value)
	case *ast.NilNode:
		return &nnode{kind: nNil}
	case *ast.IdentifierNode:
		return nc.identifier(n.Value)
	case *ast.MemberNode:
		return nc.member(n)
	case *ast.UnaryNode:
		return nc.unary(n)
	case *ast.BinaryNode:
		return nc.binary(n)
	case *ast.ConditionalNode:
		return nc.conditional(n)
	case *ast.CallNode:
		return nc.call(n)
	case *ast.BuiltinNode:
		return nc.builtin(n)
	}
	return nil
}

// constNode is a literal or a folded constant of one of the kinds.
func constNode(v any) *nnode {
	switch v := v.(type) {
	case bool:
		return &nnode{kind: nBool, b: func(*nctx) (bool, bool) { return v, true }}
	case int:
		return &nnode{kind: nInt, i: func(*nctx) (int, bool) { return v, true }}
	case float64:
		return &nnode{kind: nFloat, f: func(*nctx) (float64, bool) { return v, true }}
	case string:
		return &nnode{kind: nString, s: func(*nctx) (string, bool) { return v, true }}
	case time.Time:
		return &nnode{kind: nTime, t: func(*nctx) (time.Time, bool) { return v, true }}
	}
	return nil
}

func (nc *nativeCompiler) identifier(name string) *nnode {
	if name == nowName {
		return &nnode{kind: nTime, t: func(c *nctx) (time.Time, bool) { return c.now, true }}
	}
	f, ok := envfield.Lookup(nc.env, name)
	if !ok {
		return nil
	}
	off, ok := valueOffset(nc.env, f.Index)
	if !ok {
		return nil
	}
	return nc.place(f.Type, true, off, nil)
}

// valueOffset is the offset of the field at index in t, when every step
// is a struct value (an embedded pointer would need a load).
func valueOffset(t reflect.Type, index []int) (uintptr, bool) {
	var off uintptr
	for _, i := range index {
		if t.Kind() != reflect.Struct {
			return 0, false
		}
		f := t.Field(i)
		off += f.Offset
		t = f.Type
	}
	return off, true
}

// member compiles a.b: a field of a struct value or of a pointer to one.
func (nc *nativeCompiler) member(m *ast.MemberNode) *nnode {
	prop, ok := m.Property.(*ast.StringNode)
	if !ok || m.Optional || m.Method {
		return nil
	}
	base := nc.node(m.Node)
	if base == nil || base.kind != nStruct && base.kind != nPtr {
		return nil
	}
	st := base.typ
	if base.kind == nPtr {
		st = st.Elem()
	}
	f, ok := envfield.Lookup(st, prop.Value)
	if !ok {
		return nil
	}
	off, ok := valueOffset(st, f.Index)
	if !ok {
		return nil
	}
	switch {
	case base.kind == nStruct && base.rooted:
		return nc.place(f.Type, true, base.off+off, nil)
	case base.kind == nStruct:
		addr := base.addr
		return nc.place(f.Type, false, 0, func(c *nctx) (mem.Ptr, bool) {
			a, ok := addr(c)
			if !ok {
				return mem.Ptr{}, false
			}
			return a.Add(off), true
		})
	}
	ptr := base.p
	return nc.place(f.Type, false, 0, func(c *nctx) (mem.Ptr, bool) {
		p, ok := ptr(c)
		if !ok || p.IsNil() {
			return mem.Ptr{}, false // expr fails or yields nil here: let it say which
		}
		return p.Add(off), true
	})
}

// place is a node for a value of type t in the environment: at a constant
// offset when rooted, else at the address addr gives.
func (nc *nativeCompiler) place(t reflect.Type, rooted bool, off uintptr, addr func(*nctx) (mem.Ptr, bool)) *nnode {
	n := &nnode{typ: t, rooted: rooted, off: off, addr: addr}
	switch {
	case isNumberKind(t.Kind()) && !nc.cfg.plainNumber(t):
		// A number the host converts (WithNumber), or one that keeps its
		// type (time.Duration, a type whose methods rules call): expr
		// reads it as the front end says, so only expr decides it.
		return nil
	case t == boolType:
		n.kind, n.b = nBool, load[bool](rooted, off, addr)
	case t == intType:
		n.kind, n.i = nInt, load[int](rooted, off, addr)
	case t == floatType:
		n.kind, n.f = nFloat, load[float64](rooted, off, addr)
	case t == stringType:
		n.kind, n.s = nString, load[string](rooted, off, addr)
	case t == timeType:
		n.kind, n.t = nTime, load[time.Time](rooted, off, addr)
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		// Any other integer, read as an int, as __num does (numbers.go).
		if n.i = loadInteger(t.Kind(), rooted, off, addr); n.i == nil {
			return nil
		}
		n.kind = nInt
	case t.Kind() == reflect.Float32:
		f := load[float32](rooted, off, addr)
		n.kind, n.f = nFloat, func(c *nctx) (float64, bool) {
			v, ok := f(c)
			return float32Decimal(v), ok
		}
	case t.Kind() == reflect.Float64:
		n.kind, n.f = nFloat, load[float64](rooted, off, addr)
	case t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct:
		n.kind, n.p = nPtr, loadPtr(rooted, off, addr)
	case t.Kind() == reflect.Struct && t != timeType:
		n.kind = nStruct
	default:
		return nil
	}
	return n
}

// load reads a T at a constant offset from the environment, or at an
// address computed first.
func load[T any](rooted bool, off uintptr, addr func(*nctx) (mem.Ptr, bool)) func(*nctx) (T, bool) {
	if rooted {
		return func(c *nctx) (T, bool) { return mem.Load[T](c.env, off), true }
	}
	return func(c *nctx) (T, bool) {
		a, ok := addr(c)
		if !ok {
			var zero T
			return zero, false
		}
		return mem.Load[T](a, 0), true
	}
}

// loadInteger reads an integer of any kind as an int; a uint64 too large
// for an int is not decided (expr reports it).
func loadInteger(k reflect.Kind, rooted bool, off uintptr, addr func(*nctx) (mem.Ptr, bool)) func(*nctx) (int, bool) {
	switch k {
	case reflect.Int:
		return load[int](rooted, off, addr)
	case reflect.Int8:
		return widen(load[int8](rooted, off, addr))
	case reflect.Int16:
		return widen(load[int16](rooted, off, addr))
	case reflect.Int32:
		return widen(load[int32](rooted, off, addr))
	case reflect.Int64:
		return widen(load[int64](rooted, off, addr))
	case reflect.Uint8:
		return widen(load[uint8](rooted, off, addr))
	case reflect.Uint16:
		return widen(load[uint16](rooted, off, addr))
	case reflect.Uint32:
		return widen(load[uint32](rooted, off, addr))
	case reflect.Uint, reflect.Uint64:
		u := load[uint64](rooted, off, addr)
		return func(c *nctx) (int, bool) {
			v, ok := u(c)
			return int(v), ok && v <= math.MaxInt64
		}
	}
	return nil
}

func widen[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32](f func(*nctx) (T, bool)) func(*nctx) (int, bool) {
	return func(c *nctx) (int, bool) {
		v, ok := f(c)
		return int(v), ok
	}
}

// loadPtr is load for a pointer to a struct.
func loadPtr(rooted bool, off uintptr, addr func(*nctx) (mem.Ptr, bool)) func(*nctx) (mem.Ptr, bool) {
	if rooted {
		return func(c *nctx) (mem.Ptr, bool) { return mem.LoadPtr(c.env, off), true }
	}
	return func(c *nctx) (mem.Ptr, bool) {
		a, ok := addr(c)
		if !ok {
			return mem.Ptr{}, false
		}
		return mem.LoadPtr(a, 0), true
	}
}

func (nc *nativeCompiler) unary(u *ast.UnaryNode) *nnode {
	x := nc.node(u.Node)
	if x == nil {
		return nil
	}
	switch {
	case (u.Operator == "!" || u.Operator == "not") && x.kind == nBool:
		return boolNode(x.b, func(v bool) bool { return !v })
	case u.Operator == "-" && x.kind == nInt:
		xi := x.i
		return &nnode{kind: nInt, i: func(c *nctx) (int, bool) { v, ok := xi(c); return -v, ok }}
	case u.Operator == "-" && x.kind == nFloat:
		xf := x.f
		return &nnode{kind: nFloat, f: func(c *nctx) (float64, bool) { v, ok := xf(c); return -v, ok }}
	case u.Operator == "+" && (x.kind == nInt || x.kind == nFloat):
		return x
	}
	return nil
}

func boolNode(x func(*nctx) (bool, bool), f func(bool) bool) *nnode {
	return &nnode{kind: nBool, b: func(c *nctx) (bool, bool) {
		v, ok := x(c)
		return f(v), ok
	}}
}

func (nc *nativeCompiler) conditional(n *ast.ConditionalNode) *nnode {
	cond, a, b := nc.node(n.Cond), nc.node(n.Exp1), nc.node(n.Exp2)
	if cond == nil || a == nil || b == nil || cond.kind != nBool || a.kind != b.kind {
		return nil
	}
	pick := cond.b
	switch a.kind {
	case nBool:
		return &nnode{kind: nBool, b: choose(pick, a.b, b.b)}
	case nInt:
		return &nnode{kind: nInt, i: choose(pick, a.i, b.i)}
	case nFloat:
		return &nnode{kind: nFloat, f: choose(pick, a.f, b.f)}
	case nString:
		return &nnode{kind: nString, s: choose(pick, a.s, b.s)}
	case nTime:
		return &nnode{kind: nTime, t: choose(pick, a.t, b.t)}
	}
	return nil
}

func choose[T any](cond func(*nctx) (bool, bool), a, b func(*nctx) (T, bool)) func(*nctx) (T, bool) {
	return func(c *nctx) (T, bool) {
		v, ok := cond(c)
		if !ok {
			var zero T
			return zero, false
		}
		if v {
			return a(c)
		}
		return b(c)
	}
}

// asFloat reads an int or float node as a float64, as expr does when the
// two sides of an operator differ.
func asFloat(n *nnode) func(*nctx) (float64, bool) {
	switch n.kind {
	case nFloat:
		return n.f
	case nInt:
		xi := n.i
		return func(c *nctx) (float64, bool) { v, ok := xi(c); return float64(v), ok }
	}
	return nil
}

func isNumber(k nkind) bool { return k == nInt || k == nFloat }

func (nc *nativeCompiler) binary(n *ast.BinaryNode) *nnode {
	l, r := nc.node(n.Left), nc.node(n.Right)
	if l == nil || r == nil {
		return nil
	}
	switch n.Operator {
	case "&&", "and", "||", "or":
		if l.kind != nBool || r.kind != nBool {
			return nil
		}
		return logical(n.Operator == "&&" || n.Operator == "and", l.b, r.b)
	case "==", "!=":
		eq := equality(l, r)
		if eq == nil {
			return nil
		}
		if n.Operator == "!=" {
			return boolNode(eq, func(v bool) bool { return !v })
		}
		return &nnode{kind: nBool, b: eq}
	case "<", "<=", ">", ">=":
		return ordering(n.Operator, l, r)
	case "+", "-", "*", "/", "%", "**", "^":
		return arithmetic(n.Operator, l, r)
	}
	return nil
}

func logical(and bool, l, r func(*nctx) (bool, bool)) *nnode {
	return &nnode{kind: nBool, b: func(c *nctx) (bool, bool) {
		v, ok := l(c)
		if !ok || v != and {
			return v, ok // false && …, true || …: the right side is not evaluated
		}
		return r(c)
	}}
}

// equality compiles == for the kinds expr compares by value: numbers (an
// int against a float as floats), strings, bools, times (by instant, as
// expr does) and a pointer against nil.
func equality(l, r *nnode) func(*nctx) (bool, bool) {
	switch {
	case l.kind == nInt && r.kind == nInt:
		return compare(l.i, r.i, func(a, b int) bool { return a == b })
	case isNumber(l.kind) && isNumber(r.kind):
		return compare(asFloat(l), asFloat(r), func(a, b float64) bool { return a == b })
	case l.kind == nString && r.kind == nString:
		return compare(l.s, r.s, func(a, b string) bool { return a == b })
	case l.kind == nBool && r.kind == nBool:
		return compare(l.b, r.b, func(a, b bool) bool { return a == b })
	case l.kind == nTime && r.kind == nTime:
		return compare(l.t, r.t, time.Time.Equal)
	case l.kind == nPtr && r.kind == nNil:
		return nilPtr(l.p)
	case l.kind == nNil && r.kind == nPtr:
		return nilPtr(r.p)
	case l.kind == nNil && r.kind == nNil:
		return func(*nctx) (bool, bool) { return true, true }
	}
	return nil
}

func nilPtr(p func(*nctx) (mem.Ptr, bool)) func(*nctx) (bool, bool) {
	return func(c *nctx) (bool, bool) {
		v, ok := p(c)
		return v.IsNil(), ok
	}
}

// compare is combine for a test that always decides. It stays apart
// because comparisons are the closures' hottest path, and combine would
// wrap f in one more call.
func compare[T any](l, r func(*nctx) (T, bool), f func(a, b T) bool) func(*nctx) (bool, bool) {
	return func(c *nctx) (bool, bool) {
		a, ok := l(c)
		if !ok {
			return false, false
		}
		b, ok := r(c)
		if !ok {
			return false, false
		}
		return f(a, b), true
	}
}

func ordering(op string, l, r *nnode) *nnode {
	var b func(*nctx) (bool, bool)
	switch {
	case l.kind == nInt && r.kind == nInt:
		b = compare(l.i, r.i, orderOf[int](op))
	case isNumber(l.kind) && isNumber(r.kind):
		b = compare(asFloat(l), asFloat(r), orderOf[float64](op))
	case l.kind == nString && r.kind == nString:
		b = compare(l.s, r.s, orderOf[string](op))
	case l.kind == nTime && r.kind == nTime:
		b = compare(l.t, r.t, timeOrder(op))
	default:
		return nil
	}
	return &nnode{kind: nBool, b: b}
}

func orderOf[T int | float64 | string](op string) func(a, b T) bool {
	switch op {
	case "<":
		return func(a, b T) bool { return a < b }
	case "<=":
		return func(a, b T) bool { return a <= b }
	case ">":
		return func(a, b T) bool { return a > b }
	}
	return func(a, b T) bool { return a >= b }
}

func timeOrder(op string) func(a, b time.Time) bool {
	switch op {
	case "<":
		return time.Time.Before
	case "<=":
		return func(a, b time.Time) bool { return !a.After(b) }
	case ">":
		return time.Time.After
	}
	return func(a, b time.Time) bool { return !a.Before(b) }
}

// arithmetic compiles the operators on numbers as expr evaluates them: int
// with int stays int (but / is always a float division), anything with a
// float is a float, and ** is math.Pow.
func arithmetic(op string, l, r *nnode) *nnode {
	if !isNumber(l.kind) || !isNumber(r.kind) {
		return nil
	}
	if l.kind == nInt && r.kind == nInt && op != "/" && op != "**" && op != "^" {
		f := ringOp[int](op)
		if op == "%" { // expr fails on a zero divisor
			f = func(a, b int) (int, bool) {
				if b == 0 {
					return 0, false
				}
				return a % b, true
			}
		}
		return &nnode{kind: nInt, i: combine(l.i, r.i, f)}
	}
	var f func(a, b float64) (float64, bool)
	switch op {
	case "+", "-", "*":
		f = ringOp[float64](op)
	case "/":
		f = func(a, b float64) (float64, bool) { return a / b, true }
	case "**", "^":
		f = func(a, b float64) (float64, bool) { return math.Pow(a, b), true }
	default:
		return nil // % of floats fails in expr
	}
	return &nnode{kind: nFloat, f: combine(asFloat(l), asFloat(r), f)}
}

// ringOp is +, - or * on T; nil for any other operator.
func ringOp[T int | float64](op string) func(a, b T) (T, bool) {
	switch op {
	case "+":
		return func(a, b T) (T, bool) { return a + b, true }
	case "-":
		return func(a, b T) (T, bool) { return a - b, true }
	case "*":
		return func(a, b T) (T, bool) { return a * b, true }
	}
	return nil
}

func combine[T, R any](l, r func(*nctx) (T, bool), f func(a, b T) (R, bool)) func(*nctx) (R, bool) {
	return func(c *nctx) (R, bool) {
		var zero R
		a, ok := l(c)
		if !ok {
			return zero, false
		}
		b, ok := r(c)
		if !ok {
			return zero, false
		}
		return f(a, b)
	}
}
