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
// let holds its value boxed once, and reading it copies nothing. chain
// counts the bytes the copies of the innermost optional chain take that
// cannot be wrapped where they are made (they hold a ?.): the chain as a
// whole is charged them, as if it never stopped.
type copyCharger struct {
	lets  []string
	chain int64
}

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
		switch {
		case !copiesLarge(n.Type()):
		case inChain && holdsOptional(n):
			c.chain += int64(n.Type().Size())
		default:
			*slot = chargeCall(n, 0)
		}
	}
	switch n := n.(type) {
	case nil:
		return
	case *ast.ChainNode:
		outer := c.chain
		c.chain = 0
		c.visit(&n.Node, false, true)
		if c.chain > 0 {
			*slot = chargeCall(n, c.chain)
		}
		c.chain = outer
		return
	case *ast.MemberNode:
		field := isFieldRead(n)
		c.visit(&n.Node, field && !n.Optional, inChain)
		c.visit(&n.Property, false, inChain)
		if recv := valueReceiver(n); recv != nil {
			// A method of a value receiver is called on a copy of it,
			// through a pointer too.
			if inChain {
				c.chain += int64(recv.Size())
			} else {
				n.Node = chargeCall(n.Node, int64(recv.Size()))
			}
		}
		if !(collapses && field) {
			charge()
		}
		return
	case *ast.BinaryNode:
		c.visitAll(n, inChain)
		if n.Operator == "in" {
			c.chargeIn(n)
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

// chargeIn charges what expr's in copies out of its right operand: a
// map's value, looked up (one copy), or each element of a list it
// compares (as many copies as the list is long, charged before it reads
// them).
func (c *copyCharger) chargeIn(n *ast.BinaryNode) {
	// The operand as the rule wrote it, inside the walks instrumentation
	// put around it (they are typed only when the tree is checked again):
	// charged there, before they read it.
	operand := &n.Right
	for {
		name, ok := isInternalCall(*operand)
		if !ok || name != walkFunc {
			break
		}
		operand = &(*operand).(*ast.CallNode).Arguments[0]
	}
	t := (*operand).Type()
	switch {
	case t == nil:
	case t.Kind() == reflect.Map && copiesLarge(t.Elem()):
		*operand = chargeCall(*operand, int64(t.Elem().Size()))
	case t.Kind() == reflect.Slice && copiesLarge(t.Elem()):
		*operand = chargeCall(*operand, 0)
	}
}

// chargeCall is __walk(n, __gov, walkCopy), charging bytes, or n's size
// when bytes is 0.
func chargeCall(n ast.Node, bytes int64) ast.Node {
	return internalCall(walkFunc, n, n, govIdent(n), walkMode(walkCopy|walkFlags(bytes<<walkFactorShift)))
}

// valueReceiver is the type a method m names is called on a copy of: a
// struct larger than copyFree whose method has a value receiver, read
// through a pointer or not; nil for anything else.
func valueReceiver(m *ast.MemberNode) reflect.Type {
	if !isMethodRead(m) {
		return nil
	}
	prop := m.Property.(*ast.StringNode)
	recv := deref(m.Node.Type())
	if recv == nil || !copiesLarge(recv) {
		return nil
	}
	if _, ok := recv.MethodByName(prop.Value); !ok {
		return nil // a method of the pointer only: no copy
	}
	return recv
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
