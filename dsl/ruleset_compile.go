package dsl

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/engagekit/engagekit/dsl/rulefile"
	"github.com/engagekit/engagekit/internal/envfield"
)

// CompileRules parses a rule file and compiles it against environment type
// Env; see [CompileFile]. Syntax errors come back as *[Error] values of kind
// [KindSyntax], all of them at once.
func CompileRules[Env any](src []byte, opts ...Option) (*RuleSet[Env], error) {
	f, err := rulefile.Parse(src)
	if err != nil {
		var list rulefile.ErrorList
		if !errors.As(err, &list) {
			return nil, err
		}
		errs := make([]error, len(list))
		lines := newLineIndex(rulefile.Text(src))
		for i, e := range list {
			errs[i] = &Error{Kind: KindSyntax, RuleID: e.Rule, Statement: e.Statement, Line: e.Pos.Line, Column: e.Pos.Col, Msg: e.Msg,
				Snippet: lines.snippet(e.Pos.Line, e.Pos.Col)}
		}
		return nil, errors.Join(errs...)
	}
	rs, err := CompileFile[Env](f, opts...)
	return rs, withFileSnippets(err, newLineIndex(rulefile.Text(src)))
}

// CompileFile compiles a parsed rule file against environment type Env.
// Every expression is type-checked: conditions must be bool, urgency,
// sensitivity and priority numbers; constants are computed once; table
// cells are checked against their input's type. Every error of the file is
// reported at once, each an *[Error] naming its rule and position. A File
// that fails [rulefile.File.Check] (built in Go, or JSON of another
// making) is an error of kind [KindSyntax].
func CompileFile[Env any](f *rulefile.File, opts ...Option) (*RuleSet[Env], error) {
	base := newConfig(opts)
	if len(base.errs) > 0 {
		return nil, errors.Join(base.errs...)
	}
	if err := checkEnvType(reflect.TypeFor[Env](), base); err != nil {
		return nil, err
	}
	// A File built in Go or read from JSON may hold what no text gives (a
	// nil rule, a cell of no kind): refused as Parse would refuse it.
	if err := f.Check(); err != nil {
		var e *rulefile.Error
		if errors.As(err, &e) {
			return nil, &Error{Kind: KindSyntax, RuleID: e.Rule, Statement: e.Statement, Line: e.Pos.Line, Column: e.Pos.Col, Msg: e.Msg}
		}
		return nil, err
	}
	base.badNames = map[string]bool{}
	b := &builder[Env]{base: base, layout: layoutFor[Env](), env: reflect.TypeFor[Env](), memo: newMemoPlan(),
		decls: map[string]*rulefile.Rule{}, states: map[string]*declState{}, uses: map[string][]*decisionUse{}}
	b.compileConsts(f.Consts)
	for _, r := range f.Rules {
		if b.decls[r.ID] == nil {
			b.decls[r.ID] = r
		}
	}
	rs := &RuleSet[Env]{name: f.Name, version: f.Version, byID: map[string]*cRule{},
		layout: b.layout, limits: base.limits, clamp: base.clamp}
	for _, r := range f.Rules {
		if rs.byID[r.ID] != nil {
			b.errorf(r.ID, r.Pos, KindType, "duplicate rule id %s", r.ID)
			continue
		}
		// A rule that another read has been compiled already.
		if rule := b.compiled(r); rule != nil {
			rs.rules = append(rs.rules, rule)
			rs.byID[rule.id] = rule
		}
	}
	if len(b.errs) == 0 {
		rs.planDecisions(b)
	}
	if len(b.errs) > 0 {
		return nil, joinCapped(b.errs)
	}
	if rs.plan(b); len(b.errs) > 0 {
		return nil, joinCapped(b.errs)
	}
	return rs, nil
}

// MaxCompileErrors is the most errors a compile reports, as the rule-file
// parser's; one more says how many were left out. Each may quote the text
// it is about (an id, a name), so the messages of a hostile file stay a
// small multiple of its size.
const MaxCompileErrors = 100

// joinCapped joins a compile's errors, MaxCompileErrors at most, counting
// each of an expression's joined errors (one when can hold hundreds). The
// note of those left out has the kind of the first of them, so that the
// error matches the kinds of the mistakes made and no other.
func joinCapped(errs []error) error {
	var flat []error
	var expand func(err error)
	expand = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				expand(e)
			}
			return
		}
		flat = append(flat, err)
	}
	for _, err := range errs {
		expand(err)
	}
	if len(flat) <= MaxCompileErrors {
		return errors.Join(flat...)
	}
	kind := KindSyntax
	var first *Error
	if errors.As(flat[MaxCompileErrors], &first) {
		kind = first.Kind
	}
	out := append(flat[:MaxCompileErrors:MaxCompileErrors], &Error{Kind: kind,
		Msg: fmt.Sprintf("and %d more errors, not reported", len(flat)-MaxCompileErrors)})
	return errors.Join(out...)
}

// builder compiles the declarations of one file.
type builder[Env any] struct {
	memo   *memoPlan
	base   *config
	layout frameLayout
	env    reflect.Type
	consts map[string]any
	errs   []error
	// failed counts the expressions that did not compile, reported or
	// not (a use of a let whose own compile failed).
	failed int
	// decls are the file's rules and tables by id (the first, for a
	// duplicate id); states their compiles, and stack the compiles under
	// way, each started by a read of the one below (decisions.go).
	decls  map[string]*rulefile.Rule
	states map[string]*declState
	stack  []string
	// uses are the decisions each rule reads, by reader; slots counts the
	// decisions read.
	uses  map[string][]*decisionUse
	slots int
	// ids and suggested serve suggestions for unknown names.
	ids       []string
	suggested map[string]string
	// templateNodes is what is left of the nodes of the template being
	// compiled (see config.nodes), nil outside a template.
	templateNodes *int
}

func (b *builder[Env]) errorf(ruleID string, pos rulefile.Pos, kind Kind, format string, args ...any) {
	b.stmtErrorf(ruleID, "", pos, kind, format, args...)
}

// stmtErrorf records an error of statement stmt of a rule.
func (b *builder[Env]) stmtErrorf(ruleID, stmt string, pos rulefile.Pos, kind Kind, format string, args ...any) {
	b.errs = append(b.errs, &Error{RuleID: ruleID, Statement: stmt, Line: pos.Line, Column: pos.Col, Kind: kind, Msg: fmt.Sprintf(format, args...)})
}

// consts computes the file's constants in order; each may use the ones
// before it.
func (b *builder[Env]) compileConsts(cs []*rulefile.Const) {
	b.consts = maps.Clone(b.base.consts)
	if b.consts == nil {
		b.consts = map[string]any{}
	}
	held := int64(0) // what the constants computed so far hold, in memory units
	for _, c := range cs {
		if reservedName(c.Name) {
			b.stmtErrorf("", "const "+c.Name, c.Pos, KindUnknownName, "name %s is reserved", c.Name)
			continue
		}
		if _, dup := b.consts[c.Name]; dup {
			b.stmtErrorf("", "const "+c.Name, c.Pos, KindType, "constant %s is declared twice", c.Name)
			continue
		}
		if _, field := envfield.Lookup(b.env, c.Name); field {
			b.stmtErrorf("", "const "+c.Name, c.Pos, KindType, "constant %s hides the field of the same name", c.Name)
			continue
		}
		// Under the host's limits: a constant is a rule's expression
		// too (four of 4 MB each compiled under a budget of 160 KB).
		e, err := Compile[struct{}, any](c.Value.Src, WithLimits(b.base.limits), WithConsts(b.consts), withBadNames(b.base.badNames),
			WithPosition(c.Value.Pos.Line, c.Value.Pos.Col), withStatement("const "+c.Name))
		if err != nil {
			b.base.badNames[c.Name] = true
			if !errors.Is(err, errBadLet) {
				b.errs = append(b.errs, err)
			}
			continue
		}
		v, err := e.Eval(struct{}{}, time.Time{})
		if err == nil && !constKind(v) {
			err = &Error{Statement: "const " + c.Name, Line: c.Pos.Line, Column: c.Pos.Col, Kind: KindType, Msg: fmt.Sprintf("constant %s is %T; want a number, string or bool", c.Name, v)}
		}
		if err == nil {
			// Each constant is computed under the budget, and all of
			// them are held together: sixteen of 10 MB each held 160 MB
			// for a file under a budget of 16 MB.
			if held += constUnits(v); held > int64(b.base.limits.MemoryBudget) {
				err = &Error{Statement: "const " + c.Name, Line: c.Pos.Line, Column: c.Pos.Col, Kind: KindLimit,
					Msg: fmt.Sprintf("the file's constants hold over %d units of memory (the MemoryBudget) together", b.base.limits.MemoryBudget)}
			}
		}
		if err != nil {
			b.base.badNames[c.Name] = true
			b.errs = append(b.errs, err)
			continue
		}
		b.consts[c.Name] = v
	}
}

// constUnits is what a constant's value holds, in memory units (16
// bytes): a string its bytes, a number or a bool one.
func constUnits(v any) int64 {
	if s, ok := v.(string); ok {
		return int64(len(s))/memUnit + 1
	}
	return 1
}

// scope is what the expressions of one rule see: its id and lets, and
// where in the rule they are (a branch or a row; empty at the top).
type scope struct {
	id    string
	where string
	lets  map[string]*letDef
}

// program compiles one expression of a rule: statement stmt ("when",
// "urgency", "let days", …) of the scope's rule.
func (b *builder[Env]) program(sc scope, stmt string, e rulefile.Expr, kind reflect.Kind) *program {
	cfg := *b.base
	cfg.id, cfg.consts, cfg.lets = sc.id, b.consts, sc.lets
	cfg.stmt = joinStmt(sc.where, stmt)
	cfg.line, cfg.col, cfg.at = e.Pos.Line, e.Pos.Col, e.At
	cfg.decisions = b
	cfg.nodes = b.templateNodes
	p, err := compileProgram[Env](e.Src, b.layout, &cfg, kind)
	if err != nil {
		b.failed++
		if !errors.Is(err, errBadLet) {
			b.errs = append(b.errs, err)
		}
		return nil
	}
	return p
}

// joinStmt names a statement inside a branch or row: "branch 2, urgency".
func joinStmt(where, stmt string) string {
	if where == "" {
		return stmt
	}
	return where + ", " + stmt
}

func (b *builder[Env]) rule(r *rulefile.Rule) *cRule {
	rule := &cRule{id: r.ID, table: r.Table, enabled: true, slot: -1}
	body := &r.Body
	if body.Enabled != nil {
		rule.enabled = body.Enabled.Value
	}
	rule.silent = body.Emit != nil && !body.Emit.Value
	if body.Owner != nil {
		rule.owner = body.Owner.Value
	}
	if body.Tags != nil {
		rule.tags = append([]string(nil), body.Tags.Values...)
	}
	b.placement(r)
	sc, lets := b.lets(scope{id: r.ID}, body.Lets)
	rule.lets = lets
	if body.When != nil {
		rule.when = b.program(sc, "when", body.When.Expr, reflect.Bool)
	}
	rule.base = b.outputs(sc, body)
	switch {
	case r.Table:
		rule.tbl = b.table(sc, r, rule)
	default:
		rule.branches = b.branches(sc, rule, body.Branches, "", []*outputs{&rule.base})
		rule.leaf = b.leaf("", rule, r.Pos, &rule.base)
	}
	if b.base.readEvidence {
		b.readEvidence(sc, r, rule)
	}
	return rule
}

// readEvidence lists, as the rule's evidence, the fields its decision
// reads: its when's, its branches' conditions' and its table's inputs'
// (a table's alert showed nothing of the values that chose its row).
func (b *builder[Env]) readEvidence(sc scope, r *rulefile.Rule, rule *cRule) {
	var reads []string
	add := func(p *program) {
		if p != nil && p.c != nil {
			reads = append(reads, p.c.reads...)
		}
	}
	add(rule.when)
	var walk func([]*cBranch)
	walk = func(bs []*cBranch) {
		for _, br := range bs {
			add(br.cond)
			walk(br.children)
		}
	}
	walk(rule.branches)
	if rule.tbl != nil {
		for _, in := range rule.tbl.inputs {
			add(in)
		}
	}
	slices.Sort(reads)
	pos := r.Pos
	if r.Body.When != nil {
		pos = r.Body.When.Pos
	}
	for _, path := range leafReads(slices.Compact(reads)) {
		if p := b.program(sc, "evidence", rulefile.Expr{Pos: pos, Src: path}, reflect.Invalid); p != nil {
			rule.reads = append(rule.reads, cBinding{name: path, p: p})
		}
	}
}

func kindName(table bool) string {
	if table {
		return "table"
	}
	return "rule"
}

// lets compiles lets in order, each seeing the ones before it, and returns
// the scope that later parts see.
func (b *builder[Env]) lets(sc scope, ls []*rulefile.Let) (scope, []cBinding) {
	var out []cBinding
	for _, l := range ls {
		if reservedName(l.Name) {
			b.stmtErrorf(sc.id, joinStmt(sc.where, "let "+l.Name), l.Pos, KindUnknownName, "name %s is reserved", l.Name)
			continue
		}
		if _, ok := envfield.Lookup(b.env, l.Name); ok || b.consts[l.Name] != nil {
			b.stmtErrorf(sc.id, joinStmt(sc.where, "let "+l.Name), l.Pos, KindType, "let %s hides a field or constant of the same name", l.Name)
			continue
		}
		if d := b.decls[l.Name]; d != nil {
			b.stmtErrorf(sc.id, joinStmt(sc.where, "let "+l.Name), l.Pos, KindType, "let %s hides the %s of the same name, whose result a rule reads as %s.fired", l.Name, kindName(d.Table), l.Name)
			sc.lets = maps.Clone(sc.lets)
			if sc.lets == nil {
				sc.lets = map[string]*letDef{}
			}
			sc.lets[l.Name] = &letDef{bad: true} // its uses are not errors of their own
			continue
		}
		p := b.program(sc, "let "+l.Name, l.Value, reflect.Invalid)
		if p != nil {
			out = append(out, cBinding{name: l.Name, p: p})
		}
		next := maps.Clone(sc.lets)
		if next == nil {
			next = map[string]*letDef{}
		}
		next[l.Name] = &letDef{src: l.Value.Src, deps: sc.lets, bad: p == nil}
		sc.lets = next
	}
	return sc, out
}

func (b *builder[Env]) outputs(sc scope, blk *rulefile.Block) outputs {
	var o outputs
	if blk.Type != nil {
		o.typ = blk.Type.Value
	}
	o.title = b.template(sc, "title", blk.Title)
	o.message = b.template(sc, "message", blk.Message)
	if blk.Urgency != nil {
		if o.urgency = b.program(sc, "urgency", blk.Urgency.Expr, reflect.Float64); o.urgency != nil {
			b.literalUnit(sc, "urgency", blk.Urgency.Expr)
		}
	}
	if blk.Sensitivity != nil {
		if o.sensitivity = b.program(sc, "sensitivity", blk.Sensitivity.Expr, reflect.Float64); o.sensitivity != nil {
			b.literalUnit(sc, "sensitivity", blk.Sensitivity.Expr)
		}
	}
	for _, out := range blk.Outputs {
		if decisionNames[out.Name] {
			// A reader's id.fired, id.type, id.urgency and
			// id.sensitivity are the decision's own: an output of that
			// name could never be read.
			b.stmtErrorf(sc.id, joinStmt(sc.where, "output "+out.Name), out.Pos, KindType,
				"an output cannot be named %s: a rule reading this one as %s.%s gets its own %s; rename the output", out.Name, sc.id, out.Name, out.Name)
			continue
		}
		if p := b.program(sc, "output "+out.Name, out.Value, reflect.Invalid); p != nil {
			o.named = append(o.named, cBinding{name: out.Name, p: p})
		}
	}
	return o
}

func (b *builder[Env]) template(sc scope, stmt string, t *rulefile.Template) *template {
	if t == nil {
		return nil
	}
	out := &template{}
	// Its parts share one MaxNodes, as one expression would.
	left := b.base.limits.MaxNodes
	b.templateNodes = &left
	defer func() { b.templateNodes = nil }()
	for _, part := range t.Parts {
		if part.Expr == nil {
			out.parts = append(out.parts, templatePart{text: part.Text})
			continue
		}
		if p := b.program(sc, stmt, *part.Expr, reflect.Invalid); p != nil {
			out.parts = append(out.parts, templatePart{p: p})
		}
	}
	return out
}

func (b *builder[Env]) branches(sc scope, rule *cRule, bs []*rulefile.Branch, prefix string, chain []*outputs) []*cBranch {
	var out []*cBranch
	for i, br := range bs {
		label := "else"
		if br.Cond != nil {
			label = "branch " + strconv.Itoa(i+1)
		}
		c := &cBranch{label: prefix + label}
		bsc := sc
		bsc.where = c.label
		if br.Cond != nil {
			c.cond = b.program(bsc, "condition", *br.Cond, reflect.Bool)
		}
		inner, _ := b.lets(bsc, br.Body.Lets)
		c.out = b.outputs(inner, &br.Body)
		here := append(append([]*outputs(nil), chain...), &c.out)
		c.children = b.branches(inner, rule, br.Body.Branches, c.label+"/", here)
		c.leaf = b.leaf(c.label, rule, br.Pos, here...)
		out = append(out, c)
	}
	return out
}

// leaf resolves a decision and compiles the batch of its parts. Every
// decision must have an alert type, from itself or an enclosing level.
func (b *builder[Env]) leaf(path string, rule *cRule, pos rulefile.Pos, chain ...*outputs) *leaf {
	l := newLeaf(path, chain...)
	if l.typ == "" {
		what := kindName(rule.table) + " " + rule.id
		if path != "" {
			what += ", " + path + ","
		}
		b.errorf(rule.id, pos, KindType, "%s has no type", what)
	}
	return l
}

func (b *builder[Env]) table(sc scope, r *rulefile.Rule, rule *cRule) *cTable {
	t := &cTable{pos: r.Pos}
	if err := t.policy.UnmarshalText([]byte(r.Hit)); err != nil {
		b.errorf(r.ID, r.Pos, KindSyntax, "unknown hit policy %q", r.Hit)
	}
	if len(r.Inputs) == 0 {
		b.errorf(r.ID, r.Pos, KindSyntax, "table %s has no inputs (in …)", r.ID)
	}
	for i, in := range r.Inputs {
		t.inputs = append(t.inputs, b.program(sc, "in "+strconv.Itoa(i+1), in, reflect.Invalid))
	}
	t.rows = make([]cRow, len(r.Rows))
	for i, row := range r.Rows {
		cr := &t.rows[i]
		cr.label, cr.pos = "row "+strconv.Itoa(i+1), row.Pos
		if len(row.Cells) != len(r.Inputs) {
			hint := ""
			if len(row.Cells) > len(r.Inputs) {
				hint = ` (cells are separated by commas; to test one input for any of several values, write them with |: "a" | "b")`
			}
			b.stmtErrorf(r.ID, cr.label, row.Pos, KindSyntax, "%s has %d cells; the table has %d inputs%s", cr.label, len(row.Cells), len(r.Inputs), hint)
			continue
		}
		for ci, c := range row.Cells {
			ct, err := b.cell(c.Test, inputType(t.inputs[ci]))
			if err != nil {
				b.stmtErrorf(r.ID, cr.label, c.Pos, KindType, "%s, column %d: %v", cr.label, ci+1, err)
			}
			cr.cells = append(cr.cells, ct)
			cr.cellPos = append(cr.cellPos, c.Pos)
		}
		rsc := sc
		rsc.where = cr.label
		cr.out = b.outputs(rsc, &row.Out)
		if row.Out.Priority != nil {
			v, err := strconv.ParseFloat(row.Out.Priority.Expr.Src, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				// ParseFloat reads NaN and Inf too: a NaN priority
				// would compare equal to every other and leave the
				// ranking to row order, which the author did not write.
				b.stmtErrorf(r.ID, cr.label+", priority", row.Out.Priority.Pos, KindType, "priority must be a finite number literal")
			}
			cr.priority = v
		}
		cr.leaf = b.leaf(cr.label, rule, row.Pos, &rule.base, &cr.out)
		cr.ranked = row.Out.Priority != nil
	}
	b.aggregate(r, rule, t)
	b.order(r, t)
	return t
}

// inputType is the static type of a table's input, pointers read through
// (a table compares the value a pointer points to).
func inputType(p *program) reflect.Type {
	if p == nil {
		return nil
	}
	return deref(p.c.tree.Node.Type())
}

// cell compiles a unary test, resolving constants and checking each value
// against the input's static type where that type is known.
func (b *builder[Env]) cell(t rulefile.UnaryTest, in reflect.Type) (cellTest, error) {
	var ct cellTest
	var err error
	switch t.Kind {
	case rulefile.TestAny:
		ct.kind = cellAnything
	case rulefile.TestCompare:
		ct.kind, ct.op = cellCompare, t.Op
		ct.value, err = b.cellValue(t.Value, in, t.Op != "==" && t.Op != "!=")
	case rulefile.TestInterval:
		ct.kind, ct.loOpen, ct.hiOpen = cellInterval, t.LoOpen, t.HiOpen
		if ct.lo, err = b.cellValue(t.Lo, in, true); err == nil {
			ct.hi, err = b.cellValue(t.Hi, in, true)
		}
	case rulefile.TestOneOf, rulefile.TestNot:
		ct.kind = cellOneOf
		if t.Kind == rulefile.TestNot {
			ct.kind = cellNot
		}
		for _, sub := range t.List {
			st, serr := b.cell(sub, in)
			if serr != nil {
				return ct, serr
			}
			ct.list = append(ct.list, st)
		}
	default:
		err = fmt.Errorf("unknown test %q", t.Kind)
	}
	return ct, err
}

// cellValue is a cell's operand, checked against the input's static type
// in (nil: not known): a test the input's values can never pass or fail
// without an error (a string against a bool, any order of a bool, a
// value against a time or a list) is a compile error, not a failure of
// every evaluation that reaches the cell. ordered: the test orders (<,
// >=, an interval) rather than compares for equality.
func (b *builder[Env]) cellValue(v *rulefile.Value, in reflect.Type, ordered bool) (any, error) {
	if v == nil {
		return nil, errors.New("missing value")
	}
	var val any
	switch v.Kind {
	case rulefile.ValueNumber:
		val = v.Number
	case rulefile.ValueString:
		val = v.Str
	case rulefile.ValueBool:
		val = v.Bool
	case rulefile.ValueNil:
		return nil, nil
	case rulefile.ValueName:
		c, ok := b.consts[v.Name]
		if !ok {
			names := make([]string, 0, len(b.consts))
			for n := range b.consts {
				names = append(names, n)
			}
			if near := nearest(v.Name, names); near != "" {
				return nil, fmt.Errorf("unknown constant %s (did you mean %s?)", v.Name, near)
			}
			return nil, fmt.Errorf("unknown constant %s", v.Name)
		}
		val = c
	}
	if err := cellComparable(in, val, ordered); err != nil {
		return nil, fmt.Errorf("%w (%v)", err, v)
	}
	return val, nil
}

// cellComparable checks a cell's operand (never nil here) against the
// static type of the table's input, read through pointers as cellInput
// reads the value.
func cellComparable(in reflect.Type, val any, ordered bool) error {
	if in = deref(in); in == nil || in.Kind() == reflect.Interface {
		return nil // known when evaluated: cellTest.match fails on a mismatch
	}
	class := func(dur, num, str, boolean, tm bool) string {
		switch {
		case dur: // an int64 to Go, not a number to a rule: `d > 5` does not compile
			return "duration"
		case num:
			return "number"
		case str:
			return "string"
		case boolean:
			return "bool"
		case tm:
			return "time"
		}
		return ""
	}
	f, valNum := number(val)
	_, valDur := val.(time.Duration)
	_, valStr := val.(string)
	_, valBool := val.(bool)
	_, valTime := val.(time.Time)
	durType := reflect.TypeFor[time.Duration]()
	want := class(in == durType, isNumberKind(in.Kind()), in.Kind() == reflect.String, in.Kind() == reflect.Bool, in == reflect.TypeFor[time.Time]())
	got := class(valDur, valNum, valStr, valBool, valTime)
	switch {
	case valNum && f != f:
		return fmt.Errorf("a cell's value is NaN, which no value equals or orders with")
	case want == "":
		return fmt.Errorf("cannot compare input of type %v with a cell's value", in)
	case want != got:
		return fmt.Errorf("cannot compare input of type %v with a %s", in, cmp.Or(got, fmt.Sprintf("%T", val)))
	case ordered && want == "bool":
		return fmt.Errorf("cannot order input of type %v", in)
	}
	return nil
}

// withFileSnippets replaces each error's snippet with the line of the rule
// file it points at, so a reader sees the rule as written.
func withFileSnippets(err error, lines *lineIndex) error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			withFileSnippets(e, lines)
		}
		return err
	}
	var de *Error
	if errors.As(err, &de) && de.Line > 0 {
		de.Snippet = lines.snippet(de.Line, de.Column)
	}
	return err
}

// leafReads drops the reads that only lead to longer ones ("mortgage" in
// "mortgage != nil && mortgage.rate > 0.03"): evidence is the values, not
// the structs that hold them.
func leafReads(reads []string) []string {
	var out []string
	for i, r := range reads {
		if i+1 < len(reads) && strings.HasPrefix(reads[i+1], r+".") {
			continue
		}
		out = append(out, r)
	}
	return out
}
