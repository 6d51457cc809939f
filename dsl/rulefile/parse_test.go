package rulefile

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var ignorePos = cmp.Options{cmpopts.IgnoreTypes(Pos{}, []Pos{}), cmpopts.EquateEmpty()}

func fixtures(t testing.TB) map[string][]byte {
	t.Helper()
	paths, err := filepath.Glob("testdata/*.rules")
	if err != nil || len(paths) == 0 {
		t.Fatal("no fixtures", err)
	}
	out := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = b
	}
	return out
}

func TestFixturesRoundTrip(t *testing.T) {
	for name, src := range fixtures(t) {
		t.Run(name, func(t *testing.T) {
			f, err := Parse(src)
			if err != nil {
				t.Fatal(err)
			}
			out := Format(f)
			g, err := Parse(out)
			if err != nil {
				t.Fatalf("formatted file does not parse: %v\n%s", err, out)
			}
			if d := cmp.Diff(f, g, ignorePos); d != "" {
				t.Errorf("Parse(Format(f)) differs (-f +g):\n%s", d)
			}
			if again := Format(g); string(again) != string(out) {
				t.Errorf("Format is not idempotent:\n%s\n---\n%s", out, again)
			}
		})
	}
}

func TestFixturesJSONRoundTrip(t *testing.T) {
	for name, src := range fixtures(t) {
		f, err := Parse(src)
		if err != nil {
			t.Fatal(name, err)
		}
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		var g File
		if err := json.Unmarshal(b, &g); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(f, &g, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(Expr{}, "At")); d != "" {
			t.Errorf("%s: JSON round trip differs:\n%s", name, d)
		}
	}
}

func TestParseShapes(t *testing.T) {
	f, err := Parse(fixtures(t)["retail.rules"])
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != "retail" || f.Version != 3 || len(f.Consts) != 2 || len(f.Rules) != 5 {
		t.Fatalf("header or counts wrong: %s v%d, %d consts, %d rules", f.Name, f.Version, len(f.Consts), len(f.Rules))
	}
	ft := f.Rules[0]
	want := []TemplatePart{{Text: "Fixed-rate term ends in "}, {Expr: &Expr{Src: "days"}}, {Text: " days"}}
	if d := cmp.Diff(want, ft.Body.Title.Parts, ignorePos); d != "" {
		t.Errorf("title parts:\n%s", d)
	}
	if got := ft.Body.When.Expr.Src; got != "mortgage != nil && days >= 0 && days <= 180" {
		t.Errorf("when = %q", got)
	}
	if ft.Body.When.Pos != (Pos{Line: 13, Col: 3}) {
		t.Errorf("when at %v, want 13:3", ft.Body.When.Pos)
	}
	pg := f.Rules[2]
	if len(pg.Body.Branches) != 2 || pg.Body.Branches[1].Cond != nil || pg.Doc[0] != "Pension advice differs under and over 30." {
		t.Errorf("pension_gap branches or doc wrong: %+v", pg)
	}
	tbl := f.Rules[4]
	if !tbl.Table || tbl.Hit != "first" || len(tbl.Rows) != 3 || tbl.Body.Enabled == nil || tbl.Body.Enabled.Value {
		t.Fatalf("table wrong: %+v", tbl)
	}
	iv := tbl.Rows[1].Cells[1].Test
	wantIv := UnaryTest{Kind: TestInterval, Lo: &Value{Kind: ValueNumber, Number: 0.5}, Hi: &Value{Kind: ValueNumber, Number: 0.6}, HiOpen: true}
	if d := cmp.Diff(wantIv, iv); d != "" {
		t.Errorf("interval cell:\n%s", d)
	}
}

func TestExpressionExtent(t *testing.T) {
	cases := []struct {
		name, body, want string
	}{
		{"trailing operator continues", "when a > 1 &&\n    b < 2", "a > 1 &&\n    b < 2"},
		{"leading operator continues", "when a > 1\n    || b < 2", "a > 1\n    || b < 2"},
		{"open bracket continues", "when all(xs, {\n  # > 1\n})", "all(xs, {\n  # > 1\n})"},
		{"string with brace and hash", `when name == "}#//" && x`, `name == "}#//" && x`},
		{"trailing comment ends it", "when a > 1 // why", "a > 1"},
		{"hash is expr syntax", "when any(xs, # > 1)", "any(xs, # > 1)"},
		{"word operator leads", "when a > 1\n    or b < 2", "a > 1\n    or b < 2"},
		{"word operator alone on its line", "when a > 1\n    or\n    b < 2", "a > 1\n    or\n    b < 2"},
		{"word operator ends a line alone", "when a > 1 and\n    b < 2", "a > 1 and\n    b < 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := "ruleset x version 1\nrule r {\n  type \"t\"\n  " + c.body + "\n}\n"
			f, err := Parse([]byte(src))
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Rules[0].Body.When.Expr.Src; got != c.want {
				t.Errorf("when = %q, want %q", got, c.want)
			}
		})
	}
}

func TestCells(t *testing.T) {
	cases := []struct{ in, canonical string }{
		{"-", "-"},
		{"<  30", "< 30"},
		{">= UrgentDays", ">= UrgentDays"},
		{`"gold" | "platinum"`, `"gold" | "platinum"`},
		{"[30..50)", "[30..50)"},
		{"(0.1..0.2]", "(0.1..0.2]"},
		{"not(< 10 | > 90)", "not(< 10 | > 90)"},
		{"42", "42"},
		{"true", "true"},
		{"nil", "nil"},
		{"!= 3", "!= 3"},
	}
	for _, c := range cases {
		got, err := parseTest(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if got.String() != c.canonical {
			t.Errorf("%q formats as %q, want %q", c.in, got.String(), c.canonical)
		}
	}
	for _, bad := range []string{"", "< ", "[1..2", "<= x.y", `"unterminated`, "1..2"} {
		if _, err := parseTest(bad); err == nil {
			t.Errorf("%q: want an error", bad)
		}
	}
}

func TestSyntaxErrors(t *testing.T) {
	cases := []struct {
		name string
		src  string
		want []Pos // every error, in order
		msg  string
	}{
		{"missing header", "rule r {\n}\n", []Pos{{1, 1}}, "starts with"},
		{"unknown statement", "ruleset x version 1\nrule r {\n  typo 1\n  type \"t\"\n}\n", []Pos{{3, 3}}, "unknown statement"},
		{"two errors at once", "ruleset x version 1\nrule r {\n  when\n  urgency\n}\n", []Pos{{3, 7}, {4, 10}}, "expected an expression"},
		{"unterminated block", "ruleset x version 1\nrule r {\n  type \"t\"\n", []Pos{{4, 1}}, "expected }"},
		// An expression cut off (a bracket or a string left open, an
		// operator with nothing after it) is refused where it is: read as
		// text, it would end wherever the next line let it, and Format,
		// which reorders statements and drops blank lines, would change
		// where.
		{"bracket left open before the block's end", "ruleset x version 1\nrule r {\n  when (\n  emit false\n}\n", []Pos{{3, 8}}, `this "(" is never closed`},
		{"comment left open", "ruleset x version 1\nrule r {\n  when a /* why\n}\n", []Pos{{3, 10}}, "comment is never closed"},
		{"innermost bracket left open", "ruleset x version 1\nrule r {\n  when f(a, (b\n}\n", []Pos{{3, 13}}, `this "(" is never closed`},
		{"string left open", "ruleset x version 1\nrule r {\n  when a == \"x%\n\n}\n", []Pos{{3, 13}}, "string is never closed"},
		{"operator before a blank line", "ruleset x version 1\nrule r {\n  when a +\n\n}\n", []Pos{{3, 10}}, `ends with "+"`},
		{"operator before a comment", "ruleset x version 1\nrule r {\n  when a && // b next\n}\n", []Pos{{3, 10}}, `ends with "&&"`},
		{"word operator alone before the end", "ruleset x version 1\nrule r {\n  when a\n  or\n}\n", []Pos{{4, 3}}, `ends with "or"`},
		{"operator before a comma, one error", "ruleset x version 1\ntable t hit first {\n  in a +, b\n  row 1, 2 => type \"x\"\n}\n", []Pos{{3, 8}}, `ends with "+"`},
		{"word operator after non-ASCII", "ruleset x version 1\nrule r {\n  when é and\n\n}\n", []Pos{{3, 10}}, `ends with "and"`},
		{"bad hit policy", "ruleset x version 1\ntable t hit some {\n}\n", []Pos{{2, 13}}, "unknown hit policy"},
		{"row without arrow", "ruleset x version 1\ntable t hit first {\n  in a\n  row < 3 type \"x\"\n}\n", []Pos{{4, 7}}, "cell"},
		{"branch after else", "ruleset x version 1\nrule r {\n  type \"t\"\n  else {\n  }\n  branch a {\n  }\n}\n", []Pos{{6, 3}}, "follow else"},
		{"said twice", "ruleset x version 1\nrule r {\n  type \"a\"\n  type \"b\"\n}\n", []Pos{{4, 3}}, "twice"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.src))
			var list ErrorList
			if !errors.As(err, &list) {
				t.Fatalf("want an ErrorList, got %v", err)
			}
			var got []Pos
			for _, e := range list {
				got = append(got, e.Pos)
			}
			if d := cmp.Diff(c.want, got); d != "" {
				t.Errorf("positions (-want +got):\n%s\n%v", d, err)
			}
			if !strings.Contains(err.Error(), c.msg) {
				t.Errorf("message %q lacks %q", err, c.msg)
			}
			var one *Error
			if !errors.As(err, &one) {
				t.Errorf("errors.As cannot find *Error in %v", err)
			}
		})
	}
}

// commentedFile has a comment in every place one can be: it is in
// canonical form, so Format gives it back byte for byte.
const commentedFile = `# file doc
ruleset x version 1 // the header

# detached by a blank line, kept
const Limit = 3 // a trailing comment

# about the rule
rule r { // opens the rule
  # about the type
  type "t" // trailing
  let d = 2 // a let
  when d > Limit // the condition
  # about the branch
  branch d > 5 { // opens the branch
    urgency 0.5 // inside
    # at the end of the branch
  } // closes the branch
  # at the end of the rule
}

table tb hit first { // opens the table
  type "t"
  # above in
  in d // the input
  # about the row
  row < 1 => urgency 0.1 // a row
  row -   => urgency 0.2
  # after the last row
} // closes the table

# the end
`

func TestCommentsSurviveFormatting(t *testing.T) {
	f, err := Parse([]byte(commentedFile))
	if err != nil {
		t.Fatal(err)
	}
	if out := string(Format(f)); out != commentedFile {
		t.Errorf("Format changed the file (-want +got):\n%s", cmp.Diff(commentedFile, out))
	}
	// Comments above a blank line are kept, moved down to what follows.
	f, err = Parse([]byte("ruleset x version 1\nrule r {\n  # lonely\n\n  type \"t\"\n}\n"))
	if err != nil || f.Rules[0].Body.Type.Doc[0] != "lonely" {
		t.Errorf("comment before a blank line lost: %v", err)
	}
}

// Invalid UTF-8 is a parse error at its position, not a file that changes
// on its way through Format or JSON.
func TestInvalidUTF8(t *testing.T) {
	_, err := Parse([]byte("ruleset x version 1\nrule r {\n  type `a\xffb`\n}\n"))
	var list ErrorList
	if !errors.As(err, &list) || list[0].Pos != (Pos{3, 10}) {
		t.Errorf("want an error at 3:10, got %v", err)
	}
}

// Columns count runes: an error after non-ASCII text points where an
// editor shows it.
func TestColumnsInRunes(t *testing.T) {
	_, err := Parse([]byte("ruleset x version 1\nrule r {\n  title \"Über\" §\n}\n"))
	var list ErrorList
	if !errors.As(err, &list) || list[0].Pos != (Pos{3, 16}) {
		t.Errorf("want an error at 3:16, got %v", err)
	}
}

// JSON keeps every value a cell can hold, -0 and ±Inf included.
func TestJSONSpecialNumbers(t *testing.T) {
	src := "ruleset x version 1\n\ntable t hit first {\n  in a\n  row < +Inf => type \"t\"\n  row -0     => type \"t\"\n  row > -Inf => type \"t\"\n}\n"
	f, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var g File
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	if got := string(Format(&g)); got != src {
		t.Errorf("JSON round trip (-want +got):\n%s", cmp.Diff(src, got))
	}
}

// TestLargeHostileFilesAreLinear parses files that would be quadratic for
// a scanner that searched backwards for line starts.
func TestLargeHostileFilesAreLinear(t *testing.T) {
	blank := []byte("ruleset x version 1\n" + strings.Repeat("\n", 2<<20))
	if _, err := Parse(blank); err != nil {
		t.Fatal(err)
	}
	long := "ruleset x version 1\nrule r {\n  type \"t\"\n  when a > 1" + strings.Repeat(" &&\n a > 1", 200000) + "\n}\n"
	if _, err := Parse([]byte(long)); err != nil {
		t.Fatal(err)
	}
}

// DMN's letters parse as the policies' words, so a file has one canonical
// form; an aggregator and an order survive Format.
func TestHitPolicyForms(t *testing.T) {
	for letter, want := range map[string]string{
		"U": "unique", "A": "any", "P": "priority", "F": "first", "O": "output_order", "R": "rule_order", "C": "collect",
		"C+ rate": "collect sum rate", "C< rate": "collect min rate", "C> urgency": "collect max urgency", "C#": "collect count",
		"collect sum rate": "collect sum rate", "any": "any",
	} {
		src := "ruleset s version 1\n\ntable t hit " + letter + " {\n  type \"t\"\n  in x\n  order type \"t\", 2\n  row - => urgency 0.1\n}\n"
		f, err := Parse([]byte(src))
		if err != nil {
			t.Fatalf("%s: %v", letter, err)
		}
		out := string(Format(f))
		if !strings.Contains(out, "table t hit "+want+" {") || !strings.Contains(out, `order type "t", 2`) {
			t.Errorf("%s: formatted as\n%s", letter, out)
		}
		if g, err := Parse([]byte(out)); err != nil || string(Format(g)) != out {
			t.Errorf("%s: not idempotent: %v", letter, err)
		}
	}
	for _, bad := range []string{"hit Z", "hit collect avg rate", "hit C+"} {
		src := "ruleset s version 1\ntable t " + bad + " {\n  type \"t\"\n  in x\n  row - => urgency 0.1\n}\n"
		if _, err := Parse([]byte(src)); err == nil {
			t.Errorf("%s: want a syntax error", bad)
		}
	}
}

// emit is a rule's statement like enabled: Parse puts it after enabled,
// Format keeps its comments, and JSON keeps it.
func TestEmit(t *testing.T) {
	src := `ruleset x version 1

rule band {
  # only feeds the rules that read it
  emit false // see review
  type "risk.band"
  enabled true
  output b "high"
}

table t hit first {
  emit true
  type "t"
  in band.b
  row "high" => urgency 0.5
  row -      => emit false urgency 0.1
}
`
	f, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	e := f.Rules[0].Body.Emit
	if e == nil || e.Value || e.Comment != "see review" || len(e.Doc) != 1 || e.Pos != (Pos{Line: 5, Col: 3}) {
		t.Fatalf("emit: %+v", e)
	}
	if e := f.Rules[1].Body.Emit; e == nil || !e.Value {
		t.Fatalf("table's emit: %+v", e)
	}
	// A row's emit parses, for the compiler to refuse where it stands.
	if e := f.Rules[1].Rows[1].Out.Emit; e == nil || e.Value {
		t.Fatalf("row's emit: %+v", e)
	}
	want := `ruleset x version 1

rule band {
  type "risk.band"
  enabled true
  # only feeds the rules that read it
  emit false // see review
  output b "high"
}

table t hit first {
  type "t"
  emit true
  in band.b
  row "high" => urgency 0.5
  row -      => emit false urgency 0.1
}
`
	out := string(Format(f))
	if d := cmp.Diff(want, out); d != "" {
		t.Errorf("Format (-want +got):\n%s", d)
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var back File
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(f, &back); d != "" {
		t.Errorf("JSON round trip (-want +got):\n%s", d)
	}
	if _, err := Parse([]byte("ruleset x version 1\nrule r {\n  emit maybe\n}\n")); err == nil || !strings.Contains(err.Error(), "expected emit true or emit false") {
		t.Errorf("emit maybe: %v", err)
	}
}
