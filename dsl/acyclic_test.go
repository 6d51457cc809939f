package dsl

import (
	"errors"
	"strings"
	"testing"
	"time"
)

type cycleEnv struct {
	A any            `expr:"a"`
	P *any           `expr:"p"`
	M map[string]any `expr:"m"`
	L []any          `expr:"l"`
}

// A value that points back at itself through pointers and interfaces
// (p := new(any); *p = p) fails every expression that reads it, promptly,
// with an error at the read, where expr's deref would follow it for ever;
// Eval, Explain and expr alone agree. A map or a list that only holds one
// (keys(m), len(l), and m == m, compared by the NaN walk, which follows a
// bounded number of hops) is not read through it.
func TestSelfReferencingValuesFail(t *testing.T) {
	p := new(any)
	*p = p
	env := cycleEnv{A: p, P: p, M: map[string]any{"k": p}, L: []any{p}}
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	for _, src := range []string{"a == nil", "a != nil", "a ?? 1", "a.x == 1", "m.k == 1", "m.k > 1", "type(a)", "a in [1, 2]",
		"len(a)", "upper(a)", "!a", "a and true", "a ? 1 : 2", "m.k == nil", "a?.b", "a[0]", "a contains \"x\"",
		"all([a], # == nil)", "first(l) == 1", "l[0] == 1", "get(m, \"k\") == 1", "p == nil", "1 in l", "string(a)", "int(a)",
		"float(a)", "abs(a)", "a ** 2", "-a"} {
		for _, opts := range [][]Option{nil, {exprOnly}} {
			done := make(chan error, 1)
			go func() {
				e, err := Compile[cycleEnv, any](src, opts...)
				if err != nil {
					done <- nil // refused at compile time: nothing runs
					return
				}
				_, err = e.Eval(env, now)
				if _, xerr := e.Explain(env, now); (xerr == nil) != (err == nil) {
					t.Errorf("%s: Explain's error %v, Eval's %v", src, xerr, err)
				}
				done <- err
			}()
			select {
			case err := <-done:
				var de *Error
				if err != nil && !errors.As(err, &de) {
					t.Errorf("%s: %v, want a *dsl.Error", src, err)
				}
				if err != nil && strings.Contains(err.Error(), "points back at itself") && !errors.Is(err, ErrEval) {
					t.Errorf("%s: %v, want ErrEval", src, err)
				}
				if err != nil && !strings.Contains(err.Error(), "points back at itself") && !strings.Contains(err.Error(), "argument is") &&
					!strings.Contains(err.Error(), "want") && !strings.Contains(err.Error(), "invalid operation") {
					t.Errorf("%s: %v", src, err)
				}
			case <-time.After(20 * time.Second):
				t.Fatalf("%s: no answer in 20 s (expr alone: %v)", src, opts != nil)
			}
		}
	}
	for _, src := range []string{"keys(m)", "m == m", "len(l)"} {
		e, err := Compile[cycleEnv, any](src)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Eval(env, now); err != nil {
			t.Errorf("%s: %v, want a value: nothing is read through the cycle", src, err)
		}
	}
}
