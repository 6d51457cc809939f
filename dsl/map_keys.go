package dsl

import (
	"fmt"
	"math"
	"reflect"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/vm/runtime"
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
//     value (canonicalKey): an integral number within an int64 as an int,
//     any other as a float64, a time as its instant in UTC;
//   - fromPairs(pairs) reads the pairs through __pairKeys, which gives
//     each key its canonical value (a copy of the pairs, charged, only
//     where a key is not canonical already), so a later pair [1.0, v]
//     replaces an earlier [1, u] as it replaces [1, u];
//   - a lookup m[k] or k in m, where m is a map whose keys are
//     interfaces, a pointer to one, or a value known only when the rule
//     runs, is __index(m, k, mode, g) or __in(k, m, mode, g) (get(m, k) too,
//     an __index of its own mode): m and k are
//     read once, as before, and a map is searched for k as the map holds
//     it (findKey): as it came, canonical, as a number of another type or
//     a time in another zone of equal value; any other value is read as
//     expr reads it. A host's map[any] with float64 keys, or int8 ones, is
//     found by an int; a map[float64]V behind an any by an int too.
//
// A number key that is NaN fails, as a comparison with one does: it would
// make a group of its own each time. Numbers beyond 2^53 key by their
// exact value: there == rounds an int to a float (2^53 + 1 == 2^53.0),
// which a key cannot do without making two unequal ints one.
func keyMaps(root *ast.Node) {
	ast.Walk(root, keyMapper{})
}

const (
	mapKeyFunc   = "__mapKey"
	pairKeysFunc = "__pairKeys"
	indexFunc    = "__index"
	indexBoxFunc = "__indexBox"
	inFunc       = "__in"
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
		case n.Name == "get" && len(n.Arguments) == 2 && keyedByValue(n.Arguments[0]):
			// expr's get takes its arguments as they are.
			*slot = indexCall(n, n.Arguments[0], n.Arguments[1], indexGet)
		}
	case *ast.MemberNode:
		switch {
		case !byValue(n):
		case !n.Optional:
			*slot = indexCall(n, n.Node, n.Property, indexRead|propertyDeref(n))
		default:
			// An optional index stops its chain where m is nil, which a
			// call in its place would not: the call gives nil there, or
			// the value in a box, and the optional read of the box's v
			// stops the chain on the nil as m?.[k] did.
			box := internalCall(indexBoxFunc, n, n.Node, n.Property, intLiteral(n, indexBoxed|propertyDeref(n)), govIdent(n))
			v := &ast.StringNode{Value: "v"}
			v.SetLocation(n.Location())
			read := &ast.MemberNode{Node: box, Property: v, Optional: true}
			read.SetLocation(n.Location())
			*slot = read
		}
	case *ast.BinaryNode:
		if n.Operator == "in" && keyedByValue(n.Right) {
			// expr reads each operand through its pointers where it is
			// typed a pointer or an interface (compiler.derefInNeeded).
			mode := 0
			if mayPoint(n.Left) {
				mode |= derefKey
			}
			if mayPoint(n.Right) {
				mode |= derefMap
			}
			*slot = internalCall(inFunc, n, n.Left, n.Right, intLiteral(n, mode), govIdent(n))
		}
	}
}

// The ways __index reads m[k] (its mode's low bits): as m[k] reads it, as
// m?.[k] (a nil m gives nil, any other m the value in a lookupBox), or as
// get(m, k) (a key m has not gives nil, and so does a list's index out of
// its range).
const (
	indexRead = iota
	indexBoxed
	indexGet
	indexHow = 3
)

// lookupBox is what __index gives an optional index, m?.[k]: the value,
// read as its v; nil where m is nil.
type lookupBox struct {
	V any `expr:"v"`
}

// The mode bits that read the key, and for in the map, through their
// pointers, where expr's compiler does (an operand typed a pointer or an
// interface: a *time.Duration needle is the duration).
const (
	derefKey = 4 << iota
	derefMap
)

// indexCall is __index(m, k, mode, g) in place of n, which reads m[k].
func indexCall(n, m, k ast.Node, mode int) ast.Node {
	return internalCall(indexFunc, n, m, k, intLiteral(n, mode), govIdent(n))
}

// intLiteral is the int v, placed at n.
func intLiteral(n ast.Node, v int) ast.Node {
	lit := &ast.IntegerNode{Value: v}
	lit.SetLocation(n.Location())
	return lit
}

// mayPoint reports whether expr reads n through its pointers as an
// operand: n is typed a pointer or an interface (as the author wrote it,
// inside the instrumentation's checks), or its type is not known until
// the tree is checked again. Reading a value that is no pointer through
// its pointers gives it as it is.
func mayPoint(n ast.Node) bool {
	t := unwrap(n).Type()
	return t == nil || t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface
}

// propertyDeref is derefKey where expr reads the key of m[k] through its
// pointers: unless m is a map whose key type takes k as it is typed.
func propertyDeref(n *ast.MemberNode) int {
	if t := unwrap(n.Node).Type(); t != nil && t.Kind() == reflect.Map {
		if pt := unwrap(n.Property).Type(); pt != nil && pt.AssignableTo(t.Key()) {
			return 0
		}
	}
	if mayPoint(n.Property) {
		return derefKey
	}
	return 0
}

// readThrough is v read through its pointers and interfaces, as expr's deref
// reads it: nil where one is nil; a value that points back at itself
// stops where derefValue stops.
func readThrough(v any) any {
	r := derefValue(reflect.ValueOf(v), true)
	if !r.IsValid() || (r.Kind() == reflect.Pointer || r.Kind() == reflect.Interface) && r.IsNil() {
		return nil
	}
	return r.Interface()
}

// byValue reports whether the member read m[k] is a lookup by a key that
// may be a number or a time, in what may be a map keyed by value: not a
// field or a method (a name), not a read of a struct or a list of known
// type.
func byValue(n *ast.MemberNode) bool {
	if n.Method {
		return false
	}
	if p, named := n.Property.(*ast.StringNode); named {
		// A name read from a value known only when the rule runs may
		// be a method's, which expr's lookup gives as a value (index
		// refuses it); from a map of known type, a key. A method's
		// name is exported, so one in lower case (a field's expr tag,
		// a key) is left to expr's fetch, which reads it faster.
		t := unwrap(n.Node).Type()
		r, _ := utf8.DecodeRuneInString(p.Value)
		return (t == nil || t.Kind() == reflect.Interface) && unicode.IsUpper(r)
	}
	return keyedByValue(n.Node)
}

// keyedByValue reports whether m, as typed before the instrumentation's
// checks, is a map whose keys are interfaces, a pointer to one, or a
// value known only when the rule runs.
func keyedByValue(m ast.Node) bool {
	t := unwrap(m).Type()
	if t == nil || t.Kind() == reflect.Interface {
		return true
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Kind() == reflect.Map && t.Key().Kind() == reflect.Interface
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

// index is __index(m, k, mode, g)'s function: m[k], with a map keyed by
// value searched for k as it holds it (findKey). A nil m ends an optional
// index (m?.[k]) as nil; get(m, k) gives nil for a key m has not; any
// other m is read as expr reads it (get as expr's get).
func index(args ...any) (any, error) {
	mode, _ := args[2].(int)
	if mode&indexHow == indexBoxed && isNil(args[0]) {
		return nil, nil // the chain stops here, as at m?.[k] of a nil m
	}
	v, err := lookup(args...)
	if err != nil || mode&indexHow != indexBoxed {
		return v, err
	}
	return &lookupBox{V: v}, nil
}

// lookupArgs reads the arguments __index and __in share: the key read
// through its pointers when the mode says so (the map's own reading is
// the caller's), the mode, and the governor.
func lookupArgs(k, mode, gov any) (any, int, *governor, error) {
	m, _ := mode.(int)
	g, err := govFrom(gov)
	if err == nil && m&derefKey != 0 {
		k = readThrough(k)
	}
	return k, m, g, err
}

// lookup is index's value of m[k].
func lookup(args ...any) (res any, err error) {
	from := args[0]
	k, mode, g, err := lookupArgs(args[1], args[2], args[3])
	if err != nil {
		return nil, err
	}
	mode &= indexHow
	m := derefValue(reflect.ValueOf(from), true)
	if mode == indexGet && (!m.IsValid() || (m.Kind() == reflect.Pointer || m.Kind() == reflect.Interface) && m.IsNil()) {
		return nil, nil // expr's get of nothing
	}
	if isNaN(k) {
		return nil, errNaNValue // an index or a key that equals nothing
	}
	if name, ok := k.(string); ok && hasMethodValue(from, name) {
		// expr's lookup gives a method by its name as a value, which the
		// rule could then call past the allow-list of methods; named in
		// the rule (x.Method()) a method is checked when it compiles.
		return nil, fmt.Errorf("%q is a method of %T, which a rule calls by its name (x.%s()), from the methods the host allows", name, from, name)
	}
	if m.IsValid() && m.Kind() == reflect.Map {
		v, found, err := findKey(m, k, g)
		switch {
		case err != nil:
			return nil, err
		case found:
			res = v.Interface()
		case mode == indexGet:
			return nil, nil
		default:
			res = reflect.Zero(m.Type().Elem()).Interface()
		}
		return res, chargeValueCopy(res, g)
	}
	defer exprPanic(&err)
	if mode == indexGet {
		if res, err = exprGet(from, k); err != nil {
			return nil, err
		}
	} else {
		res = runtime.Fetch(from, k)
	}
	return res, chargeValueCopy(res, g)
}

// hasMethodValue reports whether from has an exported method name, which
// expr's lookup would give as a value.
func hasMethodValue(from any, name string) bool {
	v := reflect.ValueOf(from)
	return v.IsValid() && v.NumMethod() > 0 && v.MethodByName(name).IsValid()
}

// chargeValueCopy charges a struct or an array larger than copyFree that
// a lookup known only when the rule runs read out of a map or a list: a
// copy, as the front end charges the reads it can see (copies.go).
func chargeValueCopy(v any, g *governor) error {
	t := reflect.TypeOf(v)
	if t == nil || t.Kind() != reflect.Struct && t.Kind() != reflect.Array || t.Size() <= copyFree {
		return nil
	}
	return g.chargeBytes(int64(t.Size()))
}

// exprGet is expr's get.
var exprGet = func() func(...any) (any, error) {
	for _, f := range builtin.Builtins {
		if f.Name == "get" {
			return f.Func
		}
	}
	panic("dsl: expr has no get")
}()

// in is __in(k, m, mode, g)'s function: k in m, with a map keyed by
// value searched for k as it holds it (findKey); any other m is read as
// expr reads it.
func in(args ...any) (res any, err error) {
	from := args[1]
	k, mode, g, err := lookupArgs(args[0], args[2], args[3])
	if err != nil {
		return nil, err
	}
	if mode&derefMap != 0 {
		from = readThrough(from)
	}
	if m := derefValue(reflect.ValueOf(from), true); m.IsValid() && m.Kind() == reflect.Map {
		_, found, err := findKey(m, k, g)
		return found, err
	}
	defer exprPanic(&err)
	return runtime.In(k, from), nil
}

// exprPanic turns a panic of expr's runtime (what the VM reports as an
// error, "cannot fetch k from T") into the error it reports.
func exprPanic(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%v", r)
	}
}

// findKey is the key of map m equal to k as a rule compares them, and
// whether m has one. It tries k as it came, then its canonical value,
// then for a number each number type that holds its value exactly (a
// host's map of any keyed by int8 or float32, a map[float64]V searched by
// an int), and for a time the keys of m that are times, a step each (a
// host's map keyed in another zone, or by times with a monotonic
// reading). A key that cannot be one (a list, an array holding one) fails,
// as expr's lookup fails on it; so does a NaN.
func findKey(m reflect.Value, k any, g *governor) (reflect.Value, bool, error) {
	kt := m.Type().Key()
	try := func(v reflect.Value) (reflect.Value, bool, error) {
		if !v.IsValid() {
			v = reflect.Zero(kt) // nil: the map's nil key, if its keys can be nil
		}
		if !v.Type().AssignableTo(kt) {
			return v, false, nil
		}
		if !v.Type().Comparable() {
			return v, false, fmt.Errorf("a %v cannot be a map's key", v.Type())
		}
		return mapValue(m, v)
	}
	if v, ok, err := try(reflect.ValueOf(k)); ok || err != nil {
		return v, ok, err
	}
	c, err := canonicalKey(k)
	if err != nil {
		return reflect.Value{}, false, err
	}
	if v, ok, err := try(reflect.ValueOf(c)); ok || err != nil {
		return v, ok, err
	}
	switch c := c.(type) {
	case int, float64:
		targets := numberKeyTypes
		if kt.Kind() != reflect.Interface {
			targets = []reflect.Type{kt}
		}
		for _, t := range targets {
			if v, ok := numberAs(c, t); ok {
				if v, found, err := try(v); found || err != nil {
					return v, found, err
				}
			}
		}
	case time.Time:
		if kt.Kind() != reflect.Interface && kt != timeType {
			return reflect.Value{}, false, nil
		}
		if err := g.steps_(int64(m.Len())); err != nil {
			return reflect.Value{}, false, err
		}
		for it := m.MapRange(); it.Next(); {
			if t, ok := it.Key().Interface().(time.Time); ok && t.Equal(c) {
				return it.Value(), true, nil
			}
		}
	}
	return reflect.Value{}, false, nil
}

// numberKeyTypes are the number types a map of any keys is searched
// under, besides the canonical int and float64.
var numberKeyTypes = []reflect.Type{
	reflect.TypeFor[int](), reflect.TypeFor[float64](),
	reflect.TypeFor[int64](), reflect.TypeFor[int32](), reflect.TypeFor[int16](), reflect.TypeFor[int8](),
	reflect.TypeFor[uint](), reflect.TypeFor[uint64](), reflect.TypeFor[uint32](), reflect.TypeFor[uint16](), reflect.TypeFor[uint8](),
	reflect.TypeFor[float32](),
}

// numberAs is the number c (an int or a float64) as a value of type t,
// when t is a number type that holds it exactly.
func numberAs(c any, t reflect.Type) (reflect.Value, bool) {
	v := reflect.New(t).Elem()
	k := t.Kind()
	switch x := c.(type) {
	case int:
		switch {
		case k >= reflect.Int && k <= reflect.Int64:
			if v.OverflowInt(int64(x)) {
				return v, false
			}
			v.SetInt(int64(x))
		case k >= reflect.Uint && k <= reflect.Uintptr:
			if x < 0 || v.OverflowUint(uint64(x)) {
				return v, false
			}
			v.SetUint(uint64(x))
		case k == reflect.Float32 || k == reflect.Float64:
			f := float64(x)
			if k == reflect.Float32 {
				f = float64(float32(f))
			}
			if f >= 1<<63 || int(f) != x {
				return v, false
			}
			v.SetFloat(f)
		default:
			return v, false
		}
	case float64:
		if k != reflect.Float32 && k != reflect.Float64 || k == reflect.Float32 && float64(float32(x)) != x {
			return v, false
		}
		v.SetFloat(x)
	default:
		return v, false
	}
	return v, true
}

// mapValue is m's value at the key v, and whether m has one; a value
// whose type can be a key but that holds one that cannot (an array of
// any holding a list) fails, as expr's lookup fails on it. The value is
// read once: a lookup copies it once, as expr's does.
func mapValue(m, v reflect.Value) (value reflect.Value, found bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	value = m.MapIndex(v)
	return value, value.IsValid(), nil
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
			// A []any of pairs: its slot, each pair's two-slot list and
			// the box of its header, and the key's own box: six units.
			if err := g.charge(6 * int64(list.Len())); err != nil {
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

// sameKey reports whether the canonical key c is k itself: of the same Go
// type (1 and 1.0 are not), and for a time the same zone. (canonicalKey
// changes a number only by its type, and gives anything but a number or
// a time back as it came.)
func sameKey(c, k any) bool {
	if reflect.TypeOf(c) != reflect.TypeOf(k) {
		return false
	}
	if t, ok := c.(time.Time); ok {
		return t == k.(time.Time)
	}
	return true
}

func init() {
	internalFuncs[mapKeyFunc] = &hostFunc{name: mapKeyFunc, arities: []int{1}, validate: anyOfOne, fn: mapKey}
	internalFuncs[pairKeysFunc] = &hostFunc{name: pairKeysFunc, arities: []int{2}, validate: firstArgType, fn: pairKeys}
	internalFuncs[indexFunc] = &hostFunc{name: indexFunc, arities: []int{4}, validate: validateIndex, fn: index}
	internalFuncs[indexBoxFunc] = &hostFunc{name: indexBoxFunc, arities: []int{4}, validate: validateBox, fn: index}
	internalFuncs[inFunc] = &hostFunc{name: inFunc, arities: []int{4}, validate: func([]reflect.Type) (reflect.Type, error) {
		return reflect.TypeFor[bool](), nil
	}, fn: in}
}

// anyOfOne types a key the wrappers give: any, whatever its argument.
func anyOfOne(args []reflect.Type) (reflect.Type, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("internal wrapper takes arguments")
	}
	return reflect.TypeFor[any](), nil
}

// validateIndex types __index(m, …) as expr types m[k]: a map's element
// (through a pointer too), or any; for an optional index, a box whose v
// is typed so (its value is a lookupBox, read by the field's place).
func validateIndex(args []reflect.Type) (reflect.Type, error) {
	if len(args) < 3 {
		return nil, fmt.Errorf("internal wrapper takes arguments")
	}
	elem := reflect.TypeFor[any]()
	t := args[0]
	if t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t != nil && t.Kind() == reflect.Map {
		elem = t.Elem()
	}
	return elem, nil
}

// validateBox types __indexBox(m, …), an optional index's box, as a
// pointer to a struct whose v has validateIndex's type (its values are
// lookupBoxes, whose v the VM reads by the field's place, the same).
func validateBox(args []reflect.Type) (reflect.Type, error) {
	elem, err := validateIndex(args)
	if err != nil {
		return nil, err
	}
	return reflect.PointerTo(reflect.StructOf([]reflect.StructField{{Name: "V", Type: elem, Tag: `expr:"v"`}})), nil
}
