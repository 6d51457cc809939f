package canvas

import (
	"cmp"
	"context"
	"math"
	"runtime"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/segment"
)

// Client is what planning needs to know about a client: their context for
// placement, their segment's service policy, the channels they consented to,
// and the touches already used this year.
type Client[Ctx any] struct {
	// ID is the client's id, or empty. A client found under another id
	// than its own (a map's key and its record apart, a lookup that gives
	// the wrong row) is not planned: its alerts are deferred as
	// [UnknownClient], since the consent, budget and policy are another
	// client's.
	ID      string
	Context Ctx
	Policy  segment.Policy
	Consent []Channel
	// TouchesUsed is the touches this year before the plan; a negative
	// count is read as none. The plan counts every touch it makes
	// against this year's budget, whatever year its period falls in: a
	// plan is a few periods long, and one that crosses the new year is
	// planned from it, with the new year's TouchesUsed, by the host
	// (until then the contacts past the budget are deferred as
	// [TouchBudget], their next slot the host's to give).
	TouchesUsed int
}

// Item is an alert placed on the canvas. Alert points into the slice given
// to [Planner.Plan], which the plan shares rather than copies: the caller
// must not change that slice while using the plan. An item always
// encodes as JSON: its position is finite, and an alert holding what JSON
// cannot write (an infinite urgency a type with a placement rule may
// carry, an infinite output) is written with it as null or as its text
// (see advisory.Alert.MarshalJSON).
type Item struct {
	Alert    *advisory.Alert `json:"alert"`
	Position Position        `json:"position"`
	Quadrant Quadrant        `json:"quadrant"`
}

// FollowUp is one planned contact with a client: several alerts bundled
// into an agenda when the channel allows. Its position is the highest
// urgency of its items and their highest sensitivity plus the bundle
// boost; its quadrant is that position's, and its call to action the
// highest its agenda needs (see [Planner.Plan]).
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
	// Late is how long after Due the contact is planned (When − Due), zero
	// when it is planned in time. LateReason is then what kept it out of
	// the last period that starts by Due: [PressureCap] or
	// [AdviserCapacity].
	Late       time.Duration `json:"late,omitempty"`
	LateReason DeferReason   `json:"late_reason,omitempty"`
	Items      []Item        `json:"items"`
}

// DeferReason says why a follow-up could not be planned inside the horizon,
// or, as a follow-up's LateReason, why it is planned after it is due.
type DeferReason string

// The reasons.
const (
	NoConsentedChannel DeferReason = "no_consented_channel"
	TouchBudget        DeferReason = "touch_budget"
	PressureCap        DeferReason = "pressure_cap"
	AdviserCapacity    DeferReason = "adviser_capacity"
	UnknownClient      DeferReason = "unknown_client" // no client of the id, one whose ID is another, or an id JSON cannot write (not UTF-8)
	PlacementFailed    DeferReason = "placement_failed"
)

// Deferral is an alert not planned inside the horizon: why, and from when
// it can be planned (zero when that needs the host: consent, a client
// record, a budget, a placement). Detail is the error of a failed
// placement.
type Deferral struct {
	Item     Item        `json:"item"`
	Reason   DeferReason `json:"reason"`
	NextSlot time.Time   `json:"next_slot"`
	Detail   string      `json:"detail,omitempty"`
}

// Plan is the follow-up plan: contacts in priority order, the deferred
// alerts, and the totals, in which Alerts = Planned + Deferred always.
// Everything in it depends on the alerts' content, never on their order.
type Plan struct {
	FollowUps []FollowUp `json:"follow_ups"`
	// Deferred lists first the alerts that could not be given a contact
	// (unknown client, failed placement, no consented channel), ordered by
	// client id and then as the items of an agenda are; then the alerts of
	// contacts that could not be scheduled, in plan order.
	Deferred []Deferral `json:"deferred,omitempty"`
	Totals   Totals     `json:"totals"`
}

// Totals accounts for every alert, and counts what is late.
type Totals struct {
	Alerts   int `json:"alerts"`
	Planned  int `json:"planned"`
	Deferred int `json:"deferred"`
	// Late counts the follow-ups planned after they are due, LateAlerts
	// the alerts they carry (which count as planned too).
	Late       int `json:"late"`
	LateAlerts int `json:"late_alerts"`
}

// Planner plans follow-ups. It is immutable and safe for concurrent use by
// multiple goroutines.
type Planner[Ctx any] struct {
	place *Placement[Ctx]
	opts  Options
	// parallelMin is the fewest alerts planned on more than one
	// goroutine (0: parallelPlanMin); tests lower it to hold the parallel
	// plan to the sequential one on small books.
	parallelMin int
}

// NewPlanner makes a planner; placement may be nil (alerts keep their
// rules' positions). It checks the options (see [Options]); every problem
// is reported as an *[OptionError], joined with errors.Join.
func NewPlanner[Ctx any](placement *Placement[Ctx], opts Options) (*Planner[Ctx], error) {
	o, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	if placement == nil {
		placement = &Placement[Ctx]{}
	}
	return &Planner[Ctx]{place: placement, opts: o}, nil
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
	quads                uint8 // a bit per quadrant of its items
}

// rank is a contact's sort key, held by value so the sort runs over
// contiguous memory; ties past the numbers go to tieOrder.
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
// client's touch budget and pressure cap, and adviser capacity allow.
//
// A contact bundles a client's items on one channel. Its urgency is the
// highest of its items', its sensitivity the highest plus BundleBoost per
// extra item (at most 1), and its quadrant that of this position: a bundle
// lifted over the sensitivity threshold, or holding an urgent item and an
// advice-sensitive one, is an advice-sensitive contact, so that no contact
// carries a sensitivity its label denies. Its call to action is the
// highest (self-service, guided flow, adviser) among its items' plays and,
// when its quadrant is none of its items', that quadrant's play. It is due
// at the soonest of its items' plays.
//
// Due dates are part of the plan: a contact that cannot be made in a
// period starting by its due date is still planned in the earliest period
// that fits, and marked late with how late and why ([FollowUp.Late]);
// [Totals] counts late follow-ups. No follow-up is planned after its due
// date without saying so.
//
// The order is total: quadrant, urgency (higher first), sensitivity
// (higher first), due, client id, channel, then the first item (urgency,
// sensitivity, alert type, rule id, path, and the rest of the alert's
// content); contacts equal in all of that are interchangeable. So the plan
// is the same for any order of the alerts.
//
// Planning a million alerts takes a good part of a second. When ctx ends,
// Plan stops within a few thousand alerts or contacts (a placement rule
// that is running stops within a bounded number of its steps) and
// returns the zero Plan and ctx's error; it returns no other error, but
// for a Planner not made by [NewPlanner] (a zero one): an [*OptionError].
func (p *Planner[Ctx]) Plan(ctx context.Context, alerts []advisory.Alert, clients map[string]Client[Ctx]) (Plan, error) {
	// A map read is safe for concurrent use.
	return p.plan(ctx, pointers(alerts), func(id string) (Client[Ctx], bool) {
		c, ok := clients[id]
		return c, ok
	}, len(clients), true)
}

// PlanLookup is [Planner.Plan] for a host that finds its clients its own
// way (a slice by client number, a cache) rather than in a map built for
// the plan: lookup is called once for each distinct client id among the
// alerts, from the calling goroutine unless [Options.ConcurrentLookup]
// says it is safe for concurrent use. The alerts of a client it does not
// find are deferred as [UnknownClient], as are all alerts when lookup is
// nil. Cancellation is as for Plan.
func (p *Planner[Ctx]) PlanLookup(ctx context.Context, alerts []advisory.Alert, lookup func(id string) (Client[Ctx], bool)) (Plan, error) {
	return p.PlanParts(ctx, [][]advisory.Alert{alerts}, lookup)
}

// PlanParts is [Planner.PlanLookup] over alerts given in parts, in order,
// as [advisory.Framework.EvaluateEach] hands a batch's files' alerts over:
// the plan is the one PlanLookup makes of the parts joined, made without
// joining them (a million files' alerts are half a gigabyte to copy). The
// plan's items point into the parts.
func (p *Planner[Ctx]) PlanParts(ctx context.Context, parts [][]advisory.Alert, lookup func(id string) (Client[Ctx], bool)) (Plan, error) {
	if lookup == nil {
		lookup = func(string) (Client[Ctx], bool) { return Client[Ctx]{}, false }
	}
	n := 0
	for _, part := range parts {
		n += len(part)
	}
	alerts := make([]*advisory.Alert, 0, n)
	for _, part := range parts {
		for i := range part {
			alerts = append(alerts, &part[i])
		}
	}
	return p.plan(ctx, alerts, lookup, clientRuns(alerts), p.opts.ConcurrentLookup)
}

// pointers points at each alert: the planner reads alerts through
// pointers, so that they may be one slice or a batch's many parts.
func pointers(alerts []advisory.Alert) []*advisory.Alert {
	out := make([]*advisory.Alert, len(alerts))
	for i := range alerts {
		out[i] = &alerts[i]
	}
	return out
}

// checkEvery is how many alerts, or contacts, planning handles between two
// looks at its context.
const checkEvery = 4096

// clientRuns counts the runs of alerts of one client: the number of
// clients when alerts come grouped by client, as a batch emits them, and
// never fewer. Past half the alerts it says half: alerts in no order would
// overstate it.
func clientRuns(alerts []*advisory.Alert) int {
	runs := 0
	for i := range alerts {
		if i == 0 || alerts[i].ClientID != alerts[i-1].ClientID {
			runs++
		}
	}
	return min(runs, len(alerts)/2+1)
}

// plan is Plan with clients from lookup; clients hints how many there are,
// and concurrent says lookup is safe for concurrent use. A large plan is
// made on all cores (see planParallel), a small one, or one for a planner
// held to one goroutine, by planSequential: the two give the same plan.
func (p *Planner[Ctx]) plan(ctx context.Context, alerts []*advisory.Alert, lookup func(id string) (Client[Ctx], bool), clients int, concurrent bool) (Plan, error) {
	if p == nil || p.place == nil {
		// A zero Planner has no options resolved (no Now, no playbook):
		// nothing to plan with.
		return Plan{}, optionErr("Planner", "not made by NewPlanner")
	}
	// A client id that is not UTF-8 is no client the plan can name: JSON
	// writes it as another (its bytes replaced), so two such clients'
	// follow-ups would read back as one. The host's lookup is not asked.
	hostLookup := lookup
	lookup = func(id string) (Client[Ctx], bool) {
		if !utf8.ValidString(id) {
			return Client[Ctx]{}, false
		}
		return hostLookup(id)
	}
	workers := p.opts.Workers
	if workers == 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, max(len(alerts), 1)) // Workers may be any size; shares are of clients
	minAlerts := p.parallelMin
	if minAlerts == 0 {
		minAlerts = parallelPlanMin
	}
	if workers < 2 || len(alerts) < minAlerts {
		sortMin := parallelSortMin
		if workers < 2 {
			sortMin = math.MaxInt // one goroutine means one
		}
		return p.planSequential(ctx, alerts, lookup, clients, sortMin)
	}
	return p.planParallel(ctx, alerts, lookup, clients, workers, concurrent)
}

// planSequential is the straightforward plan, on the calling goroutine
// (but for sorts of sortMin or more contacts or clients, which sort two
// halves at once; see sortStrict).
func (p *Planner[Ctx]) planSequential(ctx context.Context, alerts []*advisory.Alert, lookup func(id string) (Client[Ctx], bool), clients, sortMin int) (Plan, error) {
	var plan Plan
	plan.Totals.Alerts = len(alerts)
	n := min(clients, len(alerts))
	st := &planState[Ctx]{lookup: lookup, index: make(map[string]int32, n), states: make([]clientState[Ctx], 0, n), texts: newAlertTexts(ctx)}
	// Pass 1: place every alert and give it a contact, bundling a client's
	// alerts on a channel that bundles.
	placed := make([]Item, len(alerts))
	of := make([]int32, len(alerts)) // the alert's contact, -1 when deferred
	contacts := make([]contact, 0, len(alerts)/2+1)
	for i := range alerts {
		if i%checkEvery == 0 && ctx.Err() != nil {
			return Plan{}, ctx.Err()
		}
		a := alerts[i]
		of[i] = -1
		ci, ok := st.client(a.ClientID)
		if !ok {
			plan.defer_(Item{Alert: a}, UnknownClient, time.Time{}, "")
			continue
		}
		cs := &st.states[ci]
		pos, err := p.place.position(ctx, a, cs.context, p.opts.Now)
		if err != nil {
			if ctx.Err() != nil {
				return Plan{}, ctx.Err() // the rule was stopped: no placement failed
			}
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
			contacts = append(contacts, contact{client: ci, channel: ch, within: play.Within})
			cs.contact[ch] = k + 1
		}
		contacts[k].add(it, play)
		placed[i], of[i] = it, k
	}
	// The alerts deferred so far came in input order; the rest will come
	// in plan order.
	if len(plan.Deferred) > 1 {
		sortDeferrals(plan.Deferred, st.texts)
	}
	// Pass 2: lay the items out contact by contact, in alert order, then
	// order each contact's agenda.
	items := make([]Item, len(alerts)-plan.Totals.Deferred)
	next := int32(0)
	for k := range contacts {
		c := &contacts[k]
		c.first, next = next, next+c.n
		p.settle(c)
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
			slices.SortFunc(items[c.first:c.first+c.n], st.texts.itemOrder)
		}
		// A rank carries all that scheduling reads, so the schedule walks
		// the ranks without going back to the contacts.
		ranks[k] = rank{urgency: c.urgency, sensitivity: c.sensitivity, within: c.within, client: c.client, state: c.client,
			contact: int32(k), first: c.first, n: c.n, quadrant: c.quadrant, channel: c.channel, action: c.action}
	}
	if err := ctx.Err(); err != nil {
		return Plan{}, err
	}
	sortRanks(ranks, items, st, sortMin)
	if err := p.schedule(ctx, ranks, items, st, &plan); err != nil {
		return Plan{}, err
	}
	return plan, nil
}

// settle fixes a contact's position, quadrant and call to action once all
// its items are in: the boost for the extra items, the quadrant of the
// boosted position, and that quadrant's action when none of its items is
// in it (the boost or the mix of items moved it).
func (p *Planner[Ctx]) settle(c *contact) {
	c.sensitivity = min(1, c.sensitivity+p.opts.BundleBoost*float64(c.n-1))
	c.quadrant = p.opts.Thresholds.Quadrant(Position{c.urgency, c.sensitivity})
	if c.quads&(1<<c.quadrant) == 0 {
		if a := p.opts.Playbook.Quadrants[c.quadrant].Action; actionRank(a) > actionRank(c.action) {
			c.action = a
		}
	}
}

// planState is the per-client state of one Plan call, indexed once so the
// rest of planning works on small integers rather than string keys.
type planState[Ctx any] struct {
	lookup func(id string) (Client[Ctx], bool)
	texts  *alertTexts // what alertOrder compares last, written once an alert
	index  map[string]int32
	states []clientState[Ctx]
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
	// pushes per period: inline for the first eight periods (one cache
	// line less to fetch per contact), in far for later ones, made when
	// first needed.
	inline [8]int32
	far    map[int]int32
	// contact is the index+1 of the client's bundled contact per channel.
	contact [len(channelNames)]int32
}

// pushes is the client's push count in period k.
func (cs *clientState[Ctx]) pushes(k int) int32 {
	if k < len(cs.inline) {
		return cs.inline[k]
	}
	return cs.far[k]
}

// push counts a push in period k.
func (cs *clientState[Ctx]) push(k int) {
	if k < len(cs.inline) {
		cs.inline[k]++
		return
	}
	if cs.far == nil {
		cs.far = map[int]int32{}
	}
	cs.far[k]++
}

// idOrder gives each client state its place in client id order, so the
// contact order compares integers, not strings. Clients usually arrive in
// id order already (the advisory batch keeps its files' order), which is
// checked first.
func (st *planState[Ctx]) idOrder(sortMin int) []int32 {
	order := make([]int32, len(st.states))
	for i := range order {
		order[i] = int32(i)
	}
	sorted := true
	for i := 1; i < len(st.states) && sorted; i++ {
		sorted = st.states[i-1].id <= st.states[i].id
	}
	if !sorted {
		// Ids are distinct, so the order is strict and may be sorted in
		// two halves at once.
		sortStrict(order, func(a, b int32) int { return cmp.Compare(st.states[a].id, st.states[b].id) }, sortMin)
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
	i, ok := st.add(id)
	if !ok {
		st.index[id] = -1
		return 0, false
	}
	st.index[id] = i
	st.lastID, st.lastIx, st.lastOK = id, i, true
	return i, true
}

// add looks client id up and gives it the next state; false when the host
// does not know it. Each id must be added once.
func (st *planState[Ctx]) add(id string) (int32, bool) {
	c, ok := st.find(id)
	if !ok {
		return 0, false
	}
	i := int32(len(st.states))
	st.states = append(st.states, clientState[Ctx]{})
	st.states[i].set(id, &c)
	return i, true
}

// find looks client id up. A client the lookup gives under another id
// (a map's key and its record's ID apart, a lookup that returns the wrong
// row) is not found: planned as id, it would be contacted on another
// client's consent, budget and policy.
func (st *planState[Ctx]) find(id string) (Client[Ctx], bool) {
	c, ok := st.lookup(id)
	if !ok || c.ID != "" && c.ID != id {
		return Client[Ctx]{}, false
	}
	return c, true
}

// set makes cs the state of client id, found as c.
func (cs *clientState[Ctx]) set(id string, c *Client[Ctx]) {
	// Touches used are at least none: a negative count was credit
	// against the budget.
	*cs = clientState[Ctx]{id: id, context: c.Context, budget: c.Policy.TouchesPerYear, used: max(0, c.TouchesUsed)}
	for _, ch := range c.Consent {
		if ch > ChannelUnknown && int(ch) < len(channelNames) {
			cs.consent |= 1 << ch
		}
	}
	// Each channel once, at its first place: the array holds every
	// channel, so a policy naming one many times loses none after it.
	for _, name := range c.Policy.Channels {
		if ch, ok := channelNamed(name); ok && int(cs.nFallback) < len(cs.fallback) &&
			!slices.Contains(cs.fallback[:cs.nFallback], ch) {
			cs.fallback[cs.nFallback] = ch
			cs.nFallback++
		}
	}
}

// add puts an item on the contact's agenda: what the contact is follows
// from the set of its items, whatever their order.
func (c *contact) add(it Item, play Play) {
	c.n++
	c.urgency = max(c.urgency, it.Position.Urgency)
	c.sensitivity = max(c.sensitivity, it.Position.Sensitivity)
	c.quads |= 1 << it.Quadrant
	if actionRank(play.Action) > actionRank(c.action) {
		c.action = play.Action
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
