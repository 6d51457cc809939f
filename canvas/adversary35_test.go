package canvas_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
)

// optionErrors35 flattens an errors.Join tree into its *OptionError leaves.
func optionErrors35(err error) []*canvas.OptionError {
	var out []*canvas.OptionError
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if oe, ok := e.(*canvas.OptionError); ok {
			out = append(out, oe)
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		walk(errors.Unwrap(e))
	}
	walk(err)
	return out
}

// Promise (doc.go): "[NewPlanner] checks its [Options] and reports every
// problem at once"; NewPlanner: "every problem is reported as an
// *[OptionError], joined with errors.Join"; Options: "a plan reaching past
// the year 9999 (which JSON cannot write) is an error".
// Broken: resolve runs checkDates only when no other option is wrong, so a
// Now in the year 10000 (which depends on no other option) goes unreported
// as soon as any other option is bad. Minimal input: Options{Now:
// 10000-01-01, Workers: -1} reports Workers alone; fixing Workers then
// reveals the Now error — two rounds where one was promised.
func TestAdversary35_DatesUnreportedBesideOtherErrors(t *testing.T) {
	far := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	_, err := canvas.NewPlanner[ctx](nil, canvas.Options{Now: far, Workers: -1})
	got := map[string]bool{}
	for _, oe := range optionErrors35(err) {
		got[oe.Option] = true
	}
	if !got["Workers"] || !got["Now"] {
		t.Errorf("Options{Now: year 10000, Workers: -1}: reported %v, want both Workers and Now (err: %v)", got, err)
	}
	// Alone, the Now error is reported: the check exists, it is skipped.
	if _, err := canvas.NewPlanner[ctx](nil, canvas.Options{Now: far}); err == nil {
		t.Fatal("Now in the year 10000 accepted")
	}
}

// Promise (README, Design): "Every step is a pure function of its
// inputs"; NewPlanner reports every problem with the options (Playbook:
// "a play for %s, which is no quadrant"), and Playbook.check reports the
// types' plays in sorted order precisely so the error does not depend on
// map order.
// Broken: the plays keyed by something that is no quadrant are reported in
// Go's random map iteration order, so the same Options give a different
// error text from call to call. Minimal input: DefaultPlaybook plus plays
// for Quadrant(0) and Quadrant(5..11); 20 calls of NewPlanner give several
// different error strings.
func TestAdversary35_PlaybookErrorOrderFollowsMapOrder(t *testing.T) {
	pb := canvas.DefaultPlaybook()
	pb.Quadrants[canvas.QuadrantUnknown] = canvas.Play{Action: canvas.SelfService}
	for q := 5; q < 12; q++ {
		pb.Quadrants[canvas.Quadrant(q)] = canvas.Play{Action: canvas.SelfService}
	}
	seen := map[string]bool{}
	for range 20 {
		_, err := canvas.NewPlanner[ctx](nil, canvas.Options{Now: now, Playbook: &pb})
		if err == nil {
			t.Fatal("plays for no quadrant accepted")
		}
		seen[err.Error()] = true
	}
	if len(seen) != 1 {
		t.Errorf("one set of options gave %d different error texts in 20 calls of NewPlanner", len(seen))
	}
}

// Promise: Channel "The zero value is [ChannelUnknown]"; "MarshalText
// encodes the channel as its name", "UnmarshalText decodes a channel from
// its name"; README: every result marshals to JSON (and Quadrant and
// Action decode every text their String gives, "so that a plan's JSON
// reads back").
// Broken: Channel's own text does not read back: the zero Channel encodes
// as "unknown" and a channel without a name as "Channel(77)", and
// UnmarshalText refuses both, so a zero FollowUp (or any struct holding a
// zero Channel) encodes to JSON that json.Unmarshal rejects. Minimal
// input: json.Marshal(canvas.FollowUp{}) then json.Unmarshal into a
// FollowUp: "canvas: unknown channel \"unknown\"".
func TestAdversary35_ChannelTextDoesNotReadBack(t *testing.T) {
	for _, ch := range []canvas.Channel{canvas.ChannelUnknown, canvas.Channel(77)} {
		text, err := ch.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back canvas.Channel
		if err := back.UnmarshalText(text); err != nil || back != ch {
			t.Errorf("Channel %d encodes as %q, which decodes to %d, %v", uint8(ch), text, uint8(back), err)
		}
	}
	b, err := json.Marshal(canvas.FollowUp{})
	if err != nil {
		t.Fatal(err)
	}
	var f canvas.FollowUp
	if err := json.Unmarshal(b, &f); err != nil {
		t.Errorf("the JSON of a zero FollowUp does not read back: %v", err)
	}
}

// Promise (Deferral): "Deferral is an alert not planned inside the
// horizon: why, and from when it can be planned (zero when that needs the
// host: consent, a client record, a budget, a placement)"; the schedule
// itself gives a touch-budget deferral a zero NextSlot because "no period
// would do".
// Broken: under PressureCap: None ("no pushes: every push is deferred as
// [PressureCap]") no period would do either, yet the deferral names the
// end of the horizon as the slot it can be planned from; planning again
// from that very slot defers it again, with the next horizon's end, and so
// on forever. Minimal input: one urgent routine alert, its client
// consenting to app push only, Options{PressureCap: None}.
func TestAdversary35_NoPushesDeferralPromisesASlot(t *testing.T) {
	alerts := []advisory.Alert{{ClientID: "a", Type: "t", RuleID: "r", Urgency: 0.9, Sensitivity: 0.1}}
	clients := map[string]canvas.Client[ctx]{"a": client("a", canvas.AppPush)}
	opts := canvas.Options{Now: now, PressureCap: canvas.None}
	plan := mustPlan(must(canvas.NewPlanner[ctx](nil, opts)).Plan(ctxBG, alerts, clients))
	if len(plan.Deferred) != 1 || plan.Deferred[0].Reason != canvas.PressureCap {
		t.Fatalf("want one pressure-cap deferral, got %+v", plan.Deferred)
	}
	next := plan.Deferred[0].NextSlot
	if next.IsZero() {
		return
	}
	opts.Now = next
	again := mustPlan(must(canvas.NewPlanner[ctx](nil, opts)).Plan(ctxBG, alerts, clients))
	t.Errorf("deferred with NextSlot %v, but planned from that slot it is deferred again (%d follow-ups, NextSlot %v): no period would ever do, so NextSlot should be zero",
		next.Format(time.DateOnly), len(again.FollowUps), again.Deferred[0].NextSlot.Format(time.DateOnly))
}
