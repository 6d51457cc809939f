package engagement_test

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"testing"

	"github.com/engagekit/engagekit/engagement"
	gocmp "github.com/google/go-cmp/cmp"
)

// carelessResponses yields every response whatever yield answers (a
// hand-written iterator that drops yield's result, common), and keeps
// yield in *keep.
func carelessResponses(rs []engagement.Response, keep *func(engagement.Response) bool) iter.Seq[engagement.Response] {
	return func(yield func(engagement.Response) bool) {
		*keep = yield
		for _, r := range rs {
			yield(r)
		}
	}
}

// responsesOf draws n responses of 40 clients to the journey's spring
// campaign, a day apart.
func responsesOf(n int) []engagement.Response {
	stimuli := []string{"linkedin-1", "website-1", "podcast-1", "event-1", "meeting-1"}
	kinds := []string{"like", "click", "share"}
	rs := make([]engagement.Response, n)
	for i := range rs {
		rs[i] = engagement.Response{ID: fmt.Sprint("r", i), Client: fmt.Sprint("c", i%40), Stimulus: stimuli[i%5], Kind: kinds[i%3], Time: daysAgo(1 + i%300)}
	}
	return rs
}

// TestCarelessIteratorsAreRefused: Analyze, Funnel and CompareResponders
// read the host's responses with a call, not a range loop, so an iterator
// that goes on yielding after it was told to stop (here, by a cancelled
// context) or calls yield after the analysis returned is answered false,
// where a range loop's yield panicked inside the library; and what they
// return is what they return over a well-behaved iterator.
func TestCarelessIteratorsAreRefused(t *testing.T) {
	j := journey(t)
	rs := responsesOf(3000)
	done, cancel := context.WithCancel(context.Background())
	cancel()
	for _, ctx := range []context.Context{context.Background(), done} {
		var keep func(engagement.Response) bool
		want, err := engagement.Analyze(ctx, j, slices.Values(rs), engagement.Options{AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		got, err := engagement.Analyze(ctx, j, carelessResponses(rs, &keep), engagement.Options{AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		if !gocmp.Equal(got.Report, want.Report) {
			t.Errorf("Analyze (ctx done %v): report %+v, want %+v", ctx.Err() != nil, got.Report, want.Report)
		}
		before := got.Report.Used
		if keep(rs[0]) || got.Report.Used != before {
			t.Errorf("Analyze: a yield after it returned was taken")
		}

		wantF, errW := engagement.Funnel(ctx, j, slices.Values(rs), []string{"linkedin", "website", "meeting"}, 0)
		gotF, errG := engagement.Funnel(ctx, j, carelessResponses(rs, &keep), []string{"linkedin", "website", "meeting"}, 0)
		if (errW == nil) != (errG == nil) || !gocmp.Equal(gotF, wantF) {
			t.Errorf("Funnel (ctx done %v): %+v, %v, want %+v, %v", ctx.Err() != nil, gotF, errG, wantF, errW)
		}
		if keep(rs[0]) {
			t.Errorf("Funnel: a yield after it returned was taken")
		}

		wantC, errW := engagement.CompareResponders(ctx, j, slices.Values(rs), "spring", "a", 1, engagement.Classifier{})
		gotC, errG := engagement.CompareResponders(ctx, j, carelessResponses(rs, &keep), "spring", "a", 1, engagement.Classifier{})
		if (errW == nil) != (errG == nil) || !gocmp.Equal(gotC, wantC) {
			t.Errorf("CompareResponders (ctx done %v): %+v, %v, want %+v, %v", ctx.Err() != nil, gotC, errG, wantC, errW)
		}
		if keep(rs[0]) {
			t.Errorf("CompareResponders: a yield after it returned was taken")
		}
	}
}

// TestProgressPanicIsNotLost: a Progress that panics, under an iterator
// that recovers the panic and goes on yielding, is not lost: the later
// yields are refused, and AnalyzeEvents raises the panic again once the
// iterator returns.
func TestProgressPanicIsNotLost(t *testing.T) {
	j := journey(t)
	x, err := engagement.NewIndex(j, eventKinds...)
	if err != nil {
		t.Fatal(err)
	}
	post, _ := x.Stimulus("linkedin-1")
	like, _ := x.Kind("like")
	e := engagement.Event{Client: 0, Stimulus: post, Kind: like, Time: daysAgo(1).Unix()}
	const n = 1<<20 + 100
	taken, afterPanic := 0, 0
	panicked := false
	recovering := func(yield func(engagement.Event) bool) {
		for range n {
			func() {
				defer func() {
					if recover() != nil {
						panicked = true
					}
				}()
				ok := yield(e)
				if ok {
					taken++
				}
				if panicked && ok {
					afterPanic++
				}
			}()
		}
	}
	defer func() {
		if r := recover(); r != "progress boom" {
			t.Errorf("AnalyzeEvents raised %v, want progress boom", r)
		}
		if !panicked || afterPanic != 0 || taken != 1<<20-1 {
			t.Errorf("Progress panicked %v; %d events taken, %d after the panic (want %d and 0)", panicked, taken, afterPanic, 1<<20-1)
		}
	}()
	engagement.AnalyzeEvents(context.Background(), x, []string{"ann"}, recovering, engagement.Options{AsOf: asOf,
		Progress: func(engagement.Report) { panic("progress boom") }})
	t.Error("AnalyzeEvents returned normally after Progress panicked")
}
