package engagement_test

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/big"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
)

// adv92Experiment analyses an experiment of two arms (control "a" of
// weight wA, variant "b" of weight wB) where nA/nB clients were exposed
// and xA/xB of them converted.
func adv92Experiment(t *testing.T, wA, wB float64, nA, xA, nB, xB int) engagement.ExperimentReport {
	t.Helper()
	p, err := engagement.NewExperimentPlan(engagement.ExperimentConfig{Experiment: "e", Control: "a",
		Arms: []engagement.Arm{{Variant: "a", Weight: wA}, {Variant: "b", Weight: wB}}, Window: 24 * time.Hour, Kinds: []string{"buy"}})
	if err != nil {
		t.Fatal(err)
	}
	start := asOf.Add(-10 * 24 * time.Hour)
	var ex []engagement.Exposure
	var rs []engagement.Response
	add := func(arm string, n, x int) {
		for i := range n {
			id := fmt.Sprintf("%s%d", arm, i)
			ex = append(ex, engagement.Exposure{Client: id, Experiment: "e", Variant: arm, Time: start})
			if i < x {
				rs = append(rs, engagement.Response{Client: id, Stimulus: "s", Kind: "buy", Time: start.Add(time.Hour)})
			}
		}
	}
	add("a", nA, xA)
	add("b", nB, xB)
	r, err := p.Analyze(context.Background(), engagement.ExperimentData{AsOf: asOf, Exposures: slices.Values(ex), Responses: slices.Values(rs)})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func adv92Fact(n int) *big.Int { return new(big.Int).MulRange(1, int64(max(n, 1))) }

func adv92Choose(n, k int) *big.Rat {
	return new(big.Rat).SetInt(new(big.Int).Binomial(int64(n), int64(k)))
}

// adv92Beta is B(a, b) = (a−1)!(b−1)!/(a+b−1)! for positive integers.
func adv92Beta(a, b int) *big.Rat {
	num := new(big.Int).Mul(adv92Fact(a-1), adv92Fact(b-1))
	return new(big.Rat).SetFrac(num, adv92Fact(a+b-1))
}

// adv92Greater is P(X > Y) for X ~ Beta(a1, b1), Y ~ Beta(a2, b2),
// exactly (Evan Miller's sum).
func adv92Greater(a1, b1, a2, b2 int) *big.Rat {
	sum := new(big.Rat)
	for i := range a1 {
		term := new(big.Rat).Set(adv92Beta(a2+i, b2+b1))
		den := new(big.Rat).Mul(adv92Beta(1+i, b1), adv92Beta(a2, b2))
		den.Mul(den, new(big.Rat).SetInt64(int64(b1+i)))
		term.Quo(term, den)
		sum.Add(sum, term)
	}
	return sum
}

// adv92Fisher is Fisher's exact two-sided p of x1 of n1 against x2 of n2
// (counts within a relative 1e-7 of the observed one's probability count,
// as the library documents); ambiguous is true when a count is within
// 1e-6 of that cut, where rounding may decide.
func adv92Fisher(x1, n1, x2, n2 int) (p float64, ambiguous bool) {
	n, k := n1+n2, x1+x2
	prob := func(j int) *big.Rat {
		r := new(big.Rat).Mul(adv92Choose(k, j), adv92Choose(n-k, n2-j))
		return r.Quo(r, adv92Choose(n, n2))
	}
	obs := prob(x2)
	sum := new(big.Rat)
	for j := max(0, k-n1); j <= min(k, n2); j++ {
		pj := prob(j)
		ratio, _ := new(big.Rat).Quo(pj, obs).Float64()
		if ratio <= 1+1e-7 {
			sum.Add(sum, pj)
		}
		if ratio != 1 && math.Abs(ratio-1) < 1e-6 {
			ambiguous = true
		}
	}
	f, _ := sum.Float64()
	return min(1, f), ambiguous
}

// TestAdversary92ExperimentSmallCountsExact holds the report of every small
// experiment (up to 7 clients an arm, every count of conversions) to exact
// rational arithmetic. Promised (experiment_report.go, Comparison): "when
// a cell of the 2×2 table ... expects fewer than five under 'no
// difference', p is Fisher's exact two-sided p-value"; "ProbBeats is
// P(p_B > p_A) and ExpectedLoss E[max(p_A − p_B, 0)] ..., both exact";
// each arm's rate inside its Wilson interval; the difference inside
// [DiffLow, DiffHigh]; and (srm.go) with two arms P is "the exact binomial
// test of the first arm's count".
func TestAdversary92ExperimentSmallCountsExact(t *testing.T) {
	var worstP, worstBeats, worstLoss float64
	for nA := 1; nA <= 7; nA++ {
		for nB := 1; nB <= 7; nB++ {
			for xA := 0; xA <= nA; xA++ {
				for xB := 0; xB <= nB; xB++ {
					r := adv92Experiment(t, 1, 1, nA, xA, nB, xB)
					c := r.Comparisons[0]
					if xA+xB > 0 && xA+xB < nA+nB {
						want, amb := adv92Fisher(xA, nA, xB, nB)
						if d := math.Abs(c.P-want) / want; !amb && d > 1e-9 {
							t.Errorf("%d/%d vs %d/%d: P %v, exact Fisher %v", xA, nA, xB, nB, c.P, want)
						} else if !amb {
							worstP = max(worstP, d)
						}
					}
					aA, bA, aB, bB := 1+xA, 1+nA-xA, 1+xB, 1+nB-xB
					beats, _ := adv92Greater(aB, bB, aA, bA).Float64()
					if d := math.Abs(c.ProbBeats-beats) / beats; d > 1e-9 {
						t.Errorf("%d/%d vs %d/%d: ProbBeats %v, exact %v", xA, nA, xB, nB, c.ProbBeats, beats)
					} else {
						worstBeats = max(worstBeats, d)
					}
					// E[max(pA−pB,0)] = mA·P(pA′ > pB) − mB·P(pA > pB′), exactly.
					mA, mB := big.NewRat(int64(aA), int64(aA+bA)), big.NewRat(int64(aB), int64(aB+bB))
					l1 := new(big.Rat).Mul(mA, adv92Greater(aA+1, bA, aB, bB))
					l2 := new(big.Rat).Mul(mB, adv92Greater(aA, bA, aB+1, bB))
					loss, _ := l1.Sub(l1, l2).Float64()
					if d := math.Abs(c.ExpectedLoss - loss); d > 1e-12+1e-9*loss {
						t.Errorf("%d/%d vs %d/%d: ExpectedLoss %v, exact %v", xA, nA, xB, nB, c.ExpectedLoss, loss)
					} else {
						worstLoss = max(worstLoss, d)
					}
					for _, a := range r.Arms {
						if !(a.Low <= a.Rate && a.Rate <= a.High && a.Low >= 0 && a.High <= 1) {
							t.Errorf("%d/%d vs %d/%d: arm %+v: rate outside its interval", xA, nA, xB, nB, a)
						}
					}
					if !(c.DiffLow <= c.Diff && c.Diff <= c.DiffHigh) {
						t.Errorf("%d/%d vs %d/%d: diff %v outside [%v, %v]", xA, nA, xB, nB, c.Diff, c.DiffLow, c.DiffHigh)
					}
					if c.HasLift && !(c.LiftLow <= c.Lift && c.Lift <= c.LiftHigh) {
						t.Errorf("%d/%d vs %d/%d: lift %v outside [%v, %v]", xA, nA, xB, nB, c.Lift, c.LiftLow, c.LiftHigh)
					}
					if !(c.P >= 0 && c.P <= 1 && c.PAdjusted >= c.P && c.Sequential.P >= 0 && c.Sequential.P <= 1) {
						t.Errorf("%d/%d vs %d/%d: p-values out of range: %+v", xA, nA, xB, nB, c)
					}
				}
			}
		}
	}
	t.Logf("worst relative P error %g, ProbBeats %g, absolute ExpectedLoss %g", worstP, worstBeats, worstLoss)
}

// TestAdversary92EventsBadTimeUnknownStimulus: AnalyzeEvents "gives the
// same book as Analyze over the same responses", and Index.Event: "a time
// [Analyze] refuses as [BadTime] gives an event refused so too". A
// response whose time is outside Unix seconds and whose stimulus is
// unknown is BadTime to Analyze (the time is checked first); the event
// Index.Event makes of it (Time 1, Nanos 1e9, Stimulus NoStimulus) is
// rejected as UnknownStimulus: events.go run.event checks the stimulus
// before Nanos ≥ 1e9, where analyze.go run.response checks the time first.
func TestAdversary92EventsBadTimeUnknownStimulus(t *testing.T) {
	j, o := journey(t), engagement.Options{AsOf: asOf}
	bad := time.Unix(1<<62+5, 0) // outside the range Analyze reads as Unix seconds
	r := engagement.Response{Client: "c", Stimulus: "no-such-stimulus", Kind: "like", Time: bad}
	x := must(engagement.NewIndex(j, r.Kind))
	named := must(engagement.Analyze(context.Background(), j, slices.Values([]engagement.Response{r}), o))
	numbered := must(engagement.AnalyzeEvents(context.Background(), x, []string{"c"}, slices.Values([]engagement.Event{x.Event(0, r)}), o))
	if !maps.Equal(named.Report.Rejected, numbered.Report.Rejected) {
		t.Errorf("a response at Unix %d of an unknown stimulus: by name rejected %v, as an event %v", bad.Unix(), named.Report.Rejected, numbered.Report.Rejected)
	}
}

// TestAdversary92MDERefusesDetectableN: power.go, MDE is "the smallest
// rise d of the rate above base that a two-sided two-proportion test at
// significance alpha, with n clients per variant, detects with the given
// power — the d for which [SampleSize](base, base+d, alpha, power) needs
// exactly n clients", and "an n too small to detect even a rise to a rate
// of 1 [is] an [*OptionError]"; "each is the inverse of the others".
// Input: base 0, n 1, alpha 0.1, power 0.2. SampleSize(0, 0.84, 0.1, 0.2)
// is 1 and Power(0, 0.84, 1, 0.1) is 0.2003 ≥ 0.2: one client a variant
// detects a rise to 0.84. Observed: MDE(0, 1, 0.1, 0.2) is an error, "too
// few clients: even a rise from 0 to 1 needs more". (Power and SampleSize
// agree that a rise to exactly 1 needs 2; the formula's n is not
// decreasing in d below power 0.5.)
func TestAdversary92MDERefusesDetectableN(t *testing.T) {
	const base, alpha, power = 0.0, 0.1, 0.2
	n, err := engagement.SampleSize(base, 0.84, alpha, power)
	if err != nil || n != 1 {
		t.Fatalf("SampleSize(0, 0.84, 0.1, 0.2) = %d, %v; want 1", n, err)
	}
	if pw := must(engagement.Power(base, 0.84, 1, alpha)); pw < power {
		t.Fatalf("Power(0, 0.84, 1, 0.1) = %v, below %v", pw, power)
	}
	d, err := engagement.MDE(base, 1, alpha, power)
	if err != nil || d > 0.84 {
		t.Errorf("MDE(0, 1, 0.1, 0.2) = %v, %v; want a rise of at most 0.84, which SampleSize and Power say one client a variant detects", d, err)
	}
}
