package advisory

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/engagekit/engagekit/internal/numfit"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"
)

// convert writes src into dst, converting as [Decode] documents, and names
// path in the *DecodeError of anything that does not fit. dst is settable.
func convert(dst, src reflect.Value, path string, index *fieldIndex) error {
	return convertAt(dst, src, path, index, 0)
}

// maxDecodeDepth bounds how deeply a value is followed into the
// destination: a map that holds itself, decoded into a linked type,
// recursed until the stack overflowed (a fatal error, no recover).
const maxDecodeDepth = 1000

// convertAt is convert depth levels into a value.
func convertAt(dst, src reflect.Value, path string, index *fieldIndex, depth int) error {
	if depth > maxDecodeDepth {
		return &DecodeError{Field: path, Msg: fmt.Sprintf("value nested deeper than %d levels (does it hold itself?)", maxDecodeDepth)}
	}
	for src.IsValid() && src.Kind() == reflect.Interface {
		src = src.Elem()
	}
	switch {
	case !src.IsValid():
		dst.SetZero()
		return nil
	case src.Type().AssignableTo(dst.Type()):
		dst.Set(src)
		return nil
	case dst.Kind() == reflect.Pointer:
		if src.Kind() == reflect.Pointer {
			if src.IsNil() {
				dst.SetZero()
				return nil
			}
			src = src.Elem()
		}
		p := reflect.New(dst.Type().Elem())
		if err := convertAt(p.Elem(), src, path, index, depth+1); err != nil {
			return err
		}
		dst.Set(p)
		return nil
	case src.Kind() == reflect.Pointer:
		// A pointer where the field holds the value: a record may hold
		// either (same reads them alike, so two sources agree on them),
		// and the one chosen must decode whichever it is.
		if src.IsNil() {
			dst.SetZero()
			return nil
		}
		return convertAt(dst, src.Elem(), path, index, depth+1)
	case src.Type() == jsonNumberType && isNumber(dst.Kind()):
		// A feed read with UseNumber: the number it writes, as exactly.
		n, err := jsonNumberValue(json.Number(src.String()))
		if err != nil {
			return &DecodeError{Field: path, Msg: err.Error()}
		}
		if (dst.CanInt() || dst.CanUint()) && !wholeDecimal(src.String()) {
			return &DecodeError{Field: path, Msg: fmt.Sprintf("%s is not a whole number", src.String())}
		}
		return convertNumber(dst, reflect.ValueOf(n), path)
	case isNumber(src.Kind()) && isNumber(dst.Kind()):
		return convertNumber(dst, src, path)
	case dst.Type() == timeType && src.Kind() == reflect.String:
		return parseTime(dst, src.String(), path)
	case (src.Kind() == reflect.String || src.Kind() == reflect.Bool) && src.Kind() == dst.Kind():
		dst.Set(src.Convert(dst.Type())) // named string and bool types
		return nil
	case (dst.Kind() == reflect.Slice || dst.Kind() == reflect.Array) && (src.Kind() == reflect.Slice || src.Kind() == reflect.Array):
		return convertList(dst, src, path, index, depth)
	case dst.Kind() == reflect.Map && src.Kind() == reflect.Map && dst.Type().Key().Kind() == reflect.String && src.Type().Key().Kind() == reflect.String:
		return convertMap(dst, src, path, index, depth)
	case dst.Kind() == reflect.Struct && dst.Type() != timeType && src.Kind() == reflect.Map && src.Type().Key().Kind() == reflect.String:
		return convertStruct(dst, src, path, index, depth)
	}
	return &DecodeError{Field: path, Msg: fmt.Sprintf("cannot put %s into %s", src.Type(), dst.Type())}
}

func isNumber(k reflect.Kind) bool {
	return k >= reflect.Int && k <= reflect.Uint64 || k == reflect.Float32 || k == reflect.Float64
}

// rfc3339 is RFC 3339's date-time, with at most nine fractional digits
// (what a time.Time holds exactly) and an offset of at most 23:59:
// time.Parse also takes "+24:00", "+23:60" (as +24:00), a comma for the
// decimal point and a tenth digit, which it drops.
var rfc3339 = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$`)

func parseTime(dst reflect.Value, s, path string) error {
	t, err := time.Parse(time.RFC3339, s)
	if err == nil && !rfc3339.MatchString(s) {
		err = fmt.Errorf("not RFC 3339")
	}
	if err != nil {
		t, err = time.Parse(time.DateOnly, s)
	}
	if err != nil {
		return &DecodeError{Field: path, Msg: fmt.Sprintf("%q is not an RFC 3339 time (to the nanosecond) or a date", s)}
	}
	dst.Set(reflect.ValueOf(t))
	return nil
}

// convertNumber converts between numeric kinds, exactly or not at all:
// integers never pass through a float64 (which would round those past
// 2^53), a value out of the destination's range is an overflow, a
// fraction into an integer, an integer a float cannot hold exactly, and a
// float that becomes infinite or zero in a float32, are errors. A float
// rounded to float32's precision (0.1) is not: that is what a float32
// field is for.
func convertNumber(dst, src reflect.Value, path string) error {
	// The one rule of what fits (internal/numfit), which dsl's host
	// functions share.
	if m := numfit.Check(src, dst.Type()); m != numfit.Fits {
		return &DecodeError{Field: path, Msg: fmt.Sprintf("%v %s in %s", src, m, dst.Type())}
	}
	switch {
	case src.CanInt() && dst.CanInt():
		dst.SetInt(src.Int())
	case src.CanInt() && dst.CanUint():
		dst.SetUint(uint64(src.Int()))
	case src.CanUint() && dst.CanInt():
		dst.SetInt(int64(src.Uint()))
	case src.CanUint() && dst.CanUint():
		dst.SetUint(src.Uint())
	case src.CanInt():
		dst.SetFloat(float64(src.Int()))
	case src.CanUint():
		dst.SetFloat(float64(src.Uint()))
	case dst.CanFloat():
		dst.SetFloat(src.Float())
	case dst.CanInt():
		dst.SetInt(int64(src.Float()))
	default:
		dst.SetUint(uint64(src.Float()))
	}
	return nil
}

// convertList converts a slice or array element by element, naming an
// element's errors "path[i]".
func convertList(dst, src reflect.Value, path string, index *fieldIndex, depth int) error {
	n := src.Len()
	if dst.Kind() == reflect.Array {
		if n > dst.Len() {
			return &DecodeError{Field: path, Msg: fmt.Sprintf("%d elements do not fit %s", n, dst.Type())}
		}
		dst.SetZero()
	} else {
		if src.Kind() == reflect.Slice && src.IsNil() {
			dst.SetZero()
			return nil
		}
		dst.Set(reflect.MakeSlice(dst.Type(), n, n))
	}
	var errs []error
	for i := range n {
		if err := convertAt(dst.Index(i), src.Index(i), fmt.Sprintf("%s[%d]", path, i), index, depth+1); err != nil {
			errs = append(errs, err)
		}
	}
	return joinDecode(errs)
}

// convertMap converts a map with string keys value by value, in key order,
// naming a value's errors "path.key".
func convertMap(dst, src reflect.Value, path string, index *fieldIndex, depth int) error {
	if src.IsNil() {
		dst.SetZero()
		return nil
	}
	m := reflect.MakeMapWithSize(dst.Type(), src.Len())
	var errs []error
	for _, k := range sortedKeys(src) {
		v := reflect.New(dst.Type().Elem()).Elem()
		if err := convertAt(v, src.MapIndex(k), path+"."+k.String(), index, depth+1); err != nil {
			errs = append(errs, err)
			continue
		}
		m.SetMapIndex(k.Convert(dst.Type().Key()), v)
	}
	dst.Set(m)
	return joinDecode(errs)
}

// convertStruct fills a struct from a map by field name, as a record's
// paths name fields, in key order.
func convertStruct(dst, src reflect.Value, path string, index *fieldIndex, depth int) error {
	var errs []error
	named := map[string]string{} // a field's index path → the key that named it
	for _, k := range sortedKeys(src) {
		f, ok := index.field(dst.Type(), k.String())
		if !ok {
			errs = append(errs, &DecodeError{Field: path + "." + k.String(), Msg: fmt.Sprintf("%s has no field %s", dst.Type(), k.String())})
			continue
		}
		key := indexKey(f)
		if first, twice := named[key]; twice {
			// birthDate and birth_date in one map: the later in key
			// order overwrote the other, silently.
			errs = append(errs, &DecodeError{Field: path + "." + k.String(), Msg: fmt.Sprintf("names the same field as %s.%s", path, first)})
			continue
		}
		named[key] = k.String()
		field, err := fieldByIndex(dst, f, path+"."+k.String(), copyPointer)
		if err == nil {
			err = convertAt(field, src.MapIndex(k), path+"."+k.String(), index, depth+1)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return joinDecode(errs)
}

// copyPointer points p, a settable pointer to a struct, at a copy of what
// it points to (a new zero struct when nil): a map decoded into a struct
// writes the fields an embedded pointer leads to into a struct of its own,
// never into the host's.
func copyPointer(p reflect.Value) {
	fresh := reflect.New(p.Type().Elem())
	if !p.IsNil() {
		fresh.Elem().Set(p.Elem())
	}
	p.Set(fresh)
}

func sortedKeys(m reflect.Value) []reflect.Value {
	keys := m.MapKeys()
	slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
	return keys
}

// joinDecode joins the errors of a value's parts flat, so that a
// record's decode error lists every field's and element's error at one
// level, in order.
func joinDecode(errs []error) error {
	var flat []error
	for _, e := range errs {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			flat = append(flat, j.Unwrap()...)
		} else {
			flat = append(flat, e)
		}
	}
	if len(flat) == 1 {
		return flat[0]
	}
	return errors.Join(flat...)
}
