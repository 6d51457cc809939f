package dsl_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
)

var update = flag.Bool("update", false, "rewrite golden files")

// mistakeEnv is the client file the mistakes are made against.
type mistakeEnv struct {
	Client struct {
		Age      int       `expr:"age"`
		Income   float64   `expr:"income"`
		Name     string    `expr:"name"`
		Birth    time.Time `expr:"birth"`
		Coverage float64   `expr:"coverage"`
	} `expr:"client"`
	Mortgage *struct {
		Rate    float64   `expr:"rate"`
		Balance float64   `expr:"balance"`
		End     time.Time `expr:"end"`
	} `expr:"mortgage"`
}

// mistakes are the errors a rule author typically makes, one a case. Each
// must give one error (not a cascade) naming the rule, the statement and
// line:column, with a caret; the golden file holds their full texts, so a
// change to any message is reviewed.
var mistakes = []struct{ name, src string }{
	{"unknown field", "rule r {\n  type \"t\"\n  when client.agee > 30\n}"},
	{"unknown top-level name", "rule r {\n  type \"t\"\n  when cliet.age > 30\n}"},
	{"condition not a bool", "rule r {\n  type \"t\"\n  when client.age + 1\n}"},
	{"urgency a string", "rule r {\n  type \"t\"\n  when true\n  urgency \"high\"\n}"},
	{"urgency out of range", "rule r {\n  type \"t\"\n  when true\n  urgency 1.5\n}"},
	{"comparing a string with a number", "rule r {\n  type \"t\"\n  when client.name > 3\n}"},
	{"single equals", "rule r {\n  type \"t\"\n  when client.age = 30\n}"},
	{"and written as a word with a typo", "rule r {\n  type \"t\"\n  when client.age > 30 adn client.income > 1\n}"},
	{"unclosed parenthesis", "rule r {\n  type \"t\"\n  when (client.age > 30\n}"},
	{"unknown function", "rule r {\n  type \"t\"\n  when dayUntil(mortgage.end) < 14\n}"},
	{"wrong number of arguments", "rule r {\n  type \"t\"\n  when daysUntil(mortgage.end, 3) < 14\n}"},
	{"date built-in on a number", "rule r {\n  type \"t\"\n  when daysUntil(client.age) < 14\n}"},
	{"let typo", "rule r {\n  type \"t\"\n  let days = daysUntil(mortgage.end)\n  when mortgage != nil && dayz < 14\n}"},
	{"let hides a field", "rule r {\n  type \"t\"\n  let client = 3\n  when true\n}"},
	{"constant hides a field", "const mortgage = 3\nrule r {\n  type \"t\"\n  when true\n}"},
	{"missing type", "rule r {\n  when client.age > 30\n}"},
	{"duplicate rule id", "rule r {\n  type \"t\"\n  when true\n}\nrule r {\n  type \"t\"\n  when false\n}"},
	{"title with an unknown field", "rule r {\n  type \"t\"\n  when true\n  title \"{client.nmae} is due\"\n}"},
	{"branch condition not a bool", "rule r {\n  type \"t\"\n  when true\n  branch client.name {\n    urgency 0.1\n  }\n}"},
	{"when inside a branch", "rule r {\n  type \"t\"\n  when true\n  branch client.age > 3 {\n    when client.age > 4\n  }\n}"},
	{"table row missing =>", "table t hit first {\n  type \"t\"\n  in client.age\n  row < 30 urgency 0.1\n}"},
	{"table cell of the wrong type", "table t hit first {\n  type \"t\"\n  in client.age\n  row \"young\" => urgency 0.1\n}"},
	{"DMN comma list in a cell", "table t hit first {\n  type \"t\"\n  in client.age\n  row 30, 40 => urgency 0.1\n}"},
	{"method call not allowed", "rule r {\n  type \"t\"\n  when client.birth.Local().Year() > 2000\n}"},
	{"unclosed interval in a cell", "table t hit first {\n  type \"t\"\n  in client.age\n  row [1..5 => urgency 0.1\n  row > 5 => urgency 0.2\n}"},
	{"unclosed string", "rule r {\n  type \"t\"\n  when client.name == \"ada\n}"},
	{"date literal malformed", "rule r {\n  type \"t\"\n  when client.birth < date(\"2026-02-30\")\n}"},
}

func TestAuthorMistakes(t *testing.T) {
	var out strings.Builder
	for _, m := range mistakes {
		_, err := dsl.CompileRules[mistakeEnv]([]byte("ruleset m version 1\n" + m.src + "\n"))
		out.WriteString("== " + m.name + "\n")
		if err == nil {
			t.Errorf("%s: compiled", m.name)
			out.WriteString("(compiled)\n")
			continue
		}
		errs := dsl.Errors(err)
		if len(errs) != 1 {
			t.Errorf("%s: %d errors, want one:\n%v", m.name, len(errs), err)
		}
		for _, e := range errs {
			if e.Line == 0 || e.Column == 0 || e.Snippet == "" {
				t.Errorf("%s: no place: %v", m.name, e)
			}
		}
		out.WriteString(err.Error() + "\n")
	}
	golden := filepath.Join("testdata", "mistakes.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(want) {
		t.Errorf("error texts differ from %s (run with -update to accept):\n%s", golden, out.String())
	}
}
