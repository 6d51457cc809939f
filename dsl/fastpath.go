package dsl

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/compiler"
	"github.com/expr-lang/expr/optimizer"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
)

// A rule set evaluates in few program runs. All the rules' conditions are
// one program whose result is the array of their values; and each decision
// (a plain rule, a leaf of a tree, a row of a table) has one program that
// computes its outputs and evidence together. A set of 100 rules of which a
// few fire costs a few runs instead of hundreds, and expr's per-run set-up
// is paid a few times instead of once per expression.
//
// Inside a batch, a field that several expressions read is loaded once: the
// batch starts with lets that hold such fields, and the expressions use the
// lets. Only loads that cannot fail are shared this way (chains through
// struct values, never through a pointer, map or interface), so sharing
// cannot move an error out from behind a guard.
//
// When anything in a batch fails, the rule set evaluates the parts one by
// one instead, so the failure is charged to the right rule and part.

// batch is a compiled array program over several expressions.
type batch struct {
	program *vm.Program
	size    int
}

// errNoBatch says a batch could not decide; the caller falls back to the
// parts one by one.
var errNoBatch = errors.New("dsl: no batch")

// compileBatch compiles parts into one program returning the array of their
// values. It returns nil when that is not possible, and the caller then
// always evaluates the parts one by one, which is slower but the same.
func compileBatch(envType reflect.Type, layout frameLayout, parts []*program) *batch {
	if len(parts) == 0 {
		return nil
	}
	ec := exprConfig(layout.typ, &config{limits: parts[0].cfg.limits, funcs: parts[0].cfg.funcs}, reflect.Invalid)
	nodes := make([]ast.Node, len(parts))
	for i, p := range parts {
		tree, _, err := prepare(p.src, envType, layout, p.cfg, ec)
		if err != nil {
			return nil
		}
		nodes[i] = tree.Node
	}
	var root ast.Node = &ast.ArrayNode{Nodes: nodes}
	if layout.flat {
		root = hoist(envType, root, nodes)
	}
	tree := &parser.Tree{Node: root}
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
	return &batch{program: prog, size: len(parts)}
}

// run evaluates the batch on the session's frame.
func runBatch[Env any](s *session[Env], b *batch) ([]any, error) {
	if b == nil {
		return nil, errNoBatch
	}
	out, err := s.r.vm.Run(b.program, s.fr)
	if err != nil {
		return nil, err
	}
	vals, ok := out.([]any)
	if !ok || len(vals) != b.size {
		return nil, errNoBatch
	}
	return vals, nil
}

// hoist rewrites root so that every safe field chain read more than once
// across nodes is loaded once into a let at the top.
func hoist(envType reflect.Type, root ast.Node, nodes []ast.Node) ast.Node {
	counts := map[string]int{}
	for i := range nodes {
		visitChains(envType, &nodes[i], func(_ *ast.Node, path string) { counts[path]++ })
	}
	var shared []string
	for path, n := range counts {
		if n > 1 {
			shared = append(shared, path)
		}
	}
	if len(shared) == 0 {
		return root
	}
	sort.Strings(shared)
	names := make(map[string]string, len(shared))
	for i, path := range shared {
		names[path] = fmt.Sprintf("__h%d", i)
	}
	for i := range nodes {
		visitChains(envType, &nodes[i], func(slot *ast.Node, path string) {
			if name, ok := names[path]; ok {
				id := &ast.IdentifierNode{Value: name}
				id.SetLocation((*slot).Location())
				*slot = id
			}
		})
	}
	root = &ast.ArrayNode{Nodes: nodes}
	for i := len(shared) - 1; i >= 0; i-- {
		root = &ast.VariableDeclaratorNode{Name: names[shared[i]], Value: chainNode(shared[i]), Expr: root}
	}
	return root
}

// visitChains calls f for every outermost field chain in *slot that reads
// the environment and cannot fail, with its dotted path.
func visitChains(envType reflect.Type, slot *ast.Node, f func(*ast.Node, string)) {
	if path, ok := safeChain(envType, *slot); ok {
		f(slot, path)
		return
	}
	switch n := (*slot).(type) {
	case *ast.VariableDeclaratorNode, *ast.PredicateNode:
		// Names bound inside could shadow environment fields; leave
		// such scopes alone.
		return
	case *ast.MemberNode:
		visitChains(envType, &n.Node, f)
		return
	}
	for _, c := range children(*slot) {
		visitChains(envType, c, f)
	}
}

// safeChain reports whether n is a chain of field accesses from the
// environment through struct values only (so it cannot fail), and its path.
func safeChain(envType reflect.Type, n ast.Node) (string, bool) {
	var segs []string
	for {
		switch m := n.(type) {
		case *ast.MemberNode:
			s, ok := m.Property.(*ast.StringNode)
			if !ok || m.Optional || m.Method {
				return "", false
			}
			segs = append([]string{s.Value}, segs...)
			n = m.Node
			continue
		case *ast.IdentifierNode:
			segs = append([]string{m.Value}, segs...)
		default:
			return "", false
		}
		break
	}
	t := envType
	for i, seg := range segs {
		if t.Kind() != reflect.Struct {
			return "", false
		}
		f, ok := lookupField(t, seg)
		if !ok || len(f.Index) > 1 && i > 0 {
			return "", false
		}
		t = f.Type
	}
	return strings.Join(segs, "."), true
}

func chainNode(path string) ast.Node {
	segs := strings.Split(path, ".")
	var n ast.Node = &ast.IdentifierNode{Value: segs[0]}
	for _, s := range segs[1:] {
		n = &ast.MemberNode{Node: n, Property: &ast.StringNode{Value: s}}
	}
	return n
}
