package canvas_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
	"github.com/engagekit/engagekit/segment"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

// The plan made on several goroutines is the one made on one, for any
// book, hostile cases included, and any number of workers.
func TestPropertyParallelPlanIsSequential(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		b := genBook(t, 60)
		p, err := canvas.NewPlanner(b.placement, b.opts)
		if err != nil {
			t.Fatal(err)
		}
		alerts := b.alerts
		if rapid.Bool().Draw(t, "grouped") {
			alerts = slices.Clone(alerts)
			slices.SortStableFunc(alerts, func(x, y advisory.Alert) int { return strings.Compare(x.ClientID, y.ClientID) })
		}
		want := mustPlan(canvas.Parallel(p, 1, 0).Plan(ctxBG, alerts, b.clients))
		workers := rapid.IntRange(2, 6).Draw(t, "workers")
		got := mustPlan(canvas.Parallel(p, workers, 0).Plan(ctxBG, alerts, b.clients))
		if d := cmp.Diff(want, got, cmpopts.EquateNaNs()); d != "" {
			t.Fatalf("the plan on %d goroutines differs from the sequential one:\n%s", workers, d)
		}
	})
}

// A generated book of a few thousand clients, with tight adviser
// capacity, partial consent, small touch budgets and pressure caps and
// granulation rules, planned through a lookup: the parallel plan is the
// sequential one, with the alerts grouped by client (as the advisory batch
// emits them) and in random order.
func TestParallelPlanBook(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	policies := segment.DefaultPolicies()
	clients := make(map[string]canvas.Client[ctx])
	ids := make([]string, 3000)
	for i := range ids {
		ids[i] = fmt.Sprint("c-", i) // not in id order: c-10 sorts before c-2
		consent := slices.Clone(allChannels)
		r.Shuffle(len(consent), func(a, b int) { consent[a], consent[b] = consent[b], consent[a] })
		clients[ids[i]] = canvas.Client[ctx]{ID: ids[i], Consent: consent[:r.IntN(len(consent)+1)],
			Context: ctx{Age: 20 + r.IntN(60), TermEnd: now.AddDate(0, 0, r.IntN(120)), Discrepancies: r.IntN(5)},
			Policy:  policies[[]segment.Segment{segment.A, segment.B, segment.C, segment.D}[r.IntN(4)]], TouchesUsed: r.IntN(12)}
	}
	types := []string{"mortgage.term_end", "pension.gap", "insurance.home_under_value", "data.discrepancies", "portfolio.drift"}
	var alerts []advisory.Alert
	for i, id := range ids {
		if i%50 == 0 {
			id += "-gone" // among the known ids in id order
		}
		for range r.IntN(6) {
			alerts = append(alerts, advisory.Alert{ClientID: id, Type: types[r.IntN(len(types))], RuleID: fmt.Sprint("r", r.IntN(20)),
				Urgency: float64(r.IntN(11)) / 10, Sensitivity: float64(r.IntN(11)) / 10})
		}
	}
	shuffled := slices.Clone(alerts)
	r.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
	// In id order, as a batch hands a book sorted by id over: with
	// ConcurrentLookup, the workers look the clients up, the unknown ones
	// (every fiftieth) among them.
	sorted := slices.Clone(alerts)
	slices.SortStableFunc(sorted, func(x, y advisory.Alert) int { return strings.Compare(x.ClientID, y.ClientID) })
	placement := must(canvas.NewPlacement[ctx](seedRules))
	var mu sync.Mutex
	calls := map[string]int{}
	lookup := func(id string) (canvas.Client[ctx], bool) {
		mu.Lock()
		calls[id]++
		mu.Unlock()
		c, ok := clients[id]
		return c, ok
	}
	for _, o := range []canvas.Options{
		{Now: now, AdviserCapacity: 40, PressureCap: 1, Horizon: 3},
		{Now: now, AdviserCapacity: 5, Horizon: 8, Period: 2 * day, ConcurrentLookup: true},
		{Now: now, AdviserCapacity: canvas.None, PressureCap: canvas.None, ConcurrentLookup: true},
	} {
		p := must(canvas.NewPlanner(placement, o))
		for name, in := range map[string][]advisory.Alert{"grouped": alerts, "shuffled": shuffled, "sorted": sorted} {
			want := mustPlan(canvas.Parallel(p, 1, 0).PlanLookup(ctxBG, in, lookup))
			if want.Totals.Planned == 0 || want.Totals.Deferred == 0 || (o.AdviserCapacity > 0 && want.Totals.Late == 0) {
				t.Errorf("%s, %+v: the book does not test much: %+v", name, o, want.Totals)
			}
			for _, workers := range []int{2, 3, 8, 5000} {
				clear(calls)
				got := mustPlan(canvas.Parallel(p, workers, 0).PlanLookup(ctxBG, in, lookup))
				if d := planDiff(want, got); d != "" {
					t.Fatalf("%s, %d workers, %+v: the parallel plan differs:\n%s", name, workers, o, d)
				}
				for id, n := range calls {
					if n != 1 {
						t.Fatalf("%s, %d workers, %+v: %s looked up %d times", name, workers, o, id, n)
					}
				}
			}
		}
	}
	// The default planner plans a book this size on all cores when it has
	// them, and gives the same plan.
	p := must(canvas.NewPlanner(placement, canvas.Options{Now: now, AdviserCapacity: 40}))
	big := slices.Repeat(alerts, 3)
	if d := planDiff(mustPlan(canvas.Parallel(p, 1, 0).Plan(ctxBG, big, clients)), mustPlan(p.Plan(ctxBG, big, clients))); d != "" {
		t.Fatalf("the default plan differs from the sequential one:\n%s", d)
	}
	// A cancelled plan stops on the workers too.
	cancelled, cancel := context.WithCancel(ctxBG)
	cancel()
	if plan, err := canvas.Parallel(p, 3, 0).Plan(cancelled, big, clients); !errors.Is(err, context.Canceled) || len(plan.FollowUps) > 0 {
		t.Fatalf("cancelled: %v, %d follow-ups", err, len(plan.FollowUps))
	}
}

// planDiff is cmp.Diff of two plans, asked only when they are not
// identical: cmp walks a plan of thousands of follow-ups slowly, and
// under the race detector this test's dozens of comparisons took most of
// the package's ten minutes.
func planDiff(want, got canvas.Plan) string {
	if reflect.DeepEqual(want, got) {
		return ""
	}
	return cmp.Diff(want, got)
}

// The plan of a batch's alerts in parts (as EvaluateEach hands them over)
// is the plan of the parts joined, on one goroutine and on several.
func TestPropertyPlanPartsIsPlanLookup(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		b := genBook(t, 60)
		p, err := canvas.NewPlanner(b.placement, b.opts)
		if err != nil {
			t.Fatal(err)
		}
		var parts [][]advisory.Alert
		for rest := b.alerts; len(rest) > 0; {
			if rapid.Bool().Draw(t, "empty") {
				parts = append(parts, nil) // a file without alerts
			}
			n := rapid.IntRange(1, len(rest)).Draw(t, "part")
			parts = append(parts, slices.Clone(rest[:n]))
			rest = rest[n:]
		}
		lookup := func(id string) (canvas.Client[ctx], bool) {
			c, ok := b.clients[id]
			return c, ok
		}
		workers := rapid.IntRange(1, 4).Draw(t, "workers")
		q := canvas.Parallel(p, workers, 0)
		want := mustPlan(q.PlanLookup(ctxBG, b.alerts, lookup))
		got := mustPlan(q.PlanParts(ctxBG, parts, lookup))
		if d := cmp.Diff(want, got, cmpopts.EquateNaNs()); d != "" {
			t.Fatalf("the plan of %d parts differs from the plan of them joined:\n%s", len(parts), d)
		}
	})
}
