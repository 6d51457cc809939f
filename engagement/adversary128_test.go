package engagement_test

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
	"github.com/engagekit/engagekit/segment"
)

var adv128T0 = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

func adv128Journey(t *testing.T) *engagement.Journey {
	t.Helper()
	settings := []engagement.Setting{
		{ID: "linkedin", Stage: engagement.PreSale, Depth: 1},
		{ID: "website", Stage: engagement.PreSale, Depth: 2},
		{ID: "meeting", Stage: engagement.PostSale, Depth: 3},
	}
	stimuli := []engagement.Stimulus{
		{ID: "li", Setting: "linkedin", Kind: "post", Topic: "pensions", Time: adv128T0},
		{ID: "web", Setting: "website", Kind: "article", Topic: "mortgages", Time: adv128T0},
		{ID: "meet", Setting: "meeting", Kind: "agenda", Time: adv128T0},
	}
	j, err := engagement.NewJourney(settings, stimuli)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// adv128Guard runs f on a goroutine with a 10 s limit and turns a panic into a failure.
func adv128Guard(t *testing.T, f func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("panic: %v", p)
			}
		}()
		done <- f()
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not finish within 10 s")
	}
}

// TestAdversary128_FunnelDuplicateIDUsed: Response's doc: "a response of an
// id another response already used is the same one again (a feed replayed)
// and is counted as a duplicate, not used ... Responses of one id are one
// response: ... the one read first is used." FunnelReport: "the rest are
// rejected by reason as Analyze rejects them". Analyze rejects the second
// response of id "r1" as DuplicateID; Funnel uses it, and it converts the
// client LinkedIn → website.
func TestAdversary128_FunnelDuplicateIDUsed(t *testing.T) {
	adv128Guard(t, func() error {
		j := adv128Journey(t)
		rs := []engagement.Response{
			{ID: "r1", Client: "c", Stimulus: "li", Kind: "click", Time: adv128T0.Add(time.Hour)},
			{ID: "r1", Client: "c", Stimulus: "li", Kind: "click", Time: adv128T0.Add(2 * time.Hour), Setting: "website"},
		}
		b, err := engagement.Analyze(context.Background(), j, slices.Values(rs), engagement.Options{AsOf: adv128T0.Add(48 * time.Hour)})
		if err != nil {
			return err
		}
		if b.Report.Rejected[engagement.DuplicateID] != 1 {
			return fmt.Errorf("setup: Analyze report %+v", b.Report)
		}
		f, err := engagement.Funnel(context.Background(), j, slices.Values(rs), []string{"linkedin", "website"}, 0)
		if err != nil {
			return err
		}
		if f.Report.Rejected[engagement.DuplicateID] != 1 || f.Report.Used != 1 || f.Steps[1].Reached != 0 {
			return fmt.Errorf("Funnel used a second response of id r1: report %+v, steps %+v; Analyze's report %+v (want 1 used, 1 duplicate, website reached by 0)",
				f.Report, f.Steps, b.Report)
		}
		return nil
	})
}

// TestAdversary128_FunnelOrderFree: property probe: Funnel's steps do not
// depend on the order of the responses ("the same for any order").
func TestAdversary128_FunnelOrderFree(t *testing.T) {
	adv128Guard(t, func() error {
		j := adv128Journey(t)
		rng := rand.New(rand.NewSource(128))
		stims := []string{"li", "web", "meet"}
		sets := []string{"", "linkedin", "website", "meeting"}
		for iter := 0; iter < 300; iter++ {
			var rs []engagement.Response
			n := 1 + rng.Intn(12)
			for k := 0; k < n; k++ {
				rs = append(rs, engagement.Response{Client: fmt.Sprint("c", rng.Intn(3)), Stimulus: stims[rng.Intn(3)], Kind: "click",
					Setting: sets[rng.Intn(4)], Time: adv128T0.Add(time.Duration(rng.Intn(5)) * time.Hour)})
			}
			w := time.Duration(rng.Intn(3)) * time.Hour
			steps := []string{"linkedin", "website", "meeting"}
			a, err := engagement.Funnel(context.Background(), j, slices.Values(rs), steps, w)
			if err != nil {
				return err
			}
			rng.Shuffle(len(rs), func(x, y int) { rs[x], rs[y] = rs[y], rs[x] })
			b, err := engagement.Funnel(context.Background(), j, slices.Values(rs), steps, w)
			if err != nil {
				return err
			}
			if fmt.Sprint(a) != fmt.Sprint(b) {
				return fmt.Errorf("order changed the funnel: %+v vs %+v", a, b)
			}
			if want := adv128Brute(j, rs, steps, w); fmt.Sprint(want) != fmt.Sprint(a.Steps) {
				return fmt.Errorf("brute force %+v, Funnel %+v, window %v, responses %+v", want, a.Steps, w, rs)
			}
			for i := 1; i < len(a.Steps); i++ {
				if a.Steps[i].Reached > a.Steps[i-1].Reached {
					return fmt.Errorf("count grew: %+v", a.Steps)
				}
			}
		}
		return nil
	})
}

// TestAdversary128_MigrateAddsUp: property probe: every assignment before
// is in a flow or Left, every one after in a flow or Joined; Segments are
// those named.
func adv128Brute(j *engagement.Journey, rs []engagement.Response, steps []string, w time.Duration) []engagement.FunnelStep {
	by := map[string][][]time.Time{}
	for _, r := range rs {
		st, _ := j.Stimulus(r.Stimulus)
		set := st.Setting
		if r.Setting != "" {
			set = r.Setting
		}
		i := slices.Index(steps, set)
		if i < 0 {
			continue
		}
		if by[r.Client] == nil {
			by[r.Client] = make([][]time.Time, len(steps))
		}
		by[r.Client][i] = append(by[r.Client][i], r.Time)
	}
	out := make([]engagement.FunnelStep, len(steps))
	gaps := make([][]time.Duration, len(steps))
	for i := range steps {
		out[i].Setting = steps[i]
	}
	for _, ts := range by {
		qual := ts[0]
		for i := range steps {
			if i > 0 {
				var next []time.Time
				first := time.Time{}
				var gap time.Duration
				for _, t := range ts[i] {
					var latest time.Time
					ok := false
					for _, q := range qual {
						if !q.After(t) && (!ok || q.After(latest)) {
							latest, ok = q, true
						}
					}
					if ok && (w == 0 || t.Sub(latest) <= w) {
						next = append(next, t)
						if first.IsZero() || t.Before(first) {
							first, gap = t, t.Sub(latest)
						}
					}
				}
				qual = next
				if len(qual) > 0 {
					gaps[i] = append(gaps[i], gap)
				}
			}
			if len(qual) == 0 {
				break
			}
			out[i].Reached++
		}
	}
	for i := range out {
		if i == 0 && out[0].Reached > 0 {
			out[0].Conversion = 1
		}
		if i > 0 && out[i-1].Reached > 0 {
			out[i].Conversion = float64(out[i].Reached) / float64(out[i-1].Reached)
			g := gaps[i]
			slices.Sort(g)
			if n := len(g); n > 0 {
				if n%2 == 1 {
					out[i].MedianTime = g[n/2]
				} else {
					out[i].MedianTime = g[n/2-1] + (g[n/2]-g[n/2-1])/2
				}
			}
		}
	}
	return out
}

func TestAdversary128_MigrateAddsUp(t *testing.T) {
	adv128Guard(t, func() error {
		rng := rand.New(rand.NewSource(7))
		segs := []segment.Segment{"", "A", "B", "C", "D", "X"}
		for iter := 0; iter < 500; iter++ {
			mk := func() []segment.Assignment {
				var as []segment.Assignment
				for k := rng.Intn(8); k > 0; k-- {
					as = append(as, segment.Assignment{ClientID: fmt.Sprint("c", rng.Intn(4)), Segment: segs[rng.Intn(len(segs))]})
				}
				return as
			}
			before, after := mk(), mk()
			m := segment.Migrate(before, after)
			flows := 0
			for _, f := range m.Flows {
				flows += f.Clients
				if m.Count(f.From, f.To) != f.Clients {
					return fmt.Errorf("Count(%q,%q) = %d, flow %d", f.From, f.To, m.Count(f.From, f.To), f.Clients)
				}
			}
			if flows+len(m.Left) != len(before) || flows+len(m.Joined) != len(after) {
				return fmt.Errorf("flows %d left %d joined %d, before %d after %d: %+v / %+v -> %+v", flows, len(m.Left), len(m.Joined), len(before), len(after), before, after, m)
			}
			moves := 0
			for _, f := range m.Flows {
				if f.From != f.To {
					moves += f.Clients
				}
			}
			if moves != len(m.Moves) {
				return fmt.Errorf("moves %d vs flows off the diagonal %d", len(m.Moves), moves)
			}
		}
		return nil
	})
}

// TestAdversary128_SummarizeOrderFree: property probe: "The sums are exact
// and rounded once, so they do not depend on the order of the book".
func TestAdversary128_SummarizeOrderFree(t *testing.T) {
	adv128Guard(t, func() error {
		rng := rand.New(rand.NewSource(9))
		vals := []float64{0, 1, -1, 1e17, -1e17, math.MaxFloat64, -math.MaxFloat64, math.NaN(), math.Inf(1), 0.1, 1e-300, math.Copysign(0, -1)}
		ids := []string{"", "a", "b", "c", "d"}
		segs := []segment.Segment{"A", "B", "C"}
		for iter := 0; iter < 2000; iter++ {
			var cs []segment.Client
			var as []segment.Assignment
			for k := rng.Intn(6); k > 0; k-- {
				id := ids[rng.Intn(len(ids))]
				cs = append(cs, segment.Client{ID: id, Revenue: vals[rng.Intn(len(vals))], CostToServe: vals[rng.Intn(len(vals))]})
				as = append(as, segment.Assignment{ClientID: id, Segment: segs[rng.Intn(3)], Tie: rng.Intn(2) == 0})
			}
			s1 := segment.Summarize(as, cs)
			// permute assignments only (clients keep order: first of an id wins)
			p := rng.Perm(len(as))
			as2 := make([]segment.Assignment, len(as))
			for i, k := range p {
				as2[i] = as[k]
			}
			s2 := segment.Summarize(as2, cs)
			if fmt.Sprint(s1) != fmt.Sprint(s2) {
				return fmt.Errorf("order changed summary:\n%+v\n%+v\nas %+v\ncs %+v", s1, s2, as, cs)
			}
			for _, l := range s1.Segments {
				if math.IsNaN(l.ProfitShare) || math.IsInf(l.ProfitShare, 0) || math.IsNaN(l.Profit) || math.IsInf(l.Profit, 0) {
					return fmt.Errorf("non-finite: %+v", s1)
				}
			}
		}
		return nil
	})
}

// Funnel rejects a response whose Value is NaN or infinite as Analyze
// does ("the rest are rejected by reason as Analyze rejects them").
func TestAdversary128_FunnelNaNValueRejectedAsAnalyze(t *testing.T) {
	j := journey(t)
	rs := []engagement.Response{
		{Client: "c1", Stimulus: "linkedin-1", Kind: "like", Time: daysAgo(1), Value: math.NaN()},
		{Client: "c1", Stimulus: "linkedin-1", Kind: "like", Time: daysAgo(1), Value: math.Inf(1)},
		{Client: "c1", Stimulus: "linkedin-1", Kind: "like", Time: daysAgo(1), Value: 1},
	}
	f, err := engagement.Funnel(context.Background(), j, slices.Values(rs), []string{"linkedin"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := engagement.Analyze(context.Background(), j, slices.Values(rs), engagement.Options{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	if f.Report.Used != b.Report.Used || f.Report.Rejected[engagement.NaNValue] != 2 {
		t.Errorf("funnel used %d, rejected %v; Analyze used %d, rejected %v", f.Report.Used, f.Report.Rejected, b.Report.Used, b.Report.Rejected)
	}
}
