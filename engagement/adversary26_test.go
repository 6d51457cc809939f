package engagement_test

// The 26th adversary's suite. Each test fails on the code it was written
// against; the comment above each says the promise broken, the minimal
// input, and what was observed.

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
)

// adv26Year is a Julian year.
const adv26Year = time.Duration(365.25 * 24 * float64(time.Hour))

// adv26Recover runs f and turns a panic into a test failure.
func adv26Recover(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("%s panicked: %v", what, p)
		}
	}()
	f()
}

// TestAdversary26_OutOfOrderUnknownClientPanics: AnalyzeEvents promises
// that "an event whose numbers are out of range is rejected
// ([UnknownClient] …)" and that it never panics on data. With at least
// 1<<14 clients, events out of client order are buffered by the top bits
// of their client number (chunk.add) before any check, and a client
// number past the last bucket indexes past the buffer.
//
// Minimal input: 20,000 clients; events for clients 10, 5, 40000 (the
// last out of range, arriving after the stream went out of order).
// Observed: panic "index out of range [9] with length 8" in chunk.add,
// from AnalyzeEvents and (re-raised from its shard) AnalyzeParallel.
// Expected: Report{In: 3, Used: 2, Rejected: {unknown_client: 1}}.
func TestAdversary26_OutOfOrderUnknownClientPanics(t *testing.T) {
	j := journey(t)
	x := must(engagement.NewIndex(j, "like"))
	clients := make([]string, 20000)
	for i := range clients {
		clients[i] = fmt.Sprint("c", i)
	}
	ev := func(c uint32) engagement.Event {
		return engagement.Event{Client: c, Stimulus: 0, Kind: 0, Time: daysAgo(1).Unix()}
	}
	evs := []engagement.Event{ev(10), ev(5), ev(40000)}
	check := func(what string, b *engagement.Book, err error) {
		if err != nil {
			t.Errorf("%s: %v", what, err)
			return
		}
		if r := b.Report; r.In != 3 || r.Used != 2 || r.Rejected[engagement.UnknownClient] != 1 {
			t.Errorf("%s: report %+v, want 3 in, 2 used, 1 unknown_client", what, r)
		}
	}
	o := engagement.Options{AsOf: asOf}
	adv26Recover(t, "AnalyzeEvents", func() {
		b, err := engagement.AnalyzeEvents(context.Background(), x, clients, slices.Values(evs), o)
		check("AnalyzeEvents", b, err)
	})
	adv26Recover(t, "AnalyzeParallel", func() {
		b, err := engagement.AnalyzeParallel(context.Background(), x, clients, []iter.Seq[engagement.Event]{slices.Values(evs)}, o)
		check("AnalyzeParallel", b, err)
	})
}

// TestAdversary26_AtRiskWindowsOverflow: AtRiskRule "Recent and Baseline
// must be positive with Recent+Baseline at most 64 …; anything else is
// an [*OptionError], never replaced". The check adds the two ints, which
// wraps for huge values.
//
// Minimal input: AtRiskRule{Recent: math.MaxInt, Baseline: 1} (and
// {Recent: 1, Baseline: math.MaxInt}) on any book. Observed: no error
// (an empty list). Expected: an *OptionError.
func TestAdversary26_AtRiskWindowsOverflow(t *testing.T) {
	b := must(engagement.Analyze(context.Background(), journey(t), nil, engagement.Options{AsOf: asOf}))
	for _, r := range []engagement.AtRiskRule{{Recent: math.MaxInt, Baseline: 1}, {Recent: 1, Baseline: math.MaxInt}, {Recent: math.MaxInt, Baseline: math.MaxInt}} {
		out, err := b.AtRisk(r)
		var oe *engagement.OptionError
		if !errors.As(err, &oe) {
			t.Errorf("AtRisk(%+v) = %v, %v; want an *OptionError", r, out, err)
		}
	}
}

// adv26Far is a book of one client's single escalation (a click from
// setting s, depth 0, to d, depth 1, both post-sale) 500 years before
// AsOf, analysed both by name and by number with o.
func adv26Far(t *testing.T, o engagement.Options, extra ...time.Time) map[string]*engagement.Book {
	t.Helper()
	at := asOf.AddDate(-500, 0, 0)
	j := must(engagement.NewJourney([]engagement.Setting{{ID: "s", Stage: engagement.PostSale}, {ID: "d", Depth: 1, Stage: engagement.PostSale}},
		[]engagement.Stimulus{{ID: "x", Setting: "s", Kind: "k", Time: at.AddDate(-1, 0, 0)}}))
	rs := []engagement.Response{{Client: "a", Stimulus: "x", Kind: "click", Setting: "d", Time: at}}
	for _, e := range extra {
		rs = append(rs, engagement.Response{Client: "a", Stimulus: "x", Kind: "click", Setting: "d", Time: e})
	}
	x := must(engagement.NewIndex(j, "click"))
	var evs []engagement.Event
	for _, r := range rs {
		evs = append(evs, x.Event(0, r))
	}
	return map[string]*engagement.Book{
		"Analyze":       must(engagement.Analyze(context.Background(), j, slices.Values(rs), o)),
		"AnalyzeEvents": must(engagement.AnalyzeEvents(context.Background(), x, []string{"a"}, slices.Values(evs), o)),
	}
}

// TestAdversary26_FarResponseLandsInRecentPeriod: a book's activity
// periods are "bit k: a response in period k before as-of", and
// patterns and superfans read "the Window most recent periods". An age
// is kept in nanoseconds saturated at 292 years (int64), which the code
// says is enough "as the windows need no more"; but a Period may be up
// to 292 years, and then a response of any age beyond 292 years is put
// in the period that holds 292 years.
//
// Minimal input: Period 100 years; one escalation 500 years before
// AsOf (period 5). Observed: Patterns{Window: 3} says one_off with 1
// active period and Superfans{Window: 3, Min: 1} lists the client
// (period 2 set). Expected: no activity in the 3 most recent periods,
// no superfan. Same from Analyze and AnalyzeEvents.
func TestAdversary26_FarResponseLandsInRecentPeriod(t *testing.T) {
	o := engagement.Options{AsOf: asOf, Period: 100 * adv26Year}
	for path, b := range adv26Far(t, o) {
		ps := must(b.Patterns(engagement.PatternRule{Window: 3, HabitMin: 2}))
		if len(ps) != 1 || ps[0].Pattern != engagement.NoActivity || ps[0].Active != 0 {
			t.Errorf("%s: Patterns{Window: 3} of a response 5 periods old = %+v, want no activity", path, ps)
		}
		fans := must(b.Superfans(engagement.SuperfanRule{Window: 3, Min: 1}))
		if len(fans) != 0 {
			t.Errorf("%s: Superfans{Window: 3, Min: 1} of an escalation 5 periods old = %+v, want none", path, fans)
		}
	}
}

// TestAdversary26_FarResponseLifecycle: Lifecycle places a client
// "onboarding within Onboarding of their first post-sale response;
// active when their last response is within Active; … lapsed after".
// The ages it compares saturate at 292 years (math.MaxInt64 ns), which
// equals the longest valid rule duration, so any older response is
// "within" it.
//
// Minimal input: one post-sale response 500 years before AsOf;
// LifecycleRule{Onboarding: None, Active: MaxInt64, Lapsing: MaxInt64}
// (and with Onboarding MaxInt64). Observed: active (onboarding).
// Expected: lapsed (500 years > 292.47 years).
func TestAdversary26_FarResponseLifecycle(t *testing.T) {
	long := time.Duration(math.MaxInt64)
	for path, b := range adv26Far(t, engagement.Options{AsOf: asOf}) {
		for _, r := range []engagement.LifecycleRule{{Onboarding: engagement.None, Active: long, Lapsing: long}, {Onboarding: long, Active: long, Lapsing: long}} {
			st := must(b.Lifecycle(r))
			if len(st) != 1 || st[0].Stage != engagement.Lapsed {
				t.Errorf("%s: Lifecycle(%+v) of a response 500 years old = %+v, want lapsed", path, r, st)
			}
		}
	}
}

// TestAdversary26_FarResponseInBaselineWindow: ChangeTests counts "the
// baseline [AsOf−Recent−Baseline, AsOf−Recent)". With Recent+Baseline
// saturating at 292 years, a response of any age past 292 years has the
// same saturated age and is counted in the baseline.
//
// Minimal input: Recent 100 years, Baseline MaxInt64 (292.47 years: the
// baseline ends 392.47 years before AsOf); escalations 1 day and 500
// years before AsOf; ChangeOptions{MinN: 1}. Observed: kind=k tested
// with BaselineN 1. Expected: no group tested (the baseline window holds
// no response).
func TestAdversary26_FarResponseInBaselineWindow(t *testing.T) {
	o := engagement.Options{AsOf: asOf, Recent: 100 * adv26Year, Baseline: math.MaxInt64}
	for path, b := range adv26Far(t, o, daysAgo(1)) {
		cs := must(b.ChangeTests(engagement.ChangeOptions{MinN: 1}))
		if len(cs) != 0 {
			t.Errorf("%s: ChangeTests of a response 500 years old with a baseline ending 392 years back = %+v, want none", path, cs)
		}
	}
}

// TestAdversary26_ClassifierRuleNilFallsThrough: WithRule: "a dsl rule
// … giving "maintain", "escalate", "disengage", or "" to fall through
// …. A rule's error or an unknown class name makes the response
// rejected, never guessed." A rule whose result is nil at run time (a
// conditional with a nil branch compiles as a string rule) is turned
// into "" by dsl's Expr.result and falls through to the default.
//
// Minimal input: rule `response.Kind == "like" ? nil : "escalate"`, one
// "like" to linkedin-1. Observed: Used 1, classified maintain (and
// Classifier.Classify gives maintain, nil). Expected: rejected as
// unclassified (Classify: an error), as a bare `nil` rule is a compile
// error.
func TestAdversary26_ClassifierRuleNilFallsThrough(t *testing.T) {
	j := journey(t)
	c, err := engagement.Classifier{}.WithRule(`response.Kind == "like" ? nil : "escalate"`)
	if err != nil {
		t.Skipf("rule refused at compile time (acceptable): %v", err)
	}
	rs := []engagement.Response{{Client: "a", Stimulus: "linkedin-1", Kind: "like", Time: daysAgo(1)}}
	b := must(engagement.Analyze(context.Background(), j, slices.Values(rs), engagement.Options{AsOf: asOf, Classifier: c}))
	if b.Report.Used != 0 || b.Report.Rejected[engagement.Unclassified] != 1 {
		t.Errorf("rule gave nil: report %+v, scores %+v; want the response rejected as unclassified", b.Report, b.Scores())
	}
	st, _ := j.Stimulus("linkedin-1")
	from, _ := j.Setting("linkedin")
	if cl, err := c.Classify(rs[0], st, from, from, asOf); err == nil {
		t.Errorf("Classify with a rule giving nil = %v, nil; want an error", cl)
	}
}

// TestAdversary26_UnmarshalBookReplacesInvalidOptions: "options out of
// range … give an *OptionError, never a silent replacement";
// Options.Validate rejects negative spans and Analyze refuses them.
// UnmarshalBook takes the options again but never validates them: it
// applies the defaults, so a negative Period, Recent or Baseline is
// replaced by its default and the book decodes.
//
// Minimal input: an empty book analysed with Options{AsOf}, decoded with
// Options{AsOf, Period: -1h}. Observed: a book, nil error. Expected: an
// *OptionError (as Validate gives).
func TestAdversary26_UnmarshalBookReplacesInvalidOptions(t *testing.T) {
	j := journey(t)
	data := must(must(engagement.Analyze(context.Background(), j, nil, engagement.Options{AsOf: asOf})).MarshalBinary())
	for _, o := range []engagement.Options{{AsOf: asOf, Period: -time.Hour}, {AsOf: asOf, Recent: -1}, {AsOf: asOf, Baseline: -1}} {
		if o.Validate() == nil {
			t.Fatalf("control: Validate(%+v) accepted", o)
		}
		b, err := engagement.UnmarshalBook(j, o, data)
		var oe *engagement.OptionError
		if !errors.As(err, &oe) {
			t.Errorf("UnmarshalBook with invalid options (Period %v, Recent %v, Baseline %v) = book %v, err %v; want an *OptionError",
				o.Period, o.Recent, o.Baseline, b != nil, err)
		}
	}
}

// TestAdversary26_SameSurveyKindsSilentlyDropDelivered: survey answers
// are "ExpectedKind and DeliveredKind … whose Value scores what a client
// expected and what they felt was delivered". With both names equal,
// every answer is counted as expected and none as delivered, silently:
// ExpectationGap is always empty. Validate accepts the options.
//
// Minimal input: Options{ExpectedKind: "s", DeliveredKind: "s"}.
// Observed: Validate() == nil; two answers of kind "s" give no gap.
// Expected: an *OptionError (one name cannot be both surveys).
func TestAdversary26_SameSurveyKindsSilentlyDropDelivered(t *testing.T) {
	o := engagement.Options{AsOf: asOf, ExpectedKind: "s", DeliveredKind: "s"}
	err := o.Validate()
	var oe *engagement.OptionError
	if !errors.As(err, &oe) {
		rs := []engagement.Response{{Client: "a", Stimulus: "linkedin-1", Kind: "s", Time: daysAgo(2), Value: 9},
			{Client: "a", Stimulus: "linkedin-1", Kind: "s", Time: daysAgo(1), Value: 4}}
		b := must(engagement.Analyze(context.Background(), journey(t), slices.Values(rs), o))
		gaps, _ := b.ExpectationGap()
		t.Errorf("ExpectedKind == DeliveredKind: Validate = %v (want an *OptionError); the two answers give gaps %+v", err, gaps)
	}
}

// TestAdversary26_DecodedProfileWithoutResponsesIsASuperfan:
// UnmarshalBook turns "data that is not a whole book" into ErrCorrupt,
// and a derived list is computed from the book alone, the same for a
// book however it was put together. A profile that counts no response
// but has escalation periods (a client no analysis can produce) is
// decoded; every derivation skips it (Book.order keeps clients with
// responses), except Superfans, which walks every client; and merging
// the book after an empty one drops it (profile.merge skips a profile
// without responses), so the superfan depends on the merge order.
//
// Minimal input: the encoding of a book with one escalation by "a"
// (linkedin-1 to the website, a day ago), its responses and escalations
// counts set to 0. Observed: decoded; Scores empty, Patterns empty,
// Superfans{Window: 1, Min: 1} = [a]; MergeBooks(empty, decoded) has no
// superfan. Expected: ErrCorrupt (or no superfan anywhere).
func TestAdversary26_DecodedProfileWithoutResponsesIsASuperfan(t *testing.T) {
	j := journey(t)
	o := engagement.Options{AsOf: asOf}
	rs := []engagement.Response{{Client: "a", Stimulus: "linkedin-1", Kind: "click", Setting: "website", Time: daysAgo(1)}}
	data := must(must(engagement.Analyze(context.Background(), j, slices.Values(rs), o)).MarshalBinary())
	// magic and fingerprint (16), one client (1), its id's length and id
	// (2), then the profile: 3 scores and 7 words (80 bytes), then the
	// responses and escalations counts, 4 bytes each.
	at := 16 + 1 + 2 + 80
	if data[at] != 1 || data[at+4] != 1 {
		t.Fatalf("unexpected encoding: counts % x", data[at:at+8])
	}
	bad := slices.Clone(data)
	clear(bad[at : at+8])
	b, err := engagement.UnmarshalBook(j, o, bad)
	if errors.Is(err, engagement.ErrCorrupt) {
		return
	}
	if err != nil {
		t.Fatalf("err %v, want ErrCorrupt", err)
	}
	rule := engagement.SuperfanRule{Window: 1, Min: 1}
	fans := must(b.Superfans(rule))
	empty := must(engagement.Analyze(context.Background(), j, nil, o))
	merged := must(engagement.MergeBooks(empty, b))
	mfans := must(merged.Superfans(rule))
	if len(fans) != len(mfans) || len(fans) != 0 {
		t.Errorf("a profile with no responses decoded: Scores %v, Superfans %+v; merged after an empty book, Superfans %+v (want ErrCorrupt, or no superfan in either)",
			b.Scores(), fans, mfans)
	}
}
