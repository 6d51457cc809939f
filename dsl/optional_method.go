package dsl

import (
	"strconv"

	"github.com/expr-lang/expr/ast"
)

// A method called through an optional chain, a?.m(x), is nil where its
// receiver is, as any optional member is. expr's compiler calls a method
// without the chain's nil check (on a nil *time.Time, Year fails the
// evaluation), so the rewriter writes the chain, before it resolves
// names, as
//
//	(let __opt1 = a; __opt1 == nil ? nil : __opt1.m(x))
//
// with the rest of the chain inside the test: a?.m(x).n() is
// (let __opt1 = a; __opt1 == nil ? nil : __opt1.m(x).n()).
// The receiver is computed once, in the let, so a chain of n such calls
// stays n calls (a copy of the receiver for the test would double the
// tree at each of them); the comparison with the literal nil is the
// language's own test for absence; and a nil from an optional chain
// inside the receiver (a?.b?.m()) still ends the whole chain, as expr's
// chain does.

// optionalChainMethod rewrites the chain in slot when a call along its
// spine calls a method through an optional member, the outermost such
// call: the test covers the rest of the chain, so a?.m(x).n() is nil
// where a is (the chain's remainder applied to the call's nil failed);
// the receiver keeps a chain of its own, whose optional calls the next
// walk rewrites. It reports whether it rewrote.
func (r *rewriter) optionalChainMethod(slot *ast.Node, chain *ast.ChainNode) bool {
	var m *ast.MemberNode
	for n := chain.Node; n != nil && m == nil; {
		switch x := n.(type) {
		case *ast.CallNode:
			if cm, ok := x.Callee.(*ast.MemberNode); ok {
				if cm.Optional {
					m = cm
				}
				n = cm.Node
				continue
			}
			n = nil
		case *ast.MemberNode:
			n = x.Node
		case *ast.SliceNode:
			n = x.Node
		default:
			n = nil
		}
	}
	if m == nil {
		return false
	}
	inner := &ast.ChainNode{Node: m.Node}
	inner.SetLocation(m.Node.Location())
	*slot = r.optionalLet(m, inner, chain)
	return true
}

// optionalMethod rewrites the call in slot when it calls a method through
// an optional member; it reports whether it did. (An optional member is
// always within a chain, which optionalChainMethod rewrites first; this
// is for a call the parser gives without one.)
func (r *rewriter) optionalMethod(slot *ast.Node) bool {
	call, ok := (*slot).(*ast.CallNode)
	if !ok {
		return false
	}
	m, ok := call.Callee.(*ast.MemberNode)
	if !ok || !m.Optional {
		return false
	}
	*slot = r.optionalLet(m, m.Node, call)
	return true
}

// optionalLet is (let __optN = receiver; __optN == nil ? nil : rest),
// with m, the optional member in rest, now a member of __optN.
func (r *rewriter) optionalLet(m *ast.MemberNode, receiver, rest ast.Node) ast.Node {
	r.optionals++
	name := "__opt" + strconv.Itoa(r.optionals)
	if r.own == nil {
		r.own = map[ast.Node]bool{}
	}
	at := rest.Location()
	ident := func() ast.Node {
		id := &ast.IdentifierNode{Value: name}
		id.SetLocation(m.Node.Location())
		r.own[id] = true
		return id
	}
	m.Node, m.Optional = ident(), false
	absent := &ast.BinaryNode{Operator: "==", Left: ident(), Right: &ast.NilNode{}}
	none := &ast.NilNode{}
	cond := &ast.ConditionalNode{Cond: absent, Exp1: none, Exp2: rest}
	let := &ast.VariableDeclaratorNode{Name: name, Value: receiver, Expr: cond}
	r.own[let] = true
	for _, n := range []ast.Node{absent, absent.Right, none, cond, let} {
		n.SetLocation(at)
	}
	return let
}
