package engagement

// Adversary 50: failing tests, one defect each, for the engagement
// package (package-internal; the journey, times and book helpers are
// adversaries 45's and 48's).

import (
	"context"
	"errors"
	"math"
	"testing"
)

// TestAdversary50_UnmarshalBookActivityNewerThanOldNewestResponse
//
// Promise broken: engagement/encode.go, UnmarshalBook: "data that is not
// a whole book is [ErrCorrupt]", which adversary 48's fix reads as
// refusing "active periods outside the newest and oldest response's"
// (possiblePeriods: "the periods of the newest and oldest response, and
// none outside them"). possiblePeriods checks for a period newer than
// the newest response's only when that period is below 64
// (`lo < 64 && active&(bit(lo)-1) != 0`): when every response is 64
// periods old or more, every bit a profile keeps is newer than its
// newest response, yet none is refused. Observed: three likes 2,002 to
// 2,004 days before as-of (period 66; run.fold marks no period), patched
// to be active in periods 0, 1 and 2, read back without error, and
// Patterns calls the client "intermittent" with 3 active periods in the
// last 12 — five years after their last response. Expected: ErrCorrupt.
func TestAdversary50_UnmarshalBookActivityNewerThanOldNewestResponse(t *testing.T) {
	o := Options{AsOf: adv45AsOf.AddDate(0, 0, 2000)}
	rs := []Response{
		{Client: "ann", Stimulus: "post", Kind: "like", Time: adv45Days(2)},
		{Client: "ann", Stimulus: "post", Kind: "like", Time: adv45Days(3)},
		{Client: "ann", Stimulus: "post", Kind: "like", Time: adv45Days(4)},
	}
	j, data := adv48Book(t, o, rs, func(_ *Book, p *profile) {
		if p.responses != 3 || p.active != 0 || uint64(p.newest)/uint64(o.withDefaults().Period) < 64 {
			t.Fatalf("control: profile %+v", *p)
		}
		p.active = 0b111
	})
	got, err := UnmarshalBook(j, o, data)
	if !errors.Is(err, ErrCorrupt) {
		pats, _ := got.Patterns(PatternRule{})
		t.Errorf("responses 66 periods old, active in periods 0-2, read back: err %v, patterns %+v; want ErrCorrupt", err, pats)
	}
}

// TestAdversary50_UnmarshalBookMoreTopicsThanEscalations
//
// Promise broken: engagement/encode.go, UnmarshalBook: "data that is not
// a whole book is [ErrCorrupt]" (adversary 48: it "refuses profiles no
// analysis writes"). A topic is added to a profile only by an escalation,
// one topic each (run.fold: addTopic(s.topic) when esc), and a merge
// unions topics as it adds escalations, so a profile holds at most as
// many topics as escalations; decoder.profile checks only that topics
// need some escalation. Observed: one escalation (a click from the
// pensions post to the website), patched to three topics, reads back
// without error, and CrossSells offers the client isa, mortgages and
// pensions — two topics they never escalated on. Expected: ErrCorrupt.
func TestAdversary50_UnmarshalBookMoreTopicsThanEscalations(t *testing.T) {
	o := Options{AsOf: adv45AsOf}
	rs := []Response{{Client: "ann", Stimulus: "post", Kind: "click", Setting: "website", Time: adv45Days(2)}}
	j, data := adv48Book(t, o, rs, func(_ *Book, p *profile) {
		if p.escalations != 1 || p.nTopics != 1 {
			t.Fatalf("control: profile %+v", *p)
		}
		p.topics[1], p.topics[2], p.nTopics = 1, 2, 3
	})
	got, err := UnmarshalBook(j, o, data)
	if !errors.Is(err, ErrCorrupt) {
		t.Errorf("one escalation with three topics read back: err %v, cross-sells %+v; want ErrCorrupt", err, got.CrossSells(nil))
	}
}

// TestAdversary50_UnmarshalBookSurveyAnswersWithoutSurveyKinds
//
// Promise broken: engagement/encode.go, UnmarshalBook: "data that is not
// a whole book is [ErrCorrupt]"; it is given the options the book was
// analyzed with (their fingerprint is checked). A survey answer is a
// response of Options.ExpectedKind or DeliveredKind (run.kind); with
// neither set no response is one, and no analysis with those options
// writes a survey tally. decoder.profile bounds the answers by the
// responses only. Observed: a book of two likes, analyzed with no survey
// kinds, patched to one expected answer of 9 and one delivered of 2,
// reads back without error, and ExpectationGap reports a gap of 7 for the
// client (and a book mean of 7). Expected: ErrCorrupt.
func TestAdversary50_UnmarshalBookSurveyAnswersWithoutSurveyKinds(t *testing.T) {
	o := Options{AsOf: adv45AsOf}
	rs := []Response{
		{Client: "ann", Stimulus: "post", Kind: "like", Time: adv45Days(2)},
		{Client: "ann", Stimulus: "post", Kind: "like", Time: adv45Days(3)},
	}
	j, data := adv48Book(t, o, rs, func(_ *Book, p *profile) {
		p.nExpected, p.expected = 1, 9*surveyScale
		p.nDelivered, p.delivered = 1, 2*surveyScale
	})
	got, err := UnmarshalBook(j, o, data)
	if !errors.Is(err, ErrCorrupt) {
		gaps, mean := got.ExpectationGap()
		t.Errorf("survey answers in a book analyzed with no survey kinds read back: err %v, gaps %+v (mean %v); want ErrCorrupt", err, gaps, mean)
	}
}

// TestAdversary50_MergedBookOfSaturatedCountsRefused
//
// Promise broken: engagement/encode.go, MarshalBinary: books are encoded
// "so that books analyzed in other processes ... can be merged with
// [MergeBooks] after [UnmarshalBook]", and doc.go: "A book crosses
// processes as bytes" — a merged book (a distributed engine's partial
// merge) must read back. profile.merge saturates responses and
// escalations at MaxInt32 apart, so the count of non-escalating
// responses (responses − escalations), which bounds the maintenance and
// disengagement scores in possibleScore, shrinks when responses saturate
// and escalations do not, while the scores still add. Observed: book A
// (MaxInt32 maintaining responses, maintenance MaxInt32·1e18, weights
// and multipliers 1e6) and book B (2^30 escalations) each read back
// without error; MergeBooks(A, B) gives responses MaxInt32, escalations
// 2^30 and maintenance MaxInt32·1e18, and UnmarshalBook of its encoding
// is ErrCorrupt ("profile scores"). Expected: the merged book reads back.
func TestAdversary50_MergedBookOfSaturatedCountsRefused(t *testing.T) {
	o := Options{AsOf: adv45AsOf, Weights: Weights{Escalate: MaxWeight, Maintain: MaxWeight, Disengage: MaxWeight,
		ByKind:    map[string]float64{"like": MaxWeight, "click": MaxWeight},
		BySetting: map[string]float64{"linkedin": MaxWeight, "website": MaxWeight}}}
	like := []Response{{Client: "ann", Stimulus: "post", Kind: "like", Time: adv45AsOf}}
	click := []Response{{Client: "ann", Stimulus: "post", Kind: "click", Setting: "website", Time: adv45AsOf}}
	_, dataA := adv48Book(t, o, like, func(b *Book, p *profile) {
		if p.responses != 1 || p.maint() != 1e18 {
			t.Fatalf("control: profile %+v", *p)
		}
		// What MaxInt32 such likes write.
		p.responses, p.score[Maintain-1] = math.MaxInt32, math.MaxInt32*1e18
		b.Report.In, b.Report.Used = math.MaxInt32, math.MaxInt32
	})
	_, dataB := adv48Book(t, o, click, func(b *Book, p *profile) {
		if p.responses != 1 || p.escalations != 1 || p.esc() != 1e18 {
			t.Fatalf("control: profile %+v", *p)
		}
		// What 2^30 such clicks write.
		p.responses, p.escalations, p.score[Escalate-1] = 1<<30, 1<<30, (1<<30)*1e18
		b.Report.In, b.Report.Used = 1<<30, 1<<30
	})
	// adv48Book builds a journey per book: read both against one.
	j := adv45Journey(t)
	a, errA := UnmarshalBook(j, o, dataA)
	b, errB := UnmarshalBook(j, o, dataB)
	if errA != nil || errB != nil {
		t.Fatalf("control: the two books read back: %v, %v", errA, errB)
	}
	m, err := MergeBooks(a, b)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := m.MarshalBinary()
	if _, err := UnmarshalBook(j, o, data); err != nil {
		p := m.profiles[0]
		t.Errorf("MergeBooks of two books UnmarshalBook accepts (responses %d, escalations %d, maintenance %g) does not read back: %v",
			p.responses, p.escalations, p.maint(), err)
	}
}

// TestAdversary50_CUPEDCertainOfRoundingNoise
//
// Promise broken: engagement/cuped.go, cuped: "θ is scaled back; the
// adjusted difference does not depend on the scale" (of the covariate),
// and the standard that a rounding, like a NaN, never decides. When the
// pre-period value is a linear function of the outcome, the covariate
// explains the whole difference between the arms: the adjusted
// difference is 0 and no variance is left. adjusted's new branch calls a
// difference without variance certain (P 0); but Diff is computed, and
// rounds. Observed (3 clients an arm, 1 and 2 converting, pre-period
// value 4·y): Diff 0, P 1; with the pre-period value 5·y, the same
// experiment: Diff −1.1e-16, SE 0, Z −MaxFloat64, P 0, Significant.
// Expected: the same verdict for both scales — a difference of rounding
// noise is no difference (P 1).
func TestAdversary50_CUPEDCertainOfRoundingNoise(t *testing.T) {
	cuped := func(scale float64) Adjusted {
		// 30 clients an arm (3 at first: since CUPED is not applied where
		// a cell of the table expects fewer than five, the case is the
		// same ten times over).
		conv := func(arm string, i int) bool { return arm == "a" && i < 10 || arm == "b" && i < 20 }
		d := adv48Exposures(30, conv, func(arm string, i int) float64 {
			if conv(arm, i) {
				return scale
			}
			return 0
		})
		r, err := adv48Plan(t).Analyze(context.Background(), d)
		if err != nil {
			t.Fatal(err)
		}
		return r.Comparisons[0].CUPED
	}
	four, five := cuped(4), cuped(5)
	if !four.Applied || four.Diff != 0 || four.P != 1 {
		t.Fatalf("control: pre-period 4·y gives %+v", four)
	}
	if five.P != four.P || five.Significant != four.Significant {
		t.Errorf("pre-period 4·y: %+v\npre-period 5·y (the same experiment): %+v\nwant one verdict (P 1)", four, five)
	}
}
