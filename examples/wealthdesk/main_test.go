package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/dsl/rulefile"
	"github.com/engagekit/engagekit/examples/internal/desk"
)

// The sample run is deterministic and accounts for everything it was given.
func TestRunDeterministicAndAccounted(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	a, err := desk.Run(desk.Generate(7, 120, 30, now), now, desk.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := desk.Run(desk.Generate(7, 120, 30, now), now, desk.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if !bytes.Equal(ja, jb) {
		t.Fatal("two runs of the same firm differ")
	}
	if a.Book.Counts.In != 120 || len(a.Book.Assignments) != 120 {
		t.Errorf("segments: %+v", a.Book.Counts)
	}
	if a.Alerts.Counts.In != 120 || a.Alerts.Counts.OK+a.Alerts.Counts.Failed+a.Alerts.Counts.Cancelled != 120 {
		t.Errorf("alerts: %+v", a.Alerts.Counts)
	}
	p := a.Plan.Totals
	if p.Alerts != a.Alerts.Len() || p.Planned+p.Deferred != p.Alerts {
		t.Errorf("plan totals %+v", p)
	}
	var out strings.Builder
	report(&out, a)
	for _, want := range []string{"Segments", "superfans", "Experiment \"meeting-invite\"", "always-valid (Holm)", "Advisory framework", "Follow-up plan"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// The firm's framework is a hundred rules and tables in canonical form,
// with nothing the analyzer warns of, and every one fires somewhere in a
// book of 20,000 clients: the benchmark's framework is all live rules.
func TestFrameworkIsCanonicalAndLive(t *testing.T) {
	f, err := rulefile.Parse(desk.FrameworkRules)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Rules) != 100 {
		t.Errorf("%d rules, want 100", len(f.Rules))
	}
	if got := rulefile.Format(f); !bytes.Equal(got, desk.FrameworkRules) {
		t.Error("framework.rules is not in canonical form: rewrite it with rulefile.Format")
	}
	for _, finding := range rulefile.Analyze(f) {
		// A table that raises an alert for some inputs only has gaps by
		// design: those are Info.
		if finding.Severity > rulefile.Info {
			t.Errorf("analysis: %s %s: %s", finding.Code, finding.Rule, finding.Message)
		}
	}
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	res, err := desk.Run(desk.Generate(1, 20_000, 100, now), now, desk.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fired := map[string]bool{}
	for _, a := range res.Alerts.Joined() {
		fired[a.RuleID] = true
	}
	if !fired[advisory.StalenessRule] {
		t.Error("no data alert among the alerts")
	}
	for _, r := range f.Rules {
		if !fired[r.ID] {
			t.Errorf("rule %s never fired over 20,000 clients", r.ID)
		}
	}
	if res.Alerts.Counts.Failed > 0 {
		t.Errorf("%d files failed: %v", res.Alerts.Counts.Failed, res.Alerts.Failed[0].Message)
	}
}

// Planned by team, every alert is in one team's plan, each team's plan
// accounts for its alerts, and the teams are in order.
func TestRunPlanByTeam(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	res, err := desk.Run(desk.Generate(7, 400, 30, now), now, desk.Options{PlanByTeam: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Teams) != desk.Teams || len(res.Plan.FollowUps) != 0 {
		t.Fatalf("%d team plans and %d firm follow-ups, want %d and none", len(res.Teams), len(res.Plan.FollowUps), desk.Teams)
	}
	alerts := 0
	for i, tp := range res.Teams {
		if tp.Team != desk.Team(i) {
			t.Errorf("plan %d is %s's, want %s's", i, tp.Team, desk.Team(i))
		}
		p := tp.Plan.Totals
		if p.Planned+p.Deferred != p.Alerts {
			t.Errorf("%s: totals %+v", tp.Team, p)
		}
		alerts += p.Alerts
	}
	if alerts != res.Alerts.Len() {
		t.Errorf("the teams plan %d alerts of %d", alerts, res.Alerts.Len())
	}
}

// The fast job (typed client files, the plan on all cores) gives the
// result of the straightforward one (field maps consolidated and decoded,
// the plan on one goroutine): the same alerts in the same order, the same
// plan, for a book large enough that the plan is made in parallel.
func TestFastJobIsStraightforward(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	f := desk.Generate(3, 9_000, 20, now)
	want, err := desk.Run(f, now, desk.Options{Straightforward: true})
	if err != nil {
		t.Fatal(err)
	}
	got, err := desk.Run(f, now, desk.Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantAlerts, gotAlerts := want.Alerts.Joined(), got.Alerts.Joined()
	if len(wantAlerts) < 1<<14 || want.Plan.Totals.Deferred == 0 {
		t.Fatalf("the book does not test much: %d alerts, plan %+v", len(wantAlerts), want.Plan.Totals)
	}
	jw, _ := json.Marshal(want)
	jg, _ := json.Marshal(got)
	if !bytes.Equal(jw, jg) {
		for i := range min(len(wantAlerts), len(gotAlerts)) {
			if w, g := wantAlerts[i], gotAlerts[i]; w.ClientID != g.ClientID || w.RuleID != g.RuleID {
				t.Fatalf("alert %d: %s %s, want %s %s", i, g.ClientID, g.RuleID, w.ClientID, w.RuleID)
			}
		}
		t.Fatalf("the fast job's result differs from the straightforward one's (%d vs %d alerts, plan %+v vs %+v)",
			len(gotAlerts), len(wantAlerts), got.Plan.Totals, want.Plan.Totals)
	}
}
