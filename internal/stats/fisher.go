package stats

import "math"

// smallExpected is the expected count below which a two-proportion test
// is exact: the z-test's normal approximation is the textbook's "at least
// five expected in every cell", and below it a single conversion in a
// small arm reads as overwhelming evidence.
const smallExpected = 5

// SmallCounts reports whether any cell of the 2×2 table of x1 of n1 and x2
// of n2 expects fewer than five when the proportions are equal: there a
// normal approximation of the difference does not hold.
func SmallCounts(x1, n1, x2, n2 int) bool {
	n, k := float64(n1+n2), float64(x1+x2)
	for _, m := range []float64{float64(n1), float64(n2)} {
		if m*k/n < smallExpected || m*(n-k)/n < smallExpected {
			return true
		}
	}
	return false
}

// FisherExact is Fisher's exact two-sided p-value for x1 of n1 against x2
// of n2: given the total x1+x2, the second group's count is
// hypergeometric when the proportions are equal, and p is the
// probability of every count no more likely than x2. It costs one term
// per possible count, at most min(x1+x2, n2)+1.
func FisherExact(x1, n1, x2, n2 int) float64 {
	if n1 <= 0 || n2 <= 0 || x1 < 0 || x2 < 0 || x1 > n1 || x2 > n2 {
		return 1
	}
	n, k := n1+n2, x1+x2
	logP := func(j int) float64 { return logChoose(k, j) + logChoose(n-k, n2-j) - logChoose(n, n2) }
	// Counts as likely as the observed one, within rounding, count too:
	// the table's mirror image is often exactly as likely.
	limit := logP(x2) + 1e-7
	p := 0.0
	for j := max(0, k-n1); j <= min(k, n2); j++ {
		if lp := logP(j); lp <= limit {
			p += math.Exp(lp)
		}
	}
	return min(1, p)
}

// logChoose is log(n choose k) = −log(n+1) − log B(k+1, n−k+1).
func logChoose(n, k int) float64 {
	return -math.Log(float64(n+1)) - logBeta(float64(k+1), float64(n-k+1))
}
