package dsl_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
)

// a27Env is the client file of adversary 27's rules.
type a27Env struct {
	Client struct {
		Age  int    `expr:"age"`
		Name string `expr:"name"`
	} `expr:"client"`
	Mortgage *struct {
		Rate float64 `expr:"rate"`
	} `expr:"mortgage"`
}

// a27At is the text of src from line:column (runes) to the end of that
// line, or "" when the position is not in src.
func a27At(src string, line, col int) string {
	lines := strings.Split(src, "\n")
	if line < 1 || line > len(lines) {
		return ""
	}
	r := []rune(lines[line-1])
	if col < 1 || col > len(r) {
		return ""
	}
	return string(r[col-1:])
}

// a27CompileErrs compiles a rule file whose rule is body and returns its
// source and errors; it must not compile.
func a27CompileErrs(t *testing.T, body string) (string, []*dsl.Error) {
	t.Helper()
	src := "ruleset m version 1\n" + body + "\n"
	_, err := dsl.CompileRules[a27Env]([]byte(src))
	if err == nil {
		t.Fatalf("compiled:\n%s", src)
	}
	return src, dsl.Errors(err)
}

// a27WantAt checks that the only error of body points at text starting
// with want, as the errors of the control (an interpolation with nothing
// before it in the string) do.
func a27WantAt(t *testing.T, body, want string) {
	t.Helper()
	src, errs := a27CompileErrs(t, body)
	if len(errs) != 1 {
		t.Fatalf("%d errors, want one: %v", len(errs), errs)
	}
	e := errs[0]
	if at := a27At(src, e.Line, e.Column); !strings.HasPrefix(at, want) {
		t.Errorf("%s\nerror %d:%d (%s, %q) points at %q; want the text %q", src, e.Line, e.Column, e.Statement, e.Msg, at, want)
	}
}

// Control: an unknown field in a title is placed on the field's name.
func TestAdversary27_TemplateColumnControl(t *testing.T) {
	a27WantAt(t, "rule r {\n  type \"t\"\n  when true\n  title \"é {client.nmae}\"\n}", "nmae")
}

// Promise broken: "every error is an *Error naming rule, statement and
// line:column" (dsl/doc.go # Errors), the column "in runes" of the file.
// An interpolation's position is the string's plus the interpolation's
// offset in the *unquoted* text (rulefile/template.go splitTemplate), so
// every escape before it (\t, \", \u00e9: two to six runes of source, one
// of text) moves the error left by what the escape saved.
//
// Minimal input: title "\t\t{client.nmae}".
// Observed: the error points two runes early, at "t.nmae}"; expected
// "nmae".
func TestAdversary27_TemplateColumnAfterEscapes(t *testing.T) {
	for _, title := range []string{`"\t\t{client.nmae}"`, `"\u00e9{client.nmae}"`, `"say \"hi\" {client.nmae}"`} {
		a27WantAt(t, "rule r {\n  type \"t\"\n  when true\n  title "+title+"\n}", "nmae")
	}
}

// Promise broken: as above, the column of an error in a title. The
// interpolation's source is trimmed (strings.TrimSpace in splitTemplate)
// but its position is still that of the character after the {, so blanks
// after the brace move every error of the expression left by their number.
//
// Minimal input: title "{   client.nmae}".
// Observed: the error points at "nt.nmae}"; expected "nmae".
func TestAdversary27_TemplateColumnAfterLeadingBlanks(t *testing.T) {
	a27WantAt(t, "rule r {\n  type \"t\"\n  when true\n  title \"{   client.nmae}\"\n}", "nmae")
}

// Promise broken: line:column of an error in a title. An escaped newline
// inside an interpolation (the string "{client.age +\nclient.nmae}" is one
// line of the file) makes the expression two lines long, and the error on
// its second line is placed on the file's next line, at a column that
// line does not have.
//
// Minimal input: title "{client.age +\nclient.nmae}".
// Observed: 6:8, past the end of the rule's closing line; expected the
// title's line 5, at "nmae".
func TestAdversary27_TemplateLineAfterEscapedNewline(t *testing.T) {
	a27WantAt(t, "rule r {\n  type \"t\"\n  when true\n  title \"{client.age +\\nclient.nmae}\"\n}", "nmae")
}

// Promise broken: "Every error is an *Error: the rule's id, the statement
// ("when", "urgency", "let days", "branch 2, condition", "row 3, urgency",
// …), line and column" (dsl/doc.go # Errors). The compile errors the
// builder raises itself (builder.errorf, which passes no statement) have an
// empty Statement though they are errors of one statement: a let that
// hides a field, a cell that cannot compare its input (the statement is
// only in the message), a row's priority that is not a finite number, a
// constant that hides a field. (An error in the same let's expression says
// "let x", and in the same constant's "const X".)
//
// Minimal input: rule r { type "t" let client = 3 when true }.
// Observed: Statement ""; expected "let client".
func TestAdversary27_CompileErrorsWithoutStatement(t *testing.T) {
	for _, c := range []struct{ body, want string }{
		{"rule r {\n  type \"t\"\n  let client = 3\n  when true\n}", "let client"},
		{"table t hit first {\n  type \"t\"\n  in client.age\n  row \"young\" => urgency 0.1\n}", "row 1"},
		{"table t hit priority {\n  type \"t\"\n  in client.age\n  row - => priority 1/0\n}", "row 1, priority"},
		{"const mortgage = 3\nrule r {\n  type \"t\"\n  when true\n}", "const mortgage"},
	} {
		_, errs := a27CompileErrs(t, c.body)
		for _, e := range errs {
			if !strings.HasPrefix(e.Statement, c.want) {
				t.Errorf("%s\nerror %q has statement %q; want %q", c.body, e.Error(), e.Statement, c.want)
			}
		}
	}
}

// a27Title is the title rule r gives, or its error.
func a27Title(t *testing.T, title string) (string, error) {
	t.Helper()
	src := "ruleset m version 1\nrule r {\n  type \"t\"\n  when true\n  title " + strconv.Quote(title) + "\n}\n"
	rs, err := dsl.CompileRules[a27Env]([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	hits, err := rs.Eval(a27Env{}, time.Date(2026, 4, 5, 12, 0, 0, 0, time.UTC))
	if err != nil || len(hits) != 1 {
		return "", err
	}
	return hits[0].Title, nil
}

// Promise broken: pct(x) writes x as a percentage, "42.3%" (dsl/doc.go #
// Built-ins). formatPct multiplies by 100 in float64 before writing, so a
// finite share above MaxFloat64/100 overflows and is written "+Inf%" (in
// strconv's spelling, where num and a bare interpolation write ∞ for a
// real infinity).
//
// Minimal input: title "{pct(1e307)}".
// Observed: "+Inf%"; expected 1e309 written out, "1000…000%" (or an
// error), never infinity for a finite number.
func TestAdversary27_PctOfLargeFiniteNumberIsInfinity(t *testing.T) {
	for _, x := range []string{"1e307", "1.8e306", "-1e307"} {
		got, err := a27Title(t, "{pct("+x+")}")
		if err == nil && strings.Contains(got, "Inf") {
			t.Errorf("pct(%s) = %q; a finite number is not infinite", x, got)
		}
	}
}

// Promise broken: a rule's memory is bounded by MemoryBudget: "the memory
// it builds (… strings, the text num and money write …)" (dsl/doc.go #
// Untrusted rules). num and money charge what they write (format.go
// charged, after adversary 7); pct, their sibling among the formatting
// built-ins, charges nothing, and pct(1e306, 10) writes some 320 bytes. A
// loop of them allocates without bound (500,000 iterations: ~500 MB and
// seconds of CPU, within MaxSteps); the control with num fails with
// ErrLimit after a thousand.
//
// Minimal input: when all(1..20000, {pct(1e306, 10) != ""}).
// Observed: the rule fires, having written ~6 MB uncharged; expected
// ErrLimit, as for num.
func TestAdversary27_PctUncharged(t *testing.T) {
	for _, fn := range []string{"num", "pct"} { // num: the control
		// (40,000 since the fix: pct writes some 320 bytes, charged
		// twice over as num's text is, so 20,000 of them fit the
		// default budget of 16 MB; twice as many do not.)
		src := "ruleset m version 1\nrule r {\n  type \"t\"\n  when all(1..40000, {" + fn + "(1e306, 10) != \"\"})\n}\n"
		rs, err := dsl.CompileRules[a27Env]([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		_, err = rs.Eval(a27Env{}, time.Date(2026, 4, 5, 12, 0, 0, 0, time.UTC))
		if !errors.Is(err, dsl.ErrLimit) {
			t.Errorf("%s: %v; want ErrLimit, the text it writes charged to the memory budget", fn, err)
		}
	}
}
