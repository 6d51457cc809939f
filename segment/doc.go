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
// the host's own type, first match wins, with a required default; a rule
// that earlier rules always pre-empt is a compile error.
//
// # The book
//
// [Summarize] totals clients, revenue, cost and profit per segment and
// each segment's share of the profit; [Migrate] compares two dates as a
// transition matrix and lists the moves (A → B: losing engagement); and
// [Scatter] draws the book as an SVG picture.
package segment
