// Package advisory is active client management's first three steps: it
// consolidates a client's data from several source systems, surfaces stale
// and missing data, and applies an advisory framework of rules to each
// client file, raising typed alerts with their evidence.
//
// # Consolidate
//
// The same client lives in several systems (CRM, advisory tool,
// custodian), each a [Record] of fields with an as-of time. A [Policy] names,
// per field, how to choose: the source of truth and its fallbacks
// ([SourceOfTruth]), the latest value ([MostRecent]), or the first that
// knows ([FirstNonEmpty]). [Consolidate] returns the merged record with the
// provenance of every field and the fields on which sources disagree; it is
// a pure function, independent of the order of the records.
// [ConsolidateInto] does the same into a record whose maps it reuses, for
// hosts that consolidate a book on a few goroutines. [Decode] writes the
// result into the host's own struct, [Decoder] does so for one type with
// its fields indexed once, and [NewFile] writes into the ready [File] type.
//
// A record carries what a CRM has: narrow and named numbers, slices of
// holdings, maps of accounts and nested structs, whole ("holdings") or by
// part ("accounts.isa", a field with its own provenance). Decoding
// converts exactly or not at all: 300 into an int8, 2^40 into an int32 or
// 1e300 into a float32 is a *[DecodeError] naming the field and the
// element, never a wrapped or rounded value.
//
// # Enrich
//
// A field policy's MaxAge says how old a value may be. [Staleness] turns
// every older value, and every required field no source knows, into an
// alert of type "data.stale" or "data.missing" with the field, the source
// and the age as evidence.
//
// # The advisory framework
//
// A [Framework] is a rule file (see package
// github.com/engagekit/engagekit/dsl/rulefile) compiled against a client-file
// type. [Framework.Evaluate] applies it to one file and returns [Alert]
// values: the alert type, the rule and the branch or row that fired, the
// title and message, urgency and advice sensitivity granulated by the
// client's context, and the evidence (the rule's calculations and the
// fields its decision read: its when, its branches' conditions, its
// table's inputs). [Framework.EvaluateAll] does a whole book on
// all cores, in input order, never dropping a file: In = OK + Failed +
// Cancelled. A host that consolidates or decodes files as it goes gives
// each [Item] a Load function instead of a file, and the files are
// prepared on the same workers; the alerts Load finds on the way (say, of
// [Staleness]) lead the file's alerts, and a file that cannot be loaded is
// a failed file with a [LoadError].
//
// # Observing a batch
//
// A host binds a batch to its logging or metrics with an [Observer] in
// [BatchOptions]: every file (with its time, by a clock the host passes
// in), the progress, and per rule the files evaluated, the alerts raised
// and the failures. The package imports no logging or metrics library;
// the Observer's example binds it to log/slog.
//
// # Versions
//
// [DiffAlerts] and [DiffVersions] show what a new version of a framework
// changes: the alerts that appear, disappear or change, per alert type.
//
// # JSON
//
// Every type the package returns marshals to JSON with snake_case names
// ("client_id", "rule_set", "birth_date"), as the other packages' results
// do. The names are stable: a new field may be added, none is renamed or
// removed. Errors carry their cause's text in "error" or "message"; the
// cause itself (Err) is not written. An [Alert] always encodes, whatever
// its rule computed: an infinite output or piece of evidence is written
// as its text ("+Inf"), an urgency that is not finite as null.
package advisory
