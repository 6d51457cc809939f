package dsl

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"time"

	"github.com/expr-lang/expr/vm"

	"github.com/expr-lang/expr/file"
)

// program is one compiled expression of a rule set: a condition, a let, an
// output or a template part. Unlike [Expr] it has no pool of its own: a rule
// set binds the environment to one frame per evaluation and runs all the
// programs it needs on it.
type program struct {
	src  string
	cfg  *config // rule id and position, for errors
	c    *compiled
	kind reflect.Kind // expected result kind; reflect.Invalid for any
	// native and cond are the expression as closures, when it can be
	// (cond for conditions, unboxed); see native.go.
	native nativeValue
	cond   nativeCond
	// num is a number-valued expression as an unboxed closure (urgency
	// and sensitivity are read as float64, and boxing them would cost an
	// allocation each).
	num func(*nctx) (float64, bool)
	// unboxed is an expression of any kind whose closures give a bool,
	// an int, a float64, a string or a time: a title writes it, and a
	// hit store lays it out as evidence, without boxing it one by one
	// (boxes were two of every three allocations of a hit).
	unboxed *nnode
	// explain holds the sub-expression programs, built on first use.
	explain *explainCache
}

// compileProgram compiles one expression of a rule set over Env.
func compileProgram[Env any](src string, layout frameLayout, cfg *config, kind reflect.Kind) (*program, error) {
	c, err := compileTree(src, reflect.TypeFor[Env](), layout, cfg, kind)
	if err != nil {
		return nil, err
	}
	return &program{src: src, cfg: cfg, c: c, kind: kind, explain: &explainCache{cfg: cfg}}, nil
}

// session is one evaluation of a rule set or an expression: a runner
// bound to one environment and time.
type session[Env any] struct {
	r   *runner[Env]
	env Env
	fr  any
	nc  *nctx
	// states are what the evaluation knows of the rule set's shared
	// guards, in stateBuf, which the runner keeps between evaluations.
	states   []guardState
	stateBuf []guardState
	// evidenceOf is the rule being fired once its first hit's evidence
	// is computed, nil before; evidenceSteps and evidenceMem are what the
	// evidence of its hits has spent of its one budget (see evidence).
	evidenceOf                 *cRule
	evidenceSteps, evidenceMem int64
	// store lays out the hits' texts and evidence (EvalOptions.Store),
	// nil for an allocation each.
	store *HitStore
}

// native is what the closures read: the environment as copied into the
// runner's flat frame (closures exist only for flat frames, whose prefix
// is laid out as Env is) and the time. It is readied once a session:
// readying it again would forget the calls memoized so far.
func (s *session[Env]) native() *nctx {
	if s.nc == nil {
		s.nc = s.r.native()
	}
	return s.nc
}

// value evaluates one expression of the plan with the backend chosen for
// it: its closures when they decide, else its expr program, which gives
// the value or the error the closures left to it.
func (s *session[Env]) value(p *program) (any, error) {
	if p.native != nil {
		spent := s.r.gov.spent()
		if v, ok := p.native(s.native()); ok {
			return checkValue(p, v)
		}
		s.r.gov.refund(spent)
	}
	return s.run(p)
}

// run evaluates p with its expr program.
func (s *session[Env]) run(p *program) (any, error) {
	program, err := p.c.exprProgram()
	if err != nil {
		return nil, err
	}
	out, err := s.r.vm.Run(program, s.fr)
	if err != nil {
		return nil, p.evalError(err)
	}
	return checkValue(p, out)
}

// float evaluates a number-valued expression.
func (s *session[Env]) float(p *program) (any, float64, error) {
	if p.num != nil {
		spent := s.r.gov.spent()
		if v, ok := p.num(s.native()); ok {
			if v != v {
				return nil, 0, p.errorf(ErrNaN, "result is NaN")
			}
			return nil, v, nil
		}
		s.r.gov.refund(spent)
	}
	out, err := s.value(p)
	return out, 0, err
}

// bool evaluates a condition.
func (s *session[Env]) bool(p *program) (bool, error) {
	if p.cond != nil {
		spent := s.r.gov.spent()
		if v, ok := p.cond(s.native()); ok {
			return v, nil
		}
		s.r.gov.refund(spent)
		out, err := s.run(p)
		return boolOf(p, out, err)
	}
	out, err := s.value(p)
	return boolOf(p, out, err)
}

func boolOf(p *program, out any, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	b, ok := out.(bool)
	if !ok {
		return false, p.errorf(nil, "condition is %T, want bool", out)
	}
	return b, nil
}

// checkValue applies the rule on NaN results: a number an expression
// yields must not be NaN, since whatever consumes it (an output, a title,
// a table's cells) would decide on it silently.
func checkValue(p *program, out any) (any, error) {
	// Any float: a host's float type (type GBP float64) behind an
	// interface, or a pointer to one, is written as a number too.
	if isNaN(out) {
		return nil, p.errorf(ErrNaN, "result is NaN")
	}
	return out, nil
}

func (p *program) errorf(cause error, format string, args ...any) *Error {
	line, col := p.cfg.place(p.src, 0)
	return &Error{RuleID: p.cfg.id, Statement: p.cfg.stmt, Kind: KindEval, Line: line, Column: col, Err: cause,
		Msg: fmt.Sprintf(format, args...), Snippet: snippet(p.src, 1, 1)}
}

func (p *program) evalError(err error) error {
	var fe *file.Error
	if !errors.As(err, &fe) {
		// Not expr's, so placed by no offset of its own (a budget a
		// title's part went over, a host's error): at the expression's
		// start, which names the part that failed.
		out := p.cfg.errorAt(p.src, 0, kindOf(err), err.Error(), "")
		out.Err = err
		return out
	}
	kind := kindOf(fe.Unwrap())
	if fe.Message == "memory budget exceeded" {
		kind = KindLimit
	}
	out := p.cfg.errorAt(p.src, fe.From, kind, fe.Message, "")
	out.Err = fe.Unwrap()
	return out
}

// appendTemplateValue appends an interpolated value of a title or message
// to b, as formatTemplateValue writes it.
func appendTemplateValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case string:
		return append(b, x...)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case float64:
		return appendTemplateNumber(b, x)
	}
	return append(b, formatTemplateValue(v)...)
}

// formatTemplateValue renders an interpolated value in a message: numbers
// without noise, dates as dates.
func formatTemplateValue(v any) string {
	// A pointer to a value (an *int or a *time.Time in a map of any) is
	// written as the value, as the front end reads one whose type it
	// knows; a nil one as nil.
	if p, _, ok := valuePointee(reflect.ValueOf(v)); ok {
		v = p
	}
	switch x := v.(type) {
	case string:
		return x
	case time.Time:
		return formatValue(x)
	case float64:
		return templateNumber(x)
	case float32:
		return templateNumber(float32Decimal(x))
	}
	// A host's float type (type GBP float64), or a float32 of one,
	// behind an interface or a map's value: a number as a float64 is,
	// never in exponent form.
	if rv := reflect.ValueOf(v); rv.IsValid() && rv.CanFloat() {
		if rv.Kind() == reflect.Float32 {
			return templateNumber(float32Decimal(float32(rv.Float())))
		}
		return templateNumber(rv.Float())
	}
	if rv := reflect.ValueOf(v); rv.IsValid() && rv.Kind() == reflect.String {
		return rv.String() // a host's named string, written as a string is: whole, unquoted
	}
	return formatValue(v)
}

// explainStep evaluates the program on the session's frame, recording its
// sub-expressions; see [Expr.Explain].
func explainStep[Env any](s *session[Env], p *program, layout frameLayout) *Step {
	root, err := p.explain.build(p, layout)
	if err != nil {
		return &Step{Expr: p.src, Err: firstLine(err.Error())}
	}
	s.r.gov.reset()
	run := &explainRun{vm: vm.VM{MemoryBudget: s.r.vm.MemoryBudget}, env: s.fr, gov: &s.r.gov}
	return run.eval(root)
}
