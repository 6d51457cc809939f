package engagement

import (
	"math"
	"testing"
)

// TestSRMKohavi is the sample-ratio mismatch of Kohavi, Tang and Xu,
// Trustworthy Online Controlled Experiments (Cambridge, 2020), ch. 21:
// 821,588 clients in control and 815,482 in treatment, planned 50/50, a
// ratio of 0.9926 whose p-value the book gives as 1.8e-6. With two arms
// the chi-square is z² of the binomial test, so P = erfc(|z|/√2) with
// z = (n₁ − n/2)/√(n/4), a closed form computed here independently.
func TestSRMKohavi(t *testing.T) {
	p, err := NewExperimentPlan(ExperimentConfig{Experiment: "e", Control: "control", Window: 1,
		Arms: []Arm{{"control", 1}, {"treatment", 1}}, Kinds: []string{"x"}})
	if err != nil {
		t.Fatal(err)
	}
	s := p.srm([]ArmStats{{Variant: "control", Planned: 0.5, Exposed: 821588}, {Variant: "treatment", Planned: 0.5, Exposed: 815482}})
	n := 821588.0 + 815482
	z := (821588 - n/2) / math.Sqrt(n/4)
	// P is the exact binomial test's: 1.82882962e-06 by summing every
	// count's probability (Python's lgamma), beside the chi-square's
	// 1.8218e-06.
	if want := 1.82882962e-06; math.Abs(s.P-want) > 1e-8*want || math.Abs(s.ChiSquare-z*z) > 1e-9 {
		t.Errorf("SRM %+v, want χ² %v p %v", s, z*z, want)
	}
	if math.Abs(s.P-1.8e-6) > 0.05e-6 || !s.Mismatch || s.DF != 1 {
		t.Errorf("SRM %+v, want p ≈ 1.8e-6 (Kohavi et al.), a mismatch", s)
	}
	// Three arms planned 2:1:1: 5,000 / 2,600 / 2,400 gives
	// χ² = 0 + 100²/2500 + 100²/2500 = 8 on 2 degrees of freedom; P is
	// three times the least of the arms' exact binomial tests, 2,400 of
	// 10,000 at 1/4: 3 × 0.0209172106488 (summed in Python).
	p3, _ := NewExperimentPlan(ExperimentConfig{Experiment: "e", Control: "a", Window: 1,
		Arms: []Arm{{"a", 2}, {"b", 1}, {"c", 1}}, Kinds: []string{"x"}})
	s = p3.srm([]ArmStats{{Planned: 0.5, Exposed: 5000}, {Planned: 0.25, Exposed: 2600}, {Planned: 0.25, Exposed: 2400}})
	if want := 3 * 0.0209172106488; math.Abs(s.ChiSquare-8) > 1e-9 || math.Abs(s.P-want) > 1e-9 || s.Mismatch {
		t.Errorf("three arms: %+v, want χ² 8, p %v, no mismatch at 0.001", s, want)
	}
}
