package engagement_test

import (
	"context"
	"errors"
	"iter"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
)

// TestRulesRejected: every rule is honoured or rejected with an
// OptionError, never replaced by its default.
func TestRulesRejected(t *testing.T) {
	b := must(engagement.Analyze(context.Background(), journey(t), nil, engagement.Options{AsOf: asOf}))
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
	b = must(engagement.Analyze(context.Background(), journey(t), slices.Values(rs), engagement.Options{AsOf: asOf}))
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

// TestFunnelStandardDefinition: any response at the next step after one
// at the step before, within the window, converts; responses before their
// stimulus are rejected and counted.
func TestFunnelStandardDefinition(t *testing.T) {
	j := journey(t)
	steps := []string{"linkedin", "website"}
	at := func(client, stim string, d int) engagement.Response {
		return engagement.Response{Client: client, Stimulus: stim, Kind: "x", Time: daysAgo(d)}
	}
	cases := []struct {
		name    string
		rs      []engagement.Response
		window  time.Duration
		reached []int
		gap     time.Duration
	}{
		{"website → linkedin → website converts", []engagement.Response{at("a", "website-1", 30), at("a", "linkedin-1", 20), at("a", "website-1", 10)}, 0, []int{1, 1}, 10 * 24 * time.Hour},
		{"website before linkedin only: no", []engagement.Response{at("a", "website-1", 30), at("a", "linkedin-1", 20)}, 0, []int{1, 0}, 0},
		{"a later linkedin within the window", []engagement.Response{at("a", "linkedin-1", 100), at("a", "linkedin-1", 12), at("a", "website-1", 10)}, 5 * 24 * time.Hour, []int{1, 1}, 2 * 24 * time.Hour},
		{"outside the window: no", []engagement.Response{at("a", "linkedin-1", 100), at("a", "website-1", 10)}, 5 * 24 * time.Hour, []int{1, 0}, 0},
		{"before its stimulus: rejected", []engagement.Response{at("a", "linkedin-1", 20), at("a", "website-1", 500)}, 0, []int{1, 0}, 0},
	}
	for _, c := range cases {
		f, err := engagement.Funnel(context.Background(), j, slices.Values(c.rs), steps, c.window)
		if err != nil {
			t.Fatal(err)
		}
		got := []int{f.Steps[0].Reached, f.Steps[1].Reached}
		if !slices.Equal(got, c.reached) || f.Steps[1].MedianTime != c.gap {
			t.Errorf("%s: %+v", c.name, f.Steps)
		}
		if f.Report.In != len(c.rs) || f.Report.Used+f.Report.Rejected[engagement.BeforeStimulus] != len(c.rs) {
			t.Errorf("%s: report %+v", c.name, f.Report)
		}
	}
	for _, bad := range [][]string{nil, {"linkedin", "linkedin"}, {"nowhere"}} {
		if _, err := engagement.Funnel(context.Background(), j, nil, bad, 0); !errors.Is(err, engagement.ErrInvalidOption) {
			t.Errorf("steps %v: %v", bad, err)
		}
	}
	if _, err := engagement.Funnel(context.Background(), j, nil, steps, -time.Second); !errors.Is(err, engagement.ErrInvalidOption) {
		t.Errorf("negative window: %v", err)
	}
}

func TestCompareRespondersControlWithoutData(t *testing.T) {
	rs := []engagement.Response{{Client: "a", Stimulus: "linkedin-1", Kind: "like", Time: daysAgo(3)}}
	if _, err := engagement.CompareResponders(context.Background(), journey(t), slices.Values(rs), "spring", "typo", 10, engagement.Classifier{}); !errors.Is(err, engagement.ErrInvalidOption) {
		t.Errorf("control with no data: %v", err)
	}
}

// TestSampleSize: the Fleiss normal-approximation size for 10% → 15% at
// α = 0.05 and 80% power is 686 per group (the formula in the godoc, by
// hand: z = 1.959964 and 0.841621); invalid input is an error, never
// math.MinInt64.
func TestSampleSize(t *testing.T) {
	if n, err := engagement.SampleSize(0.10, 0.15, 0.05, 0.8); err != nil || n != 686 {
		t.Errorf("SampleSize(0.10, 0.15) = %d, %v; want 686", n, err)
	}
	if n, err := engagement.SampleSize(0.10, 0.15, 0.01, 0.9); err != nil || n <= 686 {
		t.Errorf("stricter α and power must need more clients: %d, %v", n, err)
	}
	for _, c := range [][4]float64{{-0.1, 0.2, 0.05, 0.8}, {0.2, 0.2, 0.05, 0.8}, {0.1, 0.2, 0, 0.8}, {0.1, 0.2, 0.05, 1}, {0.1, math.NaN(), 0.05, 0.8}, {0.5, 0.5 + 1e-10, 0.05, 0.8}} { // the last needs ~8e20 clients: beyond an int
		if _, err := engagement.SampleSize(c[0], c[1], c[2], c[3]); !errors.Is(err, engagement.ErrInvalidOption) {
			t.Errorf("SampleSize%v: %v", c, err)
		}
	}
}

// Validate names every problem of the options at once.
func TestOptionsValidate(t *testing.T) {
	if err := (engagement.Options{AsOf: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)}).Validate(); err != nil {
		t.Fatalf("valid options: %v", err)
	}
	err := engagement.Options{Period: -time.Hour, Weights: engagement.Weights{Escalate: math.NaN()}}.Validate()
	var oe *engagement.OptionError
	if !errors.As(err, &oe) || !errors.Is(err, engagement.ErrInvalidOption) {
		t.Fatalf("invalid options: %v", err)
	}
	for _, want := range []string{"AsOf", "Period", "Escalate"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%v does not name %s", err, want)
		}
	}
}

// TestAnalyzeRejectsInvalidOptions: the three ways into a book check the
// options before reading a response, so a zero AsOf (which would reject
// every response as after as-of) is an error, not an empty book.
func TestAnalyzeRejectsInvalidOptions(t *testing.T) {
	j := journey(t)
	x, err := engagement.NewIndex(j, "click")
	if err != nil {
		t.Fatal(err)
	}
	read := 0
	rs := func(yield func(engagement.Response) bool) { read++ }
	es := func(yield func(engagement.Event) bool) { read++ }
	for _, o := range []engagement.Options{
		{},
		{AsOf: asOf, Period: -time.Hour},
		{AsOf: asOf, Recent: -1},
		{AsOf: asOf, Weights: engagement.Weights{Escalate: math.NaN()}},
	} {
		_, errA := engagement.Analyze(context.Background(), j, rs, o)
		_, errE := engagement.AnalyzeEvents(context.Background(), x, []string{"a"}, es, o)
		_, errP := engagement.AnalyzeParallel(context.Background(), x, []string{"a"}, []iter.Seq[engagement.Event]{es, es}, o)
		for name, err := range map[string]error{"Analyze": errA, "AnalyzeEvents": errE, "AnalyzeParallel": errP} {
			var oe *engagement.OptionError
			if !errors.Is(err, engagement.ErrInvalidOption) || !errors.As(err, &oe) {
				t.Errorf("%s(%+v): err %v, want an *OptionError", name, o, err)
			}
		}
	}
	if read != 0 {
		t.Errorf("%d streams were read with invalid options", read)
	}
}
