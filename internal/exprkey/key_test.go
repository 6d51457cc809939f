package exprkey_test

import (
	"fmt"
	"math"
	"testing"
	"time"

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

// hiddenID prints every value alike, as a host's id type may.
type hiddenID int

func (hiddenID) GoString() string { return "hiddenID(?)" }

// roundedGBP prints to the penny, as a host's money type may.
type roundedGBP float64

func (g roundedGBP) Format(f fmt.State, _ rune) { fmt.Fprintf(f, "£%.2f", float64(g)) }

// A constant's key is its value, never what its type prints; a time's is
// its instant and its location by identity: two zones of one name may
// keep different rules.
func TestConstantKeys(t *testing.T) {
	key := func(v any) (string, bool) {
		return exprkey.Key(&ast.ConstantNode{Value: v})
	}
	at := time.Date(2020, 1, 15, 0, 0, 0, 0, time.UTC)
	london := time.FixedZone("Z", 0)
	abidjan := time.FixedZone("Z", 0)
	loop := make([]any, 1)
	loop[0] = loop
	for _, c := range []struct {
		name string
		a, b any
		same bool
	}{
		{"ids that print alike", hiddenID(1), hiddenID(2), false},
		{"money that prints alike", roundedGBP(1.001), roundedGBP(1.002), false},
		{"one id", hiddenID(7), hiddenID(7), true},
		{"two zones of one name", at.In(london), at.In(abidjan), false},
		{"one instant in one zone", at.In(london), at.In(london), true},
		{"one instant, two zones", at, at.In(time.FixedZone("X", 3600)), false},
		{"1 and 1.0", 1, 1.0, false},
		{"int and a named int", 1, hiddenID(1), false},
		{"maps in any order", map[string]int{"a": 1, "b": 2, "c": 3}, map[string]int{"c": 3, "b": 2, "a": 1}, true},
		{"maps apart", map[string]int{"a": 1}, map[string]int{"a": 2}, false},
		{"nested lists", []any{[]int{1}, "x"}, []any{[]int{1}, "x"}, true},
		{"nil and empty", []int(nil), []int{}, false},
	} {
		ka, okA := key(c.a)
		kb, okB := key(c.b)
		if !okA || !okB {
			t.Errorf("%s: no key (%v, %v)", c.name, okA, okB)
			continue
		}
		if (ka == kb) != c.same {
			t.Errorf("%s: %#v and %#v share a key: %v, want %v", c.name, c.a, c.b, ka == kb, c.same)
		}
	}
	if _, ok := key(loop); ok {
		t.Error("a list that holds itself has a key: it has no finite spelling")
	}
	if _, ok := key(make([]int, 1<<17)); ok {
		t.Error("a constant of 131072 numbers has a key: its spelling is over the bound")
	}
}
