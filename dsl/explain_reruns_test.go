package dsl

import (
	"strings"
	"testing"
)

// Explain charges work a parent's run does again once, so it agrees with
// Eval on the budget; the work of those runs is bounded apart: a loop
// under sixty levels of ! is run again at most explainReruns budgets'
// worth, and the levels past that say so.
func TestExplainRerunsBounded(t *testing.T) {
	src := strings.Repeat("!", 60) + "(sum(map(1..10000, #)) < 0)"
	e, err := Compile[a22Env, bool](src, WithLimits(Limits{MaxSteps: 50_000}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Eval(a22Env0(), a22Now); err != nil {
		t.Fatalf("Eval: %v; want it within the budget", err)
	}
	x, err := e.Explain(a22Env0(), a22Now)
	if err != nil {
		t.Fatal(err)
	}
	over := 0
	for s := x.Root; s != nil; {
		if strings.Contains(s.Err, "Explain's reruns") {
			over++
		}
		if len(s.Children) == 0 {
			break
		}
		s = s.Children[0]
	}
	if over == 0 {
		t.Fatalf("sixty levels each running a loop of 10,000 elements again: no level stopped at the bound of the reruns")
	}
}
