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
// yield panics.
func Each[T any](seq iter.Seq[T], body func(T) bool) {
	var over atomic.Bool
	seq(func(v T) bool {
		if over.Load() {
			return false
		}
		if !body(v) {
			over.Store(true)
			return false
		}
		return true
	})
	over.Store(true)
}
