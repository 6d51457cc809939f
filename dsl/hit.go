package dsl

import "fmt"

// Hit is one rule of a [RuleSet] that fired for one environment: what it
// says, the branch or row that decided it, and the evidence. Hits are plain
// data owned by the caller.
type Hit struct {
	// Rule is the id of the rule or table.
	Rule string `json:"rule"`
	// Type is the alert type the rule raises.
	Type string `json:"type"`
	// Path names the decision taken: "branch 2/branch 1" (the first
	// nested branch of the second), "branch 2/else", "else", "row 3";
	// empty for a plain rule.
	Path string `json:"path,omitempty"`
	// Title and Message are the rule's templates with values interpolated.
	Title   string `json:"title,omitempty"`
	Message string `json:"message,omitempty"`
	// Urgency and Sensitivity are the rule's outputs, in [0,1].
	Urgency     float64 `json:"urgency"`
	Sensitivity float64 `json:"sensitivity"`
	// Outputs holds the further named outputs, by name.
	Outputs map[string]any `json:"outputs,omitempty"`
	// Evidence lists the rule's lets with their values, in rule order,
	// then (with [WithReadEvidence]) the fields its condition reads, sorted.
	Evidence []Binding `json:"evidence,omitempty"`
	// Tags and Owner come from the rule.
	Tags  []string `json:"tags,omitempty"`
	Owner string   `json:"owner,omitempty"`
}

// Binding is a named value: a let or a field, as evidence of a [Hit].
type Binding struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// HitPolicy says how a decision table turns matching rows into hits, as in
// DMN 1.x. The zero value is [HitFirst].
type HitPolicy uint8

// The hit policies. A rule file writes each by its name ("output order" as
// output_order) or by DMN's letter: U, A, P, F, O, R, C, and C+, C<, C>,
// C# for collect with an aggregator.
const (
	// HitFirst takes the first matching row, in row order.
	HitFirst HitPolicy = iota
	// HitUnique expects at most one matching row; two is an evaluation
	// error naming both (and a finding of the analysis).
	HitUnique
	// HitPriority takes the matching row of the highest priority: the
	// earliest in the table's `order` list of output values, or (without
	// one) the highest row `priority`; the earliest row among equals.
	HitPriority
	// HitCollect takes every matching row, one hit each, in row order; with
	// an aggregator (sum, min, max, count), one hit whose output is the rows' sum, minimum,
	// maximum or count.
	HitCollect
	// HitAny allows several matching rows when they all decide the same
	// (type, title, message, urgency, sensitivity and outputs); rows that
	// match and differ are an evaluation error naming two of them. The
	// hit is the first matching row's.
	HitAny
	// HitOutputOrder takes every matching row, one hit each, ordered by
	// priority as [HitPriority] ranks them (row order among equals).
	HitOutputOrder
	// HitRuleOrder takes every matching row in row order, as [HitCollect]
	// without an aggregator does.
	HitRuleOrder
)

var hitPolicyNames = [...]string{"first", "unique", "priority", "collect", "any", "output_order", "rule_order"}

// String returns the policy's name as written in a rule file.
func (h HitPolicy) String() string {
	if int(h) < len(hitPolicyNames) {
		return hitPolicyNames[h]
	}
	return fmt.Sprintf("HitPolicy(%d)", uint8(h))
}

// MarshalText encodes the policy as its name.
func (h HitPolicy) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText decodes a policy from its name.
func (h *HitPolicy) UnmarshalText(b []byte) error {
	for i, name := range hitPolicyNames {
		if name == string(b) {
			*h = HitPolicy(i)
			return nil
		}
	}
	return fmt.Errorf("dsl: unknown hit policy %q", b)
}

// ranked reports whether the policy orders rows by priority.
func (h HitPolicy) ranked() bool { return h == HitPriority || h == HitOutputOrder }
