package canvas

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"

	"github.com/engagekit/engagekit/internal/batch"
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
	return picture(len(items), func(lo, hi int, each func(*Item)) {
		for i := lo; i < hi; i++ {
			each(&items[i])
		}
	}, t)
}

// PicturePlans is [Picture] of every planned and deferred item of the
// plans (one firm's, or each adviser team's), drawn from the plans as they
// are: Picture(plan.Items()) copies every item first, tens of megabytes
// at a million alerts. The picture is the same.
func PicturePlans(t Thresholds, plans ...Plan) []byte {
	units, items := planUnits(plans)
	return picture(units, items, t)
}

// planUnits numbers the plans' follow-ups (each with its items) and
// deferrals as units, in order, and hands the items of any range of them
// over.
func planUnits(plans []Plan) (int, func(lo, hi int, each func(*Item))) {
	// starts[p] is plan p's first unit.
	starts := make([]int, len(plans)+1)
	for p, pl := range plans {
		starts[p+1] = starts[p] + len(pl.FollowUps) + len(pl.Deferred)
	}
	return starts[len(plans)], func(lo, hi int, each func(*Item)) {
		for p := range plans {
			from, to := max(lo, starts[p])-starts[p], min(hi, starts[p+1])-starts[p]
			pl := &plans[p]
			for u := from; u < to; u++ {
				if u < len(pl.FollowUps) {
					items := pl.FollowUps[u].Items
					for i := range items {
						each(&items[i])
					}
					continue
				}
				each(&pl.Deferred[u-len(pl.FollowUps)].Item)
			}
		}
	}
}

// picture draws the items of units [0, units), which items hands to each,
// once each, for any range of units.
func picture(units int, items func(lo, hi int, each func(*Item)), t Thresholds) []byte {
	const plotW, h, left, right, top, bottom, legendW = 760.0, 560.0, 70.0, 30.0, 50.0, 60.0, 300.0
	types, total := aggregateTypes(units, items)
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

// parallelPictureMin is the fewest units a picture aggregates on more
// than one goroutine: a million alerts scattered over the heap are a
// cache miss each, so the work is the memory's more than the cores'.
const parallelPictureMin = 1 << 16

// aggregateTypes counts the items of units [0, units) by alert type, most
// first, ties by name, and all of them. A large picture is counted on all
// cores, a share of the units each: the counts and the fixed-point sums
// are integers, so merging the shares gives the counts of one pass.
func aggregateTypes(units int, items func(lo, hi int, each func(*Item))) (types []*typeCount, total int) {
	workers := 1
	if units >= parallelPictureMin {
		workers = max(1, min(runtime.GOMAXPROCS(0), units/(parallelPictureMin/2)))
	}
	return aggregateOn(workers, units, items)
}

// aggregateOn is aggregateTypes on workers goroutines.
func aggregateOn(workers, units int, items func(lo, hi int, each func(*Item))) (types []*typeCount, total int) {
	shares := make([]map[string]*typeCount, workers)
	batch.Parallel(workers, func(w int) {
		c := typeCounter{byType: map[string]*typeCount{}}
		items(w*units/workers, (w+1)*units/workers, c.add)
		c.flush()
		shares[w] = c.byType
	})
	byType := shares[0]
	for _, share := range shares[1:] {
		for typ, b := range share {
			a := byType[typ]
			if a == nil {
				byType[typ] = b
				continue
			}
			a.n, a.placed, a.su, a.ss = a.n+b.n, a.placed+b.placed, a.su+b.su, a.ss+b.ss
		}
	}
	types = make([]*typeCount, 0, len(byType))
	for _, a := range byType {
		types = append(types, a)
		total += a.n
	}
	slices.SortFunc(types, func(a, b *typeCount) int {
		if c := cmp.Compare(b.n, a.n); c != 0 {
			return c
		}
		return cmp.Compare(a.typ, b.typ)
	})
	return types, total
}

// typeCounter counts items by alert type in batches. An item's type is
// in its alert, a cache miss at a million alerts scattered over the heap:
// read for a batch in a loop of loads alone, the misses overlap, where a
// map lookup after each waited for its miss first (BenchmarkPicturePlans:
// a million items counted in a seventh of the time).
type typeCounter struct {
	byType map[string]*typeCount
	n      int
	batch  [256]*Item
	types  [256]string
}

func (c *typeCounter) add(it *Item) {
	c.batch[c.n] = it
	if c.n++; c.n == len(c.batch) {
		c.flush()
	}
}

func (c *typeCounter) flush() {
	batch, types := c.batch[:c.n], c.types[:c.n]
	for i, it := range batch {
		types[i] = it.typ()
	}
	var last *typeCount
	for i, it := range batch {
		// Alerts of one type mostly share their type's string: equal
		// strings compare without a lookup.
		a := last
		if a == nil || a.typ != types[i] {
			if a = c.byType[types[i]]; a == nil {
				a = &typeCount{typ: types[i]}
				c.byType[types[i]] = a
			}
			last = a
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
	}
	clear(batch)
	clear(types)
	c.n = 0
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
