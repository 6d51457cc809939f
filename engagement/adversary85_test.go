package engagement_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
)

// adv85Data exposes n[i] clients to arm names[i] at t0, x[i] of whom
// convert a minute later.
func adv85Data(names []string, n, x []int, t0 time.Time) engagement.ExperimentData {
	var exps []engagement.Exposure
	var rs []engagement.Response
	for i, v := range names {
		for j := 0; j < n[i]; j++ {
			id := fmt.Sprintf("%s-%d", v, j)
			exps = append(exps, engagement.Exposure{Client: id, Experiment: "e", Variant: v, Time: t0})
			if j < x[i] {
				rs = append(rs, engagement.Response{Client: id, Kind: "buy", Time: t0.Add(time.Minute)})
			}
		}
	}
	return engagement.ExperimentData{
		AsOf: t0.Add(time.Hour),
		Exposures: func(y func(engagement.Exposure) bool) {
			for _, e := range exps {
				if !y(e) {
					return
				}
			}
		},
		Responses: func(y func(engagement.Response) bool) {
			for _, r := range rs {
				if !y(r) {
					return
				}
			}
		},
	}
}

// TestAdversary85_BHAdjustedBelowRaw: a four-arm experiment (three
// comparisons) under Benjamini–Hochberg reports a PAdjusted strictly
// below the comparison's own P.
//
// Contract: Comparison.PAdjusted "is p after the plan's correction";
// an adjusted p-value (BH: p̃₍ᵢ₎ = min_{j≥i} min(1, m·p₍ⱼ₎/j), see
// stats.Adjust) is never below the raw p, since m/j ≥ 1 and p₍ⱼ₎ ≥ p₍ᵢ₎.
// Significant = PAdjusted ≤ α then can call a variant significant whose
// raw p is just above α.
//
// Mechanism (guess): stats.Adjust computes float64(n)*p/float64(k+1);
// for the largest p (k+1 = m) m·p/m is rounded twice and can land an
// ulp below p. Fix: take max(p, …) or compute p*(m/j) with m == j
// giving p exactly.
func TestAdversary85_BHAdjustedBelowRaw(t *testing.T) {
	names := []string{"a", "b", "c", "d"}
	arms := []engagement.Arm{{Variant: "a", Weight: 1}, {Variant: "b", Weight: 1}, {Variant: "c", Weight: 1}, {Variant: "d", Weight: 1}}
	bh := engagement.BenjaminiHochberg
	p, err := engagement.NewExperimentPlan(engagement.ExperimentConfig{
		Experiment: "e", Control: "a", Arms: arms, Window: time.Hour,
		Kinds: []string{"buy"}, Correction: &bh,
	})
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	r, err := p.Analyze(context.Background(), adv85Data(names, []int{24, 36, 6, 49}, []int{17, 9, 3, 25}, t0))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range r.Comparisons {
		if c.PAdjusted < c.P {
			t.Errorf("variant %s: PAdjusted %.17g < P %.17g (BH adjusted p below raw p)", c.Variant, c.PAdjusted, c.P)
		}
	}
}
