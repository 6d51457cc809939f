package engagement_test

import (
	"context"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
	"github.com/engagekit/engagekit/engagement/engagementtest"
	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

var eventKinds = []string{"like", "share", "click", "register", "unfollow", "survey_expected", "survey_delivered"}

// viewOf is everything a book tells, for comparing books.
func viewOf(b *engagement.Book) engagementtest.BookView { return engagementtest.View(b) }

// Superfans are ordered by score; equal scores summed in another order
// may differ in the last bit, so they are compared by client.
var approx = gocmp.Options{cmpopts.EquateApprox(1e-9, 1e-12), cmpopts.EquateEmpty(),
	cmpopts.SortSlices(func(a, b engagement.Superfan) bool { return a.Client < b.Client })}

// genHistory draws responses of up to five clients to the test journey,
// some of them bad, at whole seconds and without ids.
func genHistory(t *rapid.T) []engagement.Response {
	stimuli := []string{"linkedin-1", "website-1", "podcast-1", "event-1", "meeting-1", "video", "nope"}
	settings := []string{"", "", "", "website", "event", "meeting", "nowhere"}
	n := rapid.IntRange(0, 60).Draw(t, "n")
	out := make([]engagement.Response, n)
	for i := range out {
		r := engagement.Response{
			Client:   rapid.SampledFrom([]string{"ann", "bob", "cy", "dee", "eve"}).Draw(t, "client"),
			Stimulus: rapid.SampledFrom(stimuli).Draw(t, "stimulus"),
			Kind:     rapid.SampledFrom(eventKinds).Draw(t, "kind"),
			Setting:  rapid.SampledFrom(settings).Draw(t, "setting"),
			Time:     asOf.Add(-time.Duration(rapid.IntRange(-86400, 500*86400).Draw(t, "age")) * time.Second),
			Value:    float64(rapid.IntRange(0, 10).Draw(t, "value")),
		}
		// Each defect alone, and with the others the sample draws (an
		// unknown stimulus or setting), refused for one reason by both
		// paths.
		switch rapid.IntRange(0, 20).Draw(t, "bad") {
		case 0:
			r.Time = time.Time{}
		case 1:
			r.Value = math.NaN()
		case 2:
			r.Time = time.Unix(1<<62+5, 0) // beyond what a Unix time in nanoseconds holds
		case 3:
			r.Value = math.Inf(-1)
		}
		out[i] = r
	}
	return out
}

func numbered(x *engagement.Index, rs []engagement.Response) ([]string, []engagement.Event) {
	var clients []string
	ix := map[string]uint32{}
	events := make([]engagement.Event, len(rs))
	for i, r := range rs {
		c, ok := ix[r.Client]
		if !ok {
			c = uint32(len(clients))
			ix[r.Client] = c
			clients = append(clients, r.Client)
		}
		events[i] = x.Event(c, r)
	}
	return clients, events
}

var surveyOpts = engagement.Options{AsOf: asOf, ExpectedKind: "survey_expected", DeliveredKind: "survey_delivered"}

// The numbered path tells exactly what the named path tells.
func TestPropertyEventsMatchResponses(t *testing.T) {
	j := journey(t)
	x, err := engagement.NewIndex(j, eventKinds...)
	if err != nil {
		t.Fatal(err)
	}
	rapid.Check(t, func(t *rapid.T) {
		rs := genHistory(t)
		clients, events := numbered(x, rs)
		want := viewOf(must(engagement.Analyze(context.Background(), j, slices.Values(rs), surveyOpts)))
		got := viewOf(must(engagement.AnalyzeEvents(context.Background(), x, clients, slices.Values(events), surveyOpts)))
		if d := gocmp.Diff(want, got, approx); d != "" {
			t.Fatalf("events differ from responses (-responses +events):\n%s", d)
		}
	})
}

// Books of any split of the responses merge into the book of all of them,
// whether the split runs in parallel over numbered events or as separate
// analyses merged afterwards.
func TestPropertyBooksMerge(t *testing.T) {
	j := journey(t)
	x, _ := engagement.NewIndex(j, eventKinds...)
	ctx := context.Background()
	rapid.Check(t, func(t *rapid.T) {
		rs := genHistory(t)
		k := rapid.IntRange(1, 4).Draw(t, "shards")
		parts := make([][]engagement.Response, k)
		for _, r := range rs {
			i := rapid.IntRange(0, k-1).Draw(t, "shard")
			parts[i] = append(parts[i], r)
		}
		want := viewOf(must(engagement.Analyze(ctx, j, slices.Values(rs), surveyOpts)))

		books := make([]*engagement.Book, k)
		for i, p := range parts {
			books[i] = must(engagement.Analyze(ctx, j, slices.Values(p), surveyOpts))
		}
		merged, err := engagement.MergeBooks(books...)
		if err != nil {
			t.Fatal(err)
		}
		if d := gocmp.Diff(want, viewOf(merged), approx); d != "" {
			t.Fatalf("merged books differ from the whole (-whole +merged):\n%s", d)
		}

		clients, events := numbered(x, rs)
		shards := make([]iter.Seq[engagement.Event], k)
		for i := range shards {
			shards[i] = func(yield func(engagement.Event) bool) {
				for n, e := range events {
					if n%k == i && !yield(e) {
						return
					}
				}
			}
		}
		par := must(engagement.AnalyzeParallel(ctx, x, clients, shards, surveyOpts))
		if d := gocmp.Diff(want, viewOf(par), approx); d != "" {
			t.Fatalf("parallel analysis differs from the whole (-whole +parallel):\n%s", d)
		}
	})
}

func TestMergeBooksRejectsMismatches(t *testing.T) {
	j := journey(t)
	ctx := context.Background()
	a := must(engagement.Analyze(ctx, j, nil, engagement.Options{AsOf: asOf}))
	b := must(engagement.Analyze(ctx, j, nil, engagement.Options{AsOf: asOf.Add(time.Hour)}))
	c := must(engagement.Analyze(ctx, journey(t), nil, engagement.Options{AsOf: asOf}))
	for _, books := range [][]*engagement.Book{{a, b}, {a, c}} {
		if _, err := engagement.MergeBooks(books...); err != engagement.ErrIncompatible {
			t.Errorf("merge of mismatched books: got %v, want ErrIncompatible", err)
		}
	}
	if _, err := engagement.MergeBooks(); err == nil {
		t.Error("merge of no books: want an error")
	}
	if _, err := engagement.MergeBooks(a, nil); err == nil {
		t.Error("merge with a nil book: want an error")
	}
}

// Every event is accounted for, with out-of-range numbers rejected by
// reason.
func TestEventsRejectedByReason(t *testing.T) {
	j := journey(t)
	x, err := engagement.NewIndex(j, "like", "click")
	if err != nil {
		t.Fatal(err)
	}
	like, _ := x.Kind("like")
	post, _ := x.Stimulus("linkedin-1")
	web, _ := x.Setting("website")
	at := daysAgo(3).Unix()
	events := []engagement.Event{
		{Client: 0, Stimulus: post, Kind: like, Time: at},
		{Client: 0, Stimulus: post, Kind: like, Setting: web, Time: at},
		{Client: 2, Stimulus: post, Kind: like, Time: at},
		{Client: 0, Stimulus: 99, Kind: like, Time: at},
		{Client: 0, Stimulus: post, Kind: 7, Time: at},
		{Client: 0, Stimulus: post, Kind: like, Setting: 42, Time: at},
		{Client: 0, Stimulus: post, Kind: like},
		{Client: 0, Stimulus: post, Kind: like, Time: asOf.Unix() + 1},
		{Client: 0, Stimulus: post, Kind: like, Time: daysAgo(500).Unix()},
		{Client: 1, Stimulus: post, Kind: like, Time: at, Value: math.Inf(1)},
		{Client: 1, Stimulus: post, Kind: like, Time: at, Nanos: 1e9},
		x.Event(1, engagement.Response{Stimulus: "linkedin-1", Kind: "wave", Time: daysAgo(1)}),
		x.Event(1, engagement.Response{Stimulus: "gone", Kind: "like", Time: daysAgo(1)}),
	}
	b := must(engagement.AnalyzeEvents(context.Background(), x, []string{"ann", "bob"}, slices.Values(events), engagement.Options{AsOf: asOf}))
	want := engagement.Report{In: 13, Used: 2, Rejected: map[engagement.Reason]int{engagement.BadTime: 1,
		engagement.UnknownClient: 1, engagement.UnknownStimulus: 2, engagement.UnknownKind: 2, engagement.UnknownSetting: 1,
		engagement.ZeroTime: 1, engagement.AfterAsOf: 1, engagement.BeforeStimulus: 1, engagement.NaNValue: 1}}
	if d := gocmp.Diff(want, b.Report); d != "" {
		t.Errorf("report (-want +got):\n%s", d)
	}
	if s := b.Scores(); len(s) != 1 || s[0].Client != "ann" || s[0].Responses != 2 || s[0].Escalation == 0 {
		t.Errorf("scores %+v; want ann with one maintain and one escalation", s)
	}
}

func TestNewIndexRejectsDuplicateKinds(t *testing.T) {
	if _, err := engagement.NewIndex(journey(t), "like", "like"); err == nil {
		t.Error("want an error for a kind declared twice")
	}
	if _, err := engagement.NewIndex(nil); err == nil {
		t.Error("want an error for a nil journey")
	}
}

// A classification rule sees a numbered event by name.
func TestEventsWithRule(t *testing.T) {
	j := journey(t)
	x, _ := engagement.NewIndex(j, "like", "watch")
	c, err := engagement.Classifier{}.WithRule(`response.Kind == "watch" && response.Value >= 0.5 ? "escalate" : ""`)
	if err != nil {
		t.Fatal(err)
	}
	rs := []engagement.Response{
		{Client: "ann", Stimulus: "video", Kind: "watch", Value: 0.75, Time: daysAgo(1)},
		{Client: "ann", Stimulus: "video", Kind: "watch", Value: 0.25, Time: daysAgo(1)},
		{Client: "bob", Stimulus: "video", Kind: "like", Time: daysAgo(2)},
	}
	clients, events := numbered(x, rs)
	o := engagement.Options{AsOf: asOf, Classifier: c}
	got := must(engagement.AnalyzeEvents(context.Background(), x, clients, slices.Values(events), o)).Scores()
	want := must(engagement.Analyze(context.Background(), j, slices.Values(rs), o)).Scores()
	if d := gocmp.Diff(want, got, approx); d != "" {
		t.Errorf("rule on events (-responses +events):\n%s", d)
	}
	if got[0].Escalation == 0 || got[0].Maintenance == 0 {
		t.Errorf("ann: %+v; want one escalation and one maintain", got[0])
	}
}

// With clients enough, events out of order are buffered and sorted by
// client before folding; the sort is stable, so the book is bit for bit
// the one the named path builds in arrival order.
func TestChunkedEventsMatchResponsesExactly(t *testing.T) {
	j := journey(t)
	x, _ := engagement.NewIndex(j, eventKinds...)
	r := rand.New(rand.NewPCG(1, 2))
	const clients = 40_000
	names := make([]string, clients)
	for i := range names {
		names[i] = fmt.Sprintf("c%05d", i)
	}
	stimuli := []string{"linkedin-1", "website-1", "podcast-1", "event-1", "meeting-1", "video"}
	settings := []string{"", "", "website", "event", "meeting"}
	rs := make([]engagement.Response, 300_000) // one full chunk and a partial one
	events := make([]engagement.Event, len(rs))
	for i := range rs {
		c := r.IntN(clients)
		rs[i] = engagement.Response{Client: names[c], Stimulus: stimuli[r.IntN(len(stimuli))], Kind: eventKinds[r.IntN(len(eventKinds))],
			Setting: settings[r.IntN(len(settings))], Time: asOf.Add(-time.Duration(r.IntN(400*86400)) * time.Second), Value: float64(r.IntN(10))}
		events[i] = x.Event(uint32(c), rs[i])
	}
	want := viewOf(must(engagement.Analyze(context.Background(), j, slices.Values(rs), surveyOpts)))
	got := viewOf(must(engagement.AnalyzeEvents(context.Background(), x, names, slices.Values(events), surveyOpts)))
	if d := gocmp.Diff(want, got, cmpopts.EquateEmpty(), approx[2]); d != "" {
		t.Fatalf("chunked events differ (-responses +events):\n%s", d)
	}
}

// ScoreAt joins scores by the host's numbers.
func TestScoreAt(t *testing.T) {
	j := journey(t)
	x, _ := engagement.NewIndex(j, "like")
	post, _ := x.Stimulus("linkedin-1")
	like, _ := x.Kind("like")
	clients := []string{"zoe", "ann", "bob"}
	events := []engagement.Event{{Client: 0, Stimulus: post, Kind: like, Time: daysAgo(1).Unix()}, {Client: 2, Stimulus: post, Kind: like, Time: daysAgo(2).Unix()}}
	b := must(engagement.AnalyzeEvents(context.Background(), x, clients, slices.Values(events), engagement.Options{AsOf: asOf}))
	if got := b.Clients(); !slices.Equal(got, clients) {
		t.Errorf("Clients() = %v, want the numbering %v", got, clients)
	}
	for i, want := range []bool{true, false, true} {
		s, ok := b.ScoreAt(i)
		if ok != want || (ok && (s.Client != clients[i] || s.Responses != 1)) {
			t.Errorf("ScoreAt(%d) = %+v, %v", i, s, ok)
		}
	}
	if _, ok := b.ScoreAt(3); ok {
		t.Error("ScoreAt past the end: want false")
	}
	if _, ok := b.ScoreAt(-1); ok {
		t.Error("ScoreAt(-1): want false")
	}
}

// TestAnalyzeParallelShardGoexit: a shard's iterator that ends its
// goroutine (runtime.Goexit) ends the caller's, as Analyze would on the
// caller's goroutine; AnalyzeParallel never returns a book without the
// shard.
func TestAnalyzeParallelShardGoexit(t *testing.T) {
	j, err := engagement.NewJourney(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	x, err := engagement.NewIndex(j)
	if err != nil {
		t.Fatal(err)
	}
	exits := func(func(engagement.Event) bool) { runtime.Goexit() }
	empty := func(func(engagement.Event) bool) {}
	returned := make(chan bool)
	go func() {
		done := false
		defer func() { returned <- done }()
		_, _ = engagement.AnalyzeParallel(context.Background(), x, []string{"a", "b"}, []iter.Seq[engagement.Event]{empty, exits}, engagement.Options{AsOf: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
		done = true
	}()
	if <-returned {
		t.Errorf("AnalyzeParallel returned after a shard's iterator ended its goroutine")
	}
}
