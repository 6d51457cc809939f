package dsl

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/engagekit/engagekit/internal/envfield"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
)

// rewriter is the pass between parsing and type checking. It resolves every
// name a rule uses, so an unknown one is reported with the nearest known
// name, and it rewrites the tree so the compiled program runs against a
// frame: host fields become __env.name, constants become literals, and the
// date built-ins receive __now. It also records the static facts of the
// expression: the field paths it reads and the functions it calls.
type rewriter struct {
	env    reflect.Type
	quiet  bool // a name whose declaration failed was used; see errBadLet
	nested bool // host names become __env.name (see frameLayout)
	cfg    *config
	src    string
	errs   []error
	scopes []string
	reads  map[string]bool
	calls  map[string]bool
	// chainRoot says the identifier walked is the root of a member chain
	// (a in a.b), which may be a decision's id.
	chainRoot bool
	// optionals numbers the lets of methods called through an optional
	// chain (see optionalMethod); own holds those lets and the names that
	// read them, the only nodes whose names may be reserved (a rule's own
	// __opt1 is refused, not taken for the library's).
	optionals int
	own       map[ast.Node]bool
}

func newRewriter(env reflect.Type, nested bool, cfg *config, src string) *rewriter {
	return &rewriter{env: env, nested: nested, cfg: cfg, src: src, reads: map[string]bool{}, calls: map[string]bool{}}
}

func (r *rewriter) errorf(node ast.Node, kind Kind, suggestion, format string, args ...any) {
	r.errs = append(r.errs, r.cfg.errorAt(r.src, node.Location().From, kind, fmt.Sprintf(format, args...), suggestion))
}

func (r *rewriter) inScope(name string) bool {
	for i := len(r.scopes) - 1; i >= 0; i-- {
		if r.scopes[i] == name {
			return true
		}
	}
	return false
}

func (r *rewriter) walk(slot *ast.Node) {
	switch n := (*slot).(type) {
	case *ast.IdentifierNode:
		r.identifier(slot, n)
	case *ast.MemberNode:
		r.member(slot, n)
	case *ast.CallNode:
		if r.optionalMethod(slot) || r.methodOnComputed(slot) {
			r.walk(slot)
			return
		}
		r.call(n)
	case *ast.BuiltinNode:
		if r.findLastForward(slot) {
			r.walk(slot)
			return
		}
		r.calls[n.Name] = true
		r.walkAll(n.Arguments)
	case *ast.VariableDeclaratorNode:
		if reservedName(n.Name) && !r.own[n] {
			r.errorf(n, KindUnknownName, "", "name %s is reserved", n.Name)
		}
		r.walk(&n.Value)
		r.scopes = append(r.scopes, n.Name)
		r.walk(&n.Expr)
		r.scopes = r.scopes[:len(r.scopes)-1]
	case *ast.UnaryNode:
		r.walk(&n.Node)
	case *ast.BinaryNode:
		r.walk(&n.Left)
		r.walk(&n.Right)
		if n.Operator == "??" {
			stoppedChainAsNil(&n.Right)
		}
	case *ast.ChainNode:
		if r.optionalChainMethod(slot, n) {
			r.walk(slot)
			return
		}
		r.walk(&n.Node)
	case *ast.PredicateNode:
		r.walk(&n.Node)
	case *ast.SliceNode:
		r.walkOptional(&n.Node, &n.From, &n.To)
	case *ast.ConditionalNode:
		r.walkOptional(&n.Cond, &n.Exp1, &n.Exp2)
	case *ast.SequenceNode:
		r.walkAll(n.Nodes)
	case *ast.ArrayNode:
		r.walkAll(n.Nodes)
	case *ast.MapNode:
		r.walkAll(n.Pairs)
	case *ast.PairNode:
		r.walk(&n.Key)
		r.walk(&n.Value)
	}
}

func (r *rewriter) walkAll(nodes []ast.Node) {
	for i := range nodes {
		r.walk(&nodes[i])
	}
}

func (r *rewriter) walkOptional(slots ...*ast.Node) {
	for _, s := range slots {
		if *s != nil {
			r.walk(s)
		}
	}
}

// identifier resolves a bare name: a variable in scope, a constant, or a
// field or method of the host environment.
func (r *rewriter) identifier(slot *ast.Node, n *ast.IdentifierNode) {
	name := n.Value
	switch {
	case reservedName(name) && !r.own[n]:
		r.errorf(n, KindUnknownName, "", "name %s is reserved", name)
	case r.inScope(name):
	case r.cfg.badNames[name]:
		r.quiet = true
	case r.isConst(name) && r.isEnvMember(name):
		r.errorf(n, KindType, "", "constant %s hides the field of the same name", name)
	case r.isConst(name):
		c := &ast.ConstantNode{Value: r.cfg.consts[name]}
		c.SetLocation(n.Location())
		*slot = c
	case r.isEnvMember(name):
		if _, field := envfield.Lookup(r.env, name); !field && !r.methodAllowed(n, name) {
			return
		}
		r.reads[name] = true
		if r.nested {
			*slot = envMember(name, n.Location())
		}
	case name == "today":
		// A built-in of the evaluation's date, listed among the calls so
		// that no reader takes an expression of it for a constant.
		r.calls["today"] = true
		*slot = internalCall(todayFunc, n, &ast.IdentifierNode{Value: nowName})
	case r.cfg.decisions != nil && r.cfg.decisions.isDecision(name):
		r.errorf(n, KindType, "", "%s is a rule's result, not a value: read %s.fired, or one of its outputs (%s.name)", name, name, name)
	default:
		suggestion := nearest(name, r.names())
		if suggestion == "" && r.chainRoot && r.cfg.decisions != nil {
			suggestion = r.cfg.decisions.suggest(name) // a.b may read a decision
		}
		r.errorf(n, KindUnknownName, suggestion, "unknown name %s", name)
	}
}

// methodAllowed reports whether the environment's method name may be
// used, and reports it when it may not.
func (r *rewriter) methodAllowed(n ast.Node, name string) bool {
	if methodAllowed(r.cfg.methods, r.env, name) {
		return true
	}
	r.errorf(n, KindType, "", "method %s of the environment is not allowed in rules", name)
	return false
}

func (r *rewriter) isConst(name string) bool {
	_, ok := r.cfg.consts[name]
	return ok
}

// envHas reports whether the environment's member name has a member seg
// (a field, a method, or a key of a map).
func (r *rewriter) envHas(name, seg string) bool {
	f, ok := envfield.Lookup(r.env, name)
	if !ok {
		return false
	}
	if k := deref(f.Type).Kind(); k == reflect.Map || k == reflect.Interface {
		return true // any key or member at all, known only when the rule runs
	}
	_, has := envfield.Lookup(f.Type, seg)
	return has || hasMethod(f.Type, seg)
}

func (r *rewriter) isEnvMember(name string) bool {
	_, ok := envfield.Lookup(r.env, name)
	return ok || hasMethod(r.env, name)
}

func envMember(name string, loc file.Location) ast.Node {
	root := &ast.IdentifierNode{Value: envName}
	root.SetLocation(loc)
	m := &ast.MemberNode{Node: root, Property: &ast.StringNode{Value: name}}
	m.Property.SetLocation(loc)
	m.SetLocation(loc)
	return m
}

// names lists every name a rule may use at the top level, for suggestions.
func (r *rewriter) names() []string {
	names := append([]string{}, memberNames(r.env)...)
	for name := range r.cfg.consts {
		names = append(names, name)
	}
	names = append(names, r.scopes...)
	for name := range r.cfg.lets {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// member handles a.b.c chains. A chain rooted at the host environment is
// checked field by field, so a typo names the struct that lacks the field,
// and recorded as a read.
func (r *rewriter) member(slot *ast.Node, n *ast.MemberNode) {
	segs, root := chain(n)
	if root != nil && !r.inScope(root.Value) && r.isEnvMember(root.Value) {
		if len(segs) > 0 && r.cfg.decisions != nil && r.cfg.decisions.isDecision(root.Value) &&
			r.cfg.decisions.declares(root.Value, segs[0]) && r.envHas(root.Value, segs[0]) {
			// The field and the rule's result both answer to the name:
			// reading either silently would be a guess.
			r.errorf(root, KindType, "", "%s.%s is ambiguous: %s is a field of the environment and the id of a rule whose result has %s; rename the rule",
				root.Value, segs[0], root.Value, segs[0])
			return
		}
		path := append([]string{root.Value}, segs...)
		if r.checkPath(n, path) {
			r.reads[strings.Join(path, ".")] = true
		}
		if r.nested {
			r.rewriteRoot(n)
		}
		return
	}
	if root != nil && !r.inScope(root.Value) && r.cfg.decisions != nil && r.cfg.decisions.isDecision(root.Value) {
		if r.isConst(root.Value) {
			// A constant has no members: this is a read of the rule's
			// result, which the constant hides.
			r.errorf(root, KindType, "", "%s is a constant and the id of a rule: rename the rule to read its result", root.Value)
			return
		}
		r.decision(slot, root, segs[0])
		return
	}
	_, r.chainRoot = n.Node.(*ast.IdentifierNode)
	r.walk(&n.Node)
	r.chainRoot = false
	if _, ok := n.Property.(*ast.StringNode); !ok {
		r.walk(&n.Property)
	}
}

// rewriteRoot rewrites the identifier at the bottom of a member chain
// without recording it as a read of its own.
func (r *rewriter) rewriteRoot(n *ast.MemberNode) {
	slot := &n.Node
	for {
		switch inner := (*slot).(type) {
		case *ast.MemberNode:
			slot = &inner.Node
			continue
		case *ast.IdentifierNode:
			*slot = envMember(inner.Value, inner.Location())
		}
		return
	}
}

// chain returns the property names of a chain of member accesses with
// constant names, outermost last, and the identifier it starts from.
func chain(n *ast.MemberNode) ([]string, *ast.IdentifierNode) {
	var segs []string
	var node ast.Node = n
	for {
		switch m := node.(type) {
		case *ast.MemberNode:
			s, ok := m.Property.(*ast.StringNode)
			if !ok || m.Method {
				return nil, nil
			}
			segs = append([]string{s.Value}, segs...)
			node = m.Node
		case *ast.IdentifierNode:
			return segs, m
		default:
			return nil, nil
		}
	}
}

// checkPath walks the static types along path. It reports a field that a
// struct lacks, and false when the path is wrong.
func (r *rewriter) checkPath(n ast.Node, path []string) bool {
	t := r.env
	for i, seg := range path {
		st := deref(t)
		if st == nil || st.Kind() != reflect.Struct {
			return true // maps, interfaces and slices are checked by expr
		}
		f, ok := envfield.Lookup(st, seg)
		if !ok {
			if hasMethod(t, seg) {
				return true
			}
			owner := strings.Join(path[:i], ".")
			if owner == "" {
				owner = "the environment"
			}
			suggestion := nearest(seg, memberNames(st))
			if suggestion != "" {
				suggestion = strings.Join(append(path[:i:i], suggestion), ".")
			}
			msg := fmt.Sprintf("%s has no field %s", owner, seg)
			if i == 1 && r.cfg.decisions != nil && r.cfg.decisions.isDecision(path[0]) {
				// A field hides the rule of its name from the rules that
				// read its result.
				msg += fmt.Sprintf("; %s is also the id of a rule: rename the rule to read its result", path[0])
			}
			r.errorf(n, KindUnknownName, suggestion, "%s", msg)
			return false
		}
		t = f.Type
	}
	return true
}

// call resolves the function of a call: a built-in, a host function or a
// method of the environment. Date built-ins get the evaluation time as a
// hidden last argument.
func (r *rewriter) call(n *ast.CallNode) {
	r.walkAll(n.Arguments)
	id, ok := n.Callee.(*ast.IdentifierNode)
	if !ok {
		r.walk(&n.Callee)
		return
	}
	name := id.Value
	if r.own[id] && internalFuncs[name] != nil {
		return // a check the rewriter itself wrote (find_last.go)
	}
	if f := r.function(name); f != nil {
		r.calls[name] = true
		if !containsInt(f.arities, len(n.Arguments)) {
			r.errorf(n, KindType, "", "%s takes %s, got %d", name, arityText(f.arities), len(n.Arguments))
			return
		}
		if r.cfg.funcs[name] == f {
			for i, a := range n.Arguments {
				if msg := literalMisfit(f, i, a); msg != "" {
					r.errorf(a, KindType, "", "%s: argument %d %s", name, i+1, msg)
				}
			}
		}
		if f.withNow {
			now := &ast.IdentifierNode{Value: nowName}
			now.SetLocation(n.Location())
			n.Arguments = append(n.Arguments, now)
		}
		if f.withGov {
			n.Arguments = append(n.Arguments, govIdent(n))
		}
		return
	}
	if r.inScope(name) {
		return
	}
	if r.isEnvMember(name) {
		if _, field := envfield.Lookup(r.env, name); field {
			r.errorf(id, KindType, "", "%s is a field of the environment, not a function (a field hides the built-in of its name)", name)
			return
		}
		if !r.methodAllowed(id, name) {
			return
		}
		r.calls[name] = true
		if r.nested {
			n.Callee = envMember(name, id.Location())
		}
		return
	}
	r.errorf(id, KindUnknownName, nearest(name, r.functionNames()), "unknown function %s", name)
}

func (r *rewriter) function(name string) *hostFunc {
	if f := r.cfg.funcs[name]; f != nil {
		return f
	}
	if f := governedFuncs[name]; f != nil {
		return f
	}
	if f := localeFuncs[name]; f != nil {
		return f
	}
	if f := dateFuncs[name]; f != nil && !strings.HasPrefix(name, "__") {
		return f
	}
	return builtinFuncs[name]
}

func (r *rewriter) functionNames() []string {
	var names []string
	for _, fs := range []map[string]*hostFunc{builtinFuncs, governedFuncs, localeFuncs, dateFuncs} {
		for name := range fs {
			if !strings.HasPrefix(name, "__") {
				names = append(names, name)
			}
		}
	}
	for name := range r.cfg.funcs {
		names = append(names, name)
	}
	for name := range exprBuiltins {
		names = append(names, name)
	}
	names = append(names, memberNames(r.env)...)
	sort.Strings(names)
	return names
}

func containsInt(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func arityText(arities []int) string {
	parts := make([]string, len(arities))
	for i, a := range arities {
		parts[i] = fmt.Sprint(a)
	}
	s := strings.Join(parts, " or ")
	if len(arities) == 1 && arities[0] == 1 {
		return s + " argument"
	}
	return s + " arguments"
}

func sortedKeys(m map[string]bool) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// reservedName reports the names the library keeps for what it writes
// into a rule (__env, __now, __opt1, …) and expr's own ($env).
func reservedName(name string) bool {
	return strings.HasPrefix(name, "__") || strings.HasPrefix(name, "$")
}

// stoppedChainAsNil makes an optional chain on the right of ?? give nil
// where it stops, as it does everywhere else. expr's compiler leaves a
// chain's nil push out under a ?? (the ?? takes a typed nil as nil), but
// it does so for either operand, and on the right nothing follows to do
// it: x ?? a?.b?.c gave the typed nil a.b itself, which a host reading an
// any result takes for a value. The chain is made the left of its own
// "?? nil", where expr's ?? reads the typed nil as nil; its type is the
// chain's.
func stoppedChainAsNil(slot *ast.Node) {
	chain, ok := (*slot).(*ast.ChainNode)
	if !ok {
		return
	}
	none := &ast.NilNode{}
	none.SetLocation(chain.Location())
	or := &ast.BinaryNode{Operator: "??", Left: chain, Right: none}
	or.SetLocation(chain.Location())
	*slot = or
}
