// Package valuetext writes a value of any type as unambiguous text, for
// ordering and comparing values a host hands the library (an alert's
// outputs and evidence, a record's field): every part with its type, so 1
// and 1.0 differ; strings quoted; map entries in the order of their text;
// a float's sign of zero kept; a time as its instant, offset and zone's
// name; a pointer as what it points to, never its address; every part by
// its content, never through a String or Error method of the host's (which
// may write two values alike). A value that
// points back into itself is written as a reference to where it began,
// and a value of more than a few thousand parts ends in a digest of the
// whole, which reads a part it reuses once: the text is bounded and
// deterministic for any value. Types are written by their printed names,
// so two distinct types of one printed name (local types of one name in
// one package) read alike.
package valuetext

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unsafe"
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
	return textOf(addressable(v))
}

// keyText is the text of a map's key, written apart (its own budget) on
// the path of the map it is in, so that a key reaching back into that
// map (a pointer to a struct holding it) is a reference, not a loop.
func keyText(key reflect.Value, onPath map[ref]int, depth int) string {
	w := writer{b: new(strings.Builder), onPath: onPath}
	w.write(key, depth)
	if w.cut {
		fmt.Fprintf(w.b, "…#%016x", digest(key))
	}
	return w.b.String()
}

// textOf is the text of v, and whether v points back into itself.
func textOf(v reflect.Value) (string, bool) {
	w := writer{b: new(strings.Builder), onPath: map[ref]int{}}
	w.write(v, 0)
	if w.cut {
		// Written past its budget (of parts, depth or a string's
		// length), the text ends in a digest of the whole value, which
		// tells values apart past where it stopped.
		fmt.Fprintf(w.b, "…#%016x", digest(v))
	}
	return w.b.String(), w.cyclic
}

// Addressable is v in addressable memory (a copy), so that a time.Time in
// an unexported field can be read as a time ([TimeOf]): its instant, not
// its fields (which hold a monotonic reading two equal times may not
// share, and a zone two equal instants may not).
func Addressable(v any) reflect.Value { return addressable(v) }

func addressable(v any) reflect.Value {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() {
		return rv
	}
	p := reflect.New(rv.Type()).Elem()
	p.Set(rv)
	return p
}

var timeType = reflect.TypeFor[time.Time]()

// TimeOf reads a time.Time value, exported or not, addressable or not: ok
// is false for another type.
func TimeOf(v reflect.Value) (time.Time, bool) { return timeOf(v) }

func timeOf(v reflect.Value) (time.Time, bool) {
	switch {
	case v.Type() != timeType:
		return time.Time{}, false
	case v.CanInterface():
		return v.Interface().(time.Time), true
	case v.CanAddr():
		return *(*time.Time)(unsafe.Pointer(v.UnsafeAddr())), true
	}
	// Neither (a map's value, an interface's content, reached through an
	// unexported field): its three words, read one by one, as time.Time
	// lays them out (wall, ext, loc; a test holds the layout).
	var t time.Time
	w := (*timeWords)(unsafe.Pointer(&t))
	w.wall, w.ext, w.loc = v.Field(0).Uint(), v.Field(1).Int(), (*time.Location)(v.Field(2).UnsafePointer())
	return t, true
}

// timeWords is time.Time's layout.
type timeWords struct {
	wall uint64
	ext  int64
	loc  *time.Location
}

// maxString is the most of a string Text writes; a longer one is cut,
// and the digest tells it apart.
const maxString = 1024

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
	cut    bool        // the text stopped short of the value
}

func (w *writer) write(v reflect.Value, depth int) {
	b := w.b
	if w.nodes++; w.nodes > maxNodes {
		w.cut = true
		return // past the budget: the digest tells the rest
	}
	if !v.IsValid() {
		b.WriteString("nil")
		return
	}
	if depth > maxDepth {
		w.cut = true
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
	case reflect.Interface:
		w.write(v.Elem(), depth+1) // the value writes its own type
	case reflect.Pointer:
		fmt.Fprintf(b, "%s&", v.Type()) // its type: *any and **int differ
		w.write(v.Elem(), depth+1)
	case reflect.Map:
		// Entries in the order of their keys' texts, each written apart
		// (its own budget), then of their values' digests where keys
		// read alike (NaNs, pointers to equal values): every map of the
		// same entries shares the order. Written in iteration order
		// until the budget ran out, a large map's text changed from call
		// to call; ordered under one shared budget, by which entry spent
		// it first.
		type entry struct {
			key, value reflect.Value
			kt         string
		}
		entries := make([]entry, 0, v.Len())
		for it := v.MapRange(); it.Next(); {
			entries = append(entries, entry{key: it.Key(), value: it.Value(), kt: keyText(it.Key(), w.onPath, depth+1)})
		}
		slices.SortFunc(entries, func(x, y entry) int {
			if c := cmp.Compare(x.kt, y.kt); c != 0 {
				return c
			}
			return cmp.Compare(digest(x.value), digest(y.value)) // keys alike: rare
		})
		fmt.Fprintf(b, "%s{", v.Type())
		for _, e := range entries {
			if w.nodes > maxNodes {
				w.cut = true
				break
			}
			w.write(e.key, depth+1)
			b.WriteString(":")
			w.write(e.value, depth+1)
			b.WriteString(",")
		}
		b.WriteString("}")
	case reflect.Slice, reflect.Array:
		fmt.Fprintf(b, "%s[", v.Type())
		for i := range v.Len() {
			if w.nodes > maxNodes {
				w.cut = true
				break // no comma an element past the budget
			}
			w.write(v.Index(i), depth+1)
			b.WriteString(",")
		}
		b.WriteString("]")
	case reflect.String:
		str := v.String()
		if len(str) > maxString {
			str, w.cut = str[:maxString], true
		}
		fmt.Fprintf(b, "%s(%s)", v.Type(), strconv.Quote(str))
	case reflect.Float32, reflect.Float64:
		fmt.Fprintf(b, "%s(%s)", v.Type(), strconv.FormatFloat(v.Float(), 'g', -1, 64))
	case reflect.Chan, reflect.Func, reflect.UnsafePointer:
		fmt.Fprintf(b, "%s(…)", v.Type()) // never an address
	case reflect.Struct:
		if t, ok := timeOf(v); ok {
			// An instant and its zone's name, not the zone's tables.
			fmt.Fprintf(b, "time(%s %s%s)", t.Format(time.RFC3339Nano), t.Location(), zoneText(t))
			return
		}
		fmt.Fprintf(b, "%s{", v.Type())
		for i := range v.NumField() {
			b.WriteString(v.Type().Field(i).Name + ":")
			w.write(v.Field(i), depth+1)
			b.WriteString(",")
		}
		b.WriteString("}")
	case reflect.Bool:
		fmt.Fprintf(b, "%s(%s)", v.Type(), strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		fmt.Fprintf(b, "%s(%s)", v.Type(), strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		fmt.Fprintf(b, "%s(%s)", v.Type(), strconv.FormatUint(v.Uint(), 10))
	case reflect.Complex64, reflect.Complex128:
		fmt.Fprintf(b, "%s(%s)", v.Type(), strconv.FormatComplex(v.Complex(), 'g', -1, 128))
	default:
		// Every kind is written above, by its content: fmt's %v would
		// call a host's String or Error method, which may write two
		// values alike (or run code of the host's on a sort's goroutine).
		fmt.Fprintf(b, "%s(…)", v.Type())
	}
}

// zoneText tells apart, for a time whose location is neither time.UTC nor
// time.Local, zones that share those names (time.FixedZone("UTC", 0) is
// not time.UTC: two values that differ so sorted in the order they came)
// and zones of one name with other rules: the zone in force at the instant
// and the bounds of its span (zero for a fixed zone). Empty for time.UTC
// and time.Local, which are one each.
func zoneText(t time.Time) string {
	if loc := t.Location(); loc == time.UTC || loc == time.Local {
		return ""
	}
	name, offset := t.Zone()
	start, end := t.ZoneBounds()
	return fmt.Sprintf(" zone %s%+d %d..%d", name, offset, start.Unix(), end.Unix())
}
