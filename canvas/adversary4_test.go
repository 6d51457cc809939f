package canvas_test

// Adversarial tests for the parallel planner (adversary4): the plan made on
// several goroutines must be exactly the sequential one, for any input.

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
	"github.com/google/go-cmp/cmp"
)

func a4Diff(t *testing.T, name string, p *canvas.Planner[ctx], alerts []advisory.Alert, clients map[string]canvas.Client[ctx]) {
	t.Helper()
	want := mustPlan(canvas.Parallel(p, 1, 0).Plan(ctxBG, alerts, clients))
	for _, w := range []int{2, 3, 5, 8} {
		got := mustPlan(canvas.Parallel(p, w, 0).Plan(ctxBG, alerts, clients))
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s: %d workers differ from the sequential plan (-seq +par):\n%s", name, w, d)
			return
		}
	}
}

// DEFECT: alertOrder ignores Alert.Owner (and valueText writes int 1 and
// float64 1 inside Outputs alike), so alerts differing only there tie in
// sortDeferrals, which is unstable; the parallel path feeds it the early
// deferrals in another order (unknown clients first, then share by share)
// than the sequential one (alert order), so the Deferred list differs.
func TestAdv4DeferralTieOnOwner(t *testing.T) {
	p := must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now}))
	clients := map[string]canvas.Client[ctx]{}
	var alerts []advisory.Alert
	for i := range 60 {
		id := fmt.Sprintf("k%02d", i)
		clients[id] = client(id)
		alerts = append(alerts,
			advisory.Alert{ClientID: "ghost", Type: "t", RuleID: "r", Urgency: 0.9, Sensitivity: 0.9, Owner: fmt.Sprint("owner-", i)},
			advisory.Alert{ClientID: id, Type: "t", RuleID: "r", Urgency: 0.9, Sensitivity: 0.9, Owner: fmt.Sprint("owner-", i)},
			advisory.Alert{ClientID: id, Type: "t", RuleID: "r", Urgency: 0.9, Sensitivity: 0.9, Owner: fmt.Sprint("other-", i)})
	}
	for _, c := range clients { // consent to nothing: no consented channel
		c.Consent = []canvas.Channel{}
		c.Policy.Channels = nil
		clients[c.ID] = c
	}
	a4Diff(t, "owner ties", p, alerts, clients)
}

// DEFECT: the same, with alerts that differ only in an output's type (int 1
// vs float64 1): valueText prints both as "map[string]interface {} map[x:1]".
func TestAdv4DeferralTieOnOutputsType(t *testing.T) {
	p := must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now}))
	clients := map[string]canvas.Client[ctx]{}
	var alerts []advisory.Alert
	for i := range 60 {
		id := fmt.Sprintf("k%02d", i)
		clients[id] = canvas.Client[ctx]{ID: id}
		var v any = 1
		if i%2 == 1 {
			v = 1.0
		}
		alerts = append(alerts,
			advisory.Alert{ClientID: "ghost", Type: "t", RuleID: "r", Outputs: map[string]any{"x": v}},
			advisory.Alert{ClientID: id, Type: "t", RuleID: "r"})
	}
	a4Diff(t, "outputs ties", p, alerts, clients)
}

// DEFECT (sequential too): Plan promises "Everything in it depends on the
// alerts' content, never on their order", but contacts (here one per
// alert, on a channel that does not bundle) whose alerts differ only in
// Owner tie in tieOrder's itemOrder and fall back to creation (input) order.
func TestAdv4TiedContactsDependOnInputOrder(t *testing.T) {
	p := must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now}))
	clients := map[string]canvas.Client[ctx]{"a": client("a")}
	var alerts []advisory.Alert
	for i := range 40 {
		alerts = append(alerts, advisory.Alert{ClientID: "a", Type: "t", RuleID: "r", Urgency: 0.2, Sensitivity: 0.2, Owner: fmt.Sprint("o", i)})
	}
	rev := slices.Clone(alerts)
	slices.Reverse(rev)
	for _, w := range []int{1, 3} {
		x := mustPlan(canvas.Parallel(p, w, 0).Plan(ctxBG, alerts, clients))
		y := mustPlan(canvas.Parallel(p, w, 0).Plan(ctxBG, rev, clients))
		if d := cmp.Diff(x, y); d != "" {
			t.Errorf("%d workers: reversing the alerts changes the plan:\n%.2000s", w, d)
		}
	}
}

// a4Book is a hostile book: ties everywhere, missing clients, one huge
// client, duplicate alerts.
func a4Book(r *rand.Rand, nClients, huge int) ([]advisory.Alert, map[string]canvas.Client[ctx]) {
	clients := map[string]canvas.Client[ctx]{}
	var alerts []advisory.Alert
	types := []string{"mortgage.term_end", "pension.gap", "t1", "t2"}
	for i := range nClients {
		id := fmt.Sprint("c", i)
		if i%7 != 3 {
			consent := slices.Clone(allChannels)
			r.Shuffle(len(consent), func(a, b int) { consent[a], consent[b] = consent[b], consent[a] })
			c := client(id, consent[:r.IntN(len(consent)+1)]...)
			c.TouchesUsed = r.IntN(3)
			clients[id] = c
		}
		for range r.IntN(5) {
			a := advisory.Alert{ClientID: id, Type: types[r.IntN(len(types))], RuleID: "r", Urgency: float64(r.IntN(3)) / 2, Sensitivity: float64(r.IntN(3)) / 2}
			alerts = append(alerts, a)
			if r.IntN(4) == 0 {
				alerts = append(alerts, a) // a duplicate
			}
		}
	}
	clients["whale"] = client("whale")
	for i := range huge {
		alerts = append(alerts, advisory.Alert{ClientID: "whale", Type: types[i%len(types)], RuleID: fmt.Sprint("r", i%3), Urgency: 0.5, Sensitivity: 0.5})
	}
	return alerts, clients
}

// Guards: hostile books, grouped and shuffled, under tight or zero capacity.
func TestAdv4HostileBooks(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 4))
	placement := must(canvas.NewPlacement[ctx](seedRules))
	alerts, clients := a4Book(r, 400, 10000)
	shuffled := slices.Clone(alerts)
	r.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
	for i, o := range []canvas.Options{
		{Now: now, AdviserCapacity: canvas.None, PressureCap: canvas.None},
		{Now: now, AdviserCapacity: 1, PressureCap: 1, Horizon: 2},
		{Now: now, Horizon: 20, Period: day},
	} {
		p := must(canvas.NewPlanner(placement, o))
		a4Diff(t, fmt.Sprint(i, " grouped"), p, alerts, clients)
		a4Diff(t, fmt.Sprint(i, " shuffled"), p, shuffled, clients)
	}
}

// Guard: more workers than clients, and a single client.
func TestAdv4MoreWorkersThanClients(t *testing.T) {
	p := must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now, AdviserCapacity: 1}))
	clients := map[string]canvas.Client[ctx]{"a": client("a"), "b": client("b")}
	alerts := []advisory.Alert{
		{ClientID: "a", Type: "x", Urgency: 0.9, Sensitivity: 0.9},
		{ClientID: "b", Type: "x", Urgency: 0.9, Sensitivity: 0.9},
		{ClientID: "z", Type: "x", Urgency: 0.9, Sensitivity: 0.9},
		{ClientID: "a", Type: "y", Urgency: 0.1, Sensitivity: 0.1},
	}
	a4Diff(t, "two clients", p, alerts, clients)
	want := mustPlan(canvas.Parallel(p, 1, 0).Plan(ctxBG, alerts, clients))
	got := mustPlan(canvas.Parallel(p, 64, 0).Plan(ctxBG, alerts, clients))
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("64 workers:\n%s", d)
	}
	// no known client at all
	got = mustPlan(canvas.Parallel(p, 4, 0).Plan(ctxBG, alerts, nil))
	want = mustPlan(canvas.Parallel(p, 1, 0).Plan(ctxBG, alerts, nil))
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("no clients:\n%s", d)
	}
	// a nil lookup
	gotL := mustPlan(canvas.Parallel(p, 4, 0).PlanLookup(ctxBG, alerts, nil))
	if gotL.Totals.Deferred != len(alerts) {
		t.Errorf("nil lookup: %+v", gotL.Totals)
	}
}

// Guard: a lookup that answers differently each call (it is called once per
// id) and one that panics (on the calling goroutine, recoverable).
func TestAdv4OddLookups(t *testing.T) {
	p := must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now}))
	var alerts []advisory.Alert
	for i := range 200 {
		alerts = append(alerts, advisory.Alert{ClientID: fmt.Sprint("c", i%37), Type: "t", Urgency: 0.7, Sensitivity: 0.3})
	}
	flaky := func() func(string) (canvas.Client[ctx], bool) {
		n := 0
		return func(id string) (canvas.Client[ctx], bool) {
			n++
			return client(id), n%3 != 0
		}
	}
	want := mustPlan(canvas.Parallel(p, 1, 0).PlanLookup(ctxBG, alerts, flaky()))
	got := mustPlan(canvas.Parallel(p, 4, 0).PlanLookup(ctxBG, alerts, flaky()))
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("flaky lookup:\n%s", d)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("a panicking lookup did not panic")
			}
		}()
		canvas.Parallel(p, 4, 0).PlanLookup(ctxBG, alerts, func(string) (canvas.Client[ctx], bool) { panic("boom") })
	}()
}

// Guard: cancellation mid-plan (from the lookup), and several planners
// sharing one Planner concurrently (run with -race).
func TestAdv4CancelAndShare(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	placement := must(canvas.NewPlacement[ctx](seedRules))
	alerts, clients := a4Book(r, 3000, 2000)
	p := must(canvas.NewPlanner(placement, canvas.Options{Now: now, AdviserCapacity: 20}))
	c, cancel := context.WithCancel(ctxBG)
	n := 0
	plan, err := canvas.Parallel(p, 3, 0).PlanLookup(c, alerts, func(id string) (canvas.Client[ctx], bool) {
		if n++; n == 1500 {
			cancel()
		}
		cl, ok := clients[id]
		return cl, ok
	})
	if !errors.Is(err, context.Canceled) || len(plan.FollowUps)+len(plan.Deferred) > 0 || plan.Totals != (canvas.Totals{}) {
		t.Errorf("cancelled mid-lookup: %v, %+v", err, plan.Totals)
	}
	dl, cancel2 := context.WithTimeout(ctxBG, time.Microsecond)
	defer cancel2()
	time.Sleep(time.Millisecond)
	if _, err := canvas.Parallel(p, 3, 0).Plan(dl, alerts, clients); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("deadline: %v", err)
	}
	want := mustPlan(canvas.Parallel(p, 1, 0).Plan(ctxBG, alerts, clients))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got := mustPlan(canvas.Parallel(p, 2+g, 0).Plan(ctxBG, alerts, clients))
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("shared planner, %d workers:\n%.2000s", 2+g, d)
			}
		}()
	}
	wg.Wait()
}

// DEFECT: Options.Workers has no upper bound (resolve only rejects negative
// values) and planParallel makes a share per worker, so a large Workers
// panics in make ("len out of range") instead of being clamped to the
// clients (or rejected by NewPlanner). Workers far above the clients also
// costs O(workers × alerts): every worker walks every alert.
func TestAdv4HugeWorkersPanics(t *testing.T) {
	const huge = 1 << 50
	p, err := canvas.NewPlanner[ctx](nil, canvas.Options{Now: now, Workers: huge})
	if err != nil {
		return // rejected up front: fine
	}
	alerts := []advisory.Alert{{ClientID: "a", Type: "t", Urgency: 0.9, Sensitivity: 0.9}, {ClientID: "b", Type: "t"}}
	clients := map[string]canvas.Client[ctx]{"a": client("a"), "b": client("b")}
	want := mustPlan(canvas.Parallel(p, 1, 0).Plan(ctxBG, alerts, clients))
	var got canvas.Plan
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("Workers %d, two clients: Plan panics: %v", huge, r)
				got, err = want, nil
			}
		}()
		got, err = canvas.Parallel(p, huge, 0).Plan(ctxBG, alerts, clients)
	}()
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Workers %d:\n%s", huge, d)
	}
	// The same through the public API alone, on a book past the parallel
	// threshold (16,384 alerts).
	big := slices.Repeat(alerts, 1<<13)
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Errorf("Workers %d, %d alerts, public Plan panics: %v", huge, len(big), r)
			}
		}()
		_, _ = p.Plan(ctxBG, big, clients)
	}()
}
