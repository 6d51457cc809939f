package canvas_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
	"github.com/engagekit/engagekit/internal/svg"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

const day = 24 * time.Hour

// book is a generated planning problem: alerts, clients and options, with
// the hostile cases the plan must take in its stride (NaN and infinite
// positions, types with control characters and invalid UTF-8, alerts
// equal in all but their titles, unknown clients, late-prone capacities).
type book struct {
	alerts    []advisory.Alert
	clients   map[string]canvas.Client[ctx]
	opts      canvas.Options
	placement *canvas.Placement[ctx]
}

var hostileTypes = []string{"t0", "t1", "guided", "ruled", "bad\x00type", "bad\xffutf8", "<&>\"'", "ruled.inf"}

func genBook(t *rapid.T, maxAlerts int) book {
	alerts, clients := genAlertsN(t, 5, maxAlerts)
	odd := rapid.SampledFrom([]float64{math.NaN(), math.Inf(1), math.Inf(-1), -0.5, 1.5})
	for i := range alerts {
		a := &alerts[i]
		a.Type = rapid.SampledFrom(hostileTypes).Draw(t, "type")
		a.RuleID = fmt.Sprint("r", rapid.IntRange(0, 3).Draw(t, "rule")) // often equal
		a.Title = rapid.SampledFrom([]string{"", "x", "y"}).Draw(t, "title")
		if rapid.IntRange(0, 9).Draw(t, "odd") == 0 {
			a.Urgency = odd.Draw(t, "u")
		}
		if rapid.IntRange(0, 9).Draw(t, "odd") == 0 {
			a.Sensitivity = odd.Draw(t, "s")
		}
		if rapid.IntRange(0, 9).Draw(t, "ev") == 0 {
			a.Evidence = []advisory.Evidence{{Name: "v", Value: odd.Draw(t, "ev")}}
			a.Outputs = map[string]any{"o": odd.Draw(t, "out")}
		}
	}
	pb := canvas.DefaultPlaybook()
	pb.Types = map[string]canvas.Play{"guided": {Channels: []canvas.Channel{canvas.Email, canvas.Letter}, Action: canvas.GuidedFlow, Within: 2 * day}}
	for q, p := range pb.Quadrants {
		p.Within = time.Duration(rapid.IntRange(0, 30).Draw(t, "within")) * day
		pb.Quadrants[q] = p
	}
	opts := canvas.Options{Now: now, Playbook: &pb,
		Period:          time.Duration(rapid.IntRange(1, 10).Draw(t, "period")) * day,
		Horizon:         rapid.IntRange(1, 12).Draw(t, "horizon"),
		PressureCap:     rapid.SampledFrom([]int{canvas.None, 1, 2, 3}).Draw(t, "cap"),
		AdviserCapacity: rapid.SampledFrom([]int{canvas.None, 1, 2, 4}).Draw(t, "capacity"),
		BundleBoost:     rapid.SampledFrom([]float64{0, canvas.None, 0.2}).Draw(t, "boost"),
	}
	placement, err := canvas.NewPlacement[ctx]([]canvas.TypeRule{
		{Type: "ruled", Base: canvas.Position{Urgency: 0.7, Sensitivity: 0.2}, Sensitivity: "client.age < 30 ? 0.4 : 0.6"},
		{Type: "ruled.inf", Urgency: "alert.Urgency > 0.5 ? 1.0 / 0.0 : 0.3"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return book{alerts, clients, opts, placement}
}

func (b book) plan(t *rapid.T, alerts []advisory.Alert) canvas.Plan {
	p, err := canvas.NewPlanner(b.placement, b.opts)
	if err != nil {
		t.Fatal(err)
	}
	return mustPlan(p.Plan(ctxBG, alerts, b.clients))
}

// No follow-up is planned after its due date without saying so, and the
// totals count what is late.
func TestPropertyNeverSilentlyLate(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		b := genBook(t, 40)
		plan := b.plan(t, b.alerts)
		late, lateAlerts := 0, 0
		for _, f := range plan.FollowUps {
			if f.When.After(f.Due) != (f.Late > 0) || f.Late > 0 && (f.Late != f.When.Sub(f.Due) || f.LateReason == "") {
				t.Fatalf("when %v, due %v: late %v (%q)", f.When, f.Due, f.Late, f.LateReason)
			}
			if f.Late == 0 && f.LateReason != "" {
				t.Fatalf("on time with a late reason: %+v", f)
			}
			if f.Late > 0 {
				late++
				lateAlerts += len(f.Items)
			}
		}
		if plan.Totals.Late != late || plan.Totals.LateAlerts != lateAlerts {
			t.Fatalf("totals %+v, counted %d late follow-ups with %d alerts", plan.Totals, late, lateAlerts)
		}
		if plan.Totals.Planned+plan.Totals.Deferred != len(b.alerts) || len(plan.Items()) != len(b.alerts) {
			t.Fatalf("totals %+v for %d alerts", plan.Totals, len(b.alerts))
		}
	})
}

// The plan, all of it, is the same for any order of the alerts; it always
// encodes as JSON, and its picture is well-formed SVG.
func TestPropertyOrderFreeEncodableDrawable(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		b := genBook(t, 30)
		plan := b.plan(t, b.alerts)
		again := b.plan(t, rapid.Permutation(b.alerts).Draw(t, "shuffled"))
		if d := cmp.Diff(plan, again, cmpopts.EquateNaNs()); d != "" {
			t.Fatalf("input order changed the plan:\n%s", d)
		}
		if _, err := json.Marshal(plan); err != nil {
			t.Fatalf("plan does not encode: %v", err)
		}
		for _, f := range plan.FollowUps {
			if f.Quadrant != (canvas.Thresholds{}).Quadrant(canvas.Position{Urgency: f.Urgency, Sensitivity: f.Sensitivity}) {
				t.Fatalf("follow-up labelled %s at %v, %v", f.Quadrant, f.Urgency, f.Sensitivity)
			}
		}
		pic := canvas.Picture(plan.Items(), canvas.Thresholds{})
		if err := svg.Check(pic); err != nil {
			t.Fatal(err)
		}
		// Drawn from the plans as they are, the picture is the one of
		// their items copied out and joined, one plan or several.
		if got := canvas.PicturePlans(canvas.Thresholds{}, plan); !bytes.Equal(got, pic) {
			t.Fatalf("PicturePlans differs from Picture of Items:\n%s\n%s", got, pic)
		}
		both := canvas.Picture(append(plan.Items(), again.Items()...), canvas.Thresholds{})
		if got := canvas.PicturePlans(canvas.Thresholds{}, plan, again); !bytes.Equal(got, both) {
			t.Fatalf("PicturePlans of two plans differs from Picture of their items")
		}
	})
}

// Any items, with any positions and type names, draw a well-formed
// picture with finite numbers, under any thresholds.
func TestPropertyPictureWellFormed(t *testing.T) {
	num := rapid.OneOf(rapid.Float64(), rapid.SampledFrom([]float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, 1}))
	typ := rapid.OneOf(rapid.String(), rapid.SampledFrom(hostileTypes), rapid.Map(rapid.SliceOf(rapid.Byte()), func(b []byte) string { return string(b) }))
	rapid.Check(t, func(t *rapid.T) {
		var items []canvas.Item
		for range rapid.IntRange(0, 50).Draw(t, "n") {
			var a *advisory.Alert
			if rapid.IntRange(0, 20).Draw(t, "nil") > 0 {
				a = &advisory.Alert{Type: typ.Draw(t, "type")}
			}
			items = append(items, canvas.Item{Alert: a, Position: canvas.Position{Urgency: num.Draw(t, "u"), Sensitivity: num.Draw(t, "s")}})
		}
		th := canvas.Thresholds{Urgent: num.Draw(t, "tu"), Sensitive: num.Draw(t, "ts")}
		if err := svg.Check(canvas.Picture(items, th)); err != nil {
			t.Fatal(err)
		}
	})
}

// Late contacts: planned in the earliest period that fits, marked with how
// late and why.
func TestLate(t *testing.T) {
	push := func(id string, n int) []advisory.Alert {
		var out []advisory.Alert
		for i := range n {
			out = append(out, advisory.Alert{ClientID: id, Type: fmt.Sprint("t", i), RuleID: fmt.Sprint("r", i), Urgency: 0.9, Sensitivity: 0.1})
		}
		return out
	}
	adviser := func(n int) ([]advisory.Alert, map[string]canvas.Client[ctx]) {
		var alerts []advisory.Alert
		clients := map[string]canvas.Client[ctx]{}
		for i := range n {
			id := fmt.Sprint("c", i)
			alerts = append(alerts, advisory.Alert{ClientID: id, Type: "t", Urgency: 0.9, Sensitivity: 0.9})
			clients[id] = client(id, canvas.PhoneAdviser)
		}
		return alerts, clients
	}
	cases := []struct {
		name    string
		opts    canvas.Options
		alerts  []advisory.Alert
		clients map[string]canvas.Client[ctx]
		late    []time.Duration // per follow-up, in plan order
		reason  canvas.DeferReason
	}{
		{"a pressure cap of 1 and two urgent pushes: four days late", canvas.Options{Now: now, PressureCap: 1},
			push("a", 2), map[string]canvas.Client[ctx]{"a": client("a", canvas.AppPush)}, []time.Duration{0, 4 * day}, canvas.PressureCap},
		{"adviser capacity", canvas.Options{Now: now, AdviserCapacity: 1, Horizon: 3},
			nil, nil, []time.Duration{0, 4 * day, 11 * day}, canvas.AdviserCapacity},
		{"daily periods inside the due window are in time", canvas.Options{Now: now, PressureCap: 1, Period: day, Horizon: 5},
			push("a", 5), map[string]canvas.Client[ctx]{"a": client("a", canvas.AppPush)}, []time.Duration{0, 0, 0, 0, day}, canvas.PressureCap},
		{"a horizon of one period", canvas.Options{Now: now, PressureCap: 1, Horizon: 1},
			push("a", 2), map[string]canvas.Client[ctx]{"a": client("a", canvas.AppPush)}, []time.Duration{0}, ""},
	}
	cases[1].alerts, cases[1].clients = adviser(3)
	for _, c := range cases {
		plan := mustPlan(must(canvas.NewPlanner[ctx](nil, c.opts)).Plan(ctxBG, c.alerts, c.clients))
		var got []time.Duration
		late := 0
		for _, f := range plan.FollowUps {
			got = append(got, f.Late)
			if f.Late > 0 {
				late++
				if f.LateReason != c.reason {
					t.Errorf("%s: late reason %q, want %q", c.name, f.LateReason, c.reason)
				}
			}
		}
		if d := cmp.Diff(c.late, got); d != "" || plan.Totals.Late != late || plan.Totals.LateAlerts != late {
			t.Errorf("%s: lateness (-want +got):\n%s\ntotals %+v", c.name, d, plan.Totals)
		}
	}
	// A play due at once (Within 0) is in time in the first period only.
	pb := canvas.DefaultPlaybook()
	p := pb.Quadrants[canvas.UrgentRoutine]
	p.Within = 0
	pb.Quadrants[canvas.UrgentRoutine] = p
	plan := mustPlan(must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now, PressureCap: 1, Playbook: &pb})).Plan(ctxBG, push("a", 2), map[string]canvas.Client[ctx]{"a": client("a", canvas.AppPush)}))
	if plan.FollowUps[0].Late != 0 || plan.FollowUps[1].Late != 7*day {
		t.Errorf("due at once: %+v", plan.FollowUps)
	}
}

// Placement never guesses: what is not finite is deferred with the reason,
// whichever way the alert came to it.
func TestPlacementPolicy(t *testing.T) {
	p, err := canvas.NewPlacement[ctx]([]canvas.TypeRule{
		{Type: "ruled", Base: canvas.Position{Urgency: 0.7, Sensitivity: 0.2}},
		{Type: "inf", Urgency: "1.0 / 0.0"},
		{Type: "nan", Sensitivity: "0.0 / 0.0"},
	})
	if err != nil {
		t.Fatal(err)
	}
	nan, inf := math.NaN(), math.Inf(1)
	cases := []struct {
		name   string
		alert  advisory.Alert
		placed bool
	}{
		{"NaN urgency, no rule", advisory.Alert{Type: "free", Urgency: nan, Sensitivity: 0.5}, false},
		{"NaN sensitivity, no rule", advisory.Alert{Type: "free", Urgency: 0.5, Sensitivity: nan}, false},
		{"+Inf urgency, no rule", advisory.Alert{Type: "free", Urgency: inf}, false},
		{"-Inf sensitivity, no rule", advisory.Alert{Type: "free", Sensitivity: -inf}, false},
		{"a rule giving +Inf", advisory.Alert{Type: "inf"}, false},
		{"a rule giving NaN", advisory.Alert{Type: "nan"}, false},
		{"finite but outside [0,1] is clamped", advisory.Alert{Type: "free", Urgency: 7, Sensitivity: -3}, true},
		{"a rule's position replaces the alert's NaN", advisory.Alert{Type: "ruled", Urgency: nan, Sensitivity: nan}, true},
	}
	for _, c := range cases {
		c.alert.ClientID, c.alert.RuleID = "a", "r"
		pos, err := p.Place(c.alert, ctx{}, now)
		if c.placed != (err == nil) {
			t.Errorf("%s: Place gave %v, %v", c.name, pos, err)
		}
		plan := mustPlan(must(canvas.NewPlanner(p, canvas.Options{Now: now})).Plan(ctxBG, []advisory.Alert{c.alert}, map[string]canvas.Client[ctx]{"a": client("a")}))
		if c.placed != (plan.Totals.Planned == 1) {
			t.Errorf("%s: %+v", c.name, plan.Totals)
		}
		if !c.placed && (plan.Deferred[0].Reason != canvas.PlacementFailed || plan.Deferred[0].Detail == "") {
			t.Errorf("%s: deferred as %+v", c.name, plan.Deferred[0])
		}
		if !c.placed && c.alert.Type == "free" && !errors.Is(err, canvas.ErrNotFinite) {
			t.Errorf("%s: %v is not ErrNotFinite", c.name, err)
		}
		b, err := json.Marshal(plan)
		if err != nil {
			t.Errorf("%s: the plan does not encode: %v", c.name, err)
		}
		if strings.Contains(string(b), "NaN") || strings.Contains(string(b), "Inf") {
			t.Logf("%s: %s", c.name, b)
		}
	}
	if q := (canvas.Thresholds{}).Quadrant(canvas.Position{Urgency: nan, Sensitivity: 1}); q != canvas.QuadrantUnknown {
		t.Errorf("a NaN position is in %s", q)
	}
	for _, bad := range [][]canvas.TypeRule{
		{{Type: "x", Base: canvas.Position{Urgency: nan}}},
		{{Type: "x"}, {Type: "x", Urgency: "0.3"}},
	} {
		if _, err := canvas.NewPlacement[ctx](bad); !errors.Is(err, canvas.ErrNotFinite) && !errors.Is(err, canvas.ErrDuplicateType) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}

// A plan with alerts JSON cannot hold still encodes: those values as null
// or text.
func TestPlanAlwaysEncodes(t *testing.T) {
	alerts := []advisory.Alert{
		{ClientID: "a", Type: "ruled", RuleID: "r", Urgency: math.NaN(), Sensitivity: math.Inf(1),
			Outputs:  map[string]any{"gap": math.NaN(), "ok": 1.5, "ch": make(chan int)},
			Evidence: []advisory.Evidence{{Name: "x", Value: math.Inf(-1)}, {Name: "y", Value: "fine"}}},
		{ClientID: "a", Type: "free", RuleID: "r", Urgency: math.NaN()},
	}
	p, _ := canvas.NewPlacement[ctx]([]canvas.TypeRule{{Type: "ruled", Base: canvas.Position{Urgency: 0.9}}})
	plan := mustPlan(must(canvas.NewPlanner(p, canvas.Options{Now: now})).Plan(ctxBG, alerts, map[string]canvas.Client[ctx]{"a": client("a")}))
	b, err := json.Marshal(plan)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"urgency":null`, `"sensitivity":null`, `"gap":"NaN"`, `"ok":1.5`, `"value":"-Inf"`, `"value":"fine"`, `"rule_id":"r"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("missing %s in %s", want, b)
		}
	}
}

// A bundle's quadrant and call to action follow from its content: the
// boosted position's quadrant, and the highest action it needs.
func TestBundleQuadrantAndAction(t *testing.T) {
	pb := canvas.DefaultPlaybook()
	pb.Types = map[string]canvas.Play{"guided": {Channels: []canvas.Channel{canvas.Email}, Action: canvas.GuidedFlow, Within: 3 * day}}
	email := map[string]canvas.Client[ctx]{"a": client("a", canvas.Email)}
	guided := advisory.Alert{ClientID: "a", Type: "guided", RuleID: "g", Urgency: 0.9, Sensitivity: 0.9}
	adviser := advisory.Alert{ClientID: "a", Type: "t", RuleID: "t", Urgency: 0.8, Sensitivity: 0.8}
	routine := func(s float64, id string) advisory.Alert {
		return advisory.Alert{ClientID: "a", Type: "t", RuleID: id, Urgency: 0.9, Sensitivity: s}
	}
	planned := advisory.Alert{ClientID: "a", Type: "p", RuleID: "p", Urgency: 0.1, Sensitivity: 0.9}
	cases := []struct {
		name   string
		opts   canvas.Options
		alerts []advisory.Alert
		q      canvas.Quadrant
		action canvas.Action
	}{
		{"a guided type and an adviser type, one order", canvas.Options{Now: now, Playbook: &pb}, []advisory.Alert{guided, adviser}, canvas.UrgentSensitive, canvas.BookAdviser},
		{"a guided type and an adviser type, the other", canvas.Options{Now: now, Playbook: &pb}, []advisory.Alert{adviser, guided}, canvas.UrgentSensitive, canvas.BookAdviser},
		{"a boost over the threshold moves the bundle", canvas.Options{Now: now, BundleBoost: 0.1}, []advisory.Alert{routine(0.45, "1"), routine(0.4, "2")}, canvas.UrgentSensitive, canvas.BookAdviser},
		{"a boost under the threshold does not", canvas.Options{Now: now, BundleBoost: 0.01}, []advisory.Alert{routine(0.45, "1"), routine(0.4, "2")}, canvas.UrgentRoutine, canvas.SelfService},
		{"no boost", canvas.Options{Now: now, BundleBoost: canvas.None}, []advisory.Alert{routine(0.49, "1"), routine(0.49, "2"), routine(0.49, "3")}, canvas.UrgentRoutine, canvas.SelfService},
		{"urgent routine with planned sensitive", canvas.Options{Now: now}, []advisory.Alert{routine(0.1, "1"), planned}, canvas.UrgentSensitive, canvas.BookAdviser},
	}
	for _, c := range cases {
		plan := mustPlan(must(canvas.NewPlanner[ctx](nil, c.opts)).Plan(ctxBG, c.alerts, email))
		if len(plan.FollowUps) != 1 {
			t.Fatalf("%s: %d follow-ups", c.name, len(plan.FollowUps))
		}
		if f := plan.FollowUps[0]; f.Quadrant != c.q || f.Action != c.action {
			t.Errorf("%s: %s %s at sensitivity %v, want %s %s", c.name, f.Quadrant, f.Action, f.Sensitivity, c.q, c.action)
		}
	}
}

// Deferrals before planning come in content order, not input order.
func TestDeferredOrder(t *testing.T) {
	alerts := []advisory.Alert{
		{ClientID: "zed", Type: "t", RuleID: "1"}, {ClientID: "amy", Type: "u", RuleID: "1"}, {ClientID: "amy", Type: "t", RuleID: "2", Title: "b"},
		{ClientID: "amy", Type: "t", RuleID: "2", Title: "a"},
	}
	plan := mustPlan(must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now})).Plan(ctxBG, alerts, nil))
	var got []string
	for _, d := range plan.Deferred {
		got = append(got, d.Item.Alert.ClientID+" "+d.Item.Alert.Type+" "+d.Item.Alert.Title)
	}
	if d := cmp.Diff([]string{"amy t a", "amy t b", "amy u ", "zed t "}, got); d != "" {
		t.Errorf("deferred order (-want +got):\n%s", d)
	}
}

func TestOptions(t *testing.T) {
	noQuadrant := canvas.DefaultPlaybook()
	delete(noQuadrant.Quadrants, canvas.PlannedRoutine)
	badPlay := canvas.DefaultPlaybook()
	badPlay.Types = map[string]canvas.Play{"x": {Channels: []canvas.Channel{canvas.ChannelUnknown}, Action: canvas.ActionUnknown, Within: -day}}
	far := canvas.DefaultPlaybook()
	far.Types = map[string]canvas.Play{"x": {Channels: []canvas.Channel{canvas.Email}, Action: canvas.SelfService, Within: math.MaxInt64}}
	cases := []struct {
		name   string
		opts   canvas.Options
		option string // "" when valid
	}{
		{"zero Now", canvas.Options{}, "Now"},
		{"negative Horizon", canvas.Options{Now: now, Horizon: -1}, "Horizon"},
		{"Horizon past MaxHorizon", canvas.Options{Now: now, Horizon: canvas.MaxHorizon + 1}, "Horizon"},
		{"negative Period", canvas.Options{Now: now, Period: -day}, "Period"},
		{"negative AdviserCapacity", canvas.Options{Now: now, AdviserCapacity: -2}, "AdviserCapacity"},
		{"negative PressureCap", canvas.Options{Now: now, PressureCap: -5}, "PressureCap"},
		{"negative Workers", canvas.Options{Now: now, Workers: -1}, "Workers"},
		{"negative BundleBoost", canvas.Options{Now: now, BundleBoost: -0.1}, "BundleBoost"},
		{"NaN BundleBoost", canvas.Options{Now: now, BundleBoost: math.NaN()}, "BundleBoost"},
		{"NaN threshold", canvas.Options{Now: now, Thresholds: canvas.Thresholds{Urgent: math.NaN()}}, "Thresholds.Urgent"},
		{"threshold above 1", canvas.Options{Now: now, Thresholds: canvas.Thresholds{Sensitive: 1.5}}, "Thresholds.Sensitive"},
		{"a playbook without a quadrant", canvas.Options{Now: now, Playbook: &noQuadrant}, "Playbook"},
		{"a bad type play", canvas.Options{Now: now, Playbook: &badPlay}, "Playbook"},
		{"a play due past 9999", canvas.Options{Now: time.Date(9800, 1, 1, 0, 0, 0, 0, time.UTC), Playbook: &far}, "Playbook"},
		{"a horizon past 9999", canvas.Options{Now: time.Date(9999, 12, 20, 0, 0, 0, 0, time.UTC)}, "Horizon"},
		{"a horizon overflowing time.Duration", canvas.Options{Now: now, Horizon: canvas.MaxHorizon, Period: 1 << 60}, "Horizon"},
		{"Now before year 1", canvas.Options{Now: time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC)}, "Now"},
		{"None everywhere", canvas.Options{Now: now, AdviserCapacity: canvas.None, PressureCap: canvas.None, BundleBoost: canvas.None}, ""},
		{"the largest horizon", canvas.Options{Now: now, Horizon: canvas.MaxHorizon, Period: day}, ""},
	}
	for _, c := range cases {
		p, err := canvas.NewPlanner[ctx](nil, c.opts)
		var oe *canvas.OptionError
		switch {
		case c.option == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.option != "" && (p != nil || !errors.Is(err, canvas.ErrInvalidOption) || !errors.As(err, &oe) || oe.Option != c.option):
			t.Errorf("%s: got %v, want an OptionError for %s", c.name, err, c.option)
		}
	}
	// Every problem at once.
	_, err := canvas.NewPlanner[ctx](nil, canvas.Options{Horizon: -1, Period: -1})
	for _, want := range []string{"Now", "Horizon", "Period"} {
		if err == nil || !strings.Contains(err.Error(), "option "+want) {
			t.Errorf("missing %s in %v", want, err)
		}
	}
}

// None says zero: no pushes, no adviser time.
func TestNone(t *testing.T) {
	alerts := []advisory.Alert{{ClientID: "a", Type: "push", Urgency: 0.9, Sensitivity: 0.1}, {ClientID: "b", Type: "adviser", Urgency: 0.9, Sensitivity: 0.9}}
	clients := map[string]canvas.Client[ctx]{"a": client("a", canvas.AppPush), "b": client("b", canvas.AdviserMeeting)}
	plan := mustPlan(must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now, PressureCap: canvas.None, AdviserCapacity: canvas.None})).Plan(ctxBG, alerts, clients))
	var reasons []canvas.DeferReason
	for _, d := range plan.Deferred {
		reasons = append(reasons, d.Reason)
	}
	if d := cmp.Diff([]canvas.DeferReason{canvas.AdviserCapacity, canvas.PressureCap}, reasons); d != "" || len(plan.FollowUps) != 0 {
		t.Errorf("(-want +got):\n%s", d)
	}
}

// A threshold of None is zero: every position is on its side of it.
func TestThresholdNone(t *testing.T) {
	th := canvas.Thresholds{Urgent: canvas.None, Sensitive: canvas.None}
	if q := th.Quadrant(canvas.Position{}); q != canvas.UrgentSensitive {
		t.Errorf("zero position with None thresholds in %v", q)
	}
	if _, err := canvas.NewPlanner[ctx](nil, canvas.Options{Now: now, Thresholds: th}); err != nil {
		t.Error(err)
	}
	if _, err := canvas.NewPlanner[ctx](nil, canvas.Options{Now: now, Thresholds: canvas.Thresholds{Urgent: -0.5}}); err == nil {
		t.Error("a negative threshold other than None is accepted")
	}
}

// Horizons past eight periods count pushes per period too.
func TestLongHorizonPressure(t *testing.T) {
	var alerts []advisory.Alert
	for i := range 30 {
		alerts = append(alerts, advisory.Alert{ClientID: "a", Type: fmt.Sprint("t", i), Urgency: 0.9, Sensitivity: 0.1})
	}
	plan := mustPlan(must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now, PressureCap: 2, Horizon: 12})).Plan(ctxBG, alerts, map[string]canvas.Client[ctx]{"a": client("a", canvas.AppPush)}))
	per := map[time.Time]int{}
	for _, f := range plan.FollowUps {
		per[f.When]++
	}
	if len(plan.FollowUps) != 24 || len(per) != 12 || plan.Totals.Deferred != 6 {
		t.Errorf("%d follow-ups in %d periods, %d deferred", len(plan.FollowUps), len(per), plan.Totals.Deferred)
	}
	for w, n := range per {
		if n != 2 {
			t.Errorf("%d pushes in the period of %v", n, w)
		}
	}
}

// The planner keeps the playbook it checked: changing the caller's
// afterwards changes nothing.
func TestPlannerOwnsItsPlaybook(t *testing.T) {
	pb := canvas.DefaultPlaybook()
	planner := must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now, Playbook: &pb}))
	alerts := []advisory.Alert{{ClientID: "a", Type: "t", Urgency: 0.9, Sensitivity: 0.1}}
	clients := map[string]canvas.Client[ctx]{"a": client("a")}
	before := mustPlan(planner.Plan(ctxBG, alerts, clients))
	pb.Quadrants[canvas.UrgentRoutine].Channels[0] = canvas.ChannelUnknown
	pb.Quadrants[canvas.UrgentRoutine] = canvas.Play{Action: canvas.ActionUnknown, Within: -day}
	if d := cmp.Diff(before, mustPlan(planner.Plan(ctxBG, alerts, clients))); d != "" {
		t.Errorf("the caller's playbook changed the plan:\n%s", d)
	}
}

// A client found under another id than its own is not planned, on the
// one-goroutine path and the parallel one alike: its consent and budget
// are another client's. A record without an id is the one looked up.
func TestClientOfAnotherIDIsUnknown(t *testing.T) {
	var alerts []advisory.Alert
	for i := range 20_000 { // past the parallel plan's threshold
		alerts = append(alerts, advisory.Alert{ClientID: fmt.Sprintf("c%03d", i%300), Type: "t", RuleID: fmt.Sprint("r", i), Urgency: 0.9, Sensitivity: 0.2})
	}
	clients := map[string]canvas.Client[ctx]{}
	for i := range 300 {
		id := fmt.Sprintf("c%03d", i)
		c := client(id)
		switch i % 3 {
		case 1:
			c.ID = "" // no id of its own: the one looked up
		case 2:
			c.ID = fmt.Sprintf("c%03d", (i+1)%300) // another client's record
		}
		clients[id] = c
	}
	p := must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: now}))
	sorted := slices.Clone(alerts) // each client's alerts one run: looked up on the workers
	slices.SortStableFunc(sorted, func(a, b advisory.Alert) int { return strings.Compare(a.ClientID, b.ClientID) })
	for _, run := range []struct {
		workers int
		alerts  []advisory.Alert
	}{{1, alerts}, {2, alerts}, {1, sorted}, {2, sorted}} {
		workers := run.workers
		plan := mustPlan(canvas.Parallel(p, workers, 1).Plan(ctxBG, run.alerts, clients))
		for _, f := range plan.FollowUps {
			if n, _ := strconv.Atoi(f.ClientID[1:]); n%3 == 2 {
				t.Fatalf("workers %d: client %s planned on another client's record", workers, f.ClientID)
			}
		}
		unknown := 0
		for _, d := range plan.Deferred {
			n, _ := strconv.Atoi(d.Item.Alert.ClientID[1:])
			if (d.Reason == canvas.UnknownClient) != (n%3 == 2) {
				t.Fatalf("workers %d: %s deferred as %s", workers, d.Item.Alert.ClientID, d.Reason)
			}
			if d.Reason == canvas.UnknownClient {
				unknown++
			}
		}
		if want := 20_000 / 3; unknown < want-1 || unknown > want+1 {
			t.Errorf("workers %d: %d alerts deferred as unknown, want about %d", workers, unknown, want)
		}
	}
}
