package dsl

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"time"
	"unsafe"

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

// session is one evaluation of a rule set: a VM and a frame bound to one
// environment and time.
type session[Env any] struct {
	r   *runner[Env]
	env Env
	fr  any
	nc  *nctx
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

func (s *session[Env]) run(p *program) (any, error) {
	out, err := s.r.vm.Run(p.c.program, s.fr)
	if err != nil {
		return nil, p.evalError(err)
	}
	return s.check(p, out)
}

// check applies the NaN guard to a program's value: a true condition that
// read a NaN field, or a NaN number, is an error.
func (s *session[Env]) check(p *program, out any) (any, error) {
	return checkNaN(p, unsafe.Pointer(&s.env), out)
}

// checkNaN is check over the environment at env.
func checkNaN(p *program, env unsafe.Pointer, out any) (any, error) {
	switch v := out.(type) {
	case bool:
		if v && len(p.c.floats) > 0 {
			if name, bad := nanField(env, p.c.floats); bad {
				return nil, p.errorf(ErrNaN, "%s is NaN, so the condition cannot be decided", name)
			}
		}
	case float64:
		if math.IsNaN(v) {
			return nil, p.errorf(ErrNaN, "result is NaN")
		}
	}
	return out, nil
}

func (s *session[Env]) bool(p *program) (bool, error) {
	out, err := s.run(p)
	if err != nil {
		return false, err
	}
	b, ok := out.(bool)
	if !ok {
		return false, p.errorf(nil, "condition is %T, want bool", out)
	}
	return b, nil
}

func (p *program) errorf(cause error, format string, args ...any) *Error {
	line, col := p.cfg.shift(1, 1)
	return &Error{RuleID: p.cfg.id, Kind: KindEval, Line: line, Column: col, Err: cause,
		Msg: fmt.Sprintf(format, args...), Snippet: snippet(p.src, 1, 1)}
}

func (p *program) evalError(err error) error {
	var fe *file.Error
	if !errors.As(err, &fe) {
		return &Error{RuleID: p.cfg.id, Kind: KindEval, Msg: err.Error(), Err: err}
	}
	kind := KindEval
	if fe.Message == "memory budget exceeded" {
		kind = KindLimit
	}
	out := p.cfg.errorAt(p.src, fe.From, kind, fe.Message, "")
	out.Err = fe.Unwrap()
	return out
}

// formatTemplateValue renders an interpolated value in a message: numbers
// without noise, dates as dates.
func formatTemplateValue(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case time.Time:
		return formatValue(x)
	}
	return formatValue(v)
}

// explainStep evaluates the program on the session's frame, recording its
// sub-expressions; see [Expr.Explain].
func explainStep[Env any](s *session[Env], p *program, layout frameLayout) *Step {
	root, err := p.explain.build(p.src, reflect.TypeFor[Env](), layout)
	if err != nil {
		return &Step{Expr: p.src, Err: firstLine(err.Error())}
	}
	// The sub-programs are compiled for any result; the fast path's own
	// program is the authority on the whole expression's value.
	run := &explainRun{vm: vm.VM{MemoryBudget: s.r.vm.MemoryBudget}, env: s.fr}
	return run.eval(root)
}
