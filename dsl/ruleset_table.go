package dsl

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/engagekit/engagekit/dsl/rulefile"
)

// This file is the DMN decision logic of tables: how the rows that match
// become hits under each hit policy, an aggregator, or an order of output
// values. Eval and Explain both decide a table through fireTable.

// aggregate compiles a collect table's aggregator: every row must have the
// output it aggregates, from itself or the table.
func (b *builder[Env]) aggregate(r *rulefile.Rule, rule *cRule, t *cTable) {
	if r.Aggregate == "" {
		return
	}
	if t.policy != HitCollect {
		b.errorf(r.ID, r.Pos, KindSyntax, "an aggregator (%s) needs hit collect; this table is hit %s", r.Aggregate, r.Hit)
		return
	}
	t.agg, t.aggOf = r.Aggregate, r.AggregateOf
	if t.agg != "sum" && t.agg != "min" && t.agg != "max" && t.agg != "count" {
		b.errorf(r.ID, r.Pos, KindSyntax, "unknown aggregator %q; expected sum, min, max or count", t.agg)
		return
	}
	t.aggLeaf = b.leaf("", rule, r.Pos, &rule.base)
	if t.agg == "count" {
		t.aggOf = "count"
		return
	}
	for i := range t.rows {
		if t.rows[i].leaf == nil {
			continue
		}
		p := aggProgram(t.rows[i].leaf, t.aggOf)
		if p == nil {
			b.stmtErrorf(r.ID, t.rows[i].label, r.Rows[i].Pos, KindType, "%s has no %s to %s (say it on the row or the table)", t.rows[i].label, t.aggOf, t.agg)
			continue
		}
		// An output whose type is known and is no number (a string, a
		// list, a duration) fails each time the row matches.
		if ot := p.c.tree.Node.Type(); ot != nil && ot.Kind() != reflect.Interface && (!isNumberKind(ot.Kind()) || ot == reflect.TypeFor[time.Duration]()) {
			b.stmtErrorf(r.ID, t.rows[i].label, r.Rows[i].Pos, KindType, "%s: output %s is a %v; collect %s needs a number", t.rows[i].label, t.aggOf, ot, t.agg)
		}
	}
}

// aggProgram is the expression that gives a decision's value of output
// name: urgency, sensitivity, or a named output.
func aggProgram(l *leaf, name string) *program {
	switch name {
	case "urgency":
		return l.urgency
	case "sensitivity":
		return l.sensitivity
	}
	for _, n := range l.named {
		if n.name == name {
			return n.p
		}
	}
	return nil
}

// order compiles a table's order of output values. A row's rank by its
// type is known at compile time, and a type not in the list is an error;
// a named output's value is ranked when it is computed.
func (b *builder[Env]) order(r *rulefile.Rule, t *cTable) {
	o := r.Order
	if o == nil {
		return
	}
	if !t.policy.ranked() {
		b.stmtErrorf(r.ID, "order", o.Pos, KindSyntax, "order means something only in a table with hit priority or output order; this one is hit %s", r.Hit)
		return
	}
	for i, row := range r.Rows {
		if row.Out.Priority != nil {
			b.stmtErrorf(r.ID, fmt.Sprintf("row %d, priority", i+1), row.Out.Priority.Pos, KindSyntax,
				"a table ranks its rows by its order or by row priorities, not both")
		}
	}
	t.orderOf = o.Output
	for _, v := range o.Values {
		val, err := b.cellValue(v, nil, false)
		if err != nil {
			b.stmtErrorf(r.ID, "order", o.Pos, KindType, "%v", err)
			return
		}
		t.order = append(t.order, val)
	}
	for i := range t.rows {
		row := &t.rows[i]
		if row.leaf == nil {
			continue
		}
		if o.Output == "type" {
			rank, ok := orderRank(t.order, row.leaf.typ)
			if !ok {
				b.stmtErrorf(r.ID, row.label, r.Rows[i].Pos, KindType, "%s has type %q, which is not in the table's order", row.label, row.leaf.typ)
			}
			row.priority, row.ranked = rank, true
		} else if p := aggProgram(row.leaf, o.Output); p == nil {
			b.stmtErrorf(r.ID, row.label, r.Rows[i].Pos, KindType, "%s has no output %s, which the table's order ranks", row.label, o.Output)
		} else if class := valueClass(p.c.tree.Node.Type()); class != "" && !slices.ContainsFunc(t.order, func(v any) bool { return valueClass(reflect.TypeOf(v)) == class }) {
			// No value of the output's type can be in the order: the row
			// would fail every evaluation that matches it.
			b.stmtErrorf(r.ID, row.label, r.Rows[i].Pos, KindType, "%s's output %s is a %s, and the table's order lists no %s: no value of it can be ranked", row.label, o.Output, class, class)
		}
	}
}

// valueClass is the class of values a cell or an order compares a value
// of type t with, as they read it (through pointers, a host's named
// string as a string): "number", "string", "bool", "time" or "duration";
// "" when t is none of those, or not known before the rule runs.
func valueClass(t reflect.Type) string {
	switch t = deref(t); {
	case t == nil:
		return ""
	case t == timeType:
		return "time"
	case t == durationType:
		return "duration"
	case t.Kind() == reflect.String:
		return "string"
	case t.Kind() == reflect.Bool:
		return "bool"
	case isNumberKind(t.Kind()):
		return "number"
	}
	return ""
}

// orderRank is a value's rank in an order: the first value ranks highest.
func orderRank(order []any, v any) (float64, bool) {
	v = cellInput(v) // read as a cell reads an input: through pointers, a named string as a string
	for i, o := range order {
		if eq, err := equalValues(v, o); err == nil && eq {
			return float64(len(order) - i), true
		}
	}
	return 0, false
}

// fireTable decides a table: its inputs, the rows that match them, then
// the hits its hit policy makes of those rows.
func (rs *RuleSet[Env]) fireTable(s *session[Env], rule *cRule, dst []Hit) ([]Hit, error) {
	t := rule.tbl
	var buf [8]any
	vals, err := tableInputs(s, t, buf[:0])
	if err != nil {
		return dst, err
	}
	var matched []int
	for ri := range t.rows {
		ok, err := t.rows[ri].matches(rule.id, vals)
		if err != nil {
			return dst, err
		}
		if ok {
			matched = append(matched, ri)
			if t.policy == HitFirst {
				break
			}
		}
	}
	if len(matched) == 0 {
		return dst, nil
	}
	switch t.policy {
	case HitUnique:
		if len(matched) > 1 {
			second := &t.rows[matched[1]]
			return dst, rule.tableError(second.label, second.pos, "hit policy unique: %s and %s both match", t.rows[matched[0]].label, second.label)
		}
	case HitAny:
		return rs.fireAny(s, rule, dst, matched)
	case HitPriority, HitOutputOrder:
		if matched, err = rs.rank(s, rule, matched); err != nil {
			return dst, err
		}
		if t.policy == HitPriority {
			matched = matched[:1]
		}
	case HitCollect:
		if t.agg != "" {
			return rs.fireAggregate(s, rule, dst, matched)
		}
	}
	for _, ri := range matched {
		if dst, err = rs.appendHit(s, rule, dst, t.rows[ri].leaf); err != nil {
			return dst, err
		}
	}
	return dst, nil
}

// tableError is a table's failure in statement stmt ("row 3", or "hit"
// for the table's own) at pos.
func (r *cRule) tableError(stmt string, pos rulefile.Pos, format string, args ...any) error {
	return &Error{RuleID: r.id, Statement: stmt, Line: pos.Line, Column: pos.Col, Kind: KindEval, Msg: fmt.Sprintf(format, args...)}
}

// fireAny appends the first matching row's hit when every matching row
// decides the same; rows that differ are an error naming two of them.
func (rs *RuleSet[Env]) fireAny(s *session[Env], rule *cRule, dst []Hit, matched []int) ([]Hit, error) {
	n := len(dst)
	var err error
	for _, ri := range matched {
		if dst, err = rs.appendHit(s, rule, dst, rule.tbl.rows[ri].leaf); err != nil {
			return dst, err
		}
	}
	first := &dst[n]
	for i := n + 1; i < len(dst); i++ {
		if !sameDecision(first, &dst[i]) {
			row := &rule.tbl.rows[matched[i-n]]
			return dst, rule.tableError(row.label, row.pos, "hit policy any: %s and %s both match and decide differently",
				first.Path, dst[i].Path)
		}
	}
	clear(dst[n+1:])
	return dst[:n+1], nil
}

// sameDecision compares what two hits decide, not which row decided it.
func sameDecision(a, b *Hit) bool {
	return a.Type == b.Type && a.Title == b.Title && a.Message == b.Message &&
		a.Urgency == b.Urgency && a.Sensitivity == b.Sensitivity && sameOutputs(a.Outputs, b.Outputs)
}

// rank orders the matching rows by priority, highest first, row order
// among equals.
func (rs *RuleSet[Env]) rank(s *session[Env], rule *cRule, matched []int) ([]int, error) {
	t := rule.tbl
	prio := make(map[int]float64, len(matched))
	for _, ri := range matched {
		row := &t.rows[ri]
		if row.ranked || t.order == nil {
			prio[ri] = row.priority
			continue
		}
		v, err := s.value(aggProgram(row.leaf, t.orderOf))
		if err != nil {
			return nil, err
		}
		r, ok := orderRank(t.order, v)
		if !ok {
			return nil, rule.tableError(row.label, row.pos, "%s: output %s is %s, which is not in the table's order", row.label, t.orderOf, formatValue(v))
		}
		prio[ri] = r
	}
	slices.SortStableFunc(matched, func(a, b int) int { return cmpOrdered(prio[b], prio[a]) })
	return matched, nil
}

// fireAggregate appends one hit: the table's own decision, with the
// aggregated output set to the sum, minimum, maximum or count of the
// matching rows' values.
func (rs *RuleSet[Env]) fireAggregate(s *session[Env], rule *cRule, dst []Hit, matched []int) ([]Hit, error) {
	t := rule.tbl
	agg := float64(len(matched))
	if t.agg != "count" {
		var err error
		if agg, err = rs.aggregateValues(s, rule, matched); err != nil {
			return dst, err
		}
	}
	n := len(dst)
	dst, err := rs.appendHit(s, rule, dst, t.aggLeaf)
	if err != nil {
		return dst, err
	}
	h := &dst[n]
	h.Path = "rows " + rowLabels(t, matched)
	switch t.aggOf {
	case "urgency", "sensitivity":
		if agg < 0 || agg > 1 {
			if !rs.clamp {
				return dst, rule.tableError("hit", t.pos, "hit policy collect %s: %s is %v, outside [0,1]", t.agg, t.aggOf, agg)
			}
			agg = min(max(agg, 0), 1)
		}
		if t.aggOf == "urgency" {
			h.Urgency = agg
		} else {
			h.Sensitivity = agg
		}
	default:
		if h.Outputs == nil {
			h.Outputs = map[string]any{}
		}
		h.Outputs[t.aggOf] = agg
	}
	return dst, nil
}

func (rs *RuleSet[Env]) aggregateValues(s *session[Env], rule *cRule, matched []int) (float64, error) {
	t := rule.tbl
	var out float64
	for i, ri := range matched {
		row := &t.rows[ri]
		v, err := s.value(aggProgram(row.leaf, t.aggOf))
		if err != nil {
			return 0, err
		}
		f, ok := number(v)
		if !ok || math.IsNaN(f) {
			return 0, rule.tableError(row.label, row.pos, "%s: output %s is %s; collect %s needs a number", row.label, t.aggOf, formatValue(v), t.agg)
		}
		switch {
		case i == 0:
			out = f
		case t.agg == "sum":
			out += f
		case t.agg == "min":
			out = min(out, f)
		case t.agg == "max":
			out = max(out, f)
		}
	}
	if math.IsNaN(out) { // a sum of +Inf and -Inf: no number decides
		return 0, rule.tableError("hit", t.pos, "rows %s: collect %s of %s is not a number (it adds +Inf and -Inf)", rowLabels(t, matched), t.agg, t.aggOf)
	}
	return out, nil
}

// rowLabels lists the matched rows' numbers: "1, 3".
func rowLabels(t *cTable, matched []int) string {
	labels := make([]string, len(matched))
	for i, ri := range matched {
		labels[i] = strings.TrimPrefix(t.rows[ri].label, "row ")
	}
	return strings.Join(labels, ", ")
}
