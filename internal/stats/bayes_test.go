package stats

import (
	"math"
	"testing"
)

// simpson integrates f over [a, b] with n (even) intervals.
func simpson(f func(float64) float64, a, b float64, n int) float64 {
	h := (b - a) / float64(n)
	sum := f(a) + f(b)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		sum += w * f(a+float64(i)*h)
	}
	return sum * h / 3
}

// TestExpectedLoss checks the closed form against an independent
// numerical integration of the definition,
// E[max(pA−pB,0)] = ∫ f_B(b) ∫_b^1 (a−b) f_A(a) da db
// = ∫ f_B(b) [mA·(1−I_b(αA+1, βA)) − b·(1−I_b(αA, βA))] db,
// by Simpson's rule, and the identity
// loss(B over A) − loss(A over B) = E[pA] − E[pB].
func TestExpectedLoss(t *testing.T) {
	for _, c := range [][4]int{{10, 100, 10, 100}, {30, 200, 40, 210}, {5, 50, 1, 40}, {0, 20, 3, 20}, {120, 1000, 95, 1000}} {
		xA, nA, xB, nB := c[0], c[1], c[2], c[3]
		aA, bA := float64(1+xA), float64(1+nA-xA)
		aB, bB := float64(1+xB), float64(1+nB-xB)
		mA := aA / (aA + bA)
		inner := func(b float64) float64 {
			fb := math.Exp((aB-1)*math.Log(b) + (bB-1)*math.Log1p(-b) - logBeta(aB, bB))
			return fb * (mA*(1-RegIncBeta(aA+1, bA, b)) - b*(1-RegIncBeta(aA, bA, b)))
		}
		want := simpson(inner, 1e-12, 1-1e-12, 20000)
		got := ExpectedLoss(xA, nA, xB, nB)
		if math.Abs(got-want) > 1e-9+1e-6*want {
			t.Errorf("loss %v = %v, integration %v", c, got, want)
		}
		other := ExpectedLoss(xB, nB, xA, nA)
		if d := got - other - (mA - aB/(aB+bB)); math.Abs(d) > 1e-9 {
			t.Errorf("loss %v: identity off by %v", c, d)
		}
	}
	if !math.IsNaN(ExpectedLoss(5, 4, 1, 1)) {
		t.Error("x > n must give NaN")
	}
}

// TestMixture checks the mSPRT's closed form against the definition,
// Λ = ∫ φ(θ; 0, τ²) · L(θ)/L(0) dθ with the normal likelihood of the
// estimate, L(θ)/L(0) = exp((θ·d − θ²/2)/V) for an estimate d with
// variance V, integrated numerically; and the confidence sequence's
// half-width against the boundary Λ = 1/α it inverts.
func TestMixture(t *testing.T) {
	for _, c := range []struct{ d, v, tau float64 }{{0.01, 1e-4, 0.02}, {0.03, 2e-4, 0.01}, {-0.05, 1e-3, 0.05}, {0, 1e-4, 0.02}} {
		lr := func(th float64) float64 {
			return math.Exp(-th*th/(2*c.tau*c.tau)+(th*c.d-th*th/2)/c.v) / (c.tau * math.Sqrt(2*math.Pi))
		}
		want := simpson(lr, -12*c.tau, 12*c.tau, 200000)
		got := math.Exp(MixtureLogLR(c.d/math.Sqrt(c.v), c.tau*c.tau/c.v))
		if math.Abs(got-want) > 1e-8*want {
			t.Errorf("%+v: Λ = %v, integration %v", c, got, want)
		}
	}
	for _, r := range []float64{0.01, 1, 30} {
		for _, alpha := range []float64{0.05, 0.01} {
			h := MixtureHalfWidth(r, alpha)
			if got := MixtureLogLR(h, r); math.Abs(got+math.Log(alpha)) > 1e-12 {
				t.Errorf("r %v α %v: log Λ at the boundary = %v, want %v", r, alpha, got, -math.Log(alpha))
			}
		}
	}
	if MixtureLogLR(3, 0) != 0 || !math.IsInf(MixtureHalfWidth(0, 0.05), 1) {
		t.Error("edges")
	}
}
