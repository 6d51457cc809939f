package advisory_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/dsl"
)

type loopFile struct {
	Xs []float64 `expr:"xs"`
}

// A rule that would run for minutes stops when the batch's context ends:
// the file it was on, and those after it, are counted as cancelled, and
// none is lost from the counts.
func TestEvaluateAllStopsARunningRuleOnCancel(t *testing.T) {
	f, err := advisory.Compile[loopFile]([]byte(`ruleset loop version 1
rule spin {
  type "spin"
  when all(xs, {all(xs, {all(xs, {# >= 0})})})
}
`), dsl.WithLimits(dsl.Limits{MaxSteps: 1 << 50}))
	if err != nil {
		t.Fatal(err)
	}
	xs := make([]float64, 3000)
	items := make([]advisory.Item[loopFile], 4)
	for i := range items {
		items[i] = advisory.Item[loopFile]{ClientID: "c", File: loopFile{Xs: xs}}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	done := make(chan advisory.BatchResult, 1)
	go func() {
		done <- f.EvaluateAll(ctx, slices.Values(items), time.Time{}, advisory.BatchOptions{Workers: 2})
	}()
	select {
	case res := <-done:
		if res.Counts.In != len(items) || res.Counts.Cancelled != len(items) || len(res.Alerts) != 0 || len(res.Failed) != 0 {
			t.Fatalf("counts %+v, %d alerts, %d failed; want every file cancelled", res.Counts, len(res.Alerts), len(res.Failed))
		}
	case <-time.After(20 * time.Second):
		t.Fatal("EvaluateAll did not stop after its context ended")
	}
	_, err = f.EvaluateContext(ctx, "c", loopFile{Xs: xs}, time.Time{})
	if !errors.Is(err, dsl.ErrCancelled) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("EvaluateContext after the deadline: %v", err)
	}
}
