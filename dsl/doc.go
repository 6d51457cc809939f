// Package dsl is engagekit's rules language: expressions in the expr
// language (https://expr-lang.org) compiled against a host's own Go types,
// and rule files of rules, decision trees and decision tables built on them.
// Rules are written by a firm's people and stored by the host, so the
// package treats them as untrusted: every name and type is checked at
// compile time, resources are bounded, and no rule can panic the host or
// reach anything the host did not put in its environment.
//
// # Expressions
//
// [Compile] compiles an expression against an environment type Env (a
// struct, or a pointer to one) and a result type R. Rules name fields by
// their Go name or `expr:"name"` tag. The result must fit R (bool for
// conditions, float64 for scores) or Compile fails. A compiled [Expr] is
// immutable and safe for concurrent use; [Expr.Eval] compiles nothing and
// costs about what expr run by hand costs.
//
//	rule, err := dsl.Compile[Env, bool](`client.age >= 30 && client.pensionCoverage < 0.6`)
//	fired, err := rule.Eval(env, now)
//
// # Time
//
// Time is data: Eval takes the evaluation time, and the date built-ins
// measure against it; expr's now() and the built-ins that load time-zone
// files are not available. Days and months are calendar units in the time
// zone of the evaluation time. A zero time.Time is missing data, and a date
// built-in given one fails rather than answering for the year 1.
//
// # Built-ins
//
//	daysUntil(t), daysSince(t)   calendar days between t and now
//	monthsSince(t)               whole months from t to now
//	age(birth)                   whole years from birth to now
//	yearsBetween(a, b)           whole years from a to b
//	clamp(x, lo, hi)             x limited to [lo, hi]; NaN stays NaN
//	ratio(a, b)                  a / b, and 0 when b is 0
//	between(x, lo, hi)           lo <= x <= hi
//	pct(x), pct(x, d)            "42.3%", with at most one (or d) decimals
//
// A number interpolated in a title or message that is zero is written "0",
// never "-0".
//
// expr's own built-ins (len, all, any, filter, map, sum, round, upper, …)
// are available too. A host adds typed functions with [WithFunc1],
// [WithFunc2], [WithFunc3] or [WithFunction]; calls are type-checked at
// compile time, and a panic or error inside one is an evaluation error.
//
// # Errors
//
// Every error is an *[Error]: the rule's id, line and column, a snippet
// with a caret, a [Kind], and for an unknown name the nearest known one
// ("did you mean client.age?"). Kinds match sentinels under errors.Is:
// [ErrSyntax], [ErrType], [ErrUnknownName], [ErrEval], [ErrLimit]. A compile
// reports all its problems at once with errors.Join.
//
// # Untrusted rules
//
// [Limits] bound the source size, the syntax tree and the memory one
// evaluation may use. Data never makes a condition silently true:
//
//   - a field read through a nil pointer is an evaluation error (guard it:
//     `mortgage != nil && mortgage.rate > 0.03`);
//   - a missing map key reads as the map's zero value, as in Go (nil for
//     map[string]any); test presence with `"k" in m`;
//   - a condition that is true while a float field it reads is NaN fails
//     with [ErrNaN], since NaN passes no comparison and `!(x > 0.5)` would
//     otherwise pass it; a NaN number result fails too;
//   - ±Inf are numbers and compare as such.
//
// # Explanations
//
// [Expr.Explain] evaluates like Eval and returns the tree of logical and
// comparison sub-expressions with their values, so an alert can say why it
// fired and a near miss why not:
//
//	client.age >= 30 && client.pensionCoverage < 0.6 → false
//	├─ client.age (31) >= 30 → true
//	└─ client.pensionCoverage (0.72) < 0.6 → false
//
// The fast path pays nothing for this: the sub-expressions are compiled on
// the first Explain. [Expr.Reads] and [Expr.Calls] give the static facts of
// an expression: the fields it reads and the functions it calls.
//
// # Rule files
//
// [CompileRules] compiles a rule file (see package
// github.com/engagekit/engagekit/dsl/rulefile for the language) into a
// [RuleSet]: constants computed once, lets inlined where they are used (so a
// guard before a let protects it), rules, decision trees and decision
// tables with DMN hit policies. [RuleSet.Eval] returns the [Hit] values of
// the rules that fired, in file order, with their alert type, branch or row,
// interpolated title and message, urgency and sensitivity in [0,1], named
// outputs and evidence; a failing rule does not stop the others.
// [RuleSet.Explain] tells why one rule fired or did not.
//
// # Speed
//
// A rule set is built to decide a hundred rules over a client file in a few
// microseconds. Most rules are guards, comparisons with constants and calls
// of the built-ins; for those, the conditions, and the outputs and evidence
// of a decision that fires, are also compiled to Go closures that read the
// host's fields at their offsets, without a VM or boxing, and a leading
// guard several rules share (`mortgage != nil && …`) is decided once, its
// rules skipped when it is false. Whatever the closures cannot decide (a
// nil pointer read, a zero time, an expression outside their subset, a
// host function) goes to expr, where all the rest of the rules run as one
// program in which fields and built-in calls several rules use are
// computed once, behind nil guards. None of this can change a result,
// only what it costs: the closures answer only where they agree with expr,
// and property tests hold them to it.
package dsl
