package dsl

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/internal/testguard"
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

// expr's fromPairs and flatten follow each element's chain themselves,
// where no node of the rule reads it: an element that points back at
// itself fails them as a read does, with ErrEval, under the default
// budgets and under budgets of MaxInt (which bound nothing), in Eval,
// Explain and expr alone; a list that holds itself twice is bounded too.
// (A pair whose key points back at itself is not followed: fromPairs
// keys its map by the pointer.)
func TestBuiltinsStopAtSelfReferencingElements(t *testing.T) {
	p := new(any)
	*p = p
	twice := []any{nil, nil}
	twice[0], twice[1] = twice, twice
	env := cycleEnv{A: twice, L: []any{p}, M: map[string]any{"k": []any{p, 1}}}
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	unbounded := WithLimits(Limits{MaxSteps: math.MaxInt, MemoryBudget: math.MaxInt})
	for _, src := range []string{"fromPairs(l)", "flatten(l)", "flatten([l])", "len(flatten(l))",
		"flatten(values(m))", "flatten([[1], l])", "len(fromPairs(l)) > 0"} {
		for _, opts := range [][]Option{nil, {exprOnly}, {unbounded}, {unbounded, exprOnly}} {
			testguard.Run(t, 20*time.Second, func() {
				e, err := Compile[cycleEnv, any](src, opts...)
				if err != nil {
					t.Errorf("%s: %v", src, err)
					return
				}
				_, err = e.Eval(env, now)
				if _, xerr := e.Explain(env, now); fmt.Sprint(xerr) != fmt.Sprint(err) {
					t.Errorf("%s: Explain's error %v, Eval's %v", src, xerr, err)
				}
				if !errors.Is(err, ErrEval) || !strings.Contains(fmt.Sprint(err), "points back at itself") {
					t.Errorf("%s (%d options): %v, want ErrEval for a value that points back at itself", src, len(opts), err)
				}
			})
		}
	}
	for _, src := range []string{"flatten(a)", "len(flatten([a, a]))"} {
		testguard.Run(t, 20*time.Second, func() {
			e, err := Compile[cycleEnv, any](src, unbounded)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if _, err := e.EvalContext(ctx, env, now); err == nil {
				t.Errorf("%s over a list that holds itself: no error", src)
			}
		})
	}
}
