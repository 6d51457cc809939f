// Package batch runs a function over a sequence on all cores, with results
// in input order and every input accounted for. Packages that evaluate a
// whole book of clients share it.
package batch

import (
	"context"
	"errors"
	"iter"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/engagekit/engagekit/internal/mem"
)

// Options tune [Run]. The zero value uses every core and reports no
// progress.
type Options struct {
	// Workers is how many goroutines evaluate; 0 means GOMAXPROCS, and
	// more than MaxWorkers mean MaxWorkers.
	Workers int
	// Chunk is how many inputs are read ahead and evaluated together;
	// 0 means 256 per worker. Memory grows with it, not with the input.
	Chunk int
	// Progress, if set, is called after each chunk from the goroutine that
	// called Run, never concurrently.
	Progress func(Counts)
}

// MaxWorkers is the most goroutines a batch evaluates on; a larger
// Options.Workers is read as it. Workers beyond the cores pay only when
// evaluation waits (a Load reading a database); a thousand is beyond any
// such wait's use.
const MaxWorkers = 1024

// Counts accounts for every input read: In = OK + Failed + Cancelled,
// always. Unread says the context ended before the sequence did and the
// batch stopped reading it there: the inputs after the In read, if any,
// were neither read nor counted (a sequence can be endless, or a cursor
// whose every row costs a read).
type Counts struct {
	In        int  `json:"in"`
	OK        int  `json:"ok"`
	Failed    int  `json:"failed"`
	Cancelled int  `json:"cancelled"`
	Unread    bool `json:"unread,omitempty"`
}

// ErrExited is the error of an input whose fn ended its goroutine
// (runtime.Goexit, as a test's FailNow does) instead of returning: the
// input failed, with what fn had written of its result, and the inputs
// after it are evaluated on a goroutine that takes its place.
var ErrExited = errors.New("the evaluation ended its goroutine (runtime.Goexit) without returning")

// Run calls fn for every input of seq on the configured workers, and emit
// for every input that was evaluated or failed, in input order, with the
// input and fn's result and error (for an fn that ended its goroutine,
// what it had written of its result and [ErrExited]), from the goroutine
// that called Run. fn writes its result into out, which starts zero, as
// it goes. An input is classed once, before emit: OK, failed, or
// cancelled (its error is ctx's, ctx being done), which is counted and not
// emitted. When ctx is done, the inputs not yet evaluated are not passed
// to fn and are counted as cancelled, and Run reads seq no further
// ([Counts].Unread): the input it reads after ctx is done is its last,
// counted as cancelled. fn must be safe for concurrent use,
// and with seq, emit and Progress: the workers evaluate one chunk while
// the calling goroutine hands the one before over and reads the next.
func Run[In, Out any](ctx context.Context, seq iter.Seq[In], fn func(in In, out *Out) error, emit func(i int, in In, out Out, err error), opts Options) Counts {
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// Bounded: the read-ahead is 256 inputs a worker (a Workers of 2^40
	// asked an impossible slice; of 2^56, wrapped to none).
	workers = min(workers, MaxWorkers)
	chunk := opts.Chunk
	if chunk <= 0 {
		chunk = 256 * workers
	}
	var c Counts
	// Two chunks: while the workers evaluate one, this goroutine emits
	// the one before and reads the next from seq, so the cores are not
	// idle while results are handed over in order.
	type buffer struct {
		ins       []In
		outs      []Out
		errs      []error
		cancelled []bool        // classed as each was evaluated
		done      chan struct{} // closed when evaluated
		panicked  any           // what fn panicked with, if it did
	}
	// The buffers grow with what seq gives, to a chunk at most: a batch
	// of two files on a thousand workers made two chunks of 256,000
	// results up front.
	var bufs [2]buffer
	// The chunks are evaluated under a context of their own, ended when
	// Run returns, a panic of emit's included: the chunk in flight then
	// stops within an item a worker, and no fn runs after Run.
	evalCtx, stop := context.WithCancel(ctx)
	defer func() {
		stop()
		for k := range bufs {
			if bufs[k].done != nil {
				<-bufs[k].done
			}
		}
	}()
	start := func(b *buffer) {
		if n := len(b.ins); len(b.outs) < n {
			b.outs, b.errs, b.cancelled = make([]Out, n), make([]error, n), make([]bool, n)
		}
		b.done, b.panicked = make(chan struct{}), nil
		go func() {
			defer close(b.done)
			// A panic of fn's is raised again on the calling goroutine,
			// where a batch on one goroutine raised it, not left to end
			// the process.
			defer func() {
				if r := recover(); r != nil {
					b.panicked = r
				}
			}()
			evaluate(ctx, evalCtx, b.ins, b.outs, b.errs, b.cancelled, fn, workers)
		}()
	}
	hand := func(b *buffer) {
		<-b.done
		if p := b.panicked; p != nil {
			b.done = nil
			panic(p)
		}
		for i := range b.ins {
			// Each item was classed as it was evaluated: an emit that
			// cancels ctx must not turn an item evaluated before (a
			// failure, with an error of its own that says cancelled)
			// into a cancelled one after the fact.
			switch {
			case b.cancelled[i]:
				c.Cancelled++ // not emitted: its outcome is incomplete
			case b.errs[i] == nil:
				c.OK++
				emit(c.In, b.ins[i], b.outs[i], nil)
			default:
				c.Failed++
				emit(c.In, b.ins[i], b.outs[i], b.errs[i])
			}
			c.In++
			var zero Out
			b.outs[i], b.errs[i], b.cancelled[i] = zero, nil, false
		}
		clear(b.ins) // the inputs handed over are the host's, not the buffer's
		b.ins, b.done = b.ins[:0], nil
		if opts.Progress != nil {
			opts.Progress(c)
		}
	}
	cur := 0
	// handPrevious hands the chunk under evaluation over, if any.
	handPrevious := func() {
		if prev := &bufs[cur^1]; prev.done != nil {
			hand(prev)
		}
	}
	stopped := false
	// over is set once seq has returned, or once a hand-over raised a
	// panic through seq's yield: a yield after either is refused, for
	// Run's buffers are no longer its own (an iterator may keep yield and
	// call it after Run returned, from any goroutine, or recover the
	// panic and yield again). raised is that panic, raised again once seq
	// returns if seq recovered it.
	var over atomic.Bool
	defer over.Store(true) // however Run ends, a panic of seq's own included
	var raised *any
	// turn starts chunk b, full, and hands the one before over.
	turn := func(b *buffer) {
		defer func() {
			if r := recover(); r != nil {
				over.Store(true)
				raised = &r
				panic(r)
			}
		}()
		// The previous chunk is evaluated before this one starts (the
		// workers take one at a time), then handed over while this one
		// is.
		prev := &bufs[cur^1]
		if prev.done != nil {
			<-prev.done
		}
		start(b)
		handPrevious()
		cur ^= 1
	}
	// seq is called, not ranged over: an iterator that goes on yielding
	// after it was told to stop (a loop that drops yield's result, common
	// in hand-written ones) is then given false again and its inputs are
	// not read, where a range over it panics.
	seq(func(in In) bool {
		// Once ctx is done, seq is read no further: draining it counted
		// inputs no one would evaluate, and never ended for an endless
		// one. The input in hand is counted, as cancelled, after those
		// before it.
		if over.Load() || stopped {
			return false
		}
		if ctx.Err() != nil {
			stopped = true
			return false
		}
		b := &bufs[cur]
		b.ins = append(b.ins, in)
		if len(b.ins) == chunk {
			turn(b)
		}
		return true
	})
	if over.Swap(true); raised != nil {
		panic(*raised)
	}
	handPrevious()
	if b := &bufs[cur]; len(b.ins) > 0 {
		start(b)
		hand(b)
	}
	if stopped {
		c.In++
		c.Cancelled++
		c.Unread = true
		if opts.Progress != nil {
			opts.Progress(c)
		}
	}
	return c
}

// evaluate runs fn over ins on workers goroutines, each taking the next
// run of indexes (see runOf), writing results at the input's position.
func evaluate[In, Out any](ctx, run context.Context, ins []In, outs []Out, errs []error, cancelled []bool, fn func(In, *Out) error, workers int) {
	var next atomic.Int64
	size := runOf(len(ins), workers)
	// work evaluates inputs until none is left: the rest of its run,
	// then runs it claims.
	work := func(w *claim) {
		for {
			if w.next >= w.end {
				lo := int(next.Add(int64(size)) - int64(size))
				if lo >= len(ins) {
					return
				}
				w.next, w.end = lo, min(lo+size, len(ins))
			}
			i := w.next
			w.next++
			if err := run.Err(); err != nil {
				errs[i], cancelled[i] = err, true
				continue
			}
			w.at = i
			// errs is written only for an error: its entries start nil,
			// and a write of nil would still take the cache line, which
			// may hold a neighbouring run's entries.
			err := fn(ins[i], &outs[i])
			w.at = -1
			if err == nil {
				continue
			}
			errs[i] = err
			// Cancelled when ctx was done as it finished with ctx's
			// error: stopped part-way. An error of fn's own that says
			// cancelled, before ctx was, is a failure.
			if err := ctx.Err(); err != nil && errors.Is(errs[i], err) {
				cancelled[i] = true
			}
		}
	}
	// Each worker is a goroutine of its own, one included: a panic of
	// fn's is raised again here, once all are done, where the caller's
	// goroutine can take it (Run raises it on its own; left on the worker
	// it ended the process), and an fn that ends its goroutine
	// (runtime.Goexit, which no recover stops) fails its input and
	// leaves the rest of its run, then the inputs no one has claimed, to
	// a worker that takes its place, rather than leaving them unevaluated
	// and read as evaluated.
	var panicked atomic.Pointer[any]
	var wg sync.WaitGroup
	var worker func(w *claim)
	worker = func(w *claim) {
		defer wg.Done()
		returned := false
		defer func() {
			if r := recover(); r != nil {
				panicked.CompareAndSwap(nil, &r)
				return
			}
			if !returned { // runtime.Goexit, in fn
				if w.at >= 0 {
					errs[w.at] = ErrExited // with what fn wrote of its result
				}
				wg.Add(1)
				go worker(&claim{at: -1, next: w.next, end: w.end})
			}
		}()
		work(w)
		returned = true
	}
	for range min(workers, len(ins)) {
		wg.Add(1)
		go worker(&claim{at: -1})
	}
	wg.Wait()
	if p := panicked.Load(); p != nil {
		panic(*p)
	}
}

// claim is a worker's place in the inputs: the input in hand (-1 between
// two) and the rest of the run it claimed, [next, end). A worker writes it
// at every input, so it is padded off other allocations' cache lines
// (mem.LinePad).
type claim struct {
	_             mem.LinePad
	at, next, end int
	_             mem.LinePad
}

// runOf is how many consecutive inputs a worker claims at a time: up to
// eight, fewer so that each worker still has eight runs to take and a slow
// input does not leave the others idle. Workers taking one input at a time
// took neighbours, and wrote their results into the same cache lines,
// which then passed between the cores at every input.
func runOf(inputs, workers int) int {
	return max(1, min(8, inputs/(8*max(workers, 1))))
}
