package rulefile_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/engagekit/engagekit/dsl/rulefile"
)

// a38Col is the column (in runes, 1-based) where needle first occurs on
// line (1-based) of src, or 0.
func a38Col(src string, line int, needle string) int {
	lines := strings.Split(src, "\n")
	if line < 1 || line > len(lines) {
		return 0
	}
	i := strings.Index(lines[line-1], needle)
	if i < 0 {
		return 0
	}
	return utf8.RuneCountInString(lines[line-1][:i]) + 1
}

// Promise broken: "Parse(Format(f)) equals f" for any f Parse returned
// (Parse's doc, rulefile/doc.go # Formatting). An interval's lower bound is
// found by cutting the cell at its first ".." (cell.go parseInterval,
// strings.Cut), inside a string or not. A bound written with escapes,
// "\x2e\x2e", parses (the first ".." is after its closing quote) to the
// string ".."; Format writes it back as ".." and the cut then falls inside
// the quotes.
//
// Minimal input: row ["\x2e\x2e".."z"] => type "t".
// Observed: Parse(Format(f)) fails `malformed string "`; expected f back.
func TestAdversary38_IntervalBoundWithDotsRoundTrip(t *testing.T) {
	src := "ruleset x version 1\ntable t hit first {\n  in client.name\n  row [\"\\x2e\\x2e\"..\"z\"] => type \"t\"\n}\n"
	f, err := rulefile.Parse([]byte(src))
	if err != nil {
		t.Fatalf("the file does not parse: %v", err)
	}
	out := rulefile.Format(f)
	if _, err := rulefile.Parse(out); err != nil {
		t.Errorf("Parse(Format(f)) fails: %v\n%s", err, out)
	}
}

// Promise broken: "[Format] prints them so, with aligned table cells"
// (rulefile/doc.go # Formatting), where "columns count runes". The
// formatter pads each cell to the widest in its column by len, in bytes
// (format.go table), so a cell with a non-ASCII rune ("é" is two bytes)
// pads the others one too many: the next column starts a rune later on
// every other row.
//
// Minimal input: rows `"é", 1` and `"e", 2`.
// Observed: the formatted second cells start at columns 12 and 13 (the
// parser's own positions); expected one column.
func TestAdversary38_CellAlignmentCountsBytes(t *testing.T) {
	src := "ruleset x version 1\ntable t hit first {\n  in a, b\n  row \"é\", 1 => type \"t\"\n  row \"e\", 2 => type \"t\"\n}\n"
	f, err := rulefile.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	out := rulefile.Format(f)
	g, err := rulefile.Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	rows := g.Rules[0].Rows
	c1, c2 := rows[0].Cells[1].Pos.Col, rows[1].Cells[1].Pos.Col
	if c1 != c2 {
		t.Errorf("formatted table's second column starts at column %d on row 1 and %d on row 2:\n%s", c1, c2, out)
	}
}

// Promise broken: "Format prints the canonical form" and is the same for
// the same file (rulefile/doc.go # Formatting; the package reads CRLF
// files: every position of a CRLF file equals its LF twin's). An
// expression that goes on to a second line keeps the "\r" of its CRLF line
// ending inside its Src (trimExpr trims only the ends), and Format writes
// it out: a CRLF file formats to different bytes from the same file with
// LF endings, with a stray "\r\n" amid "\n" endings.
//
// Minimal input: `when a &&\r\n    b` in a CRLF file.
// Observed: Format writes "when a &&\r\n    b"; expected the LF file's
// "when a &&\n    b".
func TestAdversary38_CRLFMultiLineExpressionFormat(t *testing.T) {
	lf := "ruleset x version 1\nrule r {\n  type \"t\"\n  when a &&\n    b\n}\n"
	crlf := strings.ReplaceAll(lf, "\n", "\r\n")
	f1, err := rulefile.Parse([]byte(lf))
	if err != nil {
		t.Fatal(err)
	}
	f2, err := rulefile.Parse([]byte(crlf))
	if err != nil {
		t.Fatal(err)
	}
	if a, b := rulefile.Format(f1), rulefile.Format(f2); string(a) != string(b) {
		t.Errorf("the CRLF file formats differently from its LF twin:\nLF:   %q\nCRLF: %q", a, b)
	}
}

// Promise broken: an interpolation's position is "where its first
// character is written, and its At where each of its runes is" (template.go
// splitTemplate; the dsl places title errors by them). strconv.Unquote
// drops every carriage return of a raw (backquoted) string, but
// unquotedPositions places the raw string's runes with the "\r" still
// counted among them, so every interpolation after a "\r" is placed a
// column early.
//
// Minimal input: title `a<CR>{b}`.
// Observed: the expression b is at column 12 (the "{"); expected 13.
func TestAdversary38_RawTemplateCarriageReturnShiftsPositions(t *testing.T) {
	src := "ruleset x version 1\nrule r {\n  type \"t\"\n  title `a\r{b}`\n}\n"
	f, err := rulefile.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var e *rulefile.Expr
	for _, p := range f.Rules[0].Body.Title.Parts {
		if p.Expr != nil {
			e = p.Expr
		}
	}
	if e == nil {
		t.Fatal("no interpolation")
	}
	want := rulefile.Pos{Line: 4, Col: a38Col(src, 4, "b}")}
	if e.Pos != want {
		t.Errorf("interpolation %q at %d:%d; the source has it at %d:%d", e.Src, e.Pos.Line, e.Pos.Col, want.Line, want.Col)
	}
	if len(e.At) > 0 && e.At[0] != want {
		t.Errorf("interpolation's first rune placed at %d:%d; want %d:%d", e.At[0].Line, e.At[0].Col, want.Line, want.Col)
	}
}

// Promise broken: "A file must be UTF-8" (rulefile/doc.go # Formatting):
// a file that is UTF-8 is read. A UTF-8 byte order mark (EF BB BF, which
// Windows editors write at the start of a UTF-8 file) is valid UTF-8, but
// Parse reads it as part of the first word: the file is refused twice over,
// "a rule file starts with `ruleset NAME version N`" and `unexpected
// "\ufeffruleset"`, neither saying what is wrong.
//
// Minimal input: "\ufeffruleset x version 1\n".
// Observed: two errors at 1:1; expected the file (or one error naming the
// byte order mark).
func TestAdversary38_ByteOrderMarkRefused(t *testing.T) {
	src := "\ufeffruleset x version 1\nrule r {\n  type \"t\"\n  when a\n}\n"
	if _, err := rulefile.Parse([]byte(src)); err != nil {
		t.Errorf("a UTF-8 file with a byte order mark is refused: %v", err)
	}
}

// Promise broken: Parse "refuses malformed text with an error naming
// line:column" of the mistake (Error: "where, and what was wrong"); the
// dsl's errors place the "offending text", also inside a title's
// interpolations. splitTemplate's errors (an unmatched "}", an
// unterminated or empty "{…}") carry no offset, and the parser places them
// at the string's opening quote (block.go template), however far into the
// title the brace is; in a long title the snippet's window does not even
// show it.
//
// Minimal input: title "aaaa {x}} bbb".
// Observed: 4:9 (the quote); expected 4:18 (the lone "}").
func TestAdversary38_TemplateBraceErrorAtQuote(t *testing.T) {
	for _, c := range []struct{ title, at string }{
		{`"aaaa {x}} bbb"`, "} bbb"},
		{`"Dear client, your review is due { }"`, "{ }"},
	} {
		src := "ruleset x version 1\nrule r {\n  type \"t\"\n  title " + c.title + "\n}\n"
		_, err := rulefile.Parse([]byte(src))
		var list rulefile.ErrorList
		if err == nil || !errors.As(err, &list) || len(list) != 1 {
			t.Fatalf("want one error, got %v", err)
		}
		want := rulefile.Pos{Line: 4, Col: a38Col(src, 4, c.at)}
		if list[0].Pos != want {
			t.Errorf("title %s: error %q at %d:%d; the offending brace is at %d:%d", c.title, list[0].Msg, list[0].Pos.Line, list[0].Pos.Col, want.Line, want.Col)
		}
	}
}
