// Package seqs reads the host's iterators as a range loop would, but
// without the runtime's panic when an iterator breaks iter.Seq's rules:
// the library's loops over a host's sequence are calls, so that a
// hand-written iterator that drops yield's result, or keeps yield and
// calls it after the loop ended, is refused rather than crashing the
// host from inside the library.
package seqs

import (
	"iter"
	"sync/atomic"
)

// Each calls body for the values of seq, in order, until body returns
// false or seq ends, as a range loop over seq with body as its block. A
// yield after body returned false, or after Each returned (from any
// goroutine), returns false and does not call body, where a range loop's
// yield panics. A panic of body's goes up through seq; a seq that
// recovers it and yields again is refused, and Each raises the panic
// again once seq returns (a range loop's runtime panics then too), so no
// panic is lost and body never runs after one.
func Each[T any](seq iter.Seq[T], body func(T) bool) {
	var over atomic.Bool
	// Set however Each ends, a panic of seq's own included: a yield seq
	// kept is refused after.
	defer over.Store(true)
	var raised *any
	seq(func(v T) bool {
		if over.Load() {
			return false
		}
		returned := false
		defer func() {
			if returned {
				return
			}
			// body panicked, or ended its goroutine (runtime.Goexit,
			// which recover does not stop and returns nil for).
			over.Store(true)
			if r := recover(); r != nil {
				raised = &r
				panic(r)
			}
		}()
		more := body(v)
		returned = true
		if !more {
			over.Store(true)
		}
		return more
	})
	over.Store(true)
	if raised != nil {
		panic(*raised)
	}
}
