package dsl

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"
	"unsafe"
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
	budget  uint
	clamp   bool
	runners sync.Pool
	// whens decides the conditions of the enabled rules that have one, in
	// rule order, in one program run; see fastpath.go.
	whens *batch
	// guards are the leading conjuncts several native conditions share.
	guards []nativeCond
	// memoSlots is how many date calls its closures memoize.
	memoSlots int
}

// cRule is a compiled rule or decision table.
type cRule struct {
	id       string
	table    bool
	enabled  bool
	tags     []string
	owner    string
	when     *program   // nil: always
	native   nativeCond // when as closures, if it can be; see native.go
	guard    int        // index of its shared leading guard, or -1; see native_guard.go
	lets     []cBinding
	reads    []cBinding // fields the condition reads, for evidence
	base     outputs
	branches []*cBranch
	tbl      *cTable
	leaf     *leaf // the decision of a plain rule
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
}

type cRow struct {
	label    string
	cells    []cellTest
	out      outputs
	priority float64
	leaf     *leaf
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
func (rs *RuleSet[Env]) Name() string { return rs.name }

// Version is the rule set's version number, from its header.
func (rs *RuleSet[Env]) Version() int { return rs.version }

// Eval evaluates every enabled rule over env at time now and returns the
// hits in rule-file order (rows of a collect table in row order).
//
// A rule that fails does not stop the others: Eval returns the hits of the
// rules that could be decided, and an error joining one *[Error] per failed
// rule, each naming its rule.
func (rs *RuleSet[Env]) Eval(env Env, now time.Time) ([]Hit, error) {
	return rs.AppendEval(nil, env, now)
}

// AppendEval is [RuleSet.Eval] appending to dst, for callers that reuse a
// slice across evaluations.
func (rs *RuleSet[Env]) AppendEval(dst []Hit, env Env, now time.Time) ([]Hit, error) {
	r := rs.runners.Get().(*runner[Env])
	defer func() {
		r.release()
		rs.runners.Put(r)
	}()
	s := &session[Env]{r: r, env: env, fr: r.bind(env, now)}
	nc := s.native()
	var stateBuf [32]guardState
	var states []guardState
	if len(rs.guards) > len(stateBuf) {
		states = make([]guardState, len(rs.guards))
	} else {
		states = stateBuf[:len(rs.guards)]
	}
	// One program decides every condition the closures do not; if any
	// condition fails, each is decided on its own so the failure is charged
	// to its rule alone.
	fired, batchErr := runBatch(s, rs.whens)
	var errs []error
	next := 0 // position of the next batched condition
	for _, rule := range rs.rules {
		if !rule.enabled {
			continue
		}
		on, err := false, error(nil)
		switch {
		case rule.when == nil:
			on = true
		case rule.native != nil && guardFails(nc, rs.guards, states, rule.guard):
			on = false
		case rule.native != nil:
			var decided bool
			if on, decided = rule.native(nc); !decided {
				on, err = decideWhen(s, rule) // expr gives the value or the error
			} else {
				err = guardNaN(s, rule.when, on)
			}
		case batchErr == nil:
			var pre []any
			switch v := fired[next].(type) {
			case bool:
				on = v
			case []any:
				on, pre = true, v
			}
			next++
			if err = guardNaN(s, rule.when, on); err == nil && on {
				dst, err = fire(s, rule, dst, rs.clamp, pre)
			}
			if err != nil {
				errs = append(errs, err)
			}
			continue
		default:
			on, err = decideWhen(s, rule)
		}
		if err == nil && on {
			dst, err = fire(s, rule, dst, rs.clamp, nil)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return dst, errors.Join(errs...)
}

func decideWhen[Env any](s *session[Env], rule *cRule) (bool, error) {
	if rule.when == nil {
		return true, nil
	}
	return s.bool(rule.when)
}

// guardNaN applies the NaN guard to a condition decided in the batch.
func guardNaN[Env any](s *session[Env], p *program, on bool) error {
	if !on || p == nil || len(p.c.floats) == 0 {
		return nil
	}
	if name, bad := nanField(unsafe.Pointer(&s.env), p.c.floats); bad {
		return p.errorf(ErrNaN, "%s is NaN, so the condition cannot be decided", name)
	}
	return nil
}

// fire decides which branch or row of a rule whose condition holds is
// taken, and appends its hits.
// pre holds the plain rule's part values when the conditions batch
// computed them.
func fire[Env any](s *session[Env], rule *cRule, dst []Hit, clamp bool, pre []any) ([]Hit, error) {
	if rule.tbl != nil {
		return fireTable(s, rule, dst, clamp)
	}
	if len(rule.branches) == 0 {
		return appendHit(s, rule, dst, rule.leaf, clamp, pre)
	}
	// When no branch holds, the rule itself is the decision, as a branch
	// none of whose nested branches holds is: branches refine a rule.
	b, err := selectBranch(s, rule.branches)
	if err != nil {
		return dst, err
	}
	if b == nil {
		return appendHit(s, rule, dst, rule.leaf, clamp, nil)
	}
	return appendHit(s, rule, dst, b.leaf, clamp, nil)
}

// selectBranch takes the first branch whose condition holds (an else
// always holds), then descends into its nested branches the same way. A
// branch none of whose nested branches holds is itself the decision; nil
// means no branch holds.
func selectBranch[Env any](s *session[Env], branches []*cBranch) (*cBranch, error) {
	for _, b := range branches {
		if b.cond != nil {
			on, err := s.bool(b.cond)
			if err != nil {
				return nil, err
			}
			if !on {
				continue
			}
		}
		inner, err := selectBranch(s, b.children)
		if err != nil {
			return nil, err
		}
		if inner != nil {
			return inner, nil
		}
		return b, nil
	}
	return nil, nil
}

func fireTable[Env any](s *session[Env], rule *cRule, dst []Hit, clamp bool) ([]Hit, error) {
	t := rule.tbl
	vals := make([]any, len(t.inputs))
	for i, in := range t.inputs {
		v, err := s.run(in)
		if err != nil {
			return dst, err
		}
		vals[i] = v
	}
	chosen := -1
	for ri := range t.rows {
		row := &t.rows[ri]
		ok, err := row.matches(rule.id, vals)
		if err != nil || !ok {
			if err != nil {
				return dst, err
			}
			continue
		}
		switch t.policy {
		case HitFirst:
			return appendHit(s, rule, dst, row.leaf, clamp, nil)
		case HitCollect:
			if dst, err = appendHit(s, rule, dst, row.leaf, clamp, nil); err != nil {
				return dst, err
			}
		case HitUnique:
			if chosen >= 0 {
				return dst, &Error{RuleID: rule.id, Kind: KindEval,
					Msg: fmt.Sprintf("hit policy unique: %s and %s both match", t.rows[chosen].label, row.label)}
			}
			chosen = ri
		case HitPriority:
			if chosen < 0 || row.priority > t.rows[chosen].priority {
				chosen = ri
			}
		}
	}
	if chosen >= 0 {
		return appendHit(s, rule, dst, t.rows[chosen].leaf, clamp, nil)
	}
	return dst, nil
}

func (row *cRow) matches(ruleID string, vals []any) (bool, error) {
	for ci := range row.cells {
		ok, err := row.cells[ci].match(vals[ci])
		if err != nil {
			return false, &Error{RuleID: ruleID, Kind: KindEval, Err: err,
				Msg: fmt.Sprintf("%s, column %d: %v", row.label, ci+1, err)}
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

// leaf is a decision a rule can take (the rule itself, a branch, a row)
// with its outputs resolved at compile time: the innermost level that sets
// an output wins. parts lists every program the hit needs, in the order
// urgency, sensitivity, title parts, message parts, named outputs, lets,
// reads; batch computes them all in one run.
type leaf struct {
	path        string
	typ         string
	title       *template
	message     *template
	urgency     *program
	sensitivity *program
	named       []cBinding
	parts       []*program
	batch       *batch
	native      []nativeValue // parts as closures, if all can be; see native_values.go
}

// newLeaf resolves the outputs of a decision from its chain of levels,
// outermost first.
func newLeaf(path string, rule *cRule, chain ...*outputs) *leaf {
	l := &leaf{path: path}
	index := map[string]int{}
	for _, o := range chain {
		l.typ = cmpOr(o.typ, l.typ)
		l.title, l.message = tmplOr(o.title, l.title), tmplOr(o.message, l.message)
		l.urgency, l.sensitivity = progOr(o.urgency, l.urgency), progOr(o.sensitivity, l.sensitivity)
		for _, n := range o.named {
			if i, ok := index[n.name]; ok {
				l.named[i] = n
				continue
			}
			index[n.name] = len(l.named)
			l.named = append(l.named, n)
		}
	}
	l.eachPart(rule, func(p *program) { l.parts = append(l.parts, p) })
	return l
}

// eachPart calls f for the leaf's programs in parts order.
func (l *leaf) eachPart(rule *cRule, f func(*program)) {
	for _, p := range []*program{l.urgency, l.sensitivity} {
		if p != nil {
			f(p)
		}
	}
	for _, t := range []*template{l.title, l.message} {
		if t == nil {
			continue
		}
		for _, part := range t.parts {
			if part.p != nil {
				f(part.p)
			}
		}
	}
	for _, group := range [][]cBinding{l.named, rule.lets, rule.reads} {
		for _, b := range group {
			f(b.p)
		}
	}
}

// values gives the leaf's part values in parts order: from one batch run
// when it succeeds, else part by part. A failing evidence part does not
// fail the hit (its value is nil); any other failing part does.
type values[Env any] struct {
	s    *session[Env]
	vals []any
	next int
}

func (v *values[Env]) get(p *program) (any, error) {
	i := v.next
	v.next++
	if v.vals != nil {
		return v.s.check(p, v.vals[i])
	}
	return v.s.run(p)
}

// appendHit evaluates the outputs and evidence of a decision and appends
// the hit.
func appendHit[Env any](s *session[Env], rule *cRule, dst []Hit, l *leaf, clamp bool, vals []any) ([]Hit, error) {
	if len(vals) != len(l.parts) {
		if vals = nativeValues(s.native(), l.native, &s.r.values); vals == nil {
			vals, _ = runBatch(s, l.batch)
		}
	}
	v := &values[Env]{s: s, vals: vals}
	h := Hit{Rule: rule.id, Type: l.typ, Path: l.path, Owner: rule.owner}
	if len(rule.tags) > 0 {
		h.Tags = append([]string(nil), rule.tags...)
	}
	var err error
	if h.Urgency, err = unitOutput(v, "urgency", l.urgency, clamp); err != nil {
		return dst, err
	}
	if h.Sensitivity, err = unitOutput(v, "sensitivity", l.sensitivity, clamp); err != nil {
		return dst, err
	}
	if h.Title, err = render(v, l.title); err != nil {
		return dst, err
	}
	if h.Message, err = render(v, l.message); err != nil {
		return dst, err
	}
	for _, n := range l.named {
		out, err := v.get(n.p)
		if err != nil {
			return dst, err
		}
		if h.Outputs == nil {
			h.Outputs = make(map[string]any, len(l.named))
		}
		h.Outputs[n.name] = out
	}
	h.Evidence = evidence(v, rule)
	return append(dst, h), nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func tmplOr(a, b *template) *template {
	if a != nil {
		return a
	}
	return b
}

func progOr(a, b *program) *program {
	if a != nil {
		return a
	}
	return b
}

// unitOutput evaluates urgency or sensitivity, which must lie in [0,1]:
// outside it is an error, or clamped when the rule set was compiled with
// [WithClampedOutputs]. A rule that does not say is 0.
func unitOutput[Env any](v *values[Env], name string, p *program, clamp bool) (float64, error) {
	if p == nil {
		return 0, nil
	}
	out, err := v.get(p)
	if err != nil {
		return 0, err
	}
	f, ok := toFloat(out)
	if !ok {
		return 0, p.errorf(nil, "%s is %T, want a number", name, out)
	}
	if f >= 0 && f <= 1 {
		return f, nil
	}
	if clamp && !math.IsNaN(f) {
		return min(max(f, 0), 1), nil
	}
	return 0, p.errorf(nil, "%s is %v, outside [0,1]", name, f)
}

func render[Env any](v *values[Env], t *template) (string, error) {
	if t == nil {
		return "", nil
	}
	if len(t.parts) == 1 && t.parts[0].p == nil {
		return t.parts[0].text, nil
	}
	var b strings.Builder
	for _, part := range t.parts {
		if part.p == nil {
			b.WriteString(part.text)
			continue
		}
		out, err := v.get(part.p)
		if err != nil {
			return "", err
		}
		b.WriteString(formatTemplateValue(out))
	}
	return b.String(), nil
}

// evidence reads the rule's lets and the fields its condition reads. A
// value that cannot be computed (a let behind a guard the decision did not
// need) is reported as nil rather than failing the hit.
func evidence[Env any](v *values[Env], rule *cRule) []Binding {
	if len(rule.lets)+len(rule.reads) == 0 {
		return nil
	}
	out := make([]Binding, 0, len(rule.lets)+len(rule.reads))
	for _, group := range [][]cBinding{rule.lets, rule.reads} {
		for _, b := range group {
			val, err := v.get(b.p)
			if err != nil {
				val = nil
			}
			out = append(out, Binding{Name: b.name, Value: val})
		}
	}
	return out
}

// Rules describes the rule set's rules in file order.
func (rs *RuleSet[Env]) Rules() []RuleInfo {
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
	// ones as "branch 1/2") or rows; empty for a plain rule.
	Paths []string `json:"paths,omitempty"`
}

func (r *cRule) info() RuleInfo {
	reads := map[string]bool{}
	r.eachProgram(func(p *program) {
		for _, f := range p.c.reads {
			reads[f] = true
		}
	})
	info := RuleInfo{ID: r.id, Table: r.table, Type: r.base.typ, Enabled: r.enabled,
		Tags: append([]string(nil), r.tags...), Owner: r.owner, Reads: sortedKeys(reads)}
	var walk func(bs []*cBranch, prefix string)
	walk = func(bs []*cBranch, prefix string) {
		for _, b := range bs {
			info.Paths = append(info.Paths, prefix+b.label)
			walk(b.children, prefix+b.label+"/")
		}
	}
	walk(r.branches, "")
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
