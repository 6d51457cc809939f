// Package envfield reads a rule's names off a host's struct type as expr
// and the dsl do: a field's name is its `expr` tag or its Go name, and a
// name is found among the exported fields first, then, depth first, among
// those promoted from embedded structs. The packages that analyse rules
// over a host's type (dsl compiling them, segment finding the type of what
// a scheme reads) share it, so that they never read one name as two
// fields.
package envfield

import (
	"reflect"
	"slices"
	"strings"
)

// Name is the name a rule uses for a struct field: its `expr` tag, or its
// Go name.
func Name(f reflect.StructField) string {
	if tag, ok := f.Tag.Lookup("expr"); ok {
		if name, _, _ := strings.Cut(tag, ","); name != "" {
			return name
		}
	}
	return f.Name
}

// Lookup finds the field a rule calls name in struct type t (or a pointer
// to it): an exported field of that name, else, depth first, one promoted
// from an embedded struct. The field's Index is its full path from t.
//
// An embedded struct already searched is not searched again: it holds no
// field of the name (or it would have been found), and one met again on
// the way down embeds itself (type T struct{ *T }). So a lookup visits
// each struct type once, however the types embed each other.
func Lookup(t reflect.Type, name string) (reflect.StructField, bool) {
	var searched []reflect.Type
	return lookup(t, name, &searched)
}

func lookup(t reflect.Type, name string, searched *[]reflect.Type) (reflect.StructField, bool) {
	for t != nil && t.Kind() == reflect.Pointer && !slices.Contains(*searched, t) {
		*searched = append(*searched, t) // a type P *P points at itself for ever
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct || slices.Contains(*searched, t) {
		return reflect.StructField{}, false
	}
	*searched = append(*searched, t)
	for i := range t.NumField() {
		f := t.Field(i)
		if f.IsExported() && Name(f) == name && Name(f) != "-" {
			f.Index = []int{i}
			return f, true
		}
	}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.Anonymous {
			continue
		}
		if inner, ok := lookup(f.Type, name, searched); ok {
			inner.Index = append([]int{i}, inner.Index...)
			return inner, true
		}
	}
	return reflect.StructField{}, false
}
