package dsl

import (
	"math"
	"time"

	"github.com/expr-lang/expr/ast"
)

// The calls the closures make: the date built-ins, ratio, between, clamp,
// the formatting built-ins num, pct and money (native_format.go), expr's own abs, round, floor and ceil, and time's IsZero, each
// computed as the function expr would call computes it.

// call compiles the built-ins the closures know, and time's IsZero. Every
// other call, a host function's among them, stays with expr (a host
// function may not take a built-in's name).
func (nc *nativeCompiler) call(n *ast.CallNode) *nnode {
	if m, ok := n.Callee.(*ast.MemberNode); ok {
		return nc.method(m, n.Arguments)
	}
	id, ok := n.Callee.(*ast.IdentifierNode)
	if !ok {
		return nil
	}
	if id.Value == nanFunc && len(n.Arguments) == 1 {
		return nc.notNaN(n.Arguments[0])
	}
	if id.Value == intFunc && len(n.Arguments) == 3 {
		// Checked int arithmetic: an overflow leaves the answer to expr,
		// which reports it.
		op, ok := n.Arguments[2].(*ast.StringNode)
		l, r := nc.node(n.Arguments[0]), nc.node(n.Arguments[1])
		if !ok || l == nil || r == nil || l.kind != nInt || r.kind != nInt {
			return nil
		}
		return &nnode{kind: nInt, i: combine(l.i, r.i, intOp(op.Value))}
	}
	if id.Value == numFunc && len(n.Arguments) == 1 {
		// Places of any number type are read as int or float64 already.
		if x := nc.node(n.Arguments[0]); x != nil && (x.kind == nInt || x.kind == nFloat) {
			return x
		}
		return nil
	}
	if localeFuncs[id.Value] != nil {
		return nc.formatCall(id.Value, n.Arguments)
	}
	f := builtinFuncs[id.Value]
	if f == nil {
		return nil
	}
	args := make([]*nnode, len(n.Arguments))
	for i, a := range n.Arguments {
		if args[i] = nc.node(a); args[i] == nil {
			return nil
		}
	}
	switch {
	case f.date != nil && len(args) == 2 && args[0].kind == nTime && args[1].kind == nTime:
		return nc.memoInt(n, &nnode{kind: nInt, i: combine(args[0].t, args[1].t, func(t, now time.Time) (int, bool) {
			if t.IsZero() || now.IsZero() {
				return 0, false // expr reports the missing time
			}
			return f.date(t, now), true
		})})
	case f.name == "yearsBetween" && len(args) == 2 && args[0].kind == nTime && args[1].kind == nTime:
		return nc.memoInt(n, &nnode{kind: nInt, i: combine(args[0].t, args[1].t, func(a, b time.Time) (int, bool) {
			if a.IsZero() || b.IsZero() {
				return 0, false
			}
			return wholeMonths(a, b, a.Location()) / 12, true // as yearsBetween
		})})
	case f.name == "ratio" && len(args) == 2 && isNumber(args[0].kind) && isNumber(args[1].kind):
		return &nnode{kind: nFloat, f: combine(asFloat(args[0]), asFloat(args[1]), func(a, b float64) (float64, bool) {
			return ratioOf(a, b), true
		})}
	case (f.name == "between" || f.name == "clamp") && len(args) == 3 &&
		isNumber(args[0].kind) && isNumber(args[1].kind) && isNumber(args[2].kind):
		return ternaryNumber(f.name, asFloat(args[0]), asFloat(args[1]), asFloat(args[2]))
	}
	return nil
}

// notNaN compiles __nan(x): x, not decided when it is NaN, so that expr
// reports the NaN.
func (nc *nativeCompiler) notNaN(arg ast.Node) *nnode {
	x := nc.node(arg)
	if x == nil || x.kind != nFloat {
		return x
	}
	out := *x
	f := x.f
	out.f = func(c *nctx) (float64, bool) {
		v, ok := f(c)
		return v, ok && v == v
	}
	return &out
}

// ternaryNumber compiles between(x, lo, hi) and clamp(x, lo, hi).
func ternaryNumber(name string, x, lo, hi func(*nctx) (float64, bool)) *nnode {
	args := func(c *nctx) (v, l, h float64, ok bool) {
		if v, ok = x(c); !ok {
			return
		}
		if l, ok = lo(c); !ok {
			return
		}
		h, ok = hi(c)
		return
	}
	if name == "between" {
		return &nnode{kind: nBool, b: func(c *nctx) (bool, bool) {
			v, l, h, ok := args(c)
			if !ok || v != v || l != l || h != h {
				return false, false // expr reports the NaN
			}
			return l <= v && v <= h, true
		}}
	}
	return &nnode{kind: nFloat, f: func(c *nctx) (float64, bool) {
		v, l, h, ok := args(c)
		if !ok {
			return 0, false
		}
		out, err := clampOf(v, l, h)
		return out, err == nil
	}}
}

// method compiles t.IsZero() on a time.
func (nc *nativeCompiler) method(m *ast.MemberNode, args []ast.Node) *nnode {
	prop, ok := m.Property.(*ast.StringNode)
	if !ok || m.Optional || len(args) != 0 || prop.Value != "IsZero" {
		return nil
	}
	recv := nc.node(m.Node)
	if recv == nil || recv.kind != nTime {
		return nil
	}
	rt := recv.t
	return &nnode{kind: nBool, b: func(c *nctx) (bool, bool) {
		t, ok := rt(c)
		return t.IsZero(), ok
	}}
}

// builtin compiles expr's own abs, round, floor and ceil, which the titles
// of rules use to show numbers.
func (nc *nativeCompiler) builtin(n *ast.BuiltinNode) *nnode {
	if len(n.Arguments) != 1 {
		return nil
	}
	x := nc.node(n.Arguments[0])
	if x == nil || !isNumber(x.kind) {
		return nil
	}
	var f func(float64) float64
	switch n.Name {
	case "abs":
		if x.kind == nInt {
			xi := x.i
			return &nnode{kind: nInt, i: func(c *nctx) (int, bool) {
				v, ok := xi(c)
				return max(v, -v), ok
			}}
		}
		f = math.Abs
	case "round":
		f = math.Round
	case "floor":
		f = math.Floor
	case "ceil":
		f = math.Ceil
	default:
		return nil
	}
	xf := asFloat(x)
	return &nnode{kind: nFloat, f: func(c *nctx) (float64, bool) {
		v, ok := xf(c)
		return f(v), ok
	}}
}
