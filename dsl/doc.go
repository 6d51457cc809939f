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
// their Go name or `expr:"name"` tag, and the fields of embedded structs
// as their own (after the struct's own, depth first). An environment type
// expr's checker cannot walk (a struct that embeds itself, alone or
// through another, or a type P *P, anywhere a rule could reach) is a
// compile error: the checker would look through it without end. The
// result must fit R (bool for conditions, float64 for scores) or Compile
// fails. A compiled [Expr] is
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
// built-in given one, or evaluated at a zero time, fails rather than
// answering for the year 1.
//
// # Built-ins
//
//	daysUntil(t), daysSince(t)   calendar days between t and now
//	monthsSince(t)               whole months from t to now
//	age(birth)                   whole years from birth to now
//	yearsBetween(a, b)           whole years from a to b
//	clamp(x, lo, hi)             x limited to [lo, hi]; NaN stays NaN
//	ratio(a, b)                  a / b, and 0 when b is 0
//	between(x, lo, hi)           lo <= x <= hi; a NaN fails with ErrNaN
//	pct(x), pct(x, d)            "42.3%", with at most one (or d) decimals; an integer exactly
//
// For titles and messages, written the way a client reads them (see
// [WithLocale] for separators and symbols):
//
//	num(x), num(x, d)            1,500,000 and 1,234.50: grouped, d decimals
//	money(x, "GBP")              £1,500,000.00; ¥1,500 for "JPY"
//	date(t)                      5 Apr 2026
//	words(d)                     3 days 4 hours (a time.Duration)
//
// A number interpolated without them is never written in exponent form
// (1500000, 0.3, 0.0000001), and zero is "0", never "-0".
//
// # Dates
//
// today is the evaluation day (its first instant in the evaluation time's
// zone: midnight, or where clocks skip midnight, the instant the day
// begins), and date("2026-04-05") is a date literal, the first instant of
// that day in the same zone (a malformed one is a compile error): `today >= date("2026-04-05")`,
// `daysUntil(date("2027-04-05")) <= 30`. A zero time.Time is missing data;
// say so without sentinel numbers, in a condition
// (`lastContact.IsZero() || monthsSince(lastContact) > 12`) and in a title
// (`{lastContact.IsZero() ? "never" : date(lastContact)}`).
//
// # Numbers
//
// Rules compare and compute with the host's own number types as a CRM has
// them: a named or narrow integer (type Pence int64, int8, uint32) is read
// as an int, a named float (type GBP float64) as a float64, a float32 as
// the decimal it holds (a stored 0.9 equals the literal 0.9, and Explain
// shows 0.9), a decimal type registered with [WithNumber] as the float64
// its conversion gives, a pointer to any of these as the number it points
// to (nil when the pointer is nil), and a list of them element by element
// (`0.9 in ratios`, `sum(amounts)`, and a list of any holding them too),
// at every depth where lists and maps are compared (`ratios == [0.9]`,
// `[0.9] in listsOfRatios`, `{"a": ratio} == {"a": 0.9}`) and where a
// decision table's hit any compares its rows' outputs. So
// `cash > 100`, `cash > balance` and `sum(holdings)` work whatever the
// types, and so does arithmetic on values known only when the rule runs
// (an any field, a map value, a predicate's accumulator), which reads them
// the same way. A host's named string or bool (type Tier string, type
// Flag bool) is read the same way, as a string or a bool: `tier ==
// "gold"`, `tier contains "ol"`, `"gold" in tiers` and `when flag` decide
// as they read, and so do the same values behind an any or a pointer in
// one. A pointer to a string or a bool, named or not, or to a time or a
// duration, is read as the value it points to, as a pointer to a number is
// (nil when the pointer is nil), whether its type is known when the rule
// compiles or only when it runs (in a map of any): `upper(nickname)`,
// `nickname < "m"`, `join(nicknames)`, `daysSince(m.opened)`, `{m.count}`
// in a title, a host function's int parameter, and `when optIn` (a *bool,
// where a nil fails: it decides nothing) read the values. (Not yet the
// elements of a list whose static type holds pointers to times or
// durations, []*time.Duration: in and groupBy over it compare the
// pointers, and sortBy refuses it; the same list behind an any is read
// element by element.) A condition
// known only when the rule runs (`when m.flag`, `when (let f = m.flag; f
// ?? false)`) is read then, and fails on a nil or on a value that is not a
// bool; one that is no bool whatever the data (`n > 0 ? 1 : "a"`) is a
// compile error. A number statement (urgency, sensitivity, a number
// output) known only when the rule runs is read the same way, as a
// number: `urgency mean(scores)`, `max(scores)`, `m.score`, a reduce; a
// nil, a NaN or a value that is not a number fails then, and one that is
// no number whatever the data (`n > 0 ? "a" : true`) is a compile error.
// One
// whose methods the host lets rules call keeps its type, so a
// method is called on it through lets and chains, and is read as a string,
// a bool or a number wherever a rule needs one: a comparison, a text
// operator, a condition, &&, a key, in, an element of a list literal of
// other types, and for a number the numeric built-ins (`count > 4`,
// `max(count, 1)`, `count in counts`). A host function or method that
// takes the named type is given it back (a pointer parameter a pointer to
// the value the rule read); a number given to a narrower parameter, of a
// host function or a method, must fit it (300 for a uint8 fails with
// [ErrOverflow], 2.5 for an int too): such a parameter takes an int or a
// float64 as rules compute them (f32(ratio), i8(-128), pence(n)), and a
// literal it cannot hold (i8(128)) is a compile error. A
// nil operand of &&, ||, ! or a text operator fails: a nil decides
// nothing. (A map keyed by a named
// string is indexed by its own type, which a rule cannot write: such an
// index is a compile error.) The library's built-ins read an argument
// known only when the rule runs by its kind and fail on one of another
// kind: upper of a number, or of a missing map key, is an error, not "".
// Nothing wraps around: a uint64 too large for an int, and
// int arithmetic (+, -, *, unary -, abs, sum) whose result does not fit an
// int, fail the evaluation with [ErrOverflow]; a range a..b is sized
// exactly (a huge one is over the memory budget, never empty), and a
// time's AddDate fails with [ErrOverflow] on a step of more than a million
// years (time.Date would wrap it into another date), and its Sub where the
// times are more than a duration's 292 years apart (Go would give the
// largest duration, whatever the difference), as a duration's Abs and
// Round do where Go saturates them. A host
// function that takes a pointer to a number gets the pointer.
// time.Duration keeps its type, and its arithmetic (d + d, d * 2, d * -1;
// expr's checker refuses a unary minus on a duration) is
// checked as an int's is, through a pointer too (*time.Duration; a nil
// one fails); a duration times a float (d * 1.5) is a
// duration too, rounded to the nanosecond (a NaN product fails with
// [ErrNaN], one beyond a duration's ±292 years with [ErrOverflow]).
// The mean and the median of durations (a list of them, lists of lists,
// through pointers) are durations, computed exactly and rounded half away
// from zero to the nanosecond (of none, 0s), which compare with durations
// as any duration does: mean(ds) > d, not mean(ds) > 0; durations and
// numbers together fail. Every value a mean or a median reads, however
// deep in lists of lists, is a step and a unit of memory, and a NaN among
// them fails. findIndex and findLastIndex are -1 where nothing
// matches. findLast and findLastIndex search the list's indices from the
// last, a list as long as the list, so they cost its length in steps and
// memory whatever element they stop at (find and findIndex only the
// elements they visit). A built-in that cannot take a list's elements whatever the data
// (max of times, min of strings or of a list of durations, count of a
// list of numbers without a predicate, sortBy a key that has no order) is
// a compile error ([ErrType]), not a failure of every evaluation; so is a
// collect table's aggregator over an output that is not a number, and a
// reduce whose step cannot take what #acc holds: #acc is typed as it runs,
// as the initial value (the first element without one), then as what the
// step gives, so reduce(xs, #acc + #, "") over numbers is refused as
// "" + 1 is. reduce's initial value and sortBy's order run in the
// built-in's own scope, before its first element, so they cannot read #,
// #index or #acc (a compile error, not the element around them). max,
// min, mean and median flatten lists of lists, as expr's do, and round,
// ceil, floor, float and int read a host's number type behind an
// interface as they read it in a field.
//
// expr's own built-ins (len, all, any, filter, map, sum, round, …) are
// available too, with these differences: the built-ins that build strings
// or lists (repeat, replace, join, split, splitAfter, upper, lower, and +
// on strings) charge what they build to the evaluation's memory budget
// before they build it; string(x) takes only a number, string, bool, time
// or duration; and now, date, timezone, toJSON, fromJSON, toBase64 and
// fromBase64 are not available (they read the clock or time-zone files, or
// would write out fields the environment hides). A host adds typed
// functions with [WithFunc1], [WithFunc2], [WithFunc3] or [WithFunction];
// calls are type-checked at compile time, and a panic or error inside one
// is an evaluation error.
//
// # Errors
//
// Every error is an *[Error]: the rule's id, the statement ("when",
// "urgency", "let days", "branch 2, condition", "row 3, urgency", …), line
// and column in runes, a snippet with a caret, a [Kind], and for an
// unknown name the nearest known one ("did you mean client.age?"). Kinds
// match sentinels under errors.Is: [ErrSyntax], [ErrType],
// [ErrUnknownName], [ErrEval], [ErrLimit], [ErrCancelled]. A compile
// reports all its problems at once with errors.Join, one error per
// mistake ([MaxCompileErrors] at most): a constant or let that fails is reported where it is declared,
// not again at every use. Types are checked at compile time: a condition
// that is not a bool, an urgency that is not a number, a constant or let
// that would hide a field, a nil host function are compile errors.
//
// # Untrusted rules
//
// [Limits] bound what a rule may cost, and each bound is checked where it
// can be first:
//
//   - at compile time, the source size (MaxSourceBytes), the nesting depth
//     (MaxDepth, measured on the tokens before the parser runs, so it
//     also bounds the parser's recursion whatever the source size), and
//     the size of the tree with the rule's lets expanded (MaxNodes,
//     measured before any let is copied, so doubling lets are refused in
//     linear time; a template's parts count together, as one expression),
//     and a constant regular expression's expanded size (at most 65,536
//     instructions: repeats of repeats multiply);
//   - at run time, per rule: the steps of its loops (MaxSteps: every
//     element a predicate such as all, any, map or filter visits is a
//     step, and so is every element a built-in walks without one: sum,
//     max, min, mean, median, sort (n·log n), uniq, keys, values, join, the
//     list of an in, a range, and flatten every element at every depth
//     before it builds; matches costs its string's length times its
//     pattern's size, a pattern known only at run time its expanded size
//     too, as it is compiled each time, and contains, trim, upper, lower,
//     split, replace, indexOf and lastIndexOf a step for each KB of their
//     text) and the memory it builds (MemoryBudget: arrays, maps, ranges,
//     the lists in groupBy's groups, strings, string(x), the text a
//     time's Format writes, the text num and money write, and its title
//     and message, part by part).
//     A rule over a limit fails with [ErrLimit], naming the limit; the
//     other rules go on. A hit's evidence (its lets and the fields it
//     read) is computed under one more budget, shared by all its values: a
//     value past it shows as nil. Explain runs each sub-expression of a
//     condition apart; their steps and the ranges and strings they build
//     are charged to one budget for the whole condition as Eval charges
//     them, work a parent's run does again charged once, so Explain goes
//     over a limit where Eval does (the runs done again are bounded
//     apart, at 16 budgets of steps and 4 of memory). An explanation's
//     text writes a long string's first 256 bytes and its length.
//
// The host's data is bounded too: a value typed any that points back at
// itself through pointers and interfaces alone (p := new(any); *p = p, in
// a field or a map of any), which expr would follow for ever, fails the
// rule with [ErrEval] where it is read.
//
// [RuleSet.EvalContext] and [Expr.EvalContext] take a context: when it
// ends, the running rule stops within a few hundred steps and fails with
// [ErrCancelled] (which also matches ctx.Err()), and the rules after it
// are not evaluated.
//
// A rule reaches only what the host hands it: the environment's exported
// fields (not those tagged `expr:"-"`), constants, and the host's
// registered functions. It may call a method only if the method is on the
// allow-list: the pure methods of time.Time and time.Duration (Before,
// After, Equal, IsZero, Year, Month, Day, Sub, Add, AddDate, Hours, …) and
// those the host names with [WithMethods], and only on a value whose type
// is known when the rule is compiled (not on an interface or a map's
// value, where the method could be anything). Names starting with __ or $
// are reserved.
//
// # NaN and nil
//
// NaN and nil never decide, by one rule applied the same way by every way
// a rule is evaluated (the closures, expr, Explain):
//
//   - A comparison (==, !=, <, <=, >, >=, in) that sees NaN as an operand
//     fails the evaluation with [ErrNaN], wherever the NaN came from: a
//     field, arithmetic on data (y / y, x - x with x = +Inf), a slice
//     element, a map value, a host function. So !(x > 0.5) is not true
//     for a NaN x, and a ternary does not pick a branch on it. Operators
//     that short-circuit decide before they look: in `a > 1 || x > 0.5`
//     with a = 2, x is not compared, and the condition is true.
//   - A comparison or string operator that sees nil from an optional chain
//     (a?.b when a is nil, or when a is set and its b is a nil pointer:
//     the chain's value is checked, not where its nil came from; a method
//     called through one, p?.Year(), is nil where p is),
//     directly or through a conditional, ??, a list, a call, a let of the
//     expression's own (`let x = p?.tags; "a" not in x`), the values a
//     map or reduce makes (`"q" in map(items, #?.name)`) or a predicate's
//     # over such a list (`none(map(items, #?.name), # == "q")`), fails with
//     [ErrEval]; compare the chain with nil
//     (`a?.b == nil`) to test for absence, or give a default
//     (`a?.b ?? 0`, where the default is what decides). So does such a
//     nil (or a decision's nil output) where it would otherwise decide
//     as false or turn into a zero value: an operand of &&, || or !, the
//     condition of ?:, a whole condition (`when p?.flag`), an argument a
//     function takes as a string, number or time (`upper(p?.name)`,
//     `string(p?.n)`), and the list a built-in walks (`all(p?.items, …)`).
//   - The built-ins that order or pick from a list of numbers (max, min,
//     median, mean, sort, uniq) and the list of an in fail on a NaN or
//     nil-chain element, which would otherwise decide silently where it
//     lands, and sortBy and groupBy on a NaN or nil-chain key; int(x) and
//     string(x) of a NaN fail too.
//   - A map's keys are values as == compares them: groupBy's groups and
//     fromPairs' keys are one for 1 and 1.0 (an integral number is
//     keyed as an int, another as a float64) and for one instant in two
//     time zones (keyed in UTC), and fromPairs keeps the last pair of
//     each; m[k], m?.[k], get(m, k) and k in m find a key by any number
//     type that holds the same value, and a time by its instant, in the
//     rule's own maps, in a host's map[any]V (whose float64 1 or int8 1
//     an int 1 finds) and in a map[float64]V known only when the rule
//     runs. Beyond 2^53, where == rounds an int to a float, keys are
//     exact values: two unequal ints are never one key. A host's own
//     named number type as a key of a map[any]V is found only as itself.
//     A lookup of a value known only when the rule runs by a name that is
//     one of its methods (x[name], get(x, name), x.Name behind an any)
//     fails: a method value read so could be called past the methods the
//     host allows. A struct or array larger than 256 bytes read so is
//     charged as a copy, as the reads of known types are.
//   - Reading a field through a nil pointer (a.b with a nil) fails with
//     [ErrEval]; guard it: `mortgage != nil && mortgage.rate > 0.03`. A
//     nil pointer to a string or a bool fails where it would be read as
//     "" or false: a text operator or built-in (matches, contains,
//     upper), in, !, && and ||; == and != compare it with a value, which
//     it equals none of. An expression whose result is nil where its type
//     cannot hold one (a string, a number, a bool) fails rather than give
//     that type's zero value.
//   - A number an expression yields (an urgency, a title's part, a table's
//     input) must not be NaN: it fails with [ErrNaN]. between and pct fail
//     on NaN; clamp and ratio pass it on, to be caught where it is used.
//   - A host's function or method given a NaN, or a list or a map that
//     holds one, fails with [ErrNaN] at the argument: its code could
//     decide on it (`!(x < 0.5)` is true of a NaN). A struct is given as
//     it is: what the function reads of it is its own to check.
//   - A missing map key reads as the map's zero value, as in Go (nil for
//     map[string]any); test presence with `"k" in m`. A zero time.Time is
//     missing data: a date built-in given one fails.
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
// A rule or table is also a named decision: another reads its result as
// `risk_band.band` (an output, typed by its expression), risk_band.fired,
// .type, .urgency or .sensitivity, so a host need not chain decisions by
// hand. Each decision is decided at most once an evaluation, before the
// rules that read it, in an order fixed at compile time; a cycle, an
// unknown id or output and a read of a disabled decision are compile
// errors. A decision that did not fire reads as nil, which never decides
// (see NaN and nil); one that fails fails its readers, atomically. A rule
// that says `emit false` only feeds the rules that read it and is never a
// hit. Its steps and memory count once, in its own budget.
// [RuleExplanation.Reads] shows the chain: each decision read, its values
// and how it was decided; [RuleInfo.Decisions] lists a rule's reads.
//
// A table decides as DMN 1.x does ([HitPolicy]): first, unique, any,
// priority, output order, rule order and collect, collect with an
// aggregator (sum, min, max, count) making one hit whose Path lists the
// rows ("rows 1, 3") and whose aggregated output (urgency, sensitivity or
// a named output; "count" for count) holds the result, a float64 (rows'
// numbers are aggregated as float64, as cells compare them; a sum of
// +Inf and -Inf fails the rule), and rows ranked by
// an order of output values or by row priorities. Inputs are read through
// pointers, and a nil input passes only the cells `-` and `nil`: absent
// data neither matches silently nor fails the table. A cell compares
// numbers as float64, as the rule-file analysis reasons about them: two
// integers beyond 2^53 that differ by less than a float64's step compare
// equal in a table, where a condition comparing two ints tells them apart.
//
// Every statement means something where it is written, or the file does
// not compile: when, tags, owner, enabled and priority in a branch,
// priority on a rule or in a table whose hit policy does not rank rows,
// and an urgency or sensitivity that is a literal (or a constant, or an arm
// of a conditional) outside [0,1] are compile errors. A decision is atomic:
// when any part of it fails (a row of a collect table, an output), the rule
// yields its error and none of its hits.
//
// # Speed
//
// A rule set is built to decide a hundred rules over a client file in a few
// microseconds. Most rules are guards, comparisons with constants and calls
// of the built-ins; for those, conditions, outputs and evidence are also
// compiled to Go closures that read the host's fields at their offsets,
// without a VM or boxing (so are a title's num, pct and money, which write
// exactly what the built-ins write and are charged as they are), and each test of a condition's chain of ands
// (`mortgage != nil`, `segment.name == "A"`, `client.income >= 25000`) is
// decided once per file and shared by every rule whose chain holds it: a
// rule whose chain reaches a false test is skipped without running. Whatever the closures cannot decide (a nil pointer read, a zero
// time, a NaN, an expression outside their subset, a host function) goes
// to the expression's expr program, which gives the value or the error.
// None of this can change a result, only what it costs: property and fuzz
// tests hold the closures to expr, and Explain to Eval.
//
// A host evaluating many files on a goroutine passes a [HitStore] in
// [EvalOptions.Store]: the hits' titles, messages and evidence are then
// laid out in its shared blocks rather than allocated one by one (what a
// kept hit keeps alive is said there). advisory's batch gives each worker
// one.
//
// # Design
//
// The package is a compiler in layers; each promise above is kept in one
// layer, which every evaluator inherits.
//
//	front end (frontend.go)   once per expression: limits on the text →
//	                          parse → expanded size → lets inlined
//	                          (lets.go) → names resolved and rewritten for
//	                          the frame (rewrite.go) → type check →
//	                          instrumentation (instrument.go): the NaN and
//	                          nil rule, steps and memory, the method
//	                          allow-list → type check: one checked tree
//	registry (builtins.go,    every built-in once: its types, its
//	  registry.go,            behaviour on nil, zero and NaN, the governed
//	  functions.go)           string built-ins and the internal wrappers
//	plan (plan.go)            per rule set: each expression's backend, the
//	                          shared guards (native_guard.go) and memoized
//	                          date calls (native_memo.go), by explicit index
//	backends                  the closures (native*.go) and expr's VM
//	                          (compile.go), both from the checked tree
//	decisions (decisions.go)  reads of one rule's result by another: resolved
//	                          by the rewriter, which has the builder compile
//	                          the decision first (a read of one under way is
//	                          a cycle); decided once an evaluation, in
//	                          dependency order, into a memo the reads see
//	evaluation                RuleSet.decide (ruleset_eval.go) runs the plan
//	                          for Eval and Explain (ruleset_explain.go,
//	                          explain.go) alike; the governor (governor.go)
//	                          counts steps and memory and watches the context
//	frames (frame.go)         the host's value, the time and the governor,
//	                          laid out for both backends; every access by
//	                          address is in package internal/mem
//
// The rule-file language (package rulefile) is parsed separately and
// compiled statement by statement through the same front end
// (ruleset_compile.go).
package dsl
