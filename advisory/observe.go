package advisory

import (
	"errors"
	"time"

	"github.com/engagekit/engagekit/dsl"
)

// Observer watches a batch of [Framework.EvaluateAll], for a host that
// binds it to its own logging or metrics (log/slog, Prometheus,
// OpenTelemetry): the package depends on none of them. Every method is
// called from the goroutine that called EvaluateAll, never concurrently,
// so an Observer needs no locks of its own; a slow method slows the
// batch. The methods must not call back into the batch.
type Observer interface {
	// File is called once for every file the batch evaluated, or failed
	// to load, in input order. Files cancelled before (or while) they were
	// evaluated are not reported: the counts account for them.
	File(FileStats)
	// Progress is called now and then with the counts so far, and a last
	// time with the final counts, as [BatchOptions.Progress] is.
	Progress(Counts)
	// Done is called once, last, with the batch's per-rule totals.
	Done(BatchStats)
}

// FileStats is what the batch observed of one file. Alerts counts all
// its alerts, those Load found included; Err is its error, as in
// [BatchResult.Failed]. Elapsed is how long loading and evaluating it
// took by [BatchOptions.Clock], zero without a clock.
type FileStats struct {
	Index    int           `json:"index"`
	ClientID string        `json:"client_id"`
	Alerts   int           `json:"alerts"`
	Err      error         `json:"-"`
	Elapsed  time.Duration `json:"elapsed"`
}

// BatchStats are a batch's totals: its counts and, for each rule of the
// framework in rule order, how many files it was evaluated on, how many
// alerts it raised (a table's collect policy may raise several in one
// file) and on how many files it failed.
type BatchStats struct {
	Counts Counts      `json:"counts"`
	Rules  []RuleStats `json:"rules"`
}

// RuleStats is one rule's line of a [BatchStats].
type RuleStats struct {
	Rule        string `json:"rule"`
	Evaluations int    `json:"evaluations"`
	Fires       int    `json:"fires"`
	Errors      int    `json:"errors"`
	// Time is the rule's time over the batch by [BatchOptions.Clock],
	// zero without a clock.
	Time time.Duration `json:"time"`
}

// observation gathers a batch's statistics for an Observer, on the
// goroutine that emits the files in order.
type observation struct {
	obs   Observer
	byID  map[string]int
	rules []RuleStats
}

func newObservation[Env any](f *Framework[Env], obs Observer) *observation {
	if obs == nil {
		return nil
	}
	o := &observation{obs: obs, byID: map[string]int{}}
	for i, r := range f.Rules() {
		o.byID[r.ID] = i
		o.rules = append(o.rules, RuleStats{Rule: r.ID})
	}
	return o
}

// file records one emitted file: its framework alerts are those past the
// first loaded, which Load found; unread, its Load failed, so no rule was
// evaluated on it (told by the batch, not by a *LoadError in err's chain,
// which a rule's host function may return too).
func (o *observation) file(i int, id string, alerts []Alert, loaded int, unread bool, err error, elapsed time.Duration, times []time.Duration, decided []bool) {
	for k, t := range times {
		if k < len(o.rules) {
			o.rules[k].Time += t
		}
	}
	if !unread {
		for k, d := range decided {
			if d && k < len(o.rules) {
				o.rules[k].Evaluations++
			}
		}
		for _, a := range alerts[loaded:] {
			if k, ok := o.byID[a.RuleID]; ok {
				o.rules[k].Fires++
			}
		}
		// Each rule that failed on the file, once: a reader's error
		// carries the failure of the decision it reads (a silent one's
		// only there) as its cause.
		failed := map[string]bool{}
		for _, e := range dsl.Errors(err) {
			for x := error(e); x != nil; x = errors.Unwrap(x) {
				if de, ok := x.(*dsl.Error); ok {
					failed[de.RuleID] = true
				}
			}
		}
		for id := range failed {
			if k, ok := o.byID[id]; ok {
				o.rules[k].Errors++
			}
		}
		if errors.Is(err, ErrExited) {
			// A host function ended the goroutine: no error names the
			// rule, but the rules are decided in order, each marked as
			// it begins, so the last one marked was running.
			for k := min(len(decided), len(o.rules)) - 1; k >= 0; k-- {
				if decided[k] {
					o.rules[k].Errors++
					break
				}
			}
		}
	}
	o.obs.File(FileStats{Index: i, ClientID: id, Alerts: len(alerts), Err: err, Elapsed: elapsed})
}

func (o *observation) done(c Counts) {
	o.obs.Done(BatchStats{Counts: c, Rules: o.rules})
}
