package stats

import "math"

// RatioScore is Koopman's asymptotic score interval for the ratio of two
// binomial proportions, φ = (x1/n1) / (x2/n2): the ratios whose Pearson
// χ², with the two proportions fitted under p1 = φ·p2, is at most z²
// (P. A. R. Koopman, "Confidence intervals for the ratio of two binomial
// proportions", Biometrics 40, 1984; recommended by M. W. Fagerland,
// S. Lydersen and P. Laake, "Recommended confidence intervals for two
// independent binomial proportions", Statistical Methods in Medical
// Research 24, 2015).
//
// It replaced the Katz log interval exp(log φ̂ ± z·√(1/x1 − 1/n1 + 1/x2 −
// 1/n2)), whose width is zero when both arms convert every client (the
// ratio then said to be exactly 1 however few the clients), and which
// covered the true ratio in 79 % of experiments of ten clients an arm at
// rates 95 % and 90 %, for a 95 % interval.
//
// Its exact coverage over arms of 5 to 50 and rates of 1 % to 95 % is
// 95.6 % on average and at least 86 %, the dips where an arm expects less
// than one success or one failure (MOVER with Wilson intervals dips
// alike; the adjusted log interval to 56 %).
//
// Both counts must be at least one and at most their n: with no success
// in an arm the ratio is 0 or unbounded, and the interval is (0, +Inf),
// as it is for a z that is not positive.
func RatioScore(x1, n1, x2, n2 int, z float64) (lo, hi float64) {
	if x1 < 1 || x2 < 1 || x1 > n1 || x2 > n2 || !(z > 0) || math.IsInf(z, 0) {
		return 0, math.Inf(1)
	}
	est := (float64(x1) / float64(n1)) / (float64(x2) / float64(n2))
	limit := z * z
	outside := func(phi float64) bool { return ratioChiSquare(x1, n1, x2, n2, phi) > limit }
	return ratioBound(est, 0.5, outside), ratioBound(est, 2, outside)
}

// ratioBound walks from the estimate by factor until outside holds (the
// χ² grows without bound towards 0 and +Inf when both counts are at least
// one), then bisects the bracket in log φ to the float's precision.
func ratioBound(est, factor float64, outside func(float64) bool) float64 {
	in, out := est, est*factor
	for !outside(out) {
		in, out = out, out*factor
		if out == 0 || math.IsInf(out, 0) {
			return out // no bound within the floats
		}
	}
	for range 200 {
		mid := math.Sqrt(in) * math.Sqrt(out) // the geometric mean, without overflow
		if mid == in || mid == out {
			break
		}
		if outside(mid) {
			out = mid
		} else {
			in = mid
		}
	}
	return in
}

// ratioChiSquare is Pearson's χ² of the two arms against the proportions
// fitted by maximum likelihood under p1 = φ·p2: p̃1 is the smaller root of
// N·p² − b·p + φ(x1 + x2) = 0, b = φ(n1 + x2) + x1 + n2, written in the
// form that does not cancel, and p̃2 = p̃1/φ. The discriminant b² −
// 4Nφ(x1 + x2) is written as (φ(n1 + x2) − x1 − n2)² + 4φ(n1 − x1)(n2 −
// x2), a sum of two terms that are never negative: as the difference of
// two squares of some 2^100 it lost the bounds' digits at arms of 2^50.
func ratioChiSquare(x1, n1, x2, n2 int, phi float64) float64 {
	s := float64(x1) + float64(x2)
	a, c := phi*(float64(n1)+float64(x2)), float64(x1)+float64(n2)
	d := a - c
	disc := d*d + 4*phi*float64(n1-x1)*float64(n2-x2)
	p1 := 2 * phi * s / (a + c + math.Sqrt(disc))
	p2 := math.Min(1, p1/phi)
	return pearsonTerm(x1, n1, math.Min(1, p1)) + pearsonTerm(x2, n2, p2)
}

// pearsonTerm is one arm's (x − n·p)² / (n·p·(1 − p)): 0 when the arm is
// fitted exactly, +Inf when p leaves the arm no variance but it differs.
func pearsonTerm(x, n int, p float64) float64 {
	d := float64(x) - float64(n)*p
	if d == 0 {
		return 0
	}
	v := float64(n) * p * (1 - p)
	if v <= 0 {
		return math.Inf(1)
	}
	return d * d / v
}
