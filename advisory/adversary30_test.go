package advisory

import (
	"math"
	"testing"
	"time"
)

// Promise: reflexive with NaNs. Broken: maps are looked up by MapIndex, and
// a NaN key never finds itself. Minimal input: map[float64]int{NaN: 1}.
func TestAdversary30_SameNaNKeyNotReflexive(t *testing.T) {
	m := map[float64]int{math.NaN(): 1}
	if !same(m, m) {
		t.Fatalf("a map with a NaN key is not the same as itself")
	}
}

// Promise: reflexive with NaNs. Broken: complex numbers are not numbers to
// sameValues and fall to reflect.Value.Equal, where NaN != NaN. Minimal
// input: complex(NaN, 0).
func TestAdversary30_SameComplexNaNNotReflexive(t *testing.T) {
	c := complex(math.NaN(), 0)
	if !same([]any{c}, []any{c}) {
		t.Fatalf("a complex NaN is not the same as itself")
	}
}

// Promise: terminates quickly for any value. Broken: the pair memory is
// only the current path (deleted on return), so a DAG that reuses a part
// at every level is compared 2^depth times. Minimal input: 40 levels of
// []any{d, d}, compared with an equal copy.
func TestAdversary30_SameDeepDAGExponential(t *testing.T) {
	a, b := any(1), any(1)
	for range 40 {
		a, b = []any{a, a}, []any{b, b}
	}
	done := make(chan bool, 1)
	go func() { done <- same(a, b) }()
	select {
	case ok := <-done:
		if !ok {
			t.Fatalf("two equal DAGs are not the same")
		}
	case <-time.After(2 * time.Second):
		t.Fatalf("same on a 40-level shared DAG did not finish in 2s (2^40 work)")
	}
}
