package main

import (
	"context"
	"iter"
	"time"

	"github.com/engagekit/engagekit/advisory"
)

// This file is crmhost's use of package advisory: client files
// consolidated from the stored records and enriched with the book, the
// framework over one file or the whole book, Explain, and the diff of two
// versions over the population.

// policy is the firm's source of truth per field, as wealthdesk's.
var policy = advisory.Policy{
	Default: advisory.FieldPolicy{Sources: []string{"crm", "advice"}},
	Fields: map[string]advisory.FieldPolicy{
		"pension.coverage":   {Sources: []string{"advice"}, MaxAge: 455 * 24 * time.Hour},
		"portfolio.value":    {Sources: []string{"advice"}, MaxAge: 455 * 24 * time.Hour},
		"home.propertyValue": {MaxAge: 455 * 24 * time.Hour},
		"client.income":      {Strategy: advisory.MostRecent},
	},
}

// clientFile is one client's consolidated file and what the client page
// shows of it.
type clientFile struct {
	Consolidated advisory.Consolidated
	File         advisory.File
	// Stale is the staleness check's alerts; StaleFields the fields they
	// name.
	Stale       []advisory.Alert
	StaleFields map[string]bool
}

// toRecords is a client's stored records as package advisory reads them.
func toRecords(rs []SourceRecord) []advisory.Record {
	out := make([]advisory.Record, len(rs))
	for i, r := range rs {
		out[i] = advisory.Record{Source: r.Source, AsOf: r.AsOf, Fields: r.Fields}
	}
	return out
}

// loadFile consolidates a client's records, checks them for staleness and
// enriches the file with the client's engagement and segment.
func loadFile(id string, recs []SourceRecord, d *derived, now time.Time) (clientFile, error) {
	c, err := advisory.Consolidate(id, toRecords(recs), policy)
	if err != nil {
		return clientFile{}, err
	}
	file, err := advisory.NewFile(c)
	if err != nil {
		return clientFile{}, err
	}
	cf := clientFile{Consolidated: c, Stale: advisory.Staleness(c, policy, now), StaleFields: map[string]bool{}}
	for _, a := range cf.Stale {
		for _, e := range a.Evidence {
			if f, ok := e.Value.(string); ok && e.Name == "field" {
				cf.StaleFields[f] = true
			}
		}
	}
	file.StaleFields = len(cf.Stale)
	file.Engagement = &advisory.Engagement{Score: d.percentile[id], AtRisk: d.atRisk[id]}
	if a, ok := d.segmentOf[id]; ok {
		file.Segment = &advisory.Segment{Name: string(a.Segment), Profit: a.Profit}
	}
	cf.File = file
	return cf, nil
}

// evaluate is the framework's alerts for one file, the data alerts first.
func evaluate(ctx context.Context, fw *framework, id string, cf clientFile, now time.Time) ([]advisory.Alert, error) {
	alerts, err := fw.EvaluateContext(ctx, id, cf.File, now)
	return append(append([]advisory.Alert(nil), cf.Stale...), alerts...), err
}

// explain tells why one rule fired or did not for a file, as text.
func explain(fw *framework, ruleID string, cf clientFile, now time.Time) (string, error) {
	x, err := fw.Explain(ruleID, cf.File, now)
	if err != nil {
		return "", err
	}
	return x.String(), nil
}

// ruleIDs lists the framework's rules in file order.
func ruleIDs(fw *framework) []string {
	var out []string
	for _, r := range fw.Rules() {
		out = append(out, r.ID)
	}
	return out
}

// population is every client's file as batch items, loaded on the
// batch's workers from records read once; withStale keeps the staleness
// check's alerts, which are the data's, not the rule file's.
func population(clients []Client, recs map[string][]SourceRecord, d *derived, now time.Time, withStale bool) iter.Seq[advisory.Item[advisory.File]] {
	return func(yield func(advisory.Item[advisory.File]) bool) {
		for _, c := range clients {
			load := func() (advisory.File, []advisory.Alert, error) {
				cf, err := loadFile(c.ID, recs[c.ID], d, now)
				if !withStale {
					cf.Stale = nil
				}
				return cf.File, cf.Stale, err
			}
			if !yield(advisory.Item[advisory.File]{ClientID: c.ID, Load: load}) {
				return
			}
		}
	}
}

// batchCounts is how far a batch got.
type batchCounts struct{ In, OK, Failed, Cancelled int }

// evaluateAll runs the framework over the population, telling progress
// (if not nil) how far it got now and then.
func evaluateAll(ctx context.Context, fw *framework, files iter.Seq[advisory.Item[advisory.File]], now time.Time, progress func(batchCounts)) advisory.BatchResult {
	return fw.EvaluateAll(ctx, files, now, batchOptions(progress))
}

// batchOptions sets BatchOptions.Progress to progress.
func batchOptions(progress func(batchCounts)) advisory.BatchOptions {
	var o advisory.BatchOptions
	if progress != nil {
		o.Progress = func(c advisory.Counts) {
			progress(batchCounts{In: c.In, OK: c.OK, Failed: c.Failed, Cancelled: c.Cancelled})
		}
	}
	return o
}

// diffVersions is what new changes against old over the population.
func diffVersions(ctx context.Context, old, new *framework, files iter.Seq[advisory.Item[advisory.File]], now time.Time) (advisory.Diff, error) {
	return advisory.DiffVersions(ctx, old, new, files, now)
}
