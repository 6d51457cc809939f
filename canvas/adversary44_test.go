package canvas

// Adversary 44: failing tests, one defect each, for package canvas.

import (
	"context"
	"encoding/json"
	"regexp"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/dsl"
)

// a44Ctx is the client context the tests' placement rules read.
type a44Ctx struct {
	Age int `expr:"age"`
}

var a44Now = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// Promise broken: Channel.UnmarshalText (channel.go): "so that any plan's
// JSON reads back"; Quadrant.UnmarshalText (place.go): "so that a plan's
// JSON reads back"; Options (options.go): a plan JSON cannot write is an
// error, and checkDates "rejects a plan whose dates JSON cannot write".
// Observed: NewPlanner accepts a Now whose zone's offset has seconds
// (+00:19:32, the local mean time a tz database gives Amsterdam before
// 1937, here as a FixedZone). RFC 3339, JSON's form of a time, writes the
// offset in whole minutes, so every When and Due is written 32 seconds
// off: the plan encodes without error and reads back with different
// instants. Expected: such a Now refused as an OptionError (as an offset
// of 24 hours is), or the plan's times reading back as the same instants.
func TestAdversary44_SubMinuteZoneShiftsPlanInJSON(t *testing.T) {
	lmt := time.FixedZone("LMT", 19*60+32)
	p, err := NewPlanner[a44Ctx](nil, Options{Now: time.Date(1930, 3, 3, 9, 0, 0, 0, lmt)})
	if err != nil {
		return // refused: the fix
	}
	alerts := []advisory.Alert{{ClientID: "c", Type: "t", RuleID: "r", Urgency: 0.9, Sensitivity: 0.1}}
	plan, err := p.Plan(context.Background(), alerts, map[string]Client[a44Ctx]{"c": {ID: "c", Consent: []Channel{AppPush}}})
	if err != nil || len(plan.FollowUps) != 1 {
		t.Fatalf("setup: %v, %+v", err, plan)
	}
	b, err := json.Marshal(plan)
	if err != nil {
		t.Fatalf("the plan does not encode: %v", err)
	}
	var back Plan
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("the plan does not decode: %v", err)
	}
	got, want := back.FollowUps[0], plan.FollowUps[0]
	if !got.When.Equal(want.When) || !got.Due.Equal(want.Due) {
		t.Errorf("a plan read back from its JSON is another plan: When %v read back as %v (%v off), Due %v as %v",
			want.When, got.When, want.When.Sub(got.When), want.Due, got.Due)
	}
}

// Promise broken: Channel.UnmarshalText (channel.go): it decodes
// "unknown" and "Channel(n)" so that plans read back, "(a planner refuses
// both in a playbook, and ParseChannel takes names only)"; ParseChannel:
// "returns the channel of a name".
// Observed: ParseChannel is UnmarshalText itself, so it takes the
// non-names too: ParseChannel("unknown") is ChannelUnknown with no error,
// ParseChannel("Channel(200)") is Channel(200) with no error (and
// "Channel(013)", which no String writes, is Channel(13)). A host parsing
// a consent or a policy's channel from its own data gets a channel no
// planner knows instead of an error. Expected: an error for each.
func TestAdversary44_ParseChannelTakesNonNames(t *testing.T) {
	for _, s := range []string{"unknown", "Channel(200)", "Channel(013)"} {
		if c, err := ParseChannel(s); err == nil {
			t.Errorf("ParseChannel(%q) = %v, nil error; want an error: it is no channel's name", s, c)
		}
	}
}

// Promise broken: the standard that a library call writes nothing of its
// caller's ("no global mutable state"; compiled artifacts immutable and
// safe for concurrent use), which segment.NewCustom keeps by copying its
// options ("appending to the caller's slice would write into its spare
// capacity, which another compile may share", fixed in round 31).
// Observed: NewPlacement compiles each rule with append(opts,
// dsl.WithID(...)), which writes into the spare capacity of the caller's
// slice: a host holding base options (len 1, cap 2) and its own extension
// of them with its constants finds, after NewPlacement(rules, base...),
// its extension's constants replaced by NewPlacement's rule id option
// (dsl.Consts of it goes from {K: 5} to empty). Two goroutines compiling
// placements from one options slice race on it. Expected: the caller's
// slice untouched.
func TestAdversary44_NewPlacementWritesCallerOptions(t *testing.T) {
	base := make([]dsl.Option, 1, 2)
	base[0] = dsl.WithLimits(dsl.Limits{})
	mine := append(base, dsl.WithConsts(map[string]any{"K": 5}))
	if got := dsl.Consts(mine...); got["K"] != 5 {
		t.Fatalf("setup: %v", got)
	}
	if _, err := NewPlacement[a44Ctx]([]TypeRule{{Type: "t", Urgency: "0.5"}}, base...); err != nil {
		t.Fatal(err)
	}
	if got := dsl.Consts(mine...); got["K"] != 5 {
		t.Errorf("NewPlacement(rules, base...) overwrote the caller's options sharing base's array: its constants are now %v, want map[K:5]", got)
	}
}

// Promise broken: the standard "nothing panics out of the library"; the
// plan is JSON data a host stores and reads back (Quadrant, Action and
// Channel decode "so that a plan's JSON reads back").
// Observed: Plan.Items sizes its result by Totals.Planned, trusting it:
// a plan read from JSON whose totals do not match its follow-ups (a
// negative count, or a huge one) panics with "makeslice: cap out of
// range" (or allocates what the count says). Expected: the items of the
// follow-ups and deferrals the plan holds, whatever its totals say.
func TestAdversary44_PlanItemsPanicsOnDecodedTotals(t *testing.T) {
	var plan Plan
	if err := json.Unmarshal([]byte(`{"follow_ups":[],"totals":{"alerts":0,"planned":-1,"deferred":0}}`), &plan); err != nil {
		t.Fatal(err)
	}
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("Plan.Items of a plan read from JSON with totals.planned -1 panicked: %v", r)
		}
	}()
	if items := plan.Items(); len(items) != 0 {
		t.Errorf("items %v, want none", items)
	}
}

// Promise broken: Picture (picture.go): "each alert type as a numbered
// circle at its mean placement ... an item whose position is not finite
// counts in the legend but not in its type's circle ... items are
// typically every planned and deferred item of a plan ([Plan.Items])".
// Observed: an alert deferred before placement (its client unknown, or
// its placement failed) is in Plan.Items with the zero Position and
// QuadrantUnknown: it has no placement, yet aggregateTypes averages its
// (0, 0) into its type's circle. One alert of type t placed at (0.9, 0.9)
// and one of t for an unknown client draw t's circle at (0.45, 0.45), in
// another quadrant than any alert of t was placed in. Expected: the
// circle at the mean of the placed items, (0.9, 0.9) (the unplaced one
// counted in the legend only).
func TestAdversary44_PictureAveragesUnplacedItems(t *testing.T) {
	p, err := NewPlanner[a44Ctx](nil, Options{Now: a44Now})
	if err != nil {
		t.Fatal(err)
	}
	alerts := []advisory.Alert{
		{ClientID: "known", Type: "t", RuleID: "r", Urgency: 0.9, Sensitivity: 0.9},
		{ClientID: "unknown", Type: "t", RuleID: "r", Urgency: 0.9, Sensitivity: 0.9},
	}
	plan, err := p.Plan(context.Background(), alerts, map[string]Client[a44Ctx]{"known": {ID: "known", Consent: []Channel{PhoneAdviser}}})
	if err != nil || plan.Totals.Planned != 1 || len(plan.Deferred) != 1 || plan.Deferred[0].Reason != UnknownClient {
		t.Fatalf("setup: %v %+v", err, plan.Totals)
	}
	svg := string(Picture(plan.Items(), Thresholds{}))
	// The canvas spans x 70..730 (sensitivity) and y 500..50 (urgency):
	// (0.9, 0.9) is at cx 664, cy 95.
	m := regexp.MustCompile(`<circle cx="([^"]*)" cy="([^"]*)"`).FindStringSubmatch(svg)
	if m == nil {
		t.Fatalf("no circle drawn:\n%s", svg)
	}
	if m[1] != "664" || m[2] != "95" {
		t.Errorf("type t, placed only at (0.9, 0.9), is drawn at cx=%s cy=%s, want cx=664 cy=95: the unknown client's unplaced alert was averaged in at (0, 0)", m[1], m[2])
	}
}
