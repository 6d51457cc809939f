package engagement

import (
	"math"

	"github.com/engagekit/engagekit/internal/stats"
)

// SRM is the sample-ratio-mismatch check: do the clients analysed split
// between the arms as planned? A mismatch means the assignment or the
// logging is broken (a variant that crashes before it logs, bots
// filtered from one arm, clients exposed to several variants unevenly),
// and the experiment's other results should not be trusted until it is
// explained. The test is Pearson's chi-square goodness of fit against the
// planned shares s_i, with n clients and k arms,
//
//	χ² = Σ_i (n_i − n·s_i)² / (n·s_i),   P = P(χ²_{k−1} ≥ χ²)
//
// and Mismatch is P < Alpha (the plan's SRMAlpha). When an arm expects
// fewer than five clients (n·s_i < 5) the chi-square distribution does
// not hold (a 199:1 split of 100 clients read three in the small arm as a
// mismatch 14 times as often as Alpha allows), and P is exact instead
// (Exact): with two arms the exact binomial test of the first arm's
// count, with more the smallest of each arm's exact binomial test times
// the number of arms (Bonferroni), which never exceeds Alpha's rate.
type SRM struct {
	ChiSquare float64 `json:"chi_square"`
	DF        int     `json:"df"`
	P         float64 `json:"p"`
	Alpha     float64 `json:"alpha"`
	Mismatch  bool    `json:"mismatch"`
	Exact     bool    `json:"exact,omitempty"`
}

// smallExpected is the fewest clients an arm may expect for the
// chi-square test to hold.
const smallExpected = 5

// srm tests the arms' counts against the planned split.
func (p *ExperimentPlan) srm(arms []ArmStats) SRM {
	n := 0
	for _, a := range arms {
		n += a.Exposed
	}
	s := SRM{DF: len(arms) - 1, P: 1, Alpha: p.cfg.SRMAlpha}
	if n == 0 {
		return s
	}
	for _, a := range arms {
		want := float64(n) * a.Planned
		s.ChiSquare += (float64(a.Exposed) - want) * (float64(a.Exposed) - want) / want
		s.Exact = s.Exact || want < smallExpected
	}
	switch {
	case s.Exact && len(arms) == 2:
		s.P = stats.BinomialTwoSided(arms[0].Exposed, n, arms[0].Planned)
	case s.Exact:
		least := 1.0
		for _, a := range arms {
			least = min(least, stats.BinomialTwoSided(a.Exposed, n, a.Planned))
		}
		s.P = min(1, least*float64(len(arms)))
	default:
		s.P = stats.ChiSquareUpper(s.ChiSquare, float64(s.DF))
	}
	if math.IsNaN(s.P) {
		s.P = 1
	}
	s.Mismatch = s.P < s.Alpha
	return s
}
