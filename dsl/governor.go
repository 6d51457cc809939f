package dsl

import (
	"context"
	"errors"
	"fmt"
)

// The governor bounds what one rule may cost while it runs. Every loop a
// rule can write is a predicate of a built-in (all, any, map, filter, …),
// and the front end makes each predicate's body count one step before it
// runs (see instrument.go); the built-ins that build strings or lists
// charge what they build to the memory budget before they build it. So a
// rule that would run forever or allocate without bound fails with
// [ErrLimit] instead, and one whose context is cancelled fails with
// [ErrCancelled] within a bounded number of steps.
//
// A runner owns one governor; the compiled programs reach it through a
// hidden field of the frame, so no program holds per-evaluation state.

// governor is the budget of one rule's evaluation.
type governor struct {
	steps, maxSteps int64
	mem, maxMem     int64
	done            <-chan struct{}
	ctx             context.Context
	// decs are the decisions other rules read, as decided in the current
	// evaluation, by slot (decisions.go); the reads reach them here.
	decs []decisionState
}

// spent is what the governor has counted so far, for refund.
func (g *governor) spent() [2]int64 { return [2]int64{g.steps, g.mem} }

// refund takes back what was counted since spent: the closures that
// charge (num, pct, money) may charge and then leave the expression to
// expr, which charges the same again as it runs it; paid twice, the
// budget would refuse what expr alone stays within.
func (g *governor) refund(spent [2]int64) { g.steps, g.mem = spent[0], spent[1] }

// checkEvery is how many steps pass between looks at the context: a look
// costs a channel poll, a step an increment.
const checkEvery = 256

// memUnit is the number of bytes of a string that count as one unit of the
// memory budget, which expr counts in elements of about that size.
const memUnit = 16

// ErrCancelled is the cause (errors.Is) of an evaluation stopped because
// its context was cancelled or its deadline passed. The error also matches
// the context's own error (context.Canceled or context.DeadlineExceeded).
var ErrCancelled = errors.New("dsl: evaluation cancelled")

// limitError is a governor's refusal; the evaluation that hit it reports
// it as an *Error of kind [KindLimit] naming the limit.
type limitError struct {
	limit string
	max   int64
}

func (e *limitError) Error() string {
	return fmt.Sprintf("over the limit of %d %s", e.max, e.limit)
}

// cancelError is a governor's report that its context ended.
type cancelError struct{ cause error }

func (e *cancelError) Error() string { return "evaluation cancelled: " + e.cause.Error() }

func (e *cancelError) Is(target error) bool { return target == ErrCancelled }

func (e *cancelError) Unwrap() error { return e.cause }

// stepsCeiling and memoryCeiling bound the budgets a governor keeps: a
// limit above one (MaxInt, say, meaning "no limit") is taken as it.
//
// No evaluation takes 2^58 steps (years of work); a host that lifts the
// step budget bounds a rule by its context instead. Memory is another
// matter: Go cannot recover from an allocation the machine cannot back
// (the process dies, "out of memory"), so one rule's evaluation never
// builds more than 2^28 units (4 GiB), whatever the budget allows, and a
// rule writing 1..n for a huge n is refused rather than kill its host.
// Both lie far below MaxInt64, so a count the library saturates where it
// would overflow (a range from MinInt to MaxInt, a string of 2^63 bytes,
// n·log₂n of a huge list) is always over them: with a budget of MaxInt64
// itself, such a count fitted, and failed inside Go.
const (
	stepsCeiling  = 1 << 58
	memoryCeiling = 1 << 28
)

func newGovernor(l Limits) governor {
	return governor{maxSteps: min(int64(l.MaxSteps), stepsCeiling), maxMem: min(int64(l.MemoryBudget), memoryCeiling)}
}

// start begins an evaluation under ctx.
func (g *governor) start(ctx context.Context) {
	g.ctx, g.done = ctx, nil
	if ctx != nil {
		g.done = ctx.Done()
	}
	g.reset()
}

// reset gives the next rule a fresh budget.
func (g *governor) reset() { g.steps, g.mem = 0, 0 }

// interrupted reports the context's end, if it has ended.
func (g *governor) interrupted() error {
	if g.done == nil {
		return nil
	}
	select {
	case <-g.done:
		return &cancelError{cause: g.ctx.Err()}
	default:
		return nil
	}
}

// step counts one step of a loop.
func (g *governor) step() error {
	if g.steps >= g.maxSteps { // steps never pass maxSteps, which may be MaxInt
		return &limitError{limit: "steps", max: g.maxSteps}
	}
	g.steps++
	if g.steps%checkEvery == 0 {
		return g.interrupted()
	}
	return nil
}

// poll looks at the context every checkEvery elements of a loop whose
// steps were charged at once, before it (i is the element's index): with a
// step budget of MaxInt, the charge alone looks at the context once, and
// the loop may be long.
func (g *governor) poll(i int) error {
	if i%checkEvery != checkEvery-1 {
		return nil
	}
	return g.interrupted()
}

// steps_ counts n steps at once: a built-in walking a list of n elements.
func (g *governor) steps_(n int64) error {
	// Compared as what is left, not as a sum: steps+n wraps for a huge
	// n (a range to MaxInt64) once anything was counted, and let it by.
	if n < 0 || n > g.maxSteps-g.steps {
		g.steps = g.maxSteps // spent: what follows is refused too
		return &limitError{limit: "steps", max: g.maxSteps}
	}
	before := g.steps
	g.steps += n
	if g.steps/checkEvery != before/checkEvery {
		return g.interrupted()
	}
	return nil
}

// charge counts units of memory about to be allocated.
func (g *governor) charge(units int64) error {
	if units < 0 || units > g.maxMem-g.mem { // what is left, as steps_ does
		g.mem = g.maxMem // spent: what follows is refused too
		return &limitError{limit: "units of memory", max: g.maxMem}
	}
	g.mem += units
	return nil
}

// chargeBytes counts a string of n bytes about to be built.
func (g *governor) chargeBytes(n int64) error {
	if n < 0 {
		return &limitError{limit: "units of memory", max: g.maxMem}
	}
	return g.charge(n/memUnit + 1)
}

// govFrom returns the governor a program passed as a hidden argument.
func govFrom(arg any) (*governor, error) {
	g, ok := arg.(*governor)
	if !ok || g == nil {
		return nil, errors.New("dsl: internal error: no governor")
	}
	return g, nil
}

// fail turns an error that stopped a rule outside any of its expressions
// (a cancellation between rules) into an *Error naming the rule.
func (r *cRule) fail(err error) error {
	return &Error{RuleID: r.id, Kind: kindOf(err), Msg: err.Error(), Err: err}
}

// kindOf is the Kind of a governor's error, or KindEval.
func kindOf(err error) Kind {
	var le *limitError
	var ce *cancelError
	switch {
	case errors.As(err, &le):
		return KindLimit
	case errors.As(err, &ce):
		return KindCancelled
	}
	return KindEval
}
