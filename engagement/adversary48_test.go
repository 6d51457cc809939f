package engagement

// Adversary 48: failing tests, one defect each, for the engagement
// package (package-internal, so the helpers are named adv48; the journey
// and the times are adversary 45's).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"
)

// adv48Book analyzes rs against adversary 45's journey with o, lets
// patch change the book's first profile and report (what a damaged or
// forged encoding would carry), and returns the journey and the
// encoding of the patched book.
func adv48Book(t *testing.T, o Options, rs []Response, patch func(b *Book, p *profile)) (*Journey, []byte) {
	t.Helper()
	j := adv45Journey(t)
	b, err := Analyze(context.Background(), j, slices.Values(rs), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.profiles) == 0 {
		t.Fatal("control: no profile")
	}
	if patch != nil {
		patch(b, &b.profiles[0])
	}
	return j, adv45Must(b.MarshalBinary())
}

// adv48Exposures exposes n clients per arm of "a" and "b" three days
// before as-of; convert says which convert an hour later, and pre gives
// each client's pre-period value.
func adv48Exposures(n int, convert func(arm string, i int) bool, pre func(arm string, i int) float64) ExperimentData {
	var xs []Exposure
	var rs []Response
	p := map[string]float64{}
	for _, arm := range []string{"a", "b"} {
		for i := range n {
			id := fmt.Sprintf("%s%d", arm, i)
			xs = append(xs, Exposure{Client: id, Experiment: "e", Variant: arm, Time: adv45Days(3)})
			if convert(arm, i) {
				rs = append(rs, Response{Client: id, Stimulus: "s", Kind: "buy", Time: adv45Days(3).Add(time.Hour)})
			}
			p[id] = pre(arm, i)
		}
	}
	return ExperimentData{AsOf: adv45AsOf, Exposures: slices.Values(xs), Responses: slices.Values(rs), Pre: p}
}

func adv48Plan(t *testing.T) *ExperimentPlan {
	t.Helper()
	return adv45Must(NewExperimentPlan(ExperimentConfig{Experiment: "e", Control: "a", Arms: []Arm{{"a", 1}, {"b", 1}},
		Window: 24 * time.Hour, Kinds: []string{"buy"}}))
}

// TestAdversary48_BenchmarkInfiniteValueBreaksJSON
//
// Promise broken: README.md, Design: "every result marshals to JSON";
// engagement/peers.go, Benchmark: "A NaN value is an [*OptionError],
// never a rank." Benchmark refuses only a NaN value: an infinite one (a
// rate of x/0 from the host) is ranked and returned in Rank.Value.
// Observed: Benchmark("m", +Inf, peers) returns a Rank with Value +Inf
// and no error, and json.Marshal of it fails ("unsupported value:
// +Inf"). Expected: an *OptionError for a value that is not a finite
// number, or a Rank that marshals.
func TestAdversary48_BenchmarkInfiniteValueBreaksJSON(t *testing.T) {
	r, err := Benchmark("escalation_rate", math.Inf(1), []float64{0.1, 0.2, 0.3})
	if err != nil {
		return // refused: what the contract allows
	}
	if _, jerr := json.Marshal(r); jerr != nil {
		t.Errorf("Benchmark(+Inf) = %+v, no error, and its Rank does not marshal: %v", r, jerr)
	}
}

// TestAdversary48_ScoreAtStopsDecayingAt292Years
//
// Promise broken: engagement/score.go, Score.At: "At moves the score to a
// later time: every component decays by the time between"; Score:
// "Scores are mergeable ... computed on different shards or days". The
// time between is b.Sub(a), which saturates at 2^63 ns (292 years), so a
// score with a half-life of 100 years moved 1,000 years on decays by
// 2^-2.92 (0.13) instead of 2^-10 (0.001); the analysis itself decays a
// response of that age by its whole age (run.ageParts, to 2^62 s).
// Observed: Score{Maintenance: 1}.At(+1000 years) = 0.1317, while
// Analyze as of the later time gives the same response 0.00097.
// Expected: the two agree (≈ 2^-10).
func TestAdversary48_ScoreAtStopsDecayingAt292Years(t *testing.T) {
	hl := 100 * 365 * 24 * time.Hour
	later := adv45AsOf.AddDate(1000, 0, 0)
	j := adv45Journey(t)
	w := Weights{Escalate: 3, Maintain: 1, Disengage: 2, HalfLife: hl}
	rs := []Response{{Client: "ann", Stimulus: "post", Kind: "like", Time: adv45AsOf}}
	now := adv45Must(Analyze(context.Background(), j, slices.Values(rs), Options{AsOf: adv45AsOf, Weights: w}))
	then := adv45Must(Analyze(context.Background(), j, slices.Values(rs), Options{AsOf: later, Weights: w}))
	s0, ok0 := now.ScoreAt(0)
	s1, ok1 := then.ScoreAt(0)
	if !ok0 || !ok1 || s0.Maintenance != 1 {
		t.Fatalf("control: scores %+v %+v", s0, s1)
	}
	want := math.Exp2(-float64(later.Unix()-adv45AsOf.Unix()) / hl.Seconds())
	if math.Abs(s1.Maintenance-want) > 1e-9 {
		t.Fatalf("control: Analyze as of +1000 years gives %v, want %v", s1.Maintenance, want)
	}
	if got := s0.At(later).Maintenance; math.Abs(got-want) > 1e-9 {
		t.Errorf("a maintenance of 1 (half-life 100 years) moved 1000 years by Score.At: %v; Analyze as of then: %v (2^-10 ≈ %v)",
			got, s1.Maintenance, want)
	}
}

// TestAdversary48_CUPEDThetaInfiniteBreaksJSON
//
// Promise broken: README.md, Design: "every result marshals to JSON";
// ExperimentPlan.Analyze refuses only a NaN or infinite Pre value
// (checkPre), and the report's figures are held to the float64 range
// (srm: "held to the largest float64, as every figure of a report is,
// so it marshals"). θ is cov(Y, X)/var(X): with finite pre-period
// values 0 and 1e-310 (their spread subnormal) and the clients of value
// 1e-310 converting, θ is about 1e310, and cuped's scaling back
// (math.Ldexp(theta, -(exp+1))) makes it +Inf. Observed: the report's
// Theta is +Inf and json.Marshal of the report fails. Expected: a report
// that marshals (θ held to the float64 range) or an *OptionError.
func TestAdversary48_CUPEDThetaInfiniteBreaksJSON(t *testing.T) {
	d := adv48Exposures(2, func(_ string, i int) bool { return i == 1 },
		func(_ string, i int) float64 { return float64(i) * 1e-310 })
	r, err := adv48Plan(t).Analyze(context.Background(), d)
	if errors.Is(err, ErrInvalidOption) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, jerr := json.Marshal(r); jerr != nil {
		t.Errorf("report with finite Pre values (theta %v) does not marshal: %v", r.Theta, jerr)
	}
}

// TestAdversary48_CUPEDPerfectSeparationNotSignificant
//
// Promise broken: engagement/cuped.go, Adjusted: "Z = Diff/SE, P its
// two-sided normal p-value, [Low, High] the interval at 1−α"; a test and
// its interval at one α must agree. When every control client converts
// and no variant client does, the variance pooled within the arms is 0:
// SE = 0, and adjusted leaves Z = 0 and P = 1 (its `if r.SE > 0`), while
// the interval is [−1, −1]. Observed (50 clients an arm): the fixed
// z-test has p 1.5e-23, CUPED has Diff −1, Low = High = −1 (excluding 0)
// and P = 1, not significant. Expected: a P at most α (the difference is
// certain), as the interval says.
func TestAdversary48_CUPEDPerfectSeparationNotSignificant(t *testing.T) {
	d := adv48Exposures(50, func(arm string, _ int) bool { return arm == "a" },
		func(_ string, i int) float64 { return float64(i % 3) })
	r, err := adv48Plan(t).Analyze(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	c := r.Comparisons[0]
	if !c.CUPED.Applied || c.CUPED.Diff != -1 || !c.Significant {
		t.Fatalf("control: comparison %+v", c)
	}
	if excludes := c.CUPED.Low > 0 || c.CUPED.High < 0; excludes && c.CUPED.P > r.Alpha {
		t.Errorf("CUPED of 50/50 against 0/50: diff %v, interval [%v, %v] excludes 0, yet P %v (z-test p %v); want P ≤ α = %v",
			c.CUPED.Diff, c.CUPED.Low, c.CUPED.High, c.CUPED.P, c.P, r.Alpha)
	}
}

// TestAdversary48_UnmarshalBookRefusesOwnEncoding
//
// Promise broken: engagement/encode.go, MarshalBinary: books encoded so
// "that books analyzed in other processes ... can be merged ... after
// [UnmarshalBook]"; UnmarshalBook must accept every book an analysis
// writes. possibleScore allows a class's score n·MaxWeight³·(1+2^-40),
// but a float sum of n responses rounds by more than 2^-40: 75,555
// maintaining responses of one client each weighing MaxWeight³ = 1e18
// (weights and multipliers of 1e6, which Validate accepts; a half-life
// of 0, no decay) sum to 1.3e-12 above n·1e18, since 1e18 rounds up at
// each addition from 2^74 on. Observed: UnmarshalBook of the book's own
// encoding is ErrCorrupt ("profile scores"). Expected: the book back.
func TestAdversary48_UnmarshalBookRefusesOwnEncoding(t *testing.T) {
	const n = 75555
	o := Options{AsOf: adv45AsOf, Weights: Weights{Escalate: MaxWeight, Maintain: MaxWeight, Disengage: MaxWeight,
		ByKind: map[string]float64{"like": MaxWeight}, BySetting: map[string]float64{"linkedin": MaxWeight}}}
	if err := o.Validate(); err != nil {
		t.Fatal(err)
	}
	rs := make([]Response, n)
	for i := range rs {
		rs[i] = Response{Client: "ann", Stimulus: "post", Kind: "like", Time: adv45Days(1)}
	}
	j, data := adv48Book(t, o, rs, nil)
	if _, err := UnmarshalBook(j, o, data); err != nil {
		t.Errorf("the encoding of a book of %d responses (valid options) read back: %v; want the book", n, err)
	}
}

// TestAdversary48_UnmarshalBookMoreSurveyAnswersThanResponses
//
// Promise broken: engagement/encode.go, UnmarshalBook: "data that is not
// a whole book is [ErrCorrupt]" — the decoder refuses every profile no
// analysis writes. Each survey answer is one response (run.fold counts
// it in nExpected or nDelivered, never both), so a profile's answers are
// at most its responses; decoder.profile only checks that a profile of
// no response has none. Observed: a book of one like, patched to carry
// one expected and one delivered answer, is read back without error,
// and ExpectationGap reports a gap of 7 for a client who never answered
// a survey. Expected: ErrCorrupt.
func TestAdversary48_UnmarshalBookMoreSurveyAnswersThanResponses(t *testing.T) {
	o := Options{AsOf: adv45AsOf, ExpectedKind: "exp", DeliveredKind: "del"}
	rs := []Response{{Client: "ann", Stimulus: "post", Kind: "like", Time: adv45Days(3)}}
	j, data := adv48Book(t, o, rs, func(_ *Book, p *profile) {
		p.nExpected, p.expected = 1, 9*surveyScale
		p.nDelivered, p.delivered = 1, 2*surveyScale
	})
	got, err := UnmarshalBook(j, o, data)
	if !errors.Is(err, ErrCorrupt) {
		gaps, _ := got.ExpectationGap()
		t.Errorf("one response with two survey answers read back: err %v, gaps %+v; want ErrCorrupt", err, gaps)
	}
}

// TestAdversary48_UnmarshalBookMoreEscalatedPeriodsThanEscalations
//
// Promise broken: engagement/encode.go, UnmarshalBook: "data that is not
// a whole book is [ErrCorrupt]". Each escalation marks one period
// escalated (run.fold), so a profile has at most as many escalated
// periods as escalations; decoder.profile checks that active periods
// are at most the responses, and that escalated periods need some
// escalation, but not their number. Observed: three responses over
// three periods with one escalation, patched to three escalated
// periods, read back without error, and Superfans makes a superfan
// ("escalated in at least 3 of 6 periods") of a client who escalated
// once. Expected: ErrCorrupt.
func TestAdversary48_UnmarshalBookMoreEscalatedPeriodsThanEscalations(t *testing.T) {
	o := Options{AsOf: adv45AsOf}
	rs := []Response{
		{Client: "ann", Stimulus: "post", Kind: "click", Setting: "website", Time: adv45Days(1)}, // escalates
		{Client: "ann", Stimulus: "post", Kind: "like", Time: adv45Days(31)},
		{Client: "ann", Stimulus: "post", Kind: "like", Time: adv45Days(61)},
	}
	j, data := adv48Book(t, o, rs, func(_ *Book, p *profile) {
		if p.responses != 3 || p.escalations != 1 || p.active != 0b111 || p.escalated != 0b001 {
			t.Fatalf("control: profile %+v", *p)
		}
		p.escalated = 0b111
	})
	got, err := UnmarshalBook(j, o, data)
	if !errors.Is(err, ErrCorrupt) {
		fans, _ := got.Superfans(SuperfanRule{})
		t.Errorf("one escalation in three escalated periods read back: err %v, superfans %+v; want ErrCorrupt", err, fans)
	}
}

// TestAdversary48_UnmarshalBookActivityBeforeOldestResponse
//
// Promise broken: engagement/encode.go, UnmarshalBook: "data that is not
// a whole book is [ErrCorrupt]". A profile's active periods are the
// periods of its responses' ages, so the newest response's period is
// active and none is older than the oldest response's (run.fold,
// profile.merge keep both); decoder.profile checks the ages against each
// other but never against the periods. Observed: one like three days
// before as-of (period 0), patched to be active in period 5 only (150
// days back, older than its only response), reads back without error:
// Patterns sees activity where no response was. Expected: ErrCorrupt.
func TestAdversary48_UnmarshalBookActivityBeforeOldestResponse(t *testing.T) {
	o := Options{AsOf: adv45AsOf}
	rs := []Response{{Client: "ann", Stimulus: "post", Kind: "like", Time: adv45Days(3)}}
	j, data := adv48Book(t, o, rs, func(_ *Book, p *profile) {
		if p.active != 1 || p.oldest != int64(3*24*time.Hour) {
			t.Fatalf("control: profile %+v", *p)
		}
		p.active = 1 << 5
	})
	got, err := UnmarshalBook(j, o, data)
	if !errors.Is(err, ErrCorrupt) {
		pats, _ := got.Patterns(PatternRule{})
		t.Errorf("a response 3 days old with activity only 150 days back read back: err %v, patterns %+v; want ErrCorrupt", err, pats)
	}
}
