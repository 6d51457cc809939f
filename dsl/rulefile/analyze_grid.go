package rulefile

import (
	"fmt"
	"sort"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// The analysis reasons over grids. Each field (or table input) has the
// values its tests mention; between and beyond those values every test
// answers the same, so one witness per elementary interval decides a test
// for the whole interval. A grid of witnesses, one axis per field, makes
// coverage, gaps and overlaps exact questions over finitely many points.

// maxGrid bounds the witnesses the analysis enumerates for one question.
const maxGrid = 20000

// box is a conjunction of tests on fields: every test must pass.
type box map[string][]UnaryTest

func (b box) fieldKey() string {
	keys := make([]string, 0, len(b))
	for k := range b {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys, ",")
}

// identifiers lists the names an expression uses (not member names).
func identifiers(src string) []string {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil
	}
	var out []string
	ast.Walk(&tree.Node, visitor(func(n ast.Node) {
		if id, ok := n.(*ast.IdentifierNode); ok {
			out = append(out, id.Value)
		}
	}))
	return out
}

type visitor func(ast.Node)

// Visit calls the visitor on each node, for ast.Walk.
func (v visitor) Visit(n *ast.Node) { v(*n) }

// conjunction reads src as comparisons of fields with constants joined by
// &&. It reports false for anything else.
func (a *analysis) conjunction(src string) (box, bool) {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil, false
	}
	b := box{}
	var walk func(ast.Node) bool
	walk = func(n ast.Node) bool {
		bn, ok := n.(*ast.BinaryNode)
		if !ok {
			return false
		}
		if bn.Operator == "&&" || bn.Operator == "and" {
			return walk(bn.Left) && walk(bn.Right)
		}
		field, test, ok := a.comparison(bn)
		if ok {
			b[field] = append(b[field], test)
		}
		return ok
	}
	if !walk(tree.Node) {
		return nil, false
	}
	return b, true
}

var flipped = map[string]string{"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}

func (a *analysis) comparison(bn *ast.BinaryNode) (string, UnaryTest, bool) {
	op, ok := flipped[bn.Operator]
	if !ok {
		return "", UnaryTest{}, false
	}
	if field, ok := chainText(bn.Left); ok {
		if v, ok := a.literal(bn.Right); ok {
			return field, UnaryTest{Kind: TestCompare, Op: bn.Operator, Value: v}, true
		}
	}
	if field, ok := chainText(bn.Right); ok {
		if v, ok := a.literal(bn.Left); ok {
			return field, UnaryTest{Kind: TestCompare, Op: op, Value: v}, true
		}
	}
	return "", UnaryTest{}, false
}

func chainText(n ast.Node) (string, bool) {
	switch m := n.(type) {
	case *ast.IdentifierNode:
		return m.Value, true
	case *ast.MemberNode:
		s, ok := m.Property.(*ast.StringNode)
		if !ok || m.Method {
			return "", false
		}
		base, ok := chainText(m.Node)
		return base + "." + s.Value, ok
	}
	return "", false
}

func (a *analysis) literal(n ast.Node) (*Value, bool) {
	switch m := n.(type) {
	case *ast.IntegerNode:
		return &Value{Kind: ValueNumber, Number: float64(m.Value)}, true
	case *ast.FloatNode:
		return &Value{Kind: ValueNumber, Number: m.Value}, true
	case *ast.StringNode:
		return &Value{Kind: ValueString, Str: m.Value}, true
	case *ast.BoolNode:
		return &Value{Kind: ValueBool, Bool: m.Value}, true
	case *ast.NilNode:
		return &Value{Kind: ValueNil}, true
	case *ast.UnaryNode:
		if v, ok := a.literal(m.Node); ok && m.Operator == "-" && v.Kind == ValueNumber {
			return &Value{Kind: ValueNumber, Number: -v.Number}, true
		}
	case *ast.IdentifierNode:
		v, ok := a.consts[m.Value]
		return v, ok
	}
	return nil, false
}

// resolve replaces constant names in a test by their values.
func (a *analysis) resolve(t UnaryTest) (UnaryTest, bool) {
	ok := true
	fix := func(v *Value) *Value {
		if v == nil || v.Kind != ValueName {
			return v
		}
		c, found := a.consts[v.Name]
		ok = ok && found
		return c
	}
	t.Value, t.Lo, t.Hi = fix(t.Value), fix(t.Lo), fix(t.Hi)
	list := make([]UnaryTest, len(t.List))
	for i, sub := range t.List {
		r, subOK := a.resolve(sub)
		list[i], ok = r, ok && subOK
	}
	t.List = list
	return t, ok
}

// witnesses picks one value per elementary interval of the values the tests
// mention. It reports false for mixed or unsupported kinds.
func witnesses(tests []UnaryTest) ([]any, bool) {
	var nums []float64
	var strs []string
	kinds := map[ValueKind]bool{}
	for _, t := range tests {
		t.eachValue(func(v *Value) {
			kinds[v.Kind] = true
			switch v.Kind {
			case ValueNumber:
				nums = append(nums, v.Number)
			case ValueString:
				strs = append(strs, v.Str)
			}
		})
	}
	delete(kinds, ValueNil)
	switch {
	case len(kinds) > 1:
		return nil, false
	case kinds[ValueBool]:
		return []any{true, false}, true
	case kinds[ValueString]:
		out := []any{"\x00other"}
		for _, s := range uniqueStrings(strs) {
			out = append(out, s)
		}
		return out, true
	case kinds[ValueName]:
		return nil, false
	}
	sort.Float64s(nums)
	var out []any
	for i, n := range nums {
		if i > 0 && n == nums[i-1] {
			continue
		}
		if len(out) == 0 {
			out = append(out, n-1)
		} else {
			out = append(out, (out[len(out)-1].(float64)+n)/2)
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return []any{0.0}, true
	}
	return append(out, out[len(out)-1].(float64)+1), true
}

func uniqueStrings(ss []string) []string {
	sort.Strings(ss)
	out := ss[:0]
	for i, s := range ss {
		if i == 0 || s != ss[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// accepts decides a resolved test on a witness.
func (t UnaryTest) accepts(v any) bool {
	switch t.Kind {
	case TestAny:
		return true
	case TestCompare:
		return compareWitness(t.Op, v, t.Value)
	case TestInterval:
		lo := compareWitness(map[bool]string{true: ">", false: ">="}[t.LoOpen], v, t.Lo)
		hi := compareWitness(map[bool]string{true: "<", false: "<="}[t.HiOpen], v, t.Hi)
		return lo && hi
	case TestOneOf, TestNot:
		hit := false
		for _, sub := range t.List {
			if sub.accepts(v) {
				hit = true
				break
			}
		}
		return hit != (t.Kind == TestNot)
	}
	return false
}

func compareWitness(op string, v any, operand *Value) bool {
	var c int
	switch x := v.(type) {
	case float64:
		if operand.Kind != ValueNumber {
			return op == "!="
		}
		c = cmpFloat(x, operand.Number)
	case string:
		if operand.Kind != ValueString {
			return op == "!="
		}
		c = strings.Compare(x, operand.Str)
	case bool:
		if operand.Kind != ValueBool {
			return op == "!="
		}
		if x == operand.Bool {
			c = 0
		} else {
			c = 1
		}
		if op != "==" && op != "!=" {
			return false
		}
	}
	switch op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	case "==":
		return c == 0
	case "!=":
		return c != 0
	}
	return false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// grid enumerates the product of the axes, calling f with one witness per
// axis; it reports false (and calls nothing) when the grid is too large.
func grid(axes [][]any, f func([]any)) bool {
	size := 1
	for _, ax := range axes {
		size *= len(ax)
		if size > maxGrid {
			return false
		}
	}
	point := make([]any, len(axes))
	var rec func(int)
	rec = func(i int) {
		if i == len(axes) {
			f(point)
			return
		}
		for _, w := range axes[i] {
			point[i] = w
			rec(i + 1)
		}
	}
	rec(0)
	return true
}

// coveredBy reports whether every point of mine is in one of earlier; an
// else (all true) has mine empty.
func coveredBy(mine box, earlier []box, isElse bool) bool {
	fields := map[string][]UnaryTest{}
	for _, b := range append(earlier, mine) {
		for f, ts := range b {
			fields[f] = append(fields[f], ts...)
		}
	}
	names := make([]string, 0, len(fields))
	for f := range fields {
		names = append(names, f)
	}
	sort.Strings(names)
	axes := make([][]any, len(names))
	for i, f := range names {
		w, ok := witnesses(fields[f])
		if !ok {
			return false
		}
		axes[i] = w
	}
	in := func(b box, point []any) bool {
		for i, f := range names {
			for _, t := range b[f] {
				if !t.accepts(point[i]) {
					return false
				}
			}
		}
		return true
	}
	covered := true
	done := grid(axes, func(point []any) {
		if !covered || (!isElse && !in(mine, point)) {
			return
		}
		for _, e := range earlier {
			if in(e, point) {
				return
			}
		}
		covered = false
	})
	return done && covered
}

// signature describes the points a box accepts over its own grid, so equal
// signatures over the same fields mean equivalent conditions.
func (b box) signature() string {
	var sb strings.Builder
	sb.WriteString(b.fieldKey() + ":")
	names := strings.Split(b.fieldKey(), ",")
	axes := make([][]any, len(names))
	for i, f := range names {
		w, ok := witnesses(b[f])
		if !ok {
			return fmt.Sprintf("%p", b) // unique: never equivalent
		}
		axes[i] = w
	}
	// Two boxes over the same fields are equivalent when each field's
	// tests accept the same witnesses over the union of their values; the
	// canonical form is the accepted set of intervals per field.
	for i, f := range names {
		sb.WriteString(f + "[")
		for _, w := range axes[i] {
			ok := true
			for _, t := range b[f] {
				ok = ok && t.accepts(w)
			}
			fmt.Fprintf(&sb, "%v=%v;", w, ok)
		}
		sb.WriteString("]")
	}
	return sb.String()
}
