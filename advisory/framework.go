package advisory

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/internal/batch"
	"github.com/engagekit/engagekit/internal/errtext"
)

// Framework is a compiled advisory framework: a rule file of rules,
// decision trees and tables over a client-file type Env (the host's own, or
// [File]). It is immutable and safe for concurrent use. A nil Framework
// is one not compiled: it names and describes no rules, Evaluate and
// Explain fail with dsl.ErrNotCompiled, and a batch fails each file so.
type Framework[Env any] struct {
	rules *dsl.RuleSet[Env]
	// hits pools the scratch slices evaluations collect hits in, so a
	// batch allocates only the alerts it returns.
	hits sync.Pool
}

// Compile compiles a rule file into a framework over Env. Every hit carries
// as evidence the rule's lets and the fields its condition read. Errors are
// *dsl.Error values, all of them at once.
func Compile[Env any](src []byte, opts ...dsl.Option) (*Framework[Env], error) {
	rs, err := dsl.CompileRules[Env](src, append([]dsl.Option{dsl.WithReadEvidence()}, opts...)...)
	if err != nil {
		return nil, err
	}
	return &Framework[Env]{rules: rs}, nil
}

// Name and Version identify the framework, from its rule file.
func (f *Framework[Env]) Name() string { return f.ruleSet().Name() }

// Version is the framework's version number.
func (f *Framework[Env]) Version() int { return f.ruleSet().Version() }

// Rules describes the framework's rules.
func (f *Framework[Env]) Rules() []dsl.RuleInfo { return f.ruleSet().Rules() }

// ruleSet is the framework's rules; nil for a nil Framework, which is a
// framework not compiled: its methods say so (dsl.ErrNotCompiled), or
// describe no rules, rather than panic.
func (f *Framework[Env]) ruleSet() *dsl.RuleSet[Env] {
	if f == nil {
		return nil
	}
	return f.rules
}

// Evaluate applies the framework to one client file at time now and
// returns its alerts in rule order. A rule that fails does not stop the
// others; the error joins one *dsl.Error per failed rule.
func (f *Framework[Env]) Evaluate(clientID string, file Env, now time.Time) ([]Alert, error) {
	return f.appendEvaluate(context.Background(), nil, nil, clientID, file, now, dsl.EvalOptions{})
}

// EvaluateContext is [Framework.Evaluate] under a context: when ctx ends,
// the rule running stops promptly and the error matches ctx.Err().
func (f *Framework[Env]) EvaluateContext(ctx context.Context, clientID string, file Env, now time.Time) ([]Alert, error) {
	return f.appendEvaluate(ctx, nil, nil, clientID, file, now, dsl.EvalOptions{})
}

// appendEvaluate is EvaluateContext appending the alerts to dst; with a
// block, the alerts, dst's first, are laid out in the block instead.
func (f *Framework[Env]) appendEvaluate(ctx context.Context, dst []Alert, blk *alertBlock, clientID string, file Env, now time.Time, o dsl.EvalOptions) ([]Alert, error) {
	if f == nil {
		return dst, dsl.ErrNotCompiled
	}
	scratch, _ := f.hits.Get().(*[]dsl.Hit)
	if scratch == nil {
		scratch = new([]dsl.Hit)
	}
	hits, err := f.rules.AppendEvalWith(ctx, (*scratch)[:0], file, now, o)
	if blk != nil {
		dst = append(blk.take(len(dst)+len(hits)), dst...)
	} else {
		dst = slices.Grow(dst, len(hits))
	}
	for _, h := range hits {
		dst = append(dst, f.alert(clientID, h))
	}
	clear(hits) // the pooled slice must not keep a file's values alive
	*scratch = hits[:0]
	f.hits.Put(scratch)
	return dst, err
}

// Explain tells why one rule fired or did not for a client file.
func (f *Framework[Env]) Explain(ruleID string, file Env, now time.Time) (*dsl.RuleExplanation, error) {
	return f.ruleSet().Explain(ruleID, file, now)
}

func (f *Framework[Env]) alert(clientID string, h dsl.Hit) Alert {
	a := Alert{ClientID: clientID, Type: h.Type, RuleSet: f.rules.Name(), Version: f.rules.Version(), RuleID: h.Rule,
		Path: h.Path, Title: h.Title, Message: h.Message, Urgency: h.Urgency, Sensitivity: h.Sensitivity, Outputs: h.Outputs,
		Evidence: h.Evidence, Owner: h.Owner}
	if len(h.Tags) > 0 {
		a.Tags = h.Tags // the hit's own copy of the rule's tags
		slices.Sort(a.Tags)
	}
	return a
}

// Item is one client file of a batch: the file itself, or a way to load
// it. Load lets a host prepare its files (consolidate, decode, enrich) on
// the batch's workers rather than in the iterator, which runs on one
// goroutine: when Load is set it is called once, on a worker, and File is
// ignored. Load may also return alerts it found while preparing the file,
// such as [Staleness] findings: they come first among the file's alerts in
// the result, so a client's alerts stay together, and the batch owns them.
// A Load that fails, panics or ends its goroutine ([ErrExited]) fails its
// file, which the result lists in Failed like any other; the alerts a
// failing Load returns are kept (a data.missing alert may say why it
// failed), and an error that is a nil pointer is a failure that says so.
// Load may be called concurrently with other items'
// Loads, and with the iterator, Progress, the Observer and EvaluateEach's
// each, which run on the calling goroutine while the workers load and
// evaluate the files after the ones they hand over.
type Item[Env any] struct {
	ClientID string
	File     Env
	Load     func() (Env, []Alert, error)
}

// ErrExited is the error of a file whose [Item.Load], or a host function
// a rule called, ended its goroutine (runtime.Goexit, as a test's FailNow
// does) instead of returning: the file failed, with the alerts its Load
// returned (the alerts of the rules evaluated before the exit were never
// returned, and are lost with it), and the batch goes on with the others
// on a goroutine that takes its place.
var ErrExited = batch.ErrExited

// LoadError is a client file whose [Item.Load] failed: none of its rules
// was evaluated.
type LoadError struct {
	ClientID string `json:"client_id"`
	Err      error  `json:"-"`
}

// Error says which client's file could not be loaded, and why.
func (e *LoadError) Error() string {
	return "advisory: loading the file of client " + e.ClientID + ": " + errtext.Of(e.Err)
}

// Unwrap returns the cause.
func (e *LoadError) Unwrap() error { return e.Err }

// FileError is a client file the batch could not (fully) evaluate: the
// alerts of its other rules are still in the result. A file that could not
// be loaded has an Err that is a *[LoadError].
//
// A FileError is an error itself: Error is the cause's message with the
// client named, and Unwrap returns Err, so errors.Is and errors.As see
// through it. In JSON, Message carries the cause's text.
type FileError struct {
	Index    int    `json:"index"`
	ClientID string `json:"client_id"`
	Err      error  `json:"-"`
	Message  string `json:"error"`
}

// Error names the file's client and its place in the batch, then the cause.
func (e FileError) Error() string {
	msg := e.Message
	if e.Err != nil {
		msg = errtext.Of(e.Err)
	}
	return fmt.Sprintf("advisory: file %d (client %s): %s", e.Index, e.ClientID, msg)
}

// Unwrap returns the cause.
func (e FileError) Unwrap() error { return e.Err }

// Counts accounts for every file a batch read: In = OK + Failed + Cancelled,
// always. A file is OK when all its rules were evaluated, Failed when one
// failed or its [Item.Load] did, and Cancelled when the batch's context
// ended before it was (fully) evaluated.
//
// Unread says the batch's context ended before its sequence of files did,
// and the batch stopped reading the sequence there: the files after the
// In read, if any, were neither read nor counted. A cancel ends a batch
// over an endless sequence, or over a cursor whose every row costs a read,
// rather than draining it.
type Counts struct {
	In        int  `json:"in"`
	OK        int  `json:"ok"`
	Failed    int  `json:"failed"`
	Cancelled int  `json:"cancelled"`
	Unread    bool `json:"unread,omitempty"`
}

// BatchResult is the outcome of a batch: the alerts of every file in input
// order (each file's alerts in rule order), the files that failed, and the
// counts, in which In = OK + Failed + Cancelled always holds.
type BatchResult struct {
	Alerts []Alert     `json:"alerts"`
	Failed []FileError `json:"failed,omitempty"`
	Counts Counts      `json:"counts"`
}

// BatchOptions tune [Framework.EvaluateAll]. The zero value uses every
// core.
type BatchOptions struct {
	// Workers is how many goroutines evaluate; 0 means GOMAXPROCS, and
	// more than 1,024 mean 1,024.
	Workers int
	// Progress, if set, is called now and then with the counts so far,
	// from the goroutine that called EvaluateAll, never concurrently, and
	// a last time with the final counts. It must not call back into the
	// batch.
	Progress func(Counts)
	// Observer, if set, is told of every file, the progress and the
	// per-rule totals (see [Observer]).
	Observer Observer
	// Clock, if set, times each file and each rule for the Observer: it
	// is called before and after a file is loaded and evaluated, and
	// around each rule, on the batch's workers, concurrently. The library
	// reads no clock of its own.
	Clock func() time.Time
}

// EvaluateAll applies the framework to every file of files on all cores.
// The result is the same as evaluating the files one by one, in order. A
// file whose rules fail is listed in Failed (with its other rules' alerts
// kept) and never aborts the batch; when ctx is done, the rule running
// stops promptly (see dsl.RuleSet.EvalContext), and the files not yet
// evaluated, and the one stopped part-way (whose alerts would be
// incomplete, so none are kept), are counted as cancelled; files is read
// no further ([Counts].Unread), so a cancel ends a batch over an endless
// sequence too. It is
// [Framework.EvaluateEach] with the files' alerts joined into one slice.
func (f *Framework[Env]) EvaluateAll(ctx context.Context, files iter.Seq[Item[Env]], now time.Time, opts BatchOptions) BatchResult {
	var res BatchResult
	// Each file's alerts are kept as they come and copied into one slice
	// of the final size at the end: appending them one file at a time
	// would copy a million alerts over and over as the slice grows.
	var parts [][]Alert
	total := 0
	res.Counts = f.EvaluateEach(ctx, files, now, opts, func(fa FileAlerts) {
		if len(fa.Alerts) > 0 {
			parts = append(parts, fa.Alerts)
			total += len(fa.Alerts)
		}
		if fe, failed := fa.Failure(); failed {
			res.Failed = append(res.Failed, fe)
		}
	})
	if total > 0 {
		res.Alerts = gather(parts, total, opts.Workers)
	}
	return res
}

// FileAlerts is one file's outcome in a batch, as [Framework.EvaluateEach]
// hands it over.
type FileAlerts struct {
	// Index is the file's place in the batch, ClientID its Item's.
	Index    int    `json:"index"`
	ClientID string `json:"client_id"`
	// Alerts are the file's alerts, those its Load found first, then the
	// rules' in rule order (a Load that failed leaves only its own). The
	// slice is the host's: the batch never writes to it again.
	Alerts []Alert `json:"alerts,omitempty"`
	// Err is why the file failed (its Load, or a rule: the other rules'
	// alerts are in Alerts); nil when all its rules were evaluated. In
	// JSON, "error" carries its text.
	Err error `json:"-"`
}

// Failure is the file's failure as [BatchResult.Failed] lists it, and
// whether it failed.
func (fa FileAlerts) Failure() (FileError, bool) {
	if fa.Err == nil {
		return FileError{}, false
	}
	return FileError{Index: fa.Index, ClientID: fa.ClientID, Err: fa.Err, Message: errtext.Of(fa.Err)}, true
}

// EvaluateEach is [Framework.EvaluateAll] for a host that takes each
// file's alerts as they come rather than in one slice: each is called
// with every file that was evaluated or failed, in file order, from the
// goroutine that called EvaluateEach, never concurrently. A host that
// keeps the parts (to plan them with canvas's PlanParts, say) saves
// EvaluateAll's copy of them, half a gigabyte at a million files. It
// returns the counts; cancellation and failures are as for EvaluateAll
// (a file stopped part-way is counted as cancelled and not handed over).
// A nil each takes nothing: the files are evaluated and counted; nil
// files are none.
//
// A worker lays its files' alerts, with their titles, messages and
// evidence, out in shared blocks ([dsl.HitStore]) rather than an
// allocation each: a host that keeps a few files' alerts and drops the
// rest keeps those blocks alive, with the other alerts laid out in them;
// it should evaluate the few files again with [Framework.Evaluate], whose
// alerts share nothing.
func (f *Framework[Env]) EvaluateEach(ctx context.Context, files iter.Seq[Item[Env]], now time.Time, opts BatchOptions, each func(FileAlerts)) Counts {
	if each == nil {
		each = func(FileAlerts) {}
	}
	if files == nil {
		return Counts{}
	}
	type out struct {
		alerts  []Alert
		loaded  int           // the alerts Load found, first in alerts
		unread  bool          // Load failed: no rule was evaluated
		elapsed time.Duration // by opts.Clock
		times   []time.Duration
		decided []bool // the rules decided on the file, for the Observer
	}
	timeRules := opts.Clock != nil && opts.Observer != nil
	nRules := 0
	if opts.Observer != nil {
		nRules = len(f.Rules())
	}
	// A worker lays its files' alerts out in blocks (pooled, so each
	// worker keeps drawing on one), whose slices are handed over as they
	// are: a block is never written to again where it was handed over.
	blocks := sync.Pool{New: func() any { return new(alertBlock) }}
	// eval writes the file's outcome into o as it goes: a Load or a host
	// function of a rule that ends the goroutine (runtime.Goexit) leaves
	// what was written, the Load's alerts among it, and the batch fails
	// the file with ErrExited.
	eval := func(it Item[Env], o *out) (err error) {
		if opts.Clock != nil {
			start := opts.Clock()
			defer func() { o.elapsed = opts.Clock().Sub(start) }()
		}
		file, found := it.File, []Alert(nil)
		if it.Load != nil {
			o.unread = true // until the Load returns a file
			if file, found, err = load(it.Load); err != nil {
				// What the Load found before it failed (a data.missing
				// alert saying why) is kept: a batch drops no alert.
				o.alerts, o.loaded = found, len(found)
				return &LoadError{ClientID: it.ClientID, Err: err}
			}
			o.unread = false
		}
		o.alerts, o.loaded = found, len(found)
		var eo dsl.EvalOptions
		if timeRules {
			o.times = make([]time.Duration, nRules)
			eo = dsl.EvalOptions{Clock: opts.Clock, RuleTimes: o.times}
		}
		if opts.Observer != nil {
			o.decided = make([]bool, nRules)
			eo.Decided = o.decided
		}
		blk := blocks.Get().(*alertBlock)
		eo.Store = &blk.hits
		o.alerts, err = f.appendEvaluate(ctx, found, blk, it.ClientID, file, now, eo)
		blocks.Put(blk)
		return err
	}
	obs := newObservation(f, opts.Observer)
	var progress func(batch.Counts)
	var reported Counts
	tell := func(c Counts) {
		if opts.Progress != nil {
			opts.Progress(c)
		}
		if obs != nil {
			obs.obs.Progress(c)
		}
	}
	if opts.Progress != nil || obs != nil {
		progress = func(c batch.Counts) {
			reported = Counts(c)
			tell(reported)
		}
	}
	// The batch hands over only the files it counts as evaluated or
	// failed; a file cancelled part-way is counted, not handed over.
	counts := Counts(batch.Run(ctx, files, eval, func(i int, it Item[Env], o out, err error) {
		if o.unread && errors.Is(err, ErrExited) {
			// The Load ended its goroutine: a file that could not be
			// loaded, as a Load that failed or panicked.
			err = &LoadError{ClientID: it.ClientID, Err: err}
		}
		if obs != nil {
			obs.file(i, it.ClientID, o.alerts, o.loaded, o.unread, err, o.elapsed, o.times, o.decided)
		}
		each(FileAlerts{Index: i, ClientID: it.ClientID, Alerts: o.alerts, Err: err})
	}, batch.Options{Workers: opts.Workers, Progress: progress}))
	if progress != nil && (counts != reported || counts.In == 0) {
		tell(counts) // the file read after a cancel, or none at all
	}
	if obs != nil {
		obs.done(counts)
	}
	return counts
}

// gatherMin is the fewest alerts gather copies on more than one goroutine.
const gatherMin = 1 << 16

// gather copies the files' alerts, in order, into one slice of total
// alerts, on workers goroutines (0: GOMAXPROCS) when there are many (at a
// million files this copy is most of a second on one core, and the cores
// are otherwise idle by then), and lets go of each part once it is copied.
func gather(parts [][]Alert, total, workers int) []Alert {
	out := make([]Alert, total)
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, batch.MaxWorkers, max(len(parts), 1))
	if total < gatherMin || workers < 2 {
		at := 0
		for i, p := range parts {
			at += copy(out[at:], p)
			parts[i] = nil // copied: the collector may have it
		}
		return out
	}
	// Worker w copies the parts that start in its share of the alerts.
	starts := make([]int, len(parts)+1)
	for i, p := range parts {
		starts[i+1] = starts[i] + len(p)
	}
	var wg sync.WaitGroup
	for w := range workers {
		lo, _ := slices.BinarySearch(starts[:len(parts)], w*total/workers)
		hi, _ := slices.BinarySearch(starts[:len(parts)], (w+1)*total/workers)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				copy(out[starts[i]:], parts[i])
				parts[i] = nil
			}
		}()
	}
	wg.Wait()
	return out
}

// load calls a host's Load, turning a panic into an error: it runs on a
// batch worker, where a panic could not be recovered by the host.
func load[Env any](fn func() (Env, []Alert, error)) (file Env, found []Alert, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	file, found, err = fn()
	if err != nil && errtext.IsNilPointer(err) {
		// A typed nil is not nil: the Load failed, and said nothing of
		// why (its Error would dereference nil).
		err = fmt.Errorf("the Load returned a nil %T as its error", err)
	}
	return file, found, err
}
