package dsl

import (
	"sort"
	"sync"

	"github.com/engagekit/engagekit/dsl/rulefile"
)

// RuleSet is a compiled rule file over environment type Env: its rules,
// decision trees and decision tables, ready to evaluate. It is immutable and
// safe for concurrent use by multiple goroutines.
type RuleSet[Env any] struct {
	name    string
	version int
	rules   []*cRule
	byID    map[string]*cRule
	layout  frameLayout
	limits  Limits
	clamp   bool
	runners sync.Pool
	// guards are the conjuncts of the native conditions' chains of ands,
	// each decided once per evaluation (native_guard.go).
	guards []nativeCond
	// memoSlots is how many date calls its closures memoize.
	memoSlots int
	// slots is how many decisions other rules read: an evaluation keeps
	// each one's result in its memo (decisions.go).
	slots int
}

// cRule is a compiled rule or decision table.
type cRule struct {
	id       string
	table    bool
	enabled  bool
	tags     []string
	owner    string
	when     *program   // nil: always
	guards   ruleGuards // its condition's conjuncts as shared guards; see native_guard.go
	lets     []cBinding
	reads    []cBinding // fields the condition reads, for evidence
	base     outputs
	branches []*cBranch
	tbl      *cTable
	leaf     *leaf // the decision of a plain rule
	// silent marks a decision that only feeds others (emit false).
	silent bool
	// slot is the decision's place in an evaluation's memo when other
	// rules read it, else -1; uses are the decisions it reads directly
	// (decisions.go).
	slot int
	uses []*decisionUse
}

type cBinding struct {
	name string
	p    *program
}

// outputs are what a rule, a branch or a row says when it is the decision.
// Nil fields inherit from the enclosing level.
type outputs struct {
	typ         string
	title       *template
	message     *template
	urgency     *program
	sensitivity *program
	named       []cBinding
}

type cBranch struct {
	label    string
	cond     *program // nil: else
	out      outputs
	children []*cBranch
	leaf     *leaf
}

type cTable struct {
	policy HitPolicy
	inputs []*program
	rows   []cRow
	// agg is a collect table's aggregator ("sum", "min", "max",
	// "count"; empty for none) and aggOf the output it aggregates;
	// aggLeaf is the table's own decision, which carries the result.
	agg     string
	aggOf   string
	aggLeaf *leaf
	// order ranks rows by the value of output orderOf (its type, or a
	// named output), highest priority first; nil: by row priority.
	orderOf string
	order   []any
	// pos is the table's place in the source, for its errors.
	pos rulefile.Pos
}

type cRow struct {
	label string
	// pos and cellPos place the row and its cells, for their errors.
	pos      rulefile.Pos
	cellPos  []rulefile.Pos
	cells    []cellTest
	out      outputs
	priority float64
	// ranked says the row's rank is known at compile time (its priority,
	// or its type's place in the table's order).
	ranked bool
	leaf   *leaf
}

// template is a title or message: literal text and interpolated
// expressions.
type template struct {
	parts []templatePart
}

type templatePart struct {
	text string
	p    *program
}

// Name and Version identify the rule set, from its header.
func (rs *RuleSet[Env]) Name() string {
	if rs == nil {
		return ""
	}
	return rs.name
}

// Version is the rule set's version number, from its header.
func (rs *RuleSet[Env]) Version() int {
	if rs == nil {
		return 0
	}
	return rs.version
}

// compiled reports whether Compile made rs: a zero RuleSet has no rules
// table nor runners, and evaluates to [ErrNotCompiled].
func (rs *RuleSet[Env]) compiled() bool { return rs != nil && rs.byID != nil }

// Rules describes the rule set's rules in file order.
func (rs *RuleSet[Env]) Rules() []RuleInfo {
	if rs == nil {
		return nil
	}
	out := make([]RuleInfo, len(rs.rules))
	for i, r := range rs.rules {
		out[i] = r.info()
	}
	return out
}

// RuleInfo describes one compiled rule or table.
type RuleInfo struct {
	ID      string   `json:"id"`
	Table   bool     `json:"table,omitempty"`
	Type    string   `json:"type,omitempty"`
	Enabled bool     `json:"enabled"`
	Tags    []string `json:"tags,omitempty"`
	Owner   string   `json:"owner,omitempty"`
	// Reads lists the environment fields the rule reads anywhere, sorted.
	Reads []string `json:"reads"`
	// Paths lists every decision the rule can take: its branches (nested
	// ones as "branch 1/branch 2") or rows; empty for a plain rule.
	Paths []string `json:"paths,omitempty"`
	// Decisions lists the rules and tables whose results the rule reads
	// (`risk_band.band`), sorted.
	Decisions []string `json:"decisions,omitempty"`
	// Silent is true for a decision that only feeds the rules that read it
	// (emit false): Eval never returns its hits.
	Silent bool `json:"silent,omitempty"`
}

func (r *cRule) info() RuleInfo {
	reads := map[string]bool{}
	r.eachProgram(func(p *program) {
		for _, f := range p.c.reads {
			reads[f] = true
		}
	})
	info := RuleInfo{ID: r.id, Table: r.table, Type: r.base.typ, Enabled: r.enabled,
		Tags: append([]string(nil), r.tags...), Owner: r.owner, Reads: sortedKeys(reads), Silent: r.silent}
	for _, u := range r.uses {
		info.Decisions = append(info.Decisions, u.rule.id)
	}
	sort.Strings(info.Decisions)
	var walk func(bs []*cBranch)
	walk = func(bs []*cBranch) {
		for _, b := range bs {
			info.Paths = append(info.Paths, b.label) // a branch's label is its whole path, as its hits say
			walk(b.children)
		}
	}
	walk(r.branches)
	if r.tbl != nil {
		for _, row := range r.tbl.rows {
			info.Paths = append(info.Paths, row.label)
		}
	}
	return info
}

// eachProgram calls f for every program of the rule.
func (r *cRule) eachProgram(f func(*program)) {
	visit := func(p *program) {
		if p != nil {
			f(p)
		}
	}
	visitOut := func(o *outputs) {
		visit(o.urgency)
		visit(o.sensitivity)
		for _, t := range []*template{o.title, o.message} {
			if t != nil {
				for _, part := range t.parts {
					visit(part.p)
				}
			}
		}
		for _, n := range o.named {
			visit(n.p)
		}
	}
	visit(r.when)
	for _, l := range r.lets {
		visit(l.p)
	}
	visitOut(&r.base)
	var walk func([]*cBranch)
	walk = func(bs []*cBranch) {
		for _, b := range bs {
			visit(b.cond)
			visitOut(&b.out)
			walk(b.children)
		}
	}
	walk(r.branches)
	if r.tbl != nil {
		for _, in := range r.tbl.inputs {
			visit(in)
		}
		for i := range r.tbl.rows {
			visitOut(&r.tbl.rows[i].out)
		}
	}
}
