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

// maxVisit bounds the values Inexact looks at: past it, it answers true,
// so that a caller writes the value the careful way.
const maxVisit = 100_000

// Inexact reports whether v holds, anywhere JSON reads it (itself, the
// exported fields of a struct, the elements of a list, a map's keys and
// values, through pointers and interfaces), a time Check refuses; and
// true for a value too large or deep to look through.
func Inexact(v any) bool {
	w := walker{seen: map[uintptr]bool{}}
	return w.inexact(reflect.ValueOf(v), 0)
}

type walker struct {
	seen    map[uintptr]bool // pointers followed: a value that points back at itself is looked at once
	visited int
}

var timeType = reflect.TypeFor[time.Time]()

func (w *walker) inexact(v reflect.Value, depth int) bool {
	if !v.IsValid() {
		return false
	}
	if w.visited++; w.visited > maxVisit || depth > 64 {
		return true
	}
	if v.Type() == timeType {
		if !v.CanInterface() {
			return false // unexported: JSON does not write it
		}
		return Check(v.Interface().(time.Time)) != nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return false
		}
		if p := v.Pointer(); w.seen[p] {
			return false
		} else {
			w.seen[p] = true
		}
		return w.inexact(v.Elem(), depth+1)
	case reflect.Interface:
		return w.inexact(v.Elem(), depth+1)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() && w.inexact(v.Field(i), depth+1) {
				return true
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return false // bytes: written as base64
		}
		for i := range v.Len() {
			if w.inexact(v.Index(i), depth+1) {
				return true
			}
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			if w.inexact(it.Key(), depth+1) || w.inexact(it.Value(), depth+1) {
				return true
			}
		}
	}
	return false
}
