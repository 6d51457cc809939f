package canvas

import (
	"errors"
	"fmt"
	"github.com/engagekit/engagekit/internal/jsontime"
	"maps"
	"math"
	"slices"
	"time"
)

// Options configure a [Planner]. Now is required; a zero field means its
// default, and [None] says zero where zero would mean the default and zero
// means something (AdviserCapacity, PressureCap, BundleBoost, the
// Thresholds; a plan of no periods, or of periods of no time, is none, so
// Period and Horizon take no None). Every
// other value is checked by [NewPlanner]: a negative count or duration, a
// NaN, a playbook without a play for a quadrant, or a plan reaching past
// the year 9999 (which JSON cannot write) is an error.
type Options struct {
	// Now is the start of the plan: its first period begins at Now.
	Now time.Time
	// Period is the planning slot, default a week; Horizon the number of
	// periods planned, default 4, at most [MaxHorizon].
	Period  time.Duration
	Horizon int
	// AdviserCapacity is how many adviser contacts (calls, meetings,
	// reviews) fit in a period; default 100. None means no adviser time:
	// every adviser contact is deferred as [AdviserCapacity].
	AdviserCapacity int
	// PressureCap is how many pushes a client may get in a period; default
	// 2. Firms must not exploit behavioural biases. None means no pushes:
	// every push is deferred as [PressureCap], except a push that needs an
	// adviser (a call) in a period with no adviser time left, which is
	// deferred as [AdviserCapacity]: the adviser's time is checked first.
	PressureCap int
	// BundleBoost is added to advice sensitivity per extra item bundled
	// into one contact, default 0.05; None means no boost. A boost that
	// lifts a contact over the sensitivity threshold moves it into the
	// advice-sensitive quadrant, with that quadrant's call to action (see
	// [Planner.Plan]).
	BundleBoost float64
	// Thresholds split the canvas; see [Thresholds].
	Thresholds Thresholds
	// Workers is how many goroutines a large plan is made on; 0 means
	// GOMAXPROCS, 1 the calling goroutine alone. The plan is the same for
	// any number: only the capacity pass (contacts in priority order
	// against the shared adviser capacity) and, unless ConcurrentLookup,
	// looking the clients up are sequential. The host's code runs in
	// another order, though: on several workers every client is looked
	// up before any alert is placed, where one goroutine looks each up as
	// it reaches the client's alerts. Host code whose effects meet (a
	// placement function that ends the plan's context, and a lookup that
	// panics for a later client) may end the plan by one effect on one
	// goroutine and by the other on several; each is still raised on the
	// caller, and no plan is returned.
	Workers int
	// ConcurrentLookup says the lookup given to [Planner.PlanLookup] and
	// [Planner.PlanParts] is safe for concurrent use: a large plan whose
	// alerts come grouped by client in ascending id order (as
	// [advisory.Framework.EvaluateEach] hands a batch sorted by id over)
	// then looks its clients up on its workers, each client still once.
	// The plan is the same either way. [Planner.Plan]'s map is always
	// read on the workers.
	ConcurrentLookup bool
	// Playbook, if nil, is DefaultPlaybook. It must have a play for each
	// quadrant, with known channels and action and a Within that is not
	// negative. The planner keeps a copy.
	Playbook *Playbook
}

// None, as the value of an option whose zero value means its default,
// says zero: Options{PressureCap: None} allows no pushes at all, and
// Thresholds{Urgent: None} makes every position urgent.
const None = -1

// MaxHorizon is the most periods a plan may have.
const MaxHorizon = 1000

// ErrInvalidOption is the cause of every [OptionError].
var ErrInvalidOption = errors.New("canvas: invalid option")

// OptionError is an option [NewPlanner] rejects: which one, and why.
type OptionError struct {
	Option string `json:"option"`
	Reason string `json:"reason"`
}

// Error names the option and the reason.
func (e *OptionError) Error() string { return "canvas: option " + e.Option + ": " + e.Reason }

// Unwrap returns [ErrInvalidOption].
func (e *OptionError) Unwrap() error { return ErrInvalidOption }

func optionErr(option, format string, args ...any) error {
	return &OptionError{Option: option, Reason: fmt.Sprintf(format, args...)}
}

// resolve checks the options and fills in the defaults. Every problem is
// reported.
func (o Options) resolve() (Options, error) {
	var errs []error
	if o.Now.IsZero() {
		errs = append(errs, optionErr("Now", "is required"))
	}
	o.Period = cmp0(o.Period, 7*24*time.Hour)
	if o.Period < 0 {
		errs = append(errs, optionErr("Period", "%v is negative", o.Period))
	}
	o.Horizon = cmp0(o.Horizon, 4)
	if o.Horizon < 0 || o.Horizon > MaxHorizon {
		errs = append(errs, optionErr("Horizon", "%d is outside [1, %d]", o.Horizon, MaxHorizon))
	}
	o.AdviserCapacity = countOption(&errs, "AdviserCapacity", o.AdviserCapacity, 100)
	o.PressureCap = countOption(&errs, "PressureCap", o.PressureCap, 2)
	if o.Workers < 0 {
		errs = append(errs, optionErr("Workers", "%d is negative", o.Workers))
	}
	switch b := o.BundleBoost; {
	case b == 0:
		o.BundleBoost = 0.05
	case b == None:
		o.BundleBoost = 0
	case !(b > 0 && b <= 1):
		errs = append(errs, optionErr("BundleBoost", "%v is outside (0, 1] (None means no boost)", b))
	}
	errs = append(errs, o.Thresholds.check()...)
	if o.Playbook == nil {
		pb := DefaultPlaybook()
		o.Playbook = &pb
	} else {
		// The planner keeps its own copy: the one checked is the one used,
		// whatever the caller does with theirs.
		pb := o.Playbook.clone()
		o.Playbook = &pb
	}
	playbookErrs := o.Playbook.check()
	errs = append(errs, playbookErrs...)
	// The dates are checked beside the other problems (every problem is
	// reported), each as far as the options it reads are valid.
	horizonOK := o.Period >= 0 && o.Horizon >= 0 && o.Horizon <= MaxHorizon
	errs = append(errs, o.checkDates(horizonOK)...)
	return o, errors.Join(errs...)
}

// cmp0 is v, or def when v is zero.
func cmp0[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// countOption resolves a count whose zero is its default and None zero.
func countOption(errs *[]error, name string, v, def int) int {
	switch {
	case v == 0:
		return def
	case v == None:
		return 0
	case v < 0:
		*errs = append(*errs, optionErr(name, "%d is negative (None means zero)", v))
	}
	return v
}

// checkDates rejects a plan whose dates JSON cannot write: every When,
// Due and NextSlot lies between Now and the end of the horizon or Now plus
// the longest Within.
// The horizon's end is checked when horizonOK (Period and Horizon are
// valid); the playbook's longest play always, as a play's Within is
// read whatever else is wrong with the playbook (a negative one is
// reported by the playbook's check and counts as none here). Now's zone
// is checked beside them; the zones from Now to the plan's last date
// only when all else holds.
func (o Options) checkDates(horizonOK bool) []error {
	var errs []error
	inRange := func(t time.Time) bool { return t.Year() >= 1 && t.Year() <= 9999 }
	if !inRange(o.Now) {
		errs = append(errs, optionErr("Now", "%v is outside the years 1 to 9999", o.Now))
		return errs
	}
	if !o.Now.After(time.Time{}) {
		// Every date of the plan is Now or later; the zero instant
		// (0001-01-01 UTC, reached from a year-1 Now in a zone east of
		// UTC) would read as none: a NextSlot that needs the host, a
		// When that was never set.
		errs = append(errs, optionErr("Now", "%v is not after the zero time (0001-01-01 00:00 UTC), which a plan's dates read as none", o.Now))
		return errs
	}
	if err := writableZones(o.Now, o.Now); err != nil {
		errs = append(errs, err)
	}
	last, lastOK := o.Now, true // the latest date of the plan
	if horizonOK && (o.Period > 0 && int64(o.Horizon) > math.MaxInt64/int64(o.Period) || !inRange(o.Now.Add(time.Duration(o.Horizon)*o.Period))) {
		errs = append(errs, optionErr("Horizon", "%d periods of %v reach past the year 9999", o.Horizon, o.Period))
		lastOK = false
	} else if horizonOK {
		last = o.Now.Add(time.Duration(o.Horizon) * o.Period)
	}
	if longest := o.Playbook.longest(); !inRange(o.Now.Add(longest)) {
		errs = append(errs, optionErr("Playbook", "a play due within %v of %v is due past the year 9999", longest, o.Now))
		lastOK = false
	} else {
		last = later(last, o.Now.Add(longest))
	}
	if lastOK && len(errs) == 0 {
		if err := writableZones(o.Now, last); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// writableZones checks the zone offsets of Now's location from one time
// to another, each zone period in turn: RFC 3339, JSON's form of a time,
// writes an offset as whole minutes under 24 hours, so a date in a zone
// of seconds (the local mean time of a city before standard time, such
// as Amsterdam's +00:19:32) would read back another instant, and one of
// 24 hours or more would not be written at all.
func writableZones(from, to time.Time) error {
	for t := from; ; {
		if _, offset := t.Zone(); jsontime.Check(t) != nil {
			return optionErr("Now", "the plan's dates from %v to %v include %v, in a zone whose offset of %v JSON cannot write (whole minutes under 24 hours)",
				from, to, t, time.Duration(offset)*time.Second)
		}
		_, end := t.ZoneBounds()
		if end.IsZero() || end.After(to) {
			return nil
		}
		t = end
	}
}

// later is the later of two times.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// check rejects a playbook the planner cannot follow.
func (pb *Playbook) check() []error {
	var errs []error
	for q := UrgentSensitive; q <= PlannedRoutine; q++ {
		play, ok := pb.Quadrants[q]
		if !ok {
			errs = append(errs, optionErr("Playbook", "no play for quadrant %s", q))
			continue
		}
		errs = append(errs, play.check("quadrant "+q.String())...)
	}
	for _, q := range slices.Sorted(maps.Keys(pb.Quadrants)) { // in order: one text for one playbook
		if q < UrgentSensitive || q > PlannedRoutine {
			errs = append(errs, optionErr("Playbook", "a play for %s, which is no quadrant", q))
		}
	}
	for _, typ := range slices.Sorted(maps.Keys(pb.Types)) {
		errs = append(errs, pb.Types[typ].check(fmt.Sprintf("type %q", typ))...)
	}
	return errs
}

func (p Play) check(what string) []error {
	var errs []error
	if actionRank(p.Action) == 0 {
		errs = append(errs, optionErr("Playbook", "the play for %s has action %s", what, p.Action))
	}
	if p.Within < 0 {
		errs = append(errs, optionErr("Playbook", "the play for %s is due within %v, a negative duration", what, p.Within))
	}
	for _, ch := range p.Channels {
		if ch == ChannelUnknown || int(ch) >= len(channelNames) {
			errs = append(errs, optionErr("Playbook", "the play for %s names channel %s", what, ch))
		}
	}
	return errs
}

// clone copies the playbook's maps and channel lists.
func (pb *Playbook) clone() Playbook {
	c := Playbook{Quadrants: make(map[Quadrant]Play, len(pb.Quadrants))}
	for q, p := range pb.Quadrants {
		p.Channels = slices.Clone(p.Channels)
		c.Quadrants[q] = p
	}
	if pb.Types != nil {
		c.Types = make(map[string]Play, len(pb.Types))
		for t, p := range pb.Types {
			p.Channels = slices.Clone(p.Channels)
			c.Types[t] = p
		}
	}
	return c
}

// longest is the longest Within of the playbook's plays.
func (pb *Playbook) longest() time.Duration {
	var d time.Duration
	for _, p := range pb.Quadrants {
		d = max(d, p.Within)
	}
	for _, p := range pb.Types {
		d = max(d, p.Within)
	}
	return d
}
