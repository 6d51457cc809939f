package rulefile

import (
	"errors"
	"fmt"
	"maps"
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

// CodeUnknown is the code of an Info finding where the analysis cannot
// decide: a question too large to check, a constant whose value it cannot
// read, a row of an any table that may or may not decide like another.
// The analysis says "unknown" rather than claim what it has not proven.
const CodeUnknown = "unknown"

// CodeInvalid is the code of the one Error finding of a File that fails
// [File.Check]: one that no text gives, which the analysis does not read.
const CodeInvalid = "invalid"

// Finding is one result of [Analyze]. Code is stable and meant for
// programs: "duplicate-id", "duplicate-const", "unused-let", "unused-const",
// "equivalent-when", "unreachable-branch", "unreachable-row",
// "outranked-row" (a row of a priority table that never wins),
// "table-gap", "unique-overlap", "any-conflict" (rows of an any table that
// match together and decide differently), "collect-out-of-range" (rows of
// a collect table whose sum or count of urgency or sensitivity leaves
// [0,1] where they match together: the table fails there unless the rule
// set clamps its outputs) and [CodeUnknown].
type Finding struct {
	Pos      Pos      `json:"pos"`
	Severity Severity `json:"severity"`
	Code     string   `json:"code"`
	Rule     string   `json:"rule,omitempty"`
	Message  string   `json:"message"`
	// Related names the other rules, rows or branches involved: for an
	// overlap or conflict the two rows ("row 1", "row 3"); for an
	// unreachable or outranked row, the row and the rows that take its
	// inputs; for an unreachable branch, its own label ("branch 2",
	// "branch 1/else").
	Related []string `json:"related,omitempty"`
	// Witness is an input that demonstrates a gap, an overlap, a
	// conflict or an aggregate out of range: each table input by its source text (and each field its
	// when reads, by path) with a value that makes it so: a float64,
	// string or bool, nil for absent data, [AnyValue] for any value but
	// nil, and for a condition the analysis cannot read (a call, say) its
	// text with true or false. Unreachable branches and rows have none
	// (nothing demonstrates a non-event); their Message says what was
	// checked.
	Witness map[string]any `json:"witness,omitempty"`
}

// Analyze reports what is likely wrong in a parsed file, in source order:
// duplicate ids and constants, unused lets and constants, rules whose
// conditions read the same values and hold for the same inputs, branches
// and table rows that can
// never be taken, rows of priority tables that never win, input
// combinations no row of a table covers, overlapping rows of unique tables
// and conflicting rows of any tables, each with a witness.
//
// The analysis is exact where it claims anything. It reads a condition as
// && , ||, ! and comparisons of a value (a field path, a let, any
// expression) with a literal or a constant, and a table's cells as the
// compiled table decides them, DMN's nil semantics included; whatever
// else a condition says is an opaque part that may be true, false or fail.
// Each question is decided on one witness per class of values the rule
// tells apart (see [Finding]), so a branch or row is unreachable only when
// no input at all reaches it, and a gap or overlap comes with an input
// that shows it. Where it cannot decide, it says [CodeUnknown], never
// unreachable. The values a rule reads are taken to vary independently,
// except the reads of one named decision, which hold together what one
// of its leaves gives (fired is false exactly when its outputs are nil),
// so a witness over a computed input (a let, a call) shows what the table
// does with that value, which the data may or may not produce (but nil is
// no witness of an expression that cannot give it: arithmetic, a
// comparison, x ?? 0). A
// condition's comparison of a decision's output with a literal fails on
// nil, as the compiled rule's does. A collect table with an aggregator is
// read as the one decision it makes (its own type, urgency, sensitivity
// and outputs, and the aggregate, any number); an aggregate, and an
// urgency or sensitivity that is not a literal, is some number, never nil,
// where its decision decides; and a decision whose when holds for no input
// never fires. A decision is read through its id as a member (d.fired): a
// function of the same name called is no read of it. The decisions are proved in the order
// they read one another, each once; where the bounded work runs out
// before a decision is, a table that reads it claims no gap or overlap
// ([CodeUnknown]): the value shown might be one the decision never gives.
//
// A File that fails [File.Check] (built in Go, or JSON of another making)
// is not analyzed: the one finding is its error, code [CodeInvalid].
func Analyze(f *File) []Finding {
	if err := f.Check(); err != nil {
		var e *Error
		errors.As(err, &e)
		return []Finding{{Pos: e.Pos, Severity: Problem, Code: CodeInvalid, Rule: e.Rule, Message: e.Error()}}
	}
	a := &analysis{f: f, consts: fileConstants(f), work: &budget{left: maxWork}}
	a.domains = a.settleDecisions()
	a.duplicates()
	a.unused()
	a.equivalentWhens()
	for _, r := range f.Rules {
		if r.Table {
			a.table(r)
		} else {
			a.branches(r)
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
	consts map[string]constant
	out    []Finding
	work   *budget
	// domains are the values reads of the file's decisions can hold.
	domains decisionDomains
	// proved gathers, as tables and trees are analyzed, what a second
	// reading of the decisions' domains may rely on (see proofs).
	proved proofs
}

// proofs are what the first pass over the decisions proves of their
// ways of deciding.
type proofs struct {
	// never holds the branches and rows (a *Branch, a *Row) that decide
	// for no input: no input reaches or matches them, or they match only
	// where another row decides or the table fails (a unique table's
	// overlap); and the decisions (a *Rule) whose when holds for no input.
	never map[any]bool
	// closed holds the levels of choices (by the *Rule or *Branch whose
	// branches or rows they are) that every input reaching them takes a
	// branch or row of, or fails: the decision never falls through them,
	// whatever the syntax (a tree's a > 0 and a <= 0 without an else; a
	// table's rows >= 0, < 0 and nil). Keyed by identity, not position:
	// a file built in code may give every part the zero position.
	closed map[any]bool
	// holds holds the rules whose when is false for no input: it holds,
	// or fails (and the decision with it); such a decision never goes
	// without deciding for its when.
	holds map[*Rule]bool
}

func (p *proofs) add(m *map[any]bool, part any) {
	if *m == nil {
		*m = map[any]bool{}
	}
	(*m)[part] = true
}

func (a *analysis) add(f Finding) { a.out = append(a.out, f) }

// settleDecisions works out the domains of the file's decisions, each
// once, in the order they read one another: a decision's branches and
// rows are analyzed over the settled domains of the decisions it reads,
// and what that proves (the branches and rows that decide for no input,
// the levels no input falls through, a when that is never false or never
// true) narrows its own domain before any reader of it is analyzed. So a
// chain of a thousand rules, each reading the one before, is proved in
// one pass, not one link a pass. The pass has a budget of its own, the
// size of one analysis's; a decision analyzed after it ran out, or
// reading one that was, keeps the domain its syntax gives and is marked
// unsettled (see tableState.unsettled).
func (a *analysis) settleDecisions() decisionDomains {
	out := newDomains()
	pre := &analysis{f: a.f, consts: a.consts, work: &budget{left: maxWork}, domains: out}
	ids := map[string]*Rule{} // each id's first decision: later ones the compiler refuses
	for _, r := range a.f.Rules {
		if r.ID != "" && ids[r.ID] == nil {
			ids[r.ID] = r
		}
	}
	reads := make(map[*Rule][]*Rule, len(a.f.Rules)) // the decisions each rule reads
	read := map[*Rule]bool{}                         // the decisions some rule reads
	for _, r := range a.f.Rules {
		seen := map[*Rule]bool{}
		r.eachExpr(func(e Expr) {
			for _, n := range memberRoots(e.Src) {
				if d := ids[n]; d != nil && d != r && !seen[d] {
					seen[d] = true
					reads[r] = append(reads[r], d)
					read[d] = true
				}
			}
		})
	}
	state := map[*Rule]int8{} // 1 on the way, 2 settled
	var settle func(r *Rule)
	settle = func(r *Rule) {
		if state[r] != 0 {
			return // settled, or a cycle the compiler refuses
		}
		state[r] = 1
		unsettled := false
		for _, d := range reads[r] {
			// One on the way reads r in turn: a cycle the compiler
			// refuses, whose domain is not known yet.
			unsettled = unsettled || state[d] == 1
			settle(d)
			unsettled = unsettled || out.unsettled[d.ID]
		}
		if read[r] && !pre.work.spent {
			if r.Table {
				pre.table(r)
			} else {
				pre.branches(r)
			}
			if r.Body.When != nil {
				switch pre.whenOutcomes(r) {
				case whenNeverFalse:
					if pre.proved.holds == nil {
						pre.proved.holds = map[*Rule]bool{}
					}
					pre.proved.holds[r] = true
				case whenNeverTrue:
					pre.proved.add(&pre.proved.never, r)
				}
			}
		}
		if r.ID != "" && (unsettled || pre.work.spent) {
			out.unsettled[r.ID] = true
		}
		readDecision(r, a.consts, pre.proved, out)
		state[r] = 2
	}
	for _, r := range a.f.Rules {
		settle(r)
	}
	return out
}

// whenOutcome is what a when can be, over every input.
type whenOutcome int8

const (
	whenEither     whenOutcome = iota // true for some input, false for some (or unknown)
	whenNeverFalse                    // true or failing for every input
	whenNeverTrue                     // false or failing for every input
)

// whenOutcomes decides whether r's when is never false or never true,
// over the whole grid of its witnesses. (A point where a value is NaN or
// of another kind than its literals only fails a comparison where a
// number not among them decides it, so it is never false where every
// such number is not: the grid's witnesses suffice; likewise true.)
func (a *analysis) whenOutcomes(r *Rule) whenOutcome {
	rd := &reader{as: newAtoms(a.work), consts: a.consts, domains: a.domains}
	c := rd.condition(r.Body.When.Expr.Src, scope{}.with(r.Body.Lets, rd.consts))
	sawTrue, sawFalse := false, false
	done := rd.as.grid(usedAtoms(nil, c), c.size(), func(pt []value) bool {
		switch c.eval(pt) {
		case triTrue:
			sawTrue = true
		case triFalse:
			sawFalse = true
		}
		return !sawTrue || !sawFalse
	})
	switch {
	case !done && !(sawTrue && sawFalse):
		return whenEither // not decided: no claim
	case !sawFalse:
		return whenNeverFalse
	case !sawTrue:
		return whenNeverTrue
	}
	return whenEither
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
		r.eachExpr(func(e Expr) {
			for _, n := range identifiers(e.Src) {
				used[n] = true
			}
		})
		markName := func(v *Value) {
			if v.Kind == ValueName {
				used[v.Name] = true
			}
		}
		for _, row := range r.Rows {
			for _, c := range row.Cells {
				c.Test.eachValue(markName)
			}
		}
		if r.Order != nil {
			for _, v := range r.Order.Values {
				markName(v) // the compiler reads an order's names as constants
			}
		}
		read := r.letsRead()
		r.eachLet(func(l *Let) {
			if !read[l] {
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

// letsRead finds the lets an expression reads, by the compiler's scopes:
// a let is seen by the lets after it in its block, by the block's other
// statements (a table's inputs and rows for the rule's lets), and by the
// branches inside, unless a let of the same name there hides it. A
// branch's condition is in the enclosing scope.
func (r *Rule) letsRead() map[*Let]bool {
	read := map[*Let]bool{}
	resolve := func(sc map[string]*Let, e Expr) {
		for _, n := range identifiers(e.Src) {
			if l := sc[n]; l != nil {
				read[l] = true
			}
		}
	}
	var block func(sc map[string]*Let, b *Block, rest func(map[string]*Let))
	block = func(sc map[string]*Let, b *Block, rest func(map[string]*Let)) {
		if len(b.Lets) > 0 {
			sc = maps.Clone(sc)
			for _, l := range b.Lets {
				resolve(sc, l.Value)
				sc[l.Name] = l
			}
		}
		for _, s := range []*Stmt{b.When, b.Urgency, b.Sensitivity, b.Priority} {
			if s != nil {
				resolve(sc, s.Expr)
			}
		}
		for _, t := range []*Template{b.Title, b.Message} {
			if t != nil {
				for _, p := range t.Parts {
					if p.Expr != nil {
						resolve(sc, *p.Expr)
					}
				}
			}
		}
		for _, o := range b.Outputs {
			resolve(sc, o.Value)
		}
		for _, br := range b.Branches {
			if br.Cond != nil {
				resolve(sc, *br.Cond)
			}
			block(sc, &br.Body, nil)
		}
		if rest != nil {
			rest(sc)
		}
	}
	block(map[string]*Let{}, &r.Body, func(sc map[string]*Let) {
		for _, in := range r.Inputs {
			resolve(sc, in)
		}
		for _, row := range r.Rows {
			block(sc, &row.Out, nil)
		}
	})
	return read
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
