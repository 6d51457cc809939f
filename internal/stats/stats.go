// Package stats holds the statistics engagekit's packages share:
// proportions and their intervals and tests, a Bayesian comparison,
// quantiles and ranks. Everything is deterministic: no sampling.
package stats

import (
	"math"
	"slices"
)

// NormalCDF is the standard normal distribution function.
func NormalCDF(z float64) float64 { return 0.5 * math.Erfc(-z/math.Sqrt2) }

// Wilson returns the Wilson score interval of x successes in n trials at
// confidence z (1.96 for 95%). With n = 0 the interval is [0, 1].
func Wilson(x, n int, z float64) (lo, hi float64) {
	if n <= 0 {
		return 0, 1
	}
	p, nf := float64(x)/float64(n), float64(n)
	den := 1 + z*z/nf
	center := (p + z*z/(2*nf)) / den
	half := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf)) / den
	// The interval holds p exactly; rounding in center ± half can leave
	// it out by an ulp (0 of 3 gave a low of 5.6e-17), so the bounds are
	// held to it as well as to [0, 1].
	return math.Max(0, math.Min(p, center-half)), math.Min(1, math.Max(p, center+half))
}

// TwoProportion tests whether two proportions x1/n1 and x2/n2 differ. It
// returns the pooled z (positive when the second is higher), the
// two-sided p-value and Cohen's h as the effect size. The p-value is the
// z-test's, or, when a cell of the table expects fewer than five under
// equal proportions (a small group, rare events), Fisher's exact test's
// ([FisherExact]), since the normal approximation there makes one event
// in a small group look decisive. Empty groups give z = 0 and p = 1.
func TwoProportion(x1, n1, x2, n2 int) (z, p, h float64) {
	if n1 <= 0 || n2 <= 0 {
		return 0, 1, 0
	}
	p1, p2 := float64(x1)/float64(n1), float64(x2)/float64(n2)
	h = 2*math.Asin(math.Sqrt(p2)) - 2*math.Asin(math.Sqrt(p1))
	pool := float64(x1+x2) / float64(n1+n2)
	se := math.Sqrt(pool * (1 - pool) * (1/float64(n1) + 1/float64(n2)))
	if se == 0 {
		return 0, 1, h
	}
	z = (p2 - p1) / se
	if SmallCounts(x1, n1, x2, n2) {
		return z, FisherExact(x1, n1, x2, n2), h
	}
	return z, NormalTwoSided(z), h
}

// ProbBBeatsA is the posterior probability that B's rate exceeds A's, with
// uniform Beta(1,1) priors: P(pB > pA) for pA ~ Beta(1+xA, 1+nA-xA) and
// pB ~ Beta(1+xB, 1+nB-xB). It uses the exact sum for integer parameters
// (Evan Miller's formula), in logarithms, so it is deterministic and
// accurate even for rates near 0 or 1; it costs O(xB).
func ProbBBeatsA(xA, nA, xB, nB int) float64 {
	aA, bA := float64(1+xA), float64(1+nA-xA)
	aB, bB := 1+xB, float64(1+nB-xB)
	base := logBeta(aA, bA)
	total := 0.0
	for i := range aB {
		fi := float64(i)
		total += math.Exp(logBeta(aA+fi, bA+bB) - math.Log(bB+fi) - logBeta(1+fi, bB) - base)
	}
	return math.Min(1, math.Max(0, total))
}

func logBeta(a, b float64) float64 {
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	return la + lb - lab
}

// SampleSize is the clients per group a two-proportion test needs to detect
// a change from rate p1 to p2 at two-sided significance alpha with the given
// power (normal approximation); 0 for invalid input or a size beyond an
// int (see SampleSizeFloat).
func SampleSize(p1, p2, alpha, power float64) int {
	n := SampleSizeFloat(p1, p2, alpha, power)
	if !(n > 0 && n < MaxIntFloat) {
		return 0
	}
	return int(math.Ceil(n))
}

// MaxIntFloat is the least float64 above every int: 2^63, or 2^31 where
// an int has 32 bits (float64(math.MaxInt) rounds up to it).
const MaxIntFloat = float64(math.MaxInt) + 1

// SampleSizeFloat is SampleSize before rounding up: the n solving
//
//	√n·|p₁−p₂| = z_{1−α/2}·√(2p̄(1−p̄)) + z_{power}·√(p₁(1−p₁)+p₂(1−p₂))
//
// and 1 when the right side is not positive (a power so low that a test
// of any size reaches it: squaring would turn "any n" into a positive
// one). NaN when p1 = p2, a rate is outside [0, 1], or alpha or power is
// outside (0, 1).
func SampleSizeFloat(p1, p2, alpha, power float64) float64 {
	if p1 == p2 || !(p1 >= 0 && p1 <= 1 && p2 >= 0 && p2 <= 1) || !(alpha > 0 && alpha < 1) || !(power > 0 && power < 1) {
		return math.NaN()
	}
	za, zb := TwoSidedZ(alpha), NormalQuantile(power)
	pbar := (p1 + p2) / 2
	num := za*math.Sqrt(2*pbar*(1-pbar)) + zb*math.Sqrt(p1*(1-p1)+p2*(1-p2))
	if !(num > 0) {
		return 1
	}
	return num * num / ((p1 - p2) * (p1 - p2))
}

// TwoSidedZ is z_{1−α/2}, the critical value of a two-sided test at
// significance alpha, read from the lower tail: 1 − α/2 rounds to 1 for an
// alpha below about 1e-16, and the quantile of 1 is +Inf.
func TwoSidedZ(alpha float64) float64 { return -NormalQuantile(alpha / 2) }

// Median of xs (the mean of the two middle values for an even count); NaN
// for none. It does not modify xs.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// PercentileRank is the share of peers below v plus half the share equal to
// it (the mid-rank convention for ties), in [0, 1]; 0.5 with no peers.
func PercentileRank(v float64, peers []float64) float64 {
	return PercentileRankScaled(v, peers, 1)
}

// PercentileRankScaled is PercentileRank times scale (100 for a
// percentile), computed from the counts in one division, so that a rank
// a decimal can write is that decimal: 7 below of 100 is 7, where the
// share 0.07 times 100 is 7.000000000000001.
func PercentileRankScaled(v float64, peers []float64, scale float64) float64 {
	if len(peers) == 0 {
		return scale / 2
	}
	below, equal := 0, 0
	for _, p := range peers {
		switch {
		case p < v:
			below++
		case p == v:
			equal++
		}
	}
	return float64(2*below+equal) * scale / float64(2*len(peers))
}

// Quartile is 1 to 4 for a percentile rank: 4 is the top quarter.
func Quartile(rank float64) int {
	return min(4, 1+int(rank*4))
}
