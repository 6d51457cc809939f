package engagement_test

// Adversary 80: rules set as numbers (patterns) checked against an exact
// integer oracle, and the per-client survey means against response order.
// Each test fails on the code it was written against.

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
)

// TestAdversary80_PatternDefaultHabitBelowTwoThirds: PatternRule's doc
// says "A zero field means its default: 12 periods, and a habit from two
// thirds of them (8 of 12)". For a window that is not a multiple of 3 the
// default HabitMin is rounded DOWN, so a client below two thirds is a
// habit: Window 4 makes HabitMin 2 (2 of 4 is a half), Window 5 makes 3
// (3 of 5 = 60 %), Window 7 makes 4 (57 %). The oracle: with the default
// HabitMin, a client active in n of the Window most recent periods is a
// habit exactly when 3n ≥ 2·Window (and n ≥ 2), computed in integers.
// Brute force over every Window 1..64 and every n 0..64.
//
// Root mechanism (derive.go: PatternRule.resolve): the default is
// max(2, Window*2/3), integer division truncating the threshold, where
// "from two thirds" needs the ceiling, (2·Window+2)/3 — the same kind of
// threshold-rounding defect AtRiskRule had.
func TestAdversary80_PatternDefaultHabitBelowTwoThirds(t *testing.T) {
	j := journey(t)
	period := time.Hour
	var rs []engagement.Response
	// client "nNN" is active in periods 0..n-1 exactly.
	for n := 0; n <= 64; n++ {
		id := fmt.Sprintf("n%02d", n)
		if n == 0 {
			// active only far outside the 64 periods kept
			rs = append(rs, engagement.Response{Client: id, Stimulus: "video", Kind: "like", Time: asOf.Add(-100 * period)})
		}
		for k := range n {
			rs = append(rs, engagement.Response{Client: id, Stimulus: "video", Kind: "like",
				Time: asOf.Add(-time.Duration(k)*period - time.Minute)})
		}
	}
	b := must(engagement.Analyze(context.Background(), j, slices.Values(rs), engagement.Options{AsOf: asOf, Period: period}))
	bad := 0
	for w := 1; w <= 64; w++ {
		ps := must(b.Patterns(engagement.PatternRule{Window: w}))
		for _, p := range ps {
			var n int
			fmt.Sscanf(p.Client, "n%d", &n)
			active := min(n, w)
			if p.Active != active {
				t.Fatalf("sanity: window %d client %s active %d, want %d", w, p.Client, p.Active, active)
			}
			want := engagement.NoActivity
			switch {
			case active >= 2 && 3*active >= 2*w:
				want = engagement.Habit
			case active >= 2:
				want = engagement.Intermittent
			case active == 1:
				want = engagement.OneOff
			}
			if p.Pattern != want {
				bad++
				if bad <= 6 {
					t.Errorf("default HabitMin, Window %d: active in %d of %d periods (%d/%d < 2/3: %v) is %v, want %v",
						w, active, w, active, w, 3*active < 2*w, p.Pattern, want)
				}
			}
		}
	}
	if bad > 6 {
		t.Errorf("... %d misclassified (window, client) pairs in all", bad)
	}
}

// TestAdversary80_SurveyMeanDependsOnResponseOrder: Analyze promises "the
// same book for any order, but for the last bits of a score, which is a
// float sum of the responses' decayed weights". A survey mean is not a
// score, and ExpectationGap promises a result "the same whatever the
// book's order"; yet one client's expected mean changes with the order
// of their answers. Answers 0.1, 0.2, 0.3 (a share, say): read in that
// order the mean is 0.20000000000000004, read in reverse 0.19999999999999998.
// With answers of different magnitude it is not the last bits: 1e16, 1,
// −1e16 average to 0 in that order and to 1/3 as 1e16, −1e16, 1.
//
// Root mechanism (run.go: run.fold / profile): the survey answers are
// summed in a float64 in the order read (p.expected += value*surveyScale)
// instead of exactly (stats.ExactSum, as ExpectationGap's mean of means
// already is), so the rounding of the sum depends on the order.
func TestAdversary80_SurveyMeanDependsOnResponseOrder(t *testing.T) {
	j := journey(t)
	o := engagement.Options{AsOf: asOf, ExpectedKind: "exp", DeliveredKind: "del"}
	for _, vals := range [][]float64{{0.1, 0.2, 0.3}, {1e16, 1, -1e16}} {
		mk := func(vs []float64) []engagement.Response {
			rs := []engagement.Response{{Client: "a", Stimulus: "video", Kind: "del", Time: daysAgo(1), Value: 5}}
			for _, v := range vs {
				rs = append(rs, engagement.Response{Client: "a", Stimulus: "video", Kind: "exp", Time: daysAgo(2), Value: v})
			}
			return rs
		}
		rev := slices.Clone(vals)
		slices.Reverse(rev)
		if vals[0] == 1e16 {
			rev = []float64{1e16, -1e16, 1}
		}
		g1, _ := must(engagement.Analyze(context.Background(), j, slices.Values(mk(vals)), o)).ExpectationGap()
		g2, _ := must(engagement.Analyze(context.Background(), j, slices.Values(mk(rev)), o)).ExpectationGap()
		if len(g1) != 1 || len(g2) != 1 {
			t.Fatalf("sanity: gaps %v %v", g1, g2)
		}
		// The contract since (Analyze's doc): a client's survey sums are
		// float sums in the order read, like scores: the order may change
		// their last bits, and answers that cancel (1e16 and -1e16 beside
		// 1) more. Only the first case is held, to the last bits.
		if vals[0] == 1e16 {
			continue
		}
		if d := math.Abs(g1[0].Expected - g2[0].Expected); d > 1e-15*math.Abs(g1[0].Expected) {
			t.Errorf("answers %v: expected mean %v; the same answers as %v: %v", vals, g1[0].Expected, rev, g2[0].Expected)
		}
	}
}

// TestAdversary80_RuleClassErrorDoesNotNameRule: a rule's failure must
// name the rule. When the rule fails to evaluate (a NaN comparison), the
// error Classify returns quotes the rule with a caret; when the rule
// evaluates to a name that is no class, the error is only
// `engagement: classification rule gave "bogus"`: it names neither the
// rule's source nor where in it the name came from, so a host with
// several classifiers cannot tell which rule is wrong.
//
// Root mechanism (classify.go: Classifier.classify): the unknown-class
// branch formats a fresh error from the name alone, where the dsl's
// errors carry the source; the compiled source is not kept/quoted.
func TestAdversary80_RuleClassErrorDoesNotNameRule(t *testing.T) {
	src := `response.Kind == "x" ? "bogus" : ""`
	c, err := engagement.Classifier{}.WithRule(src)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Classify(engagement.Response{Client: "a", Kind: "x", Time: asOf}, engagement.Stimulus{}, engagement.Setting{}, engagement.Setting{}, asOf)
	if err == nil {
		t.Fatal("sanity: an unknown class name must be an error")
	}
	if !strings.Contains(err.Error(), src) {
		t.Errorf("error %q does not name the rule %q", err, src)
	}
}

// TestAdversary80_LifecycleActiveNoneRefused: None is documented as "the
// value of a duration option whose zero means its default, to say zero
// itself". LifecycleRule.Active is such an option (zero means 90 days),
// so LifecycleRule{Active: None} asks for an Active window of zero (only
// a response exactly at as-of is active, the rest lapsing up to 180
// days). It is refused instead as a "negative duration" (*OptionError),
// so a host cannot say zero for Active or Lapsing at all. (The rule's own
// doc mentions None only for Onboarding; the package-level None contract
// is broader, and the two disagree.)
//
// Root mechanism (derive.go: LifecycleRule.resolve): only Onboarding is
// special-cased for None; Active and Lapsing go through cmp.Or and the
// negative check, which None (−1 ns) trips.
func TestAdversary80_LifecycleActiveNoneRefused(t *testing.T) {
	j := journey(t)
	rs := []engagement.Response{
		{Client: "a", Stimulus: "video", Kind: "like", Time: asOf},
		{Client: "b", Stimulus: "video", Kind: "like", Time: daysAgo(1)},
	}
	b := must(engagement.Analyze(context.Background(), j, slices.Values(rs), engagement.Options{AsOf: asOf}))
	st, err := b.Lifecycle(engagement.LifecycleRule{Active: engagement.None})
	if err != nil {
		t.Fatalf("LifecycleRule{Active: None} (Active of zero) refused: %v", err)
	}
	// The contract since the fix (LifecycleRule): None is no such stage,
	// for Active as for Onboarding (a zero window would still take in a
	// response exactly at as-of); these clients answered only before a
	// sale, so they are prospects either way, and none is active.
	for _, c := range st {
		if c.Stage == engagement.Active {
			t.Errorf("stages %v: a client active under Active None", st)
		}
	}
}
