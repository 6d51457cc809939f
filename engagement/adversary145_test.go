package engagement

// Adversary 145: wrong or unstable analytics — superfans, at-risk,
// cross-sell, declining content (Changes), funnels and benchmarks —
// under input order, sharding + MergeBooks / AnalyzeParallel / the binary
// encoding, exact boundaries of periods and windows (an as-of on a DST
// transition, responses in other zones), invalid rules, empty and
// degenerate books, JSON round trips, and differential tests against
// straightforward reimplementations of the documented definitions.
//
// Found (…_Broken, failing): the superfan ranking of clients with
// identical histories depends on the order the responses are read (and
// on sharding before MergeBooks): scores are float sums in reading order
// and Superfans sorts on their last bits instead of tying by id.
//
// Pinned (…_Pinned, passing): order, sharding + MergeBooks (in any book
// order, one book through MarshalBinary/UnmarshalBook) and
// AnalyzeParallel give identical superfans, at-risk, cross-sells,
// patterns, change tests and declining content when scores are exact;
// superfans, at-risk and cross-sells match a reimplementation of the
// doc; change windows are half-open as documented to the nanosecond;
// Funnel matches the standard definition (same instant, exact window,
// out-of-order and repeated steps, mid-funnel entry, replayed ids) and
// is order-free; Benchmark matches its definition at exact boundaries;
// invalid rules and options are *OptionErrors naming the field; empty,
// zero and one-client books; JSON round trips.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"math/big"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/engagekit/engagekit/internal/testguard"
	"pgregory.net/rapid"
)

const a145Limit = 10 * time.Second

var (
	a145NY, _      = time.LoadLocation("America/New_York")
	a145Kolkata, _ = time.LoadLocation("Asia/Kolkata")
	a145Zones      = []*time.Location{time.UTC, a145NY, a145Kolkata, time.FixedZone("odd", -(3*3600 + 1))}
	// The as-of is the instant New York springs forward (2024-03-10
	// 02:00 EST = 07:00 UTC), given in New York's zone.
	a145AsOf = time.Date(2024, 3, 10, 7, 0, 0, 0, time.UTC).In(a145NY)
)

var a145Settings = []Setting{
	{ID: "feed", Kind: "social", Stage: PreSale, Depth: 0},
	{ID: "web", Kind: "site", Stage: PreSale, Depth: 1},
	{ID: "event", Kind: "event", Stage: PreSale, Depth: 2},
	{ID: "meeting", Kind: "meeting", Stage: PostSale, Depth: 3},
}

func a145Journey(t testing.TB) *Journey {
	t.Helper()
	var st []Stimulus
	for i := range 12 {
		topic := ""
		if i < 10 {
			topic = fmt.Sprintf("t%d", (i*7)%10) // journey order of topics is not their name order
		}
		st = append(st, Stimulus{ID: fmt.Sprintf("s%d", i), Setting: a145Settings[i%3].ID, Kind: []string{"post", "email"}[i%2],
			Campaign: []string{"c0", "c1", ""}[i%3], Topic: topic, Time: a145AsOf.Add(-5000 * 24 * time.Hour)})
	}
	j, err := NewJourney(a145Settings, st)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

var a145Clients = []string{"e", "a", "d", "b", "c", "ab", "aa"}

// a145Gen draws responses whose times sit on and next to period and
// window boundaries, in several zones.
func a145Gen(t *rapid.T, period time.Duration, n int) []Response {
	k := rapid.IntRange(0, n).Draw(t, "n")
	out := make([]Response, k)
	for i := range out {
		p := rapid.IntRange(0, 20).Draw(t, "period")
		delta := rapid.SampledFrom([]time.Duration{0, 1, -1, period / 2, period - 1}).Draw(t, "delta")
		at := a145AsOf.Add(-time.Duration(p)*period + delta)
		if at.After(a145AsOf) && rapid.Bool().Draw(t, "clamp") {
			at = a145AsOf
		}
		out[i] = Response{
			Client:   rapid.SampledFrom(a145Clients).Draw(t, "client"),
			Stimulus: fmt.Sprintf("s%d", rapid.IntRange(0, 11).Draw(t, "stim")),
			Kind:     rapid.SampledFrom([]string{"like", "click", "unsubscribe"}).Draw(t, "kind"),
			Setting:  rapid.SampledFrom([]string{"", "feed", "web", "event", "meeting"}).Draw(t, "setting"),
			Time:     at.In(rapid.SampledFrom(a145Zones).Draw(t, "zone")),
		}
	}
	return out
}

// a145Derived is every analytic of a book under a few rules.
type a145Derived struct {
	Superfans  [][]Superfan
	AtRisk     [][]AtRisk
	CrossSells []CrossSell
	Patterns   []ClientPattern
	Changes    []Change
	Declining  []Change
	Report     Report
}

var (
	a145FanRules  = []SuperfanRule{{}, {Window: 1, Min: 1}, {Window: 3, Min: 2}, {Window: 64, Min: 1}, {Window: 10, Min: 4}}
	a145RiskRules = []AtRiskRule{{}, {Recent: 1, Baseline: 1, Drop: 1, MinBaselineRate: 1}, {Recent: 3, Baseline: 5, Drop: 0.4, MinBaselineRate: 0.4},
		{Recent: 2, Baseline: 62, Drop: 0.7, MinBaselineRate: 0.01}}
)

func a145Derive(t testing.TB, b *Book) a145Derived {
	t.Helper()
	var d a145Derived
	for _, r := range a145FanRules {
		f, err := b.Superfans(r)
		if err != nil {
			t.Fatalf("Superfans(%+v): %v", r, err)
		}
		d.Superfans = append(d.Superfans, f)
	}
	for _, r := range a145RiskRules {
		a, err := b.AtRisk(r)
		if err != nil {
			t.Fatalf("AtRisk(%+v): %v", r, err)
		}
		d.AtRisk = append(d.AtRisk, a)
	}
	d.CrossSells = b.CrossSells(func(c, topic string) bool { return c == "a" && topic == "t7" })
	var err error
	if d.Patterns, err = b.Patterns(PatternRule{}); err != nil {
		t.Fatal(err)
	}
	if d.Changes, err = b.ChangeTests(ChangeOptions{MinN: 1}); err != nil {
		t.Fatal(err)
	}
	if d.Declining, err = b.Changes(ChangeOptions{MinN: 1, Alpha: 1}); err != nil {
		t.Fatal(err)
	}
	d.Report = b.Report
	return d
}

// a145Norm makes empty and nil slices and maps alike (JSON-equal).
func a145Norm(t testing.TB, d a145Derived) string {
	t.Helper()
	bs, err := json.Marshal(d)
	if err != nil {
		t.Fatalf("derived does not marshal: %v", err)
	}
	return string(bs)
}

// Noiseless weights: no decay, so every score is an exact small integer
// and any order or sharding must give identical results, bit for bit.
var a145Exact = Weights{Escalate: 3, Maintain: 1, Disengage: 2}

// Order, sharding + MergeBooks, AnalyzeParallel and the binary encoding
// give identical analytics (scores exact without decay).
func TestAdversary145_OrderShardMergeInvariant_Pinned(t *testing.T) {
	j := a145Journey(t)
	x, err := NewIndex(j, "like", "click", "unsubscribe")
	if err != nil {
		t.Fatal(err)
	}
	rapid.Check(t, func(rt *rapid.T) {
		period := rapid.SampledFrom([]time.Duration{time.Hour, 24 * time.Hour, 7 * 24 * time.Hour}).Draw(rt, "P")
		o := Options{AsOf: a145AsOf, Weights: a145Exact, Period: period, Recent: 3 * period, Baseline: 5 * period}
		rs := a145Gen(rt, period, 60)
		k := rapid.IntRange(1, 4).Draw(rt, "shards")
		a145Guard(t, rt, func(rt *a145F) {
			whole, err := Analyze(context.Background(), j, slices.Values(rs), o)
			if err != nil {
				rt.Fatal(err)
			}
			want := a145Norm(t, a145Derive(t, whole))
			// Shuffled.
			sh := slices.Clone(rs)
			rng := rand.New(rand.NewPCG(uint64(len(rs)), 7))
			rng.Shuffle(len(sh), func(a, b int) { sh[a], sh[b] = sh[b], sh[a] })
			b2, _ := Analyze(context.Background(), j, slices.Values(sh), o)
			if got := a145Norm(t, a145Derive(t, b2)); got != want {
				rt.Fatalf("shuffled input changed the analytics:\n got %s\nwant %s", got, want)
			}
			// Sharded, merged in a random order, one shard through bytes.
			parts := make([][]Response, k)
			for _, r := range rs {
				s := rng.IntN(k)
				parts[s] = append(parts[s], r)
			}
			books := make([]*Book, k)
			for i := range parts {
				books[i], _ = Analyze(context.Background(), j, slices.Values(parts[i]), o)
			}
			if bs, err := books[0].MarshalBinary(); err == nil {
				if books[0], err = UnmarshalBook(j, o, bs); err != nil {
					rt.Fatalf("UnmarshalBook: %v", err)
				}
			}
			rng.Shuffle(k, func(a, b int) { books[a], books[b] = books[b], books[a] })
			m, err := MergeBooks(books...)
			if err != nil {
				rt.Fatalf("MergeBooks: %v", err)
			}
			if got := a145Norm(t, a145Derive(t, m)); got != want {
				rt.Fatalf("sharded and merged changed the analytics:\n got %s\nwant %s", got, want)
			}
			// AnalyzeParallel over events (no ids in rs).
			ci := map[string]uint32{}
			for i, c := range a145Clients {
				ci[c] = uint32(i)
			}
			shards := make([][]Event, k)
			for s, p := range parts {
				for _, r := range p {
					shards[s] = append(shards[s], x.Event(ci[r.Client], r))
				}
			}
			seqs := make([]iter.Seq[Event], k)
			for s := range shards {
				seqs[s] = slices.Values(shards[s])
			}
			pb, err := AnalyzeParallel(context.Background(), x, a145Clients, seqs, o)
			if err != nil {
				rt.Fatal(err)
			}
			gotD, wantD := a145Derive(t, pb), a145Derive(t, whole)
			gotD.Report, wantD.Report = Report{}, Report{} // Analyze and events count rejections alike, but compare analytics only
			if got, w := a145Norm(t, gotD), a145Norm(t, wantD); got != w {
				rt.Fatalf("AnalyzeParallel changed the analytics:\n got %s\nwant %s", got, w)
			}
		})
	})
}

// a145Class is the default classification from the doc: unfollow,
// unsubscribe and complaint disengage; a deeper setting escalates.
func a145Class(j *Journey, r Response) Class {
	st, _ := j.Stimulus(r.Stimulus)
	from, _ := j.Setting(st.Setting)
	to := from
	if r.Setting != "" {
		to, _ = j.Setting(r.Setting)
	}
	switch {
	case r.Kind == "unfollow" || r.Kind == "unsubscribe" || r.Kind == "complaint":
		return Disengage
	case to.Depth > from.Depth:
		return Escalate
	}
	return Maintain
}

// a145Ref recomputes superfans, at-risk and cross-sells from the raw
// responses by the doc's definitions (no decay: a score is the sum of the
// class weights).
func a145Ref(j *Journey, rs []Response, o Options) a145Derived {
	type prof struct {
		esc, act  map[int]bool
		score     float64
		topics    map[string]bool
		responses int
	}
	topicNo := map[string]int{}
	for _, st := range j.Stimuli() {
		if _, ok := topicNo[st.Topic]; !ok && st.Topic != "" {
			topicNo[st.Topic] = len(topicNo)
		}
	}
	ps := map[string]*prof{}
	for _, r := range rs {
		if r.Time.After(o.AsOf) {
			continue
		}
		p := ps[r.Client]
		if p == nil {
			p = &prof{esc: map[int]bool{}, act: map[int]bool{}, topics: map[string]bool{}}
			ps[r.Client] = p
		}
		age := o.AsOf.Sub(r.Time)
		k := int(age / o.Period)
		c := a145Class(j, r)
		p.responses++
		p.act[k] = true
		switch c {
		case Escalate:
			p.esc[k] = true
			p.score += o.Weights.Escalate
			st, _ := j.Stimulus(r.Stimulus)
			if st.Topic != "" {
				p.topics[st.Topic] = true
			}
		case Maintain:
			p.score += o.Weights.Maintain
		case Disengage:
			p.score -= o.Weights.Disengage
		}
	}
	ids := make([]string, 0, len(ps))
	for c := range ps {
		ids = append(ids, c)
	}
	sort.Strings(ids)
	count := func(m map[int]bool, from, n int) int {
		c := 0
		for k := range m {
			if k >= from && k < from+n {
				c++
			}
		}
		return c
	}
	var d a145Derived
	for _, r := range a145FanRules {
		r, _ := r.resolve()
		fans := []Superfan{}
		for _, c := range ids {
			if n := count(ps[c].esc, 0, r.Window); n >= r.Min {
				fans = append(fans, Superfan{Client: c, EscalatedPeriods: n, Score: ps[c].score})
			}
		}
		sort.SliceStable(fans, func(a, b int) bool {
			if fans[a].Score != fans[b].Score {
				return fans[a].Score > fans[b].Score
			}
			return fans[a].Client < fans[b].Client
		})
		d.Superfans = append(d.Superfans, fans)
	}
	dec := func(f float64) *big.Rat {
		q, _ := new(big.Rat).SetString(strconv.FormatFloat(f, 'g', -1, 64))
		return q
	}
	for _, r := range a145RiskRules {
		r, _ := r.resolve()
		var out []AtRisk
		for _, c := range ids {
			base, recent := count(ps[c].esc, r.Recent, r.Baseline), count(ps[c].esc, 0, r.Recent)
			baseRate := big.NewRat(int64(base), int64(r.Baseline))
			bar := new(big.Rat).Mul(dec(r.Drop), baseRate)
			if baseRate.Cmp(dec(r.MinBaselineRate)) >= 0 && big.NewRat(int64(recent), int64(r.Recent)).Cmp(bar) < 0 {
				out = append(out, AtRisk{Client: c, BaselineRate: float64(base) / float64(r.Baseline), RecentRate: float64(recent) / float64(r.Recent)})
			}
		}
		d.AtRisk = append(d.AtRisk, out)
	}
	for _, c := range ids {
		var ts []string
		for tp := range ps[c].topics {
			ts = append(ts, tp)
		}
		// The first eight in the journey's order.
		sort.Slice(ts, func(a, b int) bool { return topicNo[ts[a]] < topicNo[ts[b]] })
		if len(ts) > 8 {
			ts = ts[:8]
		}
		sort.Strings(ts)
		for _, tp := range ts {
			if !(c == "a" && tp == "t7") {
				d.CrossSells = append(d.CrossSells, CrossSell{Client: c, Topic: tp})
			}
		}
	}
	return d
}

// Superfans, at-risk and cross-sells agree with the doc's definitions,
// recomputed from the responses, on books with responses on and next to
// period boundaries, in other zones than the as-of's (a DST instant).
func TestAdversary145_DifferentialSuperfansAtRiskCrossSell_Pinned(t *testing.T) {
	j := a145Journey(t)
	rapid.Check(t, func(rt *rapid.T) {
		period := rapid.SampledFrom([]time.Duration{time.Hour, 24 * time.Hour, 7 * 24 * time.Hour}).Draw(rt, "P")
		o := Options{AsOf: a145AsOf, Weights: a145Exact, Period: period}
		rs := a145Gen(rt, period, 80)
		a145Guard(t, rt, func(rt *a145F) {
			b, err := Analyze(context.Background(), j, slices.Values(rs), o)
			if err != nil {
				rt.Fatal(err)
			}
			got := a145Derive(t, b)
			want := a145Ref(j, rs, o.withDefaults())
			for i := range want.Superfans {
				if a145J(got.Superfans[i]) != a145J(want.Superfans[i]) {
					rt.Fatalf("Superfans(%+v):\n got %s\nwant %s", a145FanRules[i], a145J(got.Superfans[i]), a145J(want.Superfans[i]))
				}
			}
			for i := range want.AtRisk {
				if a145J(got.AtRisk[i]) != a145J(want.AtRisk[i]) {
					rt.Fatalf("AtRisk(%+v):\n got %s\nwant %s", a145RiskRules[i], a145J(got.AtRisk[i]), a145J(want.AtRisk[i]))
				}
			}
			if a145J(got.CrossSells) != a145J(want.CrossSells) {
				rt.Fatalf("CrossSells:\n got %s\nwant %s", a145J(got.CrossSells), a145J(want.CrossSells))
			}
		})
	})
}

func a145J(v any) string {
	bs, err := json.Marshal(v)
	if err != nil {
		return "marshal error: " + err.Error()
	}
	if string(bs) == "[]" {
		return "null"
	}
	return string(bs)
}

// Invalid rules and arguments are typed *OptionErrors naming the option,
// never replaced by defaults, never a panic.
func TestAdversary145_InvalidRulesTyped_Pinned(t *testing.T) {
	j := a145Journey(t)
	b, err := Analyze(context.Background(), j, slices.Values([]Response{{Client: "a", Stimulus: "s0", Kind: "like", Setting: "web", Time: a145AsOf}}), Options{AsOf: a145AsOf})
	if err != nil {
		t.Fatal(err)
	}
	check := func(what, option string, f func() error) {
		t.Helper()
		testguard.Run(t, a145Limit, func() {
			err := f()
			var oe *OptionError
			if !errors.As(err, &oe) || !errors.Is(err, ErrInvalidOption) {
				t.Errorf("%s: error %v, want an *OptionError", what, err)
				return
			}
			if !slices.ContainsFunc(a145OptionErrors(err), func(e *OptionError) bool { return e.Option == option }) {
				t.Errorf("%s: error %v does not name %s", what, err, option)
			}
		})
	}
	for _, r := range []SuperfanRule{{Window: -1}, {Window: 65}, {Window: math.MaxInt}, {Window: math.MinInt}} {
		check(fmt.Sprintf("Superfans(%+v)", r), "SuperfanRule.Window", func() error { _, err := b.Superfans(r); return err })
	}
	for _, r := range []SuperfanRule{{Window: 3, Min: 4}, {Window: 3, Min: -1}, {Min: 7}, {Min: math.MaxInt}} {
		check(fmt.Sprintf("Superfans(%+v)", r), "SuperfanRule.Min", func() error { _, err := b.Superfans(r); return err })
	}
	for _, r := range []AtRiskRule{{Recent: -1}, {Baseline: -2}, {Recent: 32, Baseline: 33}, {Recent: math.MaxInt, Baseline: math.MaxInt}, {Recent: math.MinInt}, {Recent: 64}} {
		check(fmt.Sprintf("AtRisk(%+v)", r), "AtRiskRule.Recent+Baseline", func() error { _, err := b.AtRisk(r); return err })
	}
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), -0.5, 1.0000000000000002, 1e308, -math.SmallestNonzeroFloat64} {
		check(fmt.Sprintf("AtRisk Drop %v", v), "AtRiskRule.Drop", func() error { _, err := b.AtRisk(AtRiskRule{Drop: v}); return err })
		check(fmt.Sprintf("AtRisk MinBaselineRate %v", v), "AtRiskRule.MinBaselineRate", func() error { _, err := b.AtRisk(AtRiskRule{MinBaselineRate: v}); return err })
	}
	// Both wrong: both named.
	testguard.Run(t, a145Limit, func() {
		_, err := b.AtRisk(AtRiskRule{Drop: math.NaN(), MinBaselineRate: -1, Recent: -1})
		if n := len(a145OptionErrors(err)); n != 3 {
			t.Errorf("AtRisk with three wrong fields: %d option errors (%v), want 3", n, err)
		}
	})
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		check(fmt.Sprintf("Benchmark(%v)", v), "Benchmark value", func() error { _, err := Benchmark("m", v, []float64{1}); return err })
	}
	funnel := func(steps []string, w time.Duration) func() error {
		return func() error {
			_, err := Funnel(context.Background(), j, slices.Values([]Response{}), steps, w)
			return err
		}
	}
	check("Funnel no steps", "Funnel steps", funnel(nil, 0))
	check("Funnel repeated step", "Funnel steps", funnel([]string{"feed", "web", "feed"}, 0))
	check("Funnel unknown step", "Funnel steps", funnel([]string{"feed", "nowhere"}, 0))
	check("Funnel empty step", "Funnel steps", funnel([]string{""}, 0))
	check("Funnel negative window", "Funnel window", funnel([]string{"feed"}, -1))
	check("Funnel nil journey", "Funnel steps", func() error {
		_, err := Funnel(context.Background(), nil, nil, []string{"feed"}, 0)
		return err
	})
	for _, o := range []ChangeOptions{{Alpha: math.NaN()}, {Alpha: -0.1}, {Alpha: 1.5}, {Alpha: math.Inf(1)}} {
		check(fmt.Sprintf("Changes(%+v)", o), "ChangeOptions.Alpha", func() error { _, err := b.Changes(o); return err })
	}
	check("Changes MinN<0", "ChangeOptions.MinN", func() error { _, err := b.Changes(ChangeOptions{MinN: -1}); return err })
}

func a145OptionErrors(err error) []*OptionError {
	var out []*OptionError
	var walk func(error)
	walk = func(e error) {
		if oe, ok := e.(*OptionError); ok {
			out = append(out, oe)
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
		}
	}
	walk(err)
	return out
}

// a145RefBenchmark is the doc's definition: share below plus half the
// share equal, NaN peers left out; 50 with no peers.
func a145RefBenchmark(v float64, peers []float64) (float64, int, int) {
	below, equal, n, nan := 0, 0, 0, 0
	for _, p := range peers {
		switch {
		case math.IsNaN(p):
			nan++
			continue
		case p < v:
			below++
		case p == v:
			equal++
		}
		n++
	}
	if n == 0 {
		return 50, 0, nan
	}
	return 100 * (float64(below) + float64(equal)/2) / float64(n), n, nan
}

// Benchmark agrees with the definition, is independent of the peers'
// order, its quartile agrees with its percentile, and it round-trips JSON.
func TestAdversary145_BenchmarkDifferential_Pinned(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, math.MaxFloat64, -math.MaxFloat64, math.Inf(1), math.Inf(-1), math.NaN(), math.SmallestNonzeroFloat64, 1e-300}
	rapid.Check(t, func(rt *rapid.T) {
		peers := rapid.SliceOfN(rapid.SampledFrom(vals), 0, 12).Draw(rt, "peers")
		v := rapid.SampledFrom(vals[:9]).Draw(rt, "v")
		if math.IsInf(v, 0) {
			v = 2
		}
		a145Guard(t, rt, func(rt *a145F) {
			r, err := Benchmark("rate", v, peers)
			if err != nil {
				rt.Fatalf("Benchmark(%v, %v): %v", v, peers, err)
			}
			pct, n, nan := a145RefBenchmark(v, peers)
			if math.Abs(r.Percentile-pct) > 1e-9 || r.Peers != n || r.Excluded != nan {
				rt.Fatalf("Benchmark(%v, %v) = %+v, want percentile %v of %d peers, %d excluded", v, peers, r, pct, n, nan)
			}
			// Quartile: 1 + floor(4·share), 4 at the top.
			if want := min(4, 1+int(math.Floor(r.Percentile/25))); r.Quartile != want {
				rt.Fatalf("Benchmark(%v, %v): quartile %d at percentile %v, want %d", v, peers, r.Quartile, r.Percentile, want)
			}
			rev := slices.Clone(peers)
			slices.Reverse(rev)
			if r2, _ := Benchmark("rate", v, rev); r2 != r {
				rt.Fatalf("peers' order changed the rank: %+v vs %+v", r2, r)
			}
			bs, err := json.Marshal(r)
			if err != nil {
				rt.Fatalf("rank does not marshal: %v", err)
			}
			var back Rank
			if err := json.Unmarshal(bs, &back); err != nil || back != r && !(back.Value == 0 && r.Value == 0) {
				rt.Fatalf("rank JSON round trip: %s -> %+v (%v)", bs, back, err)
			}
		})
	})
	// Exact boundaries: 1 of 4 below is the 25th percentile, quartile 2;
	// equal to all: 50; peers of size 0 and 1.
	for _, c := range []struct {
		v     float64
		peers []float64
		pct   float64
		q     int
	}{
		{2, []float64{1, 3, 4, 5}, 25, 2}, {4, []float64{1, 2, 3, 5}, 75, 4}, {1, []float64{1, 1, 1}, 50, 3},
		{1, nil, 50, 3}, {1, []float64{}, 50, 3}, {1, []float64{math.NaN()}, 50, 3}, {1, []float64{1}, 50, 3},
		{0, []float64{1}, 0, 1}, {2, []float64{1}, 100, 4}, {0, []float64{math.Copysign(0, -1)}, 50, 3},
	} {
		r, err := Benchmark("m", c.v, c.peers)
		if err != nil || r.Percentile != c.pct || r.Quartile != c.q {
			t.Errorf("Benchmark(%v, %v) = %+v, %v; want percentile %v quartile %d", c.v, c.peers, r, err, c.pct, c.q)
		}
	}
}

// a145RefFunnel is the doc's definition of Funnel, computed naively.
func a145RefFunnel(j *Journey, rs []Response, steps []string, window time.Duration) []FunnelStep {
	stepOf := map[string]int{}
	for i, s := range steps {
		stepOf[s] = i
	}
	seen := map[string]bool{}
	times := map[string][][]time.Time{}
	for _, r := range rs {
		if r.ID != "" {
			if seen[r.ID] {
				continue
			}
			seen[r.ID] = true
		}
		st, _ := j.Stimulus(r.Stimulus)
		s := st.Setting
		if r.Setting != "" {
			s = r.Setting
		}
		i, ok := stepOf[s]
		if !ok {
			continue
		}
		if times[r.Client] == nil {
			times[r.Client] = make([][]time.Time, len(steps))
		}
		times[r.Client][i] = append(times[r.Client][i], r.Time)
	}
	out := make([]FunnelStep, len(steps))
	gaps := make([][]time.Duration, len(steps))
	for _, ts := range times {
		q := ts[0]
		if len(q) == 0 {
			continue
		}
		out[0].Reached++
		for i := 1; i < len(steps); i++ {
			var next []time.Time
			for _, t := range ts[i] {
				for _, p := range q {
					if !p.After(t) && (window == 0 || t.Sub(p) <= window) {
						next = append(next, t)
						break
					}
				}
			}
			if len(next) == 0 {
				break
			}
			first := slices.MinFunc(next, func(a, b time.Time) int { return a.Compare(b) })
			var latest time.Time
			for _, p := range q {
				if !p.After(first) && (latest.IsZero() || p.After(latest)) {
					latest = p
				}
			}
			gaps[i] = append(gaps[i], first.Sub(latest))
			out[i].Reached++
			q = next
		}
	}
	for i := range out {
		out[i].Setting = steps[i]
		switch {
		case i == 0 && out[0].Reached > 0:
			out[0].Conversion = 1
		case i > 0 && out[i-1].Reached > 0:
			out[i].Conversion = float64(out[i].Reached) / float64(out[i-1].Reached)
		}
		if g := gaps[i]; len(g) > 0 {
			slices.Sort(g)
			n := len(g)
			if n%2 == 1 {
				out[i].MedianTime = g[n/2]
			} else {
				out[i].MedianTime = g[n/2-1] + (g[n/2]-g[n/2-1])/2
			}
		}
	}
	return out
}

// Funnel agrees with the standard definition on funnels with steps out
// of order, repeated responses at a step, steps at the same instant,
// clients entering mid-funnel, replayed ids and responses exactly a
// window apart; it does not depend on the order of the responses, and
// its report round-trips JSON.
func TestAdversary145_FunnelDifferential_Pinned(t *testing.T) {
	j := a145Journey(t)
	rapid.Check(t, func(rt *rapid.T) {
		perm := rapid.Permutation([]string{"feed", "web", "event", "meeting"}).Draw(rt, "perm")
		steps := perm[:rapid.IntRange(1, 4).Draw(rt, "nsteps")]
		window := rapid.SampledFrom([]time.Duration{0, time.Minute, 2 * time.Minute, 2*time.Minute - 1, 1}).Draw(rt, "window")
		n := rapid.IntRange(0, 40).Draw(rt, "n")
		var rs []Response
		for i := range n {
			if i > 0 && rapid.IntRange(0, 9).Draw(rt, "replay") == 0 {
				rs = append(rs, rs[rapid.IntRange(0, i-1).Draw(rt, "which")])
				continue
			}
			at := a145AsOf.Add(time.Duration(rapid.IntRange(0, 6).Draw(rt, "min"))*time.Minute + rapid.SampledFrom([]time.Duration{0, 0, 1, -1}).Draw(rt, "ns"))
			id := ""
			if rapid.Bool().Draw(rt, "hasID") {
				id = fmt.Sprint("id", i)
			}
			rs = append(rs, Response{ID: id, Client: rapid.SampledFrom([]string{"a", "b", "c"}).Draw(rt, "client"),
				Stimulus: fmt.Sprintf("s%d", rapid.IntRange(0, 11).Draw(rt, "stim")), Kind: "click",
				Setting: rapid.SampledFrom([]string{"", "feed", "web", "event", "meeting"}).Draw(rt, "setting"),
				Time:    at.In(rapid.SampledFrom(a145Zones).Draw(rt, "zone"))})
		}
		a145Guard(t, rt, func(rt *a145F) {
			got, err := Funnel(context.Background(), j, slices.Values(rs), steps, window)
			if err != nil {
				rt.Fatal(err)
			}
			want := a145RefFunnel(j, rs, steps, window)
			if a145J(got.Steps) != a145J(want) {
				rt.Fatalf("Funnel(%v, window %v):\n got %s\nwant %s", steps, window, a145J(got.Steps), a145J(want))
			}
			if got.Report.In != len(rs) || got.Report.Used+got.Report.Rejected[DuplicateID] != len(rs) {
				rt.Fatalf("report %+v for %d responses", got.Report, len(rs))
			}
			rev := slices.Clone(rs)
			slices.Reverse(rev)
			again, _ := Funnel(context.Background(), j, slices.Values(rev), steps, window)
			if a145J(again) != a145J(got) {
				rt.Fatalf("reversed input changed the funnel:\n got %s\nwant %s", a145J(again), a145J(got))
			}
			bs, err := json.Marshal(got)
			if err != nil {
				rt.Fatal(err)
			}
			var back FunnelReport
			if err := json.Unmarshal(bs, &back); err != nil || a145J(back) != string(bs) {
				rt.Fatalf("funnel JSON round trip: %s -> %s (%v)", bs, a145J(back), err)
			}
		})
	})
}

// Funnel edges, by hand: the same instant converts, a response exactly
// a window after converts and one a nanosecond later does not, a client
// entering mid-funnel is not counted, and steps taken in reverse order
// do not convert.
func TestAdversary145_FunnelEdges_Pinned(t *testing.T) {
	j := a145Journey(t)
	at := func(d time.Duration) time.Time { return a145AsOf.Add(d) }
	r := func(c, setting string, d time.Duration) Response {
		return Response{Client: c, Stimulus: "s0", Kind: "click", Setting: setting, Time: at(d)}
	}
	cases := []struct {
		name    string
		rs      []Response
		window  time.Duration
		reached []int
	}{
		{"same instant", []Response{r("a", "feed", 0), r("a", "web", 0)}, 0, []int{1, 1}},
		{"exactly the window", []Response{r("a", "feed", 0), r("a", "web", time.Hour)}, time.Hour, []int{1, 1}},
		{"a ns past the window", []Response{r("a", "feed", 0), r("a", "web", time.Hour+1)}, time.Hour, []int{1, 0}},
		{"reverse order", []Response{r("a", "web", 0), r("a", "feed", 1)}, 0, []int{1, 0}},
		{"mid-funnel entry", []Response{r("a", "web", 0), r("a", "event", 1)}, 0, []int{0, 0}},
		{"back and forth", []Response{r("a", "web", 0), r("a", "feed", 1), r("a", "web", 2)}, 0, []int{1, 1}},
	}
	for _, c := range cases {
		testguard.Run(t, a145Limit, func() {
			steps := []string{"feed", "web", "event"}[:len(c.reached)]
			if c.name == "mid-funnel entry" {
				steps = []string{"feed", "web"}
			}
			got, err := Funnel(context.Background(), j, slices.Values(c.rs), steps, c.window)
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range got.Steps {
				if s.Reached != c.reached[i] {
					t.Errorf("%s: step %s reached by %d, want %d (%+v)", c.name, s.Setting, s.Reached, c.reached[i], got.Steps)
				}
			}
		})
	}
}

// a145F fails a rapid check from testguard's goroutine: the message is
// carried back and reported by rapid on the test's goroutine (so it
// shrinks), not as a panic.
type a145F struct{ msg string }

func (f *a145F) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (f *a145F) Fatal(args ...any) {
	f.msg = fmt.Sprint(args...)
	runtime.Goexit()
}

func a145Guard(t *testing.T, rt *rapid.T, f func(*a145F)) {
	t.Helper()
	var fl a145F
	if !testguard.Run(t, a145Limit, func() { f(&fl) }) {
		rt.Fatalf("hang")
	}
	if fl.msg != "" {
		rt.Fatalf("%s", fl.msg)
	}
}

// Declining content: each group's window counts agree with the doc's
// half-open windows [AsOf−Recent, AsOf) and [AsOf−Recent−Baseline,
// AsOf−Recent), for responses on and a nanosecond off the boundaries, in
// other zones, with an as-of that has sub-second nanoseconds.
func TestAdversary145_DifferentialChangeWindows_Pinned(t *testing.T) {
	j := a145Journey(t)
	rapid.Check(t, func(rt *rapid.T) {
		period := rapid.SampledFrom([]time.Duration{time.Hour, 24 * time.Hour}).Draw(rt, "P")
		asOf := a145AsOf.Add(rapid.SampledFrom([]time.Duration{0, 1, 999_999_999}).Draw(rt, "asOfNs"))
		o := Options{AsOf: asOf, Weights: a145Exact, Period: period, Recent: 3 * period, Baseline: 5 * period}
		rs := a145Gen(rt, period, 80)
		for i := range rs {
			rs[i].Time = rs[i].Time.Add(asOf.Sub(a145AsOf))
		}
		a145Guard(t, rt, func(rt *a145F) {
			b, err := Analyze(context.Background(), j, slices.Values(rs), o)
			if err != nil {
				rt.Fatal(err)
			}
			got, err := b.ChangeTests(ChangeOptions{MinN: 1})
			if err != nil {
				rt.Fatal(err)
			}
			type cnt struct{ rn, re, bn, be int }
			want := map[[2]string]*cnt{}
			for _, r := range rs {
				age := asOf.Sub(r.Time)
				if age <= 0 || age > o.Recent+o.Baseline {
					continue
				}
				st, _ := j.Stimulus(r.Stimulus)
				esc := 0
				if a145Class(j, r) == Escalate {
					esc = 1
				}
				for _, g := range [][2]string{{"kind", st.Kind}, {"setting", st.Setting}, {"campaign", st.Campaign}, {"topic", st.Topic}} {
					if g[1] == "" {
						continue
					}
					c := want[g]
					if c == nil {
						c = &cnt{}
						want[g] = c
					}
					if age <= o.Recent {
						c.rn, c.re = c.rn+1, c.re+esc
					} else {
						c.bn, c.be = c.bn+1, c.be+esc
					}
				}
			}
			n := 0
			for _, c := range want {
				if c.rn > 0 && c.bn > 0 {
					n++
				}
			}
			if len(got) != n {
				rt.Fatalf("%d groups tested, want %d", len(got), n)
			}
			for _, c := range got {
				w := want[[2]string{c.Dimension, c.Value}]
				if w == nil || c.RecentN != w.rn || c.BaselineN != w.bn || c.RecentRate != float64(w.re)/float64(w.rn) ||
					c.BaselineRate != float64(w.be)/float64(w.bn) || c.Falling != (c.RecentRate < c.BaselineRate) {
					rt.Fatalf("group %s=%s: %+v, want counts %+v", c.Dimension, c.Value, c, w)
				}
			}
		})
	})
}

// Empty books, the zero Book, one client, and clients of equal scores:
// no panic, nothing invented, ties by id.
func TestAdversary145_DegenerateBooks_Pinned(t *testing.T) {
	j := a145Journey(t)
	o := Options{AsOf: a145AsOf}
	testguard.Run(t, a145Limit, func() {
		empty, err := Analyze(context.Background(), j, nil, o)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range []*Book{empty, {}} {
			f, err1 := b.Superfans(SuperfanRule{})
			a, err2 := b.AtRisk(AtRiskRule{})
			c, err3 := b.ChangeTests(ChangeOptions{})
			if len(f) != 0 || len(a) != 0 || len(c) != 0 || len(b.CrossSells(nil)) != 0 || errors.Join(err1, err2, err3) != nil {
				t.Errorf("empty book: %v %v %v %v", f, a, c, errors.Join(err1, err2, err3))
			}
		}
		m, err := MergeBooks(empty, empty, empty)
		if err != nil || len(m.Clients()) != 0 {
			t.Errorf("merge of empty books: %v %v", m, err)
		}
	})
	// Clients with identical histories (so equal scores, exactly): ties by id.
	var rs []Response
	ids := []string{"z", "m", "a", "q", "b"}
	for _, c := range ids {
		for d := range 5 {
			rs = append(rs, Response{Client: c, Stimulus: "s0", Kind: "click", Setting: "web", Time: a145AsOf.Add(-time.Duration(d) * 24 * time.Hour)})
		}
	}
	testguard.Run(t, a145Limit, func() {
		b, _ := Analyze(context.Background(), j, slices.Values(rs), o)
		f, _ := b.Superfans(SuperfanRule{Window: 1, Min: 1})
		var got []string
		for _, s := range f {
			got = append(got, s.Client)
		}
		if want := []string{"a", "b", "m", "q", "z"}; !slices.Equal(got, want) {
			t.Errorf("equal scores ranked %v, want by id %v", got, want)
		}
		one, _ := Analyze(context.Background(), j, slices.Values(rs[:1]), o)
		f, _ = one.Superfans(SuperfanRule{Window: 1, Min: 1})
		a, _ := one.AtRisk(AtRiskRule{})
		if len(f) != 1 || f[0].Client != "z" || f[0].EscalatedPeriods != 1 || len(a) != 0 {
			t.Errorf("one client, one escalation now: superfans %+v, at risk %+v", f, a)
		}
	})
}

// Options that are NaN, infinite, negative or huge are rejected with
// *OptionErrors naming them, before any response is read.
func TestAdversary145_InvalidOptionsTyped_Pinned(t *testing.T) {
	j := a145Journey(t)
	cases := []struct {
		o      Options
		option string
	}{
		{Options{}, "Options.AsOf"},
		{Options{AsOf: a145AsOf, Period: -1}, "Options.Period"},
		{Options{AsOf: a145AsOf, Recent: -time.Hour}, "Options.Recent"},
		{Options{AsOf: a145AsOf, Baseline: math.MinInt64}, "Options.Baseline"},
		{Options{AsOf: a145AsOf, Weights: Weights{Escalate: math.NaN()}}, "Options.Weights.Escalate"},
		{Options{AsOf: a145AsOf, Weights: Weights{Maintain: math.Inf(-1)}}, "Options.Weights.Maintain"},
		{Options{AsOf: a145AsOf, Weights: Weights{Disengage: 1e300}}, "Options.Weights.Disengage"},
		{Options{AsOf: a145AsOf, Weights: Weights{ByKind: map[string]float64{"like": math.NaN()}}}, "Options.Weights multiplier like"},
		{Options{AsOf: a145AsOf, Weights: Weights{HalfLife: -1}}, "Options.Weights.HalfLife"},
		{Options{AsOf: time.Unix(1<<62+1, 0)}, "Options.AsOf"},
	}
	for _, c := range cases {
		testguard.Run(t, a145Limit, func() {
			read := false
			_, err := Analyze(context.Background(), j, func(func(Response) bool) { read = true }, c.o)
			if read || !slices.ContainsFunc(a145OptionErrors(err), func(e *OptionError) bool { return e.Option == c.option }) {
				t.Errorf("Analyze(%+v): %v (read %v), want an *OptionError naming %s", c.o, err, read, c.option)
			}
		})
	}
}

// JSON round trip of every analytic (compared as JSON: an empty map and
// nil read alike).
func TestAdversary145_JSONRoundTrip_Pinned(t *testing.T) {
	j := a145Journey(t)
	rapid.Check(t, func(rt *rapid.T) {
		rs := a145Gen(rt, 24*time.Hour, 60)
		a145Guard(t, rt, func(rt *a145F) {
			b, _ := Analyze(context.Background(), j, slices.Values(rs), Options{AsOf: a145AsOf, Period: 24 * time.Hour, Recent: 3 * 24 * time.Hour, Baseline: 5 * 24 * time.Hour})
			d := a145Derive(t, b)
			bs, err := json.Marshal(d)
			if err != nil {
				rt.Fatal(err)
			}
			var back a145Derived
			if err := json.Unmarshal(bs, &back); err != nil {
				rt.Fatal(err)
			}
			if again, _ := json.Marshal(back); string(again) != string(bs) {
				rt.Fatalf("JSON round trip changed the analytics:\n%s\n%s", again, bs)
			}
		})
	})
}
