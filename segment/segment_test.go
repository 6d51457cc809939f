package segment_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
	"github.com/engagekit/engagekit/segment"
	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func TestThresholds(t *testing.T) {
	cut := segment.Cut{Profit: 1000, Engagement: 0.5}
	cases := []struct {
		name string
		c    segment.Client
		want segment.Segment
	}{
		{"at both thresholds is A", segment.Client{Revenue: 1500, CostToServe: 500, Engagement: 0.5}, segment.A},
		{"just under engagement is B", segment.Client{Revenue: 1500, CostToServe: 500, Engagement: 0.4999}, segment.B},
		{"just under profit is C", segment.Client{Revenue: 1499.99, CostToServe: 500, Engagement: 0.5}, segment.C},
		{"under both is D", segment.Client{Revenue: 0, CostToServe: 10, Engagement: 0}, segment.D},
		{"assets do not count", segment.Client{Revenue: 0, CostToServe: 10, Engagement: 0, Assets: 1e9}, segment.D},
	}
	for _, c := range cases {
		c.c.ID = "c1" // a client of no id is no client (ErrNoID)
		got, err := cut.Assign(c.c)
		if err != nil || got.Segment != c.want {
			t.Errorf("%s: got %v, %v; want %s", c.name, got.Segment, err, c.want)
		}
	}
	if _, err := cut.Assign(segment.Client{Revenue: 1500, Engagement: 1}); !errors.Is(err, segment.ErrNoID) {
		t.Errorf("a client of no id: %v, want ErrNoID", err)
	}
	for _, bad := range []segment.Client{{ID: "x", Revenue: math.NaN()}, {ID: "y", CostToServe: math.Inf(1)}, {ID: "z", Engagement: math.NaN()}} {
		a, err := cut.Assign(bad)
		var ce *segment.ClientError
		if !errors.As(err, &ce) || ce.ClientID != bad.ID || !errors.Is(err, segment.ErrUnknown) || a.Segment != "" {
			t.Errorf("%+v: want a ClientError and no segment, got %v, %v", bad, a.Segment, err)
		}
	}
}

func TestTopThresholdNearestRank(t *testing.T) {
	book := []segment.Client{{ID: "a", Revenue: 10}, {ID: "b", Revenue: 20}, {ID: "c", Revenue: 30}, {ID: "d", Revenue: 40}, {ID: "e", Revenue: 50}}
	cut, err := segment.Grid{Profit: segment.Top(0.4), Engagement: segment.At(0)}.Cut(context.Background(), book)
	if err != nil || cut.Profit != 40 {
		t.Fatalf("top 40%% of 5 by nearest rank is the 2nd highest, 40; got %v, %v", cut.Profit, err)
	}
	if _, err := (segment.Grid{Profit: segment.Top(1.5)}).Cut(context.Background(), book); err == nil {
		t.Error("a share above 1 must be an error")
	}
}

func genBook(t *rapid.T) []segment.Client {
	n := rapid.IntRange(0, 60).Draw(t, "n")
	book := make([]segment.Client, n)
	for i := range book {
		book[i] = segment.Client{ID: string(rune('a'+i%26)) + string(rune('a'+i/26)),
			Revenue:     float64(rapid.IntRange(0, 20).Draw(t, "rev") * 100),
			CostToServe: float64(rapid.IntRange(0, 20).Draw(t, "cost") * 100),
			Engagement:  float64(rapid.IntRange(0, 10).Draw(t, "eng")) / 10,
			Assets:      rapid.Float64Range(0, 1e7).Draw(t, "assets")}
	}
	return book
}

func genGrid(t *rapid.T) segment.Grid {
	th := func(label string, fixed float64) segment.Threshold {
		if rapid.Bool().Draw(t, label) {
			return segment.Top(float64(rapid.IntRange(1, 10).Draw(t, label+"share")) / 10)
		}
		return segment.At(fixed)
	}
	return segment.Grid{Profit: th("p", 0), Engagement: th("e", 0.5)}
}

func TestPropertyGrid(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		book, grid := genBook(t), genGrid(t)
		res, err := grid.AssignAll(context.Background(), book)
		if err != nil {
			t.Fatal(err)
		}
		// Totality: every client exactly one segment, in input order.
		if len(res.Assignments) != len(book) || res.Counts.In != len(book) || res.Counts.OK != len(book) {
			t.Fatalf("not total: %d assignments for %d clients (%+v)", len(res.Assignments), len(book), res.Counts)
		}
		for i, a := range res.Assignments {
			if a.ClientID != book[i].ID || !slices.Contains([]segment.Segment{segment.A, segment.B, segment.C, segment.D}, a.Segment) {
				t.Fatalf("assignment %d: %+v", i, a)
			}
		}
		// Quantile thresholds do not depend on the book's order.
		shuffled := rapid.Permutation(book).Draw(t, "shuffled")
		c1, _ := grid.Cut(context.Background(), book)
		c2, _ := grid.Cut(context.Background(), shuffled)
		if c1 != c2 {
			t.Fatalf("order changed the thresholds: %+v vs %+v", c1, c2)
		}
		// Monotonicity under a fixed cut, and assets never matter.
		if len(book) == 0 {
			return
		}
		i := rapid.IntRange(0, len(book)-1).Draw(t, "i")
		before, _ := c1.Assign(book[i])
		richer := book[i]
		richer.Revenue += float64(rapid.IntRange(0, 5000).Draw(t, "more"))
		richer.Assets = rapid.Float64Range(0, 1e9).Draw(t, "newassets")
		after, _ := c1.Assign(richer)
		if profitable(before.Segment) && !profitable(after.Segment) {
			t.Fatalf("raising profit moved %s to %s", before.Segment, after.Segment)
		}
		keener := book[i]
		keener.Engagement += float64(rapid.IntRange(0, 5).Draw(t, "keen")) / 10
		after, _ = c1.Assign(keener)
		if engaged(before.Segment) && !engaged(after.Segment) {
			t.Fatalf("raising engagement moved %s to %s", before.Segment, after.Segment)
		}
	})
}

func profitable(s segment.Segment) bool { return s == segment.A || s == segment.B }
func engaged(s segment.Segment) bool    { return s == segment.A || s == segment.C }

func TestPropertyMigrationRowsSumToBefore(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		book := genBook(t)
		g1, g2 := genGrid(t), genGrid(t)
		b1, _ := g1.AssignAll(context.Background(), book)
		later := rapid.Permutation(book).Draw(t, "later")
		later = later[:rapid.IntRange(0, len(later)).Draw(t, "kept")]
		b2, _ := g2.AssignAll(context.Background(), later)
		m := segment.Migrate(b1.Assignments, b2.Assignments)
		before := map[segment.Segment]int{}
		for _, a := range b1.Assignments {
			before[a.Segment]++
		}
		left := map[segment.Segment]int{}
		for _, id := range m.Left {
			for _, a := range b1.Assignments {
				if a.ClientID == id {
					left[a.Segment]++
				}
			}
		}
		for _, s := range m.Segments {
			sum := 0
			for _, to := range m.Segments {
				sum += m.Count(s, to)
			}
			if sum+left[s] != before[s] {
				t.Fatalf("row %s sums to %d + %d left, had %d before", s, sum, left[s], before[s])
			}
		}
		// The flows are the matrix's cells that are not zero, once each,
		// in order.
		for i, f := range m.Flows {
			if f.Clients <= 0 || i > 0 && (m.Flows[i-1].From > f.From || m.Flows[i-1].From == f.From && m.Flows[i-1].To >= f.To) {
				t.Fatalf("flows %+v: not sorted, distinct and positive", m.Flows)
			}
		}
	})
}

func TestMigrationFindings(t *testing.T) {
	before := []segment.Assignment{{ClientID: "x", Segment: segment.A}, {ClientID: "y", Segment: segment.D}, {ClientID: "z", Segment: segment.C}}
	after := []segment.Assignment{{ClientID: "x", Segment: segment.B}, {ClientID: "y", Segment: segment.A}, {ClientID: "n", Segment: segment.A}}
	m := segment.Migrate(before, after)
	want := []segment.Move{
		{ClientID: "x", From: segment.A, To: segment.B, Finding: "losing engagement"},
		{ClientID: "y", From: segment.D, To: segment.A, Finding: "gaining engagement, becoming profitable"},
	}
	if d := cmp.Diff(want, m.Moves); d != "" {
		t.Errorf("moves (-want +got):\n%s", d)
	}
	if !cmp.Equal(m.Left, []string{"z"}) || !cmp.Equal(m.Joined, []string{"n"}) {
		t.Errorf("left %v joined %v", m.Left, m.Joined)
	}
}

func TestSummary(t *testing.T) {
	book := []segment.Client{{ID: "a", Revenue: 100, CostToServe: 20, Engagement: 1}, {ID: "b", Revenue: 50, CostToServe: 10, Engagement: 1}, {ID: "c", Revenue: 10, CostToServe: 50, Engagement: 0}}
	res, _ := segment.Grid{Engagement: segment.At(0.5)}.AssignAll(context.Background(), book)
	s := segment.Summarize(res.Assignments, book)
	want := segment.Summary{Profit: 80, Segments: []segment.SegmentSummary{
		{Segment: segment.A, Clients: 2, Revenue: 150, CostToServe: 30, Profit: 120, ProfitShare: 1.5},
		{Segment: segment.D, Clients: 1, Revenue: 10, CostToServe: 50, Profit: -40, ProfitShare: -0.5},
	}}
	if d := cmp.Diff(want, s); d != "" {
		t.Errorf("summary (-want +got):\n%s", d)
	}
}

type schemeEnv struct {
	Profit float64 `expr:"profit"`
	AUM    float64 `expr:"aum"`
	Age    int     `expr:"age"`
}

func TestCustomScheme(t *testing.T) {
	rules := []segment.Rule{
		{Segment: "private", When: "profit >= 10000"},
		{Segment: "young", When: "age < 30"},
		{Segment: "mass", When: "profit >= 0"},
	}
	s, err := segment.NewCustom[schemeEnv](rules, "other")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for env, want := range map[schemeEnv]segment.Segment{
		{Profit: 20000, Age: 20}: "private", {Profit: 10, Age: 25}: "young", {Profit: 10, Age: 40}: "mass", {Profit: -5, Age: 40}: "other",
	} {
		a, err := s.Assign("c", env, now)
		if err != nil || a.Segment != want {
			t.Errorf("%+v: got %s, %v; want %s", env, a.Segment, err, want)
		}
	}
	if _, err := segment.NewCustom[schemeEnv](rules, ""); !errors.Is(err, segment.ErrNoDefault) {
		t.Errorf("no default: %v", err)
	}
	shadowed := []segment.Rule{{Segment: "big", When: "profit >= 100"}, {Segment: "bigger", When: "profit >= 1000"}}
	if _, err := segment.NewCustom[schemeEnv](shadowed, "other"); !errors.Is(err, segment.ErrUnreachable) {
		t.Errorf("shadowed rule: want ErrUnreachable, got %v", err)
	}
	afterTrue := []segment.Rule{{Segment: "all", When: "true"}, {Segment: "never", When: "age > 3"}}
	if _, err := segment.NewCustom[schemeEnv](afterTrue, "other"); !errors.Is(err, segment.ErrUnreachable) {
		t.Errorf("rule after true: want ErrUnreachable, got %v", err)
	}
	if _, err := segment.NewCustom[schemeEnv]([]segment.Rule{{Segment: "x", When: "proft > 1"}}, "other"); err == nil {
		t.Error("an unknown field must be a compile error")
	}
}

func TestScatterGolden(t *testing.T) {
	book := []segment.Client{
		{ID: "ada", Revenue: 9000, CostToServe: 2000, Engagement: 0.8},
		{ID: "bram", Revenue: 12000, CostToServe: 3000, Engagement: 0.2},
		{ID: "chen", Revenue: 800, CostToServe: 1500, Engagement: 0.9},
		{ID: "dirk <&>", Revenue: 300, CostToServe: 900, Engagement: 0.1},
	}
	res, _ := segment.Grid{Profit: segment.At(0), Engagement: segment.At(0.5)}.AssignAll(context.Background(), book)
	got := segment.Scatter(res)
	const golden = "testdata/scatter.golden.svg"
	if *update {
		_ = os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(want) != string(got) {
		t.Errorf("scatter differs from %s; run go test -update and look at it", golden)
	}
}

// A large book is drawn as a sample of at most ScatterDots clients, and
// the title says so; the axes still span the whole book.
func TestScatterSamplesLargeBooks(t *testing.T) {
	for _, n := range []int{segment.ScatterDots, segment.ScatterDots + 1, 3*segment.ScatterDots + 7} {
		book := make([]segment.Client, n)
		for i := range book {
			book[i] = segment.Client{ID: fmt.Sprint("c", i), Revenue: float64(i), CostToServe: 1, Engagement: float64(i % 7)}
		}
		res, err := segment.Grid{Profit: segment.Top(0.4), Engagement: segment.Top(0.5)}.AssignAll(context.Background(), book)
		if err != nil {
			t.Fatal(err)
		}
		svg := string(segment.Scatter(res))
		dots := strings.Count(svg, "<circle")
		if dots > segment.ScatterDots || dots < segment.ScatterDots/3 {
			t.Errorf("%d clients: %d dots drawn", n, dots)
		}
		if sampled := strings.Contains(svg, "drawn)"); sampled != (n > segment.ScatterDots) {
			t.Errorf("%d clients: title says sampled = %v", n, sampled)
		}
		if want := fmt.Sprintf("c%d:", n-1); n <= segment.ScatterDots && !strings.Contains(svg, want) {
			t.Errorf("%d clients: the last client is not drawn", n)
		}
	}
}

// BenchmarkAssign1M segments a million clients with quantile thresholds.
func BenchmarkAssign1M(b *testing.B) {
	book := make([]segment.Client, 1_000_000)
	for i := range book {
		book[i] = segment.Client{ID: "c-" + strconv.Itoa(i), Revenue: float64(i%9973) * 3, CostToServe: float64(i%7919) * 2, Engagement: float64(i%101) / 100}
	}
	grid := segment.Grid{Profit: segment.Top(0.4), Engagement: segment.Top(0.5)}
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		if _, err := grid.AssignAll(context.Background(), book); err != nil {
			b.Fatal(err)
		}
	}
	sec := time.Since(start).Seconds() / float64(b.N)
	b.ReportMetric(float64(len(book))/sec, "clients/s")
}

type engEnv struct {
	Meetings int     `expr:"meetings"`
	Opened   float64 `expr:"opened"`
	Portal   bool    `expr:"portal"`
}

func TestEngagementRule(t *testing.T) {
	now := time.Now()
	num, err := segment.NewEngagementRule[engEnv]("clamp(meetings * 0.2 + opened * 0.5, 0, 1)")
	if err != nil {
		t.Fatal(err)
	}
	if s, err := num.Score(engEnv{Meetings: 2, Opened: 0.6}, now); err != nil || math.Abs(s-0.7) > 1e-9 {
		t.Errorf("score %v, %v", s, err)
	}
	cond, err := segment.NewEngagementRule[engEnv]("portal || meetings >= 3")
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := cond.Score(engEnv{Meetings: 3}, now); s != 1 {
		t.Errorf("condition that holds scores %v", s)
	}
	if s, _ := cond.Score(engEnv{}, now); s != 0 {
		t.Errorf("condition that fails scores %v", s)
	}
	if _, err := segment.NewEngagementRule[engEnv](`"high"`); err == nil {
		t.Error("a string is neither a score nor a condition")
	}
	if _, err := segment.NewEngagementRule[engEnv]("meetngs > 1"); err == nil || !strings.Contains(err.Error(), "did you mean meetings") {
		t.Errorf("want an unknown-name error with a suggestion, got %v", err)
	}
}

func TestWithScores(t *testing.T) {
	clients := []segment.Client{{ID: "a", Engagement: 9}, {ID: "b"}}
	got := segment.WithScores(clients, []engagement.Score{{Client: "a", Escalation: 2, Maintenance: 1, Disengagement: 0.5}})
	if got[0].Engagement != 2.5 || got[1].Engagement != 0 || clients[0].Engagement != 9 {
		t.Errorf("got %+v, input %+v", got, clients)
	}
}
