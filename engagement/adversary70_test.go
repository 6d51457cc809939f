package engagement_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/engagekit/engagekit/engagement"
)

// adv70World is a journey of one stimulus with a setting only (one
// content group, setting=feed) and a pool of client ids.
type adv70World struct {
	x       *engagement.Index
	clients []string
	site    uint16
}

func newAdv70World(t testing.TB, n int) *adv70World {
	settings := []engagement.Setting{{ID: "feed", Depth: 1}, {ID: "site", Depth: 2}}
	stimuli := []engagement.Stimulus{{ID: "s", Setting: "feed", Time: asOf.AddDate(-2, 0, 0)}}
	j, err := engagement.NewJourney(settings, stimuli)
	if err != nil {
		t.Fatal(err)
	}
	x, err := engagement.NewIndex(j, "like")
	if err != nil {
		t.Fatal(err)
	}
	w := &adv70World{x: x}
	w.site, _ = x.Setting("site")
	for i := range n {
		w.clients = append(w.clients, fmt.Sprint("client-", i))
	}
	return w
}

const adv70Day = 24 * 3600

// clientEvents: n responses of client c at rate p, uniformly in the
// window of ages (lo, hi] days.
func (w *adv70World) clientEvents(r *rand.Rand, out []engagement.Event, c, n int, p float64, lo, hi int64) []engagement.Event {
	for range n {
		age := lo*adv70Day + 1 + r.Int64N((hi-lo)*adv70Day-1)
		e := engagement.Event{Client: uint32(c), Stimulus: 0, Time: asOf.Unix() - age}
		if r.Float64() < p {
			e.Setting = w.site
		}
		out = append(out, e)
	}
	return out
}

// TestAdversary70_FewRecentClientsFalseAlarms: ChangeOptions and the
// package doc promise that under "no change" a call reports a change with
// probability at most α (here one group, so FDR = FWER = the test's
// size), for clients "of very different activity", answering many times,
// with lopsided windows. The null here: every client escalates at their
// own constant rate, 0.05 or 0.95 with equal chance, the same population
// in both windows; the baseline has 300 clients answering once, the
// recent window 4 clients answering 30 times each (120 responses, above
// MinN). Nothing changed — the 4 recent clients are a random draw of the
// same population — yet over 1000 books Changes reports a change in
// 54 of them (5.4%) at α = 0.01 and 118 (11.8%) at α = 0.05.
//
// Bound: with the seed fixed the test is deterministic; it fails when the
// alarms exceed the count a valid test would pass with probability below
// 1e-6 (Binomial(1000, 0.01) ≥ 29 has probability 6.4e-7; Binomial(1000,
// 0.05) ≥ 87 has 6.5e-7).
//
// Root mechanism (changes.go: testGroup): the reference is a Student t
// with DF = G−1, G the buckets with responses in either window (here
// ≈ 63), but the recent rate's variance — almost all of V, since the
// between-client spread dwarfs the binomial floor V_0 — is estimated from
// the 4 buckets that answered in the recent window: its effective degrees
// of freedom are about 3, not 63. When the 4 recent clients happen to be
// alike (all high-rate or all low-rate, 1 book in 8) T is about ±2.6,
// read against t_63 as P ≈ 0.01 where a t with 3 df gives P ≈ 0.08. The DF should reflect the
// clusters per window (e.g. a Satterthwaite/Bell–McCaffrey df, or
// min(G_R, G_B) − 1).
func TestAdversary70_FewRecentClientsFalseAlarms(t *testing.T) {
	const runs = 1000
	w := newAdv70World(t, 304)
	r := rand.New(rand.NewPCG(70, 7))
	rate := func() float64 {
		if r.IntN(2) == 0 {
			return 0.05
		}
		return 0.95
	}
	alphas := []float64{0.01, 0.05}
	limits := []int{29, 87}
	alarms := make([]int, len(alphas))
	for range runs {
		var ev []engagement.Event
		for c := range 4 {
			ev = w.clientEvents(r, ev, c, 30, rate(), 0, 90) // recent: the last 90 days
		}
		for c := 4; c < 304; c++ {
			ev = w.clientEvents(r, ev, c, 1, rate(), 90, 270) // baseline: the 180 before
		}
		b := must(engagement.AnalyzeEvents(context.Background(), w.x, w.clients, slices.Values(ev), engagement.Options{AsOf: asOf}))
		for k, a := range alphas {
			ch, err := b.Changes(engagement.ChangeOptions{Alpha: a})
			if err != nil {
				t.Fatal(err)
			}
			if len(ch) > 0 {
				alarms[k]++
			}
		}
	}
	for k, a := range alphas {
		if alarms[k] >= limits[k] {
			t.Errorf("null (4 recent clients × 30 responses vs 300 baseline clients × 1, rates 0.05/0.95): false alarms at α = %v in %d of %d books (%.3f); a valid test exceeds %d with probability < 1e-6",
				a, alarms[k], runs, float64(alarms[k])/runs, limits[k]-1)
		}
	}
}
