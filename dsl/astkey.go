package dsl

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/ast"
)

// nodeKey is a key for sub-expression n under which equal keys mean the
// same computation: the closures share a guard, or memoize a call, between
// sub-expressions with one key. expr's own printer cannot serve: it prints
// a constant through encoding/json, which panics on a constant of +Inf (a
// rule-file constant such as 1e308 * 10) or of any value json refuses, and
// it prints the integer 1 and the float 1.0 alike. The key spells out
// every node's kind, every literal exactly (a float by its bits) and every
// node's checked type. ok is false for a node the key cannot spell out (a
// kind expr may add, or a constant whose printing fails): such a
// sub-expression is simply not shared.
func nodeKey(n ast.Node) (key string, ok bool) {
	defer func() {
		if recover() != nil { // a host constant's own GoString panicked
			key, ok = "", false
		}
	}()
	var b strings.Builder
	if !writeKey(&b, n) {
		return "", false
	}
	return b.String(), true
}

// writeKey writes n's key: "(" kind, payload, type, children ")".
func writeKey(b *strings.Builder, n ast.Node) bool {
	if n == nil {
		b.WriteString("()")
		return true
	}
	b.WriteByte('(')
	var kids []ast.Node
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
		// %#v spells a value with its type, a float's sign and
		// infinities included; a pointer or a func prints its address,
		// which only keeps two constants apart.
		fmt.Fprintf(b, "const %T %#v", n.Value, n.Value)
	case *ast.UnaryNode:
		b.WriteString("unary " + n.Operator)
		kids = []ast.Node{n.Node}
	case *ast.BinaryNode:
		b.WriteString("binary " + n.Operator)
		kids = []ast.Node{n.Left, n.Right}
	case *ast.ChainNode:
		b.WriteString("chain")
		kids = []ast.Node{n.Node}
	case *ast.MemberNode:
		fmt.Fprintf(b, "member %t %t", n.Optional, n.Method)
		kids = []ast.Node{n.Node, n.Property}
	case *ast.SliceNode:
		b.WriteString("slice")
		kids = []ast.Node{n.Node, n.From, n.To}
	case *ast.CallNode:
		b.WriteString("call")
		kids = append([]ast.Node{n.Callee}, n.Arguments...)
	case *ast.BuiltinNode:
		threshold := -1
		if n.Threshold != nil {
			threshold = *n.Threshold
		}
		fmt.Fprintf(b, "builtin %q %t %d %d", n.Name, n.Throws, threshold, len(n.Arguments))
		kids = append(append([]ast.Node(nil), n.Arguments...), n.Map)
	case *ast.PredicateNode:
		b.WriteString("predicate")
		kids = []ast.Node{n.Node}
	case *ast.PointerNode:
		b.WriteString("pointer " + strconv.Quote(n.Name))
	case *ast.ConditionalNode:
		fmt.Fprintf(b, "cond %t", n.Ternary)
		kids = []ast.Node{n.Cond, n.Exp1, n.Exp2}
	case *ast.VariableDeclaratorNode:
		b.WriteString("let " + strconv.Quote(n.Name))
		kids = []ast.Node{n.Value, n.Expr}
	case *ast.SequenceNode:
		b.WriteString("seq")
		kids = n.Nodes
	case *ast.ArrayNode:
		b.WriteString("array")
		kids = n.Nodes
	case *ast.MapNode:
		b.WriteString("map")
		kids = n.Pairs
	case *ast.PairNode:
		b.WriteString("pair")
		kids = []ast.Node{n.Key, n.Value}
	default:
		return false
	}
	writeType(b, n.Type())
	for _, k := range kids {
		if !writeKey(b, k) {
			return false
		}
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
