package canvas

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/segment"
)

// Client is what planning needs to know about a client: their context for
// placement, their segment's service policy, the channels they consented to,
// and the touches already used this year.
type Client[Ctx any] struct {
	ID          string
	Context     Ctx
	Policy      segment.Policy
	Consent     []Channel
	TouchesUsed int
}

// Options configure a [Planner]. Now is required; zero fields mean
// defaults.
type Options struct {
	Now time.Time
	// Period is the planning slot, default a week; Horizon the number of
	// periods planned, default 4.
	Period  time.Duration
	Horizon int
	// AdviserCapacity is how many adviser contacts (calls, meetings,
	// reviews) fit in a period; default 100.
	AdviserCapacity int
	// PressureCap is how many pushes a client may get in a period; default
	// 2. Firms must not exploit behavioural biases.
	PressureCap int
	// BundleBoost is added to advice sensitivity per extra item bundled
	// into one contact, default 0.05.
	BundleBoost float64
	Thresholds  Thresholds
	// Playbook, if nil, is DefaultPlaybook.
	Playbook *Playbook
}

func (o Options) withDefaults() Options {
	o.Period = cmp.Or(o.Period, 7*24*time.Hour)
	o.Horizon = cmp.Or(o.Horizon, 4)
	o.AdviserCapacity = cmp.Or(o.AdviserCapacity, 100)
	o.PressureCap = cmp.Or(o.PressureCap, 2)
	if o.BundleBoost == 0 {
		o.BundleBoost = 0.05
	}
	if o.Playbook == nil {
		pb := DefaultPlaybook()
		o.Playbook = &pb
	}
	return o
}

// Item is an alert placed on the canvas. Alert points into the slice given
// to [Planner.Plan], which the plan shares rather than copies: the caller
// must not change that slice while using the plan.
type Item struct {
	Alert    *advisory.Alert `json:"alert"`
	Position Position        `json:"position"`
	Quadrant Quadrant        `json:"quadrant"`
}

// FollowUp is one planned contact with a client: several alerts bundled
// into an agenda when the channel allows.
type FollowUp struct {
	ID          string    `json:"id"`
	ClientID    string    `json:"client_id"`
	Channel     Channel   `json:"channel"`
	Action      Action    `json:"action"`
	Quadrant    Quadrant  `json:"quadrant"`
	Urgency     float64   `json:"urgency"`
	Sensitivity float64   `json:"sensitivity"`
	When        time.Time `json:"when"`
	Due         time.Time `json:"due"`
	Items       []Item    `json:"items"`
}

// DeferReason says why a follow-up could not be planned inside the horizon.
type DeferReason string

// The reasons.
const (
	NoConsentedChannel DeferReason = "no_consented_channel"
	TouchBudget        DeferReason = "touch_budget"
	PressureCap        DeferReason = "pressure_cap"
	AdviserCapacity    DeferReason = "adviser_capacity"
	UnknownClient      DeferReason = "unknown_client"
	PlacementFailed    DeferReason = "placement_failed"
)

// Deferral is an alert not planned inside the horizon: why, and from when
// it can be planned (zero when that needs the host: consent, a client
// record, a budget).
type Deferral struct {
	Item     Item        `json:"item"`
	Reason   DeferReason `json:"reason"`
	NextSlot time.Time   `json:"next_slot"`
	Detail   string      `json:"detail,omitempty"`
}

// Plan is the follow-up plan: contacts in priority order, the deferred
// alerts, and the totals, in which Alerts = Planned + Deferred always.
type Plan struct {
	FollowUps []FollowUp `json:"follow_ups"`
	Deferred  []Deferral `json:"deferred,omitempty"`
	Totals    Totals     `json:"totals"`
}

// Totals accounts for every alert.
type Totals struct {
	Alerts   int `json:"alerts"`
	Planned  int `json:"planned"`
	Deferred int `json:"deferred"`
}

// Planner plans follow-ups. It is immutable and safe for concurrent use.
type Planner[Ctx any] struct {
	place *Placement[Ctx]
	opts  Options
}

// NewPlanner makes a planner; placement may be nil (alerts keep their
// rules' positions).
func NewPlanner[Ctx any](placement *Placement[Ctx], opts Options) *Planner[Ctx] {
	if placement == nil {
		placement = &Placement[Ctx]{}
	}
	return &Planner[Ctx]{place: placement, opts: opts.withDefaults()}
}

// contact is a follow-up being planned: small and flat, so a million of
// them are cheap to build and to walk. Its items are laid out later in one
// array shared by every contact.
type contact struct {
	urgency, sensitivity float64
	within               time.Duration // the soonest due of its items, from Now
	client               int32
	n, first             int32 // its items: count, then offset in the shared array
	channel              Channel
	action               Action
	quadrant             Quadrant
}

// rank is a contact's sort key, held by value so the sort runs over
// contiguous memory; ties past the numbers go to contactTie.
type rank struct {
	urgency, sensitivity float64
	within               time.Duration
	client               int32 // the client's state; in a large tie, its place in id order
	state                int32 // the client's state
	contact              int32
	first, n             int32 // the contact's items
	quadrant             Quadrant
	channel              Channel
	action               Action
}

// Plan places the alerts, bundles them per client and channel, orders the
// contacts and schedules each in the earliest period its channel, the
// client's touch budget and pressure cap, and adviser capacity allow. The
// order is total: quadrant, urgency (higher first), sensitivity (higher
// first), due, client id, channel, the first item (urgency, sensitivity,
// alert type, rule id, path), and finally the order of the alerts.
func (p *Planner[Ctx]) Plan(alerts []advisory.Alert, clients map[string]Client[Ctx]) Plan {
	return p.plan(alerts, func(id string) (Client[Ctx], bool) {
		c, ok := clients[id]
		return c, ok
	}, len(clients))
}

// PlanLookup is [Planner.Plan] for a host that finds its clients its own
// way (a slice by client number, a cache) rather than in a map built for
// the plan: lookup is called once for each distinct client id among the
// alerts, from the calling goroutine. The alerts of a client it does not
// find are deferred as [UnknownClient], as are all alerts when lookup is
// nil.
func (p *Planner[Ctx]) PlanLookup(alerts []advisory.Alert, lookup func(id string) (Client[Ctx], bool)) Plan {
	if lookup == nil {
		lookup = func(string) (Client[Ctx], bool) { return Client[Ctx]{}, false }
	}
	return p.plan(alerts, lookup, clientRuns(alerts))
}

// clientRuns counts the runs of alerts of one client: the number of
// clients when alerts come grouped by client, as a batch emits them, and
// never fewer. Past half the alerts it says half: alerts in no order would
// overstate it.
func clientRuns(alerts []advisory.Alert) int {
	runs := 0
	for i := range alerts {
		if i == 0 || alerts[i].ClientID != alerts[i-1].ClientID {
			runs++
		}
	}
	return min(runs, len(alerts)/2+1)
}

// plan is Plan with clients from lookup; clients hints how many there are.
func (p *Planner[Ctx]) plan(alerts []advisory.Alert, lookup func(id string) (Client[Ctx], bool), clients int) Plan {
	var plan Plan
	plan.Totals.Alerts = len(alerts)
	n := min(clients, len(alerts))
	st := &planState[Ctx]{lookup: lookup, index: make(map[string]int32, n), states: make([]clientState[Ctx], 0, n), horizon: p.opts.Horizon}
	// Pass 1: place every alert and give it a contact, bundling a client's
	// alerts on a channel that bundles.
	placed := make([]Item, len(alerts))
	of := make([]int32, len(alerts)) // the alert's contact, -1 when deferred
	contacts := make([]contact, 0, len(alerts)/2+1)
	for i := range alerts {
		a := &alerts[i]
		of[i] = -1
		ci, ok := st.client(a.ClientID)
		if !ok {
			plan.defer_(Item{Alert: a}, UnknownClient, time.Time{}, "")
			continue
		}
		cs := &st.states[ci]
		pos, err := p.place.position(a, cs.context, p.opts.Now)
		if err != nil {
			plan.defer_(Item{Alert: a}, PlacementFailed, time.Time{}, err.Error())
			continue
		}
		it := Item{Alert: a, Position: pos, Quadrant: p.opts.Thresholds.Quadrant(pos)}
		play := p.opts.Playbook.For(it.Quadrant, a.Type)
		ch, ok := channelFor(play, cs)
		if !ok {
			plan.defer_(it, NoConsentedChannel, time.Time{}, "")
			continue
		}
		k := cs.contact[ch] - 1
		if k < 0 || !ch.Bundles() {
			k = int32(len(contacts))
			contacts = append(contacts, contact{client: ci, channel: ch, action: play.Action, quadrant: it.Quadrant, within: play.Within})
			cs.contact[ch] = k + 1
		}
		contacts[k].add(it, play)
		placed[i], of[i] = it, k
	}
	// Pass 2: lay the items out contact by contact, in alert order, then
	// order each contact's agenda.
	items := make([]Item, len(alerts)-plan.Totals.Deferred)
	next := int32(0)
	for k := range contacts {
		c := &contacts[k]
		c.first, next = next, next+c.n
		c.sensitivity = min(1, c.sensitivity+p.opts.BundleBoost*float64(c.n-1))
		c.n = 0
	}
	for i, k := range of {
		if k >= 0 {
			c := &contacts[k]
			items[c.first+c.n] = placed[i]
			c.n++
		}
	}
	placed, of = nil, nil
	ranks := make([]rank, len(contacts))
	for k := range contacts {
		c := &contacts[k]
		if c.n > 1 {
			slices.SortFunc(items[c.first:c.first+c.n], itemOrder)
		}
		// A rank carries all that scheduling reads, so the schedule walks
		// the ranks without going back to the contacts.
		ranks[k] = rank{urgency: c.urgency, sensitivity: c.sensitivity, within: c.within, client: c.client, state: c.client,
			contact: int32(k), first: c.first, n: c.n, quadrant: c.quadrant, channel: c.channel, action: c.action}
	}
	sortRanks(ranks, contacts, items, st)
	p.schedule(ranks, items, st, &plan)
	return plan
}

// planState is the per-client state of one Plan call, indexed once so the
// rest of planning works on small integers rather than string keys.
type planState[Ctx any] struct {
	lookup  func(id string) (Client[Ctx], bool)
	index   map[string]int32
	states  []clientState[Ctx]
	horizon int
	// pushArena hands out the push counters of horizons over eight
	// periods in blocks.
	pushArena []int32
	// The last client looked up: alerts come grouped by client from the
	// advisory batch, so most lookups are this one.
	lastID string
	lastIx int32
	lastOK bool
}

type clientState[Ctx any] struct {
	id      string
	context Ctx
	// consent is a bit per consented channel; fallback the segment
	// policy's channels, parsed once, in its order of preference.
	consent   uint32
	fallback  [len(channelNames)]Channel
	nFallback uint8
	budget    int // touches per year; 0 means no budget
	used      int // touches used before this plan
	touches   int // touches planned
	// pushes per period of the horizon: inline for horizons up to eight
	// periods (one cache line less to fetch per contact), else in pushes.
	inline [8]int32
	pushes []int32
	// contact is the index+1 of the client's bundled contact per channel.
	contact [len(channelNames)]int32
}

// push is the client's push counter for period k.
func (cs *clientState[Ctx]) push(k int) *int32 {
	if cs.pushes != nil {
		return &cs.pushes[k]
	}
	return &cs.inline[k]
}

// idOrder gives each client state its place in client id order, so the
// contact order compares integers, not strings. Clients usually arrive in
// id order already (the advisory batch keeps its files' order), which is
// checked first.
func (st *planState[Ctx]) idOrder() []int32 {
	order := make([]int32, len(st.states))
	for i := range order {
		order[i] = int32(i)
	}
	sorted := true
	for i := 1; i < len(st.states) && sorted; i++ {
		sorted = st.states[i-1].id <= st.states[i].id
	}
	if !sorted {
		slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(st.states[a].id, st.states[b].id) })
	}
	place := make([]int32, len(order))
	for p, i := range order {
		place[i] = int32(p)
	}
	return place
}

func (st *planState[Ctx]) client(id string) (int32, bool) {
	if st.lastOK && id == st.lastID {
		return st.lastIx, true
	}
	if i, ok := st.index[id]; ok {
		if i < 0 {
			return 0, false // looked up before, and not found
		}
		st.lastID, st.lastIx, st.lastOK = id, i, true
		return i, true
	}
	c, ok := st.lookup(id)
	if !ok {
		st.index[id] = -1
		return 0, false
	}
	i := int32(len(st.states))
	var pushes []int32
	if st.horizon > 8 {
		if len(st.pushArena) < st.horizon {
			st.pushArena = make([]int32, 4096*st.horizon)
		}
		pushes = st.pushArena[:st.horizon:st.horizon]
		st.pushArena = st.pushArena[st.horizon:]
	}
	cs := clientState[Ctx]{id: id, context: c.Context, budget: c.Policy.TouchesPerYear, used: c.TouchesUsed, pushes: pushes}
	for _, ch := range c.Consent {
		if ch > ChannelUnknown && int(ch) < len(channelNames) {
			cs.consent |= 1 << ch
		}
	}
	for _, name := range c.Policy.Channels {
		if ch, ok := channelNamed(name); ok && int(cs.nFallback) < len(cs.fallback) {
			cs.fallback[cs.nFallback] = ch
			cs.nFallback++
		}
	}
	st.states = append(st.states, cs)
	st.index[id] = i
	st.lastID, st.lastIx, st.lastOK = id, i, true
	return i, true
}

func (c *contact) add(it Item, play Play) {
	c.n++
	c.urgency = max(c.urgency, it.Position.Urgency)
	c.sensitivity = max(c.sensitivity, it.Position.Sensitivity)
	if it.Quadrant < c.quadrant {
		c.quadrant, c.action = it.Quadrant, play.Action
	}
	c.within = min(c.within, play.Within)
}

// channelFor picks the first channel of the play the client consented to,
// then the first of their segment's preferred channels they consented to.
func channelFor[Ctx any](play Play, cs *clientState[Ctx]) (Channel, bool) {
	for _, ch := range play.Channels {
		if cs.consent&(1<<ch) != 0 {
			return ch, true
		}
	}
	for _, ch := range cs.fallback[:cs.nFallback] {
		if cs.consent&(1<<ch) != 0 {
			return ch, true
		}
	}
	return ChannelUnknown, false
}

// itemOrder and the contact order compare field by field and return at the
// first difference: they run millions of times in a large plan, and
// cmp.Or would evaluate every comparison before choosing.
func itemOrder(a, b Item) int {
	if c := cmp.Compare(b.Position.Urgency, a.Position.Urgency); c != 0 {
		return c
	}
	if c := cmp.Compare(b.Position.Sensitivity, a.Position.Sensitivity); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Alert.Type, b.Alert.Type); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Alert.RuleID, b.Alert.RuleID); c != 0 {
		return c
	}
	return cmp.Compare(a.Alert.Path, b.Alert.Path)
}

// sortRanks puts the contacts in plan order. The numbers (quadrant,
// urgency, sensitivity, due) decide most pairs; contacts equal on all of
// them are ordered by client id, channel, first item and creation order.
// Rule outputs are often a few round values, so ties can be most of a
// plan: then every client gets its place in id order once, and ties
// compare integers; when ties are few, they compare the ids.
func sortRanks[Ctx any](ranks []rank, contacts []contact, items []Item, st *planState[Ctx]) {
	same := func(a, b *rank) bool {
		return a.quadrant == b.quadrant && a.urgency == b.urgency && a.sensitivity == b.sensitivity && a.within == b.within
	}
	if mostlyTied(ranks) {
		// One sort with every tie-breaker, on integers.
		place := st.idOrder()
		for i := range ranks {
			ranks[i].client = place[ranks[i].state]
		}
		sortStrict(ranks, func(a, b rank) int {
			if a.quadrant != b.quadrant {
				return cmp.Compare(a.quadrant, b.quadrant)
			}
			if a.urgency != b.urgency {
				return cmp.Compare(b.urgency, a.urgency)
			}
			if a.sensitivity != b.sensitivity {
				return cmp.Compare(b.sensitivity, a.sensitivity)
			}
			if a.within != b.within {
				return cmp.Compare(a.within, b.within)
			}
			return tieOrder(&a, &b, contacts, items)
		}, parallelSortMin)
		return
	}
	sortStrict(ranks, func(a, b rank) int {
		if a.quadrant != b.quadrant {
			return cmp.Compare(a.quadrant, b.quadrant)
		}
		if a.urgency != b.urgency {
			return cmp.Compare(b.urgency, a.urgency)
		}
		if a.sensitivity != b.sensitivity {
			return cmp.Compare(b.sensitivity, a.sensitivity)
		}
		if a.within != b.within {
			return cmp.Compare(a.within, b.within)
		}
		return cmp.Compare(a.contact, b.contact)
	}, parallelSortMin)
	var runs [][2]int
	tied := 0
	for i := 0; i < len(ranks); {
		j := i + 1
		for j < len(ranks) && same(&ranks[i], &ranks[j]) {
			j++
		}
		if j-i > 1 {
			runs = append(runs, [2]int{i, j})
			tied += j - i
		}
		i = j
	}
	if tied == 0 {
		return
	}
	byPlace := tied*8 > len(ranks)
	if byPlace {
		place := st.idOrder()
		for _, r := range runs {
			for i := r[0]; i < r[1]; i++ {
				ranks[i].client = place[ranks[i].client]
			}
		}
	}
	for _, r := range runs {
		slices.SortFunc(ranks[r[0]:r[1]], func(a, b rank) int {
			if a.client != b.client {
				if byPlace {
					return cmp.Compare(a.client, b.client)
				}
				if c := cmp.Compare(st.states[a.client].id, st.states[b.client].id); c != 0 {
					return c
				}
			}
			return tieOrder(&a, &b, contacts, items)
		})
	}
}

// tieOrder breaks a tie between contacts of one client (or, in client id
// order, of two clients already compared): channel, first item, creation.
func tieOrder(a, b *rank, contacts []contact, items []Item) int {
	if a.client != b.client {
		return cmp.Compare(a.client, b.client)
	}
	if a.channel != b.channel {
		return cmp.Compare(a.channel, b.channel)
	}
	if c := itemOrder(items[contacts[a.contact].first], items[contacts[b.contact].first]); c != 0 {
		return c
	}
	return cmp.Compare(a.contact, b.contact)
}

// mostlyTied guesses from a sample whether most contacts share their
// numbers with others, as when rules give a few round positions.
func mostlyTied(ranks []rank) bool {
	if len(ranks) < 64 {
		return false
	}
	type key struct {
		u, s float64
		w    time.Duration
		q    Quadrant
	}
	step := max(1, len(ranks)/1024)
	seen := map[key]bool{}
	n := 0
	for i := 0; i < len(ranks); i += step {
		r := &ranks[i]
		seen[key{r.urgency, r.sensitivity, r.within, r.quadrant}] = true
		n++
	}
	return len(seen)*4 < n
}

// schedule places contacts in order, each in the earliest period that
// fits, or defers it.
func (p *Planner[Ctx]) schedule(ranks []rank, items []Item, st *planState[Ctx], plan *Plan) {
	o := p.opts
	capacity := make([]int, o.Horizon)
	after := o.Now.Add(time.Duration(o.Horizon) * o.Period)
	plan.FollowUps = make([]FollowUp, 0, len(ranks))
	touch := make([]int32, 0, len(ranks)) // each follow-up's touch number, for its id
	idBytes := 0
	for i := range ranks {
		c := &ranks[i]
		cs := &st.states[c.state]
		agenda := items[c.first : c.first+c.n : c.first+c.n]
		if cs.budget > 0 && cs.used+cs.touches >= cs.budget {
			plan.deferAll(agenda, TouchBudget, time.Time{})
			continue
		}
		push, adviser := c.channel.Push(), c.channel.Adviser()
		period, reason := -1, DeferReason("")
		for k := range o.Horizon {
			if push && int(*cs.push(k)) >= o.PressureCap {
				reason = PressureCap
				continue
			}
			if adviser && capacity[k] >= o.AdviserCapacity {
				reason = AdviserCapacity
				continue
			}
			period = k
			break
		}
		if period < 0 {
			plan.deferAll(agenda, reason, after)
			continue
		}
		if push {
			*cs.push(period)++
		}
		if adviser {
			capacity[period]++
		}
		cs.touches++
		touch = append(touch, int32(cs.touches))
		idBytes += len(cs.id) + 1 + digits(cs.touches)
		plan.FollowUps = append(plan.FollowUps, FollowUp{ClientID: cs.id, Channel: c.channel, Action: c.action,
			Quadrant: c.quadrant, Urgency: c.urgency, Sensitivity: c.sensitivity,
			When: o.Now.Add(time.Duration(period) * o.Period), Due: o.Now.Add(c.within), Items: agenda})
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
