package batch

import (
	"runtime"
	"sync/atomic"
	"testing"
)

// TestParallel: every call runs; a panic of one is raised on the caller
// once all are done, and a call that ends its goroutine ends the
// caller's, after the others have run.
func TestParallel(t *testing.T) {
	var ran atomic.Int64
	Parallel(8, func(int) { ran.Add(1) })
	if ran.Load() != 8 {
		t.Fatalf("%d of 8 calls ran", ran.Load())
	}
	ran.Store(0)
	got := func() (r any) {
		defer func() { r = recover() }()
		Parallel(4, func(i int) {
			ran.Add(1)
			if i == 2 {
				panic("boom")
			}
		})
		return nil
	}()
	if got != "boom" || ran.Load() != 4 {
		t.Errorf("a call's panic: recovered %v after %d calls, want boom after 4", got, ran.Load())
	}
	ran.Store(0)
	after := make(chan bool)
	go func() {
		returned := false
		defer func() { after <- returned }()
		Parallel(4, func(i int) {
			ran.Add(1)
			if i == 1 {
				runtime.Goexit()
			}
		})
		returned = true
	}()
	if <-after || ran.Load() != 4 {
		t.Errorf("a call that ended its goroutine: the caller returned (%v) after %d calls; want its goroutine ended after 4", ran.Load() != 4, ran.Load())
	}
}
