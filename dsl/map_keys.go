package dsl

import (
	"fmt"
	"math"
	"reflect"
	"time"

	"github.com/expr-lang/expr/ast"
)

// Map keys are values as a rule compares them. expr keys the maps its
// built-ins make (groupBy's groups, fromPairs' map) by the Go value, so
// the keys 1 and 1.0, equal under ==, made two groups, and one instant in
// two time zones two more; and a lookup found a key only under the Go
// type it was made with: groupBy(ints, #)[1.0] was empty, and
// 1.0 in groupBy(ints, #) false, where uniq and == say 1 and 1.0 are one.
//
// keyMaps makes them one, in three places of the checked tree:
//
//   - groupBy(list, key) groups by __mapKey(key), the key's canonical
//     value (canonicalKey): an integral number as an int, any other as a
//     float64, a time as its instant in UTC;
//   - fromPairs(pairs) reads the pairs through __pairKeys, which gives
//     each key its canonical value (a copy of the pairs, charged, only
//     where a key is not canonical already), so a later pair [1.0, v]
//     replaces an earlier [1, u] as it replaces [1, u];
//   - a lookup m[k] or k in m of a map whose keys are interfaces looks k
//     up through __lookupKey(k, m), which gives k as the map holds it: as
//     it is, canonical, or an integral number as a float64. A map the host
//     built (map[any]V with float64 keys) is found by an int k as the
//     rule's own maps are. Where m is not a plain place to read again
//     (a call, a conditional, a chain that may stop), k is made canonical
//     if the map is one the rule built (groupBy, fromPairs) and left as
//     it is otherwise.
//
// A number key that is NaN fails, as a comparison with one does: it would
// make a group of its own each time.
func keyMaps(root *ast.Node) {
	ast.Walk(root, keyMapper{})
}

const (
	mapKeyFunc    = "__mapKey"
	pairKeysFunc  = "__pairKeys"
	lookupKeyFunc = "__lookupKey"
)

// keyMapper rewrites each node after its children (ast.Walk's order),
// so a rewritten child is never visited twice.
type keyMapper struct{}

func (keyMapper) Visit(slot *ast.Node) {
	switch n := (*slot).(type) {
	case *ast.BuiltinNode:
		switch {
		case n.Name == "groupBy" && len(n.Arguments) == 2:
			if p, ok := n.Arguments[1].(*ast.PredicateNode); ok {
				p.Node = internalCall(mapKeyFunc, p.Node, p.Node)
			}
		case n.Name == "fromPairs" && len(n.Arguments) == 1:
			a := n.Arguments[0]
			n.Arguments[0] = internalCall(pairKeysFunc, a, a, govIdent(a))
		}
	case *ast.MemberNode:
		if _, named := n.Property.(*ast.StringNode); !named && !n.Method {
			n.Property = lookupKey(n.Node, n.Property)
		}
	case *ast.BinaryNode:
		if n.Operator == "in" {
			n.Left = lookupKey(n.Right, n.Left)
		}
	}
}

// lookupKey is the key k as map m is to be searched for it (see keyMaps).
func lookupKey(m, k ast.Node) ast.Node {
	// The instrumentation's checks around m (a walk's charge) are not
	// typed until the tree is checked again: m's type is the author's.
	t := unwrap(m).Type()
	anyKeys := t != nil && t.Kind() == reflect.Map && t.Key().Kind() == reflect.Interface
	dynamic := t == nil || t.Kind() == reflect.Interface
	if !anyKeys && !dynamic {
		return k
	}
	if again, ok := readAgain(m); ok {
		return internalCall(lookupKeyFunc, k, k, again)
	}
	if builtMap(m) {
		return internalCall(mapKeyFunc, k, k)
	}
	return k
}

// builtMap reports whether n is a map the rule builds (groupBy's,
// fromPairs'), whose keys are canonical, through the checks the
// instrumentation wrapped around it.
func builtMap(n ast.Node) bool {
	b, ok := unwrap(n).(*ast.BuiltinNode)
	return ok && (b.Name == "groupBy" || b.Name == "fromPairs")
}

// readAgain is a copy of n when n is a plain place, read again at no cost
// and to the same value: a name, the element a predicate visits, or a
// chain of named fields through them (no call, no optional step, which
// would stop outside its chain), through the checks instrumentation put
// around it (the original keeps them).
func readAgain(n ast.Node) (ast.Node, bool) {
	var c ast.Node
	switch n := unwrap(n).(type) {
	case *ast.IdentifierNode:
		if n.Value == govName {
			return nil, false
		}
		c = &ast.IdentifierNode{Value: n.Value}
	case *ast.PointerNode:
		c = &ast.PointerNode{Name: n.Name}
	case *ast.MemberNode:
		if n.Optional || n.Method {
			return nil, false
		}
		base, ok := readAgain(n.Node)
		if !ok {
			return nil, false
		}
		// A named field or a string key only: a number key is itself
		// looked up through __lookupKey, which a copy would not be.
		p, ok := n.Property.(*ast.StringNode)
		if !ok {
			return nil, false
		}
		prop := &ast.StringNode{Value: p.Value}
		prop.SetLocation(p.Location())
		c = &ast.MemberNode{Node: base, Property: prop}
	default:
		return nil, false
	}
	c.SetLocation(n.Location())
	return c, true
}

// canonicalKey is the value a map key is made and found by: a number read
// as the rule reads one (a host's named or sized number as an int or a
// float64), then an integral value within an int64 as an int and any
// other as a float64; a time as its instant in UTC; anything else as it
// is. A NaN fails.
func canonicalKey(k any) (any, error) {
	if readAsNumber(k) {
		var err error
		if k, err = dynamicNumber(k); err != nil {
			return nil, err
		}
	}
	switch x := k.(type) {
	case float64:
		switch {
		case math.IsNaN(x):
			return nil, errNaNValue
		case x == math.Trunc(x) && x >= -(1<<63) && x < 1<<63:
			return int(x), nil
		}
	case time.Time:
		return x.UTC(), nil
	}
	return k, nil
}

// mapKey is __mapKey's function.
func mapKey(args ...any) (any, error) {
	return canonicalKey(args[0])
}

// lookupKeyOf is __lookupKey(k, m)'s function: k as the map m holds it
// when m is a map whose keys are interfaces (as it is, canonical, or an
// int's or an integral float's other type), else k as it is.
func lookupKeyOf(args ...any) (any, error) {
	k := args[0]
	m := derefValue(reflect.ValueOf(args[1]), true)
	if !m.IsValid() || m.Kind() != reflect.Map || m.Type().Key().Kind() != reflect.Interface || k == nil {
		return k, nil
	}
	c, err := canonicalKey(k)
	if err != nil {
		return nil, err
	}
	candidates := []any{k, c}
	if x, ok := c.(int); ok {
		candidates = append(candidates, float64(x))
	}
	for _, cand := range candidates {
		if holds(m, cand) {
			return cand, nil
		}
	}
	return c, nil
}

// holds reports whether map m has the key k; a key that cannot be one
// (a list, or an array holding one) is not there.
func holds(m reflect.Value, k any) (found bool) {
	v := reflect.ValueOf(k)
	if !v.IsValid() {
		v = reflect.Zero(m.Type().Key()) // a nil key of the map's interface type
	}
	if !v.Type().Comparable() {
		return false
	}
	defer func() {
		if recover() != nil { // hash of an unhashable value inside k
			found = false
		}
	}()
	return m.MapIndex(v).IsValid()
}

// pairKeys is __pairKeys(pairs, g)'s function: the pairs fromPairs reads,
// with each key canonical. The pairs are given on as they are when every
// key is canonical already; otherwise as a []any of []any pairs, charged
// to the memory budget. What is not a list of pairs is given on for
// fromPairs to refuse.
func pairKeys(args ...any) (any, error) {
	g, err := govFrom(args[1])
	if err != nil {
		return nil, err
	}
	list := derefValue(reflect.ValueOf(args[0]), true)
	if !list.IsValid() || list.Kind() != reflect.Slice && list.Kind() != reflect.Array {
		return args[0], nil
	}
	var out []any
	for i := range list.Len() {
		if err := g.poll(i); err != nil {
			return nil, err
		}
		pair := derefValue(list.Index(i), true)
		if !pair.IsValid() || pair.Kind() != reflect.Slice && pair.Kind() != reflect.Array || pair.Len() != 2 {
			return args[0], nil // fromPairs says what is wrong with it
		}
		k := pair.Index(0).Interface()
		c, err := canonicalKey(k)
		if err != nil {
			return nil, err
		}
		if out == nil && sameKey(c, k) {
			continue
		}
		if out == nil {
			if err := g.charge(3 * int64(list.Len())); err != nil { // a []any of [2]any pairs
				return nil, err
			}
			out = make([]any, list.Len())
			for j := range i {
				p := derefValue(list.Index(j), true)
				out[j] = []any{p.Index(0).Interface(), p.Index(1).Interface()}
			}
		}
		out[i] = []any{c, pair.Index(1).Interface()}
	}
	if out == nil {
		return args[0], nil
	}
	return out, nil
}

// sameKey reports whether the canonical key c is k itself, of the same Go
// type (1 and 1.0 are not).
func sameKey(c, k any) bool {
	if t := reflect.TypeOf(c); t != reflect.TypeOf(k) {
		return false
	} else if t != nil && !t.Comparable() {
		return true // no key: fromPairs refuses it as it is
	}
	if t, ok := c.(time.Time); ok {
		return t == k.(time.Time)
	}
	return c == k
}

func init() {
	internalFuncs[mapKeyFunc] = &hostFunc{name: mapKeyFunc, arities: []int{1}, validate: anyOfOne, fn: mapKey}
	internalFuncs[lookupKeyFunc] = &hostFunc{name: lookupKeyFunc, arities: []int{2}, validate: anyOfOne, fn: lookupKeyOf}
	internalFuncs[pairKeysFunc] = &hostFunc{name: pairKeysFunc, arities: []int{2}, validate: firstArgType, fn: pairKeys}
}

// anyOfOne types a key the wrappers give: any, whatever its argument.
func anyOfOne(args []reflect.Type) (reflect.Type, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("internal wrapper takes arguments")
	}
	return reflect.TypeFor[any](), nil
}
