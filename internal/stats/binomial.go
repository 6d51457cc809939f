package stats

import (
	"math"
	"sort"
)

// BinomialTwoSided is the exact two-sided p-value of x successes in n
// trials of probability p: the probability of every count no more likely
// than x (within rounding, as [FisherExact] counts them). The counts as
// likely as x or less are the two tails of the distribution, found by
// bisection on its unimodal probabilities, and each tail's probability is
// the regularized incomplete beta function: a few dozen terms whatever n.
// A count outside [0, n] or a p outside [0, 1] gives 1.
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
	mode := min(n, int(float64(n+1)*p)) // the probabilities rise to it and fall after it
	if logP(mode) <= limit {
		return 1 // x is as likely as the most likely count: every count counts
	}
	// The lower tail [0, lo] and the upper tail [hi, n]: the counts as
	// likely as x or less on either side of the mode.
	lo := sort.Search(mode+1, func(y int) bool { return logP(y) > limit }) - 1
	hi := mode + sort.Search(n-mode+1, func(k int) bool { return logP(mode+k) <= limit })
	return min(1, binomialCDF(lo, n, p)+binomialSF(hi, n, p))
}

// binomialCDF is P(Y ≤ k) for Y ~ Binomial(n, p): I_{1−p}(n−k, k+1).
func binomialCDF(k, n int, p float64) float64 {
	switch {
	case k < 0:
		return 0
	case k >= n:
		return 1
	}
	return RegIncBeta(float64(n-k), float64(k+1), 1-p)
}

// binomialSF is P(Y ≥ k) for Y ~ Binomial(n, p): I_p(k, n−k+1).
func binomialSF(k, n int, p float64) float64 {
	switch {
	case k <= 0:
		return 1
	case k > n:
		return 0
	}
	return RegIncBeta(float64(k), float64(n-k+1), p)
}
