package advisory

import "github.com/engagekit/engagekit/dsl"

// Alert is one finding about one client file: a rule of the advisory framework
// (or the staleness check) found the file out of line. Alerts are plain data:
// the caller owns every slice and map in them.
type Alert struct {
	// ClientID identifies the client file the alert is about.
	ClientID string `json:"client_id"`
	// Type is the alert type, a dotted name such as "mortgage.term_end".
	// The canvas places alert types; data-quality findings use the
	// "data." prefix ("data.stale", "data.missing").
	Type string `json:"type"`
	// RuleSet and Version name the framework that raised the alert.
	RuleSet string `json:"rule_set,omitempty"`
	Version int    `json:"version,omitempty"`
	// RuleID is the id of the rule, tree or table that fired.
	RuleID string `json:"rule_id"`
	// Path names the branch or table row taken, empty for a plain rule.
	Path string `json:"path,omitempty"`
	// Title is the short human headline; Message the longer text, both with
	// their templates already interpolated.
	Title   string `json:"title"`
	Message string `json:"message,omitempty"`
	// Urgency and Sensitivity (advice sensitivity) are in [0,1], as the rule
	// granulated them for this client.
	Urgency     float64 `json:"urgency"`
	Sensitivity float64 `json:"sensitivity"`
	// Outputs holds any further named outputs of the rule, by name.
	Outputs map[string]any `json:"outputs,omitempty"`
	// Evidence lists the values that made the rule fire, in rule order.
	Evidence []Evidence `json:"evidence,omitempty"`
	// Tags are the rule's tags, sorted.
	Tags []string `json:"tags,omitempty"`
	// Owner is the rule's owner (its `owner` statement): the team or
	// person who answers for it. Empty when the rule names none, and for
	// the alerts of [Staleness].
	Owner string `json:"owner,omitempty"`
}

// Evidence is one named value behind an alert: a calculation (let) of the
// rule, a field it read, or a fact of the staleness check. It is the dsl's
// binding, so a hit's evidence becomes an alert's without a copy.
type Evidence = dsl.Binding
