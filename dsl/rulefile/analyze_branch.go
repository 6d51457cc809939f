package rulefile

import (
	"fmt"
	"strings"
)

// This file checks decision trees. A branch is taken when the rule's when
// holds, every enclosing branch was taken, and at each level every earlier
// sibling's condition was false (an error stops the rule); then its own
// condition holds, or it is an else. Each branch is one question over the
// atoms of those conditions, decided on every point of their grid.

// step is one level on the way to a branch: the siblings before it, which
// must be false, and its own condition (nil for an else).
type step struct {
	earlier []*cond
	own     *cond
}

// node is a branch with its condition read.
type node struct {
	b        *Branch
	label    string
	own      *cond // nil for an else
	children []*node
}

// readTree reads the branches of a block, each condition in the scope of
// the lets above it (a branch's own lets are for what is inside it).
func (rd *reader) readTree(bs []*Branch, prefix string, sc scope) []*node {
	var out []*node
	for i, b := range bs {
		n := &node{b: b, label: prefix + "branch " + fmt.Sprint(i+1)}
		if b.Cond == nil {
			n.label = prefix + "else"
		} else {
			n.own = rd.condition(b.Cond.Src, sc)
		}
		n.children = rd.readTree(b.Body.Branches, n.label+"/", sc.with(b.Body.Lets, rd.consts))
		out = append(out, n)
	}
	return out
}

// conds lists the conditions of the nodes and everything below them.
func conds(ns []*node) []*cond {
	var out []*cond
	for _, n := range ns {
		out = append(append(out, n.own), conds(n.children)...)
	}
	return out
}

// reach is what the grid says of one question.
type reach struct {
	taken   bool // some point takes it
	typed   bool // some point takes it without a bool field holding a non-bool
	tooBig  bool // the grid was too large to visit
	checked string
}

// decide visits the grid of one branch's question: it is taken when the
// path to it holds and choosing among its own branches does not fail.
func (rd *reader) decide(when *cond, path []step, below []*node) reach {
	cs := append([]*cond{when}, conds(below)...)
	for _, s := range path {
		cs = append(append(cs, s.earlier...), s.own)
	}
	// Gathering the question's atoms costs its weight once, whatever its
	// grid: a tree of thousands of branches asks thousands of questions.
	weight := 0
	for _, c := range cs {
		if weight += c.size(); weight > rd.as.work.left {
			rd.as.work.spend(weight) // marks it spent
			return reach{tooBig: true, checked: "its conditions"}
		}
	}
	rd.as.work.spend(weight)
	used := usedAtoms(nil, cs...)
	var r reach
	r.checked = rd.as.names(used)
	done := rd.as.grid(used, weight, func(pt []value) bool {
		if !takes(when, path, pt) || choiceFails(below, pt) {
			return true
		}
		r.taken = true
		if !rd.as.untyped(used, pt) {
			r.typed = true
			return false
		}
		return true
	})
	r.tooBig = !done
	return r
}

func takes(when *cond, path []step, pt []value) bool {
	if when != nil && when.eval(pt) != triTrue {
		return false
	}
	for _, s := range path {
		for _, e := range s.earlier {
			if e.eval(pt) != triFalse {
				return false
			}
		}
		if s.own != nil && s.own.eval(pt) != triTrue {
			return false
		}
	}
	return true
}

// choiceFails reports whether choosing among branches fails at the point,
// as the compiled rule chooses: the first whose condition holds, then
// among its own; a condition that fails fails the rule.
func choiceFails(ns []*node, pt []value) bool {
	for _, n := range ns {
		v := triTrue
		if n.own != nil {
			v = n.own.eval(pt)
		}
		switch v {
		case triFail:
			return true
		case triTrue:
			return choiceFails(n.children, pt)
		}
	}
	return false
}

// branches reports the branches of a rule no input can take.
func (a *analysis) branches(r *Rule) {
	if len(r.Body.Branches) == 0 {
		return
	}
	rd := &reader{as: newAtoms(a.work), consts: a.consts, domains: a.domains}
	sc := scope{}.with(r.Body.Lets, rd.consts)
	var when *cond
	if r.Body.When != nil {
		when = rd.condition(r.Body.When.Expr.Src, sc)
	}
	a.walkBranches(rd, r, when, rd.readTree(r.Body.Branches, "", sc), nil, r)
}

// walkBranches reports the branches ns (the branches of the rule or branch
// at level) no input takes, and below them, theirs.
func (a *analysis) walkBranches(rd *reader, r *Rule, when *cond, ns []*node, path []step, level any) {
	defer a.fallThrough(rd, when, ns, path, level)
	var earlier []*cond
	for _, n := range ns {
		if rd.as.work.spent {
			// One unknown says the rest was not analyzed; asking on
			// would cost quadratic time in the tree for nothing.
			a.add(Finding{Pos: n.b.Pos, Severity: Info, Code: CodeUnknown, Rule: r.ID, Related: []string{n.label},
				Message: fmt.Sprintf("%s of %s and the branches after it were not analyzed: the file is too large for the analysis's bounded work", n.label, r.ID)})
			return
		}
		here := append(append([]step(nil), path...), step{earlier: append([]*cond(nil), earlier...), own: n.own})
		earlier = append(earlier, n.own)
		res := rd.decide(when, here, n.children)
		switch {
		case res.tooBig:
			a.add(Finding{Pos: n.b.Pos, Severity: Info, Code: CodeUnknown, Rule: r.ID, Related: []string{n.label},
				Message: fmt.Sprintf("whether %s of %s can be taken is unknown: its conditions have too many combinations of %s to check", n.label, r.ID, res.checked)})
		case !res.taken:
			why := "no input has " + pathText(when, here)
			if len(n.children) > 0 && rd.decide(when, here, nil).taken {
				why = "every input that reaches it fails a condition of its branches"
			}
			a.proved.add(&a.proved.never, n.b)
			a.add(Finding{Pos: n.b.Pos, Severity: Warning, Code: "unreachable-branch", Rule: r.ID, Related: []string{n.label},
				Message: fmt.Sprintf("%s of %s can never be taken: %s (checked over every class of values of %s)", n.label, r.ID, why, res.checked)})
			continue // what is below it is unreachable too
		case !res.typed:
			a.add(Finding{Pos: n.b.Pos, Severity: Info, Code: CodeUnknown, Rule: r.ID, Related: []string{n.label},
				Message: fmt.Sprintf("%s of %s can be taken only if a field it compares with true and false holds a value of another kind", n.label, r.ID)})
		}
		a.walkBranches(rd, r, when, n.children, here, n.b)
	}
}

// fallThrough marks the level closed when it has no else and no input
// that reaches it falls through its branches (each fails or holds): the
// decision is then never the level's own statements.
func (a *analysis) fallThrough(rd *reader, when *cond, ns []*node, path []step, level any) {
	if len(ns) == 0 || rd.as.work.spent {
		return
	}
	var all []*cond
	for _, n := range ns {
		if n.own == nil {
			return // an else: it catches, syntax says so already
		}
		all = append(all, n.own)
	}
	here := append(append([]step(nil), path...), step{earlier: all})
	if res := rd.decide(when, here, nil); !res.tooBig && !res.taken {
		a.proved.add(&a.proved.closed, level)
	}
}

// pathText is the question as a proof sketch: what an input must satisfy.
func pathText(when *cond, path []step) string {
	var parts []string
	if when != nil {
		parts = append(parts, "when "+when.src)
	}
	for _, s := range path {
		for _, e := range s.earlier {
			parts = append(parts, "not ("+e.src+")")
		}
		if s.own != nil {
			parts = append(parts, s.own.src)
		}
	}
	if len(parts) == 0 {
		return "any value"
	}
	return strings.Join(parts, " and ")
}

// equivalentWhens reports rules whose conditions hold for exactly the same
// inputs: over the grid of both conditions' atoms, each is true exactly
// where the other is.
func (a *analysis) equivalentWhens() {
	// Rules whose conditions read the same values are candidates; each
	// group's conditions are decided together on one grid (its atoms
	// carry every literal of the group), each rule's outcomes hashed, so
	// a group of n rules costs one grid rather than n² of them. Equal
	// hashes are then confirmed pair by pair (sameWhen): what is claimed
	// is exact.
	type group struct {
		rules []*Rule
	}
	groups := map[string]*group{}
	var order []string
	for _, r := range a.f.Rules {
		if r.Body.When == nil {
			continue
		}
		rd := &reader{as: newAtoms(a.work), consts: a.consts, domains: a.domains}
		c := rd.condition(r.Body.When.Expr.Src, scope{}.with(r.Body.Lets, rd.consts))
		var keys []string
		c.atomsOf(func(i int) { keys = append(keys, rd.as.list[i].key) })
		k := strings.Join(uniqueStrings(keys), "\n")
		g := groups[k]
		if g == nil {
			g = &group{}
			groups[k] = g
			order = append(order, k)
		}
		g.rules = append(g.rules, r)
	}
	for _, k := range order {
		g := groups[k]
		if len(g.rules) < 2 {
			continue
		}
		rd := &reader{as: newAtoms(a.work), consts: a.consts, domains: a.domains}
		conds := make([]*cond, len(g.rules))
		weight := 0
		for i, r := range g.rules {
			conds[i] = rd.condition(r.Body.When.Expr.Src, scope{}.with(r.Body.Lets, rd.consts))
			weight += conds[i].size()
		}
		rd.as.mayBeNaN()
		type hash [2]uint64
		hashes := make([]hash, len(conds))
		done := rd.as.grid(usedAtoms(nil, conds...), weight, func(pt []value) bool {
			for i, c := range conds {
				bit := uint64(1)
				if c.eval(pt) == triTrue {
					bit = 2
				}
				h := &hashes[i]
				h[0] = (h[0]^bit)*0x100000001b3 + 0x9E3779B97F4A7C15 // FNV-1a, and a second, different mix
				h[1] = (h[1]+bit)*0xff51afd7ed558ccd ^ h[1]>>29
			}
			return true
		})
		if !done {
			continue // too large to decide: no claim
		}
		first := map[hash][]int{}
		for i, r := range g.rules {
			for _, j := range first[hashes[i]] {
				if a.sameWhen(g.rules[j], r) {
					a.add(Finding{Pos: r.Body.When.Pos, Severity: Warning, Code: "equivalent-when", Rule: r.ID,
						Message: fmt.Sprintf("the condition of %s is equivalent to that of %s", r.ID, g.rules[j].ID), Related: []string{g.rules[j].ID}})
					break
				}
			}
			first[hashes[i]] = append(first[hashes[i]], i)
		}
	}
}

func (a *analysis) sameWhen(x, y *Rule) bool {
	rd := &reader{as: newAtoms(a.work), consts: a.consts, domains: a.domains}
	cx := rd.condition(x.Body.When.Expr.Src, scope{}.with(x.Body.Lets, rd.consts))
	cy := rd.condition(y.Body.When.Expr.Src, scope{}.with(y.Body.Lets, rd.consts))
	rd.as.mayBeNaN()
	same := true
	done := rd.as.grid(usedAtoms(nil, cx, cy), cx.size()+cy.size(), func(pt []value) bool {
		same = (cx.eval(pt) == triTrue) == (cy.eval(pt) == triTrue)
		return same
	})
	return done && same
}
