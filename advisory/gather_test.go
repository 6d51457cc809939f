package advisory

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// gather gives the alerts in order, on any number of workers, above and
// below the size it copies in parallel from.
func TestGather(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, total := range []int{1, 100, gatherMin - 1, gatherMin, 3 * gatherMin} {
		var parts [][]Alert
		var want []Alert
		for n := 0; n < total; {
			k := min(total-n, 1+r.IntN(40))
			part := make([]Alert, k)
			for j := range part {
				part[j] = Alert{ClientID: fmt.Sprint(n + j)}
			}
			parts = append(parts, part)
			want = append(want, part...)
			n += k
		}
		for _, workers := range []int{0, 1, 2, 3, 7} {
			if got := gather(slices.Clone(parts), total, workers); !slices.EqualFunc(got, want, func(a, b Alert) bool { return a.ClientID == b.ClientID }) {
				t.Fatalf("%d alerts on %d workers: out of order", total, workers)
			}
		}
	}
}
