package dsl

import "reflect"

// readDeep is x with every number, named string and named bool in it read
// as the front end reads one whose type it knows (dynamicNumber: a
// float32 as the decimal it holds, a host's named int as an int, a
// pointer to a number as the number), at every depth of its lists and
// maps: the operands of ==, != and in, which expr compares element by
// element by Go type (a []float32 holding 0.9 was unequal to [0.9], and a
// host's named int in a list to the int it is everywhere else), and the
// outputs hit any compares.
//
// Only what changes is copied: a list as a []any, a map as a map of any
// with the same keys, each copy charged to g (nil: not charged); x itself
// when nothing changes. Structs are left as they are (their fields are
// read when a rule reads them). Below maxNaNDepth levels nothing is read:
// the operands of == are walked for NaNs first, which fails there.
func readDeep(x any, g *governor) (any, error) {
	r := deepReader{g: g}
	v, changed, err := r.value(reflect.ValueOf(x), 0)
	if err != nil || !changed {
		return x, err
	}
	return v.Interface(), nil
}

// deepReader reads a value for readDeep; each list and map is read once,
// however often it is shared (a list holding another twice, at each of
// fifty levels, is fifty lists, not 2^50).
type deepReader struct {
	g    *governor
	read map[pairKey]readResult
}

type readResult struct {
	v       reflect.Value
	changed bool
}

// value is readDeep for a reflected value: the value read and whether it
// differs from v.
func (r *deepReader) value(v reflect.Value, depth int) (reflect.Value, bool, error) {
	if k := v.Kind(); k == reflect.Slice || k == reflect.Array || k == reflect.Map {
		if !mayReadOtherwise(v.Type().Elem(), 0) {
			return v, false, nil
		}
		if v.Type() == anyListType && v.CanInterface() && plainList(v.Interface().([]any)) {
			return v, false, nil // the common list of a rule's data, read as it is
		}
	}
	// A list or map within another whose elements may be lists is read
	// once (a list of numbers is read from each list that holds it, once
	// each); the value itself is read once anyway.
	if depth > 0 && (v.Kind() == reflect.Slice || v.Kind() == reflect.Map) && v.Len() > 0 && mayHoldList(v.Type().Elem()) {
		key := pairKey{a: v.Pointer(), n: v.Len(), t: v.Type()}
		if got, ok := r.read[key]; ok {
			return got.v, got.changed, nil
		}
		read, changed, err := r.uncached(v, depth)
		if err == nil {
			if r.read == nil {
				r.read = map[pairKey]readResult{}
			}
			r.read[key] = readResult{read, changed}
		}
		return read, changed, err
	}
	return r.uncached(v, depth)
}

// uncached is value for a value not read before.
func (r *deepReader) uncached(v reflect.Value, depth int) (reflect.Value, bool, error) {
	if !v.IsValid() || depth > maxNaNDepth {
		return v, false, nil
	}
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return v, false, nil
		}
		return r.value(v.Elem(), depth+1)
	case reflect.Slice, reflect.Array:
		var out []any // made at the first element that reads otherwise
		for i := range v.Len() {
			e, changed, err := r.value(v.Index(i), depth+1)
			if err != nil {
				return v, false, err
			}
			if changed && out == nil {
				if err := chargeCopy(r.g, v.Len()); err != nil {
					return v, false, err
				}
				out = make([]any, v.Len())
				for j := range i {
					out[j] = v.Index(j).Interface()
				}
			}
			if out != nil {
				out[i] = anyOf(e)
			}
		}
		if out == nil {
			return v, false, nil
		}
		return reflect.ValueOf(out), true, nil
	case reflect.Map:
		// Looked at first, then, if a value reads otherwise, read again
		// into the copy, each key set once (a NaN key, which no lookup
		// finds, must not be added twice).
		changed := false
		for it := v.MapRange(); it.Next() && !changed; {
			_, c, err := r.value(it.Value(), depth+1)
			if err != nil {
				return v, false, err
			}
			changed = c
		}
		if !changed {
			return v, false, nil
		}
		if err := chargeCopy(r.g, v.Len()); err != nil {
			return v, false, err
		}
		out := reflect.MakeMapWithSize(reflect.MapOf(v.Type().Key(), anyType), v.Len())
		for it := v.MapRange(); it.Next(); {
			e, _, err := r.value(it.Value(), depth+1)
			if err != nil {
				return v, false, err
			}
			val := reflect.Zero(anyType)
			if x := anyOf(e); x != nil {
				val = reflect.ValueOf(x)
			}
			out.SetMapIndex(it.Key(), val)
		}
		return out, true, nil
	}
	if !v.CanInterface() {
		return v, false, nil
	}
	x := v.Interface()
	if !readAsNumber(x) {
		return v, false, nil
	}
	n, err := dynamicNumber(x)
	if err != nil {
		return v, false, err
	}
	return reflect.ValueOf(n), true, nil
}

var anyListType = reflect.TypeFor[[]any]()

// plainList reports whether xs holds only what readDeep leaves as it is
// (ints, float64s, strings, bools, nils): a list of them is not walked by
// reflection.
// plainAnyList reports whether x is a []any of plain values (plainList).
func plainAnyList(x any) bool {
	xs, ok := x.([]any)
	return ok && plainList(xs)
}

func plainList(xs []any) bool {
	for _, x := range xs {
		switch x.(type) {
		case nil, int, float64, string, bool:
		default:
			return false
		}
	}
	return true
}

// anyOf is v's value as an any; nil for the zero Value (a nil pointer
// read as nothing).
func anyOf(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	return v.Interface()
}

// chargeCopy charges the copy of a list or map of n elements to g.
func chargeCopy(g *governor, n int) error {
	if g == nil {
		return nil
	}
	return g.charge(int64(n))
}

// mayReadOtherwise reports whether a value of type t may hold something
// readDeep reads otherwise: an any, a float32, a host's named number,
// string or bool, a pointer to one, or a list or map of them.
func mayReadOtherwise(t reflect.Type, depth int) bool {
	if depth > 8 {
		return true // a type nested this deep through lists: look at the values
	}
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Slice, reflect.Array, reflect.Map:
		return mayReadOtherwise(t.Elem(), depth+1)
	case reflect.Pointer:
		return valuePointer(t)
	case reflect.Struct:
		return false
	}
	return readAsNumber(reflect.Zero(t).Interface())
}
