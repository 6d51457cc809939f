package dsl_test

import (
	"math"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
)

// FuzzCompileEval compiles arbitrary source as a condition, as any value
// and as a number, and evaluates it: an error or a result, never a panic,
// and never a NaN number. The seed corpus
// lives in testdata/fuzz/FuzzCompileEval.
func FuzzCompileEval(f *testing.F) {
	f.Add("n >= 30 && x < 0.6 && daysUntil(t) <= 14")
	f.Fuzz(func(t *testing.T, src string) {
		now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
		envs := []dateEnv{{}, {N: 31, X: math.NaN(), T: now, Extra: map[string]int{"a": 1}, Ptr: &dateEnv{X: 1}}}
		if e, err := dsl.Compile[dateEnv, bool](src); err == nil {
			for _, env := range envs {
				_, _ = e.Eval(env, now)
				_, _ = e.Explain(env, now)
			}
		}
		if e, err := dsl.Compile[dateEnv, any](src); err == nil {
			for _, env := range envs {
				_, _ = e.Eval(env, now)
			}
		}
		// As a number, a value known only when it runs is read then
		// (number_result.go): a number that is never NaN, or an error.
		if e, err := dsl.Compile[dateEnv, float64](src); err == nil {
			for _, env := range envs {
				if v, err := e.Eval(env, now); err == nil && math.IsNaN(v) {
					t.Fatalf("%s as a number: NaN without an error", src)
				}
				_, _ = e.Explain(env, now)
			}
		}
	})
}
