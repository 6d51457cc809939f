package rulefile_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/dsl/rulefile"
)

type a125Env struct {
	A float64 `expr:"a"`
	S string  `expr:"s"`
	B any     `expr:"b"`
}

// a125Guard runs f with a 10 s timeout, turning a panic into a failure.
func a125Guard(t *testing.T, f func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("panic: %v", r)
			}
		}()
		done <- f()
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("timed out after 10 s")
	}
}

// "Line and Column are 1-based and count runes" (dsl.Error); "A file must
// be UTF-8, and columns count runes"; a BOM is not text and CRLF reads as LF.
func TestAdversary125_PositionsBOMCRLFTabsUnicode(t *testing.T) {
	cases := []struct {
		src       string
		line, col int
		stmt      string
	}{
		{"\ufeffruleset x version 1\r\nrule r {\r\n  type \"t\"\r\n\twhen \"é\" == s && zz > 1\r\n}\r\n", 4, 19, "when"},
		{"ruleset x version 1\nrule r {\n  type \"t\"\n  title \"\\u00e9\\t{ a + zz }\"\n}\n", 4, 24, "title"},
		{"ruleset x version 1\nrule r {\n  type \"t\"\n  title `é {zz}`\n}\n", 4, 13, "title"},
		{"ruleset x version 1\ntable t hit first {\n  in a, \"é\" + zz\n  row -, - => type \"t\"\n}\n", 3, 15, "in 2"},
		{"ruleset x version 1\nrule r {\n  type \"t\"\n  when a > 1 /* é */ && zz\n}\n", 4, 25, "when"},
		{"ruleset x version 1\nrule r {\r\n  type \"t\"\r\n  when a > 1 &&\r\n    zz\r\n}\r\n", 5, 5, "when"},
	}
	for _, c := range cases {
		a125Guard(t, func() error {
			_, err := dsl.CompileRules[a125Env]([]byte(c.src))
			var e *dsl.Error
			if !errors.As(err, &e) {
				return fmt.Errorf("%q: want *dsl.Error, got %v", c.src, err)
			}
			if e.Line != c.line || e.Column != c.col || e.Statement != c.stmt {
				return fmt.Errorf("%q: got %d:%d %q, want %d:%d %q (%v)", c.src, e.Line, e.Column, e.Statement, c.line, c.col, c.stmt, e)
			}
			return nil
		})
	}
}

// A branch's own let overrides the rule's for what the branch says, not
// for its condition: the analysis and the compiled rule set agree.
func TestAdversary125_BranchLetShadowAgreesWithEval(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		body        string
		unreachable bool
	}{
		{"rule r {\n  type \"t\"\n  let x = 5\n  when a > 1\n  branch x > 2 {\n    let x = 1\n    title \"in {x}\"\n  }\n}\n", false},
		{"rule r {\n  type \"t\"\n  let x = 1\n  when a > 1\n  branch x > 2 {\n    let x = 5\n    title \"in {x}\"\n  }\n}\n", true},
		{"rule r {\n  type \"t\"\n  let x = a\n  when x > 1\n  branch x > 5 {\n    let x = a - 10\n    branch x < 0 {\n      title \"inner\"\n    }\n  }\n}\n", false},
	} {
		a125Guard(t, func() error {
			src := "ruleset x version 1\n" + c.body
			f, err := rulefile.Parse([]byte(src))
			if err != nil {
				return err
			}
			rs, err := dsl.CompileRules[a125Env]([]byte(src))
			if err != nil {
				return err
			}
			claimed := false
			for _, fi := range rulefile.Analyze(f) {
				if fi.Code == "unreachable-branch" {
					claimed = true
				}
			}
			reached := false
			for _, a := range []float64{0, 1.5, 3, 5.5, 7, 12, 100} {
				hits, _ := rs.Eval(a125Env{A: a}, now)
				for _, h := range hits {
					if strings.HasPrefix(h.Path, "branch 1") {
						reached = true
					}
				}
			}
			if claimed && reached || claimed != c.unreachable {
				return fmt.Errorf("%s: unreachable claimed %v, reached %v, want claim %v", c.body, claimed, reached, c.unreachable)
			}
			return nil
		})
	}
}

// "it never panics"; budgets bound time: deep brackets and a long line.
func TestAdversary125_DeepAndLongBounded(t *testing.T) {
	deep := strings.Repeat("(", 5000) + "a > 1" + strings.Repeat(")", 5000)
	long := "a > 0" + strings.Repeat(" || a == 1", 20000)
	for _, when := range []string{deep, long} {
		src := "ruleset x version 1\nrule r {\n  type \"t\"\n  when " + when + "\n}\n"
		a125Guard(t, func() error {
			f, err := rulefile.Parse([]byte(src))
			if err == nil {
				_ = rulefile.Analyze(f)
				out := rulefile.Format(f)
				if g, err := rulefile.Parse(out); err != nil || string(rulefile.Format(g)) != string(out) {
					return fmt.Errorf("round trip: %v", err)
				}
			}
			_, _ = dsl.CompileRules[a125Env]([]byte(src))
			return nil
		})
	}
}

// Format keeps every comment and is idempotent around branches and tables.
func TestAdversary125_CommentsRoundTrip(t *testing.T) {
	src := "ruleset x version 1 // C0\nrule r { // C1\n  type \"t\" // C2\n  branch a > 1 { // C3\n    # C4\n  } // C5\n  # C6\n  else { // C7\n    # C8\n  } // C9\n} // C10\n\ntable t hit first { // C11\n  # C12\n  in a // C13\n  row \"//\" => type \"t\" title \"# x\" // C14\n  # C15\n} // C16\n# C17\n"
	a125Guard(t, func() error {
		f, err := rulefile.Parse([]byte(src))
		if err != nil {
			return err
		}
		out := string(rulefile.Format(f))
		for i := 0; i <= 17; i++ {
			if c := fmt.Sprintf("C%d\n", i); !strings.Contains(out, c) {
				return fmt.Errorf("comment C%d lost:\n%s", i, out)
			}
		}
		g, err := rulefile.Parse([]byte(out))
		if err != nil {
			return err
		}
		if again := string(rulefile.Format(g)); again != out {
			return fmt.Errorf("not idempotent:\n%s\n---\n%s", out, again)
		}
		return nil
	})
}
