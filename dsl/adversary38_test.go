package dsl_test

import (
	"strings"
	"testing"

	"github.com/engagekit/engagekit/dsl"
)

// a38Env is the client file of adversary 38's rules.
type a38Env struct {
	Client struct {
		Age  int    `expr:"age"`
		Name string `expr:"name"`
	} `expr:"client"`
}

// a38Errs compiles src, which must not compile, and returns its errors.
func a38Errs(t *testing.T, src string) []*dsl.Error {
	t.Helper()
	_, err := dsl.CompileRules[a38Env]([]byte(src))
	if err == nil {
		t.Fatalf("compiled:\n%s", src)
	}
	return dsl.Errors(err)
}

// Promise broken: "Every error is an *Error: the rule's id, the statement
// …, line and column in runes, a snippet with a caret" (dsl/doc.go #
// Errors). The rule-file scanner trims an expression of space, tab, CR and
// LF only (trimExpr, on purpose), so a statement whose expression is a
// form feed or a no-break space parses; the front end then trims it with
// strings.TrimSpace and refuses it as "empty expression" (frontend.go
// prepare) with no position and no snippet.
//
// Minimal input: `when \f` (or `when \u00a0`, `const X = \u00a0`).
// Observed: rule r, when, 0:0, no snippet; expected the when's line and
// column.
func TestAdversary38_BlankExpressionErrorHasNoPosition(t *testing.T) {
	for _, body := range []string{
		"rule r {\n  type \"t\"\n  when \f\n}\n",
		"rule r {\n  type \"t\"\n  when client.age > 1\n  urgency \u00a0\n}\n",
		"const X = \u00a0\n",
	} {
		for _, e := range a38Errs(t, "ruleset x version 1\n"+body) {
			if e.Line == 0 || e.Column == 0 || e.Snippet == "" {
				t.Errorf("%q: error %q (statement %q) at %d:%d with snippet %q; want the statement's position", body, e.Msg, e.Statement, e.Line, e.Column, e.Snippet)
			}
		}
	}
}

// Promise broken: every compile error names "the statement (… "let
// days" …)" (dsl/doc.go # Errors); a constant's errors say "const X"
// (adversary 27 fixed the constant that hides a field). A constant whose
// value is not a number, string or bool is refused by an *Error built
// without a Statement (ruleset_compile.go compileConsts).
//
// Minimal input: const X = {"a": 1}.
// Observed: Statement ""; expected "const X".
func TestAdversary38_ConstantKindErrorWithoutStatement(t *testing.T) {
	for _, decl := range []string{"const X = {\"a\": 1}", "const X = [1, 2]"} {
		for _, e := range a38Errs(t, "ruleset x version 1\n"+decl+"\n") {
			if e.Statement != "const X" {
				t.Errorf("%s: error %q has statement %q; want \"const X\"", decl, e.Msg, e.Statement)
			}
		}
	}
}

// Promise broken: rules are untrusted and "resources are bounded" (dsl/doc.go;
// long identifiers are to be refused, not turned into huge work). Nothing
// bounds a rule's id, and the compiler writes the id into the message of
// each error of the rule, with no cap on their number: `output fired 1`
// is 17 bytes of source and an error whose message holds the id ("… a
// rule reading this one as ID.fired …"). A 20 KB id and 500 such lines, a
// 28 KB file, make 10 MB of messages at compile time; a 4 MB file (Parse's
// limit), a 2 MB id and 100,000 such lines, would make 200 GB.
//
// Observed: messages 351 times the file's size; expected them bounded by
// a small multiple of it (an id over a limit refused once).
func TestAdversary38_LongRuleIDMultipliedIntoErrors(t *testing.T) {
	id := strings.Repeat("a", 20_000)
	src := "ruleset x version 1\nrule " + id + " {\n  type \"t\"\n  when client.age > 1\n" +
		strings.Repeat("  output fired 1\n", 500) + "}\n"
	total := 0
	for _, e := range a38Errs(t, src) {
		total += len(e.Msg) + len(e.Suggestion)
	}
	if total > 10*len(src) {
		t.Errorf("a %d-byte file compiles to %d bytes of error messages (%d times its size)", len(src), total, total/len(src))
	}
}
