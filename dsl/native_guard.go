package dsl

import (
	"reflect"

	"github.com/engagekit/engagekit/internal/exprkey"
	"github.com/expr-lang/expr/ast"
)

// Rules of one product usually start with the same guard (`mortgage !=
// nil && …`), and a client without the product fails all of them on it. So
// a guard that begins the conditions of two or more rules is decided once
// per evaluation, and when it is false every rule it begins is false
// without running: `G && rest` is false whenever G is, whatever rest would
// have said, so skipping rest changes nothing. A guard that is true or
// cannot be decided lets each rule decide as before.

// guardState is what an evaluation knows of a shared guard.
type guardState uint8

const (
	guardUnknown guardState = iota
	guardFalse
	guardOther // true, or not decided by the closures
)

// sharedGuards finds the leading conjuncts shared by two or more of the
// native rules and sets each such rule's guard to its index in the result.
func sharedGuards(envType reflect.Type, rules []*cRule, cfg *config, memo *memoPlan) []nativeCond {
	type group struct {
		cond  nativeCond
		rules []*cRule
	}
	byKey := map[string]*group{}
	var order []string
	for _, r := range rules {
		r.guard = -1
		if r.when == nil || r.when.cond == nil || !r.enabled {
			continue
		}
		lead := leadingConjunct(r.when.c.tree.Node)
		if lead == nil {
			continue
		}
		key, ok := exprkey.Key(lead)
		if !ok {
			continue
		}
		g := byKey[key]
		if g == nil {
			nc := &nativeCompiler{env: envType, cfg: cfg, memo: memo}
			n := nc.node(lead)
			if n == nil || n.kind != nBool {
				continue
			}
			g = &group{cond: n.b}
			byKey[key] = g
			order = append(order, key)
		}
		g.rules = append(g.rules, r)
	}
	var guards []nativeCond
	for _, key := range order {
		g := byKey[key]
		if len(g.rules) < 2 {
			continue
		}
		for _, r := range g.rules {
			r.guard = len(guards)
		}
		guards = append(guards, g.cond)
	}
	return guards
}

// leadingConjunct is the first operand of a chain of ands, nil when the
// expression is not an and.
func leadingConjunct(n ast.Node) ast.Node {
	var lead ast.Node
	for {
		b, ok := n.(*ast.BinaryNode)
		if !ok || b.Operator != "&&" && b.Operator != "and" {
			return lead
		}
		lead, n = b.Left, b.Left
	}
}

// guardFails reports whether rule's shared guard is false, deciding the
// guard on first use in the evaluation.
func guardFails(nc *nctx, guards []nativeCond, states []guardState, g int) bool {
	if g < 0 {
		return false
	}
	if states[g] == guardUnknown {
		states[g] = guardOther
		if v, ok := guards[g](nc); ok && !v {
			states[g] = guardFalse
		}
	}
	return states[g] == guardFalse
}
