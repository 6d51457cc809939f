package rulefile

import (
	"math"
	"strconv"
	"strings"

	"github.com/expr-lang/expr/parser"
)

// This file reads what a table's rows decide, as far as the analysis needs
// it: the rank a priority or output_order table gives each row, and
// whether two rows of an any table decide alike.

// rowRanks are the ranks of a table's rows, highest first wins.
type rowRanks struct {
	rank []float64
	// unranked rows have an order output whose value is not in the order:
	// ranking them fails the table.
	unranked []bool
}

// ranks reads the rows' ranks as the compiler computes them: by the
// table's order of output values, or by each row's priority (0 without).
// It reports false when a rank is only known when the rule runs.
func (a *analysis) ranks(r *Rule) (rowRanks, bool) {
	rk := rowRanks{rank: make([]float64, len(r.Rows)), unranked: make([]bool, len(r.Rows))}
	if r.Order == nil {
		for i, row := range r.Rows {
			if row.Out.Priority != nil {
				p, err := strconv.ParseFloat(row.Out.Priority.Expr.Src, 64)
				if err != nil || math.IsNaN(p) || math.IsInf(p, 0) {
					return rk, false // a compile error
				}
				rk.rank[i] = p
			}
		}
		return rk, true
	}
	order := make([]value, len(r.Order.Values))
	for i, v := range r.Order.Values {
		var ok bool
		if order[i], ok = a.cellValue(v); !ok {
			return rk, false
		}
	}
	for i, row := range r.Rows {
		var out value
		if r.Order.Output == "type" {
			t := row.Out.Type
			if t == nil {
				t = r.Body.Type
			}
			if t == nil {
				return rk, false
			}
			out = stringValue(t.Value)
		} else {
			src, ok := outputSrc(r, row, r.Order.Output)
			if !ok {
				return rk, false
			}
			lit, ok := a.literalSrc(src)
			if !ok {
				return rk, false
			}
			out = lit
		}
		rk.unranked[i] = true
		for j, o := range order {
			if o.kind == out.kind && equalSame(o, out) { // nil ranks by a nil in the order, as compiled
				rk.rank[i], rk.unranked[i] = float64(len(order)-j), false
				break
			}
		}
		if rk.unranked[i] && r.Order.Output == "type" {
			return rk, false // a compile error, not the analysis's to judge
		}
	}
	return rk, true
}

// outputSrc is the source of a row's named output, the row's or else the
// table's.
func outputSrc(r *Rule, row *Row, name string) (string, bool) {
	for _, blk := range []*Block{&row.Out, &r.Body} {
		for _, o := range blk.Outputs {
			if o.Name == name {
				return o.Value.Src, true
			}
		}
	}
	return "", false
}

// literalSrc reads an expression that is a literal or a constant.
func (a *analysis) literalSrc(src string) (value, bool) {
	tree, err := parser.Parse(src)
	if err != nil {
		return value{}, false
	}
	v, _, ok := literalNode(tree.Node, a.consts, nil)
	return v, ok
}

// sameness is whether two rows decide alike.
type sameness uint8

const (
	decideAlike sameness = iota
	decideDifferently
	decideUnknown
)

// sameDecision compares what two rows of a table decide, as the compiled
// any policy does: type, title, message, urgency, sensitivity and named
// outputs, each the row's or else the table's. Equal text decides alike;
// different literals differently; anything else is unknown.
func (a *analysis) sameDecision(r *Rule, x, y *Row) sameness {
	out := decideAlike
	merge := func(s sameness) {
		if s > out {
			out = s
		}
	}
	pick := func(get func(*Block) string) (string, string) {
		gx, gy := get(&x.Out), get(&y.Out)
		if gx == "" {
			gx = get(&r.Body)
		}
		if gy == "" {
			gy = get(&r.Body)
		}
		return gx, gy
	}
	tx, ty := pick(typeSrc)
	merge(a.sameText(tx, ty))
	for _, tmpl := range []func(*Block) *Template{
		func(b *Block) *Template { return b.Title },
		func(b *Block) *Template { return b.Message },
	} {
		merge(sameTemplate(pick(func(b *Block) string { return templateKey(tmpl(b)) })))
	}
	for _, st := range []func(*Block) *Stmt{
		func(b *Block) *Stmt { return b.Urgency },
		func(b *Block) *Stmt { return b.Sensitivity },
	} {
		merge(a.sameNumber(pick(func(b *Block) string {
			if s := st(b); s != nil {
				return s.Expr.Src
			}
			return ""
		})))
	}
	names := map[string]bool{}
	for _, blk := range []*Block{&x.Out, &y.Out, &r.Body} {
		for _, o := range blk.Outputs {
			names[o.Name] = true
		}
	}
	for n := range names {
		sx, okx := outputSrc(r, x, n)
		sy, oky := outputSrc(r, y, n)
		if okx != oky {
			merge(decideDifferently) // one decision has the output, the other not
			continue
		}
		merge(a.sameText(sx, sy))
	}
	return out
}

// typeSrc is a block's type as a literal's source, "" when it says none:
// a type "" says none, and the compiler keeps the type around it (a
// branch or row of type "" decides the rule's type).
func typeSrc(b *Block) string {
	if b.Type == nil || b.Type.Value == "" {
		return ""
	}
	return strconv.Quote(b.Type.Value)
}

// templateKey writes a template so that two keys are equal only for one
// template: "" for none, a literal one (text alone) as "L" and its text,
// any other as "T" and its parts, each text or expression marked as
// such. (Written as its source, a title '{1}' read as the literal '{1}',
// and text "{{a}}" as the interpolation {a}.)
func templateKey(t *Template) string {
	if t == nil {
		return ""
	}
	var text, parts strings.Builder
	literal := true
	for _, p := range t.Parts {
		if p.Expr != nil {
			literal = false
			parts.WriteString("e" + strconv.Quote(p.Expr.Src))
		} else {
			text.WriteString(p.Text)
			parts.WriteString("t" + strconv.Quote(p.Text))
		}
	}
	if literal {
		return "L" + text.String()
	}
	return "T" + parts.String()
}

// sameTemplate compares two templates' keys: one template decides
// alike, two literal texts by their text, anything else is unknown (an
// interpolation may render as any text).
func sameTemplate(x, y string) sameness {
	switch {
	case x == y:
		return decideAlike
	case strings.HasPrefix(x, "L") && strings.HasPrefix(y, "L"):
		return decideDifferently
	}
	return decideUnknown
}

// literalPair reads two sources as literals; done says the answer s is
// known without them (equal text is alike; an empty or unreadable side is
// unknown).
func (a *analysis) literalPair(x, y string) (vx, vy value, s sameness, done bool) {
	if x == y {
		return vx, vy, decideAlike, true
	}
	if x == "" || y == "" {
		return vx, vy, decideUnknown, true
	}
	vx, okx := a.literalSrc(x)
	vy, oky := a.literalSrc(y)
	if !okx || !oky {
		return vx, vy, decideUnknown, true
	}
	return vx, vy, 0, false
}

// sameText compares two sources: equal text is the same value; two
// literals of different kinds or values (a number's text too: 1 and 1.0
// are an int and a float) differ; anything else is unknown.
func (a *analysis) sameText(x, y string) sameness {
	vx, vy, s, done := a.literalPair(x, y)
	switch {
	case done:
		return s
	case vx.kind != vy.kind || !equalSame(vx, vy):
		return decideDifferently
	case vx.kind == kindNumber:
		// Equal numbers may be an int and a float, which the compiled
		// any policy tells apart (1 and 1.0 decide differently): their
		// literal identities say which.
		ix, iy := a.identitySrc(x), a.identitySrc(y)
		switch {
		case !exactIdentity(ix) || !exactIdentity(iy):
			return decideUnknown
		case ix != iy:
			return decideDifferently
		}
	}
	return decideAlike
}

// exactIdentity reports an identity that is a type and a value (int 1,
// float …), not an operator left unfolded around one.
func exactIdentity(id string) bool {
	kind, _, ok := strings.Cut(id, " ")
	return ok && (kind == "int" || kind == "float")
}

// identitySrc is the literal identity of a source (see literalIdentity),
// "" when it is none.
func (a *analysis) identitySrc(src string) string {
	tree, err := parser.Parse(src)
	if err != nil {
		return ""
	}
	return literalIdentity(tree.Node, a.consts, nil)
}

// sameNumber compares urgencies or sensitivities, which are float64s.
func (a *analysis) sameNumber(x, y string) sameness {
	vx, vy, s, done := a.literalPair(x, y)
	if done {
		return s
	}
	if vx.kind != kindNumber || vy.kind != kindNumber {
		return decideUnknown
	}
	// As compiled: a literal outside [0,1] fails the file or, with
	// clamped outputs, is clamped (see domain.leaf), so 1.5 and 2 are
	// both 1.
	if clamp01(vx.num) == clamp01(vy.num) {
		return decideAlike
	}
	return decideDifferently
}

// clamp01 is v held to [0, 1], as clamped outputs hold an urgency.
func clamp01(v float64) float64 { return min(max(v, 0), 1) }
