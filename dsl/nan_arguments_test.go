package dsl

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"
)

// nanArgAccount is a host type whose method rules may call.
type nanArgAccount struct {
	Limit float64
}

// Over decides on its argument, as a host's method may.
func (a nanArgAccount) Over(x float64) bool { return !(x <= a.Limit) }

type nanArgEnv struct {
	X   float64            `expr:"x"`
	P   *float64           `expr:"p"`
	L   []float64          `expr:"l"`
	M   map[string]float64 `expr:"m"`
	A   any                `expr:"a"`
	S   nanArgAccount      `expr:"s"`
	Acc nanArgAccount      `expr:"acc"`
}

// A host's function or method given a NaN, or a list or a map holding
// one, fails the evaluation with ErrNaN at the argument: its code could
// decide on the NaN (!(x < 0.5) is true of one), and NaN never decides.
// A struct is given as it is. Eval, Explain and expr alone agree.
func TestNaNArgumentsOfHostFunctions(t *testing.T) {
	nan := math.NaN()
	opts := []Option{
		WithFunc1("high", func(x float64) bool { return !(x < 0.5) }),
		WithFunction("highAny", func(x any) bool { f, _ := x.(float64); return !(f < 0.5) }),
		WithFunc1("firstHigh", func(l []float64) bool { return len(l) > 0 && !(l[0] < 0.5) }),
		WithFunc1("anyHigh", func(m map[string]float64) bool { return !(m["k"] < 0.5) }),
		WithFunc1("limited", func(a nanArgAccount) bool { return a.Limit > 0 }),
		WithMethods[nanArgAccount]("Over"),
	}
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	bad := nanArgEnv{X: nan, P: &nan, L: []float64{nan}, M: map[string]float64{"k": nan}, A: nan, S: nanArgAccount{Limit: nan}, Acc: nanArgAccount{Limit: 1}}
	seven := 0.7
	good := nanArgEnv{X: 0.7, P: &seven, L: []float64{0.7}, M: map[string]float64{"k": 0.7}, A: 0.7, S: nanArgAccount{Limit: 1}, Acc: nanArgAccount{Limit: 0.5}}
	for _, c := range []struct {
		src      string
		nanFails bool // the bad env fails with ErrNaN
		col      int  // where, 1-based
	}{
		{"high(x)", true, 6},
		{"high(x * 2)", true, 8},
		{"high(p ?? 0.1)", true, 8},
		{"highAny(a)", true, 9},
		{"firstHigh(l)", true, 11},
		{"anyHigh(m)", true, 9},
		{"acc.Over(x)", true, 10},
		{"limited(s)", false, 0}, // a struct is the function's to read
		{"high(0.7)", false, 0},
	} {
		for _, exprOnlyPath := range []bool{false, true} {
			o := opts
			if exprOnlyPath {
				o = append(append([]Option(nil), opts...), exprOnly)
			}
			e, err := Compile[nanArgEnv, bool](c.src, o...)
			if err != nil {
				t.Fatalf("%s: %v", c.src, err)
			}
			v, err := e.Eval(bad, now)
			var de *Error
			switch {
			case c.nanFails && (!errors.Is(err, ErrNaN) || !errors.As(err, &de) || de.Column != c.col):
				t.Errorf("%s (expr alone %v) of a NaN: %v, %v; want ErrNaN at column %d", c.src, exprOnlyPath, v, err, c.col)
			case !c.nanFails && err != nil:
				t.Errorf("%s (expr alone %v): %v", c.src, exprOnlyPath, err)
			}
			if _, xerr := e.Explain(bad, now); fmt.Sprint(xerr) != fmt.Sprint(err) {
				t.Errorf("%s: Explain's error %v, Eval's %v", c.src, xerr, err)
			}
			if v, err := e.Eval(good, now); err != nil || !v {
				t.Errorf("%s (expr alone %v) of 0.7: %v, %v; want true", c.src, exprOnlyPath, v, err)
			}
		}
	}
}
