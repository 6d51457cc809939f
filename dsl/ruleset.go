package dsl

import (
	"errors"
	"fmt"
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
	// whens evaluates every enabled rule's condition in one program run;
	// see fastpath.go.
	whens *whenBatch
}

// cRule is a compiled rule or decision table.
type cRule struct {
	id       string
	table    bool
	enabled  bool
	tags     []string
	owner    string
	when     *program // nil: always
	lets     []cBinding
	reads    []cBinding // fields the condition reads, for evidence
	base     outputs
	branches []*cBranch
	tbl      *cTable
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
	// One program decides every condition; if any condition fails, each is
	// decided on its own so the failure is charged to its rule alone.
	fired, batchErr := runWhens(s, rs.whens)
	var errs []error
	for i, rule := range rs.rules {
		if !rule.enabled {
			continue
		}
		on, err := false, error(nil)
		switch {
		case rule.when == nil:
			on = true
		case batchErr == nil:
			on, err = fired[i], guardNaN(s, rule.when, fired[i])
		default:
			on, err = decideWhen(s, rule)
		}
		if err == nil && on {
			dst, err = fire(s, rule, dst, rs.clamp)
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
func fire[Env any](s *session[Env], rule *cRule, dst []Hit, clamp bool) ([]Hit, error) {
	if rule.tbl != nil {
		return fireTable(s, rule, dst, clamp)
	}
	chain := []*outputs{&rule.base}
	path := ""
	if len(rule.branches) > 0 {
		labels, outs, ok, err := selectBranch(s, rule.branches)
		if err != nil || !ok {
			return dst, err
		}
		path = strings.Join(labels, "/")
		chain = append(chain, outs...)
	}
	return appendHit(s, rule, dst, path, chain, clamp)
}

// selectBranch takes the first branch whose condition holds (an else
// always holds), then descends into its nested branches the same way. A
// branch none of whose nested branches holds is itself the decision.
func selectBranch[Env any](s *session[Env], branches []*cBranch) ([]string, []*outputs, bool, error) {
	for _, b := range branches {
		if b.cond != nil {
			on, err := s.bool(b.cond)
			if err != nil {
				return nil, nil, false, err
			}
			if !on {
				continue
			}
		}
		labels, outs, _, err := selectBranch(s, b.children)
		if err != nil {
			return nil, nil, false, err
		}
		return append([]string{b.label}, labels...), append([]*outputs{&b.out}, outs...), true, nil
	}
	return nil, nil, false, nil
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
			return appendHit(s, rule, dst, row.label, []*outputs{&rule.base, &row.out}, clamp)
		case HitCollect:
			if dst, err = appendHit(s, rule, dst, row.label, []*outputs{&rule.base, &row.out}, clamp); err != nil {
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
		row := &t.rows[chosen]
		return appendHit(s, rule, dst, row.label, []*outputs{&rule.base, &row.out}, clamp)
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

// appendHit evaluates the outputs of the decision (the innermost level that
// sets each output wins) and appends the hit with its evidence.
func appendHit[Env any](s *session[Env], rule *cRule, dst []Hit, path string, chain []*outputs, clamp bool) ([]Hit, error) {
	h := Hit{Rule: rule.id, Path: path, Owner: rule.owner}
	if len(rule.tags) > 0 {
		h.Tags = append([]string(nil), rule.tags...)
	}
	var title, message *template
	var urgency, sensitivity *program
	for _, o := range chain {
		h.Type = cmpOr(o.typ, h.Type)
		title, message = tmplOr(o.title, title), tmplOr(o.message, message)
		urgency, sensitivity = progOr(o.urgency, urgency), progOr(o.sensitivity, sensitivity)
	}
	var err error
	if h.Urgency, err = unitOutput(s, rule.id, "urgency", urgency, clamp); err != nil {
		return dst, err
	}
	if h.Sensitivity, err = unitOutput(s, rule.id, "sensitivity", sensitivity, clamp); err != nil {
		return dst, err
	}
	if h.Title, err = render(s, title); err != nil {
		return dst, err
	}
	if h.Message, err = render(s, message); err != nil {
		return dst, err
	}
	if h.Outputs, err = namedOutputs(s, chain); err != nil {
		return dst, err
	}
	h.Evidence = evidence(s, rule)
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
func unitOutput[Env any](s *session[Env], ruleID, name string, p *program, clamp bool) (float64, error) {
	if p == nil {
		return 0, nil
	}
	v, err := s.float(p)
	if err != nil {
		return 0, err
	}
	if v >= 0 && v <= 1 {
		return v, nil
	}
	if clamp {
		return min(max(v, 0), 1), nil
	}
	return 0, p.errorf(nil, "%s is %v, outside [0,1]", name, v)
}

func render[Env any](s *session[Env], t *template) (string, error) {
	if t == nil {
		return "", nil
	}
	var b strings.Builder
	for _, part := range t.parts {
		if part.p == nil {
			b.WriteString(part.text)
			continue
		}
		v, err := s.run(part.p)
		if err != nil {
			return "", err
		}
		b.WriteString(formatTemplateValue(v))
	}
	return b.String(), nil
}

func namedOutputs[Env any](s *session[Env], chain []*outputs) (map[string]any, error) {
	var out map[string]any
	for _, o := range chain {
		for _, n := range o.named {
			v, err := s.run(n.p)
			if err != nil {
				return nil, err
			}
			if out == nil {
				out = map[string]any{}
			}
			out[n.name] = v
		}
	}
	return out, nil
}

// evidence evaluates the rule's lets and the fields its condition reads. A
// value that cannot be computed (a let behind a guard that did not need it)
// is reported as nil rather than failing the hit.
func evidence[Env any](s *session[Env], rule *cRule) []Binding {
	if len(rule.lets)+len(rule.reads) == 0 {
		return nil
	}
	out := make([]Binding, 0, len(rule.lets)+len(rule.reads))
	for _, group := range [][]cBinding{rule.lets, rule.reads} {
		for _, b := range group {
			v, err := s.run(b.p)
			if err != nil {
				v = nil
			}
			out = append(out, Binding{Name: b.name, Value: v})
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
