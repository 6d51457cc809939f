package dsl

import (
	"errors"
	"fmt"
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

type flattenEnv struct {
	L []any `expr:"l"`
}

// flatten is charged before it builds by counting what it would build; the
// count follows pointers as far as expr's flatten does and no further, so a
// host's list holding a pointer that points back at itself fails with
// ErrEval (the value has no end) instead of spinning.
func TestFlattenOfASelfPointingList(t *testing.T) {
	self := new(any)
	*self = self
	e, err := Compile[flattenEnv, int](`len(flatten(l))`)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := e.Eval(flattenEnv{L: []any{self}}, a5Now)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrEval) || !strings.Contains(fmt.Sprint(err), "points back at itself") {
			t.Errorf("flatten of a self-pointing list: %v, want ErrEval for a value that points back at itself", err)
		}
	case <-time.After(time.Minute):
		t.Fatal("flatten of a self-pointing list did not return")
	}
}
