package canvas_test

import (
	"context"
	"errors"
	"fmt"
	"github.com/engagekit/engagekit/internal/testguard"
	"math"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/segment"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

// ctx132 is the client context the hostile granulation rules read.
type ctx132 struct {
	Age  int     `expr:"age"`
	Zero float64 `expr:"zero"`
	Tag  string  `expr:"tag"`
}

var now132 = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// guard132 runs fn on a goroutine of its own, failing the test when fn
// panics or does not return within d (10× under -race).
func guard132(t *testing.T, d time.Duration, fn func()) {
	t.Helper()
	if raceEnabled {
		d *= 10
	}
	testguard.Run(t, d, fn)
}

// rapidGuard132 is guard132 for a rapid check: a panic inside the check
// is reported by rapid itself (with its minimal input), only a hang is ours.
func rapidGuard132(t *testing.T, d time.Duration, fn func()) {
	t.Helper()
	if raceEnabled {
		d *= 10
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("did not finish within %v", d)
	}
}

var idPool132 = []string{"", "a", "a-1", "b", "c\xff", "\xc3", "zz", "日本", strings.Repeat("h", 5000), "unknown1", "unknown2", "a\x00"}

var hostileFloats132 = []float64{0, 1, 0.5, 0.49999999, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), -3, 7, math.SmallestNonzeroFloat64, math.MaxFloat64, 0.7, 0.2}

var rules132 = []canvas.TypeRule{
	{Type: "ruled", Base: canvas.Position{Urgency: 0.7, Sensitivity: 0.2}, Sensitivity: "client.age < 30 ? 0.4 : 0.6"},
	{Type: "ruled.inf", Urgency: "alert.Urgency > 0.5 ? 1.0 / 0.0 : 0.3"},
	{Type: "ruled.nan", Urgency: "client.zero / client.zero"},
	{Type: "ruled.fail", Urgency: "float(client.tag)"},
	{Type: "ruled.big", Sensitivity: "client.age * 1000.0"},
}

var types132 = []string{"t0", "t1", "guided", "ruled", "ruled.inf", "ruled.nan", "ruled.fail", "ruled.big", "bad\xfftype", ""}

type book132 struct {
	alerts  []advisory.Alert
	clients map[string]canvas.Client[ctx132]
	opts    canvas.Options
}

func genBook132(t *rapid.T, maxAlerts int) book132 {
	b := book132{clients: map[string]canvas.Client[ctx132]{}}
	allCh := []canvas.Channel{canvas.Email, canvas.AppPush, canvas.Letter, canvas.SMS, canvas.WhatsApp, canvas.PhoneBackOffice,
		canvas.PhoneAdviser, canvas.ReviewMeeting, canvas.PortalNudge, canvas.Mailing, canvas.Newsletter, canvas.AdviserMeeting, canvas.ChannelUnknown, canvas.Channel(200)}
	chNames := []string{"email", "app_push", "letter", "sms", "phone_adviser", "review_meeting", "portal_nudge", "newsletter", "bogus", ""}
	for _, id := range idPool132 {
		if strings.HasPrefix(id, "unknown") || rapid.IntRange(0, 4).Draw(t, "known") == 0 {
			continue
		}
		c := canvas.Client[ctx132]{ID: id,
			Context: ctx132{Age: rapid.IntRange(-5, 90).Draw(t, "age"), Tag: rapid.SampledFrom([]string{"1.5", "x", ""}).Draw(t, "tag")},
			Consent: rapid.SliceOfN(rapid.SampledFrom(allCh), 0, 8).Draw(t, "consent"),
			Policy: segment.Policy{TouchesPerYear: rapid.SampledFrom([]int{0, 0, -1, 1, 2, 3, math.MaxInt}).Draw(t, "budget"),
				Channels: rapid.SliceOfN(rapid.SampledFrom(chNames), 0, 4).Draw(t, "policyChannels")},
			TouchesUsed: rapid.SampledFrom([]int{0, 0, 1, -7, math.MaxInt, math.MaxInt - 1, math.MinInt}).Draw(t, "used"),
		}
		b.clients[id] = c
	}
	float := rapid.SampledFrom(hostileFloats132)
	n := rapid.IntRange(0, maxAlerts).Draw(t, "alerts")
	identical := rapid.Bool().Draw(t, "identical")
	for i := range n {
		a := advisory.Alert{ClientID: rapid.SampledFrom(idPool132).Draw(t, "client"),
			Type: rapid.SampledFrom(types132).Draw(t, "type"), RuleID: "r" + strconv.Itoa(rapid.IntRange(0, 2).Draw(t, "rule")),
			Title: rapid.SampledFrom([]string{"", "x"}).Draw(t, "title"), Urgency: float.Draw(t, "u"), Sensitivity: float.Draw(t, "s")}
		if identical {
			a.Type, a.RuleID, a.Title, a.Urgency, a.Sensitivity = "t0", "r", "", 0.9, 0.9
			if i%2 == 1 {
				a.Sensitivity = 0.1
			}
		}
		if rapid.IntRange(0, 7).Draw(t, "ev") == 0 {
			a.Evidence = []advisory.Evidence{{Name: "v", Value: float.Draw(t, "evv")}}
			a.Outputs = map[string]any{"o": float.Draw(t, "out")}
		}
		b.alerts = append(b.alerts, a)
	}
	pb := canvas.DefaultPlaybook()
	if rapid.Bool().Draw(t, "customPlaybook") {
		pb.Types = map[string]canvas.Play{
			"guided": {Channels: []canvas.Channel{canvas.Email, canvas.Letter}, Action: canvas.GuidedFlow, Within: 2 * 24 * time.Hour},
			"t1":     {Channels: nil, Action: canvas.BookAdviser},
		}
		for q, p := range pb.Quadrants {
			p.Within = time.Duration(rapid.SampledFrom([]int64{0, 1, int64(time.Hour), int64(30 * 24 * time.Hour)}).Draw(t, "within"))
			if rapid.IntRange(0, 3).Draw(t, "emptyChannels") == 0 {
				p.Channels = nil
			}
			pb.Quadrants[q] = p
		}
	}
	b.opts = canvas.Options{Now: now132, Playbook: &pb,
		Period:          time.Duration(rapid.SampledFrom([]int64{1, int64(time.Hour), int64(7 * 24 * time.Hour)}).Draw(t, "period")),
		Horizon:         rapid.SampledFrom([]int{1, 2, 3, 9, 40}).Draw(t, "horizon"),
		PressureCap:     rapid.SampledFrom([]int{canvas.None, 0, 1, math.MaxInt}).Draw(t, "cap"),
		AdviserCapacity: rapid.SampledFrom([]int{canvas.None, 0, 1, 2, math.MaxInt}).Draw(t, "capacity"),
		BundleBoost:     rapid.SampledFrom([]float64{0, canvas.None, 0.2, 1}).Draw(t, "boost"),
		Thresholds: canvas.Thresholds{Urgent: rapid.SampledFrom([]float64{0, canvas.None, 1, 0.3}).Draw(t, "tu"),
			Sensitive: rapid.SampledFrom([]float64{0, canvas.None, 1, 0.3}).Draw(t, "ts")},
	}
	return b
}

func placement132(t testing.TB) *canvas.Placement[ctx132] {
	p, err := canvas.NewPlacement[ctx132](rules132)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// countingLookup132 is a concurrency-safe lookup that counts its calls.
type countingLookup132 struct {
	mu      sync.Mutex
	clients map[string]canvas.Client[ctx132]
	calls   map[string]int
}

func (l *countingLookup132) lookup(id string) (canvas.Client[ctx132], bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.calls == nil {
		l.calls = map[string]int{}
	}
	l.calls[id]++
	c, ok := l.clients[id]
	return c, ok
}

// check132 checks what Plan promises of every plan.
func check132(t interface {
	Helper()
	Fatalf(string, ...any)
}, plan canvas.Plan, parts [][]advisory.Alert, clients map[string]canvas.Client[ctx132], opts canvas.Options) {
	t.Helper()
	o := opts
	if o.Period == 0 {
		o.Period = 7 * 24 * time.Hour
	}
	if o.Horizon == 0 {
		o.Horizon = 4
	}
	capacity := o.AdviserCapacity
	switch capacity {
	case 0:
		capacity = 100
	case canvas.None:
		capacity = 0
	}
	pressure := o.PressureCap
	switch pressure {
	case 0:
		pressure = 2
	case canvas.None:
		pressure = 0
	}
	n := 0
	seen := map[*advisory.Alert]int{}
	for _, part := range parts {
		for i := range part {
			seen[&part[i]] = 0
			n++
		}
	}
	tot := plan.Totals
	if tot.Alerts != n || tot.Planned+tot.Deferred != n || len(plan.Deferred) != tot.Deferred {
		t.Fatalf("totals %+v, %d deferrals, for %d alerts", tot, len(plan.Deferred), n)
	}
	mark := func(a *advisory.Alert, where string) {
		c, ok := seen[a]
		if !ok {
			t.Fatalf("%s: an item points at no alert given (%p)", where, a)
		}
		if c != 0 {
			t.Fatalf("%s: alert %p (%q) accounted for twice", where, a, a.ClientID)
		}
		seen[a] = 1
	}
	planned, late, lateAlerts := 0, 0, 0
	ids := map[string]bool{}
	touches := map[string]int{}
	adviserPer := map[time.Time]int{}
	pushPer := map[string]int{}
	end := o.Now.Add(time.Duration(o.Horizon) * o.Period)
	for fi, f := range plan.FollowUps {
		if len(f.Items) == 0 {
			t.Fatalf("follow-up %d has no items", fi)
		}
		for _, it := range f.Items {
			mark(it.Alert, "follow-up")
			if it.Alert.ClientID != f.ClientID {
				t.Fatalf("follow-up %s of client %q carries an alert of %q", f.ID, f.ClientID, it.Alert.ClientID)
			}
			if math.IsNaN(it.Position.Urgency) || it.Position.Urgency < 0 || it.Position.Urgency > 1 ||
				math.IsNaN(it.Position.Sensitivity) || it.Position.Sensitivity < 0 || it.Position.Sensitivity > 1 {
				t.Fatalf("item position %+v off the canvas", it.Position)
			}
		}
		planned += len(f.Items)
		if ids[f.ID] {
			t.Fatalf("follow-up id %q twice", f.ID)
		}
		ids[f.ID] = true
		touches[f.ClientID]++
		if want := f.ClientID + "-" + strconv.Itoa(touches[f.ClientID]); f.ID != want {
			t.Fatalf("follow-up %d has id %q, want %q", fi, f.ID, want)
		}
		c, ok := clients[f.ClientID]
		if !ok {
			t.Fatalf("follow-up for unknown client %q", f.ClientID)
		}
		if !slices.Contains(c.Consent, f.Channel) {
			t.Fatalf("follow-up %s on %v, which client %q did not consent to (%v)", f.ID, f.Channel, f.ClientID, c.Consent)
		}
		if f.When.Before(o.Now) || !f.When.Before(end) || f.When.Sub(o.Now)%o.Period != 0 {
			t.Fatalf("follow-up %s at %v outside the horizon [%v, %v) or off a period start", f.ID, f.When, o.Now, end)
		}
		if f.When.After(f.Due) != (f.Late > 0) || (f.Late > 0 && (f.Late != f.When.Sub(f.Due) || f.LateReason == "")) || (f.Late == 0 && f.LateReason != "") {
			t.Fatalf("follow-up %s: when %v due %v late %v %q", f.ID, f.When, f.Due, f.Late, f.LateReason)
		}
		if f.Late > 0 {
			late++
			lateAlerts += len(f.Items)
		}
		if f.Channel.Adviser() {
			adviserPer[f.When]++
			if adviserPer[f.When] > capacity {
				t.Fatalf("%d adviser contacts at %v, capacity %d", adviserPer[f.When], f.When, capacity)
			}
		}
		if f.Channel.Push() {
			k := f.ClientID + "@" + f.When.String()
			pushPer[k]++
			if pushPer[k] > pressure {
				t.Fatalf("client %q gets %d pushes at %v, cap %d", f.ClientID, pushPer[k], f.When, pressure)
			}
		}
		if b := c.Policy.TouchesPerYear; b != 0 {
			used := max(0, c.TouchesUsed)
			if b < 0 || used >= b || touches[f.ClientID] > b-used {
				t.Fatalf("client %q: %d touches planned, budget %d, used %d", f.ClientID, touches[f.ClientID], b, c.TouchesUsed)
			}
		}
	}
	if planned != tot.Planned || late != tot.Late || lateAlerts != tot.LateAlerts {
		t.Fatalf("totals %+v; counted planned %d late %d late alerts %d", tot, planned, late, lateAlerts)
	}
	for _, d := range plan.Deferred {
		mark(d.Item.Alert, "deferral "+string(d.Reason))
		if d.Reason == "" {
			t.Fatalf("deferral without a reason")
		}
		if _, ok := clients[d.Item.Alert.ClientID]; !ok && d.Reason != canvas.UnknownClient {
			t.Fatalf("alert of unknown client %q deferred as %s", d.Item.Alert.ClientID, d.Reason)
		}
		if !d.NextSlot.IsZero() && !d.NextSlot.Equal(end) {
			t.Fatalf("deferral %s next slot %v, horizon ends %v", d.Reason, d.NextSlot, end)
		}
	}
}

var planCmp132 = []cmp.Option{cmpopts.EquateNaNs()}

// diff132 is cmp.Diff under planCmp132, asked only of plans that are not
// identical: cmp is slow over books of thousands of follow-ups, most of
// all under the race detector.
func diff132(want, got canvas.Plan) string {
	if reflect.DeepEqual(want, got) {
		return ""
	}
	return cmp.Diff(want, got, planCmp132...)
}

// planAll132 makes the plan every way: sequentially, and on 2 to 5
// workers through Plan, PlanLookup and PlanParts, with and without
// ConcurrentLookup, of the alerts as given and grouped by client in id
// order; every plan is checked and held to the sequential plan of the
// alerts as given.
func planAll132(t *rapid.T, b book132, placement *canvas.Placement[ctx132]) {
	opts := b.opts
	p, err := canvas.NewPlanner(placement, opts)
	if err != nil {
		t.Fatalf("NewPlanner: %v", err)
	}
	optsC := opts
	optsC.ConcurrentLookup = true
	pc, err := canvas.NewPlanner(placement, optsC)
	if err != nil {
		t.Fatal(err)
	}
	want, err := canvas.Parallel(p, 1, 0).Plan(context.Background(), b.alerts, b.clients)
	if err != nil {
		t.Fatalf("sequential plan: %v", err)
	}
	check132(t, want, [][]advisory.Alert{b.alerts}, b.clients, opts)
	grouped := slices.Clone(b.alerts)
	slices.SortStableFunc(grouped, func(x, y advisory.Alert) int { return strings.Compare(x.ClientID, y.ClientID) })
	reversed := slices.Clone(b.alerts)
	slices.Reverse(reversed)
	workers := rapid.IntRange(2, 5).Draw(t, "workers")
	for _, in := range []struct {
		name   string
		alerts []advisory.Alert
	}{{"given", b.alerts}, {"grouped", grouped}, {"reversed", reversed}} {
		// split into parts at drawn places, with empty and nil parts
		var parts [][]advisory.Alert
		rest := in.alerts
		for len(rest) > 0 {
			k := rapid.IntRange(0, len(rest)).Draw(t, "cut")
			if k == 0 && rapid.Bool().Draw(t, "nilPart") {
				parts = append(parts, nil)
			} else {
				parts = append(parts, rest[:k:k])
			}
			rest = rest[k:]
		}
		parts = append(parts, nil, []advisory.Alert{})
		for _, pl := range []*canvas.Planner[ctx132]{p, pc} {
			for _, w := range []int{1, workers} {
				q := canvas.Parallel(pl, w, 1)
				what := fmt.Sprintf("%s alerts, %d workers", in.name, w)
				got, err := q.Plan(context.Background(), in.alerts, b.clients)
				if err != nil {
					t.Fatalf("%s: Plan: %v", what, err)
				}
				check132(t, got, [][]advisory.Alert{in.alerts}, b.clients, opts)
				if d := diff132(want, got); d != "" {
					t.Fatalf("%s: Plan differs from the sequential plan of the alerts as given:\n%s", what, d)
				}
				l := &countingLookup132{clients: b.clients}
				got, err = q.PlanLookup(context.Background(), in.alerts, l.lookup)
				if err != nil {
					t.Fatalf("%s: PlanLookup: %v", what, err)
				}
				check132(t, got, [][]advisory.Alert{in.alerts}, b.clients, opts)
				if d := diff132(want, got); d != "" {
					t.Fatalf("%s: PlanLookup differs from the sequential plan:\n%s", what, d)
				}
				checkCalls132(t, what, l, in.alerts)
				l = &countingLookup132{clients: b.clients}
				got, err = q.PlanParts(context.Background(), parts, l.lookup)
				if err != nil {
					t.Fatalf("%s: PlanParts: %v", what, err)
				}
				check132(t, got, parts, b.clients, opts)
				if d := diff132(want, got); d != "" {
					t.Fatalf("%s: PlanParts (%d parts) differs from the sequential plan:\n%s", what, len(parts), d)
				}
				checkCalls132(t, what+" parts", l, in.alerts)
			}
		}
	}
}

// checkCalls132: the lookup is asked once for each distinct UTF-8 id.
func checkCalls132(t *rapid.T, what string, l *countingLookup132, alerts []advisory.Alert) {
	want := map[string]bool{}
	for _, a := range alerts {
		if utf8Valid132(a.ClientID) {
			want[a.ClientID] = true
		}
	}
	for id, n := range l.calls {
		if n != 1 || !want[id] {
			t.Fatalf("%s: lookup asked %d times for %q (among the alerts: %v)", what, n, id, want[id])
		}
	}
	if len(l.calls) != len(want) {
		t.Fatalf("%s: lookup asked for %d ids, the alerts have %d valid ones", what, len(l.calls), len(want))
	}
}

func utf8Valid132(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

// The plan is the same whatever the path (Plan, PlanLookup, PlanParts in
// any parts), the number of workers, ConcurrentLookup, and the order of
// the alerts, for hostile books; and every plan keeps the promises.
func TestAdversary132_HostileBooksAgreeEverywhere(t *testing.T) {
	placement := placement132(t)
	rapidGuard132(t, 240*time.Second, func() {
		rapid.Check(t, func(t *rapid.T) {
			planAll132(t, genBook132(t, 50), placement)
		})
	})
}

// As above, with books large enough (64 contacts and more) for the sort
// of mostly tied contacts (radix keys) to run.
func TestAdversary132_LargerHostileBooksAgree(t *testing.T) {
	placement := placement132(t)
	rapidGuard132(t, 240*time.Second, func() {
		rapid.Check(t, func(t *rapid.T) {
			planAll132(t, genBook132(t, 400), placement)
		})
	})
}

// firstDiff132 says where two plans first differ, cheaply for large plans
// (their alerts carry no evidence, outputs or tags: the rest is compared).
func firstDiff132(want, got canvas.Plan) string {
	if want.Totals != got.Totals {
		return fmt.Sprintf("totals %+v vs %+v", want.Totals, got.Totals)
	}
	if len(want.FollowUps) != len(got.FollowUps) || len(want.Deferred) != len(got.Deferred) {
		return fmt.Sprintf("%d/%d follow-ups, %d/%d deferrals", len(want.FollowUps), len(got.FollowUps), len(want.Deferred), len(got.Deferred))
	}
	sameItem := func(a, b canvas.Item) bool {
		x, y := *a.Alert, *b.Alert
		return a.Position == b.Position && a.Quadrant == b.Quadrant && x.ClientID == y.ClientID && x.Type == y.Type &&
			x.RuleID == y.RuleID && x.Path == y.Path && x.Title == y.Title && x.Message == y.Message &&
			math.Float64bits(x.Urgency) == math.Float64bits(y.Urgency) && math.Float64bits(x.Sensitivity) == math.Float64bits(y.Sensitivity)
	}
	for i := range want.FollowUps {
		w, g := want.FollowUps[i], got.FollowUps[i]
		same := len(w.Items) == len(g.Items)
		for j := 0; same && j < len(w.Items); j++ {
			same = sameItem(w.Items[j], g.Items[j])
		}
		same = same && w.ID == g.ID && w.ClientID == g.ClientID && w.Channel == g.Channel && w.Action == g.Action &&
			w.Quadrant == g.Quadrant && w.Urgency == g.Urgency && w.Sensitivity == g.Sensitivity && w.When.Equal(g.When) &&
			w.Due.Equal(g.Due) && w.Late == g.Late && w.LateReason == g.LateReason
		if !same {
			return fmt.Sprintf("follow-up %d:\n%s", i, cmp.Diff(w, g, planCmp132...))
		}
	}
	for i := range want.Deferred {
		w, g := want.Deferred[i], got.Deferred[i]
		if !sameItem(w.Item, g.Item) || w.Reason != g.Reason || !w.NextSlot.Equal(g.NextSlot) || w.Detail != g.Detail {
			return fmt.Sprintf("deferral %d:\n%s", i, cmp.Diff(w, g, planCmp132...))
		}
	}
	return ""
}

// Above parallelPlanMin, at the package's own thresholds (no test
// override), the plan on several workers is the sequential one, for
// books of many ties: one alert per client, all alike; a few clients
// with thousands of contacts each on a channel that does not bundle;
// distinct positions past the parallel sort's threshold; each as given,
// shuffled and through PlanParts with concurrent lookup.
func TestAdversary132_LargeBooksAtDefaultThresholds(t *testing.T) {
	if testing.Short() {
		t.Skip("large")
	}
	type scenario struct {
		name    string
		alerts  []advisory.Alert
		clients map[string]canvas.Client[ctx132]
		opts    canvas.Options
	}
	pb := canvas.DefaultPlaybook()
	push := pb.Quadrants[canvas.UrgentRoutine]
	push.Channels = []canvas.Channel{canvas.AppPush}
	pb.Quadrants[canvas.UrgentRoutine] = push
	mk := func(n, nClients int, pos func(i int) (float64, float64), consent []canvas.Channel, budget int) ([]advisory.Alert, map[string]canvas.Client[ctx132]) {
		clients := map[string]canvas.Client[ctx132]{}
		for c := range nClients {
			id := fmt.Sprintf("c%06d", c)
			if c%97 == 13 {
				continue // unknown
			}
			clients[id] = canvas.Client[ctx132]{ID: id, Consent: consent, Policy: segment.Policy{TouchesPerYear: budget}}
		}
		alerts := make([]advisory.Alert, n)
		for i := range alerts {
			u, s := pos(i)
			alerts[i] = advisory.Alert{ClientID: fmt.Sprintf("c%06d", i*nClients/n), Type: "t", RuleID: "r", Urgency: u, Sensitivity: s}
		}
		return alerts, clients
	}
	var sc []scenario
	{
		a, c := mk(40000, 40000, func(int) (float64, float64) { return 0.9, 0.1 }, []canvas.Channel{canvas.AppPush, canvas.Email}, 0)
		sc = append(sc, scenario{"one alike alert per client", a, c, canvas.Options{Now: now132, Playbook: &pb, PressureCap: 1, Horizon: 3}})
	}
	{
		a, c := mk(40000, 3, func(i int) (float64, float64) { return 0.9, 0.1 }, []canvas.Channel{canvas.AppPush}, 0)
		sc = append(sc, scenario{"three clients of thousands of unbundled alike contacts", a, c, canvas.Options{Now: now132, Playbook: &pb, PressureCap: math.MaxInt, Horizon: 2}})
	}
	{
		a, c := mk(70000, 35000, func(i int) (float64, float64) { return float64(i*7919%70000) / 70000, float64(i*104729%70001) / 70001 },
			[]canvas.Channel{canvas.AppPush, canvas.PhoneAdviser, canvas.ReviewMeeting, canvas.PortalNudge}, 2)
		sc = append(sc, scenario{"distinct positions past the parallel sort", a, c, canvas.Options{Now: now132, Playbook: &pb, AdviserCapacity: 5000, Horizon: 3}})
	}
	guard132(t, 120*time.Second, func() {
		for _, s := range sc {
			seq, err := canvas.NewPlanner[ctx132](nil, func() canvas.Options { o := s.opts; o.Workers = 1; return o }())
			if err != nil {
				t.Fatal(err)
			}
			want := mustPlan(seq.Plan(context.Background(), s.alerts, s.clients))
			check132(t, want, [][]advisory.Alert{s.alerts}, s.clients, s.opts)
			if want.Totals.Planned == 0 {
				t.Fatalf("%s: nothing planned: %+v", s.name, want.Totals)
			}
			shuffled := slices.Clone(s.alerts)
			for i := range shuffled { // a fixed permutation
				j := (i*48271 + 11) % len(shuffled)
				shuffled[i], shuffled[j] = shuffled[j], shuffled[i]
			}
			for _, workers := range []int{0, 2, 3, 8} {
				o := s.opts
				o.Workers, o.ConcurrentLookup = workers, true
				par, err := canvas.NewPlanner[ctx132](nil, o)
				if err != nil {
					t.Fatal(err)
				}
				got := mustPlan(par.Plan(context.Background(), s.alerts, s.clients))
				if d := firstDiff132(want, got); d != "" {
					t.Fatalf("%s, %d workers: Plan differs: %s", s.name, workers, d)
				}
				got = mustPlan(par.Plan(context.Background(), shuffled, s.clients))
				check132(t, got, [][]advisory.Alert{shuffled}, s.clients, s.opts)
				if d := firstDiff132(want, got); d != "" {
					t.Fatalf("%s, %d workers, shuffled: Plan differs: %s", s.name, workers, d)
				}
				l := &countingLookup132{clients: s.clients}
				parts := [][]advisory.Alert{s.alerts[:1000], nil, s.alerts[1000:20000], {}, s.alerts[20000:]}
				got = mustPlan(par.PlanParts(context.Background(), parts, l.lookup))
				check132(t, got, parts, s.clients, s.opts)
				if d := firstDiff132(want, got); d != "" {
					t.Fatalf("%s, %d workers, parts: PlanParts differs: %s", s.name, workers, d)
				}
				for id, n := range l.calls {
					if n != 1 {
						t.Fatalf("%s: lookup asked %d times for %q", s.name, n, id)
					}
				}
			}
		}
	})
}

// bigBook132 is n alerts of n/2 clients, grouped in ascending id order,
// every client consenting to email and push.
func bigBook132(n int) ([]advisory.Alert, map[string]canvas.Client[ctx132]) {
	clients := map[string]canvas.Client[ctx132]{}
	alerts := make([]advisory.Alert, n)
	for i := range alerts {
		id := fmt.Sprintf("c%06d", i/2)
		clients[id] = canvas.Client[ctx132]{ID: id, Context: ctx132{Age: i % 90}, Consent: []canvas.Channel{canvas.Email, canvas.AppPush, canvas.PortalNudge}}
		alerts[i] = advisory.Alert{ClientID: id, Type: "hosted", RuleID: fmt.Sprint("r", i%5), Urgency: float64(i%10) / 10, Sensitivity: float64(i%7) / 7}
	}
	return alerts, clients
}

// A plan whose context a host function (in a placement rule) or the
// lookup ends part-way returns ctx's error and the zero Plan, on one
// goroutine or several, with and without concurrent lookup, and promptly.
func TestAdversary132_CancelledByHostCode(t *testing.T) {
	alerts, clients := bigBook132(40000)
	for _, where := range []string{"placement", "lookup"} {
		for _, at := range []int64{1, 5000, 19999, 39999} {
			if where == "lookup" && at >= 20000 {
				at = 19999
			}
			for _, concurrent := range []bool{false, true} {
				for _, workers := range []int{1, 2, 4} {
					name := fmt.Sprintf("%s at call %d, concurrent %v, %d workers", where, at, concurrent, workers)
					guard132(t, 20*time.Second, func() {
						c, cancel := context.WithCancel(context.Background())
						defer cancel()
						var calls atomic.Int64
						tick := func(age int) float64 {
							if where == "placement" && calls.Add(1) == at {
								cancel()
							}
							return 0.5
						}
						placement, err := canvas.NewPlacement[ctx132]([]canvas.TypeRule{{Type: "hosted", Urgency: "tick(client.age)"}},
							dsl.WithFunc1("tick", tick))
						if err != nil {
							t.Fatal(err)
						}
						p, err := canvas.NewPlanner(placement, canvas.Options{Now: now132, Workers: workers, ConcurrentLookup: concurrent})
						if err != nil {
							t.Fatal(err)
						}
						var lcalls atomic.Int64
						lookup := func(id string) (canvas.Client[ctx132], bool) {
							if where == "lookup" && lcalls.Add(1) == at {
								cancel()
							}
							cl, ok := clients[id]
							return cl, ok
						}
						start := time.Now()
						plan, err := p.PlanLookup(c, alerts, lookup)
						el := time.Since(start)
						if !errors.Is(err, context.Canceled) {
							t.Fatalf("%s: err %v (totals %+v), want context.Canceled", name, err, plan.Totals)
						}
						if d := cmp.Diff(canvas.Plan{}, plan); d != "" {
							t.Fatalf("%s: a plan came back with the error:\n%s", name, d)
						}
						if limit := 3 * time.Second; el > limit && !raceEnabled {
							t.Fatalf("%s: took %v to stop", name, el)
						}
					})
				}
			}
		}
	}
}

// A plan cancelled at any moment is either the whole plan (cancelled
// after its last look at ctx) or ctx's error with the zero Plan.
func TestAdversary132_CancelledAtAnyMoment(t *testing.T) {
	alerts, clients := bigBook132(60000)
	placement, err := canvas.NewPlacement[ctx132]([]canvas.TypeRule{{Type: "hosted", Sensitivity: "client.age < 30 ? 0.4 : 0.6"}})
	if err != nil {
		t.Fatal(err)
	}
	guard132(t, 60*time.Second, func() {
		seq, _ := canvas.NewPlanner(placement, canvas.Options{Now: now132, Workers: 1})
		want := mustPlan(seq.Plan(context.Background(), alerts, clients))
		for _, workers := range []int{1, 2, 3} {
			p, _ := canvas.NewPlanner(placement, canvas.Options{Now: now132, Workers: workers, ConcurrentLookup: true})
			whole, cancelled := 0, 0
			for delay := time.Duration(0); delay < 150*time.Millisecond; delay += 3 * time.Millisecond {
				c, cancel := context.WithTimeout(context.Background(), delay)
				var plan canvas.Plan
				var err error
				if delay%2 == 0 {
					plan, err = p.Plan(c, alerts, clients)
				} else {
					plan, err = p.PlanParts(c, [][]advisory.Alert{alerts[:777], alerts[777:]}, func(id string) (canvas.Client[ctx132], bool) {
						cl, ok := clients[id]
						return cl, ok
					})
				}
				cancel()
				switch {
				case err == nil:
					whole++
					if d := firstDiff132(want, plan); d != "" {
						t.Fatalf("%d workers, cancelled after %v: a plan came back that differs: %s", workers, delay, d)
					}
				case errors.Is(err, context.DeadlineExceeded):
					cancelled++
					if d := cmp.Diff(canvas.Plan{}, plan); d != "" {
						t.Fatalf("%d workers, cancelled after %v: a plan came back with the error", workers, delay)
					}
				default:
					t.Fatalf("%d workers, cancelled after %v: error %v", workers, delay, err)
				}
			}
			t.Logf("%d workers: %d whole plans, %d cancelled", workers, whole, cancelled)
		}
	})
}

// goid132 is the calling goroutine's id.
func goid132() string {
	var buf [64]byte
	s := string(buf[:runtime.Stack(buf[:], false)])
	return strings.Fields(s)[1]
}

// Without ConcurrentLookup the lookup is called on the calling goroutine
// only, once an id, in the order the ids first appear (so a lookup that
// is not safe for concurrent use, and one whose answers depend on the
// order it is asked in, plans alike on one goroutine and several).
func TestAdversary132_LookupNotConcurrentStaysOnCaller(t *testing.T) {
	alerts, clients := bigBook132(30000)
	// not grouped: the later half of the alerts goes first
	mixed := append(slices.Clone(alerts[15001:]), alerts[:15001]...)
	guard132(t, 60*time.Second, func() {
		for _, in := range [][]advisory.Alert{alerts, mixed} {
			var want canvas.Plan
			var wantOrder []string
			for _, workers := range []int{1, 2, 4} {
				p, _ := canvas.NewPlanner[ctx132](nil, canvas.Options{Now: now132, Workers: workers})
				caller := goid132()
				var order []string // not synchronised: the race detector says if it is shared
				lookup := func(id string) (canvas.Client[ctx132], bool) {
					if g := goid132(); g != caller {
						panic(fmt.Sprintf("lookup called on goroutine %s, the plan's caller is %s", g, caller))
					}
					order = append(order, id)
					c, ok := clients[id]
					// the answer depends on how many were asked before
					if len(order)%3 == 0 {
						c.Consent = []canvas.Channel{canvas.Letter}
					}
					return c, ok
				}
				got := mustPlan(p.PlanLookup(context.Background(), in, lookup))
				if workers == 1 {
					want, wantOrder = got, order
					continue
				}
				if !slices.Equal(order, wantOrder) {
					t.Fatalf("%d workers: the lookup was asked in another order than on one goroutine", workers)
				}
				if d := firstDiff132(want, got); d != "" {
					t.Fatalf("%d workers: %s", workers, d)
				}
			}
		}
	})
}

// A lookup or a host function that panics: the panic reaches the plan's
// caller with the same value on one goroutine and on several, and no
// goroutine of the plan is left running. A host function's panic inside
// a placement rule is the rule's error instead: the alert is deferred as
// PlacementFailed, alike on one goroutine and several.
func TestAdversary132_HostPanics(t *testing.T) {
	alerts, clients := bigBook132(30000)
	boom := func(age int) float64 {
		if age == 77 {
			panic("boom at 77")
		}
		return 0.6
	}
	placement, err := canvas.NewPlacement[ctx132]([]canvas.TypeRule{{Type: "hosted", Urgency: "boom(client.age)"}}, dsl.WithFunc1("boom", boom))
	if err != nil {
		t.Fatal(err)
	}
	guard132(t, 60*time.Second, func() {
		var want canvas.Plan
		for _, workers := range []int{1, 2, 3} {
			p, _ := canvas.NewPlanner(placement, canvas.Options{Now: now132, Workers: workers, ConcurrentLookup: true})
			got := mustPlan(p.Plan(context.Background(), alerts, clients))
			if workers == 1 {
				want = got
				failed := 0
				for _, d := range got.Deferred {
					if d.Reason == canvas.PlacementFailed {
						failed++
					}
				}
				if failed == 0 {
					t.Fatalf("no alert deferred for the panicking host function")
				}
				continue
			}
			if d := firstDiff132(want, got); d != "" {
				t.Fatalf("%d workers: %s", workers, d)
			}
		}
		before := runtime.NumGoroutine()
		for _, concurrent := range []bool{false, true} {
			for _, workers := range []int{1, 2, 3} {
				p, _ := canvas.NewPlanner[ctx132](nil, canvas.Options{Now: now132, Workers: workers, ConcurrentLookup: concurrent})
				var got any
				func() {
					defer func() { got = recover() }()
					_, _ = p.PlanLookup(context.Background(), alerts, func(id string) (canvas.Client[ctx132], bool) {
						if id == "c012345" {
							panic("lookup boom")
						}
						c, ok := clients[id]
						return c, ok
					})
				}()
				if fmt.Sprint(got) != "lookup boom" {
					t.Fatalf("concurrent %v, %d workers: recovered %v, want the lookup's panic", concurrent, workers, got)
				}
			}
		}
		deadline := time.Now().Add(2 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if n := runtime.NumGoroutine(); n > before {
			t.Fatalf("%d goroutines left running after the panicking plans (%d before)", n, before)
		}
	})
}

// Parts that alias one another (one slice given twice, overlapping
// windows of one slice): each element of each part is an alert of the
// plan, so the plan has as many items as the parts have elements; it is
// the same on one goroutine and several, and the same as PlanLookup of
// the parts copied out.
func TestAdversary132_AliasedParts(t *testing.T) {
	alerts, clients := bigBook132(200)
	for i := range alerts {
		alerts[i].ClientID = fmt.Sprintf("c%06d", i%13) // not grouped
	}
	lookup := func(id string) (canvas.Client[ctx132], bool) {
		c, ok := clients[id]
		return c, ok
	}
	guard132(t, 30*time.Second, func() {
		for _, parts := range [][][]advisory.Alert{
			{alerts, alerts},
			{alerts[0:120], alerts[60:200], alerts[100:101]},
			{alerts[5:6], alerts[5:6], alerts[5:6]},
		} {
			joined := slices.Concat(parts...)
			p, _ := canvas.NewPlanner[ctx132](nil, canvas.Options{Now: now132, PressureCap: math.MaxInt, AdviserCapacity: math.MaxInt})
			want := mustPlan(canvas.Parallel(p, 1, 0).PlanLookup(context.Background(), joined, lookup))
			for _, w := range []int{1, 2, 5} {
				got, err := canvas.Parallel(p, w, 1).PlanParts(context.Background(), parts, lookup)
				if err != nil {
					t.Fatal(err)
				}
				if got.Totals.Alerts != len(joined) || got.Totals.Planned+got.Totals.Deferred != len(joined) {
					t.Fatalf("%d workers: totals %+v for %d alerts in the parts", w, got.Totals, len(joined))
				}
				if d := diff132(want, got); d != "" {
					t.Fatalf("%d workers: PlanParts of aliased parts differs from PlanLookup of them copied:\n%s", w, d)
				}
			}
		}
	})
}

// The edges of time: a plan at the last nanosecond JSON can write (year
// 9999) with one period of 1ns and plays due at once; a plan at the
// first nanosecond after the zero time; a period of about 292 years. All
// plan without panicking, alike on one goroutine and several.
func TestAdversary132_EdgesOfTime(t *testing.T) {
	pb := canvas.DefaultPlaybook()
	for q, p := range pb.Quadrants {
		p.Within = 0
		pb.Quadrants[q] = p
	}
	alerts, clients := bigBook132(100)
	cases := []canvas.Options{
		{Now: time.Date(9999, 12, 31, 23, 59, 59, 999999998, time.UTC), Period: 1, Horizon: 1, Playbook: &pb},
		{Now: time.Date(9999, 12, 31, 23, 59, 59, 0, time.FixedZone("x", -14*3600)), Period: time.Nanosecond, Horizon: 1000, Playbook: &pb},
		{Now: time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC), Period: 1, Horizon: 3, PressureCap: 1},
		{Now: now132, Period: time.Duration(math.MaxInt64), Horizon: 1, PressureCap: 1},
		{Now: now132, Period: time.Duration(math.MaxInt64 / 2), Horizon: 2, PressureCap: 1},
	}
	guard132(t, 30*time.Second, func() {
		for i, o := range cases {
			p, err := canvas.NewPlanner[ctx132](nil, o)
			if err != nil {
				t.Logf("case %d: rejected: %v", i, err)
				continue
			}
			want := mustPlan(canvas.Parallel(p, 1, 0).Plan(context.Background(), alerts, clients))
			check132(t, want, [][]advisory.Alert{alerts}, clients, o)
			got := mustPlan(canvas.Parallel(p, 3, 1).Plan(context.Background(), alerts, clients))
			if d := diff132(want, got); d != "" {
				t.Fatalf("case %d: %s", i, d)
			}
			if _, err := canvas.Parallel(p, 1, 0).Plan(context.Background(), alerts, clients); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// A slow placement rule (hundreds of thousands of steps an alert) under a
// short deadline: the plan stops promptly with ctx's error, on one
// goroutine and several.
func TestAdversary132_SlowRuleStopsPromptly(t *testing.T) {
	alerts, clients := bigBook132(20000)
	placement, err := canvas.NewPlacement[ctx132]([]canvas.TypeRule{{Type: "hosted",
		Urgency: "sum(map(1..400000, # * 1.0)) > 0 ? 0.6 : 0.4"}})
	if err != nil {
		t.Fatal(err)
	}
	guard132(t, 30*time.Second, func() {
		for _, workers := range []int{1, 2, 4} {
			p, _ := canvas.NewPlanner(placement, canvas.Options{Now: now132, Workers: workers, ConcurrentLookup: workers == 4})
			c, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			start := time.Now()
			plan, err := p.Plan(c, alerts, clients)
			el := time.Since(start)
			cancel()
			if !errors.Is(err, context.DeadlineExceeded) || plan.Totals.Alerts != 0 {
				t.Fatalf("%d workers: err %v, totals %+v", workers, err, plan.Totals)
			}
			if limit := time.Second; el > limit && !raceEnabled {
				t.Fatalf("%d workers: stopped after %v, deadline 50ms", workers, el)
			}
		}
	})
}

// One planner, many plans at once from many goroutines (the Planner is
// safe for concurrent use): each is the sequential plan.
func TestAdversary132_ConcurrentPlansOnOnePlanner(t *testing.T) {
	alerts, clients := bigBook132(20000)
	placement, err := canvas.NewPlacement[ctx132]([]canvas.TypeRule{{Type: "hosted", Sensitivity: "client.age < 30 ? 0.4 : 0.6"}})
	if err != nil {
		t.Fatal(err)
	}
	guard132(t, 60*time.Second, func() {
		p, _ := canvas.NewPlanner(placement, canvas.Options{Now: now132, ConcurrentLookup: true, Workers: 3})
		want := mustPlan(canvas.Parallel(p, 1, 0).Plan(context.Background(), alerts, clients))
		var wg sync.WaitGroup
		errs := make([]string, 6)
		for g := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var got canvas.Plan
				var err error
				if g%2 == 0 {
					got, err = p.Plan(context.Background(), alerts, clients)
				} else {
					got, err = p.PlanParts(context.Background(), [][]advisory.Alert{alerts[:g*1000], alerts[g*1000:]}, func(id string) (canvas.Client[ctx132], bool) {
						c, ok := clients[id]
						return c, ok
					})
				}
				if err != nil {
					errs[g] = err.Error()
					return
				}
				errs[g] = firstDiff132(want, got)
			}()
		}
		wg.Wait()
		for g, e := range errs {
			if e != "" {
				t.Fatalf("plan %d: %s", g, e)
			}
		}
	})
}

// DEFECT (low severity: invisible in JSON, visible to any Go comparison).
// Claim (plan.go, Plan): "Everything in it depends on the alerts' content,
// never on their order"; the order of agenda items is total down to "the
// rest of the alert's content". Expected: two alerts of one client that
// differ only in Tags nil versus Tags []string{} (or Evidence nil versus
// empty) plan to the same Plan in either input order. Actual: alertOrder
// compares Tags with slices.Compare and the evidence by length, which
// call nil and empty equal, so the two tie and the agenda keeps the input
// order: Items[0].Alert.Tags is nil in one plan and [] in the other
// (go-cmp and reflect.DeepEqual tell the plans apart; JSON, with
// omitempty, does not).
func TestAdversary132_NilVersusEmptyTiesFollowInputOrder(t *testing.T) {
	clients := map[string]canvas.Client[ctx132]{"x": {ID: "x", Consent: []canvas.Channel{canvas.Email, canvas.PhoneAdviser}}}
	guard132(t, 10*time.Second, func() {
		p, _ := canvas.NewPlanner[ctx132](nil, canvas.Options{Now: now132})
		for _, field := range []string{"Tags", "Evidence"} {
			a := advisory.Alert{ClientID: "x", Type: "t", RuleID: "r", Urgency: 0.9, Sensitivity: 0.9}
			b := a
			if field == "Tags" {
				b.Tags = []string{}
			} else {
				b.Evidence = []advisory.Evidence{}
			}
			ab := mustPlan(p.Plan(context.Background(), []advisory.Alert{a, b}, clients))
			ba := mustPlan(p.Plan(context.Background(), []advisory.Alert{b, a}, clients))
			if d := diff132(ab, ba); d != "" {
				t.Errorf("alerts differing only in %s nil vs empty: the plan depends on their order:\n%s", field, d)
			}
		}
	})
}
