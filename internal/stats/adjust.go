package stats

import (
	"cmp"
	"math"
	"slices"
)

// Method is a multiple-comparison correction.
type Method uint8

// The corrections.
const (
	// BH is Benjamini–Hochberg: controls the false discovery rate for
	// independent or positively dependent tests.
	BH Method = iota
	// Holm is Holm–Bonferroni: controls the family-wise error rate under
	// any dependence.
	Holm
)

// Adjust returns the adjusted p-values of ps (in the same order) for the
// method: a test is rejected at level α when its adjusted p ≤ α. With the
// raw p-values sorted ascending, p₍₁₎ ≤ … ≤ p₍ₘ₎:
//
//	BH:   p̃₍ᵢ₎ = min over j ≥ i of min(1, m·p₍ⱼ₎/j)
//	Holm: p̃₍ᵢ₎ = max over j ≤ i of min(1, (m−j+1)·p₍ⱼ₎)
//
// NaN p-values count as 1. ps is not modified.
func Adjust(ps []float64, m Method) []float64 {
	n := len(ps)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	val := func(i int) float64 {
		if math.IsNaN(ps[i]) {
			return 1
		}
		return ps[i]
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(val(a), val(b)) })
	out := make([]float64, n)
	switch m {
	case Holm:
		run := 0.0
		for k, i := range order {
			run = math.Max(run, math.Min(1, float64(n-k)*val(i)))
			out[i] = run
		}
	default:
		run := 1.0
		for k := n - 1; k >= 0; k-- {
			i := order[k]
			run = math.Min(run, math.Min(1, float64(n)*val(i)/float64(k+1)))
			// m·p/j is at least p (m ≥ j), but rounded twice it fell an
			// ulp below it for j = m: an adjusted p never is below p.
			out[i] = math.Max(run, val(i))
		}
	}
	return out
}
