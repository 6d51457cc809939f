package main

import (
	"cmp"
	"context"
	"iter"
	"slices"
	"sync"
	"time"

	"github.com/engagekit/engagekit/engagement"
	"github.com/engagekit/engagekit/segment"
)

// This file is crmhost's use of packages engagement and segment: the
// engagement book built once from the stored responses and merged with
// each ingested batch, and what the pages derive from it.

// bookState is one engagement book and what is derived from it, worked
// out at most once, when a page first needs it. It is immutable once
// published: an ingest publishes a new one.
type bookState struct {
	book *engagement.Book
	asOf time.Time
	// gen counts the merges since the book was built.
	gen     int
	once    sync.Once
	derived derived
}

// derived is what the pages and the client files read of a book.
type derived struct {
	percentile map[string]float64 // the client's share of the book below their engagement
	atRisk     map[string]bool
	segments   segment.Book
	segmentOf  map[string]segment.Assignment
	summary    segment.Summary
	err        error
}

// engagementOptions are the book's options: AsOf is the end of the day of
// now, so the day's responses count, and every book of the day merges.
func engagementOptions(now time.Time) engagement.Options {
	y, m, d := now.UTC().Date()
	return engagement.Options{AsOf: time.Date(y, m, d+1, 0, 0, 0, 0, time.UTC)}
}

// toResponse is a stored response as the engagement package reads it.
func toResponse(r Response) engagement.Response {
	return engagement.Response{ID: r.ID, Client: r.Client, Stimulus: r.Stimulus, Kind: r.Kind,
		Time: r.Time, Setting: r.Setting, Value: r.Value}
}

// analyze scores responses into a new book.
func analyze(ctx context.Context, j *engagement.Journey, rs iter.Seq[engagement.Response], now time.Time) (*engagement.Book, error) {
	return engagement.Analyze(ctx, j, rs, engagementOptions(now))
}

// buildBook scores every stored response, as of now's day.
func buildBook(ctx context.Context, st Store, j *engagement.Journey, now time.Time) (*bookState, error) {
	var all []engagement.Response
	err := st.Responses(ctx, func(r Response) error {
		all = append(all, toResponse(r))
		return nil
	})
	if err != nil {
		return nil, err
	}
	b, err := analyze(ctx, j, slices.Values(all), now)
	if err != nil {
		return nil, err
	}
	return &bookState{book: b, asOf: engagementOptions(now).AsOf}, nil
}

// merge is the book with a batch of newly stored responses merged in:
// the batch is scored on its own and the books merged, never rescored.
func (s *bookState) merge(ctx context.Context, j *engagement.Journey, rs []Response, now time.Time) (*bookState, error) {
	delta, err := analyze(ctx, j, func(yield func(engagement.Response) bool) {
		for _, r := range rs {
			if !yield(toResponse(r)) {
				return
			}
		}
	}, now)
	if err != nil {
		return nil, err
	}
	merged, err := engagement.MergeBooks(s.book, delta)
	if err != nil {
		return nil, err
	}
	return &bookState{book: merged, asOf: s.asOf, gen: s.gen + 1}, nil
}

// derive works out (once) each client's engagement percentile, who is at
// risk, and the segments by profit and engagement. It runs under no
// request's context, so a request that ends early cannot spoil it.
func (s *bookState) derive(clients []Client) *derived {
	s.once.Do(func() {
		d := &s.derived
		scores := map[string]float64{}
		for _, sc := range s.book.Scores() {
			scores[sc.Client] = sc.Total()
		}
		money := make([]segment.Client, len(clients))
		vals := make([]float64, len(clients))
		for i, c := range clients {
			money[i] = segment.Client{ID: c.ID, Revenue: c.Revenue, CostToServe: c.CostToServe, Engagement: scores[c.ID]}
			vals[i] = scores[c.ID]
		}
		d.percentile = map[string]float64{}
		for i, p := range percentiles(vals) {
			d.percentile[clients[i].ID] = p
		}
		d.atRisk = map[string]bool{}
		risky, _ := s.book.AtRisk(engagement.AtRiskRule{}) // the zero rule is valid
		for _, a := range risky {
			d.atRisk[a.Client] = true
		}
		d.segments, d.err = segment.Grid{Profit: segment.Top(0.4), Engagement: segment.Top(0.5)}.AssignAll(context.Background(), money)
		d.segmentOf = map[string]segment.Assignment{}
		for _, a := range d.segments.Assignments {
			d.segmentOf[a.ClientID] = a
		}
		d.summary = segment.Summarize(d.segments.Assignments, money)
	})
	return &s.derived
}

// scatter is the book's segments as an SVG picture.
func (d *derived) scatter() []byte { return segment.Scatter(d.segments) }

// percentiles gives each value its share of the values below it, in [0,1);
// ties share the lowest rank of their run.
func percentiles(vs []float64) []float64 {
	order := make([]int, len(vs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(vs[a], vs[b]) })
	out := make([]float64, len(vs))
	for k := 0; k < len(order); {
		run := k
		for run < len(order) && vs[order[run]] == vs[order[k]] {
			run++
		}
		for _, i := range order[k:run] {
			out[i] = float64(k) / float64(len(vs))
		}
		k = run
	}
	return out
}
