package dsl

import (
	"reflect"

	"github.com/engagekit/engagekit/internal/mem"
)

// The outputs and evidence of a decision that fires (urgency, sensitivity,
// the parts of its title and message, its named outputs, lets and reads)
// are also compiled to closures when every one of them can be, so a rule
// that fires costs no VM run either. Each value is boxed as expr boxes it:
// an int as int, a float as float64, a pointer as the host's own pointer
// type, so hits are the same whichever computed them. When a closure cannot
// decide, the decision's expr batch computes all its values instead.

// nativeValue computes one expression's value, boxed as expr boxes it.
type nativeValue func(*nctx) (any, bool)

// valueOf turns a compiled node into the closure yielding its value as
// expr would give it: of the kind the expression is expected to have (an
// int where a float is expected is made a float, as expr does), or of any
// kind when any result will do. It returns nil when the kinds differ.
func valueOf(n *nnode, kind reflect.Kind) nativeValue {
	switch {
	case kind == reflect.Invalid:
	case kind == reflect.Float64 && n.kind == nInt:
		return box(asFloat(n))
	case kind == reflect.Bool && n.kind == nBool, kind == reflect.Float64 && n.kind == nFloat,
		kind == reflect.Int && n.kind == nInt, kind == reflect.String && n.kind == nString:
	default:
		return nil
	}
	return boxed(n)
}

// boxed turns a node into a closure yielding its value as any.
func boxed(n *nnode) nativeValue {
	switch n.kind {
	case nBool:
		return box(n.b)
	case nInt:
		return box(n.i)
	case nFloat:
		return box(n.f)
	case nString:
		return box(n.s)
	case nTime:
		return box(n.t)
	case nPtr:
		ptr, elem, typ := n.p, n.typ.Elem(), n.typ
		null := reflect.Zero(typ).Interface()
		return func(c *nctx) (any, bool) {
			p, ok := ptr(c)
			if !ok {
				return nil, false
			}
			if p.IsNil() {
				return null, true
			}
			return mem.Interface(elem, p), true
		}
	}
	return nil
}

func box[T any](f func(*nctx) (T, bool)) nativeValue {
	return func(c *nctx) (any, bool) {
		v, ok := f(c)
		return v, ok
	}
}
