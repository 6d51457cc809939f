package engagement

import (
	"fmt"
	"math"

	"github.com/engagekit/engagekit/internal/stats"
)

// The planning functions share one formula, the normal approximation of
// the two-sided pooled two-proportion test with n clients per arm (Fleiss,
// Levin and Paik, Statistical Methods for Rates and Proportions, 3rd ed.,
// §4.2, without continuity correction):
//
//	√n·|p₁−p₂| = z_{1−α/2}·√(2p̄(1−p̄)) + z_{power}·√(p₁(1−p₁)+p₂(1−p₂)),   p̄ = (p₁+p₂)/2
//
// [SampleSize] solves it for n, [Power] for the power and [MDE] for p₂,
// so each is the inverse of the others.

// SampleSize is how many clients each variant needs for a two-sided
// two-proportion test at significance alpha to detect a change of
// escalation rate from base to target with the given power (normal
// approximation, Fleiss):
//
//	n = (z_{1−α/2}·√(2p̄(1−p̄)) + z_{power}·√(p₁(1−p₁)+p₂(1−p₂)))² / (p₁−p₂)²
//
// with p̄ = (p₁+p₂)/2. Rates outside [0, 1], equal rates, alpha or power
// outside (0, 1), or a size beyond an int are an [*OptionError].
func SampleSize(base, target, alpha, power float64) (int, error) {
	switch {
	case !(base >= 0 && base <= 1) || !(target >= 0 && target <= 1):
		return 0, optErr("SampleSize rates", fmt.Sprint(base, " ", target), "outside [0, 1]")
	case base == target:
		return 0, optErr("SampleSize rates", fmt.Sprint(base, " ", target), "equal: no change to detect")
	case !(alpha > 0 && alpha < 1):
		return 0, optErr("SampleSize alpha", alpha, "outside (0, 1)")
	case !(power > 0 && power < 1):
		return 0, optErr("SampleSize power", power, "outside (0, 1)")
	}
	n := stats.SampleSizeFloat(base, target, alpha, power)
	if !(n < stats.MaxIntFloat) {
		return 0, optErr("SampleSize rates", fmt.Sprint(base, " ", target), fmt.Sprintf("the difference is too small to detect: it needs about %.2g clients a variant, beyond an int", n))
	}
	return int(math.Ceil(n)), nil
}

// Power is the probability that a two-sided two-proportion test at
// significance alpha, with n clients per variant, detects a change of
// rate from base to target (the formula above solved for the power):
//
//	power = Φ((√n·|p₁−p₂| − z_{1−α/2}·√(2p̄(1−p̄))) / √(p₁(1−p₁)+p₂(1−p₂)))
//
// Rates outside [0, 1], equal rates, n below 1 or alpha outside (0, 1)
// are an [*OptionError].
func Power(base, target float64, n int, alpha float64) (float64, error) {
	switch {
	case !(base >= 0 && base <= 1) || !(target >= 0 && target <= 1):
		return 0, optErr("Power rates", fmt.Sprint(base, " ", target), "outside [0, 1]")
	case base == target:
		return 0, optErr("Power rates", fmt.Sprint(base, " ", target), "equal: no change to detect")
	case n < 1:
		return 0, optErr("Power n", n, "fewer than one client per variant")
	case !(alpha > 0 && alpha < 1):
		return 0, optErr("Power alpha", alpha, "outside (0, 1)")
	}
	pbar := (base + target) / 2
	spread := math.Sqrt(base*(1-base) + target*(1-target))
	za := stats.TwoSidedZ(alpha)
	num := math.Sqrt(float64(n))*math.Abs(target-base) - za*math.Sqrt(2*pbar*(1-pbar))
	if spread == 0 {
		// 0 against 1: the formula's limit, Φ(±∞), as SampleSize reads
		// it (n = z²/2 clients tell them apart; fewer do not).
		if num >= 0 {
			return 1, nil
		}
		return 0, nil
	}
	return stats.NormalCDF(num / spread), nil
}

// MDE is the minimum detectable effect: the smallest rise d of the rate
// above base that a two-sided two-proportion test at significance alpha,
// with n clients per variant, detects with the given power — the d for
// which [SampleSize](base, base+d, alpha, power) needs exactly n clients
// (the formula above, solved for p₂ by bisection to 1e-12). A base
// outside [0, 1), n below 1, alpha or power outside (0, 1), or an n too
// small to detect even a rise to a rate of 1 are an [*OptionError].
func MDE(base float64, n int, alpha, power float64) (float64, error) {
	switch {
	case !(base >= 0 && base < 1):
		return 0, optErr("MDE base", base, "outside [0, 1)")
	case n < 1:
		return 0, optErr("MDE n", n, "fewer than one client per variant")
	case !(alpha > 0 && alpha < 1):
		return 0, optErr("MDE alpha", alpha, "outside (0, 1)")
	case !(power > 0 && power < 1):
		return 0, optErr("MDE power", power, "outside (0, 1)")
	}
	need := func(d float64) float64 { return stats.SampleSizeFloat(base, base+d, alpha, power) }
	lo, hi := 0.0, 1-base
	if need(hi) > float64(n) {
		return 0, optErr("MDE n", n, fmt.Sprintf("too few clients: even a rise from %v to 1 needs more", base))
	}
	// need falls as d grows: bisect for need(d) = n.
	for hi-lo > 1e-12 {
		mid := (lo + hi) / 2
		if need(mid) > float64(n) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi, nil
}
