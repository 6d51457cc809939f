package dsl

import (
	"reflect"
	"slices"

	"github.com/engagekit/engagekit/internal/envfield"
	"github.com/engagekit/engagekit/internal/exprkey"
	"github.com/expr-lang/expr/ast"
)

// copyFree is the size of a value read by value that is not charged: a
// read of one boxes a copy, and a step's garbage stays within a few
// hundred bytes (adversary 153's PerStepGarbage) when the host's values
// are small, as they are when they are not records.
const copyFree = 256

// chargeCopies wraps each read that copies a struct or an array larger
// than copyFree in __walk(x, __gov, walkCopy), which charges its size to
// the memory budget. expr boxes such a value afresh each time a rule
// reads it: an element of a list of records a predicate visits as #,
// recs[0], first(recs), a map's record, a [N]byte field, a host
// function's record. No built-in builds anything there, so only the
// loop's steps were counted, and each step could copy kilobytes: a 32 KB
// record read 900 times allocated 32 MB under a 160 KB budget (adversary
// 156). Charged, the budget refuses such a rule after one copy past it.
func chargeCopies(root *ast.Node) {
	c := copyCharger{}
	c.visit(root, false, false)
}

// copyCharger walks the tree for chargeCopies, with the lets in scope: a
// let holds its value boxed once, and reading it copies nothing.
type copyCharger struct{ lets []string }

// visit charges the copies under and at *slot. collapses says the parent
// folds this node into its own read when it is a field read: expr
// fetches a.b.c through a and b in one step (OpLoadField), so a.b is
// charged only where it is itself the value (a.b == x, len(a.b)).
// inChain says *slot is in an optional chain, whose ?. jumps to the
// chain's end: a wrapper around a node that holds one would cut the
// jump, so only nodes without one are wrapped there.
func (c *copyCharger) visit(slot *ast.Node, collapses, inChain bool) {
	n := *slot
	charge := func() {
		if copiesLarge(n.Type()) && !(inChain && holdsOptional(n)) {
			*slot = internalCall(walkFunc, n, n, govIdent(n), walkMode(walkCopy))
		}
	}
	switch n := n.(type) {
	case nil:
		return
	case *ast.ChainNode:
		c.visit(&n.Node, false, true)
		return // the chain's value is its last read's, charged there
	case *ast.MemberNode:
		field := isFieldRead(n)
		// A method's receiver is left as the allow-list saw it.
		c.visit(&n.Node, (field && !n.Optional) || isMethodRead(n), inChain)
		c.visit(&n.Property, false, inChain)
		if !(collapses && field) {
			charge()
		}
		return
	case *ast.IdentifierNode:
		if !collapses && !slices.Contains(c.lets, n.Value) {
			charge() // a host field read as a whole
		}
		return
	case *ast.VariableDeclaratorNode:
		c.visit(&n.Value, false, inChain)
		c.lets = append(c.lets, n.Name)
		c.visit(&n.Expr, false, inChain)
		c.lets = c.lets[:len(c.lets)-1]
		return
	case *ast.PointerNode:
		charge()
		return
	case *ast.BuiltinNode:
		c.visitAll(n, inChain)
		charge() // first, last, find, get: an element, copied out
		return
	case *ast.CallNode:
		c.visitAll(n, inChain)
		if _, internal := isInternalCall(n); !internal {
			charge() // a host function's record, boxed
		}
		return
	}
	c.visitAll(n, inChain)
}

func (c *copyCharger) visitAll(n ast.Node, inChain bool) {
	for _, child := range exprkey.Children(n) {
		c.visit(child, false, inChain)
	}
}

// holdsOptional reports whether n, in an optional chain, holds a ?. of
// that chain (one of a chain of its own jumps to that chain's end).
func holdsOptional(n ast.Node) bool {
	switch m := n.(type) {
	case nil, *ast.ChainNode:
		return false
	case *ast.MemberNode:
		if m.Optional {
			return true
		}
	}
	for _, child := range exprkey.Children(n) {
		if holdsOptional(*child) {
			return true
		}
	}
	return false
}

// copiesLarge reports whether a value of type t is a struct or an array
// that reading it copies, past copyFree bytes.
func copiesLarge(t reflect.Type) bool {
	return t != nil && (t.Kind() == reflect.Struct || t.Kind() == reflect.Array) && t.Size() > copyFree
}

// isFieldRead reports whether m reads a field of a struct (through
// pointers), as expr's FieldIndex finds one.
func isFieldRead(m *ast.MemberNode) bool {
	prop, ok := m.Property.(*ast.StringNode)
	if !ok || m.Node == nil {
		return false
	}
	recv := deref(m.Node.Type())
	if recv == nil || recv.Kind() != reflect.Struct {
		return false
	}
	_, ok = envfield.Lookup(recv, prop.Value)
	return ok
}

// isMethodRead reports whether m names a method of its receiver.
func isMethodRead(m *ast.MemberNode) bool {
	prop, ok := m.Property.(*ast.StringNode)
	if !ok || m.Node == nil || isFieldRead(m) {
		return false
	}
	recv := receiverType(m.Node)
	return recv != nil && recv.Kind() != reflect.Interface && hasMethod(recv, prop.Value)
}
