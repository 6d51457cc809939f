package dsl_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/engagekit/engagekit/dsl"
)

// Every statement means something where it is written, or the file does
// not compile: each misplaced statement is one error naming the rule, the
// statement and its line:col.
func TestMisplacedStatements(t *testing.T) {
	for _, c := range []struct {
		name, body string
		stmt       string
		line, col  int
	}{
		{"when in a branch", "rule r {\n  type \"t\"\n  branch client.age > 1 {\n    when client.age > 100\n  }\n}", "branch 1, when", 5, 5},
		{"tags in a branch", "rule r {\n  type \"t\"\n  branch client.age > 1 {\n    tags \"a\"\n  }\n}", "branch 1, tags", 5, 5},
		{"owner in an else", "rule r {\n  type \"t\"\n  branch client.age > 1 {\n  }\n  else {\n    owner \"x\"\n  }\n}", "else, owner", 7, 5},
		{"enabled in a nested branch", "rule r {\n  type \"t\"\n  branch client.age > 1 {\n    branch client.age > 2 {\n      enabled false\n    }\n  }\n}", "branch 1/branch 1, enabled", 6, 7},
		{"priority in a branch", "rule r {\n  type \"t\"\n  branch client.age > 1 {\n    priority 2\n  }\n}", "branch 1, priority", 5, 5},
		{"priority on a plain rule", "rule r {\n  type \"t\"\n  priority 2\n}", "priority", 4, 3},
		{"priority on a table", "table r hit priority {\n  type \"t\"\n  priority 2\n  in client.age\n  row - => urgency 0.1\n}", "priority", 4, 3},
		{"row priority in a first table", "table r hit first {\n  type \"t\"\n  in client.age\n  row - => urgency 0.1 priority 2\n}", "row 1, priority", 5, 24},
		{"literal urgency", "rule r {\n  type \"t\"\n  urgency 1.5\n}", "urgency", 4, 11},
		{"negative sensitivity", "rule r {\n  type \"t\"\n  sensitivity -0.5\n}", "sensitivity", 4, 15},
		{"constant urgency", "const Big = 7\nrule r {\n  type \"t\"\n  urgency Big\n}", "urgency", 5, 11},
		{"conditional arm", "rule r {\n  type \"t\"\n  urgency client.age > 3 ? 0.5 : 2.5\n}", "urgency", 4, 34},
		{"branch urgency", "rule r {\n  type \"t\"\n  branch client.age > 1 {\n    urgency 3\n  }\n}", "branch 1, urgency", 5, 13},
		{"row urgency", "table r hit first {\n  type \"t\"\n  in client.age\n  row - => urgency 10\n}", "row 1, urgency", 5, 20},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := dsl.CompileRules[fileEnv]([]byte("ruleset x version 1\n" + c.body + "\n"))
			errs := flatten(err)
			if len(errs) != 1 {
				t.Fatalf("want one error, got %d: %v", len(errs), err)
			}
			var de *dsl.Error
			if !errors.As(errs[0], &de) || de.RuleID != "r" || de.Statement != c.stmt || de.Line != c.line || de.Column != c.col {
				t.Fatalf("want rule r, %s, %d:%d; got %v", c.stmt, c.line, c.col, err)
			}
		})
	}
}

// A decision is atomic: a collect table whose second row fails yields its
// error and none of its hits, in Eval and Explain alike.
func TestCollectIsAtomic(t *testing.T) {
	rs, err := dsl.CompileRules[fileEnv]([]byte(`ruleset x version 1
table c hit collect {
  type "t"
  in client.age
  row > 1 => urgency 0.5
  row > 2 => urgency client.age / 2
}
rule after {
  type "u"
}
`))
	if err != nil {
		t.Fatal(err)
	}
	hits, err := rs.Eval(fileEnv{Client: fileClient{Age: 10}}, testNow)
	if !errors.Is(err, dsl.ErrEval) || len(hits) != 1 || hits[0].Rule != "after" {
		t.Fatalf("want only rule after's hit and an error; got %+v, %v", hits, err)
	}
	x, err := rs.Explain("c", fileEnv{Client: fileClient{Age: 10}}, testNow)
	if err != nil || x.Fired || len(x.Hits) != 0 || x.Err == "" {
		t.Fatalf("Explain: want no hits and the error; got %+v, %v", x, err)
	}
}

// Syntax errors name the rule and statement, and the common mistakes get
// a hint.
func TestSyntaxErrorHints(t *testing.T) {
	for _, c := range []struct{ name, body, stmt, want string }{
		{"missing arrow", "table r hit first {\n  type \"t\"\n  in client.age\n  row 30 urgency 0.1\n}", "row 1", "missing =>"},
		{"comma list", "table r hit first {\n  type \"t\"\n  in client.age\n  row 30, 40 => urgency 0.1\n}", "row 1", `write them with |`},
		{"bad statement", "rule r {\n  type \"t\"\n  wen client.age > 3\n}", "wen", "unknown statement"},
	} {
		_, err := dsl.CompileRules[fileEnv]([]byte("ruleset x version 1\n" + c.body + "\n"))
		var de *dsl.Error
		if !errors.As(err, &de) || de.RuleID != "r" || de.Statement != c.stmt || de.Line == 0 || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: want rule r, %s, a position and %q; got %v", c.name, c.stmt, c.want, err)
		}
	}
}
