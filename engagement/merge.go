package engagement

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"math/big"
	"slices"
	"time"

	"github.com/engagekit/engagekit/internal/valuetext"
)

// ErrIncompatible is returned by [MergeBooks] for books analyzed against
// different journeys or with different options.
var ErrIncompatible = errors.New("engagement: books of different journeys or options cannot merge")

// MergeBooks combines books of disjoint sets of responses (shards, days,
// source systems, machines) into the book of all of them: scores add
// exactly (up to float rounding), activity periods, first and last
// responses, topics, surveys, content groups and reports combine as if one
// analysis had seen every response (but for a client's survey answers
// past 65,535, where one analysis keeps the first and a merge the mean of
// those the books kept). The books must come from the same
// journey and equal options (as of, weights, windows, survey kinds) and
// the same classifier, which cannot be compared and is the caller's to
// keep. Duplicate response ids are detected within a book, not across
// books. The inputs are not modified. A client whose merged score is past
// the float64 range is an error ([ErrScoreOverflow]); whether it is does
// not depend on the order of the books in one call (a sum that overflows
// on the way is added again exactly).
func MergeBooks(books ...*Book) (*Book, error) {
	if len(books) == 0 {
		return nil, errors.New("engagement: no books to merge")
	}
	for _, b := range books {
		if b == nil {
			return nil, errors.New("engagement: nil book")
		}
		if b.j != books[0].j || !sameOptions(b.opts, books[0].opts) {
			return nil, ErrIncompatible
		}
	}
	first := books[0]
	opts := first.opts
	for _, b := range books[1:] {
		// One instant, perhaps in several zones: the merged book's
		// as-of is the same whatever the order of the books.
		opts.AsOf = sameInstant(opts.AsOf, b.opts.AsOf)
	}
	out := &Book{opts: opts, j: first.j, clients: first.clients, profiles: slices.Clone(first.profiles),
		groups: slices.Clone(first.groups), Report: first.Report}
	out.Report.Rejected = maps.Clone(first.Report.Rejected)
	if out.Report.Rejected == nil {
		out.Report.Rejected = map[Reason]int{}
	}
	var ix map[string]int // out's clients by id, built once when a merge needs it
	for _, b := range books[1:] {
		out.mergeAligned(b, &ix)
	}
	var indexes []map[string]int // each book's clients by id, once an overflow needs them
	for i := range out.profiles {
		for c, v := range out.profiles[i].score {
			if !math.IsInf(v, 0) && !math.IsNaN(v) {
				continue
			}
			// A sum that overflowed on the way may end in range (1.5e308
			// + 1e308 − 1e308): the client's score is added again
			// exactly, so whether it overflows does not depend on the
			// books' order.
			if indexes == nil {
				indexes = make([]map[string]int, len(books))
				for k, b := range books {
					indexes[k] = make(map[string]int, len(b.clients))
					for j, id := range b.clients {
						indexes[k][id] = j
					}
				}
			}
			exact, ok := exactScore(books, indexes, out.clients[i], c)
			if !ok {
				return nil, fmt.Errorf("%w: client %s", ErrScoreOverflow, out.clients[i])
			}
			out.profiles[i].score[c] = exact
		}
	}
	return out, nil
}

// exactScore adds class c's score of client id over the books in exact
// arithmetic, rounded once: false when the total is past the float64
// range.
func exactScore(books []*Book, indexes []map[string]int, id string, c int) (float64, bool) {
	var sum big.Float
	sum.SetPrec(2200) // any float64 sum of a few billion terms, exactly
	for k, b := range books {
		if j, ok := indexes[k][id]; ok && j < len(b.profiles) {
			v := b.profiles[j].score[c]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, false // no book an analysis or a decode gives
			}
			sum.Add(&sum, new(big.Float).SetFloat64(v))
		}
	}
	f, _ := sum.Float64()
	return f, !math.IsInf(f, 0)
}

// ErrScoreOverflow is returned by [MergeBooks] when a client's merged
// score passes the float64 range: books each of up to MaxInt32 responses
// add to at most about 2e27 a client, so only books that were merged
// without bound (or read from hostile bytes) reach it.
var ErrScoreOverflow = errors.New("engagement: merged scores overflow")

// mergeAligned adds o into b: profile by profile when both were analyzed
// over the same clients slice (shards of AnalyzeParallel), by client id
// otherwise. *index is b's clients by id: built by the first merge by id
// and kept up to date, so that merging many books (a distributed
// engine's shards) indexes the clients once, not once a book.
func (b *Book) mergeAligned(o *Book, index *map[string]int) {
	if len(b.clients) == len(o.clients) && (len(b.clients) == 0 || &b.clients[0] == &o.clients[0]) {
		for i := range o.profiles {
			b.profiles[i].merge(&o.profiles[i])
		}
	} else {
		if *index == nil {
			// b's clients may be a caller's or another book's slice:
			// clipped, the first client added grows a copy.
			b.clients = slices.Clip(b.clients)
			*index = make(map[string]int, len(b.clients)+len(o.clients))
			for i, c := range b.clients {
				(*index)[c] = i
			}
		}
		ix := *index
		for i, c := range o.clients {
			p := &o.profiles[i]
			if p.responses == 0 {
				continue
			}
			j, ok := ix[c]
			if !ok {
				j = len(b.clients)
				ix[c] = j
				b.clients = append(b.clients, c)
				b.profiles = append(b.profiles, profile{})
			}
			b.profiles[j].merge(p)
		}
	}
	for i := range o.groups {
		b.groups[i].merge(o.groups[i])
	}
	// Saturating, as the profiles' counts do: the sum of two decoded
	// books' counts wrapped, or passed what a book's encoding holds.
	b.Report.In = int(satAdd(int64(b.Report.In), int64(o.Report.In)))
	b.Report.Used = int(satAdd(int64(b.Report.Used), int64(o.Report.Used)))
	b.Report.Cancelled = b.Report.Cancelled || o.Report.Cancelled
	for k, n := range o.Report.Rejected {
		b.Report.Rejected[k] = int(satAdd(int64(b.Report.Rejected[k]), int64(n)))
	}
}

// sameOptions reports whether two analyses' options (after defaults) agree
// on everything that shapes a book, except the classifier.
func sameOptions(a, b Options) bool {
	return a.AsOf.Equal(b.AsOf) && a.Period == b.Period && a.Recent == b.Recent && a.Baseline == b.Baseline &&
		a.ExpectedKind == b.ExpectedKind && a.DeliveredKind == b.DeliveredKind &&
		a.Weights.Escalate == b.Weights.Escalate && a.Weights.Maintain == b.Weights.Maintain &&
		a.Weights.Disengage == b.Weights.Disengage && a.Weights.HalfLife == b.Weights.HalfLife &&
		maps.Equal(a.Weights.ByKind, b.Weights.ByKind) && maps.Equal(a.Weights.BySetting, b.Weights.BySetting)
}

// sameInstant is one of two times of the same instant, the same whichever
// comes first: the one whose text (instant and zone) sorts first.
func sameInstant(a, b time.Time) time.Time {
	if valuetext.Text(b) < valuetext.Text(a) {
		return b
	}
	return a
}
