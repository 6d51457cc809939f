package dsl

import (
	"errors"
	"fmt"

	"github.com/engagekit/engagekit/internal/exprkey"
	"github.com/expr-lang/expr/ast"
)

// Where #, #index and #acc read. A built-in that walks a list (all, map,
// filter, sum, sortBy, reduce, …) opens a scope for its predicate, and at
// run time #, #index and #acc read the innermost scope open, as expr's
// checker reads them (it refuses #acc in a predicate other than
// reduce's), but in two places: reduce's initial value and sortBy's
// order run inside the built-in's own scope, before its first element,
// while the checker reads them outside it. There # is not the element of
// the predicate around, #acc not its accumulator, and a rule checked as
// one thing runs as another, failing on every evaluation or giving
// another value. A pointer there is a compile error: the front end never
// lets the checker and the run time disagree on what a pointer reads.

// predicateBuiltins are the built-ins that open a scope for their
// predicate, their second argument.
var predicateBuiltins = map[string]bool{"all": true, "none": true, "any": true, "one": true, "filter": true, "map": true,
	"count": true, "sum": true, "find": true, "findIndex": true, "findLast": true, "findLastIndex": true,
	"groupBy": true, "sortBy": true, "reduce": true}

// checkScopes reports the pointers read where the run time reads another
// scope than the checker.
func (c *config) checkScopes(src string, root ast.Node) error {
	var errs []error
	report := func(n ast.Node, msg string) {
		errs = append(errs, c.errorAt(src, n.Location().From, KindType, msg, ""))
	}
	// early names the built-in whose initial value or order is being
	// read, evaluated in its scope before its first element; a
	// predicate inside it opens a scope of its own.
	var walk func(n ast.Node, early string)
	walk = func(n ast.Node, early string) {
		switch n := n.(type) {
		case *ast.PointerNode:
			name := "#" + n.Name
			if n.Name == "" {
				name = "#"
			}
			if early != "" {
				report(n, fmt.Sprintf("%s cannot be read in %s's %s, which runs in %s's own scope before its first element: there it is not what it reads around it",
					name, early, map[bool]string{true: "initial value", false: "order"}[early == "reduce"], early))
			}
			return
		case *ast.BuiltinNode:
			if predicateBuiltins[n.Name] {
				for i, arg := range n.Arguments {
					switch {
					case i == 1:
						if p, ok := arg.(*ast.PredicateNode); ok {
							arg = p.Node
						}
						walk(arg, "")
					case i == 2 && (n.Name == "reduce" || n.Name == "sortBy"):
						walk(arg, n.Name)
					default:
						walk(arg, early)
					}
				}
				return
			}
		case *ast.PredicateNode:
			// A predicate of a host function or an unknown built-in:
			// read as expr reads it, in its own scope.
			walk(n.Node, "")
			return
		}
		for _, slot := range exprkey.Children(n) {
			walk(*slot, early)
		}
	}
	walk(root, "")
	return errors.Join(errs...)
}
