package segment

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/dsl/rulefile"
)

// Rule is one step of a custom scheme: clients for whom When holds go to
// Segment. When is a dsl condition over the scheme's environment type.
type Rule struct {
	Segment Segment `json:"segment"`
	When    string  `json:"when"`
}

// Custom is a compiled custom scheme over environment type Env: its rules in
// order, first match wins, and a default that makes it total. It is
// immutable and safe for concurrent use.
type Custom[Env any] struct {
	rules []compiledRule[Env]
	def   Segment
}

type compiledRule[Env any] struct {
	segment Segment
	when    *dsl.Expr[Env, bool]
}

// ErrNoDefault is returned for a custom scheme without a default segment.
var ErrNoDefault = errors.New("segment: a custom scheme needs a default segment")

// ErrUnreachable is the cause of the error for a rule that can never be
// chosen because earlier rules catch every client it would.
var ErrUnreachable = errors.New("segment: unreachable rule")

// NewCustom compiles a custom scheme. Every condition is type-checked
// against Env (errors are *dsl.Error values naming the rule by its
// segment and position); a scheme without a default, and a rule that earlier
// rules always pre-empt (found by the dsl's analysis, and any rule after an
// always-true one), are errors too. opts go to the dsl compiler.
func NewCustom[Env any](rules []Rule, def Segment, opts ...dsl.Option) (*Custom[Env], error) {
	if def == "" {
		return nil, ErrNoDefault
	}
	c := &Custom[Env]{def: def}
	var errs []error
	for i, r := range rules {
		e, err := dsl.Compile[Env, bool](r.When, append(opts, dsl.WithID(fmt.Sprintf("%s (rule %d)", r.Segment, i+1)))...)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		c.rules = append(c.rules, compiledRule[Env]{segment: r.Segment, when: e})
	}
	errs = append(errs, unreachable(rules)...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// unreachable asks the rule-file analysis which rules earlier ones cover,
// by reading the scheme as a decision tree.
func unreachable(rules []Rule) []error {
	var errs []error
	f := &rulefile.File{Name: "scheme", Rules: []*rulefile.Rule{{ID: "scheme"}}}
	for i, r := range rules {
		if strings.TrimSpace(r.When) == "true" && i < len(rules)-1 {
			for j := i + 1; j < len(rules); j++ {
				errs = append(errs, fmt.Errorf("%w: rule %d (%s) follows an always-true rule", ErrUnreachable, j+1, rules[j].Segment))
			}
			return errs
		}
		f.Rules[0].Body.Branches = append(f.Rules[0].Body.Branches, &rulefile.Branch{Cond: &rulefile.Expr{Src: r.When}})
	}
	for _, finding := range rulefile.Analyze(f) {
		if finding.Code != "unreachable-branch" {
			continue
		}
		var n int
		if _, err := fmt.Sscanf(finding.Related[0], "branch %d", &n); err == nil && n >= 1 && n <= len(rules) {
			errs = append(errs, fmt.Errorf("%w: rule %d (%s): earlier rules catch every client it would", ErrUnreachable, n, rules[n-1].Segment))
		}
	}
	return errs
}

// Assign puts one environment's client in the first segment whose rule
// holds, or the default. A rule that fails to evaluate is an error: the
// scheme does not fall through to a later segment on bad data.
func (c *Custom[Env]) Assign(clientID string, env Env, now time.Time) (Assignment, error) {
	for i, r := range c.rules {
		ok, err := r.when.Eval(env, now)
		if err != nil {
			return Assignment{ClientID: clientID}, &ClientError{ClientID: clientID, Field: fmt.Sprintf("rule %d", i+1), Err: err}
		}
		if ok {
			return Assignment{ClientID: clientID, Segment: r.segment, Reason: fmt.Sprintf("rule %d: %s", i+1, r.when.Source())}, nil
		}
	}
	return Assignment{ClientID: clientID, Segment: c.def, Reason: "no rule holds: default"}, nil
}
