package desk

import (
	"reflect"
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
