package dsl

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"
)

type ceilingEnv struct {
	N int `expr:"n"`
}

// Budgets of MaxInt ("no limit") still refuse what no machine backs: a
// range of 2^40 ints (8 TiB, which Go could only die trying to allocate),
// a string of 2^60 bytes, the range from MinInt to MaxInt, with ErrLimit;
// Eval and expr alone alike. A rule within the memory ceiling runs.
func TestBudgetsOfMaxIntRefuseWhatNoMachineBacks(t *testing.T) {
	unbounded := WithLimits(Limits{MaxSteps: math.MaxInt, MemoryBudget: math.MaxInt})
	for _, c := range []struct {
		src string
		n   int
	}{
		{"len(1..n)", 1 << 40},
		{"len(repeat(\"x\", n))", 1 << 60},
		{"len(-n - 1..n)", math.MaxInt},
		{"len(map(1..n, #))", 1 << 30},
	} {
		for _, opts := range [][]Option{{unbounded}, {unbounded, exprOnly}} {
			e, err := Compile[ceilingEnv, int](c.src, opts...)
			if err != nil {
				t.Fatalf("%s: %v", c.src, err)
			}
			if _, err := e.Eval(ceilingEnv{N: c.n}, time.Time{}); !errors.Is(err, ErrLimit) {
				t.Errorf("%s with n = %d (expr alone %v): %v, want ErrLimit", c.src, c.n, len(opts) > 1, err)
			}
		}
	}
	e, err := Compile[ceilingEnv, int]("len(1..n)", unbounded)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := e.Eval(ceilingEnv{N: 1 << 20}, time.Time{}); err != nil || got != 1<<20 {
		t.Errorf("len(1..n) with n = 2^20: %v, %v", got, err)
	}
}

type countEnv struct {
	B []bool    `expr:"b"`
	F []float64 `expr:"f"`
}

// count(xs) and sum(xs) of floats are expr's own loops over xs; their
// implicit predicate steps as an explicit one does, so with a step budget
// of MaxInt the evaluation still ends at its context's deadline, on both
// paths.
func TestCountOfAListStopsAtTheDeadline(t *testing.T) {
	env := countEnv{B: make([]bool, 1<<24), F: make([]float64, 1<<24)} // loops of about half a second
	for _, opts := range [][]Option{nil, {exprOnly}} {
		s, err := Compile[countEnv, float64]("sum(f)", append(opts, WithLimits(Limits{MaxSteps: math.MaxInt}))...)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
		_, err = s.EvalContext(ctx, env, time.Time{})
		cancel()
		if !errors.Is(err, ErrCancelled) {
			t.Errorf("sum(f) over 2^24 elements past a 10 ms deadline (expr alone %v): %v, want ErrCancelled", opts != nil, err)
		}
		if got, err := s.Eval(countEnv{F: []float64{0.5, 1.5}}, time.Time{}); err != nil || got != 2 {
			t.Errorf("sum of [0.5, 1.5]: %v, %v", got, err)
		}
		e, err := Compile[countEnv, int]("count(b)", append(opts, WithLimits(Limits{MaxSteps: math.MaxInt}))...)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel = context.WithTimeout(context.Background(), 10*time.Millisecond)
		_, err = e.EvalContext(ctx, env, time.Time{})
		cancel()
		if !errors.Is(err, ErrCancelled) {
			t.Errorf("count(b) over 2^24 elements past a 10 ms deadline (expr alone %v): %v, want ErrCancelled", opts != nil, err)
		}
		if got, err := e.Eval(countEnv{B: []bool{true, false, true}}, time.Time{}); err != nil || got != 2 {
			t.Errorf("count of [true, false, true]: %v, %v", got, err)
		}
	}
}
