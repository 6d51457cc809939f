package engagement_test

// The 76th adversary's suite. Each test fails on the code it was written
// against; the comment above each says the promise broken, the minimal
// input, what was observed, and a guess at the mechanism.

import (
	"context"
	"encoding/binary"
	"errors"
	"maps"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
)

// adv76EmptyBook is the encoding of a book of no response over journey(t)
// (as of asOf), cut into its head (magic, fingerprint, 0 clients: 17
// bytes), its number of content-group buckets, and its report (In 0,
// Used 0, not cancelled, no reason: 4 bytes).
func adv76EmptyBook(t *testing.T) (j *engagement.Journey, o engagement.Options, head []byte, buckets int, report []byte) {
	t.Helper()
	j, o = journey(t), engagement.Options{AsOf: asOf}
	data := must(must(engagement.Analyze(context.Background(), j, nil, o)).MarshalBinary())
	for n := 1; n < 1<<20; n++ {
		if 4*n+len(binary.AppendUvarint(nil, uint64(n))) == len(data)-17-4 {
			buckets = n
		}
	}
	if buckets == 0 || data[16] != 0 || !slices.Equal(data[len(data)-4:], []byte{0, 0, 0, 0}) {
		t.Fatalf("unexpected encoding of an empty book: % x", data)
	}
	return j, o, slices.Clone(data[:17]), buckets, slices.Clone(data[len(data)-4:])
}

// TestAdversary76_UnmarshalBookGroupCountsWithoutResponses: UnmarshalBook
// "data that is not a whole book [as MarshalBinary writes it] is
// ErrCorrupt"; a content group counts, per bucket of clients, the used
// responses of the clients in that bucket (run.go: fold), so a book of
// no client and Used 0 has every group count 0. Minimal input: the
// encoding of the empty book of journey(t) with, in each of the 64
// buckets of the first content group, 40 baseline responses (2
// escalations) and 40 recent ones (30 escalations) — counts that are
// internally consistent (escalations ≤ responses, which adversary 18's
// check added) but belong to no client and no used response. Observed:
// UnmarshalBook accepts it and ChangeTests reports a significant change
// of kind=post (5% → 75%) for a book that saw nothing. Expected:
// ErrCorrupt (a group's counts over its buckets cannot exceed
// Report.Used, nor can a bucket with no client hold any).
// Mechanism guess: encode.go: UnmarshalBook/decoder.groupCounts check each
// bucket on its own, never against the report or the clients' buckets
// (bucketOf).
func TestAdversary76_UnmarshalBookGroupCountsWithoutResponses(t *testing.T) {
	j, o, head, buckets, report := adv76EmptyBook(t)
	out := binary.AppendUvarint(head, uint64(buckets))
	for i := range buckets {
		c := [4]int{} // baseline n, baseline escalations, recent n, recent escalations
		if i < 64 {
			c = [4]int{40, 2, 40, 30}
		}
		for _, v := range c {
			out = binary.AppendUvarint(out, uint64(v))
		}
	}
	out = append(out, report...)
	b, err := engagement.UnmarshalBook(j, o, out)
	if errors.Is(err, engagement.ErrCorrupt) {
		return
	}
	if err != nil {
		t.Fatalf("err %v, want ErrCorrupt", err)
	}
	ch, err := b.Changes(engagement.ChangeOptions{})
	t.Errorf("a book of Used %d and %d clients, with 5120 responses in its content-group counts, accepted; Changes: %+v (err %v)",
		b.Report.Used, len(b.Scores()), ch, err)
}

// TestAdversary76_UnmarshalBookEmptyClientWithResponses: UnmarshalBook
// refuses what no analysis writes; Analyze rejects a response of no
// client (NoClient) and AnalyzeEvents rejects every event of a client
// whose name is empty, so a book can hold the name "" only with an empty
// profile. Minimal input: the book of one like by client "c" (linkedin-1,
// 300 days before as-of: outside the change windows, so no group count
// names c's bucket), re-encoded with the name "c" replaced by "".
// Observed: UnmarshalBook accepts it, and Scores lists a client "" with
// one response. Expected: ErrCorrupt.
// Mechanism guess: encode.go: UnmarshalBook reads client names with no
// check at all (d.bytes(d.count(1))).
func TestAdversary76_UnmarshalBookEmptyClientWithResponses(t *testing.T) {
	j, o := journey(t), engagement.Options{AsOf: asOf}
	r := engagement.Response{Client: "c", Stimulus: "linkedin-1", Kind: "like", Time: daysAgo(300)}
	b := must(engagement.Analyze(context.Background(), j, slices.Values([]engagement.Response{r}), o))
	data := must(b.MarshalBinary())
	// magic+fingerprint (16), 1 client (1 byte), name length 1, "c".
	if data[16] != 1 || data[17] != 1 || data[18] != 'c' {
		t.Fatalf("unexpected encoding: % x", data[:24])
	}
	out := append(slices.Clone(data[:17]), 0)
	out = append(out, data[19:]...)
	got, err := engagement.UnmarshalBook(j, o, out)
	if errors.Is(err, engagement.ErrCorrupt) {
		return
	}
	if err != nil {
		t.Fatalf("err %v, want ErrCorrupt", err)
	}
	t.Errorf("a book whose client \"\" holds a used response accepted: report %+v, scores %+v", got.Report, got.Scores())
}

// TestAdversary76_UnmarshalBookPostSaleWithoutPostSaleSetting: a profile
// marks a post-sale response only for a response landing in a setting of
// Stage PostSale (run.go: fold, set.post), so against a journey with no
// post-sale setting no analysis writes a profile with postSale set.
// Minimal input: journey s1 (pre-sale) with stimulus x1; the book of one
// response of client c to x1 a day before as-of, with the profile's
// postSale word (offset 56 in the profile) rewritten to 1 + the
// response's age (its newest = oldest age, so every age check passes).
// Observed: UnmarshalBook accepts it, and Lifecycle puts c, who never
// reached a post-sale setting, in Onboarding. Expected: ErrCorrupt.
// Mechanism guess: encode.go: decoder.profile checks postSale only
// against the ages, never against the journey's stages.
func TestAdversary76_UnmarshalBookPostSaleWithoutPostSaleSetting(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	j := must(engagement.NewJourney([]engagement.Setting{{ID: "s1", Stage: engagement.PreSale, Depth: 1}},
		[]engagement.Stimulus{{ID: "x1", Setting: "s1", Kind: "post", Time: at}}))
	o := engagement.Options{AsOf: at.AddDate(0, 0, 2)}
	r := engagement.Response{Client: "c", Stimulus: "x1", Kind: "like", Time: at.AddDate(0, 0, 1)}
	b := must(engagement.Analyze(context.Background(), j, slices.Values([]engagement.Response{r}), o))
	data := must(b.MarshalBinary())
	const pc = 16 + 1 + 2 // magic, fingerprint, 1 client, "c"
	le := binary.LittleEndian
	newest, oldest, post := le.Uint64(data[pc+24:]), le.Uint64(data[pc+32:]), le.Uint64(data[pc+56:])
	if newest != uint64(24*time.Hour) || oldest != newest || post != 0 || le.Uint32(data[pc+80:]) != 1 {
		t.Fatalf("unexpected encoding: newest %d oldest %d postSale %d", newest, oldest, post)
	}
	out := slices.Clone(data)
	le.PutUint64(out[pc+56:], newest+1)
	got, err := engagement.UnmarshalBook(j, o, out)
	if errors.Is(err, engagement.ErrCorrupt) {
		return
	}
	if err != nil {
		t.Fatalf("err %v, want ErrCorrupt", err)
	}
	st, err := got.Lifecycle(engagement.LifecycleRule{})
	t.Errorf("a post-sale mark in a journey with no post-sale setting accepted: lifecycle %+v (err %v), want c a prospect or ErrCorrupt", st, err)
}

// adv76WrappedTime is a time the time package holds and prints (year
// 292277024627) but whose internal count of seconds since year one has
// wrapped: time.Time.Before calls it earlier than any ordinary time,
// while its Unix() (9223371974719179008) is far after every one.
var adv76WrappedTime = time.Unix(math.MaxInt64-62135596800+1, 0)

// TestAdversary76_EventsWrappedTimeOtherReason: AnalyzeEvents "gives the
// same book as Analyze over the same responses" (the report included:
// rejected "by reason"). Minimal input: journey(t), as of asOf, one like
// of client c to meeting-1 at adv76WrappedTime (year 292277024627).
// Observed: Analyze rejects it as before_stimulus, AnalyzeEvents (after
// Index.Event) as after_as_of: two reports of one response. Expected:
// one reason by both paths (after_as_of, or bad_time for a response time
// outside the Unix range NewJourney allows stimuli).
// Mechanism guess: analyze.go: run.response compares resp.Time.Before
// (st.Time), which wraps for such a time, where events.go: run.event
// compares Unix seconds; neither checks the response time with unixTime
// as NewJourney and Validate check stimuli and as-of.
func TestAdversary76_EventsWrappedTimeOtherReason(t *testing.T) {
	j, o := journey(t), engagement.Options{AsOf: asOf}
	r := engagement.Response{Client: "c", Stimulus: "meeting-1", Kind: "like", Time: adv76WrappedTime}
	x := must(engagement.NewIndex(j, r.Kind))
	named := must(engagement.Analyze(context.Background(), j, slices.Values([]engagement.Response{r}), o))
	numbered := must(engagement.AnalyzeEvents(context.Background(), x, []string{"c"}, slices.Values([]engagement.Event{x.Event(0, r)}), o))
	if !maps.Equal(named.Report.Rejected, numbered.Report.Rejected) || named.Report.Used != numbered.Report.Used {
		t.Errorf("a response at %v: by name %+v, as an event %+v", r.Time, named.Report, numbered.Report)
	}
}

// TestAdversary76_FunnelWrappedTimeNotBadTime: Funnel rejects a response
// "on a step 292 years or more after the journey's first stimulus, as
// [BadTime]". Minimal input: journey(t), steps linkedin → website, one
// response of c to website-1 at adv76WrappedTime (292 billion years after
// every stimulus). Observed: rejected as before_stimulus. Expected:
// bad_time, as documented.
// Mechanism guess: funnel.go: funnelStep checks r.Time.Before(st.Time)
// first, which time.Time gets wrong for a time whose internal seconds
// wrapped, so the BadTime check in Funnel (r.Time.Sub(first) saturating)
// is never reached.
func TestAdversary76_FunnelWrappedTimeNotBadTime(t *testing.T) {
	r := engagement.Response{Client: "c", Stimulus: "website-1", Kind: "like", Time: adv76WrappedTime}
	f, err := engagement.Funnel(context.Background(), journey(t), slices.Values([]engagement.Response{r}), []string{"linkedin", "website"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if f.Report.Rejected[engagement.BadTime] != 1 {
		t.Errorf("a response on a step at %v (Unix %d): report %+v, want it rejected as %s", r.Time, r.Time.Unix(), f.Report, engagement.BadTime)
	}
}

// TestAdversary76_BenchmarkPercentileNotExact: Benchmark's percentile "is
// the share of peers below plus half the share equal" (×100, in [0,
// 100]); the brute-force rank is 100·(below + equal/2)/peers. Minimal
// input: value 6.5 against the peers 0, 1, …, 99 (7 below, none equal:
// exactly 7%). Observed: Percentile 7.000000000000001 (likewise 14, 28,
// 29, 55, 56, 57 and 58 below of 100). Low severity: an ulp, but a host
// testing Percentile == 7, or printing it, sees it.
// Expected: 100·(below + equal/2)/peers, computed in that order (exact
// whenever the percentage is an integer or representable).
// Mechanism guess: peers.go: Benchmark returns stats.PercentileRank(...)
// × 100: the share is rounded first (0.07), then scaled.
func TestAdversary76_BenchmarkPercentileNotExact(t *testing.T) {
	peers := make([]float64, 100)
	for i := range peers {
		peers[i] = float64(i)
	}
	r, err := engagement.Benchmark("m", 6.5, peers)
	if err != nil {
		t.Fatal(err)
	}
	if r.Percentile != 7 {
		t.Errorf("6.5 above 7 of 100 peers: Percentile %v (%b), want exactly 7", r.Percentile, r.Percentile)
	}
}
