package dsl

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
)

// errorAt builds an *Error at a rune offset of src, shifted by the
// configured start position of the expression.
func (c *config) errorAt(src string, offset int, kind Kind, msg, suggestion string) *Error {
	line, col := lineCol(src, offset)
	e := &Error{RuleID: c.id, Statement: c.stmt, Kind: kind, Msg: msg, Suggestion: suggestion, Snippet: snippet(src, line, col)}
	e.Line, e.Column = c.place(src, offset)
	return e
}

// place maps a rune offset of the expression src to the enclosing source:
// by at when the expression is not written there as it reads, else by
// shift.
func (c *config) place(src string, offset int) (int, int) {
	if len(c.at) > 0 {
		p := c.at[min(max(offset, 0), len(c.at)-1)]
		return p.Line, p.Col
	}
	return c.shift(lineCol(src, offset))
}

// shift maps a position inside the expression to the enclosing source.
func (c *config) shift(line, col int) (int, int) {
	if c.line <= 0 {
		return line, col
	}
	if line == 1 {
		col += max(c.col, 1) - 1
	}
	return line + c.line - 1, col
}

// fromExprError converts an error of expr's parser, checker or optimizer.
func (c *config) fromExprError(src string, err error, kind Kind) error {
	var fe *file.Error
	if !errors.As(err, &fe) {
		// An error of the whole expression (its result is not of the
		// type the statement needs) points at the expression's start.
		// A number known only when the rule runs is read as one
		// (number_result.go): what is left here can be no number.
		msg := c.resultMessage(err.Error())
		e := c.errorAt(src, 0, kind, msg, "")
		e.Err = err
		return e
	}
	msg, hint := authorMessage(strings.TrimSpace(fe.Message))
	if kind == KindType && strings.HasPrefix(msg, "unknown name") {
		kind = KindUnknownName
	}
	e := c.errorAt(src, fe.From, kind, msg, hint)
	e.Err = fe.Unwrap()
	return e
}

// resultMessage says expr's "expected bool, but got int" in the words of
// the statement: "the when is int; it must be a bool" (msg itself when it
// says something else).
func (c *config) resultMessage(msg string) string {
	var want, got string
	if n, _ := fmt.Sscanf(strings.Replace(msg, ", but got ", " ", 1), "expected %s %s", &want, &got); n != 2 {
		return msg
	}
	what := "the expression"
	if where, stmt, ok := strings.Cut(c.stmt, ", "); ok {
		what = "the " + stmt + " of " + where
	} else if c.stmt != "" {
		what = "the " + c.stmt
	}
	if want == "float64" {
		want = "number"
	}
	return fmt.Sprintf("%s is %s; it must be a %s", what, got, want)
}

// authorMessage adds, to the parser's messages about the mistakes authors
// make most, what they probably meant.
func authorMessage(msg string) (string, string) {
	switch {
	case msg == "unexpected token EOF":
		return "the expression is incomplete: an operand or a closing bracket is missing", ""
	case msg == `unexpected token Operator("=")`:
		return msg + ": to compare, write ==", ""
	case strings.HasPrefix(msg, `unexpected token Identifier("`):
		word := strings.TrimSuffix(strings.TrimPrefix(msg, `unexpected token Identifier("`), `")`)
		return msg, nearest(word, []string{"and", "or", "not", "in", "matches", "contains", "startsWith", "endsWith"})
	}
	return msg, ""
}

// compiled is an expression through the front end and the expr backend:
// the checked tree every backend consumes, its expr program, and its
// static facts.
type compiled struct {
	tree  *parser.Tree
	reads []string
	calls []string
	// The expr program is compiled when the plan needs it: at once for an
	// expression the closures do not cover, on first use for one they do
	// (they leave only the odd evaluation to expr, a nil pointer, say).
	// Most expressions of a rule set never need theirs, which halves what
	// a compiled rule keeps.
	once    sync.Once
	program *vm.Program
	err     error
	src     string
	cfg     *config
	ec      *conf.Config
}

// exprProgram returns the expr program, compiling it on first use.
// Compiling writes to expr's configuration (a type cache), which the
// expressions of one compile share, hence the lock.
func (c *compiled) exprProgram() (*vm.Program, error) {
	c.once.Do(func() {
		c.cfg.exprCfgs.mu.Lock()
		defer c.cfg.exprCfgs.mu.Unlock()
		program, err := compiler.Compile(c.tree, c.ec)
		if err != nil {
			c.err = c.cfg.fromExprError(c.src, err, KindType)
			return
		}
		c.program = program
		c.ec, c.cfg = nil, nil // not needed any more
	})
	return c.program, c.err
}

// compileTree runs the front end for an expression over the frame of env
// type envType, expecting result kind expect (reflect.Invalid for any),
// then compiles its checked tree to an expr program. expr's optimizer is
// not run: it would fold constants at compile time (a doubling string
// constant is a compile-time allocation no budget sees) and rewrite the
// tree the other backends read.
func compileTree(src string, envType reflect.Type, layout frameLayout, cfg *config, expect reflect.Kind) (*compiled, error) {
	ec := cfg.exprConfigFor(layout.typ, expect)
	chk, err := frontEnd(src, envType, layout, cfg, ec)
	if err != nil {
		return nil, err
	}
	return &compiled{tree: chk.tree, reads: chk.reads, calls: chk.calls, src: src, cfg: cfg, ec: ec}, nil
}

// exprConfig builds expr's configuration: the frame as environment, our
// built-ins and the host's functions, the wall-clock and file-reading
// built-ins disabled, and the expected result kind.
func exprConfig(frameType reflect.Type, cfg *config, expect reflect.Kind) *conf.Config {
	ec := conf.CreateNew()
	ec.WithEnv(reflect.New(frameType).Elem().Interface())
	ec.MaxNodes = 0 // counted by expandedSize (frontend.go), with our own error
	for _, name := range disabledExprBuiltins {
		delete(ec.Builtins, name)
		ec.Disabled[name] = true
	}
	for _, fs := range []map[string]*hostFunc{builtinFuncs, governedFuncs, internalFuncs} {
		for _, f := range fs {
			ec.Functions[f.name] = f.exprFunc()
		}
	}
	for _, f := range cfg.funcs {
		ec.Functions[f.name] = cfg.widened(f).exprFunc()
	}
	ec.Functions[numFunc] = numHostFunc(cfg).exprFunc()
	for _, f := range dateFuncs {
		ec.Functions[f.name] = f.exprFunc()
	}
	for _, f := range formatFuncs(cfg) {
		ec.Functions[f.name] = f.exprFunc()
	}
	if expect == reflect.Invalid {
		ec.ExpectAny = true
	} else {
		ec.Expect = expect
	}
	ec.Check()
	return ec
}

func (f *hostFunc) exprFunc() *builtin.Function {
	types := make([]reflect.Type, len(f.types))
	for i, t := range f.types {
		types[i] = reflect.TypeOf(t).Elem()
	}
	validate := f.validate
	if validate != nil && !strings.HasPrefix(f.name, "__") {
		// A nil literal has no type: an argument that is nil whatever
		// the data is refused here, with its position, before a
		// validator reads its kind.
		validate = func(args []reflect.Type) (reflect.Type, error) {
			for i, t := range args {
				if t == nil {
					return nil, fmt.Errorf("%s: argument %d is nil", f.name, i+1)
				}
			}
			return f.validate(args)
		}
	}
	return &builtin.Function{Name: f.name, Func: f.fn, Types: types, Validate: validate}
}

// exprConfigFor returns expr's configuration for the frame type and
// expected kind, built once per compile and shared by its expressions:
// building one copies every built-in, which would otherwise be most of
// the memory a compiled rule keeps.
func (c *config) exprConfigFor(frameType reflect.Type, expect reflect.Kind) *conf.Config {
	if c.exprCfgs == nil {
		c.exprCfgs = &exprConfigs{}
	}
	if c.exprCfgs.frame != frameType {
		c.exprCfgs.frame, c.exprCfgs.byKind = frameType, map[reflect.Kind]*conf.Config{}
	}
	ec := c.exprCfgs.byKind[expect]
	if ec == nil {
		ec = exprConfig(frameType, c, expect)
		c.exprCfgs.byKind[expect] = ec
	}
	return ec
}

// exprConfigs caches expr configurations for one frame type.
type exprConfigs struct {
	frame  reflect.Type
	byKind map[reflect.Kind]*conf.Config
	// mu serialises the compiles that use the configurations after the
	// rule set is built; see compiled.exprProgram.
	mu sync.Mutex
}

// expectKind maps a result type to the kind expr checks at compile time.
func expectKind(t reflect.Type) reflect.Kind {
	switch t.Kind() {
	case reflect.Bool, reflect.Float64, reflect.Int, reflect.String:
		return t.Kind()
	}
	return reflect.Invalid
}
