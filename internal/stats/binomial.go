package stats

import "math"

// BinomialTwoSided is the exact two-sided p-value of x successes in n
// trials of probability p: the probability of every count no more likely
// than x (within rounding, as [FisherExact] counts them). It costs one
// term per possible count, n+1; a count outside [0, n] or a p outside
// [0, 1] gives 1.
func BinomialTwoSided(x, n int, p float64) float64 {
	if n < 0 || x < 0 || x > n || !(p >= 0 && p <= 1) {
		return 1
	}
	switch p {
	case 0:
		if x == 0 {
			return 1
		}
		return 0
	case 1:
		if x == n {
			return 1
		}
		return 0
	}
	lp, lq := math.Log(p), math.Log1p(-p)
	logP := func(y int) float64 { return logChoose(n, y) + float64(y)*lp + float64(n-y)*lq }
	limit := logP(x) + 1e-7
	sum := 0.0
	for y := 0; y <= n; y++ {
		if l := logP(y); l <= limit {
			sum += math.Exp(l)
		}
	}
	return min(1, sum)
}
