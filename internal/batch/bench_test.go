package batch

import (
	"context"
	"runtime"
	"testing"
)

// benchOut is a result the size of advisory's (a slice, counts, timings).
type benchOut struct {
	alerts []int
	loaded int
	unread bool
	sum    [8]int
}

// BenchmarkRunSmallInputs evaluates a million inputs whose work is a few
// nanoseconds on every core: what the batch itself costs an input, the
// claiming of inputs and the writing of results among it.
func BenchmarkRunSmallInputs(b *testing.B) {
	const n = 1 << 20
	seq := func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
	fn := func(in int, out *benchOut) error {
		out.alerts, out.loaded, out.unread = nil, in, in < 0
		for k := range out.sum {
			out.sum[k] = in * k
		}
		return nil
	}
	b.ReportAllocs()
	for b.Loop() {
		c := Run(context.Background(), seq, fn, func(int, int, benchOut, error) {}, Options{})
		if c.OK != n {
			b.Fatalf("counts %+v", c)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "inputs/s")
	b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "cores")
}
