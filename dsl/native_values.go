package dsl

import (
	"reflect"
)

// The outputs and evidence of a decision that fires (urgency, sensitivity,
// the parts of its title and message, its named outputs, lets and reads)
// are also compiled to closures when every one of them can be, so a rule
// that fires costs no VM run either. Each value is boxed as expr boxes it:
// an int as int, a float as float64, a pointer as the host's own pointer
// type, so hits are the same whichever computed them. When a closure cannot
// decide, the decision's expr batch computes all its values instead.

// nativeValue computes one part's value.
type nativeValue func(*nctx) (any, bool)

// compileNativeParts compiles every part of a decision, or returns nil when
// any of them is outside the subset.
func compileNativeParts(envType reflect.Type, layout frameLayout, parts []*program, memo *memoPlan) []nativeValue {
	if len(parts) == 0 {
		return nil
	}
	out := make([]nativeValue, len(parts))
	for i, p := range parts {
		n := compileNode(envType, layout, p, memo)
		if n == nil {
			return nil
		}
		if out[i] = boxed(n); out[i] == nil {
			return nil
		}
	}
	return out
}

// compileNativeExpr compiles a standalone expression whose value expr
// would give as the closures do: of the kind it is expected to have (an int
// where a float is expected is made a float, as expr does), or of any kind
// when any result will do.
func compileNativeExpr(envType reflect.Type, layout frameLayout, p *program) nativeValue {
	n := compileNode(envType, layout, p, nil)
	switch {
	case n == nil:
		return nil
	case p.kind == reflect.Invalid:
	case p.kind == reflect.Float64 && n.kind == nInt:
		return box(asFloat(n))
	case p.kind == reflect.Bool && n.kind == nBool, p.kind == reflect.Float64 && n.kind == nFloat,
		p.kind == reflect.Int && n.kind == nInt, p.kind == reflect.String && n.kind == nString:
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
			if p == nil {
				return null, true
			}
			return reflect.NewAt(elem, p).Interface(), true
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

// nativeValues computes a decision's part values with its closures into
// buf's memory; nil when it has none or one could not decide. The values
// are read while the hit is built and not kept, so one buffer serves every
// decision of an evaluation.
func nativeValues(c *nctx, fs []nativeValue, buf *[]any) []any {
	if fs == nil {
		return nil
	}
	if cap(*buf) < len(fs) {
		*buf = make([]any, len(fs))
	}
	vals := (*buf)[:len(fs)]
	for i, f := range fs {
		v, ok := f(c)
		if !ok {
			clear(vals)
			return nil
		}
		vals[i] = v
	}
	return vals
}
