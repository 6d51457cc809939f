package engagement_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
)

// nullWorld is a journey of 16 campaigns (with 4 kinds and 4 topics: 25
// content groups) and a generator of books in which nothing changes: each
// client escalates at their own rate, constant over time.
type nullWorld struct {
	x       *engagement.Index
	clients []string
	site    uint16
}

func newNullWorld(t testing.TB) *nullWorld {
	settings := []engagement.Setting{{ID: "feed", Depth: 1}, {ID: "site", Depth: 2}}
	var stimuli []engagement.Stimulus
	for i := range 16 {
		stimuli = append(stimuli, engagement.Stimulus{ID: fmt.Sprint("s", i), Setting: "feed", Kind: fmt.Sprint("k", i%4),
			Campaign: fmt.Sprint("c", i), Topic: fmt.Sprint("t", i/4), Time: asOf.AddDate(-2, 0, 0)})
	}
	j, err := engagement.NewJourney(settings, stimuli)
	if err != nil {
		t.Fatal(err)
	}
	x, err := engagement.NewIndex(j, "like")
	if err != nil {
		t.Fatal(err)
	}
	w := &nullWorld{x: x}
	w.site, _ = x.Setting("site")
	for i := range 400 {
		w.clients = append(w.clients, fmt.Sprint("client-", i))
	}
	return w
}

// events draws one book's responses over the 270 days of the two default
// windows. Each client has a rate (heterogeneous: mean 0.27), a favourite
// campaign that gets most of their responses, and 1–10 responses; with
// bursty set, one client in ten answers 20–100 times within ten days.
func (w *nullWorld) events(seed uint64, bursty bool) []engagement.Event {
	// Both halves of the PCG state vary with the seed: seeds that share
	// the low half give correlated streams.
	r := rand.New(rand.NewPCG(seed, seed*0x9e3779b97f4a7c15+15))
	const span = 270 * 24 * 3600
	var out []engagement.Event
	for c := range w.clients {
		rate := r.Float64() * r.Float64() * 1.1
		fav := uint32(r.IntN(16))
		n, start, width := 1+r.IntN(10), int64(0), int64(span)
		if bursty && r.IntN(10) == 0 {
			n, width = 20+r.IntN(81), 10*24*3600
			start = r.Int64N(span - width)
		}
		for range n {
			e := engagement.Event{Client: uint32(c), Stimulus: fav, Time: asOf.Unix() - 1 - start - r.Int64N(width)}
			if r.IntN(10) < 3 {
				e.Stimulus = uint32(r.IntN(16))
			}
			if r.Float64() < rate {
				e.Setting = w.site
			}
			out = append(out, e)
		}
	}
	return out
}

// TestChangesNullErrorRate is the property the method promises: with
// clustered (and bursty) clients, at least fifteen groups and nothing
// changing, a call reports a change — a false discovery, since every
// group is null, so here FDR = FWER — in at most α of the books, within
// Monte-Carlo error. The response-level test this replaced raised an
// alarm in about one call in six at α = 0.01.
func TestChangesNullErrorRate(t *testing.T) {
	w := newNullWorld(t)
	seeds := 1000
	if testing.Short() {
		seeds = 200
	}
	const alpha = 0.05
	// The bound: α plus three Monte-Carlo standard errors.
	bound := alpha + 3*math.Sqrt(alpha*(1-alpha)/float64(seeds))
	for _, bursty := range []bool{false, true} {
		alarms := map[engagement.Correction]int{}
		tested, raw, tests := 0, 0, 0
		for seed := range uint64(seeds) {
			b := must(engagement.AnalyzeEvents(context.Background(), w.x, w.clients, slices.Values(w.events(seed, bursty)), engagement.Options{AsOf: asOf}))
			for _, corr := range []engagement.Correction{engagement.BenjaminiHochberg, engagement.Holm} {
				all, err := b.ChangeTests(engagement.ChangeOptions{Alpha: alpha, Correction: corr})
				if err != nil {
					t.Fatal(err)
				}
				tested = max(tested, len(all))
				for _, c := range all {
					if corr == engagement.Holm {
						tests++
						if c.P <= alpha {
							raw++
						}
					}
				}
				if slices.ContainsFunc(all, func(c engagement.Change) bool { return c.Significant }) {
					alarms[corr]++
				}
			}
		}
		if tested < 15 {
			t.Fatalf("only %d groups tested; the property needs 15 or more", tested)
		}
		t.Logf("bursty=%v: a single test's size at %v is %.3f", bursty, alpha, float64(raw)/float64(tests))
		for corr, n := range alarms {
			rate := float64(n) / float64(seeds)
			t.Logf("bursty=%v %v: false alarm in %.3f of %d books (%d groups)", bursty, corr, rate, seeds, tested)
			if rate > bound {
				t.Errorf("bursty=%v %v: error rate %.3f above α = %v (bound %.3f)", bursty, corr, rate, alpha, bound)
			}
		}
	}
}

// TestChangesRecentWindowEdges pins the windows to their doc: the recent
// window is [AsOf-Recent, AsOf), the baseline the Baseline before it, to
// the nanosecond.
func TestChangesRecentWindowEdges(t *testing.T) {
	j := journey(t)
	recent, base := 90*24*time.Hour, 180*24*time.Hour
	cases := []struct {
		name        string
		at          time.Time
		recentN, bN int
	}{
		{"at as-of: in neither", asOf, 0, 0},
		{"a nanosecond before as-of: recent", asOf.Add(-1), 1, 0},
		{"at AsOf-Recent: recent", asOf.Add(-recent), 1, 0},
		{"a nanosecond before: baseline", asOf.Add(-recent - 1), 0, 1},
		{"at the baseline's start: baseline", asOf.Add(-recent - base), 0, 1},
		{"a nanosecond before it: in neither", asOf.Add(-recent - base - 1), 0, 0},
	}
	for _, c := range cases {
		rs := []engagement.Response{{Client: "a", Stimulus: "video", Kind: "like", Time: c.at}}
		// A group is tested only with responses in both windows, so add
		// one to each and subtract it.
		rs = append(rs, engagement.Response{Client: "b", Stimulus: "video", Kind: "like", Time: asOf.Add(-time.Hour)},
			engagement.Response{Client: "b", Stimulus: "video", Kind: "like", Time: asOf.Add(-recent - time.Hour)})
		b := must(engagement.Analyze(context.Background(), j, slices.Values(rs), engagement.Options{AsOf: asOf}))
		all, _ := b.ChangeTests(engagement.ChangeOptions{MinN: 1})
		if len(all) == 0 || all[0].RecentN-1 != c.recentN || all[0].BaselineN-1 != c.bN {
			t.Errorf("%s: %+v", c.name, all)
		}
	}
}

func TestChangeOptionsRejected(t *testing.T) {
	b := must(engagement.Analyze(context.Background(), journey(t), nil, engagement.Options{AsOf: asOf}))
	for _, o := range []engagement.ChangeOptions{{Alpha: -0.1}, {Alpha: 1.5}, {Alpha: math.NaN()}, {MinN: -1}, {Correction: 9}} {
		if _, err := b.Changes(o); !errors.Is(err, engagement.ErrInvalidOption) {
			t.Errorf("%+v: err %v, want ErrInvalidOption", o, err)
		}
	}
}

// TestChangesClusterRobust: one enthusiastic client answering 300 times
// in the recent window does not make a change on their own; the
// response-level test would call it (z ≈ 12).
func TestChangesClusterRobust(t *testing.T) {
	j := journey(t)
	var rs []engagement.Response
	for c := range 60 {
		for k := range 6 {
			kind, setting := "view", ""
			if (c+k)%5 == 0 {
				kind, setting = "click", "website"
			}
			rs = append(rs, engagement.Response{Client: fmt.Sprint("c", c), Stimulus: "video", Kind: kind, Setting: setting, Time: daysAgo(1 + (c*7+k*31)%260)})
		}
	}
	for i := range 300 {
		rs = append(rs, engagement.Response{Client: "fan", Stimulus: "video", Kind: "click", Setting: "website", Time: daysAgo(1 + i%80)})
	}
	b := must(engagement.Analyze(context.Background(), j, slices.Values(rs), engagement.Options{AsOf: asOf}))
	all, err := b.ChangeTests(engagement.ChangeOptions{})
	if err != nil || len(all) == 0 {
		t.Fatal(err, all)
	}
	if c := all[0]; c.Significant || c.P < 0.05 {
		t.Errorf("one client made a change: %+v", c)
	}
}
