package dsl

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// RuleExplanation tells why one rule of a [RuleSet] fired or did not: its
// condition, the branches or rows it tried, and the values behind them. It is
// plain data owned by the caller.
type RuleExplanation struct {
	Rule string `json:"rule"`
	// Fired is true when the rule produced at least one hit.
	Fired bool  `json:"fired"`
	Hits  []Hit `json:"hits,omitempty"`
	// When explains the rule's condition; nil when it has none.
	When *Explanation `json:"when,omitempty"`
	// Branches explains the branches tried, in order.
	Branches []BranchExplanation `json:"branches,omitempty"`
	// Inputs are a table's input values; Rows how each row matched.
	Inputs []Binding        `json:"inputs,omitempty"`
	Rows   []RowExplanation `json:"rows,omitempty"`
	// Lets are the rule's lets with their values (nil where they cannot
	// be computed).
	Lets []Binding `json:"lets,omitempty"`
	// Reads are the decisions the rule reads (`risk_band.band`), in the
	// order it first reads them, each with the values read and how it was
	// decided: the chain of decisions behind the rule's.
	Reads []DecisionExplanation `json:"reads,omitempty"`
	// Silent is true for a decision that only feeds the rules that read it
	// (emit false): Hits are the decision it took, which Eval does not
	// return.
	Silent bool `json:"silent,omitempty"`
	// Err is the failure that stopped the rule, if any: the error Eval
	// reports for the rule, and ErrKind its kind.
	Err     string `json:"error,omitempty"`
	ErrKind Kind   `json:"error_kind,omitempty"`
}

// DecisionExplanation is a decision a rule read, as the rule read it: the
// values, the branch or row that decided it, and its own explanation.
type DecisionExplanation struct {
	Rule  string `json:"rule"`
	Fired bool   `json:"fired"`
	// Path is the branch or row that decided it ("row 2"); empty for a
	// plain rule, and for a decision that did not fire.
	Path string `json:"path,omitempty"`
	// Values are the names the rule reads of the decision, in the order it
	// first reads them, with their values: nil for an output of a
	// decision that did not fire.
	Values []Binding `json:"values,omitempty"`
	// Err is the decision's failure, which is the reading rule's too.
	Err string `json:"error,omitempty"`
	// Explanation tells how the decision was taken, and the decisions it
	// read in turn; nil where the same explanation tells it already, or
	// where the chain goes deeper than an explanation shows.
	Explanation *RuleExplanation `json:"explanation,omitempty"`
	// Deeper says the decision is more than [MaxExplainDepth] reads away
	// from the rule explained: its own explanation is left out (Explain
	// it by its id for the rest of the chain), so that a long chain
	// explains in bounded size rather than nesting without end.
	Deeper bool `json:"deeper,omitempty"`
}

// MaxExplainDepth is how many reads deep an explanation shows the
// decisions a rule reads.
const MaxExplainDepth = 8

// BranchExplanation is one branch of a decision tree as it was tried.
type BranchExplanation struct {
	Label string `json:"label"`
	// Cond explains the branch's condition; nil for an else.
	Cond     *Explanation        `json:"cond,omitempty"`
	Taken    bool                `json:"taken"`
	Children []BranchExplanation `json:"children,omitempty"`
}

// RowExplanation is one row of a decision table as it was matched.
type RowExplanation struct {
	Label string `json:"label"`
	// Cells says for each column whether the input passed the cell's test.
	Cells []bool `json:"cells"`
	Match bool   `json:"match"`
}

// Explain evaluates one rule over env at time now and explains the result,
// whether it fired or not. It decides the rule exactly as [RuleSet.Eval]
// does (the same condition, guard, branch, row and hits, the same errors),
// then shows how: the condition's tree, the branches or rows tried, the
// lets. It is much slower than Eval and meant for showing a decision to a
// person. An unknown rule id is an error of kind [KindUnknownName].
func (rs *RuleSet[Env]) Explain(ruleID string, env Env, now time.Time) (*RuleExplanation, error) {
	return rs.ExplainContext(context.Background(), ruleID, env, now)
}

// ExplainContext is [RuleSet.Explain] under ctx, as
// [RuleSet.EvalContext] is Eval: the rule's evaluation and the reruns
// that explain it stop when ctx ends, the explanation's error then
// [ErrCancelled].
func (rs *RuleSet[Env]) ExplainContext(ctx context.Context, ruleID string, env Env, now time.Time) (*RuleExplanation, error) {
	if !rs.compiled() {
		return nil, ErrNotCompiled
	}
	rule := rs.byID[ruleID]
	if rule == nil {
		return nil, &Error{RuleID: ruleID, Kind: KindUnknownName, Msg: fmt.Sprintf("rule set %s has no rule %s", rs.name, ruleID)}
	}
	s := rs.begin(ctx, env, now)
	defer rs.end(s)
	if err := s.r.gov.interrupted(); err != nil {
		// As Eval, which looks at the context before each rule.
		err = rule.fail(err)
		return &RuleExplanation{Rule: rule.id, Silent: rule.silent, Err: err.Error(), ErrKind: errorKind(err)}, nil
	}
	return rs.explainRule(s, rule, map[*cRule]bool{}, 0), nil
}

// explainRule explains one rule in an evaluation, and the decisions it
// reads; shown lists the rules the explanation explains already.
func (rs *RuleSet[Env]) explainRule(s *session[Env], rule *cRule, shown map[*cRule]bool, depth int) *RuleExplanation {
	shown[rule] = true
	x := &RuleExplanation{Rule: rule.id, Silent: rule.silent}
	// The verdict, by Eval's own steps: the decisions the rule reads
	// first, then the rule, once an evaluation when others read it. Eval
	// does not evaluate a disabled rule at all (the decisions it reads are
	// decided here only to be shown).
	depErr := rs.resolve(s, rule)
	on, err := false, error(nil)
	switch {
	case !rule.enabled:
	case depErr != nil:
		err = depErr
	case rule.slot >= 0:
		st := rs.memo(s, rule)
		on, err, x.Hits = st.on, st.err, slices.Clone(st.hits)
	default:
		if on, err = rs.condition(s, rule); err == nil && on {
			x.Hits, err = rs.fire(s, rule, nil)
		}
	}
	x.Fired = len(x.Hits) > 0
	if err != nil {
		x.Err, x.ErrKind = err.Error(), errorKind(err)
	}
	for _, u := range rule.uses {
		x.Reads = append(x.Reads, rs.explainUse(s, u, shown, depth))
	}
	// How it came: each part again, for display.
	s.r.gov.reset() // one budget for the lets, as in Eval's evidence
	for _, l := range rule.lets {
		v, _ := s.value(l.p)
		x.Lets = append(x.Lets, Binding{Name: l.name, Value: v})
	}
	// The when again, by condition, which starts the rule's budget as
	// Eval does (also for a rule without a when: the lets shown above
	// spent theirs); the table's inputs and the branches' conditions
	// then take what it left, as in Eval.
	var step *Step
	if rule.when != nil {
		step = explainStep(s, rule.when, rs.layout)
	}
	whenOn, whenErr := rs.condition(s, rule)
	if step != nil {
		settle(step, whenOn, whenErr)
		x.When = &Explanation{Root: step}
		if whenErr == nil {
			x.When.Value = whenOn
		}
	}
	if !on {
		return x
	}
	if rule.tbl != nil {
		rs.explainTable(s, rule, x)
	}
	if len(rule.branches) > 0 {
		x.Branches, _ = explainBranches(s, rule.branches, rs.layout) // the error is the rule's, shown with it
	}
	return x
}

// explainUse shows a decision a rule reads, decided already.
func (rs *RuleSet[Env]) explainUse(s *session[Env], u *decisionUse, shown map[*cRule]bool, depth int) DecisionExplanation {
	st := &s.r.gov.decs[u.rule.slot]
	dx := DecisionExplanation{Rule: u.rule.id, Fired: len(st.hits) > 0}
	if st.err != nil {
		dx.Err = st.err.Error()
	} else {
		for _, name := range u.names {
			dx.Values = append(dx.Values, Binding{Name: name, Value: decisionValue(st.hits, name)})
		}
	}
	if dx.Fired {
		dx.Path = st.hits[0].Path
	}
	if !shown[u.rule] {
		if depth+1 >= MaxExplainDepth {
			dx.Deeper = true
		} else {
			dx.Explanation = rs.explainRule(s, u.rule, shown, depth+1)
		}
	}
	return dx
}

// errorKind is the Kind of an error the rule set returned.
func errorKind(err error) Kind {
	var de *Error
	if errors.As(err, &de) {
		return de.Kind
	}
	return KindEval
}

// explainBranches shows the branches tried, taking them by the same
// decisions as selectBranch: the first whose condition holds, then its
// children; a condition that fails ends the walk there, as it ends the
// evaluation, and no branch around it is taken.
func explainBranches[Env any](s *session[Env], bs []*cBranch, layout frameLayout) ([]BranchExplanation, error) {
	var out []BranchExplanation
	for _, b := range bs {
		bx := BranchExplanation{Label: b.label, Taken: true}
		if b.cond != nil {
			// The tree of the condition is worked out on a budget of its
			// own; the condition itself on what the when and the
			// branches before left, as selectBranch takes it.
			steps, mem := s.r.gov.steps, s.r.gov.mem
			step := explainStep(s, b.cond, layout)
			s.r.gov.steps, s.r.gov.mem = steps, mem
			on, err := s.bool(b.cond)
			settle(step, on, err)
			bx.Cond = &Explanation{Root: step}
			if err != nil {
				bx.Taken = false
				return append(out, bx), err
			}
			bx.Cond.Value = on
			bx.Taken = on
		}
		if !bx.Taken {
			out = append(out, bx)
			continue
		}
		children, err := explainBranches(s, b.children, layout)
		bx.Children, bx.Taken = children, err == nil
		return append(out, bx), err
	}
	return out, nil
}

func (rs *RuleSet[Env]) explainTable(s *session[Env], rule *cRule, x *RuleExplanation) {
	vals, err := tableInputs(s, rule.tbl, nil)
	if err != nil {
		return
	}
	for i, in := range rule.tbl.inputs {
		x.Inputs = append(x.Inputs, Binding{Name: in.src, Value: vals[i]})
	}
	for _, row := range rule.tbl.rows {
		rx := RowExplanation{Label: row.label, Match: true}
		for ci := range row.cells {
			ok, _ := row.cells[ci].match(vals[ci])
			rx.Cells = append(rx.Cells, ok)
			rx.Match = rx.Match && ok
		}
		x.Rows = append(x.Rows, rx)
	}
}

// String renders the explanation for a person: the verdict, the condition's
// tree, the branches or rows tried, and the lets. The format may change
// between versions.
func (x *RuleExplanation) String() string {
	if x == nil {
		return ""
	}
	var b strings.Builder
	verdict := "did not fire"
	if x.Fired {
		verdict = "fired"
	}
	if x.Silent {
		verdict += " (emit false: it only feeds the rules that read it)"
	}
	fmt.Fprintf(&b, "rule %s %s\n", x.Rule, verdict)
	for _, d := range x.Reads {
		d.writeTo(&b)
	}
	if x.When != nil {
		b.WriteString("when ")
		b.WriteString(x.When.String())
	}
	writeBranches(&b, x.Branches, "")
	for i, in := range x.Inputs {
		fmt.Fprintf(&b, "in %d: %s = %s\n", i+1, in.Name, formatValue(in.Value))
	}
	for _, r := range x.Rows {
		mark := "no match"
		if r.Match {
			mark = "match"
		}
		fmt.Fprintf(&b, "%s: %s %v\n", r.Label, mark, r.Cells)
	}
	for _, l := range x.Lets {
		fmt.Fprintf(&b, "let %s = %s\n", l.Name, formatValue(l.Value))
	}
	for _, h := range x.Hits {
		fmt.Fprintf(&b, "→ %s %q urgency %v sensitivity %v\n", h.Type, h.Title, h.Urgency, h.Sensitivity)
	}
	if x.Err != "" {
		fmt.Fprintf(&b, "error: %s\n", x.Err)
	}
	return b.String()
}

// writeTo renders a decision the rule read: a line with its verdict and
// values, then its own explanation, indented.
func (d *DecisionExplanation) writeTo(b *strings.Builder) {
	verdict := "did not fire"
	if d.Fired {
		verdict = "fired"
	}
	if d.Path != "" {
		verdict += ", " + d.Path
	}
	fmt.Fprintf(b, "reads %s (%s)", d.Rule, verdict)
	for i, v := range d.Values {
		sep := ", "
		if i == 0 {
			sep = ": "
		}
		fmt.Fprintf(b, "%s%s.%s = %s", sep, d.Rule, v.Name, formatValue(v.Value))
	}
	if d.Err != "" {
		fmt.Fprintf(b, ": error: %s", firstLine(d.Err))
	}
	b.WriteByte('\n')
	switch {
	case d.Deeper:
		fmt.Fprintf(b, "  (the chain goes deeper: explain %s for the rest)\n", d.Rule)
		return
	case d.Explanation == nil:
		fmt.Fprintf(b, "  (%s is explained above)\n", d.Rule)
		return
	}
	inner := strings.TrimSuffix(d.Explanation.String(), "\n")
	b.WriteString("  " + strings.ReplaceAll(inner, "\n", "\n  ") + "\n")
}

func writeBranches(b *strings.Builder, bs []BranchExplanation, indent string) {
	for _, bx := range bs {
		cond := "else"
		if bx.Cond != nil {
			cond = strings.TrimSuffix(bx.Cond.String(), "\n")
			cond = strings.ReplaceAll(cond, "\n", "\n"+indent+"  ")
		}
		fmt.Fprintf(b, "%s%s: %s\n", indent, bx.Label, cond)
		writeBranches(b, bx.Children, indent+"  ")
	}
}
