package canvas

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/internal/batch"
)

// parallelPlanMin is the fewest alerts a plan is made of on more than one
// goroutine: below it the goroutines cost more than they save.
const parallelPlanMin = 1 << 14

// planParallel makes the plan planSequential makes, on workers goroutines.
// Only what has to be is sequential: the capacity pass of the schedule,
// which walks compact per-contact records in plan order, and looking the
// clients up unless concurrent says lookup is safe for concurrent use and
// the alerts' clients come in ascending runs (see lookupClients).
// Placement and bundling run on the workers, each owning a share of the
// clients, so a client's contacts are built by one worker, in alert order,
// as planSequential builds them; the follow-ups and the deferrals are
// written on the workers too, each into its place.
func (p *Planner[Ctx]) planParallel(ctx context.Context, alerts []*advisory.Alert, lookup func(id string) (Client[Ctx], bool), clients, workers int, concurrent bool) (Plan, error) {
	var plan Plan
	plan.Totals.Alerts = len(alerts)
	st := &planState[Ctx]{lookup: lookup, texts: newAlertTexts(ctx)}
	found, err := lookupClients(ctx, alerts, st, clients, workers, concurrent)
	if err != nil {
		return Plan{}, err
	}
	of, early := found.of, found.early
	// A worker owns a share of the clients: more workers than clients
	// would own nothing and still walk every alert.
	if found.bounds == nil {
		workers = max(1, min(workers, len(st.states)))
	}
	// Placement and bundling: worker w owns the client states
	// [lo, hi), places their alerts and gives each a contact of its own
	// numbering (kOf), then lays its contacts' items out in its share of
	// the items and ranks its contacts.
	type share struct {
		lo, hi int32
		// the share's alerts: all, or when the clients were looked up
		// on the workers, the alerts of its clients, which are one range
		from, to int
		contacts []contact
		deferred []Deferral
		items    int32
		// where the share's ranks and items begin
		rankBase, itemBase int32
	}
	shares := make([]share, workers)
	for w := range shares {
		sh := &shares[w]
		if found.bounds != nil {
			sh.lo, sh.hi, sh.from, sh.to = found.bases[w], found.bases[w+1], found.bounds[w], found.bounds[w+1]
			continue
		}
		sh.lo, sh.hi = int32(w*len(st.states)/workers), int32((w+1)*len(st.states)/workers)
		sh.from, sh.to = 0, len(alerts)
	}
	placed := make([]Item, len(alerts))
	kOf := make([]int32, len(alerts))
	err = onWorkers(workers, func(w int) error {
		// The share is read into locals and written back once: the
		// shares are neighbours in one array, and a count written at
		// every alert would take a cache line the other workers read
		// their bounds from.
		sh := &shares[w]
		lo, hi, from, to := sh.lo, sh.hi, sh.from, sh.to
		owned := 0 // a contact at most per alert: no growing the contacts
		for _, ci := range of[from:to] {
			if ci >= lo && ci < hi {
				owned++
			}
		}
		contacts, deferred, placedItems := make([]contact, 0, owned), []Deferral(nil), int32(0)
		defer func() { sh.contacts, sh.deferred, sh.items = contacts, deferred, placedItems }()
		for i := from; i < to; i++ {
			if (i-from)%checkEvery == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			ci := of[i]
			if ci < lo || ci >= hi {
				continue
			}
			a := alerts[i]
			kOf[i] = -1
			cs := &st.states[ci]
			pos, err := p.place.position(ctx, a, cs.context, p.opts.Now)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err() // the rule was stopped: no placement failed
				}
				deferred = append(deferred, Deferral{Item: Item{Alert: a}, Reason: PlacementFailed, Detail: err.Error()})
				continue
			}
			it := Item{Alert: a, Position: pos, Quadrant: p.opts.Thresholds.Quadrant(pos)}
			play := p.opts.Playbook.For(it.Quadrant, a.Type)
			ch, ok := channelFor(play, cs)
			if !ok {
				deferred = append(deferred, Deferral{Item: it, Reason: NoConsentedChannel})
				continue
			}
			k := cs.contact[ch] - 1
			if k < 0 || !ch.Bundles() {
				k = int32(len(contacts))
				contacts = append(contacts, contact{client: ci, channel: ch, within: play.Within})
				cs.contact[ch] = k + 1
			}
			contacts[k].add(it, play)
			placed[i], kOf[i] = it, k
			placedItems++
		}
		return nil
	})
	if err != nil {
		return Plan{}, err
	}
	nRanks, nItems := int32(0), int32(0)
	for w := range shares {
		sh := &shares[w]
		sh.rankBase, sh.itemBase = nRanks, nItems
		nRanks += int32(len(sh.contacts))
		nItems += sh.items
		early = append(early, sh.deferred...)
		sh.deferred = nil
	}
	if len(early) > 1 {
		sortDeferrals(early, st.texts)
	}
	items := make([]Item, nItems)
	ranks := make([]rank, nRanks)
	err = onWorkers(workers, func(w int) error {
		sh := &shares[w]
		next := sh.itemBase
		for k := range sh.contacts {
			c := &sh.contacts[k]
			c.first, next = next, next+c.n
			p.settle(c)
			c.n = 0
		}
		for i := sh.from; i < sh.to; i++ {
			if (i-sh.from)%checkEvery == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			if ci := of[i]; ci < sh.lo || ci >= sh.hi || kOf[i] < 0 {
				continue
			}
			c := &sh.contacts[kOf[i]]
			items[c.first+c.n] = placed[i]
			c.n++
		}
		for k := range sh.contacts {
			c := &sh.contacts[k]
			if c.n > 1 {
				slices.SortFunc(items[c.first:c.first+c.n], st.texts.itemOrder)
			}
			g := sh.rankBase + int32(k)
			ranks[g] = rank{urgency: c.urgency, sensitivity: c.sensitivity, within: c.within, client: c.client, state: c.client,
				contact: g, first: c.first, n: c.n, quadrant: c.quadrant, channel: c.channel, action: c.action}
		}
		sh.contacts = nil
		return nil
	})
	if err != nil {
		return Plan{}, err
	}
	placed, of, kOf = nil, nil, nil
	if err := ctx.Err(); err != nil {
		return Plan{}, err
	}
	sortRanks(ranks, items, st, parallelSortMin)
	if err := p.scheduleParallel(ctx, ranks, items, st, early, &plan, workers); err != nil {
		return Plan{}, err
	}
	return plan, nil
}

// runsAscend reports whether the alerts' client ids never decrease: then
// each client's alerts are one run, and the runs' ids are distinct.
func runsAscend(alerts []*advisory.Alert) bool {
	for i := 1; i < len(alerts); i++ {
		if alerts[i].ClientID < alerts[i-1].ClientID {
			return false
		}
	}
	return true
}

// decision is the capacity pass's verdict on one contact: its period, or
// -1 when deferred, with the reason; the reason it is late; its touch
// number; and where its follow-up, or its first deferral, goes. It holds
// its client's id too: the pass reads the client's state anyway, and the
// writers, which go through the contacts in plan order, would otherwise
// read the states again out of their order, a cache miss a contact.
type decision struct {
	client       string
	out          int32
	touch        int32
	period       int16
	reason, late uint8
}

// scheduleParallel is schedule in two passes: the capacity pass, on the
// calling goroutine, walks the contacts in plan order and decides each
// one's period (as schedule does, on the client states and the adviser
// capacity); then the workers write the follow-ups and deferrals, each a
// share of the contacts. The plan's deferrals are early's, then the
// schedule's.
func (p *Planner[Ctx]) scheduleParallel(ctx context.Context, ranks []rank, items []Item, st *planState[Ctx], early []Deferral, plan *Plan, workers int) error {
	o := p.opts
	capacity := make([]int, o.Horizon)
	decisions := make([]decision, len(ranks))
	planned, deferred := int32(0), int32(0)
	for i := range ranks {
		if i%checkEvery == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		c := &ranks[i]
		cs := &st.states[c.state]
		d := &decisions[i]
		period, reason, late := takeSlot(&o, c, cs, capacity)
		if period < 0 {
			d.period, d.reason, d.out = -1, reason, deferred
			deferred += c.n
			continue
		}
		d.period, d.touch, d.out, d.client = int16(period), int32(cs.touches), planned, cs.id
		planned++
		plan.Totals.Planned += int(c.n)
		if time.Duration(period)*o.Period > c.within {
			d.late = late
			plan.Totals.Late++
			plan.Totals.LateAlerts += int(c.n)
		}
	}
	plan.Totals.Deferred = len(early) + int(deferred)
	if plan.Totals.Deferred > 0 {
		plan.Deferred = make([]Deferral, plan.Totals.Deferred)
		copy(plan.Deferred, early)
	}
	scheduled := plan.Deferred[min(len(early), len(plan.Deferred)):]
	plan.FollowUps = make([]FollowUp, planned)
	after := o.Now.Add(time.Duration(o.Horizon) * o.Period)
	return onWorkers(workers, func(w int) error {
		lo, hi := w*len(ranks)/workers, (w+1)*len(ranks)/workers
		// The ids ("client-3": the client's third touch in this plan)
		// are substrings of one string a worker: one allocation instead
		// of one per follow-up.
		idBytes := 0
		for i := lo; i < hi; i++ {
			if d := &decisions[i]; d.period >= 0 {
				idBytes += len(d.client) + 1 + digits(int(d.touch))
			}
		}
		var b strings.Builder
		b.Grow(idBytes)
		for i := lo; i < hi; i++ {
			if d := &decisions[i]; d.period >= 0 {
				b.WriteString(d.client)
				b.WriteByte('-')
				var digits [10]byte
				b.Write(strconv.AppendInt(digits[:0], int64(d.touch), 10))
			}
		}
		ids, start := b.String(), 0
		for i := lo; i < hi; i++ {
			if (i-lo)%checkEvery == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			c, d := &ranks[i], &decisions[i]
			agenda := items[c.first : c.first+c.n : c.first+c.n]
			if d.period < 0 {
				r, next := scheduleReasons[d.reason], nextSlot(&p.opts, c, d.reason, after)
				for j, it := range agenda {
					scheduled[int(d.out)+j] = Deferral{Item: it, Reason: r, NextSlot: next}
				}
				continue
			}
			end := start + len(d.client) + 1 + digits(int(d.touch))
			when := time.Duration(d.period) * o.Period
			f := FollowUp{ID: ids[start:end], ClientID: d.client, Channel: c.channel, Action: c.action,
				Quadrant: c.quadrant, Urgency: c.urgency, Sensitivity: c.sensitivity,
				When: o.Now.Add(when), Due: o.Now.Add(c.within), Items: agenda}
			start = end
			if when > c.within {
				f.Late, f.LateReason = when-c.within, scheduleReasons[d.late]
			}
			plan.FollowUps[d.out] = f
		}
		return nil
	})
}

// onWorkers calls fn(w) for each w in [0, workers), on workers goroutines,
// and returns the first error of the lowest w. What fn does to its
// goroutine (a host's lookup or placement function, called on the
// workers, that panics or calls runtime.Goexit) is done again to the
// calling one once all are done (batch.Parallel), as the sequential plan
// would do it where the host called the plan.
func onWorkers(workers int, fn func(w int) error) error {
	errs := make([]error, workers)
	batch.Parallel(workers, func(w int) { errs[w] = fn(w) })
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
