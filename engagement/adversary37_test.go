package engagement_test

// The 37th adversary's suite. Each test fails on the code it was written
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

// adv37Journey is one post-sale setting with one stimulus at stim.
func adv37Journey(t *testing.T, stim time.Time) *engagement.Journey {
	t.Helper()
	j, err := engagement.NewJourney([]engagement.Setting{{ID: "meeting", Stage: engagement.PostSale, Depth: 1}},
		[]engagement.Stimulus{{ID: "m", Setting: "meeting", Kind: "agenda", Topic: "pensions", Time: stim}})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// adv37Both analyzes one response by name and as a numbered event.
func adv37Both(t *testing.T, j *engagement.Journey, r engagement.Response, o engagement.Options) (named, numbered *engagement.Book) {
	t.Helper()
	x, err := engagement.NewIndex(j, r.Kind)
	if err != nil {
		t.Fatal(err)
	}
	named = must(engagement.Analyze(context.Background(), j, slices.Values([]engagement.Response{r}), o))
	numbered = must(engagement.AnalyzeEvents(context.Background(), x, []string{r.Client},
		slices.Values([]engagement.Event{x.Event(0, r)}), o))
	return named, numbered
}

// AnalyzeEvents: "It gives the same book as Analyze over the same
// responses", and the doc of farAge: an age is far (beyond every window
// and limit) when it is "2^63 ns (292 years) or more before as-of".
//
// Broken: the numbered path's ageOf saturates any age of 9,223,372,036
// whole seconds or more, 0.85 s short of 2^63 ns. A response exactly
// 9,223,372,036 s before as-of (an age of 9223372036000000000 ns, which a
// Duration holds) is, by name, inside a Recent window of MaxInt64 and an
// Active lifecycle limit of MaxInt64; as an event it is "far": outside the
// window, lapsed, and the two books encode to different bytes.
func TestAdversary37_EventsSaturateAgeBeforeNanosecondsStop(t *testing.T) {
	as := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := as.Add(-9223372036 * time.Second)
	if d := as.Sub(at); d != 9223372036*time.Second {
		t.Fatalf("control: the age is %v, a Duration", d)
	}
	j := adv37Journey(t, at.Add(-time.Hour))
	o := engagement.Options{AsOf: as, Recent: math.MaxInt64, Baseline: time.Hour}
	r := engagement.Response{Client: "c", Stimulus: "m", Kind: "like", Time: at}
	named, numbered := adv37Both(t, j, r, o)
	rule := engagement.LifecycleRule{Onboarding: engagement.None, Active: math.MaxInt64, Lapsing: math.MaxInt64}
	sn, sv := must(named.Lifecycle(rule)), must(numbered.Lifecycle(rule))
	bn, bv := must(named.MarshalBinary()), must(numbered.MarshalBinary())
	if len(sn) != 1 || len(sv) != 1 || sn[0] != sv[0] || !bytes.Equal(bn, bv) {
		t.Errorf("a response 9223372036 s before as-of: by name %+v, as an event %+v; encodings equal: %v (want one book)",
			sn, sv, bytes.Equal(bn, bv))
	}
}

// AnalyzeEvents: "It gives the same book as Analyze over the same
// responses"; Options.AsOf: "responses after it are rejected"; Validate
// accepts any non-zero AsOf.
//
// Broken: with AsOf at the earliest instant time.Unix can give
// (time.Unix(math.MinInt64, 0), a time the time package orders and
// subtracts correctly), ageOf computes asOf - 292 years, which wraps to a
// large positive number, so every event is "far in the past": an event in
// 1970, some 292 billion years after as-of, is used by AnalyzeEvents,
// where Analyze rejects it as after_as_of.
//
// Fixed by refusing such an as-of (the time package's own count wraps
// there too: time.Unix(math.MinInt64, 0) reads as a year past 292
// billion), and by an exact age within the range accepted: the test now
// checks the refusal, and the two paths at the earliest as-of accepted.
func TestAdversary37_EventsAfterEarliestAsOfUsed(t *testing.T) {
	if err := (engagement.Options{AsOf: time.Unix(math.MinInt64, 0)}).Validate(); !errors.Is(err, engagement.ErrInvalidOption) {
		t.Errorf("as-of Unix(MinInt64): %v, want an option error", err)
	}
	as := time.Unix(-1<<62, 0)
	r := engagement.Response{Client: "c", Stimulus: "m", Kind: "like", Time: time.Unix(1000, 0)}
	if !r.Time.After(as) || as.Sub(r.Time) >= 0 {
		t.Fatal("control: the response is not after as-of")
	}
	j := adv37Journey(t, time.Unix(-1<<62+1, 0))
	named, numbered := adv37Both(t, j, r, engagement.Options{AsOf: as})
	if named.Report.Used != numbered.Report.Used || numbered.Report.Used != 0 {
		t.Errorf("a response after as-of: by name %+v, as an event %+v (want both rejected after_as_of)",
			named.Report, numbered.Report)
	}
}

// Score.At: "every component decays by the time between. An earlier time
// returns the score unchanged (scores never grow without new responses)."
//
// Broken: decayBetween subtracts the two instants' Unix seconds in int64,
// which wraps for a score as of time.Unix(math.MinInt64, 0) moved to 2^62
// seconds: the time between becomes negative and the factor 2^(+huge) =
// +Inf, so a maintenance of 1 grows to +Inf.
func TestAdversary37_ScoreAtFarApartGrows(t *testing.T) {
	s := engagement.Score{Client: "c", AsOf: time.Unix(math.MinInt64, 0), HalfLife: time.Hour, Maintenance: 1, Responses: 1}
	to := time.Unix(1<<62, 0)
	if !to.After(s.AsOf) {
		t.Fatal("control: not later")
	}
	if got := s.At(to); !(got.Maintenance >= 0 && got.Maintenance <= 1) {
		t.Errorf("Score{Maintenance: 1, AsOf: Unix(MinInt64)}.At(Unix(2^62)).Maintenance = %v, want within [0, 1]", got.Maintenance)
	}
}

// adv37Book encodes a book of one response of client "c" (a like to the
// test journey's meeting-1) and returns it with the offset of the
// report, which ends the encoding.
func adv37Book(t *testing.T) (j *engagement.Journey, o engagement.Options, data []byte, report int) {
	j = journey(t)
	o = engagement.Options{AsOf: asOf}
	rs := []engagement.Response{{Client: "c", Stimulus: "meeting-1", Kind: "like", Time: daysAgo(1)}}
	b := must(engagement.Analyze(context.Background(), j, slices.Values(rs), o))
	data = must(b.MarshalBinary())
	// In 1, Used 1, not cancelled, no rejection reasons.
	tail := []byte{1, 1, 0, 0}
	if !bytes.HasSuffix(data, tail) {
		t.Fatalf("unexpected encoding: % x", data[len(data)-8:])
	}
	return j, o, data, len(data) - len(tail)
}

// adv37Profile is the offset of client "c"'s profile in adv37Book's data:
// magic and fingerprint (16), one client (1), its id's length and id (2).
const adv37Profile = 16 + 1 + 2

// Report: "Report accounts for every response: In = Used + the sum of
// Rejected", and UnmarshalBook refuses as ErrCorrupt data no analysis
// writes (it refuses impossible profiles and survey sums).
//
// Broken: the report is read as it comes. A book whose report says 5 in,
// 1 used and nothing rejected decodes, and merged with a book analyzed
// here the merged report no longer adds up.
func TestAdversary37_UnmarshalBookReportDoesNotAddUp(t *testing.T) {
	j, o, data, at := adv37Book(t)
	bad := append(slices.Clone(data[:at]), 5, 1, 0, 0)
	b, err := engagement.UnmarshalBook(j, o, bad)
	if errors.Is(err, engagement.ErrCorrupt) {
		return
	}
	if err != nil {
		t.Fatalf("err %v, want ErrCorrupt", err)
	}
	m := must(engagement.MergeBooks(must(engagement.Analyze(context.Background(), j, nil, o)), b))
	sum := m.Report.Used
	for _, n := range m.Report.Rejected {
		sum += n
	}
	t.Errorf("a report of In 5, Used 1, nothing rejected decoded (err %v); merged: %+v, In %d != Used + rejected %d",
		err, m.Report, m.Report.In, sum)
}

// UnmarshalBook decodes what MarshalBinary wrote, and "the same book
// always encodes to the same bytes": a book that decodes is one
// MarshalBinary can have written, so it encodes to the bytes it was read
// from (the round trip TestPropertyBookRoundTrip holds).
//
// Broken: the report's cancelled flag is read as c == 1, so a byte of 2
// decodes (as not cancelled) and the book re-encodes with 0: bytes no
// analysis writes are read, and read back to other bytes.
func TestAdversary37_UnmarshalBookCancelledFlagNotCanonical(t *testing.T) {
	j, o, data, at := adv37Book(t)
	bad := slices.Clone(data)
	bad[at+2] = 2
	b, err := engagement.UnmarshalBook(j, o, bad)
	if errors.Is(err, engagement.ErrCorrupt) {
		return
	}
	if err != nil {
		t.Fatalf("err %v, want ErrCorrupt", err)
	}
	if again := must(b.MarshalBinary()); !bytes.Equal(again, bad) {
		t.Errorf("a cancelled flag of 2 decoded (Cancelled %v) and re-encoded to other bytes: % x, read % x",
			b.Report.Cancelled, again[at:], bad[at:])
	}
}

// As above: a book that decodes is one MarshalBinary writes, and encodes
// to the bytes it was read from.
//
// Broken: numbers are read with binary.Uvarint, which takes overlong
// encodings: a report's In of 1 written as 0x81 0x00 (two bytes) decodes
// and re-encodes as 0x01.
func TestAdversary37_UnmarshalBookOverlongVarint(t *testing.T) {
	j, o, data, at := adv37Book(t)
	bad := append(slices.Clone(data[:at]), 0x81, 0x00, 1, 0, 0)
	b, err := engagement.UnmarshalBook(j, o, bad)
	if errors.Is(err, engagement.ErrCorrupt) {
		return
	}
	if err != nil {
		t.Fatalf("err %v, want ErrCorrupt", err)
	}
	if again := must(b.MarshalBinary()); !bytes.Equal(again, bad) {
		t.Errorf("an overlong varint decoded (In %d) and re-encoded to other bytes: % x, read % x",
			b.Report.In, again[at:], bad[at:])
	}
}

// MergeBooks combines books "into the book of all of them", and
// MarshalBinary encodes a book "so that books analyzed in other processes
// ... can be merged with MergeBooks after UnmarshalBook"; UnmarshalBook
// reads a count up to (2^31-1)^2.
//
// Broken: the report's counts add without bound. Two decoded books whose
// reports count the most UnmarshalBook reads (In = (2^31-1)^2, one
// used and the rest rejected: a report that adds up) merge into a book whose encoding
// UnmarshalBook refuses as corrupt ("count out of range"); three wrap In
// to a negative number.
func TestAdversary37_MergedReportCountsDoNotRoundTrip(t *testing.T) {
	j, o, data, at := adv37Book(t)
	const most = uint64(math.MaxInt32) * math.MaxInt32
	// One used response, the rest rejected as zero_time: In = Used + rejected.
	rep := binary.AppendUvarint(nil, most)
	rep = append(rep, 1, 0, 1, byte(len(engagement.ZeroTime)))
	rep = append(rep, engagement.ZeroTime...)
	rep = append(rep, binary.AppendUvarint(nil, most-1)...)
	one := must(engagement.UnmarshalBook(j, o, append(slices.Clone(data[:at]), rep...)))
	m := must(engagement.MergeBooks(one, one))
	enc := must(m.MarshalBinary())
	if _, err := engagement.UnmarshalBook(j, o, enc); err != nil {
		m3 := must(engagement.MergeBooks(one, one, one))
		t.Errorf("two decoded books merged (report %+v) encode to bytes UnmarshalBook refuses: %v; three merge to In %d",
			m.Report, err, m3.Report.In)
	}
}

// UnmarshalBook refuses profiles no analysis writes ("escalations past
// responses, escalated periods not active, activity without a response").
//
// Broken: a profile whose periods say it escalated (escalated bits set)
// while its escalations count is 0 decodes; the client, who never
// escalated, is then a superfan escalating in every period.
func TestAdversary37_UnmarshalBookEscalatedPeriodsWithoutEscalations(t *testing.T) {
	j, o, data, _ := adv37Book(t)
	bad := slices.Clone(data)
	p := adv37Profile
	active := binary.LittleEndian.Uint64(bad[p+40:])
	if active == 0 || binary.LittleEndian.Uint32(bad[p+84:]) != 0 {
		t.Fatalf("unexpected encoding: active %x, escalations % x", active, bad[p+84:p+88])
	}
	binary.LittleEndian.PutUint64(bad[p+48:], active) // escalated in its active period
	b, err := engagement.UnmarshalBook(j, o, bad)
	if errors.Is(err, engagement.ErrCorrupt) {
		return
	}
	if err != nil {
		t.Fatalf("err %v, want ErrCorrupt", err)
	}
	fans := must(b.Superfans(engagement.SuperfanRule{Window: 1, Min: 1}))
	t.Errorf("a profile escalated in a period with no escalation decoded (err %v): superfans %+v", err, fans)
}

// UnmarshalBook refuses profiles no analysis writes; a profile keeps
// "eight topics at most, the eight first in the journey's order", each
// once (addTopic returns on a topic it has).
//
// Broken: the topics are checked only to be in the journey's range, so a
// profile holding one topic twice decodes, and CrossSells lists the same
// client and topic twice.
func TestAdversary37_UnmarshalBookDuplicateTopics(t *testing.T) {
	j, o := journey(t), engagement.Options{AsOf: asOf}
	// An escalation (a click from linkedin to the website) on linkedin-1,
	// whose topic is pensions.
	rs := []engagement.Response{{Client: "c", Stimulus: "linkedin-1", Kind: "click", Setting: "website", Time: daysAgo(1)}}
	data := must(must(engagement.Analyze(context.Background(), j, slices.Values(rs), o)).MarshalBinary())
	p := adv37Profile
	topics, nTopics := p+80+12, p+80+12+16
	if data[nTopics] != 1 {
		t.Fatalf("unexpected encoding: %d topics", data[nTopics])
	}
	bad := slices.Clone(data)
	copy(bad[topics+2:topics+4], bad[topics:topics+2])
	bad[nTopics] = 2
	b, err := engagement.UnmarshalBook(j, o, bad)
	if errors.Is(err, engagement.ErrCorrupt) {
		return
	}
	if err != nil {
		t.Fatalf("err %v, want ErrCorrupt", err)
	}
	t.Errorf("a profile holding a topic twice decoded (err %v): cross-sells %+v", err,
		b.CrossSells(func(string, string) bool { return false }))
}

// UnmarshalBook refuses profiles no analysis writes; an analysis rejects
// every response after as-of (Options.AsOf), so a profile's last response
// is never newer than as-of: its age ("nanoseconds before as-of") is not
// negative.
//
// Broken: the ages are not checked. A profile whose last response is 1 ns
// after as-of (newest = -1, oldest 1 hour) decodes, and Lifecycle places
// the client by a response the analysis would have rejected.
func TestAdversary37_UnmarshalBookResponseAfterAsOf(t *testing.T) {
	j, o, data, _ := adv37Book(t)
	bad := slices.Clone(data)
	p := adv37Profile
	binary.LittleEndian.PutUint64(bad[p+24:], uint64(math.MaxUint64)) // newest: -1 ns
	b, err := engagement.UnmarshalBook(j, o, bad)
	if errors.Is(err, engagement.ErrCorrupt) {
		return
	}
	if err != nil {
		t.Fatalf("err %v, want ErrCorrupt", err)
	}
	t.Errorf("a profile whose last response is after as-of decoded (err %v): lifecycle %+v", err,
		must(b.Lifecycle(engagement.LifecycleRule{Onboarding: engagement.None, Active: time.Nanosecond, Lapsing: time.Nanosecond})))
}

// AnalyzeEvents and AnalyzeParallel take an *Index and treat a nil one as
// an index of an empty journey (analyzeEvents: "if x == nil"), and
// nothing the host passes may panic out of the library.
//
// Broken: the zero Index (a var engagement.Index, its journey nil) is not
// nil, and the analysis dereferences its nil journey: a nil pointer
// panic on the host's goroutine, where a nil *Index is fine.
func TestAdversary37_ZeroIndexPanics(t *testing.T) {
	o := engagement.Options{AsOf: asOf}
	events := slices.Values([]engagement.Event{{Time: 1, Client: 0}})
	if _, err := engagement.AnalyzeEvents(context.Background(), nil, []string{"a"}, events, o); err != nil {
		t.Fatalf("control: a nil index: %v", err)
	}
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("AnalyzeEvents over a zero Index panicked: %v", p)
		}
	}()
	var x engagement.Index
	_, _ = engagement.AnalyzeEvents(context.Background(), &x, []string{"a"}, events, o)
}
