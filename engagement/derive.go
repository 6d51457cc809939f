package engagement

import (
	"cmp"
	"fmt"
	"slices"
	"time"
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
	if int(p) < len(patternNames) {
		return patternNames[p]
	}
	return fmt.Sprintf("Pattern(%d)", uint8(p))
}

// MarshalText encodes the pattern as its name.
func (p Pattern) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// PatternRule defines patterns over the Window most recent periods (the
// analysis's Period each): active in one period is one-off, in at least
// HabitMin periods a habit, in between intermittent. The zero rule means 12
// periods and a habit from 8.
type PatternRule struct {
	Window   int `json:"window"`
	HabitMin int `json:"habit_min"`
}

func (r PatternRule) orDefault() PatternRule {
	if r.Window <= 0 || r.Window > 64 {
		r.Window = 12
	}
	if r.HabitMin <= 1 || r.HabitMin > r.Window {
		r.HabitMin = max(2, r.Window*2/3)
	}
	return r
}

// ClientPattern is a client's pattern with the periods it rests on.
type ClientPattern struct {
	Client  string  `json:"client"`
	Pattern Pattern `json:"pattern"`
	Active  int     `json:"active_periods"`
	Window  int     `json:"window"`
}

// Patterns returns every client's pattern, sorted by client id.
func (b *Book) Patterns(rule PatternRule) []ClientPattern {
	rule = rule.orDefault()
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
	return out
}

// SuperfanRule makes a superfan of a client who escalated in at least Min
// of the Window most recent periods; the zero rule means 3 of 6.
type SuperfanRule struct {
	Window int `json:"window"`
	Min    int `json:"min"`
}

func (r SuperfanRule) orDefault() SuperfanRule {
	if r.Window <= 0 || r.Window > 32 {
		r.Window = 6
	}
	if r.Min <= 0 || r.Min > r.Window {
		r.Min = min(3, r.Window)
	}
	return r
}

// Superfan is a client who escalates regularly.
type Superfan struct {
	Client           string  `json:"client"`
	EscalatedPeriods int     `json:"escalated_periods"`
	Score            float64 `json:"score"`
}

// Superfans returns the superfans, highest score first (then by id).
func (b *Book) Superfans(rule SuperfanRule) []Superfan {
	rule = rule.orDefault()
	var out []Superfan
	for i, c := range b.clients {
		if n := periodsIn(b.profiles[i].escalated, 0, rule.Window); n >= rule.Min {
			p := &b.profiles[i]
			out = append(out, Superfan{Client: c, EscalatedPeriods: n, Score: p.esc() + p.maint() - p.dis()})
		}
	}
	slices.SortFunc(out, func(a, b Superfan) int { return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Client, b.Client)) })
	return out
}

// AtRisk is a client who used to escalate regularly and has stopped: in
// the Recent most recent periods they escalated at less than Drop times their
// own rate over the Baseline periods before.
type AtRisk struct {
	Client       string  `json:"client"`
	BaselineRate float64 `json:"baseline_rate"`
	RecentRate   float64 `json:"recent_rate"`
}

// AtRiskRule sets the windows of [Book.AtRisk]; the zero rule means the
// last 2 periods against the 6 before, a drop below half, and a baseline of
// at least one escalation in two periods.
type AtRiskRule struct {
	Recent, Baseline int
	Drop             float64
	MinBaselineRate  float64
}

// AtRisk returns the clients whose escalation dropped against their own
// baseline, sorted by client id.
func (b *Book) AtRisk(rule AtRiskRule) []AtRisk {
	if rule.Recent <= 0 {
		rule.Recent = 2
	}
	if rule.Baseline <= 0 {
		rule.Baseline = 6
	}
	if rule.Drop <= 0 {
		rule.Drop = 0.5
	}
	if rule.MinBaselineRate <= 0 {
		rule.MinBaselineRate = 0.5
	}
	var out []AtRisk
	for _, i := range b.order() {
		m := b.profiles[i].escalated
		base := float64(periodsIn(m, rule.Recent, rule.Baseline)) / float64(rule.Baseline)
		recent := float64(periodsIn(m, 0, rule.Recent)) / float64(rule.Recent)
		if base >= rule.MinBaselineRate && recent < rule.Drop*base {
			out = append(out, AtRisk{Client: b.clients[i], BaselineRate: base, RecentRate: recent})
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
// not hold (holds says what they hold), sorted by client and topic. The
// analysis remembers up to eight topics per client.
func (b *Book) CrossSells(holds func(client, topic string) bool) []CrossSell {
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
// within Lapsing; lapsed after. Zero fields mean 60, 90 and 180 days.
type LifecycleRule struct {
	Onboarding, Active, Lapsing time.Duration
}

// ClientStage is a client's lifecycle stage.
type ClientStage struct {
	Client string    `json:"client"`
	Stage  LifeStage `json:"stage"`
}

// Lifecycle returns every client's stage, sorted by client id.
func (b *Book) Lifecycle(rule LifecycleRule) []ClientStage {
	day := 24 * time.Hour
	rule.Onboarding = cmp.Or(rule.Onboarding, 60*day)
	rule.Active = cmp.Or(rule.Active, 90*day)
	rule.Lapsing = cmp.Or(rule.Lapsing, 180*day)
	var out []ClientStage
	for _, i := range b.order() {
		p := &b.profiles[i]
		since := time.Duration(p.newest)
		var s LifeStage
		switch {
		case !p.postSale:
			s = Prospect
		case time.Duration(p.postSaleAge) <= rule.Onboarding:
			s = Onboarding
		case since <= rule.Active:
			s = Active
		case since <= rule.Lapsing:
			s = Lapsing
		default:
			s = Lapsed
		}
		out = append(out, ClientStage{Client: b.clients[i], Stage: s})
	}
	return out
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
// over them (0 when none did).
func (b *Book) ExpectationGap() ([]Gap, float64) {
	var out []Gap
	sum := 0.0
	for _, i := range b.order() {
		p := &b.profiles[i]
		if p.nExpected == 0 || p.nDelivered == 0 {
			continue
		}
		e, d := p.expected/float64(p.nExpected), p.delivered/float64(p.nDelivered)
		out = append(out, Gap{Client: b.clients[i], Expected: e, Delivered: d, Gap: e - d})
		sum += e - d
	}
	if len(out) == 0 {
		return nil, 0
	}
	return out, sum / float64(len(out))
}
