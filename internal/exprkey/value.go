package exprkey

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

// A constant is spelled from its value, field by field, never through
// the host's own formatting: a type's GoString or Format method may print
// two different values alike (a money type that rounds to pence, an id
// type that hides its number), and %#v calls them. Two constants share a
// key only when their types are the same type and their values are the
// same bits: a pointer, a func, a channel and a location by identity
// (two time zones loaded under one name may keep different rules, and
// yearsBetween(A, t) measures in A's), everything else by its contents.

// maxValueDepth, maxValueParts and maxValueBytes bound a constant's
// spelling: a value deeper or larger than that (a list that holds itself
// behind an any, a long text, a type whose name is a kilobyte repeated
// for each element) has no key, and is equal to no other. The key is
// made for each conjunct of each rule that reads the constant, so its
// cost is bounded too.
const (
	maxValueDepth = 64
	maxValueParts = 1 << 16
	maxValueBytes = 1 << 16
)

// valueSpeller writes values, counting what it has written.
type valueSpeller struct {
	b     *strings.Builder
	parts int
	// before is what the spellers of the enclosing value wrote
	// elsewhere (a map's entries are spelled apart, then sorted).
	before int
}

// over reports whether the spelling passed its bounds.
func (s *valueSpeller) over(depth int) bool {
	return depth > maxValueDepth || s.parts > maxValueParts || s.before+s.b.Len() > maxValueBytes
}

var timeType = reflect.TypeFor[time.Time]()

// write spells v, of static type t's value (an interface's dynamic
// value is spelled with its own type). It reports false for a value it
// will not spell.
func (s *valueSpeller) write(v reflect.Value, depth int) bool {
	s.parts++
	if s.over(depth) {
		return false
	}
	if !v.IsValid() {
		s.b.WriteString("<nil>")
		return true
	}
	writeType(s.b, v.Type())
	s.b.WriteByte(' ')
	if v.Type() == timeType && v.CanInterface() {
		// An instant and a location by identity (the wall clock and
		// the offset that make up the struct spell one instant several
		// ways), and the monotonic clock reading a time read from the
		// clock carries: ==, Before and After compare two times by
		// their readings when both have one. String spells it exactly,
		// to the nanosecond.
		t := v.Interface().(time.Time)
		fmt.Fprintf(s.b, "%d.%09d@%p", t.Unix(), t.Nanosecond(), t.Location())
		if t != t.Round(0) {
			_, m, _ := strings.Cut(t.String(), " m=")
			s.b.WriteString(" m=" + m)
		}
		return true
	}
	switch v.Kind() {
	case reflect.Bool:
		s.b.WriteString(strconv.FormatBool(v.Bool()))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		s.b.WriteString(strconv.FormatInt(v.Int(), 10))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		s.b.WriteString(strconv.FormatUint(v.Uint(), 10))
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if v.Kind() == reflect.Float32 && math.IsNaN(f) {
			return false // read as a float64, two float32 NaNs are one
		}
		s.b.WriteString(strconv.FormatUint(math.Float64bits(f), 16))
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		if v.Kind() == reflect.Complex64 && (math.IsNaN(real(c)) || math.IsNaN(imag(c))) {
			return false
		}
		fmt.Fprintf(s.b, "%x,%x", math.Float64bits(real(c)), math.Float64bits(imag(c)))
	case reflect.String:
		if v.Len() > maxValueBytes {
			return false // spelled, it would pass the bound anyway
		}
		s.b.WriteString(strconv.Quote(v.String()))
	case reflect.Func:
		if !v.IsNil() {
			// A func's pointer is its code's: the closures of one
			// literal, the method values of one method share it.
			return false
		}
		s.b.WriteString("nil")
	case reflect.Pointer, reflect.Chan, reflect.UnsafePointer:
		fmt.Fprintf(s.b, "%#x", v.Pointer())
	case reflect.Interface:
		if v.IsNil() {
			s.b.WriteString("<nil>")
			return true
		}
		return s.write(v.Elem(), depth+1)
	case reflect.Slice:
		if v.IsNil() {
			s.b.WriteString("nil")
			return true
		}
		return s.list(v, depth)
	case reflect.Array:
		return s.list(v, depth)
	case reflect.Struct:
		s.b.WriteByte('{')
		for i := range v.NumField() {
			if !s.write(v.Field(i), depth+1) {
				return false
			}
			s.b.WriteByte(';')
		}
		s.b.WriteByte('}')
	case reflect.Map:
		return s.mapEntries(v, depth)
	default:
		return false
	}
	return true
}

// list spells a slice's or an array's elements.
func (s *valueSpeller) list(v reflect.Value, depth int) bool {
	fmt.Fprintf(s.b, "[%d:", v.Len())
	for i := range v.Len() {
		if !s.write(v.Index(i), depth+1) {
			return false
		}
		s.b.WriteByte(',')
	}
	s.b.WriteByte(']')
	return true
}

// mapEntries spells a map's entries in the order of their spelled keys,
// so that one map has one spelling whatever its iteration order.
func (s *valueSpeller) mapEntries(v reflect.Value, depth int) bool {
	if v.IsNil() {
		s.b.WriteString("nil")
		return true
	}
	entries := make([]string, 0, v.Len())
	for it := v.MapRange(); it.Next(); {
		e := valueSpeller{b: &strings.Builder{}, parts: s.parts, before: s.before + s.b.Len()}
		if !e.write(it.Key(), depth+1) {
			return false
		}
		e.b.WriteString("=>")
		if !e.write(it.Value(), depth+1) {
			return false
		}
		s.parts = e.parts
		s.before += e.b.Len()
		entries = append(entries, e.b.String())
	}
	slices.Sort(entries)
	fmt.Fprintf(s.b, "{%d:%s}", len(entries), strings.Join(entries, ","))
	return true
}
