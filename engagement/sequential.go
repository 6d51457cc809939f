package engagement

import (
	"math"
	"slices"

	"github.com/engagekit/engagekit/internal/stats"
)

// Sequential is a variant against the control by an always-valid test:
// its p-value and interval may be read at every look (every day) and
// the experiment stopped as soon as the p-value is below α, without
// inflating the false-positive rate as repeated z-tests do.
//
// # Method
//
// The test is the mixture sequential probability ratio test (mSPRT) of
// Johari, Koomen, Pekelis and Walsh, "Always Valid Inference" (Operations
// Research 70(3), 2022), on the difference of conversion rates with a
// normal mixing distribution N(0, τ²). At a look with n_A, n_B clients
// and rates p_A, p_B, let p̄ be the pooled rate, V = p̄(1−p̄)(1/n_A+1/n_B)
// the variance of the difference under "no difference", z = (p_B−p_A)/√V
// and τ = Tau·√(p̄(1−p̄)) (the plan's Tau is a standardized effect). Then
//
//	Λ = √(V/(V+τ²)) · exp(z²τ² / (2(V+τ²)))
//
// is a martingale under "no difference", so P(Λ ever ≥ 1/α) ≤ α
// (Ville's inequality), and P = min over the looks so far of 1/Λ is an
// always-valid p-value. The confidence sequence inverts the same test
// with the unpooled variance U = p_A(1−p_A)/n_A + p_B(1−p_B)/n_B and
// r = τ²/U: at each look the differences within
// (p_B−p_A) ± √U·√((1+1/r)(log(1+r) − 2·log α)), intersected over the
// looks so far, as [Low, High] (with probability at most α the
// intersection is empty and Low > High).
//
// Λ is a martingale only as far as the difference is normal, so a look
// at which a cell of the 2×2 table (an arm's conversions or
// non-conversions) expects fewer than five under "no difference" is no
// evidence: it leaves P and the interval as they were. Without that,
// the first conversion in a small arm read as z ≈ 6, and an experiment
// with a 3% arm and 1% conversion was significant in 11% of null runs at
// α = 0.05 (Tau 0.5).
//
// The looks are at AsOf, AsOf − Interval, AsOf − 2·Interval, … back to
// the first exposure, each counting the clients exposed and converted
// before it; an analysis replays them, so reading at the same hour
// every day gives p-values that never rise. A look counts only what had
// happened before it: a client later exposed to a second variant counts
// in the arm of their first exposure (with a conversion before the
// second) at the looks before that exposure, and in no arm from then on,
// as the fixed test leaves them out. So an exposure that comes later
// never changes a look already made, and the last look's arms are the
// fixed test's. Looks counts the looks at which the experiment had new
// data and both arms had clients; a look with nothing new changes
// nothing, so it is skipped.
type Sequential struct {
	P           float64 `json:"p"`
	PAdjusted   float64 `json:"p_adjusted"`
	Significant bool    `json:"significant"`
	Low         float64 `json:"low"`
	High        float64 `json:"high"`
	Looks       int     `json:"looks"`
}

// armTimes is an arm's events, each list sorted: clients exposed and
// converted, and clients who left (exposed to another variant), with
// their conversion when they had one.
type armTimes struct {
	events [4][]int64
	counts [4]int // counted so far, by event
	n, x   int    // clients and conversions at the look
}

// The events of an arm, by index in armTimes.
const (
	joined = iota
	converted
	left
	unconverted
)

// sequential replays the looks and fills each comparison's Sequential.
func (p *ExperimentPlan) sequential(e *exposed, asOf int64, cs []Comparison) {
	arms := make([]armTimes, len(p.cfg.Arms))
	for _, c := range e.clients {
		if c.mixed <= c.first {
			continue // two variants at once: in no arm at any look
		}
		a := &arms[c.home]
		conv := c.conv
		if conv >= c.mixed {
			conv = noConversion // after the client left
		}
		a.events[joined] = append(a.events[joined], c.first)
		if conv != noConversion {
			a.events[converted] = append(a.events[converted], conv)
		}
		if c.mixed != noConversion {
			a.events[left] = append(a.events[left], c.mixed)
			if conv != noConversion {
				a.events[unconverted] = append(a.events[unconverted], c.mixed)
			}
		}
	}
	for i := range arms {
		for _, ev := range arms[i].events {
			slices.Sort(ev)
		}
	}
	step := int64(p.cfg.Interval)
	for {
		next := nextEvent(arms)
		if next == noConversion {
			return
		}
		// The first look after next: the largest k with asOf − k·step > next.
		look := asOf - (asOf-next-1)/step*step
		for i := range arms {
			arms[i].advance(look)
		}
		p.look(arms, cs)
	}
}

// nextEvent is the earliest time not yet counted in any arm.
func nextEvent(arms []armTimes) int64 {
	next := int64(noConversion)
	for _, a := range arms {
		for k, ev := range a.events {
			if a.counts[k] < len(ev) {
				next = min(next, ev[a.counts[k]])
			}
		}
	}
	return next
}

// advance counts the events before look.
func (a *armTimes) advance(look int64) {
	for k, ev := range a.events {
		for a.counts[k] < len(ev) && ev[a.counts[k]] < look {
			a.counts[k]++
		}
	}
	a.n = a.counts[joined] - a.counts[left]
	a.x = a.counts[converted] - a.counts[unconverted]
}

// look updates each comparison with the counts at one look.
func (p *ExperimentPlan) look(arms []armTimes, cs []Comparison) {
	a, k := arms[p.control], 0
	tau2, alpha := p.cfg.Tau*p.cfg.Tau, p.cfg.Alpha
	for i, b := range arms {
		if i == p.control {
			continue
		}
		s := &cs[k].Sequential
		k++
		if a.n == 0 || b.n == 0 {
			continue
		}
		s.Looks++
		if stats.SmallCounts(a.x, a.n, b.x, b.n) {
			// Λ is a martingale only as far as the difference is
			// normal; with a cell expecting fewer than five (a small
			// arm, rare conversions) one conversion in the small arm
			// reads as z ≈ 6. Such a look is no evidence.
			continue
		}
		na, nb := float64(a.n), float64(b.n)
		pa, pb := float64(a.x)/na, float64(b.x)/nb
		pool := float64(a.x+b.x) / (na + nb)
		v0 := pool * (1 - pool)
		if v0 == 0 {
			continue
		}
		c := 1/na + 1/nb
		z := (pb - pa) / math.Sqrt(v0*c)
		s.P = math.Min(s.P, math.Exp(-stats.MixtureLogLR(z, tau2/c)))
		if u := pa*(1-pa)/na + pb*(1-pb)/nb; u > 0 {
			half := math.Sqrt(u) * stats.MixtureHalfWidth(tau2*v0/u, alpha)
			s.Low, s.High = math.Max(s.Low, pb-pa-half), math.Min(s.High, pb-pa+half)
		}
	}
}
