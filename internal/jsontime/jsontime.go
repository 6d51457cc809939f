// Package jsontime says whether encoding/json writes a time as the instant
// it is. RFC 3339, JSON's form of a time, has years 0 to 9999 and a zone
// offset in whole minutes under 24 hours. Go's encoder refuses a time
// outside those years or a day or more from UTC, but writes an offset with
// seconds (the local mean time of a city before standard time: Amsterdam's
// +00:19:32, which Go's zone data gives for any date before 1937) cut to
// the minute, without an error: another instant, read back.
package jsontime

import (
	"fmt"
	"reflect"
	"time"
)

// Check returns why JSON cannot write t as the instant it is, or nil.
func Check(t time.Time) error {
	if y := t.Year(); y < 0 || y > 9999 {
		return fmt.Errorf("a time in the year %d, outside the years 0 to 9999 JSON writes", y)
	}
	_, offset := t.Zone()
	switch {
	case offset <= -24*3600 || offset >= 24*3600:
		return fmt.Errorf("a time in a zone %d seconds from UTC, a day or more, which JSON cannot write", offset)
	case offset%60 != 0:
		return fmt.Errorf("a time in a zone %v from UTC, which JSON writes only to the minute (another instant)", time.Duration(offset)*time.Second)
	}
	return nil
}

// maxDepth bounds how deep Inexact looks, as encoding/json's own cycle
// check does (a value nested deeper is one that points back at itself,
// which JSON cannot write either): past it, it answers true, so that a
// caller writes the value the careful way.
const maxDepth = 10_000

// Inexact reports whether v holds, anywhere JSON reads it (itself, the
// exported fields of a struct and those an embedded struct lifts, the
// elements of a list, a map's keys and values, through pointers and
// interfaces), a time Check refuses, or one it cannot read (a time
// embedded unexported, whose methods JSON lifts); and true for a value
// nested past maxDepth. Shared parts are looked at once: the walk is
// linear in the value, as json.Marshal is.
func Inexact(v any) bool {
	w := walker{seen: map[seenKey]bool{}}
	return w.inexact(reflect.ValueOf(v), 0)
}

// seenKey is a part already looked at: its type and where it is (a
// pointer to an array's first element and one to the array share an
// address, not a type), and for a slice its length.
type seenKey struct {
	t    reflect.Type
	addr uintptr
	n    int
}

type walker struct {
	seen map[seenKey]bool
}

var timeType = reflect.TypeFor[time.Time]()

// first reports whether the reference v (a pointer, a map, a slice) is
// seen for the first time, and marks it seen.
func (w *walker) first(v reflect.Value) bool {
	k := seenKey{t: v.Type(), addr: v.Pointer()}
	if v.Kind() == reflect.Slice {
		k.n = v.Len()
	}
	if w.seen[k] {
		return false
	}
	w.seen[k] = true
	return true
}

func (w *walker) inexact(v reflect.Value, depth int) bool {
	if !v.IsValid() {
		return false
	}
	if depth > maxDepth {
		return true
	}
	if v.Type() == timeType {
		if !v.CanInterface() {
			return true // an unexported time JSON writes through a lifted method: not readable here
		}
		return Check(v.Interface().(time.Time)) != nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() || !w.first(v) {
			return false
		}
		return w.inexact(v.Elem(), depth+1)
	case reflect.Interface:
		return w.inexact(v.Elem(), depth+1)
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); (f.IsExported() || f.Anonymous) && w.inexact(v.Field(i), depth+1) {
				return true
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && (v.IsNil() || v.Type().Elem().Kind() == reflect.Uint8 || !w.first(v)) {
			return false // nil, bytes (written as base64), or looked at
		}
		for i := range v.Len() {
			if w.inexact(v.Index(i), depth+1) {
				return true
			}
		}
	case reflect.Map:
		if v.IsNil() || !w.first(v) {
			return false
		}
		for it := v.MapRange(); it.Next(); {
			if w.inexact(it.Key(), depth+1) || w.inexact(it.Value(), depth+1) {
				return true
			}
		}
	}
	return false
}
