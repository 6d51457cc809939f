package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// The sample run is deterministic and accounts for everything it was given.
func TestRunDeterministicAndAccounted(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	a, err := run(generate(7, 120, 30, now), now)
	if err != nil {
		t.Fatal(err)
	}
	b, err := run(generate(7, 120, 30, now), now)
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
	if p.Alerts != len(a.Alerts.Alerts)+len(a.Stale) || p.Planned+p.Deferred != p.Alerts {
		t.Errorf("plan totals %+v", p)
	}
	var out strings.Builder
	report(&out, a)
	for _, want := range []string{"Segments", "superfans", "Advisory framework", "Follow-up plan"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q", want)
		}
	}
}
