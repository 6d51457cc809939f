package engagement_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
)

// TestRulesRejected: every rule is honoured or rejected with an
// OptionError, never replaced by its default.
func TestRulesRejected(t *testing.T) {
	b := engagement.Analyze(context.Background(), journey(t), nil, engagement.Options{AsOf: asOf})
	day := 24 * time.Hour
	cases := []struct {
		name string
		err  error
	}{
		{"SuperfanRule{Window: 40} is honoured", nil},
		{"SuperfanRule{Window: 65}", second(b.Superfans(engagement.SuperfanRule{Window: 65}))},
		{"SuperfanRule{Window: -1}", second(b.Superfans(engagement.SuperfanRule{Window: -1}))},
		{"SuperfanRule{Window: 4, Min: 5}", second(b.Superfans(engagement.SuperfanRule{Window: 4, Min: 5}))},
		{"PatternRule{Window: 70}", second(b.Patterns(engagement.PatternRule{Window: 70}))},
		{"PatternRule{HabitMin: 1}", second(b.Patterns(engagement.PatternRule{HabitMin: 1}))},
		{"AtRiskRule{Recent: 60, Baseline: 10}", second(b.AtRisk(engagement.AtRiskRule{Recent: 60, Baseline: 10}))},
		{"AtRiskRule{Drop: 2}", second(b.AtRisk(engagement.AtRiskRule{Drop: 2}))},
		{"AtRiskRule{MinBaselineRate: NaN}", second(b.AtRisk(engagement.AtRiskRule{MinBaselineRate: math.NaN()}))},
		{"LifecycleRule{Active: -day}", second(b.Lifecycle(engagement.LifecycleRule{Active: -day}))},
		{"LifecycleRule{Active: 200 days}", second(b.Lifecycle(engagement.LifecycleRule{Active: 200 * day}))},
		{"WithKind(Class(9))", second(engagement.Classifier{}.WithKind("like", engagement.Class(9)))},
		{"WithKind(ClassUnknown)", second(engagement.Classifier{}.WithKind("like", engagement.ClassUnknown))},
		{"WithPair(Class(4))", second(engagement.Classifier{}.WithPair("a", "b", engagement.Class(4)))},
		{"Benchmark(NaN)", second(engagement.Benchmark("m", math.NaN(), []float64{1}))},
	}
	for _, c := range cases[1:] {
		if !errors.Is(c.err, engagement.ErrInvalidOption) {
			t.Errorf("%s: err %v, want ErrInvalidOption", c.name, c.err)
		}
	}
	// A window of 40 periods is within the 64 a book keeps: honoured.
	rs := []engagement.Response{}
	for m := range 40 {
		rs = append(rs, engagement.Response{Client: "a", Stimulus: "linkedin-1", Kind: "click", Setting: "website", Time: asOf.AddDate(0, 0, -30*m-1)})
	}
	b = engagement.Analyze(context.Background(), journey(t), slices.Values(rs), engagement.Options{AsOf: asOf})
	fans, err := b.Superfans(engagement.SuperfanRule{Window: 40, Min: 12})
	if err != nil || len(fans) != 1 || fans[0].EscalatedPeriods < 12 || fans[0].EscalatedPeriods > 40 {
		t.Errorf("Window 40: %+v, %v", fans, err)
	}
}

func TestBenchmarkExcludesNaNPeers(t *testing.T) {
	r, err := engagement.Benchmark("rate", 0.3, []float64{0.1, math.NaN(), 0.5, math.NaN()})
	if err != nil || r.Peers != 2 || r.Excluded != 2 || r.Percentile != 50 {
		t.Errorf("%+v %v", r, err)
	}
}

func second[T any](_ T, err error) error { return err }
