package engagement_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
)

var adv109Start = time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)

// adv109Book is a small real book: one client clicking through every 20
// days (intermittent), one liking once (one-off).
func adv109Book(t *testing.T) *engagement.Book {
	t.Helper()
	day := func(d int) time.Time { return adv109Start.AddDate(0, 0, d) }
	j, err := engagement.NewJourney(
		[]engagement.Setting{{ID: "linkedin", Kind: "social", Stage: engagement.PreSale, Depth: 1}, {ID: "website", Kind: "owned", Stage: engagement.PreSale, Depth: 2}},
		[]engagement.Stimulus{{ID: "post", Setting: "linkedin", Kind: "post", Topic: "pensions", Time: day(0)}})
	if err != nil {
		t.Fatal(err)
	}
	var rs []engagement.Response
	for d := 1; d < 200; d += 20 {
		rs = append(rs, engagement.Response{Client: "ada", Stimulus: "post", Kind: "click", Setting: "website", Time: day(d)})
	}
	rs = append(rs, engagement.Response{Client: "bram", Stimulus: "post", Kind: "like", Time: day(150)})
	b, err := engagement.Analyze(context.Background(), j, slices.Values(rs), engagement.Options{AsOf: day(201)})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAdversary109PatternsJSONDoesNotReadBack
//
// Contract: "Typed results with JSON tags"; "JSON round trips are exact"
// (DESIGN.md, library promises). Book.Patterns returns []ClientPattern,
// whose Pattern field carries a json tag and a MarshalText.
//
// Observed: the library's own output, marshalled with encoding/json,
// cannot be unmarshalled back: "json: cannot unmarshal string into Go
// struct field ClientPattern.pattern of type engagement.Pattern".
//
// Mechanism: engagement/derive.go gives Pattern a MarshalText (writing
// "none", "one_off", "intermittent", "habit") but no UnmarshalText, unlike
// every other enum of the library (Class, Stage, Correction, Stance,
// Channel, Quadrant, Action, Strategy), so the text Pattern writes is
// read as a string into a uint8 and refused.
func TestAdversary109PatternsJSONDoesNotReadBack(t *testing.T) {
	b := adv109Book(t)
	ps, err := b.Patterns(engagement.PatternRule{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) == 0 {
		t.Fatal("no patterns")
	}
	data, err := json.Marshal(ps)
	if err != nil {
		t.Fatal(err)
	}
	var back []engagement.ClientPattern
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("Book.Patterns' JSON does not read back: %s: %v", data, err)
	}
	if !slices.Equal(back, ps) {
		t.Fatalf("round trip changed the patterns: %v -> %v", ps, back)
	}
}

// TestAdversary109EnumTextFormNotReadBack
//
// Contract: JSON round trips are exact; a value the library marshals
// reads back as itself. The canvas package states the rule for its enums
// (place.go, channel.go: UnmarshalText reads "the form String gives a
// number without one, so that a plan's JSON reads back").
//
// Observed: engagement.Class(7) and engagement.Stage(5) marshal without
// error (as "Class(7)" / "Stage(5)") but json.Unmarshal refuses that very
// text ("engagement: unknown class \"Class(7)\""), so a canvas.Outcome or
// an engagement.Setting holding one writes JSON that cannot be read.
//
// Mechanism: engagement/classify.go Class.UnmarshalText and
// engagement/model.go Stage.UnmarshalText accept only the names, not the
// "Type(n)" form their String/MarshalText write for other values (canvas
// fixed this with nameNumber; engagement's enums were not given it).
func TestAdversary109EnumTextFormNotReadBack(t *testing.T) {
	type both struct {
		Class engagement.Class `json:"class"`
		Stage engagement.Stage `json:"stage"`
	}
	in := both{Class: engagement.Class(7), Stage: engagement.Stage(5)}
	data, err := json.Marshal(in)
	if err != nil {
		t.Skipf("marshal refuses the values (acceptable): %v", err)
	}
	var out both
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatalf("marshalled %s, which does not read back: %v", data, err)
	}
	if out != in {
		t.Fatalf("round trip changed %+v into %+v", in, out)
	}
}
