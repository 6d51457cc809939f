package dsl

import "github.com/expr-lang/expr/ast"

// The formatting built-ins num, pct and money, compiled as closures: an
// alert's title interpolates them for every alert a rule raises, and
// through expr each is a VM run of its own. A closure writes exactly what
// the built-in writes (the same Locale methods and formatPct) and charges
// the governor as it does (chargeText); whatever the built-in would
// refuse (a NaN, decimals out of range, a budget spent) the closure leaves
// undecided, so that expr reports it with the built-in's own error.

// formatCall compiles a call of num, pct or money as the rewriter left it:
// its arguments, then the governor. It returns nil for any other call, and
// for arguments the closures cannot read.
func (nc *nativeCompiler) formatCall(name string, args []ast.Node) *nnode {
	if len(args) < 2 || !isGovIdent(args[len(args)-1]) {
		return nil // not the governed built-in: a field of that name, say
	}
	args = args[:len(args)-1]
	l := nc.cfg.locale
	switch {
	case name == "pct" && (len(args) == 1 || len(args) == 2):
		x := nc.node(args[0])
		if x == nil || !isNumber(x.kind) {
			return nil
		}
		decimals, ok := nc.decimals(args, 1)
		if !ok {
			return nil
		}
		if x.kind == nInt {
			xi := x.i
			return formatNode(func(c *nctx) (string, bool) {
				v, ok := xi(c)
				d, dok := decimals(c)
				if !ok || !dok || d < 0 || d > 10 {
					return "", false
				}
				return pctInt(v), true
			})
		}
		xf := asFloat(x)
		return formatNode(func(c *nctx) (string, bool) {
			v, ok := xf(c)
			if !ok || v != v {
				return "", false
			}
			d, ok := decimals(c)
			if !ok || d < 0 || d > 10 {
				return "", false
			}
			return formatPct(v, d), true
		})
	case name == "num" && (len(args) == 1 || len(args) == 2):
		x := nc.node(args[0])
		if x == nil || !isNumber(x.kind) {
			return nil
		}
		decimals, ok := nc.decimals(args, -1)
		if !ok {
			return nil
		}
		if x.kind == nInt {
			xi := x.i
			return formatNode(func(c *nctx) (string, bool) {
				v, ok := xi(c)
				d, dok := decimals(c)
				if !ok || !dok || len(args) == 2 && (d < 0 || d > 10) {
					return "", false
				}
				return l.integer(v, max(d, 0)), true
			})
		}
		xf := x.f
		return formatNode(func(c *nctx) (string, bool) {
			v, ok := xf(c)
			d, dok := decimals(c)
			if !ok || !dok || v != v || len(args) == 2 && (d < 0 || d > 10) {
				return "", false
			}
			return l.number(v, d), true
		})
	case name == "money" && len(args) == 2:
		x, code := nc.node(args[0]), nc.node(args[1])
		if x == nil || code == nil || !isNumber(x.kind) || code.kind != nString {
			return nil
		}
		cs := code.s
		if x.kind == nInt {
			xi := x.i
			return formatNode(func(c *nctx) (string, bool) {
				v, ok := xi(c)
				if !ok {
					return "", false
				}
				k, ok := cs(c)
				if !ok || k == "" { // the built-in refuses an empty code
					return "", false
				}
				return l.money(v, k), true
			})
		}
		xf := x.f
		return formatNode(func(c *nctx) (string, bool) {
			v, ok := xf(c)
			if !ok || v != v {
				return "", false
			}
			k, ok := cs(c)
			if !ok || k == "" {
				return "", false
			}
			return l.money(v, k), true
		})
	}
	return nil
}

// decimals compiles the optional decimals argument args[1] of num or pct,
// an int, or gives def when there is none.
func (nc *nativeCompiler) decimals(args []ast.Node, def int) (func(*nctx) (int, bool), bool) {
	if len(args) < 2 {
		return func(*nctx) (int, bool) { return def, true }, true
	}
	d := nc.node(args[1])
	if d == nil || d.kind != nInt {
		return nil, false
	}
	return d.i, true
}

// formatNode is a text closure charged to the governor as the built-ins
// charge what they write.
func formatNode(text func(*nctx) (string, bool)) *nnode {
	return &nnode{kind: nString, typ: stringType, s: func(c *nctx) (string, bool) {
		s, ok := text(c)
		if !ok || c.gov == nil || chargeText(c.gov, s) != nil {
			return "", false
		}
		return s, true
	}}
}

// isGovIdent reports whether n is the governor the rewriter passes to a
// governed built-in.
func isGovIdent(n ast.Node) bool {
	id, ok := n.(*ast.IdentifierNode)
	return ok && id.Value == govName
}
