package canvas_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
	"github.com/engagekit/engagekit/segment"
)

var allChannels90 = []canvas.Channel{canvas.Email, canvas.AppPush, canvas.Letter, canvas.SMS, canvas.WhatsApp,
	canvas.PhoneBackOffice, canvas.PhoneAdviser, canvas.ReviewMeeting, canvas.PortalNudge, canvas.Mailing,
	canvas.Newsletter, canvas.AdviserMeeting}

func pick90[T any](r *rand.Rand, xs []T) T { return xs[r.Intn(len(xs))] }

func randChannels90(r *rand.Rand, n int) []canvas.Channel {
	out := []canvas.Channel{}
	for range n {
		out = append(out, pick90(r, allChannels90))
	}
	return out
}

type book90 struct {
	opts    canvas.Options
	alerts  []advisory.Alert
	clients map[string]canvas.Client[struct{}]
}

func randBook90(r *rand.Rand) book90 {
	day := 24 * time.Hour
	now := time.Date(2024, 3, 1+r.Intn(20), r.Intn(24), 0, 0, 0, time.UTC)
	var b book90
	b.opts = canvas.Options{
		Now:             now,
		Period:          pick90(r, []time.Duration{0, day, 3 * day, 5 * day, 36 * time.Hour}),
		Horizon:         pick90(r, []int{0, 1, 2, 3, 5, 8}),
		AdviserCapacity: pick90(r, []int{0, canvas.None, 1, 2, 3, 5}),
		PressureCap:     pick90(r, []int{0, canvas.None, 1, 2, 3}),
		BundleBoost:     pick90(r, []float64{0, canvas.None, 0.3, 0.1, 1}),
		Thresholds:      canvas.Thresholds{Urgent: pick90(r, []float64{0, 0.3, 0.7, canvas.None, 1}), Sensitive: pick90(r, []float64{0, 0.3, 0.7, 1})},
	}
	if r.Intn(2) == 0 {
		pb := canvas.DefaultPlaybook()
		for q := canvas.UrgentSensitive; q <= canvas.PlannedRoutine; q++ {
			if r.Intn(2) == 0 {
				pb.Quadrants[q] = canvas.Play{Channels: randChannels90(r, r.Intn(3)), Action: canvas.Action(1 + r.Intn(3)),
					Within: pick90(r, []time.Duration{0, day, 2 * day, 4 * day, 10 * day, 30 * time.Hour})}
			}
		}
		pb.Types = map[string]canvas.Play{}
		for _, typ := range []string{"t1", "t3"} {
			if r.Intn(2) == 0 {
				pb.Types[typ] = canvas.Play{Channels: randChannels90(r, r.Intn(3)), Action: canvas.Action(1 + r.Intn(3)),
					Within: pick90(r, []time.Duration{0, day, 2 * day, 4 * day, 10 * day})}
			}
		}
		b.opts.Playbook = &pb
	}
	nClients := 1 + r.Intn(40)
	b.clients = map[string]canvas.Client[struct{}]{}
	for i := range nClients {
		id := fmt.Sprintf("c%02d", i)
		if r.Intn(15) == 0 {
			continue // unknown client
		}
		var names []string
		for range r.Intn(3) {
			names = append(names, pick90(r, allChannels90).String())
		}
		b.clients[id] = canvas.Client[struct{}]{ID: id, Consent: randChannels90(r, r.Intn(8)),
			Policy:      segment.Policy{TouchesPerYear: pick90(r, []int{0, 0, 1, 2, 3, -1}), Channels: names},
			TouchesUsed: pick90(r, []int{0, 0, 1, 2, -1})}
	}
	nAlerts := r.Intn(200)
	vals := []float64{0, 0.1, 0.3, 0.5, 0.7, 0.9, 1}
	for range nAlerts {
		b.alerts = append(b.alerts, advisory.Alert{ClientID: fmt.Sprintf("c%02d", r.Intn(nClients)),
			Type: fmt.Sprintf("t%d", r.Intn(4)), RuleID: fmt.Sprintf("r%d", r.Intn(3)), Path: pick90(r, []string{"", "p"}),
			Urgency: pick90(r, vals), Sensitivity: pick90(r, vals), Title: pick90(r, []string{"a", "b"})})
	}
	return b
}

func actionRank90(a canvas.Action) int { return int(a) }

// checkPlan90 checks the plan's documented invariants.
func checkPlan90(t *testing.T, tag string, b book90, p *canvas.Planner[struct{}], plan canvas.Plan, res canvas.Options) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("%s: "+format, append([]any{tag}, args...)...)
	}
	tot := plan.Totals
	if tot.Alerts != len(b.alerts) || tot.Alerts != tot.Planned+tot.Deferred || tot.Deferred != len(plan.Deferred) {
		fail("totals %+v for %d alerts, %d deferrals", tot, len(b.alerts), len(plan.Deferred))
	}
	planned, late, lateAlerts := 0, 0, 0
	seen := map[*advisory.Alert]bool{}
	for _, f := range plan.FollowUps {
		planned += len(f.Items)
		for _, it := range f.Items {
			if seen[it.Alert] {
				fail("alert %+v twice", *it.Alert)
			}
			seen[it.Alert] = true
		}
		if f.When.After(f.Due) {
			if f.Late != f.When.Sub(f.Due) || f.LateReason == "" {
				fail("follow-up %s when %v due %v: late %v reason %q", f.ID, f.When, f.Due, f.Late, f.LateReason)
			}
			late++
			lateAlerts += len(f.Items)
		} else if f.Late != 0 || f.LateReason != "" {
			fail("follow-up %s in time but late %v %q", f.ID, f.Late, f.LateReason)
		}
	}
	for _, d := range plan.Deferred {
		if seen[d.Item.Alert] {
			fail("alert %+v twice", *d.Item.Alert)
		}
		seen[d.Item.Alert] = true
	}
	if len(seen) != len(b.alerts) {
		fail("%d distinct alerts in plan, %d in", len(seen), len(b.alerts))
	}
	if planned != tot.Planned || late != tot.Late || lateAlerts != tot.LateAlerts {
		fail("totals %+v; counted planned %d late %d late alerts %d", tot, planned, late, lateAlerts)
	}
}

// resolved mirrors the documented defaults.
func resolved90(o canvas.Options) canvas.Options {
	if o.Period == 0 {
		o.Period = 7 * 24 * time.Hour
	}
	if o.Horizon == 0 {
		o.Horizon = 4
	}
	switch o.AdviserCapacity {
	case 0:
		o.AdviserCapacity = 100
	case canvas.None:
		o.AdviserCapacity = 0
	}
	switch o.PressureCap {
	case 0:
		o.PressureCap = 2
	case canvas.None:
		o.PressureCap = 0
	}
	switch o.BundleBoost {
	case 0:
		o.BundleBoost = 0.05
	case canvas.None:
		o.BundleBoost = 0
	}
	if o.Playbook == nil {
		pb := canvas.DefaultPlaybook()
		o.Playbook = &pb
	}
	return o
}

func checkLimits90(t *testing.T, tag string, b book90, plan canvas.Plan) {
	t.Helper()
	o := resolved90(b.opts)
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("%s: "+format, append([]any{tag}, args...)...)
	}
	adv := map[int]int{}
	push := map[string]int{}
	touches := map[string]int{}
	bundled := map[string]bool{}
	periodOf := func(f canvas.FollowUp) int {
		d := f.When.Sub(o.Now)
		if d%o.Period != 0 {
			fail("follow-up %s at %v, not at a period start", f.ID, f.When)
		}
		return int(d / o.Period)
	}
	for _, f := range plan.FollowUps {
		k := periodOf(f)
		if k < 0 || k >= o.Horizon {
			fail("follow-up %s in period %d outside horizon %d", f.ID, k, o.Horizon)
		}
		c := b.clients[f.ClientID]
		if !slices.Contains(c.Consent, f.Channel) {
			fail("follow-up %s on %s without consent %v", f.ID, f.Channel, c.Consent)
		}
		if f.Channel.Adviser() {
			adv[k]++
		}
		if f.Channel.Push() {
			push[fmt.Sprint(f.ClientID, "/", k)]++
		}
		touches[f.ClientID]++
		if !f.Channel.Bundles() && len(f.Items) != 1 {
			fail("follow-up %s on %s carries %d items", f.ID, f.Channel, len(f.Items))
		}
		if f.Channel.Bundles() {
			key := f.ClientID + "/" + f.Channel.String()
			if bundled[key] {
				fail("two follow-ups for %s", key)
			}
			bundled[key] = true
		}
		// position, quadrant, due, action
		u, s := 0.0, 0.0
		due := time.Duration(1 << 62)
		maxAct := 0
		for _, it := range f.Items {
			u, s = max(u, it.Position.Urgency), max(s, it.Position.Sensitivity)
			play := o.Playbook.For(it.Quadrant, it.Alert.Type)
			due = min(due, play.Within)
			maxAct = max(maxAct, actionRank90(play.Action))
		}
		s = min(1, s+o.BundleBoost*float64(len(f.Items)-1))
		if f.Urgency != u || f.Sensitivity != s {
			fail("follow-up %s at (%v,%v), items say (%v,%v)", f.ID, f.Urgency, f.Sensitivity, u, s)
		}
		if q := o.Thresholds.Quadrant(canvas.Position{Urgency: f.Urgency, Sensitivity: f.Sensitivity}); q != f.Quadrant {
			fail("follow-up %s quadrant %s, position says %s", f.ID, f.Quadrant, q)
		}
		if !f.Due.Equal(o.Now.Add(due)) {
			fail("follow-up %s due %v, want %v", f.ID, f.Due, o.Now.Add(due))
		}
		if actionRank90(f.Action) < maxAct {
			fail("follow-up %s action %s below an item's", f.ID, f.Action)
		}
	}
	for k, n := range adv {
		if n > o.AdviserCapacity {
			fail("period %d: %d adviser contacts > capacity %d", k, n, o.AdviserCapacity)
		}
	}
	for k, n := range push {
		if n > o.PressureCap {
			fail("client/period %s: %d pushes > cap %d", k, n, o.PressureCap)
		}
	}
	for id, n := range touches {
		c := b.clients[id]
		if bud := c.Policy.TouchesPerYear; bud != 0 && n > max(bud, 0)-max(c.TouchesUsed, 0) {
			fail("client %s: %d touches, budget %d used %d", id, n, bud, c.TouchesUsed)
		}
	}
	// Earliest period: every earlier period must be blocked in the final plan.
	blocked := func(f canvas.FollowUp, k int) bool {
		return f.Channel.Adviser() && adv[k] >= o.AdviserCapacity || f.Channel.Push() && push[fmt.Sprint(f.ClientID, "/", k)] >= o.PressureCap
	}
	reasonAt := func(f canvas.FollowUp, k int) canvas.DeferReason {
		switch {
		case f.Channel.Adviser() && adv[k] >= o.AdviserCapacity:
			return canvas.AdviserCapacity
		case f.Channel.Push() && push[fmt.Sprint(f.ClientID, "/", k)] >= o.PressureCap:
			return canvas.PressureCap
		}
		return ""
	}
	for _, f := range plan.FollowUps {
		if f.Late > 0 {
			last := int((f.Due.Sub(o.Now)) / o.Period)
			ok := f.LateReason == canvas.AdviserCapacity && f.Channel.Adviser() && adv[last] >= o.AdviserCapacity ||
				f.LateReason == canvas.PressureCap && f.Channel.Push() && push[fmt.Sprint(f.ClientID, "/", last)] >= o.PressureCap
			if !ok {
				fail("follow-up %s late as %s; period %d (last by due) blocked by %q", f.ID, f.LateReason, last, reasonAt(f, last))
			}
		}
	}
	for _, d := range plan.Deferred {
		switch d.Reason {
		case canvas.TouchBudget:
			if !d.NextSlot.IsZero() {
				fail("touch budget deferral with next slot %v", d.NextSlot)
			}
		case canvas.PressureCap, canvas.AdviserCapacity:
			if d.NextSlot.IsZero() && !(o.PressureCap == 0 || o.AdviserCapacity == 0) {
				fail("deferral %s with zero next slot", d.Reason)
			}
			if !d.NextSlot.IsZero() && !d.NextSlot.Equal(o.Now.Add(time.Duration(o.Horizon)*o.Period)) {
				fail("deferral %s next slot %v", d.Reason, d.NextSlot)
			}
		}
	}
	for _, f := range plan.FollowUps {
		k := periodOf(f)
		for j := range k {
			if !blocked(f, j) {
				fail("follow-up %s in period %d, but period %d was free", f.ID, k, j)
			}
		}
	}
}

func planJSON90(t *testing.T, plan canvas.Plan) string {
	b, err := json.Marshal(plan)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	return string(b)
}

// TestAdversary90RandomBooksPathsAgree plans random small books with
// random options through every path (sequential, parallel, shuffled,
// PlanLookup, PlanParts split at random, concurrent lookup over sorted
// alerts) and holds each to the others and to the documented invariants.
func TestAdversary90RandomBooksPathsAgree(t *testing.T) {
	ctx := context.Background()
	for seed := range 1500 {
		r := rand.New(rand.NewSource(int64(seed)))
		b := randBook90(r)
		p, err := canvas.NewPlanner[struct{}](nil, b.opts)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		oc := b.opts
		oc.ConcurrentLookup = true
		pc, err := canvas.NewPlanner[struct{}](nil, oc)
		if err != nil {
			t.Fatal(err)
		}
		seq, err := canvas.Parallel(p, 1, 1).Plan(ctx, b.alerts, b.clients)
		if err != nil {
			t.Fatal(err)
		}
		tag := fmt.Sprintf("seed %d", seed)
		checkPlan90(t, tag+" seq", b, p, seq, b.opts)
		checkLimits90(t, tag+" seq", b, seq)
		want := planJSON90(t, seq)

		shuffled := slices.Clone(b.alerts)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		sorted := slices.Clone(b.alerts)
		slices.SortStableFunc(sorted, func(x, y advisory.Alert) int {
			if x.ClientID < y.ClientID {
				return -1
			} else if x.ClientID > y.ClientID {
				return 1
			}
			return 0
		})
		lookup := func(id string) (canvas.Client[struct{}], bool) { c, ok := b.clients[id]; return c, ok }
		var parts [][]advisory.Alert
		for rest := shuffled; len(rest) > 0; {
			n := r.Intn(len(rest) + 1)
			parts = append(parts, rest[:n])
			rest = rest[n:]
		}
		type path struct {
			name string
			run  func() (canvas.Plan, error)
		}
		paths := []path{
			{"seq shuffled", func() (canvas.Plan, error) { return canvas.Parallel(p, 1, 1).Plan(ctx, shuffled, b.clients) }},
			{"par2", func() (canvas.Plan, error) { return canvas.Parallel(p, 2, 1).Plan(ctx, b.alerts, b.clients) }},
			{"par5 shuffled", func() (canvas.Plan, error) { return canvas.Parallel(p, 5, 1).Plan(ctx, shuffled, b.clients) }},
			{"lookup seq", func() (canvas.Plan, error) { return canvas.Parallel(p, 1, 1).PlanLookup(ctx, shuffled, lookup) }},
			{"parts par3", func() (canvas.Plan, error) { return canvas.Parallel(p, 3, 1).PlanParts(ctx, parts, lookup) }},
			{"concurrent sorted par4", func() (canvas.Plan, error) { return canvas.Parallel(pc, 4, 1).PlanLookup(ctx, sorted, lookup) }},
			{"concurrent sorted par2", func() (canvas.Plan, error) { return canvas.Parallel(pc, 2, 1).PlanLookup(ctx, sorted, lookup) }},
		}
		for _, pa := range paths {
			got, err := pa.run()
			if err != nil {
				t.Fatalf("%s %s: %v", tag, pa.name, err)
			}
			if g := planJSON90(t, got); g != want {
				t.Errorf("%s %s: plan differs from sequential\n got %s\nwant %s", tag, pa.name, g, want)
			}
		}
		if t.Failed() {
			return
		}
	}
}
