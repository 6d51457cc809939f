package canvas_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
	"github.com/engagekit/engagekit/internal/testguard"
	"github.com/engagekit/engagekit/segment"
	"pgregory.net/rapid"
)

// Round 138: the plan's correctness at the edges. Every property below is
// checked on the straightforward (one goroutine) plan, which must equal the
// fast (parallel) one, the one made with concurrent lookups, and the one of
// the alerts in another order.

type ctx138 struct {
	Age int `expr:"age"`
}

func guard138(t testing.TB, d time.Duration, fn func()) bool {
	t.Helper()
	if raceEnabled {
		d *= 10
	}
	return testguard.Run(t, d, fn)
}

func zone138(t testing.TB, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Skipf("no zone %s: %v", name, err)
	}
	return loc
}

var ids138 = []string{"", "a", "a-1", "A", "b", "é", "z\xff", "x" + strings.Repeat("y", 300), "ghost"}

var floats138 = []float64{0.5, 0.5, 0.5, 0, 1, 0.75, 0.25, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), -2, 3, math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, 0.4999999999999999}

var allChannels138 = []canvas.Channel{canvas.Email, canvas.AppPush, canvas.Letter, canvas.SMS, canvas.WhatsApp, canvas.PhoneBackOffice,
	canvas.PhoneAdviser, canvas.ReviewMeeting, canvas.PortalNudge, canvas.Mailing, canvas.Newsletter, canvas.AdviserMeeting}

type book138 struct {
	alerts  []advisory.Alert
	clients map[string]canvas.Client[ctx138]
	opts    canvas.Options
	rules   []canvas.TypeRule
}

func genBook138(t *rapid.T, maxAlerts int) book138 {
	return genBookIDs138(t, maxAlerts, ids138, floats138)
}

// known138 reports a client the plan knows: in the book, under its own ID
// (or none).
func known138(b book138, id string) bool {
	c, ok := b.clients[id]
	return ok && (c.ID == "" || c.ID == id)
}

func genBookIDs138(t *rapid.T, maxAlerts int, ids []string, floats []float64) book138 {
	b := book138{clients: map[string]canvas.Client[ctx138]{}}
	consentPool := append(slices.Clone(allChannels138), canvas.ChannelUnknown, canvas.Channel(99))
	for _, id := range ids {
		if id == "ghost" || rapid.IntRange(0, 5).Draw(t, "known") == 0 {
			continue
		}
		var consent []canvas.Channel
		switch rapid.IntRange(0, 4).Draw(t, "consentKind") {
		case 0: // nil: consent absent
		case 1:
			consent = []canvas.Channel{} // consent withdrawn
		case 2:
			consent = slices.Clone(allChannels138)
		default:
			consent = rapid.SliceOfN(rapid.SampledFrom(consentPool), 0, 6).Draw(t, "consent")
		}
		clientID := id
		if rapid.IntRange(0, 5).Draw(t, "otherID") == 0 {
			clientID = "other" // a record whose ID is not its key: not that client (canvas defers its alerts as unknown)
		}
		b.clients[id] = canvas.Client[ctx138]{ID: clientID, Context: ctx138{Age: rapid.IntRange(-1, 99).Draw(t, "age")}, Consent: consent,
			Policy: segment.Policy{TouchesPerYear: rapid.SampledFrom([]int{0, 0, 0, -1, 1, 2, 5, math.MaxInt}).Draw(t, "budget"),
				Channels: rapid.SliceOfN(rapid.SampledFrom([]string{"email", "app_push", "review_meeting", "mailing", "newsletter", "phone_adviser", "EMAIL", ""}), 0, 3).Draw(t, "policy")},
			TouchesUsed: rapid.SampledFrom([]int{0, 0, 1, 3, -4, math.MaxInt, math.MinInt}).Draw(t, "used")}
	}
	f := rapid.SampledFrom(floats)
	n := rapid.IntRange(0, maxAlerts).Draw(t, "n")
	flood := rapid.IntRange(0, 3).Draw(t, "flood") == 0 // very many alerts for one client
	for range n {
		a := advisory.Alert{ClientID: rapid.SampledFrom(ids).Draw(t, "client"),
			Type:    rapid.SampledFrom([]string{"t", "t", "u", "ruled", "typed"}).Draw(t, "type"),
			RuleID:  rapid.SampledFrom([]string{"r", "r", "s"}).Draw(t, "rule"),
			Urgency: f.Draw(t, "u"), Sensitivity: f.Draw(t, "s")}
		if flood {
			a.ClientID = "a"
		}
		switch rapid.IntRange(0, 6).Draw(t, "extra") {
		case 0:
			a.Tags = []string{}
		case 1:
			a.Tags = []string{"k"}
		case 2:
			a.Evidence = []advisory.Evidence{{Name: "e", Value: f.Draw(t, "ev")}}
		}
		b.alerts = append(b.alerts, a)
	}
	if rapid.Bool().Draw(t, "nilAlerts") && len(b.alerts) == 0 {
		b.alerts = nil
	}
	b.rules = []canvas.TypeRule{{Type: "ruled", Base: canvas.Position{Urgency: 0.6, Sensitivity: 0.6}, Sensitivity: "client.age < 30 ? 0.2 : 0.9"}}
	pb := canvas.DefaultPlaybook()
	if rapid.Bool().Draw(t, "customPlaybook") {
		for q, p := range pb.Quadrants {
			p.Within = time.Duration(rapid.SampledFrom([]int64{0, 1, int64(time.Hour), int64(48 * time.Hour)}).Draw(t, "within"))
			pb.Quadrants[q] = p
		}
		pb.Types = map[string]canvas.Play{"typed": {Channels: rapid.SliceOfN(rapid.SampledFrom(allChannels138), 0, 3).Draw(t, "typedChannels"),
			Action: rapid.SampledFrom([]canvas.Action{canvas.SelfService, canvas.GuidedFlow, canvas.BookAdviser}).Draw(t, "typedAction"),
			Within: time.Duration(rapid.SampledFrom([]int64{0, int64(time.Minute), int64(1000 * time.Hour)}).Draw(t, "typedWithin"))}}
	}
	zones := []string{"UTC", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe", "Pacific/Chatham"}
	loc, err := time.LoadLocation(rapid.SampledFrom(zones).Draw(t, "zone"))
	if err != nil {
		loc = time.UTC
	}
	// 2026-03-08 01:30 in New York is half an hour before the clocks go on.
	now := time.Date(2026, 3, 8, 1, 30, 0, 0, loc)
	b.opts = canvas.Options{Now: now, Playbook: &pb,
		Period:          time.Duration(rapid.SampledFrom([]int64{1, int64(30 * time.Minute), int64(23 * time.Hour), int64(7 * 24 * time.Hour)}).Draw(t, "period")),
		Horizon:         rapid.SampledFrom([]int{0, 1, 2, 8, 9, 17}).Draw(t, "horizon"),
		PressureCap:     rapid.SampledFrom([]int{canvas.None, 0, 1, 2, math.MaxInt}).Draw(t, "pressure"),
		AdviserCapacity: rapid.SampledFrom([]int{canvas.None, 0, 1, 3, math.MaxInt}).Draw(t, "capacity"),
		BundleBoost:     rapid.SampledFrom([]float64{canvas.None, 0, 0.3, 1, math.SmallestNonzeroFloat64}).Draw(t, "boost"),
		Thresholds: canvas.Thresholds{Urgent: rapid.SampledFrom([]float64{0, canvas.None, 1, 0.5, 1e-300}).Draw(t, "tu"),
			Sensitive: rapid.SampledFrom([]float64{0, canvas.None, 1, 0.5, 1e-300}).Draw(t, "ts")},
	}
	return b
}

// resolved138 is an option as the planner reads it.
// tb138 is what the checks need of a *testing.T or a *rapid.T.
type tb138 interface {
	Helper()
	Fatalf(format string, args ...any)
}

func resolved138(v, def int) int {
	switch v {
	case 0:
		return def
	case canvas.None:
		return 0
	}
	return v
}

func planJSON138(t tb138, pl canvas.Plan) string {
	t.Helper()
	b, err := json.Marshal(pl)
	if err != nil {
		t.Fatalf("plan does not encode: %v", err)
	}
	return string(b)
}

// checkPlan138 holds a plan to what the docs promise.
func checkPlan138(t tb138, b book138, pl canvas.Plan) {
	t.Helper()
	o := b.opts
	horizon := o.Horizon
	if horizon == 0 {
		horizon = 4
	}
	period := o.Period
	if period == 0 {
		period = 7 * 24 * time.Hour
	}
	capacity := resolved138(o.AdviserCapacity, 100)
	pressure := resolved138(o.PressureCap, 2)
	boost := o.BundleBoost
	switch boost {
	case 0:
		boost = 0.05
	case canvas.None:
		boost = 0
	}
	pb := *o.Playbook
	after := o.Now.Add(time.Duration(horizon) * period)

	// Every alert is planned or deferred, once.
	seen := map[*advisory.Alert]int{}
	planned := 0
	for _, f := range pl.FollowUps {
		for _, it := range f.Items {
			seen[it.Alert]++
			planned++
		}
	}
	for _, d := range pl.Deferred {
		seen[d.Item.Alert]++
	}
	for i := range b.alerts {
		if seen[&b.alerts[i]] != 1 {
			t.Fatalf("alert %d appears %d times in the plan", i, seen[&b.alerts[i]])
		}
	}
	if len(seen) != len(b.alerts) {
		t.Fatalf("the plan holds %d alerts, %d came in", len(seen), len(b.alerts))
	}
	tot := pl.Totals
	if tot.Alerts != len(b.alerts) || tot.Planned != planned || tot.Deferred != len(pl.Deferred) || tot.Alerts != tot.Planned+tot.Deferred {
		t.Fatalf("totals %+v for %d alerts, %d planned, %d deferred", tot, len(b.alerts), planned, len(pl.Deferred))
	}

	type cp struct {
		client string
		k      int
	}
	pushes := map[cp]int{}
	adviser := map[int]int{}
	touches := map[string]int{}
	bundled := map[string]bool{}
	ids := map[string]bool{}
	late, lateAlerts := 0, 0
	periodOf := func(f canvas.FollowUp) int {
		d := f.When.Sub(o.Now)
		if d < 0 || d%period != 0 || int(d/period) >= horizon {
			t.Fatalf("follow-up %s at %v, not at the start of a period of the plan from %v", f.ID, f.When, o.Now)
		}
		return int(d / period)
	}
	for i, f := range pl.FollowUps {
		c := b.clients[f.ClientID]
		if !known138(b, f.ClientID) {
			t.Fatalf("follow-up %s for client %q, who is not known", f.ID, f.ClientID)
		}
		if !slices.Contains(c.Consent, f.Channel) {
			t.Fatalf("follow-up %s on %v, which client %q did not consent to (%v)", f.ID, f.Channel, f.ClientID, c.Consent)
		}
		if ids[f.ID] {
			t.Fatalf("two follow-ups are %s", f.ID)
		}
		ids[f.ID] = true
		k := periodOf(f)
		if f.Channel.Push() {
			pushes[cp{f.ClientID, k}]++
		}
		if f.Channel.Adviser() {
			adviser[k]++
		}
		touches[f.ClientID]++
		if len(f.Items) == 0 {
			t.Fatalf("follow-up %s has no items", f.ID)
		}
		if !f.Channel.Bundles() && len(f.Items) != 1 {
			t.Fatalf("follow-up %s on %v, which does not bundle, carries %d items", f.ID, f.Channel, len(f.Items))
		}
		if f.Channel.Bundles() {
			key := f.ClientID + "\x00" + f.Channel.String()
			if bundled[key] {
				t.Fatalf("client %q has two follow-ups on %v, which bundles", f.ClientID, f.Channel)
			}
			bundled[key] = true
		}
		// Position, quadrant and due date follow from the items.
		maxU, maxS := math.Inf(-1), math.Inf(-1)
		within := time.Duration(math.MaxInt64)
		for _, it := range f.Items {
			if it.Alert.ClientID != f.ClientID {
				t.Fatalf("follow-up %s for %q carries an alert of %q", f.ID, f.ClientID, it.Alert.ClientID)
			}
			if q := o.Thresholds.Quadrant(it.Position); q != it.Quadrant || it.Position.Urgency < 0 || it.Position.Urgency > 1 ||
				it.Position.Sensitivity < 0 || it.Position.Sensitivity > 1 {
				t.Fatalf("item %+v of %s: quadrant %v, position's %v", it.Position, f.ID, it.Quadrant, q)
			}
			maxU, maxS = max(maxU, it.Position.Urgency), max(maxS, it.Position.Sensitivity)
			within = min(within, pb.For(it.Quadrant, it.Alert.Type).Within)
		}
		action, quads := canvas.ActionUnknown, map[canvas.Quadrant]bool{}
		for _, it := range f.Items {
			if ch, ok := channel138(b, it); !ok || ch != f.Channel {
				t.Fatalf("item of %s on %v, its play and consent say %v (%v)", f.ID, f.Channel, ch, ok)
			}
			if a := pb.For(it.Quadrant, it.Alert.Type).Action; rank138(a) > rank138(action) {
				action = a
			}
			quads[it.Quadrant] = true
		}
		wantS := min(1, maxS+boost*float64(len(f.Items)-1))
		if f.Urgency != maxU || f.Sensitivity != wantS {
			t.Fatalf("follow-up %s at (%v, %v), its items say (%v, %v)", f.ID, f.Urgency, f.Sensitivity, maxU, wantS)
		}
		if q := o.Thresholds.Quadrant(canvas.Position{Urgency: f.Urgency, Sensitivity: f.Sensitivity}); q != f.Quadrant {
			t.Fatalf("follow-up %s in %v, its position's quadrant is %v", f.ID, f.Quadrant, q)
		}
		if !quads[f.Quadrant] {
			if a := pb.Quadrants[f.Quadrant].Action; rank138(a) > rank138(action) {
				action = a
			}
		}
		if f.Action != action {
			t.Fatalf("follow-up %s asks %v, its agenda needs %v", f.ID, f.Action, action)
		}
		if !f.Due.Equal(o.Now.Add(within)) {
			t.Fatalf("follow-up %s due %v, its items' plays say %v", f.ID, f.Due, o.Now.Add(within))
		}
		switch {
		case f.When.After(f.Due):
			late++
			lateAlerts += len(f.Items)
			if f.Late != f.When.Sub(f.Due) || (f.LateReason != canvas.PressureCap && f.LateReason != canvas.AdviserCapacity) {
				t.Fatalf("follow-up %s at %v due %v: late %v (%q)", f.ID, f.When, f.Due, f.Late, f.LateReason)
			}
		case f.Late != 0 || f.LateReason != "":
			t.Fatalf("follow-up %s in time, yet late %v (%q)", f.ID, f.Late, f.LateReason)
		}
		// Plan order: quadrant, urgency, sensitivity, due, client id, channel.
		if i > 0 {
			p := pl.FollowUps[i-1]
			ord := cmpOr138(cmpInt138(int(p.Quadrant), int(f.Quadrant)), cmpF138(f.Urgency, p.Urgency), cmpF138(f.Sensitivity, p.Sensitivity),
				p.Due.Compare(f.Due), strings.Compare(p.ClientID, f.ClientID), cmpInt138(int(p.Channel), int(f.Channel)))
			if ord > 0 {
				t.Fatalf("follow-ups %s and %s out of order", p.ID, f.ID)
			}
		}
	}
	if tot.Late != late || tot.LateAlerts != lateAlerts {
		t.Fatalf("totals say %d late (%d alerts), the follow-ups %d (%d)", tot.Late, tot.LateAlerts, late, lateAlerts)
	}
	for k, n := range adviser {
		if n > capacity {
			t.Fatalf("period %d holds %d adviser contacts, capacity %d", k, n, capacity)
		}
	}
	for key, n := range pushes {
		if n > pressure {
			t.Fatalf("client %q gets %d pushes in period %d, cap %d", key.client, n, key.k, pressure)
		}
	}
	for id, n := range touches {
		c := b.clients[id]
		budget, used := c.Policy.TouchesPerYear, max(0, c.TouchesUsed)
		if budget < 0 || (budget > 0 && n > budget-min(used, budget)) {
			t.Fatalf("client %q: %d touches planned, budget %d, %d used", id, n, budget, c.TouchesUsed)
		}
	}
	for _, f := range pl.FollowUps {
		if f.Late == 0 {
			continue
		}
		j := int(f.Due.Sub(o.Now) / period) // the last period starting by Due
		switch f.LateReason {
		case canvas.PressureCap:
			if !f.Channel.Push() || pushes[cp{f.ClientID, j}] < pressure {
				t.Fatalf("follow-up %s late for pressure, yet period %d took %d pushes of %d", f.ID, j, pushes[cp{f.ClientID, j}], pressure)
			}
		case canvas.AdviserCapacity:
			if !f.Channel.Adviser() || adviser[j] < capacity {
				t.Fatalf("follow-up %s late for adviser capacity, yet period %d took %d of %d", f.ID, j, adviser[j], capacity)
			}
		}
	}
	// Each follow-up is in the earliest period it fits: every earlier
	// period was full when it was planned, and stays full.
	for _, f := range pl.FollowUps {
		k := periodOf(f)
		for j := range k {
			full := (f.Channel.Adviser() && adviser[j] >= capacity) || (f.Channel.Push() && pushes[cp{f.ClientID, j}] >= pressure)
			if !full {
				t.Fatalf("follow-up %s planned in period %d, but period %d had room", f.ID, k, j)
			}
		}
	}
	// The deferrals: first those given no contact, by client id; then the
	// schedule's.
	early := true
	for i, d := range pl.Deferred {
		first := d.Reason == canvas.UnknownClient || d.Reason == canvas.NoConsentedChannel || d.Reason == canvas.PlacementFailed
		if first && !early {
			t.Fatalf("deferral %d (%q) after the schedule's", i, d.Reason)
		}
		early = first
		if first && i > 0 && pl.Deferred[i-1].Item.Alert.ClientID > d.Item.Alert.ClientID {
			t.Fatalf("deferrals %d and %d out of client order", i-1, i)
		}
	}
	for _, f := range pl.FollowUps {
		for i := 1; i < len(f.Items); i++ {
			x, y := f.Items[i-1], f.Items[i]
			if cmpOr138(cmpF138(y.Position.Urgency, x.Position.Urgency), cmpF138(y.Position.Sensitivity, x.Position.Sensitivity),
				strings.Compare(x.Alert.Type, y.Alert.Type), strings.Compare(x.Alert.RuleID, y.Alert.RuleID), strings.Compare(x.Alert.Path, y.Alert.Path)) > 0 {
				t.Fatalf("agenda of %s out of order at %d", f.ID, i)
			}
		}
	}
	for _, d := range pl.Deferred {
		switch d.Reason {
		case canvas.UnknownClient, canvas.NoConsentedChannel, canvas.TouchBudget, canvas.PlacementFailed:
			if !d.NextSlot.IsZero() {
				t.Fatalf("deferral %q has next slot %v", d.Reason, d.NextSlot)
			}
		case canvas.PressureCap, canvas.AdviserCapacity:
			if !d.NextSlot.IsZero() && !d.NextSlot.Equal(after) {
				t.Fatalf("deferral %q has next slot %v, the horizon ends %v", d.Reason, d.NextSlot, after)
			}
		default:
			t.Fatalf("deferral with reason %q", d.Reason)
		}
		if (d.Reason == canvas.PlacementFailed) != (d.Detail != "") {
			t.Fatalf("deferral %q with detail %q", d.Reason, d.Detail)
		}
		if d.Reason != canvas.UnknownClient && d.Reason != canvas.PlacementFailed {
			ch, ok := channel138(b, d.Item)
			switch {
			case d.Reason == canvas.NoConsentedChannel && ok:
				t.Fatalf("alert of %q deferred for no consented channel, but %v is consented", d.Item.Alert.ClientID, ch)
			case d.Reason != canvas.NoConsentedChannel && !ok:
				t.Fatalf("alert of %q deferred as %q, but has no consented channel", d.Item.Alert.ClientID, d.Reason)
			case d.Reason == canvas.PressureCap && !ch.Push(), d.Reason == canvas.AdviserCapacity && !ch.Adviser():
				t.Fatalf("alert of %q on %v deferred as %q", d.Item.Alert.ClientID, ch, d.Reason)
			case d.Reason == canvas.PressureCap || d.Reason == canvas.AdviserCapacity:
				never := (ch.Adviser() && capacity == 0) || (ch.Push() && pressure == 0)
				if never != d.NextSlot.IsZero() {
					t.Fatalf("alert of %q on %v deferred as %q, next slot %v (caps %d, %d)", d.Item.Alert.ClientID, ch, d.Reason, d.NextSlot, capacity, pressure)
				}
				if d.Reason == canvas.AdviserCapacity && capacity > 0 && adviser[horizon-1] < capacity {
					t.Fatalf("alert deferred for adviser capacity, yet the last period took %d of %d", adviser[horizon-1], capacity)
				}
			case d.Reason == canvas.TouchBudget:
				c := b.clients[d.Item.Alert.ClientID]
				budget, used := c.Policy.TouchesPerYear, max(0, c.TouchesUsed)
				if budget == 0 || (budget > 0 && touches[d.Item.Alert.ClientID] < budget-min(used, budget)) {
					t.Fatalf("alert of %q deferred for its budget %d (%d used), with %d touches planned", d.Item.Alert.ClientID, budget, c.TouchesUsed, touches[d.Item.Alert.ClientID])
				}
			}
		}
		if d.Reason == canvas.UnknownClient {
			if known138(b, d.Item.Alert.ClientID) && !strings.Contains(d.Item.Alert.ClientID, "\xff") {
				t.Fatalf("alert of known client %q deferred as unknown", d.Item.Alert.ClientID)
			}
		}
		if d.Reason == canvas.PressureCap && pressure > 0 && capacity > 0 {
			// the last period, whose verdict the reason is, is full of
			// this client's pushes
			if j := horizon - 1; pushes[cp{d.Item.Alert.ClientID, j}] < pressure {
				t.Fatalf("alert of %q deferred for pressure, yet period %d has room", d.Item.Alert.ClientID, j)
			}
		}
	}
}

// channel138 is the channel the docs say an item goes out on: the first of
// its play's channels the client consented to, then the first of their
// segment's.
func channel138(b book138, it canvas.Item) (canvas.Channel, bool) {
	c := b.clients[it.Alert.ClientID]
	play := b.opts.Playbook.For(it.Quadrant, it.Alert.Type)
	ok := func(ch canvas.Channel) bool {
		return ch != canvas.ChannelUnknown && ch.String() != "" && !strings.HasPrefix(ch.String(), "Channel(") && slices.Contains(c.Consent, ch)
	}
	for _, ch := range play.Channels {
		if ok(ch) {
			return ch, true
		}
	}
	for _, name := range c.Policy.Channels {
		if ch, err := canvas.ParseChannel(name); err == nil && ok(ch) {
			return ch, true
		}
	}
	return canvas.ChannelUnknown, false
}

func rank138(a canvas.Action) int {
	switch a {
	case canvas.SelfService:
		return 1
	case canvas.GuidedFlow:
		return 2
	case canvas.BookAdviser:
		return 3
	}
	return 0
}

func cmpInt138(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpF138(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpOr138(cs ...int) int {
	for _, c := range cs {
		if c != 0 {
			return c
		}
	}
	return 0
}

// TestAdversary138_HostileBooksPinned: random hostile books (duplicate-key
// records, absent and withdrawn consent, NaN/Inf/negative/huge positions,
// budgets and caps of None, 0, 1 and MaxInt, odd zones and a Now half an
// hour before a DST change, equal keys everywhere, a flood for one client,
// nil and empty inputs). Expected and observed: every property of the
// docs holds, and the straightforward plan equals the parallel one, the
// one with concurrent lookups over alerts sorted by client, and the one of
// the alerts reversed and rotated.
func TestAdversary138_HostileBooksPinned(t *testing.T) {
	d := 60 * time.Second
	if raceEnabled {
		d *= 10
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		rapid.Check(t, func(rt *rapid.T) { pathsAgree138(rt, genBook138(rt, 70)) })
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("no answer within %v (a hang)", d)
	}
}

// pathsAgree138 plans b straightforwardly, checks the plan, and holds the
// parallel plan, the plan of the alerts in another order and the plan with
// concurrent lookups to it.
func pathsAgree138(rt *rapid.T, b book138) {
	place, err := canvas.NewPlacement[ctx138](b.rules)
	if err != nil {
		rt.Fatalf("placement: %v", err)
	}
	p, err := canvas.NewPlanner(place, b.opts)
	if err != nil {
		rt.Fatalf("planner: %v", err)
	}
	ctx := context.Background()
	seq, err := canvas.Parallel(p, 1, 1).Plan(ctx, b.alerts, b.clients)
	if err != nil {
		rt.Fatalf("plan: %v", err)
	}
	checkPlan138(rt, b, seq)
	want := planJSON138(rt, seq)
	par, err := canvas.Parallel(p, 3, 1).Plan(ctx, b.alerts, b.clients)
	if err != nil {
		rt.Fatalf("parallel plan: %v", err)
	}
	if got := planJSON138(rt, par); got != want {
		rt.Fatalf("parallel plan differs:\n%s\nstraightforward:\n%s", got, want)
	}
	// Alerts in another order: reversed, then rotated.
	other := slices.Clone(b.alerts)
	slices.Reverse(other)
	if len(other) > 2 {
		other = append(other[len(other)/3:], other[:len(other)/3]...)
	}
	for _, w := range []int{1, 4} {
		got, err := canvas.Parallel(p, w, 1).Plan(ctx, other, b.clients)
		if err != nil {
			rt.Fatalf("plan of the reordered alerts: %v", err)
		}
		if g := planJSON138(rt, got); g != want {
			rt.Fatalf("plan of the reordered alerts on %d workers differs:\n%s\nin order:\n%s", w, g, want)
		}
	}
	// Sorted by client, looked up concurrently (lookupRuns).
	sorted := slices.Clone(b.alerts)
	slices.SortStableFunc(sorted, func(x, y advisory.Alert) int { return strings.Compare(x.ClientID, y.ClientID) })
	co := b.opts
	co.ConcurrentLookup = true
	pc, err := canvas.NewPlanner(place, co)
	if err != nil {
		rt.Fatalf("planner: %v", err)
	}
	lookup := func(id string) (canvas.Client[ctx138], bool) {
		c, ok := b.clients[id]
		return c, ok
	}
	got, err := canvas.Parallel(pc, 3, 1).PlanParts(ctx, [][]advisory.Alert{sorted[:len(sorted)/2], nil, {}, sorted[len(sorted)/2:]}, lookup)
	if err != nil {
		rt.Fatalf("concurrent lookup plan: %v", err)
	}
	if g := planJSON138(rt, got); g != want {
		rt.Fatalf("plan with concurrent lookups differs:\n%s\nstraightforward:\n%s", g, want)
	}
}

// TestAdversary138_TeamsAlonePinned: when adviser capacity does not bind
// (MaxInt), clients share nothing, so the plan of a team of clients is the
// whole plan restricted to them. Input: hostile books split into two teams
// by client id (unknown ids included). Expected and observed: each team's
// plan equals the whole plan's follow-ups and deferrals of its clients, in
// the same order, with the same ids, on both paths.
func TestAdversary138_TeamsAlonePinned(t *testing.T) {
	guard138(t, 60*time.Second, func() {
		rapid.Check(t, func(rt *rapid.T) {
			b := genBook138(rt, 60)
			b.opts.AdviserCapacity = math.MaxInt
			place, _ := canvas.NewPlacement[ctx138](b.rules)
			p, err := canvas.NewPlanner(place, b.opts)
			if err != nil {
				rt.Fatalf("planner: %v", err)
			}
			team := func(id string) int { return len(id) % 2 }
			for _, w := range []int{1, 3} {
				pw := canvas.Parallel(p, w, 1)
				whole, err := pw.Plan(context.Background(), b.alerts, b.clients)
				if err != nil {
					rt.Fatal(err)
				}
				for tm := range 2 {
					var alerts []advisory.Alert
					for _, a := range b.alerts {
						if team(a.ClientID) == tm {
							alerts = append(alerts, a)
						}
					}
					alone, err := pw.Plan(context.Background(), alerts, b.clients)
					if err != nil {
						rt.Fatal(err)
					}
					var want canvas.Plan
					for _, f := range whole.FollowUps {
						if team(f.ClientID) == tm {
							want.FollowUps = append(want.FollowUps, f)
						}
					}
					for _, d := range whole.Deferred {
						if team(d.Item.Alert.ClientID) == tm {
							want.Deferred = append(want.Deferred, d)
						}
					}
					if len(alone.FollowUps) == 0 {
						alone.FollowUps = nil
					}
					wf, _ := json.Marshal(want.FollowUps)
					af, _ := json.Marshal(alone.FollowUps)
					wd, _ := json.Marshal(want.Deferred)
					ad, _ := json.Marshal(alone.Deferred)
					if string(wf) != string(af) || string(wd) != string(ad) {
						rt.Fatalf("team %d on %d workers: alone\n%s\n%s\nin the whole plan\n%s\n%s", tm, w, af, ad, wf, wd)
					}
				}
			}
		})
	})
}

// TestAdversary138_EmptyInputsPinned: nil and empty alerts, a nil and an
// empty client map, a nil lookup, nil and empty parts. Expected and
// observed: no error, an empty plan (totals zero), the same JSON for each.
func TestAdversary138_EmptyInputsPinned(t *testing.T) {
	p, err := canvas.NewPlanner[ctx138](nil, canvas.Options{Now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var plans []canvas.Plan
	guard138(t, 5*time.Second, func() {
		for _, w := range []int{1, 4} {
			pw := canvas.Parallel(p, w, 1)
			for _, alerts := range [][]advisory.Alert{nil, {}} {
				for _, clients := range []map[string]canvas.Client[ctx138]{nil, {}} {
					pl, err := pw.Plan(ctx, alerts, clients)
					if err != nil {
						t.Errorf("Plan: %v", err)
					}
					plans = append(plans, pl)
				}
				pl, err := pw.PlanLookup(ctx, alerts, nil)
				if err != nil {
					t.Errorf("PlanLookup: %v", err)
				}
				plans = append(plans, pl)
			}
			for _, parts := range [][][]advisory.Alert{nil, {}, {nil}, {{}, nil, {}}} {
				pl, err := pw.PlanParts(ctx, parts, nil)
				if err != nil {
					t.Errorf("PlanParts: %v", err)
				}
				plans = append(plans, pl)
			}
		}
	})
	for i, pl := range plans {
		if pl.Totals != (canvas.Totals{}) || len(pl.FollowUps) != 0 || len(pl.Deferred) != 0 {
			t.Errorf("empty input %d: plan %+v", i, pl)
		}
		if a, b := planJSON138(t, pl), planJSON138(t, plans[0]); a != b {
			t.Errorf("empty input %d writes %s, the first %s", i, a, b)
		}
	}
}

// TestAdversary138_BadOptionsNamedPinned: each bad option alone. Expected
// and observed: an error that is an *OptionError naming that option and
// wrapping ErrInvalidOption, and no planner.
func TestAdversary138_BadOptionsNamedPinned(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	pbNoQuadrant := canvas.DefaultPlaybook()
	delete(pbNoQuadrant.Quadrants, canvas.PlannedRoutine)
	pbNegative := canvas.DefaultPlaybook()
	pbNegative.Types = map[string]canvas.Play{"x": {Action: canvas.SelfService, Within: -1}}
	pbChannel := canvas.DefaultPlaybook()
	pbChannel.Types = map[string]canvas.Play{"x": {Action: canvas.SelfService, Channels: []canvas.Channel{canvas.Channel(77)}}}
	for _, c := range []struct {
		option string
		opts   canvas.Options
	}{
		{"Now", canvas.Options{}},
		{"Now", canvas.Options{Now: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}},
		{"Period", canvas.Options{Now: now, Period: -time.Nanosecond}},
		{"Horizon", canvas.Options{Now: now, Horizon: -1}},
		{"Horizon", canvas.Options{Now: now, Horizon: canvas.MaxHorizon + 1}},
		{"Horizon", canvas.Options{Now: now, Horizon: canvas.MaxHorizon, Period: math.MaxInt64 / 10}},
		{"AdviserCapacity", canvas.Options{Now: now, AdviserCapacity: -2}},
		{"AdviserCapacity", canvas.Options{Now: now, AdviserCapacity: math.MinInt}},
		{"PressureCap", canvas.Options{Now: now, PressureCap: -2}},
		{"Workers", canvas.Options{Now: now, Workers: -1}},
		{"BundleBoost", canvas.Options{Now: now, BundleBoost: math.NaN()}},
		{"BundleBoost", canvas.Options{Now: now, BundleBoost: math.Inf(1)}},
		{"BundleBoost", canvas.Options{Now: now, BundleBoost: 1.5}},
		{"BundleBoost", canvas.Options{Now: now, BundleBoost: -0.5}},
		{"Thresholds.Urgent", canvas.Options{Now: now, Thresholds: canvas.Thresholds{Urgent: math.NaN()}}},
		{"Thresholds.Sensitive", canvas.Options{Now: now, Thresholds: canvas.Thresholds{Sensitive: math.Inf(-1)}}},
		{"Thresholds.Sensitive", canvas.Options{Now: now, Thresholds: canvas.Thresholds{Sensitive: 1.0000001}}},
		{"Playbook", canvas.Options{Now: now, Playbook: &pbNoQuadrant}},
		{"Playbook", canvas.Options{Now: now, Playbook: &pbNegative}},
		{"Playbook", canvas.Options{Now: now, Playbook: &pbChannel}},
	} {
		guard138(t, 5*time.Second, func() {
			p, err := canvas.NewPlanner[ctx138](nil, c.opts)
			var oe *canvas.OptionError
			if err == nil || p != nil || !errors.As(err, &oe) || !errors.Is(err, canvas.ErrInvalidOption) || oe.Option != c.option {
				t.Errorf("options %+v: planner %v, error %v; want an *OptionError for %s", c.opts, p != nil, err, c.option)
			}
		})
	}
}

// TestAdversary138_FloodForOneClientPinned: 20,000 alerts (past the
// parallel threshold) of one client on a push channel that does not
// bundle, all equal but for their rule id, pressure cap 1, 1,000 periods
// of one nanosecond. Expected and observed: 1,000 follow-ups, one a period,
// 19,000 deferred as PressureCap at the horizon's end, the same plan on one
// goroutine and on four, and within a bounded time.
func TestAdversary138_FloodForOneClientPinned(t *testing.T) {
	now := time.Date(2026, 10, 25, 1, 59, 59, 999999999, zone138(t, "Europe/London"))
	pb := canvas.DefaultPlaybook()
	pb.Types = map[string]canvas.Play{"f": {Channels: []canvas.Channel{canvas.AppPush}, Action: canvas.SelfService}}
	p, err := canvas.NewPlanner[ctx138](nil, canvas.Options{Now: now, Period: 1, Horizon: canvas.MaxHorizon, PressureCap: 1, Playbook: &pb})
	if err != nil {
		t.Fatal(err)
	}
	alerts := make([]advisory.Alert, 20000)
	for i := range alerts {
		alerts[i] = advisory.Alert{ClientID: "solo", Type: "f", RuleID: fmt.Sprintf("r%05d", (i*7919)%20000), Urgency: 0.9, Sensitivity: 0.1}
	}
	clients := map[string]canvas.Client[ctx138]{"solo": {Consent: []canvas.Channel{canvas.AppPush}}}
	var one, four canvas.Plan
	guard138(t, 20*time.Second, func() {
		one, err = canvas.Parallel(p, 1, 1).Plan(context.Background(), alerts, clients)
		if err != nil {
			t.Error(err)
		}
		four, err = p.Plan(context.Background(), alerts, clients)
		if err != nil {
			t.Error(err)
		}
	})
	if len(one.FollowUps) != canvas.MaxHorizon || one.Totals.Deferred != 19000 {
		t.Fatalf("%d follow-ups, %d deferred", len(one.FollowUps), one.Totals.Deferred)
	}
	for k, f := range one.FollowUps {
		if !f.When.Equal(now.Add(time.Duration(k))) || f.Items[0].Alert.RuleID != fmt.Sprintf("r%05d", k) {
			t.Fatalf("follow-up %d at %v with %s", k, f.When, f.Items[0].Alert.RuleID)
		}
	}
	for _, d := range one.Deferred {
		if d.Reason != canvas.PressureCap || !d.NextSlot.Equal(now.Add(canvas.MaxHorizon)) {
			t.Fatalf("deferral %q at %v", d.Reason, d.NextSlot)
		}
	}
	if planJSON138(t, one) != planJSON138(t, four) {
		t.Fatalf("the flood plans differently on four workers")
	}
}

// TestAdversary138_LargeTiedBooksPinned: books of up to 2,500 alerts over
// 400 clients whose positions take three values (most contacts tie on
// their numbers, so the plan is sorted by key), with the hostile ids
// among them. Expected and observed: as for the hostile books.
func TestAdversary138_LargeTiedBooksPinned(t *testing.T) {
	ids := slices.Clone(ids138)
	for i := range 400 {
		ids = append(ids, fmt.Sprintf("c%03d", (i*37)%400))
	}
	guard138(t, 120*time.Second, func() {
		rapid.Check(t, func(rt *rapid.T) {
			pathsAgree138(rt, genBookIDs138(rt, 2500, ids, []float64{0.5, 0.9, 0.1}))
		})
	})
}

// TestAdversary138_RealThresholdsWithHolesPinned: 40,000 alerts (past the
// real parallel threshold) grouped by client in ascending id order, every
// third client unknown (holes the concurrent lookup closes), a third of
// the known ones with consent withdrawn, adviser capacity 5, pressure cap
// 1, positions of three values. Expected and observed: the default
// planner with ConcurrentLookup plans as one goroutine does, the plan
// holds every property, and each known client is looked up once.
func TestAdversary138_RealThresholdsWithHolesPinned(t *testing.T) {
	now := time.Date(2026, 3, 29, 0, 30, 0, 0, zone138(t, "Europe/Berlin"))
	clients := map[string]canvas.Client[ctx138]{}
	var alerts []advisory.Alert
	vals := []float64{0.1, 0.5, 0.9}
	for c := range 4000 {
		id := fmt.Sprintf("k%05d", c)
		switch {
		case c%3 == 0: // unknown
		case c%3 == 1 && c%2 == 0:
			clients[id] = canvas.Client[ctx138]{Consent: []canvas.Channel{}}
		default:
			clients[id] = canvas.Client[ctx138]{Consent: allChannels138, Policy: segment.Policy{TouchesPerYear: c % 5}}
		}
		for i := range 10 {
			alerts = append(alerts, advisory.Alert{ClientID: id, Type: "t", RuleID: fmt.Sprint(i % 4),
				Urgency: vals[(c+i)%3], Sensitivity: vals[(c*7+i)%3]})
		}
	}
	opts := canvas.Options{Now: now, Period: 24 * time.Hour, Horizon: 9, AdviserCapacity: 5, PressureCap: 1, ConcurrentLookup: true, Workers: 4}
	p, err := canvas.NewPlanner[ctx138](nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	calls := map[string]int{}
	lookup := func(id string) (canvas.Client[ctx138], bool) {
		mu.Lock()
		calls[id]++
		mu.Unlock()
		c, ok := clients[id]
		return c, ok
	}
	var fast, slow canvas.Plan
	guard138(t, 30*time.Second, func() {
		fast, err = p.PlanLookup(context.Background(), alerts, lookup)
		if err != nil {
			t.Error(err)
		}
		slow, err = canvas.Parallel(p, 1, 1).Plan(context.Background(), alerts, clients)
		if err != nil {
			t.Error(err)
		}
	})
	for id, n := range calls {
		if n != 1 {
			t.Fatalf("client %q looked up %d times", id, n)
		}
	}
	checkPlan138(t, book138{alerts: alerts, clients: clients, opts: canvas.Options{Now: now, Period: 24 * time.Hour, Horizon: 9,
		AdviserCapacity: 5, PressureCap: 1, Playbook: ptr138(canvas.DefaultPlaybook())}}, slow)
	if planJSON138(t, fast) != planJSON138(t, slow) {
		t.Fatalf("the fast plan differs from the straightforward one")
	}
}

func ptr138[T any](v T) *T { return &v }
