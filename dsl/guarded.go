package dsl

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/expr-lang/expr/ast"
)

// Guarded sharing extends the sharing of field loads in a batch to
// expressions that go through pointers and to pure built-in calls on them:
// `pension.coverage`, `daysUntil(mortgage.fixedTermEnd)`. Such an expression
// is computed once, at the top of the batch, behind a guard that its
// pointers are not nil:
//
//	let __g0 = mortgage != nil ? daysUntil(mortgage.fixedTermEnd) : nil
//
// A use is replaced only where the operator fails on nil (an ordering
// comparison, arithmetic, an argument of a numeric or date built-in), so
// where the original would have failed on a nil pointer, the shared one
// fails too, and never turns into a value. A failure anywhere fails the
// batch, and the rule set then evaluates part by part: sharing changes the
// cost, never the result.

// guardedCall lists the built-ins that are pure and fail on a nil argument,
// so calls to them may be shared and may take a shared argument.
var guardedCall = map[string]bool{"daysUntil": true, "daysSince": true, "monthsSince": true, "age": true,
	"yearsBetween": true, "clamp": true, "ratio": true, "between": true}

// failsOnNilOperator lists the binary operators that fail on a nil
// operand: orderings and arithmetic. == and != do not (nil == x is false),
// so uses under them are never shared.
var failsOnNilOperator = map[string]bool{"<": true, "<=": true, ">": true, ">=": true,
	"+": true, "-": true, "*": true, "/": true, "%": true, "**": true}

type guardUse struct {
	slot *ast.Node
}

type guardCand struct {
	node  ast.Node
	guard []string // pointer prefixes that must not be nil
	uses  []guardUse
}

// hoistGuarded shares the guarded expressions used at least twice in
// nodes, returning the lets to wrap around the batch, outermost first.
func hoistGuarded(envType reflect.Type, nodes []ast.Node) []*ast.VariableDeclaratorNode {
	cands := map[string]*guardCand{}
	for i := range nodes {
		collectGuarded(envType, &nodes[i], false, cands)
	}
	var keys []string
	for k, c := range cands {
		if len(c.uses) > 1 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var lets []*ast.VariableDeclaratorNode
	for i, k := range keys {
		c := cands[k]
		name := fmt.Sprintf("__g%d", i)
		for _, u := range c.uses {
			id := &ast.IdentifierNode{Value: name}
			id.SetLocation((*u.slot).Location())
			*u.slot = id
		}
		var value ast.Node = c.node
		if len(c.guard) > 0 {
			value = &ast.ConditionalNode{Ternary: true, Cond: guardCond(c.guard), Exp1: c.node, Exp2: &ast.NilNode{}}
		}
		lets = append(lets, &ast.VariableDeclaratorNode{Name: name, Value: value})
	}
	return lets
}

func guardCond(prefixes []string) ast.Node {
	var cond ast.Node
	for _, p := range prefixes {
		c := &ast.BinaryNode{Operator: "!=", Left: chainNode(p), Right: &ast.NilNode{}}
		if cond == nil {
			cond = c
		} else {
			cond = &ast.BinaryNode{Operator: "&&", Left: cond, Right: c}
		}
	}
	return cond
}

// collectGuarded walks a tree, recording shareable expressions at uses
// where nil fails (failsOnNil says the slot is such a use).
func collectGuarded(envType reflect.Type, slot *ast.Node, failsOnNil bool, cands map[string]*guardCand) {
	if key, guard, ok := guardedExpr(envType, *slot); ok {
		if failsOnNil {
			c := cands[key]
			if c == nil {
				c = &guardCand{node: *slot, guard: guard}
				cands[key] = c
			}
			c.uses = append(c.uses, guardUse{slot: slot})
		}
		return
	}
	switch n := (*slot).(type) {
	case *ast.VariableDeclaratorNode, *ast.PredicateNode:
		return // names bound inside could shadow fields
	case *ast.BinaryNode:
		fails := failsOnNilOperator[n.Operator]
		collectGuarded(envType, &n.Left, fails, cands)
		collectGuarded(envType, &n.Right, fails, cands)
		return
	case *ast.CallNode:
		id, ok := n.Callee.(*ast.IdentifierNode)
		pure := ok && guardedCall[id.Value]
		for i := range n.Arguments {
			collectGuarded(envType, &n.Arguments[i], pure, cands)
		}
		return
	}
	for _, c := range children(*slot) {
		collectGuarded(envType, c, false, cands)
	}
}

// guardedExpr reports whether n can be shared behind a guard: a field chain
// through pointers, or a pure built-in call whose arguments are literals,
// the evaluation time, safe chains or guarded chains. It returns the
// expression's key and the pointer prefixes to guard.
func guardedExpr(envType reflect.Type, n ast.Node) (string, []string, bool) {
	switch m := n.(type) {
	case *ast.MemberNode:
		if _, safe := safeChain(envType, n); safe {
			return "", nil, false // shared by the plain hoist already
		}
		return pointerChain(envType, m)
	case *ast.CallNode:
		id, ok := m.Callee.(*ast.IdentifierNode)
		if !ok || !guardedCall[id.Value] {
			return "", nil, false
		}
		var guard []string
		for _, a := range m.Arguments {
			switch arg := a.(type) {
			case *ast.IntegerNode, *ast.FloatNode:
				continue
			case *ast.IdentifierNode:
				if arg.Value == nowName {
					continue
				}
			}
			if path, safe := safeChain(envType, a); safe && path != "" {
				continue
			}
			_, g, ok := guardedExpr(envType, a)
			if !ok {
				return "", nil, false
			}
			guard = append(guard, g...)
		}
		sort.Strings(guard)
		return n.String(), compactStrings(guard), true
	}
	return "", nil, false
}

// pointerChain reports a chain of constant field names from the
// environment that passes through pointers, with the pointer prefixes.
func pointerChain(envType reflect.Type, m *ast.MemberNode) (string, []string, bool) {
	segs, root := chain(m)
	if root == nil {
		return "", nil, false
	}
	path := append([]string{root.Value}, segs...)
	t := envType
	var guard []string
	for i, seg := range path {
		if t.Kind() == reflect.Pointer {
			guard = append(guard, strings.Join(path[:i], "."))
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return "", nil, false
		}
		f, ok := lookupField(t, seg)
		if !ok || len(f.Index) > 1 {
			return "", nil, false
		}
		t = f.Type
	}
	return strings.Join(path, "."), guard, true
}

func compactStrings(ss []string) []string {
	out := ss[:0]
	for i, s := range ss {
		if i == 0 || s != ss[i-1] {
			out = append(out, s)
		}
	}
	return out
}
