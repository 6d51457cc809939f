package dsl

import (
	"reflect"
	"time"
)

// sameOutputs reports whether two hits' outputs are the same values:
// reflect.DeepEqual, but a NaN is the same as a NaN, the numbers are read
// as the front end reads them (readDeep: a float32 as its decimal, a
// host's named int or a uint64 as an int, at every depth), and times are
// the same instant in the same location (Go's monotonic clock reading
// aside). Two rows that compute one value holding a NaN decide alike
// (DeepEqual said they differ, yet said the same of a host's own slice,
// by its pointer: where the NaN came from decided), and so do rows that
// give `m.n` and `5` where m.n == 5 holds of the same types read.
func sameOutputs(a, b map[string]any) bool {
	if len(a) != len(b) || (a == nil) != (b == nil) {
		return false
	}
	seen := map[pairKey]bool{}
	for k, x := range a {
		y, ok := b[k]
		if !ok {
			return false
		}
		// A value that cannot be read (a uint64 past an int) is
		// compared as it is.
		if rx, err := readDeep(x, nil); err == nil {
			x = rx
		}
		if ry, err := readDeep(y, nil); err == nil {
			y = ry
		}
		if !sameValue(reflect.ValueOf(x), reflect.ValueOf(y), seen, 0) {
			return false
		}
	}
	return true
}

// pairKey names a pair of references being compared: their addresses,
// and their length (a pair of slices has one) and type, since two slices
// of one array may start at one address and differ ([1] and [1, 2] of
// one array: a pair of them found the same must not make a longer pair
// the same).
type pairKey struct {
	a, b uintptr
	n    int
	t    reflect.Type
}

// maxSameDepth bounds how deeply sameValue compares: values nested deeper
// (without a cycle, which seen ends) are taken to differ.
const maxSameDepth = 1000

// sameValue is sameOutputs for one pair of values; seen holds the pairs
// of pointers (and of maps and slices) being compared, so a cycle ends.
func sameValue(a, b reflect.Value, seen map[pairKey]bool, depth int) bool {
	if !a.IsValid() || !b.IsValid() {
		return a.IsValid() == b.IsValid()
	}
	if a.Type() != b.Type() {
		return false
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice:
		// One and the same reference (and length) is the same value, as
		// DeepEqual takes it, however deep it goes or whatever it holds
		// that compares unequal to itself (a func).
		if a.Pointer() == b.Pointer() && (a.Kind() != reflect.Slice || a.Len() == b.Len()) {
			return true
		}
	case reflect.Struct:
		if a.Type() == timeType && a.CanInterface() && b.CanInterface() {
			x, y := a.Interface().(time.Time), b.Interface().(time.Time)
			return x.Equal(y) && x.Location() == y.Location()
		}
	}
	if depth > maxSameDepth {
		return false
	}
	// visit reports whether the pair of references is compared already
	// (then it is taken as the same, as DeepEqual takes it), and marks it.
	visit := func() bool {
		key := pairKey{a: a.Pointer(), b: b.Pointer(), t: a.Type()}
		if a.Kind() == reflect.Slice {
			key.n = a.Len()
		}
		if seen[key] {
			return true
		}
		seen[key] = true
		return false
	}
	switch a.Kind() {
	case reflect.Float32, reflect.Float64:
		x, y := a.Float(), b.Float()
		return x == y || x != x && y != y
	case reflect.Complex64, reflect.Complex128:
		x, y := a.Complex(), b.Complex()
		same := func(p, q float64) bool { return p == q || p != p && q != q }
		return same(real(x), real(y)) && same(imag(x), imag(y))
	case reflect.Slice:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return false
		}
		if a.Len() == 0 || visit() {
			return true
		}
		fallthrough
	case reflect.Array:
		for i := range a.Len() {
			if !sameValue(a.Index(i), b.Index(i), seen, depth+1) {
				return false
			}
		}
		return true
	case reflect.Map:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return false
		}
		if a.Len() == 0 || a.Pointer() == b.Pointer() || visit() {
			return true
		}
		return sameEntries(a, b, seen, depth)
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		if visit() {
			return true
		}
		return sameValue(a.Elem(), b.Elem(), seen, depth+1)
	case reflect.Interface:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return sameValue(a.Elem(), b.Elem(), seen, depth+1)
	case reflect.Struct:
		for i := range a.NumField() {
			if !sameValue(a.Field(i), b.Field(i), seen, depth+1) {
				return false
			}
		}
		return true
	case reflect.Func:
		return a.IsNil() && b.IsNil() // as DeepEqual: funcs are the same only when nil
	case reflect.Chan, reflect.UnsafePointer:
		return a.Pointer() == b.Pointer()
	case reflect.Bool:
		return a.Bool() == b.Bool()
	case reflect.String:
		return a.String() == b.String()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return a.Int() == b.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return a.Uint() == b.Uint()
	}
	return false
}

// maxLostKeys bounds the keys no lookup finds (a NaN, or a key holding
// one) that sameEntries pairs up one by one: maps with more are taken to
// differ, as values nested deeper than maxSameDepth are.
const maxLostKeys = 256

// sameEntries compares two maps of one type and length entry by entry. A
// key no lookup finds, not even in its own map (a NaN, an array holding
// one), is paired with such a key of the other map that is the same
// value and holds the same value: the same map, or an equal one, must not
// differ from itself because a NaN equals nothing.
func sameEntries(a, b reflect.Value, seen map[pairKey]bool, depth int) bool {
	var lostA [][2]reflect.Value // key, value
	for it := a.MapRange(); it.Next(); {
		if !a.MapIndex(it.Key()).IsValid() {
			lostA = append(lostA, [2]reflect.Value{it.Key(), it.Value()})
			continue
		}
		y := b.MapIndex(it.Key())
		if !y.IsValid() || !sameValue(it.Value(), y, seen, depth+1) {
			return false
		}
	}
	if len(lostA) == 0 {
		return true
	}
	if len(lostA) > maxLostKeys {
		return false
	}
	// MapIndex cannot read a lost key's value: MapRange gives both.
	var lostB [][2]reflect.Value
	for it := b.MapRange(); it.Next(); {
		if !b.MapIndex(it.Key()).IsValid() {
			lostB = append(lostB, [2]reflect.Value{it.Key(), it.Value()})
		}
	}
	if len(lostA) != len(lostB) {
		return false
	}
	used := make([]bool, len(lostB))
	for _, x := range lostA {
		found := false
		for j, y := range lostB {
			if !used[j] && sameValue(x[0], y[0], seen, depth+1) && sameValue(x[1], y[1], seen, depth+1) {
				used[j], found = true, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
