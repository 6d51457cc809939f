package rulefile

import (
	"fmt"
	"sort"
)

// Severity ranks a [Finding]. The zero value is [Info].
type Severity uint8

// The severities.
const (
	Info Severity = iota
	Warning
	Problem
)

var severityNames = [...]string{"info", "warning", "error"}

// String returns the severity's name.
func (s Severity) String() string {
	if int(s) < len(severityNames) {
		return severityNames[s]
	}
	return fmt.Sprintf("Severity(%d)", uint8(s))
}

// MarshalText encodes the severity as its name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a severity from its name.
func (s *Severity) UnmarshalText(b []byte) error {
	for i, n := range severityNames {
		if n == string(b) {
			*s = Severity(i)
			return nil
		}
	}
	return fmt.Errorf("rulefile: unknown severity %q", b)
}

// Finding is one result of [Analyze]. Code is stable and meant for
// programs: "duplicate-id", "duplicate-const", "unused-let", "unused-const",
// "equivalent-when", "unreachable-branch", "unreachable-row", "table-gap",
// "unique-overlap", "not-analyzed".
type Finding struct {
	Pos      Pos      `json:"pos"`
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	Rule     string   `json:"rule,omitempty"`
	Message  string   `json:"message"`
	// Related names the other rules, rows or branches involved; for an
	// unreachable branch, its own label ("branch 2", "branch 1/else").
	Related []string `json:"related,omitempty"`
}

// Analyze reports what is likely wrong in a parsed file, in source order:
// duplicate ids and constants, unused lets and constants, rules whose
// conditions are equivalent, branches and table rows that can never be
// taken, input combinations no row of a table covers (with a witness), and
// overlapping rows of unique tables.
//
// Reasoning about conditions and cells is exact where it claims anything:
// it covers comparisons of one input or field with number, string and bool
// constants, combined with && (conditions) or as DMN cells (tables); what
// it cannot read it leaves alone rather than guess.
func Analyze(f *File) []Finding {
	a := &analysis{f: f, consts: literalConsts(f)}
	a.duplicates()
	a.unused()
	a.equivalentWhens()
	for _, r := range f.Rules {
		if r.Table {
			a.table(r)
		} else {
			a.branches(r, r.Body.Branches, "")
		}
	}
	sort.SliceStable(a.out, func(i, j int) bool {
		pi, pj := a.out[i].Pos, a.out[j].Pos
		return pi.Line < pj.Line || pi.Line == pj.Line && pi.Col < pj.Col
	})
	return a.out
}

type analysis struct {
	f      *File
	consts map[string]*Value
	out    []Finding
}

func (a *analysis) add(f Finding) { a.out = append(a.out, f) }

// literalConsts maps the constants whose value is a plain literal.
func literalConsts(f *File) map[string]*Value {
	m := map[string]*Value{}
	for _, c := range f.Consts {
		if v, err := parseValue(c.Value.Src); err == nil && v.Kind != ValueName {
			m[c.Name] = v
		}
	}
	return m
}

func (a *analysis) duplicates() {
	seen := map[string]bool{}
	for _, c := range a.f.Consts {
		if seen[c.Name] {
			a.add(Finding{Pos: c.Pos, Severity: Problem, Code: "duplicate-const", Message: "constant " + c.Name + " is declared twice"})
		}
		seen[c.Name] = true
	}
	ids := map[string]bool{}
	for _, r := range a.f.Rules {
		if ids[r.ID] {
			a.add(Finding{Pos: r.Pos, Severity: Problem, Code: "duplicate-id", Rule: r.ID, Message: "id " + r.ID + " is used twice"})
		}
		ids[r.ID] = true
	}
}

// unused reports lets no later expression of their rule uses, and
// constants nothing uses.
func (a *analysis) unused() {
	used := map[string]bool{}
	for _, c := range a.f.Consts {
		for _, n := range identifiers(c.Value.Src) {
			used[n] = true
		}
	}
	for _, r := range a.f.Rules {
		names := map[string]bool{}
		r.eachExpr(func(e Expr) {
			for _, n := range identifiers(e.Src) {
				names[n] = true
				used[n] = true
			}
		})
		for _, row := range r.Rows {
			for _, c := range row.Cells {
				c.Test.eachValue(func(v *Value) {
					if v.Kind == ValueName {
						used[v.Name] = true
					}
				})
			}
		}
		r.eachLet(func(l *Let) {
			if !names[l.Name] {
				a.add(Finding{Pos: l.Pos, Severity: Warning, Code: "unused-let", Rule: r.ID, Message: "let " + l.Name + " is never used"})
			}
		})
	}
	for _, c := range a.f.Consts {
		if !used[c.Name] {
			a.add(Finding{Pos: c.Pos, Severity: Warning, Code: "unused-const", Message: "constant " + c.Name + " is never used"})
		}
	}
}

// equivalentWhens reports rules whose conditions, read as conjunctions of
// simple comparisons, admit exactly the same values.
func (a *analysis) equivalentWhens() {
	type key struct{ id, sig string }
	var seen []key
	for _, r := range a.f.Rules {
		if r.Body.When == nil {
			continue
		}
		box, ok := a.conjunction(r.Body.When.Expr.Src)
		if !ok {
			continue
		}
		sig := box.signature()
		for _, k := range seen {
			if k.sig == sig {
				a.add(Finding{Pos: r.Body.When.Pos, Severity: Warning, Code: "equivalent-when", Rule: r.ID,
					Message: fmt.Sprintf("the condition of %s is equivalent to that of %s", r.ID, k.id), Related: []string{k.id}})
				break
			}
		}
		seen = append(seen, key{r.ID, sig})
	}
}

// branches reports branches an earlier sibling always catches: when every
// value that passes branch i's condition passes an earlier one's.
func (a *analysis) branches(r *Rule, bs []*Branch, prefix string) {
	var earlier []box
	for i, b := range bs {
		label := prefix + "branch " + fmt.Sprint(i+1)
		if b.Cond == nil {
			label = prefix + "else"
		}
		var mine box
		ok := b.Cond == nil
		if b.Cond != nil {
			mine, ok = a.conjunction(b.Cond.Src)
		}
		if ok && len(earlier) > 0 && coveredBy(mine, earlier, b.Cond == nil) {
			a.add(Finding{Pos: b.Pos, Severity: Warning, Code: "unreachable-branch", Rule: r.ID,
				Message: fmt.Sprintf("%s of %s can never be taken: earlier branches catch every case", label, r.ID), Related: []string{label}})
		}
		if ok && b.Cond != nil {
			earlier = append(earlier, mine)
		} else if !ok {
			earlier = nil // a condition we cannot read could catch anything
		}
		a.branches(r, b.Body.Branches, label+"/")
	}
}

func (r *Rule) eachExpr(f func(Expr)) {
	for _, in := range r.Inputs {
		f(in)
	}
	r.Body.eachExpr(f)
	for _, row := range r.Rows {
		row.Out.eachExpr(f)
	}
}

func (b *Block) eachExpr(f func(Expr)) {
	for _, l := range b.Lets {
		f(l.Value)
	}
	for _, s := range []*Stmt{b.When, b.Urgency, b.Sensitivity, b.Priority} {
		if s != nil {
			f(s.Expr)
		}
	}
	for _, t := range []*Template{b.Title, b.Message} {
		if t != nil {
			for _, p := range t.Parts {
				if p.Expr != nil {
					f(*p.Expr)
				}
			}
		}
	}
	for _, o := range b.Outputs {
		f(o.Value)
	}
	for _, br := range b.Branches {
		if br.Cond != nil {
			f(*br.Cond)
		}
		br.Body.eachExpr(f)
	}
}

func (r *Rule) eachLet(f func(*Let)) {
	var walk func(b *Block)
	walk = func(b *Block) {
		for _, l := range b.Lets {
			f(l)
		}
		for _, br := range b.Branches {
			walk(&br.Body)
		}
	}
	walk(&r.Body)
}

func (t UnaryTest) eachValue(f func(*Value)) {
	for _, v := range []*Value{t.Value, t.Lo, t.Hi} {
		if v != nil {
			f(v)
		}
	}
	for _, sub := range t.List {
		sub.eachValue(f)
	}
}
