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
// clients, not responses (but for the ids of those that carry one, kept to
// count a replayed response as a duplicate); bad responses are rejected and counted by
// reason, and invalid options (a zero AsOf, a negative span) are an error
// before any response is read. From the book: decayed, mergeable [Score] values
// ([Book.Scores], [Merge]), patterns (one-off, intermittent, habit),
// superfans, lifecycle stages, clients at risk, cross-sell signals, the
// expectation gap from surveys ([Book.ExpectationGap]), and content groups
// whose escalation rate changed between a baseline and a recent window
// ([Book.Changes], every group with [Book.ChangeTests]). Changes tests
// clients, not responses — a cluster-robust test over buckets of whole
// clients against a Student t, since one client's many responses are not
// independent trials — and adjusts the p-values across the groups of a
// call ([ChangeOptions]: Benjamini–Hochberg by default, [Holm] on
// request), each change carrying its raw and adjusted p. [Funnel] follows
// clients through ordered settings and [Benchmark] ranks a firm against
// its peers.
//
// # Experiments
//
// An experiment is analysed from exposures: the host's log of which
// client was shown which variant, and when ([Exposure]). A client
// converts when a response the plan accepts (by kind, or by a predicate)
// follows their first exposure within the plan's window, so conversion
// is converted ÷ exposed, a denominator the variant cannot move. Clients
// exposed to several variants are left out of every arm and counted.
//
// [NewExperimentPlan] checks an [ExperimentConfig] once — arms and their
// planned split, the control, the window, the levels — and rejects
// anything invalid with an [*OptionError]; [ExperimentPlan.Analyze] then
// reads the data as of a time, as often as it grows, and returns an
// [ExperimentReport]: each arm's rate with its Wilson interval; a
// sample-ratio-mismatch check against the planned split ([SRM]); and
// each variant against the control ([Comparison]) by the pooled
// two-proportion z-test (Fisher's exact test when counts are small) with difference and relative-lift intervals, the
// Bayesian probability of beating the control and the expected loss
// (exact, no sampling), an always-valid sequential test that may be read
// every day ([Sequential], an mSPRT), and CUPED, which uses each
// client's pre-period engagement to narrow the interval ([Adjusted]).
// With several variants the p-values are adjusted across them (Holm by
// default). A control nobody was exposed to is an error
// ([ErrNoControlData]). [SampleSize], [Power] and [MDE] plan an
// experiment from the same formula.
//
// [CompareResponders] is the older, responded-only view of a campaign's variants
// (its denominator is the clients who responded, which the variant
// itself affects); prefer an [ExperimentPlan].
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
// [AnalyzeParallel] does that on one goroutine per shard. A book crosses
// processes as bytes ([Book.MarshalBinary], [UnmarshalBook], which checks
// that it was analyzed against the same journey and options), so a
// distributed engine's workers can merge books of their shards.
package engagement
