package engagement

// Adversary 45: failing tests, one defect each, for the engagement
// package (package-internal, so the helpers are named adv45).

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"testing"
	"time"
)

var adv45AsOf = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

func adv45Days(n int) time.Time { return adv45AsOf.AddDate(0, 0, -n) }

func adv45Journey(t testing.TB) *Journey {
	t.Helper()
	settings := []Setting{
		{ID: "linkedin", Stage: PreSale, Depth: 1},
		{ID: "website", Stage: PreSale, Depth: 2},
		{ID: "meeting", Stage: PostSale, Depth: 5},
	}
	stimuli := []Stimulus{
		{ID: "post", Setting: "linkedin", Kind: "post", Campaign: "spring", Topic: "pensions", Time: adv45Days(400)},
		{ID: "article", Setting: "website", Kind: "article", Campaign: "spring", Topic: "mortgages", Time: adv45Days(400)},
		{ID: "agenda", Setting: "meeting", Kind: "agenda", Topic: "isa", Time: adv45Days(400)},
	}
	j, err := NewJourney(settings, stimuli)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// adv45Must is for set-up that cannot fail.
func adv45Must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestAdversary45_FiniteWeightsMakeNaNScore
//
// Promise broken: engagement/analyze.go, Options.Validate: invalid options
// include "weights that are not finite numbers", which Analyze refuses
// before reading a response; and the library's standard "NaN never
// decides". Each weight and multiplier is checked alone, but a response's
// weight is their product: Escalate 3 and Disengage 2 (finite) times a
// BySetting multiplier of 1e308 (finite) overflow to +Inf, and a client
// with one click to the website and one unsubscribe there has
// escalation +Inf, disengagement +Inf and a Total of NaN, which then
// ranks Superfans. Observed: Validate passes, Analyze returns the NaN
// score. Expected: an *OptionError for weights whose products are not
// finite, or finite scores.
func TestAdversary45_FiniteWeightsMakeNaNScore(t *testing.T) {
	j := adv45Journey(t)
	o := Options{AsOf: adv45AsOf, Weights: Weights{Escalate: 3, Maintain: 1, Disengage: 2, HalfLife: 90 * 24 * time.Hour,
		BySetting: map[string]float64{"website": 1e308}}}
	rs := []Response{
		{Client: "ann", Stimulus: "post", Kind: "click", Setting: "website", Time: adv45Days(1)},
		{Client: "ann", Stimulus: "article", Kind: "unsubscribe", Time: adv45Days(1)},
	}
	b, err := Analyze(context.Background(), j, slices.Values(rs), o)
	if err != nil {
		return // refused: what the contract asks
	}
	for _, s := range b.Scores() {
		if tot := s.Total(); math.IsNaN(tot) || math.IsInf(s.Escalation, 0) || math.IsInf(s.Disengagement, 0) {
			t.Errorf("options Validate accepts (%v) give client %s escalation %v, disengagement %v, total %v; want an option error or a finite score",
				o.Validate(), s.Client, s.Escalation, s.Disengagement, tot)
		}
	}
}

// TestAdversary45_UnmarshalBookEscalationScoreWithoutEscalation
//
// Promise broken: engagement/encode.go, UnmarshalBook: "data that is not
// a whole book is [ErrCorrupt]" — the decoder refuses every profile no
// analysis writes (escalated periods without an escalation, a topic
// without one, ...). An analysis adds to a profile's escalation score
// only when it counts an escalation (run.fold), so a profile of no
// escalation has an escalation score of exactly 0. Observed: a book of
// one maintaining response, its escalation score patched to 5, is read
// back without error, and its Score shows an escalation of 5 for a client
// who never escalated. Expected: ErrCorrupt.
func TestAdversary45_UnmarshalBookEscalationScoreWithoutEscalation(t *testing.T) {
	j := adv45Journey(t)
	o := Options{AsOf: adv45AsOf}
	rs := []Response{{Client: "ann", Stimulus: "post", Kind: "like", Time: adv45Days(3)}}
	b := adv45Must(Analyze(context.Background(), j, slices.Values(rs), o))
	data := adv45Must(b.MarshalBinary())
	// magic (8), fingerprint (8), one client (1), its id's length (1) and
	// "ann" (3): the profile's scores come next, by class (maintenance,
	// escalation, disengagement).
	at := len(bookMagic) + 8 + 1 + 1 + len("ann") + 8*(int(Escalate)-1)
	if got := math.Float64frombits(binary.LittleEndian.Uint64(data[at:])); got != 0 {
		t.Fatalf("layout: escalation score %v at %d, want 0", got, at)
	}
	binary.LittleEndian.PutUint64(data[at:], math.Float64bits(5))
	got, err := UnmarshalBook(j, o, data)
	if !errors.Is(err, ErrCorrupt) {
		s, _ := got.ScoreAt(0)
		t.Errorf("a profile of no escalation with an escalation score of 5 read back: err %v, score %+v; want ErrCorrupt", err, s)
	}
}

// TestAdversary45_EventsRuleReadsIDThroughLet
//
// Promise broken: engagement/events.go, AnalyzeEvents: "It gives the same
// book as Analyze over the same responses", kept for classifier rules by
// refusing a rule that reads response.ID ("numbered events carry no
// response id") — validateForEvents via Classifier.readsID. readsID looks
// only for the path "response.ID" in the rule's reads; a rule that binds
// the whole response first (`let r = response; r.ID startsWith "desk-"`)
// reads "response" and passes. Observed: AnalyzeEvents takes the rule,
// hands it an empty ID and maintains the response that Analyze
// escalates: two books of one response. Expected: the option error the
// direct spelling gets, or the same book.
func TestAdversary45_EventsRuleReadsIDThroughLet(t *testing.T) {
	j := adv45Journey(t)
	x := adv45Must(NewIndex(j, "like"))
	c := adv45Must(Classifier{}.WithRule(`let r = response; r.ID startsWith "desk-" ? "escalate" : "maintain"`))
	o := Options{AsOf: adv45AsOf, Classifier: c}
	rs := []Response{{ID: "desk-1", Client: "ann", Stimulus: "post", Kind: "like", Time: adv45Days(3)}}
	ctx := context.Background()
	named := adv45Must(Analyze(ctx, j, slices.Values(rs), o))
	numbered, err := AnalyzeEvents(ctx, x, []string{"ann"}, slices.Values([]Event{x.Event(0, rs[0])}), o)
	if errors.Is(err, ErrInvalidOption) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	a, _ := named.ScoreAt(0)
	e, _ := numbered.ScoreAt(0)
	if a.Escalation != e.Escalation || a.Maintenance != e.Maintenance {
		t.Errorf("a rule reading the id through a let: Analyze %+v, AnalyzeEvents %+v; want an option error or the same score", a, e)
	}
}

// TestAdversary45_SRMChiSquareInfiniteBreaksJSON
//
// Promise broken: README.md, Design: "every result marshals to JSON";
// NewExperimentPlan accepts any positive, finite arm weight. An arm
// weighted 1e-320 against 1 (both positive and finite, so the plan is
// valid) has a planned share of about 1e-320; one client in it makes the
// SRM check's chi-square (1 − 2e-320)²/2e-320, beyond the float64 range:
// +Inf. Observed: ExperimentPlan.Analyze returns a report whose
// SRM.ChiSquare is +Inf, and json.Marshal of the report fails
// ("unsupported value: +Inf"). Expected: a report that marshals (a
// statistic held to the float64 range, as the package holds its other
// figures), or the weight refused as an *OptionError.
func TestAdversary45_SRMChiSquareInfiniteBreaksJSON(t *testing.T) {
	p, err := NewExperimentPlan(ExperimentConfig{Experiment: "invite", Control: "a", Arms: []Arm{{"a", 1}, {"b", 1e-320}},
		Window: 24 * time.Hour, Kinds: []string{"register"}})
	if err != nil {
		return // refused: what the contract allows
	}
	xs := []Exposure{{Client: "ann", Experiment: "invite", Variant: "a", Time: adv45Days(3)},
		{Client: "bob", Experiment: "invite", Variant: "b", Time: adv45Days(3)}}
	r, err := p.Analyze(context.Background(), ExperimentData{AsOf: adv45AsOf, Exposures: slices.Values(xs)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := json.Marshal(r); err != nil {
		t.Errorf("report of a valid plan (SRM %+v) does not marshal: %v", r.SRM, err)
	}
}
