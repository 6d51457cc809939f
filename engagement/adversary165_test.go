package engagement_test

// Adversary 165: Analyze, Funnel and CompareResponders after fb25c3f
// (they read the host's responses through internal/seqs.Each rather than
// a range loop). Cancels from inside the iterator at 1023, 1024, 1025
// and from Progress at 1<<20: an iterator that ignores yield's false
// gets what a well-behaved one gets, counts and all (pinned); nested
// analysis inside another's iterator (pinned). One defect: a Progress
// callback that panics, under an iterator that recovers the panic and
// goes on yielding (a range loop's runtime check panicked on that), is
// swallowed: Analyze and AnalyzeEvents go on and return a normal book.
// Fixed (6dbca35 for Each, 20883bc for analyzeEvents' guard): pinned now.

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"testing"

	"github.com/engagekit/engagekit/engagement"
	gocmp "github.com/google/go-cmp/cmp"
)

// cancelling165 yields rs, cancelling before response cancelAt; careless
// goes on after a false.
func cancelling165(rs []engagement.Response, cancelAt int, cancel func(), careless bool) iter.Seq[engagement.Response] {
	return func(yield func(engagement.Response) bool) {
		for i, r := range rs {
			if i == cancelAt {
				cancel()
			}
			if !yield(r) && !careless {
				return
			}
		}
	}
}

// TestAdversary165_CancelBoundaries_Pinned: a cancel from inside the
// iterator before response 1023, 1024, 1025 (and 0, 2047, 2048): Analyze,
// Funnel and CompareResponders give an iterator that ignores false what
// they give one that stops, Analyze's In is the next multiple of 1024,
// (cancelled when that is before the end), and Compare's error is the
// cancel.
func TestAdversary165_CancelBoundaries_Pinned(t *testing.T) {
	j := journey(t)
	rs := responsesOf(3000)
	steps := []string{"linkedin", "website", "meeting"}
	for _, at := range []int{0, 1, 1023, 1024, 1025, 2047, 2048, 2049, len(rs)} {
		var books [2]*engagement.Book
		var funnels [2]engagement.FunnelReport
		var errs [2]error
		for k, careless := range []bool{false, true} {
			ctx, cancel := context.WithCancel(context.Background())
			books[k] = must(engagement.Analyze(ctx, j, cancelling165(rs, at, cancel, careless), engagement.Options{AsOf: asOf}))
			cancel()
			ctx, cancel = context.WithCancel(context.Background())
			funnels[k] = must(engagement.Funnel(ctx, j, cancelling165(rs, at, cancel, careless), steps, 0))
			cancel()
			ctx, cancel = context.WithCancel(context.Background())
			_, errs[k] = engagement.CompareResponders(ctx, j, cancelling165(rs, at, cancel, careless), "spring", "a", 1, engagement.Classifier{})
			cancel()
		}
		wantIn := min((at+1023)/1024*1024, len(rs))
		if r := books[1].Report; r.In != wantIn || r.Cancelled != (wantIn < len(rs)) {
			t.Errorf("cancel at %d: Analyze report %+v, want In %d", at, r, wantIn)
		}
		if d := gocmp.Diff(viewOf(books[0]), viewOf(books[1])); d != "" {
			t.Errorf("cancel at %d: Analyze (-stops +ignores false):\n%s", at, d)
		}
		if d := gocmp.Diff(funnels[0], funnels[1]); d != "" || funnels[1].Report.In != wantIn {
			t.Errorf("cancel at %d: Funnel In %d, want %d (-stops +ignores false):\n%s", at, funnels[1].Report.In, wantIn, d)
		}
		if (at < len(rs)) != errors.Is(errs[1], context.Canceled) || (errs[0] == nil) != (errs[1] == nil) {
			t.Errorf("cancel at %d: Compare errors %v (stops), %v (ignores false)", at, errs[0], errs[1])
		}
	}
}

// TestAdversary165_NestedAnalysis_Pinned: Analyze run inside another
// Analyze's iterator, between its yields, and its careless iterator's
// stale yields after both returned, change neither book.
func TestAdversary165_NestedAnalysis_Pinned(t *testing.T) {
	j := journey(t)
	rs := responsesOf(500)
	want := must(engagement.Analyze(context.Background(), j, slices.Values(rs), engagement.Options{AsOf: asOf}))
	var keep, innerKeep func(engagement.Response) bool
	var inner *engagement.Book
	outer := must(engagement.Analyze(context.Background(), j, func(yield func(engagement.Response) bool) {
		keep = yield
		for i, r := range rs {
			if i == 250 {
				inner = must(engagement.Analyze(context.Background(), j, carelessResponses(rs, &innerKeep), engagement.Options{AsOf: asOf}))
			}
			yield(r)
		}
	}, engagement.Options{AsOf: asOf}))
	o, in := viewOf(outer), viewOf(inner)
	if keep(rs[0]) || innerKeep(rs[0]) {
		t.Error("a stale yield was taken")
	}
	for name, b := range map[string]*engagement.Book{"outer": outer, "inner": inner} {
		if d := gocmp.Diff(viewOf(want), viewOf(b)); d != "" {
			t.Errorf("%s differs from a plain analysis:\n%s", name, d)
		}
	}
	if !gocmp.Equal(o, viewOf(outer)) || !gocmp.Equal(in, viewOf(inner)) {
		t.Error("a stale yield changed a returned book")
	}
}

// same165 yields r n times, ignoring false if careless.
func same165[T any](r T, n int, careless bool, before func(i int)) iter.Seq[T] {
	return func(yield func(T) bool) {
		for i := range n {
			if before != nil {
				before(i)
			}
			if !yield(r) && !careless {
				return
			}
		}
	}
}

// TestAdversary165_ProgressCancelsAtMillion_Pinned: Progress, called at
// response 1<<20, cancels ctx: the next response is refused (1<<20 is a
// multiple of 1024), In is 1<<20, Cancelled, for an iterator that stops
// and one that ignores false alike.
func TestAdversary165_ProgressCancelsAtMillion_Pinned(t *testing.T) {
	j := journey(t)
	r := responsesOf(1)[0]
	for _, careless := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		calls := 0
		b := must(engagement.Analyze(ctx, j, same165(r, 1<<20+5, careless, nil), engagement.Options{AsOf: asOf, Progress: func(engagement.Report) { calls++; cancel() }}))
		cancel()
		if b.Report.In != 1<<20 || !b.Report.Cancelled || calls != 1 {
			t.Errorf("careless %v: Report %+v after %d Progress calls, want In %d, cancelled", careless, b.Report, calls, 1<<20)
		}
	}
}

// TestAdversary165_ProgressPanicSwallowed_Pinned
//
// Was (fixed): defect (fb25c3f, through internal/seqs.Each; and analyzeEvents, a
// call since 7349177, whose ended flag of fb25c3f is not set by a panic
// either). Options.Progress is the host's code, called from the loop
// body. When it panics, the panic goes up through the host iterator's
// yield; an iterator that recovers it (a per-item recover, legal Go)
// and goes on yielding is answered true, and Analyze (likewise
// AnalyzeEvents) reads every remaining response and returns a normal
// Book, not cancelled, the Progress panic gone. Under the range loop
// before fb25c3f the runtime raised "range function continued iteration
// after loop body panic" there; batch.Run, fixed in the same commit,
// refuses later yields and raises the panic again. Minimal reproduction:
// Progress panics; the iterator yields one response (1<<20)+5 times,
// each yield under a deferred recover; Analyze returns In (1<<20)+5 and
// no panic. Expected: once the body panicked every later yield answers
// false, and the panic is raised again when the iterator returns.
//
// Fixed: seqs.Each and foldLoop.guard end the loop on the panic and raise
// it again once the iterator returns.
func TestAdversary165_ProgressPanicSwallowed_Pinned(t *testing.T) {
	j := journey(t)
	r := responsesOf(1)[0]
	const n = 1<<20 + 5
	boom := errors.New("progress boom")
	opts := engagement.Options{AsOf: asOf, Progress: func(engagement.Report) { panic(boom) }}
	recovering := func(yield func(engagement.Response) bool) {
		for range n {
			func() {
				defer func() { _ = recover() }()
				yield(r)
			}()
		}
	}
	var raised any
	var b *engagement.Book
	func() {
		defer func() { raised = recover() }()
		b = must(engagement.Analyze(context.Background(), j, recovering, opts))
	}()
	if raised != boom {
		t.Errorf("Analyze: Progress panicked, the iterator recovered it and went on: Analyze returned %s, raised %v, want the panic %v",
			report165(b), raised, boom)
	}

	x, _ := engagement.NewIndex(j, eventKinds...)
	e := x.Event(0, r)
	events := func(yield func(engagement.Event) bool) {
		for range n {
			func() {
				defer func() { _ = recover() }()
				yield(e)
			}()
		}
	}
	raised, b = nil, nil
	func() {
		defer func() { raised = recover() }()
		b = must(engagement.AnalyzeEvents(context.Background(), x, []string{r.Client}, events, opts))
	}()
	if raised != boom {
		t.Errorf("AnalyzeEvents: Progress panicked, the iterator recovered it and went on: returned %s, raised %v, want the panic %v",
			report165(b), raised, boom)
	}
}

func report165(b *engagement.Book) string {
	if b == nil {
		return "no book"
	}
	return fmt.Sprintf("a book (Report %+v)", b.Report)
}
