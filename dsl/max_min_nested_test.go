package dsl

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/engagekit/engagekit/internal/testguard"
)

type maxMinEnv struct {
	L any       `expr:"l"`
	F []float64 `expr:"f"`
}

// TestMaxMinNested holds max and min over lists of lists to expr's own
// answer where there is one (they read every depth) and to the library's
// promises where expr has none: a NaN at any depth fails, on both paths
// and in Explain alike; every element at every depth is a step.
func TestMaxMinNested(t *testing.T) {
	nan := math.NaN()
	f32 := float32(0.25)
	for _, tc := range []struct {
		name, src string
		l         any
		want      float64
		wantErr   error
	}{
		{"max of nested", "max(l)", []any{[]any{1.0, 7}, 3, []float64{2, 5}}, 7, nil},
		{"min of nested", "min(l)", []any{[]any{1.5, []int{-4}}, 3}, -4, nil},
		{"NaN inner, first", "max(l)", []any{[]any{nan, 1.0}, 2.0}, 0, ErrNaN},
		{"NaN inner, last", "max(l)", []any{2.0, []any{1.0, nan}}, 0, ErrNaN},
		{"NaN two deep", "min(l)", []any{[]any{[]float64{1, nan}}, 0.5}, 0, ErrNaN},
		{"NaN behind a pointer", "min(l)", []any{[]any{&nan}, 1.0}, 0, ErrNaN},
		{"float32 inner read as written", "max(l)", []any{[]any{f32}, 0.1}, 0.25, nil},
		{"with a scalar argument", "max(l, f)", []any{[]any{9}}, 9, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := maxMinEnv{L: tc.l, F: []float64{1, 2}}
			for _, opts := range [][]Option{nil, {exprOnly}} {
				testguard.Run(t, 10*time.Second, func() {
					e, err := Compile[maxMinEnv, float64](tc.src, opts...)
					if err != nil {
						t.Fatalf("compile: %v", err)
					}
					got, err := e.Eval(env, time.Time{})
					x, xerr := e.Explain(env, time.Time{})
					if tc.wantErr != nil {
						if !errors.Is(err, tc.wantErr) || !errors.Is(xerr, tc.wantErr) {
							t.Fatalf("Eval: %v, Explain: %v; want %v from both", err, xerr, tc.wantErr)
						}
						return
					}
					if err != nil || xerr != nil {
						t.Fatalf("Eval: %v, Explain: %v", err, xerr)
					}
					if got != tc.want || x.Value != tc.want {
						t.Fatalf("Eval %v, Explain %v; want %v", got, x.Value, tc.want)
					}
				})
			}
		})
	}
}

// TestMaxMinNestedSteps: the elements of inner lists are steps, so a
// list of a few long lists is refused by the step budget, not read whole.
func TestMaxMinNestedSteps(t *testing.T) {
	long := make([]float64, 10_000)
	env := maxMinEnv{L: []any{long, long, long}}
	for _, opts := range [][]Option{nil, {exprOnly}} {
		e, err := Compile[maxMinEnv, float64]("max(l)", append(opts, WithLimits(Limits{MaxSteps: 5_000}))...)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Eval(env, time.Time{}); !errors.Is(err, ErrLimit) {
			t.Fatalf("got %v, want ErrLimit: 30,000 inner elements within 5,000 steps", err)
		}
	}
}
