package rulefile

import (
	"slices"
	"sort"
	"strconv"
	"strings"
)

// The analysis decides its questions over grids: one axis per atom a
// question depends on, the atom's witnesses along it (see axis). Every
// input falls in one elementary interval per atom, where every comparison
// the rule makes answers as at that interval's witness, so a grid point
// stands for a whole box of inputs and the grid for all of them.

// maxGrid bounds the points the analysis visits for one question; a larger
// question is answered "unknown".
const maxGrid = 200000

// maxWork bounds the work of one Analyze call: a question costs its grid's
// points times the tests decided at each point (its weight). A file built
// to be expensive (a table of hundreds of overlapping rows, a tree of
// thousands of branches) then costs a second or two at most rather than
// minutes, and what the budget does not reach is "unknown", never a guess.
const maxWork = 60_000_000

// budget is the work an analysis has left; the atoms of every question
// share it.
type budget struct {
	left int
	// spent says a question was refused for want of budget: the
	// analysis then stops asking (see walkBranches).
	spent bool
}

// spend takes n from what is left, or reports false, taking nothing, when
// less is left.
func (b *budget) spend(n int) bool {
	if b == nil || n > b.left {
		if b != nil {
			b.spent = true
		}
		return false
	}
	b.left -= n
	return true
}

// usedAtoms collects the atoms the conditions read, in table order.
func usedAtoms(extra []int, cs ...*cond) []int {
	seen := map[int]bool{}
	for _, i := range extra {
		seen[i] = true
	}
	for _, c := range cs {
		c.atomsOf(func(i int) { seen[i] = true })
	}
	out := make([]int, 0, len(seen))
	for i := range seen {
		out = append(out, i)
	}
	sort.Ints(out)
	return out
}

// grid calls visit with every point over the used atoms (the others stay
// nil), until visit returns false; weight is the tests visit decides at a
// point. It reports false, visiting nothing, when the grid is larger than
// maxGrid or its work more than the budget has left.
func (as *atoms) grid(used []int, weight int, visit func(pt []value) bool) bool {
	axes, ok := as.axes(used)
	if !ok {
		return false
	}
	size := 1
	for _, ax := range axes {
		size *= ax.len()
		if size > maxGrid {
			return false
		}
	}
	weight = max(weight, 1)
	if as.work == nil || size > as.work.left/weight {
		as.work.spend(as.work.left + 1) // marks it spent
		return false
	}
	visited := 0
	defer func() { as.work.left -= visited * weight }()
	inner := visit
	visit = func(pt []value) bool {
		visited++
		return inner(pt)
	}
	pt := make([]value, len(as.list))
	var rec func(k int) bool
	rec = func(k int) bool {
		if k == len(axes) {
			return visit(pt)
		}
		ax := &axes[k]
		if ax.group == nil {
			for _, v := range ax.values {
				pt[ax.atom] = v
				if !rec(k + 1) {
					return false
				}
			}
			return true
		}
		for _, p := range ax.points {
			for j, i := range ax.group {
				pt[i] = p[j]
			}
			if !rec(k + 1) {
				return false
			}
		}
		return true
	}
	rec(0)
	return true
}

// gridAxis is one axis of a grid: the values of one atom, or the points
// of the reads of one decision together (group, each point giving each of
// them a value).
type gridAxis struct {
	atom   int
	values []value
	group  []int
	points [][]value
}

func (ax *gridAxis) len() int {
	if ax.group == nil {
		return len(ax.values)
	}
	return len(ax.points)
}

// axes are the axes of the grid over the used atoms: each atom's
// witnesses, except that the reads of one decision are one axis, the
// values each way of deciding gives them together (see decisionLeaf), so
// that no point pairs d.fired false with a d.band, or true with the nil
// no leaf gives. It reports false when a decision's points are too many.
func (as *atoms) axes(used []int) ([]gridAxis, bool) {
	var reads map[string][]int // by decision; nil when no decision is read
	for _, i := range used {
		if a := as.list[i]; a.decision != "" && a.leaves != nil {
			if reads == nil {
				reads = map[string][]int{}
			}
			reads[a.decision] = append(reads[a.decision], i)
		}
	}
	out := make([]gridAxis, 0, len(used))
	for _, i := range used {
		a := as.list[i]
		switch group := reads[a.decision]; {
		case len(group) < 2:
			out = append(out, gridAxis{atom: i, values: as.witnesses(i)})
		case group[0] == i: // the decision's axis stands where its first read does
			points, ok := as.together(group, a.leaves)
			if !ok {
				return nil, false
			}
			out = append(out, gridAxis{group: group, points: points})
		}
	}
	return out, true
}

// together is the points of a decision's reads, group, over its leaves:
// for each leaf, the values it gives and, for a read it computes, each
// witness of that read. It reports false when there would be more than
// maxGrid points or the budget cannot pay for them: a decision read
// through several computed outputs multiplies their witnesses, and the
// points are counted before any is made. A rule's questions share the
// points of a group (the cache is keyed by the group and its witnesses'
// counts).
func (as *atoms) together(group []int, leaves []decisionLeaf) ([][]value, bool) {
	var key strings.Builder
	for _, i := range group {
		key.WriteString(strconv.Itoa(i) + ":" + strconv.Itoa(len(as.witnesses(i))) + ",")
	}
	if pts, ok := as.points[key.String()]; ok {
		return pts, pts != nil
	}
	pts := as.enumerate(group, leaves)
	if as.points == nil {
		as.points = map[string][][]value{}
	}
	as.points[key.String()] = pts
	return pts, pts != nil
}

// enumerate makes together's points, nil when there are too many.
func (as *atoms) enumerate(group []int, leaves []decisionLeaf) [][]value {
	choices := make([][][]value, len(leaves))
	total := 0
	for li, l := range leaves {
		choices[li] = make([][]value, len(group))
		n := 1
		for j, i := range group {
			if v, ok := l.value(as.list[i].name); ok {
				choices[li][j] = []value{v}
			} else if l.numbers[as.list[i].name] {
				choices[li][j] = numbersAmong(as.witnesses(i))
			} else {
				choices[li][j] = as.witnesses(i)
			}
			if n *= len(choices[li][j]); n > maxGrid {
				return nil
			}
		}
		if total += n; total > maxGrid {
			return nil
		}
	}
	if !as.work.spend(total * len(group)) {
		return nil
	}
	out := [][]value{}
	seen := map[string]bool{}
	p := make([]value, len(group))
	var id strings.Builder
	var rec func(li, j int)
	rec = func(li, j int) {
		if j == len(group) {
			id.Reset()
			for _, v := range p {
				v.writeKey(&id)
			}
			if k := id.String(); !seen[k] {
				seen[k] = true
				out = append(out, slices.Clone(p))
			}
			return
		}
		for _, v := range choices[li][j] {
			p[j] = v
			rec(li, j+1)
		}
	}
	for li := range leaves {
		rec(li, 0)
	}
	return out
}

// names lists the texts of the used atoms, for proof sketches.
func (as *atoms) names(used []int) string {
	var out []string
	for _, i := range used {
		out = append(out, as.list[i].text)
	}
	return strings.Join(out, ", ")
}

// untyped reports whether the point gives some atom compared with true
// and false a value of another kind (possible only in an `any` field).
func (as *atoms) untyped(used []int, pt []value) bool {
	for _, i := range used {
		if as.untypedOther(i, pt[i]) {
			return true
		}
	}
	return false
}

// realizable reports whether a host can build an input with these values:
// a field path read below a nil one (a.b with a nil) fails, as reading
// through a nil pointer does, or is nil, as through a nil map or an
// optional chain, so no input has a nil a and another value for a.b.
func (as *atoms) realizable(used []int, pt []value) bool {
	for _, i := range used {
		p := as.list[i]
		if !p.chain || pt[i].kind != kindNil {
			continue
		}
		for _, j := range used {
			q := as.list[j]
			// Below a nil path, a path is nil (through a nil map or an
			// optional chain) or fails (through a nil pointer): any
			// other value of it is no input's.
			if q.chain && (strings.HasPrefix(q.text, p.text+".") || strings.HasPrefix(q.text, p.text+"[")) &&
				pt[j].kind != kindNil && pt[j].kind != kindFailed {
				return false
			}
		}
	}
	return true
}

// oddness counts the values of a point a reader would find least telling
// (nil, any value, a failing condition), to prefer plain witnesses.
func oddness(used []int, pt []value) int {
	n := 0
	for _, i := range used {
		if k := pt[i].kind; k == kindNil || k == kindOther || k == kindFailed {
			n++
		}
	}
	return n
}

// witness is the point as a finding's witness: each atom's text and value;
// an opaque condition as true or false. Table inputs are keyed by their
// source as written.
func (as *atoms) witness(used []int, pt []value, names map[int]string) map[string]any {
	out := map[string]any{}
	for _, i := range used {
		if pt[i].kind == kindFailed {
			continue
		}
		name := as.list[i].text
		if n, ok := names[i]; ok {
			name = n
		}
		out[name] = pt[i].public()
	}
	return out
}

// describe writes a witness as text: `x.age = 30, x.tier = "gold"`.
func describe(w map[string]any, order []string) string {
	var parts []string
	done := map[string]bool{}
	add := func(k string) {
		if v, ok := w[k]; ok && !done[k] {
			parts = append(parts, k+" = "+publicString(v))
			done[k] = true
		}
	}
	for _, k := range order {
		add(k)
	}
	rest := make([]string, 0, len(w))
	for k := range w {
		rest = append(rest, k)
	}
	sort.Strings(rest)
	for _, k := range rest {
		add(k)
	}
	return strings.Join(parts, ", ")
}

func publicString(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case float64:
		return numberValue(x).String()
	case string:
		return stringValue(x).String()
	case bool:
		return boolValue(x).String()
	case AnyValue:
		return x.String()
	}
	return "?"
}

// numbersAmong are the witnesses a number can be: the numbers among
// them, or where the read's literals have none, the value of another kind
// than theirs (which then stands for every number); all of them where
// neither is there.
func numbersAmong(ws []value) []value {
	var numbers, others []value
	for _, w := range ws {
		switch w.kind {
		case kindNumber:
			numbers = append(numbers, w)
		case kindOther:
			others = append(others, w)
		}
	}
	switch {
	case len(numbers) > 0:
		return numbers
	case len(others) > 0:
		return others
	}
	return ws
}
