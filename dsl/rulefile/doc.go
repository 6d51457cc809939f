// Package rulefile is the syntax of engagekit's rule files: the syntax
// tree, the parser, the canonical formatter, and a static analysis. Package
// dsl compiles a parsed file against a host's environment type; this
// package knows nothing of types and is what an editor or a review tool
// needs.
//
// # The language
//
// A rule file names its rule set and version, then declares constants,
// rules and decision tables. Expressions are in the expr language
// (https://expr-lang.org) and run to the end of their line, continuing while
// a bracket is open or around a binary operator; a bracket still open where
// the block's next statement or its } begins is a parse error at the
// bracket, so where an expression ends never depends on what follows it.
// Within an expression, expr's own comments work: /* */ anywhere, and //
// inside brackets (at the top level // ends the expression: it starts the
// line's comment). Comments start with # or
// // on a line of their own; a trailing comment starts with //.
//
//	ruleset retail version 3
//	const UrgentDays = 14
//
//	rule fixed_term_ending {
//	  type "mortgage.term_end"
//	  let days = daysUntil(mortgage.FixedTermEnd)
//	  when mortgage != nil && days >= 0 && days <= 180
//	  title "Fixed-rate term ends in {days} days"
//	  urgency days <= UrgentDays ? 0.9 : 0.3
//	  sensitivity 0.3
//	}
//
// A rule says its alert type, owner, tags, whether it is enabled and whether
// it is an alert of its own (emit; see Named decisions), its lets
// (named calculations later parts use), its condition (when), its title and
// message templates ({expr} interpolates, {{ and }} are literal braces), its
// urgency and advice sensitivity, and any named outputs. Branches make a
// decision tree: `branch cond { ... }` blocks, nested as deep as needed,
// the first that holds wins, an `else { ... }` catches the rest, and each
// branch's statements override the rule's. A branch says what the decision
// is (type, title, message, urgency, sensitivity, output) and may have lets
// and branches of its own; its condition is the one after `branch`, and
// when, tags, owner, enabled and emit belong to the rule.
//
// A decision table has a hit policy, inputs (`in expr, expr`) and rows of
// DMN unary tests, one per input: `-` (any), `< 30`, `>= Limit`, `"gold" |
// "platinum"`, `[30..50)`, `not(< 10 | > 90)`, `nil`; after `=>` come the
// row's outputs on the same line (type, title, message, urgency,
// sensitivity, priority, output).
//
//	table discount hit collect sum rate {
//	  type "pricing.discount"
//	  in client.age, client.student
//	  row < 18, -    => output rate 2
//	  row -,    true => output rate 5
//	}
//
// The hit policies are DMN's, by name or by letter: first (F), unique (U),
// any (A: rows may overlap if they decide alike), priority (P: the row
// ranked highest), output_order (O: every matching row, highest rank
// first), rule_order (R) and collect (C: every matching row, in row
// order). A collect table may aggregate one output over the matching rows
// into a single decision: `hit collect sum rate` (C+), min (C<), max (C>),
// or count (C#, the number of rows). Rows are ranked by a table's order of
// output values, highest first (`order risk "high", "medium", "low"`, or
// `order type ...`; a nil output ranks by a nil in the order), or else by
// a finite number `priority` on each row (NaN and Inf are compile errors).
// A nil input (absent data, a nil pointer) passes only `-` and `nil`, as in DMN.
// Parse writes the letters as words, so a file has one canonical form.
//
// # Named decisions
//
// A rule or table is also a decision that the other rules and tables of
// the file can read in any expression (when, let, branch conditions, a
// table's inputs, outputs, titles) as `id.name`: id.fired (whether it
// decided anything), id.type, id.urgency, id.sensitivity, or one of its
// named outputs, typed by the output's expression.
//
//	table risk_band hit first {
//	  type "risk.band"
//	  emit false
//	  in client.age, client.pensionCoverage
//	  row >= 55, < 0.6 => output band "high"
//	  row -,     -     => output band "low"
//	}
//
//	rule pension_review {
//	  type "pension.review"
//	  when risk_band.band == "high"
//	  title "Pension review: {risk_band.band} risk"
//	}
//
// Each decision is decided once an evaluation, before the rules that read
// it (whether or not their conditions reach the read), so a reader fails
// with the decision's error when the decision fails. When a decision did
// not fire, its type, urgency, sensitivity and outputs are nil (and so is an
// output the branch or row it took does not say), and nil never decides: a
// comparison with one fails the reader; test id.fired, give a default
// (`risk_band.band ?? "none"`) or compare with nil. A table that can decide
// several rows (collect without an aggregator, rule_order, output_order)
// is read only as id.fired. `emit false`, in a rule's or table's own body,
// marks a decision that only feeds others: it is decided when a rule that
// reads it is, and is never an alert of its own.
//
// These are compile errors: a cycle of reads (the error names it: "rule b
// reads a, which reads b"), including a rule reading itself; an unknown id
// or output (with the nearest name); an enabled rule reading a disabled
// decision; a let with a rule's name; a read of a rule whose id a field or
// constant hides; and emit false on a decision no rule reads, or anywhere
// but a rule's or table's top level.
//
// # Formatting
//
// [Parse] puts each block's statements in canonical order and [Format]
// prints them so, with aligned table cells and every comment kept in
// place: the comment lines above a statement (even across a blank line),
// the `// ...` comment at the end of a line, the comments at the end of a
// block and above `in`. Formatting is idempotent and Parse(Format(f))
// equals f up to positions, comments included. A [File] marshals to and
// from JSON losslessly (a cell's -0 and ±Inf too), for hosts that keep
// rules in a database. A file must be UTF-8, and columns count runes.
//
// # Analysis
//
// [Analyze] reports duplicate ids and constants, unused lets and constants,
// rules whose conditions read the same values and hold for the same
// inputs (a condition that reads a value which never decides it is not
// compared with one that does not read it), branches and rows that
// can never be taken, rows of priority tables that never win, gaps in
// tables, overlaps in unique tables and conflicting rows in any tables.
//
// It is exact where it claims anything. Conditions are read as &&, ||, !
// and comparisons of a value (a field path, a let, any other expression)
// with a literal or a constant; anything else is an opaque part that may
// be true, false or fail, so an unreadable branch neither catches
// everything nor nothing. A branch is decided under the rule's when, every
// enclosing branch's condition and the negation of every earlier sibling,
// with the evaluation's errors (an ordering comparison with nil fails the
// rule); a table under its when, point by point as the compiled table
// decides, DMN's nil semantics included. Each question is decided on one
// witness per class of values the rule tells apart: every literal, a
// float64 strictly between and beyond neighbouring numbers (no midpoint
// that rounds onto a literal beyond 2^53), "" and each string's successor
// s+"\x00" (the least string above s), true and false, and nil for every
// value; where two conditions are compared (equivalent-when), a NaN and
// a value of another kind than the literals for every value too, since
// the analysis knows no types and any value may be a float or an any: a
// comparison that sees NaN fails, but for one with nil, and an ordering
// of values of two kinds fails, so conditions that compare their values
// in different orders or ways (c == 1 || b == 1 and b == 1 || c == 1;
// a != 1 && a != nil and a != 1 && (a < 1 || a > 1)) fail at different
// inputs, and are not equivalent. A gap, overlap or conflict carries such an input as its
// [Finding.Witness]; an unreachable branch or row says what no input
// satisfies. A condition's comparison with a number of 2^53 or more is
// read as opaque: whether it compares as an int or a float64 depends on
// the field's type. Where the analysis cannot decide (a question too
// large, a constant it cannot read, rows of an any table whose outputs are
// not literals) it reports code "unknown", never unreachable. Its work is
// bounded (a grid of at most 200,000 points a question, and a budget for
// the whole file, counted as points times the tests decided at each), so a
// file built to be expensive is analyzed in a second or two at most, with
// "unknown" where the budget ran out. A read of one of the file's named
// decisions (risk.band) holds only what the decision can say, when every
// statement that sets it is a literal, or nil: a table over a decision's
// bands has no gap at a band the decision never gives, and two reads of
// one decision hold what one of its leaves gives together; its fired is
// false only where it may not decide (a when false for some input, a
// level it may fall through). The other
// values a rule reads are taken to vary independently, and its functions
// to be pure, as the compiler takes them.
package rulefile
