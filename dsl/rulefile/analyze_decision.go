package rulefile

import (
	"github.com/expr-lang/expr/parser"
)

// A rule or table of the file is a named decision other rules read as
// id.fired, id.type, id.urgency, id.sensitivity or id.<output>. Such a
// read is not a free field: it holds only what the decision can say, or
// nil when it did not fire or the branch or row it took does not say it.
// Where every statement that sets a name is a literal, the analysis takes
// those values (and nil) as the read's whole domain, so a table over a
// decision's bands is not told of a gap at a band the decision never
// gives.

// decisionDomains maps "id.name" to the values a read can hold, for the
// reads whose values are all literals.
func decisionDomains(f *File, consts map[string]constant) map[string][]value {
	out := map[string][]value{}
	for _, r := range f.Rules {
		if r.ID == "" {
			continue
		}
		out[r.ID+".fired"] = []value{boolValue(true), boolValue(false)}
		if r.Aggregate != "" || r.Table && r.Hit != "" && multiHit(r.Hit) {
			continue // the result is computed, or only fired can be read
		}
		d := &domain{consts: consts, vals: map[string][]value{}, open: map[string]bool{}}
		d.block(&r.Body)
		for _, row := range r.Rows {
			d.block(&row.Out)
		}
		for name, vs := range d.vals {
			if !d.open[name] {
				out[r.ID+"."+name] = append(uniqueValues(vs), nilValue)
			}
		}
		if _, ok := d.vals["type"]; !ok && !d.open["type"] {
			out[r.ID+".type"] = []value{nilValue}
		}
	}
	return out
}

// multiHit reports the hit policies whose table can return several rows.
func multiHit(hit string) bool {
	switch hit {
	case "collect", "rule_order", "output_order":
		return true
	}
	return false
}

// domain gathers, by name, the literal values a decision's statements set;
// open marks the names some statement sets to an expression.
type domain struct {
	consts map[string]constant
	vals   map[string][]value
	open   map[string]bool
}

func (d *domain) block(b *Block) {
	if b.Type != nil {
		d.vals["type"] = append(d.vals["type"], stringValue(b.Type.Value))
	}
	for _, s := range []struct {
		name string
		st   *Stmt
	}{{"urgency", b.Urgency}, {"sensitivity", b.Sensitivity}} {
		if s.st != nil {
			d.expr(s.name, s.st.Expr.Src)
		}
	}
	for _, o := range b.Outputs {
		d.expr(o.Name, o.Value.Src)
	}
	for _, br := range b.Branches {
		d.block(&br.Body)
	}
}

func (d *domain) expr(name, src string) {
	tree, err := parser.Parse(src)
	if err != nil {
		d.open[name] = true
		return
	}
	v, exact, ok := literalNode(tree.Node, d.consts, nil)
	if !ok || !exact {
		d.open[name] = true
		return
	}
	d.vals[name] = append(d.vals[name], v)
}

func uniqueValues(vs []value) []value {
	var out []value
	for _, v := range vs {
		seen := false
		for _, o := range out {
			if o == v {
				seen = true
				break
			}
		}
		if !seen {
			out = append(out, v)
		}
	}
	return out
}
