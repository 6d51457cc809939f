package dsl

import (
	"errors"
	"testing"
)

type builtCycleEnv struct {
	L []any `expr:"l"`
}

// A list the host holds that holds itself is charged as what is built of
// it, one level, never followed round its cycle: concat(l) and map(l, #)
// build a list of l's elements, whatever those hold.
func TestBuiltListHoldingItselfIsChargedOnce(t *testing.T) {
	l := []any{nil, 1}
	l[0] = l
	for _, w := range []string{`len(concat(l)) == 2`, `len(map(l, #)) == 2`, `len(concat([l], [l])) == 2`} {
		for i, r := range a93Check(t, a22When(w), builtCycleEnv{L: l}) {
			var e *Error
			if r.compileErr != nil || (r.err != nil && !errors.As(r.err, &e)) || r.err == nil && len(r.hits) != 1 {
				t.Errorf("%s: %s: %s; want one hit", a22Names[i], w, r)
			}
		}
	}
}
