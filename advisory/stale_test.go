package advisory_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"

	"github.com/engagekit/engagekit/advisory"
)

// Staleness looks at every field a record or a policy names, whichever
// fields the policy limits: the alerts are those of checking each one in
// name order.
func TestPropertyStalenessChecksEveryField(t *testing.T) {
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	names := []string{"a.x", "a.y", "b.z", "c"}
	ages := []time.Duration{0, 24 * time.Hour, 400 * 24 * time.Hour}
	rapid.Check(t, func(t *rapid.T) {
		c := advisory.Consolidated{ClientID: "c-1", Fields: map[string]any{}, Provenance: map[string]advisory.Provenance{}}
		for _, f := range names {
			if rapid.Bool().Draw(t, "has "+f) {
				c.Fields[f] = 1.0
				c.Provenance[f] = advisory.Provenance{Source: "crm", AsOf: now.AddDate(0, 0, -rapid.IntRange(0, 800).Draw(t, "age "+f))}
			}
		}
		p := advisory.Policy{Default: advisory.FieldPolicy{MaxAge: rapid.SampledFrom(ages).Draw(t, "default"), Required: rapid.Bool().Draw(t, "default required")}, Fields: map[string]advisory.FieldPolicy{}}
		for _, f := range names {
			if rapid.Bool().Draw(t, "policy "+f) {
				p.Fields[f] = advisory.FieldPolicy{MaxAge: rapid.SampledFrom(ages).Draw(t, "max "+f), Required: rapid.Bool().Draw(t, "req "+f)}
			}
		}
		required := rapid.SliceOfDistinct(rapid.SampledFrom(names), func(s string) string { return s }).Draw(t, "required")
		var want []advisory.Alert
		for _, f := range names { // names are sorted
			fp := p.For(f)
			prov, ok := c.Provenance[f]
			_, inPolicy := p.Fields[f]
			switch {
			case !ok && (inPolicy && fp.Required || slices.Contains(required, f)):
				want = append(want, advisory.Alert{Type: advisory.TypeMissing, Title: "Missing " + f})
			case ok && fp.MaxAge > 0 && now.Sub(prov.AsOf) > fp.MaxAge:
				want = append(want, advisory.Alert{Type: advisory.TypeStale, Title: "Stale " + f})
			}
		}
		var got []advisory.Alert
		for _, a := range advisory.Staleness(c, p, now, required...) {
			got = append(got, advisory.Alert{Type: a.Type, Title: a.Title})
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("staleness (-want +got):\n%s", d)
		}
	})
}

// Two data alerts of one client are told apart by their field, so a diff
// of the same alerts finds no change.
func TestStalenessAlertsDiffByField(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	old := now.AddDate(-2, 0, 0)
	c := advisory.Consolidated{ClientID: "c", Fields: map[string]any{"a": 1, "b": 2},
		Provenance: map[string]advisory.Provenance{"a": {Source: "crm", AsOf: old}, "b": {Source: "crm", AsOf: old}}}
	alerts := advisory.Staleness(c, advisory.Policy{Default: advisory.FieldPolicy{MaxAge: 365 * 24 * time.Hour}}, now)
	if len(alerts) != 2 || alerts[0].Path == alerts[1].Path {
		t.Fatalf("alerts %+v: want two, with their fields as paths", alerts)
	}
	if d := advisory.DiffAlerts(alerts, alerts); len(d.Changed)+len(d.Appeared)+len(d.Disappeared) != 0 || d.Unchanged != 2 {
		t.Fatalf("the same alerts differ: %+v", d)
	}
}

// TestStalenessMessageZoneFree: one instant given in two zones writes
// one message (dated on now's calendar), so a diff of two runs whose
// sources sent it differently finds no change.
func TestStalenessMessageZoneFree(t *testing.T) {
	now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	at := time.Date(2025, 1, 1, 23, 30, 0, 0, time.UTC)
	tokyo := time.FixedZone("JST", 9*3600)
	p := advisory.Policy{Default: advisory.FieldPolicy{MaxAge: 24 * time.Hour}}
	msg := func(asOf time.Time) string {
		c := advisory.Consolidated{ClientID: "c", Fields: map[string]any{"f": 1}, Provenance: map[string]advisory.Provenance{"f": {Source: "crm", AsOf: asOf}}}
		a := advisory.Staleness(c, p, now)
		if len(a) != 1 {
			t.Fatalf("%d alerts, want 1", len(a))
		}
		return a[0].Message
	}
	if u, j := msg(at), msg(at.In(tokyo)); u != j {
		t.Fatalf("one instant, two messages: %q and %q", u, j)
	}
	if got := msg(at); !strings.Contains(got, "as of 2025-01-01") {
		t.Fatalf("%q: want the date on now's (UTC) calendar, 2025-01-01", got)
	}
}
