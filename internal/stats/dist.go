package stats

import "math"

// NormalTwoSided is the two-sided p-value of a standard normal statistic,
// P(|Z| ≥ |z|) = erfc(|z|/√2). Computed with math.Erfc, it keeps its
// relative precision far in the tail (z = 10 gives 1.5e-23, not 0),
// where 2·(1 − Φ(|z|)) cancels to exactly 0 from |z| ≈ 8.3 on. NaN gives 1.
func NormalTwoSided(z float64) float64 {
	if math.IsNaN(z) {
		return 1
	}
	return math.Erfc(math.Abs(z) / math.Sqrt2)
}

// NormalUpper is P(Z ≥ z) = erfc(z/√2)/2, accurate in the upper tail.
func NormalUpper(z float64) float64 { return 0.5 * math.Erfc(z/math.Sqrt2) }

// NormalQuantile is the inverse of [NormalCDF]: the z with Φ(z) = p, for
// 0 < p < 1 (−Inf at 0, +Inf at 1, NaN outside). It starts from Acklam's
// rational approximation (relative error 1.2e-9) and takes one Halley
// step on Φ computed with math.Erfc, so the tails keep their precision
// (math.Erfcinv does not: it computes 1 − x first).
func NormalQuantile(p float64) float64 {
	switch {
	case math.IsNaN(p) || p < 0 || p > 1:
		return math.NaN()
	case p == 0:
		return math.Inf(-1)
	case p == 1:
		return math.Inf(1)
	case p > 0.5:
		return -NormalQuantile(1 - p)
	}
	x := acklam(p)
	if p < 0x1p-1022 {
		// Below the normal floats (p < 2.2e-308) the step's Φ is
		// subnormal and its exp(x²/2) overflows: Acklam's value stands.
		return x
	}
	e := 0.5*math.Erfc(-x/math.Sqrt2) - p
	u := e * math.Sqrt(2*math.Pi) * math.Exp(x*x/2)
	return x - u/(1+x*u/2)
}

// acklam is Peter Acklam's approximation of the normal quantile for
// 0 < p ≤ 0.5.
func acklam(p float64) float64 {
	const low = 0.02425
	a := [6]float64{-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00}
	b := [5]float64{-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01}
	c := [6]float64{-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00}
	d := [4]float64{7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00}
	if p < low {
		q := math.Sqrt(-2 * logOf(p))
		return (((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q + c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q + 1)
	}
	q := p - 0.5
	r := q * q
	return (((((a[0]*r+a[1])*r+a[2])*r+a[3])*r+a[4])*r + a[5]) * q / (((((b[0]*r+b[1])*r+b[2])*r+b[3])*r+b[4])*r + 1)
}

// StudentTwoSided is the two-sided p-value of a Student t statistic with
// df degrees of freedom, P(|T| ≥ |t|) = I_{df/(df+t²)}(df/2, 1/2), the
// regularized incomplete beta function. df must be positive (1 or more
// for a useful test); otherwise, or for a NaN t, it returns 1.
func StudentTwoSided(t, df float64) float64 {
	if math.IsNaN(t) || !(df > 0) {
		return 1
	}
	if math.IsInf(t, 0) {
		return 0
	}
	if math.IsInf(df, 1) {
		return NormalTwoSided(t)
	}
	return RegIncBeta(df/2, 0.5, df/(df+t*t))
}

// RegIncBeta is the regularized incomplete beta function I_x(a, b) for
// a, b > 0 and 0 ≤ x ≤ 1, by the continued fraction of Numerical Recipes
// (§6.4, modified Lentz), using the symmetry I_x(a,b) = 1 − I_{1−x}(b,a)
// where the fraction converges faster. Out of range it returns NaN.
func RegIncBeta(a, b, x float64) float64 {
	switch {
	case !(a > 0) || !(b > 0) || !(x >= 0 && x <= 1):
		return math.NaN()
	case x == 0:
		return 0
	case x == 1:
		return 1
	}
	front := math.Exp(a*math.Log(x) + b*math.Log1p(-x) - logBeta(a, b))
	if x < (a+1)/(a+b+2) {
		return front * betaFraction(a, b, x) / a
	}
	return 1 - front*betaFraction(b, a, 1-x)/b
}

// betaFraction evaluates the continued fraction of the incomplete beta
// function.
func betaFraction(a, b, x float64) float64 {
	const tiny, eps = 1e-300, 1e-16
	c, d := 1.0, 1-(a+b)*x/(a+1)
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m <= 10000; m++ {
		fm := float64(m)
		num := fm * (b - fm) * x / ((a + 2*fm - 1) * (a + 2*fm))
		d, c = step(num, d, c, tiny)
		h *= d * c
		num = -(a + fm) * (a + b + fm) * x / ((a + 2*fm) * (a + 2*fm + 1))
		d, c = step(num, d, c, tiny)
		del := d * c
		h *= del
		if math.Abs(del-1) < eps {
			break
		}
	}
	return h
}

// step is one modified-Lentz step of betaFraction.
func step(num, d, c, tiny float64) (float64, float64) {
	d = 1 + num*d
	if math.Abs(d) < tiny {
		d = tiny
	}
	c = 1 + num/c
	if math.Abs(c) < tiny {
		c = tiny
	}
	return 1 / d, c
}

// logOf is math.Log(p) for p > 0, subnormal ones too: on amd64, Go's
// assembly Log gives −709.09 (the log of the least normal number) for
// every subnormal p, so p is scaled into the normal range first.
func logOf(p float64) float64 {
	if p > 0 && p < 0x1p-1022 {
		return math.Log(p*0x1p54) - 54*math.Ln2
	}
	return math.Log(p)
}
