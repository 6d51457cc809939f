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

// decisionDomains is what the reads of the file's decisions can hold.
type decisionDomains struct {
	// reads maps "id.name" to the values a read can hold, for the reads
	// whose values are all literals; every decision has "id.fired".
	reads map[string][]value
	// leaves maps a decision's id to what each of its ways of deciding
	// gives its reads, together: two reads of one decision do not vary
	// apart (fired is false exactly when every output is nil).
	leaves map[string][]decisionLeaf
	// unsettled holds the decisions whose domains the bounded work did
	// not finish proving (see settleDecisions): they may hold less than
	// they say, so a gap or an overlap found at one of their values is
	// not claimed.
	unsettled map[string]bool
}

// decisionLeaf is what one way of deciding gives a decision's reads: vals
// by name, where the leaf says a literal (or leaves a default); a name
// missing from vals may hold any value. none is the decision that did not
// fire: fired false, every other read nil.
type decisionLeaf struct {
	vals map[string]value
	// numbers names the reads the leaf gives some number, never nil: an
	// urgency or sensitivity that is not a literal, an aggregate.
	numbers map[string]bool
	none    bool
}

// number marks read name as some number in the leaf.
func (l *decisionLeaf) number(name string) {
	if l.numbers == nil {
		l.numbers = map[string]bool{}
	}
	l.numbers[name] = true
}

// value is what the leaf gives read name, and false when it may be any.
func (l *decisionLeaf) value(name string) (value, bool) {
	switch {
	case l.none && name == "fired":
		return boolValue(false), true
	case l.none:
		return nilValue, true
	}
	v, ok := l.vals[name]
	return v, ok
}

// newDomains is the domains of no decision yet.
func newDomains() decisionDomains {
	return decisionDomains{reads: map[string][]value{}, leaves: map[string][]decisionLeaf{}, unsettled: map[string]bool{}}
}

// readDecision works out the domain of decision r into out: the values
// its leaves say, but for the branches and rows p proves never decide
// (what they say no read can hold), and none at all where p proves its
// when never holds.
func readDecision(r *Rule, consts map[string]constant, p proofs, out decisionDomains) {
	if r.ID == "" || out.reads[r.ID+".fired"] != nil {
		return // no id, or a duplicate the compiler refuses
	}
	miss := mayMiss(r, p)
	ls := leaves(r, p)
	aggregated := aggregatedName(r)
	if aggregated != "" && len(ls) > 0 {
		// A collect table with an aggregator decides once, with its
		// own block: its type, its urgency and sensitivity, its
		// outputs, and the aggregate computed over the rows that
		// match (any number: the rows' values vary).
		ls = [][]*Block{{&r.Body}}
	}
	// A decision none of whose ways decides (every row of an any
	// table conflicting, every row of a unique one overlapping) never
	// fires: it fails, or, where it may miss, does not fire.
	fired := []value{}
	if len(ls) > 0 {
		fired = append(fired, boolValue(true))
	}
	if miss {
		fired = append(fired, boolValue(false))
	}
	out.reads[r.ID+".fired"] = fired
	if aggregated == "" && r.Table && multiHit(r.Hit) {
		return // several rows decide: only fired can be read
	}
	if len(ls) == 0 {
		// Its reads hold what not firing gives, nil, or nothing at
		// all: every read fails with the decision.
		none := []value{}
		if miss {
			none = append(none, nilValue)
		}
		for name := range outputNames(r) {
			out.reads[r.ID+"."+name] = none
		}
		for _, name := range []string{"type", "urgency", "sensitivity", aggregated} {
			if name != "" {
				out.reads[r.ID+"."+name] = none
			}
		}
		if miss {
			out.leaves[r.ID] = []decisionLeaf{{none: true}}
		} else {
			out.leaves[r.ID] = []decisionLeaf{}
		}
		return
	}
	d := &domain{consts: consts, vals: map[string]*valueSet{}}
	for _, l := range ls {
		d.leaf(l)
	}
	d.finish()
	if aggregated != "" {
		d.set(aggregated).open = true
		for k := range d.byLeaf {
			delete(d.byLeaf[k].vals, aggregated)
			d.byLeaf[k].number(aggregated)
		}
	}
	// An output only leaves in never say is nil wherever the
	// decision decides (without the entry its read was a free
	// field, any value at all).
	for name := range outputNames(r) {
		if d.vals[name] == nil {
			d.set(name).add(nilValue)
			for k := range d.byLeaf {
				d.byLeaf[k].vals[name] = nilValue
			}
		}
	}
	for name, set := range d.vals {
		if set.open {
			continue
		}
		vs := set.list
		if miss && !set.hasNil {
			vs = append(vs, nilValue)
		}
		out.reads[r.ID+"."+name] = vs
	}
	if miss {
		d.byLeaf = append(d.byLeaf, decisionLeaf{none: true})
	}
	out.leaves[r.ID] = d.byLeaf
}

// aggregatedName is the read that holds a collect table's aggregate:
// the output it aggregates, "count" for count; "" for any other decision.
func aggregatedName(r *Rule) string {
	switch {
	case !r.Table || r.Hit != "collect" || r.Aggregate == "":
		return ""
	case r.Aggregate == "count":
		return "count"
	}
	return r.AggregateOf
}

// outputNames lists the names of the outputs any block of r says.
func outputNames(r *Rule) map[string]bool {
	out := map[string]bool{}
	for _, chain := range leaves(r, proofs{}) {
		for _, b := range chain {
			for _, o := range b.Outputs {
				out[o.Name] = true
			}
		}
	}
	return out
}

// mayMiss reports whether the decision may take no decision: it has a
// when, or it is a table without a row that matches every input, which p
// does not prove closed.
func mayMiss(r *Rule, p proofs) bool {
	if r.Body.When != nil && !p.holds[r] {
		return true
	}
	if !r.Table || p.closed[r] {
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
// rows; none under a branch or at a row p proves never decides, and no
// fall-through of a level p proves closed.
func leaves(r *Rule, p proofs) [][]*Block {
	if p.never[r] {
		return nil // its when holds for no input
	}
	if r.Table {
		out := make([][]*Block, 0, len(r.Rows))
		for _, row := range r.Rows {
			if !p.never[row] {
				out = append(out, []*Block{&r.Body, &row.Out})
			}
		}
		return out
	}
	var out [][]*Block
	var walk func(chain []*Block, bs []*Branch, level any)
	walk = func(chain []*Block, bs []*Branch, level any) {
		if !hasElse(bs) && (len(bs) == 0 || !p.closed[level]) {
			out = append(out, chain)
		}
		for _, b := range bs {
			if !p.never[b] {
				walk(append(chain[:len(chain):len(chain)], &b.Body), b.Body.Branches, b)
			}
		}
	}
	walk([]*Block{&r.Body}, r.Body.Branches, r)
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
	byLeaf []decisionLeaf       // what each leaf gives, together
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
		if b.Type != nil && b.Type.Value != "" { // type "" says none: the compiler keeps the one around it
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
	l := decisionLeaf{vals: map[string]value{"fired": boolValue(true)}}
	give := func(name string, v value) {
		d.set(name).add(v)
		l.vals[name] = v
	}
	if typ != nil {
		give("type", stringValue(typ.Value))
	} else {
		give("type", stringValue(""))
	}
	for name, st := range map[string]*Stmt{"urgency": urgency, "sensitivity": sensitivity} {
		if st == nil {
			give(name, numberValue(0))
			continue
		}
		v, ok := d.literal(st.Expr.Src)
		if !ok || v.kind != kindNumber {
			d.set(name).open = true
			l.number(name) // a float64 in [0,1] wherever the decision decides
			continue
		}
		// As compiled: a literal outside [0,1] fails the file or, with
		// clamped outputs, is clamped, so the value read is in [0,1].
		give(name, numberValue(clamp01(v.num)))
	}
	for name, o := range outs {
		if v, ok := d.expr(name, o.Value.Src); ok {
			l.vals[name] = v
		}
	}
	d.said = append(d.said, outs)
	d.byLeaf = append(d.byLeaf, l)
}

// finish adds nil to each output some leaves say and others do not: a
// leaf that does not say it gives nil.
func (d *domain) finish() {
	for name := range d.vals {
		if name == "type" || name == "urgency" || name == "sensitivity" {
			continue
		}
		for k, outs := range d.said {
			if _, ok := outs[name]; !ok {
				d.set(name).add(nilValue)
				d.byLeaf[k].vals[name] = nilValue
			}
		}
	}
}

// expr adds the value of a statement, src, to name's values, and returns
// it when it is a literal.
func (d *domain) expr(name, src string) (value, bool) {
	v, ok := d.literal(src)
	if !ok {
		d.set(name).open = true
		return value{}, false
	}
	d.set(name).add(v)
	return v, true
}

// literal reads src as a literal that compares exactly.
func (d *domain) literal(src string) (value, bool) {
	tree, err := parser.Parse(src)
	if err != nil {
		return value{}, false
	}
	v, exact, ok := literalNode(tree.Node, d.consts, nil)
	return v, ok && exact
}
