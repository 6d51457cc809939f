package rulefile

import (
	"fmt"
	"strconv"
)

// A collect table that sums an urgency or a sensitivity sets the hit's
// to the sum, which the compiled table holds
// to [0, 1]: outside it, the table fails at that input, unless the rule
// set clamps its outputs (dsl.WithClampedOutputs), when it decides 1. A
// file does not say which, so the analysis reads such a point as
// deciding (its rows fire; none is reported as never deciding) and says
// where the sum leaves [0, 1], with a witness: there the table fails
// unless outputs are clamped. min and max of values each in [0, 1] stay
// in it, and count aggregates to an output of its own.

// collectRange is what a table needs to check its aggregate's range:
// each row's value of the aggregated statement, when a literal.
type collectRange struct {
	values []float64 // by row, held to [0, 1] as compiled
	known  []bool
	// out is the plainest point where the aggregate leaves [0, 1], with
	// the rows that matched there and their aggregate.
	out     *example
	outRows map[int]bool
	outAgg  float64
}

// newCollectRange reads r's summed values; nil when r sums no urgency or
// sensitivity.
func (a *analysis) newCollectRange(r *Rule) *collectRange {
	if r.Hit != "collect" || r.Aggregate != "sum" || (r.AggregateOf != "urgency" && r.AggregateOf != "sensitivity") {
		return nil
	}
	c := &collectRange{values: make([]float64, len(r.Rows)), known: make([]bool, len(r.Rows))}
	for i, row := range r.Rows {
		st := row.Out.Urgency
		if r.AggregateOf == "sensitivity" {
			st = row.Out.Sensitivity
		}
		if st == nil {
			if st = r.Body.Urgency; r.AggregateOf == "sensitivity" {
				st = r.Body.Sensitivity
			}
		}
		if st == nil {
			c.known[i] = true // 0: no statement says it
			continue
		}
		if v, ok := a.literalSrc(st.Expr.Src); ok && v.kind == kindNumber {
			c.values[i], c.known[i] = clamp01(v.num), true
		}
	}
	return c
}

// observe checks the sum of the rows matched at a point; a row of a
// value the analysis cannot read leaves the point unchecked.
func (c *collectRange) observe(t *tableState, pt []value, matched []int) {
	agg := 0.0
	for _, ri := range matched {
		if !c.known[ri] {
			return
		}
		agg += c.values[ri]
	}
	if agg <= 1 {
		return
	}
	before := c.out
	t.offer(&c.out, pt)
	if c.out != before {
		c.outRows, c.outAgg = map[int]bool{}, agg
		for _, ri := range matched {
			c.outRows[ri] = true
		}
	}
}

// report says where the sum leaves [0, 1].
func (c *collectRange) report(t *tableState) {
	if c == nil || c.out == nil {
		return
	}
	r := t.r
	w := t.witness(c.out)
	t.a.add(Finding{Pos: r.Pos, Severity: Warning, Code: "collect-out-of-range", Rule: r.ID, Related: rowLabels(c.outRows), Witness: w,
		Message: fmt.Sprintf("%s of %s match inputs such as %s, where collect %s of %s is %s, outside [0,1]: the table fails there unless the rule set clamps its outputs",
			rowList(c.outRows), r.ID, t.describe(w), r.Aggregate, r.AggregateOf, strconv.FormatFloat(c.outAgg, 'g', -1, 64))})
}

// found reports whether the sum was seen outside [0, 1].
func (c *collectRange) found() bool { return c != nil && c.out != nil }
