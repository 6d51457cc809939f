package engagement_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
	"pgregory.net/rapid"
)

// TestPropertySequentialReadDailyNeverRises: read at the same hour every
// day from one full log (each analysis counts only what happened before
// its AsOf), the always-valid p-value never rises and the interval only
// shrinks, whatever comes later: more exposures of the same client, a
// second variant (the client leaves their arm from then on, the looks
// before stay as they were), conversions. The report does not depend on
// the order the exposures are read in.
func TestPropertySequentialReadDailyNeverRises(t *testing.T) {
	p := plan(t, engagement.ExperimentConfig{Control: "a", Arms: ab(), Tau: 0.5, Window: 5 * 24 * time.Hour})
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(10, 150).Draw(t, "clients")
		lift := rapid.Float64Range(0, 0.5).Draw(t, "lift")
		var xs []engagement.Exposure
		var rs []engagement.Response
		hour := func(label string) time.Duration {
			return time.Duration(rapid.IntRange(0, 20*24).Draw(t, label)) * time.Hour
		}
		for i := range n {
			id := fmt.Sprintf("c%d", i)
			variant := rapid.SampledFrom([]string{"a", "b"}).Draw(t, "variant")
			at := hour("first")
			xs = append(xs, engagement.Exposure{Client: id, Experiment: "spring", Variant: variant, Time: expStart.Add(at)})
			for range rapid.IntRange(0, 2).Draw(t, "more") {
				v := variant
				if rapid.IntRange(0, 3).Draw(t, "other") == 0 {
					v = []string{"b", "a"}[armIndex(variant)] // the other variant
				}
				xs = append(xs, engagement.Exposure{Client: id, Experiment: "spring", Variant: v, Time: expStart.Add(at + hour("later"))})
			}
			rate := 0.2
			if variant == "b" {
				rate += lift
			}
			if rapid.Float64Range(0, 1).Draw(t, "converts") < rate {
				rs = append(rs, engagement.Response{Client: id, Stimulus: "s", Kind: "book", Time: expStart.Add(at + hour("conversion")/4)})
			}
		}
		// An analysis before the control has a client is an error
		// (ErrNoControlData): no look yet, as P 1 and the widest
		// interval.
		read := func(asOf time.Time, xs []engagement.Exposure) engagement.ExperimentReport {
			r, err := p.Analyze(context.Background(), engagement.ExperimentData{AsOf: asOf, Exposures: slices.Values(xs), Responses: slices.Values(rs)})
			if errors.Is(err, engagement.ErrNoControlData) {
				return engagement.ExperimentReport{Comparisons: []engagement.Comparison{{Sequential: engagement.Sequential{P: 1, Low: -1, High: 1}}}}
			}
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		prev := engagement.Sequential{P: 1, Low: -1, High: 1}
		for d := 1; d <= 26; d++ {
			seq := read(expStart.AddDate(0, 0, d), xs).Comparisons[0].Sequential
			if seq.P > prev.P || seq.Low < prev.Low || seq.High > prev.High {
				t.Fatalf("day %d: %+v after %+v", d, seq, prev)
			}
			prev = seq
		}
		asOf := expStart.AddDate(0, 0, rapid.IntRange(1, 26).Draw(t, "as of"))
		shuffled := rapid.Permutation(xs).Draw(t, "order")
		if a, b := read(asOf, xs), read(asOf, shuffled); fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatalf("the exposures' order changes the report:\n%+v\n%+v", a, b)
		}
	})
}

// armIndex is the index of a variant, "a" 0 and "b" 1.
func armIndex(v string) int {
	if v == "b" {
		return 1
	}
	return 0
}
