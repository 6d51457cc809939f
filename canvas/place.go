package canvas

import (
	"fmt"
	"math"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/dsl"
)

// Position is a place on the canvas: urgency and advice sensitivity, both
// in [0,1].
type Position struct {
	Urgency     float64 `json:"urgency"`
	Sensitivity float64 `json:"sensitivity"`
}

// Quadrant is a region of the canvas. The zero value is
// [QuadrantUnknown].
type Quadrant uint8

// The quadrants, in priority order.
const (
	QuadrantUnknown Quadrant = iota
	// UrgentSensitive: act now, with an adviser.
	UrgentSensitive
	// UrgentRoutine: act now, the client can do it themselves.
	UrgentRoutine
	// PlannedSensitive: not urgent, but needs an adviser: the next review.
	PlannedSensitive
	// PlannedRoutine: not urgent, self-service: a nudge or a newsletter.
	PlannedRoutine
)

var quadrantNames = [...]string{"unknown", "urgent_sensitive", "urgent_routine", "planned_sensitive", "planned_routine"}

// String returns the quadrant's name.
func (q Quadrant) String() string {
	if int(q) < len(quadrantNames) {
		return quadrantNames[q]
	}
	return fmt.Sprintf("Quadrant(%d)", uint8(q))
}

// MarshalText encodes the quadrant as its name.
func (q Quadrant) MarshalText() ([]byte, error) { return []byte(q.String()), nil }

// Thresholds split the canvas: urgency at or above Urgent is urgent,
// sensitivity at or above Sensitive is advice-sensitive. Zero fields mean
// 0.5.
type Thresholds struct {
	Urgent    float64 `json:"urgent"`
	Sensitive float64 `json:"sensitive"`
}

// Quadrant places a position.
func (t Thresholds) Quadrant(p Position) Quadrant {
	u, s := t.Urgent, t.Sensitive
	if u == 0 {
		u = 0.5
	}
	if s == 0 {
		s = 0.5
	}
	switch urgent, sensitive := p.Urgency >= u, p.Sensitivity >= s; {
	case urgent && sensitive:
		return UrgentSensitive
	case urgent:
		return UrgentRoutine
	case sensitive:
		return PlannedSensitive
	}
	return PlannedRoutine
}

// PlaceEnv is what a granulation rule sees: the client's context and the
// alert (with the urgency and sensitivity it came with).
type PlaceEnv[Ctx any] struct {
	Client Ctx            `expr:"client"`
	Alert  advisory.Alert `expr:"alert"`
}

// TypeRule places one alert type: a base position, and optionally dsl
// expressions over [PlaceEnv] that granulate it by the client's context
// (`client.age < 30 ? 0.7 : 0.9`). An empty expression keeps the base.
type TypeRule struct {
	Type        string   `json:"type"`
	Base        Position `json:"base"`
	Urgency     string   `json:"urgency,omitempty"`
	Sensitivity string   `json:"sensitivity,omitempty"`
}

// Placement places alerts on the canvas. Alert types without a rule keep
// the position their advisory rule gave them. It is immutable and safe for
// concurrent use.
type Placement[Ctx any] struct {
	rules map[string]*placeRule[Ctx]
}

type placeRule[Ctx any] struct {
	base                 Position
	urgency, sensitivity *dsl.Expr[PlaceEnv[Ctx], float64]
}

// NewPlacement compiles the type rules. Errors are *dsl.Error values
// naming the alert type; every one is reported.
func NewPlacement[Ctx any](rules []TypeRule, opts ...dsl.Option) (*Placement[Ctx], error) {
	p := &Placement[Ctx]{rules: map[string]*placeRule[Ctx]{}}
	var errs []error
	for _, r := range rules {
		pr := &placeRule[Ctx]{base: r.Base}
		compile := func(src, what string) *dsl.Expr[PlaceEnv[Ctx], float64] {
			if src == "" {
				return nil
			}
			e, err := dsl.Compile[PlaceEnv[Ctx], float64](src, append(opts, dsl.WithID(r.Type+" "+what))...)
			if err != nil {
				errs = append(errs, err)
			}
			return e
		}
		pr.urgency, pr.sensitivity = compile(r.Urgency, "urgency"), compile(r.Sensitivity, "sensitivity")
		p.rules[r.Type] = pr
	}
	return p, joinErrs(errs)
}

// Place computes an alert's position for a client at time now, clamped to
// [0,1]. A granulation rule that fails, or gives NaN, is an error naming the
// alert type: an alert is never placed by a guess.
func (p *Placement[Ctx]) Place(a advisory.Alert, client Ctx, now time.Time) (Position, error) {
	return p.position(&a, client, now)
}

// position is Place without copying the alert, for planning.
func (p *Placement[Ctx]) position(a *advisory.Alert, client Ctx, now time.Time) (Position, error) {
	r, ok := p.rules[a.Type]
	if !ok {
		return clampPos(Position{a.Urgency, a.Sensitivity}), nil
	}
	pos := r.base
	env := PlaceEnv[Ctx]{Client: client, Alert: *a}
	for _, g := range []struct {
		e   *dsl.Expr[PlaceEnv[Ctx], float64]
		dst *float64
	}{{r.urgency, &pos.Urgency}, {r.sensitivity, &pos.Sensitivity}} {
		if g.e == nil {
			continue
		}
		v, err := g.e.Eval(env, now)
		if err != nil {
			return Position{}, err
		}
		*g.dst = v
	}
	if math.IsNaN(pos.Urgency) || math.IsNaN(pos.Sensitivity) {
		return Position{}, fmt.Errorf("canvas: %s placed at NaN", a.Type)
	}
	return clampPos(pos), nil
}

func clampPos(p Position) Position {
	c := func(v float64) float64 { return math.Min(1, math.Max(0, v)) }
	return Position{c(p.Urgency), c(p.Sensitivity)}
}
