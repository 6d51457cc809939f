package canvas

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/engagekit/engagekit/internal/svg"
)

// Picture draws the canvas as SVG: advice sensitivity across, urgency up,
// the quadrants labelled with their follow-up, and each alert type as a
// circle at its mean placement, sized by how many alerts it has. The output
// is deterministic. items are typically every planned and deferred item of
// a plan ([Plan.Items]).
func Picture(items []Item, t Thresholds) []byte {
	const w, h, left, right, top, bottom = 760.0, 560.0, 70.0, 30.0, 50.0, 60.0
	type agg struct {
		typ    string
		n      int
		su, ss float64
	}
	byType := map[string]*agg{}
	for _, it := range items {
		a := byType[it.Alert.Type]
		if a == nil {
			a = &agg{typ: it.Alert.Type}
			byType[it.Alert.Type] = a
		}
		a.n++
		a.su += it.Position.Urgency
		a.ss += it.Position.Sensitivity
	}
	types := make([]*agg, 0, len(byType))
	for _, a := range byType {
		types = append(types, a)
	}
	slices.SortFunc(types, func(a, b *agg) int { return cmp.Compare(a.typ, b.typ) })
	x := svg.Scale{D0: 0, D1: 1, R0: left, R1: w - right}
	y := svg.Scale{D0: 0, D1: 1, R0: h - bottom, R1: top}
	d := svg.New(w, h)
	d.Text(w/2, 28, fmt.Sprintf("Active client management canvas (%d alerts, %d types)", len(items), len(types)), svg.Anchor("middle"), svg.FontSize(16))
	ut, st := cmp.Or(t.Urgent, 0.5), cmp.Or(t.Sensitive, 0.5)
	d.Rect(x.At(0), y.At(1), x.At(st)-x.At(0), y.At(ut)-y.At(1), svg.Fill("#fdf0e6"))
	d.Rect(x.At(st), y.At(1), x.At(1)-x.At(st), y.At(ut)-y.At(1), svg.Fill("#fbe3e3"))
	d.Rect(x.At(0), y.At(ut), x.At(st)-x.At(0), y.At(0)-y.At(ut), svg.Fill("#eef5ee"))
	d.Rect(x.At(st), y.At(ut), x.At(1)-x.At(st), y.At(0)-y.At(ut), svg.Fill("#e8eef8"))
	labels := []struct {
		px, py float64
		anchor string
		text   string
	}{
		{0.01, 0.97, "start", "urgent, routine: push, self-service"},
		{0.99, 0.97, "end", "urgent, advice-sensitive: push, book an adviser"},
		{0.01, 0.02, "start", "planned, routine: portal, newsletter"},
		{0.99, 0.02, "end", "planned, advice-sensitive: next review"},
	}
	for _, l := range labels {
		d.Text(x.At(l.px), y.At(l.py)+4, l.text, svg.Anchor(l.anchor), svg.FontSize(12), svg.Fill("#444"))
	}
	d.Line(x.R0, y.R0, x.R1, y.R0, svg.Stroke("#222"))
	d.Line(x.R0, y.R0, x.R0, y.R1, svg.Stroke("#222"))
	for _, v := range svg.Ticks(0, 1, 5) {
		label := strconv.FormatFloat(v, 'g', 3, 64)
		d.Text(x.At(v), y.R0+18, label, svg.Anchor("middle"), svg.FontSize(11))
		d.Text(x.R0-8, y.At(v)+4, label, svg.Anchor("end"), svg.FontSize(11))
	}
	d.Text((x.R0+x.R1)/2, h-18, "advice sensitivity", svg.Anchor("middle"), svg.FontSize(13))
	d.Text(20, (y.R0+y.R1)/2, "urgency", svg.Anchor("middle"), svg.FontSize(13),
		svg.Attr{Name: "transform", Value: fmt.Sprintf("rotate(-90 20 %g)", (y.R0+y.R1)/2)})
	for _, a := range types {
		mu, ms := a.su/float64(a.n), a.ss/float64(a.n)
		r := 5 + 4*math.Sqrt(float64(a.n))
		d.Circle(x.At(ms), y.At(mu), math.Min(r, 40), fmt.Sprintf("%s: %d alerts", a.typ, a.n), svg.Fill("#3b6ea8"), svg.Opacity(0.55), svg.Stroke("#1d3f66"))
		d.Text(x.At(ms), y.At(mu)-math.Min(r, 40)-4, fmt.Sprintf("%s (%d)", a.typ, a.n), svg.Anchor("middle"), svg.FontSize(11))
	}
	return d.Bytes()
}

// Items lists every item of the plan: planned ones in follow-up order,
// then deferred ones.
func (pl Plan) Items() []Item {
	out := make([]Item, 0, pl.Totals.Planned+len(pl.Deferred))
	for _, f := range pl.FollowUps {
		out = append(out, f.Items...)
	}
	for _, d := range pl.Deferred {
		out = append(out, d.Item)
	}
	return out
}
