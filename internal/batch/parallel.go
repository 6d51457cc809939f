package batch

import (
	"runtime"
	"sync"
)

// Parallel calls fn(i) for every i in [0, n), each on a goroutine of its
// own, and returns when all have returned. What a call does to its
// goroutine is then done to the caller's, as if the calls had been made
// on it in order of i (fn runs the host's code: a lookup, an iterator, a
// callback): the first call by i that panicked or ended its goroutine
// (runtime.Goexit, as a test's FailNow does) has its panic raised again,
// or ends the caller's; the calls after it would not have run. Left on
// the goroutines, a panic ended the process, and an exit left the caller
// reading a result never written.
func Parallel(n int, fn func(i int)) {
	panics := make([]any, n)
	exited := make([]bool, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			returned := false
			defer func() {
				if r := recover(); r != nil {
					panics[i] = r
				} else if !returned {
					exited[i] = true
				}
			}()
			fn(i)
			returned = true
		}()
	}
	wg.Wait()
	for i := range n {
		switch {
		case panics[i] != nil:
			panic(panics[i])
		case exited[i]:
			runtime.Goexit()
		}
	}
}
