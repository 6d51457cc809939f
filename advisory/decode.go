package advisory

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/engagekit/engagekit/internal/mem"
)

// DecodeError is a field of a consolidated record that does not fit the
// destination type: no such field, a value of the wrong kind, a number
// out of the field's range or one it cannot hold exactly. Field is the
// record's path, with the key or index within a map, slice or struct value
// when the problem is inside one ("holdings[2].value").
type DecodeError struct {
	Field string `json:"field"`
	Msg   string `json:"message"`
}

// Error names the field.
func (e *DecodeError) Error() string { return fmt.Sprintf("advisory: field %s: %s", e.Field, e.Msg) }

// Decode writes a consolidated record into dst, a pointer to the host's own
// struct type. A dotted path names nested fields, each segment matched to a
// struct field by its `expr` tag, else its `json` tag, else its Go name
// (ignoring case), or, in a map with string keys, to the key
// ("accounts.isa" sets key "isa" of the map field accounts, made when
// nil); pointers to structs are allocated as needed, so a product no
// source knows stays nil.
//
// A value converts to its field's type by these rules, in order:
//   - nil sets the zero value; a value assignable to the field is stored;
//   - a number converts to any numeric type (named ones too) if it fits
//     exactly: an integer out of the field's range (300 into an int8, 2^40
//     into an int32, -1 into a uint), a fraction into an integer, an
//     integer a float cannot hold exactly (2^53+1 into a float64), and a
//     float that overflows or underflows a float32 (1e300) are errors,
//     never wrapped or rounded away; a float rounded to float32 precision
//     (0.1) is not;
//   - a string converts to a named string type, and to a time.Time when it
//     is an RFC 3339 time or a date ("2027-01-31");
//   - a slice or array converts to a slice (or array, if it fits) element by
//     element, a map with string keys to a map with string keys value by
//     value, or to a struct field by field (its keys named as paths name
//     fields); a pointer field is allocated for a value of its element.
//
// A value that does not fit is a *[DecodeError] naming the path, and the
// index or key within it ("holdings[2].value"). Every field is tried; the
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
	return joinDecode(errs)
}

func set(v reflect.Value, path string, value any, index *fieldIndex) error {
	return setFrom(v, path, path, value, index)
}

// setFrom sets the field that rest, the end of path, names under v.
func setFrom(v reflect.Value, path, rest string, value any, index *fieldIndex) error {
	for {
		seg, tail, more := strings.Cut(rest, ".")
		if v.Kind() == reflect.Map {
			return setKey(v, path, seg, tail, more, value, index)
		}
		f, ok := index.field(v.Type(), seg)
		if !ok {
			return &DecodeError{Field: path, Msg: fmt.Sprintf("%s has no field %s", v.Type(), seg)}
		}
		v = v.Field(f)
		if !more {
			break
		}
		if v.Kind() == reflect.Pointer && v.Type().Elem().Kind() == reflect.Struct {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct && !stringKeyed(v.Type()) {
			return &DecodeError{Field: path, Msg: fmt.Sprintf("%s is not a struct or a map with string keys", path[:len(path)-len(tail)-1])}
		}
		rest = tail
	}
	return convert(v, reflect.ValueOf(value), path, index)
}

func stringKeyed(t reflect.Type) bool {
	return t.Kind() == reflect.Map && t.Key().Kind() == reflect.String
}

// setKey sets key seg of the map m (made when nil) to value or, when the
// path goes on, to its element with the rest of the path set in it: a map
// element cannot be set in place, so it is copied, set and stored back.
func setKey(m reflect.Value, path, seg, tail string, more bool, value any, index *fieldIndex) error {
	if m.IsNil() {
		m.Set(reflect.MakeMap(m.Type()))
	}
	key := reflect.ValueOf(seg).Convert(m.Type().Key())
	elem := reflect.New(m.Type().Elem()).Elem()
	var err error
	if !more {
		err = convert(elem, reflect.ValueOf(value), path, index)
	} else {
		if old := m.MapIndex(key); old.IsValid() {
			elem.Set(old)
		}
		inner, at := elem, elem
		if inner.Kind() == reflect.Pointer && inner.Type().Elem().Kind() == reflect.Struct {
			if inner.IsNil() {
				inner.Set(reflect.New(inner.Type().Elem()))
			}
			at = inner.Elem()
		}
		if at.Kind() != reflect.Struct && !stringKeyed(at.Type()) {
			return &DecodeError{Field: path, Msg: fmt.Sprintf("%s is not a struct or a map with string keys", path[:len(path)-len(tail)-1])}
		}
		err = setFrom(at, path, tail, value, index)
	}
	if err == nil {
		m.SetMapIndex(key, elem)
	}
	return err
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
// pointers, slices, arrays and maps, so that lookups never add.
func (x *fieldIndex) addAll(t reflect.Type) {
	if x.types[t] != nil {
		return
	}
	x.add(t)
	for i := range t.NumField() {
		ft := t.Field(i).Type
		for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice || ft.Kind() == reflect.Array || ft.Kind() == reflect.Map {
			ft = ft.Elem() // a slice's, an array's or a map's elements are decoded by field name too
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
