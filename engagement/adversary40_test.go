package engagement_test

// The 40th adversary's suite. Each test fails on the code it was written
// against; the comment above each says the promise broken, the minimal
// input, and what was observed.

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
)

// adv40Book encodes the book of one like of client "c" to meeting-1 (a
// post-sale stimulus) a day before as-of, over the clients c and d (d has
// no response), analyzed as numbered events. It returns the encoding and
// the offsets of c's and d's profiles and of the report, which ends it
// (In 1, Used 1, not cancelled, no reason: 4 bytes).
func adv40Book(t *testing.T) (j *engagement.Journey, o engagement.Options, data []byte, pc, pd, report int) {
	t.Helper()
	j, o = journey(t), engagement.Options{AsOf: asOf}
	x := must(engagement.NewIndex(j, "like"))
	r := engagement.Response{Client: "c", Stimulus: "meeting-1", Kind: "like", Time: daysAgo(1)}
	b := must(engagement.AnalyzeEvents(context.Background(), x, []string{"c", "d"}, slices.Values([]engagement.Event{x.Event(0, r)}), o))
	data = must(b.MarshalBinary())
	const profile = 109 // 3 scores, 7 words, 2 counts, 2 survey counts, 8 topics, their count
	pc = 16 + 1 + 2     // magic, fingerprint, 1 varint of 2 clients, "c"'s length and id
	pd = pc + profile + 2
	report = len(data) - 4
	if len(data) < pd+profile || !bytes.HasSuffix(data, []byte{1, 1, 0, 0}) ||
		binary.LittleEndian.Uint32(data[pc+80:]) != 1 || binary.LittleEndian.Uint32(data[pd+80:]) != 0 {
		t.Fatalf("unexpected encoding: % x", data)
	}
	return j, o, data, pc, pd, report
}

// adv40Decode decodes data, which no analysis writes: it returns the book
// when UnmarshalBook took it (the test then fails), nil when it refused it
// as ErrCorrupt.
func adv40Decode(t *testing.T, j *engagement.Journey, o engagement.Options, data []byte) *engagement.Book {
	t.Helper()
	b, err := engagement.UnmarshalBook(j, o, data)
	if errors.Is(err, engagement.ErrCorrupt) {
		return nil
	}
	if err != nil {
		t.Fatalf("err %v, want ErrCorrupt", err)
	}
	return b
}

// MergeBooks: surveys "combine as if one analysis had seen every
// response (but for a client's survey answers past 65,535, where ... a
// merge [keeps] the mean of those the books kept)"; ExpectationGap: "A
// client's means are always finite"; a merged book encodes and decodes.
//
// Broken: mergeSurvey scales each sum by 65535/total in floating point,
// and the rounding can lift the mean above the largest float64. A client
// with 20 answers of MaxFloat64 in one book and 65,535 in another (every
// answer MaxFloat64, so the mean is MaxFloat64) merges into an expected
// mean of +Inf: ExpectationGap gives Expected +Inf and a gap of +Inf, and
// UnmarshalBook refuses the merged book's own encoding as "profile survey
// sums".
func TestAdversary40_MergedSurveyMeanOverflows(t *testing.T) {
	j := journey(t)
	o := engagement.Options{AsOf: asOf, ExpectedKind: "exp", DeliveredKind: "del"}
	x := must(engagement.NewIndex(j, "exp", "del"))
	st, _ := x.Stimulus("meeting-1")
	book := func(answers int) *engagement.Book {
		events := func(yield func(engagement.Event) bool) {
			if !yield(engagement.Event{Client: 0, Stimulus: st, Kind: 1, Time: daysAgo(1).Unix(), Value: 1}) {
				return
			}
			for range answers {
				if !yield(engagement.Event{Client: 0, Stimulus: st, Kind: 0, Time: daysAgo(1).Unix(), Value: math.MaxFloat64}) {
					return
				}
			}
		}
		return must(engagement.AnalyzeEvents(context.Background(), x, []string{"c"}, events, o))
	}
	a, b := book(20), book(math.MaxUint16)
	if g, _ := b.ExpectationGap(); len(g) != 1 || g[0].Expected != math.MaxFloat64 {
		t.Fatalf("control: 65535 answers of MaxFloat64 have the mean %+v", g)
	}
	m := must(engagement.MergeBooks(a, b))
	gaps, _ := m.ExpectationGap()
	_, err := engagement.UnmarshalBook(j, o, must(m.MarshalBinary()))
	if len(gaps) != 1 || math.IsInf(gaps[0].Expected, 0) || err != nil {
		t.Errorf("20 + 65535 answers of MaxFloat64 merged: gaps %+v (want a finite mean, MaxFloat64); the merged book's encoding reads back: %v",
			gaps, err)
	}
}

// UnmarshalBook refuses with ErrCorrupt what an analysis cannot write. A
// profile's topics are those "the client escalated on" (addTopic runs on
// an escalation only, and a merge adds topics with their escalations).
//
// Broken: a profile with one response, no escalation and one topic
// decodes: CrossSells offers the client a topic they never escalated on.
func TestAdversary40_UnmarshalBookTopicWithoutEscalation(t *testing.T) {
	j, o, data, pc, _, _ := adv40Book(t)
	bad := slices.Clone(data)
	bad[pc+108] = 1 // one topic, number 0 (pensions), with escalations 0
	if b := adv40Decode(t, j, o, bad); b != nil {
		t.Errorf("a profile of no escalation holding a topic decoded: cross-sells %+v", b.CrossSells(nil))
	}
}

// UnmarshalBook refuses what an analysis cannot write. Each response
// marks one period active (fold sets one bit), and a merge adds the
// responses whose bits it ORs: a profile is active in no more periods
// than it has responses.
//
// Broken: a profile of one response active in two periods decodes, and
// Patterns calls a client who responded once intermittent.
func TestAdversary40_UnmarshalBookMorePeriodsThanResponses(t *testing.T) {
	j, o, data, pc, _, _ := adv40Book(t)
	bad := slices.Clone(data)
	if binary.LittleEndian.Uint64(bad[pc+40:]) != 1 {
		t.Fatalf("unexpected active periods %x", bad[pc+40:pc+48])
	}
	binary.LittleEndian.PutUint64(bad[pc+40:], 0b11)
	if b := adv40Decode(t, j, o, bad); b != nil {
		t.Errorf("a profile of one response active in two periods decoded: patterns %+v",
			must(b.Patterns(engagement.PatternRule{})))
	}
}

// Report: "Report accounts for every response: In = Used + the sum of
// Rejected", and every used response is one of a profile's responses
// (fold counts it; a merge adds the reports and the profiles alike).
// UnmarshalBook refuses what an analysis cannot write.
//
// Broken: the report is checked only against itself. A book whose report
// says nothing came in (In 0, Used 0) while client c's profile holds a
// response decodes: Scores gives c a response the report never used.
func TestAdversary40_UnmarshalBookProfilesBeyondReport(t *testing.T) {
	j, o, data, _, _, at := adv40Book(t)
	bad := append(slices.Clone(data[:at]), 0, 0, 0, 0)
	if b := adv40Decode(t, j, o, bad); b != nil {
		t.Errorf("a book whose report used no response decoded with scores %+v (report %+v)", b.Scores(), b.Report)
	}
}

// UnmarshalBook refuses what an analysis cannot write; a report's reasons
// are the rejection reasons an analysis counts (Reason's constants).
//
// Broken: any name reads as a reason: a report of In 2, Used 1 and one
// response rejected as "bogus" decodes.
func TestAdversary40_UnmarshalBookUnknownReason(t *testing.T) {
	j, o, data, _, _, at := adv40Book(t)
	bad := append(slices.Clone(data[:at]), 2, 1, 0, 1, 5)
	bad = append(bad, "bogus"...)
	bad = append(bad, 1)
	if b := adv40Decode(t, j, o, bad); b != nil {
		t.Errorf("a report rejecting a response for a reason no analysis has decoded: %+v", b.Report)
	}
}

// UnmarshalBook refuses what an analysis cannot write. A client with no
// used response keeps the zero profile (newBook allocates it, and nothing
// folds into it; a merge skips it or overwrites it whole).
//
// Broken: only the counts of a profile of no response are checked: one
// with a NaN score and an age of -1 ns (after as-of) decodes, and encodes
// back to those bytes.
func TestAdversary40_UnmarshalBookEmptyProfileWithState(t *testing.T) {
	j, o, data, _, pd, _ := adv40Book(t)
	bad := slices.Clone(data)
	binary.LittleEndian.PutUint64(bad[pd:], math.Float64bits(math.NaN()))
	binary.LittleEndian.PutUint64(bad[pd+24:], math.MaxUint64) // newest: -1 ns
	if b := adv40Decode(t, j, o, bad); b != nil {
		t.Errorf("a profile of no response with a NaN score and an age after as-of decoded (re-encodes to the same bytes: %v)",
			bytes.Equal(must(b.MarshalBinary()), bad))
	}
}

// UnmarshalBook refuses what an analysis cannot write; "the same book
// always encodes to the same bytes". A profile keeps its topics in
// topics[:nTopics] and addTopic only writes there, so the slots past
// nTopics are always 0.
//
// Broken: the slots past nTopics are not read: a profile of no topic
// whose third slot holds 1 decodes, and re-encodes to those bytes, so two
// encodings decode to books that behave alike but encode apart.
func TestAdversary40_UnmarshalBookUnusedTopicSlots(t *testing.T) {
	j, o, data, pc, _, _ := adv40Book(t)
	bad := slices.Clone(data)
	binary.LittleEndian.PutUint16(bad[pc+92+4:], 1)
	if b := adv40Decode(t, j, o, bad); b != nil {
		t.Errorf("a profile holding a topic past its count decoded (re-encodes to the same bytes: %v; cross-sells %+v)",
			bytes.Equal(must(b.MarshalBinary()), bad), b.CrossSells(nil))
	}
}

// adv40BeforeUnix is an hour before time.Unix(math.MinInt64, 0): a time
// the time package holds, orders and subtracts, whose Unix() does not fit
// an int64 (it wraps to a date near the end of time).
var adv40BeforeUnix = time.Unix(math.MinInt64, 0).Add(-time.Hour)

// AnalyzeEvents: "It gives the same book as Analyze over the same
// responses"; Options.AsOf: "responses after it are rejected"; Validate
// accepts any non-zero AsOf.
//
// Broken: newRun reads as-of as AsOf.Unix(), which wraps for an as-of
// before time.Unix(math.MinInt64, 0) (the adversary-37 fix covered that
// instant, not the hour before it): as-of becomes a date near the end of
// time, and an event in 1970, after as-of, is used as a far-past
// response. Analyze rejects it as after_as_of.
//
// Fixed by refusing an as-of outside ±2^62 Unix seconds (Validate), where
// the two counts of time agree: the test checks the refusal, then the
// two paths at the earliest as-of accepted.
func TestAdversary40_EventsAfterAsOfBeforeUnixRangeUsed(t *testing.T) {
	if err := (engagement.Options{AsOf: adv40BeforeUnix}).Validate(); !errors.Is(err, engagement.ErrInvalidOption) {
		t.Errorf("as-of an hour before Unix(MinInt64): %v, want an option error", err)
	}
	as := time.Unix(-1<<62, 0)
	r := engagement.Response{Client: "c", Stimulus: "m", Kind: "like", Time: time.Unix(1000, 0)}
	if !r.Time.After(as) || as.Sub(r.Time) >= 0 {
		t.Fatal("control: the response is not after as-of")
	}
	j := must(engagement.NewJourney([]engagement.Setting{{ID: "meeting", Stage: engagement.PostSale, Depth: 1}},
		[]engagement.Stimulus{{ID: "m", Setting: "meeting", Time: time.Unix(1, 0)}}))
	o := engagement.Options{AsOf: as}
	x := must(engagement.NewIndex(j, r.Kind))
	named := must(engagement.Analyze(context.Background(), j, slices.Values([]engagement.Response{r}), o))
	numbered := must(engagement.AnalyzeEvents(context.Background(), x, []string{"c"}, slices.Values([]engagement.Event{x.Event(0, r)}), o))
	if named.Report.Used != 0 || numbered.Report.Used != 0 {
		t.Errorf("a response after as-of (an hour before Unix(MinInt64)): by name %+v, as an event %+v (want both rejected)",
			named.Report, numbered.Report)
	}
}

// AnalyzeEvents: "It gives the same book as Analyze over the same
// responses"; NewJourney accepts any non-zero stimulus time.
//
// Broken: newRun reads each stimulus's time as Unix(), which wraps for a
// stimulus before time.Unix(math.MinInt64, 0): the stimulus moves to near
// the end of time, and every event, here one a day before an ordinary
// as-of, is rejected as before_stimulus, where Analyze, comparing the
// times, uses it.
//
// Fixed by refusing such a stimulus time (NewJourney): the test checks the
// refusal, then the two paths with the earliest stimulus time accepted.
func TestAdversary40_EventsStimulusBeforeUnixRangeRejects(t *testing.T) {
	if _, err := engagement.NewJourney([]engagement.Setting{{ID: "meeting", Stage: engagement.PostSale, Depth: 1}},
		[]engagement.Stimulus{{ID: "m", Setting: "meeting", Time: adv40BeforeUnix}}); err == nil {
		t.Error("a stimulus an hour before Unix(MinInt64) was accepted")
	}
	j := must(engagement.NewJourney([]engagement.Setting{{ID: "meeting", Stage: engagement.PostSale, Depth: 1}},
		[]engagement.Stimulus{{ID: "m", Setting: "meeting", Time: time.Unix(-1<<62, 0)}}))
	r := engagement.Response{Client: "c", Stimulus: "m", Kind: "like", Time: daysAgo(1)}
	o := engagement.Options{AsOf: asOf}
	x := must(engagement.NewIndex(j, r.Kind))
	named := must(engagement.Analyze(context.Background(), j, slices.Values([]engagement.Response{r}), o))
	numbered := must(engagement.AnalyzeEvents(context.Background(), x, []string{"c"}, slices.Values([]engagement.Event{x.Event(0, r)}), o))
	if named.Report.Used != 1 || numbered.Report.Used != 1 {
		t.Errorf("a response long after its stimulus (an hour before Unix(MinInt64)): by name %+v, as an event %+v (want both used)",
			named.Report, numbered.Report)
	}
}

// Score.At: "every component decays by the time between".
//
// Broken: decayBetween converts each instant's Unix seconds to float64
// before subtracting them, which rounds them to 1,024 s far from the
// epoch (Unix 2^62, a time the time package holds): moved 2 s, from Unix
// 2^62+511 to 2^62+513, a score with a half-life of 2 s decays by 2^-512
// (the time between read as 1,024 s), not by half; moved 1 s, from 2^62
// to 2^62+1, it does not decay at all.
func TestAdversary40_ScoreAtFarFromEpochRoundsSeconds(t *testing.T) {
	from, to := time.Unix(1<<62+511, 0), time.Unix(1<<62+513, 0)
	if to.Sub(from) != 2*time.Second {
		t.Fatal("control: not 2 s apart")
	}
	s := engagement.Score{Client: "c", AsOf: from, HalfLife: 2 * time.Second, Maintenance: 1, Responses: 1}
	if got := s.At(to).Maintenance; math.Abs(got-0.5) > 1e-9 {
		t.Errorf("a maintenance of 1 moved 2 s with a half-life of 2 s, far from the epoch: %v, want 0.5", got)
	}
}

// Score.At: "An earlier time returns the score unchanged (scores never
// grow without new responses)" and a later one decays it.
//
// Broken: decayBetween reads the instants as Unix(), which wraps for a
// score as of an hour before time.Unix(math.MinInt64, 0) (the
// adversary-37 fix took the difference as floats, not the wrap): moved
// to 1970, the time between is negative and the maintenance of 1 becomes
// +Inf.
func TestAdversary40_ScoreAtBeforeUnixRangeGrows(t *testing.T) {
	s := engagement.Score{Client: "c", AsOf: adv40BeforeUnix, HalfLife: time.Hour, Maintenance: 1, Responses: 1}
	to := time.Unix(0, 0)
	if !to.After(s.AsOf) {
		t.Fatal("control: not later")
	}
	if got := s.At(to); !(got.Maintenance >= 0 && got.Maintenance <= 1) {
		t.Errorf("Score{Maintenance: 1, AsOf: an hour before Unix(MinInt64)}.At(Unix(0)).Maintenance = %v, want within [0, 1]", got.Maintenance)
	}
}
