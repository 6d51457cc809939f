package dsl

import (
	"errors"
	"reflect"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/optimizer"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
)

// whenBatch decides the conditions of all the rules of a rule set in one
// run of one program, whose result is the array of their values. Running one
// program instead of one per rule saves expr's per-run set-up for every
// rule, and the rules that did not fire cost only their condition.
type whenBatch struct {
	program *vm.Program
	// index maps a position in the result array to the rule's index.
	index []int
	// rules is the number of rules in the rule set.
	rules int
}

// errNoBatch says the batch could not decide; the caller decides rule by
// rule.
var errNoBatch = errors.New("dsl: no condition batch")

// compileWhens builds the batch program from each rule's condition source
// and configuration. It returns nil when the batch cannot be built; the
// rule set then decides each condition on its own, which is slower but the
// same.
func compileWhens(envType reflect.Type, layout frameLayout, conds []*program, index []int, rules int) *whenBatch {
	if len(conds) == 0 {
		return nil
	}
	ec := exprConfig(layout.typ, conds[0].cfg, reflect.Invalid)
	nodes := make([]ast.Node, len(conds))
	for i, p := range conds {
		tree, err := parser.ParseWithConfig(p.src, ec)
		if err != nil {
			return nil
		}
		if inlineLets(&tree.Node, p.cfg.lets) != nil {
			return nil
		}
		rw := newRewriter(envType, !layout.flat, p.cfg, p.src)
		rw.walk(&tree.Node)
		if len(rw.errs) > 0 {
			return nil
		}
		nodes[i] = tree.Node
	}
	tree := &parser.Tree{Node: &ast.ArrayNode{Nodes: nodes}}
	if _, err := checker.Check(tree, ec); err != nil {
		return nil
	}
	if err := optimizer.Optimize(&tree.Node, ec); err != nil {
		return nil
	}
	prog, err := compiler.Compile(tree, ec)
	if err != nil {
		return nil
	}
	return &whenBatch{program: prog, index: index, rules: rules}
}

// runWhens returns, by rule index, whether each rule's condition holds. A
// rule without a condition holds. The error is non-nil when the batch could
// not decide (a condition failed, or there is no batch); the caller then
// decides rule by rule.
func runWhens[Env any](s *session[Env], b *whenBatch) ([]bool, error) {
	if b == nil {
		return nil, errNoBatch
	}
	out, err := s.r.vm.Run(b.program, s.fr)
	if err != nil {
		return nil, err
	}
	vals, ok := out.([]any)
	if !ok || len(vals) != len(b.index) {
		return nil, errNoBatch
	}
	fired := make([]bool, b.rules)
	for i, v := range vals {
		on, ok := v.(bool)
		if !ok {
			return nil, errNoBatch
		}
		fired[b.index[i]] = on
	}
	return fired, nil
}
