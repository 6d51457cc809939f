package canvas

import (
	"cmp"
	"slices"
	"strconv"
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

// contact is a follow-up being planned.
type contact struct {
	FollowUp
	play   Play
	client int32
}

// Plan places the alerts, bundles them per client and channel, orders the
// contacts and schedules each in the earliest period its channel, the
// client's touch budget and pressure cap, and adviser capacity allow. The
// order is total: quadrant, urgency (higher first), sensitivity (higher
// first), due, client id, alert type, rule id.
func (p *Planner[Ctx]) Plan(alerts []advisory.Alert, clients map[string]Client[Ctx]) Plan {
	var plan Plan
	plan.Totals.Alerts = len(alerts)
	st := &planState[Ctx]{clients: clients, index: map[string]int32{}, horizon: p.opts.Horizon}
	var ordered []*contact
	// Contacts and their first items come from two slabs sized for the
	// alerts: one allocation each instead of one per alert. The slabs never
	// grow past their capacity, so pointers into them stay valid.
	slab := make([]contact, 0, len(alerts))
	items := make([]Item, len(alerts))
	for i := range alerts {
		a := &alerts[i]
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
		ch, ok := channelFor(play, cs.consent, cs.policy)
		if !ok {
			plan.defer_(it, NoConsentedChannel, time.Time{}, "")
			continue
		}
		// Alerts of one client on a channel that bundles share a contact.
		var ct *contact
		if k := cs.contact[ch]; k > 0 && ch.Bundles() {
			ct = &slab[k-1]
		} else {
			n := len(slab)
			slab = append(slab, contact{FollowUp: FollowUp{ClientID: a.ClientID, Channel: ch, Action: play.Action, Quadrant: it.Quadrant,
				Due: p.opts.Now.Add(play.Within), Items: items[n : n : n+1]}, play: play, client: ci})
			ct = &slab[n]
			cs.contact[ch] = int32(n + 1)
			ordered = append(ordered, ct)
		}
		ct.add(it, play, p.opts)
	}
	for _, ct := range ordered {
		ct.Sensitivity = min(1, ct.Sensitivity+p.opts.BundleBoost*float64(len(ct.Items)-1))
		if len(ct.Items) > 1 {
			slices.SortFunc(ct.Items, itemOrder)
		}
	}
	slices.SortFunc(ordered, contactOrder)
	plan.FollowUps = make([]FollowUp, 0, len(ordered))
	p.schedule(ordered, st, &plan)
	return plan
}

// planState is the per-client state of one Plan call, indexed once so the
// rest of planning works on small integers rather than string keys.
type planState[Ctx any] struct {
	clients map[string]Client[Ctx]
	index   map[string]int32
	states  []clientState[Ctx]
	horizon int
	// pushArena hands out the per-client push counters in blocks.
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
	consent []Channel
	policy  *segment.Policy
	budget  int // touches per year; 0 means no budget
	used    int // touches used before this plan
	touches int // touches planned
	pushes  []int32
	// contact is the index+1 of the client's bundled contact per channel.
	contact [len(channelNames)]int32
}

func (st *planState[Ctx]) client(id string) (int32, bool) {
	if st.lastOK && id == st.lastID {
		return st.lastIx, true
	}
	if i, ok := st.index[id]; ok {
		st.lastID, st.lastIx, st.lastOK = id, i, true
		return i, true
	}
	c, ok := st.clients[id]
	if !ok {
		return 0, false
	}
	i := int32(len(st.states))
	if len(st.pushArena) < st.horizon {
		st.pushArena = make([]int32, 4096*st.horizon)
	}
	pushes := st.pushArena[:st.horizon:st.horizon]
	st.pushArena = st.pushArena[st.horizon:]
	st.states = append(st.states, clientState[Ctx]{id: id, context: c.Context, consent: c.Consent, policy: &c.Policy,
		budget: c.Policy.TouchesPerYear, used: c.TouchesUsed, pushes: pushes})
	st.index[id] = i
	st.lastID, st.lastIx, st.lastOK = id, i, true
	return i, true
}

func (ct *contact) add(it Item, play Play, o Options) {
	ct.Items = append(ct.Items, it)
	ct.Urgency = max(ct.Urgency, it.Position.Urgency)
	ct.Sensitivity = max(ct.Sensitivity, it.Position.Sensitivity)
	if it.Quadrant < ct.Quadrant {
		ct.Quadrant, ct.Action = it.Quadrant, play.Action
	}
	if due := o.Now.Add(play.Within); due.Before(ct.Due) {
		ct.Due = due
	}
}

// channelFor picks the first channel of the play the client consented to,
// then the first of their segment's preferred channels they consented to.
func channelFor(play Play, consent []Channel, policy *segment.Policy) (Channel, bool) {
	for _, ch := range play.Channels {
		if slices.Contains(consent, ch) {
			return ch, true
		}
	}
	for _, name := range policy.Channels {
		if ch, err := ParseChannel(name); err == nil && slices.Contains(consent, ch) {
			return ch, true
		}
	}
	return ChannelUnknown, false
}

// itemOrder and contactOrder compare field by field and return at the
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

func contactOrder(a, b *contact) int {
	if a.Quadrant != b.Quadrant {
		return cmp.Compare(a.Quadrant, b.Quadrant)
	}
	if a.Urgency != b.Urgency {
		return cmp.Compare(b.Urgency, a.Urgency)
	}
	if a.Sensitivity != b.Sensitivity {
		return cmp.Compare(b.Sensitivity, a.Sensitivity)
	}
	if c := a.Due.Compare(b.Due); c != 0 {
		return c
	}
	if c := cmp.Compare(a.ClientID, b.ClientID); c != 0 {
		return c
	}
	if a.Channel != b.Channel {
		return cmp.Compare(a.Channel, b.Channel)
	}
	return itemOrder(a.Items[0], b.Items[0])
}

// schedule places contacts in order, each in the earliest period that
// fits, or defers it.
func (p *Planner[Ctx]) schedule(ordered []*contact, st *planState[Ctx], plan *Plan) {
	o := p.opts
	capacity := make([]int, o.Horizon)
	after := o.Now.Add(time.Duration(o.Horizon) * o.Period)
	for _, ct := range ordered {
		cs := &st.states[ct.client]
		if cs.budget > 0 && cs.used+cs.touches >= cs.budget {
			plan.deferAll(ct, TouchBudget, time.Time{})
			continue
		}
		period, reason := -1, DeferReason("")
		for k := range o.Horizon {
			if ct.Channel.Push() && int(cs.pushes[k]) >= o.PressureCap {
				reason = PressureCap
				continue
			}
			if ct.Channel.Adviser() && capacity[k] >= o.AdviserCapacity {
				reason = AdviserCapacity
				continue
			}
			period = k
			break
		}
		if period < 0 {
			plan.deferAll(ct, reason, after)
			continue
		}
		if ct.Channel.Push() {
			cs.pushes[period]++
		}
		if ct.Channel.Adviser() {
			capacity[period]++
		}
		cs.touches++
		ct.When = o.Now.Add(time.Duration(period) * o.Period)
		ct.ID = ct.ClientID + "-" + strconv.Itoa(cs.touches)
		plan.FollowUps = append(plan.FollowUps, ct.FollowUp)
		plan.Totals.Planned += len(ct.Items)
	}
}

func (pl *Plan) defer_(it Item, r DeferReason, next time.Time, detail string) {
	pl.Deferred = append(pl.Deferred, Deferral{Item: it, Reason: r, NextSlot: next, Detail: detail})
	pl.Totals.Deferred++
}

func (pl *Plan) deferAll(ct *contact, r DeferReason, next time.Time) {
	for _, it := range ct.Items {
		pl.defer_(it, r, next, "")
	}
}
