package segment

import (
	"time"

	"github.com/engagekit/engagekit/dsl"
)

// condition is a compiled dsl condition decided the same way whichever
// way it goes. The dsl fails a condition that is true while a float field
// it reads is NaN (NaN passes no comparison, so `!(x > 0.5)` would pass
// it); condition also fails one that is false for that reason, by
// evaluating its negation, so a NaN input is an error and never sends a
// client on to a later rule or a default.
type condition[Env any] struct {
	when *dsl.Expr[Env, bool]
	// not is !(when), nil if it does not compile (a source at the size
	// limit): the false case is then not checked.
	not *dsl.Expr[Env, bool]
}

// compileCondition compiles src and its negation with opts.
func compileCondition[Env any](src string, opts []dsl.Option) (condition[Env], error) {
	when, err := dsl.Compile[Env, bool](src, opts...)
	if err != nil {
		return condition[Env]{}, err
	}
	// The newline ends a line comment at the end of src.
	not, _ := dsl.Compile[Env, bool]("!("+src+"\n)", opts...)
	return condition[Env]{when: when, not: not}, nil
}

// eval decides the condition for env at time now.
func (c condition[Env]) eval(env Env, now time.Time) (bool, error) {
	ok, err := c.when.Eval(env, now)
	if err != nil || ok || c.not == nil {
		return ok, err
	}
	if _, err := c.not.Eval(env, now); err != nil {
		return false, err
	}
	return false, nil
}

// constant reports the condition's value when it has one whatever the
// client and the date: when it reads no field of the environment and calls
// no function (built-ins such as today() depend on the date, host
// functions on the host), so evaluating it once, at compile time, decides
// it. `true`, `(true)`, `1 == 1` and `!false` are constants. A constant
// whose evaluation fails (`1 % 0 == 0`) fails for every client: err is
// that failure, with ok true.
func (c condition[Env]) constant() (value, ok bool, err error) {
	if len(c.when.Reads()) > 0 || len(c.when.Calls()) > 0 {
		return false, false, nil
	}
	var zero Env
	v, err := c.when.Eval(zero, time.Time{})
	return v, true, err
}
