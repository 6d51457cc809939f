package dsl_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/engagekit/engagekit/dsl"
)

// TestConstantsShareTheBudget: a rule file's constants are computed under
// the host's limits, each, and held together within its MemoryBudget.
func TestConstantsShareTheBudget(t *testing.T) {
	type env struct{}
	lim := dsl.Limits{MemoryBudget: 8_000}
	file := func(n int) []byte {
		var b strings.Builder
		b.WriteString("ruleset r version 1\n")
		for i := range n {
			fmt.Fprintf(&b, "const C%d = repeat(\"x\", 40000)\n", i) // 2,501 units each
		}
		b.WriteString("rule a {\n  type \"t\"\n  when C0 != \"\"\n}\n")
		return []byte(b.String())
	}
	if _, err := dsl.CompileRules[env](file(3), dsl.WithLimits(lim)); err != nil {
		t.Fatalf("three constants of 2,501 units under 8,000: %v", err)
	}
	_, err := dsl.CompileRules[env](file(4), dsl.WithLimits(lim))
	if !errors.Is(err, dsl.ErrLimit) {
		t.Fatalf("four constants of 2,501 units under 8,000: got %v, want ErrLimit", err)
	}
	if !strings.Contains(err.Error(), "C3") {
		t.Fatalf("%v: want the constant that passed the budget named", err)
	}
	one := []byte("ruleset r version 1\nconst Big = repeat(\"x\", 200000)\nrule a {\n  type \"t\"\n  when Big != \"\"\n}\n")
	if _, err := dsl.CompileRules[env](one, dsl.WithLimits(lim)); !errors.Is(err, dsl.ErrLimit) {
		t.Fatalf("one constant of 12,501 units under 8,000: got %v, want ErrLimit", err)
	}
}
