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
// with n clients per variant, detects with the given power — the least d
// for which [SampleSize](base, base+d, alpha, power) needs at most n
// clients (the formula above, solved for p₂). The clients the formula
// needs do not always fall as d grows (below a power of one half its two
// terms pull against each other, and a larger rise may need more), so d
// is found by a scan of [0, 1−base] in mdeSteps steps, then bisection to
// 1e-12 within the first step that n clients suffice for. A base outside
// [0, 1), n below 1, alpha or power outside (0, 1), or an n too small to
// detect any rise up to a rate of 1 are an [*OptionError].
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
	enough := func(d float64) bool { return stats.SampleSizeFloat(base, base+d, alpha, power) <= float64(n) }
	span := 1 - base
	lo, hi := 0.0, -1.0
	for k := 1; k <= mdeSteps; k++ {
		d := span * float64(k) / mdeSteps
		if k == mdeSteps {
			d = span // exactly a rate of 1, whatever the rounding
		}
		if enough(d) {
			hi = d
			break
		}
		lo = d
	}
	if hi < 0 {
		return 0, optErr("MDE n", n, fmt.Sprintf("too few clients: no rise from %v up to 1 is detected with them", base))
	}
	for hi-lo > 1e-12 {
		mid := (lo + hi) / 2
		if enough(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi, nil
}

// mdeSteps is how finely MDE scans the rises for the first that n
// clients detect.
const mdeSteps = 4096
