package engagement_test

// The fifteenth adversary's suite: merge laws, the book encoding and the
// numbered (Event) path against the named (Response) path. Each test
// documents one defect with a minimal reproduction and fails on the code
// it was written against.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
	gocmp "github.com/google/go-cmp/cmp"
)

var adv15Ctx = context.Background()

// adv15Topics is a journey of one shallow and one deep setting and n
// stimuli on the shallow one, stimulus i with topic topics[i].
func adv15Topics(t testing.TB, topics []string) *engagement.Journey {
	t.Helper()
	settings := []engagement.Setting{{ID: "feed", Stage: engagement.PreSale, Depth: 1}, {ID: "site", Stage: engagement.PreSale, Depth: 2}}
	var stimuli []engagement.Stimulus
	for i, tp := range topics {
		stimuli = append(stimuli, engagement.Stimulus{ID: fmt.Sprint("s", i), Setting: "feed", Kind: "post", Topic: tp, Time: daysAgo(400)})
	}
	return must(engagement.NewJourney(settings, stimuli))
}

func adv15None(string, string) bool { return false }

// TestAdversary15UnmarshalBookAcceptsOtherJourneyTopics: UnmarshalBook
// promises "A book encoded against another journey ... is
// ErrIncompatible". The fingerprint hashes the settings and the stimuli's
// ids, settings and times, but of the content groups and topics only
// their counts. Two journeys that differ only in which stimulus carries
// which topic (s0: pensions, s1: mortgages against s0: mortgages, s1:
// pensions) have the same fingerprint: a book of ann escalating on s0
// (pensions) encoded against the first decodes against the second
// without error, and its CrossSells then say ann escalated on
// mortgages.
func TestAdversary15UnmarshalBookAcceptsOtherJourneyTopics(t *testing.T) {
	j1 := adv15Topics(t, []string{"pensions", "mortgages"})
	j2 := adv15Topics(t, []string{"mortgages", "pensions"})
	o := engagement.Options{AsOf: asOf}
	rs := []engagement.Response{{Client: "ann", Stimulus: "s0", Kind: "click", Setting: "site", Time: daysAgo(1)}}
	b := must(engagement.Analyze(adv15Ctx, j1, slices.Values(rs), o))
	if got := b.CrossSells(adv15None); len(got) != 1 || got[0].Topic != "pensions" {
		t.Fatalf("setup: cross-sells %v", got)
	}
	data := must(b.MarshalBinary())
	back, err := engagement.UnmarshalBook(j2, o, data)
	if !errors.Is(err, engagement.ErrIncompatible) {
		t.Errorf("decoded against another journey: err = %v, want ErrIncompatible; its cross-sells: %v", err, back.CrossSells(adv15None))
	}
}

// TestAdversary15UnmarshalBookAsOfWraps: UnmarshalBook promises that a
// book encoded with other options ("as of, ...") is ErrIncompatible. The
// fingerprint hashes AsOf.UnixNano(), which wraps modulo 2^64 ns (584
// years) outside 1678..2262: a book analyzed as of 2026 + 2^64 ns (the
// year 2611) decodes as a book as of 2026 without error, and MergeBooks
// (which compares AsOf with Equal) would never have merged the two.
func TestAdversary15UnmarshalBookAsOfWraps(t *testing.T) {
	j := journey(t)
	far := asOf.Add(math.MaxInt64).Add(math.MaxInt64).Add(2) // asOf + 2^64 ns
	if far.UnixNano() != asOf.UnixNano() || far.Equal(asOf) {
		t.Fatalf("setup: %v %v", far, far.UnixNano())
	}
	rs := []engagement.Response{{Client: "ann", Stimulus: "linkedin-1", Kind: "click", Setting: "website", Time: daysAgo(1)}}
	b := must(engagement.Analyze(adv15Ctx, j, slices.Values(rs), engagement.Options{AsOf: far}))
	data := must(b.MarshalBinary())
	back, err := engagement.UnmarshalBook(j, engagement.Options{AsOf: asOf}, data)
	if !errors.Is(err, engagement.ErrIncompatible) {
		t.Errorf("a book as of %v decoded as of %v: err = %v, want ErrIncompatible (scores %+v)", far, asOf, err, back.Scores())
	}
}

// TestAdversary15UnmarshalBookNegativeZeroWeight: UnmarshalBook's
// ErrIncompatible is for "another journey or other options". Weights
// with Maintain -0 and +0 are equal options (they score every response
// alike, and MergeBooks, comparing with ==, merges their books), but the
// fingerprint hashes the weights' bits, so a book encoded with one does
// not decode with the other.
func TestAdversary15UnmarshalBookNegativeZeroWeight(t *testing.T) {
	j := journey(t)
	pos := engagement.Options{AsOf: asOf, Weights: engagement.Weights{Escalate: 3, Maintain: 0, Disengage: 2, HalfLife: 90 * 24 * time.Hour}}
	neg := pos
	neg.Weights.Maintain = math.Copysign(0, -1)
	rs := []engagement.Response{{Client: "ann", Stimulus: "linkedin-1", Kind: "click", Setting: "website", Time: daysAgo(1)}}
	a := must(engagement.Analyze(adv15Ctx, j, slices.Values(rs), pos))
	b := must(engagement.Analyze(adv15Ctx, j, slices.Values(rs), neg))
	if _, err := engagement.MergeBooks(a, b); err != nil {
		t.Fatalf("setup: MergeBooks says the options differ: %v", err)
	}
	data := must(b.MarshalBinary())
	if _, err := engagement.UnmarshalBook(j, pos, data); err != nil {
		t.Errorf("a book with Maintain -0 decoded with Maintain +0 (options MergeBooks calls equal): %v", err)
	}
}

// TestAdversary15MergeTopicsNotCommutative: MergeBooks promises that
// topics "combine as if one analysis had seen every response", and
// AnalyzeParallel that "shards may split the events any way, since books
// merge exactly". A profile keeps the first eight topics it meets and a
// merge adds the second book's topics after the first's, so with nine
// topics MergeBooks(a, b) and MergeBooks(b, a) keep different ones: ann
// escalated on t0..t7 in one book and on t8 in the other; merged one way
// her cross-sells are t0..t7, the other way t0..t6 and t8. The same nine
// events analyzed in two orders (AnalyzeEvents) differ the same way.
func TestAdversary15MergeTopicsNotCommutative(t *testing.T) {
	var topics []string
	for i := range 9 {
		topics = append(topics, fmt.Sprint("t", i))
	}
	j := adv15Topics(t, topics)
	o := engagement.Options{AsOf: asOf}
	esc := func(i int) engagement.Response {
		return engagement.Response{Client: "ann", Stimulus: fmt.Sprint("s", i), Kind: "click", Setting: "site", Time: daysAgo(1)}
	}
	var first []engagement.Response
	for i := range 8 {
		first = append(first, esc(i))
	}
	a := must(engagement.Analyze(adv15Ctx, j, slices.Values(first), o))
	b := must(engagement.Analyze(adv15Ctx, j, slices.Values([]engagement.Response{esc(8)}), o))
	ab := must(engagement.MergeBooks(a, b)).CrossSells(adv15None)
	ba := must(engagement.MergeBooks(b, a)).CrossSells(adv15None)
	if d := gocmp.Diff(ab, ba); d != "" {
		t.Errorf("MergeBooks(a, b) and MergeBooks(b, a) keep different topics (-ab +ba):\n%s", d)
	}
}

// TestAdversary15EventAtUnixEpochRejected: Index.Event "never fails ...
// converting a stream loses nothing", and AnalyzeEvents gives "the same
// book as Analyze over the same responses". A response at
// 1970-01-01T00:00:00.5Z is a valid time (not the zero time.Time), which
// Analyze uses; Index.Event writes it as Time 0, Nanos 5e8, and
// AnalyzeEvents rejects Time 0 as zero_time.
func TestAdversary15EventAtUnixEpochRejected(t *testing.T) {
	settings := []engagement.Setting{{ID: "feed", Depth: 1}, {ID: "site", Depth: 2}}
	j := must(engagement.NewJourney(settings, []engagement.Stimulus{{ID: "post", Setting: "feed", Time: time.Unix(-3600, 0)}}))
	x := must(engagement.NewIndex(j, "click"))
	o := engagement.Options{AsOf: time.Unix(3600, 0), Weights: engagement.Weights{Escalate: 1, Maintain: 1, Disengage: 1}}
	rs := []engagement.Response{{Client: "ann", Stimulus: "post", Kind: "click", Setting: "site", Time: time.Unix(0, 5e8).UTC()}}
	want := must(engagement.Analyze(adv15Ctx, j, slices.Values(rs), o))
	got := must(engagement.AnalyzeEvents(adv15Ctx, x, []string{"ann"}, slices.Values([]engagement.Event{x.Event(0, rs[0])}), o))
	if d := gocmp.Diff(want.Report, got.Report); d != "" {
		t.Errorf("a response half a second after the epoch: Analyze vs AnalyzeEvents (-want +got):\n%s", d)
	}
}

// TestAdversary15EventsBeforeStimulusPastSaturation: AnalyzeEvents gives
// "the same book as Analyze", and both reject a response "dated before
// its stimulus" (BeforeStimulus). Analyze compares the times; the event
// path compares ages before as-of, which saturate at 292 years. A
// stimulus of 1700 and a response of 1650 (both more than 292 years
// before an as-of of 2026) have the same saturated age, so the event
// path uses the response Analyze rejects.
func TestAdversary15EventsBeforeStimulusPastSaturation(t *testing.T) {
	settings := []engagement.Setting{{ID: "feed", Depth: 1}, {ID: "site", Depth: 2}}
	j := must(engagement.NewJourney(settings, []engagement.Stimulus{{ID: "post", Setting: "feed", Time: time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC)}}))
	x := must(engagement.NewIndex(j, "click"))
	o := engagement.Options{AsOf: asOf}
	rs := []engagement.Response{{Client: "ann", Stimulus: "post", Kind: "click", Setting: "site", Time: time.Date(1650, 1, 1, 0, 0, 0, 0, time.UTC)}}
	want := must(engagement.Analyze(adv15Ctx, j, slices.Values(rs), o))
	if want.Report.Rejected[engagement.BeforeStimulus] != 1 {
		t.Fatalf("setup: %+v", want.Report)
	}
	got := must(engagement.AnalyzeEvents(adv15Ctx, x, []string{"ann"}, slices.Values([]engagement.Event{x.Event(0, rs[0])}), o))
	if d := gocmp.Diff(want.Report, got.Report); d != "" {
		t.Errorf("a response 50 years before its stimulus of 1700: Analyze vs AnalyzeEvents (-want +got):\n%s", d)
	}
}

// TestAdversary15EventsRuleSeesOtherZone: AnalyzeEvents "gives the same
// book as Analyze over the same responses", and a classification rule
// "sees a numbered event by name". The event path rebuilds the response's
// time in AsOf's location (Event carries no zone), not the response's
// own: a rule escalating morning responses (response.Time.Hour() < 12)
// sees a response at 20:00 in Tokyo as 20:00 under Analyze (maintain)
// and as 11:00 UTC under AnalyzeEvents (escalate).
func TestAdversary15EventsRuleSeesOtherZone(t *testing.T) {
	j := journey(t)
	x := must(engagement.NewIndex(j, "like"))
	c := must(engagement.Classifier{}.WithRule(`response.Time.Hour() < 12 ? "escalate" : ""`))
	o := engagement.Options{AsOf: asOf, Classifier: c}
	tokyo := time.FixedZone("JST", 9*3600)
	rs := []engagement.Response{{Client: "ann", Stimulus: "linkedin-1", Kind: "like", Time: time.Date(2026, 11, 20, 20, 0, 0, 0, tokyo)}}
	want := must(engagement.Analyze(adv15Ctx, j, slices.Values(rs), o)).Scores()
	got := must(engagement.AnalyzeEvents(adv15Ctx, x, []string{"ann"}, slices.Values([]engagement.Event{x.Event(0, rs[0])}), o)).Scores()
	if d := gocmp.Diff(want, got); d != "" {
		t.Errorf("a rule on the response's hour: Analyze vs AnalyzeEvents (-want +got):\n%s", d)
	}
}

// TestAdversary15MergeResponseCountWraps: MergeBooks promises the book
// of all the responses, and UnmarshalBook that data it accepts is a
// whole book. A profile counts responses in an int32: UnmarshalBook
// accepts a count of 2^31−1 (it checks only that it is not negative),
// and merging that book with one more response of the same client wraps
// the count negative, so the client silently vanishes from the merged
// book (Scores, ScoreAt and every derivation skip a client with no
// responses), where a count past the int32 range should be an error or
// saturate.
func TestAdversary15MergeResponseCountWraps(t *testing.T) {
	j := journey(t)
	o := engagement.Options{AsOf: asOf}
	rs := []engagement.Response{{Client: "ann", Stimulus: "linkedin-1", Kind: "click", Setting: "website", Time: daysAgo(1)}}
	one := must(engagement.Analyze(adv15Ctx, j, slices.Values(rs), o))
	data := must(one.MarshalBinary())
	// magic 8, fingerprint 8, one client (1), "ann" (1+3), then the
	// profile: 3 scores and 7 words (80 bytes) before the response count.
	const at = 8 + 8 + 1 + 1 + 3 + 80
	if data[at] != 1 {
		t.Fatalf("setup: byte %d is %d, want the count 1", at, data[at])
	}
	data[at], data[at+1], data[at+2], data[at+3] = 0xff, 0xff, 0xff, 0x7f
	many, err := engagement.UnmarshalBook(j, o, data)
	if err != nil {
		t.Skipf("the decoder rejects a count of 2^31-1: %v", err)
	}
	if s := many.Scores(); len(s) != 1 || s[0].Responses != math.MaxInt32 {
		t.Fatalf("setup: %+v", s)
	}
	merged := must(engagement.MergeBooks(many, one)).Scores()
	if len(merged) != 1 || merged[0].Responses <= 0 {
		t.Errorf("ann with 2^31-1 responses merged with ann with 1: scores %+v", merged)
	}
}
