package dsl

import (
	"strconv"

	"github.com/expr-lang/expr/ast"
)

// A method called through an optional chain, a?.m(x), is nil where its
// receiver is, as any optional member is. expr's compiler calls a method
// without the chain's nil check (on a nil *time.Time, Year fails the
// evaluation), so the rewriter writes the call, before it resolves names,
// as
//
//	(let __opt1 = a; __opt1 == nil ? nil : __opt1.m(x))
//
// The receiver is computed once, in the let, so a chain of n such calls
// stays n calls (a copy of the receiver for the test would double the
// tree at each of them); the comparison with the literal nil is the
// language's own test for absence; and a nil from an optional chain
// inside the receiver (a?.b?.m()) still ends the whole chain, as expr's
// chain does.

// optionalMethod rewrites the call in slot when it calls a method through
// an optional member; it reports whether it did.
func (r *rewriter) optionalMethod(slot *ast.Node) bool {
	call, ok := (*slot).(*ast.CallNode)
	if !ok {
		return false
	}
	m, ok := call.Callee.(*ast.MemberNode)
	if !ok || !m.Optional {
		return false
	}
	r.optionals++
	name := "__opt" + strconv.Itoa(r.optionals)
	at := call.Location()
	ident := func() ast.Node {
		id := &ast.IdentifierNode{Value: name}
		id.SetLocation(m.Node.Location())
		return id
	}
	receiver := m.Node
	m.Node, m.Optional = ident(), false
	absent := &ast.BinaryNode{Operator: "==", Left: ident(), Right: &ast.NilNode{}}
	none := &ast.NilNode{}
	cond := &ast.ConditionalNode{Cond: absent, Exp1: none, Exp2: call}
	let := &ast.VariableDeclaratorNode{Name: name, Value: receiver, Expr: cond}
	for _, n := range []ast.Node{absent, absent.Right, none, cond, let} {
		n.SetLocation(at)
	}
	*slot = let
	return true
}
