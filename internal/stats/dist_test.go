package stats

import (
	"math"
	"testing"
)

// TestTails checks the tails against values anyone can re-run in R:
// 2*pnorm(-z) and 2*pt(-t, df), and against closed forms.
func TestTails(t *testing.T) {
	rel := func(got, want float64) bool { return math.Abs(got-want) <= 1e-6*want }
	cases := []struct {
		name      string
		got, want float64
	}{
		{"2*pnorm(-1.96)", NormalTwoSided(1.96), 0.04999579},
		{"2*pnorm(-10)", NormalTwoSided(-10), 1.523971e-23},
		{"2*pnorm(-30)", NormalTwoSided(30), 9.813428e-198},
		{"2*pt(-2, 10)", StudentTwoSided(2, 10), 0.07338803},
		// t(0.975, 5) = 2.570582 in every t table.
		{"2*pt(-2.570582, 5)", StudentTwoSided(2.570582, 5), 0.05},
		// Cauchy: P(|T| > 1) = 1/2 exactly.
		{"df 1", StudentTwoSided(1, 1), 0.5},
		// df 2 has the closed form 1 - t/sqrt(2+t²).
		{"df 2", StudentTwoSided(3, 2), 1 - 3/math.Sqrt(11)},
		// Far tails by closed forms without cancellation: df 1 is
		// (2/π)·atan(1/t), df 2 is 2/(s(s+t)) with s = sqrt(2+t²).
		{"df 1 tail", StudentTwoSided(1e8, 1), 2 / math.Pi * math.Atan(1e-8)},
		{"df 2 tail", StudentTwoSided(1e4, 2), 2 / (math.Sqrt(2+1e8) * (math.Sqrt(2+1e8) + 1e4))},
		{"large df is normal", StudentTwoSided(1.96, 1e9), 0.04999579},
	}
	for _, c := range cases {
		if !rel(c.got, c.want) {
			t.Errorf("%s = %g, want %g", c.name, c.got, c.want)
		}
	}
	if p := NormalTwoSided(37); p <= 0 {
		t.Errorf("z = 37: p = %g, want > 0", p)
	}
	if StudentTwoSided(2, 0) != 1 || StudentTwoSided(math.NaN(), 3) != 1 || NormalTwoSided(math.NaN()) != 1 {
		t.Error("degenerate inputs must give p = 1")
	}
	if q := NormalQuantile(0.975); math.Abs(q-1.959963984540054) > 1e-12 {
		t.Errorf("qnorm(0.975) = %v", q)
	}
	for _, p := range []float64{1e-300, 1e-30, 1e-9, 0.01, 0.3, 0.5, 0.8, 0.999} {
		if got := NormalCDF(NormalQuantile(p)); !rel(got, p) {
			t.Errorf("Φ(Φ⁻¹(%g)) = %g", p, got)
		}
	}
}

// TestRegIncBeta checks I_x(a, b) for integer a, b against the binomial
// sum I_x(a,b) = Σ_{j=a}^{a+b-1} C(a+b-1, j) x^j (1-x)^(a+b-1-j).
func TestRegIncBeta(t *testing.T) {
	for a := 1; a <= 12; a++ {
		for b := 1; b <= 12; b++ {
			for _, x := range []float64{0.01, 0.2, 0.4, 0.5, 0.77, 0.99} {
				n := a + b - 1
				want := 0.0
				for j := a; j <= n; j++ {
					lc, _ := math.Lgamma(float64(n + 1))
					l1, _ := math.Lgamma(float64(j + 1))
					l2, _ := math.Lgamma(float64(n - j + 1))
					want += math.Exp(lc - l1 - l2 + float64(j)*math.Log(x) + float64(n-j)*math.Log1p(-x))
				}
				if got := RegIncBeta(float64(a), float64(b), x); math.Abs(got-want) > 1e-12+1e-10*want {
					t.Errorf("I_%v(%d, %d) = %v, want %v", x, a, b, got, want)
				}
			}
		}
	}
}

// TestAdjust uses the worked example of Benjamini & Hochberg (1995, J. R.
// Statist. Soc. B 57, §4.2): fifteen p-values of which BH at q = 0.05
// rejects the four smallest; Holm (Bonferroni 0.05/15 = 0.0033 first)
// rejects three.
func TestAdjust(t *testing.T) {
	ps := []float64{0.0201, 0.0001, 0.0004, 0.0019, 0.0095, 0.0278, 0.0298, 0.0344, 0.0459,
		0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.000}
	count := func(adj []float64) int {
		n := 0
		for _, p := range adj {
			if p <= 0.05 {
				n++
			}
		}
		return n
	}
	bh, holm := Adjust(ps, BH), Adjust(ps, Holm)
	if n := count(bh); n != 4 {
		t.Errorf("BH rejects %d, want 4: %v", n, bh)
	}
	if n := count(holm); n != 3 {
		t.Errorf("Holm rejects %d, want 3: %v", n, holm)
	}
	// By hand: BH of 0.0095 (rank 4) is min_j≥4 15·p(j)/j = 15·0.0095/4;
	// Holm of 0.0019 (rank 3) is max(15·0.0001, 14·0.0004, 13·0.0019).
	if math.Abs(bh[4]-15*0.0095/4) > 1e-15 || math.Abs(holm[3]-13*0.0019) > 1e-15 {
		t.Errorf("BH %v Holm %v", bh[4], holm[3])
	}
	if ps[0] != 0.0201 {
		t.Error("Adjust modified its input")
	}
	for i := range ps {
		if bh[i] < ps[i] || holm[i] < ps[i] || bh[i] > holm[i]+1e-15 {
			t.Errorf("p %v: BH %v Holm %v", ps[i], bh[i], holm[i])
		}
	}
}
