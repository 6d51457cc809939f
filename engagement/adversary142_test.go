package engagement

// Adversary 142: false alarms and wrong statistics in change detection
// (Book.Changes / ChangeTests) and in experiment reports, simulated under
// the null with the structure that breaks naive tests: heavy clients,
// clients of one window, rare escalations (1–2%), tiny groups just above
// MinN, many groups at once, unequal windows, weekday and hour
// seasonality, responses exactly at the window boundaries, an as-of in a
// zone other than the responses', replayed (duplicate) responses and
// heavy clients whose ids hash into one bucket.
//
// Found (tests …_Pinned, failing):
//   - ExperimentPlan's difference interval [DiffLow, DiffHigh] (the
//     unpooled Wald interval, experiment_report.go:192) is far from its
//     1−α coverage under "no difference" when an arm is small and
//     conversions rare: a 9:1 split of 1,000 clients converting at 1%
//     excludes the true difference 0 in about 35% of experiments at
//     α = 0.05, mostly while P (Fisher's) is far above α.
//   - Book.ChangeTests' degrees of freedom: the doc says "G* is G when
//     the clusters weigh alike", but G* = (Σu²)²/Σu⁴ is computed from the
//     realized scores u_c (changes.go:256), whose fourth moment is about
//     three times their squared variance, so with 64 buckets of identical
//     counts DF is about 22, not 63; with rare escalations it is a
//     handful, and the test is much more conservative than documented
//     (size 0.3–1.2% at α = 0.05 with heterogeneous clients; power 9%
//     where the z-test has 46%, 60/120 responses at 8% against 2%).
//
// Pinned (tests …_Pinned, passing): the family-wise / false-discovery
// rate of Changes under the null in the realistic setting above, BH and
// Holm; power for a moderate change; merged shards and shuffled input
// give the same change tests (rapid); p-values in [0, 1], PAdjusted ≥ P,
// the documented sort orders; window boundaries to the nanosecond in any
// zone; invalid options and inputs rejected with *OptionError or counted
// by reason; calibrated fixed, sequential and CUPED tests in A/A
// experiments.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/internal/testguard"
	"pgregory.net/rapid"
)

// The as-of is in India's zone (+05:30) on a Monday morning; the
// responses carry UTC or New York-like (−05:00) times. Recent is four
// weeks and Baseline thirteen, so both windows hold whole weeks and a
// weekday-seasonal rate has the same mean in each.
var (
	adv142Zone   = time.FixedZone("IST", 5*3600+1800)
	adv142Other  = time.FixedZone("EST", -5*3600)
	adv142AsOf   = time.Date(2026, 6, 15, 9, 30, 0, 0, adv142Zone)
	adv142Recent = 28 * 24 * time.Hour
	adv142Base   = 91 * 24 * time.Hour
)

func adv142Opts() Options {
	return Options{AsOf: adv142AsOf, Recent: adv142Recent, Baseline: adv142Base}
}

// adv142Journey: two shallow settings (feed, mail) and a deep one (site);
// 24 stimuli with 3 kinds, 2 settings, 12 campaigns and 6 topics: 23
// content groups. A response escalates when it lands on the site.
func adv142Journey(t testing.TB) *Journey {
	settings := []Setting{{ID: "feed", Depth: 1}, {ID: "mail", Depth: 1}, {ID: "site", Depth: 2}}
	var st []Stimulus
	for i := range 24 {
		st = append(st, Stimulus{ID: fmt.Sprint("s", i), Setting: []string{"feed", "mail"}[i%2],
			Kind: []string{"post", "video", "event"}[i%3], Campaign: fmt.Sprint("c", i%12),
			Topic: fmt.Sprint("t", i%6), Time: adv142AsOf.AddDate(0, 0, -200)})
	}
	j, err := NewJourney(settings, st)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

// adv142SameBucket returns n client ids that all hash into one bucket.
func adv142SameBucket(n int, bucket uint8) []string {
	var out []string
	for i := 0; len(out) < n; i++ {
		id := fmt.Sprint("whale-", i)
		if bucketOf(id) == bucket {
			out = append(out, id)
		}
	}
	return out
}

// adv142Gamma draws Gamma(a, 1) (Marsaglia–Tsang).
func adv142Gamma(r *rand.Rand, a float64) float64 {
	if a < 1 {
		return adv142Gamma(r, a+1) * math.Pow(r.Float64(), 1/a)
	}
	d := a - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		if math.Log(r.Float64()) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}

// adv142World is one simulated book's responses.
type adv142World struct {
	rs      []Response
	replays int // responses sent twice under the same id
}

// adv142Null draws a book in which the escalation rate of every group is
// the same in both windows (but, with lift > 1, campaign c0's recent
// rate, for the power check). base is the mean client rate.
//
//   - clients: 400 ordinary (1–6 responses over both windows), of which
//     30% are active in one window only (picked in proportion to the
//     windows' lengths), plus 6 heavy clients (60–250 responses) whose
//     ids all hash into bucket 7;
//   - each client's rate is base × Gamma(0.5)/0.5 (strongly
//     heterogeneous), and a favourite stimulus takes 3/4 of their
//     responses;
//   - the rate has a weekday (weekends ×1.6) and hour (evenings ×1.3)
//     seasonality; response times are uniform over the 119 days, so each
//     window sees the same mix;
//   - 1% of responses fall exactly on AsOf−Recent or on
//     AsOf−Recent−Baseline (as many on each side, in proportion to the
//     windows, at the client's plain rate);
//   - times are written in UTC, the as-of's zone or −05:00;
//   - 3% of responses are replayed under the same id.
func adv142Null(r *rand.Rand, base, lift float64) adv142World {
	var w adv142World
	span := adv142Recent + adv142Base
	start := adv142AsOf.Add(-span)
	zones := []*time.Location{time.UTC, adv142Zone, adv142Other}
	seq := 0
	add := func(client string, stim int, rate float64, at time.Time, seasonal bool) {
		p := rate
		if seasonal {
			local := at.In(adv142Zone)
			wd := 0.76
			if local.Weekday() == time.Saturday || local.Weekday() == time.Sunday {
				wd = 1.6
			}
			hr := 0.9
			if local.Hour() >= 18 {
				hr = 1.3 // 6 of 24 hours: 0.9·18/24 + 1.3·6/24 = 1
			}
			p *= wd * hr
		}
		if lift != 1 && stim%12 == 0 && !at.Before(adv142AsOf.Add(-adv142Recent)) {
			p *= lift
		}
		resp := Response{ID: fmt.Sprint("r", seq), Client: client, Stimulus: fmt.Sprint("s", stim), Kind: "tap",
			Time: at.In(zones[r.IntN(len(zones))])}
		seq++
		if r.Float64() < p {
			resp.Setting = "site"
		}
		w.rs = append(w.rs, resp)
		if r.Float64() < 0.03 {
			w.rs = append(w.rs, resp)
			w.replays++
		}
	}
	client := func(id string, n int, oneWindow bool) {
		rate := min(1, base*adv142Gamma(r, 0.5)/0.5)
		fav := r.IntN(24)
		from, width := start, span
		if oneWindow {
			if r.Float64() < float64(adv142Recent)/float64(span) {
				from, width = adv142AsOf.Add(-adv142Recent), adv142Recent
			} else {
				width = adv142Base
			}
		}
		for range n {
			s := fav
			if r.IntN(4) == 0 {
				s = r.IntN(24)
			}
			switch u := r.Float64(); {
			case u < 0.01*float64(adv142Recent)/float64(span):
				add(id, s, rate, adv142AsOf.Add(-adv142Recent), false)
			case u < 0.01:
				add(id, s, rate, start, false)
			default:
				at := from.Add(time.Duration(r.Int64N(int64(width))))
				if at.Equal(adv142AsOf) {
					at = at.Add(-1)
				}
				add(id, s, rate, at, true)
			}
		}
	}
	for c := range 400 {
		client(fmt.Sprintf("u%d-%x", c, r.Uint32()), 1+r.IntN(6), r.Float64() < 0.3)
	}
	for _, id := range adv142SameBucket(6, 7) {
		client(id, 60+r.IntN(191), false)
	}
	r.Shuffle(len(w.rs), func(i, k int) { w.rs[i], w.rs[k] = w.rs[k], w.rs[i] })
	return w
}

func adv142Book(t interface{ Fatal(...any) }, j *Journey, rs []Response) *Book {
	b, err := Analyze(context.Background(), j, slices.Values(rs), adv142Opts())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// adv142Implausible is the least count k with P(Bin(n, p) ≥ k) ≤ 0.001:
// a count of false alarms at or above it is implausible (one-sided,
// 99.9%) when each of n trials alarms with probability at most p.
func adv142Implausible(n int, p float64) int {
	// P(X ≥ k) summed from the top, in logs.
	tail := 0.0
	for k := n; k >= 0; k-- {
		lg, _ := math.Lgamma(float64(n + 1))
		l1, _ := math.Lgamma(float64(k + 1))
		l2, _ := math.Lgamma(float64(n - k + 1))
		tail += math.Exp(lg - l1 - l2 + float64(k)*math.Log(p) + float64(n-k)*math.Log1p(-p))
		if tail > 0.001 {
			return k + 1
		}
	}
	return 0
}

// TestAdversary142_ChangesNullRealistic_Pinned: 300 books of the
// realistic null above (120 with -short), α = 0.05, MinN 20 (a campaign
// has about 40 recent responses: tiny groups), 23 groups a call. Under the
// complete null the FDR is the probability of any alarm, so BH and Holm
// both promise at most α of the books with an alarm. Observed: 0 of 300
// books for either (the test is conservative, see
// TestAdversary142_ChangesDFEqualBuckets_Pinned); the bound is the count
// implausible under Bin(300, 0.05) at 99.9% (29); of 6,814 single tests,
// 2 had a raw p ≤ α. Also pinned: p-values in
// [0, 1], PAdjusted ≥ P, ChangeTests sorted by dimension and value,
// Changes by |effect| then dimension and value, every replay counted as
// DuplicateID, and the accounting In = Used + rejected.
func TestAdversary142_ChangesNullRealistic_Pinned(t *testing.T) {
	books := 300
	if testing.Short() {
		books = 120
	}
	testguard.Run(t, 60*time.Second, func() {
		j := adv142Journey(t)
		r := rand.New(rand.NewPCG(142, 241))
		const alpha = 0.05
		alarms := map[Correction]int{}
		var tests, raw, maxTested int
		for k := range books {
			base := []float64{0.01, 0.015, 0.02}[k%3]
			w := adv142Null(r, base, 1)
			b := adv142Book(t, j, w.rs)
			if got := b.Report.Rejected[DuplicateID]; got != w.replays {
				t.Errorf("book %d: %d duplicates rejected, %d replayed", k, got, w.replays)
			}
			sum := b.Report.Used
			for _, n := range b.Report.Rejected {
				sum += n
			}
			if sum != b.Report.In || b.Report.In != len(w.rs) {
				t.Errorf("book %d: accounting %+v of %d responses", k, b.Report, len(w.rs))
			}
			for _, corr := range []Correction{BenjaminiHochberg, Holm} {
				o := ChangeOptions{Alpha: alpha, MinN: 20, Correction: corr}
				all, err := b.ChangeTests(o)
				if err != nil {
					t.Errorf("ChangeTests: %v", err)
					return
				}
				maxTested = max(maxTested, len(all))
				if !slices.IsSortedFunc(all, func(a, b Change) int {
					if a.Dimension != b.Dimension {
						return cmpStr(a.Dimension, b.Dimension)
					}
					return cmpStr(a.Value, b.Value)
				}) {
					t.Errorf("ChangeTests not sorted by dimension and value")
				}
				alarm := false
				for _, c := range all {
					if !(c.P >= 0 && c.P <= 1) || !(c.PAdjusted >= c.P && c.PAdjusted <= 1) || c.Significant != (c.PAdjusted <= alpha) {
						t.Errorf("bad p: %+v", c)
					}
					if corr == Holm {
						tests++
						if c.P <= alpha {
							raw++
						}
					}
					alarm = alarm || c.Significant
				}
				if alarm {
					alarms[corr]++
				}
				ch, err := b.Changes(o)
				if err != nil {
					t.Errorf("Changes: %v", err)
					return
				}
				for i := 1; i < len(ch); i++ {
					if math.Abs(ch[i].Effect) > math.Abs(ch[i-1].Effect) {
						t.Errorf("Changes not by |effect|: %+v before %+v", ch[i-1], ch[i])
					}
				}
			}
		}
		if maxTested < 15 {
			t.Errorf("only %d groups tested: the simulation does not reach MinN", maxTested)
		}
		limit := adv142Implausible(books, alpha)
		t.Logf("single tests at %.2f: %d of %d raw p ≤ α (%.4f)", alpha, raw, tests, float64(raw)/float64(tests))
		for _, corr := range []Correction{BenjaminiHochberg, Holm} {
			t.Logf("%v: %d of %d null books with an alarm (implausible from %d)", corr, alarms[corr], books, limit)
			if alarms[corr] >= limit {
				t.Errorf("%v: %d of %d null books raised a false alarm, implausible under the promised ≤ %.2f (≥ %d)",
					corr, alarms[corr], books, alpha, limit)
			}
		}
	})
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestAdversary142_ChangesPower_Pinned: a real change of moderate size
// is found. Campaign c0 (stimuli s0 and s12) is answered 1–2 times by
// each of 1,500 clients (rates 5% × Gamma(5)/5) over both windows, and
// the rate doubles in the recent window (5% to 10%); and, with strongly
// heterogeneous clients (Gamma(0.5)), 600 clients whose rate triples.
// Changes must report campaign=c0, rising, in at least two thirds of 60
// books with BH (observed 56 and 58; the pooled z-test 58 and 60) and in
// half with Holm (47 and 36: Holm counts the four identical groups of c0,
// its kind, setting and topic, as four tests). A fix
// that silences the test fails here. (In the realistic null world of
// TestAdversary142_ChangesNullRealistic_Pinned, with 6 heavy clients in
// one bucket, even a tripled rate on ~40 recent responses is found in
// none of 60 books: DF falls to 0.1–4.)
func TestAdversary142_ChangesPower_Pinned(t *testing.T) {
	books := 60
	if testing.Short() {
		books = 30
	}
	testguard.Run(t, 40*time.Second, func() {
		j := adv142Journey(t)
		r := rand.New(rand.NewPCG(7, 142))
		span := adv142Recent + adv142Base
		for _, s := range []struct {
			clients            int
			base, lift, hetero float64
		}{{1500, 0.05, 2, 5}, {600, 0.05, 3, 0.5}} {
			found := map[Correction]int{}
			for range books {
				var rs []Response
				for c := range s.clients {
					id := fmt.Sprint("p", c, "-", r.Uint32())
					rate := s.base * adv142Gamma(r, s.hetero) / s.hetero
					for range 1 + r.IntN(2) {
						age := time.Duration(r.Int64N(int64(span))) + 1
						p := rate
						if age <= adv142Recent {
							p *= s.lift
						}
						resp := Response{Client: id, Stimulus: fmt.Sprint("s", 12*r.IntN(2)), Kind: "tap", Time: adv142AsOf.Add(-age)}
						if r.Float64() < p {
							resp.Setting = "site"
						}
						rs = append(rs, resp)
					}
				}
				b := adv142Book(t, j, rs)
				for _, corr := range []Correction{BenjaminiHochberg, Holm} {
					ch, err := b.Changes(ChangeOptions{Correction: corr})
					if err != nil {
						t.Errorf("Changes: %v", err)
						return
					}
					for _, c := range ch {
						if c.Dimension == "campaign" && c.Value == "c0" {
							found[corr]++
							if c.Falling || c.Effect <= 0 {
								t.Errorf("c0 rose, reported %+v", c)
							}
						}
					}
				}
			}
			t.Logf("%+v: c0 found in %d (BH) and %d (Holm) of %d books", s, found[BenjaminiHochberg], found[Holm], books)
			for _, corr := range []Correction{BenjaminiHochberg, Holm} {
				if need := map[Correction]int{BenjaminiHochberg: books * 2 / 3, Holm: books / 2}[corr]; found[corr] < need {
					t.Errorf("%+v, %v: the change found in only %d of %d books", s, corr, found[corr], books)
				}
			}
		}
	})
}

// TestAdversary142_ChangesMergeAndOrder_Pinned (rapid): a book analyzed
// from any split of the responses into shards and merged, or from the
// responses shuffled, gives exactly the change tests of the book of all
// of them (the counts are integers; the statistics a pure function of
// them), with either correction.
func TestAdversary142_ChangesMergeAndOrder_Pinned(t *testing.T) {
	j := adv142Journey(t)
	testguard.Run(t, 60*time.Second, func() {
		rapid.Check(t, func(rt *rapid.T) {
			seed := rapid.Uint64().Draw(rt, "seed")
			shards := rapid.IntRange(1, 5).Draw(rt, "shards")
			corr := Correction(rapid.IntRange(0, 1).Draw(rt, "correction"))
			minN := rapid.IntRange(1, 40).Draw(rt, "minN")
			r := rand.New(rand.NewPCG(seed, seed^0x142))
			rs := adv142Null(r, 0.05, 1+float64(r.IntN(3))).rs
			rs = slices.DeleteFunc(rs, func(Response) bool { return r.IntN(2) == 0 }) // smaller, faster
			// replays under the same id must land in one shard: a merge
			// does not detect duplicates across books (documented)
			part := map[string]int{}
			parts := make([][]Response, shards)
			for _, x := range rs {
				p, ok := part[x.ID]
				if !ok {
					p = r.IntN(shards)
					part[x.ID] = p
				}
				parts[p] = append(parts[p], x)
			}
			var bs []*Book
			for _, p := range parts {
				bs = append(bs, adv142Book(rt, j, p))
			}
			merged, err := MergeBooks(bs...)
			if err != nil {
				rt.Fatalf("MergeBooks: %v", err)
			}
			whole := adv142Book(rt, j, rs)
			shuffled := slices.Clone(rs)
			r.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
			reordered := adv142Book(rt, j, shuffled)
			o := ChangeOptions{MinN: minN, Correction: corr}
			want, err := whole.ChangeTests(o)
			if err != nil {
				rt.Fatal(err)
			}
			for name, b := range map[string]*Book{"merged": merged, "shuffled": reordered} {
				got, err := b.ChangeTests(o)
				if err != nil {
					rt.Fatal(err)
				}
				if !slices.Equal(got, want) {
					rt.Fatalf("%s book's change tests differ:\n got %+v\nwant %+v", name, got, want)
				}
			}
			if merged.Report.In != whole.Report.In || merged.Report.Used != whole.Report.Used {
				rt.Fatalf("reports: merged %+v, whole %+v", merged.Report, whole.Report)
			}
		})
	})
}

// TestAdversary142_ChangesWindowBoundaries_Pinned: a response at
// AsOf−Recent is recent, one a nanosecond before it baseline, one at
// AsOf−Recent−Baseline baseline, one a nanosecond before that and one at
// AsOf in neither — whatever zone the response's time is written in.
func TestAdversary142_ChangesWindowBoundaries_Pinned(t *testing.T) {
	j := adv142Journey(t)
	edge := adv142AsOf.Add(-adv142Recent)
	first := edge.Add(-adv142Base)
	for _, zone := range []*time.Location{time.UTC, adv142Zone, adv142Other, time.FixedZone("odd", -(9*3600 + 30*60 + 17))} {
		var rs []Response
		for i := range 3 {
			id := fmt.Sprint("b", i)
			rs = append(rs,
				Response{Client: id, Stimulus: "s0", Kind: "tap", Time: edge.In(zone), Setting: "site"},
				Response{Client: id, Stimulus: "s0", Kind: "tap", Time: edge.Add(-1).In(zone)},
				Response{Client: id, Stimulus: "s0", Kind: "tap", Time: first.In(zone)},
				Response{Client: id, Stimulus: "s0", Kind: "tap", Time: first.Add(-1).In(zone), Setting: "site"},
				Response{Client: id, Stimulus: "s0", Kind: "tap", Time: adv142AsOf.In(zone), Setting: "site"})
		}
		all, err := adv142Book(t, j, rs).ChangeTests(ChangeOptions{MinN: 1})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range all {
			if c.Dimension == "campaign" && c.Value == "c0" {
				if c.RecentN != 3 || c.BaselineN != 6 || c.RecentRate != 1 || c.BaselineRate != 0 {
					t.Errorf("zone %v: recent %d at %v, baseline %d at %v; want 3 at 1 and 6 at 0", zone, c.RecentN, c.RecentRate, c.BaselineN, c.BaselineRate)
				}
			}
		}
	}
}

// TestAdversary142_InvalidInputs_Pinned: NaN, infinite, negative and
// unknown option values are *OptionError (wrapping ErrInvalidOption),
// never a default or a guess; NaN and infinite response values are
// rejected and counted as NaNValue.
func TestAdversary142_InvalidInputs_Pinned(t *testing.T) {
	isOpt := func(what string, err error) {
		t.Helper()
		var oe *OptionError
		if !errors.As(err, &oe) || !errors.Is(err, ErrInvalidOption) {
			t.Errorf("%s: error %v, want an *OptionError", what, err)
		}
	}
	b := adv142Book(t, adv142Journey(t), nil)
	for _, o := range []ChangeOptions{{Alpha: math.NaN()}, {Alpha: math.Inf(1)}, {Alpha: math.Inf(-1)}, {Alpha: -0.05},
		{Alpha: 1.0000001}, {MinN: -1}, {Correction: Holm + 1}, {Correction: 255}} {
		_, err := b.ChangeTests(o)
		isOpt(fmt.Sprintf("ChangeTests(%+v)", o), err)
		_, err = b.Changes(o)
		isOpt(fmt.Sprintf("Changes(%+v)", o), err)
	}
	for _, o := range []Options{{AsOf: adv142AsOf, Recent: -time.Hour}, {AsOf: adv142AsOf, Baseline: -1 * time.Nanosecond}, {}} {
		_, err := Analyze(context.Background(), adv142Journey(t), nil, o)
		isOpt(fmt.Sprintf("Analyze(%+v)", o), err)
	}
	good := ExperimentConfig{Experiment: "e", Control: "a", Arms: []Arm{{"a", 1}, {"b", 1}}, Window: time.Hour, Kinds: []string{"buy"}}
	for name, mod := range map[string]func(*ExperimentConfig){
		"alpha NaN":    func(c *ExperimentConfig) { c.Alpha = math.NaN() },
		"alpha 1":      func(c *ExperimentConfig) { c.Alpha = 1 },
		"alpha -0.1":   func(c *ExperimentConfig) { c.Alpha = -0.1 },
		"tau Inf":      func(c *ExperimentConfig) { c.Tau = math.Inf(1) },
		"tau NaN":      func(c *ExperimentConfig) { c.Tau = math.NaN() },
		"tau -1":       func(c *ExperimentConfig) { c.Tau = -1 },
		"srm NaN":      func(c *ExperimentConfig) { c.SRMAlpha = math.NaN() },
		"weight NaN":   func(c *ExperimentConfig) { c.Arms = []Arm{{"a", math.NaN()}, {"b", 1}} },
		"weight Inf":   func(c *ExperimentConfig) { c.Arms = []Arm{{"a", math.Inf(1)}, {"b", 1}} },
		"weight -1":    func(c *ExperimentConfig) { c.Arms = []Arm{{"a", -1}, {"b", 2}} },
		"window -1h":   func(c *ExperimentConfig) { c.Window = -time.Hour },
		"one arm":      func(c *ExperimentConfig) { c.Arms = []Arm{{"a", 1}} },
		"no control":   func(c *ExperimentConfig) { c.Control = "z" },
		"correction 9": func(c *ExperimentConfig) { x := Correction(9); c.Correction = &x },
	} {
		c := good
		c.Arms = slices.Clone(good.Arms)
		mod(&c)
		_, err := NewExperimentPlan(c)
		isOpt("NewExperimentPlan "+name, err)
	}
	plan, err := NewExperimentPlan(good)
	if err != nil {
		t.Fatal(err)
	}
	xs := []Exposure{{Client: "x", Experiment: "e", Variant: "a", Time: adv142AsOf.Add(-time.Hour)}}
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		_, err := plan.Analyze(context.Background(), ExperimentData{AsOf: adv142AsOf, Exposures: slices.Values(xs), Pre: map[string]float64{"x": v}})
		isOpt(fmt.Sprint("Pre ", v), err)
	}
	for _, f := range []func() error{
		func() error { _, err := SampleSize(math.NaN(), 0.1, 0.05, 0.8); return err },
		func() error { _, err := SampleSize(0.1, 0.2, math.Inf(1), 0.8); return err },
		func() error { _, err := Power(0.1, 0.2, -5, 0.05); return err },
		func() error { _, err := MDE(0.1, 100, 0.05, math.NaN()); return err },
		func() error { _, err := Benchmark("m", math.Inf(1), []float64{1}); return err },
	} {
		isOpt("planning", f())
	}
	j := adv142Journey(t)
	var rs []Response
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), -3} {
		rs = append(rs, Response{Client: "v", Stimulus: "s1", Kind: "tap", Time: adv142AsOf.Add(-time.Hour), Value: v})
	}
	bk := adv142Book(t, j, rs)
	if bk.Report.Rejected[NaNValue] != 3 || bk.Report.Used != 1 {
		t.Errorf("NaN/Inf values: report %+v, want 3 NaNValue and the negative value used", bk.Report)
	}
}

// adv142Experiment draws an A/A experiment: n clients split by share
// into arms a and b, exposed over 14 days (a fifth of them two or three
// times, 1% also to the other arm, who are left out), converting at rate
// within the window, with a heavy-tailed pre-period covariate. AsOf is
// in the +05:30 zone.
func adv142Experiment(r *rand.Rand, n int, share, rate float64) ExperimentData {
	start := adv142AsOf.AddDate(0, 0, -20)
	var xs []Exposure
	var rs []Response
	pre := map[string]float64{}
	for i := range n {
		id := fmt.Sprint("c", i)
		v, other := "a", "b"
		if r.Float64() >= share {
			v, other = "b", "a"
		}
		at := start.Add(time.Duration(r.Int64N(int64(14 * 24 * time.Hour))))
		xs = append(xs, Exposure{Client: id, Experiment: "e", Variant: v, Time: at})
		for range r.IntN(3) * r.IntN(2) {
			xs = append(xs, Exposure{Client: id, Experiment: "e", Variant: v, Time: at.Add(time.Duration(r.Int64N(int64(48 * time.Hour))))})
		}
		if r.Float64() < 0.01 {
			xs = append(xs, Exposure{Client: id, Experiment: "e", Variant: other, Time: at.Add(time.Hour)})
		}
		x := math.Exp(1.5 * r.NormFloat64())
		pre[id] = x
		if r.Float64() < rate*min(5, x)/1.8 {
			rs = append(rs, Response{Client: id, Stimulus: "s", Kind: "buy", Time: at.Add(time.Duration(r.Int64N(int64(40 * time.Hour))))})
		}
	}
	return ExperimentData{AsOf: adv142AsOf, Exposures: slices.Values(xs), Responses: slices.Values(rs), Pre: pre}
}

// TestAdversary142_ExperimentNullCalibrated_Pinned: A/A experiments (no
// difference between the arms) in four settings, 250 each (100 with
// -short): 9:1 and 1:1 splits, 1,000–3,000 clients, conversion 1–5%
// (heterogeneous by the covariate). The fixed test's P, the sequential
// (always-valid) P and interval, and CUPED's P may each be ≤ α (or
// exclude 0) in at most α of them, within the 99.9% binomial bound.
// Observed (of 250): fixed P 4–10, sequential P 0–1, sequential interval
// 0–6, CUPED 3–10 of the 92–250 where it applies.
func TestAdversary142_ExperimentNullCalibrated_Pinned(t *testing.T) {
	sims := 250
	if testing.Short() {
		sims = 100
	}
	testguard.Run(t, 60*time.Second, func() {
		for _, s := range []struct {
			n           int
			share, rate float64
		}{{3000, 0.9, 0.02}, {1000, 0.9, 0.05}, {2000, 0.5, 0.01}, {1000, 0.5, 0.05}} {
			plan, err := NewExperimentPlan(ExperimentConfig{Experiment: "e", Control: "a", Arms: []Arm{{"a", s.share}, {"b", 1 - s.share}},
				Window: 48 * time.Hour, Kinds: []string{"buy"}, Tau: 0.5})
			if err != nil {
				t.Error(err)
				return
			}
			r := rand.New(rand.NewPCG(uint64(s.n), math.Float64bits(s.rate)))
			var fixed, seqP, seqCI, cup, applied int
			for range sims {
				rep, err := plan.Analyze(context.Background(), adv142Experiment(r, s.n, s.share, s.rate))
				if err != nil {
					t.Error(err)
					return
				}
				c := rep.Comparisons[0]
				for _, p := range []float64{c.P, c.PAdjusted, c.Sequential.P, c.CUPED.P, c.ProbBeats} {
					if !(p >= 0 && p <= 1) {
						t.Errorf("probability out of [0, 1]: %+v", c)
					}
				}
				if c.P <= rep.Alpha {
					fixed++
				}
				if c.Sequential.P <= rep.Alpha {
					seqP++
				}
				if c.Sequential.Low > 0 || c.Sequential.High < 0 || c.Sequential.Low > c.Sequential.High {
					seqCI++
				}
				if c.CUPED.Applied {
					applied++
					if c.CUPED.P <= rep.Alpha {
						cup++
					}
				}
			}
			limit := adv142Implausible(sims, 0.05)
			t.Logf("%+v: fixed %d, sequential %d (interval %d), CUPED %d of %d applied; of %d, implausible from %d",
				s, fixed, seqP, seqCI, cup, applied, sims, limit)
			for name, k := range map[string]int{"fixed P": fixed, "sequential P": seqP, "sequential interval": seqCI} {
				if k >= limit {
					t.Errorf("%+v: %s rejects a true null in %d of %d A/A experiments (implausible at α = 0.05 from %d)", s, name, k, sims, limit)
				}
			}
			if applied > 0 && cup >= adv142Implausible(applied, 0.05) {
				t.Errorf("%+v: CUPED rejects a true null in %d of %d", s, cup, applied)
			}
		}
	})
}

// TestAdversary142_ExperimentDiffIntervalNull_Pinned: A/A experiments of
// 1,000 clients with a planned 9:1 split (about 100 in the variant) and
// 1% conversion, no difference between the arms, α = 0.05. The report
// promises intervals "at level 1−Alpha"; the difference's true value is
// 0, so [DiffLow, DiffHigh] may exclude 0 in at most 5% of experiments.
// Was (fixed: Newcombe's hybrid score interval): about 35% (106 of 300 experiments; implausible from 29):
// the unpooled Wald half-width z·√(p_A(1−p_A)/n_A + p_B(1−p_B)/n_B)
// (experiment_report.go:192) takes the small arm's variance as 0 when it
// has no conversion, which is most of the time, giving an interval of
// about −0.010 ± 0.006. In almost all of those P (Fisher's, the arms'
// expected conversions being under five) is far above α: the report says
// "not significant" and shows an interval that excludes no difference.
// Expected: an interval that keeps its coverage with small arms and rare
// conversions (Newcombe's hybrid score interval from the Wilson
// intervals the arms already have, or Agresti–Caffo), consistent with P.
func TestAdversary142_ExperimentDiffIntervalNull_Pinned(t *testing.T) {
	sims := 300
	if testing.Short() {
		sims = 150
	}
	testguard.Run(t, 40*time.Second, func() {
		plan, err := NewExperimentPlan(ExperimentConfig{Experiment: "e", Control: "a", Arms: []Arm{{"a", 9}, {"b", 1}},
			Window: 48 * time.Hour, Kinds: []string{"buy"}})
		if err != nil {
			t.Error(err)
			return
		}
		r := rand.New(rand.NewPCG(142, 9))
		var excl, exclNotSig, sig int
		for range sims {
			d := adv142Experiment(r, 1000, 0.9, 0.01)
			d.Pre = nil
			rep, err := plan.Analyze(context.Background(), d)
			if err != nil {
				t.Error(err)
				return
			}
			c := rep.Comparisons[0]
			if c.P <= rep.Alpha {
				sig++
			}
			if c.DiffLow > 0 || c.DiffHigh < 0 {
				excl++
				if c.P > rep.Alpha {
					exclNotSig++
				}
			}
		}
		limit := adv142Implausible(sims, 0.05)
		t.Logf("difference interval excludes 0 in %d of %d A/A experiments (%d with P > α); P ≤ α in %d; implausible from %d",
			excl, sims, exclNotSig, sig, limit)
		if excl >= limit {
			t.Errorf("the %.0f%% difference interval excludes the true difference 0 in %d of %d A/A experiments (%.1f%%; implausible at 5%% from %d), %d of them with P > α",
				100*(1-rep0Alpha), excl, sims, 100*float64(excl)/float64(sims), limit, exclNotSig)
		}
	})
}

const rep0Alpha = 0.05
