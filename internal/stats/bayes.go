package stats

import "math"

// ExpectedLoss is the posterior expected loss of choosing B over A,
// E[max(pA − pB, 0)], with uniform Beta(1,1) priors as in [ProbBBeatsA]:
// pA ~ Beta(αA, βA) = Beta(1+xA, 1+nA−xA), and likewise pB. Size-biasing
// gives it in closed form (Chris Stucchio, "Bayesian A/B testing at VWO",
// 2015): with mA = αA/(αA+βA) and mB the posterior means,
//
//	E[max(pA−pB, 0)] = mA·P(pA′ > pB) − mB·P(pA > pB′)
//
// where pA′ ~ Beta(αA+1, βA) and pB′ ~ Beta(αB+1, βB), each probability
// the exact sum of [ProbBBeatsA]. It is deterministic, costs O(xA + xB),
// and is never negative. Invalid counts (n < x, negative) give NaN.
func ExpectedLoss(xA, nA, xB, nB int) float64 {
	if xA < 0 || xB < 0 || nA < xA || nB < xB {
		return math.NaN()
	}
	mA := float64(1+xA) / float64(2+nA)
	mB := float64(1+xB) / float64(2+nB)
	// pA′ ~ Beta(2+xA, 1+nA−xA) is the posterior of xA+1 in nA+1.
	aWins := ProbBBeatsA(xB, nB, xA+1, nA+1)
	bSizedLoses := ProbBBeatsA(xB+1, nB+1, xA, nA)
	return math.Max(0, mA*aWins-mB*bSizedLoses)
}

// MixtureLogLR is the logarithm of the likelihood ratio of the mixture
// sequential probability ratio test (mSPRT) of Johari, Koomen, Pekelis
// and Walsh, "Always Valid Inference" (Operations Research 70(3), 2022),
// for a difference whose estimate has variance V and standardized
// statistic z = estimate/√V, under a normal mixing distribution N(0, τ²)
// of the true difference:
//
//	Λ = √(V/(V+τ²)) · exp(z²τ² / (2(V+τ²)))
//
// Only the ratio r = τ²/V matters: log Λ = −½·log(1+r) + z²·r/(2(1+r)).
// Under "no difference" Λ is a martingale with mean 1, so by Ville's
// inequality P(Λ ever reaches 1/α) ≤ α and 1/Λ, minimized over the looks
// so far, is an always-valid p-value. r ≤ 0 or NaN gives 0 (no evidence).
func MixtureLogLR(z, r float64) float64 {
	if !(r > 0) || math.IsNaN(z) {
		return 0
	}
	// r/(1+r) as 1/(1+1/r): an infinite r (a huge τ, whose square
	// overflows) is then no evidence, −Inf, not Inf/Inf.
	return -0.5*math.Log1p(r) + z*z/(2*(1+1/r))
}

// MixtureHalfWidth is the half-width, in units of √V, of the mSPRT's
// confidence sequence at level 1−α for the same r = τ²/V as
// [MixtureLogLR]: the differences θ with Λ(θ) < 1/α are the estimate ±
// √V·√((1+1/r)·(log(1+r) − 2·log α)). It is +Inf for r ≤ 0.
func MixtureHalfWidth(r, alpha float64) float64 {
	if !(r > 0) {
		return math.Inf(1)
	}
	return math.Sqrt((1 + 1/r) * (math.Log1p(r) - 2*math.Log(alpha)))
}
