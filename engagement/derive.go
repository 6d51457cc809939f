package engagement

import (
	"cmp"
	"errors"
	"fmt"
	"github.com/engagekit/engagekit/internal/enumtext"
	"math"
	"math/big"
	"slices"
	"time"

	"github.com/engagekit/engagekit/internal/stats"
)

// Pattern is a client's rhythm of activity over recent periods.
type Pattern uint8

// The patterns; the zero value is [NoActivity].
const (
	NoActivity Pattern = iota
	OneOff
	Intermittent
	Habit
)

var patternNames = [...]string{"none", "one_off", "intermittent", "habit"}

// String returns the pattern's name.
func (p Pattern) String() string {
	return enumtext.String(patternNames[:], "Pattern", uint8(p))
}

// MarshalText encodes the pattern as its name.
func (p Pattern) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText decodes a pattern from the text MarshalText writes: its
// name, or "Pattern(n)" for a number without one.
func (p *Pattern) UnmarshalText(b []byte) error {
	n, ok := enumtext.Parse(patternNames[:], "Pattern", string(b))
	if !ok {
		return fmt.Errorf("engagement: unknown pattern %q", b)
	}
	*p = Pattern(n)
	return nil
}

// PatternRule defines patterns over the Window most recent periods (the
// analysis's Period each): active in one period is one-off, in at least
// HabitMin periods a habit, in between intermittent. A zero field means
// its default: 12 periods, and a habit from two thirds of them (8 of
// 12). Window must be 1 to 64 (the periods a book keeps) and HabitMin 2
// to Window; anything else is an [*OptionError], never replaced.
type PatternRule struct {
	Window   int `json:"window"`
	HabitMin int `json:"habit_min"`
}

func (r PatternRule) resolve() (PatternRule, error) {
	if r.Window == 0 {
		r.Window = 12
	}
	if r.Window < 1 || r.Window > 64 {
		return r, optErr("PatternRule.Window", r.Window, "outside 1..64 periods")
	}
	if r.HabitMin == 0 {
		r.HabitMin = max(2, (2*r.Window+2)/3) // two thirds, rounded up: 3 of 5, not 2 of 4
	}
	if r.HabitMin < 2 || r.HabitMin > max(2, r.Window) {
		return r, optErr("PatternRule.HabitMin", r.HabitMin, fmt.Sprintf("outside 2..%d (the window)", max(2, r.Window)))
	}
	return r, nil
}

// ClientPattern is a client's pattern with the periods it rests on.
type ClientPattern struct {
	Client  string  `json:"client"`
	Pattern Pattern `json:"pattern"`
	Active  int     `json:"active_periods"`
	Window  int     `json:"window"`
}

// Patterns returns every client's pattern, sorted by client id; an
// invalid rule is an error.
func (b *Book) Patterns(rule PatternRule) ([]ClientPattern, error) {
	rule, err := rule.resolve()
	if err != nil {
		return nil, err
	}
	var out []ClientPattern
	for _, i := range b.order() {
		n := periodsIn(b.profiles[i].active, 0, rule.Window)
		p := NoActivity
		switch {
		case n >= rule.HabitMin:
			p = Habit
		case n >= 2:
			p = Intermittent
		case n == 1:
			p = OneOff
		}
		out = append(out, ClientPattern{Client: b.clients[i], Pattern: p, Active: n, Window: rule.Window})
	}
	return out, nil
}

// SuperfanRule makes a superfan of a client who escalated in at least Min
// of the Window most recent periods. A zero field means its default: 6
// periods, and 3 of them (or all, for a shorter window). Window must be 1
// to 64 and Min 1 to Window; anything else is an [*OptionError], never
// replaced.
type SuperfanRule struct {
	Window int `json:"window"`
	Min    int `json:"min"`
}

func (r SuperfanRule) resolve() (SuperfanRule, error) {
	if r.Window == 0 {
		r.Window = 6
	}
	if r.Window < 1 || r.Window > 64 {
		return r, optErr("SuperfanRule.Window", r.Window, "outside 1..64 periods")
	}
	if r.Min == 0 {
		r.Min = min(3, r.Window)
	}
	if r.Min < 1 || r.Min > r.Window {
		return r, optErr("SuperfanRule.Min", r.Min, fmt.Sprintf("outside 1..%d (the window)", r.Window))
	}
	return r, nil
}

// Superfan is a client who escalates regularly.
type Superfan struct {
	Client           string  `json:"client"`
	EscalatedPeriods int     `json:"escalated_periods"`
	Score            float64 `json:"score"`
}

// Superfans returns the superfans, highest score first (then by id); an
// invalid rule is an error.
func (b *Book) Superfans(rule SuperfanRule) ([]Superfan, error) {
	rule, err := rule.resolve()
	if err != nil {
		return nil, err
	}
	// Counted first: a book of engaged clients has most of them superfans,
	// and growing the slice would copy them over and over.
	fans := 0
	for i := range b.clients {
		if periodsIn(b.profiles[i].escalated, 0, rule.Window) >= rule.Min {
			fans++
		}
	}
	out := make([]Superfan, 0, fans)
	for i, c := range b.clients {
		if n := periodsIn(b.profiles[i].escalated, 0, rule.Window); n >= rule.Min {
			p := &b.profiles[i]
			out = append(out, Superfan{Client: c, EscalatedPeriods: n, Score: p.esc() + p.maint() - p.dis()})
		}
	}
	slices.SortFunc(out, func(a, b Superfan) int { return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Client, b.Client)) })
	return out, nil
}

// AtRisk is a client who used to escalate regularly and has stopped: in
// the Recent most recent periods they escalated at less than Drop times their
// own rate over the Baseline periods before.
type AtRisk struct {
	Client       string  `json:"client"`
	BaselineRate float64 `json:"baseline_rate"`
	RecentRate   float64 `json:"recent_rate"`
}

// AtRiskRule sets the windows of [Book.AtRisk]. A zero field means its
// default: the last 2 periods against the 6 before, a drop below half, and
// a baseline of at least one escalation in two periods. Recent and
// Baseline must be positive with Recent+Baseline at most 64 (the periods
// a book keeps), Drop and MinBaselineRate in (0, 1]; anything else is an
// [*OptionError], never replaced.
type AtRiskRule struct {
	Recent, Baseline int
	Drop             float64
	MinBaselineRate  float64
}

func (r AtRiskRule) resolve() (AtRiskRule, error) {
	r.Recent, r.Baseline = cmp.Or(r.Recent, 2), cmp.Or(r.Baseline, 6)
	r.Drop, r.MinBaselineRate = cmp.Or(r.Drop, 0.5), cmp.Or(r.MinBaselineRate, 0.5)
	var errs []error
	if r.Recent < 1 || r.Baseline < 1 || r.Recent > 64-r.Baseline { // not a sum, which wraps for MaxInt
		errs = append(errs, optErr("AtRiskRule.Recent+Baseline", fmt.Sprint(r.Recent, "+", r.Baseline), "each positive, at most 64 periods together"))
	}
	if !(r.Drop > 0 && r.Drop <= 1) {
		errs = append(errs, optErr("AtRiskRule.Drop", r.Drop, "outside (0, 1]"))
	}
	if !(r.MinBaselineRate > 0 && r.MinBaselineRate <= 1) {
		errs = append(errs, optErr("AtRiskRule.MinBaselineRate", r.MinBaselineRate, "outside (0, 1]"))
	}
	return r, errors.Join(errs...)
}

// AtRisk returns the clients whose escalation dropped against their own
// baseline, sorted by client id; an invalid rule is an error.
func (b *Book) AtRisk(rule AtRiskRule) ([]AtRisk, error) {
	rule, err := rule.resolve()
	if err != nil {
		return nil, err
	}
	risky := rule.table()
	var out []AtRisk
	for _, i := range b.order() {
		m := b.profiles[i].escalated
		inBase, inRecent := periodsIn(m, rule.Recent, rule.Baseline), periodsIn(m, 0, rule.Recent)
		if risky[inRecent*(rule.Baseline+1)+inBase] {
			out = append(out, AtRisk{Client: b.clients[i],
				BaselineRate: float64(inBase) / float64(rule.Baseline), RecentRate: float64(inRecent) / float64(rule.Recent)})
		}
	}
	return out, nil
}

// table says, for every count of recent and baseline periods with an
// escalation (recent·(Baseline+1) + baseline), whether a client is at
// risk: the rates against Drop and MinBaselineRate read as the decimals
// written for them, in exact rationals, so that a client exactly at the
// threshold is on it (1 of 3 against 0.4 × 5 of 6 is not a drop below,
// though the floats' product rounds above a third). The counts are at
// most 64 each: a rule's table is a few thousand comparisons.
func (r AtRiskRule) table() []bool {
	drop, _ := stats.Decimal(r.Drop) // in (0, 1]: checked by resolve
	least, _ := stats.Decimal(r.MinBaselineRate)
	out := make([]bool, (r.Recent+1)*(r.Baseline+1))
	var bar big.Rat
	for recent := range r.Recent + 1 {
		for base := range r.Baseline + 1 {
			baseRate := big.NewRat(int64(base), int64(r.Baseline))
			bar.Mul(drop, baseRate)
			out[recent*(r.Baseline+1)+base] = baseRate.Cmp(least) >= 0 && big.NewRat(int64(recent), int64(r.Recent)).Cmp(&bar) < 0
		}
	}
	return out
}

// CrossSell is a client escalating on a product or topic they do not hold.
type CrossSell struct {
	Client string `json:"client"`
	Topic  string `json:"topic"`
}

// CrossSells returns, for each client, the topics they escalated on but do
// not hold (holds says what they hold; nil, nothing), sorted by client
// and topic. The analysis remembers up to eight topics per client: the
// first eight in the journey's order, whatever the order of the responses
// and merges.
func (b *Book) CrossSells(holds func(client, topic string) bool) []CrossSell {
	if holds == nil {
		holds = func(string, string) bool { return false }
	}
	var out []CrossSell
	for _, i := range b.order() {
		p := &b.profiles[i]
		var topics []string
		for k := range p.nTopics {
			topics = append(topics, b.j.content.topics[p.topics[k]])
		}
		slices.Sort(topics)
		for _, t := range topics {
			if !holds(b.clients[i], t) {
				out = append(out, CrossSell{Client: b.clients[i], Topic: t})
			}
		}
	}
	return out
}

// Stage of a client's lifecycle.
type LifeStage string

// The lifecycle stages.
const (
	Prospect   LifeStage = "prospect"
	Onboarding LifeStage = "onboarding"
	Active     LifeStage = "active"
	Lapsing    LifeStage = "lapsing"
	Lapsed     LifeStage = "lapsed"
)

// LifecycleRule places clients: a prospect has never responded in a
// post-sale setting; onboarding within Onboarding of their first post-sale
// response; active when their last response is within Active; lapsing
// within Lapsing; lapsed after. Zero fields mean 60, 90 and 180 days;
// [None] means no such stage (Onboarding None: no onboarding stage;
// Active None: no client is active). A negative field, or Active longer
// than Lapsing (which would leave no client lapsing), is an
// [*OptionError].
type LifecycleRule struct {
	Onboarding, Active, Lapsing time.Duration
}

// None is the value of a duration option whose zero means its default,
// to say zero itself: LifecycleRule{Onboarding: None} has no onboarding
// stage.
const None time.Duration = -1

func (r LifecycleRule) resolve() (LifecycleRule, error) {
	day := 24 * time.Hour
	// None stays None: a limit of zero would still take in a response
	// exactly at as-of (an age of 0). It is no stage, whichever it is.
	or := func(d, def time.Duration) time.Duration {
		if d == None {
			return None
		}
		return cmp.Or(d, def)
	}
	r.Onboarding, r.Active, r.Lapsing = or(r.Onboarding, 60*day), or(r.Active, 90*day), or(r.Lapsing, 180*day)
	negative := func(d time.Duration) bool { return d < 0 && d != None }
	switch {
	case negative(r.Onboarding) || negative(r.Active) || negative(r.Lapsing):
		return r, optErr("LifecycleRule", fmt.Sprint(r.Onboarding, " ", r.Active, " ", r.Lapsing), "negative duration")
	case r.Lapsing != None && r.Active > r.Lapsing:
		return r, optErr("LifecycleRule.Active", r.Active, "longer than Lapsing")
	}
	return r, nil
}

// ClientStage is a client's lifecycle stage.
type ClientStage struct {
	Client string    `json:"client"`
	Stage  LifeStage `json:"stage"`
}

// Lifecycle returns every client's stage, sorted by client id; an invalid
// rule is an error.
func (b *Book) Lifecycle(rule LifecycleRule) ([]ClientStage, error) {
	rule, err := rule.resolve()
	if err != nil {
		return nil, err
	}
	var out []ClientStage
	for _, i := range b.order() {
		p := &b.profiles[i]
		// An age of farAge is 292 years or more: within no limit, even
		// one of MaxInt64.
		within := func(age int64, limit time.Duration) bool { return age != farAge && time.Duration(age) <= limit }
		var s LifeStage
		switch {
		case p.postSale == 0:
			s = Prospect
		case rule.Onboarding != None && within(int64(p.postSale-1), rule.Onboarding):
			s = Onboarding
		case within(p.newest, rule.Active):
			s = Active
		case within(p.newest, rule.Lapsing):
			s = Lapsing
		default:
			s = Lapsed
		}
		out = append(out, ClientStage{Client: b.clients[i], Stage: s})
	}
	return out, nil
}

// Gap is a client's expectation gap: the mean score of what they expected
// minus the mean score of what they felt was delivered. Positive means the
// firm fell short.
type Gap struct {
	Client    string  `json:"client"`
	Expected  float64 `json:"expected"`
	Delivered float64 `json:"delivered"`
	Gap       float64 `json:"gap"`
}

// ExpectationGap returns the gap of every client who answered both
// surveys (see Options.ExpectedKind), sorted by client id, and the mean gap
// over them (0 when none did), computed from the exact sum of the means,
// so it is finite and the same whatever the book's order. A client's
// means are always finite, and so is their gap: one beyond the float64
// range (answers of 1e308 and −1e308) is held to it, so the result
// always encodes as JSON.
func (b *Book) ExpectationGap() ([]Gap, float64) {
	var out []Gap
	// The mean gap from the exact sums of the means: the sum of the
	// gaps, rounded at every step, could overflow where the mean does not.
	var sum, count stats.ExactSum
	for _, i := range b.order() {
		p := &b.profiles[i]
		if p.nExpected == 0 || p.nDelivered == 0 {
			continue
		}
		e, d := surveyMean(p.expected, p.nExpected), surveyMean(p.delivered, p.nDelivered)
		gap := max(-math.MaxFloat64, min(e-d, math.MaxFloat64))
		out = append(out, Gap{Client: b.clients[i], Expected: e, Delivered: d, Gap: gap})
		sum.Add(e)
		sum.Add(-d)
		count.Add(1)
	}
	if len(out) == 0 {
		return nil, 0
	}
	return out, stats.Ratio(&sum, &count)
}
