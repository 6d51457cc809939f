package dsl

import (
	"reflect"

	"github.com/engagekit/engagekit/internal/exprkey"
	"github.com/expr-lang/expr/ast"
)

// Rules of one product start alike (`mortgage != nil && …`), and the rules
// of a family test the same bands and names (`segment.name == "A"`,
// `client.income >= 25000 && client.income < 50000`): a client fails most
// of them on a test another rule has already made. So the conjuncts of a
// condition's chain of ands are guards, each decided at most once per
// evaluation under its key and shared by every rule whose chain holds it.
//
// A rule walks its guards in its chain's order, as its closure would
// evaluate them: the first that is false makes the condition false (every
// guard before it was true, so the closure reaches it and stops there,
// whatever the rest would have said); one the closures cannot decide
// (left to expr: a NaN, an error) stops the walk, and the rule decides as
// before, through its closure and expr behind it; when the chain is the
// whole condition and every guard is true, the condition is true. The
// walk therefore decides exactly what the closure would, and evaluates
// each distinct test once per file instead of once per rule.

// guardState is what an evaluation knows of a guard.
type guardState uint8

const (
	guardUnknown guardState = iota
	guardFalse
	guardTrue
	guardOther // not decided by the closures
)

// ruleGuards are a rule's guards, in its chain's order.
type ruleGuards struct {
	at []int32 // indexes into the rule set's guards; nil for none
	// whole: the chain is the whole condition, so guards all true make
	// it true.
	whole bool
	// runEnd, for a rule whose first guard decides it (guard_runs.go), is the
	// index in the rule set where the run of rules that start with the
	// same guard ends: once that guard is false, the evaluation steps
	// over the rest of the run at once. 0 for other rules.
	runEnd int
}

// chainGuards compiles the guards of the native rules: every conjunct of
// a condition's chain of ands that the closures compile, up to the first
// that they do not, keyed so that rules share equal ones. It sets each
// rule's guards and returns the guards' closures.
func chainGuards(envType reflect.Type, rules []*cRule, cfg *config, memo *memoPlan) []nativeCond {
	byKey := map[string]int32{}
	var guards []nativeCond
	nc := &nativeCompiler{env: envType, cfg: cfg, memo: memo}
	for _, r := range rules {
		r.guards = ruleGuards{}
		if r.when == nil || r.when.cond == nil || !r.enabled {
			continue
		}
		conj := conjuncts(r.when.c.tree.Node)
		if len(conj) < 2 {
			continue // a single test: the closure itself is as cheap
		}
		var at []int32
		for _, c := range conj {
			key, ok := exprkey.Key(c)
			if !ok {
				break
			}
			if readsGovernor(c) {
				// A test that charges the rule's budget (num, pct,
				// money) is charged to each rule that makes it: it is
				// no guard shared by the rules, whose first would pay
				// for all.
				break
			}
			g, seen := byKey[key]
			if !seen {
				n := nc.node(c)
				if n == nil || n.kind != nBool {
					break
				}
				g = int32(len(guards))
				guards = append(guards, n.b)
				byKey[key] = g
			}
			at = append(at, g)
		}
		r.guards = ruleGuards{at: at, whole: len(at) == len(conj)}
	}
	return guards
}

// readsGovernor reports whether n passes the rule's governor to a call
// below it: what it computes is charged to the rule's budget.
func readsGovernor(n ast.Node) bool {
	if isGovIdent(n) {
		return true
	}
	for _, c := range exprkey.Children(n) {
		if *c != nil && readsGovernor(*c) {
			return true
		}
	}
	return false
}

// conjuncts are the operands of a chain of ands, in the order its closure
// evaluates them: `a && b && c` (parsed ((a && b) && c)) gives a, b, c; an
// operand that is itself an and in parentheses on the right is one
// conjunct. Nil when n is not an and.
func conjuncts(n ast.Node) []ast.Node {
	var right []ast.Node
	for {
		b, ok := n.(*ast.BinaryNode)
		if !ok || b.Operator != "&&" && b.Operator != "and" {
			break
		}
		right = append(right, b.Right)
		n = b.Left
	}
	if len(right) == 0 {
		return nil
	}
	out := make([]ast.Node, 0, len(right)+1)
	out = append(out, n)
	for i := len(right) - 1; i >= 0; i-- {
		out = append(out, right[i])
	}
	return out
}

// decideGuards walks a rule's guards: decided is true when they decide
// the condition, with its value; false when the rule must decide as
// before.
func decideGuards(nc *nctx, guards []nativeCond, states []guardState, rg ruleGuards) (value, decided bool) {
	for _, g := range rg.at {
		st := states[g]
		if st == guardUnknown {
			st = guardOther
			if v, ok := guards[g](nc); ok {
				st = guardFalse
				if v {
					st = guardTrue
				}
			}
			states[g] = st
		}
		switch st {
		case guardFalse:
			return false, true
		case guardOther:
			return false, false
		}
	}
	return true, rg.whole && len(rg.at) > 0
}
