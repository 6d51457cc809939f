package canvas_test

// Adversary 126: host code misbehaving inside the parallel paths of
// advisory.Framework.EvaluateEach and canvas.Planner.PlanParts / PlanLookup /
// Plan, held to the documented promises: every file accounted for and
// handed over once, in order; results the same for any number of workers,
// any split of the parts, any order of the alerts; contexts ending at
// random moments give either the whole result or ctx's error; host panics
// reach the caller; no goroutine is left behind.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
	"github.com/engagekit/engagekit/segment"
)

// ---------------------------------------------------------------- helpers

// guard126 runs fn on a goroutine of its own under a 15 s limit, turning
// a panic or a goroutine exit into a test failure, then checks that the
// goroutines settle back to where they were.
func guard126(t *testing.T, fn func()) {
	t.Helper()
	limit := 15 * time.Second
	if raceEnabled {
		limit *= 10 // the race detector's slowdown, not a hang
	}
	before := runtime.NumGoroutine()
	done := make(chan string, 1)
	go func() {
		res := "goexit"
		defer func() {
			if r := recover(); r != nil {
				res = fmt.Sprintf("panic: %v", r)
			}
			done <- res
		}()
		fn()
		res = "ok"
	}()
	select {
	case res := <-done:
		if res != "ok" {
			t.Fatalf("test body ended with %s", res)
		}
	case <-time.After(limit):
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		t.Fatalf("test body did not finish within %v (hang); goroutines:\n%s", limit, buf[:n])
	}
	settle126(t, before)
}

// settle126 waits up to 3 s for the goroutines to be back at before.
func settle126(t *testing.T, before int) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			n := runtime.Stack(buf, true)
			t.Errorf("goroutines did not settle: %d before, %d now\n%s", before, runtime.NumGoroutine(), buf[:n])
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// outcome126 runs f and says what it did to its goroutine.
func outcome126(f func()) (res string) {
	out := make(chan string, 1)
	go func() {
		r := "goexit"
		defer func() {
			if p := recover(); p != nil {
				r = fmt.Sprint("panic: ", p)
			}
			out <- r
		}()
		f()
		r = "returned"
	}()
	return <-out
}

// ---------------------------------------------------------------- the book

type file126 struct {
	N   float64
	Age float64
	Tag string
}

const rules126 = `ruleset a126 version 1
rule big {
  type "t.big"
  when N > 5
  title "big {N}"
  urgency N > 8 ? 0.9 : 0.3
  sensitivity 0.4
}
rule old {
  type "t.old"
  when Age > 60
  title "old"
  urgency 0.2
  sensitivity 0.8
}
rule tagged {
  type "t.tag"
  when Tag != ""
  title "tag {Tag}"
  urgency 0.6
  sensitivity 0.6
}
`

type p126 struct{ X float64 }

type ctx126 struct {
	Age float64
	P   *p126
}

const n126 = 1200

func id126(i int) string { return fmt.Sprintf("c%05d", i) }

// items126 is a book whose Loads misbehave in every way Item's doc covers:
// panics, Goexit, errors with alerts, typed nil errors, nil and empty
// slices, many alerts, alerts of another client (when foreign), slowness.
func items126(foreign bool) []advisory.Item[file126] {
	items := make([]advisory.Item[file126], n126)
	for i := range items {
		id := id126(i)
		f := file126{N: float64(i % 10), Age: float64(40 + i%37), Tag: []string{"", "x", "y"}[i%3]}
		it := advisory.Item[file126]{ClientID: id}
		switch i % 13 {
		case 0:
			it.File = f
		case 1:
			it.Load = func() (file126, []advisory.Alert, error) { return f, nil, nil }
		case 2:
			it.Load = func() (file126, []advisory.Alert, error) { return f, []advisory.Alert{}, nil }
		case 3:
			it.Load = func() (file126, []advisory.Alert, error) {
				return f, []advisory.Alert{
					{ClientID: id, Type: "data.stale", RuleID: "stale", Title: "stale a", Urgency: 0.1, Sensitivity: 0.2},
					{ClientID: id, Type: "data.stale", RuleID: "stale", Title: "stale b", Urgency: 0.1, Sensitivity: 0.2},
				}, nil
			}
		case 4:
			it.Load = func() (file126, []advisory.Alert, error) {
				other := id
				if foreign {
					other = id126(i - 1) // an alert of another client
				}
				return f, []advisory.Alert{{ClientID: other, Type: "data.other", RuleID: "other", Title: "from " + id, Urgency: 0.7, Sensitivity: 0.7}}, nil
			}
		case 5:
			it.Load = func() (file126, []advisory.Alert, error) { panic("load boom " + id) }
		case 6:
			it.Load = func() (file126, []advisory.Alert, error) {
				runtime.Goexit()
				return f, nil, nil
			}
		case 7:
			it.Load = func() (file126, []advisory.Alert, error) {
				return f, []advisory.Alert{{ClientID: id, Type: "data.missing", RuleID: "missing", Title: "missing"}}, errors.New("no record " + id)
			}
		case 8:
			if i%26 != 8 {
				it.File = f
				break
			}
			it.Load = func() (file126, []advisory.Alert, error) {
				many := make([]advisory.Alert, 300) // past a quarter of a block
				for k := range many {
					many[k] = advisory.Alert{ClientID: id, Type: "data.many", RuleID: "many", Title: fmt.Sprint("m", k%7),
						Urgency: float64(k%5) / 4, Sensitivity: float64(k%3) / 2, Evidence: []advisory.Evidence{{Name: "k", Value: k}}}
				}
				return f, many, nil
			}
		case 9:
			it.Load = func() (file126, []advisory.Alert, error) {
				var e *json.SyntaxError
				return f, nil, e
			}
		case 10:
			it.Load = func() (file126, []advisory.Alert, error) {
				time.Sleep(time.Duration(rand.Intn(200)) * time.Microsecond)
				return f, nil, nil
			}
		default:
			it.File = f
		}
		items[i] = it
	}
	return items
}

// handed126 is one FileAlerts as compared across runs.
type handed126 struct {
	Index    int
	ClientID string
	Alerts   []advisory.Alert
	Err      string
}

func framework126(t *testing.T) *advisory.Framework[file126] {
	t.Helper()
	fw, err := advisory.Compile[file126]([]byte(rules126))
	if err != nil {
		t.Fatal(err)
	}
	return fw
}

var now126 = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

func each126(t *testing.T, fw *advisory.Framework[file126], ctx context.Context, items []advisory.Item[file126], opts advisory.BatchOptions) ([]handed126, advisory.Counts) {
	var got []handed126
	counts := fw.EvaluateEach(ctx, slices.Values(items), now126, opts, func(fa advisory.FileAlerts) {
		e := ""
		if fa.Err != nil {
			e = fa.Err.Error()
		}
		got = append(got, handed126{fa.Index, fa.ClientID, fa.Alerts, e})
	})
	return got, counts
}

func clients126() map[string]canvas.Client[ctx126] {
	all := []canvas.Channel{canvas.Email, canvas.AppPush, canvas.Letter, canvas.SMS, canvas.PhoneAdviser,
		canvas.ReviewMeeting, canvas.PortalNudge, canvas.Mailing, canvas.Newsletter, canvas.AdviserMeeting}
	m := map[string]canvas.Client[ctx126]{}
	for i := range n126 + 1 {
		if i%19 == 7 {
			continue // unknown client
		}
		c := canvas.Client[ctx126]{
			ID:          "", // no id of its own: the plan names the one looked up (a record of another id is unknown)
			Context:     ctx126{Age: float64(40 + i%37)},
			Policy:      segment.Policy{TouchesPerYear: i % 4, Channels: []string{"email", "portal_nudge"}},
			TouchesUsed: i % 3,
		}
		if i%5 != 0 {
			c.Context.P = &p126{X: float64(i%4) / 3}
		}
		switch i % 17 {
		case 0:
			c.Consent = nil // no consented channel
		case 1:
			c.Consent = []canvas.Channel{canvas.PortalNudge}
		default:
			c.Consent = all
		}
		m[id126(i)] = c
	}
	return m
}

func planner126(t *testing.T, workers int, concurrent bool) *canvas.Planner[ctx126] {
	t.Helper()
	pl, err := canvas.NewPlacement[ctx126]([]canvas.TypeRule{
		{Type: "t.old", Base: canvas.Position{Urgency: 0.2, Sensitivity: 0.5}, Sensitivity: "client.Age < 60 ? 0.7 : 0.95"},
		// fails for the clients without P (a nil pointer on the way)
		{Type: "t.tag", Base: canvas.Position{Urgency: 0.6, Sensitivity: 0.6}, Urgency: "client.P.X"},
		{Type: "data.many", Base: canvas.Position{Urgency: 0.3, Sensitivity: 0.3}, Sensitivity: "alert.Urgency > 0.5 ? 0.9 : 0.2"},
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := canvas.NewPlanner(pl, canvas.Options{Now: now126, AdviserCapacity: 60, Horizon: 3, ConcurrentLookup: concurrent})
	if err != nil {
		t.Fatal(err)
	}
	return canvas.Parallel(p, workers, 1)
}

func planJSON126(t *testing.T, plan canvas.Plan) string {
	t.Helper()
	b, err := json.Marshal(plan)
	if err != nil {
		t.Fatalf("plan does not encode: %v", err)
	}
	return string(b)
}

// firstDiff126 says where two texts first differ.
func firstDiff126(a, b string) string {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			lo := max(0, i-150)
			return fmt.Sprintf("at byte %d:\n  got  …%s…\n  want …%s…", i, a[lo:min(len(a), i+150)], b[lo:min(len(b), i+150)])
		}
	}
	return fmt.Sprintf("lengths %d vs %d", len(a), len(b))
}

// ---------------------------------------------------------------- tests

// TestAdversary126_HostileLoadsAgreeAcrossWorkers pins EvaluateEach with
// Loads that panic, Goexit, fail with alerts, return typed nil errors,
// nil, empty and large slices and other clients' alerts: "each is called
// with every file that was evaluated or failed, in file order", "In = OK +
// Failed + Cancelled, always", and "The result is the same as evaluating
// the files one by one, in order" for Workers 1, 2, 8 and 1,024.
func TestAdversary126_HostileLoadsAgreeAcrossWorkers(t *testing.T) {
	guard126(t, func() {
		fw := framework126(t)
		items := items126(true)
		base, bc := each126(t, fw, context.Background(), items, advisory.BatchOptions{Workers: 1})
		if bc.In != n126 || bc.OK+bc.Failed+bc.Cancelled != bc.In || bc.Cancelled != 0 || len(base) != n126 {
			t.Errorf("Workers 1: counts %+v, %d handed over, want all %d", bc, len(base), n126)
			return
		}
		failed := 0
		for i, h := range base {
			if h.Index != i || h.ClientID != id126(i) {
				t.Errorf("Workers 1: file %d handed over as %d %s", i, h.Index, h.ClientID)
				return
			}
			if h.Err != "" {
				failed++
			}
			switch i % 13 {
			case 5, 6, 7, 9:
				if h.Err == "" {
					t.Errorf("file %d (Load case %d) did not fail", i, i%13)
				}
			case 8:
				if i%26 == 8 && len(h.Alerts) < 300 {
					t.Errorf("file %d: %d alerts, want the Load's 300 first", i, len(h.Alerts))
				}
			}
		}
		if failed != bc.Failed {
			t.Errorf("Workers 1: %d handed over failed, counts say %d", failed, bc.Failed)
		}
		for _, w := range []int{2, 8, 1024} {
			got, c := each126(t, fw, context.Background(), items, advisory.BatchOptions{Workers: w})
			if c != bc {
				t.Errorf("Workers %d: counts %+v, want %+v", w, c, bc)
			}
			if !reflect.DeepEqual(got, base) {
				for i := range min(len(got), len(base)) {
					if !reflect.DeepEqual(got[i], base[i]) {
						t.Errorf("Workers %d: file %d handed over as %+v, want %+v", w, i, got[i].Err, base[i].Err)
						break
					}
				}
				t.Errorf("Workers %d: %d files handed over, differ from Workers 1 (%d)", w, len(got), len(base))
			}
		}
	})
}

// parts126 evaluates the book (foreign: with Loads returning another
// client's alerts) and returns the handed-over parts.
func parts126(t *testing.T, foreign bool) [][]advisory.Alert {
	fw := framework126(t)
	got, _ := each126(t, fw, context.Background(), items126(foreign), advisory.BatchOptions{Workers: 2})
	var parts [][]advisory.Alert
	for _, h := range got {
		parts = append(parts, h.Alerts)
	}
	return parts
}

// TestAdversary126_PlanPartsAgreeAcrossPaths holds the plans of a batch's
// parts to each other: Options.Workers "The plan is the same for any
// number"; ConcurrentLookup "The plan is the same either way"; PlanParts
// "the plan is the one PlanLookup makes of the parts joined"; Plan "the
// same plan for any order of the alerts". The lookup is slow, returns
// records without an ID of their own, and knows not every client; a
// placement rule fails for a fifth of the clients.
func TestAdversary126_PlanPartsAgreeAcrossPaths(t *testing.T) {
	guard126(t, func() {
		clients := clients126()
		var lookups atomic.Int64
		lookup := func(id string) (canvas.Client[ctx126], bool) {
			lookups.Add(1)
			if strings.HasSuffix(id, "23") {
				time.Sleep(20 * time.Microsecond) // slow
			}
			c, ok := clients[id]
			return c, ok
		}
		for _, foreign := range []bool{false, true} {
			parts := parts126(t, foreign)
			joined := slices.Concat(parts...)
			base, err := planner126(t, 1, false).PlanParts(context.Background(), parts, lookup)
			if err != nil {
				t.Errorf("foreign %v: %v", foreign, err)
				return
			}
			if tt := base.Totals; tt.Alerts != len(joined) || tt.Planned+tt.Deferred != tt.Alerts || len(base.FollowUps) == 0 || tt.Deferred == 0 {
				t.Errorf("foreign %v: totals %+v for %d alerts", foreign, tt, len(joined))
			}
			want := planJSON126(t, base)
			r := rand.New(rand.NewSource(126))
			for _, w := range []int{1, 2, 8} {
				for _, conc := range []bool{false, true} {
					p := planner126(t, w, conc)
					check := func(how string, plan canvas.Plan, err error) {
						t.Helper()
						if err != nil {
							t.Errorf("foreign %v, Workers %d, concurrent %v, %s: %v", foreign, w, conc, how, err)
							return
						}
						if got := planJSON126(t, plan); got != want {
							t.Errorf("foreign %v, Workers %d, concurrent %v, %s: plan differs from Workers 1's: %s", foreign, w, conc, how, firstDiff126(got, want))
						}
					}
					lookups.Store(0)
					plan, err := p.PlanParts(context.Background(), parts, lookup)
					check("PlanParts", plan, err)
					if n := lookups.Load(); n > int64(len(clients)+1) {
						t.Errorf("foreign %v, Workers %d, concurrent %v: %d lookups for at most %d clients (each once)", foreign, w, conc, n, len(clients)+1)
					}
					plan, err = p.PlanLookup(context.Background(), joined, lookup)
					check("PlanLookup", plan, err)
					// the parts split elsewhere
					var split [][]advisory.Alert
					for rest := joined; len(rest) > 0; {
						k := min(len(rest), r.Intn(700))
						split = append(split, rest[:k:k])
						rest = rest[k:]
					}
					plan, err = p.PlanParts(context.Background(), split, lookup)
					check("PlanParts split anew", plan, err)
					if conc {
						continue // Plan reads its map on the workers either way
					}
					// any order of the alerts
					shuffled := slices.Clone(joined)
					r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
					plan, err = p.Plan(context.Background(), shuffled, clients)
					check("Plan shuffled", plan, err)
				}
			}
		}
	})
}

// TestAdversary126_CancelledBatchAccountsForEveryFile cancels the batch
// at random moments (from a timer, from inside a Load, from Progress):
// "In = OK + Failed + Cancelled, always", each file handed over once in
// file order, and a file handed over is the file as evaluated alone
// ("a file stopped part-way ... counted as cancelled and not handed
// over").
func TestAdversary126_CancelledBatchAccountsForEveryFile(t *testing.T) {
	guard126(t, func() {
		fw := framework126(t)
		items := items126(true)
		base, _ := each126(t, fw, context.Background(), items, advisory.BatchOptions{Workers: 1})
		r := rand.New(rand.NewSource(1260))
		for trial := range 40 {
			ctx, cancel := context.WithCancel(context.Background())
			its := slices.Clone(items)
			opts := advisory.BatchOptions{Workers: []int{1, 2, 8}[trial%3]}
			switch trial % 4 {
			case 0:
				d := time.Duration(r.Intn(3000)) * time.Microsecond
				go func() { time.Sleep(d); cancel() }()
			case 1:
				k := r.Intn(n126)
				orig := its[k]
				its[k].Load = func() (file126, []advisory.Alert, error) {
					cancel()
					if orig.Load != nil {
						return orig.Load()
					}
					return orig.File, nil, nil
				}
			case 2:
				calls := 0
				stopAt := 1 + r.Intn(8)
				opts.Progress = func(advisory.Counts) {
					if calls++; calls == stopAt {
						cancel()
					}
				}
			case 3:
				cancel()
			}
			got, c := each126(t, fw, ctx, its, opts)
			cancel()
			if c.In > n126 || (c.In < n126 && !c.Unread) || c.OK+c.Failed+c.Cancelled != c.In || len(got) != c.OK+c.Failed {
				t.Errorf("trial %d: counts %+v, %d handed over, for %d files", trial, c, len(got), n126)
			}
			last := -1
			for _, h := range got {
				if h.Index <= last || h.Index >= n126 {
					t.Errorf("trial %d: file %d handed over after %d", trial, h.Index, last)
					break
				}
				last = h.Index
				if b := base[h.Index]; !reflect.DeepEqual(h, b) {
					t.Errorf("trial %d: file %d (%s) handed over with %d alerts, err %q; alone it has %d alerts, err %q",
						trial, h.Index, h.ClientID, len(h.Alerts), h.Err, len(b.Alerts), b.Err)
					break
				}
			}
		}
	})
}

// TestAdversary126_CancelledPlanIsWholeOrNone cancels plans at random
// moments on every path: Plan "When ctx ends, Plan stops ... and returns
// the zero Plan and ctx's error; it returns no other error", and a plan
// returned without error is the plan.
func TestAdversary126_CancelledPlanIsWholeOrNone(t *testing.T) {
	guard126(t, func() {
		clients := clients126()
		lookup := func(id string) (canvas.Client[ctx126], bool) { c, ok := clients[id]; return c, ok }
		parts := parts126(t, false)
		base, err := planner126(t, 1, false).PlanParts(context.Background(), parts, lookup)
		if err != nil {
			t.Errorf("%v", err)
			return
		}
		want := planJSON126(t, base)
		r := rand.New(rand.NewSource(12600))
		whole, none := 0, 0
		for trial := range 48 {
			w := []int{1, 2, 8}[trial%3]
			conc := trial%2 == 0
			p := planner126(t, w, conc)
			ctx, cancel := context.WithCancel(context.Background())
			d := time.Duration(r.Intn(150000)) * time.Microsecond
			go func() { time.Sleep(d); cancel() }()
			plan, err := p.PlanParts(ctx, parts, lookup)
			switch {
			case err != nil:
				none++
				if !errors.Is(err, context.Canceled) || !reflect.DeepEqual(plan, canvas.Plan{}) {
					t.Errorf("trial %d (Workers %d, concurrent %v): error %v with plan totals %+v, want ctx's error and the zero Plan", trial, w, conc, err, plan.Totals)
				}
			default:
				whole++
				if got := planJSON126(t, plan); got != want {
					t.Errorf("trial %d (Workers %d, concurrent %v, cancel after %v): plan returned without error differs: %s", trial, w, conc, d, firstDiff126(got, want))
				}
			}
			cancel()
		}
		t.Logf("%d whole plans, %d cancelled", whole, none)
	})
}

// TestAdversary126_HostileClockAndObserver: a Clock that goes backwards
// and jumps by centuries, and an Observer, must not change what the
// batch evaluates; the Observer hears of every file handed over, in
// order, and Done once, last, with the counts ("File is called once for
// every file the batch evaluated, or failed to load, in input order").
func TestAdversary126_HostileClockAndObserver(t *testing.T) {
	guard126(t, func() {
		fw := framework126(t)
		items := items126(true)
		base, bc := each126(t, fw, context.Background(), items, advisory.BatchOptions{Workers: 1})
		for _, w := range []int{1, 2, 8} {
			var tick atomic.Int64
			clock := func() time.Time {
				n := tick.Add(1)
				switch n % 5 {
				case 0:
					return time.Time{}
				case 1:
					return time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
				case 2:
					return now126.Add(-time.Duration(n) * time.Hour)
				}
				return now126.Add(time.Duration(n) * time.Second)
			}
			obs := &obs126{}
			got, c := each126(t, fw, context.Background(), items, advisory.BatchOptions{Workers: w, Clock: clock, Observer: obs})
			if c != bc || !reflect.DeepEqual(got, base) {
				t.Errorf("Workers %d with a hostile Clock: counts %+v (want %+v), results equal %v", w, c, bc, reflect.DeepEqual(got, base))
			}
			if len(obs.files) != c.OK+c.Failed || obs.done != 1 || obs.afterDone != 0 || obs.stats.Counts != c {
				t.Errorf("Workers %d: Observer heard %d files for %d handed over, Done %d times (%d calls after), counts %+v want %+v",
					w, len(obs.files), c.OK+c.Failed, obs.done, obs.afterDone, obs.stats.Counts, c)
			}
			for k, fs := range obs.files {
				if k < len(got) && (fs.Index != got[k].Index || fs.Alerts != len(got[k].Alerts)) {
					t.Errorf("Workers %d: Observer's file %d is %d with %d alerts, handed over %d with %d", w, k, fs.Index, fs.Alerts, got[k].Index, len(got[k].Alerts))
					break
				}
			}
			fires := map[string]int{}
			for _, h := range base {
				for _, a := range h.Alerts {
					fires[a.RuleID]++
				}
			}
			for _, rs := range obs.stats.Rules {
				if rs.Fires != fires[rs.Rule] {
					t.Errorf("Workers %d: rule %s fired %d times by the Observer, %d in the alerts", w, rs.Rule, rs.Fires, fires[rs.Rule])
				}
			}
		}
	})
}

type obs126 struct {
	files     []advisory.FileStats
	done      int
	afterDone int
	stats     advisory.BatchStats
}

func (o *obs126) File(fs advisory.FileStats) {
	if o.done > 0 {
		o.afterDone++
	}
	o.files = append(o.files, fs)
}
func (o *obs126) Progress(advisory.Counts) {
	if o.done > 0 {
		o.afterDone++
	}
}
func (o *obs126) Done(s advisory.BatchStats) { o.done++; o.stats = s }

// TestAdversary126_HostPanicsReachCaller: a Clock that panics once, an
// Observer whose File panics, and a canvas lookup that panics for one
// client, on every worker count: the panic reaches the caller (never
// another goroutine, which would end the process), and nothing is left
// running.
func TestAdversary126_HostPanicsReachCaller(t *testing.T) {
	guard126(t, func() {
		fw := framework126(t)
		items := items126(true)
		for _, w := range []int{1, 2, 8} {
			var calls atomic.Int64
			clock := func() time.Time {
				if calls.Add(1) == 777 {
					panic("clock boom")
				}
				return now126
			}
			before := runtime.NumGoroutine()
			got := outcome126(func() {
				each126(t, fw, context.Background(), items, advisory.BatchOptions{Workers: w, Clock: clock, Observer: &obs126{}})
			})
			if got != "panic: clock boom" {
				t.Errorf("Workers %d: a Clock that panics: the caller %s, want panic: clock boom", w, got)
			}
			settle126(t, before)
			before = runtime.NumGoroutine()
			got = outcome126(func() {
				each126(t, fw, context.Background(), items, advisory.BatchOptions{Workers: w, Observer: panicObs126{at: 1000}})
			})
			if got != "panic: observer boom" {
				t.Errorf("Workers %d: an Observer that panics: the caller %s, want panic: observer boom", w, got)
			}
			settle126(t, before)
		}
		clients := clients126()
		parts := parts126(t, false)
		for _, w := range []int{1, 2, 8} {
			for _, conc := range []bool{false, true} {
				p := planner126(t, w, conc)
				before := runtime.NumGoroutine()
				got := outcome126(func() {
					p.PlanParts(context.Background(), parts, func(id string) (canvas.Client[ctx126], bool) {
						if id == id126(703) {
							panic("lookup boom")
						}
						c, ok := clients[id]
						return c, ok
					})
				})
				if got != "panic: lookup boom" {
					t.Errorf("Workers %d, concurrent %v: a lookup that panics: the caller %s", w, conc, got)
				}
				settle126(t, before)
			}
		}
	})
}

type panicObs126 struct{ at int }

func (o panicObs126) File(fs advisory.FileStats) {
	if fs.Index >= o.at {
		panic("observer boom")
	}
}
func (panicObs126) Progress(advisory.Counts) {}
func (panicObs126) Done(advisory.BatchStats) {}

var _ = strings.Contains

// TestAdversary126_EachGoexitLeavesNothingRunning: an each that ends its
// goroutine (runtime.Goexit, as a test's FailNow does) mid-batch ends the
// caller's goroutine, and no worker or Load runs on after it ("no fn runs
// after Run").
func TestAdversary126_EachGoexitLeavesNothingRunning(t *testing.T) {
	guard126(t, func() {
		fw := framework126(t)
		items := items126(true)
		for _, w := range []int{1, 2, 8} {
			var ended, loadsAfter atomic.Bool
			its := slices.Clone(items)
			for k := range its {
				orig := its[k]
				its[k].Load = func() (file126, []advisory.Alert, error) {
					if ended.Load() {
						loadsAfter.Store(true)
					}
					if orig.Load != nil {
						return orig.Load()
					}
					return orig.File, nil, nil
				}
			}
			before := runtime.NumGoroutine()
			got := outcome126(func() {
				fw.EvaluateEach(context.Background(), slices.Values(its), now126, advisory.BatchOptions{Workers: w}, func(fa advisory.FileAlerts) {
					if fa.Index == 500 {
						runtime.Goexit()
					}
				})
			})
			if got != "goexit" {
				t.Errorf("Workers %d: an each that calls Goexit: the caller %s, want goexit", w, got)
			}
			ended.Store(true) // EvaluateEach is over: no Load may start now
			time.Sleep(20 * time.Millisecond)
			settle126(t, before)
			if loadsAfter.Load() {
				t.Errorf("Workers %d: a Load ran after EvaluateEach's caller had ended", w)
			}
		}
	})
}
