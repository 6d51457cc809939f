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

// reach is what the grid says of one question.
type reach struct {
	taken   bool // some point takes it
	typed   bool // some point takes it without a bool field holding a non-bool
	tooBig  bool // the grid was too large to visit
	checked string
}

// decide visits the grid of a path's question.
func (rd *reader) decide(when *cond, path []step) reach {
	cs := []*cond{when}
	for _, s := range path {
		cs = append(cs, s.earlier...)
		cs = append(cs, s.own)
	}
	used := usedAtoms(nil, cs...)
	var r reach
	r.checked = rd.as.names(used)
	done := rd.as.grid(used, func(pt []value) bool {
		if !takes(when, path, pt) {
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

// branches reports the branches of a rule no input can take.
func (a *analysis) branches(r *Rule) {
	if len(r.Body.Branches) == 0 {
		return
	}
	rd := &reader{as: newAtoms(), consts: a.consts}
	sc := scope{}.with(r.Body.Lets)
	var when *cond
	if r.Body.When != nil {
		when = rd.condition(r.Body.When.Expr.Src, sc)
	}
	a.walkBranches(rd, r, when, r.Body.Branches, "", sc, nil)
}

func (a *analysis) walkBranches(rd *reader, r *Rule, when *cond, bs []*Branch, prefix string, sc scope, path []step) {
	var earlier []*cond
	for i, b := range bs {
		label := prefix + "branch " + fmt.Sprint(i+1)
		var own *cond
		if b.Cond == nil {
			label = prefix + "else"
		} else {
			own = rd.condition(b.Cond.Src, sc)
		}
		here := append(append([]step(nil), path...), step{earlier: append([]*cond(nil), earlier...), own: own})
		earlier = append(earlier, own)
		res := rd.decide(when, here)
		switch {
		case res.tooBig:
			a.add(Finding{Pos: b.Pos, Severity: Info, Code: CodeUnknown, Rule: r.ID, Related: []string{label},
				Message: fmt.Sprintf("whether %s of %s can be taken is unknown: its conditions have too many combinations of %s to check", label, r.ID, res.checked)})
		case !res.taken:
			a.add(Finding{Pos: b.Pos, Severity: Warning, Code: "unreachable-branch", Rule: r.ID, Related: []string{label},
				Message: fmt.Sprintf("%s of %s can never be taken: no input has %s (checked over every class of values of %s)",
					label, r.ID, pathText(when, here), res.checked)})
			continue // what is below it is unreachable too
		case !res.typed:
			a.add(Finding{Pos: b.Pos, Severity: Info, Code: CodeUnknown, Rule: r.ID, Related: []string{label},
				Message: fmt.Sprintf("%s of %s can be taken only if a field it compares with true and false holds a value of another kind", label, r.ID)})
		}
		a.walkBranches(rd, r, when, b.Body.Branches, label+"/", sc.with(b.Body.Lets), here)
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
	type ruleWhen struct {
		r    *Rule
		keys string
	}
	var seen []ruleWhen
	for _, r := range a.f.Rules {
		if r.Body.When == nil {
			continue
		}
		rd := &reader{as: newAtoms(), consts: a.consts}
		c := rd.condition(r.Body.When.Expr.Src, scope{}.with(r.Body.Lets))
		var keys []string
		c.atomsOf(func(i int) { keys = append(keys, rd.as.list[i].key) })
		mine := ruleWhen{r, strings.Join(uniqueStrings(keys), "\n")}
		for _, o := range seen {
			if o.keys == mine.keys && a.sameWhen(o.r, r) {
				a.add(Finding{Pos: r.Body.When.Pos, Severity: Warning, Code: "equivalent-when", Rule: r.ID,
					Message: fmt.Sprintf("the condition of %s is equivalent to that of %s", r.ID, o.r.ID), Related: []string{o.r.ID}})
				break
			}
		}
		seen = append(seen, mine)
	}
}

func (a *analysis) sameWhen(x, y *Rule) bool {
	rd := &reader{as: newAtoms(), consts: a.consts}
	cx := rd.condition(x.Body.When.Expr.Src, scope{}.with(x.Body.Lets))
	cy := rd.condition(y.Body.When.Expr.Src, scope{}.with(y.Body.Lets))
	same := true
	done := rd.as.grid(usedAtoms(nil, cx, cy), func(pt []value) bool {
		same = (cx.eval(pt) == triTrue) == (cy.eval(pt) == triTrue)
		return same
	})
	return done && same
}
