package dsl

import (
	"strconv"

	"github.com/expr-lang/expr/ast"
)

// A method called on a computed value, (d + d).Abs() or at.Sub(b).Abs(),
// has a receiver the front end later wraps in a check (__dur, __sub,
// __meandur); expr then compiles the method as a field fetched off the
// check's result and calls it without its receiver, which fails every
// evaluation ("stack underflow"). The rewriter binds such a receiver to a
// let first,
//
//	(let __recv1 = d + d; __recv1.Abs())
//
// as a rule's author may: a method is then always called on a name.

// methodOnComputed rewrites the call in slot when it calls a method of a
// computed value; it reports whether it did.
func (r *rewriter) methodOnComputed(slot *ast.Node) bool {
	call, ok := (*slot).(*ast.CallNode)
	if !ok {
		return false
	}
	m, ok := call.Callee.(*ast.MemberNode)
	if !ok || m.Optional || m.Node == nil {
		return false
	}
	switch m.Node.(type) {
	case *ast.IdentifierNode, *ast.MemberNode, *ast.ChainNode, *ast.PointerNode:
		return false // a name, a field, an element: read, not computed
	case *ast.BuiltinNode:
		return false // mean(ds).Hours(): typed as it runs where it stands (see receiverType)
	}
	r.optionals++
	name := "__recv" + strconv.Itoa(r.optionals)
	if r.own == nil {
		r.own = map[ast.Node]bool{}
	}
	id := &ast.IdentifierNode{Value: name}
	id.SetLocation(m.Node.Location())
	let := &ast.VariableDeclaratorNode{Name: name, Value: m.Node, Expr: call}
	let.SetLocation(call.Location())
	r.own[id], r.own[let] = true, true
	m.Node = id
	*slot = let
	return true
}
