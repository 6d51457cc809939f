package stats

import (
	"math"
	"testing"

	"pgregory.net/rapid"
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestKnownValues(t *testing.T) {
	if lo, hi := Wilson(8, 10, 1.96); !near(lo, 0.4902, 1e-3) || !near(hi, 0.9433, 1e-3) {
		t.Errorf("Wilson(8,10) = %v %v", lo, hi)
	}
	z, p, _ := TwoProportion(45, 100, 60, 100)
	if !near(z, 2.1240, 1e-3) || !near(p, 0.0336, 1e-3) {
		t.Errorf("TwoProportion = %v %v", z, p)
	}
	if n := SampleSize(0.10, 0.15, 0.05, 0.8); n < 680 || n > 690 {
		t.Errorf("SampleSize = %d, want about 686", n)
	}
	if pr := ProbBBeatsA(10, 100, 10, 100); !near(pr, 0.5, 0.01) {
		t.Errorf("equal data: P = %v", pr)
	}
	if pr := ProbBBeatsA(10, 100, 30, 100); pr < 0.999 {
		t.Errorf("clear winner: P = %v", pr)
	}
	if Median([]float64{3, 1, 2, 10}) != 2.5 || !math.IsNaN(Median(nil)) {
		t.Error("median")
	}
	if r := PercentileRank(5, []float64{1, 5, 5, 9}); r != 0.5 || Quartile(r) != 3 || Quartile(1) != 4 || Quartile(0) != 1 {
		t.Errorf("rank %v", r)
	}
}

func TestPropertySymmetry(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n1, n2 := rapid.IntRange(1, 500).Draw(t, "n1"), rapid.IntRange(1, 500).Draw(t, "n2")
		x1, x2 := rapid.IntRange(0, n1).Draw(t, "x1"), rapid.IntRange(0, n2).Draw(t, "x2")
		z, p, h := TwoProportion(x1, n1, x2, n2)
		zr, pr, hr := TwoProportion(x2, n2, x1, n1)
		if !near(z, -zr, 1e-12) || !near(p, pr, 1e-12) || !near(h, -hr, 1e-12) {
			t.Fatalf("relabelling changed the test: %v %v %v / %v %v %v", z, p, h, zr, pr, hr)
		}
		ab, ba := ProbBBeatsA(x1, n1, x2, n2), ProbBBeatsA(x2, n2, x1, n1)
		if !near(ab+ba, 1, 0.01) {
			t.Fatalf("P(B>A) + P(A>B) = %v", ab+ba)
		}
		lo, hi := Wilson(x1, n1, 1.96)
		if p := float64(x1) / float64(n1); lo > p+1e-12 || hi < p-1e-12 {
			t.Fatalf("Wilson interval [%v, %v] misses %v", lo, hi, p)
		}
	})
}
