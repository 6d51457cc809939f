package dsl

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"time"
)

// Eval evaluates every enabled rule over env at time now and returns the
// hits in rule-file order (rows of a collect table in row order); a rule
// that says emit false is decided only for the rules that read it, and
// makes no hits.
//
// A rule that fails does not stop the others: Eval returns the hits of the
// rules that could be decided, and an error joining one *[Error] per failed
// rule, each naming its rule.
func (rs *RuleSet[Env]) Eval(env Env, now time.Time) ([]Hit, error) {
	return rs.AppendEvalContext(context.Background(), nil, env, now)
}

// EvalContext is [RuleSet.Eval] under a context: when ctx is cancelled or
// its deadline passes, the rule running stops within a bounded number of
// steps and fails with an error matching [ErrCancelled] and ctx.Err(); the
// rules after it are not evaluated.
func (rs *RuleSet[Env]) EvalContext(ctx context.Context, env Env, now time.Time) ([]Hit, error) {
	return rs.AppendEvalContext(ctx, nil, env, now)
}

// AppendEval is [RuleSet.Eval] appending to dst, for callers that reuse a
// slice across evaluations.
func (rs *RuleSet[Env]) AppendEval(dst []Hit, env Env, now time.Time) ([]Hit, error) {
	return rs.AppendEvalContext(context.Background(), dst, env, now)
}

// AppendEvalContext is [RuleSet.EvalContext] appending to dst.
func (rs *RuleSet[Env]) AppendEvalContext(ctx context.Context, dst []Hit, env Env, now time.Time) ([]Hit, error) {
	return rs.AppendEvalWith(ctx, dst, env, now, EvalOptions{})
}

// EvalOptions are what a host can ask of one evaluation besides its
// result. The zero value asks nothing.
type EvalOptions struct {
	// Clock, with RuleTimes, times each rule: the library reads no clock
	// of its own. It is called twice a rule, so it costs what it costs.
	Clock func() time.Time
	// RuleTimes, when Clock is set, gets each rule's time added at the
	// rule's index in [RuleSet.Rules]; it must be that long, or it is
	// ignored. The caller owns it. A decision other rules read counts in
	// the time of the first rule that needs it.
	RuleTimes []time.Duration
	// Decided, when it is as long as [RuleSet.Rules], gets true at the
	// index of each rule this evaluation decided: every enabled rule
	// that emits (unless the context ended first), and a decision with
	// emit false only when a rule read it. The caller owns it; the
	// evaluation only sets entries.
	Decided []bool
	// Store, when set, lays out the hits' titles, messages and evidence
	// in its shared blocks rather than an allocation each (see
	// [HitStore]). The caller owns it.
	Store *HitStore
}

// AppendEvalWith is [RuleSet.AppendEvalContext] with [EvalOptions].
func (rs *RuleSet[Env]) AppendEvalWith(ctx context.Context, dst []Hit, env Env, now time.Time, o EvalOptions) ([]Hit, error) {
	if !rs.compiled() {
		return dst, ErrNotCompiled
	}
	s := rs.begin(ctx, env, now)
	defer rs.end(s)
	s.store = o.Store
	timed := o.Clock != nil && len(o.RuleTimes) == len(rs.rules)
	marks := len(o.Decided) == len(rs.rules)
	var errs []error
	for i := 0; i < len(rs.rules); i++ {
		rule := rs.rules[i]
		if passedOver(rule) {
			continue
		}
		if err := s.r.gov.interrupted(); err != nil {
			errs = append(errs, rule.fail(err))
			break
		}
		// A timed evaluation times every rule; otherwise a run whose
		// first guard is already false is decided at once (guard_runs.go).
		if end := rule.guards.runEnd; end > 0 && !timed && s.states[rule.guards.at[0]] == guardFalse {
			if marks {
				markRun(rs.rules, i, end, o.Decided)
			}
			i = end - 1
			continue
		}
		var start time.Time
		if timed {
			start = o.Clock()
		}
		if marks {
			o.Decided[i] = true
		}
		var err error
		if dst, err = rs.decideRule(s, rule, dst); err != nil {
			errs = append(errs, err)
		}
		if timed {
			o.RuleTimes[i] += o.Clock().Sub(start)
		}
	}
	if marks {
		rs.markRead(s, o.Decided)
	}
	return dst, errors.Join(errs...)
}

// markRead sets decided[i] for each decision in a memo slot (one other
// rules read) that the session decided: a silent one is decided only
// when read. The loop marks the rules it reaches itself.
func (rs *RuleSet[Env]) markRead(s *session[Env], decided []bool) {
	for i, rule := range rs.rules {
		if rule.slot >= 0 && rule.slot < len(s.r.gov.decs) && s.r.gov.decs[rule.slot].ran {
			decided[i] = true
		}
	}
}

// begin takes a runner and binds one evaluation to it. The session is
// the runner's own (a runner serves one evaluation at a time): a batch of
// a million files allocates no session, and the guard states' buffer is
// kept from one evaluation to the next.
func (rs *RuleSet[Env]) begin(ctx context.Context, env Env, now time.Time) *session[Env] {
	r := rs.runners.Get().(*runner[Env])
	r.gov.start(ctx)
	s := &r.session
	s.r, s.env, s.fr, s.nc = r, env, r.bind(env, now), nil
	n := len(rs.guards)
	if n > cap(s.stateBuf) {
		s.stateBuf = make([]guardState, n)
	}
	s.states = s.stateBuf[:n]
	clear(s.states)
	return s
}

func (rs *RuleSet[Env]) end(s *session[Env]) {
	clear(s.r.gov.decs) // done false, and no hits kept alive
	s.r.release()
	var zero Env
	s.env, s.fr, s.nc, s.store = zero, nil, nil, nil // the pooled runner keeps no file, nor the caller's store, alive
	rs.runners.Put(s.r)
}

// decide evaluates one rule: its condition, then, when it holds, the
// decision it takes and its hits. Eval and Explain both decide a rule
// through it, so they cannot disagree.
func (rs *RuleSet[Env]) decide(s *session[Env], rule *cRule, dst []Hit) ([]Hit, error) {
	on, err := rs.condition(s, rule)
	if err != nil || !on {
		return dst, err
	}
	return rs.fire(s, rule, dst)
}

// condition decides a rule's when: its guards first, then, unless they
// decide it, the condition itself. Each rule starts with a fresh step and
// memory budget.
func (rs *RuleSet[Env]) condition(s *session[Env], rule *cRule) (bool, error) {
	s.r.gov.reset()
	if rule.when == nil {
		return true, nil
	}
	if len(rule.guards.at) > 0 {
		if v, decided := decideGuards(s.native(), rs.guards, s.states, rule.guards); decided {
			return v, nil
		}
	}
	return s.bool(rule.when)
}

// fire decides which branch or row of a rule whose condition holds is
// taken, and appends its hits. A rule's hits are atomic: when any part of
// the decision fails, none of its hits is appended.
func (rs *RuleSet[Env]) fire(s *session[Env], rule *cRule, dst []Hit) ([]Hit, error) {
	n := len(dst)
	s.evidenceOf = nil
	out, err := rs.fireAll(s, rule, dst)
	s.evidenceOf = nil
	if err != nil {
		clear(out[n:])
		return dst, err // dst's first n hits are out's, untouched
	}
	return out, nil
}

func (rs *RuleSet[Env]) fireAll(s *session[Env], rule *cRule, dst []Hit) ([]Hit, error) {
	if rule.tbl != nil {
		return rs.fireTable(s, rule, dst)
	}
	if len(rule.branches) == 0 {
		return rs.appendHit(s, rule, dst, rule.leaf)
	}
	// When no branch holds, the rule itself is the decision, as a branch
	// none of whose nested branches holds is: branches refine a rule.
	b, err := selectBranch(s, rule.branches)
	if err != nil {
		return dst, err
	}
	if b == nil {
		return rs.appendHit(s, rule, dst, rule.leaf)
	}
	return rs.appendHit(s, rule, dst, b.leaf)
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

// tableInputs evaluates a table's inputs, each read through pointers to
// the value it points to (nil for a nil pointer): see cellInput. They are
// appended to buf, which the caller keeps on its stack for a table of a
// few inputs (a slice a table was an allocation a file).
func tableInputs[Env any](s *session[Env], t *cTable, buf []any) ([]any, error) {
	vals := buf[:0]
	for _, in := range t.inputs {
		v, err := s.value(in)
		if err != nil {
			return nil, err
		}
		vals = append(vals, cellInput(v))
	}
	return vals, nil
}

func (row *cRow) matches(ruleID string, vals []any) (bool, error) {
	for ci := range row.cells {
		ok, err := row.cells[ci].match(vals[ci])
		if err != nil {
			pos := row.pos
			if ci < len(row.cellPos) {
				pos = row.cellPos[ci]
			}
			return false, &Error{RuleID: ruleID, Kind: KindEval, Err: err, Statement: row.label, Line: pos.Line, Column: pos.Col,
				Msg: fmt.Sprintf("%s, column %d: %v", row.label, ci+1, err)}
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

// appendHit evaluates the outputs and evidence of a decision and appends
// the hit.
func (rs *RuleSet[Env]) appendHit(s *session[Env], rule *cRule, dst []Hit, l *leaf) ([]Hit, error) {
	h := Hit{Rule: rule.id, Type: l.typ, Path: l.path, Owner: rule.owner}
	if len(rule.tags) > 0 {
		h.Tags = append([]string(nil), rule.tags...)
	}
	var err error
	if h.Urgency, err = unitOutput(s, "urgency", l.urgency, rs.clamp); err != nil {
		return dst, err
	}
	if h.Sensitivity, err = unitOutput(s, "sensitivity", l.sensitivity, rs.clamp); err != nil {
		return dst, err
	}
	if h.Title, err = render(s, l.title); err != nil {
		return dst, err
	}
	if h.Message, err = render(s, l.message); err != nil {
		return dst, err
	}
	for _, n := range l.named {
		out, err := s.value(n.p)
		if err != nil {
			return dst, err
		}
		if valuePointer(reflect.TypeOf(out)) {
			// A pointer to a value known only when the rule ran (an
			// *int in a map of any) is output as the value, as the
			// front end reads one whose type it knows.
			if out, err = dynamicNumber(out); err != nil {
				return dst, n.p.evalError(err)
			}
		}
		if h.Outputs == nil {
			h.Outputs = make(map[string]any, len(l.named))
		}
		h.Outputs[n.name] = out
	}
	if h.Evidence, err = evidence(s, rule); err != nil {
		return dst, err
	}
	return append(dst, h), nil
}

// unitOutput evaluates urgency or sensitivity, which must lie in [0,1]:
// outside it is an error, or clamped when the rule set was compiled with
// [WithClampedOutputs]. A rule that does not say is 0.
func unitOutput[Env any](s *session[Env], name string, p *program, clamp bool) (float64, error) {
	if p == nil {
		return 0, nil
	}
	out, f, err := s.float(p)
	if err != nil {
		return 0, err
	}
	if out != nil {
		var ok bool
		if f, ok = toFloat(out); !ok {
			return 0, p.errorf(nil, "%s is %T, want a number", name, out)
		}
	}
	if f >= 0 && f <= 1 {
		return f, nil
	}
	if clamp && !math.IsNaN(f) {
		return min(max(f, 0), 1), nil
	}
	return 0, p.errorf(nil, "%s is %v, outside [0,1]", name, f)
}

func render[Env any](s *session[Env], t *template) (string, error) {
	if t == nil {
		return "", nil
	}
	if len(t.parts) == 1 && t.parts[0].p == nil {
		return t.parts[0].text, nil
	}
	// Most titles fit the buffer, which stays on the stack: the title
	// string is then the one allocation.
	b := make([]byte, 0, 128)
	for _, part := range t.parts {
		if part.p == nil {
			b = append(b, part.text...)
			continue
		}
		if n := part.p.unboxed; n != nil && (n.kind == nString || n.kind == nFloat || n.kind == nInt) {
			var ok bool
			var err error
			if b, ok, err = appendText(s, part.p, b); err != nil {
				return "", err
			}
			if ok {
				continue
			}
		}
		out, err := s.value(part.p)
		if err != nil {
			return "", err
		}
		// What a part writes is charged to the rule's memory budget, as
		// a string the rule builds is: a title of a 10 MB constant a
		// hundred times over would otherwise be a gigabyte. A string is
		// charged before it is copied (a host's 4 MB note was copied
		// whole, then refused), the rest of what a value writes after.
		pre := 0
		if str, ok := out.(string); ok {
			pre = len(str)
			if err := s.r.gov.chargeBytes(int64(pre)); err != nil {
				return "", part.p.evalError(err)
			}
		}
		n := len(b)
		b = appendTemplateValue(b, out)
		if err := s.r.gov.chargeBytes(int64(max(len(b)-n-pre, 0))); err != nil {
			return "", part.p.evalError(err)
		}
	}
	return s.store.text(b), nil
}

// appendText appends what p's unboxed closures give, as render writes a
// value (appendTemplateValue), and charges it as render does: a string
// before it is copied, a number after it is written. ok is false when the
// closures leave the value to expr; render then evaluates p as any value.
func appendText[Env any](s *session[Env], p *program, b []byte) (_ []byte, ok bool, err error) {
	n, nc := p.unboxed, s.native()
	spent := s.r.gov.spent()
	written, pre := len(b), 0
	switch n.kind {
	case nString:
		var v string
		if v, ok = n.s(nc); ok {
			pre = len(v)
			if err := s.r.gov.chargeBytes(int64(pre)); err != nil {
				return b, false, p.evalError(err)
			}
			b = append(b, v...)
		}
	case nFloat:
		var v float64
		if v, ok = n.f(nc); ok {
			if v != v {
				return b, false, p.errorf(ErrNaN, "result is NaN")
			}
			b = appendTemplateNumber(b, v)
		}
	case nInt:
		var v int
		if v, ok = n.i(nc); ok {
			b = strconv.AppendInt(b, int64(v), 10)
		}
	}
	if !ok {
		s.r.gov.refund(spent)
		return b, false, nil
	}
	if err := s.r.gov.chargeBytes(int64(max(len(b)-written-pre, 0))); err != nil {
		return b, false, p.evalError(err)
	}
	return b, true, nil
}

// evidence reads the rule's lets and the fields its condition reads. A
// value that cannot be computed (a let behind a guard the decision did not
// need) is reported as nil rather than failing the hit.
//
// A value the context's end cut short is no value: the evaluation stops
// with the cancellation, as it does in the decision, rather than hand a
// hit over with a nil the data did not make.
func evidence[Env any](s *session[Env], rule *cRule) ([]Binding, error) {
	if len(rule.lets)+len(rule.reads) == 0 {
		return nil, nil
	}
	out := s.store.bindingsFor(len(rule.lets) + len(rule.reads))
	// The evidence gets one budget of its own, as the rule's decision had
	// (computed on what the decision left, a let the decision read would
	// show as nil), and only one: a budget for each value would let a
	// rule of many lets build many budgets' worth. A value past the budget
	// shows as nil. The hits of one rule (the rows of a collect table)
	// share that one budget, each computing its own values (copies of one
	// hit's shared its lists and maps between hits). The decision's budget
	// is given back after, as it was: the rows after this hit charge what
	// the rows before it left (a fresh budget here gave each row one).
	steps, mem := s.r.gov.steps, s.r.gov.mem
	defer func() {
		s.evidenceSteps, s.evidenceMem = s.r.gov.steps, s.r.gov.mem
		s.r.gov.steps, s.r.gov.mem = steps, mem
	}()
	if s.evidenceOf == rule {
		s.r.gov.steps, s.r.gov.mem = s.evidenceSteps, s.evidenceMem
	} else {
		s.r.gov.reset()
		s.evidenceOf = rule
	}
	for _, group := range [][]cBinding{rule.lets, rule.reads} {
		for _, b := range group {
			v, err := evidenceValue(s, b.p)
			if err != nil {
				return nil, err
			}
			out = append(out, Binding{Name: b.name, Value: v})
		}
	}
	return out, nil
}

// evidenceValue is an expression's value for evidence, nil when it cannot
// be computed. The closures leave to expr only what expr fails on (a nil
// pointer on the way, a zero time, a NaN, a zero divisor: native.go), so a
// value they cannot decide is nil without asking expr, which would only
// say why at the price of a panic and an error it would be asked to drop.
//
// Its only error is the context's end (ErrCancelled): every other failure
// is a nil value.
func evidenceValue[Env any](s *session[Env], p *program) (any, error) {
	if n := p.unboxed; n != nil && s.store != nil {
		return s.store.value(n, s.native()), nil
	}
	if p.native != nil {
		v, ok := p.native(s.native())
		if !ok {
			return nil, nil
		}
		if v, err := checkValue(p, v); err == nil {
			return v, nil
		}
		return nil, nil
	}
	v, err := s.value(p)
	if errors.Is(err, ErrCancelled) {
		return nil, err
	}
	if err != nil {
		return nil, nil
	}
	return v, nil
}

// leaf is a decision a rule can take (the rule itself, a branch, a row)
// with its outputs resolved at compile time: the innermost level that sets
// an output wins.
type leaf struct {
	path string
	outputs
}

// newLeaf resolves the outputs of a decision from its chain of levels,
// outermost first.
func newLeaf(path string, chain ...*outputs) *leaf {
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
	return l
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
