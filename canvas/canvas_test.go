package canvas_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
	"github.com/engagekit/engagekit/engagement"
	"github.com/engagekit/engagekit/segment"
	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

var now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// ctx is the client context granulation rules read.
type ctx struct {
	Age           int       `expr:"age"`
	TermEnd       time.Time `expr:"termEnd"`
	Discrepancies int       `expr:"discrepancies"`
}

var seedRules = []canvas.TypeRule{
	{Type: "mortgage.term_end", Base: canvas.Position{Urgency: 0.3, Sensitivity: 0.3},
		Urgency: "daysUntil(client.termEnd) <= 14 ? 0.9 : (daysUntil(client.termEnd) <= 60 ? 0.6 : 0.2)"},
	{Type: "insurance.home_under_value", Base: canvas.Position{Urgency: 0.55, Sensitivity: 0.1}},
	{Type: "pension.gap", Base: canvas.Position{Urgency: 0.1, Sensitivity: 0.9}, Sensitivity: "client.age < 30 ? 0.7 : 0.9"},
	{Type: "data.discrepancies", Base: canvas.Position{Urgency: 0.2}, Sensitivity: "clamp(0.2 + client.discrepancies * 0.08, 0, 1)"},
}

func TestSeedPlacements(t *testing.T) {
	p, err := canvas.NewPlacement[ctx](seedRules)
	if err != nil {
		t.Fatal(err)
	}
	var th canvas.Thresholds
	cases := []struct {
		name string
		typ  string
		c    ctx
		want canvas.Quadrant
	}{
		{"term ends in two weeks: urgent, a little advice-sensitive", "mortgage.term_end", ctx{TermEnd: now.AddDate(0, 0, 14)}, canvas.UrgentRoutine},
		{"term ends in six months: not urgent", "mortgage.term_end", ctx{TermEnd: now.AddDate(0, 6, 0)}, canvas.PlannedRoutine},
		{"home under-insured: a little urgent, not sensitive", "insurance.home_under_value", ctx{}, canvas.UrgentRoutine},
		{"pension gap at 30: not urgent, very sensitive", "pension.gap", ctx{Age: 30}, canvas.PlannedSensitive},
	}
	for _, c := range cases {
		pos, err := p.Place(advisory.Alert{Type: c.typ}, c.c, now)
		if err != nil {
			t.Fatal(err)
		}
		if q := th.Quadrant(pos); q != c.want {
			t.Errorf("%s: %v in %s, want %s", c.name, pos, q, c.want)
		}
	}
	under, _ := p.Place(advisory.Alert{Type: "pension.gap"}, ctx{Age: 29}, now)
	over, _ := p.Place(advisory.Alert{Type: "pension.gap"}, ctx{Age: 30}, now)
	if under.Sensitivity == over.Sensitivity {
		t.Error("pension advice must differ under and over 30")
	}
	one, _ := p.Place(advisory.Alert{Type: "data.discrepancies"}, ctx{Discrepancies: 1}, now)
	eight, _ := p.Place(advisory.Alert{Type: "data.discrepancies"}, ctx{Discrepancies: 8}, now)
	if !(eight.Sensitivity > one.Sensitivity) {
		t.Error("eight discrepancies must be more advice-sensitive than one")
	}
	if _, err := canvas.NewPlacement[ctx]([]canvas.TypeRule{{Type: "x", Urgency: "client.agee > 1 ? 1 : 0"}}); err == nil {
		t.Error("an unknown field in a granulation rule must not compile")
	}
}

var allChannels = []canvas.Channel{canvas.Email, canvas.AppPush, canvas.Letter, canvas.SMS, canvas.PhoneAdviser,
	canvas.AdviserMeeting, canvas.ReviewMeeting, canvas.PortalNudge, canvas.Newsletter, canvas.Mailing}

func client(id string, consent ...canvas.Channel) canvas.Client[ctx] {
	if consent == nil {
		consent = allChannels
	}
	return canvas.Client[ctx]{ID: id, Consent: consent, Policy: segment.DefaultPolicies()[segment.A]}
}

func TestPlaybookMappingAndBundling(t *testing.T) {
	planner := must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now}))
	alerts := []advisory.Alert{
		{ClientID: "a", Type: "t1", RuleID: "r1", Urgency: 0.9, Sensitivity: 0.8},
		{ClientID: "a", Type: "t2", RuleID: "r2", Urgency: 0.8, Sensitivity: 0.9},
		{ClientID: "b", Type: "t3", RuleID: "r3", Urgency: 0.9, Sensitivity: 0.1},
		{ClientID: "c", Type: "t4", RuleID: "r4", Urgency: 0.1, Sensitivity: 0.9},
		{ClientID: "d", Type: "t5", RuleID: "r5", Urgency: 0.1, Sensitivity: 0.1},
	}
	clients := map[string]canvas.Client[ctx]{"a": client("a"), "b": client("b"), "c": client("c"), "d": client("d")}
	plan := mustPlan(planner.Plan(ctxBG, alerts, clients))
	var got []string
	for _, f := range plan.FollowUps {
		got = append(got, fmt.Sprintf("%s %s %s %s %d items", f.ClientID, f.Quadrant, f.Channel, f.Action, len(f.Items)))
	}
	want := []string{
		"a urgent_sensitive phone_adviser book_adviser 2 items",
		"b urgent_routine app_push self_service 1 items",
		"c planned_sensitive review_meeting book_adviser 1 items",
		"d planned_routine portal_nudge self_service 1 items",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("plan (-want +got):\n%s", d)
	}
	if s := plan.FollowUps[0].Sensitivity; s < 0.95-1e-9 || s > 0.95+1e-9 {
		t.Errorf("bundled sensitivity %v, want 0.9 + 0.05", s)
	}
}

func TestConstraints(t *testing.T) {
	urgent := func(id string, n int) []advisory.Alert {
		var out []advisory.Alert
		for i := range n {
			out = append(out, advisory.Alert{ClientID: id, Type: fmt.Sprint("t", i), RuleID: fmt.Sprint("r", i), Urgency: 0.9, Sensitivity: 0.1})
		}
		return out
	}
	t.Run("no consented channel", func(t *testing.T) {
		plan := mustPlan(must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now})).Plan(ctxBG, urgent("a", 1), map[string]canvas.Client[ctx]{"a": client("a", canvas.ChannelUnknown)}))
		if len(plan.Deferred) != 1 || plan.Deferred[0].Reason != canvas.NoConsentedChannel {
			t.Errorf("%+v", plan)
		}
	})
	t.Run("fallback to the segment's channels", func(t *testing.T) {
		c := client("a", canvas.PortalNudge)
		c.Policy = segment.DefaultPolicies()[segment.C] // portal nudges first
		plan := mustPlan(must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now})).Plan(ctxBG, urgent("a", 1), map[string]canvas.Client[ctx]{"a": c}))
		if len(plan.FollowUps) != 1 || plan.FollowUps[0].Channel != canvas.PortalNudge {
			t.Errorf("%+v", plan.FollowUps)
		}
	})
	t.Run("pressure cap spreads pushes over periods, then defers", func(t *testing.T) {
		plan := mustPlan(must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now, PressureCap: 1, Horizon: 2})).Plan(ctxBG, urgent("a", 3), map[string]canvas.Client[ctx]{"a": client("a", canvas.AppPush)}))
		if len(plan.FollowUps) != 2 || plan.FollowUps[1].When != now.AddDate(0, 0, 7) || len(plan.Deferred) != 1 ||
			plan.Deferred[0].Reason != canvas.PressureCap || plan.Deferred[0].NextSlot != now.AddDate(0, 0, 14) {
			t.Errorf("%+v", plan)
		}
	})
	t.Run("touch budget", func(t *testing.T) {
		c := client("a", canvas.AppPush)
		c.Policy.TouchesPerYear, c.TouchesUsed = 20, 19
		plan := mustPlan(must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now})).Plan(ctxBG, urgent("a", 2), map[string]canvas.Client[ctx]{"a": c}))
		if len(plan.FollowUps) != 1 || len(plan.Deferred) != 1 || plan.Deferred[0].Reason != canvas.TouchBudget {
			t.Errorf("%+v", plan)
		}
	})
	t.Run("adviser capacity", func(t *testing.T) {
		var alerts []advisory.Alert
		clients := map[string]canvas.Client[ctx]{}
		for i := range 5 {
			id := fmt.Sprint("c", i)
			alerts = append(alerts, advisory.Alert{ClientID: id, Type: "t", Urgency: 0.9, Sensitivity: 0.9})
			clients[id] = client(id, canvas.PhoneAdviser)
		}
		plan := mustPlan(must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now, AdviserCapacity: 2, Horizon: 2})).Plan(ctxBG, alerts, clients))
		if len(plan.FollowUps) != 4 || len(plan.Deferred) != 1 || plan.Deferred[0].Reason != canvas.AdviserCapacity {
			t.Errorf("%+v", plan)
		}
	})
	t.Run("unknown client is deferred, not dropped", func(t *testing.T) {
		plan := mustPlan(must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now})).Plan(ctxBG, urgent("ghost", 1), nil))
		if plan.Totals != (canvas.Totals{Alerts: 1, Deferred: 1}) || plan.Deferred[0].Reason != canvas.UnknownClient {
			t.Errorf("%+v", plan)
		}
	})
}

func TestPlanGolden(t *testing.T) {
	p, _ := canvas.NewPlacement[ctx](seedRules)
	alerts := []advisory.Alert{
		{ClientID: "ada", Type: "mortgage.term_end", RuleID: "fixed_term_ending", Title: "Term ends in 12 days"},
		{ClientID: "ada", Type: "pension.gap", RuleID: "pension_gap"},
		{ClientID: "bram", Type: "insurance.home_under_value", RuleID: "home"},
		{ClientID: "chen", Type: "data.discrepancies", RuleID: "disc"},
	}
	clients := map[string]canvas.Client[ctx]{
		"ada":  {ID: "ada", Context: ctx{Age: 29, TermEnd: now.AddDate(0, 0, 12)}, Consent: allChannels, Policy: segment.DefaultPolicies()[segment.A]},
		"bram": {ID: "bram", Consent: []canvas.Channel{canvas.Letter}, Policy: segment.DefaultPolicies()[segment.C]},
		"chen": {ID: "chen", Context: ctx{Discrepancies: 8}, Consent: allChannels, Policy: segment.DefaultPolicies()[segment.D]},
	}
	plan := mustPlan(must(canvas.NewPlanner(p, canvas.Options{Now: now})).Plan(ctxBG, alerts, clients))
	got, _ := json.MarshalIndent(plan, "", "  ")
	golden(t, "testdata/plan.golden.json", append(got, '\n'))
	golden(t, "testdata/canvas.golden.svg", canvas.Picture(plan.Items(), canvas.Thresholds{}))
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		_ = os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, d)
	}
}

func TestLoop(t *testing.T) {
	plan := mustPlan(must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now})).Plan(ctxBG, []advisory.Alert{
		{ClientID: "a", Type: "x", Urgency: 0.9, Sensitivity: 0.1}, {ClientID: "b", Type: "x", Urgency: 0.9, Sensitivity: 0.1},
	}, map[string]canvas.Client[ctx]{"a": client("a"), "b": client("b")}))
	rates := canvas.Loop(plan, []canvas.Outcome{{FollowUpID: plan.FollowUps[0].ID, Class: engagement.Escalate}})
	want := canvas.Rate{Dimension: "type", Value: "x", Sent: 2, Responded: 1, Escalated: 1, Response: 0.5, Escalation: 0.5}
	if i := slices.IndexFunc(rates, func(r canvas.Rate) bool { return r.Dimension == "type" }); i < 0 || rates[i] != want {
		t.Errorf("rates %+v", rates)
	}
}

func genAlerts(t *rapid.T) ([]advisory.Alert, map[string]canvas.Client[ctx]) {
	return genAlertsN(t, 6, 25)
}

// genAlertsN draws up to maxAlerts alerts of up to maxClients clients (one
// more client id than there are clients: its alerts have no client).
func genAlertsN(t *rapid.T, maxClients, maxAlerts int) ([]advisory.Alert, map[string]canvas.Client[ctx]) {
	nClients := rapid.IntRange(1, maxClients).Draw(t, "clients")
	clients := map[string]canvas.Client[ctx]{}
	for i := range nClients {
		id := fmt.Sprint("c", i)
		c := client(id, rapid.SliceOfNDistinct(rapid.SampledFrom(allChannels), 0, 4, func(c canvas.Channel) canvas.Channel { return c }).Draw(t, "consent")...)
		c.Policy.TouchesPerYear = rapid.IntRange(0, 5).Draw(t, "budget")
		clients[id] = c
	}
	var alerts []advisory.Alert
	for i := range rapid.IntRange(0, maxAlerts).Draw(t, "alerts") {
		alerts = append(alerts, advisory.Alert{ClientID: fmt.Sprint("c", rapid.IntRange(0, nClients).Draw(t, "client")), Type: fmt.Sprint("t", i%4), RuleID: fmt.Sprint("r", i),
			Urgency: float64(rapid.IntRange(0, 10).Draw(t, "u")) / 10, Sensitivity: float64(rapid.IntRange(0, 10).Draw(t, "s")) / 10})
	}
	return alerts, clients
}

func TestPropertyPlan(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		alerts, clients := genAlerts(t)
		opts := canvas.Options{Now: now, PressureCap: rapid.IntRange(1, 3).Draw(t, "cap"), AdviserCapacity: rapid.IntRange(1, 4).Draw(t, "capacity"), Horizon: rapid.IntRange(1, 10).Draw(t, "horizon")}
		planner := must(canvas.NewPlanner[ctx](nil, opts))
		plan := mustPlan(planner.Plan(ctxBG, alerts, clients))
		// Accounting.
		if plan.Totals.Alerts != len(alerts) || plan.Totals.Planned+plan.Totals.Deferred != len(alerts) || len(plan.Items()) != len(alerts) {
			t.Fatalf("totals %+v for %d alerts", plan.Totals, len(alerts))
		}
		// Stable: the order of the input does not change the plan.
		again := mustPlan(planner.Plan(ctxBG, rapid.Permutation(alerts).Draw(t, "shuffled"), clients))
		if d := cmp.Diff(plan.FollowUps, again.FollowUps); d != "" {
			t.Fatalf("input order changed the plan:\n%s", d)
		}
		checkOrder(t, plan)
		pushes := map[[2]any]int{}
		touches := map[string]int{}
		for _, f := range plan.FollowUps {
			c := clients[f.ClientID]
			if !slices.Contains(c.Consent, f.Channel) {
				t.Fatalf("follow-up on %s, which %s did not consent to", f.Channel, f.ClientID)
			}
			if f.Channel.Push() {
				pushes[[2]any{f.ClientID, f.When}]++
				if pushes[[2]any{f.ClientID, f.When}] > opts.PressureCap {
					t.Fatalf("%s pushed more than %d times in a period", f.ClientID, opts.PressureCap)
				}
			}
			touches[f.ClientID]++
			if c.Policy.TouchesPerYear > 0 && touches[f.ClientID] > c.Policy.TouchesPerYear {
				t.Fatalf("%s over budget", f.ClientID)
			}
		}
		// Raising an alert's urgency (within its quadrant) never delays it,
		// and never makes it due later.
		if len(alerts) == 0 {
			return
		}
		i := rapid.IntRange(0, len(alerts)-1).Draw(t, "i")
		raised := slices.Clone(alerts)
		limit := 0.49
		if raised[i].Urgency >= 0.5 {
			limit = 1
		}
		raised[i].Urgency = min(limit, raised[i].Urgency+float64(rapid.IntRange(0, 5).Draw(t, "more"))/10)
		before, okB := slotOf(plan, alerts[i])
		after, okA := slotOf(mustPlan(planner.Plan(ctxBG, raised, clients)), raised[i])
		if okB && (!okA || after.When.After(before.When) || after.Due.After(before.Due)) {
			t.Fatalf("raising urgency delayed the alert: %v → %v (planned %v)", before.When, after.When, okA)
		}
	})
}

func slotOf(plan canvas.Plan, a advisory.Alert) (canvas.FollowUp, bool) {
	for _, f := range plan.FollowUps {
		for _, it := range f.Items {
			if it.Alert.RuleID == a.RuleID && it.Alert.ClientID == a.ClientID {
				return f, true
			}
		}
	}
	return canvas.FollowUp{}, false
}

func cmpOr(cs ...int) int {
	for _, c := range cs {
		if c != 0 {
			return c
		}
	}
	return 0
}

func cmpInt(a, b int) int { return a - b }

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// PlanLookup gives the plan Plan gives when the lookup finds what the map
// holds, asks once per client, and defers everything without a lookup.
func TestPlanLookup(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		alerts, clients := genAlerts(t)
		planner := must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now}))
		asked := map[string]int{}
		got := mustPlan(planner.PlanLookup(ctxBG, alerts, func(id string) (canvas.Client[ctx], bool) {
			asked[id]++
			c, ok := clients[id]
			return c, ok
		}))
		if d := cmp.Diff(mustPlan(planner.Plan(ctxBG, alerts, clients)), got); d != "" {
			t.Fatalf("PlanLookup differs from Plan:\n%s", d)
		}
		for id, n := range asked {
			if n != 1 {
				t.Fatalf("asked for %s %d times", id, n)
			}
		}
		none := mustPlan(planner.PlanLookup(ctxBG, alerts, nil))
		if none.Totals.Deferred != len(alerts) || len(none.FollowUps) != 0 {
			t.Fatalf("without a lookup: %+v", none.Totals)
		}
	})
}

// checkOrder checks the documented order: quadrant, urgency and
// sensitivity (higher first), due, client id, channel.
func checkOrder(t *rapid.T, plan canvas.Plan) {
	for k := 1; k < len(plan.FollowUps); k++ {
		a, b := plan.FollowUps[k-1], plan.FollowUps[k]
		if c := cmpOr(cmpInt(int(a.Quadrant), int(b.Quadrant)), cmpFloat(b.Urgency, a.Urgency), cmpFloat(b.Sensitivity, a.Sensitivity),
			a.Due.Compare(b.Due), strings.Compare(a.ClientID, b.ClientID), cmpInt(int(a.Channel), int(b.Channel))); c > 0 {
			t.Fatalf("follow-ups %d and %d out of order:\n%+v\n%+v", k-1, k, a, b)
		}
	}
}

// Large plans whose positions are a few round values (most contacts tied
// on their numbers) keep the documented order, whatever the alerts' order.
func TestPropertyPlanTies(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		alerts, clients := genAlertsN(t, 40, 400)
		for i := range alerts {
			alerts[i].Urgency = float64(rapid.IntRange(0, 1).Draw(t, "u2")) * 0.9
			alerts[i].Sensitivity = float64(rapid.IntRange(0, 1).Draw(t, "s2")) * 0.9
		}
		planner := must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now, AdviserCapacity: 1000, PressureCap: 100}))
		plan := mustPlan(planner.Plan(ctxBG, alerts, clients))
		checkOrder(t, plan)
		again := mustPlan(planner.Plan(ctxBG, rapid.Permutation(alerts).Draw(t, "shuffled"), clients))
		if d := cmp.Diff(plan.FollowUps, again.FollowUps); d != "" {
			t.Fatalf("input order changed the plan:\n%s", d)
		}
	})
}

// A canvas of many alert types draws and names the most common ones,
// largest count first, and counts the rest.
func TestPictureNamesTheCommonTypes(t *testing.T) {
	var items []canvas.Item
	for k := range canvas.PictureTypes + 4 {
		for range k + 1 {
			a := &advisory.Alert{Type: fmt.Sprintf("type.%02d", k)}
			items = append(items, canvas.Item{Alert: a, Position: canvas.Position{Urgency: 0.5, Sensitivity: 0.5}, Quadrant: canvas.UrgentSensitive})
		}
	}
	svg := string(canvas.Picture(items, canvas.Thresholds{}))
	if n := strings.Count(svg, "<circle"); n != canvas.PictureTypes {
		t.Errorf("%d circles, want %d", n, canvas.PictureTypes)
	}
	first := fmt.Sprintf(" 1  type.%02d  %d", canvas.PictureTypes+3, canvas.PictureTypes+4)
	if !strings.Contains(svg, first) || !strings.Contains(svg, "and 4 more types, 10 alerts") {
		t.Errorf("legend lacks the most common type first or the count of the rest:\n%s", svg)
	}
}

// must returns v, and panics on err: for options a test knows are valid.
// ctxBG is the context of plans that are never cancelled.
var ctxBG = context.Background()

// mustPlan is a plan that cannot fail: its context never ends.
func mustPlan(plan canvas.Plan, err error) canvas.Plan {
	if err != nil {
		panic(err)
	}
	return plan
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// A plan stops when its context ends, with the context's error and no
// partial plan.
func TestPlanCancelled(t *testing.T) {
	var alerts []advisory.Alert
	clients := map[string]canvas.Client[ctx]{}
	for i := range 10_000 {
		id := fmt.Sprint("c", i)
		alerts = append(alerts, advisory.Alert{ClientID: id, Type: "t", RuleID: "r", Urgency: 0.9, Sensitivity: 0.1})
		clients[id] = client(id, canvas.AppPush)
	}
	planner := must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now}))
	cctx, cancel := context.WithCancel(context.Background())
	cancel()
	plan, err := planner.Plan(cctx, alerts, clients)
	if !errors.Is(err, context.Canceled) || plan.Totals.Alerts != 0 || plan.FollowUps != nil {
		t.Fatalf("cancelled plan: %v, %+v", err, plan.Totals)
	}
	if _, err := planner.PlanLookup(cctx, alerts, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled PlanLookup: %v", err)
	}
}
