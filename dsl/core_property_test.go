package dsl_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

var propExprs = []string{
	"n >= 30 && x < 0.6",
	"!(x > 0.5) || n == 3",
	"ptr != nil && ptr.x > x",
	"ptr == nil || daysUntil(ptr.t) <= 14",
	"n > 10 ? x > 1 : between(x, 0, 1)",
	"not (n in [1, 2, 3]) and ratio(x, n) < 0.5",
	`extra["a"] > 2 || len(extra) == 0`,
}

func genDateEnv(t *rapid.T, depth int) dateEnv {
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	env := dateEnv{
		N: rapid.IntRange(-5, 60).Draw(t, "n"),
		X: rapid.SampledFrom([]float64{0, 0.3, 0.6, 1.5, math.NaN(), math.Inf(1), math.Inf(-1)}).Draw(t, "x"),
		T: rapid.SampledFrom([]time.Time{{}, now, now.AddDate(0, 0, 10), now.AddDate(0, 0, -40)}).Draw(t, "t"),
	}
	if rapid.Bool().Draw(t, "extra") {
		env.Extra = map[string]int{"a": rapid.IntRange(0, 5).Draw(t, "a")}
	}
	if depth == 0 && rapid.Bool().Draw(t, "ptr") {
		inner := genDateEnv(t, 1)
		env.Ptr = &inner
	}
	return env
}

// The explanation's verdict is the fast path's, for any environment,
// NaN, nil pointers and zero times included; and nothing panics.
func TestPropertyExplainAgreesWithEval(t *testing.T) {
	compiled := make([]*dsl.Expr[dateEnv, bool], len(propExprs))
	for i, src := range propExprs {
		e, err := dsl.Compile[dateEnv, bool](src)
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		compiled[i] = e
	}
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	rapid.Check(t, func(t *rapid.T) {
		env := genDateEnv(t, 0)
		for _, e := range compiled {
			got, err := e.Eval(env, now)
			x, xerr := e.Explain(env, now)
			if (err == nil) != (xerr == nil) {
				t.Fatalf("%s: Eval error %v, Explain error %v", e.Source(), err, xerr)
			}
			if err == nil && x.Value != got {
				t.Fatalf("%s: Eval %v, Explain %v", e.Source(), got, x.Value)
			}
			if err == nil {
				if root, ok := x.Root.Value.(bool); ok && root != got {
					t.Fatalf("%s: tree root %v, Eval %v\n%s", e.Source(), root, got, x)
				}
			}
			if err != nil && !errors.Is(err, dsl.ErrEval) && !errors.Is(err, dsl.ErrLimit) {
				t.Fatalf("%s: error of unexpected kind: %v", e.Source(), err)
			}
		}
	})
}

// Compiling the same source twice gives the same facts and results.
func TestPropertyCompileDeterministic(t *testing.T) {
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	rapid.Check(t, func(t *rapid.T) {
		src := rapid.SampledFrom(propExprs).Draw(t, "src")
		a, errA := dsl.Compile[dateEnv, bool](src)
		b, errB := dsl.Compile[dateEnv, bool](src)
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		if !cmp.Equal(a.Reads(), b.Reads()) || !cmp.Equal(a.Calls(), b.Calls()) {
			t.Fatalf("facts differ")
		}
		env := genDateEnv(t, 0)
		ra, ea := a.Eval(env, now)
		rb, eb := b.Eval(env, now)
		if ra != rb || (ea == nil) != (eb == nil) {
			t.Fatalf("results differ: %v %v / %v %v", ra, ea, rb, eb)
		}
	})
}
