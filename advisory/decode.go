package advisory

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/engagekit/engagekit/internal/envfield"
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
// struct field by the name a rule uses for it (its `expr` tag, else its Go
// name), so that a record's field is the one a rule of that name reads,
// else by its `expr` or `json` tag, else by its Go name ignoring case (a
// field tagged "-" has no name and is never set), or,
// in a map with string keys, to the key
// ("accounts.isa" sets key "isa" of the map field accounts, made when
// nil); pointers to structs are allocated as needed, so a product no
// source knows stays nil. The fields of an embedded struct are promoted, as
// the rules read them ("client.income" reaches Income in a struct the
// client's type embeds): after the struct's own fields, depth first, in
// field order; one reached through an embedded pointer to an unexported
// struct, which cannot be set, is an error.
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
//     fields); a pointer field is allocated for a value of its element,
//     and a field that is no pointer takes the element of a pointer (the
//     zero value for a nil one).
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
	d := &decoding{index: index}
	// In the order of what the fields reach, not of their names: a whole
	// value before its parts however each is named (fixedTerm.rate sorts
	// before fixed_term, and the whole overwrote the part).
	dests := make(map[string]string, len(fields))
	for _, f := range fields {
		dests[f] = d.destination(root.Type(), f)
	}
	slices.SortStableFunc(fields, func(a, b string) int { return strings.Compare(dests[a], dests[b]) })
	var errs []error
	named := make(map[string]string, len(fields)) // destination → the field that named it
	for _, f := range fields {
		// Two names of one field ("client.birthDate" and
		// "client.birth_date", from two sources) were consolidated apart,
		// so no policy chose between them, and the later in name order
		// overwrote the other: an error instead.
		dest := dests[f]
		if first, ok := named[dest]; ok {
			errs = append(errs, &DecodeError{Field: f, Msg: fmt.Sprintf("names the same field as %s: a record may name a field either way, but the records of one file must agree on one", first)})
			continue
		}
		named[dest] = f
		if err := d.setFrom(root, f, f, c.Fields[f]); err != nil {
			errs = append(errs, err)
		}
	}
	return joinDecode(errs)
}

// destination spells the field path names under a value of type t by what
// it reaches: each struct field by its index, each map key as written;
// the rest of a path it cannot follow (setFrom reports why) as written.
func (d *decoding) destination(t reflect.Type, path string) string {
	var b strings.Builder
	rest := path
	for {
		seg, tail, more := strings.Cut(rest, ".")
		// A type P *P points at itself for ever: it reaches no field.
		for hops := 0; t.Kind() == reflect.Pointer && hops < maxTypeHops; hops++ {
			t = t.Elem()
		}
		switch {
		case t.Kind() == reflect.Struct:
			f, ok := d.index.field(t, seg)
			if !ok {
				return b.String() + "?" + rest
			}
			b.WriteString(indexKey(f))
			t = t.FieldByIndex(f).Type
		case stringKeyed(t):
			b.WriteString(strconv.Quote(seg))
			t = t.Elem()
		default:
			return b.String() + "?" + rest
		}
		if !more {
			return b.String()
		}
		b.WriteByte('.')
		rest = tail
	}
}

// decoding is one Decode: the destination's pointers and maps it made or
// copied itself, which a field named by its parts ("mortgage.rate") may
// write into. Any other it copies before writing: a whole value decoded
// into the destination is the record's own (a *Mortgage, a map), which
// consolidation promises not to modify, and a part written through it
// changed the caller's record.
type decoding struct {
	index *fieldIndex
	// owned holds each pointer or map the decoding made, with the slot it
	// put it in: one is the decoding's to write into only there. Copied
	// with the struct that holds it (a pointer already in the destination,
	// copied before a write through it), it is shared with the original
	// and copied in turn before a write, as the Decoder's fast path has
	// it (a record's fields write their own paths, never another's).
	owned map[[2]uintptr]bool
}

// own makes v, a pointer to a struct or a map in an addressable slot, one
// the decoding may write into: a new one when nil, else a copy unless the
// decoding put it in this slot.
func (d *decoding) own(v reflect.Value) {
	if !v.IsNil() && d.owned[[2]uintptr{v.Addr().Pointer(), v.Pointer()}] {
		return
	}
	var fresh reflect.Value
	switch {
	case v.Kind() == reflect.Pointer:
		fresh = reflect.New(v.Type().Elem())
		if !v.IsNil() {
			fresh.Elem().Set(v.Elem())
		}
	default: // a map
		fresh = reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			fresh.SetMapIndex(it.Key(), it.Value())
		}
	}
	v.Set(fresh)
	if d.owned == nil {
		d.owned = map[[2]uintptr]bool{}
	}
	d.owned[[2]uintptr{v.Addr().Pointer(), fresh.Pointer()}] = true
}

// setFrom sets the field that rest, the end of path, names under v.
func (d *decoding) setFrom(v reflect.Value, path, rest string, value any) error {
	for {
		seg, tail, more := strings.Cut(rest, ".")
		if v.Kind() == reflect.Map {
			return d.setKey(v, path, seg, tail, more, value)
		}
		f, ok := d.index.field(v.Type(), seg)
		if !ok {
			return &DecodeError{Field: path, Msg: fmt.Sprintf("%s has no field %s", v.Type(), seg)}
		}
		var err error
		if v, err = fieldByIndex(v, f, path, d.own); err != nil {
			return err
		}
		if !more {
			break
		}
		if v.Kind() == reflect.Pointer && v.Type().Elem().Kind() == reflect.Struct {
			d.own(v)
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct && !stringKeyed(v.Type()) {
			return &DecodeError{Field: path, Msg: fmt.Sprintf("%s is not a struct or a map with string keys", path[:len(path)-len(tail)-1])}
		}
		rest = tail
	}
	return convert(v, reflect.ValueOf(value), path, d.index)
}

// fieldByIndex is the field index names under struct v, a field of its
// own or one promoted from an embedded struct. A pointer to an embedded
// struct on the way is made writable by own (made when nil, copied unless
// the decoding made it); one to an unexported struct cannot be set, and
// what it points to is the host's: an error, as encoding/json has it.
func fieldByIndex(v reflect.Value, index []int, path string, own func(reflect.Value)) (reflect.Value, error) {
	for k, i := range index {
		if k > 0 && v.Kind() == reflect.Pointer {
			if !v.CanSet() {
				return v, &DecodeError{Field: path, Msg: fmt.Sprintf("cannot write through the embedded pointer to unexported struct %s", v.Type().Elem())}
			}
			own(v)
			v = v.Elem()
		}
		v = v.Field(i)
	}
	return v, nil
}

// indexKey spells a field's index path ("3" for a field of the struct's
// own, "1.0" for one promoted from the struct it embeds second): as
// destination spells the path through the embedded struct by its name, so
// the two ways to one field are one destination.
func indexKey(index []int) string {
	var b strings.Builder
	for k, i := range index {
		if k > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.Itoa(i))
	}
	return b.String()
}

func stringKeyed(t reflect.Type) bool {
	return t.Kind() == reflect.Map && t.Key().Kind() == reflect.String
}

// setKey sets key seg of the map m (made when nil) to value or, when the
// path goes on, to its element with the rest of the path set in it: a map
// element cannot be set in place, so it is copied, set and stored back.
func (d *decoding) setKey(m reflect.Value, path, seg, tail string, more bool, value any) error {
	d.own(m)
	key := reflect.ValueOf(seg).Convert(m.Type().Key())
	elem := reflect.New(m.Type().Elem()).Elem()
	var err error
	if !more {
		err = convert(elem, reflect.ValueOf(value), path, d.index)
	} else {
		if old := m.MapIndex(key); old.IsValid() {
			elem.Set(old)
		}
		at := elem
		if elem.Kind() == reflect.Pointer && elem.Type().Elem().Kind() == reflect.Struct {
			d.own(elem)
			at = elem.Elem()
		}
		if at.Kind() != reflect.Struct && !stringKeyed(at.Type()) {
			return &DecodeError{Field: path, Msg: fmt.Sprintf("%s is not a struct or a map with string keys", path[:len(path)-len(tail)-1])}
		}
		err = d.setFrom(at, path, tail, value)
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

// structFields is one struct's fields by the names a path segment may
// use. exact holds the names the rules use (an `expr` tag, else the Go
// name: internal/envfield), matched first, so that a record's client.x is
// the field a rule's client.x reads; byTag (an expr tag taking precedence
// over a json tag) and byName (the lower-cased Go name) are the looser
// names a record may use besides. Each is the field's index path from the
// struct, as reflect's FieldByIndex reads it: one index for the struct's
// own exported fields, more for the exported fields of an embedded struct,
// promoted as the rules promote them: after the struct's own, depth first,
// in field order.
type structFields struct{ exact, byTag, byName map[string][]int }

// field finds the field seg names in struct type t: by the rules' name,
// else by tag or lower-cased Go name, the shallower of the two when both
// match (a field of t's own before one promoted from an embedded struct).
func (x *fieldIndex) field(t reflect.Type, seg string) ([]int, bool) {
	sf := x.types[t]
	if sf == nil {
		if x.frozen {
			// Unreachable from the decoder's type: set walks only
			// through struct fields and pointers, which addAll follows.
			return nil, false
		}
		sf = x.add(t)
	}
	if exact, ok := sf.exact[seg]; ok {
		return exact, true
	}
	byTag, tagged := sf.byTag[seg]
	byName, named := sf.byName[strings.ToLower(seg)]
	if tagged && (!named || len(byTag) <= len(byName)) {
		return byTag, true
	}
	return byName, named
}

// add indexes struct type t: its own fields, then those promoted from the
// structs it embeds, depth first, each embedded struct once (one met again
// promotes nothing a name has not claimed already, and one that embeds
// itself would be walked for ever). A name the rules use is looked up as
// the rules look it up (internal/envfield), so the two never part.
func (x *fieldIndex) add(root reflect.Type) *structFields {
	sf := &structFields{exact: map[string][]int{}, byTag: map[string][]int{}, byName: map[string][]int{}}
	first := func(m map[string][]int, name string, index []int) {
		if _, taken := m[name]; name != "" && !taken {
			m[name] = index
		}
	}
	// A field tagged "-" has no name, as encoding/json has it: no record
	// field reaches it, by tag or by its Go name.
	named := func(f reflect.StructField) bool {
		return f.IsExported() && f.Tag.Get("json") != "-" && f.Tag.Get("expr") != "-"
	}
	var visited []reflect.Type
	var visit func(t reflect.Type, at []int)
	visit = func(t reflect.Type, at []int) {
		if slices.Contains(visited, t) {
			return
		}
		visited = append(visited, t)
		path := func(i int) []int { return append(at[:len(at):len(at)], i) }
		for i := range t.NumField() {
			if f := t.Field(i); named(f) {
				if _, taken := sf.exact[envfield.Name(f)]; !taken {
					// Where the rules find the name, which Decode sets
					// unless a tag says "-" there.
					if rf, ok := envfield.Lookup(root, envfield.Name(f)); ok && named(rf) {
						first(sf.exact, envfield.Name(f), rf.Index)
					}
				}
			}
		}
		for _, key := range []string{"expr", "json"} {
			for i := range t.NumField() {
				if f := t.Field(i); named(f) {
					first(sf.byTag, tagName(f.Tag, key), path(i))
				}
			}
		}
		for i := range t.NumField() {
			if f := t.Field(i); named(f) {
				first(sf.byName, strings.ToLower(f.Name), path(i))
			}
		}
		for i := range t.NumField() {
			f := t.Field(i)
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if f.Anonymous && et.Kind() == reflect.Struct {
				visit(et, path(i))
			}
		}
	}
	visit(root, nil)
	x.types[root] = sf
	return sf
}

// addAll indexes t and every struct type its fields reach (embedded ones
// among them), through pointers, slices, arrays and maps, so that lookups
// never add.
func (x *fieldIndex) addAll(t reflect.Type) {
	walked := map[reflect.Type]bool{}
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		if walked[t] {
			return
		}
		walked[t] = true
		if x.types[t] == nil {
			x.add(t)
		}
		for i := range t.NumField() {
			ft := t.Field(i).Type
			// Bounded: a type L []L (or P *P) holds itself for ever, and
			// reaches no struct.
			for hops := 0; (ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice || ft.Kind() == reflect.Array || ft.Kind() == reflect.Map) && hops < maxTypeHops; hops++ {
				ft = ft.Elem() // a slice's, an array's or a map's elements are decoded by field name too
			}
			if ft.Kind() == reflect.Struct {
				walk(ft)
			}
		}
	}
	walk(t)
}

// maxTypeHops is the most pointers, slices, arrays and maps a walk of a
// type follows to the type they hold: a type that holds itself (type P
// *P, type L []L) is followed no further.
const maxTypeHops = 1000

func tagName(tag reflect.StructTag, key string) string {
	name, _, _ := strings.Cut(tag.Get(key), ",")
	return name
}

var timeType = reflect.TypeFor[time.Time]()
