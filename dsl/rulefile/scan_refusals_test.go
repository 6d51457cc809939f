package rulefile_test

import (
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/dsl/rulefile"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// scanEnv is the environment the expressions below compile against.
type scanEnv struct {
	X, Y float64
	S    string
	B    bool
	Xs   []float64
}

func scanRule(body string) string {
	return "ruleset x version 1\nrule r {\n  type \"t\"\n" + body + "\n}\n"
}

// What the rule file's line rules must not refuse: expressions expr
// compiles, written across lines or with expr's own comments (an
// adversary's finds: quotes and brackets inside comments read as left
// open, operators missing from the line rules, statement words inside
// brackets taken for statements).
func TestScanAcceptsValidExpressions(t *testing.T) {
	for _, c := range []struct{ name, src string }{
		{"apostrophe in // comment inside parens", scanRule("  when (X > 1 || // don't\n    Y < 2)")},
		{"double quote in // comment inside parens", scanRule("  when (B || // \"quoted\n    X > 1)")},
		{"backquote in // comment inside parens", scanRule("  when (B || // `code\n    X > 1)")},
		{"open paren in // comment inside parens", scanRule("  when (X > 1 || // (see note\n    Y < 2)")},
		{"apostrophe in /* */ comment", scanRule("  when X > 1 /* don't */ && Y < 2")},
		{"trailing /* */ comment", scanRule("  when X > 1 /* big */")},
		{"/* */ comment across lines", scanRule("  when X > 1 /* a\n  b */ && Y < 2")},
		{"^ at end of line", scanRule("  urgency X ^\n    2 > 1 ? 1 : 0")},
		{".. at end of line", scanRule("  when X in 1..\n    5")},
		{"matches at end of line", scanRule("  when S matches\n    \"^a\"")},
		{"contains at end of line", scanRule("  when S contains\n    \"a\"")},
		{"startsWith at end of line", scanRule("  when S startsWith\n    \"a\"")},
		{"endsWith at end of line", scanRule("  when S endsWith\n    \"a\"")},
		{"or after a tab at end of line", scanRule("  when B\tor\n    X > 1")},
		{"let sequence ; at end of line", scanRule("  when let d = X * 2;\n    d > 1")},
		{"in at line start inside parens", scanRule("  when (S\n    in [\"a\", \"b\"])")},
		{"let named priority at line start inside parens", scanRule("  let priority = X\n  when (\n    priority > 1 && B\n  )")},
		{"map key type at line start", scanRule("  output o {\n    type : \"a\"\n  }")},
		{"raw string ending in a backslash in a cell", "ruleset x version 1\ntable t hit first {\n  type \"t\"\n  in S\n  row `a\\` | \"b\" => output o 1\n}\n"},
		{"raw string ending in a backslash in a title", scanRule("  title \"{ `a\\\\` + S }\"")},
		{"table inputs wrapped after a comma", "ruleset x version 1\ntable t hit first {\n  type \"t\"\n  in X,\n     S\n  row > 1, \"a\" => output o 1\n}\n"},
	} {
		if _, err := dsl.CompileRules[scanEnv]([]byte(c.src)); err != nil {
			t.Errorf("%s: %q refused:\n%v", c.name, c.src, err)
			continue
		}
		f, _ := rulefile.Parse([]byte(c.src))
		again, err := rulefile.Parse(rulefile.Format(f))
		if err != nil {
			t.Errorf("%s: formatted file does not parse: %v\n%s", c.name, err, rulefile.Format(f))
			continue
		}
		if d := cmp.Diff(f, again, cmpopts.IgnoreTypes(rulefile.Pos{})); d != "" {
			t.Errorf("%s: Parse(Format(f)) != f:\n%s", c.name, d)
		}
	}
}

// Files that parsed but did not survive Format: a row's lets and when,
// which Format writes after its type, and a title's expression that starts
// with a brace.
func TestScanRoundTrips(t *testing.T) {
	for _, src := range []string{
		"ruleset x version 1\ntable t hit first {\n  in X\n  row - => let a = 1 type \"t\" let b = 2\n}\n",
		"ruleset x version 1\ntable t hit first {\n  in X\n  row - => let a = 1 type \"t\" when B\n}\n",
		"ruleset x version 1\nrule r {\n  title \"{ {\\\"a\\\": 1}.a }\"\n}\n",
	} {
		f, err := rulefile.Parse([]byte(src))
		if err != nil {
			t.Errorf("%q: %v", src, err)
			continue
		}
		out := rulefile.Format(f)
		again, err := rulefile.Parse(out)
		if err != nil {
			t.Errorf("%q: formatted file does not parse: %v\n%s", src, err, out)
			continue
		}
		if d := cmp.Diff(f, again, cmpopts.IgnoreTypes(rulefile.Pos{})); d != "" {
			t.Errorf("%q: Parse(Format(f)) != f:\n%s\n%s", src, d, out)
		}
	}
}

// A branch line of many braces, or many comments left open, parses in
// linear time: eight times the input may take up to 24 times as long,
// where quadratic work takes 64 times (the bound is relative, so a slow or
// shared machine does not fail it; a planted quadratic brace check fails
// it).
func TestScanLinear(t *testing.T) {
	for name, unit := range map[string]string{"braces": "{}", "open comments": "  when a /*\n"} {
		measure := func(n int) time.Duration {
			src := []byte("ruleset x version 1\nrule r {\n  branch " + strings.Repeat(unit, n) + "\n}\n")
			if unit[0] == ' ' {
				src = []byte("ruleset x version 1\nrule r {\n" + strings.Repeat(unit, n) + "}\n")
			}
			start := time.Now()
			rulefile.Parse(src)
			return time.Since(start)
		}
		small, large := measure(25_000), measure(200_000)
		if large > 24*small+100*time.Millisecond {
			t.Errorf("%s: 8x the input took %v against %v: not linear", name, large, small)
		}
	}
}
