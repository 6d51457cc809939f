// Package exprkey spells out an expr syntax tree exactly: a key under
// which two sub-expressions are equal only when they are the same
// computation, and the children every walk of a tree visits. The dsl's
// closures share guards and memoize calls under it; the rule-file
// analysis identifies the expressions it cannot read by it.
package exprkey

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/ast"
)

// Key is a key for sub-expression n under which equal keys mean the
// same computation. expr's own printer cannot serve: it prints
// a constant through encoding/json, which panics on a constant of +Inf (a
// rule-file constant such as 1e308 * 10) or of any value json refuses, and
// it prints the integer 1 and the float 1.0 alike. The key spells out
// every node's kind, every literal exactly (a float by its bits) and every
// node's checked type. ok is false for a node the key cannot spell out (a
// kind expr may add, or a constant whose printing fails): the caller must
// then treat the sub-expression as equal to no other. An unchecked tree
// (as the parser leaves it) has no types, and its key none either.
func Key(n ast.Node) (key string, ok bool) {
	defer func() {
		if recover() != nil { // a host's constant no walk of it should panic on, did
			key, ok = "", false
		}
	}()
	var b strings.Builder
	if !writeKey(&b, n) {
		return "", false
	}
	return b.String(), true
}

// writeKey writes n's key: "(" kind and payload, type, children ")". The
// children are those the front end walks ([Children]), with what they
// leave out spelled in the payload: which bounds a slice has, and a
// built-in's folded Map.
func writeKey(b *strings.Builder, n ast.Node) bool {
	if n == nil {
		b.WriteString("()")
		return true
	}
	b.WriteByte('(')
	var extra ast.Node
	switch n := n.(type) {
	case *ast.NilNode:
		b.WriteString("nil")
	case *ast.IdentifierNode:
		b.WriteString("id " + strconv.Quote(n.Value))
	case *ast.IntegerNode:
		b.WriteString("int " + strconv.Itoa(n.Value))
	case *ast.FloatNode:
		b.WriteString("float " + strconv.FormatUint(math.Float64bits(n.Value), 16))
	case *ast.BoolNode:
		b.WriteString("bool " + strconv.FormatBool(n.Value))
	case *ast.StringNode:
		b.WriteString("str " + strconv.Quote(n.Value))
	case *ast.BytesNode:
		b.WriteString("bytes " + strconv.Quote(string(n.Value)))
	case *ast.ConstantNode:
		// Spelled from the value itself (value.go): expr's printer
		// and %#v print through a type's own methods.
		b.WriteString("const ")
		if !(&valueSpeller{b: b}).write(reflect.ValueOf(n.Value), 0) {
			return false
		}
	case *ast.UnaryNode:
		b.WriteString("unary " + n.Operator)
	case *ast.BinaryNode:
		b.WriteString("binary " + n.Operator)
	case *ast.ChainNode:
		b.WriteString("chain")
	case *ast.MemberNode:
		fmt.Fprintf(b, "member %t %t", n.Optional, n.Method)
	case *ast.SliceNode:
		fmt.Fprintf(b, "slice %t %t", n.From != nil, n.To != nil)
	case *ast.CallNode:
		fmt.Fprintf(b, "call %d", len(n.Arguments))
	case *ast.BuiltinNode:
		threshold := -1
		if n.Threshold != nil {
			threshold = *n.Threshold
		}
		fmt.Fprintf(b, "builtin %q %t %d %d", n.Name, n.Throws, threshold, len(n.Arguments))
		extra = n.Map
	case *ast.PredicateNode:
		b.WriteString("predicate")
	case *ast.PointerNode:
		b.WriteString("pointer " + strconv.Quote(n.Name))
	case *ast.ConditionalNode:
		fmt.Fprintf(b, "cond %t", n.Ternary)
	case *ast.VariableDeclaratorNode:
		b.WriteString("let " + strconv.Quote(n.Name))
	case *ast.SequenceNode:
		fmt.Fprintf(b, "seq %d", len(n.Nodes))
	case *ast.ArrayNode:
		fmt.Fprintf(b, "array %d", len(n.Nodes))
	case *ast.MapNode:
		fmt.Fprintf(b, "map %d", len(n.Pairs))
	case *ast.PairNode:
		b.WriteString("pair")
	default:
		return false
	}
	writeType(b, n.Type())
	for _, k := range Children(n) {
		if !writeKey(b, *k) {
			return false
		}
	}
	if extra != nil && !writeKey(b, extra) {
		return false
	}
	b.WriteByte(')')
	return true
}

// writeType writes a checked type by identity (two types of one name in
// two packages stay apart), nothing for an unchecked node.
func writeType(b *strings.Builder, t reflect.Type) {
	if t == nil {
		return
	}
	fmt.Fprintf(b, " :%s@%p", t, t)
}

// Children lists the child slots of a node, for the walks that need to
// replace nodes.
func Children(n ast.Node) []*ast.Node {
	switch n := n.(type) {
	case *ast.UnaryNode:
		return []*ast.Node{&n.Node}
	case *ast.BinaryNode:
		return []*ast.Node{&n.Left, &n.Right}
	case *ast.ChainNode:
		return []*ast.Node{&n.Node}
	case *ast.MemberNode:
		return []*ast.Node{&n.Node, &n.Property}
	case *ast.SliceNode:
		return nonNil(&n.Node, &n.From, &n.To)
	case *ast.CallNode:
		return append([]*ast.Node{&n.Callee}, slots(n.Arguments)...)
	case *ast.BuiltinNode:
		return slots(n.Arguments)
	case *ast.PredicateNode:
		return []*ast.Node{&n.Node}
	case *ast.ConditionalNode:
		return []*ast.Node{&n.Cond, &n.Exp1, &n.Exp2}
	case *ast.VariableDeclaratorNode:
		return []*ast.Node{&n.Value, &n.Expr}
	case *ast.SequenceNode:
		return slots(n.Nodes)
	case *ast.ArrayNode:
		return slots(n.Nodes)
	case *ast.MapNode:
		return slots(n.Pairs)
	case *ast.PairNode:
		return []*ast.Node{&n.Key, &n.Value}
	}
	return nil
}

func slots(nodes []ast.Node) []*ast.Node {
	out := make([]*ast.Node, len(nodes))
	for i := range nodes {
		out[i] = &nodes[i]
	}
	return out
}

func nonNil(ss ...*ast.Node) []*ast.Node {
	out := ss[:0]
	for _, s := range ss {
		if *s != nil {
			out = append(out, s)
		}
	}
	return out
}
