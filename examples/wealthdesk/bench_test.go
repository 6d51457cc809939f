package main

import (
	"testing"
	"time"

	"github.com/engagekit/engagekit/examples/internal/desk"
)

// BenchmarkPipeline runs the whole job, generation included (the firm's
// data is generated as it streams), over 100,000 clients with about 100
// responses each and the firm's 100-rule framework: engagement, segments,
// consolidation, the framework, the plan: of the whole firm at once
// (plan-by=firm, one goroutine: adviser capacity is shared) or of each
// adviser team apart (plan-by=team, the teams on all cores). It reports
// clients and responses per second and the peak of the Go heap. `go run
// ./examples/wealthdesk -clients N -responses M -v` runs any size and
// prints the same figures.
func BenchmarkPipeline(b *testing.B) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	f := desk.Generate(1, 100_000, 100, now)
	for _, mode := range []struct {
		name string
		opts desk.Options
	}{{"firm", desk.Options{}}, {"team", desk.Options{PlanByTeam: true}}} {
		b.Run("plan-by="+mode.name, func(b *testing.B) {
			b.ReportAllocs()
			var res *desk.Result
			var peak uint64
			for b.Loop() {
				stop := watchPeak()
				var err error
				if res, err = desk.Run(f, now, mode.opts); err != nil {
					b.Fatal(err)
				}
				peak = max(peak, stop())
			}
			sec := b.Elapsed().Seconds() / float64(b.N)
			b.ReportMetric(float64(f.Len())/sec, "clients/s")
			b.ReportMetric(float64(res.Engagement.In)/sec, "responses/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak_heap_MB")
			b.ReportMetric(res.Stages[len(res.Stages)-1].Took.Seconds(), "plan_s")
		})
	}
}
