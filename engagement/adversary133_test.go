package engagement

// Adversary 133: false alarms and wrong statistics in change detection
// (Book.Changes / ChangeTests) and in experiment reports.
//
// What was tried (all PASS, kept as pins of the promises):
//   - the exact size of the single-group test, by enumeration over every
//     (recent, baseline) split of up to 64 one-response clients in distinct
//     buckets, eight escalation rates, α = 0.05 and 0.01: worst 0.0559 at
//     α = 0.05 (31/31 responses, p = 0.5), the pooled z-test's own excess;
//   - Monte Carlo of testGroup (4000 books a setting) over 3…2000 clients,
//     1–30 responses a client, Pareto activity, two-point rate
//     heterogeneity, 50/50 and 10/90 windows, rates 0.02…0.5: no setting
//     above α + 3 s.e. (not kept: 260 s);
//   - the mSPRT look rule (balanced and 10% arms, rates 0.01…0.3, Tau
//     0.01…10, a look after every client): at most 3.5% at α = 0.05;
//   - through the API: family-wise false alarms under the null with
//     clustered, bursty clients (BH and Holm), one fan, merges, order,
//     degenerate windows; A/A experiments (fixed, sequential, Holm, SRM,
//     P(beats)), a 55/45 split, zero and all conversions, multi-variant
//     clients.

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"
)

var adv133AsOf = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

// adv133Run runs f with a deadline and turns a panic into a failure.
func adv133Run(t *testing.T, limit time.Duration, f func(t *testing.T)) {
	t.Helper()
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		f(t)
	}()
	select {
	case p := <-done:
		if p != nil {
			t.Fatalf("panic: %v", p)
		}
	case <-time.After(limit):
		t.Fatalf("did not finish within %v", limit)
	}
}

// adv133Journey: a feed (depth 1) and a site (depth 2); 8 stimuli on the
// feed with 2 kinds, 8 campaigns and 4 topics: 15 content groups. A
// response escalates when it lands on the site.
func adv133Journey(t *testing.T) *Journey {
	settings := []Setting{{ID: "feed", Depth: 1}, {ID: "site", Depth: 2}}
	var st []Stimulus
	for i := range 8 {
		st = append(st, Stimulus{ID: fmt.Sprint("s", i), Setting: "feed", Kind: fmt.Sprint("k", i%2),
			Campaign: fmt.Sprint("c", i), Topic: fmt.Sprint("t", i/2), Time: adv133AsOf.AddDate(-3, 0, 0)})
	}
	j, err := NewJourney(settings, st)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func adv133Resp(client string, stim int, esc bool, at time.Time) Response {
	r := Response{Client: client, Stimulus: fmt.Sprint("s", stim), Kind: "like", Time: at}
	if esc {
		r.Setting = "site"
	}
	return r
}

// adv133Null is one book's responses with nothing changing: each client
// has their own constant rate (mean ≈ 0.25), a favourite stimulus, 1–8
// responses over the 270 days of the two default windows; one client in
// fanEvery (0: none) is a fan answering 20–80 times within five days.
func adv133Null(r *rand.Rand, clients, fanEvery int) []Response {
	const span = 270 * 24 * time.Hour
	var out []Response
	for c := range clients {
		id := fmt.Sprintf("u%d-%d", c, r.IntN(1<<20))
		rate := r.Float64() * r.Float64()
		fav := r.IntN(8)
		n, start, width := 1+r.IntN(8), time.Duration(0), span
		if fanEvery > 0 && r.IntN(fanEvery) == 0 {
			n, width = 20+r.IntN(61), 5*24*time.Hour
			start = time.Duration(r.Int64N(int64(span - width)))
		}
		for range n {
			at := adv133AsOf.Add(-time.Second - start - time.Duration(r.Int64N(int64(width))))
			s := fav
			if r.IntN(4) == 0 {
				s = r.IntN(8)
			}
			out = append(out, adv133Resp(id, s, r.Float64() < rate, at))
		}
	}
	return out
}

func adv133Book(t *testing.T, j *Journey, rs []Response, asOf time.Time) *Book {
	b, err := Analyze(context.Background(), j, slices.Values(rs), Options{AsOf: asOf})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAdversary133_ChangesNullFamilyWise pins the promise of
// ChangeOptions under the complete null (FDR = FWER there, for BH too):
// with clustered, bursty clients and 15 groups, a call reports a change
// in at most α of the books, within a binomial bound (α + 3 s.e.).
func TestAdversary133_ChangesNullFamilyWise(t *testing.T) {
	adv133Run(t, 60*time.Second, func(t *testing.T) {
		j := adv133Journey(t)
		const books, alpha = 300, 0.05
		bound := alpha + 3*math.Sqrt(alpha*(1-alpha)/books)
		r := rand.New(rand.NewPCG(133, 331))
		alarms := map[Correction]int{}
		tested, raw, tests := 0, 0, 0
		for k := range books {
			// a third of the books without fans, a third with one client in
			// fifty a fan, a third with one in ten
			b := adv133Book(t, j, adv133Null(r, 400, []int{0, 50, 10}[k%3]), adv133AsOf)
			for _, corr := range []Correction{BenjaminiHochberg, Holm} {
				all, err := b.ChangeTests(ChangeOptions{Alpha: alpha, Correction: corr})
				if err != nil {
					t.Fatal(err)
				}
				tested = max(tested, len(all))
				for _, c := range all {
					if corr == Holm {
						tests++
						if c.P <= alpha {
							raw++
						}
					}
					if math.IsNaN(c.P) || c.P < 0 || c.P > 1 || c.PAdjusted < c.P || c.PAdjusted > 1 {
						t.Fatalf("bad p: %+v", c)
					}
				}
				if slices.ContainsFunc(all, func(c Change) bool { return c.Significant }) {
					alarms[corr]++
				}
			}
		}
		if tested < 10 {
			t.Fatalf("only %d groups tested", tested)
		}
		t.Logf("a single test's size at %v: %.3f of %d", alpha, float64(raw)/float64(tests), tests)
		for _, corr := range []Correction{BenjaminiHochberg, Holm} {
			rate := float64(alarms[corr]) / books
			t.Logf("%v: %d of %d books with a false alarm (%.3f, bound %.3f)", corr, alarms[corr], books, rate, bound)
			if rate > bound {
				t.Errorf("%v: family-wise false alarms %.3f > %.3f", corr, rate, bound)
			}
		}
	})
}

// TestAdversary133_ChangesOneFanNotAChange pins that one client cannot
// make a change: 200 clients escalate at 0.2 once in each window, and a
// fan answers 400 times in the recent window escalating 90% of the time
// (a response-level z of about 20). The group must not be significant.
func TestAdversary133_ChangesOneFanNotAChange(t *testing.T) {
	adv133Run(t, 20*time.Second, func(t *testing.T) {
		j := adv133Journey(t)
		r := rand.New(rand.NewPCG(1, 2))
		var rs []Response
		for c := range 200 {
			id := fmt.Sprint("c", c)
			rs = append(rs, adv133Resp(id, 0, r.Float64() < 0.2, adv133AsOf.AddDate(0, 0, -1-r.IntN(89))),
				adv133Resp(id, 0, r.Float64() < 0.2, adv133AsOf.AddDate(0, 0, -91-r.IntN(179))))
		}
		for i := range 400 {
			rs = append(rs, adv133Resp("fan", 0, i%10 != 0, adv133AsOf.AddDate(0, 0, -1-i%80)))
		}
		b := adv133Book(t, j, rs, adv133AsOf)
		all, err := b.ChangeTests(ChangeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range all {
			if c.Significant || c.P < 0.05 {
				t.Errorf("one fan makes %s=%s change: %+v", c.Dimension, c.Value, c)
			}
		}
		if len(all) == 0 {
			t.Fatal("nothing tested")
		}
	})
}

// TestAdversary133_ChangesMergeAndOrder pins that a book merged from
// random shards, and a book of the responses in reverse order, give the
// same ChangeTests as one book.
func TestAdversary133_ChangesMergeAndOrder(t *testing.T) {
	adv133Run(t, 20*time.Second, func(t *testing.T) {
		j := adv133Journey(t)
		r := rand.New(rand.NewPCG(5, 6))
		rs := adv133Null(r, 400, 0)
		// add a real change so that something is significant
		for c := range 300 {
			rs = append(rs, adv133Resp(fmt.Sprint("x", c), 3, r.Float64() < 0.6, adv133AsOf.AddDate(0, 0, -1-r.IntN(89))),
				adv133Resp(fmt.Sprint("x", c), 3, r.Float64() < 0.1, adv133AsOf.AddDate(0, 0, -91-r.IntN(179))))
		}
		one := adv133Book(t, j, rs, adv133AsOf)
		want, err := one.ChangeTests(ChangeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		shards := make([][]Response, 3)
		for _, x := range rs {
			k := r.IntN(3)
			shards[k] = append(shards[k], x)
		}
		var books []*Book
		for _, s := range shards {
			books = append(books, adv133Book(t, j, s, adv133AsOf))
		}
		m, err := MergeBooks(books[2], books[0], books[1])
		if err != nil {
			t.Fatal(err)
		}
		got, _ := m.ChangeTests(ChangeOptions{})
		if !reflect.DeepEqual(got, want) {
			t.Errorf("merged ChangeTests differ:\n got %+v\nwant %+v", got, want)
		}
		rev := slices.Clone(rs)
		slices.Reverse(rev)
		got, _ = adv133Book(t, j, rev, adv133AsOf).ChangeTests(ChangeOptions{})
		if !reflect.DeepEqual(got, want) {
			t.Errorf("reversed ChangeTests differ:\n got %+v\nwant %+v", got, want)
		}
		ch, _ := one.Changes(ChangeOptions{})
		if !slices.ContainsFunc(ch, func(c Change) bool { return c.Dimension == "campaign" && c.Value == "c3" }) {
			t.Errorf("the real change of campaign c3 (0.1 → 0.6, 300 clients) not found: %+v", ch)
		}
	})
}

func adv133PMF(n int, p float64) []float64 {
	out := make([]float64, n+1)
	for k := 0; k <= n; k++ {
		a, _ := math.Lgamma(float64(n + 1))
		b, _ := math.Lgamma(float64(k + 1))
		c, _ := math.Lgamma(float64(n - k + 1))
		out[k] = math.Exp(a - b - c + float64(k)*math.Log(p) + float64(n-k)*math.Log1p(-p))
	}
	return out
}

// TestAdversary133_ChangesExactSizeSmallSamples pins the test's exact
// size with one response per client, each client its own bucket, every
// split of up to 64 responses between the windows (MinN 1), eight
// escalation rates: at most 1.2·α (observed worst: 0.0559 at α = 0.05,
// 31/31, p = 0.5 — the pooled z-test's own discreteness).
func TestAdversary133_ChangesExactSizeSmallSamples(t *testing.T) {
	adv133Run(t, 30*time.Second, func(t *testing.T) {
		for nR := 1; nR < numBuckets; nR++ {
			for nB := 1; nR+nB <= numBuckets; nB++ {
				pv := make([][]float64, nR+1)
				for a := range pv {
					pv[a] = make([]float64, nB+1)
					for y := range pv[a] {
						bk := make([]groupCounts, numBuckets)
						for i := range nR {
							bk[i].recentN = 1
							if i < a {
								bk[i].recentEsc = 1
							}
						}
						for i := range nB {
							bk[nR+i].baseN = 1
							if i < y {
								bk[nR+i].baseEsc = 1
							}
						}
						c, ok := testGroup(bk, 1)
						if !ok || math.IsNaN(c.P) || c.P < 0 || c.P > 1 {
							t.Fatalf("nR %d nB %d a %d y %d: %+v ok %v", nR, nB, a, y, c, ok)
						}
						pv[a][y] = c.P
					}
				}
				for _, p := range []float64{0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5} {
					fR, fB := adv133PMF(nR, p), adv133PMF(nB, p)
					for _, alpha := range []float64{0.05, 0.01} {
						size := 0.0
						for a := range fR {
							for y := range fB {
								if pv[a][y] <= alpha {
									size += fR[a] * fB[y]
								}
							}
						}
						if size > 1.2*alpha {
							t.Errorf("nR %d nB %d p %v: exact size %.4f at α = %v", nR, nB, p, size, alpha)
						}
					}
				}
			}
		}
	})
}

// TestAdversary133_ChangesDegenerate pins the edges: all or no
// escalations give p = 1; one empty window, or a window below MinN, is
// not tested (exactly MinN is); an as-of far in the future leaves every
// response outside the windows; a response exactly at as-of is in neither.
func TestAdversary133_ChangesDegenerate(t *testing.T) {
	adv133Run(t, 20*time.Second, func(t *testing.T) {
		j := adv133Journey(t)
		mk := func(nR, nB int, escR, escB bool) []Response {
			var rs []Response
			for i := range nR {
				rs = append(rs, adv133Resp(fmt.Sprint("r", i), 0, escR, adv133AsOf.AddDate(0, 0, -1-i%80)))
			}
			for i := range nB {
				rs = append(rs, adv133Resp(fmt.Sprint("b", i), 0, escB, adv133AsOf.AddDate(0, 0, -100-i%150)))
			}
			return rs
		}
		for _, e := range [][2]bool{{false, false}, {true, true}} {
			all, _ := adv133Book(t, j, mk(500, 500, e[0], e[1]), adv133AsOf).ChangeTests(ChangeOptions{})
			if len(all) == 0 {
				t.Fatalf("all %v: nothing tested", e)
			}
			for _, c := range all {
				if c.P != 1 || c.Significant || c.T != 0 {
					t.Errorf("all escalate=%v: %+v", e, c)
				}
			}
		}
		if all, _ := adv133Book(t, j, mk(0, 500, false, true), adv133AsOf).ChangeTests(ChangeOptions{MinN: 1}); len(all) != 0 {
			t.Errorf("empty recent window tested: %+v", all)
		}
		if all, _ := adv133Book(t, j, mk(29, 500, true, false), adv133AsOf).ChangeTests(ChangeOptions{}); len(all) != 0 {
			t.Errorf("29 < MinN 30 recent responses tested: %+v", all)
		}
		if all, _ := adv133Book(t, j, mk(30, 500, true, false), adv133AsOf).ChangeTests(ChangeOptions{}); len(all) == 0 {
			t.Errorf("30 = MinN recent responses not tested")
		}
		if all, _ := adv133Book(t, j, mk(300, 300, true, false), adv133AsOf.AddDate(5, 0, 0)).ChangeTests(ChangeOptions{MinN: 1}); len(all) != 0 {
			t.Errorf("as-of 5 years ahead: responses counted in the windows: %+v", all)
		}
		// Each of 60 clients once exactly at as-of (in neither window) with
		// an escalation: the group stays 0/40 vs 0/40, p = 1.
		rs := mk(40, 40, false, false)
		for i := range 60 {
			rs = append(rs, adv133Resp(fmt.Sprint("edge", i), 0, true, adv133AsOf))
		}
		for _, c := range must133(adv133Book(t, j, rs, adv133AsOf).ChangeTests(ChangeOptions{})) {
			if c.RecentN != 40 || c.Significant {
				t.Errorf("responses at as-of counted: %+v", c)
			}
		}
	})
}

func must133[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

var adv133Start = time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC)

func adv133Plan(t *testing.T, arms []Arm) *ExperimentPlan {
	p, err := NewExperimentPlan(ExperimentConfig{Experiment: "x", Control: arms[0].Variant, Arms: arms,
		Window: 7 * 24 * time.Hour, Kinds: []string{"book"}, Tau: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// adv133AA draws an experiment in which every arm converts at rate:
// clients exposed over 20 days, a conversion within 3 days of exposure.
func adv133AA(r *rand.Rand, arms []Arm, n int, rate float64) ([]Exposure, []Response) {
	total := 0.0
	for _, a := range arms {
		total += a.Weight
	}
	var xs []Exposure
	var rs []Response
	for i := range n {
		u, v := r.Float64()*total, arms[len(arms)-1].Variant
		for _, a := range arms {
			if u < a.Weight {
				v = a.Variant
				break
			}
			u -= a.Weight
		}
		id := fmt.Sprint("c", i)
		at := adv133Start.Add(time.Duration(r.Int64N(int64(20 * 24 * time.Hour))))
		xs = append(xs, Exposure{Client: id, Experiment: "x", Variant: v, Time: at})
		if r.Float64() < rate {
			rs = append(rs, Response{Client: id, Stimulus: "s", Kind: "book", Time: at.Add(time.Duration(r.Int64N(int64(72 * time.Hour))))})
		}
	}
	return xs, rs
}

func adv133Analyze(t *testing.T, p *ExperimentPlan, xs []Exposure, rs []Response, asOf time.Time) ExperimentReport {
	rep, err := p.Analyze(context.Background(), ExperimentData{AsOf: asOf, Exposures: slices.Values(xs), Responses: slices.Values(rs)})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestAdversary133_ExperimentAANull pins A/A behaviour over 300
// replications (control and two identical variants, 1200 clients, 10%
// conversion, Holm): the family-wise rejection rate of the fixed test
// and of the sequential test read at the end stays within α + 3 s.e.;
// SRM fires in at most 2 of 300 (SRMAlpha 0.001); every p in [0, 1],
// adjusted ≥ raw and monotone in raw; P(beats) in [0, 1], averaging 0.5.
func TestAdversary133_ExperimentAANull(t *testing.T) {
	adv133Run(t, 60*time.Second, func(t *testing.T) {
		arms := []Arm{{"a", 1}, {"b", 1}, {"c", 1}}
		p := adv133Plan(t, arms)
		const reps, alpha = 300, 0.05
		bound := alpha + 3*math.Sqrt(alpha*(1-alpha)/reps)
		r := rand.New(rand.NewPCG(13, 3))
		fixed, seq, srm := 0, 0, 0
		beats := 0.0
		for range reps {
			xs, rs := adv133AA(r, arms, 1200, 0.1)
			rep := adv133Analyze(t, p, xs, rs, adv133Start.AddDate(0, 0, 25))
			if rep.SRM.Mismatch {
				srm++
			}
			if math.IsNaN(rep.SRM.P) || rep.SRM.P < 0 || rep.SRM.P > 1 {
				t.Fatalf("SRM %+v", rep.SRM)
			}
			anyF, anyS := false, false
			for _, c := range rep.Comparisons {
				for _, q := range []float64{c.P, c.PAdjusted, c.Sequential.P, c.Sequential.PAdjusted, c.ProbBeats} {
					if math.IsNaN(q) || q < 0 || q > 1 {
						t.Fatalf("out of [0,1]: %+v", c)
					}
				}
				if c.PAdjusted < c.P || c.Sequential.PAdjusted < c.Sequential.P {
					t.Fatalf("adjusted below raw: %+v", c)
				}
				anyF = anyF || c.Significant
				anyS = anyS || c.Sequential.Significant
				beats += c.ProbBeats
			}
			c0, c1 := rep.Comparisons[0], rep.Comparisons[1]
			if (c0.P < c1.P && c0.PAdjusted > c1.PAdjusted) || (c1.P < c0.P && c1.PAdjusted > c0.PAdjusted) {
				t.Fatalf("Holm not monotone: %+v %+v", c0, c1)
			}
			if anyF {
				fixed++
			}
			if anyS {
				seq++
			}
		}
		mean := beats / (2 * reps)
		t.Logf("fixed %d, sequential %d, SRM %d of %d; mean P(beats) %.3f", fixed, seq, srm, reps, mean)
		if float64(fixed)/reps > bound || float64(seq)/reps > bound {
			t.Errorf("A/A family-wise rejections: fixed %d, sequential %d of %d (bound %.3f)", fixed, seq, reps, bound)
		}
		if srm > 2 {
			t.Errorf("SRM fired on a fair split in %d of %d", srm, reps)
		}
		if math.Abs(mean-0.5) > 0.05 {
			t.Errorf("mean P(beats) of identical arms %.3f", mean)
		}
	})
}

// TestAdversary133_ExperimentSRMAndEdges: a 55/45 split of 20000 clients
// against a planned 50/50 is a mismatch, an exact 50/50 is not (P = 1);
// zero and all conversions in both arms give p = 1 and P(beats) = 0.5; a
// client exposed to both variants is in neither arm and counted.
func TestAdversary133_ExperimentSRMAndEdges(t *testing.T) {
	adv133Run(t, 20*time.Second, func(t *testing.T) {
		p := adv133Plan(t, []Arm{{"a", 1}, {"b", 1}})
		mk := func(na, nb int, conv bool) ([]Exposure, []Response) {
			var xs []Exposure
			var rs []Response
			for i := range na + nb {
				v := "a"
				if i >= na {
					v = "b"
				}
				id := fmt.Sprint("c", i)
				at := adv133Start.Add(time.Duration(i) * time.Second)
				xs = append(xs, Exposure{Client: id, Experiment: "x", Variant: v, Time: at})
				if conv {
					rs = append(rs, Response{Client: id, Stimulus: "s", Kind: "book", Time: at.Add(time.Hour)})
				}
			}
			return xs, rs
		}
		asOf := adv133Start.AddDate(0, 0, 30)
		xs, rs := mk(11000, 9000, false)
		if rep := adv133Analyze(t, p, xs, rs, asOf); !rep.SRM.Mismatch {
			t.Errorf("55/45 of 20000 not a mismatch: %+v", rep.SRM)
		}
		xs, rs = mk(10000, 10000, false)
		if rep := adv133Analyze(t, p, xs, rs, asOf); rep.SRM.Mismatch || rep.SRM.P != 1 {
			t.Errorf("exact 50/50 a mismatch: %+v", rep.SRM)
		}
		for _, conv := range []bool{false, true} {
			xs, rs := mk(500, 500, conv)
			c := adv133Analyze(t, p, xs, rs, asOf).Comparisons[0]
			if c.P != 1 || c.PAdjusted != 1 || c.Significant || c.Sequential.Significant || math.Abs(c.ProbBeats-0.5) > 1e-9 || c.Diff != 0 {
				t.Errorf("all converted=%v: %+v", conv, c)
			}
		}
		xs, rs = mk(300, 300, true)
		xs = append(xs, Exposure{Client: "c0", Experiment: "x", Variant: "b", Time: adv133Start.Add(time.Minute)})
		rep := adv133Analyze(t, p, xs, rs, asOf)
		if rep.Arms[0].Exposed != 299 || rep.Arms[1].Exposed != 300 || rep.Counts.MultiVariant != 1 {
			t.Errorf("a client of both variants: arms %+v counts %+v", rep.Arms, rep.Counts)
		}
	})
}
