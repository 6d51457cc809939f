package engagement_test

// Adversary 164: analyzeEvents after 7349177 (the event loop calls the
// events with a closure whose counters live in a padded foldLoop, rather
// than ranging over them). An iterator that ignores yield's false after a
// cancel is refused every later event, uncounted and unfolded, on both
// the in-order path and the chunked one, alone and in AnalyzeParallel
// (pinned). One defect: a range over func guarded yield after the loop
// had ended (the runtime panicked, "range function continued iteration
// after whole loop exit"); the plain call does not, so an iterator that
// keeps yield and calls it after AnalyzeEvents returned folds events
// into the book already returned, and on the chunked path into the
// buffer another analysis on the same Index took from the pool (the two
// StaleYield tests). Fixed: the loop marks itself ended when events
// returns, and refuses any yield after; Analyze, Funnel and Compare
// read their responses through internal/seqs.Each, which refuses them
// too, rather than panicking. Both StaleYield tests are pinned now.

import (
	"context"
	"fmt"
	"iter"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// history164 draws n responses of clients named c00000.. in random client
// order, and their events; bad is the same events with every 97th one's
// client out of range.
func history164(t *testing.T, x *engagement.Index, clients, n int) (names []string, rs []engagement.Response, events, bad []engagement.Event) {
	t.Helper()
	r := rand.New(rand.NewPCG(164, uint64(clients)))
	names = make([]string, clients)
	for i := range names {
		names[i] = fmt.Sprintf("c%05d", i)
	}
	stimuli := []string{"linkedin-1", "website-1", "podcast-1", "event-1", "meeting-1", "video", "nope"}
	settings := []string{"", "", "website", "event", "meeting"}
	rs = make([]engagement.Response, n)
	events = make([]engagement.Event, n)
	for i := range rs {
		c := r.IntN(clients)
		rs[i] = engagement.Response{Client: names[c], Stimulus: stimuli[r.IntN(len(stimuli))], Kind: eventKinds[r.IntN(len(eventKinds))],
			Setting: settings[r.IntN(len(settings))], Time: asOf.Add(-time.Duration(r.IntN(400*86400)) * time.Second), Value: float64(r.IntN(10))}
		events[i] = x.Event(uint32(c), rs[i])
	}
	bad = slices.Clone(events)
	for i := 0; i < n; i += 97 {
		bad[i].Client = uint32(clients + i%3)
	}
	return names, rs, events, bad
}

// stubborn164 yields every event, ignoring yield's false, and cancels
// before yielding event cancelAt; *taken counts the events yield took.
func stubborn164[T any](all []T, cancelAt int, cancel func(), taken *int) iter.Seq[T] {
	return func(yield func(T) bool) {
		for i, e := range all {
			if i == cancelAt {
				cancel()
			}
			if yield(e) {
				*taken++
			}
		}
	}
}

// polite164 is stubborn164 that stops at yield's false.
func polite164[T any](all []T, cancelAt int, cancel func()) iter.Seq[T] {
	return func(yield func(T) bool) {
		for i, e := range all {
			if i == cancelAt {
				cancel()
			}
			if !yield(e) {
				return
			}
		}
	}
}

// TestAdversary164_IgnoredFalseAfterCancel_Pinned: an iterator that goes
// on yielding after AnalyzeEvents told it to stop (a cancel, seen at the
// next multiple of 1024 events) does not crash it, and the events after
// the false are neither counted nor folded: the book is bit for bit the
// one of an iterator that stopped there (with out-of-range clients among
// the events), and the one Analyze builds from the same responses cut at
// the same point; In is the events taken. With 5 clients (folded as they
// come) and 16,384 (the chunked path from its first size, the events out
// of client order).
func TestAdversary164_IgnoredFalseAfterCancel_Pinned(t *testing.T) {
	j := journey(t)
	x, _ := engagement.NewIndex(j, eventKinds...)
	for _, clients := range []int{5, 16_384} {
		const n = 5000
		names, rs, events, bad := history164(t, x, clients, n)
		points := []int{0, 1, 1023, 1024, 1025, 2500, n}
		if clients > 5 {
			points = []int{1, 2049}
		}
		for _, cancelAt := range points {
			name := fmt.Sprintf("%d clients, cancel before event %d", clients, cancelAt)
			wantIn := min((cancelAt+1023)/1024*1024, n)
			for _, stream := range [][]engagement.Event{bad, events} {
				ctx, cancel := context.WithCancel(context.Background())
				taken := 0
				got := must(engagement.AnalyzeEvents(ctx, x, names, stubborn164(stream, cancelAt, cancel, &taken), surveyOpts))
				cancel()
				ctx, cancel = context.WithCancel(context.Background())
				want := must(engagement.AnalyzeEvents(ctx, x, names, polite164(stream, cancelAt, cancel), surveyOpts))
				cancel()
				if got.Report.In != taken || got.Report.In != wantIn || got.Report.Cancelled != (cancelAt < n) {
					t.Errorf("%s: Report %+v, %d events taken, want In %d", name, got.Report, taken, wantIn)
				}
				if d := gocmp.Diff(viewOf(want), viewOf(got)); d != "" {
					t.Errorf("%s: the book of an iterator that ignored false differs from one that stopped (-stopped +ignored):\n%s", name, d)
				}
			}
			// The named path, over the same responses cut at the same
			// point (events without out-of-range clients).
			ctx, cancel := context.WithCancel(context.Background())
			taken := 0
			got := must(engagement.AnalyzeEvents(ctx, x, names, stubborn164(events, cancelAt, cancel, &taken), surveyOpts))
			cancel()
			ctx, cancel = context.WithCancel(context.Background())
			want := must(engagement.Analyze(ctx, j, polite164(rs, cancelAt, cancel), surveyOpts))
			cancel()
			if d := gocmp.Diff(viewOf(want), viewOf(got), cmpopts.EquateEmpty(), approx[2]); d != "" {
				t.Errorf("%s: differs from Analyze cut at the same point (-Analyze +AnalyzeEvents):\n%s", name, d)
			}
		}
	}
}

// TestAdversary164_IgnoredFalseParallel_Pinned: AnalyzeParallel over
// shards that all ignore false, one of them cancelling ctx part-way: it
// returns, marked cancelled, and its book is the book of exactly the
// events each shard's yield took (the same shards over those events
// alone), nothing of what was yielded after a false.
func TestAdversary164_IgnoredFalseParallel_Pinned(t *testing.T) {
	j := journey(t)
	x, _ := engagement.NewIndex(j, eventKinds...)
	for _, clients := range []int{5, 20_000} {
		names, _, _, bad := history164(t, x, clients, 9000)
		ctx, cancel := context.WithCancel(context.Background())
		shards := make([]iter.Seq[engagement.Event], 3)
		took := make([][]engagement.Event, 3)
		for s := range shards {
			part := bad[s*3000 : (s+1)*3000]
			shards[s] = func(yield func(engagement.Event) bool) {
				for i, e := range part {
					if s == 1 && i == 1500 {
						cancel()
					}
					if yield(e) {
						took[s] = append(took[s], e)
					}
				}
			}
		}
		got := must(engagement.AnalyzeParallel(ctx, x, names, shards, surveyOpts))
		cancel()
		polite := make([]iter.Seq[engagement.Event], 3)
		total := 0
		for s := range polite {
			polite[s] = slices.Values(took[s])
			total += len(took[s])
		}
		want := must(engagement.AnalyzeParallel(context.Background(), x, names, polite, surveyOpts))
		if !got.Report.Cancelled || got.Report.In != total || len(took[1]) != 2048 {
			t.Errorf("%d clients: Report %+v, %d events taken (shard 1: %d, want 2048)", clients, got.Report, total, len(took[1]))
		}
		want.Report.Cancelled = true
		if d := gocmp.Diff(viewOf(want), viewOf(got)); d != "" {
			t.Errorf("%d clients: differs from the book of the events taken (-taken +ignored):\n%s", clients, d)
		}
	}
}

// TestAdversary164_StaleYieldFoldsIntoReturnedBook_Pinned
//
// Fixed: foldLoop.ended, set when events returns, refuses the yield.
// Was (fixed):
// Defect (7349177). analyzeEvents now calls events(func(e Event) bool
// {...}) instead of ranging over them, and its body refuses an event
// only when ctx is done: nothing marks the loop as ended once events
// has returned. An iterator that keeps its yield and calls it after
// AnalyzeEvents returned (a stored callback, a producer goroutine that
// outlives the call) has the event folded into the Book already handed
// to the caller: its scores change under the host's feet while its
// Report stays as it was (Responses 2 against In 1, Used 1), and, from
// another goroutine, the fold races the host's reads. Before 7349177
// the range's runtime check panicked ("range function continued
// iteration after whole loop exit"), as Analyze still does. Minimal
// reproduction: one client, one valid event; the iterator saves yield
// and yields the event; after AnalyzeEvents returns, call the saved
// yield with the event again: it returns true and ScoreAt(0).Responses
// goes from 1 to 2. Expected: a yield after the analysis ended is
// refused (returns false, folds nothing), e.g. a flag set once events
// returns, checked at the top of the body.
func TestAdversary164_StaleYieldFoldsIntoReturnedBook_Pinned(t *testing.T) {
	j := journey(t)
	x, _ := engagement.NewIndex(j, eventKinds...)
	post, _ := x.Stimulus("linkedin-1")
	like, _ := x.Kind("like")
	e := engagement.Event{Client: 0, Stimulus: post, Kind: like, Time: daysAgo(1).Unix()}
	var saved func(engagement.Event) bool
	b := must(engagement.AnalyzeEvents(context.Background(), x, []string{"ann"}, func(yield func(engagement.Event) bool) {
		saved = yield
		yield(e)
	}, engagement.Options{AsOf: asOf}))
	before := viewOf(b)
	took := saved(e)
	if after := viewOf(b); took || !gocmp.Equal(before, after) {
		s, _ := b.ScoreAt(0)
		t.Errorf("a yield after AnalyzeEvents returned: took %v, and the returned book changed (Report %+v, client's responses %d):\n%s",
			took, b.Report, s.Responses, gocmp.Diff(before, after))
	}
}

// TestAdversary164_StaleYieldCorruptsOtherAnalysis_Pinned
//
// Fixed: foldLoop.ended, set when events returns, refuses the yield.
// Was (fixed):
// Defect (7349177), the same missing end-of-loop guard on the chunked
// path (16,384 clients or more, events out of client order): when the
// loop ends, analyzeEvents gives its chunk back to the Index's pool
// (c.free), but the closure still holds it. A later analysis on the same
// Index takes that chunk from the pool; a stale yield of the first
// analysis then c.add's its event into the second analysis's buffer,
// which the second folds into its own book: B's client 7 gets a response
// B never read, and B's Report says Used 3 of In 2 (a full bucket would
// instead fold B's buffered events into A's book, losing them from B).
// Minimal reproduction: 20,000 clients; A yields clients 5 then 3 (out of
// order: chunked) and keeps yield; B, on the same Index, yields clients
// 9 then 8 and then calls A's yield with a valid event of client 7.
// Observed in 16-18 of 20 tries (sync.Pool hands the chunk back on the
// same P). Expected: A's yield refused after A returned; B's book only
// B's events.
func TestAdversary164_StaleYieldCorruptsOtherAnalysis_Pinned(t *testing.T) {
	j := journey(t)
	x, _ := engagement.NewIndex(j, eventKinds...)
	post, _ := x.Stimulus("linkedin-1")
	like, _ := x.Kind("like")
	names := make([]string, 20_000)
	for i := range names {
		names[i] = fmt.Sprintf("c%05d", i)
	}
	ev := func(c uint32) engagement.Event {
		return engagement.Event{Client: c, Stimulus: post, Kind: like, Time: daysAgo(1).Unix()}
	}
	for try := range 20 {
		var staleA func(engagement.Event) bool
		must(engagement.AnalyzeEvents(context.Background(), x, names, func(yield func(engagement.Event) bool) {
			staleA = yield
			yield(ev(5))
			yield(ev(3))
		}, engagement.Options{AsOf: asOf}))
		b := must(engagement.AnalyzeEvents(context.Background(), x, names, func(yield func(engagement.Event) bool) {
			yield(ev(9))
			yield(ev(8))
			staleA(ev(7))
		}, engagement.Options{AsOf: asOf}))
		if s, _ := b.ScoreAt(7); s.Responses != 0 || b.Report.Used > b.Report.In {
			t.Fatalf("try %d: a stale yield of an analysis that had returned folded its event into another analysis on the same Index: B's Report %+v, B's client 7 has %d responses B never read",
				try, b.Report, s.Responses)
		}
	}
}
