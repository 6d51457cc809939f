package batch

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/engagekit/engagekit/internal/testguard"
	"pgregory.net/rapid"
)

func TestRunMatchesSequentialAndAccounts(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := rapid.SliceOf(rapid.IntRange(-50, 50)).Draw(t, "in")
		workers := rapid.IntRange(1, 8).Draw(t, "workers")
		chunk := rapid.IntRange(0, 10).Draw(t, "chunk")
		fn := func(x int) (int, error) {
			if x < 0 {
				return 0, errors.New("negative")
			}
			return x * x, nil
		}
		var got []int
		c := Run(context.Background(), slices.Values(in), returning(fn), func(i, _, out int, err error) {
			if i != len(got) {
				t.Fatalf("emitted index %d out of order", i)
			}
			if err != nil {
				out = -1
			}
			got = append(got, out)
		}, Options{Workers: workers, Chunk: chunk})
		var want []int
		failed := 0
		for _, x := range in {
			if out, err := fn(x); err != nil {
				want = append(want, -1)
				failed++
			} else {
				want = append(want, out)
			}
		}
		if !slices.Equal(want, got) {
			t.Fatalf("got %v, want %v", got, want)
		}
		if c.In != len(in) || c.OK+c.Failed+c.Cancelled != c.In || c.Failed != failed {
			t.Fatalf("counts %+v for %d inputs, %d failing", c, len(in), failed)
		}
	})
}

// A cancel ends the batch's reading: the inputs read are accounted for
// (those after the cancel as cancelled, not emitted), and the sequence is
// read no further, an endless one included.
func TestRunCancelledStopsReading(t *testing.T) {
	for _, workers := range []int{1, 2, 8} {
		for _, chunk := range []int{0, 1, 50} {
			testguard.Run(t, 20*time.Second, func() {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				read := 0
				endless := func(yield func(int) bool) {
					for i := 0; ; i++ {
						read++
						if !yield(i) {
							return
						}
					}
				}
				emitted := 0
				c := Run(ctx, endless, returning(func(x int) (int, error) {
					if x == 100 {
						cancel()
					}
					return x, nil
				}), func(i, in, _ int, _ error) {
					if i != in {
						t.Errorf("input %d emitted as %d", in, i)
					}
					emitted++
				}, Options{Workers: workers, Chunk: chunk})
				if !c.Unread || c.In != read || c.OK+c.Failed+c.Cancelled != c.In || c.Cancelled == 0 || c.OK < 101 || emitted != c.OK+c.Failed {
					t.Errorf("workers %d, chunk %d: counts %+v, %d read, %d emitted", workers, chunk, c, read, emitted)
				}
			})
		}
	}
}

// A batch whose context ended before it began reads one input, counts it
// as cancelled and stops; one that ends after the last input read has
// nothing unread.
func TestRunCancelledEdges(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := 0
	c := Run(ctx, slices.Values([]int{1, 2, 3}), returning(func(x int) (int, error) { calls++; return x, nil }), func(int, int, int, error) {}, Options{})
	if c != (Counts{In: 1, Cancelled: 1, Unread: true}) || calls != 0 {
		t.Errorf("cancelled before: counts %+v, fn called %d times", c, calls)
	}
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	c = Run(ctx, slices.Values([]int{1, 2, 3}), returning(func(x int) (int, error) { return x, nil }), func(int, int, int, error) {}, Options{})
	cancel()
	if c != (Counts{In: 3, OK: 3}) {
		t.Errorf("cancelled after: counts %+v", c)
	}
}

// A panic of fn's on any worker reaches Run's caller, however many
// workers, rather than ending the process on the worker's goroutine.
func TestPanicReachesCaller(t *testing.T) {
	for _, workers := range []int{1, 2, 4} {
		func() {
			defer func() {
				if r := recover(); r != "boom" {
					t.Errorf("%d workers: recovered %v, want boom", workers, r)
				}
			}()
			Run(context.Background(), slices.Values(make([]int, 1000)), returning(func(int) (int, error) { panic("boom") }),
				func(int, int, int, error) {}, Options{Workers: workers})
		}()
	}
}

// TestGoexitFailsItsInput: an fn that ends its goroutine (runtime.Goexit,
// as a test's FailNow does) fails its input with ErrExited, and every
// other input is evaluated once and handed over in order, on one worker
// or several, in chunks whose workers claim one input at a time or runs
// of them (the worker taking the place of one that ended goes on with
// the rest of its run).
func TestGoexitFailsItsInput(t *testing.T) {
	for _, workers := range []int{1, 2, 5} {
		for _, chunk := range []int{64, 0} {
			in := make([]int, 1000)
			for i := range in {
				in[i] = i
			}
			calls := make([]atomic.Int32, len(in))
			var got []int
			c := Run(context.Background(), slices.Values(in), func(x int, out *int) error {
				calls[x].Add(1)
				*out = x * 2
				if x%97 == 3 {
					runtime.Goexit() // with its result written: kept
				}
				return nil
			}, func(i, x, out int, err error) {
				got = append(got, i)
				switch {
				case x%97 == 3 && (!errors.Is(err, ErrExited) || out != 2*x):
					t.Errorf("workers %d, chunk %d: input %d ended its goroutine: %v, want ErrExited", workers, chunk, x, err)
				case x%97 != 3 && (err != nil || out != 2*x):
					t.Errorf("workers %d, chunk %d: input %d: %d, %v", workers, chunk, x, out, err)
				}
			}, Options{Workers: workers, Chunk: chunk})
			if want := (Counts{In: 1000, OK: 1000 - 11, Failed: 11}); c != want || len(got) != 1000 || !slices.IsSorted(got) {
				t.Errorf("workers %d, chunk %d: counts %+v (want %+v), %d handed over, in order %v", workers, chunk, c, want, len(got), slices.IsSorted(got))
			}
			for x := range calls {
				if n := calls[x].Load(); n != 1 {
					t.Errorf("workers %d, chunk %d: input %d evaluated %d times", workers, chunk, x, n)
				}
			}
		}
	}
}

// TestRunsOfInputs: a worker claims up to eight inputs at a time, fewer
// when the chunk would leave a worker fewer than eight runs, one at
// least.
func TestRunsOfInputs(t *testing.T) {
	for _, c := range []struct{ inputs, workers, want int }{
		{0, 2, 1}, {1, 2, 1}, {15, 2, 1}, {16, 2, 1}, {32, 2, 2}, {127, 2, 7}, {128, 2, 8}, {512, 2, 8},
		{1 << 20, 2, 8}, {100, 0, 8}, {100, 1000, 1}, {64, 1, 8},
	} {
		if got := runOf(c.inputs, c.workers); got != c.want {
			t.Errorf("runOf(%d, %d) = %d, want %d", c.inputs, c.workers, got, c.want)
		}
	}
}

// returning adapts a function that returns its result to Run's, which
// writes it.
func returning[In, Out any](fn func(In) (Out, error)) func(In, *Out) error {
	return func(in In, out *Out) (err error) {
		*out, err = fn(in)
		return err
	}
}
