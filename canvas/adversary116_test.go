package canvas_test

// Adversary 116. Each test below fails on the code as it stands, from a
// library defect; the comment above each says which promise it breaks,
// what was seen, and where the mechanism probably lies.

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
)

var now116 = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

// risk116 is a host enum of the usual Go kind: a String method that names
// the known values and calls every other one "unknown". JSON writes it as
// its number (it has no MarshalJSON or MarshalText).
type risk116 int

func (r risk116) String() string {
	switch r {
	case 1:
		return "low"
	case 2:
		return "high"
	}
	return "unknown"
}

func planJSON116(t *testing.T, p *canvas.Planner[struct{}], alerts []advisory.Alert, clients map[string]canvas.Client[struct{}]) string {
	t.Helper()
	plan, err := p.Plan(context.Background(), alerts, clients)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(plan)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Contract: Plan: "The order is total: ... then the first item (urgency,
// sensitivity, alert type, rule id, path, and the rest of the alert's
// content); contacts equal in all of that are interchangeable. So the plan
// is the same for any order of the alerts." Plan type: "Everything in it
// depends on the alerts' content, never on their order." (And
// internal/valuetext, which the order reads the outputs and evidence
// through: "two values with one text print alike everywhere".)
//
// Observed: two alerts of one client that differ only in an output of a
// host enum type, risk116(3) and risk116(4) (JSON: 3 and 4), are bundled
// into one email; their order in the agenda is the order they were given
// in, so the two input orders give two different plans (the JSON of the
// plan differs: items[0] has "risk":3 one way and "risk":4 the other).
//
// Mechanism (guess): internal/valuetext/valuetext.go, writer.write's
// default case writes an int/uint/bool/complex kind with fmt's "%v" on the
// reflect.Value, and fmt calls the value's String (or Error, or Format)
// method: a host's lossy String makes different values one text, so
// canvas/order.go alertOrder ties them and the sort keeps the input order.
// (The same host method also runs on sortStrict's bare goroutine.) The
// value's own digits (v.Int(), as digest.go reads them) would tell them
// apart.
func TestAdversary116LossyStringerTiesAlerts(t *testing.T) {
	p, err := canvas.NewPlanner[struct{}](nil, canvas.Options{Now: now116, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	clients := map[string]canvas.Client[struct{}]{"c": {ID: "c", Consent: []canvas.Channel{canvas.Email}}}
	mk := func(r risk116) advisory.Alert {
		return advisory.Alert{ClientID: "c", Type: "t", RuleID: "r", Urgency: 0.9, Sensitivity: 0.9,
			Outputs: map[string]any{"risk": r}}
	}
	a, b := mk(3), mk(4)
	ab := planJSON116(t, p, []advisory.Alert{a, b}, clients)
	ba := planJSON116(t, p, []advisory.Alert{b, a}, clients)
	if ab != ba {
		t.Errorf("the plan depends on the alerts' order (outputs risk 3 and risk 4, which JSON writes apart):\n a,b: %s\n b,a: %s", ab, ba)
	}
}

// Contract: Plan type: "Everything in it depends on the alerts' content,
// never on their order"; internal/valuetext's package doc: "a value of
// more than a few thousand parts ends in a digest of the whole".
//
// Observed: two alerts of one client whose outputs are byte lists of
// 2^20+8 bytes differing only in their last byte (JSON writes them as
// lists of numbers, which differ) tie: bundled into one email, the item
// given first comes first, so the two input orders give two plans.
//
// Mechanism (guess): internal/valuetext/digest.go, maxDigestParts (2^20):
// past it every part digests as "…", so the digest is of the value's
// first million parts, not of the whole; the text itself stops at 4,096
// parts, and canvas/order.go alertOrder then ties the two alerts. The cap
// guards against a value whose parts reach back to an ancestor (read
// 2^depth times); a flat list read once part by part needs no cap.
func TestAdversary116DigestIgnoresTailOfLargeOutput(t *testing.T) {
	p, err := canvas.NewPlanner[struct{}](nil, canvas.Options{Now: now116, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	clients := map[string]canvas.Client[struct{}]{"c": {ID: "c", Consent: []canvas.Channel{canvas.Email}}}
	mk := func(last byte) advisory.Alert {
		doc := make([]byte, 1<<20+8)
		doc[len(doc)-1] = last
		return advisory.Alert{ClientID: "c", Type: "t", RuleID: "r", Urgency: 0.9, Sensitivity: 0.9,
			Outputs: map[string]any{"doc": doc}}
	}
	a, b := mk(1), mk(2)
	first := func(alerts []advisory.Alert) byte {
		plan, err := p.Plan(context.Background(), alerts, clients)
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.FollowUps) != 1 || len(plan.FollowUps[0].Items) != 2 {
			t.Fatalf("want one email with both alerts, got %d follow-ups", len(plan.FollowUps))
		}
		doc := plan.FollowUps[0].Items[0].Alert.Outputs["doc"].([]byte)
		return doc[len(doc)-1]
	}
	if x, y := first([]advisory.Alert{a, b}), first([]advisory.Alert{b, a}); x != y {
		t.Errorf("the agenda's first item depends on the alerts' order: its output ends in %d given a,b and in %d given b,a", x, y)
	}
}

// Contract: Deferral: "NextSlot ... from when it can be planned (zero when
// that needs the host: consent, a client record, a budget, a
// placement)"; Options: Now is required and "a plan reaching past the
// year 9999 ... is an error" (a plan in the year 1 is accepted).
//
// Observed: Now = 0001-01-01T00:00:00+01:00 (the year 1 where the plan
// is made; NewPlanner accepts it), Period an hour, Horizon 1, PressureCap
// 1, two app pushes for one client: the second is deferred as
// pressure_cap, which the next period would take, yet its NextSlot,
// Now + 1h = 0001-01-01T01:00:00+01:00, is the zero instant:
// NextSlot.IsZero() is true, the mark of a deferral that needs the host.
// (A follow-up's When or Due can be the zero instant the same way.)
//
// Mechanism (guess): canvas/options.go checkDates: inRange reads the year
// in Now's own zone, so a plan whose dates include the instant of
// time.Time{} (0001-01-01T00:00:00Z) is accepted; schedule.go nextSlot
// then returns Now.Add(Horizon*Period), which Time.IsZero (an instant
// test) reads as "never".
func TestAdversary116NextSlotIsZeroTime(t *testing.T) {
	start := time.Date(1, 1, 1, 0, 0, 0, 0, time.FixedZone("", 3600))
	p, err := canvas.NewPlanner[struct{}](nil, canvas.Options{Now: start, Period: time.Hour, Horizon: 1, PressureCap: 1})
	if err != nil {
		t.Skipf("NewPlanner refuses a Now of %v (%v): then no such plan is made", start, err)
	}
	alerts := []advisory.Alert{{ClientID: "c", Type: "a", Urgency: 0.9}, {ClientID: "c", Type: "b", Urgency: 0.9}}
	plan, err := p.Plan(context.Background(), alerts, map[string]canvas.Client[struct{}]{"c": {ID: "c", Consent: []canvas.Channel{canvas.AppPush}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Deferred) != 1 || plan.Deferred[0].Reason != canvas.PressureCap {
		t.Fatalf("want one alert deferred for the pressure cap, got %+v", plan.Deferred)
	}
	if d := plan.Deferred[0]; d.NextSlot.IsZero() {
		t.Errorf("a pressure-cap deferral, plannable in the period after the horizon, has NextSlot %v, which IsZero: it reads as one that needs the host", d.NextSlot)
	}
}

// Contract: NewPlanner: "It checks the options (see [Options]); every
// problem is reported as an *[OptionError], joined with errors.Join."
//
// Observed: with Thresholds{Urgent: NaN, Sensitive: 2} the error's
// Unwrap() []error holds one element, itself an errors.Join of the two
// threshold problems, not an *OptionError: a host that lists the
// problems one level down (as errors.Join's errors are listed) finds
// something that is no OptionError. Every other option's problem is an
// *OptionError at that level.
//
// Mechanism (guess): canvas/place.go Thresholds.check returns
// errors.Join(errs...), which canvas/options.go resolve appends as one
// error among the others and joins again (the playbook's and the dates'
// problems are appended one by one).
func TestAdversary116ThresholdProblemsJoinedTwice(t *testing.T) {
	_, err := canvas.NewPlanner[struct{}](nil, canvas.Options{Now: now116, Thresholds: canvas.Thresholds{Urgent: math.NaN(), Sensitive: 2}})
	if err == nil {
		t.Fatal("NaN and 2 as thresholds are accepted")
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("the error %T is not an errors.Join", err)
	}
	n := 0
	for _, e := range joined.Unwrap() {
		var oe *canvas.OptionError
		if !errors.As(e, &oe) || e != error(oe) {
			t.Errorf("a problem of the joined error is a %T, not an *OptionError: %q", e, e)
			continue
		}
		n++
	}
	if n != 2 {
		t.Errorf("%d *OptionErrors among the joined problems, want 2 (Thresholds.Urgent and Thresholds.Sensitive)", n)
	}
}
