package canvas_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
	"github.com/engagekit/engagekit/engagement"
	"github.com/engagekit/engagekit/segment"
)

// guard121 runs f on a goroutine: a panic or a hang past 10 s fails the
// test.
func guard121(t *testing.T, name string, f func()) {
	t.Helper()
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		f()
	}()
	select {
	case v := <-done:
		if v != nil {
			t.Fatalf("%s: panic: %v", name, v)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("%s: timeout", name)
	}
}

// TestAdversary121_ZeroPlannerPanics
//
// Contract: "Planner plans follow-ups. It is immutable and safe for
// concurrent use"; Plan "returns the zero Plan and ctx's error; it returns
// no other error", and "alerts in = planned + deferred". The library's
// promise (README: nothing the host hands it panics the host) has been
// held for the zero values of other exported types (engagement's zero
// Index, adversary 37: "nothing the host passes may panic out of the
// library").
//
// Input: var p canvas.Planner[struct{}]; p.Plan / PlanLookup / PlanParts
// with one alert of a known client.
//
// Observed: nil pointer dereference panic out of Plan (the zero Planner's
// placement is nil and its Playbook nil).
// Expected: no panic; a plan accounting for the alert (or, at the very
// least, a typed error).
func TestAdversary121_ZeroPlannerPanics(t *testing.T) {
	ctx := context.Background()
	alerts := []advisory.Alert{{ClientID: "a", Type: "t", RuleID: "r", Urgency: 0.9, Sensitivity: 0.9}}
	clients := map[string]canvas.Client[struct{}]{"a": {ID: "a", Consent: []canvas.Channel{canvas.Email}}}
	lookup := func(id string) (canvas.Client[struct{}], bool) { c, ok := clients[id]; return c, ok }
	var p canvas.Planner[struct{}]
	for _, c := range []struct {
		name string
		f    func() (canvas.Plan, error)
	}{
		{"Plan", func() (canvas.Plan, error) { return p.Plan(ctx, alerts, clients) }},
		{"PlanLookup", func() (canvas.Plan, error) { return p.PlanLookup(ctx, alerts, lookup) }},
		{"PlanParts", func() (canvas.Plan, error) { return p.PlanParts(ctx, [][]advisory.Alert{alerts}, lookup) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			guard121(t, "zero Planner "+c.name, func() {
				plan, err := c.f()
				if err == nil && (plan.Totals.Alerts != 1 || plan.Totals.Planned+plan.Totals.Deferred != 1) {
					t.Errorf("zero Planner %s: totals %+v for one alert", c.name, plan.Totals)
				}
			})
		})
	}
}

// TestAdversary121_PictureCircleCountsUnplacedItems
//
// Contract (Picture): "each alert type as a numbered circle at its mean
// placement, its area in proportion to how many alerts it has ... an item
// whose position is not finite, or that has no quadrant (deferred before
// it was placed: an unknown client, a failed placement), counts in the
// legend but not in its type's circle".
//
// Input: type "ghost": 100 items without a quadrant (unknown client) and
// one placed item; type "real": 100 placed items.
//
// Observed: ghost's circle, which stands for its one placed item, is drawn
// with radius 30 and titled "ghost: 101 alerts" — larger than real's
// (29.85, 100 placed alerts): the 100 unplaced items count in the circle.
// Expected: ghost's circle sized (and titled) by the one item it places,
// so smaller than real's.
func TestAdversary121_PictureCircleCountsUnplacedItems(t *testing.T) {
	var items []canvas.Item
	for range 100 {
		items = append(items, canvas.Item{Alert: &advisory.Alert{Type: "ghost"}}) // deferred before placement
	}
	items = append(items, canvas.Item{Alert: &advisory.Alert{Type: "ghost"}, Position: canvas.Position{Urgency: 0.9, Sensitivity: 0.9}, Quadrant: canvas.UrgentSensitive})
	for range 100 {
		items = append(items, canvas.Item{Alert: &advisory.Alert{Type: "real"}, Position: canvas.Position{Urgency: 0.1, Sensitivity: 0.1}, Quadrant: canvas.PlannedRoutine})
	}
	svg := string(canvas.Picture(items, canvas.Thresholds{}))
	re := regexp.MustCompile(`<circle [^>]*r="([0-9.]+)"[^>]*><title>(\w+): (\d+) alerts(?: placed of \d+)?</title>`)
	radius := map[string]float64{}
	for _, m := range re.FindAllStringSubmatch(svg, -1) {
		r, _ := strconv.ParseFloat(m[1], 64)
		radius[m[2]] = r
		if m[2] == "ghost" && m[3] != "1" {
			t.Errorf("ghost's circle (one placed item) is titled %q alerts", m[3])
		}
	}
	if len(radius) != 2 {
		t.Fatalf("want circles for ghost and real, got %v", radius)
	}
	if radius["ghost"] >= radius["real"] {
		t.Errorf("ghost's circle (1 placed item) has radius %v, real's (100 placed) %v: the unplaced items count in the circle", radius["ghost"], radius["real"])
	}
}

// TestAdversary121_DuplicatePartsPlanAsJoined pins (passing) that parts
// sharing one backing slice (the same alerts twice, so duplicate alert
// pointers) plan as their joined copy, on one goroutine and on two.
func TestAdversary121_DuplicatePartsPlanAsJoined(t *testing.T) {
	ctx := context.Background()
	p, err := canvas.NewPlanner[struct{}](nil, canvas.Options{Now: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	var alerts []advisory.Alert
	for i := range 5 {
		alerts = append(alerts, advisory.Alert{ClientID: "a", Type: fmt.Sprintf("t%d", i%2), RuleID: "r", Urgency: 0.9, Sensitivity: 0.2 * float64(i)})
	}
	clients := map[string]canvas.Client[struct{}]{"a": {ID: "a", Consent: []canvas.Channel{canvas.Email, canvas.AppPush, canvas.PortalNudge}}}
	lookup := func(id string) (canvas.Client[struct{}], bool) { c, ok := clients[id]; return c, ok }
	joined := append(slices.Clone(alerts), alerts...)
	for _, w := range []int{1, 2} {
		pp := canvas.Parallel(p, w, 1)
		a, err := pp.PlanParts(ctx, [][]advisory.Alert{alerts, alerts}, lookup)
		if err != nil {
			t.Fatal(err)
		}
		b, err := pp.PlanLookup(ctx, joined, lookup)
		if err != nil {
			t.Fatal(err)
		}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Errorf("%d workers: duplicate parts plan differently from their joined copy:\n%s\n%s", w, ja, jb)
		}
	}
}

// TestAdversary121_HostileBooksAgreeAcrossPaths pins (passing) that books
// with hostile content (ids differing only in normalisation, invalid
// UTF-8, NaN/Inf/out-of-range urgencies, duplicate and unknown consent
// channels, unknown policy channels, negative budgets, periods past the
// inline eight) plan alike sequentially, shuffled, in parallel and in
// parts with a concurrent lookup, keep Alerts = Planned + Deferred, and
// read back from JSON.
func TestAdversary121_HostileBooksAgreeAcrossPaths(t *testing.T) {
	ctx := context.Background()
	day := 24 * time.Hour
	chans := []canvas.Channel{canvas.Email, canvas.AppPush, canvas.Letter, canvas.SMS, canvas.PhoneAdviser, canvas.ReviewMeeting, canvas.PortalNudge, canvas.Mailing, canvas.Newsletter, canvas.AdviserMeeting, canvas.Channel(77), canvas.ChannelUnknown}
	for seed := range 300 {
		r := rand.New(rand.NewSource(int64(seed)))
		o := canvas.Options{Now: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), Period: []time.Duration{time.Hour, 13 * time.Hour, day}[r.Intn(3)],
			Horizon: []int{1, 9, 20, 100}[r.Intn(4)], AdviserCapacity: []int{1, 2, 5, canvas.None}[r.Intn(4)], PressureCap: []int{1, 2, 9, canvas.None}[r.Intn(4)],
			BundleBoost: []float64{0, canvas.None, 0.2}[r.Intn(3)]}
		pb := canvas.DefaultPlaybook()
		pb.Types = map[string]canvas.Play{"t1": {Channels: []canvas.Channel{canvas.SMS}, Action: canvas.GuidedFlow, Within: time.Duration(r.Intn(50)) * time.Hour}}
		o.Playbook = &pb
		p, err := canvas.NewPlanner[struct{}](nil, o)
		if err != nil {
			t.Fatal(err)
		}
		clients := map[string]canvas.Client[struct{}]{}
		ids := []string{"\u00e9", "e\u0301", "a", "a-1", "b", "\xff", "", "z"}
		for _, id := range ids {
			if r.Intn(6) == 0 {
				continue
			}
			var cons []canvas.Channel
			for range r.Intn(6) {
				cons = append(cons, chans[r.Intn(len(chans))])
			}
			clients[id] = canvas.Client[struct{}]{ID: id, Consent: cons, Policy: segment.Policy{TouchesPerYear: r.Intn(8) - 1, Channels: []string{"sms", "bogus", "mailing", "sms"}}, TouchesUsed: r.Intn(3)}
		}
		var alerts []advisory.Alert
		vals := []float64{-1, 0, 0.3, 0.5, 0.9, 1, 3, math.Inf(1), math.NaN()}
		for range r.Intn(300) {
			a := advisory.Alert{ClientID: ids[r.Intn(len(ids))], Type: fmt.Sprintf("t%d", r.Intn(3)), RuleID: "r", Urgency: vals[r.Intn(len(vals))], Sensitivity: vals[r.Intn(len(vals))]}
			if r.Intn(3) == 0 {
				a.Evidence = []advisory.Evidence{{Name: "x", Value: r.Intn(3)}}
			}
			if r.Intn(3) == 0 {
				a.Outputs = map[string]any{"k": float64(r.Intn(2))}
			}
			if r.Intn(4) == 0 {
				a.Tags = []string{"q"}
			}
			alerts = append(alerts, a)
		}
		ref, err := canvas.Parallel(p, 1, 1).Plan(ctx, alerts, clients)
		if err != nil {
			t.Fatal(err)
		}
		jref, _ := json.Marshal(ref)
		var back canvas.Plan
		if err := json.Unmarshal(jref, &back); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		if j2, _ := json.Marshal(back); string(j2) != string(jref) && !strings.Contains(string(jref), "null") {
			t.Errorf("seed %d: round trip\n%s\n%s", seed, jref, j2)
		}
		if !slices.EqualFunc(canvas.Loop(back, nil), canvas.Loop(ref, nil), func(a, b canvas.Rate) bool { return a == b }) {
			t.Errorf("seed %d loop differs after round trip", seed)
		}
		tot := ref.Totals
		if tot.Alerts != tot.Planned+tot.Deferred || tot.Alerts != len(alerts) {
			t.Fatalf("seed %d totals %+v", seed, tot)
		}
		lookup := func(id string) (canvas.Client[struct{}], bool) { c, ok := clients[id]; return c, ok }
		shuffled := slices.Clone(alerts)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		sorted := slices.Clone(alerts)
		slices.SortStableFunc(sorted, func(a, b advisory.Alert) int { return strings.Compare(a.ClientID, b.ClientID) })
		var parts [][]advisory.Alert
		for rest := sorted; len(rest) > 0; {
			n := min(len(rest), 1+r.Intn(7))
			parts = append(parts, rest[:n])
			rest = rest[n:]
		}
		oc := o
		oc.ConcurrentLookup = true
		pc, _ := canvas.NewPlanner[struct{}](nil, oc)
		for name, f := range map[string]func() (canvas.Plan, error){
			"seq shuffled":    func() (canvas.Plan, error) { return canvas.Parallel(p, 1, 1).Plan(ctx, shuffled, clients) },
			"par3 shuffled":   func() (canvas.Plan, error) { return canvas.Parallel(p, 3, 1).Plan(ctx, shuffled, clients) },
			"par2 parts conc": func() (canvas.Plan, error) { return canvas.Parallel(pc, 2, 1).PlanParts(ctx, parts, lookup) },
			"par4 parts conc": func() (canvas.Plan, error) { return canvas.Parallel(pc, 4, 1).PlanParts(ctx, parts, lookup) },
			"seq parts":       func() (canvas.Plan, error) { return canvas.Parallel(pc, 1, 1).PlanParts(ctx, parts, lookup) },
		} {
			got, err := f()
			if err != nil {
				t.Fatal(err)
			}
			j, _ := json.Marshal(got)
			if string(j) != string(jref) {
				t.Fatalf("seed %d %s differs\n%s\n%s", seed, name, jref, j)
			}
		}
	}
}

// Loop: an outcome whose class is none of engagement's four (a number
// past them, as JSON may carry) is ignored, as one of an unknown
// follow-up is, never counted as a response.
func TestAdversary121_LoopIgnoresUnknownClass(t *testing.T) {
	plan := canvas.Plan{FollowUps: []canvas.FollowUp{{ID: "a-1", ClientID: "a"}}}
	rates := canvas.Loop(plan, []canvas.Outcome{{FollowUpID: "a-1", Class: engagement.Class(99)}})
	for _, r := range rates {
		if r.Responded != 0 || r.Sent != 1 {
			t.Errorf("%s %s: sent %d, responded %d; want 1 sent, none responded", r.Dimension, r.Value, r.Sent, r.Responded)
		}
	}
}
