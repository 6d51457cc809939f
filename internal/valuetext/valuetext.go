// Package valuetext writes a value of any type as unambiguous text, for
// ordering and comparing values a host hands the library (an alert's
// outputs and evidence, a record's field): every part with its type, so 1
// and 1.0 differ; strings quoted; map entries in the order of their text;
// a float's sign of zero kept; a time as its instant, offset and zone's
// name; a pointer as what it points to, never its address. A value that
// points back into itself is written as a reference to where it began,
// and a value of more than a few thousand parts ends in a digest of the
// whole, which reads a part it reuses once: the text is bounded and
// deterministic for any value.
package valuetext

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Text is a value as text with the type of every part, for ordering
// values of any type: an output of 1 and one of 1.0 differ, inside a map
// or a list too. The text is unambiguous — strings are quoted, map
// entries are in the order of their keys' text and then their values',
// a float keeps its sign of zero — so two values with one text print
// alike everywhere; a value that points back into itself is written as a
// reference to where it began rather than followed.
func Text(v any) string {
	text, _ := TextCyclic(v)
	return text
}

// TextCyclic is Text, and whether v points back into itself.
func TextCyclic(v any) (string, bool) {
	w := writer{b: new(strings.Builder), onPath: map[ref]int{}}
	w.write(reflect.ValueOf(v), 0)
	if w.nodes > maxNodes {
		// Written past its budget, the text ends in a digest of the
		// whole value, which tells values apart past where it stopped.
		fmt.Fprintf(w.b, "…#%016x", digest(reflect.ValueOf(v)))
	}
	return w.b.String(), w.cyclic
}

// maxNodes bounds the parts Text writes of one value: a value
// may reuse its parts (a list holding one list twice, twenty levels
// deep), and written out part by part it grew as 2^depth, on every
// comparison of a plan.
const maxNodes = 4096

// maxDepth bounds how deep Text looks into a value that does
// not point back at itself but nests without end (a host's generated
// structure); within it, every level counts.
const maxDepth = 1000

// ref identifies a map, slice or pointer on the current path.
type ref struct {
	typ reflect.Type
	ptr uintptr
	n   int
}

type writer struct {
	b      *strings.Builder
	onPath map[ref]int // depth at which each is being written
	cyclic bool        // set when a value points back into itself
	nodes  int         // parts written, up to maxNodes+1
}

func (w *writer) write(v reflect.Value, depth int) {
	b := w.b
	if w.nodes++; w.nodes > maxNodes {
		return // past the budget: the digest tells the rest
	}
	if !v.IsValid() {
		b.WriteString("nil")
		return
	}
	if depth > maxDepth {
		fmt.Fprintf(b, "%s(…)", v.Type())
		return
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer, reflect.Map, reflect.Slice:
		if v.IsNil() {
			fmt.Fprintf(b, "%s(nil)", v.Type())
			return
		}
		if v.Kind() != reflect.Interface {
			ref := ref{v.Type(), v.Pointer(), 0}
			if v.Kind() == reflect.Slice {
				ref.n = v.Len()
			}
			if at, ok := w.onPath[ref]; ok {
				w.cyclic = true
				fmt.Fprintf(b, "%s(↺%d)", v.Type(), depth-at) // back to the value that many levels up
				return
			}
			w.onPath[ref] = depth
			defer delete(w.onPath, ref)
		}
	}
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		b.WriteString("&")
		w.write(v.Elem(), depth+1)
	case reflect.Map:
		type entry struct{ key, value string }
		entries := make([]entry, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			entries = append(entries, entry{w.sub(it.Key(), depth+1), w.sub(it.Value(), depth+1)})
		}
		slices.SortFunc(entries, func(x, y entry) int { return cmp.Or(cmp.Compare(x.key, y.key), cmp.Compare(x.value, y.value)) })
		fmt.Fprintf(b, "%s{", v.Type())
		for _, e := range entries {
			b.WriteString(e.key + ":" + e.value + ",")
		}
		b.WriteString("}")
	case reflect.Slice, reflect.Array:
		fmt.Fprintf(b, "%s[", v.Type())
		for i := range v.Len() {
			w.write(v.Index(i), depth+1)
			b.WriteString(",")
		}
		b.WriteString("]")
	case reflect.String:
		fmt.Fprintf(b, "%s(%s)", v.Type(), strconv.Quote(v.String()))
	case reflect.Float32, reflect.Float64:
		fmt.Fprintf(b, "%s(%s)", v.Type(), strconv.FormatFloat(v.Float(), 'g', -1, 64))
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() && v.CanInterface() {
			// An instant and its zone's name, not the zone's tables.
			t := v.Interface().(time.Time)
			fmt.Fprintf(b, "time(%s %s)", t.Format(time.RFC3339Nano), t.Location())
			return
		}
		fmt.Fprintf(b, "%s{", v.Type())
		for i := range v.NumField() {
			b.WriteString(v.Type().Field(i).Name + ":")
			w.write(v.Field(i), depth+1)
			b.WriteString(",")
		}
		b.WriteString("}")
	default:
		fmt.Fprintf(b, "%s(%v)", v.Type(), v)
	}
}

// sub is the text of v written apart (a map's key or value), on the same
// path.
func (w *writer) sub(v reflect.Value, depth int) string {
	outer := w.b
	w.b = new(strings.Builder)
	w.write(v, depth)
	text := w.b.String()
	w.b = outer
	return text
}
