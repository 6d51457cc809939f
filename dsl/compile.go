package dsl

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/builtin"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/optimizer"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
)

// errorAt builds an *Error at a rune offset of src, shifted by the
// configured start position of the expression.
func (c *config) errorAt(src string, offset int, kind Kind, msg, suggestion string) *Error {
	line, col := lineCol(src, offset)
	e := &Error{RuleID: c.id, Kind: kind, Msg: msg, Suggestion: suggestion, Snippet: snippet(src, line, col)}
	e.Line, e.Column = c.shift(line, col)
	return e
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
		return &Error{RuleID: c.id, Kind: kind, Msg: err.Error(), Err: err}
	}
	msg := fe.Message
	if kind == KindType && strings.HasPrefix(msg, "unknown name") {
		kind = KindUnknownName
	}
	e := c.errorAt(src, fe.From, kind, msg, "")
	e.Err = fe.Unwrap()
	return e
}

// compiled is the result of the compile pipeline that does not depend on
// the result type: the program and the static facts of the expression.
type compiled struct {
	program *vm.Program
	tree    *parser.Tree
	reads   []string
	calls   []string
	floats  []fieldPath
	exprCfg *conf.Config
}

// compileTree runs parse, rewrite, check, optimize and compile for an
// expression over the frame of env type envType, expecting result kind
// expect (reflect.Invalid for any).
func compileTree(src string, envType reflect.Type, layout frameLayout, cfg *config, expect reflect.Kind) (*compiled, error) {
	ec := exprConfig(layout.typ, cfg, expect)
	tree, rw, err := prepare(src, envType, layout, cfg, ec)
	if err != nil {
		return nil, err
	}
	if _, err := checker.Check(tree, ec); err != nil {
		return nil, cfg.fromExprError(src, err, KindType)
	}
	if err := optimizer.Optimize(&tree.Node, ec); err != nil {
		return nil, cfg.fromExprError(src, err, KindType)
	}
	program, err := compiler.Compile(tree, ec)
	if err != nil {
		return nil, cfg.fromExprError(src, err, KindType)
	}
	return &compiled{program: program, tree: tree, reads: sortedKeys(rw.reads), calls: sortedKeys(rw.calls),
		floats: rw.floats, exprCfg: ec}, nil
}

// prepare parses src and readies its tree for expr's checker: limits
// enforced, lets inlined, names resolved and rewritten for the frame.
func prepare(src string, envType reflect.Type, layout frameLayout, cfg *config, ec *conf.Config) (*parser.Tree, *rewriter, error) {
	if len(src) > cfg.limits.MaxSourceBytes {
		return nil, nil, &Error{RuleID: cfg.id, Kind: KindLimit,
			Msg: fmt.Sprintf("source is %d bytes, over the limit of %d", len(src), cfg.limits.MaxSourceBytes)}
	}
	if strings.TrimSpace(src) == "" {
		return nil, nil, &Error{RuleID: cfg.id, Kind: KindSyntax, Msg: "empty expression"}
	}
	tree, err := parser.ParseWithConfig(src, ec)
	if err != nil {
		return nil, nil, cfg.fromExprError(src, err, KindSyntax)
	}
	if n := countNodes(tree.Node); n > cfg.limits.MaxNodes {
		return nil, nil, &Error{RuleID: cfg.id, Kind: KindLimit,
			Msg: fmt.Sprintf("expression has %d nodes, over the limit of %d", n, cfg.limits.MaxNodes)}
	}
	if err := inlineLets(&tree.Node, cfg.lets); err != nil {
		return nil, nil, cfg.fromExprError(src, err, KindSyntax)
	}
	rw := newRewriter(envType, !layout.flat, cfg, src)
	rw.walk(&tree.Node)
	if len(rw.errs) > 0 {
		return nil, nil, errors.Join(rw.errs...)
	}
	return tree, rw, nil
}

// exprConfig builds expr's configuration: the frame as environment, our
// built-ins and the host's functions, the wall-clock and file-reading
// built-ins disabled, and the expected result kind.
func exprConfig(frameType reflect.Type, cfg *config, expect reflect.Kind) *conf.Config {
	ec := conf.CreateNew()
	ec.WithEnv(reflect.New(frameType).Elem().Interface())
	ec.MaxNodes = 0 // counted by countNodes, with our own error
	for _, name := range disabledExprBuiltins {
		delete(ec.Builtins, name)
		ec.Disabled[name] = true
	}
	for _, f := range builtinFuncs {
		ec.Functions[f.name] = f.exprFunc()
	}
	for _, f := range cfg.funcs {
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
	return &builtin.Function{Name: f.name, Func: f.fn, Types: types}
}

// countNodes counts the nodes of a tree.
func countNodes(root ast.Node) int {
	n := 0
	ast.Walk(&root, counter{&n})
	return n
}

type counter struct{ n *int }

// Visit counts a node, for ast.Walk.
func (c counter) Visit(*ast.Node) { *c.n++ }

// expectKind maps a result type to the kind expr checks at compile time.
func expectKind(t reflect.Type) reflect.Kind {
	switch t.Kind() {
	case reflect.Bool, reflect.Float64, reflect.Int, reflect.String:
		return t.Kind()
	}
	return reflect.Invalid
}
