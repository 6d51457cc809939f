package dsl

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
)

// Explanation is an evaluation written out: the tree of the expression's
// logical and comparison sub-expressions with the value of each, so an alert
// can say why it fired and a near miss why not. It is plain data owned by
// the caller.
type Explanation struct {
	// Value is the expression's result, as Eval would return it.
	Value any `json:"value"`
	// Root is the top of the tree.
	Root *Step `json:"root"`
}

// Step is one sub-expression of an [Explanation].
type Step struct {
	// Expr is the sub-expression's source text.
	Expr string `json:"expr"`
	// Op is the operator at the top of the sub-expression ("&&", "||",
	// "!", ">=", "?:", …), empty for a leaf.
	Op string `json:"op,omitempty"`
	// Value is the sub-expression's value; nil when it was skipped or failed.
	Value any `json:"value"`
	// Skipped is true when the sub-expression was not evaluated because
	// its operator short-circuited.
	Skipped bool `json:"skipped,omitempty"`
	// Err is the failure of the sub-expression, if any.
	Err string `json:"error,omitempty"`
	// Children are the operands: two for a logical operator or a
	// comparison, one for a negation, the condition and the branch taken for
	// a conditional.
	Children []*Step `json:"children,omitempty"`
	// callee is what a call's Expr calls ("first(cs).Scale" for
	// first(cs).Scale(2)), for its label.
	callee string
}

// String renders the explanation as an indented tree, one sub-expression a
// line: comparisons show their operand values, as in
// "client.Age (31) >= 30 → true". The format is meant for people and may
// change between versions.
func (x *Explanation) String() string {
	if x == nil {
		return ""
	}
	var b strings.Builder
	x.Root.write(&b, "", "")
	return b.String()
}

func (s *Step) write(b *strings.Builder, first, rest string) {
	if s == nil {
		return // a zero Explanation, or one read back from JSON with a null step
	}
	b.WriteString(first)
	b.WriteString(s.label())
	b.WriteByte('\n')
	children := s.Children
	if isComparison(s.Op) || s.Op == "call" {
		// Operands' values are in the label already; only operands with
		// structure of their own get a line.
		children = nil
		for _, c := range s.Children {
			if c != nil && len(c.Children) > 0 {
				children = append(children, c)
			}
		}
	}
	for i, c := range children {
		if i == len(children)-1 {
			c.write(b, rest+"└─ ", rest+"   ")
		} else {
			c.write(b, rest+"├─ ", rest+"│  ")
		}
	}
}

func (s *Step) label() string {
	text := s.Expr
	switch {
	case isComparison(s.Op) && len(s.Children) == 2:
		text = s.Children[0].operand() + " " + s.Op + " " + s.Children[1].operand()
	case s.Op == "call":
		args := make([]string, len(s.Children))
		for i, c := range s.Children {
			args[i] = c.operand()
		}
		callee := s.callee
		if callee == "" { // a Step built elsewhere (read back from JSON)
			callee, _, _ = strings.Cut(s.Expr, "(")
		}
		text = callee + "(" + strings.Join(args, ", ") + ")"
	}
	switch {
	case s.Skipped:
		return text + " → not evaluated"
	case s.Err != "":
		return text + " → error: " + s.Err
	}
	return text + " → " + formatValue(s.Value)
}

// operand shows a comparison operand with its value, unless the operand is
// a literal whose text already is its value.
func (s *Step) operand() string {
	if s == nil {
		return "?" // a null step read back from JSON
	}
	v := formatValue(s.Value)
	if s.Skipped || s.Err != "" || v == s.Expr || `"`+s.Expr[min(1, len(s.Expr)):] == v {
		return s.Expr
	}
	return s.Expr + " (" + v + ")"
}

// maxShownText is the most of a string an explanation writes.
const maxShownText = 256

func formatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case string:
		// A long text would flood the line a person reads, and be
		// written again at every step that shows it.
		if len(x) > maxShownText {
			cut := maxShownText
			for cut > 0 && !utf8.RuneStart(x[cut]) {
				cut--
			}
			return fmt.Sprintf("%q… (%d bytes)", x[:cut], len(x))
		}
		return fmt.Sprintf("%q", x)
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format(time.DateOnly)
		}
		return x.Format(time.RFC3339)
	case float64:
		if x == 0 {
			x = 0 // a person reads -0 as a typo; and expr folds -0 into 0 where a program also has 0
		}
		return strconv.FormatFloat(x, 'g', 6, 64)
	case int:
		return strconv.Itoa(x)
	case bool, int64, int32, uint, uint64, float32, time.Duration:
		return fmt.Sprint(x)
	}
	// Composite values would flood a line a person reads: say what they
	// are, not what they hold.
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			return "nil"
		}
		return "set"
	case reflect.Slice, reflect.Array, reflect.Map:
		if rv.Kind() != reflect.Array && rv.IsNil() {
			return "nil"
		}
		if rv.Len() == 1 {
			return "1 item"
		}
		return fmt.Sprintf("%d items", rv.Len())
	case reflect.Struct:
		return rv.Type().Name() + "{…}"
	}
	if pureMethods[rv.Type()] != nil {
		return fmt.Sprint(v) // time.Month, time.Weekday: the library's own String
	}
	// A host's named string, bool or number is written by its kind, as
	// the plain one is (a long text cut short): never through its own
	// String method, host code that may be slow, huge or fail.
	switch k := rv.Kind(); {
	case k == reflect.String:
		return formatValue(rv.String())
	case k == reflect.Bool:
		return strconv.FormatBool(rv.Bool())
	case k >= reflect.Int && k <= reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10)
	case k >= reflect.Uint && k <= reflect.Uintptr:
		return strconv.FormatUint(rv.Uint(), 10)
	case k == reflect.Float32 || k == reflect.Float64:
		return formatValue(rv.Float())
	}
	return rv.Type().String()
}

func isComparison(op string) bool {
	switch op {
	case "==", "!=", "<", "<=", ">", ">=", "in", "not in", "contains", "startsWith", "endsWith", "matches":
		return true
	}
	return false
}

func isLogical(op string) bool {
	return op == "&&" || op == "||" || op == "and" || op == "or"
}

// explainCache holds the programs of an expression's sub-expressions,
// compiled on the first Explain so that Eval never pays for them. The
// sub-programs are compiled from sub-trees of the expression's checked
// tree, the one Eval runs, so they carry its NaN, nil and budget checks;
// the author's text of each sub-expression comes from a parse of the
// source kept for display only.
type explainCache struct {
	cfg  *config
	once sync.Once
	root *xnode
	err  error
	// exprCfg is expr's configuration for the sub-programs: any result.
	// It is the cache's own, since checking and compiling write to the
	// configuration's type cache and Explain may run on many goroutines.
	exprCfg *conf.Config
}

// xnode is a sub-expression with its own compiled program.
type xnode struct {
	text     string
	callee   string // a call's callee, as the author wrote it
	op       string
	program  *vm.Program
	children []*xnode
}

func (c *explainCache) build(p *program, layout frameLayout) (*xnode, error) {
	c.once.Do(func() {
		pristine, err := parser.Parse(p.src)
		if err != nil {
			c.err = err
			return
		}
		c.exprCfg = exprConfig(layout.typ, c.cfg, reflect.Invalid)
		c.root, c.err = c.node(pristine.Node, p.c.tree.Node)
	})
	return c.root, c.err
}

// checkCalls are the internal calls that check or convert the value of
// their first argument, which the author wrote: unwrap looks through them.
var checkCalls = map[string]bool{nanFunc: true, nanArgFunc: true, acyclicFunc: true, someFunc: true, numFunc: true,
	walkFunc: true, decidedFunc: true, dateStepFunc: true, timeSubFunc: true, plainFunc: true, fitFunc: true,
	condFunc: true, numberValueFunc: true, unixMilliFunc: true, mapKeyFunc: true, pairKeysFunc: true}

// unwrap looks through the checks instrumentation wrapped around n: the
// author wrote x where the tree says __nan(x).
func unwrap(n ast.Node) ast.Node {
	for {
		name, ok := isInternalCall(n)
		if !ok || !checkCalls[name] {
			return n
		}
		n = n.(*ast.CallNode).Arguments[0]
	}
}

// node builds the xnode for sub-expression n of the checked tree, whose
// text comes from the same place p of the pristine tree.
func (c *explainCache) node(p ast.Node, n ast.Node) (*xnode, error) {
	x := &xnode{text: p.String()}
	program, err := compiler.Compile(&parser.Tree{Node: n}, c.exprCfg)
	if err != nil {
		return nil, err
	}
	x.program = program
	var pairs [][2]ast.Node
	switch pn := p.(type) {
	case *ast.BinaryNode:
		if rn, ok := unwrap(n).(*ast.BinaryNode); ok && (isLogical(pn.Operator) || isComparison(pn.Operator)) {
			x.op = pn.Operator
			pairs = [][2]ast.Node{{pn.Left, rn.Left}, {pn.Right, rn.Right}}
		} else if name, ok := isInternalCall(unwrap(n)); ok && name == inFunc && pn.Operator == "in" {
			// k in m, looked up by value (map_keys.go): __in(k, m, g).
			args := unwrap(n).(*ast.CallNode).Arguments
			x.op = pn.Operator
			pairs = [][2]ast.Node{{pn.Left, args[0]}, {pn.Right, args[1]}}
		}
	case *ast.UnaryNode:
		if rn, ok := unwrap(n).(*ast.UnaryNode); ok && (pn.Operator == "!" || pn.Operator == "not") {
			x.op = "!"
			pairs = [][2]ast.Node{{pn.Node, rn.Node}}
		}
	case *ast.CallNode:
		// The checked call may carry hidden arguments (the evaluation
		// time, the governor) last; only the author's arguments are shown.
		if rn, ok := unwrap(n).(*ast.CallNode); ok && len(rn.Arguments) >= len(pn.Arguments) {
			x.op, x.callee = "call", pn.Callee.String()
			for i := range pn.Arguments {
				pairs = append(pairs, [2]ast.Node{pn.Arguments[i], rn.Arguments[i]})
			}
		}
	case *ast.ConditionalNode:
		if rn, ok := unwrap(n).(*ast.ConditionalNode); ok {
			x.op = "?:"
			pairs = [][2]ast.Node{{pn.Cond, rn.Cond}, {pn.Exp1, rn.Exp1}, {pn.Exp2, rn.Exp2}}
		}
	}
	for _, pr := range pairs {
		child, err := c.node(pr[0], pr[1])
		if err != nil {
			return nil, err
		}
		x.children = append(x.children, child)
	}
	return x, nil
}

// Explain evaluates the expression like [Expr.Eval] and returns the
// explanation of the evaluation. The error is the one Eval would return; the
// explanation is returned beside it, so a failure can be seen in context.
// The first call compiles the sub-expressions (once per Expr); Explain is
// much slower than Eval and meant for showing a result to a person.
func (e *Expr[Env, R]) Explain(env Env, now time.Time) (*Explanation, error) {
	return e.ExplainContext(context.Background(), env, now)
}

// ExplainContext is [Expr.Explain] under ctx, as [Expr.EvalContext] is
// Eval: the evaluation and the reruns that explain it stop when ctx ends
// (the error then is [ErrCancelled]), which with budgets of MaxInt is what
// bounds them.
func (e *Expr[Env, R]) ExplainContext(ctx context.Context, env Env, now time.Time) (*Explanation, error) {
	// The verdict is Eval's own, checks and conversions included, so an
	// explanation never disagrees with Eval; the tree shows how it came.
	res, err := e.EvalContext(ctx, env, now)
	if !e.compiled() {
		return nil, err
	}
	r := newRunner[Env](e.layout, e.limits)
	r.gov.start(ctx)
	s := &session[Env]{r: r, env: env, fr: r.bind(env, now)}
	step := explainStep(s, e.p, e.layout)
	x := &Explanation{Root: step}
	if err == nil {
		x.Value = res
	}
	settle(step, x.Value, err)
	return x, err
}

// settle makes the root of a tree say what the evaluation decided: the
// sub-programs run again for display, and the whole expression's value is
// the one Eval gave.
func settle(root *Step, value any, err error) {
	root.Value, root.Err, root.Skipped = value, "", false
	if err != nil {
		root.Value, root.Err = nil, firstLine(err.Error())
	}
}

type explainRun struct {
	vm  vm.VM
	env any
	gov *governor // the condition's one budget
	// rerunSteps and rerunMem count the steps and memory the reruns took
	// in all, which their credits leave out of the budget (see rerun).
	rerunSteps, rerunMem int64
}

// explainReruns bounds the steps of an explanation's reruns, in budgets:
// a loop nested under many levels is run once a level. explainRerunsMem
// bounds the memory they build again likewise: an explanation costs at
// most 1 + explainRerunsMem memory budgets.
const (
	explainReruns    = 16
	explainRerunsMem = 4
)

// rerun runs x's program, which evaluates again the children just
// explained (steps and mem are the budget's counts from before them):
// what their runs were charged is credited back first, so each piece of
// work is charged once, as Eval charges it, and Explain goes over the
// budget where Eval does (charged once a level, a loop under a ! or a
// comparison was over the budget in Explain and not in Eval). The work
// of the reruns themselves is bounded apart, by explainReruns budgets.
func (r *explainRun) rerun(x *xnode, steps, mem int64) (any, string) {
	if limit := explainReruns * r.gov.maxSteps; r.gov.maxSteps > 0 && r.gov.maxSteps <= math.MaxInt64/explainReruns && r.rerunSteps > limit {
		return nil, (&limitError{limit: "steps (Explain's reruns of nested sub-expressions)", max: limit}).Error()
	}
	// Memory apart: a string a rerun builds again, level after level
	// (repeat under forty !), costs no steps.
	if limit := explainRerunsMem * r.gov.maxMem; r.gov.maxMem > 0 && r.gov.maxMem <= math.MaxInt64/explainRerunsMem && r.rerunMem > limit {
		return nil, (&limitError{limit: "memory (Explain's reruns of nested sub-expressions)", max: limit}).Error()
	}
	before, beforeMem := r.gov.steps, r.gov.mem
	r.gov.steps, r.gov.mem = steps, mem
	v, err := r.value(x)
	r.rerunSteps += max(0, before-steps)
	r.rerunMem += max(0, beforeMem-mem)
	return v, err
}

func (r *explainRun) value(x *xnode) (any, string) {
	out, err := r.vm.Run(x.program, r.env)
	if err != nil {
		return nil, firstLine(err.Error())
	}
	return out, ""
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// eval evaluates x as expr would, short-circuits included, recording every
// sub-expression's value.
func (r *explainRun) eval(x *xnode) *Step {
	s := &Step{Expr: x.text, Op: x.op, callee: x.callee}
	switch {
	case isLogical(x.op):
		left := r.eval(x.children[0])
		s.Children = []*Step{left, nil}
		lv, ok := left.Value.(bool)
		short := ok && (lv == (x.op == "||" || x.op == "or"))
		if left.Err != "" || short {
			s.Children[1] = skipped(x.children[1])
			s.Value, s.Err = left.Value, left.Err
			return s
		}
		right := r.eval(x.children[1])
		s.Children[1] = right
		s.Value, s.Err = right.Value, right.Err
	case x.op == "!":
		steps, mem := r.gov.steps, r.gov.mem
		child := r.eval(x.children[0])
		s.Children = []*Step{child}
		s.Value, s.Err = r.rerun(x, steps, mem)
	case x.op == "?:":
		steps, mem := r.gov.steps, r.gov.mem
		cond := r.eval(x.children[0])
		s.Children = []*Step{cond}
		if cond.Err == "" {
			branch := x.children[2]
			if b, _ := cond.Value.(bool); b {
				branch = x.children[1]
			}
			s.Children = append(s.Children, r.eval(branch))
		}
		s.Value, s.Err = r.rerun(x, steps, mem)
	case isComparison(x.op) || x.op == "call":
		steps, mem := r.gov.steps, r.gov.mem
		for _, c := range x.children {
			s.Children = append(s.Children, r.eval(c))
		}
		s.Value, s.Err = r.rerun(x, steps, mem)
	default:
		s.Value, s.Err = r.value(x)
	}
	return s
}

func skipped(x *xnode) *Step { return &Step{Expr: x.text, Op: x.op, callee: x.callee, Skipped: true} }
