package desk

// Adversary 165: Alerts.Tally, the count kept as the batch handed the
// alerts over, trusted while Parts holds as many alerts as it counted.
// Pinned: a tally equal to a recount after add (data alerts apart, files
// with no alerts, failures); a recount after a JSON round trip, a part
// dropped, a part added; the tally is a copy. A part swapped by hand for
// another of the same length keeps the kept tally: documented (the count
// is what is checked; a host that rewrites alerts counts them itself),
// pinned as such.

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/engagekit/engagekit/advisory"
)

func alerts165() *Alerts {
	var a Alerts
	mk := func(client string, types ...string) advisory.FileAlerts {
		fa := advisory.FileAlerts{ClientID: client}
		for _, ty := range types {
			al := advisory.Alert{ClientID: client, Type: ty, RuleSet: "fw", RuleID: "r-" + ty}
			if ty == "data.stale" {
				al.RuleSet, al.RuleID = "", advisory.StalenessRule
			}
			fa.Alerts = append(fa.Alerts, al)
		}
		return fa
	}
	a.add(mk("c1", "mortgage.term_end", "data.stale"))
	a.add(mk("c2"))
	a.add(advisory.FileAlerts{ClientID: "c3", Err: errors.New("load failed")})
	a.add(mk("c4", "pension.gap", "mortgage.term_end", "mortgage.term_end"))
	return &a
}

func recount165(a *Alerts) Tally {
	var t Tally
	for _, p := range a.Parts {
		t.count(p)
	}
	if t.ByType == nil {
		t.ByType = map[string]int{}
	}
	return t
}

// TestAdversary165_Tally_Pinned: the kept tally is the recount; JSON,
// a dropped part and an added part are recounted; the tally is a copy.
func TestAdversary165_Tally_Pinned(t *testing.T) {
	a := alerts165()
	want := Tally{ByType: map[string]int{"mortgage.term_end": 3, "pension.gap": 1}, Data: 1}
	if got := a.Tally(); !reflect.DeepEqual(got, want) || !reflect.DeepEqual(got, recount165(a)) {
		t.Errorf("kept tally %+v, want %+v", got, want)
	}
	a.Tally().ByType["pension.gap"] = 99
	if a.Tally().ByType["pension.gap"] != 1 {
		t.Error("the tally is not a copy")
	}
	data, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	var back Alerts
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if got := back.Tally(); !reflect.DeepEqual(got, want) {
		t.Errorf("after JSON: %+v, want %+v", got, want)
	}
	dropped := alerts165()
	dropped.Parts = dropped.Parts[1:]
	if got := dropped.Tally(); !reflect.DeepEqual(got, recount165(dropped)) {
		t.Errorf("a part dropped: %+v, want %+v", got, recount165(dropped))
	}
	added := alerts165()
	added.Parts = append(added.Parts, []advisory.Alert{{Type: "x.new"}})
	if got := added.Tally(); !reflect.DeepEqual(got, recount165(added)) {
		t.Errorf("a part added: %+v, want %+v", got, recount165(added))
	}
	var zero Alerts
	if got := zero.Tally(); got.ByType == nil || len(got.ByType) != 0 || got.Data != 0 {
		t.Errorf("zero Alerts: %+v", got)
	}
}

// TestAdversary165_TallySameLengthSwap_Pinned: a part replaced by hand by
// one of the same length, other types, keeps the kept tally, as
// documented ("while Parts holds as many alerts as it counted"; "a host
// that rewrites alerts ... counts them itself").
func TestAdversary165_TallySameLengthSwap_Pinned(t *testing.T) {
	a := alerts165()
	kept := a.Tally()
	a.Parts[0] = []advisory.Alert{{Type: "other.a", RuleSet: "fw"}, {Type: "other.b", RuleSet: "fw"}}
	if got := a.Tally(); !reflect.DeepEqual(got, kept) {
		t.Errorf("same-length swap: %+v, want the kept %+v", got, kept)
	}
}
