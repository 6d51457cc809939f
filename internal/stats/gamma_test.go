package stats

import (
	"math"
	"testing"
)

// TestChiSquareUpper checks the chi-square tail against the critical
// values printed in every chi-square table (e.g. NIST/SEMATECH
// e-Handbook of Statistical Methods, §1.3.6.7.4: 3.841 for df 1, 5.991
// for df 2, 7.815 for df 3, 11.070 for df 5 at 0.05; 6.635 for df 1 at
// 0.01), and against closed forms: df 1 is erfc(√(x/2)), and an even df
// 2k is e^(−x/2)·Σ_{i<k} (x/2)^i/i!.
func TestChiSquareUpper(t *testing.T) {
	table := []struct{ x, df, want, tol float64 }{
		{3.841459, 1, 0.05, 1e-6}, {5.991465, 2, 0.05, 1e-6}, {7.814728, 3, 0.05, 1e-6},
		{11.070498, 5, 0.05, 1e-6}, {6.634897, 1, 0.01, 1e-6},
	}
	for _, c := range table {
		if got := ChiSquareUpper(c.x, c.df); math.Abs(got-c.want) > c.tol*c.want {
			t.Errorf("P(χ²_%v ≥ %v) = %v, want %v", c.df, c.x, got, c.want)
		}
	}
	for _, x := range []float64{0.01, 0.5, 1, 3, 10, 50, 200, 1000} {
		if got, want := ChiSquareUpper(x, 1), math.Erfc(math.Sqrt(x/2)); math.Abs(got-want) > 1e-12*want {
			t.Errorf("df 1, x %v: %v, want %v", x, got, want)
		}
		for k := 1; k <= 6; k++ {
			sum, term := 0.0, 1.0
			for i := range k {
				if i > 0 {
					term *= x / 2 / float64(i)
				}
				sum += term
			}
			want := math.Exp(-x/2) * sum
			if got := ChiSquareUpper(x, float64(2*k)); math.Abs(got-want) > 1e-12*want {
				t.Errorf("df %d, x %v: %v, want %v", 2*k, x, got, want)
			}
		}
	}
	if ChiSquareUpper(0, 3) != 1 || !math.IsNaN(ChiSquareUpper(1, 0)) || ChiSquareUpper(1400, 2) <= 0 {
		t.Error("edges")
	}
}
