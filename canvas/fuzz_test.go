package canvas_test

import (
	"testing"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
)

// FuzzPlacement compiles arbitrary granulation rules and places an alert:
// an error or a position in [0,1]², never a panic.
func FuzzPlacement(f *testing.F) {
	f.Add("client.age < 30 ? 0.7 : 0.9", "daysUntil(client.termEnd)")
	f.Add("alert.Urgency * 2", "1/0")
	f.Fuzz(func(t *testing.T, u, s string) {
		p, err := canvas.NewPlacement[ctx]([]canvas.TypeRule{{Type: "x", Urgency: u, Sensitivity: s}})
		if err != nil {
			return
		}
		pos, err := p.Place(advisory.Alert{Type: "x", Urgency: 0.5}, ctx{Age: 31, TermEnd: now.AddDate(0, 0, 3)}, now)
		if err == nil && (pos.Urgency < 0 || pos.Urgency > 1 || pos.Sensitivity < 0 || pos.Sensitivity > 1) {
			t.Fatalf("position %v outside the canvas", pos)
		}
	})
}
