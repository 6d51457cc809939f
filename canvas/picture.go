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
// numbered circle at its mean placement, its area in proportion to how many
// of its alerts are placed; a legend beside the canvas names the types by number,
// most alerts first (up to [PictureTypes] of them; the rest are counted).
// The output is deterministic and well-formed XML, whatever the type names
// hold (control characters and invalid UTF-8 become U+FFFD), with only
// finite numbers: an item whose position is not finite, or that has no
// quadrant (deferred before it was placed: an unknown client, a failed
// placement), counts in the legend but not in its type's circle, and
// thresholds outside [0,1] are
// drawn at the nearest edge (NaN at 0.5). items are typically every
// planned and deferred item of a plan ([Plan.Items]).
func Picture(items []Item, t Thresholds) []byte {
	return picture(func(each func(*Item)) {
		for i := range items {
			each(&items[i])
		}
	}, t)
}

// PicturePlans is [Picture] of every planned and deferred item of the
// plans (one firm's, or each adviser team's), drawn from the plans as they
// are: Picture(plan.Items()) copies every item first, tens of megabytes
// at a million alerts. The picture is the same.
func PicturePlans(t Thresholds, plans ...Plan) []byte {
	return picture(func(each func(*Item)) {
		for _, pl := range plans {
			for _, f := range pl.FollowUps {
				for i := range f.Items {
					each(&f.Items[i])
				}
			}
			for i := range pl.Deferred {
				each(&pl.Deferred[i].Item)
			}
		}
	}, t)
}

// picture draws the items items hands to each, once each.
func picture(items func(each func(*Item)), t Thresholds) []byte {
	const plotW, h, left, right, top, bottom, legendW = 760.0, 560.0, 70.0, 30.0, 50.0, 60.0, 300.0
	types, total := aggregateTypes(items)
	x := svg.Scale{D0: 0, D1: 1, R0: left, R1: plotW - right}
	y := svg.Scale{D0: 0, D1: 1, R0: h - bottom, R1: top}
	d := svg.New(plotW+legendW, h)
	d.Text(plotW/2, 28, fmt.Sprintf("Active client management canvas (%d alerts, %d types)", total, len(types)), svg.Anchor("middle"), svg.FontSize(16))
	quadrants(d, x, y, t)
	// A circle stands for the type's placed alerts only (the others have
	// no place on the canvas): its area, and its title's count.
	shown := types[:min(len(types), PictureTypes)]
	maxPlaced := 1
	for _, a := range shown {
		maxPlaced = max(maxPlaced, a.placed)
	}
	// Drawn largest first, so a small circle is never hidden under a large
	// one; numbered in the legend's order (most alerts first).
	order := make([]int, len(shown))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return cmp.Compare(shown[j].placed, shown[i].placed) })
	for _, i := range order {
		a := shown[i]
		if a.placed == 0 {
			continue
		}
		mu, ms := clamp01(float64(a.su)/fixedUnit/float64(a.placed)), clamp01(float64(a.ss)/fixedUnit/float64(a.placed))
		r := max(4, 30*math.Sqrt(float64(a.placed)/float64(maxPlaced)))
		title := fmt.Sprintf("%s: %d alerts", a.typ, a.placed)
		if a.placed < a.n {
			title = fmt.Sprintf("%s: %d alerts placed of %d", a.typ, a.placed, a.n)
		}
		d.Circle(x.At(ms), y.At(mu), r, title, svg.Fill("#3b6ea8"), svg.Opacity(0.5), svg.Stroke("#1d3f66"))
		d.Text(x.At(ms), y.At(mu)+4, strconv.Itoa(i+1), svg.Anchor("middle"), svg.FontSize(11), svg.Fill("#10243d"))
	}
	legend(d, plotW+10, top, types)
	return d.Bytes()
}

// PictureTypes is the most alert types [Picture] draws and names.
const PictureTypes = 36

// typeCount is one alert type's count, and the count and summed placement
// of its items with a finite position.
type typeCount struct {
	typ    string
	n      int
	placed int
	// su and ss sum the placed items' positions in fixed point (units of
	// 2^-32, each clamped to [0,1] as a Position is): integers add
	// exactly, so the mean drawn does not depend on the items' order (a
	// float sum's rounding moved a circle by a hundredth of a pixel).
	su, ss int64
}

// fixedUnit is the fixed point of typeCount's sums.
const fixedUnit = 1 << 32

func toFixed(v float64) int64 { return int64(math.Round(clamp01(v) * fixedUnit)) }

// clamp01 limits v to [0,1], NaN to 0.5.
func clamp01(v float64) float64 {
	if v != v {
		return 0.5
	}
	return math.Min(1, math.Max(0, v))
}

// aggregateTypes counts items by alert type, most first, ties by name,
// and all of them.
func aggregateTypes(items func(each func(*Item))) (types []*typeCount, total int) {
	byType := map[string]*typeCount{}
	items(func(it *Item) {
		total++
		typ := it.typ()
		a := byType[typ]
		if a == nil {
			a = &typeCount{typ: typ}
			byType[typ] = a
		}
		a.n++
		// An item without a quadrant was deferred before it was placed
		// (an unknown client, a failed placement): its zero position is
		// no place on the canvas.
		if u, s := it.Position.Urgency, it.Position.Sensitivity; it.Quadrant != QuadrantUnknown && finite(u) && finite(s) {
			a.placed++
			a.su += toFixed(u)
			a.ss += toFixed(s)
		}
	})
	types = make([]*typeCount, 0, len(byType))
	for _, a := range byType {
		types = append(types, a)
	}
	slices.SortFunc(types, func(a, b *typeCount) int {
		if c := cmp.Compare(b.n, a.n); c != 0 {
			return c
		}
		return cmp.Compare(a.typ, b.typ)
	})
	return types, total
}

// quadrants draws the four quadrants, their follow-up and the axes.
func quadrants(d *svg.Doc, x, y svg.Scale, t Thresholds) {
	ut, st := t.values()
	ut, st = clamp01(ut), clamp01(st)
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
	d.Text((x.R0+x.R1)/2, y.R0+42, "advice sensitivity", svg.Anchor("middle"), svg.FontSize(13))
	d.Text(20, (y.R0+y.R1)/2, "urgency", svg.Anchor("middle"), svg.FontSize(13),
		svg.Attr{Name: "transform", Value: fmt.Sprintf("rotate(-90 20 %g)", (y.R0+y.R1)/2)})
}

// legend names the drawn types by number, and counts the rest.
func legend(d *svg.Doc, x, top float64, types []*typeCount) {
	const line = 13.0
	d.Text(x, top+4, "alert types, most alerts first", svg.FontSize(12), svg.Fill("#444"))
	shown := types[:min(len(types), PictureTypes)]
	for i, a := range shown {
		d.Text(x, top+4+line*float64(i+1), fmt.Sprintf("%2d  %s  %d", i+1, a.typ, a.n), svg.FontSize(11))
	}
	if rest := len(types) - len(shown); rest > 0 {
		n := 0
		for _, a := range types[len(shown):] {
			n += a.n
		}
		d.Text(x, top+4+line*float64(len(shown)+1), fmt.Sprintf("    and %d more types, %d alerts", rest, n), svg.FontSize(11), svg.Fill("#444"))
	}
}

// Items lists every item of the plan: planned ones in follow-up order,
// then deferred ones.
func (pl Plan) Items() []Item {
	// Counted from what the plan holds, not from its totals, which a plan
	// read back from JSON may not keep.
	n := len(pl.Deferred)
	for _, f := range pl.FollowUps {
		n += len(f.Items)
	}
	out := make([]Item, 0, n)
	for _, f := range pl.FollowUps {
		out = append(out, f.Items...)
	}
	for _, d := range pl.Deferred {
		out = append(out, d.Item)
	}
	return out
}

// typ is the item's alert type; an item without an alert has the type "".
func (it Item) typ() string {
	if it.Alert == nil {
		return ""
	}
	return it.Alert.Type
}
