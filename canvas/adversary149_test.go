package canvas_test

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
	"github.com/engagekit/engagekit/internal/testguard"
	"github.com/engagekit/engagekit/segment"
)

// Round 149: hostile capacities, consent, ties and nil receivers.

const limit149 = 20 * time.Second

var now149 = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

// Was (fixed): a nil *Placement panics in Place (nil pointer dereference),
// while every sibling the library hands out answers a nil receiver with
// a typed error or its documented default: a nil *Planner's Plan is an
// *OptionError, a nil *segment.Custom's Assign an ErrNoDefault, a nil
// *segment.EngagementRule's Score dsl.ErrNotCompiled; and NewPlanner
// itself takes a nil placement as "alerts keep their rules' positions".
// Input: (*canvas.Placement[struct{}])(nil).Place(alert{u 0.5, s 0.7}, ...).
// Expected: no panic; the alert's own position (as a nil placement means
// to NewPlanner and a zero Placement gives), or an error.
// Got before the fix: runtime error: invalid memory address or nil pointer dereference.
func TestAdversary149_NilPlacementPlacePanics_Pinned(t *testing.T) {
	a := advisory.Alert{ClientID: "c", Type: "x", Urgency: 0.5, Sensitivity: 0.7}
	testguard.Run(t, limit149, func() {
		var zero canvas.Placement[struct{}]
		want, err := zero.Place(a, struct{}{}, now149)
		if err != nil || want != (canvas.Position{Urgency: 0.5, Sensitivity: 0.7}) {
			t.Errorf("zero Placement: %v, %v", want, err)
		}
		var p *canvas.Placement[struct{}]
		got, err := p.Place(a, struct{}{}, now149)
		if err == nil && got != want {
			t.Errorf("nil Placement placed the alert at %v, its own position is %v", got, want)
		}
	})
}

// Was (fixed): Thresholds.Quadrant silently decides a quadrant for a NaN
// threshold: every comparison with NaN is false, so an urgent,
// advice-sensitive position is labelled planned (not urgent). A NaN
// position is in no quadrant (QuadrantUnknown, as documented); a NaN
// threshold decides just as little, and NewPlanner refuses one, but
// Quadrant is exported and hosts call it on thresholds of their own
// (read from config, as the planner's are not exposed).
// Input: Thresholds{Urgent: NaN}.Quadrant(Position{0.9, 0.9}), and
// Thresholds{Sensitive: NaN}.Quadrant(Position{0.9, 0.9}).
// Expected: QuadrantUnknown (no quadrant), as for a NaN coordinate.
// Got before the fix: planned_sensitive and urgent_routine.
func TestAdversary149_NaNThresholdDecidesQuadrant_Pinned(t *testing.T) {
	p := canvas.Position{Urgency: 0.9, Sensitivity: 0.9}
	for _, th := range []canvas.Thresholds{{Urgent: math.NaN()}, {Sensitive: math.NaN()}, {Urgent: math.NaN(), Sensitive: math.NaN()}} {
		if q := th.Quadrant(p); q != canvas.QuadrantUnknown {
			t.Errorf("%+v.Quadrant(%v) = %v; a NaN threshold decides nothing (want %v)", th, p, q, canvas.QuadrantUnknown)
		}
	}
}

// book149 is a small book of hostile clients: one who refused every
// channel, one of no consent at all, one whose consent names only
// channels that do not exist, and two ordinary ones whose alerts tie in
// every number.
func book149() ([]advisory.Alert, map[string]canvas.Client[struct{}]) {
	all := []canvas.Channel{canvas.Email, canvas.AppPush, canvas.Letter, canvas.SMS, canvas.WhatsApp, canvas.PhoneBackOffice,
		canvas.PhoneAdviser, canvas.ReviewMeeting, canvas.PortalNudge, canvas.Mailing, canvas.Newsletter, canvas.AdviserMeeting}
	clients := map[string]canvas.Client[struct{}]{
		"refuser":  {ID: "refuser", Consent: []canvas.Channel{}, Policy: segment.Policy{Channels: []string{"email", "newsletter"}}},
		"nil":      {Policy: segment.DefaultPolicies()[segment.A]},
		"phantom":  {ID: "phantom", Consent: []canvas.Channel{canvas.ChannelUnknown, canvas.Channel(200), canvas.Channel(13)}},
		"a":        {ID: "a", Consent: all, Policy: segment.Policy{TouchesPerYear: math.MaxInt}, TouchesUsed: math.MaxInt - 1},
		"b":        {ID: "b", Consent: all, TouchesUsed: math.MinInt},
		"dup-1":    {ID: "dup-1", Consent: all},
		"dup":      {ID: "dup", Consent: all},
		"budgeted": {ID: "budgeted", Consent: all, Policy: segment.Policy{TouchesPerYear: 1}},
	}
	var alerts []advisory.Alert
	for _, id := range []string{"refuser", "nil", "phantom", "a", "b", "dup-1", "dup", "budgeted", "ghost"} {
		for _, pos := range [][2]float64{{0.9, 0.9}, {0.9, 0.1}, {0.1, 0.9}, {0.1, 0.1}, {0.9, 0.1}, {0.9, 0.1}, {0.9, 0.1}} {
			alerts = append(alerts, advisory.Alert{ClientID: id, Type: "t", RuleID: "r", Urgency: pos[0], Sensitivity: pos[1]})
		}
	}
	return alerts, clients
}

// Pinned: capacities at their extremes (None, MaxInt), clients who
// consented to nothing or to channels that do not exist, touch counts at
// MaxInt and MinInt, ids that look like follow-up ids, and ties in every
// number: every alert is accounted for, the reasons are the documented
// ones, follow-up ids are distinct, and the plan is the same on one
// goroutine, on many, for the alerts reversed, and after a JSON round
// trip (encode, decode, encode gives the same bytes).
func TestAdversary149_HostileCapacitiesPinned(t *testing.T) {
	alerts, clients := book149()
	for _, o := range []canvas.Options{
		{AdviserCapacity: canvas.None, PressureCap: canvas.None},
		{AdviserCapacity: math.MaxInt, PressureCap: math.MaxInt, Horizon: canvas.MaxHorizon, Period: time.Nanosecond},
		{AdviserCapacity: 1, PressureCap: 1, Horizon: 1},
		{BundleBoost: canvas.None, Thresholds: canvas.Thresholds{Urgent: canvas.None, Sensitive: 1}, Workers: math.MaxInt},
	} {
		o.Now = now149
		p, err := canvas.NewPlanner[struct{}](nil, o)
		if err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		testguard.Run(t, limit149, func() {
			seq, err := canvas.Parallel(p, 1, 1).Plan(t.Context(), alerts, clients)
			if err != nil {
				t.Fatal(err)
			}
			if tot := seq.Totals; tot.Alerts != len(alerts) || tot.Planned+tot.Deferred != tot.Alerts || len(seq.Deferred) != tot.Deferred {
				t.Errorf("%+v: totals %+v, %d deferrals", o, tot, len(seq.Deferred))
			}
			ids := map[string]bool{}
			for _, f := range seq.FollowUps {
				if ids[f.ID] {
					t.Errorf("two follow-ups are %q", f.ID)
				}
				ids[f.ID] = true
				if f.ClientID == "refuser" || f.ClientID == "phantom" || f.ClientID == "ghost" {
					t.Errorf("follow-up %s for a client who consented to nothing, or is unknown", f.ID)
				}
			}
			for _, d := range seq.Deferred {
				switch id := d.Item.Alert.ClientID; {
				case id == "ghost" && d.Reason != canvas.UnknownClient,
					(id == "refuser" || id == "phantom") && d.Reason != canvas.NoConsentedChannel:
					t.Errorf("%+v: alert of %q deferred as %q", o, id, d.Reason)
				case d.Reason == canvas.TouchBudget && !d.NextSlot.IsZero():
					t.Errorf("touch budget deferral with next slot %v", d.NextSlot)
				}
			}
			enc := func(pl canvas.Plan) string {
				b, err := json.Marshal(pl)
				if err != nil {
					t.Fatalf("plan does not encode: %v", err)
				}
				return string(b)
			}
			want := enc(seq)
			par, err := canvas.Parallel(p, 4, 1).Plan(t.Context(), alerts, clients)
			if err != nil || enc(par) != want {
				t.Errorf("%+v: the parallel plan differs (%v)", o, err)
			}
			rev := slices.Clone(alerts)
			slices.Reverse(rev)
			if r, err := canvas.Parallel(p, 1, 1).Plan(t.Context(), rev, clients); err != nil || enc(r) != want {
				t.Errorf("%+v: the plan of the alerts reversed differs (%v)", o, err)
			}
			var back canvas.Plan
			if err := json.Unmarshal([]byte(want), &back); err != nil || enc(back) != want {
				t.Errorf("%+v: the plan does not read back (%v)", o, err)
			}
			if !slices.EqualFunc(canvas.Loop(back, nil), canvas.Loop(seq, nil), func(a, b canvas.Rate) bool { return a == b }) {
				t.Errorf("%+v: Loop of the plan read back differs", o)
			}
		})
	}
}

// Pinned: a play naming no channel, for a client whose policy names none
// either, defers; a zero Placement keeps the alert's position, and a
// NaN or infinite one is ErrNotFinite, never a guess.
func TestAdversary149_NoChannelAndNonFinitePinned(t *testing.T) {
	pb := canvas.DefaultPlaybook()
	pb.Types = map[string]canvas.Play{"silent": {Action: canvas.SelfService}}
	p, err := canvas.NewPlanner[struct{}](nil, canvas.Options{Now: now149, Playbook: &pb})
	if err != nil {
		t.Fatal(err)
	}
	alerts := []advisory.Alert{{ClientID: "c", Type: "silent", Urgency: 0.9, Sensitivity: 0.9},
		{ClientID: "c", Type: "x", Urgency: math.NaN(), Sensitivity: 0.5}, {ClientID: "c", Type: "x", Urgency: math.Inf(1), Sensitivity: 0.5}}
	pl, err := p.Plan(t.Context(), alerts, map[string]canvas.Client[struct{}]{"c": {Consent: []canvas.Channel{canvas.Email}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(pl.FollowUps) != 0 || pl.Totals.Deferred != 3 {
		t.Fatalf("plan %+v", pl)
	}
	reasons := map[canvas.DeferReason]int{}
	for _, d := range pl.Deferred {
		reasons[d.Reason]++
	}
	if reasons[canvas.NoConsentedChannel] != 1 || reasons[canvas.PlacementFailed] != 2 {
		t.Errorf("reasons %v", reasons)
	}
	var zero canvas.Placement[struct{}]
	if _, err := zero.Place(alerts[1], struct{}{}, now149); !errors.Is(err, canvas.ErrNotFinite) {
		t.Errorf("NaN urgency placed: %v", err)
	}
}
