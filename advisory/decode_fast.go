package advisory

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/engagekit/engagekit/internal/mem"
)

// A Decoder also knows, for every dotted path its type's tags and
// lower-cased names spell (up to a depth, never through a type twice), the
// offsets that lead to the field, so a record whose every value already
// has its field's type (a float for a float64, a time for a time.Time, an
// int for an int) is written with one map lookup and a store per field,
// without reflection. Any other record, one with a value to convert, to
// reject or to write whole into a struct or pointer, or one that names a
// field twice, is decoded the general way, so the result is the same.

// fastDepth bounds the paths a Decoder spells out.
const fastDepth = 4

// leafPath is how to reach one basic field from the root.
type leafPath struct {
	id int // the field reached; paths that alias one field share it
	// rank is the path's place in Decode's order of the fields it writes
	// (by decoding.destination): a write through a pointer the host
	// shares copies what the writes before it left, so the order is the
	// result's. Worked out once, by NewDecoder.
	rank  int
	steps []pathStep
	off   uintptr
	kind  reflect.Kind // Bool, Int, Float64, String, or Struct for time.Time
}

// pathStep is one struct field on the way: at off, and a pointer to elem
// (allocated when nil) when elem is set.
type pathStep struct {
	off  uintptr
	elem reflect.Type
}

// fastPaths spells out the paths of t.
func fastPaths(t reflect.Type, index *fieldIndex) map[string]*leafPath {
	paths := map[string]*leafPath{}
	ids := map[string]int{} // by the field's place (steps and offset)
	var walk func(t reflect.Type, prefix string, steps []pathStep, place string, seen map[reflect.Type]bool)
	walk = func(t reflect.Type, prefix string, steps []pathStep, place string, seen map[reflect.Type]bool) {
		if len(steps) >= fastDepth || seen[t] {
			return
		}
		seen[t] = true
		defer delete(seen, t)
		for name, index := range segmentNames(index, t) {
			if strings.Contains(name, ".") {
				// Decode splits a path at its dots: a segment never holds
				// one, and a field tagged "a.b" is reached by no path
				// (here, it would have shadowed a.b, whichever came last).
				continue
			}
			embedded, f, here, ok := promotion(t, index)
			if !ok {
				continue // decoded the general way, which says why not
			}
			path, here := prefix+name, place+here
			at := append(steps[:len(steps):len(steps)], embedded...)
			if kind, ok := leafKind(f.Type); ok {
				id, known := ids[here]
				if !known {
					id = len(ids)
					ids[here] = id
				}
				paths[path] = &leafPath{id: id, steps: at, off: f.Offset, kind: kind}
				continue
			}
			next := pathStep{off: f.Offset}
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				next.elem, ft = ft.Elem(), ft.Elem()
			}
			if ft.Kind() == reflect.Struct && ft != timeType {
				walk(ft, path+".", append(at[:len(at):len(at)], next), here, seen)
			}
		}
	}
	walk(t, "", nil, "", map[reflect.Type]bool{})
	d := &decoding{index: index}
	names := slices.Sorted(maps.Keys(paths))
	slices.SortStableFunc(names, func(a, b string) int { return strings.Compare(d.destination(t, a), d.destination(t, b)) })
	for r, path := range names {
		paths[path].rank = r
	}
	return paths
}

// segmentNames lists the names a path segment may use for each field of
// struct type t, each resolved as fieldIndex.field resolves it: the same
// field the general way reaches by that name.
func segmentNames(x *fieldIndex, t reflect.Type) map[string][]int {
	sf := x.types[t]
	out := make(map[string][]int, len(sf.exact)+len(sf.byTag)+len(sf.byName))
	for _, names := range []map[string][]int{sf.exact, sf.byTag, sf.byName} {
		for name := range names {
			if _, done := out[name]; !done {
				out[name], _ = x.field(t, name)
			}
		}
	}
	return out
}

// promotion is the way from struct type t to the field index names: the
// steps through the structs it is promoted from (none for a field of t's
// own), the field, and its place spelled by Go names ("/Base/Rate"). Not
// ok through a pointer to an unexported embedded struct, which Decode
// cannot set.
func promotion(t reflect.Type, index []int) (steps []pathStep, f reflect.StructField, place string, ok bool) {
	for k, i := range index {
		f = t.Field(i)
		place += "/" + f.Name
		if k == len(index)-1 {
			break
		}
		step := pathStep{off: f.Offset}
		t = f.Type
		if t.Kind() == reflect.Pointer {
			if !f.IsExported() {
				return nil, f, "", false
			}
			step.elem, t = t.Elem(), t.Elem()
		}
		steps = append(steps, step)
	}
	return steps, f, place, true
}

func leafKind(t reflect.Type) (reflect.Kind, bool) {
	switch t {
	case reflect.TypeFor[bool](), reflect.TypeFor[int](), reflect.TypeFor[float64](), reflect.TypeFor[string]():
		return t.Kind(), true
	case timeType:
		return reflect.Struct, true
	}
	return reflect.Invalid, false
}

// fits reports whether v can be stored in the field without conversion.
func (p *leafPath) fits(v any) bool {
	switch v.(type) {
	case bool:
		return p.kind == reflect.Bool
	case int:
		return p.kind == reflect.Int
	case float64:
		return p.kind == reflect.Float64
	case string:
		return p.kind == reflect.String
	case time.Time:
		return p.kind == reflect.Struct
	}
	return false
}

// store writes v, which fits, into the field under root. A pointer on
// the way is one this decode made (kept in *made), or a new one: nil, it
// is allocated; already set (a shared template, the last record's
// *Mortgage in a reused file), it is copied first, as Decode does, so no
// value the decode did not make is written through.
func (p *leafPath) store(root mem.Ptr, v any, made *[]mem.Ptr) {
	at := root
	for _, s := range p.steps {
		at = at.Add(s.off)
		if s.elem != nil {
			if old := mem.LoadPtr(at, 0); !slices.Contains(*made, at) {
				fresh := reflect.New(s.elem)
				if !old.IsNil() {
					fresh.Elem().Set(mem.Value(s.elem, old))
				}
				mem.StorePtr(at, 0, mem.FromValue(fresh))
				*made = append(*made, at)
			}
			at = mem.LoadPtr(at, 0)
		}
	}
	at = at.Add(p.off)
	switch v := v.(type) {
	case bool:
		mem.Store(at, 0, v)
	case int:
		mem.Store(at, 0, v)
	case float64:
		mem.Store(at, 0, v)
	case string:
		mem.Store(at, 0, v)
	case time.Time:
		mem.Store(at, 0, v)
	}
}

// decodeFast writes c into root when every field has a path, fits it, and
// no two fields reach the same one; it reports whether it did.
func decodeFast(c Consolidated, root mem.Ptr, paths map[string]*leafPath) bool {
	if paths == nil {
		return false
	}
	type pending struct {
		p *leafPath
		v any
	}
	var buf [32]pending
	todo := buf[:0]
	var seen [8]uint64
	for f, v := range c.Fields {
		p := paths[f]
		if p == nil || !p.fits(v) || p.id >= 64*len(seen) || seen[p.id/64]&(1<<(p.id%64)) != 0 {
			return false
		}
		seen[p.id/64] |= 1 << (p.id % 64)
		todo = append(todo, pending{p, v})
	}
	// In Decode's order, not the map's (see leafPath.dest).
	for i := 1; i < len(todo); i++ { // a few dozen at most: an insertion sort, no call per comparison
		for j := i; j > 0 && todo[j-1].p.rank > todo[j].p.rank; j-- {
			todo[j-1], todo[j] = todo[j], todo[j-1]
		}
	}
	var buf2 [8]mem.Ptr
	made := buf2[:0]
	for _, t := range todo {
		t.p.store(root, t.v, &made)
	}
	return true
}
