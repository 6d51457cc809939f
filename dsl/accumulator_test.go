package dsl

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// accEnv is the environment of the accumulator tests.
type accEnv struct {
	Xs  []int           `expr:"xs"`
	Fs  []float64       `expr:"fs"`
	Ss  []string        `expr:"ss"`
	Bs  []bool          `expr:"bs"`
	Ts  []time.Time     `expr:"ts"`
	Ds  []time.Duration `expr:"ds"`
	Any []any           `expr:"anys"`
	Xss [][]int         `expr:"xss"`
}

// TestReduceAccumulatorTyped holds reduce's step to the type #acc holds at
// run time: a step that cannot take it is a compile error of kind type,
// naming what #acc held; a step that can (including one that changes the
// accumulator's type, or reads an untyped list) compiles and runs.
func TestReduceAccumulatorTyped(t *testing.T) {
	refused := []struct{ expr, held string }{
		{`reduce(ss, #acc + #, 0) != nil`, "initial value, a int"},
		{`reduce(xs, #acc + #, "") != nil`, "initial value, a string"},
		{`reduce(xs, #acc || # > 0, 0) != nil`, "initial value, a int"},
		{`reduce(xs, #acc && # > 0, 1.5) != nil`, "initial value, a float64"},
		{`reduce(ts, #acc + #, 0) != nil`, "initial value, a int"},
		{`reduce(ss, #acc * 2) != nil`, "first element, a string"},
		{`reduce(xs, #acc % 2 + 0.5, 0) != nil`, "a float64, after 1 step(s)"},
		{`reduce(xss, reduce(#, #acc + #, "x") + #acc, 0) != nil`, "initial value, a string"},
		{`reduce(xs, #acc.Year() + #, 0) != nil`, "initial value, a int"},
		{`reduce(ds, #acc + #, "") != nil`, "initial value, a string"},
	}
	for _, c := range refused {
		_, err := Compile[accEnv, bool](c.expr)
		if !errors.Is(err, ErrType) || !strings.Contains(err.Error(), c.held) {
			t.Errorf("%s: got %v, want a type error saying #acc holds %q", c.expr, err, c.held)
		}
	}
	env := accEnv{Xs: []int{1, 2, 3}, Fs: []float64{0.5, 1}, Ss: []string{"a", "b"}, Bs: []bool{true, false},
		Ts: []time.Time{time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)}, Ds: []time.Duration{time.Hour, time.Minute},
		Any: []any{1, "a"}, Xss: [][]int{{1, 2}, {3}}}
	accepted := []struct {
		expr string
		want bool
	}{
		{`reduce(xs, #acc + #, 0) == 6`, true},
		{`reduce(xs, #acc + #, 0.5) == 6.5`, true},
		{`reduce(fs, #acc + #, 0) == 1.5`, true},
		{`reduce(ss, #acc + #, "") == "ab"`, true},
		{`reduce(ss, #acc + len(#), 0) == 2`, true},
		{`reduce(bs, #acc || #, false)`, true},
		{`reduce(xs, #acc + string(#), "") == "123"`, true},
		{`reduce(ds, #acc + #, duration("0s")) == duration("61m")`, true},
		{`reduce(ts, # > #acc ? # : #acc, date("2020-01-01")) > date("2021-01-01")`, true},
		{`reduce(xs, #acc % 2 + #, 0) == 4`, true},
		{`reduce(xss, #acc + reduce(#, #acc + #, 0), 0) == 6`, true},
		{`reduce(xs, #acc > 1 ? float(#acc) / 2 : #acc + #, 0) > 0`, true},
		{`reduce(anys, #acc + 1, 0) == 2`, true},
		{`reduce(xs, #acc + #) == 6`, true},
	}
	for _, c := range accepted {
		for i, opts := range [][]Option{nil, {exprOnly}} {
			cond, err := Compile[accEnv, bool](c.expr, opts...)
			if err != nil {
				t.Errorf("%s: %v", c.expr, err)
				continue
			}
			if got, err := cond.Eval(env, time.Time{}); err != nil || got != c.want {
				t.Errorf("%s: %s = %v, %v; want %v", a22Names[i], c.expr, got, err, c.want)
			}
		}
	}
}

// TestPointerScopes: #, #index and #acc are read where they run. Those
// the checker would read in another scope than the run time does are
// compile errors (reduce's initial value and sortBy's order run in the
// built-in's own scope), as is #acc inside another built-in's predicate
// (expr's checker refuses it); the rest compile and run on both backends.
func TestPointerScopes(t *testing.T) {
	refused := []struct{ expr, says string }{
		{`reduce(xss, reduce(#, #acc + #, #acc), 0) == 6`, "reduce's initial value"},
		{`all(xss, reduce(#, #acc + #, #[0]) > 0)`, "reduce's initial value"},
		{`all(ss, sortBy(xs, #, #)[0] == 3)`, "sortBy's order"},
		{`reduce(xss, #acc + sum(#, #acc), 0) > 0`, "unknown pointer #acc"}, // expr's checker: sum's own scope
		{`reduce(xss, #acc + len(map(#, #acc)), 0) > 0`, "unknown pointer #acc"},
	}
	for _, c := range refused {
		for i, opts := range [][]Option{nil, {exprOnly}} {
			_, err := Compile[accEnv, bool](c.expr, opts...)
			if !errors.Is(err, ErrType) || !strings.Contains(err.Error(), c.says) {
				t.Errorf("%s: %s: %v, want a type error saying %q", a22Names[i], c.expr, err, c.says)
			}
		}
	}
	env := accEnv{Xs: []int{3, 1, 2}, Ss: []string{"a"}, Xss: [][]int{{1, 2}, {3}}}
	accepted := []string{
		`all(xss, any(#, # > 0))`,
		`reduce(xss, #acc + reduce(#, #acc + #, 0), 0) == 6`,
		`reduce(xss, #acc + sum(#, # * 2), 0) == 12`,
		`sortBy(xs, #, "desc")[0] == 3`,
		`reduce(xs, #acc + #, len(xs)) == 9`,
		`all(xss, reduce(#, #acc + #, len(xs)) > 3)`,
		`reduce(xss, #acc + reduce(#, #acc + #, sum(xs, #)), 0) == 18`,
	}
	for _, src := range accepted {
		for i, opts := range [][]Option{nil, {exprOnly}} {
			c, err := Compile[accEnv, bool](src, opts...)
			if err != nil {
				t.Errorf("%s: %s: %v", a22Names[i], src, err)
				continue
			}
			if got, err := c.Eval(env, time.Time{}); err != nil || !got {
				t.Errorf("%s: %s = %v, %v; want true", a22Names[i], src, got, err)
			}
		}
	}
}

// TestAccumulatorsDeeplyNested: a chain of reduces each folding onto the
// one inside it is typed whole, however deep within the rounds (the
// innermost accumulator's string reaches the outermost step, which adds
// ints to it: refused), and past them is a limit error, never left
// unchecked.
func TestAccumulatorsDeeplyNested(t *testing.T) {
	chain := func(n int) string {
		src := `""`
		for range n {
			src = `reduce(ss, #acc + #, ` + src + `)`
		}
		return `reduce(xs, #acc + #, ` + src + `) != nil`
	}
	if _, err := Compile[accEnv, bool](chain(40)); !errors.Is(err, ErrType) {
		t.Errorf("40 reduces deep: %v, want the type error of the outermost step", err)
	}
	if _, err := Compile[accEnv, bool](chain(70), WithLimits(Limits{MaxNodes: 100_000})); !errors.Is(err, ErrLimit) {
		t.Errorf("70 reduces deep: %v, want a limit error", err)
	}
	wide := "true"
	for range 300 {
		wide += ` && reduce(xs, #acc + #, 0) >= 0`
	}
	if _, err := Compile[accEnv, bool](wide, WithLimits(Limits{MaxNodes: 100_000})); err != nil {
		t.Errorf("300 reduces side by side: %v", err)
	}
}
