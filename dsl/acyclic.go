package dsl

import (
	"errors"
	"reflect"
	"strings"

	"github.com/engagekit/engagekit/internal/exprkey"
	"github.com/expr-lang/expr/ast"
)

// A host's value may point back at itself through pointers and
// interfaces alone: p := new(any); *p = p, put in a map of any or a field
// typed any. expr follows such a chain to the value at its end before it
// compares, tests or reads one (its deref), without a bound: on a cycle,
// for ever. So every value typed any (or a pointer to an any) that an
// expression reads or a call gives is checked where it comes in: a chain
// that does not end within maxTreeDepth hops fails the evaluation rather
// than hang it. The check is a type test for any value that is not a
// pointer, which is nearly every one.

// acyclicFunc is __acyclic(x): x, or a failure when x's chain of pointers
// and interfaces does not end.
const acyclicFunc = "__acyclic"

var errSelfReference = errors.New("the value points back at itself through pointers and interfaces, so it has no value to read")

// acyclicValue is __acyclic's function: derefValue follows a chain a
// bounded number of hops, so one that still points on where it stops
// does not end.
func acyclicValue(args ...any) (any, error) {
	x := args[0]
	if t := reflect.TypeOf(x); t == nil || t.Kind() != reflect.Pointer {
		return x, nil
	}
	if _, ok := chainEnd(reflect.ValueOf(x)); !ok {
		return nil, errSelfReference
	}
	return x, nil
}

// chainEnd follows v's pointers and interfaces to the value at the end of
// the chain, as expr's deref does, and says whether there is one: a chain
// that still points on where derefValue's bounded hops stop does not end.
// What expr's built-ins deref themselves (fromPairs' pairs, flatten's
// elements) is checked so, since no node of the rule reads it.
func chainEnd(v reflect.Value) (reflect.Value, bool) {
	v = derefValue(v, true)
	return v, !((v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) && !v.IsNil())
}

// guardCycles wraps in __acyclic each node of the tree at slot that reads
// or computes a value typed any (or a pointer to one): a name, a member,
// an index, a predicate's #, an expr built-in's result (first, get, max),
// a host function's or a method's. What only passes a value on (?:, ??, a
// let) is guarded through its parts; the library's own functions give
// values they made.
func guardCycles(slot *ast.Node, host func(name string) bool) {
	n := *slot
	if n == nil {
		return
	}
	wrap := false
	switch m := n.(type) {
	case *ast.CallNode:
		name, internal := isInternalCall(n)
		if name == acyclicFunc {
			return
		}
		switch callee := m.Callee.(type) {
		case *ast.IdentifierNode:
			wrap = !internal && host(callee.Value)
		case *ast.MemberNode:
			guardCycles(&callee.Node, host) // the receiver; the method is no value
			wrap = true
		}
		for i := range m.Arguments {
			guardCycles(&m.Arguments[i], host)
		}
	default:
		for _, c := range exprkey.Children(n) {
			guardCycles(c, host)
		}
		switch m := n.(type) {
		case *ast.IdentifierNode:
			// The library's own names (__now, __gov) hold its values.
			wrap = !strings.HasPrefix(m.Value, "__")
		case *ast.MemberNode, *ast.PointerNode, *ast.BuiltinNode:
			wrap = true
		}
	}
	if t := n.Type(); wrap && t != nil && mayCycle(t) {
		*slot = internalCall(acyclicFunc, startOf(n), n)
	}
}

// mayCycle reports whether a value of static type t may be a chain of
// pointers and interfaces that does not end: an any, or a pointer to one.
func mayCycle(t reflect.Type) bool {
	t = deref(t)
	return t != nil && t.Kind() == reflect.Interface
}
