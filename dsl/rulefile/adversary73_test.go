package rulefile_test

import (
	"reflect"
	"testing"

	"github.com/engagekit/engagekit/dsl/rulefile"
)

// a73RoundTrip parses src (which must parse), formats it and parses the
// formatted text again, failing if that text does not parse.
func a73RoundTrip(t *testing.T, src string) (f, g *rulefile.File, out []byte) {
	t.Helper()
	f, err := rulefile.Parse([]byte(src))
	if err != nil {
		t.Fatalf("the file does not parse: %v", err)
	}
	out = rulefile.Format(f)
	g, err = rulefile.Parse(out)
	if err != nil {
		t.Fatalf("Parse(Format(f)) fails: %v\n%s", err, out)
	}
	return f, g, out
}

// Contract broken: "Format never writes text Parse refuses" / "Parse(Format(f))
// equals f up to positions" (rulefile/doc.go # Formatting). A template
// interpolation may end with expr's // line comment before its closing brace,
// the newline escaped in the string: title "{x // c\n}". matchBrace finds the
// } after the newline, but splitTemplate trims the expression's text with
// strings.TrimSpace, dropping the newline that ended the comment; Format then
// writes "{x // c}", whose // comment swallows the } and the template no
// longer closes.
// Observed: Parse(Format(f)) fails "unterminated {…} in template".
func TestAdversary73_TemplateLineCommentLosesNewline(t *testing.T) {
	src := "ruleset x version 1\nrule r {\n  type \"t\"\n  title \"{x // c\\n}\"\n}\n"
	a73RoundTrip(t, src)
}

// Contract broken: "Parse(Format(f)) equals f up to positions" and Format
// never writes text Parse reads differently (doc.go # Formatting). A /* */
// comment that spans lines and ends its last line makes that line end in "/",
// which the scanner's line rule (exprscan.go expr: continues(blankComments of
// the current line only), not knowing the comment began on an earlier line)
// reads as a trailing division operator: the expression goes on to the next
// line. In the source the next line is the block's }, which stops it. Format
// guards such lines with an empty " //" comment, but only when balanced(text)
// holds, and balanced counts brackets (and quotes) inside comments: a "(" in
// the comment leaves the guard off. Format moves `urgency` (canonical order)
// after the when, and the reparse glues it into the condition.
// Observed: when reads "a /* ( x\n  */\n  urgency 1" and urgency is gone;
// the original compiles, the formatted text does not.
func TestAdversary73_MultiLineCommentEndGluesNextStatement(t *testing.T) {
	src := "ruleset x version 1\nrule r {\n  type \"t\"\n  urgency 1\n  when a /* ( x\n  */\n}\n"
	f, g, out := a73RoundTrip(t, src)
	fw, gw := f.Rules[0].Body.When, g.Rules[0].Body.When
	if gw == nil || fw.Expr.Src != gw.Expr.Src || g.Rules[0].Body.Urgency == nil {
		var got string
		if gw != nil {
			got = gw.Expr.Src
		}
		t.Errorf("when %q became %q (urgency kept: %v) after formatting:\n%s", fw.Expr.Src, got, g.Rules[0].Body.Urgency != nil, out)
	}
}

// Contract broken: "Formatting is idempotent and Parse(Format(f)) equals f up
// to positions" (doc.go # Formatting); Text: "CRLF line ends read as LF (a
// CRLF file is the LF file: an expression over two lines kept its \r, which
// Format wrote back)". Text normalises with one strings.ReplaceAll pass, so
// "\r\r\n" becomes "\r\n", not "\r\n"'s LF twin: an expression over two lines
// keeps a "\r\n" inside its Src, Format writes it back verbatim, and the next
// Parse turns it into "\n". Format(Parse(Format(f))) != Format(f).
func TestAdversary73_DoubleCRBeforeLFSurvivesText(t *testing.T) {
	src := "ruleset x version 1\nrule r {\n  type \"t\"\n  when (a\r\r\n  || b)\n}\n"
	f, g, out := a73RoundTrip(t, src)
	if a, b := f.Rules[0].Body.When.Expr.Src, g.Rules[0].Body.When.Expr.Src; a != b {
		t.Errorf("when %q reads back as %q", a, b)
	}
	if again := rulefile.Format(g); !reflect.DeepEqual(again, out) {
		t.Errorf("Format is not idempotent:\n%q\n%q", out, again)
	}
}
