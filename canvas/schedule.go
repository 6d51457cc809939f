package canvas

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// schedule places contacts in order, each in the earliest period that
// fits, or defers it. A contact placed in a period that starts after it is
// due is marked late, with the constraint that blocked the last period
// starting by its due date.
// It returns ctx's error when ctx ends first.
func (p *Planner[Ctx]) schedule(ctx context.Context, ranks []rank, items []Item, st *planState[Ctx], plan *Plan) error {
	o := p.opts
	capacity := make([]int, o.Horizon)
	after := o.Now.Add(time.Duration(o.Horizon) * o.Period)
	plan.FollowUps = make([]FollowUp, 0, len(ranks))
	touch := make([]int32, 0, len(ranks)) // each follow-up's touch number, for its id
	idBytes := 0
	for i := range ranks {
		if i%checkEvery == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		c := &ranks[i]
		cs := &st.states[c.state]
		agenda := items[c.first : c.first+c.n : c.first+c.n]
		period, reason, late := takeSlot(&o, c, cs, capacity)
		if period < 0 {
			plan.deferAll(agenda, scheduleReasons[reason], nextSlot(&o, c, reason, after))
			continue
		}
		touch = append(touch, int32(cs.touches))
		idBytes += len(cs.id) + 1 + digits(cs.touches)
		start := time.Duration(period) * o.Period
		f := FollowUp{ClientID: cs.id, Channel: c.channel, Action: c.action,
			Quadrant: c.quadrant, Urgency: c.urgency, Sensitivity: c.sensitivity,
			When: o.Now.Add(start), Due: o.Now.Add(c.within), Items: agenda}
		if start > c.within {
			f.Late, f.LateReason = start-c.within, scheduleReasons[late]
			plan.Totals.Late++
			plan.Totals.LateAlerts += len(agenda)
		}
		plan.FollowUps = append(plan.FollowUps, f)
		plan.Totals.Planned += len(agenda)
	}
	// The ids ("client-3": the client's third touch in this plan) are
	// substrings of one string: one allocation instead of one per
	// follow-up.
	var b strings.Builder
	b.Grow(idBytes)
	ends := make([]int, len(touch))
	for i, n := range touch {
		b.WriteString(plan.FollowUps[i].ClientID)
		b.WriteByte('-')
		var d [10]byte
		b.Write(strconv.AppendInt(d[:0], int64(n), 10))
		ends[i] = b.Len()
	}
	ids, start := b.String(), 0
	for i, end := range ends {
		plan.FollowUps[i].ID = ids[start:end]
		start = end
	}
	return nil
}

// The reasons a contact is deferred or late, coded for the parallel
// schedule's compact records; scheduleReasons names them.
var scheduleReasons = [...]DeferReason{"", TouchBudget, PressureCap, AdviserCapacity}

const (
	noReason uint8 = iota
	codeTouchBudget
	codePressureCap
	codeAdviserCapacity
)

// nextSlot is when a contact deferred for reason can be planned: after
// the horizon, or never (zero) when no period would ever take it: its
// client's touch budget is spent, or it needs adviser time and there is
// none (AdviserCapacity None), or it pushes and no push is allowed
// (PressureCap None). The sequential and the parallel schedule both ask
// it.
func nextSlot(o *Options, c *rank, reason uint8, after time.Time) time.Time {
	switch {
	case reason == codeTouchBudget,
		c.channel.Adviser() && o.AdviserCapacity == 0,
		c.channel.Push() && o.PressureCap == 0:
		return time.Time{}
	}
	return after
}

// takeSlot decides a contact's period as the schedule walks the contacts
// in plan order, and takes it: the earliest period the client's touch
// budget and pressure cap and the advisers' capacity allow, or -1 when
// none does, with the reason. late is the constraint that blocked the
// last period starting by the contact's due date. The sequential and the
// parallel schedule both decide through it.
func takeSlot[Ctx any](o *Options, c *rank, cs *clientState[Ctx], capacity []int) (period int, reason, late uint8) {
	// 0 is no budget; a negative one allows no touch (bad data must not
	// lift the budget, as it did when it read as none).
	if cs.budget != 0 && cs.used+cs.touches >= max(cs.budget, 0) {
		return -1, codeTouchBudget, noReason
	}
	push, adviser := c.channel.Push(), c.channel.Adviser()
	period = -1
	for k := range o.Horizon {
		// Adviser time first: a contact that needs an adviser and would
		// also push (a call) is short of the scarcer of the two, and with
		// no adviser time at all every adviser contact is deferred as
		// such, as Options.AdviserCapacity says.
		switch {
		case adviser && capacity[k] >= o.AdviserCapacity:
			reason = codeAdviserCapacity
		case push && int(cs.pushes(k)) >= o.PressureCap:
			reason = codePressureCap
		default:
			period = k
		}
		if period >= 0 {
			break
		}
		if time.Duration(k)*o.Period <= c.within {
			late = reason
		}
	}
	if period < 0 {
		return -1, reason, late
	}
	if push {
		cs.push(period)
	}
	if adviser {
		capacity[period]++
	}
	cs.touches++
	return period, reason, late
}

// digits is the length of n in decimal.
func digits(n int) int {
	d := 1
	for ; n >= 10; n /= 10 {
		d++
	}
	return d
}

func (pl *Plan) defer_(it Item, r DeferReason, next time.Time, detail string) {
	pl.Deferred = append(pl.Deferred, Deferral{Item: it, Reason: r, NextSlot: next, Detail: detail})
	pl.Totals.Deferred++
}

func (pl *Plan) deferAll(items []Item, r DeferReason, next time.Time) {
	for _, it := range items {
		pl.defer_(it, r, next, "")
	}
}
