package dsl

import (
	"strings"
	"testing"
	"time"
)

type nilCauseErr struct{ msg string }

func (e *nilCauseErr) Error() string { return e.msg }

// TestHostFunctionTypedNilError: a host function that returns a nil
// pointer as its error failed, and the evaluation's error says so by name
// and type rather than "<nil>".
func TestHostFunctionTypedNilError(t *testing.T) {
	f := func(x int) (int, error) { var e *nilCauseErr; return 0, e }
	for i, opts := range [][]Option{{WithFunction("f", f)}, {WithFunction("f", f), exprOnly}} {
		c, err := Compile[accEnv, bool](`f(1) > 0`, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if _, err = c.Eval(accEnv{}, time.Time{}); err == nil || !strings.Contains(err.Error(), "f returned a nil *dsl.nilCauseErr as its error") {
			t.Errorf("%s: %v", a22Names[i], err)
		}
	}
}
