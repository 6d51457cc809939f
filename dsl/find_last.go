package dsl

import (
	"fmt"
	"reflect"
	"strconv"

	"github.com/engagekit/engagekit/internal/exprkey"
	"github.com/expr-lang/expr/ast"
)

// expr compiles findLast and findLastIndex to a backward loop that leaves
// its loop test on the VM's stack each time round (compiler.go,
// emitLoopBackwards: a jump that does not pop), so an operand pushed
// before the call is read in its place: `3 == findLast([3], true)` was
// false, `i >= findLast(xs, true)` failed on every evaluation. The
// rewriter writes both as a forward search of the list's indices from the
// last, which tries the same elements in the same order and stops at the
// same one, and reads the element by its index, so it keeps its type:
//
//	findLastIndex(xs, p)  (let __last1 = xs; find(reverse(0..len(__last1)-1), p') ?? -1)
//	findLast(xs, p)       (let __last1 = xs; let __lasti1 = find(…, p');
//	                       __lasti1 == nil ? nil : __last1[__lasti1])
//
// where p' is p with its own # read as __last1[#] and its own #index as #
// (the # and #index of a predicate nested in p are that predicate's own).

// findLastForward rewrites the findLast or findLastIndex call in slot; it
// reports whether it did.
func (r *rewriter) findLastForward(slot *ast.Node) bool {
	b, ok := (*slot).(*ast.BuiltinNode)
	if !ok || b.Name != "findLast" && b.Name != "findLastIndex" || len(b.Arguments) != 2 {
		return false
	}
	pred, ok := b.Arguments[1].(*ast.PredicateNode)
	if !ok {
		return false
	}
	r.optionals++
	n := strconv.Itoa(r.optionals)
	list, found := "__last"+n, "__lasti"+n
	at := b.Location()
	own := func(node ast.Node) ast.Node {
		node.SetLocation(at)
		if r.own == nil {
			r.own = map[ast.Node]bool{}
		}
		r.own[node] = true
		return node
	}
	ident := func(name string) ast.Node { return own(&ast.IdentifierNode{Value: name}) }
	element := func(index ast.Node) ast.Node { return own(&ast.MemberNode{Node: ident(list), Property: index}) }
	readByIndex(&pred.Node, func(p *ast.PointerNode) ast.Node {
		if p.Name == "index" {
			return own(&ast.PointerNode{}) // the index searched is the element's own
		}
		return element(p)
	})
	length := own(&ast.BuiltinNode{Name: "len", Arguments: []ast.Node{ident(list)}})
	last := own(&ast.BinaryNode{Operator: "-", Left: length, Right: own(&ast.IntegerNode{Value: 1})})
	indices := own(&ast.BinaryNode{Operator: "..", Left: own(&ast.IntegerNode{Value: 0}), Right: last})
	search := own(&ast.BuiltinNode{Name: "find", Arguments: []ast.Node{own(&ast.BuiltinNode{Name: "reverse", Arguments: []ast.Node{indices}}), pred}})
	var body ast.Node
	if b.Name == "findLastIndex" {
		minusOne := own(&ast.UnaryNode{Operator: "-", Node: own(&ast.IntegerNode{Value: 1})})
		body = own(&ast.BinaryNode{Operator: "??", Left: search, Right: minusOne})
	} else {
		missing := own(&ast.BinaryNode{Operator: "==", Left: ident(found), Right: own(&ast.NilNode{})})
		answer := own(&ast.ConditionalNode{Cond: missing, Exp1: own(&ast.NilNode{}), Exp2: element(ident(found))})
		body = own(&ast.VariableDeclaratorNode{Name: found, Value: search, Expr: answer})
	}
	// The list is checked as one, as findLast checks it: len and [] would
	// take a map or a string.
	// (A list literal is one, and keeps the types its elements are
	// checked by.)
	checked := b.Arguments[0]
	if _, literal := checked.(*ast.ArrayNode); !literal {
		checked = own(&ast.CallNode{Callee: ident(listFunc), Arguments: []ast.Node{checked, own(&ast.StringNode{Value: b.Name})}})
	}
	*slot = own(&ast.VariableDeclaratorNode{Name: list, Value: checked, Expr: body})
	return true
}

// listFunc is __list(x, name): x, a list, or a failure: at compile time
// where x's type is no list, when it runs where x, known only then, is
// none (a map, a string, nil).
const listFunc = "__list"

// listType is __list's type rule.
func listType(args []reflect.Type) (reflect.Type, error) {
	if len(args) != 2 {
		return nil, fmt.Errorf("internal list check takes 2 arguments")
	}
	switch t := args[0]; {
	case t == nil || t.Kind() == reflect.Interface:
		return anyType, nil
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		return t, nil
	default:
		return nil, fmt.Errorf("it takes a list, and this is a %v", t)
	}
}

// listValue is __list's function.
func listValue(args ...any) (any, error) {
	if k := reflect.ValueOf(args[0]).Kind(); k != reflect.Slice && k != reflect.Array {
		name, _ := args[1].(string)
		return nil, fmt.Errorf("%s takes a list, and this is %s", name, valueKind(args[0]))
	}
	return args[0], nil
}

// readByIndex replaces each # and #index of the predicate body at slot
// (not those of predicates nested in it, which are their own) with
// what read gives.
func readByIndex(slot *ast.Node, read func(*ast.PointerNode) ast.Node) {
	switch n := (*slot).(type) {
	case nil:
		return
	case *ast.PointerNode:
		if n.Name == "" || n.Name == "index" {
			*slot = read(n)
		}
		return
	case *ast.BuiltinNode:
		for i := range n.Arguments {
			if _, nested := n.Arguments[i].(*ast.PredicateNode); nested {
				continue // its # and #index are its own list's
			}
			readByIndex(&n.Arguments[i], read)
		}
		return
	}
	for _, c := range exprkey.Children(*slot) {
		readByIndex(c, read)
	}
}
