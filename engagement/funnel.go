package engagement

import (
	"context"
	"errors"
	"iter"
	"math"
	"slices"
	"time"

	"github.com/engagekit/engagekit/internal/seqs"
)

// FunnelStep is one step of a [Funnel]: how many clients reached it, the
// conversion from the step before, and the median time it took them.
type FunnelStep struct {
	Setting    string        `json:"setting"`
	Reached    int           `json:"reached"`
	Conversion float64       `json:"conversion"`
	MedianTime time.Duration `json:"median_time"`
}

// FunnelReport is a funnel's steps and the accounting of its responses:
// Report.Used counts the valid responses (on a step or not), the rest are
// rejected by reason as [Analyze] rejects them.
type FunnelReport struct {
	Steps  []FunnelStep `json:"steps"`
	Report Report       `json:"report"`
}

// Funnel follows clients through an ordered list of settings (LinkedIn →
// website → podcast → event → meeting) by the standard definition of
// product analytics: a client reaches the first step with any response
// there, and converts from a step to the next when any response at the
// next step follows (at or after) a response by which they reached the
// step, within window of it (0: no limit). So website → LinkedIn →
// website converts LinkedIn → website. The median time of a step is, for
// each client who reached it, the time from the latest qualifying
// response at the step before to their first qualifying response at it.
// Counts never grow down the funnel.
//
// A response is where it happened or led to (its Setting, or its
// stimulus's). Responses with no client, no time, an unknown stimulus or
// setting, dated before their stimulus, are rejected and counted as in
// [Analyze]; so is one on a step 292 years or more after the journey's
// first stimulus, as [BadTime]; a response of an id another response used
// is the same one again, counted as [DuplicateID] and not used; one
// whose Value is NaN or infinite is rejected as [NaNValue], as Analyze
// rejects it, though a funnel reads no value. Steps must be known settings, each once, and window not negative:
// otherwise the error is an [*OptionError]. Memory grows with the
// responses on the funnel's steps, and with the ids of those used.
func Funnel(ctx context.Context, j *Journey, responses iter.Seq[Response], steps []string, window time.Duration) (FunnelReport, error) {
	if j == nil {
		j = &Journey{}
	}
	index, err := funnelSteps(j, steps, window)
	if err != nil {
		return FunnelReport{}, err
	}
	if responses == nil {
		responses = func(func(Response) bool) {}
	}
	// Times are held as nanoseconds from the journey's first stimulus,
	// which no response used precedes (UnixNano wraps past 2262; a
	// funnel's window is a Duration): the same for any order of the
	// responses.
	times := map[string][][]int64{} // by client, by step
	var first time.Time
	for i, st := range j.stimuli {
		if i == 0 || st.Time.Before(first) {
			first = st.Time
		}
	}
	var counts [numReasons]int
	seen := claims{}
	in, cancelled := 0, false
	seqs.Each(responses, func(r Response) bool {
		if in&1023 == 0 && ctx.Err() != nil {
			cancelled = true
			return false
		}
		in++
		step, why := funnelStep(j, index, &r)
		at := r.Time.Sub(first) // Sub stops at 292 years
		if why == used && step >= 0 && at == math.MaxInt64 {
			why = rBadTime
		}
		// An id is claimed by the response used under it, the last
		// check, as in Analyze: the same response read again (a feed
		// replayed) is a duplicate, and converts no one.
		if why == used && !seen.claim(r.ID) {
			why = rDuplicateID
		}
		counts[why]++
		if why != used || step < 0 {
			return true
		}
		ts := times[r.Client]
		if ts == nil {
			ts = make([][]int64, len(steps))
			times[r.Client] = ts
		}
		ts[step] = append(ts[step], int64(at))
		return true
	})
	out := FunnelReport{Steps: funnelCount(times, steps, int64(window))}
	rn := run{counts: counts}
	out.Report = rn.report(in, cancelled)
	return out, nil
}

// funnelSteps checks the steps and numbers them.
func funnelSteps(j *Journey, steps []string, window time.Duration) (map[string]int, error) {
	var errs []error
	if len(steps) == 0 {
		errs = append(errs, optErr("Funnel steps", "[]", "no steps"))
	}
	if window < 0 {
		errs = append(errs, optErr("Funnel window", window, "negative"))
	}
	index := make(map[string]int, len(steps))
	for i, s := range steps {
		if _, dup := index[s]; dup {
			errs = append(errs, optErr("Funnel steps", s, "listed twice"))
		}
		if _, ok := j.settingIx[s]; !ok {
			errs = append(errs, optErr("Funnel steps", s, "unknown setting"))
		}
		index[s] = i
	}
	return index, errors.Join(errs...)
}

// funnelStep checks a response and finds its step (-1: none).
func funnelStep(j *Journey, index map[string]int, r *Response) (int, reason) {
	switch {
	case r.Client == "":
		return -1, rNoClient
	case r.Time.IsZero():
		return -1, rZeroTime
	case !unixTime(r.Time):
		return -1, rBadTime // compared as it wraps, it would be misordered
	}
	st, ok := j.Stimulus(r.Stimulus)
	switch {
	case !ok:
		return -1, rUnknownStimulus
	case r.Time.Before(st.Time):
		return -1, rBeforeStimulus
	case math.IsNaN(r.Value) || math.IsInf(r.Value, 0):
		return -1, rNaNValue
	}
	setting := st.Setting
	if r.Setting != "" {
		if _, ok := j.settingIx[r.Setting]; !ok {
			return -1, rUnknownSetting
		}
		setting = r.Setting
	}
	if i, ok := index[setting]; ok {
		return i, used
	}
	return -1, used
}

// funnelCount walks each client's sorted times step by step: a time at a
// step qualifies when the latest qualifying time at the step before, at
// or before it, is within window.
func funnelCount(times map[string][][]int64, steps []string, window int64) []FunnelStep {
	out := make([]FunnelStep, len(steps))
	gaps := make([][]int64, len(steps))
	for i, s := range steps {
		out[i].Setting = s
	}
	var prev, next []int64
	for _, ts := range times {
		prev = append(prev[:0], ts[0]...)
		slices.Sort(prev)
		for i := range steps {
			if i > 0 {
				cur := ts[i]
				slices.Sort(cur)
				var gap int64
				next, gap = qualify(prev, cur, window, next[:0])
				prev, next = next, prev
				if len(prev) > 0 {
					gaps[i] = append(gaps[i], gap)
				}
			}
			if len(prev) == 0 {
				break
			}
			out[i].Reached++
		}
	}
	for i := range out {
		if i > 0 && out[i-1].Reached > 0 {
			out[i].Conversion = float64(out[i].Reached) / float64(out[i-1].Reached)
			if len(gaps[i]) > 0 {
				out[i].MedianTime = time.Duration(medianGap(gaps[i]))
			}
		}
	}
	if out[0].Reached > 0 {
		out[0].Conversion = 1
	}
	return out
}

// qualify appends to dst the times of cur that follow a time of prev
// within window (0: any), both sorted, and returns the gap of the first.
func qualify(prev, cur []int64, window int64, dst []int64) ([]int64, int64) {
	k, gap := -1, int64(0)
	for _, t := range cur {
		for k+1 < len(prev) && prev[k+1] <= t {
			k++
		}
		if k < 0 {
			continue
		}
		// prev[k] ≤ t: the difference is exact unsigned (times 584 years
		// apart overflow an int64).
		d := uint64(t) - uint64(prev[k])
		if window > 0 && d > uint64(window) {
			continue
		}
		if len(dst) == 0 {
			gap = int64(min(d, math.MaxInt64))
		}
		dst = append(dst, t)
	}
	return dst, gap
}

// medianGap is the median of gaps (non-negative nanoseconds) in integers:
// as float64s, a gap past 2^53 ns (104 days) was rounded, and one of
// MaxInt64 rounded up past the Duration's range. Of two middle gaps it
// takes the midpoint, rounded down.
func medianGap(gaps []int64) int64 {
	slices.Sort(gaps)
	n := len(gaps)
	if n%2 == 1 {
		return gaps[n/2]
	}
	a, b := gaps[n/2-1], gaps[n/2]
	return a + (b-a)/2
}
