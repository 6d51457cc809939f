package dsl

import (
	"context"
	"errors"
	"fmt"
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
	// Err is the failure that stopped the rule, if any: the error Eval
	// reports for the rule, and ErrKind its kind.
	Err     string `json:"error,omitempty"`
	ErrKind Kind   `json:"error_kind,omitempty"`
}

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
	rule := rs.byID[ruleID]
	if rule == nil {
		return nil, &Error{RuleID: ruleID, Kind: KindUnknownName, Msg: fmt.Sprintf("rule set %s has no rule %s", rs.name, ruleID)}
	}
	s := rs.begin(context.Background(), env, now)
	defer rs.end(s)
	x := &RuleExplanation{Rule: rule.id}
	// The verdict, by Eval's own steps; Eval does not evaluate a disabled
	// rule at all.
	on, err := false, error(nil)
	if rule.enabled {
		if on, err = rs.condition(s, rule); err == nil && on {
			x.Hits, err = rs.fire(s, rule, nil)
			x.Fired = len(x.Hits) > 0
		}
	}
	if err != nil {
		x.Err, x.ErrKind = err.Error(), errorKind(err)
	}
	// How it came: each part again, for display.
	for _, l := range rule.lets {
		v, _ := s.value(l.p)
		x.Lets = append(x.Lets, Binding{Name: l.name, Value: v})
	}
	if rule.when != nil {
		step := explainStep(s, rule.when, rs.layout)
		s.r.gov.reset()
		whenOn, whenErr := rs.condition(s, rule)
		settle(step, whenOn, whenErr)
		x.When = &Explanation{Root: step}
		if whenErr == nil {
			x.When.Value = whenOn
		}
	}
	if !on {
		return x, nil
	}
	if rule.tbl != nil {
		rs.explainTable(s, rule, x)
	}
	if len(rule.branches) > 0 {
		x.Branches = explainBranches(s, rule.branches, rs.layout)
	}
	return x, nil
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
// decisions as selectBranch.
func explainBranches[Env any](s *session[Env], bs []*cBranch, layout frameLayout) []BranchExplanation {
	var out []BranchExplanation
	for _, b := range bs {
		bx := BranchExplanation{Label: b.label, Taken: true}
		if b.cond != nil {
			step := explainStep(s, b.cond, layout)
			s.r.gov.reset()
			on, err := s.bool(b.cond)
			settle(step, on, err)
			bx.Cond = &Explanation{Root: step}
			if err == nil {
				bx.Cond.Value = on
			}
			bx.Taken = err == nil && on
		}
		if bx.Taken {
			bx.Children = explainBranches(s, b.children, layout)
		}
		out = append(out, bx)
		if bx.Taken {
			return out
		}
	}
	return out
}

func (rs *RuleSet[Env]) explainTable(s *session[Env], rule *cRule, x *RuleExplanation) {
	vals, err := tableInputs(s, rule.tbl)
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
	var b strings.Builder
	verdict := "did not fire"
	if x.Fired {
		verdict = "fired"
	}
	fmt.Fprintf(&b, "rule %s %s\n", x.Rule, verdict)
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
