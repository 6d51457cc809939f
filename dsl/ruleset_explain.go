package dsl

import (
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
	// Err is the failure that stopped the rule, if any.
	Err string `json:"error,omitempty"`
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
// whether it fired or not. It is much slower than [RuleSet.Eval] and meant
// for showing a decision to a person. An unknown rule id is an error of kind
// [KindUnknownName].
func (rs *RuleSet[Env]) Explain(ruleID string, env Env, now time.Time) (*RuleExplanation, error) {
	rule := rs.byID[ruleID]
	if rule == nil {
		return nil, &Error{RuleID: ruleID, Kind: KindUnknownName, Msg: fmt.Sprintf("rule set %s has no rule %s", rs.name, ruleID)}
	}
	r := newRunner[Env](rs.layout, rs.budget)
	s := &session[Env]{r: r, env: env, fr: r.bind(env, now)}
	x := &RuleExplanation{Rule: rule.id}
	for _, l := range rule.lets {
		v, _ := s.run(l.p)
		x.Lets = append(x.Lets, Binding{Name: l.name, Value: v})
	}
	on := true
	if rule.when != nil {
		step := explainStep(s, rule.when, rs.layout)
		x.When = &Explanation{Value: step.Value, Root: step}
		on, _ = step.Value.(bool)
		if step.Err != "" {
			on = false
		}
	}
	if on && rule.tbl != nil {
		rs.explainTable(s, rule, x)
	}
	if on && len(rule.branches) > 0 {
		x.Branches, _ = explainBranches(s, rule.branches, rs.layout)
	}
	if on && rule.enabled {
		hits, err := fire(s, rule, nil, rs.clamp, nil)
		x.Hits, x.Fired = hits, len(hits) > 0
		if err != nil {
			x.Err = err.Error()
		}
	}
	return x, nil
}

func explainBranches[Env any](s *session[Env], bs []*cBranch, layout frameLayout) ([]BranchExplanation, bool) {
	var out []BranchExplanation
	for _, b := range bs {
		bx := BranchExplanation{Label: b.label, Taken: true}
		if b.cond != nil {
			step := explainStep(s, b.cond, layout)
			bx.Cond = &Explanation{Value: step.Value, Root: step}
			bx.Taken, _ = step.Value.(bool)
		}
		if bx.Taken {
			bx.Children, _ = explainBranches(s, b.children, layout)
		}
		out = append(out, bx)
		if bx.Taken {
			return out, true
		}
	}
	return out, false
}

func (rs *RuleSet[Env]) explainTable(s *session[Env], rule *cRule, x *RuleExplanation) {
	vals := make([]any, len(rule.tbl.inputs))
	for i, in := range rule.tbl.inputs {
		v, err := s.run(in)
		if err != nil {
			x.Err = err.Error()
			return
		}
		vals[i] = v
		x.Inputs = append(x.Inputs, Binding{Name: in.src, Value: v})
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
