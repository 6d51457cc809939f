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

type explainCtxEnv struct {
	N int   `expr:"n"`
	L []int `expr:"l"`
}

// ExplainContext stops with the context, as EvalContext does: under an
// ended context it fails as EvalContext fails (a rule set's rule with
// ErrCancelled, looked at before each rule), and under budgets of
// MaxInt a long rule is stopped by the deadline, which is then all that
// bounds it; Explain is ExplainContext under context.Background.
func TestExplainContextStops(t *testing.T) {
	unbounded := WithLimits(Limits{MaxSteps: math.MaxInt, MemoryBudget: math.MaxInt})
	long := "n > 0 && any(l, any(l, any(l, # < 0)))" // len(l)³ steps, nothing built
	e, err := Compile[explainCtxEnv, bool](long, unbounded)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := CompileRules[explainCtxEnv]([]byte("ruleset r version 1\nrule long {\n  type \"t\"\n  when "+long+"\n}\n"), unbounded)
	if err != nil {
		t.Fatal(err)
	}
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	_, evalErr := e.EvalContext(ended, explainCtxEnv{N: 10}, time.Time{})
	if _, err := e.ExplainContext(ended, explainCtxEnv{N: 10}, time.Time{}); !errors.Is(err, ErrCancelled) && fmt.Sprint(err) != fmt.Sprint(evalErr) {
		t.Errorf("Expr.ExplainContext under an ended context: %v, EvalContext's %v", err, evalErr)
	}
	if x, err := rs.ExplainContext(ended, "long", explainCtxEnv{N: 10}, time.Time{}); err != nil || !strings.Contains(x.Err, "cancelled") {
		t.Errorf("RuleSet.ExplainContext under an ended context: %+v, %v; want the rule cancelled", x, err)
	}
	// 10^12 steps: hours, unless the deadline stops the explanation.
	huge := explainCtxEnv{N: 1, L: make([]int, 10_000)}
	testguard.Run(t, time.Minute, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		if _, err := e.ExplainContext(ctx, huge, time.Time{}); !errors.Is(err, ErrCancelled) {
			t.Errorf("Expr.ExplainContext past its deadline: %v, want ErrCancelled", err)
		}
	})
	testguard.Run(t, time.Minute, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		if x, err := rs.ExplainContext(ctx, "long", huge, time.Time{}); err != nil || !strings.Contains(x.Err, "cancelled") {
			t.Errorf("RuleSet.ExplainContext past its deadline: %+v, %v; want the rule stopped", x, err)
		}
	})
	if x, err := e.Explain(explainCtxEnv{N: 10, L: []int{-1}}, time.Time{}); err != nil || x.Value != true {
		t.Errorf("Explain: %+v, %v", x, err)
	}
}
