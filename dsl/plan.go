package dsl

import "reflect"

// The plan of a rule set is what the compile decides once about how the
// rule set runs, kept as data on the compiled rules rather than in the
// order of lists:
//
//   - each expression (a program: a condition, an output, a let, a part of
//     a title, a table's input) has a backend: its closures, when the
//     closures compile it (flat frames only), with its expr program behind
//     them for whatever they cannot decide; or its expr program alone;
//   - each rule whose condition is a chain of ands holds its conjuncts'
//     indexes in the rule set's guards, decided once per evaluation and
//     shared by the rules whose chains hold them (native_guard.go);
//   - each rule that its first guard alone decides when false knows where
//     the run of rules that start with the same guard ends, so that an
//     evaluation steps over the run once the guard is false
//     (guard_runs.go);
//   - each date call the closures memoize holds its slot's index in an
//     evaluation's memo (native_memo.go).
//
// Eval and Explain both run the plan through RuleSet.decide, so a choice
// made here can change what a rule costs, never what it decides.

// plan chooses the backend of every expression of the rule set and
// compiles the guards.
func (rs *RuleSet[Env]) plan(b *builder[Env]) {
	for _, rule := range rs.rules {
		rule.eachProgram(func(p *program) { p.planBackend(b) })
		for _, r := range rule.reads {
			r.p.planBackend(b)
		}
	}
	rs.guards = chainGuards(b.env, rs.rules, b.base, b.memo)
	markRuns(rs.rules)
	rs.memoSlots = b.memo.size()
	rs.runners.New = func() any {
		r := newRunner[Env](rs.layout, rs.limits)
		r.memo = make([]memoSlot, rs.memoSlots)
		r.gov.decs = make([]decisionState, rs.slots)
		return r
	}
}

// planBackend compiles p's closures, if the closures cover it; if they
// do not, its expr program at once, so that whatever expr's compiler says
// of it is said at compile time.
func (p *program) planBackend(b interface {
	nativeCompiler() *nativeCompiler
}) {
	p.planNative(b.nativeCompiler())
	if p.native == nil && p.cond == nil {
		if _, err := p.c.exprProgram(); err != nil {
			b.(interface{ addError(error) }).addError(err)
		}
	}
}

// planNative compiles p's closures with nc, if the closures cover p.
func (p *program) planNative(nc *nativeCompiler) {
	if nc == nil || p.native != nil || p.cond != nil || p.num != nil {
		return
	}
	n := nc.node(p.c.tree.Node)
	if n == nil {
		return
	}
	if p.kind == reflect.Bool && n.kind == nBool {
		p.cond = n.b
		return
	}
	if p.kind == reflect.Float64 && isNumber(n.kind) {
		p.num = asFloat(n)
	}
	if p.kind == reflect.Invalid && (n.kind == nBool || n.kind == nInt || n.kind == nFloat || n.kind == nString || n.kind == nTime) {
		p.unboxed = n
	}
	p.native = valueOf(n, p.kind)
}

func (b *builder[Env]) addError(err error) { b.errs = append(b.errs, err) }

func (b *builder[Env]) nativeCompiler() *nativeCompiler {
	if b.base.exprOnly || !b.layout.flat || b.env.Kind() != reflect.Struct {
		return nil
	}
	return &nativeCompiler{env: b.env, cfg: b.base, memo: b.memo}
}
