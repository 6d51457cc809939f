package advisory

import (
	"fmt"
	"math"
	"reflect"
	"time"
)

// Record is a client as one source system sees it: the source's name, when
// the data was true (as of), and its fields by dotted path
// ("client.birthDate", "mortgage.fixedTermEnd").
//
// A field's value is nil, a string, a bool, a number (any Go integer or
// float type; numbers compare by value) or a time.Time. Nil, "", NaN and the
// zero time are empty: the source does not know the field. The caller owns
// the map; consolidation does not modify it.
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
	}
	return false
}

// checkValue rejects values of kinds a record may not hold.
func checkValue(v any) error {
	switch v.(type) {
	case nil, string, bool, time.Time, float64, int, int64:
		return nil
	}
	if k := reflect.ValueOf(v).Kind(); (k >= reflect.Int && k <= reflect.Uint64) || k == reflect.Float32 || k == reflect.Float64 {
		return nil
	}
	return fmt.Errorf("value of type %T; want a string, bool, number or time.Time", v)
}

// same reports whether two non-empty values agree: numbers by value, times
// by instant, the rest by equality.
func same(a, b any) bool {
	if fa, ok := asFloat(a); ok {
		fb, ok := asFloat(b)
		return ok && fa == fb
	}
	if ta, ok := a.(time.Time); ok {
		tb, ok := b.(time.Time)
		return ok && ta.Equal(tb)
	}
	return a == b
}

func asFloat(v any) (float64, bool) {
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return float64(rv.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return float64(rv.Uint()), true
	case reflect.Float32, reflect.Float64:
		return rv.Float(), true
	}
	return 0, false
}
