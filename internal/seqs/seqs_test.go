package seqs

import (
	"slices"
	"sync"
	"testing"
)

// An iterator that drops yield's result: it yields everything it has
// whatever yield answers, and keeps yield.
func careless(values []int, keep *func(int) bool) func(func(int) bool) {
	return func(yield func(int) bool) {
		*keep = yield
		for _, v := range values {
			yield(v)
		}
	}
}

// TestEachIsARangeLoop: over a well-behaved iterator, Each gives body
// what a range loop gives its block, stopping where it stops.
func TestEachIsARangeLoop(t *testing.T) {
	values := []int{3, 1, 4, 1, 5, 9, 2, 6}
	for stop := range len(values) + 1 {
		var want, got []int
		for v := range slices.Values(values) {
			if len(want) == stop {
				break
			}
			want = append(want, v)
		}
		Each(slices.Values(values), func(v int) bool {
			if len(got) == stop {
				return false
			}
			got = append(got, v)
			return true
		})
		if !slices.Equal(got, want) {
			t.Errorf("stop after %d: %v, want %v", stop, got, want)
		}
	}
}

// TestEachRefusesABrokenIterator: an iterator that goes on yielding after
// body said stop, or calls yield after Each returned (from another
// goroutine too), is answered false, and body sees nothing more.
func TestEachRefusesABrokenIterator(t *testing.T) {
	var keep func(int) bool
	var got []int
	Each(careless([]int{1, 2, 3, 4}, &keep), func(v int) bool {
		got = append(got, v)
		return v < 2
	})
	if !slices.Equal(got, []int{1, 2}) {
		t.Errorf("body saw %v after it said stop at 2", got)
	}
	if keep(5) {
		t.Error("a yield after Each returned said go on")
	}
	got = nil
	Each(careless([]int{1, 2}, &keep), func(v int) bool { got = append(got, v); return true })
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if keep(9) {
				t.Error("a yield from another goroutine after Each returned said go on")
			}
		}()
	}
	wg.Wait()
	if !slices.Equal(got, []int{1, 2}) {
		t.Errorf("body saw %v, want [1 2]", got)
	}
}

// TestEachRaisesAPanicTheIteratorRecovered: a panic of body's that the
// iterator recovers, going on to yield, is raised again when the
// iterator returns, and body is not called after it.
func TestEachRaisesAPanicTheIteratorRecovered(t *testing.T) {
	var calls []int
	recovering := func(yield func(int) bool) {
		for v := range 5 {
			func() {
				defer func() { _ = recover() }()
				yield(v)
			}()
		}
	}
	defer func() {
		if r := recover(); r != "boom at 2" {
			t.Errorf("Each raised %v, want boom at 2", r)
		}
		if !slices.Equal(calls, []int{0, 1, 2}) {
			t.Errorf("body ran for %v, want [0 1 2]: never after its panic", calls)
		}
	}()
	Each(recovering, func(v int) bool {
		calls = append(calls, v)
		if v == 2 {
			panic("boom at 2")
		}
		return true
	})
	t.Error("Each returned normally after body panicked")
}

// TestEachPassesAPanicOn: over an iterator that does not recover, body's
// panic reaches Each's caller as it is.
func TestEachPassesAPanicOn(t *testing.T) {
	defer func() {
		if r := recover(); r != "boom" {
			t.Errorf("recovered %v, want boom", r)
		}
	}()
	Each(slices.Values([]int{1, 2, 3}), func(v int) bool {
		if v == 2 {
			panic("boom")
		}
		return true
	})
}
