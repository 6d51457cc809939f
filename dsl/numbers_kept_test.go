package dsl

import (
	"strings"
	"testing"
	"time"
)

type keptEnv struct {
	D  time.Duration   `expr:"d"`
	DS []time.Duration `expr:"ds"`
	M  time.Month      `expr:"m"`
	N  int             `expr:"n"`
}

// A built-in that wants a plain number, given one that keeps its type
// (a duration, a month), is a compile error at the argument: expr's
// checker lets it through by its kind and it would fail on every
// evaluation. Reading the duration as a number compiles.
func TestKeptNumbersAreCompileErrors(t *testing.T) {
	for _, c := range []struct{ src, err string }{
		{"abs(d) > d", "1:5: abs takes a number, and this is a time.Duration"},
		{"sum(ds) > d", "1:5: sum takes a number, and this is a time.Duration"},
		{"sum(ds, #) > d", "1:5: sum takes a number"},
		{"float(d) > 0", "1:7: float takes a number"},
		{"int(d) > 0", "1:5: int takes a number"},
		{"int(m) > 0", "1:5: int takes a number, and this is a time.Month"},
		{"abs(d.Hours()) > 0", ""},
		{"sum(ds, #.Hours()) > 0", ""},
		{"d + d > d", ""},
		{`int("3") > 0`, ""},
	} {
		for _, opts := range [][]Option{nil, {exprOnly}} {
			_, err := Compile[keptEnv, bool](c.src, opts...)
			switch {
			case c.err == "" && err != nil:
				t.Errorf("%s: %v", c.src, err)
			case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
				t.Errorf("%s: got %v, want an error with %q", c.src, err, c.err)
			}
		}
	}
}

// A table compares two integers (an int input, an int constant) exactly,
// as a rule's == and < do: 2^53+1 is not 2^53, as it would be as
// float64s. (A number written in a cell is a float64, as in a rule
// comparing an int with a float.)
func TestTableComparesIntegersExactly(t *testing.T) {
	const src = `ruleset exact version 1
const Big = 9007199254740992
table big hit F {
  type "big"
  in n
  row Big   => output row "equal"
  row > Big => output row "above"
  row -     => output row "other"
}
rule same {
  type "same"
  when n == 9007199254740992
}
`
	for _, opts := range [][]Option{nil, {exprOnly}} {
		rs, err := CompileRules[keptEnv]([]byte(src), opts...)
		if err != nil {
			t.Fatal(err)
		}
		hits, err := rs.Eval(keptEnv{N: 1<<53 + 1}, a5Now)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]any{}
		for _, h := range hits {
			got[h.Rule] = h.Outputs["row"]
		}
		if got["big"] != "above" || got["same"] != nil {
			t.Errorf("n = 2^53+1: got %v; want big above, same not firing", got)
		}
	}
}
