package dsl

import (
	"math"
	"reflect"
	"testing"
)

// sameValue is reflect.DeepEqual but for NaN, which is the same as NaN.
func TestSameValue(t *testing.T) {
	type node struct {
		V    float64
		Next *node
	}
	loop := &node{V: math.NaN()}
	loop.Next = loop
	other := &node{V: math.NaN()}
	other.Next = other
	nan := math.NaN()
	for _, c := range []struct {
		name string
		a, b any
		want bool
		nan  bool // holds a NaN: DeepEqual answers otherwise
	}{
		{"NaN", nan, nan, true, true},
		{"NaN in lists", []any{1.0, nan}, []any{1.0, nan}, true, true},
		{"NaN in maps", map[string]any{"k": []float64{nan}}, map[string]any{"k": []float64{nan}}, true, true},
		{"NaN and a number", []float64{nan}, []float64{1}, false, false},
		{"float32 NaN", float32(nan), float32(nan), true, true},
		{"types differ", 1.0, 1, false, false},
		{"nil and empty list", []int(nil), []int{}, false, false},
		{"nil and empty map", map[string]int(nil), map[string]int{}, false, false},
		{"lengths differ", []int{1}, []int{1, 2}, false, false},
		{"cycles", loop, other, true, true},
		{"nil funcs", (func())(nil), (func())(nil), true, false},
		{"funcs", func() {}, func() {}, false, false},
		{"strings", "a", "a", true, false},
		{"structs", node{V: 1}, node{V: 2}, false, false},
		{"nil and a value", nil, 1, false, false},
		{"NaN keys", map[float64]string{nan: "x", nan: "y", 1: "z"}, map[float64]string{nan: "y", nan: "x", 1: "z"}, true, true},
		{"NaN keys, values differ", map[float64]string{nan: "x", 1: "z"}, map[float64]string{nan: "y", 1: "z"}, false, false},
		{"NaN key and a number", map[float64]string{nan: "x", 1: "z"}, map[float64]string{2: "x", 1: "z"}, false, false},
		{"NaN in array keys", map[[2]float64]int{{nan, 1}: 1}, map[[2]float64]int{{nan, 1}: 1}, true, true},
		{"NaN in array keys differ", map[[2]float64]int{{nan, 1}: 1}, map[[2]float64]int{{nan, 2}: 1}, false, false},
	} {
		if got := sameValue(reflect.ValueOf(c.a), reflect.ValueOf(c.b), map[pairKey]bool{}, 0); got != c.want {
			t.Errorf("%s: sameValue(%v, %v) = %v, want %v", c.name, c.a, c.b, got, c.want)
		}
		if dg := reflect.DeepEqual(c.a, c.b); !c.nan && dg != c.want {
			t.Errorf("%s: DeepEqual says %v: without a NaN the two must agree", c.name, dg)
		}
	}
	// Two slices of one array start at one address: [1] of [1 2] and of
	// [1 3] are the same, which must not make [1 2] and [1 3] the same.
	x, y := []int{1, 2}, []int{1, 3}
	prefixFirst := []any{x[:1], x}
	prefixFirst2 := []any{y[:1], y}
	if sameValue(reflect.ValueOf(prefixFirst), reflect.ValueOf(prefixFirst2), map[pairKey]bool{}, 0) {
		t.Error("[[1] [1 2]] and [[1] [1 3]] compared the same: a prefix pair was taken for the whole")
	}
	// One map holding NaN keys is the same as itself.
	self := map[float64]int{nan: 1, 2: 2}
	if !sameValue(reflect.ValueOf(self), reflect.ValueOf(self), map[pairKey]bool{}, 0) {
		t.Error("a map with a NaN key differs from itself")
	}
	// Deeper than maxSameDepth without a cycle: taken to differ, not a
	// stack overflow.
	var deep, deep2 any = 1, 1
	for range maxSameDepth + 10 {
		deep, deep2 = []any{deep}, []any{deep2}
	}
	if sameValue(reflect.ValueOf(deep), reflect.ValueOf(deep2), map[pairKey]bool{}, 0) {
		t.Error("values nested past maxSameDepth compared the same")
	}
}
