package dsl

import (
	"math/big"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// The mean and the median of durations are exact: the rational mean (or
// the middle, or the two middles' mean) rounded half away from zero,
// whatever the durations' size (float64 loses nanoseconds past 2^53).
func TestPropertyMeanOfDurationsIsExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		ds := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) time.Duration {
			return time.Duration(rapid.Int64().Draw(t, "d"))
		}), 1, 9).Draw(t, "ds")
		exact := func(vals []time.Duration) time.Duration {
			sum := new(big.Rat)
			for _, d := range vals {
				sum.Add(sum, new(big.Rat).SetInt64(int64(d)))
			}
			q := sum.Quo(sum, new(big.Rat).SetInt64(int64(len(vals))))
			// round half away from zero
			half := big.NewRat(1, 2)
			if q.Sign() < 0 {
				half.Neg(half)
			}
			r := new(big.Rat).Add(q, half)
			n := new(big.Int).Quo(r.Num(), r.Denom()) // truncates toward zero
			return time.Duration(n.Int64())
		}
		g := &governor{maxSteps: 1 << 40, maxMem: 1 << 40}
		mean, err := meanOf(true)("mean", g, ds)
		if err != nil || mean != exact(ds) {
			t.Fatalf("mean of %v = %v, %v; want %v", ds, mean, err, exact(ds))
		}
		sorted := slices.Sorted(slices.Values(ds))
		want := sorted[len(sorted)/2]
		if len(sorted)%2 == 0 {
			want = exact(sorted[len(sorted)/2-1 : len(sorted)/2+1])
		}
		if median, err := meanOf(false)("median", g, ds); err != nil || median != want {
			t.Fatalf("median of %v = %v, %v; want %v", ds, median, err, want)
		}
	})
}
