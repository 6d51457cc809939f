package advisory_test

// Adversary 160: internal/batch.Run and the advisory batches after
// 84830d2 (a cancel stops reading the sequence; Counts.Unread). _Broken
// tests fail now and show a defect; _Pinned tests pass and pin right
// behaviour.

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/internal/batch"
	"github.com/engagekit/engagekit/internal/testguard"
)

var now160 = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

type env160 struct {
	N int `expr:"n"`
}

const rules160 = `ruleset r160 version 1
rule pos {
  type "t.pos"
  when n > 0
  title "pos {n}"
}
rule even {
  type "t.even"
  when n % 2 == 0
  title "even"
}
`

func a160Framework(t testing.TB, src string) *advisory.Framework[env160] {
	t.Helper()
	fw, err := advisory.Compile[env160]([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return fw
}

// a160Sloppy is a finite iterator of the kind hosts write, which goes on
// calling yield after it returned false. Before 84830d2 a batch never
// returned false, so it ran to its end.
func a160Sloppy(n int, read *int, items func(i int) advisory.Item[env160]) iter.Seq[advisory.Item[env160]] {
	return func(yield func(advisory.Item[env160]) bool) {
		for i := range n {
			*read++
			yield(items(i))
		}
	}
}

// Was (fixed): since a cancel makes the batch stop reading (84830d2), a cancel
// turns a batch over an iterator that ignores yield's result (finite,
// harmless before: the batch never returned false) into a panic out of
// EvaluateAll and batch.Run: the range-over-func runtime's "range
// function continued iteration after function for loop body returned
// false", raised inside the library's range loop.
// Got before the fix: panic: runtime error: range function continued iteration after
// function for loop body returned false.
// A fix calls the sequence as a function (seq(yield), not for range), so
// that a yield called after it returned false returns false again, and
// the batch returns its counts: In = OK + Failed + Cancelled, Unread.
func TestAdversary160_CancelWithSloppyIterator_Pinned(t *testing.T) {
	fw := a160Framework(t, rules160)
	for _, workers := range []int{1, 4} {
		testguard.Run(t, 20*time.Second, func() {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			read := 0
			// The context ends while the iterator reads (a deadline
			// passing during a cursor's read, say).
			files := a160Sloppy(50, &read, func(i int) advisory.Item[env160] {
				if i == 3 {
					cancel()
				}
				return advisory.Item[env160]{ClientID: fmt.Sprint("c", i), File: env160{N: i}}
			})
			var res advisory.BatchResult
			panicked := func() (p any) {
				defer func() { p = recover() }()
				res = fw.EvaluateAll(ctx, files, now160, advisory.BatchOptions{Workers: workers})
				return nil
			}()
			if panicked != nil {
				t.Errorf("workers %d: EvaluateAll panicked after a cancel: %v", workers, panicked)
				return
			}
			c := res.Counts
			if c.In != c.OK+c.Failed+c.Cancelled || !c.Unread || c.In > read {
				t.Errorf("workers %d: counts %+v, %d read", workers, c, read)
			}
		})
	}
	// The same at the batch's own level.
	testguard.Run(t, 20*time.Second, func() {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		seq := func(yield func(int) bool) {
			for i := range 20 {
				yield(i)
			}
		}
		defer func() {
			if p := recover(); p != nil {
				t.Errorf("batch.Run panicked after a cancel: %v", p)
			}
		}()
		c := batch.Run(ctx, seq, func(x int, out *int) error {
			if x == 2 {
				cancel()
			}
			*out = x
			return nil
		}, func(int, int, int, error) {}, batch.Options{Workers: 1, Chunk: 1})
		if c.In != c.OK+c.Failed+c.Cancelled || !c.Unread {
			t.Errorf("batch.Run: counts %+v", c)
		}
	})
}

// Pinned: batch.Run with a cancel at every moment (before the batch, in
// the sequence before the k-th input, in fn of input k, with fn
// returning ctx's error, in emit of index k, in the k-th Progress, after
// the sequence's last input), on 1, 2, 3, 7, 1024 and 5000 workers and
// chunks 0, 1, 2, 3, 5, 11..13, 100: In is exactly the inputs read, In =
// OK + Failed + Cancelled, Unread exactly when the batch returned false
// to the sequence, emit saw OK + Failed inputs in order, each with its
// own result and an index below In, and the last Progress is the final
// counts.
func TestAdversary160_RunCancelAtEveryMoment_Pinned(t *testing.T) {
	const total = 12
	testguard.Run(t, 60*time.Second, func() {
		for _, workers := range []int{1, 2, 3, 7, 1024, 5000} {
			for _, chunk := range []int{0, 1, 2, 3, 5, 11, 12, 13, 100} {
				for _, where := range []string{"before", "seq", "fn", "fnerr", "emit", "progress", "afterseq"} {
					for k := 0; k <= total; k++ {
						a160RunOnce(t, workers, chunk, where, k, total)
					}
				}
			}
		}
	})
}

func a160RunOnce(t *testing.T, workers, chunk int, where string, k, total int) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if where == "before" {
		cancel()
	}
	read, early := 0, false
	seq := func(yield func(int) bool) {
		for i := range total {
			if where == "seq" && i == k {
				cancel()
			}
			read++
			if !yield(i) {
				early = true
				return
			}
		}
		if where == "afterseq" {
			cancel()
		}
	}
	var emitted []int
	progress := 0
	var last batch.Counts
	c := batch.Run(ctx, seq, func(x int, out *int) error {
		if (where == "fn" || where == "fnerr") && x == k {
			cancel()
			if where == "fnerr" {
				return ctx.Err()
			}
		}
		*out = x * 10
		return nil
	}, func(i, in, out int, err error) {
		if i != in || out != in*10 || err != nil {
			t.Errorf("w%d c%d %s k%d: emitted %d with input %d, result %d, %v", workers, chunk, where, k, i, in, out, err)
		}
		emitted = append(emitted, i)
		if where == "emit" && i == k {
			cancel()
		}
	}, batch.Options{Workers: workers, Chunk: chunk, Progress: func(c batch.Counts) {
		progress++
		last = c
		if where == "progress" && progress == k+1 {
			cancel()
		}
	}})
	ok := c.In == c.OK+c.Failed+c.Cancelled && c.In == read && c.Unread == early && c.OK+c.Failed == len(emitted) && last == c
	for j, e := range emitted {
		if e >= c.In || j > 0 && e <= emitted[j-1] {
			ok = false
		}
	}
	if !ok {
		t.Errorf("w%d c%d %s k%d: counts %+v, read %d, stopped early %v, emitted %v, last progress %+v", workers, chunk, where, k, c, read, early, emitted, last)
	}
}

// a160Observer records what a batch tells its Observer, and can cancel
// on the k-th File or Progress.
type a160Observer struct {
	files    []advisory.FileStats
	progress []advisory.Counts
	done     []advisory.BatchStats
	onFile   func(n int)
	onProg   func(n int)
}

func (o *a160Observer) File(f advisory.FileStats) {
	o.files = append(o.files, f)
	if o.onFile != nil {
		o.onFile(len(o.files))
	}
}

func (o *a160Observer) Progress(c advisory.Counts) {
	o.progress = append(o.progress, c)
	if o.onProg != nil {
		o.onProg(len(o.progress))
	}
}

func (o *a160Observer) Done(s advisory.BatchStats) { o.done = append(o.done, s) }

// Pinned: EvaluateEach and EvaluateAll with a cancel in the iterator, in
// a Load, in each, in Progress, in the Observer's File and Progress, on
// 1, 3 and 1024 workers: the Observer was told of exactly the OK + Failed
// files, in order, each handed to each; its Done and the last Progress
// (both the option's and the Observer's) are the returned counts; In is
// the files read and Unread is set exactly when the iterator was told to
// stop; EvaluateAll's Failed and alerts agree with EvaluateEach's.
func TestAdversary160_EvaluateEachCancelReportsAgree_Pinned(t *testing.T) {
	fw := a160Framework(t, rules160)
	const total = 40
	testguard.Run(t, 60*time.Second, func() {
		for _, workers := range []int{1, 3, 1024} {
			for _, where := range []string{"iter", "load", "each", "progress", "obsfile", "obsprogress"} {
				for _, k := range []int{0, 1, 5, 17, 39} {
					ctx, cancel := context.WithCancel(context.Background())
					read, early := 0, false
					files := func(yield func(advisory.Item[env160]) bool) {
						for i := range total {
							if where == "iter" && i == k {
								cancel()
							}
							read++
							it := advisory.Item[env160]{ClientID: fmt.Sprint("c", i), Load: func() (env160, []advisory.Alert, error) {
								if where == "load" && i == k {
									cancel()
								}
								if i%7 == 6 {
									return env160{}, nil, errors.New("no file")
								}
								return env160{N: i}, nil, nil
							}}
							if !yield(it) {
								early = true
								return
							}
						}
					}
					obs := &a160Observer{}
					var progress []advisory.Counts
					if where == "obsfile" {
						obs.onFile = func(n int) {
							if n == k+1 {
								cancel()
							}
						}
					}
					if where == "obsprogress" {
						obs.onProg = func(n int) {
							if n == k+1 {
								cancel()
							}
						}
					}
					var handed []advisory.FileAlerts
					c := fw.EvaluateEach(ctx, files, now160, advisory.BatchOptions{Workers: workers, Observer: obs, Progress: func(c advisory.Counts) {
						progress = append(progress, c)
						if where == "progress" && len(progress) == k+1 {
							cancel()
						}
					}}, func(fa advisory.FileAlerts) {
						handed = append(handed, fa)
						if where == "each" && fa.Index == k {
							cancel()
						}
					})
					cancel()
					name := fmt.Sprintf("w%d %s k%d", workers, where, k)
					if c.In != c.OK+c.Failed+c.Cancelled || c.In != read || c.Unread != early {
						t.Errorf("%s: counts %+v, read %d, stopped early %v", name, c, read, early)
					}
					if len(handed) != c.OK+c.Failed || len(obs.files) != len(handed) {
						t.Errorf("%s: counts %+v, %d handed over, %d told the Observer", name, c, len(handed), len(obs.files))
						continue
					}
					failed := 0
					for j, fa := range handed {
						f := obs.files[j]
						if f.Index != fa.Index || f.ClientID != fa.ClientID || f.Alerts != len(fa.Alerts) || (f.Err == nil) != (fa.Err == nil) || fa.ClientID != fmt.Sprint("c", fa.Index) {
							t.Errorf("%s: handed %+v, observed %+v", name, fa, f)
						}
						if fa.Err != nil {
							failed++
						}
					}
					if failed != c.Failed {
						t.Errorf("%s: %d handed over failed, counts %+v", name, failed, c)
					}
					if len(obs.done) != 1 || obs.done[0].Counts != c || len(progress) == 0 || progress[len(progress)-1] != c ||
						len(obs.progress) == 0 || obs.progress[len(obs.progress)-1] != c {
						t.Errorf("%s: counts %+v, Done %+v, last Progress %v, Observer's %v", name, c, obs.done, progress, obs.progress)
					}
				}
			}
		}
	})
}

// a160Settle waits for the goroutine count to come down to at most want.
func a160Settle(want int) int {
	n := runtime.NumGoroutine()
	for range 400 {
		if n = runtime.NumGoroutine(); n <= want {
			return n
		}
		runtime.Gosched()
		time.Sleep(5 * time.Millisecond)
	}
	return n
}

// Pinned: no goroutine outlives batch.Run: after a cancel over an endless
// sequence on 1024 workers with an odd chunk, after the sequence panics
// mid-chunk, after fn panics, and after emit panics, the goroutine count
// settles back to where it was, and the panics reach the caller.
func TestAdversary160_NoGoroutineOutlivesRun_Pinned(t *testing.T) {
	base := runtime.NumGoroutine()
	endless := func(panicAt int) iter.Seq[int] {
		return func(yield func(int) bool) {
			for i := 0; ; i++ {
				if i == panicAt {
					panic("seq160")
				}
				if !yield(i) {
					return
				}
			}
		}
	}
	slow := func(ctx context.Context, cancelAt int, cancel func(), panicAt int) func(int, *int) error {
		return func(x int, out *int) error {
			if x == cancelAt {
				cancel()
			}
			if x == panicAt {
				panic("fn160")
			}
			select {
			case <-ctx.Done():
			case <-time.After(time.Millisecond):
			}
			*out = x
			return nil
		}
	}
	for _, c := range []struct {
		name                string
		seqPanic, fnPanic   int
		emitPanic, cancelAt int
		workers, chunk      int
		wantPanic           string
	}{
		{"cancel, endless, 1024 workers", -1, -1, -1, 3000, 1024, 1023, ""},
		{"cancel, endless, 1 worker", -1, -1, -1, 10, 1, 7, ""},
		{"seq panics", 2500, -1, -1, -1, 64, 1000, "seq160"},
		{"fn panics", -1, 1500, -1, -1, 64, 999, "fn160"},
		{"emit panics", -1, -1, 700, -1, 64, 333, "emit160"},
	} {
		testguard.Run(t, 20*time.Second, func() {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			got := func() (p any) {
				defer func() { p = recover() }()
				batch.Run(ctx, endless(c.seqPanic), slow(ctx, c.cancelAt, cancel, c.fnPanic), func(i, _, _ int, _ error) {
					if i == c.emitPanic {
						panic("emit160")
					}
				}, batch.Options{Workers: c.workers, Chunk: c.chunk})
				return nil
			}()
			if fmt.Sprint(got) != c.wantPanic && !(got == nil && c.wantPanic == "") {
				t.Errorf("%s: panicked with %v, want %q", c.name, got, c.wantPanic)
			}
		})
		if n := a160Settle(base + 2); n > base+2 {
			t.Errorf("%s: %d goroutines after Run returned, %d before", c.name, n, base)
		}
	}
}

// Pinned: DiffVersions with a cancel part-way through the first pass
// (the second then reads one file and stops): no panic, no
// ErrFilesDiffer (a cancel is not a difference in the files), the
// context's error, and a diff of only the files both versions reached.
func TestAdversary160_DiffVersionsAfterCancel_Pinned(t *testing.T) {
	old := a160Framework(t, rules160)
	nw := a160Framework(t, strings.Replace(rules160, "version 1", "version 2", 1))
	for _, k := range []int{0, 1, 9, 29} {
		testguard.Run(t, 20*time.Second, func() {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			files := func(yield func(advisory.Item[env160]) bool) {
				for i := range 30 {
					if i == k {
						cancel()
					}
					if !yield(advisory.Item[env160]{ClientID: fmt.Sprint("c", i), File: env160{N: i}}) {
						return
					}
				}
			}
			d, err := advisory.DiffVersions(ctx, old, nw, files, now160)
			if !errors.Is(err, context.Canceled) || errors.Is(err, advisory.ErrFilesDiffer) {
				t.Errorf("cancel at %d: error %v", k, err)
			}
			if len(d.Appeared)+len(d.Disappeared)+len(d.Changed) != 0 {
				t.Errorf("cancel at %d: diff %+v", k, d)
			}
		})
	}
}
