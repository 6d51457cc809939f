package canvas_test

// Adversarial tests (adversary8), each failing on the code it was written
// against and now holding its fix (order.go's unambiguous value text and
// sign of zero, json.go's cycle-safe fallback, options.go's zone check,
// schedule.go's adviser-time-first reason, plan.go's deduplicated policy
// channels): the plan must depend on the alerts' content only, never on their input order (Plan's doc: "Everything in it
// depends on the alerts' content, never on their order"; doc.go: "The whole
// plan, deferrals included, is the same for any order of the alerts").

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
)

// a8OrderFree plans the alerts in the given order and reversed, on one
// client consenting to email only (a bundling channel, so both alerts share
// one agenda), and fails when the two plans encode differently.
func a8OrderFree(t *testing.T, a, b advisory.Alert) {
	t.Helper()
	p := must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now}))
	clients := map[string]canvas.Client[ctx]{"c": client("c", canvas.Email)}
	for _, planner := range []*canvas.Planner[ctx]{canvas.Parallel(p, 1, 0), canvas.Parallel(p, 2, 0)} {
		one := mustPlan(planner.Plan(ctxBG, []advisory.Alert{a, b}, clients))
		two := mustPlan(planner.Plan(ctxBG, []advisory.Alert{b, a}, clients))
		j1, err1 := json.Marshal(one)
		j2, err2 := json.Marshal(two)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if string(j1) != string(j2) {
			t.Errorf("the plan depends on the input order:\n a,b: %s\n b,a: %s", j1, j2)
			return
		}
	}
}

// DEFECT: alertOrder (order.go) compares Alert.Urgency and Sensitivity
// with cmp.Compare, for which -0 == +0, so two alerts differing only in
// the sign of a zero urgency tie; the agenda then keeps the input order.
// The alert is part of the plan (Item.Alert, encoded as "urgency":-0), so
// the plan differs with the order of the alerts.
// Input: {c, t, r, Urgency -0} and {c, t, r, Urgency +0}, one email client.
// Expected: the same plan both ways. Actual: Items[0] is whichever came first.
func TestAdv8NegativeZeroUrgencyTies(t *testing.T) {
	neg := advisory.Alert{ClientID: "c", Type: "t", RuleID: "r", Urgency: math.Copysign(0, -1)}
	pos := advisory.Alert{ClientID: "c", Type: "t", RuleID: "r", Urgency: 0}
	a8OrderFree(t, neg, pos)
}

// DEFECT: valueText (order.go) writes a map as key:value, pairs with no
// escaping of strings, so a string output can spell out another entry:
// {"x": "a),string(y):&string(b"} and {"x": "a", "y": "b"} write alike and
// the two alerts tie in alertOrder; the agenda keeps the input order.
// Expected: the same plan both ways. Actual: the order of Items follows input.
func TestAdv8OutputsTextCollision(t *testing.T) {
	one := advisory.Alert{ClientID: "c", Type: "t", RuleID: "r", Outputs: map[string]any{"x": "a),string(y):&string(b"}}
	two := advisory.Alert{ClientID: "c", Type: "t", RuleID: "r", Outputs: map[string]any{"x": "a", "y": "b"}}
	a8OrderFree(t, one, two)
}

// DEFECT: valueText stops at maxValueDepth (16) and writes "T(…)" for
// whatever lies deeper, so outputs that differ only below that depth tie in
// alertOrder; the agenda keeps the input order, and the plan's JSON (which
// encodes the whole output) differs with the order of the alerts.
func TestAdv8DeepOutputsTie(t *testing.T) {
	deep := func(leaf any) any {
		v := leaf
		for range 20 {
			v = []any{v}
		}
		return v
	}
	one := advisory.Alert{ClientID: "c", Type: "t", RuleID: "r", Outputs: map[string]any{"x": deep(1)}}
	two := advisory.Alert{ClientID: "c", Type: "t", RuleID: "r", Outputs: map[string]any{"x": deep(2)}}
	a8OrderFree(t, one, two)
}

// DEFECT: the same ties make the parallel plan differ from the sequential
// one. sortDeferrals (order.go) is an unstable sort fed the early
// deferrals in input order by planSequential, but unknown clients first and
// then share by share by planParallel; with more than 12 deferrals pdqsort
// permutes tied ones differently.
func TestAdv8DeferralTiesParallel(t *testing.T) {
	var alerts []advisory.Alert
	for i := range 40 {
		u := 0.0
		if i%3 == 0 {
			u = math.Copysign(0, -1)
		}
		alerts = append(alerts,
			advisory.Alert{ClientID: "u", Type: "t", RuleID: "r", Urgency: u},
			advisory.Alert{ClientID: "k", Type: "t", RuleID: "r", Urgency: u})
	}
	clients := map[string]canvas.Client[ctx]{"k": client("k", canvas.AppPush)} // planned routine needs a passive channel: no consent
	p := must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now}))
	seq := mustPlan(canvas.Parallel(p, 1, 0).Plan(ctxBG, alerts, clients))
	js, _ := json.Marshal(seq)
	for w := 2; w <= 4; w++ {
		par := mustPlan(canvas.Parallel(p, w, 0).Plan(ctxBG, alerts, clients))
		jp, _ := json.Marshal(par)
		if string(js) != string(jp) {
			t.Errorf("%d workers: the parallel plan differs from the sequential one", w)
		}
	}
}

// DEFECT: Options promises that every value is checked by NewPlanner and
// that a plan JSON cannot write is an error; json.go promises "a plan
// always encodes". checkDates (options.go) checks only the year: a Now in a
// zone 25 hours east of UTC (time.FixedZone) is accepted, and every
// follow-up's When and Due carries that zone, which time.Time.MarshalJSON
// rejects ("timezone hour outside of range [0,23]").
// Expected: an OptionError for Now, or a plan that encodes. Actual: the
// planner is made and json.Marshal(plan) fails.
func TestAdv8ZoneJSONCannotWrite(t *testing.T) {
	far := time.Date(2026, 11, 24, 9, 0, 0, 0, time.FixedZone("far", 25*3600))
	p, err := canvas.NewPlanner[ctx](nil, canvas.Options{Now: far})
	if err != nil {
		return // rejected up front: fine
	}
	alerts := []advisory.Alert{{ClientID: "c", Type: "t", RuleID: "r", Urgency: 0.9}}
	plan := mustPlan(p.Plan(ctxBG, alerts, map[string]canvas.Client[ctx]{"c": client("c")}))
	if _, err := json.Marshal(plan); err != nil {
		t.Errorf("NewPlanner accepted Now %v, and the plan does not encode: %v", far, err)
	}
}

// DEFECT: Item.MarshalJSON (json.go) promises "a plan always encodes",
// writing what JSON cannot as its text; an output that holds itself (the
// case TestValueTextBounded guards for the plan's order) makes json.Marshal
// fail with a cycle error, and jsonValue then calls fmt.Sprint on it, which
// has no cycle detection: the goroutine stack overflows and the process
// dies (fatal error: stack overflow, not a recoverable panic). The check
// runs in a child process so that the crash fails this test only.
// Input: one alert with Outputs {"self": <that same map>}, planned and
// encoded. Expected: the plan encodes. Actual: the process crashes.
func TestAdv8CyclicOutputEncodes(t *testing.T) {
	if os.Getenv("ADV8_CHILD") == "1" {
		loop := map[string]any{}
		loop["self"] = loop
		alerts := []advisory.Alert{{ClientID: "c", Type: "t", RuleID: "r", Urgency: 0.9, Outputs: loop}}
		p := must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now}))
		plan := mustPlan(p.Plan(ctxBG, alerts, map[string]canvas.Client[ctx]{"c": client("c")}))
		if _, err := json.Marshal(plan); err != nil {
			fmt.Println("ADV8 ERR", err)
			os.Exit(3)
		}
		fmt.Println("ADV8 OK")
		return
	}
	c, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(c, os.Args[0], "-test.run=^TestAdv8CyclicOutputEncodes$", "-test.v")
	cmd.Env = append(os.Environ(), "ADV8_CHILD=1", "GOMAXPROCS=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ADV8 OK") {
		s := string(out)
		if i := strings.Index(s, "fatal error"); i >= 0 {
			s = s[i:min(len(s), i+200)]
		} else {
			s = s[:min(len(s), 400)]
		}
		t.Errorf("encoding a plan whose alert has a self-holding output: %v\n%s", err, s)
	}
}

// DEFECT (deferral reason): Options.AdviserCapacity says "None means no
// adviser time: every adviser contact is deferred as [AdviserCapacity]".
// takeSlot (schedule.go) tests the pressure cap before adviser capacity, so
// an adviser call (PhoneAdviser is a push and an adviser channel) of a
// client whose pushes fill the period is deferred as PressureCap, though no
// period could ever have given it an adviser.
// Input: AdviserCapacity None, PressureCap 1, Horizon 1; client c consents
// to app push and adviser calls; an alert of a type played on app push
// (urgency 1, first in plan order) and an urgent sensitive alert (call).
// Expected: the call deferred as adviser_capacity. Actual: pressure_cap.
func TestAdv8NoAdviserTimeDeferredAsPressure(t *testing.T) {
	pb := canvas.DefaultPlaybook()
	pb.Types = map[string]canvas.Play{"push": {Channels: []canvas.Channel{canvas.AppPush}, Action: canvas.SelfService, Within: day}}
	p := must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now, Playbook: &pb, AdviserCapacity: canvas.None, PressureCap: 1, Horizon: 1}))
	alerts := []advisory.Alert{
		{ClientID: "c", Type: "push", RuleID: "p", Urgency: 1, Sensitivity: 1},
		{ClientID: "c", Type: "call", RuleID: "a", Urgency: 0.9, Sensitivity: 0.9},
	}
	plan := mustPlan(p.Plan(ctxBG, alerts, map[string]canvas.Client[ctx]{"c": client("c", canvas.AppPush, canvas.PhoneAdviser)}))
	for _, d := range plan.Deferred {
		if d.Item.Alert.Type == "call" && d.Reason != canvas.AdviserCapacity {
			t.Errorf("with no adviser time, the adviser call is deferred as %s", d.Reason)
		}
	}
	if len(plan.Deferred) != 1 {
		t.Fatalf("want the call deferred, got %+v", plan)
	}
}

// DEFECT: valueText (order.go) orders a map's entries by the text of their
// keys only, with a stable sort over Go's random map iteration, so a map
// whose distinct keys write alike (pointers to equal values) is written in
// a different order on each call. Two alerts with such outputs then compare
// one way or the other at random, and the plan of one and the same input
// changes from call to call (Plan: "Everything in it depends on the
// alerts' content"; its JSON, which writes such a map by fmt's address
// order, is otherwise stable).
// Input: alerts a and b of client c, bundled on email, outputs
// {"k": {&0: 1, &0: 2}} and {"k": {&0: 1, &0: 3}}. Expected: the same plan
// on every call. Actual: the agenda's order flips between calls.
func TestAdv8PointerKeyedOutputsNondeterministic(t *testing.T) {
	ptr := func() *int { return new(int) }
	a := advisory.Alert{ClientID: "c", Type: "t", RuleID: "r", Outputs: map[string]any{"k": map[*int]int{ptr(): 1, ptr(): 2}}}
	b := advisory.Alert{ClientID: "c", Type: "t", RuleID: "r", Outputs: map[string]any{"k": map[*int]int{ptr(): 1, ptr(): 3}}}
	alerts := []advisory.Alert{a, b}
	p := must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now}))
	clients := map[string]canvas.Client[ctx]{"c": client("c", canvas.Email)}
	first, _ := json.Marshal(mustPlan(p.Plan(ctxBG, alerts, clients)))
	for range 64 {
		again, _ := json.Marshal(mustPlan(p.Plan(ctxBG, alerts, clients)))
		if string(again) != string(first) {
			t.Fatalf("one input, two plans:\n%s\n%s", first, again)
		}
	}
}

// DEFECT (deferral reason): channelFor promises "the first of their
// segment's preferred channels they consented to". planState.client
// (plan.go) keeps at most len(channelNames) = 13 of the policy's channels,
// duplicates included, so a consented channel listed after 13 entries is
// never tried and the alert is deferred as no_consented_channel.
// Input: a planned routine alert; the playbook's planned routine play
// offers only the portal; client c consents to the newsletter alone, with
// policy channels ["email" x13, "newsletter"].
// Expected: a follow-up on the newsletter. Actual: deferred, no consent.
func TestAdv8PolicyChannelsTruncated(t *testing.T) {
	pb := canvas.DefaultPlaybook()
	pr := pb.Quadrants[canvas.PlannedRoutine]
	pr.Channels = []canvas.Channel{canvas.PortalNudge}
	pb.Quadrants[canvas.PlannedRoutine] = pr
	p := must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now, Playbook: &pb}))
	c := client("c", canvas.Newsletter)
	c.Policy.Channels = append(slices.Repeat([]string{"email"}, 13), "newsletter")
	plan := mustPlan(p.Plan(ctxBG, []advisory.Alert{{ClientID: "c", Type: "t", RuleID: "r", Urgency: 0.1, Sensitivity: 0.1}},
		map[string]canvas.Client[ctx]{"c": c}))
	if len(plan.FollowUps) != 1 || plan.FollowUps[0].Channel != canvas.Newsletter {
		t.Errorf("want one follow-up on the newsletter, got %d follow-ups, deferred %+v", len(plan.FollowUps), plan.Deferred)
	}
}
