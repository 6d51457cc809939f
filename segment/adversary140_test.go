package segment_test

// Adversary round 140: wrong segments and silent decisions.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/internal/testguard"
	"github.com/engagekit/engagekit/segment"
	"pgregory.net/rapid"
)

const adv140Limit = 20 * time.Second

var adv140Now = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// adv140Values are the axis values the generators draw from: few, so
// that ties at a top share's cut are common, with signed zeros, the
// extremes of float64 and a subnormal.
var adv140Values = []float64{0, math.Copysign(0, -1), 1, -1, 2, 0.5, 5e-324, -5e-324, 1e308, -1e308, math.MaxFloat64, 3}

func adv140Threshold(t *rapid.T, label string) segment.Threshold {
	if rapid.Bool().Draw(t, label+"top") {
		return segment.Top(rapid.SampledFrom([]float64{0.1, 0.25, 1.0 / 3, 0.5, 0.55, 0.9, 1, 5e-324}).Draw(t, label+"share"))
	}
	return segment.At(rapid.SampledFrom([]float64{0, math.Copysign(0, -1), 1, -1, 0.5, 1e308}).Draw(t, label+"at"))
}

// adv140Book draws a book of unique ids (when unique) whose numbers come
// from adv140Values, with an occasional NaN or Inf, and random assets.
func adv140Book(t *rapid.T, unique bool) []segment.Client {
	n := rapid.IntRange(0, 40).Draw(t, "n")
	book := make([]segment.Client, n)
	num := func(label string) float64 {
		if rapid.IntRange(0, 30).Draw(t, label+"bad") == 0 {
			return rapid.SampledFrom([]float64{math.NaN(), math.Inf(1), math.Inf(-1)}).Draw(t, label+"badv")
		}
		return rapid.SampledFrom(adv140Values).Draw(t, label)
	}
	for i := range book {
		id := fmt.Sprintf("c%d", i)
		if !unique {
			id = fmt.Sprintf("c%d", rapid.IntRange(0, n).Draw(t, "id"))
		}
		book[i] = segment.Client{ID: id, Revenue: num("rev"), CostToServe: num("cost"), Engagement: num("eng"),
			Assets: rapid.SampledFrom([]float64{0, 1e9, -1e9, math.NaN(), math.Inf(1), math.MaxFloat64}).Draw(t, "assets")}
	}
	return book
}

// adv140Outcome is one client's outcome keyed by id: its assignment, or
// its failure's field and cause text.
func adv140Outcomes(b segment.Book) map[string]string {
	out := map[string]string{}
	for _, a := range b.Assignments {
		js, _ := json.Marshal(a)
		out[a.ClientID] += "ok:" + string(js) + ";"
	}
	for _, f := range b.Failed {
		out[f.ClientID] += "failed:" + f.Field + ":" + f.Error() + ";"
	}
	return out
}

// TestAdversary140_OrderAndAssetsPinned
// Input: random books of unique ids (ties, ±0, subnormals, ±MaxFloat64,
// an occasional NaN/Inf, assets of any value including NaN and Inf) under
// random At/Top grids; the same book reversed and rotated, and with every
// client's assets set to 0.
// Observed: the same cut, the same counts and the same outcome per id.
// Expected: that (the order of the book does not matter; assets never
// move a client).
func TestAdversary140_OrderAndAssetsPinned(t *testing.T) {
	testguard.Run(t, adv140Limit, func() {
		rapid.Check(t, func(t *rapid.T) {
			g := segment.Grid{Profit: adv140Threshold(t, "p"), Engagement: adv140Threshold(t, "e")}
			book := adv140Book(t, true)
			base, err := g.AssignAll(context.Background(), book)
			if err != nil {
				t.Fatalf("AssignAll: %v", err)
			}
			if base.Counts.In != len(book) || base.Counts.OK != len(base.Assignments) || base.Counts.Failed != len(base.Failed) || base.Counts.Cancelled != 0 {
				t.Fatalf("counts %+v, %d assignments, %d failed, %d clients", base.Counts, len(base.Assignments), len(base.Failed), len(book))
			}
			rev := make([]segment.Client, len(book))
			noAssets := make([]segment.Client, len(book))
			k := 0
			if len(book) > 0 {
				k = rapid.IntRange(0, len(book)-1).Draw(t, "rot")
			}
			rot := append(append([]segment.Client{}, book[k:]...), book[:k]...)
			for i, c := range book {
				rev[len(book)-1-i] = c
				c.Assets = 0
				noAssets[i] = c
			}
			want := adv140Outcomes(base)
			for name, b := range map[string][]segment.Client{"reversed": rev, "rotated": rot, "no assets": noAssets} {
				got, err := g.AssignAll(context.Background(), b)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if got.Cut != base.Cut {
					t.Fatalf("%s: cut %+v, want %+v", name, got.Cut, base.Cut)
				}
				if !reflect.DeepEqual(adv140Outcomes(got), want) {
					t.Fatalf("%s: outcomes differ:\n%v\nwant\n%v", name, adv140Outcomes(got), want)
				}
			}
			cut, err := g.Cut(context.Background(), book)
			if err != nil || cut != base.Cut {
				t.Fatalf("Grid.Cut %+v %v, AssignAll's %+v", cut, err, base.Cut)
			}
		})
	})
}

// TestAdversary140_ParallelEqualsSequentialPinned
// Input: books of up to 40 clients, and one of 5,000 (several chunks of
// the batch on both cores), ids possibly repeated.
// Observed: AssignAll's assignments, in input order, are Cut.Assign's of
// each client that is not a duplicate, and the failures are the same
// clients with the same causes.
// Expected: the parallel path gives the sequential result.
func TestAdversary140_ParallelEqualsSequentialPinned(t *testing.T) {
	check := func(t interface {
		Fatalf(string, ...any)
	}, g segment.Grid, book []segment.Client) {
		res, err := g.AssignAll(context.Background(), book)
		if err != nil {
			t.Fatalf("AssignAll: %v", err)
		}
		seen := map[string]bool{}
		var want []segment.Assignment
		var fails []string
		for _, c := range book {
			if c.ID != "" && seen[c.ID] {
				fails = append(fails, c.ID+":id:dup")
				continue
			}
			seen[c.ID] = true
			a, err := res.Cut.Assign(c)
			if err != nil {
				var ce *segment.ClientError
				if !errors.As(err, &ce) {
					t.Fatalf("Cut.Assign(%+v): %v is no *ClientError", c, err)
				}
				fails = append(fails, ce.ClientID+":"+ce.Field+":"+fmt.Sprint(errors.Is(err, segment.ErrUnknown)))
				continue
			}
			want = append(want, a)
		}
		var got []string
		for _, f := range res.Failed {
			if errors.Is(&f, segment.ErrDuplicateID) {
				got = append(got, f.ClientID+":id:dup")
				continue
			}
			got = append(got, f.ClientID+":"+f.Field+":"+fmt.Sprint(errors.Is(&f, segment.ErrUnknown)))
		}
		if !reflect.DeepEqual(res.Assignments, want) && !(len(res.Assignments) == 0 && len(want) == 0) {
			t.Fatalf("assignments differ from sequential Cut.Assign:\n%+v\nwant\n%+v", res.Assignments, want)
		}
		if strings.Join(got, ",") != strings.Join(fails, ",") {
			t.Fatalf("failures %v, want %v", got, fails)
		}
	}
	testguard.Run(t, adv140Limit, func() {
		rapid.Check(t, func(t *rapid.T) {
			g := segment.Grid{Profit: adv140Threshold(t, "p"), Engagement: adv140Threshold(t, "e")}
			check(t, g, adv140Book(t, false))
		})
	})
	testguard.Run(t, adv140Limit, func() {
		book := make([]segment.Client, 5000)
		for i := range book {
			book[i] = segment.Client{ID: fmt.Sprintf("c%d", i%4900), Revenue: float64(i % 7), CostToServe: 3, Engagement: float64(i%5) / 4}
		}
		book[17].Revenue = math.NaN()
		check(t, segment.Grid{Profit: segment.Top(0.3), Engagement: segment.Top(0.5)}, book)
	})
}

// TestAdversary140_TopNeverExceedsSharePinned
// Input: random books, Top(share) on both axes.
// Observed/expected: at most ⌈share·n⌉ of the n known clients are on top
// of a Top cut (ties go below), and none with zero or less engagement is
// engaged; a Tie assignment has its value equal to the cut.
func TestAdversary140_TopNeverExceedsSharePinned(t *testing.T) {
	testguard.Run(t, adv140Limit, func() {
		rapid.Check(t, func(t *rapid.T) {
			share := rapid.SampledFrom([]float64{0.1, 0.25, 0.5, 0.75, 1, 5e-324}).Draw(t, "share")
			book := adv140Book(t, true)
			res, err := segment.Grid{Profit: segment.Top(share), Engagement: segment.Top(share)}.AssignAll(context.Background(), book)
			if err != nil {
				t.Fatal(err)
			}
			n := len(res.Assignments)
			k := int(math.Ceil(share * float64(n)))
			prof, eng := 0, 0
			for _, a := range res.Assignments {
				if a.Segment == segment.A || a.Segment == segment.B {
					prof++
				}
				if a.Segment == segment.A || a.Segment == segment.C {
					eng++
					if a.Engagement <= 0 {
						t.Fatalf("engaged with engagement %v: %+v", a.Engagement, a)
					}
				}
				if a.Tie && a.Profit != a.Cut.Profit && a.Engagement != a.Cut.Engagement {
					t.Fatalf("tie marked away from the cut: %+v", a)
				}
			}
			if prof > k || eng > k {
				t.Fatalf("top %v of %d: %d profitable, %d engaged, more than %d", share, n, prof, eng, k)
			}
		})
	})
}

// TestAdversary140_EdgeBooksPinned
// Input: the empty book, one client, all-equal values, Top(1), shares of
// 0, -0, NaN, +Inf, 1.5 and 1+ε.
// Observed/expected: the empty book is an empty, JSON-encodable Book; one
// client under Top(0.5) is on top (k = 1 = n); all-equal values under
// Top(0.5) all go below, each marked Tie, and under Top(1) all on top with
// no tie; a share outside (0, 1] is an error, never a cut.
func TestAdversary140_EdgeBooksPinned(t *testing.T) {
	ctx := context.Background()
	testguard.Run(t, adv140Limit, func() {
		top := segment.Grid{Profit: segment.Top(0.5), Engagement: segment.Top(0.5)}
		b, err := top.AssignAll(ctx, nil)
		if err != nil || b.Counts != (segment.Counts{}) || len(b.Assignments) != 0 {
			t.Errorf("empty book: %+v %v", b, err)
		}
		if _, err := json.Marshal(b); err != nil {
			t.Errorf("empty book does not encode: %v", err)
		}
		b, err = top.AssignAll(ctx, []segment.Client{{ID: "solo", Revenue: 5, CostToServe: 1, Engagement: 0.2}})
		if err != nil || len(b.Assignments) != 1 || b.Assignments[0].Segment != segment.A || b.Assignments[0].Tie {
			t.Errorf("book of one: %+v %v", b, err)
		}
		same := []segment.Client{{ID: "a", Revenue: 2, Engagement: 0.4}, {ID: "b", Revenue: 2, Engagement: 0.4}, {ID: "c", Revenue: 2, Engagement: 0.4}}
		b, err = top.AssignAll(ctx, same)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range b.Assignments {
			if a.Segment != segment.D || !a.Tie {
				t.Errorf("all equal, Top(0.5): %+v, want D decided by a tie", a)
			}
		}
		if b.Cut.ProfitTies != 3 || b.Cut.EngagementTies != 3 {
			t.Errorf("all equal, Top(0.5): cut %+v, want 3 ties each", b.Cut)
		}
		b, err = segment.Grid{Profit: segment.Top(1), Engagement: segment.Top(1)}.AssignAll(ctx, same)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range b.Assignments {
			if a.Segment != segment.A || a.Tie {
				t.Errorf("all equal, Top(1): %+v, want A with no tie", a)
			}
		}
		for _, share := range []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), 1.5, math.Nextafter(1, 2), -0.5} {
			for _, g := range []segment.Grid{{Profit: segment.Top(share)}, {Engagement: segment.Top(share)}} {
				b, err := g.AssignAll(ctx, same)
				if err == nil || len(b.Assignments) != 0 {
					t.Errorf("share %v: %d assignments, err %v; want an error", share, len(b.Assignments), err)
				}
				if _, err := g.Cut(ctx, same); err == nil {
					t.Errorf("share %v: Cut gave no error", share)
				}
			}
		}
	})
}

// TestAdversary140_BadNumbersNameTheClientPinned
// Input: clients with NaN, ±Inf revenue, cost or engagement; revenue and
// cost finite but whose difference overflows; ±0 everywhere; 1e308 profit.
// Observed/expected: each bad one is a *ClientError naming the client and
// the field, wrapping ErrUnknown, counted in Failed and in no cut; ±0 reads
// as 0 (reason without "-0"); a huge finite profit is segmented.
func TestAdversary140_BadNumbersNameTheClientPinned(t *testing.T) {
	testguard.Run(t, adv140Limit, func() {
		nz := math.Copysign(0, -1)
		book := []segment.Client{
			{ID: "nanrev", Revenue: math.NaN()},
			{ID: "infcost", CostToServe: math.Inf(1)},
			{ID: "ninfeng", Engagement: math.Inf(-1)},
			{ID: "naneng", Revenue: 10, Engagement: math.NaN()},
			{ID: "over", Revenue: math.MaxFloat64, CostToServe: -math.MaxFloat64},
			{ID: "zeros", Revenue: nz, CostToServe: 0, Engagement: nz},
			{ID: "huge", Revenue: 1e308, CostToServe: -1e307, Engagement: 1e308},
		}
		want := map[string]string{"nanrev": "revenue", "infcost": "cost_to_serve", "ninfeng": "engagement", "naneng": "engagement", "over": "profit"}
		res, err := segment.Grid{Profit: segment.Top(0.5), Engagement: segment.At(0.5)}.AssignAll(context.Background(), book)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Failed) != len(want) {
			t.Errorf("failed %+v, want %d", res.Failed, len(want))
		}
		for _, f := range res.Failed {
			if want[f.ClientID] != f.Field || !errors.Is(&f, segment.ErrUnknown) || !strings.Contains(f.Error(), f.ClientID) {
				t.Errorf("failure %+v (%v), want field %q and ErrUnknown", f, f.Error(), want[f.ClientID])
			}
		}
		// Top(0.5) of the 2 known profits (0 and 1.1e308) is the higher.
		if res.Cut.Profit != 1e308+1e307 {
			t.Errorf("cut %+v: unknown clients counted in the top share", res.Cut)
		}
		for _, a := range res.Assignments {
			if strings.Contains(a.Reason, "-0") || math.Signbit(a.Profit) && a.Profit == 0 || math.Signbit(a.Engagement) && a.Engagement == 0 {
				t.Errorf("signed zero leaks: %+v", a)
			}
		}
		if _, err := json.Marshal(res); err != nil {
			t.Errorf("book does not encode: %v", err)
		}
	})
}

// adv140Ctx is a context that ends at its limit-th Err call: cancellation
// at a chosen point of AssignAll, mid-way through the batch included.
type adv140Ctx struct {
	context.Context
	calls, limit int64
	once         sync.Once
	done         chan struct{}
}

func newAdv140Ctx(limit int64) *adv140Ctx {
	return &adv140Ctx{Context: context.Background(), limit: limit, done: make(chan struct{})}
}

func (c *adv140Ctx) Done() <-chan struct{} { return c.done }

func (c *adv140Ctx) Err() error {
	if atomic.AddInt64(&c.calls, 1) >= c.limit {
		c.once.Do(func() { close(c.done) })
		return context.Canceled
	}
	select {
	case <-c.done:
		return context.Canceled
	default:
		return nil
	}
}

// TestAdversary140_CancelMidwayAccountsForEveryClientPinned
// Input: a book of 3,000 clients (some failing, some duplicates), a
// context that ends at its 1st … 60th Err call.
// Observed/expected: In = OK + Failed + Cancelled = 3,000; the
// assignments and failures listed are as many as counted; every listed
// assignment is the one an uncancelled run gives; the error is ctx's
// whenever a client was cancelled, and nil otherwise.
func TestAdversary140_CancelMidwayAccountsForEveryClientPinned(t *testing.T) {
	book := make([]segment.Client, 3000)
	for i := range book {
		book[i] = segment.Client{ID: fmt.Sprintf("c%d", i%2950), Revenue: float64(i % 11), CostToServe: 4, Engagement: float64(i%3) / 2}
		if i%97 == 0 {
			book[i].CostToServe = math.NaN()
		}
	}
	g := segment.Grid{Profit: segment.Top(0.4), Engagement: segment.Top(0.5)}
	full, err := g.AssignAll(context.Background(), book)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]segment.Assignment{}
	for _, a := range full.Assignments {
		want[a.ClientID] = a
	}
	for limit := int64(1); limit <= 60; limit++ {
		testguard.Run(t, adv140Limit, func() {
			res, err := g.AssignAll(newAdv140Ctx(limit), book)
			c := res.Counts
			if c.In != len(book) || c.OK+c.Failed+c.Cancelled != c.In || c.OK != len(res.Assignments) || c.Failed != len(res.Failed) {
				t.Errorf("limit %d: counts %+v, %d assignments, %d failures", limit, c, len(res.Assignments), len(res.Failed))
			}
			if (c.Cancelled > 0) != (err != nil) || err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("limit %d: cancelled %d, err %v", limit, c.Cancelled, err)
			}
			for _, a := range res.Assignments {
				if !reflect.DeepEqual(a, want[a.ClientID]) {
					t.Errorf("limit %d: %+v, uncancelled %+v", limit, a, want[a.ClientID])
					break
				}
			}
		})
	}
}

// TestAdversary140_CustomRuntimeFailuresNamedPinned
// Input: custom schemes over a struct whose rules, at run time, read a
// value of the wrong type (an any holding a string, an int), a nil, a NaN
// (also behind a later rule's condition and through arithmetic on +Inf),
// or run over the dsl's memory and step limits.
// Observed/expected: a *ClientError naming the client and "rule N",
// wrapping a *dsl.Error whose RuleID names the segment and rule and whose
// Line:Column are set; no segment; returned quickly.
func TestAdversary140_CustomRuntimeFailuresNamedPinned(t *testing.T) {
	type env struct {
		X float64 `expr:"x"`
		V any     `expr:"v"`
	}
	cases := []struct {
		rules []segment.Rule
		env   env
		rule  int
		opts  []dsl.Option
	}{
		{[]segment.Rule{{Segment: "S", When: "v"}}, env{V: "yes"}, 1, nil},
		{[]segment.Rule{{Segment: "S", When: "v"}}, env{V: 1}, 1, nil},
		{[]segment.Rule{{Segment: "S", When: "v"}}, env{}, 1, nil},
		{[]segment.Rule{{Segment: "S", When: "v == true"}, {Segment: "T", When: "x > 100"}}, env{X: math.NaN(), V: false}, 2, nil},
		{[]segment.Rule{{Segment: "S", When: "x - x > 0"}}, env{X: math.Inf(1)}, 1, nil},
		{[]segment.Rule{{Segment: "S", When: "x > 0 || true"}}, env{X: math.NaN()}, 1, nil},
		{[]segment.Rule{{Segment: "S", When: "len(repeat('a', 100000000)) > x"}}, env{}, 1, nil},
		{[]segment.Rule{{Segment: "S", When: "len(filter(1..100000000, # > x)) > 0"}}, env{}, 1, nil},
		{[]segment.Rule{{Segment: "S", When: "any(1..5000, # < x)"}}, env{X: -1}, 1, []dsl.Option{dsl.WithLimits(dsl.Limits{MaxSteps: 100})}},
	}
	for _, c := range cases {
		testguard.Run(t, 5*time.Second, func() {
			cs, err := segment.NewCustom[env](c.rules, "D", c.opts...)
			if err != nil {
				t.Errorf("%v: %v", c.rules, err)
				return
			}
			a, err := cs.Assign("cl-1", c.env, adv140Now)
			var ce *segment.ClientError
			var de *dsl.Error
			if !errors.As(err, &ce) || !errors.As(err, &de) {
				t.Errorf("%v: %+v, err %v; want a *ClientError wrapping a *dsl.Error", c.rules, a, err)
				return
			}
			r := c.rules[c.rule-1]
			if a.Segment != "" || ce.ClientID != "cl-1" || ce.Field != fmt.Sprintf("rule %d", c.rule) ||
				de.RuleID != fmt.Sprintf("%s (rule %d)", r.Segment, c.rule) || de.Line < 1 || de.Column < 1 {
				t.Errorf("%v: %+v, %+v, %+v", c.rules, a, ce, de)
			}
		})
	}
}

// TestAdversary140_CustomFastPathAgreesWithHostPathPinned
// Input: random schemes over float and int fields (NaN, ±Inf, ±0,
// extremes) compiled twice: as written (the dsl's closures read the
// fields) and with every read of x through a host identity function (which
// the closures leave to expr); and over Env and *Env.
// Observed/expected: the same segment, or both an error, for every client.
func TestAdversary140_CustomFastPathAgreesWithHostPathPinned(t *testing.T) {
	type env struct {
		X float64 `expr:"x"`
		N int     `expr:"n"`
	}
	atoms := []string{"x > 0.5", "x <= -1", "x == 0", "n >= 2", "n == 7", "x / 2 >= 0.1", "x * n < 3", "abs(x) >= 1e308", "x != 1", "!(x < 0)", "x in [0.5, 1.0]", "x >= 0 ? n > 1 : n < 1"}
	testguard.Run(t, adv140Limit, func() {
		rapid.Check(t, func(t *rapid.T) {
			n := rapid.IntRange(1, 3).Draw(t, "rules")
			var rules, hosted []segment.Rule
			for i := range n {
				w := rapid.SampledFrom(atoms).Draw(t, "a")
				if rapid.Bool().Draw(t, "and") {
					w += rapid.SampledFrom([]string{" && ", " || "}).Draw(t, "op") + rapid.SampledFrom(atoms).Draw(t, "b")
				}
				seg := segment.Segment(fmt.Sprint("S", i))
				rules = append(rules, segment.Rule{Segment: seg, When: w})
				hosted = append(hosted, segment.Rule{Segment: seg, When: strings.ReplaceAll(w, "x", "id(x)")})
			}
			fn := dsl.WithFunc1("id", func(v float64) float64 { return v })
			a, errA := segment.NewCustom[env](rules, "D", fn)
			b, errB := segment.NewCustom[env](hosted, "D", fn)
			p, errP := segment.NewCustom[*env](rules, "D", fn)
			if (errA == nil) != (errP == nil) {
				t.Fatalf("compile disagrees: %v / pointer %v", errA, errP)
			}
			if errA != nil || errB != nil {
				// A scheme refused as unreachable (the analysis reads
				// id(x) as an unknown, so the two may differ here).
				t.Skip("refused scheme")
			}
			for range 8 {
				e := env{X: rapid.SampledFrom(append(adv140Values, math.NaN(), math.Inf(1), math.Inf(-1))).Draw(t, "x"), N: rapid.IntRange(-1, 8).Draw(t, "n")}
				ra, ea := a.Assign("c", e, adv140Now)
				rb, eb := b.Assign("c", e, adv140Now)
				rp, ep := p.Assign("c", &e, adv140Now)
				if ra.Segment != rb.Segment || ra.Segment != rp.Segment || (ea == nil) != (eb == nil) || (ea == nil) != (ep == nil) {
					t.Fatalf("%+v under %v: %q %v / hosted %q %v / pointer %q %v", e, rules, ra.Segment, ea, rb.Segment, eb, rp.Segment, ep)
				}
				if math.IsNaN(e.X) && ea == nil {
					// The NaN decided nothing only if every number in
					// its place gives the same segment.
					for _, x := range adv140Values {
						f := e
						f.X = x
						if rf, ef := a.Assign("c", f, adv140Now); ef == nil && rf.Segment != ra.Segment {
							t.Fatalf("%+v under %v: a NaN decided %q (x = %v gives %q)", e, rules, ra.Segment, x, rf.Segment)
						}
					}
				}
			}
		})
	})
}

// TestAdversary140_BookJSONRoundTripPinned
// Input: random books (failures included) and the default policies.
// Observed/expected: a Book written as JSON and read back writes the same
// bytes, its failures keep their sentinel causes, and its cut assigns the
// book's clients as before; Policies read back equal.
func TestAdversary140_BookJSONRoundTripPinned(t *testing.T) {
	testguard.Run(t, adv140Limit, func() {
		rapid.Check(t, func(t *rapid.T) {
			g := segment.Grid{Profit: adv140Threshold(t, "p"), Engagement: adv140Threshold(t, "e")}
			book := adv140Book(t, false)
			res, err := g.AssignAll(context.Background(), book)
			if err != nil {
				t.Fatal(err)
			}
			js, err := json.Marshal(res)
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			var back segment.Book
			if err := json.Unmarshal(js, &back); err != nil {
				t.Fatalf("unmarshal: %v", err)
			}
			js2, _ := json.Marshal(back)
			if !bytes.Equal(js, js2) {
				t.Fatalf("round trip:\n%s\n%s", js, js2)
			}
			for i := range res.Failed {
				for _, s := range []error{segment.ErrUnknown, segment.ErrDuplicateID, segment.ErrNoID, segment.ErrBadID} {
					if errors.Is(&res.Failed[i], s) != errors.Is(&back.Failed[i], s) {
						t.Fatalf("cause of %+v lost: %+v", res.Failed[i], back.Failed[i])
					}
				}
			}
			for i, a := range res.Assignments {
				var c segment.Client
				for _, cl := range book {
					if cl.ID == a.ClientID {
						c = cl
						break
					}
				}
				b, err := back.Cut.Assign(c)
				if err != nil || b != back.Assignments[i] {
					t.Fatalf("read-back cut assigns %+v %v, want %+v", b, err, back.Assignments[i])
				}
			}
		})
	})
	testguard.Run(t, adv140Limit, func() {
		p := segment.DefaultPolicies()
		p["X"] = segment.Policy{Stance: segment.Stance(200)}
		js, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var back segment.Policies
		if err := json.Unmarshal(js, &back); err != nil || !reflect.DeepEqual(back, p) {
			t.Errorf("policies round trip: %+v %v", back, err)
		}
	})
}

// TestAdversary140_GridJSONLosesThresholds_Pinned
// Input: json.Marshal(Grid{Profit: Top(0.2), Engagement: At(0.5)}) and
// json.Unmarshal of that into a Grid. (Grid is the segmentation's options;
// the package's other data — Cut, Book, Rule, Policy, dsl.Limits — are all
// JSON-tagged, so a host stores its grid the same way.)
// Was (fixed: Threshold has a text form): the JSON was {"Profit":{},"Engagement":{}} with no error
// (Threshold's fields are unexported and it has no MarshalJSON/Text), and
// it reads back, with no error, as the zero Grid — At(0) on both axes — so
// the stored scheme silently segments the book differently (here a client
// with profit 5 of a book where it is not in the top 20%, engagement 0.3,
// goes from D to A).
// Expected: the grid round-trips (Threshold implements
// MarshalJSON/UnmarshalJSON or text forms, "top 20%" / "≥ 0.5" say it
// already), or marshalling it is an error — never a different grid.
// Location: segment/threshold.go:16 (Threshold, no JSON/text methods);
// segment/grid.go:26 (Grid).
func TestAdversary140_GridJSONLosesThresholds_Pinned(t *testing.T) {
	testguard.Run(t, adv140Limit, func() {
		g := segment.Grid{Profit: segment.Top(0.2), Engagement: segment.At(0.5)}
		js, err := json.Marshal(g)
		if err != nil {
			return // refusing is acceptable
		}
		var back segment.Grid
		if err := json.Unmarshal(js, &back); err != nil {
			return // refusing is acceptable
		}
		book := []segment.Client{{ID: "a", Revenue: 100}, {ID: "b", Revenue: 50}, {ID: "c", Revenue: 20}, {ID: "d", Revenue: 10}, {ID: "e", Revenue: 5, Engagement: 0.3}}
		r1, err1 := g.AssignAll(context.Background(), book)
		r2, err2 := back.AssignAll(context.Background(), book)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if g.Profit.String() != back.Profit.String() || g.Engagement.String() != back.Engagement.String() || !reflect.DeepEqual(r1, r2) {
			t.Errorf("Grid JSON %s reads back as %q/%q (was %q/%q); client e: %s before, %s after",
				js, back.Profit, back.Engagement, g.Profit, g.Engagement, r1.Assignments[4].Segment, r2.Assignments[4].Segment)
		}
	})
}

// TestAdversary140_NonUTF8SegmentNamesMerge_Pinned
// Input: NewCustom[env]([{Segment: "\xff", When: "x > 0"}], "\xfe"), two
// clients, x = 1 and x = -1.
// Was (fixed: ErrBadSegmentName): NewCustom accepted both names; the clients got two different
// segments ("\xff" by rule 1 and the default "\xfe"), but the assignments'
// JSON writes both as "\ufffd": read back, the two segments are one, so
// Summarize and Migrate of a stored book count them together, and a
// client that moved between them has not moved. The package refuses ids
// that are not UTF-8 for exactly this reason (ErrBadID: "JSON writes such
// an id as another (its bytes replaced), so two of them would read back as
// one client"), but not segment names.
// Expected: NewCustom refuses a rule's or default segment name that is not
// UTF-8 (as ErrNoSegment / ErrNoDefault refuse blank ones), or the names
// round-trip.
// Location: segment/custom.go:75 and :82 (NewCustom checks only
// strings.TrimSpace(name) == "").
func TestAdversary140_NonUTF8SegmentNamesMerge_Pinned(t *testing.T) {
	type env struct {
		X float64 `expr:"x"`
	}
	testguard.Run(t, adv140Limit, func() {
		cs, err := segment.NewCustom[env]([]segment.Rule{{Segment: "\xff", When: "x > 0"}}, "\xfe")
		if err != nil {
			return // refused: right
		}
		a1, err1 := cs.Assign("a", env{X: 1}, adv140Now)
		a2, err2 := cs.Assign("b", env{X: -1}, adv140Now)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		js, err := json.Marshal([]segment.Assignment{a1, a2})
		if err != nil {
			return
		}
		var back []segment.Assignment
		if err := json.Unmarshal(js, &back); err != nil {
			t.Fatal(err)
		}
		if a1.Segment != a2.Segment && back[0].Segment == back[1].Segment {
			// Client "a" moves from "\xff" to "\xfe"; stored as JSON, the
			// move is gone.
			moved := a1
			moved.Segment = a2.Segment
			js2, _ := json.Marshal([]segment.Assignment{moved})
			var backMoved []segment.Assignment
			_ = json.Unmarshal(js2, &backMoved)
			live := segment.Migrate([]segment.Assignment{a1}, []segment.Assignment{moved})
			stored := segment.Migrate(back[:1], backMoved)
			t.Errorf("segments %q and %q read back from JSON as one, %q; Migrate of a client moving between them: %d move(s) live, %d read back",
				a1.Segment, a2.Segment, back[0].Segment, len(live.Moves), len(stored.Moves))
		}
	})
}

// TestAdversary140_DuplicatesAndIDsPinned
// Input: a book with an id twice (the second with a larger profit), an
// empty id, a non-UTF-8 id, Top(0.5) on profit.
// Observed/expected: the second "a" fails with ErrDuplicateID and is in no
// cut (Top(0.5) of a's 10 and b's 5 is 10), the empty id with ErrNoID, the
// bad one with ErrBadID; the first "a" keeps its segment.
func TestAdversary140_DuplicatesAndIDsPinned(t *testing.T) {
	testguard.Run(t, adv140Limit, func() {
		book := []segment.Client{{ID: "a", Revenue: 10}, {ID: "b", Revenue: 5}, {ID: "a", Revenue: 1000}, {ID: "", Revenue: 2000}, {ID: "\xff", Revenue: 3000}}
		res, err := segment.Grid{Profit: segment.Top(0.5)}.AssignAll(context.Background(), book)
		if err != nil {
			t.Fatal(err)
		}
		if res.Cut.Profit != 10 || len(res.Assignments) != 2 || res.Assignments[0].ClientID != "a" || res.Assignments[0].Profit != 10 {
			t.Errorf("cut %+v, assignments %+v", res.Cut, res.Assignments)
		}
		causes := []error{segment.ErrDuplicateID, segment.ErrNoID, segment.ErrBadID}
		if len(res.Failed) != 3 {
			t.Fatalf("failed %+v", res.Failed)
		}
		for i, f := range res.Failed {
			if !errors.Is(&f, causes[i]) {
				t.Errorf("failure %d: %v, want %v", i, f.Error(), causes[i])
			}
		}
	})
}
