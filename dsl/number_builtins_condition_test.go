package dsl_test

import (
	"errors"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
)

// A built-in typed any whose value is a number whatever the data (max, min,
// mean or median of a list) is no condition: a compile error, as max(x, n)
// over numbers is, rather than a condition that fails on every client. A
// reduce is a condition when its step or initial value may be a bool. As a
// number it is read as one (number_result_test.go), and float() reads it
// too.
func TestNumberBuiltinsAreNoConditions(t *testing.T) {
	type env struct {
		L []float64
		B []bool
	}
	at := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		src  string
		cond bool // compiles as a condition
	}{
		{"max(L)", false}, {"min(L)", false}, {"mean(L)", false}, {"median(L)", false},
		{"abs(mean(L))", false}, {"reduce(L, #acc + #)", false}, {"max(L) > 1", true},
		{"reduce(B, #acc && #)", true}, {"reduce(L, #acc + #, true)", true},
	} {
		_, err := dsl.Compile[env, bool](c.src)
		if (err == nil) != c.cond {
			t.Errorf("%s as a condition: error %v, want compiled %v", c.src, err, c.cond)
		}
		if !c.cond && !errors.Is(err, dsl.ErrType) {
			t.Errorf("%s as a condition: %v, want a type error", c.src, err)
		}
	}
	e, err := dsl.Compile[env, float64]("float(mean(L))")
	if err != nil {
		t.Fatal(err)
	}
	if v, err := e.Eval(env{L: []float64{1, 2, 6}}, at); v != 3 || err != nil {
		t.Errorf("float(mean(L)) = %v, %v; want 3", v, err)
	}
}
