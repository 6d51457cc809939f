package batch

// Adversary 164: Run after c237486 (workers claim runs of up to eight
// inputs, a worker's place in a padded claim, errs written only for an
// error, the worker taking the place of one that ended its goroutine goes
// on with the rest of its run). Goexits at run boundaries and in a row,
// panics mid-run, cancels at every input, every worker count and chunk
// size around the run sizes: every input evaluated at most once (exactly
// once when nothing cancels), results at their own positions, emitted in
// order, counted once. One defect found, older than c237486 (Run calls
// seq rather than ranging over it since 4fc0491): a seq that recovers
// the panic Run raises through yield and goes on (RecoveringSeq), fixed:
// pinned now.

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// exits164 is which inputs end their goroutine: the last of a run of
// eight, two in a row, the first and the last input.
func exits164(x, n int) bool {
	return x%8 == 7 || x%10 == 3 || x%10 == 4 || x == 0 || x == n-1
}

// TestAdversary164_GoexitMatrix_Pinned: with Goexits on the last input of
// runs, on consecutive inputs and on the first and last input, errors in
// between, over worker counts 1..1024, chunks of 1..100 and the default,
// and input counts around the run boundaries, every input is evaluated
// exactly once, emitted once at its position with its own result (what fn
// wrote before Goexit kept), and the counts add up.
func TestAdversary164_GoexitMatrix_Pinned(t *testing.T) {
	errOwn := errors.New("own")
	for _, workers := range []int{1, 2, 3, 7, 1024} {
		for _, chunk := range []int{1, 2, 7, 100, 0} {
			for _, n := range []int{0, 1, 15, 16, 17, 127, 128, 129, 1000} {
				name := fmt.Sprintf("workers %d chunk %d n %d", workers, chunk, n)
				calls := make([]atomic.Int32, n)
				var emitted []int
				wantFailed := 0
				c := Run(context.Background(), slices.Values(ints164(n)), func(x int, out *int) error {
					calls[x].Add(1)
					*out = 3*x + 1
					if exits164(x, n) {
						runtime.Goexit()
					}
					if x%11 == 5 {
						return errOwn
					}
					return nil
				}, func(i, x, out int, err error) {
					emitted = append(emitted, i)
					var want error
					switch {
					case exits164(x, n):
						want = ErrExited
					case x%11 == 5:
						want = errOwn
					}
					if i != x || out != 3*x+1 || !errors.Is(err, want) || (want == nil) != (err == nil) {
						t.Errorf("%s: emit(%d, %d, %d, %v), want input %d, result %d, error %v", name, i, x, out, err, i, 3*i+1, want)
					}
				}, Options{Workers: workers, Chunk: chunk})
				for x := range n {
					if exits164(x, n) || x%11 == 5 {
						wantFailed++
					}
					if k := calls[x].Load(); k != 1 {
						t.Errorf("%s: input %d evaluated %d times", name, x, k)
					}
				}
				if want := (Counts{In: n, OK: n - wantFailed, Failed: wantFailed}); c != want {
					t.Errorf("%s: counts %+v, want %+v", name, c, want)
				}
				if len(emitted) != n || !slices.IsSorted(emitted) {
					t.Errorf("%s: %d emitted, in order %v", name, len(emitted), slices.IsSorted(emitted))
				}
			}
		}
	}
}

func ints164(n int) []int {
	in := make([]int, n)
	for i := range in {
		in[i] = i
	}
	return in
}

// TestAdversary164_PanicMidRun_Pinned: a panic of fn's on any input of a
// run (its first, its middle, its last, the chunk's last), with Goexits
// around it, is raised on the caller with its own value; the chunks
// before the panicking one are emitted whole and in order, none of its
// own or after it; no fn and no emit runs after Run has returned.
func TestAdversary164_PanicMidRun_Pinned(t *testing.T) {
	type boom struct{ at int }
	for _, workers := range []int{1, 2, 3, 7} {
		for _, chunk := range []int{1, 7, 100} {
			const n = 129
			for _, k := range []int{0, 1, 6, 7, 8, 15, 16, 63, 99, 100, 101, 128} {
				name := fmt.Sprintf("workers %d chunk %d panic at %d", workers, chunk, k)
				calls := make([]atomic.Int32, n)
				var after atomic.Bool
				var late atomic.Int32
				var emitted []int
				got := func() (r any) {
					defer func() { r = recover() }()
					Run(context.Background(), slices.Values(ints164(n)), func(x int, out *int) error {
						if after.Load() {
							late.Add(1)
						}
						calls[x].Add(1)
						*out = x
						switch {
						case x == k:
							panic(&boom{x})
						case x != k+1 && exits164(x, n):
							runtime.Goexit()
						}
						return nil
					}, func(i, x, out int, err error) {
						if after.Load() {
							late.Add(1)
						}
						emitted = append(emitted, i)
						if i != x || out != x || (err != nil) != (x != k+1 && exits164(x, n)) {
							t.Errorf("%s: emit(%d, %d, %d, %v)", name, i, x, out, err)
						}
					}, Options{Workers: workers, Chunk: chunk})
					return nil
				}()
				after.Store(true)
				if b, ok := got.(*boom); !ok || b.at != k {
					t.Errorf("%s: Run raised %v, want the panic of input %d", name, got, k)
				}
				if want := k / chunk * chunk; len(emitted) != want || !slices.IsSorted(emitted) || (want > 0 && emitted[want-1] != want-1) {
					t.Errorf("%s: emitted %d inputs (sorted %v), want the %d of the chunks before the panic", name, len(emitted), slices.IsSorted(emitted), want)
				}
				for x := range n {
					if c := calls[x].Load(); c > 1 || (x < k/chunk*chunk && c != 1) {
						t.Errorf("%s: input %d evaluated %d times", name, x, c)
					}
				}
				time.Sleep(time.Millisecond)
				if l := late.Load(); l != 0 {
					t.Errorf("%s: %d calls of fn or emit after Run returned", name, l)
				}
			}
		}
	}
}

// TestAdversary164_CancelEverywhere_Pinned: ctx cancelled by fn at every
// input k, which then returns ctx's error, nil, or ends its goroutine;
// the seq ignores yield's false and goes on yielding. Every input is
// evaluated at most once; the one that cancelled is cancelled (ctx's
// error), OK (nil) or failed with ErrExited (Goexit: failed, not
// cancelled); an input emitted was evaluated, with its own result, in
// order, at its position; an input not evaluated is never emitted; the
// counts add up, to the inputs the seq was told were taken and, when it
// was read no further, the one refused.
func TestAdversary164_CancelEverywhere_Pinned(t *testing.T) {
	for _, workers := range []int{1, 2, 3, 7} {
		for _, chunk := range []int{1, 7, 100} {
			for _, n := range []int{17, 129} {
				for _, k := range cancelPoints164(n) {
					for mode := range 3 {
						name := fmt.Sprintf("workers %d chunk %d n %d cancel at %d mode %d", workers, chunk, n, k, mode)
						ctx, cancel := context.WithCancel(context.Background())
						calls := make([]atomic.Int32, n)
						taken, refused := 0, 0
						seq := func(yield func(int) bool) {
							for x := range n {
								if yield(x) { // the false ignored
									taken++
								} else {
									refused++
								}
							}
						}
						emittedK := false
						next := 0
						c := Run(ctx, seq, func(x int, out *int) error {
							calls[x].Add(1)
							*out = x + 1
							if x == k {
								cancel()
								switch mode {
								case 0:
									return ctx.Err()
								case 2:
									runtime.Goexit()
								}
							}
							return nil
						}, func(i, x, out int, err error) {
							if i != x || i < next || out != x+1 || calls[x].Load() != 1 {
								t.Errorf("%s: emit(%d, %d, %d, %v) after %d, evaluated %d times", name, i, x, out, err, next, calls[x].Load())
							}
							next = i + 1
							if x == k {
								emittedK = true
								if mode == 1 && err != nil || mode == 2 && !errors.Is(err, ErrExited) {
									t.Errorf("%s: the cancelling input emitted with %v", name, err)
								}
							} else if err != nil {
								t.Errorf("%s: input %d emitted with %v", name, x, err)
							}
						}, Options{Workers: workers, Chunk: chunk})
						cancel()
						if mode == 0 && emittedK || mode != 0 && !emittedK {
							t.Errorf("%s: the cancelling input emitted %v", name, emittedK)
						}
						for x := range n {
							if v := calls[x].Load(); v > 1 {
								t.Errorf("%s: input %d evaluated %d times", name, x, v)
							}
						}
						unread := 0
						if c.Unread {
							unread = 1
						}
						if c.In != c.OK+c.Failed+c.Cancelled || c.In != taken+unread || c.Unread != (refused > 0) || c.In > n {
							t.Errorf("%s: counts %+v, %d taken, %d refused", name, c, taken, refused)
						}
						if mode == 2 && c.Failed != 1 || mode != 2 && c.Failed != 0 {
							t.Errorf("%s: %d failed", name, c.Failed)
						}
					}
				}
			}
		}
	}
}

// TestAdversary164_CancelFromEmit_Pinned: emit cancels ctx at every
// position; the inputs evaluated before it are not turned into cancelled
// ones (each classed as evaluated), nothing is evaluated twice, and the
// counts add up.
func TestAdversary164_CancelFromEmit_Pinned(t *testing.T) {
	for _, workers := range []int{1, 3, 7} {
		for _, chunk := range []int{1, 7, 100} {
			const n = 129
			for k := range n {
				name := fmt.Sprintf("workers %d chunk %d cancel at emit %d", workers, chunk, k)
				ctx, cancel := context.WithCancel(context.Background())
				calls := make([]atomic.Int32, n)
				next, emitted := 0, 0
				c := Run(ctx, slices.Values(ints164(n)), func(x int, out *int) error {
					calls[x].Add(1)
					*out = x
					if exits164(x, n) {
						runtime.Goexit()
					}
					return ctx.Err() // cancelled: after the emit's cancel
				}, func(i, x, out int, err error) {
					if i != x || i < next || out != x || calls[x].Load() != 1 || (err != nil) != exits164(x, n) {
						t.Errorf("%s: emit(%d, %d, %d, %v) after %d", name, i, x, out, err, next)
					}
					next, emitted = i+1, emitted+1
					if x == k {
						cancel()
					}
				}, Options{Workers: workers, Chunk: chunk})
				cancel()
				if next <= k {
					t.Errorf("%s: emitted up to %d only", name, next)
				}
				for x := range n {
					if v := calls[x].Load(); v > 1 {
						t.Errorf("%s: input %d evaluated %d times", name, x, v)
					}
				}
				if c.In != c.OK+c.Failed+c.Cancelled || c.In > n || c.OK+c.Failed != emitted || c.Failed < countExits164(k+1, n) {
					t.Errorf("%s: counts %+v, emitted up to %d", name, c, next)
				}
			}
		}
	}
}

// cancelPoints164 is every input of a small batch, and for a larger one
// the inputs at and around the run and chunk boundaries.
func cancelPoints164(n int) []int {
	if n < 20 {
		return ints164(n)
	}
	return []int{0, 1, 6, 7, 8, 9, 15, 16, 17, 63, 64, 99, 100, 101, 127, 128}
}

func countExits164(upto, n int) int {
	k := 0
	for x := range upto {
		if exits164(x, n) {
			k++
		}
	}
	return k
}

// TestAdversary164_StaleYield_Pinned: an iterator that keeps yield and
// calls it after Run has returned runs no fn and emits nothing (the
// chunk it fills is evaluated under the context Run ended, so every
// input of it is classed cancelled). Progress, though, is called by such
// a yield once a second stale chunk fills (from the stale caller's
// goroutine); not pinned either way.
func TestAdversary164_StaleYield_Pinned(t *testing.T) {
	for _, chunk := range []int{1, 2, 7} {
		var saved func(int) bool
		var calls, emits atomic.Int32
		var after atomic.Bool
		Run(context.Background(), func(y func(int) bool) { saved = y; y(0); y(1) }, func(x int, out *int) error {
			if after.Load() {
				calls.Add(1)
			}
			return nil
		}, func(i, x, out int, err error) {
			if after.Load() {
				emits.Add(1)
			}
		}, Options{Workers: 2, Chunk: chunk})
		after.Store(true)
		for x := range 50 {
			saved(2 + x)
		}
		time.Sleep(10 * time.Millisecond)
		if calls.Load() != 0 || emits.Load() != 0 {
			t.Errorf("chunk %d: a yield after Run returned ran fn %d times, emit %d times", chunk, calls.Load(), emits.Load())
		}
	}
}

// TestAdversary164_RecoveringSeq_Pinned
//
// Fixed: a panic raised through yield (a chunk's hand-over) ends Run's
// reading: a yield after it, or after seq returned, is refused, and Run
// raises the panic again once seq returns. Was (fixed) a defect (older
// than c237486: Run calls seq rather than ranging over it
// since 4fc0491). Run raises fn's panic again through yield, out of the
// seq. A seq that recovers a panic of its yield and goes on yielding
// (the Go runtime's own test "VeryBadOfSliceIndex": a range over it
// panics at once with "range function recovered a loop body panic and
// did not resume panicking") leaves Run's state half-updated: hand set
// the panicked buffer's done to nil before panicking, but cur was not
// flipped, so the next yield appends to the buffer still under
// evaluation, and after seq returns Run calls start on that buffer a
// second time while its first evaluation may still run. Observed:
// inputs evaluated twice (In 8 for 10 inputs, every input from the third
// on evaluated twice), fn's panic lost (Run returns normally), data races
// under -race, and, in most runs, "panic: close of closed channel" on a
// worker goroutine, which no recover can take: the process ends.
// Minimal reproduction: Run(ctx, seq, fn, emit, Options{Workers: 2,
// Chunk: 2}) over 0..9, fn panics on input 1, seq wraps each yield(i) in
// func(){ defer func(){ recover() }(); yield(i) }(). Expected: the
// process survives, no input is evaluated twice (e.g. once yield has
// raised a panic it answers false, and Run raises the panic again when
// seq returns, as a range over it would raise an error).
func TestAdversary164_RecoveringSeq_Pinned(t *testing.T) {
	if os.Getenv("ADV164_BATCH_CHILD") == "1" {
		twice := 0
		for range 20 {
			var calls [10]atomic.Int32
			func() {
				defer func() { recover() }()
				Run(context.Background(), func(y func(int) bool) {
					for i := range 10 {
						func() {
							defer func() { recover() }()
							y(i)
						}()
					}
				}, func(x int, out *int) error {
					calls[x].Add(1)
					if x == 1 {
						panic("boom")
					}
					return nil
				}, func(i, x, out int, err error) {}, Options{Workers: 2, Chunk: 2})
			}()
			for i := range calls {
				if calls[i].Load() > 1 {
					twice++
				}
			}
		}
		fmt.Printf("ADV164 child done: %d inputs evaluated twice\n", twice)
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestAdversary164_RecoveringSeq_Pinned$", "-test.count=1")
	cmd.Env = append(os.Environ(), "ADV164_BATCH_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ADV164 child done: 0 inputs evaluated twice") {
		first, _, _ := strings.Cut(string(out), "\n\n")
		if len(first) > 2000 {
			first = first[:2000]
		}
		t.Errorf("a seq that recovers yield's panic and goes on: the process ended or inputs were evaluated twice (%v):\n%s", err, first)
	}
}
