package segment

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// Threshold is where an axis splits clients: a fixed value, or the value
// that puts a share of the book on top. Build one with [At] or [Top]; the
// zero Threshold is At(0).
type Threshold struct {
	value float64
	// share is Top's share in billionths, when isTop.
	share int64
	isTop bool
	// raw is the share as given, for errors and String.
	raw float64
}

// At is a fixed threshold: clients with a value >= v are on top.
func At(v float64) Threshold { return Threshold{value: v} }

// shareScale is the precision of a top share: billionths.
const shareScale = 1_000_000_000

// Top is a threshold that puts a share of the book (0 < share ≤ 1) on
// top, by exact nearest rank: with n clients the top k = ⌈share·n⌉ of
// them, computed in integer arithmetic with the share taken to nine
// decimal places, so Top(0.55) of 100 clients is 55 (floating point makes
// it 56). A share outside (0, 1], or below one billionth, is an error
// when the threshold is resolved.
//
// Ties: a threshold cannot separate equal values. When the k-th and the
// (k+1)-th highest values are equal, every client with that value goes
// below the threshold, so the top never holds more than k clients: a book
// where most clients share one value (zero engagement, say) never puts
// them all on top. Such clients are "decided by a tie" (see
// [Cut.ProfitTies], [Assignment.Tie] and [SegmentSummary.Ties]).
func Top(share float64) Threshold {
	t := Threshold{isTop: true, raw: share}
	if share > 0 && share <= 1 {
		t.share = int64(math.Round(share * shareScale))
	}
	return t
}

// resolve computes the threshold's value over the book's values, and how
// many clients a tie at the cut put below it.
func (t Threshold) resolve(values []float64) (float64, int, error) {
	if !t.isTop {
		if math.IsNaN(t.value) {
			// Every comparison with NaN is false: every client would be
			// below it, silently.
			return 0, 0, fmt.Errorf("segment: threshold At(NaN)")
		}
		return t.value + 0, 0, nil
	}
	if t.share <= 0 || t.share > shareScale {
		return 0, 0, fmt.Errorf("segment: top share %v outside (0, 1] (or below one billionth)", t.raw)
	}
	n := len(values)
	if n == 0 {
		return math.Inf(1), 0, nil
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	slices.Reverse(sorted)
	k := topCount(t.share, n)
	if k == n || sorted[k-1] != sorted[k] {
		return sorted[k-1], 0, nil
	}
	// The k-th value continues below the cut: all clients with it go
	// below, and the threshold is the least value above it.
	tied := sorted[k-1]
	ties := 0
	for _, v := range sorted {
		if v == tied {
			ties++
		}
	}
	return math.Nextafter(tied, math.Inf(1)), ties, nil
}

// topCount is ⌈share·n/shareScale⌉ in exact integer arithmetic (a
// 128-bit product: share ≤ shareScale keeps the quotient in 64 bits).
func topCount(share int64, n int) int {
	hi, lo := bits.Mul64(uint64(share), uint64(n))
	q, r := bits.Div64(hi, lo, shareScale)
	if r > 0 {
		q++
	}
	return int(q)
}

// String describes the threshold: "≥ 1000" or "top 40%".
func (t Threshold) String() string {
	if !t.isTop {
		return fmt.Sprintf("≥ %g", t.value)
	}
	return fmt.Sprintf("top %g%%", t.raw*100)
}
