package canvas_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
	"github.com/engagekit/engagekit/segment"
)

// BenchmarkPlan1M plans a million alerts for 200,000 clients with adviser
// capacity, pressure caps and touch budgets, grouped by client, as the
// advisory batch produces them, and in random order: on one goroutine with
// -cpu 1, on all cores otherwise (Options.Workers 0).
func BenchmarkPlan1M(b *testing.B) {
	for _, grouped := range []bool{true, false} {
		name := "order=random"
		if grouped {
			name = "order=by_client"
		}
		b.Run(name, func(b *testing.B) { benchPlan(b, grouped) })
	}
}

func benchPlan(b *testing.B, grouped bool) {
	alerts, clients, planner := benchBook(grouped)
	b.ReportAllocs()
	var plan canvas.Plan
	start := time.Now()
	for b.Loop() {
		plan = mustPlan(planner.Plan(ctxBG, alerts, clients))
	}
	b.ReportMetric(float64(len(alerts))*float64(b.N)/time.Since(start).Seconds(), "alerts/s")
	b.ReportMetric(float64(plan.Totals.Planned)/float64(len(alerts)), "planned_share")
}

// BenchmarkPicturePlans draws the canvas of BenchmarkPlan1M's plan (a
// million alerts, grouped by client): the plan's items point at alerts
// scattered over the book, in plan order.
func BenchmarkPicturePlans(b *testing.B) {
	alerts, clients, planner := benchBook(true)
	plan := mustPlan(planner.Plan(ctxBG, alerts, clients))
	b.ReportAllocs()
	for b.Loop() {
		canvas.PicturePlans(canvas.Thresholds{}, plan)
	}
}

// benchBook is a million alerts for 200,000 clients, grouped by client or
// in random order, the clients, and a planner with adviser capacity.
func benchBook(grouped bool) ([]advisory.Alert, map[string]canvas.Client[ctx], *canvas.Planner[ctx]) {
	r := rand.New(rand.NewPCG(3, 4))
	clients := map[string]canvas.Client[ctx]{}
	ids := make([]string, 200_000)
	policies := segment.DefaultPolicies()
	for i := range ids {
		ids[i] = fmt.Sprint("c", i)
		clients[ids[i]] = canvas.Client[ctx]{ID: ids[i], Consent: allChannels[:3+r.IntN(len(allChannels)-3)],
			Policy: policies[[]segment.Segment{segment.A, segment.B, segment.C, segment.D}[r.IntN(4)]], TouchesUsed: r.IntN(20)}
	}
	types := []string{"mortgage.term_end", "pension.gap", "insurance.home_under_value", "portfolio.drift", "data.stale"}
	alerts := make([]advisory.Alert, 1_000_000)
	for i := range alerts {
		alerts[i] = advisory.Alert{ClientID: ids[r.IntN(len(ids))], Type: types[r.IntN(len(types))], RuleID: fmt.Sprint("r", i%100),
			Urgency: r.Float64(), Sensitivity: r.Float64()}
	}
	if grouped {
		slices.SortStableFunc(alerts, func(x, y advisory.Alert) int { return strings.Compare(x.ClientID, y.ClientID) })
	}
	planner := must(canvas.NewPlanner[ctx](nil, canvas.Options{Now: time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC), AdviserCapacity: 20_000}))
	return alerts, clients, planner
}
