package segment

import (
	"fmt"
	"math"
	"math/big"
	"slices"
	"strings"

	"github.com/engagekit/engagekit/internal/stats"
)

// Threshold is where an axis splits clients: a fixed value, or the value
// that puts a share of the book on top. Build one with [At] or [Top]; the
// zero Threshold is At(0).
type Threshold struct {
	value float64
	isTop bool
	// raw is Top's share as given.
	raw float64
}

// At is a fixed threshold: clients with a value >= v are on top.
func At(v float64) Threshold { return Threshold{value: v} }

// Top is a threshold that puts a share of the book (0 < share ≤ 1) on
// top, by exact nearest rank: with n clients the top k = ⌈share·n⌉ of
// them, computed exactly with the share read as the shortest decimal that
// is its float64, so Top(0.55) of 100 clients is 55 (floating point, and
// the float64 0.55 itself, a hair above 0.55, make it 56) and Top(1.0/6)
// of 6 is 1. A share outside (0, 1] is an error when the threshold is
// resolved.
//
// Ties: a threshold cannot separate equal values. When the k-th and the
// (k+1)-th highest values are equal, every client with that value goes
// below the threshold, so the top never holds more than k clients: a book
// where most clients share one value (zero engagement, say) never puts
// them all on top. Such clients are "decided by a tie" (see
// [Cut.ProfitTies], [Assignment.Tie] and [SegmentSummary.Ties]).
func Top(share float64) Threshold {
	return Threshold{isTop: true, raw: share}
}

// resolve computes the threshold's value over the book's values, and how
// many clients a tie at the cut put below it.
func (t Threshold) resolve(values []float64) (float64, int, error) {
	if !t.isTop {
		if math.IsNaN(t.value) || math.IsInf(t.value, 0) {
			// Every comparison with NaN is false, and every client is
			// below +Inf and above -Inf: the threshold would decide
			// nothing, silently (and a cut of ±Inf does not encode as
			// JSON).
			return 0, 0, fmt.Errorf("segment: threshold At(%v): not a finite number", t.value)
		}
		return t.value + 0, 0, nil
	}
	if !(t.raw > 0 && t.raw <= 1) {
		return 0, 0, fmt.Errorf("segment: top share %v outside (0, 1]", t.raw)
	}
	n := len(values)
	if n == 0 {
		// The top of no clients is empty: the cut is the largest
		// float64, which only a client of that very value reaches
		// (+Inf, which none does, would not encode as JSON).
		return math.MaxFloat64, 0, nil
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	slices.Reverse(sorted)
	k := topCount(t.raw, n)
	if k == n || sorted[k-1] != sorted[k] {
		return sorted[k-1], 0, nil
	}
	// The k-th value continues below the cut: all clients with it go
	// below, and the threshold is that value, which the top must exceed
	// (the least float above it was +Inf above MaxFloat64, and -0 above
	// -5e-324).
	tied := sorted[k-1]
	ties := 0
	for _, v := range sorted {
		if v == tied {
			ties++
		}
	}
	return tied + 0, ties, nil // -0 is 0
}

// topCount is ⌈share·n⌉ with the share read as the shortest decimal that
// is its float64, in exact rational arithmetic.
func topCount(share float64, n int) int {
	r, ok := stats.Decimal(share)
	if !ok {
		return n // not reached: a finite share always formats as a decimal
	}
	r.Mul(r, new(big.Rat).SetInt64(int64(n)))
	q, rem := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
	if rem.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	return int(q.Int64())
}

// String describes the threshold: "≥ 1000" or "top 40%", the share as
// the decimal Top reads it (0.55 is "top 55%", not the float's
// 55.00000000000001), whatever the share (one Top refuses, 1.1, is "top
// 110%"): a share's text is MarshalText's.
func (t Threshold) String() string {
	if !t.isTop {
		return fmt.Sprintf("≥ %g", t.value+0) // -0 is the 0 in force
	}
	b, _ := t.MarshalText() // never fails
	return string(b)
}

// ratDecimal writes a rational with a finite decimal expansion (a decimal
// times 100) in its shortest form.
func ratDecimal(r *big.Rat) string {
	s := r.FloatString(400) // a float64's decimal has at most 1,074 digits; a share's, far fewer
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}
