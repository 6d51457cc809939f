package engagement

import (
	"context"
	"iter"
	"time"

	"github.com/engagekit/engagekit/internal/stats"
)

// FunnelStep is one step of a [Funnel]: how many clients reached it, the
// conversion from the step before, and the median time it took them.
type FunnelStep struct {
	Setting    string        `json:"setting"`
	Reached    int           `json:"reached"`
	Conversion float64       `json:"conversion"`
	MedianTime time.Duration `json:"median_time"`
}

// Funnel follows clients through an ordered list of settings (LinkedIn →
// website → podcast → event → meeting): a client reaches the first step with
// their first response there, and each later step when their first response
// there comes at or after they reached the step before. Counts never grow
// down the funnel. Responses to unknown stimuli are skipped (see
// [Analyze] for their accounting). Memory grows with clients × steps.
func Funnel(ctx context.Context, j *Journey, responses iter.Seq[Response], steps []string) []FunnelStep {
	index := map[string]int{}
	for i, s := range steps {
		index[s] = i
	}
	first := map[string][]int64{}
	if j == nil || responses == nil {
		responses = func(func(Response) bool) {}
		j = &Journey{}
	}
	for r := range responses {
		if ctx.Err() != nil {
			break
		}
		st, ok := j.Stimulus(r.Stimulus)
		if !ok || r.Time.IsZero() {
			continue
		}
		setting := st.Setting
		if r.Setting != "" {
			setting = r.Setting
		}
		i, ok := index[setting]
		if !ok {
			continue
		}
		times := first[r.Client]
		if times == nil {
			times = make([]int64, len(steps))
			first[r.Client] = times
		}
		if t := r.Time.UnixNano(); times[i] == 0 || t < times[i] {
			times[i] = t
		}
	}
	out := make([]FunnelStep, len(steps))
	gaps := make([][]float64, len(steps))
	for i, s := range steps {
		out[i].Setting = s
	}
	for _, times := range first {
		var prev int64
		for i, t := range times {
			if t == 0 || (i > 0 && t < prev) {
				break
			}
			out[i].Reached++
			if i > 0 {
				gaps[i] = append(gaps[i], float64(t-prev))
			}
			prev = t
		}
	}
	for i := range out {
		if i > 0 && out[i-1].Reached > 0 {
			out[i].Conversion = float64(out[i].Reached) / float64(out[i-1].Reached)
			if len(gaps[i]) > 0 {
				out[i].MedianTime = time.Duration(stats.Median(gaps[i]))
			}
		}
	}
	if len(out) > 0 && out[0].Reached > 0 {
		out[0].Conversion = 1
	}
	return out
}
