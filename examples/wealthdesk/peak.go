package main

import (
	"runtime/metrics"
	"time"
)

// watchPeak samples the Go heap (its objects, live or not yet collected)
// every few milliseconds until the returned function is called, which
// gives the peak in bytes. Together with the runtime's own overhead this is
// what the process's peak memory follows.
func watchPeak() (stop func() uint64) {
	done, peak := make(chan struct{}), make(chan uint64)
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var max uint64
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > max {
				max = v
			}
			select {
			case <-done:
				peak <- max
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		return <-peak
	}
}
