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
// explained. ChiSquare is Pearson's statistic against the planned shares
// s_i, with n clients and k arms, and DF its degrees of freedom,
//
//	χ² = Σ_i (n_i − n·s_i)² / (n·s_i)
//
// but P is exact, since the chi-square distribution makes false alarms
// more often than Alpha at the small Alpha an SRM check uses (three
// times as often at 9:1 and 50 clients, fourteen times when an arm
// expects under one client): with two arms the exact binomial test of the
// first arm's count, with more the smallest of each arm's exact binomial
// test times the number of arms (Bonferroni). Mismatch is P < Alpha (the
// plan's SRMAlpha), which no planned split makes more often than Alpha.
type SRM struct {
	ChiSquare float64 `json:"chi_square"`
	DF        int     `json:"df"`
	P         float64 `json:"p"`
	Alpha     float64 `json:"alpha"`
	Mismatch  bool    `json:"mismatch"`
}

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
	}
	// A client in an arm of a share near the float64 limit (a weight of
	// 1e-320 beside 1) is a statistic beyond its range: held to the
	// largest float64, as every figure of a report is, so it marshals.
	s.ChiSquare = min(s.ChiSquare, math.MaxFloat64)
	if len(arms) == 2 {
		s.P = stats.BinomialTwoSided(arms[0].Exposed, n, arms[0].Planned)
	} else {
		least := 1.0
		for _, a := range arms {
			least = min(least, stats.BinomialTwoSided(a.Exposed, n, a.Planned))
		}
		s.P = min(1, least*float64(len(arms)))
	}
	if math.IsNaN(s.P) {
		s.P = 1
	}
	s.Mismatch = s.P < s.Alpha
	return s
}
