package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/testing/ptest"
	"github.com/engagekit/engagekit/examples/internal/desk"
)

// TestMain runs the tests' pipelines on prism, in this process, unless
// -runner says otherwise.
func TestMain(m *testing.M) { ptest.Main(m) }

// The same answer everywhere: on the same generated firm, the pipeline's
// segments, alerts, per-team plans and engagement report are, line for
// line, what the single-machine job (examples/wealthdesk -plan-by team)
// finds.
func TestPipelineMatchesOneMachine(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	firm := Firm{Seed: 3, Clients: 3000, Responses: 30, Now: now}
	dir := t.TempDir()
	p, s := beam.NewPipelineWithRoot()
	Build(s, Options{Firm: firm, Shards: 5, Out: dir})
	if err := ptest.Run(p); err != nil {
		t.Fatal(err)
	}
	want, err := desk.Run(desk.Generate(firm.Seed, firm.Clients, firm.Responses, now), now, desk.Options{PlanByTeam: true})
	if err != nil {
		t.Fatal(err)
	}
	if want.Alerts.Counts.Failed > 0 || len(want.Book.Failed) > 0 {
		t.Fatalf("the single-machine job failed files or clients: %+v, %+v", want.Alerts.Counts, want.Book.Counts)
	}
	var segments, alerts, plans []any
	for _, a := range want.Book.Assignments {
		segments = append(segments, a)
	}
	joined := want.Alerts.Joined()
	for from := 0; from < len(joined); {
		to := from + 1
		id := joined[from].ClientID
		for to < len(joined) && joined[to].ClientID == id {
			to++
		}
		alerts = append(alerts, fileLine{ClientID: id, Alerts: joined[from:to]})
		from = to
	}
	for _, tp := range want.Teams {
		plans = append(plans, TeamLine{Team: tp.Team, Plan: tp.Plan})
	}
	engagement := []any{EngagementLine{Report: want.Engagement, Superfans: want.Superfans, AtRisk: len(want.AtRisk)}}
	for name, lines := range map[string][]any{"segments": segments, "alerts": alerts, "plans": plans, "engagement": engagement} {
		got := readLines(t, filepath.Join(dir, name+".jsonl"))
		exp := jsonLines(t, lines)
		if len(got) != len(exp) {
			t.Errorf("%s: %d lines from Beam, %d from one machine", name, len(got), len(exp))
			continue
		}
		for i := range got {
			if got[i] != exp[i] {
				k := 0
				for k < len(got[i]) && k < len(exp[i]) && got[i][k] == exp[i][k] {
					k++
				}
				got[i], exp[i] = got[i][max(0, k-300):], exp[i][max(0, k-300):]
				t.Errorf("%s: line %d differs:\nbeam: %.400s\none machine: %.400s", name, i, got[i], exp[i])
				break
			}
		}
	}
	if len(alerts) == 0 || len(plans) != desk.Teams {
		t.Errorf("%d clients with alerts and %d team plans: the comparison would prove nothing", len(alerts), len(plans))
	}
}

// readLines reads a JSON lines file, sorted (a pipeline's output has no
// order).
func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<30)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			out = append(out, line)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// jsonLines is values as sorted JSON lines.
func jsonLines(t *testing.T, values []any) []string {
	t.Helper()
	out := make([]string, len(values))
	for i, v := range values {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = string(b)
	}
	slices.Sort(out)
	return out
}
