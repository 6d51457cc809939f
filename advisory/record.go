package advisory

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/engagekit/engagekit/internal/jsontime"
	"maps"
	"math"
	"reflect"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/engagekit/engagekit/internal/valuetext"
)

// Record is a client as one source system sees it: the source's name, when
// the data was true (as of), and its fields by dotted path
// ("client.birthDate", "mortgage.fixedTermEnd", "accounts.isa").
//
// A field's value is nil, a string, a bool, a number (any Go integer or
// float type, named ones too; numbers compare by value), a time.Time, or
// a value made of these: a struct, a pointer to one, a slice or array, or
// a map with string keys ("holdings": a []Holding or a []any of
// map[string]any, as JSON decodes it). Nil, "", NaN, the zero time and a
// nil slice, map or pointer are empty: the source does not know the
// field; an empty but non-nil slice or map says the client has none. An
// infinity, a NaN inside a value, a time outside the years 0 to 9999 or
// in a zone a day or more from UTC or whose offset has seconds (a city's
// local mean time before standard time, which JSON writes cut to the
// minute: another instant) (in a value or as the record's AsOf),
// a json.Number that is not a number, and text that is not UTF-8 (a
// field's name, a string, a map's key: JSON writes each such byte as
// U+FFFD, so two names became one) are refused: a consolidated record is
// written as JSON, which has none of them; so is a value of
// over a million parts (counting a part shared through interfaces once
// per path).
//
// Consolidation chooses each field's value whole, from one source, with
// that source's provenance: a slice of holdings is one field, never
// merged element by element. A source that knows parts of a value
// separately names them as fields of their own ("accounts.isa",
// "accounts.sipp"), and each then has its own provenance. The caller owns
// the map and the values in it; consolidation modifies neither.
type Record struct {
	Source string         `json:"source"`
	AsOf   time.Time      `json:"as_of"`
	Fields map[string]any `json:"fields"`
}

// empty reports whether a field value says nothing.
func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case time.Time:
		return x.IsZero()
	case float64:
		return math.IsNaN(x)
	case float32:
		return math.IsNaN(float64(x))
	case bool, int, int64:
		return false
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Slice, reflect.Map, reflect.Pointer:
		return rv.IsNil()
	case reflect.Float32, reflect.Float64:
		return math.IsNaN(rv.Float())
	case reflect.String:
		return rv.Len() == 0 // a host's named string (type Risk string) too
	}
	return false
}

// maxValueDepth bounds how deeply a record's value may nest; it also ends
// the check of a pointer cycle.
const maxValueDepth = 16

// errInfinite and errNaNInside are a record's numbers JSON cannot write.
var (
	errInfinite  = errors.New("an infinite number")
	errNaNInside = errors.New("a NaN inside a value (a NaN alone is no value)")
	// errNotUTF8 is text JSON cannot write as it is: each byte that is
	// not UTF-8 is written as U+FFFD, so two field names became one key
	// and "M\xfcller" read back as another name.
	errNotUTF8 = errors.New("text that is not UTF-8 (JSON writes each such byte as U+FFFD)")
)

// checkField checks a record's field: its name and its value.
func checkField(field string, v any) error {
	if !utf8.ValidString(field) {
		return fmt.Errorf("the field's name: %w", errNotUTF8)
	}
	return checkValue(v)
}

// jsonTime says whether JSON can write t (RFC 3339) as the instant it
// is: a year from 0 to 9999 and a zone offset of whole minutes within a
// day (see internal/jsontime). A CRM's typo (a fixed-term end in
// the year 20261) is refused where it enters, not when the result is
// written.
func jsonTime(t time.Time) error { return jsontime.Check(t) }

// jsonNumber says whether a json.Number holds a number JSON can write: it
// is written as it is, so text that is not one ("abc") made the whole
// result fail to encode. A JSON value that starts with a digit or a minus
// sign and has no space around it (json.Valid allows one after) is a
// number; an empty one is written as 0 (and is no value here, as an
// empty string is).
func jsonNumber(n json.Number) error {
	if s := string(n); s != "" && (!strings.ContainsRune("-0123456789", rune(s[0])) || strings.TrimSpace(s) != s || !json.Valid([]byte(s))) {
		return fmt.Errorf("a json.Number %q that is not a number", s)
	}
	return nil
}

// checkValue rejects values of kinds a record may not hold, and numbers
// its consolidation could not write as JSON.
func checkValue(v any) error {
	switch x := v.(type) {
	case nil, bool, int, int64:
		return nil
	case string:
		if !utf8.ValidString(x) {
			return errNotUTF8
		}
		return nil
	case time.Time:
		return jsonTime(x)
	case json.Number:
		return jsonNumber(x)
	case float64:
		if math.IsInf(x, 0) {
			return errInfinite
		}
		return nil // NaN alone is empty: no value
	}
	var c valueCheck
	_, err := c.height(reflect.ValueOf(v), 0)
	return err
}

// valueCheck checks one value, remembering the height of each map, slice
// and pointer it has checked: a part shared at every level was walked
// once per path (8 maps of 4 entries, each entry the next map, took 4^8
// visits), and is now walked once.
type valueCheck struct {
	heights map[valueID]int
	// parts counts the parts visited: a struct or an interface has no
	// identity to remember it by, so a struct shared at every level
	// (through interfaces) is walked once per path, and the count
	// bounds that walk (8 levels of 16 fields took 16^7 visits).
	parts int
}

// maxValueParts bounds the parts of one record value the check visits.
const maxValueParts = 1_000_000

// valueID is a part of a value by identity: its type and address (and
// length, for a slice).
type valueID struct {
	t    reflect.Type
	p    uintptr
	size int
}

// height checks rv at depth and returns how many levels it has below it.
func (c *valueCheck) height(rv reflect.Value, depth int) (int, error) {
	if depth > maxValueDepth {
		return 0, fmt.Errorf("value nested deeper than %d levels", maxValueDepth)
	}
	if c.parts++; c.parts > maxValueParts {
		return 0, fmt.Errorf("value of over %d parts", maxValueParts)
	}
	k := rv.Kind()
	switch {
	case k == reflect.Float32 || k == reflect.Float64:
		// JSON writes no infinity, nor a NaN inside a value (a NaN alone
		// is empty: no value at all).
		if f := rv.Float(); math.IsInf(f, 0) || math.IsNaN(f) && depth > 0 {
			if math.IsNaN(f) {
				return 0, errNaNInside
			}
			return 0, errInfinite
		}
		return 0, nil
	case rv.IsValid() && rv.Type() == reflect.TypeFor[json.Number]():
		return 0, jsonNumber(json.Number(rv.String()))
	case k == reflect.String:
		if !utf8.ValidString(rv.String()) {
			return 0, errNotUTF8
		}
		return 0, nil
	case k == reflect.Invalid, k == reflect.Bool, isNumber(k):
		return 0, nil
	case rv.Type() == timeType:
		t, _ := valuetext.TimeOf(rv) // unexported in a host's struct too
		return 0, jsonTime(t)
	case k == reflect.Struct:
		// A host's struct, decoded as it is or field by field: each of
		// its fields is a value a record may hold, unexported ones too
		// (a struct copied whole carries them).
		return c.below(rv, depth)
	case k == reflect.Interface:
		if rv.IsNil() {
			return 0, nil
		}
		h, err := c.height(rv.Elem(), depth+1)
		return h + 1, err
	case k == reflect.Pointer, k == reflect.Slice, k == reflect.Map && rv.Type().Key().Kind() == reflect.String:
		if rv.IsNil() {
			return 0, nil
		}
		id := valueID{t: rv.Type(), p: rv.Pointer()}
		if k == reflect.Slice {
			id.size = rv.Len()
		}
		if h, ok := c.heights[id]; ok {
			// Checked before: fine here too if it fits below this depth.
			if depth+h > maxValueDepth {
				return 0, fmt.Errorf("value nested deeper than %d levels", maxValueDepth)
			}
			return h, nil
		}
		h, err := c.below(rv, depth)
		if err != nil {
			return 0, err
		}
		if c.heights == nil {
			c.heights = map[valueID]int{}
		}
		c.heights[id] = h
		return h, nil
	case k == reflect.Array:
		return c.below(rv, depth)
	}
	return 0, fmt.Errorf("value of type %s; want a string, bool, number, time.Time, or a struct, slice or map of them", rv.Type())
}

// below checks the parts of a pointer, slice, array, struct or map at depth and
// returns its height. A part that reaches back to it is nested without
// end, and fails on depth.
func (c *valueCheck) below(rv reflect.Value, depth int) (int, error) {
	h := 0
	visit := func(part reflect.Value) error {
		ph, err := c.height(part, depth+1)
		h = max(h, ph+1)
		return err
	}
	switch rv.Kind() {
	case reflect.Pointer:
		return h, visit(rv.Elem())
	case reflect.Slice, reflect.Array:
		for i := range rv.Len() {
			if err := visit(rv.Index(i)); err != nil {
				return 0, err
			}
		}
	case reflect.Struct:
		for i := range rv.NumField() {
			if err := visit(rv.Field(i)); err != nil {
				return 0, fmt.Errorf("field %s: %w", rv.Type().Field(i).Name, err)
			}
		}
	case reflect.Map:
		for it := rv.MapRange(); it.Next(); {
			if !utf8.ValidString(it.Key().String()) {
				return 0, fmt.Errorf("a key: %w", errNotUTF8)
			}
			if err := visit(it.Value()); err != nil {
				return 0, err
			}
		}
	}
	return h, nil
}

// same reports whether two non-empty values agree: numbers by value (a
// json.Number too, see json_number.go), times by instant, slices, arrays and maps element by element, the rest by
// equality.
func same(a, b any) bool {
	switch x := a.(type) { // the common cases, without reflection
	case float64:
		if y, ok := b.(float64); ok {
			return x == y
		}
	case string:
		if y, ok := b.(string); ok {
			return x == y
		}
	case time.Time:
		if y, ok := b.(time.Time); ok {
			return x.Equal(y)
		}
	case int:
		if y, ok := b.(int); ok {
			return x == y
		}
	}
	// In addressable copies, so that a time in a field a host's struct
	// does not export is read as its instant (valuetext.TimeOf).
	return sameValues{}.of(valuetext.Addressable(a), valuetext.Addressable(b))
}

// sameValues compares two values part by part, as reflect.DeepEqual
// does, but numbers by value and times by instant; it remembers the pairs
// of references (pointers, maps, slices) it is comparing, so that a value
// that points back into itself ends there, and a value of any depth is
// compared whole (a cap on depth called two identical linked lists of 20
// nodes different: a false conflict).
type sameValues map[samePair]bool

// samePair is two references being compared: their types, addresses and
// (for slices) lengths, as a slice and a shorter one of it differ.
type samePair struct {
	ta, tb reflect.Type
	a, b   uintptr
	na, nb int
}

func (seen sameValues) of(a, b reflect.Value) bool {
	for a.IsValid() && a.Kind() == reflect.Interface {
		a = a.Elem()
	}
	for b.IsValid() && b.Kind() == reflect.Interface {
		b = b.Elem()
	}
	if !a.IsValid() || !b.IsValid() {
		return a.IsValid() == b.IsValid()
	}
	switch a.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice:
		if b.Kind() == a.Kind() && !a.IsNil() && !b.IsNil() {
			pair := samePair{ta: a.Type(), tb: b.Type(), a: a.Pointer(), b: b.Pointer()}
			if a.Kind() == reflect.Slice {
				pair.na, pair.nb = a.Len(), b.Len()
			}
			if seen[pair] {
				// Being compared further up (a cycle agrees with itself),
				// or compared already and found alike (a part shared
				// forty levels deep is compared once, not 2^40 times): a
				// pair found different ends the whole comparison.
				return true
			}
			seen[pair] = true
		}
	}
	return seen.parts(a, b)
}

func (seen sameValues) parts(a, b reflect.Value) bool {
	// A value and a pointer to one agree as the values do: a record may
	// hold either, and Decode writes both alike.
	switch {
	case a.Kind() == reflect.Pointer && b.Kind() != reflect.Pointer && !a.IsNil():
		return seen.of(a.Elem(), b)
	case b.Kind() == reflect.Pointer && a.Kind() != reflect.Pointer && !b.IsNil():
		return seen.of(a, b.Elem())
	}
	if same, ok := sameJSONNumber(a, b); ok {
		return same
	}
	switch {
	case isNumber(a.Kind()):
		return isNumber(b.Kind()) && sameNumber(a, b)
	case a.Kind() == reflect.String && b.Kind() == reflect.String:
		// A named string (type Tier string) and a plain one decode to the
		// same field: they agree as texts, as numbers agree as values.
		return a.String() == b.String()
	case a.Kind() == reflect.Bool && b.Kind() == reflect.Bool:
		return a.Bool() == b.Bool()
	case a.Type() == timeType && b.Type() == timeType:
		ta, okA := valuetext.TimeOf(a)
		tb, okB := valuetext.TimeOf(b)
		if okA && okB {
			return ta.Equal(tb)
		}
		return seen.fields(a, b) // not reached: the values are in addressable copies
	case (a.Kind() == reflect.Slice || a.Kind() == reflect.Array) && (b.Kind() == reflect.Slice || b.Kind() == reflect.Array):
		if a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !seen.of(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case a.Kind() == reflect.Map && b.Kind() == reflect.Map:
		stringKeys := a.Type().Key().Kind() == reflect.String && b.Type().Key().Kind() == reflect.String
		if a.Len() != b.Len() || !stringKeys && a.Type() != b.Type() {
			return false
		}
		var nanValues []reflect.Value // the values of b's NaN keys, which no lookup finds
		scanned := false
		for it := a.MapRange(); it.Next(); {
			k := it.Key()
			if stringKeys {
				k = reflect.ValueOf(k.String()).Convert(b.Type().Key())
			}
			w := b.MapIndex(k)
			if !w.IsValid() && isNaNKey(k) {
				if !scanned {
					for bi := b.MapRange(); bi.Next(); {
						if isNaNKey(bi.Key()) {
							nanValues = append(nanValues, bi.Value())
						}
					}
					scanned = true
				}
				// A NaN key pairs with one of b's NaN keys holding the
				// same value, each once.
				found := false
				for i, bv := range nanValues {
					// A candidate is tried on a copy of what is known: a
					// pair found different must not stay marked alike.
					trial := maps.Clone(seen)
					if trial.of(it.Value(), bv) {
						maps.Copy(seen, trial)
						nanValues = append(nanValues[:i], nanValues[i+1:]...)
						found = true
						break
					}
				}
				if !found {
					return false
				}
				continue
			}
			if !w.IsValid() || !seen.of(it.Value(), w) {
				return false
			}
		}
		return true
	case a.Kind() == reflect.Pointer && b.Kind() == reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return seen.of(a.Elem(), b.Elem())
	case a.Kind() == reflect.Struct && a.Type() == b.Type():
		return seen.fields(a, b)
	case a.Kind() == b.Kind() && (a.Kind() == reflect.String || a.Kind() == reflect.Bool):
		return a.Type() == b.Type() && a.Equal(b)
	case a.Kind() == reflect.Func && a.Type() == b.Type():
		// As reflect.DeepEqual has it: only nil funcs agree (a func's
		// code pointer does not tell two closures apart).
		return a.IsNil() && b.IsNil()
	case (a.Kind() == reflect.Complex64 || a.Kind() == reflect.Complex128) && a.Kind() == b.Kind() && a.Type() == b.Type():
		x, y := a.Complex(), b.Complex()
		same := func(p, q float64) bool { return p == q || math.IsNaN(p) && math.IsNaN(q) }
		return same(real(x), real(y)) && same(imag(x), imag(y))
	}
	return a.Type() == b.Type() && a.Comparable() && a.Equal(b)
}

// fields compares two structs of one type field by field.
func (seen sameValues) fields(a, b reflect.Value) bool {
	for i := range a.NumField() {
		if !seen.of(a.Field(i), b.Field(i)) {
			return false
		}
	}
	return true
}

// sameNumber compares two numbers by value, integers exactly.
func sameNumber(a, b reflect.Value) bool {
	switch {
	case a.CanInt() && b.CanInt():
		return a.Int() == b.Int()
	case a.CanUint() && b.CanUint():
		return a.Uint() == b.Uint()
	case a.CanInt() && b.CanUint():
		return a.Int() >= 0 && uint64(a.Int()) == b.Uint()
	case a.CanUint() && b.CanInt():
		return b.Int() >= 0 && a.Uint() == uint64(b.Int())
	case a.CanFloat() && b.CanFloat():
		// Two NaNs in one place of a list agree: the sources say the
		// same, whatever NaN compares as.
		return a.Float() == b.Float() || math.IsNaN(a.Float()) && math.IsNaN(b.Float())
	case a.CanFloat():
		return intEqualsFloat(b, a.Float())
	case b.CanFloat():
		return intEqualsFloat(a, b.Float())
	}
	return floatOf(a) == floatOf(b)
}

// intEqualsFloat compares an integer with a float exactly: as float64s,
// 2^53+1 would equal 2^53.
func intEqualsFloat(i reflect.Value, f float64) bool {
	if f != math.Trunc(f) || math.IsInf(f, 0) {
		return false
	}
	if i.CanUint() {
		return f >= 0 && f < 1<<64 && uint64(f) == i.Uint()
	}
	return f >= -(1<<63) && f < 1<<63 && int64(f) == i.Int()
}

// floatOf is a number's value as a float64; it reads fields a struct does
// not export too.
func floatOf(v reflect.Value) float64 {
	switch {
	case v.CanInt():
		return float64(v.Int())
	case v.CanUint():
		return float64(v.Uint())
	}
	return v.Float()
}

// isNaNKey reports whether a map key is a NaN float (or has a NaN part).
func isNaNKey(k reflect.Value) bool {
	switch k.Kind() {
	case reflect.Float32, reflect.Float64:
		return math.IsNaN(k.Float())
	case reflect.Complex64, reflect.Complex128:
		c := k.Complex()
		return math.IsNaN(real(c)) || math.IsNaN(imag(c))
	}
	return false
}
