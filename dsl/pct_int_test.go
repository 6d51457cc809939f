package dsl

import (
	"testing"
	"time"
)

type pctEnv struct {
	I   int64          `expr:"i"`
	F   float64        `expr:"f"`
	Any map[string]any `expr:"m"`
}

// TestPctIntegers: pct writes an integer exactly on both paths and in
// Explain, whatever its type (through a float64, 2^53+1 printed as 2^53);
// a fraction as before.
func TestPctIntegers(t *testing.T) {
	env := pctEnv{I: 1<<53 + 1, F: 0.125, Any: map[string]any{"n": int64(1<<53 + 1), "u": uint32(3)}}
	for _, tc := range []struct{ src, want string }{
		{"pct(i)", "900719925474099300%"},
		{"pct(i, 2)", "900719925474099300%"},
		{"pct(m.n)", "900719925474099300%"},
		{"pct(m.u)", "300%"},
		{"pct(0)", "0%"},
		{"pct(-2)", "-200%"},
		{"pct(f)", "12.5%"},
		{"pct(f, 0)", "12%"}, // 12.5 to even, as strconv rounds
	} {
		for _, opts := range [][]Option{nil, {exprOnly}} {
			e, err := Compile[pctEnv, string](tc.src, opts...)
			if err != nil {
				t.Fatalf("%s: %v", tc.src, err)
			}
			got, err := e.Eval(env, time.Time{})
			x, xerr := e.Explain(env, time.Time{})
			if err != nil || xerr != nil || got != tc.want || x.Value != tc.want {
				t.Errorf("%s (expr only %v): Eval %q %v, Explain %v %v; want %q", tc.src, opts != nil, got, err, x.Value, xerr, tc.want)
			}
		}
	}
}
