package canvas_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
)

type client79 struct {
	Tags []float64 `expr:"tags"`
}

// TestAdversary79_RuleNaNResultNotErrNotFinite
//
// Contract (canvas/place.go, Placement): "a coordinate that is NaN or
// infinite (the alert's own, for a type without a rule; the rule's result,
// for one with) is an error wrapping [ErrNotFinite]".
//
// Input: a TypeRule whose sensitivity rule yields NaN: the constant
// `0.0 / 0.0`, and `sum(client.tags)` over tags [+Inf, -Inf]. Place
// returns the dsl's own error ("result is NaN") that does not wrap
// ErrNotFinite, while a rule whose result is +Inf (`1.0 / 0.0`) does get
// ErrNotFinite: the same policy gives two different causes depending on
// which non-finite value the rule produced. (contract_test.go checks
// ErrNotFinite only for types without a rule.)
//
// Root mechanism (guess): position() returns the EvalContext error as is;
// the dsl refuses a NaN result itself (dsl.ErrNaN) before finitePos ever
// sees the value, and position() does not wrap that failure with
// ErrNotFinite; an infinite result passes the dsl and reaches finitePos.
func TestAdversary79_RuleNaNResultNotErrNotFinite(t *testing.T) {
	p, err := canvas.NewPlacement[client79]([]canvas.TypeRule{
		{Type: "const.nan", Base: canvas.Position{Urgency: 0.5, Sensitivity: 0.5}, Sensitivity: "0.0 / 0.0"},
		{Type: "sum.nan", Base: canvas.Position{Urgency: 0.5, Sensitivity: 0.5}, Sensitivity: "sum(client.tags)"},
		{Type: "const.inf", Base: canvas.Position{Urgency: 0.5, Sensitivity: 0.5}, Sensitivity: "1.0 / 0.0"},
	})
	if err != nil {
		t.Fatal(err)
	}
	inf := math.Inf(1)
	cl := client79{Tags: []float64{inf, -inf}}
	for _, typ := range []string{"const.inf", "const.nan", "sum.nan"} {
		pos, err := p.Place(advisory.Alert{ClientID: "a", Type: typ, RuleID: "r"}, cl, time.Unix(0, 0))
		if err == nil {
			t.Errorf("%s: placed at %v, want an error wrapping ErrNotFinite", typ, pos)
			continue
		}
		if !errors.Is(err, canvas.ErrNotFinite) {
			t.Errorf("%s: Place error %q does not wrap ErrNotFinite (the rule's result is NaN)", typ, err)
		}
		if !strings.Contains(err.Error(), typ) {
			t.Errorf("%s: error %q does not name the type", typ, err)
		}
	}
}
