package advisory_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"slices"
	"testing"

	"github.com/engagekit/engagekit/advisory"
)

func randAlerts90(r *rand.Rand, n int) []advisory.Alert {
	vals := []float64{0, math.Copysign(0, -1), 0.5, 1, math.NaN()}
	var out []advisory.Alert
	for range n {
		a := advisory.Alert{ClientID: fmt.Sprint("c", r.Intn(2)), Type: fmt.Sprint("t", r.Intn(2)), RuleID: "r",
			Path: []string{"", "p"}[r.Intn(2)], Title: []string{"a", "b"}[r.Intn(2)],
			Urgency: vals[r.Intn(len(vals))], Sensitivity: vals[r.Intn(len(vals))], Version: r.Intn(2) + 1, RuleSet: "rs"}
		if r.Intn(2) == 0 {
			a.Evidence = []advisory.Evidence{{Name: "x", Value: r.Intn(3)}}
		}
		if r.Intn(3) == 0 {
			a.Outputs = map[string]any{"o": []any{r.Intn(2), "s"}}
		}
		out = append(out, a)
	}
	return out
}

// TestAdversary90DiffAlertsOrderAndSelf: DiffAlerts pairs alerts "whatever
// the order of either list", raises no change for a list against itself,
// and accounts for every alert of both lists.
func TestAdversary90DiffAlertsOrderAndSelf(t *testing.T) {
	enc := func(d advisory.Diff) string {
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for seed := range 3000 {
		r := rand.New(rand.NewSource(int64(seed)))
		old, nw := randAlerts90(r, r.Intn(12)), randAlerts90(r, r.Intn(12))
		self := advisory.DiffAlerts(old, old)
		if len(self.Appeared)+len(self.Disappeared)+len(self.Changed) != 0 || self.Unchanged != len(old) {
			t.Fatalf("seed %d: a list against itself: %s", seed, enc(self))
		}
		d := advisory.DiffAlerts(old, nw)
		if d.Unchanged+len(d.Changed)+len(d.Disappeared) != len(old) || d.Unchanged+len(d.Changed)+len(d.Appeared) != len(nw) {
			t.Fatalf("seed %d: counts do not add up: %s", seed, enc(d))
		}
		for _, c := range d.Changed {
			if len(c.Fields) == 0 {
				t.Fatalf("seed %d: a change of no field: %s", seed, enc(d))
			}
		}
		o2, n2 := slices.Clone(old), slices.Clone(nw)
		r.Shuffle(len(o2), func(i, j int) { o2[i], o2[j] = o2[j], o2[i] })
		r.Shuffle(len(n2), func(i, j int) { n2[i], n2[j] = n2[j], n2[i] })
		if a, b := enc(d), enc(advisory.DiffAlerts(o2, n2)); a != b {
			t.Fatalf("seed %d: order changes the diff\n%s\n%s", seed, a, b)
		}
	}
}
