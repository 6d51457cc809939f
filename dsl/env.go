package dsl

import (
	"reflect"
	"sort"
	"strings"

	"github.com/engagekit/engagekit/internal/envfield"
)

// deref strips pointer types, as far as expr's deref follows a chain and
// no further: a type P *P points at itself for ever.
func deref(t reflect.Type) reflect.Type {
	for hops := 0; t != nil && t.Kind() == reflect.Pointer && hops <= maxTreeDepth; hops++ {
		t = t.Elem()
	}
	return t
}

// derefValue follows v's pointers, and with interfaces its interface
// values too, to the value at the end, stopping at a nil one; as far as
// expr's deref follows a chain and no further: a value that points back
// at itself (p = &p, a = &a in an any) must not spin. Where it stops
// short, the value is still a pointer or an interface, which every
// caller reads as no value of its kind.
func derefValue(v reflect.Value, interfaces bool) reflect.Value {
	for hops := 0; v.IsValid() && (v.Kind() == reflect.Pointer || interfaces && v.Kind() == reflect.Interface) && !v.IsNil() && hops <= maxTreeDepth; hops++ {
		v = v.Elem()
	}
	return v
}

// hasMethod reports whether a value of type t has an exported method name.
func hasMethod(t reflect.Type, name string) bool {
	if t == nil {
		return false
	}
	if _, ok := t.MethodByName(name); ok {
		return true
	}
	if t.Kind() != reflect.Pointer {
		_, ok := reflect.PointerTo(t).MethodByName(name)
		return ok
	}
	return false
}

// memberNames lists the names a rule may use on struct type t: fields
// (with embedded ones promoted) and methods, sorted.
func memberNames(t reflect.Type) []string {
	seen := map[string]bool{}
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		t = deref(t)
		if t == nil || t.Kind() != reflect.Struct {
			return
		}
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous {
				walk(f.Type)
			}
			if f.IsExported() && envfield.Name(f) != "-" {
				seen[envfield.Name(f)] = true
			}
		}
	}
	walk(t)
	if t != nil {
		for _, mt := range []reflect.Type{t, reflect.PointerTo(deref(t))} {
			for i := range mt.NumMethod() {
				seen[mt.Method(i).Name] = true
			}
		}
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// nearest returns the candidate closest to name by edit distance, if it is
// close enough to be a plausible typo; case differences count little.
func nearest(name string, candidates []string) string {
	best, bestDist := "", 1<<30
	limit := max(1, len(name)/3)
	lower := strings.ToLower(name)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if len(lc)-len(lower) > limit || len(lower)-len(lc) > limit {
			continue // at least that many edits away: not a plausible typo
		}
		d := editDistance(lower, lc)
		if d < bestDist || (d == bestDist && c < best) {
			best, bestDist = c, d
		}
	}
	if bestDist > limit {
		return ""
	}
	return best
}

// editDistance is the edit distance between a and b, in bytes, counting a
// swap of two neighbours as one edit (nmae → name), the typo people make
// most.
func editDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
