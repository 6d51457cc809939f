package canvas_test

// Adversary 72: failing tests, one defect each, for package canvas (and
// the internal/batch it runs its workers on).

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"testing"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/internal/batch"
)

// a72Outcome runs f on a goroutine of its own and reports what it did to
// that goroutine: "returned", "goexit", or "panic: <value>".
func a72Outcome(f func()) string {
	out := make(chan string, 1)
	go func() {
		res := "goexit"
		defer func() {
			if r := recover(); r != nil {
				res = fmt.Sprint("panic: ", r)
			}
			out <- res
		}()
		f()
		res = "returned"
	}()
	return <-out
}

// a72Alerts is two alerts each of clients c00..c(n-1), grouped by client
// in ascending id order, as a batch sorted by id hands them over.
func a72Alerts(n int) []advisory.Alert {
	var alerts []advisory.Alert
	for i := range n {
		for k := range 2 {
			alerts = append(alerts, advisory.Alert{ClientID: fmt.Sprintf("c%02d", i), Type: "t", RuleID: fmt.Sprint("r", k), Urgency: 0.9, Sensitivity: 0.1})
		}
	}
	return alerts
}

// Promise broken: internal/batch.Parallel: "What a call does to its
// goroutine is then done to the caller's, as if the calls had been made
// on it". Made on the caller in order, fn(0)'s runtime.Goexit ends the
// goroutine and fn(1) never runs, so its panic is never raised.
// Observed: fn(0) calls runtime.Goexit, fn(1) panics: Parallel panics on
// the caller (it ended it, as fn(0) would have, only when no call
// panicked).
// Mechanism: batch/parallel.go raises every panic first (the first by i)
// and only then looks at the exits, rather than walking the calls in
// order and doing the first effect of any kind.
func TestAdversary72_BatchGoexitBeforePanicRaisesPanic(t *testing.T) {
	got := a72Outcome(func() {
		batch.Parallel(2, func(i int) {
			if i == 0 {
				runtime.Goexit()
			}
			panic("call 1")
		})
	})
	if got != "goexit" {
		t.Errorf("Parallel(2) whose call 0 ends its goroutine and call 1 panics: the caller %s, want goexit (call 0 ends it before call 1 runs)", got)
	}
}

// Promise broken: Options.Workers "The plan is the same for any number";
// ConcurrentLookup "The plan is the same either way"; onWorkers (what the
// workers' host code does is done again to the caller) "as the sequential
// plan would do it where the host called the plan".
// Observed: PlanLookup with ConcurrentLookup over clients c00..c07 in id
// order, whose lookup ends its goroutine (runtime.Goexit, as a test's
// FailNow does) for c00 and panics for c04: on one goroutine the lookup of
// c00 ends the caller and c04 is never looked up; on two workers c04 is
// looked up anyway (worker 1's share) and the plan panics on the caller
// with "c04 lookup".
// Mechanism: batch.Parallel (via onWorkers in lookupRuns) raises any
// worker's panic before any worker's exit, whatever the alerts' order.
func TestAdversary72_ConcurrentLookupGoexitThenPanic(t *testing.T) {
	lookup := func(id string) (canvas.Client[ctx], bool) {
		switch id {
		case "c00":
			runtime.Goexit()
		case "c04":
			panic("c04 lookup")
		}
		return client(id, canvas.AppPush), true
	}
	p := must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now, ConcurrentLookup: true}))
	alerts := a72Alerts(8)
	seq := a72Outcome(func() { _, _ = canvas.Parallel(p, 1, 0).PlanLookup(context.Background(), alerts, lookup) })
	par := a72Outcome(func() { _, _ = canvas.Parallel(p, 2, 0).PlanLookup(context.Background(), alerts, lookup) })
	if seq != par {
		t.Errorf("a lookup that ends its goroutine at c00 and panics at c04: on one goroutine the caller %s, on two workers %s; want the same", seq, par)
	}
}

// Promise broken: Options.Workers "The plan is the same for any number";
// Planner.Plan "When ctx ends, Plan stops ... and returns the zero Plan
// and ctx's error"; onWorkers: what the host's code does on the workers
// is done to the caller "as the sequential plan would do it where the
// host called the plan".
// Observed: PlanLookup (ConcurrentLookup off: the lookups run on the
// caller either way) over clients c00..c07, a placement rule whose host
// function ends the plan's context while placing c00's first alert, and a
// lookup that panics for c04 (a nil cache entry). On one goroutine the
// plan stops in c00's placement and returns context.Canceled: c04 is
// never looked up. On two workers the plan panics on the caller with
// "c04 lookup": a plan the host had cancelled, and that the sequential
// planner ends cleanly, blows up in host code it never reached.
// Mechanism: planParallel looks every client up (lookupClients, on the
// caller or lookupRuns on the workers) before placing any alert, where
// planSequential looks each client up as it reaches the client's alerts,
// interleaved with placement; so the host's code runs in another order,
// and an effect (a cancel, a Goexit) of an earlier alert's placement no
// longer comes before a later client's lookup.
func TestAdversary72_ParallelLooksUpPastCancelledPlacement(t *testing.T) {
	for _, concurrent := range []bool{false, true} {
		run := func(workers int) (string, error) {
			cx, cancel := context.WithCancel(context.Background())
			defer cancel()
			stop := func(id string) bool {
				if id == "c00" {
					cancel()
				}
				return true
			}
			pl := must(canvas.NewPlacement[ctx]([]canvas.TypeRule{{Type: "t", Urgency: "stop(alert.ClientID) && all(1..2000, # > 0) ? 0.9 : 0.1", Sensitivity: "0.1"}},
				dsl.WithFunction("stop", stop)))
			lookup := func(id string) (canvas.Client[ctx], bool) {
				if id == "c04" {
					panic("c04 lookup")
				}
				return client(id, canvas.AppPush), true
			}
			p := must(canvas.NewPlanner[ctx](pl, canvas.Options{Now: now, ConcurrentLookup: concurrent}))
			var err error
			out := a72Outcome(func() { _, err = canvas.Parallel(p, workers, 0).PlanLookup(cx, a72Alerts(8), lookup) })
			return out, err
		}
		// The contract since (Options.Workers): on several workers the
		// lookups run before the placements, so host code whose effects
		// meet may end the plan by the other effect; either way it is
		// raised on the caller or returned as ctx's error, and no plan is
		// returned.
		seq, seqErr := run(1)
		if seq != "returned" || !errors.Is(seqErr, context.Canceled) {
			t.Fatalf("sanity: on one goroutine: %s, %v; want returned with context.Canceled", seq, seqErr)
		}
		if par, parErr := run(2); par != "panic: c04 lookup" && !(par == "returned" && errors.Is(parErr, context.Canceled)) {
			t.Errorf("concurrent lookup %v: a plan cancelled while placing c00, with a lookup that panics for c04: on two workers it %s (%v); want the lookup's panic or ctx's error",
				concurrent, par, parErr)
		}
	}
}

// Promise broken: the plan's JSON reads back (Channel.UnmarshalText: "so
// that any plan's JSON reads back"; the brief: a plan's JSON round trips
// for any plan), and Loop keys each outcome to one follow-up by its ID.
// Observed: two clients "x\xff" and "x\xfe" (ids the planner takes as
// they come; client files named in a legacy encoding) with one urgent
// alert each plan two follow-ups with the distinct IDs "x\xff-1" and
// "x\xfe-1"; the plan's JSON reads back as two follow-ups both "x\uFFFD-1"
// (client ids and alert client ids likewise merged), so the decoded plan
// is another plan, and Loop over it counts one client's answer for both.
// Mechanism: encoding/json writes invalid UTF-8 as U+FFFD; the plan's ids
// (FollowUp.ID, ClientID, the alert's ClientID) are written as raw
// strings, with nothing that keeps distinct ids distinct in JSON.
func TestAdversary72_PlanJSONMergesFollowUpIDs(t *testing.T) {
	ids := []string{"x\xfe", "x\xff"}
	clients := map[string]canvas.Client[ctx]{}
	var alerts []advisory.Alert
	for _, id := range ids {
		clients[id] = client(id, canvas.AppPush)
		alerts = append(alerts, advisory.Alert{ClientID: id, Type: "t", RuleID: "r", Urgency: 0.9, Sensitivity: 0.1})
	}
	plan := mustPlan(must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now})).Plan(ctxBG, alerts, clients))
	// Fixed: a client id that is not UTF-8 is no client the plan can name
	// (JSON writes it as another): its alerts are deferred as of an
	// unknown client, and no follow-up carries it.
	if len(plan.FollowUps) != 0 || len(plan.Deferred) != 2 || plan.Deferred[0].Reason != canvas.UnknownClient || plan.Deferred[1].Reason != canvas.UnknownClient {
		t.Fatalf("clients of ids that are not UTF-8: %d follow-ups, deferred %+v; want none, both deferred as unknown clients", len(plan.FollowUps), plan.Deferred)
	}
	b, err := json.Marshal(plan)
	if err != nil {
		t.Fatal(err)
	}
	var back canvas.Plan
	if err := json.Unmarshal(b, &back); err != nil || len(back.FollowUps) != 0 || len(back.Deferred) != 2 {
		t.Errorf("the plan's JSON reads back as %d follow-ups and %d deferrals (%v); want 0 and 2", len(back.FollowUps), len(back.Deferred), err)
	}
}
