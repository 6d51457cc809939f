package valuetext

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

// The digest that ends an over-long value's text tells apart what the
// text tells apart, and nothing else: equal content has one digest however
// it is laid out, and a value that reuses its parts deeply costs a part a
// level, not 2^depth.
func TestDigest(t *testing.T) {
	m1, m2 := map[string]any{}, map[string]any{}
	for i := range 50 {
		k := strings.Repeat("k", i)
		m1[k], m2[k] = i, i
	}
	same := [][2]any{
		{m1, m2},
		{[]any{1, "a", nil}, []any{1, "a", nil}},
		{math.NaN(), math.NaN()},
	}
	for _, c := range same {
		if a, b := digest(reflect.ValueOf(c[0])), digest(reflect.ValueOf(c[1])); a != b {
			t.Errorf("%v and %v: digests %x and %x, want one", c[0], c[1], a, b)
		}
	}
	apart := [][2]any{
		{1, 1.0},
		{0.0, math.Copysign(0, -1)},
		{"1", 1},
		{[]any{1, 2}, []any{2, 1}},
		{map[string]any{"a": 1}, map[string]any{"a": 2}},
		{[]any{nil}, []any{}},
		{int8(1), int16(1)},
	}
	for _, c := range apart {
		if a, b := digest(reflect.ValueOf(c[0])), digest(reflect.ValueOf(c[1])); a == b {
			t.Errorf("%#v and %#v: one digest %x, want two", c[0], c[1], a)
		}
	}
	// Reused parts: 40 levels of a list holding one list twice.
	deep := any(1)
	for range 40 {
		deep = []any{deep, deep}
	}
	other := any(2)
	for range 40 {
		other = []any{other, other}
	}
	text, _ := TextCyclic(deep)
	if !strings.Contains(text, "…#") || len(text) > 64*maxNodes {
		t.Errorf("a deeply reused value wrote %d bytes, want its budget and a digest", len(text))
	}
	if again, _ := TextCyclic(other); again == text {
		t.Errorf("two deeply reused values differing in their leaves have one text")
	}
	// A cycle is a reference: two lists holding themselves digest alike,
	// and apart from one holding an empty list.
	cyc, cyc2 := []any{nil}, []any{nil}
	cyc[0], cyc2[0] = cyc, cyc2
	if a, b := digest(reflect.ValueOf(cyc)), digest(reflect.ValueOf(cyc2)); a != b {
		t.Errorf("two lists holding themselves: digests %x and %x", a, b)
	}
	if digest(reflect.ValueOf(cyc)) == digest(reflect.ValueOf([]any{[]any{}})) {
		t.Errorf("a list holding itself digests as one holding an empty list")
	}
}

// A value whose every part reaches back to the root, each shared twice,
// keeps no part in the digest's memory: read without a bound it would be
// read 2^depth times. The digest reads at most maxDigestParts parts and a
// few more (and Text, which digests map entries with one shared digester,
// as many).
func TestDigestBoundedWhereNothingIsKept(t *testing.T) {
	root := []any{nil, nil}
	level := root
	for range 30 {
		next := []any{nil, nil, root}
		level[0], level[1] = next, next
		level = next
	}
	d := newDigester()
	a, _ := d.sum(reflect.ValueOf(root), 0)
	// Past the budget, each part still on the path reads its remaining
	// siblings as "…": a few per level.
	if read := maxDigestParts - d.left; read > maxDigestParts+1000 {
		t.Errorf("read %d parts, want at most %d", read, maxDigestParts+1000)
	}
	if b := digest(reflect.ValueOf(root)); a != b {
		t.Errorf("one value, two digests: %x and %x", a, b)
	}
	m := map[string]any{"a": root, "b": root}
	first := Text(m)
	for range 5 { // the map's iteration order differs from call to call
		if again := Text(m); again != first {
			t.Fatalf("a map's text changes between calls")
		}
	}
}

// A map keyed by pointers to structs that hold the map: a key's text
// reaches back into the map, written as a reference, not followed.
func TestMapKeyReachingBackIntoItsMap(t *testing.T) {
	type node struct{ M map[*node]int }
	n := &node{M: map[*node]int{}}
	n.M[n] = 1
	if a, b := Text(n), Text(n); a != b || a == "" {
		t.Errorf("texts %q and %q", a, b)
	}
	first := digest(reflect.ValueOf(n))
	if again := digest(reflect.ValueOf(n)); again != first {
		t.Errorf("digest changes: %x, then %x", first, again)
	}
}
