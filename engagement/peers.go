package engagement

import "github.com/engagekit/engagekit/internal/stats"

// Rank is a firm's metric placed in its peers' distribution.
type Rank struct {
	Metric     string  `json:"metric"`
	Value      float64 `json:"value"`
	Percentile float64 `json:"percentile"` // in [0, 100]
	Quartile   int     `json:"quartile"`   // 1 (bottom) to 4 (top)
	Peers      int     `json:"peers"`
}

// Benchmark ranks a firm's value of a metric (an escalation rate per
// setting, say) against the peers' values the host supplies. Ties count
// half: the percentile is the share of peers below plus half the share
// equal, so a firm equal to every peer is at the 50th percentile. With no
// peers the percentile is 50.
func Benchmark(metric string, value float64, peers []float64) Rank {
	r := stats.PercentileRank(value, peers)
	return Rank{Metric: metric, Value: value, Percentile: r * 100, Quartile: stats.Quartile(r), Peers: len(peers)}
}
