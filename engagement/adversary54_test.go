package engagement

// Adversary 54: failing tests, one defect each, for package engagement.

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"
)

var a54AsOf = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

// a54Campaign is a journey with one campaign of two variants, posted on
// the feed, whose click-through to the site escalates.
func a54Campaign(t testing.TB) *Journey {
	settings := []Setting{{ID: "feed", Depth: 1}, {ID: "site", Depth: 2}}
	stimuli := []Stimulus{
		{ID: "post-a", Setting: "feed", Kind: "post", Campaign: "spring", Variant: "A", Time: a54AsOf.AddDate(0, -1, 0)},
		{ID: "post-b", Setting: "feed", Kind: "post", Campaign: "spring", Variant: "B", Time: a54AsOf.AddDate(0, -1, 0)},
	}
	j, err := NewJourney(settings, stimuli)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// TestAdversary54_CompareRespondersCountsNoClient
//
// Promise broken: CompareResponders "measures the variants of a campaign
// among the clients who responded to them: a client counts once per
// variant". A response without a client is no client's: [Analyze] and
// [Funnel] reject it as NoClient, and an [ExperimentPlan] counts an
// exposure "without client" as Invalid and leaves it out.
//
// Observed: experiment.go, CompareResponders keys its exposed set by
// r.Client without checking it, so every response with Client "" is one
// more exposed "client" of its variant: here variant B, whose only
// client did not escalate, gets Exposed 2, Escalated 1, Rate 0.5 from
// twenty anonymous click-throughs.
//
// Expected: responses without a client are left out: B has one exposed
// client, none escalated.
func TestAdversary54_CompareRespondersCountsNoClient(t *testing.T) {
	j := a54Campaign(t)
	at := a54AsOf.AddDate(0, 0, -3)
	var rs []Response
	for i := range 5 {
		rs = append(rs, Response{Client: fmt.Sprint("a", i), Stimulus: "post-a", Kind: "like", Time: at})
	}
	rs = append(rs, Response{Client: "b0", Stimulus: "post-b", Kind: "like", Time: at})
	for range 20 {
		rs = append(rs, Response{Client: "", Stimulus: "post-b", Kind: "click", Setting: "site", Time: at})
	}
	e, err := CompareResponders(context.Background(), j, slices.Values(rs), "spring", "A", 1, Classifier{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range e.Variants {
		if v.Name == "B" && (v.Exposed != 1 || v.Escalated != 0) {
			t.Errorf("variant B: exposed %d, escalated %d (rate %v); want 1 client (b0), none escalated: responses without a client counted as a client",
				v.Exposed, v.Escalated, v.Rate)
		}
	}
}

// TestAdversary54_TinyAlphaMakesNaNIntervals
//
// Promise broken: ExperimentConfig.Alpha "is the significance level of
// the tests and the coverage 1−Alpha of the intervals, in (0, 1)"; an
// invalid value is an [*OptionError] from NewExperimentPlan; and NaN never
// decides (ExperimentPlan.z: "1 − α/2 rounds to 1 for a tiny α (1e-20),
// whose quantile is +Inf and made every interval NaN", fixed by reading
// the lower tail).
//
// Observed: α = 5e-324, the least positive float64, is accepted, and
// experiment_report.go z() computes NormalQuantile(α/2), where α/2
// underflows to 0: the quantile of 0 is −Inf, z is +Inf, and every
// arm's Wilson interval in the report is [NaN, NaN] (Wilson's center is
// (p + ∞)/∞): the report does not encode as JSON.
//
// Expected: either the plan refuses an α whose critical value is not a
// finite number, or the report's intervals are numbers (at such an α,
// [0, 1] for a rate).
func TestAdversary54_TinyAlphaMakesNaNIntervals(t *testing.T) {
	p, err := NewExperimentPlan(ExperimentConfig{Experiment: "e", Control: "A", Arms: []Arm{{"A", 1}, {"B", 1}},
		Window: 7 * 24 * time.Hour, Kinds: []string{"click"}, Alpha: 5e-324})
	if err != nil {
		t.Skipf("α = 5e-324 refused: %v", err) // a refusal is the fix
	}
	at := a54AsOf.AddDate(0, 0, -3)
	var xs []Exposure
	var rs []Response
	for i := range 40 {
		c := fmt.Sprint("c", i)
		xs = append(xs, Exposure{Client: c, Experiment: "e", Variant: []string{"A", "B"}[i%2], Time: at})
		if i%3 == 0 {
			rs = append(rs, Response{Client: c, Stimulus: "s", Kind: "click", Time: at.Add(time.Hour)})
		}
	}
	r, err := p.Analyze(context.Background(), ExperimentData{AsOf: a54AsOf, Exposures: slices.Values(xs), Responses: slices.Values(rs)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := json.Marshal(r); err != nil || math.IsNaN(r.Arms[0].Low) {
		t.Errorf("α = 5e-324: arm A interval [%v, %v], diff interval [%v, %v]; JSON: %v",
			r.Arms[0].Low, r.Arms[0].High, r.Comparisons[0].DiffLow, r.Comparisons[0].DiffHigh, err)
	}
}

// TestAdversary54_MergeBooksOrderSaturated
//
// Promise broken: MergeBooks "combines books of disjoint sets of
// responses ... into the book of all of them: scores add exactly (up to
// float rounding) ... as if one analysis had seen every response"; the
// merge laws (commutative, associative) the package's scores obey
// ("Scores are mergeable").
//
// Observed: profile.merge (profile.go) saturates each class's score at
// ±maxScore after every pairwise addition, the fix for merged saturated
// books overflowing to +Inf (adversary 52). Saturating addition is not
// associative once signs mix, and a class's score may be negative (a
// kind's multiplier may be, as here "dislike": −1): three books of one
// client whose maintenance is +maxScore, +maxScore and −maxScore (each
// accepted by UnmarshalBook: a saturated count may hold any score up to
// maxScore) merge to 0 in the order a, b, c and to 9.2e36 in the order
// c, a, b. The merged book depends on the order of the books.
//
// Expected: the same book whatever the order of the books (the clamp
// applied once to the exact total, say, which here is +maxScore).
func TestAdversary54_MergeBooksOrderSaturated(t *testing.T) {
	o := Options{AsOf: adv45AsOf, Weights: Weights{Escalate: 3, Maintain: 1, Disengage: 2, HalfLife: 90 * 24 * time.Hour,
		ByKind: map[string]float64{"dislike": -1}}}
	like := []Response{{Client: "ann", Stimulus: "post", Kind: "like", Time: adv45AsOf.Add(-time.Hour)}}
	j := adv45Journey(t)
	book := func(score float64) *Book {
		_, data := adv48Book(t, o, like, func(b *Book, p *profile) {
			p.responses, p.score[Maintain-1] = math.MaxInt32, score
			b.Report.In, b.Report.Used = math.MaxInt32, math.MaxInt32
		})
		b, err := UnmarshalBook(j, o, data)
		if err != nil {
			t.Fatalf("control: a book of maintenance %g reads back: %v", score, err)
		}
		return b
	}
	// maxScore, the clamp of adversary 52's fix, is gone: merges add
	// scores as they are (MergeBooks refuses only an overflow).
	const maxScore = 0x1p63 * MaxWeight * MaxWeight * MaxWeight
	a, b, c := book(maxScore), book(maxScore), book(-maxScore)
	abc := adv45Must(MergeBooks(a, b, c)).Scores()
	cab := adv45Must(MergeBooks(c, a, b)).Scores()
	if abc[0].Maintenance != cab[0].Maintenance {
		t.Errorf("MergeBooks(a, b, c) gives maintenance %g, MergeBooks(c, a, b) %g: the merge depends on the order of the books",
			abc[0].Maintenance, cab[0].Maintenance)
	}
}

// TestAdversary54_FunnelMedianTimeRounded
//
// Promise broken: Funnel: "The median time of a step is, for each client
// who reached it, the time from the latest qualifying response at the
// step before to their first qualifying response at it": a time.Duration,
// exact to the nanosecond as the responses' times are (the funnel holds
// them as int64 nanoseconds so that nothing is lost, "the same for any
// order of the responses").
//
// Observed: funnel.go, funnelCount collects the gaps as float64 and takes
// stats.Median of them: a gap past 2^53 ns (104 days) is rounded to the
// float64 grid, so one client who took five years and 7 ns to step from
// the feed to the site has a median time 7 ns short (the grid there is
// 32 ns).
//
// Expected: the median of one gap is that gap (and of two, their mean
// rounded once), computed on the integer nanoseconds.
func TestAdversary54_FunnelMedianTimeRounded(t *testing.T) {
	j := a54Campaign(t)
	st, _ := j.Stimulus("post-a")
	gap := 5*365*24*time.Hour + 7
	rs := []Response{
		{Client: "x", Stimulus: "post-a", Kind: "view", Time: st.Time},
		{Client: "x", Stimulus: "post-a", Kind: "click", Setting: "site", Time: st.Time.Add(gap)},
	}
	f, err := Funnel(context.Background(), j, slices.Values(rs), []string{"feed", "site"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if f.Steps[1].Reached != 1 {
		t.Fatalf("control: %+v", f.Steps)
	}
	if got := f.Steps[1].MedianTime; got != gap {
		t.Errorf("the one client's gap is %v (%d ns); MedianTime %v (%d ns)", gap, int64(gap), got, int64(got))
	}
}
