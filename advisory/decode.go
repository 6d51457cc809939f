package advisory

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/engagekit/engagekit/internal/mem"
)

// DecodeError is a field of a consolidated record that does not fit the
// destination type: no such field, or a value of the wrong kind.
type DecodeError struct {
	Field string `json:"field"`
	Msg   string `json:"message"`
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
	return decode(c, root.Elem(), &fieldIndex{types: map[reflect.Type]*structFields{}})
}

// Decoder is [Decode] for one destination type, with the type's fields
// indexed once: a host decoding a million records builds one with
// [NewDecoder]. It is immutable and safe for concurrent use.
type Decoder[T any] struct {
	index *fieldIndex
	paths map[string]*leafPath // see decode_fast.go
}

// NewDecoder indexes T, which must be a struct type, and the struct types
// its fields reach.
func NewDecoder[T any]() (*Decoder[T], error) {
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Struct {
		return nil, &DecodeError{Field: "", Msg: fmt.Sprintf("destination %s is not a struct", t)}
	}
	return newDecoder[T](), nil
}

// newDecoder indexes T, a struct type.
func newDecoder[T any]() *Decoder[T] {
	t := reflect.TypeFor[T]()
	index := indexOf(t)
	return &Decoder[T]{index: index, paths: fastPaths(t, index)}
}

// indexOf indexes a struct type and all it reaches, frozen.
func indexOf(t reflect.Type) *fieldIndex {
	index := &fieldIndex{types: map[reflect.Type]*structFields{}}
	index.addAll(t)
	index.frozen = true
	return index
}

// Decode writes a consolidated record into dst, as [Decode] does.
func (d *Decoder[T]) Decode(c Consolidated, dst *T) error {
	if dst == nil {
		return &DecodeError{Field: "", Msg: "nil destination"}
	}
	if decodeFast(c, mem.Of(dst), d.paths) {
		return nil
	}
	return decode(c, reflect.ValueOf(dst).Elem(), d.index)
}

func decode(c Consolidated, root reflect.Value, index *fieldIndex) error {
	fields := make([]string, 0, len(c.Fields))
	for f := range c.Fields {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	var errs []error
	for _, f := range fields {
		if err := set(root, f, c.Fields[f], index); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func set(v reflect.Value, path string, value any, index *fieldIndex) error {
	rest := path
	for i := 0; ; i++ {
		seg, tail, more := strings.Cut(rest, ".")
		f, ok := index.field(v.Type(), seg)
		if !ok {
			return &DecodeError{Field: path, Msg: fmt.Sprintf("%s has no field %s", v.Type(), seg)}
		}
		v = v.Field(f)
		if !more {
			break
		}
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			return &DecodeError{Field: path, Msg: fmt.Sprintf("%s is not a struct", path[:len(path)-len(rest)+len(seg)])}
		}
		rest = tail
	}
	return assign(v, path, value)
}

// fieldIndex maps each struct type to the names a path segment may use
// for its fields. Decode grows one per call; a Decoder's is built whole by
// NewDecoder and frozen: it is only read after, so it is safe to share.
type fieldIndex struct {
	types  map[reflect.Type]*structFields
	frozen bool
}

// structFields is one struct's exported fields by tag (an expr tag taking
// precedence over a json tag) and by lower-cased Go name: the order in
// which a segment is matched.
type structFields struct{ byTag, byName map[string]int }

func (x *fieldIndex) field(t reflect.Type, seg string) (int, bool) {
	sf := x.types[t]
	if sf == nil {
		if x.frozen {
			// Unreachable from the decoder's type: set walks only
			// through struct fields and pointers, which addAll follows.
			return 0, false
		}
		sf = x.add(t)
	}
	if i, ok := sf.byTag[seg]; ok {
		return i, true
	}
	i, ok := sf.byName[strings.ToLower(seg)]
	return i, ok
}

func (x *fieldIndex) add(t reflect.Type) *structFields {
	sf := &structFields{byTag: map[string]int{}, byName: map[string]int{}}
	first := func(m map[string]int, name string, i int) {
		if _, taken := m[name]; name != "" && !taken {
			m[name] = i
		}
	}
	for _, key := range []string{"expr", "json"} {
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() {
				first(sf.byTag, tagName(f.Tag, key), i)
			}
		}
	}
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() {
			first(sf.byName, strings.ToLower(f.Name), i)
		}
	}
	x.types[t] = sf
	return sf
}

// addAll indexes t and every struct type its fields reach, through
// pointers, so that lookups never add.
func (x *fieldIndex) addAll(t reflect.Type) {
	if x.types[t] != nil {
		return
	}
	x.add(t)
	for i := range t.NumField() {
		ft := t.Field(i).Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() == reflect.Struct {
			x.addAll(ft)
		}
	}
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
