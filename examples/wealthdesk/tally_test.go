package main

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/examples/internal/desk"
	"github.com/google/go-cmp/cmp"
)

// recount is the report's tally the straightforward way: every alert of
// every part, read at the end.
func recount(a *desk.Alerts) desk.Tally {
	t := desk.Tally{ByType: map[string]int{}}
	for _, part := range a.Parts {
		for _, al := range part {
			if al.RuleSet == "" && al.RuleID == advisory.StalenessRule {
				t.Data++
				continue
			}
			t.ByType[al.Type]++
		}
	}
	return t
}

// The tally the job keeps as the batch hands the alerts over is the
// count of the alerts at the end; so is the tally of alerts read back
// from JSON, or changed by hand after the run.
func TestTallyIsTheCount(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	res, err := desk.Run(desk.Generate(3, 2000, 30, now), now, desk.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := recount(&res.Alerts)
	if want.Data == 0 || len(want.ByType) < 20 {
		t.Fatalf("a firm of 2,000 should raise data alerts and most types: %+v", want)
	}
	if diff := cmp.Diff(want, res.Alerts.Tally()); diff != "" {
		t.Errorf("kept tally (-want +got):\n%s", diff)
	}
	// The tally handed out is the caller's to change.
	got := res.Alerts.Tally()
	for typ := range got.ByType {
		got.ByType[typ] = -1
	}
	if diff := cmp.Diff(want, res.Alerts.Tally()); diff != "" {
		t.Errorf("tally after the caller changed its copy (-want +got):\n%s", diff)
	}
	j, err := json.Marshal(res.Alerts)
	if err != nil {
		t.Fatal(err)
	}
	var back desk.Alerts
	if err := json.Unmarshal(j, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, back.Tally()); diff != "" {
		t.Errorf("tally read back from JSON (-want +got):\n%s", diff)
	}
	res.Alerts.Parts = res.Alerts.Parts[1:]
	if diff := cmp.Diff(recount(&res.Alerts), res.Alerts.Tally()); diff != "" {
		t.Errorf("tally after a part was dropped (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(desk.Tally{ByType: map[string]int{}}, (&desk.Alerts{}).Tally()); diff != "" {
		t.Errorf("tally of no alerts (-want +got):\n%s", diff)
	}
}
