package dsl_test

import (
	"testing"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/internal/zerocall"
)

// Every exported type's zero value, and a pointer to one, take every
// method call without a panic: a host holds values it did not build with
// the constructors (a struct field, a var, a decoded config).
func TestZeroValuesNeverPanic(t *testing.T) {
	type env struct{ X int }
	zerocall.Check(t, ".",
		dsl.Binding{}, dsl.BranchExplanation{}, dsl.DecisionExplanation{}, dsl.Error{}, dsl.EvalOptions{},
		dsl.Explanation{}, dsl.Expr[env, bool]{}, dsl.HitPolicy(0), dsl.Hit{}, dsl.HitStore{}, dsl.Kind(0), dsl.Limits{}, dsl.Locale{},
		dsl.RowExplanation{}, dsl.RuleExplanation{}, dsl.RuleInfo{}, dsl.RuleSet[env]{}, dsl.Step{})
}
