package desk

import (
	"context"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/segment"
)

// BenchmarkFramework runs the firm's 100-rule framework (framework.rules:
// families of rules testing the same products, bands and segments) over
// 20,000 prepared client files, on one core: files/s is the figure to
// compare. The files are prepared before the clock starts.
func BenchmarkFramework(b *testing.B) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	f := Generate(1, 20_000, 1, now)
	fw, err := advisory.Compile[advisory.File](FrameworkRules)
	if err != nil {
		b.Fatal(err)
	}
	items := make([]advisory.Item[advisory.File], f.Len())
	var buf Buffers
	for i := range items {
		st := Standing{Percentile: float64(i%100) / 100, AtRisk: i%7 == 0,
			Segment: segment.Assignment{ClientID: f.ID(i), Segment: segment.Segment([]string{"A", "B", "C", "D"}[i%4]), Profit: float64(i%9000) - 2000}}
		file, _, _, err := f.PrepareTyped(i, st, &buf)
		if err != nil {
			b.Fatal(err)
		}
		items[i] = advisory.Item[advisory.File]{ClientID: f.ID(i), File: file}
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	b.ReportAllocs()
	var res advisory.BatchResult
	for b.Loop() {
		res = fw.EvaluateAll(context.Background(), slices.Values(items), now, advisory.BatchOptions{Workers: 1})
	}
	b.ReportMetric(float64(len(items))*float64(b.N)/b.Elapsed().Seconds(), "files/s")
	b.ReportMetric(float64(len(res.Alerts))/float64(len(items)), "alerts/file")
}
