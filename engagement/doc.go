// Package engagement models client behaviour as responses to stimuli
// inside settings, and derives what a firm wants to know from a stream of
// them.
//
// # The model
//
// A [Setting] is where behaviour happens (a social feed, the website, an
// event, a meeting), with a depth in the host's journey. A [Stimulus] is
// something the firm does there, with a call to action, a campaign, a
// variant and a topic. A [Response] is what a client does about it. Each
// response is classified ([Classifier]) as [Maintain] (stays in the
// setting), [Escalate] (moves to a deeper setting: the most valuable) or
// [Disengage]; hosts override by kind, by setting pair or with a dsl rule.
//
// # Analysis
//
// [Analyze] streams responses in any order against a [Journey] into a
// [Book]: one small fixed-size profile per client, so memory grows with
// clients, not responses; bad responses are rejected and counted by
// reason. From the book: decayed, mergeable [Score] values
// ([Book.Scores], [Merge]), patterns (one-off, intermittent, habit),
// superfans, lifecycle stages, clients at risk, cross-sell signals, the
// expectation gap from surveys ([Book.ExpectationGap]), and content groups
// whose escalation rate changed with a two-proportion test
// ([Book.Changes]). [Funnel] follows clients through ordered settings,
// [Compare] measures A/B variants with Wilson intervals, a test and a
// Bayesian probability, and [Benchmark] ranks a firm against its peers.
//
// # Scale
//
// Analyze resolves names per response. A host scoring millions numbers its
// stimuli, settings and response kinds once with an [Index] and its
// clients by position, and streams compact [Event] values to
// [AnalyzeEvents]: no map lookup, no time.Time arithmetic and no exp per
// response (decay comes from tables), and events out of client order are
// buffered and radix-sorted by client in fixed-size chunks so the
// profiles are walked forwards through the cache. The book is the same as
// Analyze would give. Books merge exactly ([MergeBooks]): shards of a
// stream, days or machines analyze apart and combine, and
// [AnalyzeParallel] does that on one goroutine per shard.
package engagement
