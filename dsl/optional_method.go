package dsl

import (
	"reflect"

	"github.com/expr-lang/expr/ast"
)

// A method called through an optional chain, a?.m(x), is nil where its
// receiver is, as any optional member is. expr's compiler calls a method
// without the chain's nil check (on a nil *time.Time, Year fails the
// evaluation), so the rewriter writes it as (a == nil ? nil : a.m(x)),
// before it resolves names: the comparison with the literal nil is the
// language's own test for absence, and the receiver is computed twice,
// as the functions a rule calls are pure.

// optionalMethod rewrites the call in slot when it calls a method through
// an optional member; it reports whether it did.
func optionalMethod(slot *ast.Node) bool {
	call, ok := (*slot).(*ast.CallNode)
	if !ok {
		return false
	}
	m, ok := call.Callee.(*ast.MemberNode)
	if !ok || !m.Optional {
		return false
	}
	m.Optional = false
	absent := &ast.BinaryNode{Operator: "==", Left: cloneNode(m.Node), Right: &ast.NilNode{}}
	none := &ast.NilNode{}
	cond := &ast.ConditionalNode{Cond: absent, Exp1: none, Exp2: call}
	for _, n := range []ast.Node{absent, absent.Right, none, cond} {
		n.SetLocation(call.Location())
	}
	*slot = cond
	return true
}

var nodeType = reflect.TypeFor[ast.Node]()

// cloneNode is a deep copy of an unchecked tree: every node a new one, so
// that the passes after the rewriter, which rewrite nodes in place, see
// each copy apart.
func cloneNode(n ast.Node) ast.Node {
	if n == nil {
		return nil
	}
	v := reflect.ValueOf(n)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return n
	}
	c := reflect.New(v.Elem().Type())
	c.Elem().Set(v.Elem())
	cloneFields(c.Elem())
	return c.Interface().(ast.Node)
}

// cloneFields replaces the nodes a copied node struct shares with its
// original (its fields of type ast.Node or []ast.Node) with copies.
func cloneFields(s reflect.Value) {
	for i := range s.NumField() {
		f := s.Field(i)
		if !f.CanSet() {
			continue
		}
		switch {
		case f.Type() == nodeType:
			if !f.IsNil() {
				f.Set(reflect.ValueOf(cloneNode(f.Interface().(ast.Node))))
			}
		case f.Kind() == reflect.Slice && f.Type().Elem() == nodeType:
			if f.IsNil() {
				continue
			}
			list := reflect.MakeSlice(f.Type(), f.Len(), f.Len())
			for j := range f.Len() {
				if e := f.Index(j); !e.IsNil() {
					list.Index(j).Set(reflect.ValueOf(cloneNode(e.Interface().(ast.Node))))
				}
			}
			f.Set(list)
		}
	}
}
