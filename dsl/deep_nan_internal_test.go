package dsl

import (
	"errors"
	"math"
	"reflect"
	"testing"
)

// deepNaN finds a NaN at any depth, and a list that holds itself ends on
// the nesting limit even when the step budget is unbounded (MaxSteps may
// be MaxInt): it recursed until the stack overflowed, a fatal error.
func TestDeepNaNBounded(t *testing.T) {
	g := newGovernor(Limits{MaxSteps: math.MaxInt, MemoryBudget: math.MaxInt})
	self := []any{nil}
	self[0] = self
	var le *limitError
	if err := deepNaN(reflect.ValueOf(self), &g); !errors.As(err, &le) {
		t.Errorf("a list holding itself: %v, want a limit error", err)
	}
	nested := any(math.NaN())
	for range 10 {
		nested = map[string]any{"a": []any{1.0, nested}}
	}
	if err := deepNaN(reflect.ValueOf(nested), &g); !errors.Is(err, errNaNValue) {
		t.Errorf("a NaN ten levels down: %v, want errNaNValue", err)
	}
	if err := deepNaN(reflect.ValueOf(map[string]any{"a": []float64{1, 2}}), &g); err != nil {
		t.Errorf("no NaN: %v", err)
	}
}
