package dsl

import (
	"fmt"

	"github.com/expr-lang/expr/ast"
)

// A time's AddDate adds years, months and days with Go's int arithmetic:
// time.Date normalizes them without a check, so at.AddDate(MaxInt, 0, 0)
// wraps into the past and a rule decides on it. Each step AddDate is
// given is bounded by a million years (maxDateYears), far beyond any
// date a CRM keeps and far inside what a time holds (some 292 billion
// years either way), so the date it gives is the one asked for, or the
// rule fails with ErrOverflow at the step.

// dateStepFunc is __datestep(n, unit): n, or a failure where a step of n
// years (unit 0), months (1) or days (2) is more than a million years.
const dateStepFunc = "__datestep"

// maxDateYears bounds a step of AddDate, in years.
const maxDateYears = 1_000_000

// dateStepUnits name AddDate's arguments and their bounds, in order.
var dateStepUnits = [3]struct {
	name string
	max  int
}{{"years", maxDateYears}, {"months", 12 * maxDateYears}, {"days", 366 * maxDateYears}}

// boundDateSteps wraps each argument of a call of a time's AddDate in
// __datestep.
func boundDateSteps(c *ast.CallNode) {
	m, ok := c.Callee.(*ast.MemberNode)
	if !ok || m.Node == nil || len(c.Arguments) != len(dateStepUnits) {
		return
	}
	if p, ok := m.Property.(*ast.StringNode); !ok || p.Value != "AddDate" || deref(receiverType(m.Node)) != timeType {
		return
	}
	for i, a := range c.Arguments {
		unit := &ast.IntegerNode{Value: i}
		unit.SetLocation(a.Location())
		c.Arguments[i] = internalCall(dateStepFunc, a, a, unit)
	}
}

// dateStep is __datestep's function.
func dateStep(args ...any) (any, error) {
	unit, _ := args[1].(int)
	n, ok := args[0].(int)
	if !ok || unit < 0 || unit >= len(dateStepUnits) {
		return args[0], nil // not an int: AddDate's own call reports it
	}
	if u := dateStepUnits[unit]; n > u.max || n < -u.max {
		return nil, fmt.Errorf("AddDate: a step of %d %s is more than a million years: %w", n, u.name, ErrOverflow)
	}
	return n, nil
}
