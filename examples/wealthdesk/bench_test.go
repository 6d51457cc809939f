package main

import (
	"runtime"
	"testing"
	"time"
)

// BenchmarkPipeline runs the whole job, generation included (the firm's
// data is generated as it streams), over 20,000 clients with about 100
// responses each: engagement, segments, consolidation, the framework, the
// plan. It reports clients and responses per second and the heap in use
// at the end (a floor on the peak). `go run ./examples/wealthdesk -clients
// N -responses M` runs any size.
func BenchmarkPipeline(b *testing.B) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	f := generate(1, benchClients, 100, now)
	b.ReportAllocs()
	var res *result
	for b.Loop() {
		var err error
		if res, err = run(f, now); err != nil {
			b.Fatal(err)
		}
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(len(f.ids))/sec, "clients/s")
	b.ReportMetric(float64(res.Engagement.In)/sec, "responses/s")
	b.ReportMetric(float64(m.HeapInuse)/(1<<20), "heap_MB")
}

const benchClients = 100_000
