package rulefile

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestCheckRefuses holds Check to its documented refusals: each File is
// one no text could give, read from JSON, and each is refused with an
// *Error that says what is wrong, before Format or a compiler sees it.
func TestCheckRefuses(t *testing.T) {
	deep := `{"cond":{"src":"true"},"body":{}}`
	for range MaxBranchDepth {
		deep = `{"cond":{"src":"true"},"body":{"branches":[` + deep + `]}}`
	}
	for _, tc := range []struct{ name, rules, want string }{
		{"nil rule", `[null]`, "rule 1 is missing"},
		{"empty when", `[{"id":"r","body":{"when":{"expr":{"src":" \t"}}}}]`, "a statement's expression is empty"},
		{"empty let", `[{"id":"r","body":{"lets":[{"name":"x","value":{"src":""}}]}}]`, "a let's value is empty"},
		{"empty output", `[{"id":"r","body":{"outputs":[{"name":"o","value":{"src":"\n"}}]}}]`, "an output's value is empty"},
		{"empty input", `[{"id":"t","table":true,"hit":"first","inputs":[{"src":""}]}]`, "a table's input is empty"},
		{"empty branch condition", `[{"id":"r","body":{"branches":[{"cond":{"src":""},"body":{}}]}}]`, "a branch's condition is empty"},
		{"else before a branch", `[{"id":"r","body":{"branches":[{"body":{}},{"cond":{"src":"a"},"body":{}}]}}]`, "no branch may follow else"},
		{"two elses", `[{"id":"r","body":{"branches":[{"body":{}},{"body":{}}]}}]`, "no branch may follow else"},
		{"branches too deep", `[{"id":"r","body":{"branches":[` + deep + `]}}]`, "branches nest deeper than"},
		{"table parts on a rule", `[{"id":"r","hit":"first","body":{}}]`, "not a table has a hit policy"},
		{"rows on a rule", `[{"id":"r","rows":[{"cells":[],"out":{}}],"body":{}}]`, "not a table has a hit policy"},
		{"branches in a table", `[{"id":"t","table":true,"hit":"first","body":{"branches":[{"body":{}}]}}]`, "a table has rows, not branches"},
		{"branches in a row", `[{"id":"t","table":true,"hit":"first","rows":[{"cells":[],"out":{"branches":[{"body":{}}]}}]}]`, "a row's outputs hold no branches"},
		{"line break in a comment", `[{"id":"r","comment":"c\n  enabled false","body":{}}]`, "holds a line break"},
		{"bad rule id", `[{"id":"1r","body":{}}]`, "a rule's id"},
		{"no hit policy", `[{"id":"t","table":true}]`, `unknown hit policy ""`},
		{"a DMN letter", `[{"id":"t","table":true,"hit":"U"}]`, `unknown hit policy "U"`},
		{"an aggregator without collect", `[{"id":"t","table":true,"hit":"first","aggregate":"sum","aggregate_of":"urgency"}]`, "needs hit collect"},
		{"an unknown aggregator", `[{"id":"t","table":true,"hit":"collect","aggregate":"avg","aggregate_of":"urgency"}]`, `unknown aggregator "avg"`},
		{"sum of nothing", `[{"id":"t","table":true,"hit":"collect","aggregate":"sum"}]`, "the output a collect table aggregates"},
		{"count of an output", `[{"id":"t","table":true,"hit":"collect","aggregate":"count","aggregate_of":"urgency"}]`, "no aggregator that takes an output"},
		// What the read-back check finds: text that ends itself early.
		{"a row of no cells", `[{"id":"t","table":true,"hit":"first","rows":[{"out":{}}]}]`, "would not read back: cell"},
		{"an input with a comma", `[{"id":"t","table":true,"hit":"first","inputs":[{"src":"a, b"}]}]`, `.Inputs is 1 of them, read back as 2 of them`},
		{"a condition that opens the branch", `[{"id":"r","body":{"branches":[{"cond":{"src":"a {"},"body":{}}]}}]`, "would not read back"},
		{"an output that starts a title", `[{"id":"t","table":true,"hit":"first","inputs":[{"src":"a"}],"rows":[{"cells":[{"test":{"kind":"any"}}],"out":{"urgency":{"expr":{"src":"1 title \"t\""}}}}]}]`, `.Rows[0].Out.Title is nothing, read back as a Template`},
		{"an untrimmed expression", `[{"id":"r","body":{"when":{"expr":{"src":" a"}}}}]`, `.Body.When.Expr.Src is " a", read back as "a"`},
		{"an order of nothing", `[{"id":"t","table":true,"hit":"priority","order":{"output":"type","values":[]}}]`, "would not read back"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var f File
			err := json.Unmarshal([]byte(`{"name":"x","version":1,"rules":`+tc.rules+`}`), &f)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v (%T), want an *Error", err, err)
			}
			if !strings.Contains(e.Msg, tc.want) {
				t.Fatalf("got %q, want it to say %q", e.Msg, tc.want)
			}
		})
	}
}
