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
