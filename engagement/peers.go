package engagement

import (
	"math"

	"github.com/engagekit/engagekit/internal/stats"
)

// Rank is a firm's metric placed in its peers' distribution.
type Rank struct {
	Metric     string  `json:"metric"`
	Value      float64 `json:"value"`
	Percentile float64 `json:"percentile"` // in [0, 100]
	Quartile   int     `json:"quartile"`   // 1 (bottom) to 4 (top)
	// Peers is the peers ranked against; Excluded the peers left out
	// because their value is NaN (unknown).
	Peers    int `json:"peers"`
	Excluded int `json:"excluded,omitempty"`
}

// Benchmark ranks a firm's value of a metric (an escalation rate per
// setting, say) against the peers' values the host supplies. Ties count
// half: the percentile is the share of peers below plus half the share
// equal, so a firm equal to every peer is at the 50th percentile. With no
// peers the percentile is 50. A NaN peer is unknown: it is left out and
// counted in Excluded. A value that is NaN or infinite is an
// [*OptionError], never a rank (an infinite one would not marshal).
func Benchmark(metric string, value float64, peers []float64) (Rank, error) {
	if math.IsNaN(value) {
		return Rank{}, optErr("Benchmark value", value, "unknown (NaN)")
	}
	if math.IsInf(value, 0) {
		return Rank{}, optErr("Benchmark value", value, "not a finite number")
	}
	known := peers
	excluded := 0
	for _, p := range peers {
		if math.IsNaN(p) {
			excluded++
		}
	}
	if excluded > 0 {
		known = make([]float64, 0, len(peers)-excluded)
		for _, p := range peers {
			if !math.IsNaN(p) {
				known = append(known, p)
			}
		}
	}
	r := stats.PercentileRank(value, known)
	return Rank{Metric: metric, Value: value, Percentile: stats.PercentileRankScaled(value, known, 100), Quartile: stats.Quartile(r),
		Peers: len(known), Excluded: excluded}, nil
}
