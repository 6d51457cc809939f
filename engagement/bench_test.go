package engagement_test

import (
	"context"
	"fmt"
	"iter"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
)

// benchJourney has 5 settings and 200 stimuli.
func benchJourney(b *testing.B) *engagement.Journey {
	settings := []engagement.Setting{{ID: "linkedin", Depth: 1}, {ID: "website", Depth: 2}, {ID: "podcast", Depth: 3},
		{ID: "event", Depth: 4}, {ID: "meeting", Depth: 5, Stage: engagement.PostSale}}
	var stimuli []engagement.Stimulus
	for i := range 200 {
		stimuli = append(stimuli, engagement.Stimulus{ID: fmt.Sprint("s", i), Setting: settings[i%5].ID,
			Kind: []string{"post", "video", "article", "episode"}[i%4], Campaign: fmt.Sprint("c", i%10), Topic: fmt.Sprint("t", i%7),
			Time: asOf.AddDate(-2, 0, 0)})
	}
	j, err := engagement.NewJourney(settings, stimuli)
	if err != nil {
		b.Fatal(err)
	}
	return j
}

// benchResponses yields n deterministic responses from clients clients.
func benchResponses(n, clients int) iter.Seq[engagement.Response] {
	ids := make([]string, clients)
	for i := range ids {
		ids[i] = fmt.Sprint("client-", i)
	}
	stims := make([]string, 200)
	for i := range stims {
		stims[i] = fmt.Sprint("s", i)
	}
	kinds := []string{"like", "share", "click", "read", "unfollow"}
	return func(yield func(engagement.Response) bool) {
		r := rand.New(rand.NewPCG(7, 9))
		for range n {
			k := kinds[r.IntN(len(kinds))]
			resp := engagement.Response{Client: ids[r.IntN(clients)], Stimulus: stims[r.IntN(200)], Kind: k,
				Time: asOf.Add(-time.Duration(r.IntN(700*24)) * time.Hour)}
			if k == "click" {
				resp.Setting = "meeting"
			}
			if !yield(resp) {
				return
			}
		}
	}
}

// BenchmarkScore measures scoring throughput on one goroutine: responses
// per second, over a million pre-generated responses from 100k clients.
func BenchmarkScore(b *testing.B) {
	j := benchJourney(b)
	rs := slices.Collect(benchResponses(1_000_000, 100_000))
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		book := must(engagement.Analyze(context.Background(), j, slices.Values(rs), engagement.Options{AsOf: asOf}))
		if book.Report.Used == 0 {
			b.Fatal("nothing used")
		}
	}
	b.ReportMetric(float64(len(rs))*float64(b.N)/time.Since(start).Seconds(), "responses/s")
	b.ReportMetric(float64(engagement.ProfileBytes()), "profile_bytes")
}

// BenchmarkChanges10M streams ten million generated responses (generation
// included) and detects the content groups whose escalation rate changed.
func BenchmarkChanges10M(b *testing.B) {
	if testing.Short() {
		b.Skip("10M responses: skipped with -short")
	}
	j := benchJourney(b)
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		book := must(engagement.Analyze(context.Background(), j, benchResponses(10_000_000, 200_000), engagement.Options{AsOf: asOf}))
		_, _ = book.Changes(engagement.ChangeOptions{Alpha: 0.01, MinN: 100})
	}
	b.ReportMetric(10e6*float64(b.N)/time.Since(start).Seconds(), "responses/s")
}

// BenchmarkScoreSorted is BenchmarkScore with the responses sorted by
// client, as an export from a CRM often is.
func BenchmarkScoreSorted(b *testing.B) {
	j := benchJourney(b)
	rs := slices.Collect(benchResponses(1_000_000, 100_000))
	slices.SortStableFunc(rs, func(x, y engagement.Response) int { return strings.Compare(x.Client, y.Client) })
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		must(engagement.Analyze(context.Background(), j, slices.Values(rs), engagement.Options{AsOf: asOf}))
	}
	b.ReportMetric(float64(len(rs))*float64(b.N)/time.Since(start).Seconds(), "responses/s")
}

// benchEvents numbers benchResponses for the numbered path.
func benchEvents(b *testing.B, n, clients int) (*engagement.Index, []string, []engagement.Event) {
	j := benchJourney(b)
	x, err := engagement.NewIndex(j, "like", "share", "click", "read", "unfollow")
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]string, clients)
	ix := make(map[string]uint32, clients)
	for i := range ids {
		ids[i] = fmt.Sprint("client-", i)
		ix[ids[i]] = uint32(i)
	}
	events := make([]engagement.Event, 0, n)
	for r := range benchResponses(n, clients) {
		events = append(events, x.Event(ix[r.Client], r))
	}
	return x, ids, events
}

// BenchmarkScoreEvents measures the numbered path on one goroutine:
// responses per second per core over a million events from 100k clients,
// in random order and sorted by client.
func BenchmarkScoreEvents(b *testing.B) {
	n := 100_000
	if s := os.Getenv("ENGAGEKIT_BENCH_CLIENTS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	x, clients, events := benchEvents(b, 1_000_000, n)
	sorted := slices.Clone(events)
	slices.SortStableFunc(sorted, func(p, q engagement.Event) int { return int(p.Client) - int(q.Client) })
	for _, c := range []struct {
		name   string
		events []engagement.Event
	}{{"order=random", events}, {"order=by_client", sorted}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				book := must(engagement.AnalyzeEvents(context.Background(), x, clients, slices.Values(c.events), engagement.Options{AsOf: asOf}))
				if book.Report.Used == 0 {
					b.Fatal("nothing used")
				}
			}
			b.ReportMetric(float64(len(c.events))*float64(b.N)/b.Elapsed().Seconds(), "responses/s")
		})
	}
}

// BenchmarkScoreParallel splits the events into one shard per core.
func BenchmarkScoreParallel(b *testing.B) {
	x, clients, events := benchEvents(b, 1_000_000, 100_000)
	n := runtime.GOMAXPROCS(0)
	shards := make([]iter.Seq[engagement.Event], n)
	for i := range shards {
		shards[i] = slices.Values(events[i*len(events)/n : (i+1)*len(events)/n])
	}
	b.ReportAllocs()
	for b.Loop() {
		must(engagement.AnalyzeParallel(context.Background(), x, clients, shards, engagement.Options{AsOf: asOf}))
	}
	b.ReportMetric(float64(len(events))*float64(b.N)/b.Elapsed().Seconds(), "responses/s")
}

// BenchmarkChanges10MEvents is BenchmarkChanges10M on the numbered path:
// ten million events generated as they stream (generation included) from
// 200k clients, then the changed content groups.
func BenchmarkChanges10MEvents(b *testing.B) {
	if testing.Short() {
		b.Skip("10M events: skipped with -short")
	}
	j := benchJourney(b)
	x, err := engagement.NewIndex(j, "like", "share", "click", "read", "unfollow")
	if err != nil {
		b.Fatal(err)
	}
	const clients = 200_000
	names := make([]string, clients)
	for i := range names {
		names[i] = fmt.Sprint("client-", i)
	}
	meeting, _ := x.Setting("meeting")
	events := func(yield func(engagement.Event) bool) {
		r := rand.NewPCG(7, 9)
		for range 10_000_000 {
			v := r.Uint64()
			e := engagement.Event{Client: uint32(v % clients), Stimulus: uint32(v >> 20 % 200), Kind: uint16(v >> 30 % 5),
				Time: asOf.Unix() - int64(v>>40%(700*24))*3600}
			if e.Kind == 2 {
				e.Setting = meeting
			}
			if !yield(e) {
				return
			}
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		book := must(engagement.AnalyzeEvents(context.Background(), x, names, events, engagement.Options{AsOf: asOf}))
		_, _ = book.Changes(engagement.ChangeOptions{Alpha: 0.01, MinN: 100})
	}
	b.ReportMetric(10e6*float64(b.N)/b.Elapsed().Seconds(), "responses/s")
}

// BenchmarkExperiment1M analyses an experiment of a million exposures
// (three arms, 800k clients, some exposed twice and 1% to two variants),
// 150k responses and a pre-period covariate for every client: the whole
// report, CUPED and the daily sequential replay over 60 days included.
func BenchmarkExperiment1M(b *testing.B) {
	const clients, exposures = 800_000, 1_000_000
	p, err := engagement.NewExperimentPlan(engagement.ExperimentConfig{Experiment: "e", Control: "a",
		Arms:   []engagement.Arm{{Variant: "a", Weight: 1}, {Variant: "b", Weight: 1}, {Variant: "c", Weight: 1}},
		Window: 7 * 24 * time.Hour, Kinds: []string{"book"}})
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]string, clients)
	pre := make(map[string]float64, clients)
	for i := range ids {
		ids[i] = fmt.Sprint("client-", i)
		pre[ids[i]] = float64(i % 11)
	}
	start := asOf.AddDate(0, 0, -60)
	r := rand.New(rand.NewPCG(3, 5))
	xs := make([]engagement.Exposure, 0, exposures)
	var rs []engagement.Response
	for k := range exposures {
		c := k
		if k >= clients {
			c = r.IntN(clients) // a repeat exposure
		}
		arm := c % 3
		if k >= clients && r.IntN(20) == 0 {
			arm = (arm + 1) % 3 // a leak into another variant
		}
		t := start.Add(time.Duration(c%(60*24*60)) * time.Minute)
		xs = append(xs, engagement.Exposure{Client: ids[c], Experiment: "e", Variant: []string{"a", "b", "c"}[arm], Time: t})
		if k < clients && r.IntN(100) < 15+arm {
			rs = append(rs, engagement.Response{Client: ids[c], Stimulus: "s", Kind: "book", Time: t.Add(time.Duration(r.IntN(200)) * time.Hour)})
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		rep, err := p.Analyze(context.Background(), engagement.ExperimentData{AsOf: asOf, Exposures: slices.Values(xs), Responses: slices.Values(rs), Pre: pre})
		if err != nil || rep.Counts.Used != exposures {
			b.Fatal(err, rep.Counts)
		}
	}
	b.ReportMetric(exposures*float64(b.N)/b.Elapsed().Seconds(), "exposures/s")
}
