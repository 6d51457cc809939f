package engagement

import (
	"math"

	"github.com/engagekit/engagekit/internal/stats"
)

// Adjusted is a variant against the control after CUPED (Deng, Xu,
// Kohavi and Walker, "Improving the Sensitivity of Online Controlled
// Experiments by Utilizing Pre-Experiment Data", WSDM 2013): the part of
// each client's outcome that their pre-period engagement predicts is
// taken out, which leaves the difference unbiased (the covariate was
// fixed before assignment) and its variance smaller by the squared
// correlation.
//
// # Method
//
// With Y a client's conversion (0 or 1) and X their pre-period
// engagement, θ is the covariance of Y and X over their variance, both
// pooled within arms across all arms of the experiment (the ANCOVA
// slope, which a treatment effect on Y cannot move):
//
//	θ = Σ_arms Σ_i (X_i − X̄_arm)(Y_i − Ȳ_arm) / Σ_arms Σ_i (X_i − X̄_arm)²
//
// The adjusted difference and its standard error are
//
//	Diff = (Ȳ_B − Ȳ_A) − θ(X̄_B − X̄_A),   SE = √(s²·(1/n_A + 1/n_B))
//
// with s² the variance of Y − θX pooled within the two arms (their sums
// of squares about each arm's mean over n_A + n_B − 2): under "no
// difference" the arms share it, and a small arm's own estimate would
// collapse when its conversions are rare (none, often), making a chance
// outcome significant; Z = Diff/SE,
// P its two-sided normal p-value, [Low, High] the interval at 1−α, and
// VarianceReduction = 1 − SE²/SE₀² against the unadjusted SE₀. Applied is
// false (and P = 1) without a covariate, with fewer than two clients in
// an arm, or when a cell of the 2×2 table (an arm's conversions or
// non-conversions) expects fewer than five under "no difference": the
// normal approximation CUPED rests on does not hold there (five clients
// an arm, 0 against 3 conversions, read as P = 0.014 where Fisher's exact
// test says 0.167), and the fixed test's exact P is the one to read.
type Adjusted struct {
	Applied           bool    `json:"applied"`
	Diff              float64 `json:"diff"`
	SE                float64 `json:"se"`
	Low               float64 `json:"low"`
	High              float64 `json:"high"`
	Z                 float64 `json:"z"`
	P                 float64 `json:"p"`
	PAdjusted         float64 `json:"p_adjusted"`
	Significant       bool    `json:"significant"`
	VarianceReduction float64 `json:"variance_reduction"`
}

// moments is an arm's sums for CUPED: count, means, and sums of squares
// and products about the means.
type moments struct {
	n, x          float64 // clients, conversions
	my, mx        float64
	syy, sxx, sxy float64
}

// cuped computes θ and each comparison's Adjusted; it returns θ. Nothing
// in it depends on the order of the clients: the covariate is read from
// the smallest value, and every sum is exact (rounded once), so one order
// cannot lose an arm's spread that another keeps.
func (p *ExperimentPlan) cuped(e *exposed, pre map[string]float64, cs []Comparison) float64 {
	xs := make([]float64, len(e.clients))
	// The covariate is read as its distance from the smallest value, over
	// a power of two above the largest distance: exact for a constant
	// covariate (every distance 0, so θ is 0, not the noise of a rounded
	// mean) and finite for values near the float64 limit, whose squares
	// overflowed. θ is scaled back; the adjusted difference does not
	// depend on the scale.
	least, seen := 0.0, false
	for i, c := range e.clients {
		if x := pre[e.ids[i]]; c.arm >= 0 && (!seen || x < least) {
			least, seen = x, true
		}
	}
	largest := 0.0
	for i, c := range e.clients {
		if c.arm >= 0 {
			xs[i] = pre[e.ids[i]]/2 - least/2 // halved: the difference of two finite values may overflow
			largest = max(largest, xs[i])
		}
	}
	_, exp := math.Frexp(largest) // largest < 2^exp; 0 for a constant
	for i := range xs {
		xs[i] = math.Ldexp(xs[i], -exp) // (pre − least) / 2^(exp+1), in [0, 1)
	}
	// Two passes: the means first, then the sums about them, which
	// keeps their precision however large the engagement values.
	type sums struct{ n, y, x, yy, xx, xy stats.ExactSum }
	acc := make([]sums, len(p.cfg.Arms))
	for i, c := range e.clients {
		if c.arm >= 0 {
			a := &acc[c.arm]
			a.n.Add(1)
			a.x.Add(xs[i])
			a.y.Add(conversion(c))
		}
	}
	m := make([]moments, len(p.cfg.Arms))
	for i := range m {
		if m[i].n = acc[i].n.Float64(); m[i].n > 0 {
			m[i].x = acc[i].y.Float64()
			m[i].mx, m[i].my = acc[i].x.Float64()/m[i].n, m[i].x/m[i].n
		}
	}
	var sxy, sxx stats.ExactSum
	for i, c := range e.clients {
		if c.arm >= 0 {
			a, mm := &acc[c.arm], &m[c.arm]
			dx, dy := xs[i]-mm.mx, conversion(c)-mm.my
			a.xx.Add(dx * dx)
			a.yy.Add(dy * dy)
			a.xy.Add(dx * dy)
			sxx.Add(dx * dx)
			sxy.Add(dx * dy)
		}
	}
	for i := range m {
		m[i].sxx, m[i].syy, m[i].sxy = acc[i].xx.Float64(), acc[i].yy.Float64(), acc[i].xy.Float64()
	}
	theta := 0.0 // of the scaled covariate
	if xx := sxx.Float64(); xx > 0 {
		theta = sxy.Float64() / xx
	}
	k := 0
	for i := range m {
		if i != p.control {
			cs[k].CUPED = p.adjusted(m[p.control], m[i], theta)
			k++
		}
	}
	// Scaled back to the covariate's own units: pre-period values
	// within 1e-310 of each other make a θ beyond the float64 range,
	// held to it so the report marshals.
	return max(-math.MaxFloat64, min(math.MaxFloat64, math.Ldexp(theta, -(exp+1))))
}

// conversion is a client's outcome, 1 or 0.
func conversion(c expClient) float64 {
	if c.conv != noConversion {
		return 1
	}
	return 0
}

// adjusted compares arm b with the control a after CUPED.
func (p *ExperimentPlan) adjusted(a, b moments, theta float64) Adjusted {
	if a.n < 2 || b.n < 2 || stats.SmallCounts(int(a.x), int(a.n), int(b.x), int(b.n)) {
		return Adjusted{P: 1}
	}
	// The variances are pooled over both arms: under "no difference" the
	// arms share one, and an arm's own estimate collapses when it is small
	// and its conversions rare (none at all, often), which made a chance
	// outcome significant.
	ss := func(m moments) float64 { return m.syy - 2*theta*m.sxy + theta*theta*m.sxx }
	scale := (1/a.n + 1/b.n) / (a.n + b.n - 2)
	v, v0 := (ss(a)+ss(b))*scale, (a.syy+b.syy)*scale
	r := Adjusted{Applied: true, Diff: b.my - a.my - theta*(b.mx-a.mx), SE: math.Sqrt(max(0, v)), P: 1}
	z := p.z()
	r.Low, r.High = r.Diff-z*r.SE, r.Diff+z*r.SE
	// Without variance, a difference within the rounding of the terms it
	// is made of (a covariate that is an exact multiple of the outcome
	// leaves 1e-16) is none, and no interval excludes 0 on its account.
	if scale := math.Abs(b.my) + math.Abs(a.my) + math.Abs(theta*(b.mx-a.mx)); r.SE == 0 && math.Abs(r.Diff) <= scale*0x1p-40 {
		r.Diff, r.Low, r.High = 0, 0, 0
	}
	switch {
	case r.SE > 0:
		r.Z = r.Diff / r.SE
		r.P = stats.NormalTwoSided(r.Z)
	case r.Diff != 0:
		// No variance left and a difference: certain, as the interval
		// [Diff, Diff] says (P 1 said the opposite), z held to the
		// float64 range.
		r.Z, r.P = math.Copysign(math.MaxFloat64, r.Diff), 0
	}
	if v0 > 0 {
		// From the variances, not SE squared back: with θ = 0 they are
		// one sum, and the reduction is exactly 0.
		r.VarianceReduction = 1 - max(0, v)/v0
	}
	return r
}
