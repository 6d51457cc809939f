package dsl

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"

	"github.com/engagekit/engagekit/dsl/rulefile"
	"github.com/expr-lang/expr/ast"
)

// Named decisions. A rule or table of a rule file is also a decision that
// the other rules and tables of the file can read: `risk_band.band` is the
// output band of the decision table risk_band, `risk_band.fired` whether
// it decided anything. The parts:
//
//   - compile (this file): a read is resolved by the rewriter (rewrite.go),
//     which asks the builder about the name. The builder compiles the
//     decision read first, if it has not yet, so a reader is type-checked
//     against the static types of the decision's outputs; a read of a
//     decision whose compile is under way is a cycle. The read becomes a
//     call of the internal function __decision, typed by the output.
//   - plan: each decision read by another has a slot in an evaluation's
//     memo, and each rule the list of the decisions it needs, transitively,
//     in dependency order.
//   - evaluation (ruleset_eval.go): before a rule is decided, the decisions
//     it needs are, each once an evaluation, through RuleSet.decide like
//     any rule; __decision then reads the memo. Eval and Explain share
//     this path.

// Names of the internal functions of decision reads. A rule cannot name
// them: names starting with __ are reserved.
const (
	// __decision(__gov, slot, name, (*T)(nil)) is the value name of the
	// decision in memo slot slot; T is its static type.
	decisionFunc = "__decision"
	// __decided(x) is x, or a failure when x is nil (the output of a
	// decision that did not fire) or NaN; instrumentation wraps it around
	// a comparison's operand, as __some around an optional chain.
	decidedFunc = "__decided"
)

var errNilDecision = errors.New("the decision did not fire (or did not say this output), so its output is nil, and a nil decides nothing (test its fired, use ?? to give a default, or compare with nil)")

func init() {
	internalFuncs[decisionFunc] = &hostFunc{name: decisionFunc, arities: []int{4}, validate: validateDecision,
		fn: func(args ...any) (any, error) {
			g, err := govFrom(args[0])
			if err != nil {
				return nil, err
			}
			slot, _ := args[1].(int)
			name, _ := args[2].(string)
			return g.decision(slot, name)
		}}
	internalFuncs[decidedFunc] = &hostFunc{name: decidedFunc, arities: []int{1}, validate: sameType,
		fn: func(args ...any) (any, error) {
			switch {
			case isNil(args[0]):
				// A nil the decision says (a nil pointer output) is
				// checked as one it did not say: by value, as an
				// optional chain's is.
				return nil, errNilDecision
			case isNaN(args[0]):
				return nil, errNaNValue
			}
			return dynamicNumber(args[0])
		}}
}

// validateDecision types a decision read by the pointer type of its last
// argument.
func validateDecision(args []reflect.Type) (reflect.Type, error) {
	if len(args) != 4 {
		return nil, errors.New("dsl: internal error: a decision read takes 4 arguments")
	}
	if t := args[3]; t != nil && t.Kind() == reflect.Pointer {
		return t.Elem(), nil
	}
	return anyType, nil
}

// decisionState is what one evaluation knows of one decision: whether it
// has been decided, whether its condition held, its hits or its error.
type decisionState struct {
	done bool // asked for: being decided, or decided
	// ran says its condition was evaluated (not stopped before by a
	// decision it reads, or by the context): what EvalOptions.Decided
	// reports.
	ran  bool
	on   bool
	hits []Hit
	err  error
}

// decision is the value name of the decision in memo slot slot.
func (g *governor) decision(slot int, name string) (any, error) {
	if slot < 0 || slot >= len(g.decs) || !g.decs[slot].done {
		return nil, errors.New("dsl: internal error: a decision is read before it is decided")
	}
	if err := g.decs[slot].err; err != nil {
		return nil, err // an explanation showing a rule whose decision failed
	}
	return decisionValue(g.decs[slot].hits, name), nil
}

// decisionValue is the value name of a decision that made hits: fired, its
// first hit's type, urgency or sensitivity, or one of its outputs. A
// decision that did not fire, and an output its decision did not say, are
// nil.
func decisionValue(hits []Hit, name string) any {
	if name == "fired" {
		return len(hits) > 0
	}
	if len(hits) == 0 {
		return nil
	}
	h := &hits[0]
	switch name {
	case "type":
		return h.Type
	case "urgency":
		return h.Urgency
	case "sensitivity":
		return h.Sensitivity
	}
	return h.Outputs[name]
}

// decisionResolver is what the rewriter asks about a name that may be a
// decision of the rule file being compiled.
type decisionResolver interface {
	// isDecision reports whether name is the id of a rule or table.
	isDecision(name string) bool
	// read resolves a read of output name of decision id by the rule
	// reader, in its statement stmt at line:col.
	read(reader, id, name, stmt string, line, col int) (decisionRef, *decisionProblem)
	// suggest is the id nearest name, for an unknown name; "" for none.
	suggest(name string) string
	// declares reports whether decision id could be read as id.name: name
	// is one every decision has, or an output its rule file declares.
	declares(id, name string) bool
}

// decisionRef is a resolved read: the decision's memo slot and the static
// type of the value read.
type decisionRef struct {
	slot int
	typ  reflect.Type
}

// decisionProblem is why a read does not compile; quiet when the problem
// is reported elsewhere (the decision's own compile failed).
type decisionProblem struct {
	kind       Kind
	msg        string
	suggestion string
	quiet      bool
}

func problemf(kind Kind, format string, args ...any) *decisionProblem {
	return &decisionProblem{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// decisionUse is a rule's read of a decision: the decision, the names it
// reads, and where it first reads it.
type decisionUse struct {
	rule      *cRule
	names     []string
	stmt      string
	line, col int
}

// declState is the compile of one rule or table of the file: under way
// (busy), or done with its result.
type declState struct {
	rule *cRule
	busy bool
	// bad says the compile failed somewhere: reads of it are not checked
	// (quietly, since the failure is reported).
	bad bool
	// names are the names a reader may read, with their static types.
	names map[string]reflect.Type
}

// compiled returns the compiled rule of decl, compiling it first if no read
// has made the builder compile it yet.
func (b *builder[Env]) compiled(decl *rulefile.Rule) *cRule {
	if st := b.states[decl.ID]; st != nil {
		return st.rule
	}
	return b.compileDecl(decl).rule
}

// compileDecl compiles a rule or table, on the stack of the compiles under
// way, on which a read of a decision already there is a cycle.
func (b *builder[Env]) compileDecl(decl *rulefile.Rule) *declState {
	st := &declState{busy: true}
	b.states[decl.ID] = st
	b.stack = append(b.stack, decl.ID)
	failed, errs := b.failed, len(b.errs)
	st.rule = b.rule(decl)
	st.bad = b.failed > failed || len(b.errs) > errs
	st.busy = false
	b.stack = b.stack[:len(b.stack)-1]
	return st
}

func (b *builder[Env]) isDecision(name string) bool {
	return b.decls[name] != nil && !strings.HasPrefix(name, "__")
}

func (b *builder[Env]) declares(id, name string) bool {
	d := b.decls[id]
	if d == nil {
		return false
	}
	if decisionNames[name] || d.AggregateOf == name {
		return true
	}
	var in func(blk *rulefile.Block) bool
	in = func(blk *rulefile.Block) bool {
		for _, o := range blk.Outputs {
			if o.Name == name {
				return true
			}
		}
		for _, br := range blk.Branches {
			if in(&br.Body) {
				return true
			}
		}
		return false
	}
	if in(&d.Body) {
		return true
	}
	for _, row := range d.Rows {
		if in(&row.Out) {
			return true
		}
	}
	return false
}

// suggest is the id nearest an unknown name, computed once a name: a file
// of thousands of rules with the same typo costs one search.
func (b *builder[Env]) suggest(name string) string {
	if s, ok := b.suggested[name]; ok {
		return s
	}
	if b.ids == nil {
		b.ids = make([]string, 0, len(b.decls))
		for id := range b.decls {
			b.ids = append(b.ids, id)
		}
	}
	if b.suggested == nil {
		b.suggested = map[string]string{}
	}
	s := nearest(name, b.ids)
	b.suggested[name] = s
	return s
}

func (b *builder[Env]) read(reader, id, name, stmt string, line, col int) (decisionRef, *decisionProblem) {
	decl := b.decls[id]
	what := kindName(decl.Table) + " " + id
	if id == reader {
		return decisionRef{}, problemf(KindType, "%s reads itself (%s.%s): a decision cannot read its own result", what, id, name)
	}
	st := b.states[id]
	if st != nil && st.busy {
		return decisionRef{}, problemf(KindType, "%s", b.cycle(reader, id))
	}
	if st == nil {
		st = b.compileDecl(decl)
	}
	if st.bad {
		return decisionRef{}, &decisionProblem{quiet: true}
	}
	if rd := b.decls[reader]; enabledDecl(rd) && !enabledDecl(decl) {
		return decisionRef{}, problemf(KindType, "%s is disabled (enabled false), so %s cannot read it; enable it, or disable the rules that read it", what, reader)
	}
	names := st.readable()
	t, ok := names[name]
	if !ok {
		known := make([]string, 0, len(names))
		for n := range names {
			known = append(known, n)
		}
		sort.Strings(known)
		p := problemf(KindUnknownName, "%s has no output %s; a decision is read as %s", what, name, strings.Join(qualify(id, known), ", "))
		if near := nearest(name, known); near != "" {
			p.suggestion = id + "." + near
		}
		return decisionRef{}, p
	}
	if name != "fired" && st.rule.tbl != nil && multiHit(st.rule.tbl) {
		return decisionRef{}, problemf(KindType, "%s (hit %s) can decide several rows, so only %s.fired can be read; give it a hit policy that decides one row (first, unique, any, priority) or an aggregator",
			what, st.rule.tbl.policy, id)
	}
	b.addUse(reader, st.rule, name, stmt, line, col)
	if st.rule.slot < 0 {
		st.rule.slot = b.slots
		b.slots++
	}
	return decisionRef{slot: st.rule.slot, typ: t}, nil
}

func qualify(id string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = id + "." + n
	}
	return out
}

func enabledDecl(r *rulefile.Rule) bool {
	return r == nil || r.Body.Enabled == nil || r.Body.Enabled.Value
}

// multiHit reports whether a table can decide several rows.
func multiHit(t *cTable) bool {
	return t.agg == "" && (t.policy == HitCollect || t.policy == HitRuleOrder || t.policy == HitOutputOrder)
}

// cycle describes the cycle a read of id by reader closes: the compiles
// under way from id up to reader each read the next.
func (b *builder[Env]) cycle(reader, id string) string {
	k := slices.Index(b.stack, id)
	var s strings.Builder
	fmt.Fprintf(&s, "%s %s reads %s", kindName(b.decls[reader].Table), reader, id)
	for _, next := range b.stack[k+1:] {
		fmt.Fprintf(&s, ", which reads %s", next)
	}
	s.WriteString(": decisions cannot read each other in a cycle")
	return s.String()
}

// addUse records that reader reads name of decision d.
func (b *builder[Env]) addUse(reader string, d *cRule, name, stmt string, line, col int) {
	for _, u := range b.uses[reader] {
		if u.rule == d {
			if !slices.Contains(u.names, name) {
				u.names = append(u.names, name)
			}
			return
		}
	}
	b.uses[reader] = append(b.uses[reader], &decisionUse{rule: d, names: []string{name}, stmt: stmt, line: line, col: col})
}

// readable lists the names a reader may read of the decision, with their
// static types: fired, type, urgency, sensitivity, and its outputs. An
// output its decisions give different types is typed any.
// decisionNames are the names a reader reads of every decision, which no
// output may take.
var decisionNames = map[string]bool{"fired": true, "type": true, "urgency": true, "sensitivity": true}

func (st *declState) readable() map[string]reflect.Type {
	if st.names != nil {
		return st.names
	}
	names := map[string]reflect.Type{"fired": reflect.TypeFor[bool](), "type": reflect.TypeFor[string](),
		"urgency": reflect.TypeFor[float64](), "sensitivity": reflect.TypeFor[float64]()}
	outs := map[string]reflect.Type{}
	merge := func(name string, t reflect.Type) {
		if t == nil {
			t = anyType
		}
		if old, ok := outs[name]; ok && old != t {
			t = anyType
		}
		outs[name] = t
	}
	for _, l := range st.rule.leaves() {
		for _, n := range l.named {
			merge(n.name, n.p.c.tree.Node.Type())
		}
	}
	if t := st.rule.tbl; t != nil && t.agg != "" && t.aggOf != "urgency" && t.aggOf != "sensitivity" {
		outs[t.aggOf] = reflect.TypeFor[float64]()
	}
	for n, t := range outs {
		if _, own := names[n]; !own {
			names[n] = t
		}
	}
	st.names = names
	return names
}

// leaves lists the decisions a rule can take: its own and its branches', or
// a table's rows' (its own, for a table with an aggregator).
func (r *cRule) leaves() []*leaf {
	var out []*leaf
	if r.tbl != nil {
		if r.tbl.aggLeaf != nil {
			return append(out, r.tbl.aggLeaf)
		}
		for i := range r.tbl.rows {
			if l := r.tbl.rows[i].leaf; l != nil {
				out = append(out, l)
			}
		}
		return out
	}
	if r.leaf != nil {
		out = append(out, r.leaf)
	}
	var walk func([]*cBranch)
	walk = func(bs []*cBranch) {
		for _, br := range bs {
			if br.leaf != nil {
				out = append(out, br.leaf)
			}
			walk(br.children)
		}
	}
	walk(r.branches)
	return out
}

// planDecisions gives each rule the decisions it reads and, in dependency
// order, every decision it needs; a decision that says emit false and that
// no rule reads is an error, since it would never be decided.
func (rs *RuleSet[Env]) planDecisions(b *builder[Env]) {
	for _, r := range rs.rules {
		r.uses = b.uses[r.id]
	}
	for _, r := range rs.rules {
		if r.silent && r.slot < 0 {
			b.stmtErrorf(r.id, "emit", b.decls[r.id].Body.Emit.Pos, KindType,
				"%s %s says emit false, but no rule reads it, so it would never be decided", kindName(r.table), r.id)
		}
	}
	rs.slots = b.slots
}

// decision rewrites a read of a decision, root.name, which the member
// chain in slot starts with: the read becomes __decision(__gov, slot,
// name, (*T)(nil)), and the rest of the chain reads on from its value.
func (r *rewriter) decision(slot *ast.Node, root *ast.IdentifierNode, name string) {
	line, col := r.cfg.place(r.src, root.Location().From)
	ref, p := r.cfg.decisions.read(r.cfg.id, root.Value, name, r.cfg.stmt, line, col)
	switch {
	case p != nil && p.quiet:
		r.quiet = true
		return
	case p != nil:
		r.errorf(root, p.kind, p.suggestion, "%s", p.msg)
		return
	}
	target := slot
	for {
		m, ok := (*target).(*ast.MemberNode)
		if !ok {
			return // not a chain: cannot happen, member checked it
		}
		if _, ok := m.Node.(*ast.IdentifierNode); ok {
			break
		}
		target = &m.Node
	}
	// The read's errors point at its start, the decision's id.
	slotNode := &ast.IntegerNode{Value: ref.slot}
	slotNode.SetLocation(root.Location())
	nameNode := &ast.StringNode{Value: name}
	nameNode.SetLocation(root.Location())
	typeNode := &ast.ConstantNode{Value: reflect.Zero(reflect.PointerTo(ref.typ)).Interface()}
	typeNode.SetLocation(root.Location())
	*target = internalCall(decisionFunc, root, govIdent(root), slotNode, nameNode, typeNode)
}

// isDecisionOutput reports whether n reads a decision's value that may be
// nil: anything but fired.
func isDecisionOutput(n ast.Node) bool {
	c, ok := n.(*ast.CallNode)
	if !ok || len(c.Arguments) != 4 {
		return false
	}
	if id, ok := c.Callee.(*ast.IdentifierNode); !ok || id.Value != decisionFunc {
		return false
	}
	s, ok := c.Arguments[2].(*ast.StringNode)
	return !ok || s.Value != "fired"
}

// readError is the error of a rule whose decision use.rule failed: the
// reader fails too, at the place it reads the decision, with the
// decision's error as its cause.
func readError(reader *cRule, use *decisionUse, err error) error {
	msg := err.Error()
	var de *Error
	if errors.As(err, &de) {
		msg = de.Msg
	}
	return &Error{RuleID: reader.id, Statement: use.stmt, Line: use.line, Column: use.col, Kind: errorKind(err), Err: err,
		Msg: fmt.Sprintf("%s %s, which it reads, failed: %s", kindName(use.rule.table), use.rule.id, msg)}
}

// resolve decides, once an evaluation each, the decisions rule needs, in
// dependency order (each decision's own reads first, depth first), and
// returns the error of the first decision it reads that failed. It walks
// the direct reads only, each decided once (see memo): a rule does not
// keep the closure of what it needs, which for a chain of n decisions
// would be n² entries to keep and to walk every evaluation.
func (rs *RuleSet[Env]) resolve(s *session[Env], rule *cRule) error {
	for _, u := range rule.uses {
		rs.memo(s, u.rule)
	}
	return usesError(s, rule)
}

// usesError is the error of the first decision rule reads that failed;
// they must have been decided.
func usesError[Env any](s *session[Env], rule *cRule) error {
	for _, u := range rule.uses {
		if err := s.r.gov.decs[u.rule.slot].err; err != nil {
			return readError(rule, u, err)
		}
	}
	return nil
}

// memo decides a decision others read, the first time it is asked in an
// evaluation, as Eval decides any rule: the decisions it reads first. Its
// hits are kept apart: Eval appends them where the decision stands in the
// file, if it emits them. The compile refuses cycles, so the recursion
// ends.
func (rs *RuleSet[Env]) memo(s *session[Env], d *cRule) *decisionState {
	st := &s.r.gov.decs[d.slot]
	if st.done {
		return st
	}
	st.done = true
	for _, u := range d.uses {
		rs.memo(s, u.rule)
	}
	if st.err = usesError(s, d); st.err != nil {
		return st
	}
	if err := s.r.gov.interrupted(); err != nil {
		st.err = d.fail(err)
		return st
	}
	st.ran = true
	st.on, st.err = rs.condition(s, d)
	if st.err == nil && st.on {
		st.hits, st.err = rs.fire(s, d, nil)
	}
	return st
}

// decideRule is decide for a rule in an evaluation: the decisions it reads
// first, then the rule itself, once an evaluation when others read it.
func (rs *RuleSet[Env]) decideRule(s *session[Env], rule *cRule, dst []Hit) ([]Hit, error) {
	if len(rule.uses) > 0 {
		if err := rs.resolve(s, rule); err != nil {
			return dst, err
		}
	}
	if rule.slot < 0 {
		return rs.decide(s, rule, dst)
	}
	st := rs.memo(s, rule)
	if st.err != nil {
		return dst, st.err
	}
	return append(dst, st.hits...), nil
}
