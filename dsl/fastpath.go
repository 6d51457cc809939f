package dsl

import (
	"cmp"
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
	items := make([]batchItem, len(parts))
	for i, p := range parts {
		items[i] = batchItem{value: p}
	}
	return compileItems(envType, layout, items)
}

// batchItem is one element of a batch: a value, or a condition with the
// parts to compute when it holds (the element is then false, or the array of
// the parts' values).
type batchItem struct {
	value *program
	cond  *program
	parts []*program
}

func compileItems(envType reflect.Type, layout frameLayout, items []batchItem) *batch {
	if len(items) == 0 {
		return nil
	}
	var first *program
	for _, it := range items {
		first = cmp.Or(first, it.value, it.cond)
	}
	ec := exprConfig(layout.typ, &config{limits: first.cfg.limits, funcs: first.cfg.funcs}, reflect.Invalid)
	tree := func(p *program) ast.Node {
		t, _, err := prepare(p.src, envType, layout, p.cfg, ec)
		if err != nil {
			return nil
		}
		return t.Node
	}
	var all []ast.Node // every expression, for sharing field loads
	nodes := make([]ast.Node, len(items))
	for i, it := range items {
		if it.value != nil {
			nodes[i] = tree(it.value)
			if nodes[i] == nil {
				return nil
			}
			all = append(all, nodes[i])
			continue
		}
		cond := tree(it.cond)
		if cond == nil {
			return nil
		}
		all = append(all, cond)
		nodes[i] = cond
		if len(it.parts) > 0 {
			arr := &ast.ArrayNode{}
			for _, p := range it.parts {
				n := tree(p)
				if n == nil {
					return nil
				}
				arr.Nodes = append(arr.Nodes, n)
			}
			all = append(all, arr)
			nodes[i] = &ast.ConditionalNode{Cond: cond, Exp1: arr, Exp2: &ast.BoolNode{Value: false}}
		}
	}
	var root ast.Node = &ast.ArrayNode{Nodes: nodes}
	if layout.flat {
		guarded := hoistGuarded(envType, all)
		root = hoist(envType, root, all)
		for i := len(guarded) - 1; i >= 0; i-- {
			guarded[i].Expr = root
			root = guarded[i]
		}
	}
	t := &parser.Tree{Node: root}
	if _, err := checker.Check(t, ec); err != nil {
		return nil
	}
	if err := optimizer.Optimize(&t.Node, ec); err != nil {
		return nil
	}
	prog, err := compiler.Compile(t, ec)
	if err != nil {
		return nil
	}
	return &batch{program: prog, size: len(items)}
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

// hoist rewrites the expressions in nodes, all parts of root, so that every
// safe field chain read more than once is loaded once into a let wrapped
// around root.
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
		// The base of a longer chain stays in the chain: expr loads a
		// whole chain of fields in one step, which a shared base would
		// break into two.
		switch n.Node.(type) {
		case *ast.IdentifierNode, *ast.MemberNode:
		default:
			visitChains(envType, &n.Node, f)
		}
		if _, ok := n.Property.(*ast.StringNode); !ok {
			visitChains(envType, &n.Property, f)
		}
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
