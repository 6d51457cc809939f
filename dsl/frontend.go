package dsl

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/engagekit/engagekit/internal/exprkey"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/parser/lexer"
)

// The front end turns an expression's source into the one checked, typed
// tree that every backend consumes (see doc.go, "Design"). Its steps, in
// order:
//
//  1. limits on the text: size, and nesting depth measured on the tokens
//     before anything recursive runs;
//  2. parse;
//  3. limits on what will run: the size of the tree once the rule's lets
//     are expanded, computed from the lets' own sizes before any copy is
//     made, so doubling lets are refused in linear time;
//  4. lets inlined, names resolved and rewritten for the frame (rewrite.go);
//  5. type check against the environment, with the expected result kind,
//     numbers of the host's own types read as int or float64 (numbers.go),
//     each pointer (#, #acc) read where it runs (scopes.go), and each
//     reduce's step checked with #acc typed as it runs (accumulator.go);
//  6. instrumentation (instrument.go): the NaN and nil rule, the step and
//     memory budget, and the reach allow-list, made explicit in the tree;
//     then the copies of large values charged (copies.go) and map keys
//     read as values (map_keys.go);
//  7. type check again, so the instrumented tree is typed too.

// maxTreeDepth bounds the depth of a parsed tree, whatever the limits a
// host sets: the checker and the compiler walk trees recursively, and a
// chain of a million operators would exhaust the goroutine's stack, a
// fatal error no recover can catch.
const maxTreeDepth = 10_000

// checked is the front end's result: the instrumented, typed tree and the
// static facts of the expression.
type checked struct {
	tree  *parser.Tree
	reads []string
	calls []string
}

// frontEnd runs steps 1 to 7 for src over the frame of env type envType.
func frontEnd(src string, envType reflect.Type, layout frameLayout, cfg *config, ec *conf.Config) (*checked, error) {
	tree, rw, err := prepare(src, envType, layout, cfg, ec)
	if err != nil {
		return nil, err
	}
	check := func() error {
		if _, err := checker.Check(tree, ec); err != nil {
			return cfg.fromExprError(src, err, KindType)
		}
		return nil
	}
	if err := normalizeNumbers(&tree.Node, cfg, check, ec.Expect); err != nil {
		return nil, err
	}
	if err := cfg.checkScopes(src, tree.Node); err != nil {
		return nil, err
	}
	limit := func(msg string) error { return cfg.errorAt(src, 0, KindLimit, msg, "") }
	if err := typeAccumulators(&tree.Node, check, cfg.keepsType, limit); err != nil {
		return nil, err
	}
	in := &instrumenter{cfg: cfg, src: src, env: envType, methods: cfg.methods}
	in.bindLets(tree.Node)
	in.walk(&tree.Node)
	chargeCopies(&tree.Node)
	if ec.Expect == reflect.Bool {
		// A condition that is a nil would decide as false.
		in.guardChain(&tree.Node)
	}
	keyMaps(&tree.Node)
	if len(in.errs) > 0 {
		return nil, errors.Join(in.errs...)
	}
	guardCycles(&tree.Node, func(name string) bool { return cfg.funcs[name] != nil })
	if err := check(); err != nil {
		// The instrumentation's arithmetic of values known only when
		// the rule runs is typed any (number_result.go).
		if ec.Expect != reflect.Float64 || !wrapNumberResult(&tree.Node) {
			return nil, err
		}
		if err := check(); err != nil {
			return nil, err
		}
	}
	return &checked{tree: tree, reads: sortedKeys(rw.reads), calls: sortedKeys(rw.calls)}, nil
}

// prepare runs steps 1 to 4.
func prepare(src string, envType reflect.Type, layout frameLayout, cfg *config, ec *conf.Config) (*parser.Tree, *rewriter, error) {
	// Placed at the expression's start, as every error of an expression
	// is (a blank one, a form feed or a no-break space, had no place).
	if len(src) > cfg.limits.MaxSourceBytes {
		return nil, nil, cfg.errorAt(src, 0, KindLimit, fmt.Sprintf("source is %d bytes, over the limit of %d", len(src), cfg.limits.MaxSourceBytes), "")
	}
	if strings.TrimSpace(src) == "" {
		return nil, nil, cfg.errorAt(src, 0, KindSyntax, "empty expression", "")
	}
	if err := checkNesting(src, cfg); err != nil {
		return nil, nil, err
	}
	tree, err := parser.ParseWithConfig(src, ec)
	if err != nil {
		return nil, nil, cfg.fromExprError(src, err, KindSyntax)
	}
	if treeDepth(tree.Node) > maxTreeDepth {
		return nil, nil, cfg.errorAt(src, 0, KindLimit, fmt.Sprintf("expression nests deeper than %d", maxTreeDepth), "")
	}
	if n := expandedSize(tree.Node, cfg.lets, cfg.limits.MaxNodes, ec); n > cfg.limits.MaxNodes {
		return nil, nil, cfg.errorAt(src, 0, KindLimit,
			fmt.Sprintf("expression has over %d nodes with its lets expanded, over the limit of %d", cfg.limits.MaxNodes, cfg.limits.MaxNodes), "")
	} else if cfg.nodes != nil {
		if n > *cfg.nodes {
			return nil, nil, cfg.errorAt(src, 0, KindLimit,
				fmt.Sprintf("template has over %d nodes with its lets expanded, its parts together, over the limit of %d", cfg.limits.MaxNodes, cfg.limits.MaxNodes), "")
		}
		*cfg.nodes -= n
	}
	if err := inlineLets(&tree.Node, cfg.lets, ec); err != nil {
		if errors.Is(err, errBadLet) {
			return nil, nil, err
		}
		return nil, nil, cfg.fromExprError(src, err, KindSyntax)
	}
	rw := newRewriter(envType, !layout.flat, cfg, src)
	rw.walk(&tree.Node)
	if len(rw.errs) > 0 {
		return nil, nil, errors.Join(rw.errs...)
	}
	if rw.quiet {
		return nil, nil, errBadLet
	}
	return tree, rw, nil
}

// checkNesting measures how deeply src nests, on its tokens: brackets,
// runs of prefix operators, conditionals and right-associative powers,
// which are what make expr's parser recurse. Tokens are read one at a time
// by expr's own lexer, which does not recurse, so the check is linear in
// the source and stops at the first token too deep.
func checkNesting(src string, cfg *config) error {
	lx := lexer.New()
	lx.Reset(file.NewSource(src))
	limit := cfg.limits.MaxDepth
	depth, prefix, deepest := 0, 0, 0
	var open []int // conditionals and powers open at each bracket level
	open = append(open, 0)
	prevOperand := false
	for {
		t, err := lx.Next()
		if err != nil || t.Kind == lexer.EOF {
			return nil // a lexing error is the parser's to report, with its position
		}
		switch {
		case t.Is(lexer.Bracket, "(") || t.Is(lexer.Bracket, "[") || t.Is(lexer.Bracket, "{"):
			depth++
			open = append(open, 0)
			prevOperand = false
		case t.Is(lexer.Bracket, ")") || t.Is(lexer.Bracket, "]") || t.Is(lexer.Bracket, "}"):
			if depth > 0 {
				depth--
				open = open[:len(open)-1]
			}
			prevOperand = true
		case t.Kind == lexer.Operator:
			switch {
			case !prevOperand && (t.Value == "!" || t.Value == "not" || t.Value == "-" || t.Value == "+"):
				prefix++
			case t.Value == "?" || t.Value == "**" || t.Value == "^":
				open[len(open)-1]++
			}
			prevOperand = false
		default:
			prefix = 0
			prevOperand = true
		}
		if d := depth + prefix + open[len(open)-1]; d > deepest {
			deepest = d
			if deepest > limit {
				return cfg.errorAt(src, t.From, KindLimit, fmt.Sprintf("expression nests deeper than the limit of %d", limit), "")
			}
		}
	}
}

// treeDepth is the depth of a tree, computed without recursion.
func treeDepth(root ast.Node) int {
	type item struct {
		n     ast.Node
		depth int
	}
	stack := []item{{root, 1}}
	deepest := 0
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		deepest = max(deepest, it.depth)
		if deepest > maxTreeDepth {
			return deepest
		}
		for _, c := range exprkey.Children(it.n) {
			if *c != nil {
				stack = append(stack, item{*c, it.depth + 1})
			}
		}
	}
	return deepest
}

// expandedSize counts the nodes of the tree the expression will be once
// its lets are expanded, stopping once the count passes limit. A let's own
// expanded size is computed once and kept on the let, so a chain of lets
// that each use the one before twice costs linear time to measure, however
// large the expansion would be.
func expandedSize(root ast.Node, lets map[string]*letDef, limit int, ec *conf.Config) int {
	total := 0
	var scopes []string
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		if n == nil || total > limit {
			return
		}
		switch n := n.(type) {
		case *ast.IdentifierNode:
			if def, ok := lets[n.Value]; ok && !contains(scopes, n.Value) {
				total += def.size(limit, ec)
				return
			}
		case *ast.VariableDeclaratorNode:
			total++
			walk(n.Value)
			scopes = append(scopes, n.Name)
			walk(n.Expr)
			scopes = scopes[:len(scopes)-1]
			return
		case *ast.MemberNode:
			total++
			walk(n.Node)
			if _, ok := n.Property.(*ast.StringNode); !ok {
				walk(n.Property)
			} else {
				total++
			}
			return
		}
		total++
		for _, c := range exprkey.Children(n) {
			walk(*c)
		}
	}
	walk(root)
	return total
}

// size is the let's expanded size, saturating just past limit; a let
// that does not parse counts as one node (its use reports the error).
func (d *letDef) size(limit int, ec *conf.Config) int {
	if d.sized {
		return d.nodes
	}
	d.sized, d.nodes = true, 1
	if d.bad {
		return 1
	}
	tree, err := parser.ParseWithConfig(d.src, ec)
	if err == nil && treeDepth(tree.Node) <= maxTreeDepth {
		d.nodes = min(expandedSize(tree.Node, d.deps, limit, ec), limit+1)
	}
	return d.nodes
}
