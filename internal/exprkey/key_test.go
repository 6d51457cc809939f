package exprkey_test

import (
	"math"
	"testing"

	"github.com/engagekit/engagekit/internal/exprkey"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// Key tells apart what expr's printer prints alike (1 and 1.0, a
// slice's missing bounds, a string that looks like code), keys what the
// printer panics on (a constant of +Inf), and gives one expression one key.
func TestKey(t *testing.T) {
	key := func(src string) string {
		tree, err := parser.Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		k, ok := exprkey.Key(tree.Node)
		if !ok {
			t.Fatalf("%s: no key", src)
		}
		return k
	}
	for _, pair := range [][2]string{
		{"x + 1", "x + 1.0"},
		{"a[1:]", "a[:1]"},
		{`f("a, b")`, `f("a", "b")`},
		{"-0.0 == y", "0.0 == y"},
		{"a?.b", "a.b"},
	} {
		if key(pair[0]) == key(pair[1]) {
			t.Errorf("%s and %s share a key", pair[0], pair[1])
		}
	}
	if a, b := key("x < 3 && y"), key("x  <  3 && y"); a != b {
		t.Error("one expression, two keys")
	}
	inf := &ast.BinaryNode{Operator: "<", Left: &ast.IdentifierNode{Value: "x"}, Right: &ast.ConstantNode{Value: math.Inf(1)}}
	if _, ok := exprkey.Key(inf); !ok {
		t.Error("a +Inf constant has no key")
	}
	if _, ok := exprkey.Key(&ast.ConstantNode{Value: ast.Node(nil)}); !ok {
		t.Error("a nil constant has no key")
	}
}
