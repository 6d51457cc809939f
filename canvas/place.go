package canvas

import (
	"context"
	"errors"
	"fmt"
	"github.com/engagekit/engagekit/internal/enumtext"
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
	return enumtext.String(quadrantNames[:], "Quadrant", uint8(q))
}

// MarshalText encodes the quadrant as its name.
func (q Quadrant) MarshalText() ([]byte, error) { return []byte(q.String()), nil }

// UnmarshalText decodes a quadrant from its name, or the form String
// gives a number without one, so that a plan's JSON reads back.
func (q *Quadrant) UnmarshalText(b []byte) error {
	n, err := nameNumber(quadrantNames[:], "Quadrant", string(b))
	*q = Quadrant(n)
	return err
}

// Thresholds split the canvas: urgency at or above Urgent is urgent,
// sensitivity at or above Sensitive is advice-sensitive. Zero fields mean
// 0.5 and [None] means zero (every position is urgent, or advice-sensitive);
// a planner's thresholds must otherwise be in (0, 1] ([NewPlanner] checks).
type Thresholds struct {
	Urgent    float64 `json:"urgent"`
	Sensitive float64 `json:"sensitive"`
}

// Quadrant places a position. A position with a NaN coordinate is in no
// quadrant: [QuadrantUnknown]; nor is any position under a NaN threshold
// (which NewPlanner refuses, and no comparison with can decide).
func (t Thresholds) Quadrant(p Position) Quadrant {
	u, s := t.values()
	if p.Urgency != p.Urgency || p.Sensitivity != p.Sensitivity || u != u || s != s {
		return QuadrantUnknown
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

// values returns the thresholds in force: zero fields mean 0.5, None 0.
func (t Thresholds) values() (urgent, sensitive float64) {
	return threshold(t.Urgent), threshold(t.Sensitive)
}

func threshold(v float64) float64 {
	switch v {
	case 0:
		return 0.5
	case None:
		return 0
	}
	return v
}

// check rejects thresholds no position can be compared with: each must be
// zero (0.5) or in (0, 1]. Each problem is an *OptionError of its own, so
// that NewPlanner's joined error lists them beside the others.
func (t Thresholds) check() []error {
	var errs []error
	for _, f := range []struct {
		name string
		v    float64
	}{{"Thresholds.Urgent", t.Urgent}, {"Thresholds.Sensitive", t.Sensitive}} {
		if !(f.v >= 0 && f.v <= 1) && f.v != None {
			errs = append(errs, optionErr(f.name, "%v is outside [0, 1] (None means zero)", f.v))
		}
	}
	return errs
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
// concurrent use by multiple goroutines.
//
// Placement never guesses. One policy holds for every alert, with a rule
// or without, and applies before a position is clamped to [0,1]: a
// coordinate that is NaN or infinite (the alert's own, for a type without
// a rule; the rule's result, for one with) is an error wrapping
// [ErrNotFinite], as is a granulation rule that fails. The planner defers
// such an alert as [PlacementFailed], with the error as the detail. Finite
// coordinates outside [0,1] are clamped.
type Placement[Ctx any] struct {
	rules map[string]*placeRule[Ctx]
}

type placeRule[Ctx any] struct {
	base                 Position
	urgency, sensitivity *dsl.Expr[PlaceEnv[Ctx], float64]
}

// ErrNotFinite is the cause of the error for a position with a NaN or
// infinite coordinate, and of a type rule whose base position has one.
var ErrNotFinite = errors.New("canvas: position is not finite")

// ErrDuplicateType is the cause of the error for two rules of one alert
// type: which one holds would depend on their order.
var ErrDuplicateType = errors.New("canvas: two rules for one alert type")

// NewPlacement compiles the type rules. Errors are *dsl.Error values
// naming the alert type, and errors wrapping [ErrNotFinite] (a base
// position that is not finite) and [ErrDuplicateType]; every one is
// reported.
func NewPlacement[Ctx any](rules []TypeRule, opts ...dsl.Option) (*Placement[Ctx], error) {
	p := &Placement[Ctx]{rules: map[string]*placeRule[Ctx]{}}
	var errs []error
	for _, r := range rules {
		if _, dup := p.rules[r.Type]; dup {
			errs = append(errs, fmt.Errorf("%w: %q", ErrDuplicateType, r.Type))
			continue
		}
		if err := finitePos(r.Type+" base", r.Base); err != nil {
			errs = append(errs, err)
		}
		pr := &placeRule[Ctx]{base: r.Base}
		compile := func(src, what string) *dsl.Expr[PlaceEnv[Ctx], float64] {
			if src == "" {
				return nil
			}
			// A full slice: appending to the caller's would write into its
			// spare capacity, which the caller (or another compile) may share.
			e, err := dsl.Compile[PlaceEnv[Ctx], float64](src, append(opts[:len(opts):len(opts)], dsl.WithID(r.Type+" "+what))...)
			if err != nil {
				errs = append(errs, err)
			}
			return e
		}
		pr.urgency, pr.sensitivity = compile(r.Urgency, "urgency"), compile(r.Sensitivity, "sensitivity")
		p.rules[r.Type] = pr
	}
	return p, errors.Join(errs...)
}

// Place computes an alert's position for a client at time now, clamped to
// [0,1]. A granulation rule that fails, or a coordinate that is NaN or
// infinite before clamping, is an error naming the alert type (see
// [Placement]): an alert is never placed by a guess. A nil Placement
// places as the zero one does: every alert at its own position.
func (p *Placement[Ctx]) Place(a advisory.Alert, client Ctx, now time.Time) (Position, error) {
	return p.position(context.Background(), &a, client, now)
}

// position is Place without copying the alert, for planning, under the
// plan's context: a rule runs up to its step limit, and a plan that ends
// stops the rule that is running rather than wait for it.
func (p *Placement[Ctx]) position(ctx context.Context, a *advisory.Alert, client Ctx, now time.Time) (Position, error) {
	var r *placeRule[Ctx]
	ok := false
	if p != nil {
		r, ok = p.rules[a.Type]
	}
	if !ok {
		pos := Position{a.Urgency, a.Sensitivity}
		if err := finitePos(a.Type, pos); err != nil {
			return Position{}, err
		}
		return clampPos(pos), nil
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
		v, err := g.e.EvalContext(ctx, env, now)
		if errors.Is(err, dsl.ErrNaN) {
			// The dsl refuses a NaN result itself: a coordinate that is
			// not finite, as an infinite one is.
			return Position{}, fmt.Errorf("%w: %s: %w", ErrNotFinite, a.Type, err)
		}
		if err != nil {
			return Position{}, err
		}
		*g.dst = v
	}
	if err := finitePos(a.Type, pos); err != nil {
		return Position{}, err
	}
	return clampPos(pos), nil
}

// finitePos is the one check of the policy: what is NaN or infinite is not
// a place on the canvas.
func finitePos(what string, p Position) error {
	if finite(p.Urgency) && finite(p.Sensitivity) {
		return nil
	}
	return fmt.Errorf("%w: %s: urgency %v, sensitivity %v", ErrNotFinite, what, p.Urgency, p.Sensitivity)
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func clampPos(p Position) Position {
	c := func(v float64) float64 { return math.Min(1, math.Max(0, v)) }
	return Position{c(p.Urgency), c(p.Sensitivity)}
}
