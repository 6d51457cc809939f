package seqs

// Adversary 165: Each after fb25c3f (Analyze, Funnel and Compare read the
// host's responses through it). Over well-behaved iterators it is a
// range loop, stop for stop; an iterator that drops yield's false or
// yields synchronously from another goroutine, and nested Each, are
// pinned. One defect: Each marks itself over only when body returns
// false or seq returns normally, never when body panics. An iterator that
// recovers body's panic (legal code: a range loop's runtime check then
// panics "range function continued iteration after loop body panic", and
// batch.Run, fixed in the same commit, refuses and re-raises) has body
// called again, and the panic is swallowed; and when the panic leaves
// Each, a yield kept by the iterator still calls body afterwards. Fixed
// (6dbca35 and the commit after it): a panic of body's ends the reading
// and is raised again when seq returns, and Each marks itself over
// however it ends; both tests are pinned now.

import (
	"errors"
	"slices"
	"sync"
	"testing"
)

// TestAdversary165_RangeLoopEquivalence_Pinned: for every stop position,
// over slices.Values, a careless iterator (drops false), and one that
// yields synchronously from a goroutine it waits for, Each gives body
// what a range loop over the well-behaved iterator gives its block, and
// every yield after the stop answers false.
func TestAdversary165_RangeLoopEquivalence_Pinned(t *testing.T) {
	values := []int{3, 1, 4, 1, 5, 9, 2, 6, 5, 3}
	careless := func(yield func(int) bool) {
		for _, v := range values {
			yield(v)
		}
	}
	goroutine := func(yield func(int) bool) {
		for _, v := range values {
			var ok bool
			var wg sync.WaitGroup
			wg.Add(1)
			go func() { defer wg.Done(); ok = yield(v) }()
			wg.Wait()
			_ = ok // careless too: it goes on after a false
		}
	}
	for stop := range len(values) + 1 {
		var want []int
		for v := range slices.Values(values) {
			if len(want) == stop {
				break
			}
			want = append(want, v)
		}
		for name, seq := range map[string]func(func(int) bool){"values": slices.Values(values), "careless": careless, "goroutine": goroutine} {
			var got []int
			calls := 0
			Each(seq, func(v int) bool {
				calls++
				if len(got) == stop {
					return false
				}
				got = append(got, v)
				return true
			})
			if !slices.Equal(got, want) || calls != min(stop+1, len(values)) {
				t.Errorf("%s, stop after %d: body saw %v in %d calls, want %v", name, stop, got, calls, want)
			}
		}
	}
}

// TestAdversary165_Nested_Pinned: Each inside Each's body (Analyze inside
// another analysis's iterator): each has its own flag; the inner one's
// stop does not stop the outer one.
func TestAdversary165_Nested_Pinned(t *testing.T) {
	var keepInner func(int) bool
	var outer []int
	Each(slices.Values([]int{1, 2, 3}), func(a int) bool {
		var inner []int
		Each(func(yield func(int) bool) {
			keepInner = yield
			for _, v := range []int{10, 20, 30} {
				yield(v)
			}
		}, func(b int) bool { inner = append(inner, b); return b < 20 })
		if !slices.Equal(inner, []int{10, 20}) {
			t.Errorf("inner saw %v", inner)
		}
		outer = append(outer, a)
		return true
	})
	if !slices.Equal(outer, []int{1, 2, 3}) || keepInner(40) {
		t.Errorf("outer saw %v; stale inner yield taken %v", outer, keepInner != nil && keepInner(40))
	}
}

// TestAdversary165_BodyPanicRecovered_Pinned
//
// Defect (fb25c3f). Each sets its flag only after body returns false or
// after seq returns; a panic out of body sets nothing. An iterator that
// recovers the panic raised through its yield and goes on yielding has
// body called again, and when it then returns normally Each returns
// normally: the body's panic is gone. A range loop's runtime check
// panics on both ("range function continued iteration after loop body
// panic", "range function recovered a loop body panic and did not resume
// panicking"), and batch.Run, fixed in the same commit for the same case,
// refuses every later yield and raises the panic again when seq returns.
// In the library the body calls the host's Options.Progress: a Progress
// that panics is swallowed by such an iterator, and the analysis goes
// on and returns as if nothing happened (engagement's
// TestAdversary165_ProgressPanicSwallowed_Pinned).
// Minimal reproduction: Each(seq, body) where body panics on 1 and seq
// yields 1 and 2, each under a deferred recover: body is called with 2,
// and Each returns. Expected: after body panicked, yield answers false
// without calling body, and Each raises the panic again once seq
// returns (as batch.Run does).
//
// Fixed (6dbca35): body's deferred check marks Each over and keeps the
// panic, raised again once seq returns.
func TestAdversary165_BodyPanicRecovered_Pinned(t *testing.T) {
	boom := errors.New("boom")
	var seen []int
	var answers []bool
	seq := func(yield func(int) bool) {
		for _, v := range []int{1, 2, 3} {
			func() {
				defer func() { _ = recover() }()
				answers = append(answers, yield(v))
			}()
		}
	}
	var raised any
	func() {
		defer func() { raised = recover() }()
		Each(seq, func(v int) bool {
			seen = append(seen, v)
			if v == 1 {
				panic(boom)
			}
			return true
		})
	}()
	if !slices.Equal(seen, []int{1}) {
		t.Errorf("body ran again after it panicked: saw %v (yields answered %v)", seen, answers)
	}
	if raised != boom {
		t.Errorf("Each returned normally after body panicked and seq recovered it: raised %v, want %v", raised, boom)
	}
}

// TestAdversary165_YieldAfterPanickedEach_Pinned
//
// Was (fixed): defect (fb25c3f), the same missing guard: Each's over.Store(true) after
// seq is not deferred, so when body's panic leaves Each (seq does not
// recover it, the caller does), a yield the iterator kept still calls
// body afterwards: the library's closure over a book it abandoned, and
// the host's Progress, run after the call ended. Minimal reproduction:
// seq keeps yield and yields 1; body panics on 1; the caller recovers;
// keep(2) returns true and body sees 2. Expected: a yield after Each
// ended, by return or by panic, answers false without calling body
// (defer the store).
//
// Fixed: Each defers the store, so it is over however it ends.
func TestAdversary165_YieldAfterPanickedEach_Pinned(t *testing.T) {
	var keep func(int) bool
	var seen []int
	func() {
		defer func() { _ = recover() }()
		Each(func(yield func(int) bool) {
			keep = yield
			yield(1)
		}, func(v int) bool {
			seen = append(seen, v)
			if v == 1 {
				panic("boom")
			}
			return true
		})
	}()
	if took := keep(2); took || !slices.Equal(seen, []int{1}) {
		t.Errorf("a yield after Each ended by panic: took %v, body saw %v, want refused and [1]", took, seen)
	}
}
