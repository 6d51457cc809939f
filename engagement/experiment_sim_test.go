package engagement_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
	"github.com/engagekit/engagekit/internal/stats"
)

// simRun is one generated experiment: two arms, clients exposed
// uniformly over days, converting with probability rate[arm] (plus slope
// times their pre-period engagement) within two days of exposure.
type simRun struct {
	xs  []engagement.Exposure
	rs  []engagement.Response
	pre map[string]float64
	// arm, exposure day and conversion (with its day) per client, for
	// the naive daily z-tests the test compares against.
	arm, day, convDay []int
}

func simulate(seed uint64, clients, days int, rate [2]float64, slope float64, ids []string) simRun {
	// Both halves of the PCG state vary with the seed: seeds that share
	// the low half give correlated streams.
	r := rand.New(rand.NewPCG(seed, seed*0x9e3779b97f4a7c15+15))
	s := simRun{pre: map[string]float64{}}
	for i := range clients {
		arm := r.IntN(2)
		variant := []string{"a", "b"}[arm]
		day := r.IntN(days)
		t := expStart.Add(time.Duration(day)*24*time.Hour + time.Duration(r.IntN(86400))*time.Second)
		s.xs = append(s.xs, engagement.Exposure{Client: ids[i], Experiment: "spring", Variant: variant, Time: t})
		x := 3 * r.Float64()
		if slope != 0 {
			s.pre[ids[i]] = x
		}
		s.arm, s.day = append(s.arm, arm), append(s.day, day)
		conv := -1
		if r.Float64() < rate[arm]+slope*(x-1.5) {
			ct := t.Add(time.Duration(r.IntN(2*86400)) * time.Second)
			s.rs = append(s.rs, engagement.Response{Client: ids[i], Stimulus: "s", Kind: "book", Time: ct})
			conv = int(ct.Sub(expStart) / (24 * time.Hour))
		}
		s.convDay = append(s.convDay, conv)
	}
	return s
}

// naiveMinP is the smallest p-value of a fixed-horizon z-test run at the
// end of every day: what peeking daily at an ordinary test sees.
func (s simRun) naiveMinP(days int) float64 {
	best := 1.0
	for d := 1; d <= days+2; d++ {
		var n, x [2]int
		for i, a := range s.arm {
			if s.day[i] < d {
				n[a]++
				if s.convDay[i] >= 0 && s.convDay[i] < d {
					x[a]++
				}
			}
		}
		_, p, _ := stats.TwoProportion(x[0], n[0], x[1], n[1])
		best = min(best, p)
	}
	return best
}

func clientIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprint("c", i)
	}
	return ids
}

// TestSequentialNullPeeking: with no difference between the arms and a
// look every day for four weeks, the mSPRT's always-valid p-value falls
// to α = 0.05 in at most α of the experiments (within three Monte-Carlo
// standard errors), while the smallest daily p-value of the ordinary
// z-test — peeking — does so far more often, which shows the simulation
// is sharp enough to see the inflation it guards against.
func TestSequentialNullPeeking(t *testing.T) {
	runs, clients, days := 200, 3000, 28
	if testing.Short() {
		runs = 80
	}
	p := plan(t, engagement.ExperimentConfig{Control: "a", Arms: ab(), Window: 48 * time.Hour})
	ids := clientIDs(clients)
	asOf := expStart.AddDate(0, 0, days+2)
	falseSeq, falseNaive := 0, 0
	for seed := range runs {
		s := simulate(uint64(seed), clients, days, [2]float64{0.1, 0.1}, 0, ids)
		r, err := p.Analyze(context.Background(), engagement.ExperimentData{AsOf: asOf, Exposures: slices.Values(s.xs), Responses: slices.Values(s.rs)})
		if err != nil {
			t.Fatal(err)
		}
		seq := r.Comparisons[0].Sequential
		if seq.Looks < days {
			t.Fatalf("seed %d: %d looks", seed, seq.Looks)
		}
		if seq.P <= 0.05 {
			falseSeq++
		}
		if s.naiveMinP(days) <= 0.05 {
			falseNaive++
		}
	}
	alpha := 0.05
	bound := alpha + 3*math.Sqrt(alpha*(1-alpha)/float64(runs))
	seqRate, naiveRate := float64(falseSeq)/float64(runs), float64(falseNaive)/float64(runs)
	t.Logf("false positives over %d runs: mSPRT %.3f, daily z-test %.3f", runs, seqRate, naiveRate)
	if seqRate > bound {
		t.Errorf("mSPRT false-positive rate %.3f > %.3f", seqRate, bound)
	}
	if naiveRate <= alpha+0.05 {
		t.Errorf("daily z-test false-positive rate %.3f: the simulation does not show peeking", naiveRate)
	}
}

// TestSequentialReadDaily: read every day at the same hour, the
// always-valid p-value never rises and the confidence sequence only
// shrinks; with a real rise of 10% → 14% the test finds it.
func TestSequentialReadDaily(t *testing.T) {
	days := 28
	s := simulate(3, 6000, days, [2]float64{0.10, 0.14}, 0, clientIDs(6000))
	p := plan(t, engagement.ExperimentConfig{Control: "a", Arms: ab(), Window: 48 * time.Hour})
	prev := engagement.Sequential{P: 1, Low: -1, High: 1}
	for d := 3; d <= days+2; d++ {
		r, err := p.Analyze(context.Background(), engagement.ExperimentData{AsOf: expStart.AddDate(0, 0, d),
			Exposures: slices.Values(s.xs), Responses: slices.Values(s.rs)})
		if err != nil {
			t.Fatal(err)
		}
		seq := r.Comparisons[0].Sequential
		if seq.P > prev.P || seq.Low < prev.Low || seq.High > prev.High {
			t.Errorf("day %d: %+v after %+v", d, seq, prev)
		}
		prev = seq
	}
	if !prev.Significant || prev.Low <= 0 {
		t.Errorf("a 4-point rise over 6000 clients not found: %+v", prev)
	}
}

// TestCUPED: over many experiments with a true rise of 3 points and a
// conversion probability that grows with pre-period engagement, the
// CUPED difference is unbiased (its mean is within three standard errors
// of 0.03), its spread across experiments is smaller than the plain
// difference's, and its reported SE matches that spread; with a covariate
// that predicts nothing it costs nothing.
func TestCUPED(t *testing.T) {
	runs, clients := 150, 3000
	if testing.Short() {
		runs = 60
	}
	p := plan(t, engagement.ExperimentConfig{Control: "a", Arms: ab(), Window: 48 * time.Hour})
	ids := clientIDs(clients)
	asOf := expStart.AddDate(0, 0, 12)
	var plain, adj, se, red []float64
	for seed := range runs {
		s := simulate(uint64(seed)+1000, clients, 7, [2]float64{0.40, 0.43}, 0.25, ids)
		r, err := p.Analyze(context.Background(), engagement.ExperimentData{AsOf: asOf, Exposures: slices.Values(s.xs), Responses: slices.Values(s.rs), Pre: s.pre})
		if err != nil {
			t.Fatal(err)
		}
		c := r.Comparisons[0]
		if !r.CUPED || !c.CUPED.Applied || !(r.Theta > 0) {
			t.Fatalf("CUPED not applied: %+v", r)
		}
		plain, adj, se = append(plain, c.Diff), append(adj, c.CUPED.Diff), append(se, c.CUPED.SE)
		red = append(red, c.CUPED.VarianceReduction)
	}
	meanSD := func(v []float64) (float64, float64) {
		m, ss := 0.0, 0.0
		for _, x := range v {
			m += x
		}
		m /= float64(len(v))
		for _, x := range v {
			ss += (x - m) * (x - m)
		}
		return m, math.Sqrt(ss / float64(len(v)-1))
	}
	ma, sa := meanSD(adj)
	mp, sp := meanSD(plain)
	ms, _ := meanSD(se)
	mr, _ := meanSD(red)
	t.Logf("CUPED mean %.4f sd %.4f (reported SE %.4f, variance reduction %.3f), plain mean %.4f sd %.4f", ma, sa, ms, mr, mp, sp)
	if math.Abs(ma-0.03) > 3*sa/math.Sqrt(float64(runs)) {
		t.Errorf("CUPED mean %.4f, want 0.03 ± %.4f", ma, 3*sa/math.Sqrt(float64(runs)))
	}
	// The covariate (uniform on [0, 3], variance 3/4) explains
	// ρ² = 0.25²·0.75/(0.415·0.585) ≈ 0.19 of the outcome's variance.
	if sa > 0.95*sp || math.Abs(mr-0.19) > 0.02 {
		t.Errorf("CUPED sd %.4f against the plain %.4f, variance reduction %.3f, want 0.19", sa, sp, mr)
	}
	if math.Abs(ms/sa-1) > 0.2 {
		t.Errorf("reported SE %.4f, spread %.4f", ms, sa)
	}
	// An unrelated covariate: θ near 0, almost no change.
	s := simulate(7, clients, 7, [2]float64{0.40, 0.43}, 0, ids)
	noise := map[string]float64{}
	r := rand.New(rand.NewPCG(1, 2))
	for _, id := range ids {
		noise[id] = r.NormFloat64()
	}
	rep, _ := p.Analyze(context.Background(), engagement.ExperimentData{AsOf: asOf, Exposures: slices.Values(s.xs), Responses: slices.Values(s.rs), Pre: noise})
	if c := rep.Comparisons[0]; math.Abs(c.CUPED.VarianceReduction) > 0.01 || math.Abs(c.CUPED.Diff-c.Diff) > 0.005 {
		t.Errorf("unrelated covariate: %+v against plain %v", c.CUPED, c.Diff)
	}
}
