package desk

import (
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/segment"
)

// The typed files are the prepared ones: the same file, data alerts and
// placement context for every client of a generated book large enough to
// reach every branch of the generator (a client in a hundred has no income
// on file, one in fifty a birth date a year off).
func TestTypedFilesArePrepared(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	for _, seed := range []uint64{1, 2} {
		f := Generate(seed, 20_000, 1, now)
		var slow, fast Buffers
		stale, conflicts := 0, 0
		for i := range f.Len() {
			st := Standing{Percentile: float64(i%100) / 100, AtRisk: i%7 == 0,
				Segment: segment.Assignment{ClientID: f.ID(i), Segment: segment.Segment([]string{"A", "B", "C", "D"}[i%4]), Profit: float64(i)}}
			wf, wa, wc, werr := f.Prepare(i, st, &slow)
			gf, ga, gc, gerr := f.PrepareTyped(i, st, &fast)
			if werr != nil || gerr != nil {
				t.Fatalf("client %d: %v, %v", i, werr, gerr)
			}
			if !reflect.DeepEqual(wf, gf) || !reflect.DeepEqual(wa, ga) || wc != gc {
				t.Fatalf("client %d (seed %d):\nprepared %+v\n%+v\n%+v\ntyped    %+v\n%+v\n%+v", i, seed, wf, wa, wc, gf, ga, gc)
			}
			stale += len(wa)
			conflicts += wf.Discrepancies
		}
		if stale == 0 || conflicts == 0 {
			t.Fatalf("seed %d: the book does not test much: %d data alerts, %d discrepancies", seed, stale, conflicts)
		}
	}
}

// Percentiles gives Percentile's answer for every value of the book, on
// books with ties, a few distinct values, a tiny range and a wide one,
// infinities, NaNs and both zeros.
func TestPercentilesArePercentile(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	odd := []float64{math.Inf(-1), math.Inf(1), math.NaN(), 0, math.Copysign(0, -1), -1e308, 1e308}
	books := map[string]func() float64{
		"scores":   func() float64 { return float64(r.IntN(3)) * r.ExpFloat64() * 40 },
		"few":      func() float64 { return float64(r.IntN(4)) },
		"tiny":     func() float64 { return 1 + float64(r.IntN(3))*0x1p-50 },
		"wide":     func() float64 { return r.NormFloat64() * 1e300 },
		"negative": func() float64 { return -r.Float64() },
		"odd":      func() float64 { return odd[r.IntN(len(odd))] },
	}
	for name, draw := range books {
		for _, n := range []int{0, 1, 2, 1000, 100_000} {
			values := make([]float64, n)
			for i := range values {
				values[i] = draw()
			}
			sorted := slices.Clone(values)
			slices.Sort(sorted)
			got := Percentiles(values)
			for i, v := range values {
				if want := Percentile(sorted, v); got[i] != want {
					t.Fatalf("%s, %d values: the percentile of value %d (%v) is %v, want %v", name, n, i, v, got[i], want)
				}
			}
		}
	}
}
