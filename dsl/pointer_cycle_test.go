package dsl

import (
	"reflect"
	"testing"
)

// selfPointer points at itself: a pointer chain with no value at its end.
type selfPointer *selfPointer

// The library's own readers of run-time values follow a pointer chain as
// far as maxTreeDepth and no further, so a value that points back at
// itself (p = &p, or an any holding a pointer to itself) is read in
// bounded time as no value of their kind. (expr's own deref, which its VM
// runs on such a value, does not stop: see the package notes.)
func TestReadersStopOnSelfPointers(t *testing.T) {
	var p selfPointer
	p = &p
	var a any
	a = &a
	for _, v := range []any{p, &p, a} {
		if got, err := dynamicNumber(v); err != nil || !reflect.DeepEqual(got, v) {
			t.Errorf("dynamicNumber(%T) = %v, %v; want it unchanged", v, got, err)
		}
		if readAsNumber(v) {
			t.Errorf("readAsNumber(%T) = true; want false: no value at its end", v)
		}
		if isNaN(v) {
			t.Errorf("isNaN(%T) = true", v)
		}
		if _, _, ok := valuePointee(reflect.ValueOf(v)); ok {
			t.Errorf("valuePointee(%T) found a value", v)
		}
		if _, err := timeArg("daysSince", v); err == nil {
			t.Errorf("timeArg(%T) = no error; want one", v)
		}
		_ = formatTemplateValue(v)
		if _, err := plainValue(v, 0); err != nil {
			t.Errorf("plainValue(%T): %v", v, err)
		}
		if got := derefValue(reflect.ValueOf(v), true); got.Kind() != reflect.Pointer && got.Kind() != reflect.Interface {
			t.Errorf("derefValue(%T) ended at a %v", v, got.Kind())
		}
	}
	if k := deref(reflect.TypeFor[selfPointer]()).Kind(); k != reflect.Pointer {
		t.Errorf("deref(selfPointer) ended at a %v", k)
	}
	if valuePointer(reflect.TypeFor[selfPointer]()) {
		t.Error("valuePointer(selfPointer) = true")
	}
}
