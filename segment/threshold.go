package segment

import (
	"fmt"
	"math"
	"slices"
)

// Threshold is where an axis splits clients: a fixed value, or the value
// that puts a share of the book on top. Build one with [At] or [Top]; the
// zero Threshold is At(0).
type Threshold struct {
	value float64
	top   float64 // share of clients on top; 0 means a fixed value
}

// At is a fixed threshold: clients with a value >= v are on top.
func At(v float64) Threshold { return Threshold{value: v} }

// Top is a threshold that puts the given share of the book (0 < share <= 1)
// on top, by nearest rank: with n clients sorted from the highest value,
// the threshold is the value of client ceil(share·n). Clients tied with it
// are on top too, so ties may put a little more than the share there.
func Top(share float64) Threshold { return Threshold{top: share} }

// resolve computes the threshold's value over the book's values.
func (t Threshold) resolve(values []float64) (float64, error) {
	if t.top == 0 {
		return t.value, nil
	}
	if !(t.top > 0 && t.top <= 1) {
		return 0, fmt.Errorf("segment: top share %v outside (0, 1]", t.top)
	}
	if len(values) == 0 {
		return math.Inf(1), nil
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	slices.Reverse(sorted)
	rank := int(math.Ceil(t.top * float64(len(sorted))))
	return sorted[max(rank, 1)-1], nil
}

// String describes the threshold: "≥ 1000" or "top 40%".
func (t Threshold) String() string {
	if t.top == 0 {
		return fmt.Sprintf("≥ %g", t.value)
	}
	return fmt.Sprintf("top %g%%", t.top*100)
}
