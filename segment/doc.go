// Package segment classifies clients by who they are to the firm, not by
// their money: profitability (revenue minus cost to serve, never assets)
// against engagement (whether the client gets what the firm does).
//
// # The grid
//
// A [Grid] has a threshold per axis, fixed ([At]) or a share of the book
// ([Top]); [Grid.Cut] resolves them against a book and [Cut.Assign] puts
// each client in one of four segments: [A] profitable and engaged (retain
// and grow), [B] profitable, not yet engaged (show them the value), [C]
// engaged, not profitable (take cost out), [D] neither (let go gracefully).
// A client exactly at a threshold is on top of it. Every client gets exactly
// one segment with the reason (the two values and the thresholds), or, when
// its numbers are unknown (NaN), an error: never a segment by default.
// [Grid.AssignAll] does a whole book on all cores.
//
// The engagement axis is a number per client: an engagement package score
// ([WithScores] fills it in), or the host's own rule compiled with [NewEngagementRule] (a score, or a
// condition counting as 1 or 0).
//
// # Policies
//
// Each segment has a service [Policy]: touches per year, review cadence,
// stance and preferred channels. [DefaultPolicies] gives sensible ones; the
// canvas package reads them to plan follow-ups.
//
// # Custom schemes
//
// [NewCustom] compiles a scheme of other segments as dsl conditions over
// the host's own type, first match wins, with a required default. A rule
// that can never be chosen is a compile error ([ErrUnreachable]): one whose
// condition is a constant false, one after a constant true (a condition
// that reads no field and calls no function is evaluated when the scheme
// compiles, so `(true)` and `1 == 1` count), and one that earlier rules
// always pre-empt. Every segment must be named ([ErrNoSegment]). A client
// whose rule reads a NaN gets an error, whether the rule would hold or
// not: never a later segment or the default. [NewEngagementRule] follows
// the same rule for conditions.
//
// # The book
//
// [Summarize] totals clients, revenue, cost and profit per segment and
// each segment's share of the profit; [Migrate] compares two dates as a
// transition matrix (its flows: the cells that are not zero) and lists the
// moves (A → B: losing engagement); and
// [Scatter] draws the book as an SVG picture: well-formed XML whatever the
// names in it, with only finite numbers.
package segment
