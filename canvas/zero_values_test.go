package canvas_test

import (
	"testing"

	"github.com/engagekit/engagekit/canvas"
	"github.com/engagekit/engagekit/internal/zerocall"
)

// Every exported type's zero value, and a pointer to one, take every
// method call without a panic: a host holds values it did not build with
// the constructors (a struct field, a var, a decoded config).
func TestZeroValuesNeverPanic(t *testing.T) {
	type ctx struct{ Age int }
	zerocall.Check(t, ".",
		canvas.Action(0), canvas.Channel(0), canvas.Client[ctx]{}, canvas.DeferReason(""), canvas.Deferral{},
		canvas.FollowUp{}, canvas.Item{}, canvas.OptionError{}, canvas.Options{}, canvas.Outcome{}, canvas.PlaceEnv[ctx]{},
		canvas.Placement[ctx]{}, canvas.Planner[ctx]{}, canvas.Plan{}, canvas.Playbook{}, canvas.Play{}, canvas.Position{},
		canvas.Quadrant(0), canvas.Rate{}, canvas.Thresholds{}, canvas.Totals{}, canvas.TypeRule{})
}
