package advisorytest_test

import (
	"testing"

	"github.com/engagekit/engagekit/advisory/advisorytest"
	"github.com/engagekit/engagekit/internal/zerocall"
)

// Every exported type's zero value, and a pointer to one, take every
// method call without a panic.
func TestZeroValuesNeverPanic(t *testing.T) {
	zerocall.Check(t, ".",
		advisorytest.Boundaries{}, advisorytest.CaseResult{}, advisorytest.Coverage{}, advisorytest.Differences{},
		advisorytest.FailureChange{}, advisorytest.Report{}, advisorytest.RuleCoverage{})
}
