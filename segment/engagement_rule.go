package segment

import (
	"errors"
	"time"

	"github.com/engagekit/engagekit/dsl"
)

// EngagementRule is the engagement axis written by the host as a dsl
// expression over its own client type: a number (a score), or a condition
// (1 when it holds, 0 when it does not, so with a threshold of At(0.5) it
// splits engaged from not engaged). It is immutable and safe for concurrent
// use by multiple goroutines.
type EngagementRule[Env any] struct {
	score *dsl.Expr[Env, float64]
	cond  *condition[Env] // when the rule is a condition
}

// NewEngagementRule compiles src as a number, or failing that as a
// condition. Errors are *dsl.Error values; when src is neither, the error
// is the one of reading it as a number.
func NewEngagementRule[Env any](src string, opts ...dsl.Option) (*EngagementRule[Env], error) {
	score, err := dsl.Compile[Env, float64](src, opts...)
	if err == nil {
		return &EngagementRule[Env]{score: score}, nil
	}
	if !errors.Is(err, dsl.ErrType) {
		return nil, err
	}
	cond, condErr := compileCondition[Env](src, opts)
	if condErr != nil {
		return nil, err
	}
	return &EngagementRule[Env]{cond: &cond}, nil
}

// Score evaluates the rule for one client at time now. A NaN is an error
// (wrapping dsl.ErrNaN), never a score: a number rule that gives NaN, and
// a condition that cannot be decided because a float field it reads is
// NaN, whether it would hold or not. A rule NewEngagementRule did not
// make (a zero one) is an error wrapping dsl.ErrNotCompiled.
func (r *EngagementRule[Env]) Score(env Env, now time.Time) (float64, error) {
	if r == nil || r.score == nil && r.cond == nil {
		return 0, dsl.ErrNotCompiled // a zero rule: made by no NewEngagementRule
	}
	if r.score != nil {
		return r.score.Eval(env, now)
	}
	ok, err := r.cond.eval(env, now)
	switch {
	case err != nil:
		return 0, err
	case ok:
		return 1, nil
	}
	return 0, nil
}
