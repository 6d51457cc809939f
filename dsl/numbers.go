package dsl

import (
	"fmt"
	"math"
	"reflect"
	"strconv"

	"github.com/engagekit/engagekit/internal/exprkey"
	"github.com/expr-lang/expr/ast"
)

// Numbers as a CRM has them: money in named types (type Pence int64, type
// GBP float64), narrow integers, float32 ratios, decimal types. expr's
// checker compares only numbers of its own kinds, so the front end reads
// every other number as one of two: an integer of any kind or named type
// is an int, a float of any kind or named type is a float64, and a host's
// decimal type registered with [WithNumber] is the float64 its conversion
// gives. A float32 is read as the shortest decimal that rounds to it, so a
// stored 0.9 is the 0.9 a rule writes, and Explain shows what was decided.
//
// The front end does this by type: it checks the expression once, wraps
// every node whose type is such a number in __num(x), and checks again
// (numbers.go), until no node is left to wrap. Because it goes by the
// checked types, it reaches numbers wherever they come from: a field, a
// slice element, a map value, a host function's result.

// numFunc is the internal conversion the front end inserts.
const numFunc = "__num"

var floatType64 = reflect.TypeFor[float64]()

// numberKind says how a value of type t is read as one of expr's plain
// types: 'i' as an int, 'f' as a float64, 's' (a host's named string: type
// Tier string) as a string, 'b' (a named bool) as a bool, 'p' (a pointer
// to a number, a string or a bool, named or not) as the value it points
// to or nil, typed any; 0 when it is not
// converted (already plain, or none of them). expr's checker takes a named
// string or bool by its kind where its VM then asserts the plain type, so
// unconverted, `tier contains "ol"` or `when flag` would compile and fail
// on every evaluation.
func (c *config) numberKind(t reflect.Type) byte {
	if t == nil {
		return 0
	}
	if t.Kind() == reflect.Pointer {
		// A pointer to any number, int and float64 too: read as the
		// number (a *int left typed slipped past the overflow checks and
		// the aggregates, which take numbers).
		// A pointer to a string or a bool likewise: left a pointer, it
		// compared equal and then failed every other use (upper(ps),
		// ps < "b", join of a list of them), where a nil one fails too
		// when read as nil (see __plain's strict mode).
		e := t.Elem()
		if c.numberKind(e) != 0 || e == intType || e == floatType64 || e == stringType || e == boolType {
			return 'p'
		}
		return 0
	}
	if _, ok := c.numbers[t]; ok {
		return 'f'
	}
	if pureMethods[t] != nil {
		return 0 // time.Duration, time.Month, time.Weekday keep their types and methods
	}
	switch {
	case t == intType || t == floatType64:
		return 0
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		if t.NumMethod() > 0 && len(c.methods[t]) > 0 {
			return 0 // a type whose methods rules call keeps its type
		}
		return 'i'
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		if t.NumMethod() > 0 && len(c.methods[t]) > 0 {
			return 0
		}
		return 'f'
	case t.Kind() == reflect.String && t != stringType:
		if t.NumMethod() > 0 && len(c.methods[t]) > 0 {
			return 0 // its methods are called: it keeps its type, read as a string where one is needed (see wrapPlain)
		}
		return 's'
	case t.Kind() == reflect.Bool && t != boolType:
		if t.NumMethod() > 0 && len(c.methods[t]) > 0 {
			return 0
		}
		return 'b'
	}
	return 0
}

// plainNumber reports whether a number of type t is read by its kind
// alone, as the closures read it: int and float64 themselves, and any
// other integer or float type that the host registers no conversion for
// and that does not keep its type (time.Duration, time.Month,
// time.Weekday, a type whose methods rules call).
func (c *config) plainNumber(t reflect.Type) bool {
	if t == intType || t == floatType64 {
		return true
	}
	if t == nil || t.Kind() == reflect.Pointer {
		return false
	}
	if _, ok := c.numbers[t]; ok {
		return false
	}
	return c.numberKind(t) != 0
}

// keepsType reports whether t is a number type that keeps its type rather
// than being read as a number: time.Duration, time.Month, time.Weekday, a
// type whose methods rules call.
func (c *config) keepsType(t reflect.Type) bool {
	return t != nil && isNumberKind(t.Kind()) && t != intType && t != floatType64 && c.numberKind(t) == 0
}

// numericCalls are the built-ins that take a plain number (or, sum, a list
// of them), which expr's checker lets a type that keeps its own through
// (its kind is a number's) and which then fail on every evaluation.
var numericCalls = map[string]bool{"abs": true, "sum": true, "int": true, "float": true, "ceil": true, "floor": true, "round": true}

// keptNumberArgument finds the argument of a call to name that is a
// number keeping its type where the built-in wants a plain number: an
// error the checker cannot see, reported at compile time rather than on
// every evaluation.
func (c *config) keptNumberArgument(name string, args []ast.Node) (ast.Node, reflect.Type) {
	if !numericCalls[name] || len(args) == 0 {
		return nil, nil
	}
	t := args[0].Type()
	if name == "sum" && t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		if len(args) > 1 { // sum(list, predicate): the predicate's value is summed
			t = args[1].Type()
			if p, ok := args[1].(*ast.PredicateNode); ok {
				t = p.Node.Type()
			}
		} else if t = t.Elem(); mapsTo(args[0]) != nil {
			t = mapsTo(args[0]) // the values a map makes, its list typed []any
		}
	}
	// Through pointers too: abs(pd), a *time.Duration, fails whatever the
	// data as abs(d) does.
	if t = deref(t); c.keepsType(t) {
		return args[0], t
	}
	return nil, nil
}

// normalizeNumbers checks tree and wraps the numbers that need reading as
// int or float64, repeating while a pass finds more (an operator's type
// is known only once its operands are converted). It returns the final
// check's error.
func normalizeNumbers(tree *ast.Node, cfg *config, check func() error, expect reflect.Kind) error {
	for pass := 0; ; pass++ {
		err := check()
		changed := wrapNumbers(tree, cfg)
		if expect == reflect.Bool && readAsCondition(*tree) {
			// pflag ?? false, pflag (a *bool), m.flag (an any), and the
			// same under an expression's lets: a bool, or a nil that
			// decides nothing.
			*tree = internalCall(condFunc, startOf(*tree), *tree)
			changed = true
		}
		if expect == reflect.Float64 && wrapNumberResult(tree) {
			// mean(l), max(l), m.score: a number, or a failure that
			// says what it was (number_result.go).
			changed = true
		}
		if t := (*tree).Type(); t != nil && t.Kind() == reflect.Bool && keptText(t) {
			// A condition of a named bool that keeps its type: expr's
			// VM takes a condition only as a plain bool.
			changed = wrapPlain(tree, false, true) || changed
		}
		if b, ok := (*tree).(*ast.BinaryNode); ok && b.Operator == "??" && b.Type() != nil && b.Type().Kind() == reflect.Interface {
			// box?.flag ?? false as a condition: a bool, as it was when
			// the flag was read as one (elsewhere, a receiver of a
			// method, the named type is kept).
			changed = wrapPlain(&b.Left, false, false) || changed
			changed = wrapPlain(&b.Right, false, false) || changed
		}
		if !changed || pass == 8 {
			return err
		}
	}
}

// wrapNumbers wraps, below and at *slot, every node whose type is a number
// to convert; it reports whether it wrapped any.
func wrapNumbers(slot *ast.Node, cfg *config) bool {
	n := *slot
	if n == nil {
		return false
	}
	if name, ok := isInternalCall(n); ok && name == numFunc {
		// Already read as a number; what is inside may still need it.
		inner := n.(*ast.CallNode).Arguments[0]
		if call, ok := inner.(*ast.CallNode); ok {
			return wrapCallArguments(call, cfg) // a method's arguments stay its own types
		}
		changed := false
		for _, c := range exprkey.Children(inner) {
			changed = wrapNumbers(c, cfg) || changed
		}
		return changed
	}
	changed := false
	switch m := n.(type) {
	case *ast.MemberNode:
		// The receiver of a member access keeps its type: its fields and
		// methods are the type's.
		if _, ok := m.Property.(*ast.StringNode); !ok {
			changed = wrapNumbers(&m.Property, cfg)
			if t := m.Node.Type(); t != nil && deref(t).Kind() == reflect.Map && deref(t).Key() == stringType {
				changed = wrapPlain(&m.Property, true, false) || changed // mk[label], mk[m.label]
			}
		}
		if inner, ok := m.Node.(*ast.MemberNode); ok {
			changed = wrapMemberBase(inner, cfg) || changed
		} else if _, isIdent := m.Node.(*ast.IdentifierNode); !isIdent {
			changed = wrapNumbers(&m.Node, cfg) || changed
		}
	case *ast.BuiltinNode:
		changed = mapNumbers(m, cfg)
		if m.Name == "sort" && len(m.Arguments) > 0 {
			changed = mapList(&m.Arguments[0], cfg) || changed // sort(labels): expr sorts plain values only
		}
		for _, c := range exprkey.Children(n) {
			changed = wrapNumbers(c, cfg) || changed
		}
		if scalarCalls[m.Name] || aggregates[m.Name] {
			// abs(count), max(count, 1): a number type that keeps its
			// type is read as the number it is.
			for i := range m.Arguments {
				changed = wrapPlain(&m.Arguments[i], false, false) || changed
			}
		}
		if scalarCalls[m.Name] {
			// A number known only when the rule runs (in a map of any)
			// is read as one of a known type is: expr's round takes a
			// GBP by its type, not its kind.
			for i := range m.Arguments {
				changed = wrapDynamic(&m.Arguments[i]) || changed
			}
		}
		if textCalls[m.Name] {
			for i := range m.Arguments {
				changed = wrapPlain(&m.Arguments[i], true, true) || changed // trim(m.tier)
			}
		}
		if predicateCalls[m.Name] && len(m.Arguments) > 1 {
			if p, ok := m.Arguments[1].(*ast.PredicateNode); ok {
				changed = wrapPlain(&p.Node, true, true) || changed // any(m.flags, #)
			}
		}
		if m.Name == "map" && len(m.Arguments) > 1 {
			if p, ok := m.Arguments[1].(*ast.PredicateNode); ok {
				// map(labels, #): expr types the list []interface{} and
				// its elements by the predicate's type, which no method
				// can then be called on: the values read as plain.
				changed = wrapPlain(&p.Node, false, false) || changed
			}
		}
		if keyCalls[m.Name] && len(m.Arguments) > 1 {
			if p, ok := m.Arguments[1].(*ast.PredicateNode); ok {
				changed = wrapPlain(&p.Node, true, false) || changed // sortBy(labels, #), sortBy([label, "a"], #)
			}
		}
	case *ast.BinaryNode:
		if m.Operator == "in" {
			changed = mapList(&m.Right, cfg)
		}
		for _, c := range exprkey.Children(n) {
			changed = wrapNumbers(c, cfg) || changed
		}
		switch {
		case m.Operator == "+":
			// ptier + "!" (a pointer to a type that keeps its type): the
			// text it points to.
			changed = wrapPlain(&m.Left, false, false) || changed
			changed = wrapPlain(&m.Right, false, false) || changed
		case plainOperands[m.Operator]:
			changed = wrapPlain(&m.Left, true, true) || changed
			changed = wrapPlain(&m.Right, true, true) || changed
		case m.Operator == "in":
			// label in labels (the list read as plain: mapList above);
			// "gold" in [label]; m.ptier in ["gold"], a nil pointer
			// failing.
			changed = wrapPlainMode(&m.Left, true, plainNilPointer) || changed
			if list, ok := m.Right.(*ast.ArrayNode); ok {
				for i := range list.Nodes {
					changed = wrapPlain(&list.Nodes[i], false, false) || changed
				}
			}
		case comparisons[m.Operator]:
			// label == "gold"; m.ptier == "gold" (equality only: an
			// order's operands known only when the rule runs are read
			// where it compares them).
			eq := m.Operator == "==" || m.Operator == "!="
			changed = wrapPlain(&m.Left, eq, false) || changed
			changed = wrapPlain(&m.Right, eq, false) || changed
		}
	case *ast.UnaryNode:
		changed = wrapNumbers(&m.Node, cfg)
		if m.Operator == "!" || m.Operator == "not" {
			changed = wrapPlain(&m.Node, true, true) || changed
		}
	case *ast.ConditionalNode:
		for _, c := range exprkey.Children(n) {
			changed = wrapNumbers(c, cfg) || changed
		}
		changed = wrapPlain(&m.Cond, true, true) || changed
	case *ast.CallNode:
		changed = wrapCallArguments(m, cfg)
	case *ast.ArrayNode:
		for _, c := range exprkey.Children(n) {
			changed = wrapNumbers(c, cfg) || changed
		}
		if mixedTypes(m.Nodes) {
			// [label, "a"]: expr's checker types the elements by their
			// kind (sortBy's # is a string, all's a bool), where its VM
			// then asserts the plain type: a kept type among others is
			// read as plain.
			for i := range m.Nodes {
				changed = wrapPlain(&m.Nodes[i], false, false) || changed
			}
		}
	default:
		for _, c := range exprkey.Children(n) {
			changed = wrapNumbers(c, cfg) || changed
		}
	}
	if cfg.numberKind(n.Type()) != 0 {
		if _, lit := n.(*ast.ConstantNode); !lit {
			*slot = internalCall(numFunc, startOf(n), n)
			return true
		}
	}
	return changed
}

// mixedTypes reports nodes whose types are not all one.
func mixedTypes(nodes []ast.Node) bool {
	for _, n := range nodes[min(1, len(nodes)):] {
		if n.Type() != nodes[0].Type() {
			return true
		}
	}
	return false
}

// condFunc is __cond(x): a condition whose values are bools or nil (a
// pointer to a bool read as what it points to), as the bool it is; a nil
// fails, as a nil operand of && does.
const condFunc = "__cond"

// readAsCondition reports a condition whose value is known only when the
// rule runs and may be a bool: one typed any (a value of a map of any, an
// any field, ?? and ?: of such values and bools, whatever lets the
// expression binds first), or a pointer to a bool of any type. __cond
// reads it then as the bool it is; a nil, or a value of another kind,
// fails. A condition that is no bool whatever the data (an int, a string,
// n > 0 ? 1 : "a") stays a compile error.
func readAsCondition(n ast.Node) bool {
	t := n.Type()
	if t == nil {
		return false
	}
	if name, ok := isInternalCall(n); ok && name == condFunc {
		return false
	}
	// A reduce without an initial value is typed by its step, but a list
	// of one is its element, whatever the step gives.
	b, reduce := n.(*ast.BuiltinNode)
	reduce = reduce && b.Name == "reduce" && len(b.Arguments) == 2
	return (t.Kind() == reflect.Interface || t.Kind() == reflect.Pointer || reduce) && mayBe(n, nil, wantBool)
}

// letScope is the values an expression's lets bind, innermost first.
type letScope struct {
	name  string
	value ast.Node
	outer *letScope
}

// lookup finds the value name is bound to, and the scope that value is
// read in: the one around its let (in let x = x, the x on the right is
// not the x it binds).
func (s *letScope) lookup(name string) (ast.Node, *letScope, bool) {
	for ; s != nil; s = s.outer {
		if s.name == name {
			return s.value, s.outer, true
		}
	}
	return nil, nil, false
}

// mayBeNil reports whether n's value may be nil for some data: never a
// literal other than nil, arithmetic, a comparison or a built-in whose
// value is a number, a string or a list; a value of a type that holds nil
// (any, a pointer, a map, a slice) may be.
func mayBeNil(n ast.Node, scope *letScope) bool {
	switch m := n.(type) {
	case *ast.NilNode:
		return true
	case *ast.IntegerNode, *ast.FloatNode, *ast.StringNode, *ast.BoolNode, *ast.UnaryNode, *ast.SliceNode:
		return false
	case *ast.ConstantNode:
		return m.Value == nil
	case *ast.ConditionalNode:
		return mayBeNil(m.Exp1, scope) || mayBeNil(m.Exp2, scope)
	case *ast.IdentifierNode:
		if v, at, ok := scope.lookup(m.Value); ok {
			return mayBeNil(v, at)
		}
	case *ast.VariableDeclaratorNode:
		return mayBeNil(m.Expr, &letScope{m.Name, m.Value, scope})
	case *ast.BinaryNode:
		if m.Operator == "??" {
			return mayBeNil(m.Left, scope) && mayBeNil(m.Right, scope)
		}
		return false // arithmetic, a comparison, a logical operator, a range
	case *ast.BuiltinNode:
		switch {
		case numberBuiltins[m.Name] || neverBoolBuiltins[m.Name]:
			return false
		case elementBuiltins[m.Name]:
			return true // nil where nothing is found, or past the end
		}
	case *ast.CallNode:
		if name, ok := isInternalCall(m); ok {
			switch name {
			case arithFunc, intFunc, durFunc, concatFunc:
				return false
			case numFunc, plainFunc:
				return mayBeNil(m.Arguments[0], scope)
			}
		}
	}
	t := n.Type()
	if t == nil {
		return true
	}
	switch t.Kind() {
	case reflect.Interface, reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan:
		return true
	}
	return false
}

// numberBuiltins are expr's built-ins whose value is a number whatever
// their arguments hold, though the checker types some of them any (max,
// min, mean and median of a list).
var numberBuiltins = map[string]bool{"mean": true, "median": true, "abs": true, "sum": true,
	"ceil": true, "floor": true, "round": true, "len": true, "count": true, "int": true, "float": true,
	"findIndex": true, "findLastIndex": true}

// elementBuiltins are expr's built-ins whose value is an element of their
// first argument, or nil when there is none.
var elementBuiltins = map[string]bool{"find": true, "findLast": true, "first": true, "last": true, "get": true}

// neverBoolBuiltins are expr's built-ins whose value is a string, a list, a
// map or a time whatever their arguments hold.
var neverBoolBuiltins = map[string]bool{"take": true, "filter": true, "map": true, "keys": true, "values": true,
	"split": true, "splitAfter": true, "sort": true, "sortBy": true, "reverse": true, "uniq": true, "concat": true,
	"flatten": true, "groupBy": true, "toPairs": true, "fromPairs": true, "trim": true, "trimPrefix": true,
	"trimSuffix": true, "upper": true, "lower": true, "repeat": true, "join": true, "replace": true, "string": true,
	"toJSON": true, "toBase64": true, "fromBase64": true, "indexOf": true, "lastIndexOf": true, "date": true,
	"duration": true, "now": true, "timezone": true, "type": true}

// condValue is __cond's function.
func condValue(args ...any) (any, error) {
	v, err := plainValue(args[0], plainStrict)
	if err != nil {
		return nil, err
	}
	if b, ok := v.(bool); ok {
		return b, nil
	}
	return nil, fmt.Errorf("the condition is %s, not a bool", valueKind(args[0]))
}

// plainOperands are the operators whose operands expr's VM takes only
// as plain strings, bools or numbers (a host's named string behind an
// any failed `contains` with a conversion panic): an operand known only
// when the rule runs is read as the front end reads a known one.
var plainOperands = map[string]bool{"contains": true, "startsWith": true, "endsWith": true, "matches": true,
	"&&": true, "||": true, "and": true, "or": true}

// textCalls are expr's built-ins that take strings by their type.
var textCalls = map[string]bool{"trim": true, "trimPrefix": true, "trimSuffix": true, "hasPrefix": true,
	"hasSuffix": true, "indexOf": true, "lastIndexOf": true}

// predicateCalls are expr's built-ins whose predicate gives a bool.
var predicateCalls = map[string]bool{"all": true, "any": true, "none": true, "one": true, "filter": true,
	"count": true, "find": true, "findIndex": true, "findLast": true, "findLastIndex": true}

// comparisons are the operators that compare two values.
var comparisons = map[string]bool{"==": true, "!=": true, "<": true, "<=": true, ">": true, ">=": true}

// textFuncs are the library's built-ins that take strings (registry.go).
var textFuncs = map[string]bool{"upper": true, "lower": true, "split": true, "splitAfter": true, "repeat": true, "replace": true}

// keyCalls are expr's built-ins whose predicate gives a key they compare.
var keyCalls = map[string]bool{"sortBy": true, "groupBy": true}

// plainFunc is __plain(x, mode): x read as a plain string or bool where
// it is a host's named one that keeps its type (its methods are called),
// or one known only when the rule runs; in strict mode a nil fails (an
// operand of && or a condition: a nil decides nothing).
const plainFunc = "__plain"

// keptText reports a host's named string or bool type that keeps its type
// (numberKind 0), or a pointer to one; and a host's number type that keeps
// its type because rules call its methods (type Count int64 with Double),
// which expr's checker still takes by its kind in a list literal or
// against a list of them ([count, 1], count in counts), where its VM then
// compares or asserts the plain type. Where a tree holds one of these
// types unwrapped, it is one that keeps its type: the others were read as
// plain already (wrapNumbers wraps a node's children first).
func keptText(t reflect.Type) bool {
	if t == nil {
		return false
	}
	e := deref(t)
	if pureMethods[e] != nil {
		return false // time.Duration, time.Month, time.Weekday compare as themselves
	}
	return e.Kind() == reflect.String && e != stringType || e.Kind() == reflect.Bool && e != boolType ||
		isNumberKind(e.Kind()) && e != intType && e != floatType64
}

// wrapPlain wraps the node at slot in __plain(x, mode) where its type
// keeps a host's named string or bool, or, with dynamic, is known only
// when the rule runs; it reports whether it wrapped it. With strict a nil
// fails; a value known only when the rule runs that points to a string
// or bool is read as what it points to (a *Tier in a map of any compares
// as the Tier).
func wrapPlain(slot *ast.Node, dynamic, strict bool) bool {
	mode := 0
	if strict {
		mode = plainStrict
	}
	return wrapPlainMode(slot, dynamic, mode)
}

// wrapPlainMode is wrapPlain with __plain's mode bits given.
func wrapPlainMode(slot *ast.Node, dynamic bool, mode int) bool {
	n := *slot
	if n == nil || n.Type() == nil {
		return false
	}
	isDynamic := n.Type().Kind() == reflect.Interface
	if !keptText(n.Type()) && !(dynamic && isDynamic) {
		return false
	}
	if name, ok := isInternalCall(n); ok && (name == plainFunc || name == numFunc && !isDynamic) {
		return false // read as plain already (a pointer's __num is what it points to or nil: strict reads it)
	} else if ok && name == numFunc && mode&plainNilPointer != 0 {
		mode |= plainStrict // a pointer whose type is known, read as what it points to: a nil one fails
	}
	if _, isNil := n.(*ast.NilNode); isNil {
		return false
	}
	flag := &ast.IntegerNode{Value: mode}
	flag.SetLocation(n.Location())
	*slot = internalCall(plainFunc, startOf(n), n, flag)
	return true
}

// __plain's modes.
const (
	plainStrict     = 1 << iota // a nil fails
	plainNilPointer             // a nil pointer to a string or bool fails (the left of in)
)

// plainType is __plain's type rule.
func plainType(args []reflect.Type) (reflect.Type, error) {
	if len(args) != 2 {
		return nil, fmt.Errorf("internal conversion takes 2 arguments")
	}
	t := args[0]
	switch {
	case t == nil || t.Kind() == reflect.Interface:
		return anyType, nil
	case t.Kind() == reflect.Pointer && keptText(t):
		return anyType, nil // what it points to, or nil
	case t.Kind() == reflect.String:
		return stringType, nil
	case t.Kind() == reflect.Bool:
		return boolType, nil
	case pureMethods[t] != nil:
		return t, nil // a duration, a month: read as itself
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return floatType64, nil
	case isNumberKind(t.Kind()):
		return intType, nil
	}
	return t, nil
}

// plainValue is __plain's function.
func plainValue(args ...any) (any, error) {
	mode, _ := args[1].(int)
	v, strict := args[0], mode&plainStrict != 0
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		// A pointer to a value, whether its type is known at compile
		// time or only now, is what it points to.
		if p, isNil, ok := valuePointee(rv); ok {
			if isNil && mode&plainNilPointer != 0 {
				return nil, errNilChain
			}
			v, rv = p, reflect.ValueOf(p)
		}
	}
	switch {
	case strict && (v == nil || rv.Kind() == reflect.Pointer && rv.IsNil()):
		return nil, errNilChain
	case v == nil:
		return nil, nil
	case rv.Kind() == reflect.String:
		return rv.String(), nil
	case rv.Kind() == reflect.Bool:
		return rv.Bool(), nil
	}
	return dynamicNumber(v)
}

// wrapDynamic wraps the node at slot in __num when its type is known only
// when the rule runs and it is not wrapped yet; it reports whether it
// wrapped it.
func wrapDynamic(slot *ast.Node) bool {
	n := *slot
	if n == nil || n.Type() == nil || n.Type().Kind() != reflect.Interface {
		return false
	}
	if name, ok := isInternalCall(n); ok && name == numFunc {
		return false
	}
	if _, isNil := n.(*ast.NilNode); isNil {
		return false
	}
	*slot = internalCall(numFunc, startOf(n), n)
	return true
}

// scalarCalls are expr's built-ins that take one number and read it by
// its type (a host's named float fails there), not its kind.
var scalarCalls = map[string]bool{"round": true, "ceil": true, "floor": true, "float": true, "int": true, "abs": true}

// aggregates are expr's built-ins that take a list of numbers.
var aggregates = map[string]bool{"sum": true, "max": true, "min": true, "mean": true, "median": true}

// mapNumbers makes an aggregate over a list of numbers of the host's types
// aggregate the numbers read as int or float64: sum(items) becomes
// sum(map(items, #)), whose # the next pass wraps. max, min, mean and
// median flatten every argument, so each list among them is mapped
// (max(1, ps) as max(map(ps, #)) is): expr's max reads a list's elements
// as the plain number types only. sum's second argument is a predicate.
func mapNumbers(b *ast.BuiltinNode, cfg *config) bool {
	if !aggregates[b.Name] || len(b.Arguments) == 0 {
		return false
	}
	// Only lists of numbers: a list of named strings mapped would be a
	// list of any, which hides from the checks that max of strings is
	// no aggregate of numbers.
	numbers := func(slot *ast.Node) bool {
		t := (*slot).Type()
		return t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) && isNumberKind(deref(t.Elem()).Kind()) && mapList(slot, cfg)
	}
	if b.Name == "sum" {
		return numbers(&b.Arguments[0])
	}
	changed := false
	for i := range b.Arguments {
		changed = numbers(&b.Arguments[i]) || changed
	}
	return changed
}

// mapList replaces a list of numbers of the host's types at *slot with
// map(list, #), whose # the next pass wraps, so that what reads the list
// (an aggregate, in) reads the numbers as int or float64: 0.9 in f32s
// compares the 0.9 each float32 holds.
func mapList(slot *ast.Node, cfg *config) bool {
	arg := *slot
	t := arg.Type()
	if t == nil || (t.Kind() != reflect.Slice && t.Kind() != reflect.Array) {
		return false
	}
	elem := t.Elem()
	if f, ok := arg.(*ast.BuiltinNode); ok && f.Name == "filter" && len(f.Arguments) > 0 && elem.Kind() == reflect.Interface {
		// filter(labels, p): typed []interface{}, its elements checked
		// as the list's (in refused "gold" in filter(labels, true)).
		if lt := f.Arguments[0].Type(); lt != nil && (lt.Kind() == reflect.Slice || lt.Kind() == reflect.Array) {
			elem = lt.Elem()
		}
	}
	kept := keptText(elem)
	if cfg.numberKind(elem) == 0 && !kept {
		return false
	}
	item := &ast.PointerNode{}
	item.SetLocation(arg.Location())
	var body ast.Node = item
	if kept {
		// A list of a named type that keeps its type: each element read
		// as plain, as the value looked for is.
		item.SetType(elem)
		mode := &ast.IntegerNode{Value: 0}
		mode.SetLocation(arg.Location())
		body = internalCall(plainFunc, item, item, mode)
	}
	pred := &ast.PredicateNode{Node: body}
	pred.SetLocation(arg.Location())
	mapped := &ast.BuiltinNode{Name: "map", Arguments: []ast.Node{arg, pred}}
	mapped.SetLocation(arg.Location())
	*slot = mapped
	return true
}

// wrapMemberBase walks down a chain of member accesses without wrapping
// the bases, which are structs.
func wrapMemberBase(m *ast.MemberNode, cfg *config) bool {
	changed := false
	if _, ok := m.Property.(*ast.StringNode); !ok {
		changed = wrapNumbers(&m.Property, cfg)
	}
	switch inner := m.Node.(type) {
	case *ast.MemberNode:
		return wrapMemberBase(inner, cfg) || changed
	case *ast.IdentifierNode:
		return changed
	}
	return wrapNumbers(&m.Node, cfg) || changed
}

// numHostFunc is __num for one compile: it knows the host's decimal types.
func numHostFunc(cfg *config) *hostFunc {
	return &hostFunc{name: numFunc, arities: []int{1},
		validate: func(args []reflect.Type) (reflect.Type, error) {
			if len(args) != 1 {
				return nil, fmt.Errorf("internal conversion takes 1 argument")
			}
			switch cfg.numberKind(args[0]) {
			case 'i':
				return intType, nil
			case 'f':
				return floatType64, nil
			case 's':
				return stringType, nil
			case 'b':
				return boolType, nil
			case 'p':
				return anyType, nil
			}
			return args[0], nil
		},
		fn: func(args ...any) (any, error) { return cfg.toNumber(args[0]) }}
}

// toNumber reads v as an int or a float64, as numberKind says: a host's
// decimal type through its conversion, any other number as dynamicNumber
// reads it, a pointer as what it points to (nil for a nil pointer).
func (c *config) toNumber(v any) (any, error) {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer {
		for rv.Kind() == reflect.Pointer {
			if rv.IsNil() {
				return nil, nil
			}
			rv = rv.Elem()
		}
		v = rv.Interface()
	}
	if conv, ok := c.numbers[reflect.TypeOf(v)]; ok && v != nil {
		return conv(v), nil
	}
	return dynamicNumber(v)
}

// dynamicNumber reads a value whose type was known only when the rule
// ran (in an interface, or behind a pointer) as numberKind would have: a
// named or narrow integer as an int, a named float as a float64, a
// float32 as its decimal, a named string or bool as a string or bool, a
// pointer to any of them, or to a value that keeps its type (a time, a
// duration, a host's type whose methods rules call), as what it points to
// (a nil pointer as nil; see valuePointer). It
// is the one reader of such values: the built-ins read their arguments
// through it too (args.go). A host's decimal type is read only where its
// type is known statically. Other values pass unchanged.
func dynamicNumber(v any) (any, error) {
	switch v.(type) {
	case nil, int, float64, string, bool:
		return v, nil
	}
	t := reflect.TypeOf(v)
	if pureMethods[t] != nil {
		return v, nil
	}
	rv := reflect.ValueOf(v)
	if t.Kind() == reflect.Pointer {
		p, isNil, ok := valuePointee(rv)
		switch {
		case !ok:
			return v, nil
		case isNil:
			return nil, nil
		}
		return dynamicNumber(p)
	}
	switch k := t.Kind(); {
	case k >= reflect.Int && k <= reflect.Int64:
		return int(rv.Int()), nil
	case k >= reflect.Uint && k <= reflect.Uint64:
		u := rv.Uint()
		if u > math.MaxInt64 {
			return nil, fmt.Errorf("%v %d does not fit an int: %w", t, u, ErrOverflow)
		}
		return int(u), nil
	case k == reflect.Float32:
		return float32Decimal(float32(rv.Float())), nil
	case k == reflect.Float64:
		return rv.Float(), nil
	case k == reflect.String:
		return rv.String(), nil // a host's named string, as numberKind's 's'
	case k == reflect.Bool:
		return rv.Bool(), nil
	}
	return v, nil
}

// float32Decimal is the float64 nearest the shortest decimal that rounds
// to f: float32(0.9) is 0.9, not 0.8999999761581421.
func float32Decimal(f float32) float64 {
	if f != f || math.IsInf(float64(f), 0) {
		return float64(f)
	}
	d, err := strconv.ParseFloat(strconv.FormatFloat(float64(f), 'g', -1, 32), 64)
	if err != nil {
		return float64(f)
	}
	return d
}

// WithNumber registers a host's decimal type T (a money or decimal struct)
// as a number: rules compare and compute with its values as the float64
// toFloat gives. toFloat must be pure and safe for concurrent use.
func WithNumber[T any](toFloat func(T) float64) Option {
	return optionFunc(func(c *config) {
		if toFloat == nil {
			c.errs = append(c.errs, &Error{Kind: KindType, Msg: fmt.Sprintf("number conversion for %v is nil", reflect.TypeFor[T]())})
			return
		}
		if c.numbers == nil {
			c.numbers = map[reflect.Type]func(any) float64{}
		}
		c.numbers[reflect.TypeFor[T]()] = func(v any) float64 { return toFloat(v.(T)) }
	})
}

// valuePointer reports whether t is a pointer, or a chain of them, to a
// value rules read as a value: a number, a string or a bool of any type
// (one that keeps its type too), or a time. Such a pointer is read at run
// time as what it points to, as the front end reads one whose type it
// knows; a pointer to a struct stays a pointer, whose fields and methods
// rules reach through it.
func valuePointer(t reflect.Type) bool {
	if t == nil || t.Kind() != reflect.Pointer || pureMethods[t] != nil {
		return false // a pointer type whose own methods rules call keeps them
	}
	e := deref(t)
	k := e.Kind()
	return isNumberKind(k) || k == reflect.String || k == reflect.Bool || e == timeType
}

// valuePointee is the value the pointer rv points to, through any
// pointers, and whether rv is such a pointer (valuePointer); a nil one
// gives nil.
func valuePointee(rv reflect.Value) (v any, nilPointer, ok bool) {
	if !rv.IsValid() || !valuePointer(rv.Type()) {
		return nil, false, false
	}
	for rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil, true, true
		}
		rv = rv.Elem()
	}
	return rv.Interface(), false, true
}

// wrapCallArguments wraps what a call's arguments need. A host function
// takes a pointer as the pointer: its parameter is the host's own type,
// which coerce cannot make of a number. A method's argument is the
// parameter's own type, which expr passes to the method as it is:
// Is(tier) takes the Tier, Times(count) the Count (but time's methods
// take plain ints and durations).
func wrapCallArguments(m *ast.CallNode, cfg *config) bool {
	changed := false
	id, _ := m.Callee.(*ast.IdentifierNode)
	if id != nil && textFuncs[id.Value] {
		for i := range m.Arguments {
			changed = wrapPlain(&m.Arguments[i], false, false) || changed // upper(label)
		}
	}
	var host *hostFunc
	if id != nil {
		host = cfg.funcs[id.Value]
	}
	mc, method := m.Callee.(*ast.MemberNode)
	if method && mc.Node != nil && pureMethods[deref(mc.Node.Type())] != nil {
		method = false
	}
	if method {
		changed = fitMethodArguments(m, mc) || changed
	}
	// keepsPointer reports an argument a host function takes as the
	// pointer it is: its parameter there is a pointer (or an any).
	keepsPointer := func(c *ast.Node) bool {
		for i := range m.Arguments {
			if c == &m.Arguments[i] {
				t := m.Arguments[i].Type()
				return t != nil && t.Kind() == reflect.Pointer && host.takesPointer(i)
			}
		}
		return false
	}
	for _, c := range exprkey.Children(m) {
		a := *c
		if a != nil && a != m.Callee && (method || host != nil && keepsPointer(c)) {
			for _, cc := range exprkey.Children(a) {
				changed = wrapNumbers(cc, cfg) || changed
			}
			continue
		}
		changed = wrapNumbers(c, cfg) || changed
	}
	return changed
}

// fitFunc is __fit(x, zero, method, position): the number x as the type of zero, a method's
// parameter of a number type other than int and float64 (a uint8, a
// Count), or a failure where x does not fit it: expr passes a method the
// int or float64 the rule computed, which reflection refused on every
// evaluation.
const fitFunc = "__fit"

// fitMethodArguments wraps the arguments of a method call whose
// parameters are numbers of other types in __fit.
func fitMethodArguments(c *ast.CallNode, m *ast.MemberNode) bool {
	if m.Node == nil || m.Node.Type() == nil {
		return false
	}
	name, ok := m.Property.(*ast.StringNode)
	if !ok {
		return false
	}
	method, ok := m.Node.Type().MethodByName(name.Value)
	mt := method.Type
	if !ok || !mt.IsVariadic() && mt.NumIn() != len(c.Arguments)+1 || mt.IsVariadic() && len(c.Arguments) < mt.NumIn()-2 {
		return false
	}
	changed := false
	for i, a := range c.Arguments {
		var pt reflect.Type
		if mt.IsVariadic() && i+1 >= mt.NumIn()-1 {
			pt = mt.In(mt.NumIn() - 1).Elem() // Sum(ks ...int8): each an int8
		} else {
			pt = mt.In(i + 1)
		}
		// A parameter of another number type than int and float64 takes
		// the argument through __fit even where its type is the
		// parameter's: expr types -1 as an int8 there and computes it as
		// an int.
		if a == nil || !isNumberKind(pt.Kind()) || pt == intType || pt == floatType64 || a.Type() == pt && pureMethods[pt] != nil {
			continue
		}
		if n, ok := isInternalCall(a); ok && n == fitFunc {
			continue
		}
		if v, ok := literalNumber(a); ok {
			// A literal (-128), as a fresh constant: expr's checker typed
			// the literal's nodes as the parameter's type when it first
			// checked the call, and its compiler then refused 128 (or 300)
			// as an int8 with a panic.
			lit := &ast.ConstantNode{Value: v.Interface()}
			switch {
			case v.CanInt():
				lit.Value = int(v.Int())
			case v.CanFloat():
				lit.Value = v.Float()
			}
			lit.SetLocation(a.Location())
			a = lit
		} else {
			freshLiterals(&a) // n - 200: its 200 was typed an int8 too
		}
		zero := &ast.ConstantNode{Value: reflect.Zero(pt).Interface()}
		zero.SetLocation(a.Location())
		method := &ast.StringNode{Value: name.Value}
		method.SetLocation(a.Location())
		pos := &ast.IntegerNode{Value: i + 1}
		pos.SetLocation(a.Location())
		c.Arguments[i] = internalCall(fitFunc, startOf(a), a, zero, method, pos)
		changed = true
	}
	return changed
}

// freshLiterals replaces each number literal below slot with a constant of
// its value, untyped by expr's checker, which types the literals of a
// method's argument as the parameter's type (traversing + - * and unary
// signs) and whose compiler then refused 200 in n - 200 as an int8.
func freshLiterals(slot *ast.Node) {
	var lit *ast.ConstantNode
	switch n := (*slot).(type) {
	case nil:
		return
	case *ast.IntegerNode:
		lit = &ast.ConstantNode{Value: n.Value}
	case *ast.FloatNode:
		lit = &ast.ConstantNode{Value: n.Value}
	default:
		for _, c := range exprkey.Children(*slot) {
			freshLiterals(c)
		}
		return
	}
	lit.SetLocation((*slot).Location())
	*slot = lit
}

// fitLiterals reports a method's argument that is a number literal its
// parameter cannot hold (c.Scale(300) for an int8): it fails whatever the
// data, a compile error (as a host function's is, literalMisfit). expr's
// compiler panicked on it, and the message carried the panic's stack.
func (in *instrumenter) fitLiterals(c *ast.CallNode) {
	for i, a := range c.Arguments {
		name, ok := isInternalCall(a)
		if !ok || name != fitFunc {
			continue
		}
		fit := a.(*ast.CallNode)
		v, ok := literalNumber(fit.Arguments[0])
		zero, _ := fit.Arguments[1].(*ast.ConstantNode)
		if !ok || zero == nil {
			continue
		}
		if t := reflect.TypeOf(zero.Value); !fitsNumber(v, t) {
			in.errs = append(in.errs, in.cfg.errorAt(in.src, fit.Arguments[0].Location().From, KindType,
				fmt.Sprintf("argument %d of the method is %v, which its %v parameter does not hold", i+1, v, t), ""))
		}
	}
}

// fitValue is __fit's function: __fit(x, zero, method, position).
func fitValue(args ...any) (any, error) {
	name, _ := args[2].(string)
	pos, _ := args[3].(int)
	v, err := convertValue(name, pos, args[0], reflect.TypeOf(args[1]))
	if err != nil {
		return nil, err
	}
	return v.Interface(), nil
}
