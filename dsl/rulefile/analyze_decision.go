package rulefile

import (
	"github.com/expr-lang/expr/parser"
)

// A rule or table of the file is a named decision other rules read as
// id.fired, id.type, id.urgency, id.sensitivity or id.<output>. Such a
// read is not a free field: it holds what one of the decision's leaves
// says (the rule itself, a branch, a row: the innermost level that sets a
// name wins, as the compiler resolves them), or nil when the decision may
// not fire. Where every leaf's value of a name is a literal, the analysis
// takes those values as the read's whole domain, so a table over a
// decision's bands is not told of a gap at a band the decision never
// gives, nor a row over one it gives called unreachable.

// decisionDomains maps "id.name" to the values a read can hold, for the
// reads whose values are all literals.
func decisionDomains(f *File, consts map[string]constant) map[string][]value {
	out := map[string][]value{}
	for _, r := range f.Rules {
		if r.ID == "" || out[r.ID+".fired"] != nil {
			continue // no id, or a duplicate the compiler refuses
		}
		miss := mayMiss(r)
		fired := []value{boolValue(true)}
		if miss {
			fired = append(fired, boolValue(false))
		}
		out[r.ID+".fired"] = fired
		if r.Aggregate != "" || r.Table && multiHit(r.Hit) {
			continue // the result is computed, or only fired can be read
		}
		d := &domain{consts: consts, vals: map[string]*valueSet{}}
		for _, l := range leaves(r) {
			d.leaf(l)
		}
		d.finish()
		for name, set := range d.vals {
			if set.open {
				continue
			}
			vs := set.list
			if miss && !set.hasNil {
				vs = append(vs, nilValue)
			}
			out[r.ID+"."+name] = vs
		}
	}
	return out
}

// mayMiss reports whether the decision may take no decision: it has a
// when, or it is a table without a row that matches every input.
func mayMiss(r *Rule) bool {
	if r.Body.When != nil {
		return true
	}
	if !r.Table {
		return false
	}
	for _, row := range r.Rows {
		all := len(row.Cells) > 0
		for _, c := range row.Cells {
			all = all && c.Test.Kind == TestAny
		}
		if all && row.Out.When == nil {
			return false
		}
	}
	return true
}

// multiHit reports the hit policies whose table can return several rows.
func multiHit(hit string) bool {
	switch hit {
	case "collect", "rule_order", "output_order":
		return true
	}
	return false
}

// leaves lists the decision's possible decisions, each as its chain of
// blocks, outermost first: a plain rule's own block; with branches, every
// branch (a branch none of whose nested branches holds is itself the
// decision) and the rule itself unless an else always catches; a table's
// rows.
func leaves(r *Rule) [][]*Block {
	if r.Table {
		out := make([][]*Block, len(r.Rows))
		for i, row := range r.Rows {
			out[i] = []*Block{&r.Body, &row.Out}
		}
		return out
	}
	var out [][]*Block
	var walk func(chain []*Block, bs []*Branch)
	walk = func(chain []*Block, bs []*Branch) {
		if !hasElse(bs) {
			out = append(out, chain)
		}
		for _, b := range bs {
			walk(append(chain[:len(chain):len(chain)], &b.Body), b.Body.Branches)
		}
	}
	walk([]*Block{&r.Body}, r.Body.Branches)
	return out
}

func hasElse(bs []*Branch) bool {
	for _, b := range bs {
		if b.Cond == nil {
			return true
		}
	}
	return false
}

// valueSet is the values one name takes over the leaves; open when some
// leaf sets it to an expression that is not a literal.
type valueSet struct {
	list   []value
	seen   map[value]bool
	hasNil bool
	open   bool
}

func (s *valueSet) add(v value) {
	if s.seen[v] {
		return
	}
	s.seen[v] = true
	s.list = append(s.list, v)
	s.hasNil = s.hasNil || v.kind == kindNil
}

// domain gathers, by name, the values a decision's leaves give.
type domain struct {
	consts map[string]constant
	vals   map[string]*valueSet
	said   []map[string]*Output // each leaf's outputs
}

func (d *domain) set(name string) *valueSet {
	s := d.vals[name]
	if s == nil {
		s = &valueSet{seen: map[value]bool{}}
		d.vals[name] = s
	}
	return s
}

// leaf adds what one leaf gives each name: the innermost block that says
// it wins; urgency and sensitivity default to 0, type to "", an output to
// nil.
func (d *domain) leaf(chain []*Block) {
	var typ *Str
	var urgency, sensitivity *Stmt
	outs := map[string]*Output{}
	for _, b := range chain {
		if b.Type != nil {
			typ = b.Type
		}
		if b.Urgency != nil {
			urgency = b.Urgency
		}
		if b.Sensitivity != nil {
			sensitivity = b.Sensitivity
		}
		for _, o := range b.Outputs {
			outs[o.Name] = o
		}
	}
	if typ != nil {
		d.set("type").add(stringValue(typ.Value))
	} else {
		d.set("type").add(stringValue(""))
	}
	for name, st := range map[string]*Stmt{"urgency": urgency, "sensitivity": sensitivity} {
		if st == nil {
			d.set(name).add(numberValue(0))
			continue
		}
		d.expr(name, st.Expr.Src)
	}
	for name, o := range outs {
		d.expr(name, o.Value.Src)
	}
	d.said = append(d.said, outs)
}

// finish adds nil to each output some leaves say and others do not: a
// leaf that does not say it gives nil.
func (d *domain) finish() {
	for name := range d.vals {
		if name == "type" || name == "urgency" || name == "sensitivity" {
			continue
		}
		for _, outs := range d.said {
			if _, ok := outs[name]; !ok {
				d.set(name).add(nilValue)
				break
			}
		}
	}
}

func (d *domain) expr(name, src string) {
	tree, err := parser.Parse(src)
	if err != nil {
		d.set(name).open = true
		return
	}
	v, exact, ok := literalNode(tree.Node, d.consts, nil)
	if !ok || !exact {
		d.set(name).open = true
		return
	}
	d.set(name).add(v)
}
