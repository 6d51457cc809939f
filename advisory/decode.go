package advisory

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"
)

// DecodeError is a field of a consolidated record that does not fit the
// destination type: no such field, or a value of the wrong kind.
type DecodeError struct {
	Field string
	Msg   string
}

// Error names the field.
func (e *DecodeError) Error() string { return fmt.Sprintf("advisory: field %s: %s", e.Field, e.Msg) }

// Decode writes a consolidated record into dst, a pointer to the host's own
// struct type. A dotted path names nested fields, each segment matched to a
// struct field by its `expr` tag, else its `json` tag, else its Go name
// (ignoring case); pointers to structs are allocated as needed, so a product
// no source knows stays nil. Numbers convert to any numeric field type, and
// a value that does not fit is a *[DecodeError]. Every field is tried; the
// errors come back joined, in field order.
func Decode(c Consolidated, dst any) error {
	root := reflect.ValueOf(dst)
	if root.Kind() != reflect.Pointer || root.IsNil() || root.Elem().Kind() != reflect.Struct {
		return &DecodeError{Field: "", Msg: fmt.Sprintf("destination %T is not a pointer to a struct", dst)}
	}
	fields := make([]string, 0, len(c.Fields))
	for f := range c.Fields {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	var errs []error
	for _, f := range fields {
		if err := set(root.Elem(), f, c.Fields[f]); err != nil {
			errs = append(errs, err)
		}
	}
	return joinErrors(errs)
}

func set(v reflect.Value, path string, value any) error {
	segs := strings.Split(path, ".")
	for i, seg := range segs {
		f, ok := fieldNamed(v.Type(), seg)
		if !ok {
			return &DecodeError{Field: path, Msg: fmt.Sprintf("%s has no field %s", v.Type(), seg)}
		}
		v = v.FieldByIndex(f.Index)
		if i == len(segs)-1 {
			break
		}
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			return &DecodeError{Field: path, Msg: fmt.Sprintf("%s is not a struct", strings.Join(segs[:i+1], "."))}
		}
	}
	return assign(v, path, value)
}

// fieldNamed finds the field a path segment names: by its expr tag, else
// its json tag, else its name in any case. One pass over the fields: it
// runs for every field of every record.
func fieldNamed(t reflect.Type, name string) (reflect.StructField, bool) {
	byJSON, byName := -1, -1
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		if tagName(f.Tag, "expr") == name {
			return f, true
		}
		if byJSON < 0 && tagName(f.Tag, "json") == name {
			byJSON = i
		}
		if byName < 0 && strings.EqualFold(f.Name, name) {
			byName = i
		}
	}
	switch {
	case byJSON >= 0:
		return t.Field(byJSON), true
	case byName >= 0:
		return t.Field(byName), true
	}
	return reflect.StructField{}, false
}

func tagName(tag reflect.StructTag, key string) string {
	name, _, _ := strings.Cut(tag.Get(key), ",")
	return name
}

var timeType = reflect.TypeFor[time.Time]()

func assign(v reflect.Value, path string, value any) error {
	if v.Kind() == reflect.Pointer {
		v.Set(reflect.New(v.Type().Elem()))
		v = v.Elem()
	}
	src := reflect.ValueOf(value)
	switch {
	case !src.IsValid():
		v.SetZero()
		return nil
	case src.Type().AssignableTo(v.Type()):
		v.Set(src)
		return nil
	}
	if f, ok := asFloat(value); ok {
		switch v.Kind() {
		case reflect.Float32, reflect.Float64:
			v.SetFloat(f)
			return nil
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			if f != float64(int64(f)) {
				return &DecodeError{Field: path, Msg: fmt.Sprintf("%v is not a whole number", value)}
			}
			v.SetInt(int64(f))
			return nil
		}
	}
	if s, ok := value.(string); ok && v.Type() == timeType {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t, err = time.Parse(time.DateOnly, s)
		}
		if err == nil {
			v.Set(reflect.ValueOf(t))
			return nil
		}
	}
	return &DecodeError{Field: path, Msg: fmt.Sprintf("cannot put %T into %s", value, v.Type())}
}
