package advisory_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/dsl"
	"github.com/google/go-cmp/cmp"
)

type a13File struct {
	N  int       `expr:"n"`
	Xs []float64 `expr:"xs"`
}

type a13Observer struct{}

func (a13Observer) File(advisory.FileStats)  {}
func (a13Observer) Progress(advisory.Counts) {}
func (a13Observer) Done(advisory.BatchStats) {}

// EvaluateEach (and EvaluateAll, built on it) promise that when ctx ends,
// "the one stopped part-way (whose alerts would be incomplete, so none are
// kept)" is counted as cancelled and not handed over; otherwise the result
// is the file evaluated on its own.
//
// A file whose context ends while its last rule's evidence is computed
// (a let the decision did not need: dsl's evidence() swallows every error,
// the cancellation included, as a nil value) is counted OK and handed over
// with evidence all_positive = nil, where evaluating the file gives true:
// the batch keeps an alert the cancellation cut short, and which files
// come out wrong depends on timing (a deadline in production). Here the
// cancel is made deterministic by the batch's Clock, which is called at
// the rule's start, after the batch last looked at ctx.
func TestAdversary13CancelDuringEvidenceHandsOverIncompleteAlert(t *testing.T) {
	fw, err := advisory.Compile[a13File]([]byte(`ruleset a13 version 1
rule r {
  type "t"
  let all_positive = all(xs, {# >= 0})
  when n > 0
}
`), dsl.WithLimits(dsl.Limits{MaxSteps: 1 << 40}))
	if err != nil {
		t.Fatal(err)
	}
	file := a13File{N: 1, Xs: make([]float64, 10000)}
	want, err := fw.Evaluate("c", file, now)
	if err != nil || len(want) != 1 {
		t.Fatal(want, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	clock := func() time.Time {
		if calls++; calls == 2 { // 1: the file's start; 2: rule r's start
			cancel()
		}
		return now
	}
	var got []advisory.FileAlerts
	counts := fw.EvaluateEach(ctx, slices.Values([]advisory.Item[a13File]{{ClientID: "c", File: file}}), now,
		advisory.BatchOptions{Workers: 1, Clock: clock, Observer: a13Observer{}},
		func(fa advisory.FileAlerts) { got = append(got, fa) })
	if counts.Cancelled == 1 && len(got) == 0 {
		return // stopped part-way: counted as cancelled, not handed over
	}
	if len(got) == 1 && cmp.Equal(want, got[0].Alerts) {
		return // not stopped: the file's full alerts
	}
	t.Fatalf("counts %+v; handed over %+v\nwant the file cancelled and not handed over, or its alerts as evaluated alone: %+v",
		counts, got, want)
}
