package dsl

import (
	"errors"

	"github.com/engagekit/engagekit/internal/exprkey"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
)

// A let of a rule file is a named expression that later parts of the rule
// use. Lets are inlined where they are used, not evaluated ahead of the
// rule, so that a guard protects them as a reader expects: in
//
//	let days = daysUntil(mortgage.FixedTermEnd)
//	when mortgage != nil && days <= 14
//
// days is computed only once mortgage is known to be there. The value a let
// had is reported as evidence when its rule fires.
type letDef struct {
	src string
	// deps are the lets visible to this let's own source (those declared
	// before it).
	deps map[string]*letDef
	// bad marks a let whose own compile failed: its error is reported
	// once, where it is declared, and not again at every use.
	bad bool
	// sized and nodes memoize the let's expanded size; see expandedSize.
	sized bool
	nodes int
}

// errBadLet stops the compile of an expression that uses a let whose
// own compile failed; it is not reported, since the let's error is.
var errBadLet = errors.New("dsl: uses a let that failed to compile")

// inlineLets replaces every identifier naming a let with the let's
// expression, itself with its own lets inlined. Names bound by an expr
// `let` or predicate inside the expression shadow rule lets. Inlined nodes
// take the position of the identifier they replace, so an error inside
// points at the use.
func inlineLets(slot *ast.Node, lets map[string]*letDef, ec *conf.Config) error {
	if len(lets) == 0 {
		return nil
	}
	var firstErr error
	var scopes []string
	var walk func(*ast.Node)
	walk = func(slot *ast.Node) {
		switch n := (*slot).(type) {
		case *ast.IdentifierNode:
			def, ok := lets[n.Value]
			if !ok || contains(scopes, n.Value) {
				return
			}
			if def.bad {
				if firstErr == nil {
					firstErr = errBadLet
				}
				return
			}
			inlined, err := def.parse(ec)
			if err != nil {
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			relocate(inlined, n.Location())
			*slot = inlined
		case *ast.VariableDeclaratorNode:
			walk(&n.Value)
			scopes = append(scopes, n.Name)
			walk(&n.Expr)
			scopes = scopes[:len(scopes)-1]
		case *ast.MemberNode:
			walk(&n.Node)
			if _, ok := n.Property.(*ast.StringNode); !ok {
				walk(&n.Property)
			}
		default:
			for _, child := range exprkey.Children(*slot) {
				walk(child)
			}
		}
	}
	walk(slot)
	return firstErr
}

// parse returns a fresh tree of the let's expression with its own lets
// inlined. Every use gets its own copy, since expr's checker annotates
// nodes in place. It parses with the expression's own configuration, so a
// name means the same function in a let as anywhere else (the governed
// built-ins, not expr's).
func (d *letDef) parse(ec *conf.Config) (ast.Node, error) {
	tree, err := parser.ParseWithConfig(d.src, ec)
	if err != nil {
		return nil, err
	}
	if err := inlineLets(&tree.Node, d.deps, ec); err != nil {
		return nil, err
	}
	return tree.Node, nil
}

func relocate(n ast.Node, loc file.Location) {
	var walk func(*ast.Node)
	walk = func(slot *ast.Node) {
		(*slot).SetLocation(loc)
		for _, c := range exprkey.Children(*slot) {
			walk(c)
		}
	}
	walk(&n)
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}
