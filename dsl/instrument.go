package dsl

import (
	"fmt"
	"math"
	"reflect"
	"time"

	"github.com/engagekit/engagekit/internal/envfield"
	"github.com/engagekit/engagekit/internal/exprkey"
	"github.com/expr-lang/expr/ast"
)

// Instrumentation is the front end's last step: it makes three of the
// package's promises explicit in the checked tree, so that every backend
// that consumes the tree keeps them without a rule of its own.
//
//   - NaN and nil never decide. Each operand of a comparison (==, !=, <,
//     <=, >, >=, in) that can hold a float is wrapped in __nan(x), which
//     fails the evaluation with [ErrNaN] when x is NaN, wherever the NaN
//     came from: a field, arithmetic, a slice, a map, a host function.
//     Each operand that is an optional chain (a?.b) is wrapped in
//     __some(x), which fails when the chain gave nil (or NaN); comparing
//     the chain with the literal nil stays the way to test for absence.
//     The same guard (or __decided, for a decision's output) stands
//     wherever else a nil would decide or turn into a zero value: an
//     operand of &&, || and !, the condition of ?:, a condition's root,
//     an argument a function takes as a concrete value, and the list a
//     built-in walks.
//   - Loops are bounded. The body of every predicate (all, any, map,
//     filter, …) starts with a step, __step(__gov), charged to the
//     governor; string concatenation becomes __concat(a, b, __gov), which
//     charges the memory budget before it allocates.
//   - Reach is an allow-list. A method may be called only if it is on the
//     allow-list: the pure methods of time.Time and time.Duration, and
//     those the host names with [WithMethods].
//
// The wrappers are ordinary calls of internal functions of the registry
// (builtins.go), so expr runs them as it runs any function, the closures
// compile them to their own checks (native.go), and Explain looks through
// them when it shows the tree.

// Names of the internal functions instrumentation inserts. A rule cannot
// name them: names starting with __ are reserved.
const (
	nanFunc    = "__nan"
	nanArgFunc = "__nanarg"
	someFunc   = "__some"
	stepFunc   = "__step"
	concatFunc = "__concat"
	walkFunc   = "__walk"
)

type instrumenter struct {
	cfg     *config
	src     string
	env     reflect.Type
	methods map[reflect.Type]map[string]bool
	errs    []error
	// lets are the guards of the names (an expression's own lets, a
	// predicate's #) whose values may carry a nil (see bindLets).
	lets map[ast.Node]string
}

// textScans are the built-ins that read their first argument, a string,
// through: each is charged a step for every KB of it, as contains is, so
// a loop over a long text is bounded by the steps it reads, not by the
// loop's length alone.
var textScans = map[string]bool{"trim": true, "trimPrefix": true, "trimSuffix": true, "upper": true, "lower": true,
	"split": true, "splitAfter": true, "indexOf": true, "lastIndexOf": true, "replace": true}

// chargeScan wraps the text a scanning built-in reads in its charge.
func chargeScan(name string, args []ast.Node) {
	if textScans[name] && len(args) > 0 && mayBeString(args[0].Type()) {
		args[0] = internalCall(walkFunc, args[0], args[0], govIdent(args[0]), walkMode(walkText|walkScan))
	}
}

// unorderedElements reports a built-in over a list whose elements it
// cannot take whatever the data, which expr's checker lets through and
// which then fails on every evaluation: max, min, mean, median or sum of
// times, strings or durations (a list of them, or a predicate's values),
// sortBy by a key that has no order (a list, a map, a struct other than a
// time, a bool), and groupBy or fromPairs by a key that cannot be a map's.
func (in *instrumenter) unorderedElements(n *ast.BuiltinNode) {
	report := func(at ast.Node, msg string) {
		in.errs = append(in.errs, in.cfg.errorAt(in.src, at.Location().From, KindType, msg, ""))
	}
	// numbers checks a value the built-in takes as a number, or a list
	// of them.
	// numbers checks a value the built-in takes as a number, or a list
	// of them, or of lists of them (expr flattens nested lists).
	// The mean and the median of durations (through pointers too) are
	// durations (mean.go).
	durationsOK := func(t reflect.Type) bool {
		return (n.Name == "mean" || n.Name == "median") && deref(t) == durationType
	}
	var numbers func(arg ast.Node) bool
	numbers = func(arg ast.Node) bool {
		if arr, ok := arg.(*ast.ArrayNode); ok {
			for _, e := range arr.Nodes {
				if isList(e.Type()) && e.Type() != nil && e.Type().Kind() != reflect.Interface {
					if !numbers(e) {
						return false
					}
					continue
				}
				if t := e.Type(); !durationsOK(t) && (!aggregatable(t) || in.cfg.keepsType(t)) {
					report(e, fmt.Sprintf("%s takes numbers, and this is a %v", n.Name, t))
					return false
				}
			}
			return true
		}
		t := arg.Type()
		switch {
		case durationsOK(t):
		case t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
			if e, _ := innermost(t); !aggregatable(e) && !durationsOK(e) {
				report(arg, fmt.Sprintf("%s takes a list of numbers, and this is a list of %v", n.Name, t.Elem()))
				return false
			}
		case !aggregatable(t):
			report(arg, fmt.Sprintf("%s takes numbers, and this is a %v", n.Name, t))
			return false
		}
		return true
	}
	// order checks a sort's order, when written: "asc" or "desc".
	order := func(arg ast.Node) {
		if str, ok := arg.(*ast.StringNode); ok && str.Value != "asc" && str.Value != "desc" {
			report(arg, fmt.Sprintf("%s sorts in order \"asc\" or \"desc\", and this is %q", n.Name, str.Value))
		}
	}
	switch n.Name {
	case "sum":
		// sum(list) or sum(list, predicate), whose values are summed.
		switch len(n.Arguments) {
		case 1:
			numbers(n.Arguments[0])
		case 2:
			value := n.Arguments[1]
			if p, ok := value.(*ast.PredicateNode); ok {
				value = p.Node
			}
			if t := value.Type(); !aggregatable(t) {
				report(n.Arguments[1], fmt.Sprintf("sum adds numbers, and this is a %v", t))
			}
		}
	case "max", "min", "mean", "median":
		// Each argument a number or a list of them, flattened.
		for _, arg := range n.Arguments {
			if !numbers(arg) {
				return
			}
		}
		// expr's max and min read a list's elements as the plain number
		// types only (a duration alone is taken by its kind, in a list it
		// is refused): max(ds) of a []time.Duration fails on every list
		// that is not empty. mean and median read elements by kind: of
		// durations, they are durations (mean.go).
		// The front end maps a list of a host's number type to plain
		// numbers (mapNumbers), but not a list of lists of them.
		if n.Name == "max" || n.Name == "min" {
			for _, arg := range n.Arguments {
				if e := mapsTo(arg); e != nil && in.cfg.keepsType(e) {
					report(arg, fmt.Sprintf("%s reads a list's elements as plain numbers, and this map makes a list of %v, which keeps its type: map to numbers, such as #.Hours()", n.Name, e))
					return
				}
				t := arg.Type()
				if t == nil || t.Kind() != reflect.Slice && t.Kind() != reflect.Array {
					continue
				}
				e, depth := innermost(t)
				if in.cfg.keepsType(e) || depth > 1 && isNumberKind(e.Kind()) && e != basicOf(e) {
					report(arg, fmt.Sprintf("%s reads a list's elements as plain numbers, and this is a list of %v, which keeps its type: compare two of them with max(a, b), or a list of numbers such as map(list, #.Hours())", n.Name, t.Elem()))
					return
				}
			}
		}
		// A number that keeps its type (a duration) compares only with
		// its own type: max(d, 1) fails on every evaluation.
		var kept reflect.Type
		for _, arg := range n.Arguments {
			t := arg.Type()
			if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
				t = t.Elem()
			}
			if t == nil || t.Kind() == reflect.Interface {
				continue
			}
			switch {
			case kept == nil && in.cfg.keepsType(t):
				kept = t
			}
		}
		if kept != nil {
			for _, arg := range n.Arguments {
				t := arg.Type()
				if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
					t = t.Elem()
				}
				if t != nil && t.Kind() != reflect.Interface && t != kept && !(durationsOK(t) && durationsOK(kept)) {
					report(arg, fmt.Sprintf("%s compares its arguments with each other, and this %v is not a %v", n.Name, t, kept))
					return
				}
			}
		}
	case "count":
		// count(list) counts the true elements: a list of anything but
		// bools fails on its first element.
		if len(n.Arguments) == 1 {
			// The elements' type: the list's, or, where the checker
			// types the list []any, that of what a literal holds or a
			// map makes.
			var elems []reflect.Type
			switch list := n.Arguments[0].(type) {
			case *ast.ArrayNode:
				for _, e := range list.Nodes {
					elems = append(elems, e.Type())
				}
			case *ast.BuiltinNode:
				if list.Name == "map" && len(list.Arguments) == 2 {
					body := list.Arguments[1]
					if p, ok := body.(*ast.PredicateNode); ok {
						body = p.Node
					}
					elems = append(elems, body.Type())
				}
			}
			if t := n.Arguments[0].Type(); len(elems) == 0 && t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
				elems = append(elems, t.Elem())
			}
			for _, e := range elems {
				if e != nil && e.Kind() != reflect.Bool && e.Kind() != reflect.Interface {
					report(n.Arguments[0], fmt.Sprintf("count without a predicate counts the true elements of a list of bools, and this is a list of %v: count(list, predicate)", e))
					break
				}
			}
		}
	case "sort":
		if len(n.Arguments) == 2 {
			order(n.Arguments[1])
		}
	case "groupBy":
		// Its groups are a map by the key: a key that cannot be a map's
		// (a list, a map, a struct holding one) fails on any element.
		if len(n.Arguments) < 2 {
			return
		}
		key := n.Arguments[1]
		if p, ok := key.(*ast.PredicateNode); ok {
			key = p.Node
		}
		if t := key.Type(); t != nil && t.Kind() != reflect.Interface && !t.Comparable() {
			report(n.Arguments[1], fmt.Sprintf("groupBy groups by a key that can be compared (a number, a string, a time, a bool), and this is a %v", t))
		}
	case "fromPairs":
		// A map of pairs: a key that cannot be a map's fails. Its type is
		// known where the pairs are written out, [[k, v], …] or
		// map(list, [k, v]).
		if len(n.Arguments) != 1 {
			return
		}
		// Elements that cannot be pairs (numbers, strings, structs).
		elem := reflect.Type(nil)
		if t := n.Arguments[0].Type(); t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		if m, ok := n.Arguments[0].(*ast.BuiltinNode); ok && m.Name == "map" && len(m.Arguments) == 2 {
			body := m.Arguments[1]
			if p, ok := body.(*ast.PredicateNode); ok {
				body = p.Node
			}
			elem = body.Type()
		}
		if elem != nil && elem.Kind() != reflect.Interface && elem.Kind() != reflect.Slice && elem.Kind() != reflect.Array && elem.Kind() != reflect.Pointer {
			report(n.Arguments[0], fmt.Sprintf("fromPairs takes a list of pairs [key, value], and this is a list of %v", elem))
			return
		}
		var firsts []ast.Node
		switch list := n.Arguments[0].(type) {
		case *ast.ArrayNode:
			for _, pair := range list.Nodes {
				if pair, ok := pair.(*ast.ArrayNode); ok && len(pair.Nodes) > 0 {
					firsts = append(firsts, pair.Nodes[0])
				}
			}
		case *ast.BuiltinNode:
			if list.Name == "map" && len(list.Arguments) == 2 {
				body := list.Arguments[1]
				if p, ok := body.(*ast.PredicateNode); ok {
					body = p.Node
				}
				if pair, ok := body.(*ast.ArrayNode); ok && len(pair.Nodes) > 0 {
					firsts = append(firsts, pair.Nodes[0])
				}
			}
		}
		for _, k := range firsts {
			if t := k.Type(); t != nil && t.Kind() != reflect.Interface && !t.Comparable() {
				report(k, fmt.Sprintf("fromPairs makes a map, whose keys can be compared (a number, a string, a time, a bool), and this is a %v", t))
				return
			}
		}
	case "sortBy":
		if len(n.Arguments) < 2 {
			return
		}
		if len(n.Arguments) == 3 {
			order(n.Arguments[2])
		}
		key := n.Arguments[1]
		if p, ok := key.(*ast.PredicateNode); ok {
			key = p.Node
		}
		if t := key.Type(); !ordered(t) {
			report(n.Arguments[1], fmt.Sprintf("sortBy sorts by a key that has an order (a number, a string, a time), and this is a %v", t))
		}
	}
}

// innermost is the element type of a list of lists, and how many levels
// of lists hold it.
func innermost(t reflect.Type) (reflect.Type, int) {
	depth := 0
	for t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		t, depth = t.Elem(), depth+1
	}
	return t, depth
}

// basicOf is the predeclared type of t's kind (int64 for a time.Duration),
// or nil for a kind that has none.
func basicOf(t reflect.Type) reflect.Type {
	if b, ok := basicTypes[t.Kind()]; ok {
		return b
	}
	return nil
}

// basicTypes are the predeclared number types by kind.
var basicTypes = map[reflect.Kind]reflect.Type{
	reflect.Int: reflect.TypeFor[int](), reflect.Int8: reflect.TypeFor[int8](), reflect.Int16: reflect.TypeFor[int16](),
	reflect.Int32: reflect.TypeFor[int32](), reflect.Int64: reflect.TypeFor[int64](),
	reflect.Uint: reflect.TypeFor[uint](), reflect.Uint8: reflect.TypeFor[uint8](), reflect.Uint16: reflect.TypeFor[uint16](),
	reflect.Uint32: reflect.TypeFor[uint32](), reflect.Uint64: reflect.TypeFor[uint64](),
	reflect.Float32: reflect.TypeFor[float32](), reflect.Float64: reflect.TypeFor[float64](),
}

// meanOfDurations reports a mean or a median whose types show durations
// (a list of them, the values a map makes, durations as arguments): its
// call is typed a duration (__meandur, mean.go). One whose values are
// known only when the rule runs is a duration too where they are, but
// typed as they are.
func meanOfDurations(n *ast.BuiltinNode) bool {
	return (n.Name == "mean" || n.Name == "median") && durationArguments(n.Arguments)
}

// durationArguments reports arguments of an aggregate (mean, median, max,
// min) whose types show durations, every one of them.
func durationArguments(args []ast.Node) bool {
	for _, a := range args {
		t := mapsTo(a)
		if t == nil {
			t, _ = innermost(a.Type())
		}
		if deref(t) != durationType {
			return false
		}
	}
	return len(args) > 0
}

// mapsTo is the type of the values map(xs, p) makes of its predicate's,
// which the checker types a list of any, or nil for any other node.
func mapsTo(n ast.Node) reflect.Type {
	b, ok := n.(*ast.BuiltinNode)
	if !ok || b.Name != "map" || len(b.Arguments) != 2 {
		return nil
	}
	if p, ok := b.Arguments[1].(*ast.PredicateNode); ok {
		return p.Node.Type()
	}
	return nil
}

// aggregatable reports whether a list's elements of type t may be numbers
// (an interface may hold one).
func aggregatable(t reflect.Type) bool {
	if t == nil || t.Kind() == reflect.Interface {
		return true
	}
	return isNumberKind(t.Kind())
}

// ordered reports whether values of type t may be compared with <.
func ordered(t reflect.Type) bool {
	if t == nil || t.Kind() == reflect.Interface || t == timeType {
		return true
	}
	return isNumberKind(t.Kind()) || t.Kind() == reflect.String
}

// keptNumbers reports a call of a built-in that wants a plain number on
// a number that keeps its type (see [config.keptNumberArgument]).
func (in *instrumenter) keptNumbers(name string, args []ast.Node) {
	arg, t := in.cfg.keptNumberArgument(name, args)
	if arg == nil {
		return
	}
	hint := ""
	if t == reflect.TypeFor[time.Duration]() {
		hint = ": read a duration as a number with its Hours(), Minutes() or Seconds()"
	}
	in.errs = append(in.errs, in.cfg.errorAt(in.src, arg.Location().From, KindType,
		fmt.Sprintf("%s takes a number, and this is a %v, which keeps its type%s", name, t, hint), ""))
}

// isFloat reports a float type: what a sum of floats is typed.
func isFloat(t reflect.Type) bool {
	return t != nil && (t.Kind() == reflect.Float64 || t.Kind() == reflect.Float32)
}

// implicitElement is the predicate # over list's elements, typed as
// they are.
func implicitElement(list ast.Node) *ast.PredicateNode {
	var et reflect.Type
	if t := list.Type(); t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		et = t.Elem()
	} else {
		et = reflect.TypeFor[any]()
	}
	el := &ast.PointerNode{}
	el.SetType(et)
	el.SetLocation(list.Location())
	p := &ast.PredicateNode{Node: el}
	p.SetType(et)
	p.SetLocation(list.Location())
	return p
}

func (in *instrumenter) walk(slot *ast.Node) {
	switch n := (*slot).(type) {
	case nil:
		return
	case *ast.BuiltinNode:
		if len(n.Arguments) == 1 && (n.Name == "count" || n.Name == "sum" && isFloat(n.Type())) {
			// count(xs) and sum(xs) are expr's loops over xs with # as
			// their predicate, left implicit: written out, it steps as
			// every predicate does, so the loop looks at the context
			// (with a step budget of MaxInt, the walk's charge alone
			// looked once). (A sum of ints, or of values known only when
			// the rule runs, is rewritten by guardBuiltin and walked
			// element by element.)
			n.Arguments = append(n.Arguments, implicitElement(n.Arguments[0]))
		}
		in.keptNumbers(n.Name, n.Arguments)
		in.unorderedElements(n)
		if n.Name == "mean" || n.Name == "median" {
			durations := meanOfDurations(n)
			defer func() { *slot = aggregateCall(n, durations) }()
		}
		if textScans[n.Name] && len(n.Arguments) > 0 {
			guardPointer(&n.Arguments[0])
		}
		chargeScan(n.Name, n.Arguments)
		var absOf reflect.Type // abs of the least int does not fit an int
		if n.Name == "abs" && len(n.Arguments) == 1 {
			absOf = n.Arguments[0].Type()
		}
		predicate := false
		for i, a := range n.Arguments {
			if p, ok := a.(*ast.PredicateNode); ok {
				in.walk(&p.Node)
				if i == 1 && (n.Name == "sortBy" || n.Name == "groupBy") {
					// A key is compared, or hashed: a NaN key would decide
					// where its element lands, as a NaN operand would
					// decide a comparison.
					in.guardOperand(&p.Node, nil)
				}
				p.Node = &ast.SequenceNode{Nodes: []ast.Node{internalCall(stepFunc, p.Node, govIdent(p.Node)), p.Node}}
				predicate = true
				continue
			}
			in.walk(&n.Arguments[i])
		}
		if _, walks := listBuiltins[n.Name]; (predicate || walks) && len(n.Arguments) > 0 {
			// The list a built-in walks: a nil chain there would fail
			// inside expr with a message about reflection.
			in.guardChain(&n.Arguments[0])
		}
		in.guardBuiltin(n)
		if builtLists[n.Name] {
			// What expr's built-in builds is charged to the rule's
			// memory budget (as memory only: walking it is its own).
			*slot = withWalk(n, n, walkBuilt)
			return
		}
		if n.Name == "findIndex" || n.Name == "findLastIndex" {
			// expr types them int but gives nil where nothing matches
			// (its documentation says -1): -1 it is, as typed.
			minus := &ast.IntegerNode{Value: -1}
			minus.SetLocation(n.Location())
			or := &ast.BinaryNode{Operator: "??", Left: n, Right: minus}
			or.SetLocation(n.Location())
			*slot = or
			return
		}
		switch {
		case absOf == nil:
		case absOf == intType:
			*slot = checkedInt(n, n.Arguments[0], n.Arguments[0], "abs")
		case dynamicType(absOf), isFloat(absOf):
			// A float's too: expr's abs gives -0 for -0 (x < 0 is false),
			// and 1/abs(x) then -Inf, where the closures' math.Abs gives
			// 0 and +Inf.
			*slot = checkedAny(n, n.Arguments[0], n.Arguments[0], "abs")
		}
		return
	case *ast.BinaryNode:
		// The operands' types as checked: wrapping them below leaves
		// calls the checker has not typed yet.
		lt, rt := n.Left.Type(), n.Right.Type()
		in.walk(&n.Left)
		in.walk(&n.Right)
		switch {
		case stringOperator[n.Operator]:
			// NaN cannot reach a string operator, but a nil chain can,
			// and a nil pointer to a string.
			in.guardChain(&n.Left)
			in.guardChain(&n.Right)
			guardPointer(&n.Left)
			guardPointer(&n.Right)
			switch n.Operator {
			case "matches":
				if lit, ok := n.Right.(*ast.StringNode); ok {
					if size := patternSize(lit.Value); size > maxPatternSize {
						in.errs = append(in.errs, in.cfg.errorAt(in.src, lit.Location().From, KindLimit,
							fmt.Sprintf("the regular expression expands to over %d instructions (repeats of repeats multiply)", maxPatternSize), ""))
						return
					}
				} else {
					// A pattern known only when the rule runs is
					// compiled then, each time: charged by what it
					// expands to before expr compiles it.
					n.Right = internalCall(walkFunc, n.Right, n.Right, govIdent(n), walkMode(walkPattern))
				}
				n.Left = internalCall(walkFunc, n.Left, n.Left, govIdent(n), walkMode(walkText|regexCost(n.Right)<<walkFactorShift))
			case "contains":
				n.Left = internalCall(walkFunc, n.Left, n.Left, govIdent(n), walkMode(walkText|walkScan))
			}
		case n.Operator == "in":
			in.guardOperand(&n.Left, n.Right)
			guardPointer(&n.Left)
			list, chained := isList(n.Right.Type()), in.nilGuard(n.Right) != ""
			// A nil list or map from an optional chain or a decision
			// would be read as empty, and `"a" not in p?.tags` decide:
			// it fails, as a comparison with such a nil does.
			in.guardChain(&n.Right)
			if list {
				// in compares as == does: a NaN deep in the value looked
				// for or in an element (a struct's field, a list in a
				// list) is unequal to everything, and fails rather than
				// decide, as it does for ==.
				if mayHoldNaNDeep(lt) {
					n.Left = internalCall(walkFunc, n.Left, n.Left, govIdent(n), walkMode(walkDeepNaN))
				}
				if rt == nil || rt.Kind() != reflect.Slice && rt.Kind() != reflect.Array || mayHoldNaNDeep(rt.Elem()) {
					n.Right = internalCall(walkFunc, n.Right, n.Right, govIdent(n), walkMode(walkDeepNaN))
				}
				// in scans the list: each element is a step, and one that
				// is NaN or a nil chain would decide silently.
				// A nil the host's data holds is data, as "x" == nil is.
				mode := walkNumbers | walkListOnly
				if chained {
					mode |= walkNil
				}
				n.Right = withWalk(n, n.Right, mode)
			}
		case isComparison(n.Operator):
			in.guardOperand(&n.Left, n.Right)
			in.guardOperand(&n.Right, n.Left)
			if n.Operator == "==" || n.Operator == "!=" {
				// Lists and maps compare element by element, where a NaN
				// is unequal to everything: fail on one, as a scalar
				// comparison with NaN fails. The types are read as
				// checked (a list literal is wrapped in its memory charge
				// by now, a call not typed yet), and a value known only
				// when the rule runs may be a list too. Against nil, no
				// element decides.
				_, lNil := n.Left.(*ast.NilNode)
				_, rNil := n.Right.(*ast.NilNode)
				for i, side := range []*ast.Node{&n.Left, &n.Right} {
					if t := [2]reflect.Type{lt, rt}[i]; !lNil && !rNil && mayHoldNaNDeep(t) {
						*side = internalCall(walkFunc, *side, *side, govIdent(n), walkMode(walkDeepNaN))
					}
				}
			}
		case n.Operator == "..":
			// A range is sized exactly and charged to the rule's own
			// budget, steps and memory (which Explain's runs of each
			// sub-expression share) before it is built.
			*slot = internalCall(rangeFunc, n, n.Left, n.Right, govIdent(n))
		case intArith[n.Operator] && lt == intType && rt == intType:
			*slot = checkedInt(n, n.Left, n.Right, n.Operator)
		case durationArith(n, lt, rt):
			*slot = checkedDuration(n, n.Left, n.Right, n.Operator)
		case n.Operator == "+" && mayBeString(lt) && mayBeString(rt):
			*slot = internalCall(concatFunc, n, n.Left, n.Right, govIdent(n))
		case arithOps[n.Operator] && (dynamicType(lt) || dynamicType(rt)):
			*slot = checkedAny(n, n.Left, n.Right, n.Operator)
		case isLogical(n.Operator):
			// A nil operand of && or || would decide as false.
			in.guardChain(&n.Left)
			in.guardChain(&n.Right)
			guardPointer(&n.Left)
			guardPointer(&n.Right)
		}
		return
	case *ast.UnaryNode:
		t := n.Node.Type()
		in.walk(&n.Node)
		if n.Operator == "!" || n.Operator == "not" {
			in.guardChain(&n.Node)
			guardPointer(&n.Node)
		}
		_, literal := n.Node.(*ast.IntegerNode)
		switch {
		case n.Operator != "-" || literal:
		case t == intType:
			// -x is 0 - x, which overflows for the least int alone. (A
			// unary minus on a duration never gets here: expr's checker
			// refuses it; d * -1 is checked as __dur.)
			zero := &ast.IntegerNode{Value: 0}
			zero.SetLocation(n.Location())
			*slot = checkedInt(n, zero, n.Node, "-")
		case dynamicType(t):
			*slot = checkedAny(n, n.Node, n.Node, "neg")
		}
		return
	case *ast.ConditionalNode:
		in.walk(&n.Cond)
		in.walk(&n.Exp1)
		in.walk(&n.Exp2)
		in.guardChain(&n.Cond)
		return
	case *ast.MemberNode:
		in.member(n)
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok {
			in.keptNumbers(id.Value, n.Arguments)
			chargeScan(id.Value, n.Arguments)
		}
		in.dateLiteral(n)
		in.methodCall(n)
		in.fitLiterals(n)
		for _, c := range exprkey.Children(*slot) {
			in.walk(c)
		}
		in.guardArguments(n)
		if *slot = boundTimeCall(n); *slot != ast.Node(n) {
			return
		}
		if buildsText(n) {
			// What the call builds is charged to the memory budget as
			// it comes out: string(x) copies x, and a time's Format
			// writes as much as its layout says.
			*slot = withWalk(n, n, walkBuilt)
		}
		return
	case *ast.ArrayNode, *ast.MapNode:
		for _, c := range exprkey.Children(*slot) {
			in.walk(c)
		}
		// A list or a map the expression builds: expr counts it against
		// its memory budget afresh at each run, which for Explain is
		// each sub-expression's; charged to the governor too, it counts
		// once for the whole condition, as in Eval.
		*slot = internalCall(walkFunc, n, n, govIdent(n), walkMode(walkBuilt))
		return
	}
	for _, c := range exprkey.Children(*slot) {
		in.walk(c)
	}
}

// guardArguments keeps a nil from an optional chain or a decision out of
// the arguments a function takes as a concrete value (a string, a number,
// a time): the function would read it as its zero value, and upper(nil)
// == "" would decide. A parameter that takes an interface, a pointer, a
// list or a map is the function's to handle nil in.
func (in *instrumenter) guardArguments(c *ast.CallNode) {
	if _, internal := isInternalCall(c); internal {
		return
	}
	id, _ := c.Callee.(*ast.IdentifierNode)
	var f *hostFunc
	if id != nil {
		f = in.function(id.Value)
	}
	// A host's function or method is given no NaN: it could decide on
	// it, as a comparison would (see guardNaNArgument).
	_, method := c.Callee.(*ast.MemberNode)
	host := method || id != nil && in.cfg.funcs[id.Value] != nil
	for i := range c.Arguments {
		if host {
			guardNaNArgument(&c.Arguments[i])
		}
		if acceptsNil(f, i) || methodAcceptsNil(c, i) {
			continue
		}
		in.guardChain(&c.Arguments[i])
		guardPointer(&c.Arguments[i])
	}
}

// guardNaNArgument fails an argument of a host's function or method that
// is NaN, or holds one in a list or a map it is given: NaN never decides,
// and the host's code could decide on it (isHigh(x) as !(x < 0.5) is true
// of a NaN). A struct is given as it is: what the function reads of it
// is its own to check.
func guardNaNArgument(slot *ast.Node) {
	switch n := (*slot).(type) {
	case *ast.IntegerNode, *ast.StringNode, *ast.BoolNode, *ast.NilNode:
		return
	case *ast.FloatNode:
		if !math.IsNaN(n.Value) {
			return
		}
	}
	if argumentMayBeNaN((*slot).Type(), 0) {
		*slot = internalCall(nanArgFunc, *slot, *slot, govIdent(*slot))
	}
}

// argumentMayBeNaN reports whether a value of type t may be a NaN or hold
// one in its lists and maps: a float, a complex, an any (nil: not typed),
// through pointers.
func argumentMayBeNaN(t reflect.Type, depth int) bool {
	t = deref(t)
	if t == nil || depth > maxNaNDepth {
		return true
	}
	switch t.Kind() {
	case reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128, reflect.Interface:
		return true
	case reflect.Slice, reflect.Array:
		return argumentMayBeNaN(t.Elem(), depth+1)
	case reflect.Map:
		return argumentMayBeNaN(t.Key(), depth+1) || argumentMayBeNaN(t.Elem(), depth+1)
	}
	return false
}

// methodAcceptsNil reports whether argument i of a method call is of a
// type that holds nil (a pointer, a map, an interface): the method is
// given the nil, as a host function of such a parameter is.
func methodAcceptsNil(c *ast.CallNode, i int) bool {
	m, ok := c.Callee.(*ast.MemberNode)
	if !ok || m.Node == nil || m.Node.Type() == nil {
		return false
	}
	name, ok := m.Property.(*ast.StringNode)
	if !ok {
		return false
	}
	method, ok := m.Node.Type().MethodByName(name.Value)
	if !ok || method.Type.IsVariadic() || i+1 >= method.Type.NumIn() {
		return false
	}
	switch method.Type.In(i + 1).Kind() { // In(0) is the receiver
	case reflect.Pointer, reflect.Map, reflect.Interface, reflect.Slice, reflect.Func:
		return true
	}
	return false
}

// function is the host function or built-in a call names, nil when it is
// neither (a method, a formatting built-in: they take concrete values).
func (in *instrumenter) function(name string) *hostFunc {
	if f, ok := in.cfg.funcs[name]; ok {
		return f
	}
	for _, m := range []map[string]*hostFunc{builtinFuncs, governedFuncs, dateFuncs} {
		if f, ok := m[name]; ok {
			return f
		}
	}
	return nil
}

// acceptsNil reports whether every signature of f takes a nil at argument
// i; a function whose signatures are unknown (nil, or typed by a
// validator) takes scalars.
func acceptsNil(f *hostFunc, i int) bool {
	if f == nil || len(f.types) == 0 {
		return false
	}
	for _, ft := range f.types {
		t := reflect.TypeOf(ft).Elem()
		if t.Kind() != reflect.Func {
			return false
		}
		var p reflect.Type
		switch {
		case i < t.NumIn() && !(t.IsVariadic() && i >= t.NumIn()-1):
			p = t.In(i)
		case t.IsVariadic():
			p = t.In(t.NumIn() - 1).Elem()
		default:
			return false
		}
		switch p.Kind() {
		case reflect.Interface, reflect.Pointer, reflect.Slice, reflect.Map, reflect.Func:
		default:
			return false
		}
	}
	return true
}

// dateLiteral checks the form of date("2026-04-05") when it is written
// with a constant string, so a mistyped date is a compile error.
func (in *instrumenter) dateLiteral(c *ast.CallNode) {
	id, ok := c.Callee.(*ast.IdentifierNode)
	if !ok || id.Value != "date" || len(c.Arguments) == 0 {
		return
	}
	s, ok := c.Arguments[0].(*ast.StringNode)
	if !ok {
		return
	}
	if _, err := dateLiteral(s.Value, nil); err != nil {
		in.errs = append(in.errs, in.cfg.errorAt(in.src, s.Location().From, KindType, err.Error(), ""))
	}
}

// guardOperand wraps an operand of a comparison in the check that keeps
// NaN and a nil chain from deciding it.
func (in *instrumenter) guardOperand(slot *ast.Node, other ast.Node) {
	n := *slot
	switch n.(type) {
	case *ast.IntegerNode, *ast.FloatNode, *ast.StringNode, *ast.BoolNode, *ast.NilNode:
		return
	case *ast.ConstantNode:
		if f, ok := n.(*ast.ConstantNode).Value.(float64); !ok || f == f {
			return
		}
	}
	if _, isNil := other.(*ast.NilNode); isNil {
		return
	}
	if guard := in.nilGuard(n); guard != "" {
		// A nil that an optional chain or a decision gave, directly or
		// through a conditional, ??, a list or a call.
		*slot = internalCall(guard, startOf(n), n)
		return
	}
	if mayHoldFloat(n.Type()) {
		*slot = internalCall(nanFunc, startOf(n), n)
	}
}

// guardChain wraps an operand that may carry a nil from an optional chain
// or a decision.
func (in *instrumenter) guardChain(slot *ast.Node) {
	if guard := in.nilGuard(*slot); guard != "" {
		*slot = internalCall(guard, startOf(*slot), *slot)
	}
}

// nilGuard is the check that keeps n's nil from deciding: __some when an
// optional chain may give it, __decided when a decision's output may (see
// decisions.go), "" when neither can.
func (in *instrumenter) nilGuard(n ast.Node) string {
	switch {
	case in.carries(n, isChain, someFunc):
		return someFunc
	case in.carries(n, isDecisionOutput, decidedFunc):
		return decidedFunc
	}
	return ""
}

// nilablePointer reports whether values of type t are pointers to a
// string or a bool: expr reads a nil one as "" or false, so that
// !(ps matches "a") decided on a nil *string. (A pointer to a number is
// read as the number, or nil: see numbers.go.)
func nilablePointer(t reflect.Type) bool {
	return t != nil && t.Kind() == reflect.Pointer && (t.Elem().Kind() == reflect.String || t.Elem().Kind() == reflect.Bool)
}

// guardPointer keeps a nil pointer to a string or a bool out of what
// would read it as "" or false: a text operator or built-in, a list's
// membership, an order, a logical operator. (== and != compare a nil
// with a value: it equals none, as a table's cells have it.)
func guardPointer(slot *ast.Node) {
	if nilablePointer((*slot).Type()) {
		*slot = internalCall(someFunc, startOf(*slot), *slot)
	}
}

func isChain(n ast.Node) bool {
	_, ok := n.(*ast.ChainNode)
	return ok
}

// carries reports whether n contains a source of nil (an optional chain
// a?.b, a decision's output: source, whose guard is guard) whose nil could
// flow into n's value: directly, through ??, +, a conditional, a list or
// a call, through an expression's own let (a name whose value carries
// one), and through the values map and reduce make of their predicate's
// (map(xs, #?.name) may hold nils of the chain).
func (in *instrumenter) carries(n ast.Node, source func(ast.Node) bool, guard string) bool {
	switch m := n.(type) {
	case nil:
		return false
	case *ast.IdentifierNode:
		return in.lets[m] == guard && guard != ""
	case *ast.PointerNode:
		return in.lets[m] == guard && guard != ""
	case *ast.VariableDeclaratorNode:
		return in.carries(m.Expr, source, guard) // its value is its expression's
	case *ast.PredicateNode:
		return false // its own scope: checked where its values are compared
	case *ast.BuiltinNode:
		if (m.Name == "map" || m.Name == "reduce") && len(m.Arguments) > 1 {
			if p, ok := m.Arguments[1].(*ast.PredicateNode); ok && in.carries(p.Node, source, guard) {
				return true
			}
		}
	case *ast.BinaryNode:
		if m.Operator != "??" && m.Operator != "+" {
			return false // a comparison or arithmetic: guarded or failing on nil itself
		}
	}
	if source(n) {
		return true
	}
	for _, c := range exprkey.Children(n) {
		if in.carries(*c, source, guard) {
			return true
		}
	}
	return false
}

// bindLets finds, for each name whose value may carry a nil from an
// optional chain or a decision, the guard that value needs, so that the
// name is checked where its value is used, as the expression it names
// would be: a use of an expression's own let (let x = …; … x …), and a
// predicate's # over a list that may hold such nils (none(map(items,
// #?.name), # == "q"): each element is the value a chain gave). A
// rule's lets are inlined before this; a nil the host's data holds is
// data, as ever.
func (in *instrumenter) bindLets(root ast.Node) {
	in.lets = map[ast.Node]string{}
	var scope []struct{ name, guard string }
	var elements []string // the guard of the elements of each predicate's list, innermost last
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		switch m := n.(type) {
		case nil:
			return
		case *ast.IdentifierNode:
			for i := len(scope) - 1; i >= 0; i-- {
				if scope[i].name == m.Value {
					if scope[i].guard != "" {
						in.lets[m] = scope[i].guard
					}
					return
				}
			}
			return
		case *ast.PointerNode:
			if m.Name == "" && len(elements) > 0 && elements[len(elements)-1] != "" {
				in.lets[m] = elements[len(elements)-1]
			}
			return
		case *ast.VariableDeclaratorNode:
			walk(m.Value)
			scope = append(scope, struct{ name, guard string }{m.Name, in.nilGuard(m.Value)})
			walk(m.Expr)
			scope = scope[:len(scope)-1]
			return
		case *ast.BuiltinNode:
			if len(m.Arguments) == 0 {
				return
			}
			walk(m.Arguments[0])
			list := in.nilGuard(m.Arguments[0])
			for _, a := range m.Arguments[1:] {
				if _, ok := a.(*ast.PredicateNode); !ok {
					walk(a) // not the list's elements' scope
					continue
				}
				elements = append(elements, list)
				walk(a)
				elements = elements[:len(elements)-1]
			}
			return
		}
		for _, c := range exprkey.Children(n) {
			walk(*c)
		}
	}
	walk(root)
}

// stringOperator are the operators on strings, which NaN cannot reach.
var stringOperator = map[string]bool{"contains": true, "startsWith": true, "endsWith": true, "matches": true}

// isList reports whether values of type t may be lists (or whether t is
// known only when the rule runs).
func isList(t reflect.Type) bool {
	return t == nil || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Interface
}

// isContainer says whether t is statically a list or a map.
// mayHoldNaNDeep reports a type whose values may hold a NaN below their
// top level, where == compares part by part: a list, a map, a struct
// (other than a time), or a value known only when the rule runs.
func mayHoldNaNDeep(t reflect.Type) bool {
	return isContainer(t) || dynamicType(t) || t.Kind() == reflect.Struct && t != timeType
}

func isContainer(t reflect.Type) bool {
	return t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map)
}

// builtLists are expr's built-ins that build a list or a map from a list,
// whose result the governor is charged for: expr's VM counts some of them
// only for one expression at a time, and groupBy and toPairs not at all.
// (uniq, keys, values, join, split and the string builders are governed
// functions that charge themselves; flatten's charge is walkNested.)
var builtLists = map[string]bool{"map": true, "filter": true, "groupBy": true, "toPairs": true, "fromPairs": true,
	"concat": true, "sort": true, "sortBy": true, "reverse": true}

// listBuiltins are expr's built-ins that walk a whole list without a
// predicate: the list is charged a step an element. Those in numbered
// also fail on a NaN or nil-chain element, which would otherwise decide
// silently where an element lands (max, min, median, sort) or vanish.
// (uniq, keys, values and join are governed functions, registry.go, which
// charge and check what they read themselves: the parser makes calls of
// them, never built-ins.)
var listBuiltins = map[string]walkFlags{
	"sum": 0, "mean": walkNumbers, "median": walkNumbers, "max": walkNumbers | walkDeep, "min": walkNumbers | walkDeep,
	"sort": walkNumbers | walkSort, "reverse": 0, "flatten": walkNested, "concat": 0,
	"toPairs": 0, "fromPairs": walkPairKeys, "count": 0,
}

// guardBuiltin charges the lists a built-in walks to the step budget, and
// checks the scalar arguments of max and min as comparisons do; a sum of
// ints is added again, checked, by the walk (expr's wraps).
func (in *instrumenter) guardBuiltin(b *ast.BuiltinNode) {
	flags, ok := listBuiltins[b.Name]
	if !ok {
		return
	}
	if t := b.Type(); b.Name == "sum" && (dynamicType(t) || t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64) {
		// (The checker may type a sum by its list's elements before the
		// front end read them as ints: any integer type is a sum of ints;
		// a sum of a list of any may be one too.)
		if len(b.Arguments) == 2 {
			// sum(xs, p) is sum(map(xs, p)): the walk then sees the
			// values summed.
			mapped := &ast.BuiltinNode{Name: "map", Arguments: b.Arguments}
			mapped.SetLocation(b.Arguments[0].Location())
			b.Arguments = []ast.Node{mapped}
		}
		flags |= walkIntSum
	}
	predicate := false
	for _, a := range b.Arguments {
		_, p := a.(*ast.PredicateNode)
		predicate = predicate || p
	}
	for i, a := range b.Arguments {
		if _, pred := a.(*ast.PredicateNode); pred {
			continue
		}
		switch {
		case isList(a.Type()):
			mode := flags
			if in.nilGuard(a) != "" && !predicate {
				// A list that may hold a chain's nils: each element
				// decides (count's own truth, a sum's term) and is
				// checked here; under a predicate, # is guarded where
				// it decides (bindLets), and # == nil tests for one.
				mode |= walkNil
			}
			b.Arguments[i] = withWalk(a, a, mode)
		case b.Name == "max" || b.Name == "min":
			in.guardOperand(&b.Arguments[i], nil)
		}
	}
}

// buildsText reports whether a call builds a string of a size its
// arguments set: string(x), and a method call that returns a string (a
// time's Format).
func buildsText(c *ast.CallNode) bool {
	if t := c.Type(); t == nil || t.Kind() != reflect.String {
		return false
	}
	switch callee := c.Callee.(type) {
	case *ast.IdentifierNode:
		return callee.Value == "string"
	case *ast.MemberNode:
		return true
	}
	return false
}

// regexCost is what matching a string against pattern costs a byte, in
// instructions of the compiled expression (Go's regular expressions run
// in time proportional to both): known at compile time for a constant
// pattern (patternSize, counted on its parse as the compiler lays it
// out), else assumed large.
func regexCost(pattern ast.Node) walkFlags {
	const unknown = 256
	s, ok := pattern.(*ast.StringNode)
	if !ok {
		return unknown
	}
	return walkFlags(max(1, patternSize(s.Value)))
}

// walkMode is the literal mode argument of __walk.
// withWalk wraps x in a walk with flags, or adds them to the walk x
// already is (a list the expression builds, charged as built): one walk
// of the list, not two.
func withWalk(at, x ast.Node, flags walkFlags) ast.Node {
	if name, ok := isInternalCall(x); ok && name == walkFunc {
		c := x.(*ast.CallNode)
		if mode, ok := c.Arguments[2].(*ast.IntegerNode); ok && walkFlags(mode.Value)&^walkBuilt == 0 {
			c.Arguments[2] = walkMode(walkFlags(mode.Value) | flags)
			return x
		}
	}
	return internalCall(walkFunc, x, x, govIdent(at), walkMode(flags))
}

func walkMode(f walkFlags) ast.Node {
	n := &ast.IntegerNode{Value: int(f)}
	return n
}

// methodCall refuses a method call on a value whose type is known only
// when the rule runs (an interface, a map's value): the allow-list cannot
// be checked, and the method could be anything.
func (in *instrumenter) methodCall(c *ast.CallNode) {
	m, ok := c.Callee.(*ast.MemberNode)
	if !ok || m.Node == nil {
		return
	}
	if t := receiverType(m.Node); t == nil || t.Kind() == reflect.Interface || t.Kind() == reflect.Map {
		name := "a method"
		if p, ok := m.Property.(*ast.StringNode); ok {
			name = "method " + p.Value
		}
		in.errs = append(in.errs, in.cfg.errorAt(in.src, m.Location().From, KindType,
			fmt.Sprintf("%s is called on a value whose type is known only when the rule runs; rules call methods only of known types", name), ""))
	}
}

// receiverType is the type of a method's receiver n as it will run: as
// checked, but a mean or a median of durations, which the checker types
// as expr's (a float64, or an any), is a duration (mean.go).
func receiverType(n ast.Node) reflect.Type {
	if b, ok := n.(*ast.BuiltinNode); ok && meanOfDurations(b) {
		return durationType
	}
	return n.Type()
}

// startOf is the node where the text of n starts, so an error about the
// operand points at its first character (expr places a member access at
// its dot and a binary operation at its operator).
func startOf(n ast.Node) ast.Node {
	for {
		switch m := n.(type) {
		case *ast.MemberNode:
			n = m.Node
		case *ast.ChainNode:
			n = m.Node
		case *ast.BinaryNode:
			n = m.Left
		case *ast.CallNode:
			return m.Callee
		default:
			return n
		}
	}
}

// mayBeString reports whether an operand of + may be a string when the
// rule runs: a string, or a value whose type is known only then.
func mayBeString(t reflect.Type) bool {
	return t == nil || t.Kind() == reflect.String || t.Kind() == reflect.Interface
}

func mayHoldFloat(t reflect.Type) bool {
	if t == nil {
		return true
	}
	switch deref(t).Kind() {
	case reflect.Float32, reflect.Float64, reflect.Interface:
		return true
	}
	return false
}

// internalCall builds a call of an internal function at the place of at.
func internalCall(name string, at ast.Node, args ...ast.Node) ast.Node {
	callee := &ast.IdentifierNode{Value: name}
	callee.SetLocation(at.Location())
	c := &ast.CallNode{Callee: callee, Arguments: args}
	c.SetLocation(at.Location())
	return c
}

func govIdent(at ast.Node) ast.Node {
	g := &ast.IdentifierNode{Value: govName}
	g.SetLocation(at.Location())
	return g
}

// isInternalCall reports whether n is a call instrumentation inserted,
// and its name.
func isInternalCall(n ast.Node) (string, bool) {
	c, ok := n.(*ast.CallNode)
	if !ok {
		return "", false
	}
	id, ok := c.Callee.(*ast.IdentifierNode)
	if !ok {
		return "", false
	}
	// The library's own functions, which only it writes into a tree
	// (reservedName keeps their names from rules).
	if id.Value == numFunc || internalFuncs[id.Value] != nil {
		return id.Value, true
	}
	return "", false
}

// member checks a.b where b is a method of a's type rather than a field:
// only allowed methods may be reached.
func (in *instrumenter) member(m *ast.MemberNode) {
	if m.Node != nil {
		if t := m.Node.Type(); t != nil && t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Pointer {
			// expr's checker reads through every pointer, and its fetch
			// through one: each evaluation would fail.
			in.errs = append(in.errs, in.cfg.errorAt(in.src, m.Location().From, KindType,
				fmt.Sprintf("a pointer to a pointer (%v) cannot be read through; give the rule the pointer it points to", t), ""))
			return
		}
	}
	prop, ok := m.Property.(*ast.StringNode)
	if !ok || m.Node == nil {
		return
	}
	recv := receiverType(m.Node)
	if recv == nil || recv.Kind() == reflect.Interface || recv.Kind() == reflect.Map {
		return
	}
	if _, isField := envfield.Lookup(recv, prop.Value); isField {
		return
	}
	if !hasMethod(recv, prop.Value) {
		return
	}
	if !methodAllowed(in.methods, recv, prop.Value) {
		in.errs = append(in.errs, in.cfg.errorAt(in.src, m.Location().From, KindType,
			fmt.Sprintf("method %s of %v is not allowed in rules", prop.Value, recv), ""))
	}
}

// pureMethods are the methods rules may call without the host's leave:
// those of time.Time and time.Duration that compute a value from the
// receiver and their arguments only (no time zone files, no clock, no
// mutation).
var pureMethods = map[reflect.Type]map[string]bool{
	reflect.TypeFor[time.Time](): setOf("After", "Before", "Equal", "Compare", "IsZero", "Year", "Month", "Day",
		"YearDay", "Weekday", "Hour", "Minute", "Second", "Nanosecond", "Unix", "UnixMilli", "Add", "AddDate",
		"Sub", "Truncate", "Round", "Format", "String"),
	reflect.TypeFor[time.Duration](): setOf("Hours", "Minutes", "Seconds", "Milliseconds", "Abs", "Round",
		"Truncate", "String"),
	reflect.TypeFor[time.Month]():   setOf("String"),
	reflect.TypeFor[time.Weekday](): setOf("String"),
}

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

// methodAllowed reports whether a rule may use method name of type t (or
// of the type t points to).
func methodAllowed(host map[reflect.Type]map[string]bool, t reflect.Type, name string) bool {
	for _, typ := range []reflect.Type{t, deref(t)} {
		if pureMethods[typ][name] || host[typ][name] {
			return true
		}
	}
	return false
}

// WithMethods allows rules to call the named methods of type T (and of
// *T). By default a rule may call no method of the host's types, since a
// method can do anything, change the host's state included; allow only
// methods that are pure and cheap. The pure methods of time.Time and
// time.Duration are always allowed.
func WithMethods[T any](names ...string) Option {
	return optionFunc(func(c *config) {
		t := reflect.TypeFor[T]()
		for _, name := range names {
			if !hasMethod(t, name) {
				c.errs = append(c.errs, &Error{Kind: KindType, Msg: fmt.Sprintf("type %v has no method %s", t, name)})
				continue
			}
			if c.methods == nil {
				c.methods = map[reflect.Type]map[string]bool{}
			}
			if c.methods[t] == nil {
				c.methods[t] = map[string]bool{}
			}
			c.methods[t][name] = true
		}
	})
}
