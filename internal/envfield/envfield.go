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

// maxEmbedding bounds how deep Lookup follows embedded structs and the
// pointers to them: a type that embeds a pointer to itself (type T
// struct{ *T }) embeds without end.
const maxEmbedding = 100

// Lookup finds the field a rule calls name in struct type t (or a pointer
// to it): an exported field of that name, else, depth first, one promoted
// from an embedded struct. The field's Index is its full path from t.
func Lookup(t reflect.Type, name string) (reflect.StructField, bool) {
	return lookup(t, name, 0)
}

func lookup(t reflect.Type, name string, depth int) (reflect.StructField, bool) {
	for hops := 0; t != nil && t.Kind() == reflect.Pointer && hops <= maxEmbedding; hops++ {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct || depth > maxEmbedding {
		return reflect.StructField{}, false
	}
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
		if inner, ok := lookup(f.Type, name, depth+1); ok {
			inner.Index = append([]int{i}, inner.Index...)
			return inner, true
		}
	}
	return reflect.StructField{}, false
}
