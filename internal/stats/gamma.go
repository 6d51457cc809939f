package stats

import "math"

// ChiSquareUpper is the upper tail of a chi-square statistic with df
// degrees of freedom, P(χ²_df ≥ x) = Q(df/2, x/2), the regularized upper
// incomplete gamma function. It keeps its relative precision far in the
// tail (the continued fraction computes Q itself, not 1 − P). x ≤ 0 gives
// 1; a NaN x or df ≤ 0 gives NaN.
func ChiSquareUpper(x, df float64) float64 {
	switch {
	case math.IsNaN(x) || !(df > 0):
		return math.NaN()
	case x <= 0:
		return 1
	case math.IsInf(x, 1):
		return 0
	}
	return RegIncGammaUpper(df/2, x/2)
}

// RegIncGammaUpper is Q(a, x) = Γ(a, x)/Γ(a) for a > 0 and x ≥ 0, by the
// series of P = 1 − Q below x = a+1 and the continued fraction of Q
// above it (Numerical Recipes §6.2, modified Lentz), and for a past 4e11
// by the Wilson–Hilferty approximation. Out of range it returns NaN.
func RegIncGammaUpper(a, x float64) float64 {
	switch {
	case !(a > 0) || !(x >= 0):
		return math.NaN()
	case x == 0:
		return 1
	}
	if a > wilsonHilfertyFrom {
		return wilsonHilferty(a, x)
	}
	lg, _ := math.Lgamma(a)
	front := math.Exp(-x + a*math.Log(x) - lg)
	if x < a+1 {
		return 1 - front*gammaSeries(a, x)
	}
	return front * gammaFraction(a, x)
}

// gammaTerms bounds the terms of the series and the fraction for a: near
// x = a both need some √a of them (a fixed 10,000 stopped far short at
// a = 1e9, giving Q ≈ 0.88 where it is 0.5).
func gammaTerms(a float64) int { return 10_000 + int(16*math.Sqrt(a)) }

// wilsonHilfertyFrom is the a past which Q(a, x) is taken from the
// Wilson–Hilferty normal approximation of the cube root of a gamma
// variable, rather than from a series of some 16·√a terms (ten million of
// them here, some 50 ms: no test of this library's has such a df). The
// approximation's relative error shrinks as 1/a: far in the tail it is
// 1e-4 at a = 1e8 and some 1e-7 past the switch.
const wilsonHilfertyFrom = 4e11

// wilsonHilferty is Q(a, x) for large a: (x/a)^(1/3) is nearly normal
// with mean 1 − 1/(9a) and variance 1/(9a).
func wilsonHilferty(a, x float64) float64 {
	v := 1 / (9 * a)
	return NormalUpper((math.Cbrt(x/a) - (1 - v)) / math.Sqrt(v))
}

// gammaSeries is Σ_n x^n / (a(a+1)…(a+n)), so that P(a, x) is
// x^a e^−x / Γ(a) times it.
func gammaSeries(a, x float64) float64 {
	term := 1 / a
	sum := term
	for n := 1; n < gammaTerms(a); n++ {
		term *= x / (a + float64(n))
		sum += term
		if math.Abs(term) < math.Abs(sum)*1e-16 {
			break
		}
	}
	return sum
}

// gammaFraction is the continued fraction 1/(x+1−a− 1·(1−a)/(x+3−a− …))
// so that Q(a, x) is x^a e^−x / Γ(a) times it.
func gammaFraction(a, x float64) float64 {
	const tiny, eps = 1e-300, 1e-16
	b := x + 1 - a
	c, d := 1/tiny, 1/b
	h := d
	for i := 1; i < gammaTerms(a); i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = b + an/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < eps {
			break
		}
	}
	return h
}
