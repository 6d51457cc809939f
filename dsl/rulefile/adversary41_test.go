package rulefile_test

// The forty-first adversary's suite, rule-file side: identifiers limited
// to MaxIdentBytes (parse.go ident) and the text Parse reads
// (rulefile.Text: no byte order mark, CRLF as LF). Each test fails on the
// code it was written against and demonstrates one defect.

import (
	"errors"
	"strings"
	"testing"

	"github.com/engagekit/engagekit/dsl/rulefile"
)

// a41Errors is the ErrorList of a source that must not parse.
func a41Errors(t *testing.T, src string) rulefile.ErrorList {
	t.Helper()
	_, err := rulefile.Parse([]byte(src))
	var list rulefile.ErrorList
	if !errors.As(err, &list) {
		t.Fatalf("Parse: %v; want an ErrorList", err)
	}
	return list
}

// Promise broken: MaxIdentBytes's doc, "Errors quote them, so a longer
// one is refused once rather than copied into every error of its rule"
// (parse.go). The parser refuses the rule's over-long id once, but then
// keeps it as p.ruleID (rule() sets p.ruleID = r.ID whatever its length),
// and every later error of the rule carries it in Error.Rule, which
// Error() writes in front of each message ("rule ID, statement: ...").
//
// Input: a rule whose id is 20,000 bytes and 99 lines of an unknown
// statement, a 22 KB file. Observed: the ErrorList's text is about 2 MB,
// some 90 times the file; expected it bounded by a small multiple of the
// file (the id refused once, not copied into the other 99 errors).
func TestAdversary41_LongRuleIDCopiedIntoEveryError(t *testing.T) {
	id := strings.Repeat("a", 20_000)
	src := "ruleset x version 1\nrule " + id + " {\n  type \"t\"\n" + strings.Repeat("  bogus 1\n", 99) + "}\n"
	list := a41Errors(t, src)
	text := len(list.Error())
	quoting := 0
	for _, e := range list {
		if strings.Contains(e.Error(), id) {
			quoting++
		}
	}
	if text > 10*len(src) {
		t.Errorf("a %d-byte file with a %d-byte rule id: %d errors, %d of them quoting the id; their text is %d bytes (%d times the file)",
			len(src), len(id), len(list), quoting, text, text/len(src))
	}
}

// Promise broken: rulefile.Text's doc, "Text is a rule file's text as
// Parse reads it, and its positions count: without a leading byte order
// mark"; package doc, "columns count runes". Parse checks UTF-8 on the
// raw bytes and places the first invalid byte with invalidUTF8(src), which
// scans src with its byte order mark: on line 1 the mark is counted as a
// column, so the invalid byte is one column to the right of where every
// other error of that line is placed (and of where it is in the text).
//
// Input: "\ufeffruleset x version 1 \xff". Observed: 1:22; the same line
// without the mark, or with a "?" where the bad byte is, gives 1:21.
func TestAdversary41_InvalidUTF8ColumnCountsTheBOM(t *testing.T) {
	bad := a41Errors(t, "\ufeffruleset x version 1 \xff\n")
	other := a41Errors(t, "\ufeffruleset x version 1 ?\n") // the same place, a valid byte
	plain := a41Errors(t, "ruleset x version 1 \xff\n")
	if bad[0].Pos != other[0].Pos || bad[0].Pos != plain[0].Pos {
		t.Errorf("the byte after \"ruleset x version 1 \" in a file with a byte order mark: invalid UTF-8 placed at %v (%q); "+
			"a \"?\" there is placed at %v, and the invalid byte without the mark at %v",
			bad[0].Pos, bad[0].Msg, other[0].Pos, plain[0].Pos)
	}
}

// Promise broken: MaxIdentBytes's doc, "a longer one is refused once".
// file() reads the first word with p.ident() to see whether it is
// `ruleset`; when it is not, it rewinds (p.s = start) and reads the same
// word again, with p.ident(), as a declaration's keyword: an over-long
// first word is refused twice, at the same place, with the same message.
//
// Input: a 200-byte word where `ruleset` should be. Observed: two
// "an identifier of 200 bytes" errors at 1:1; expected one.
func TestAdversary41_LongFirstWordRefusedTwice(t *testing.T) {
	src := strings.Repeat("b", 200) + " x version 1\n"
	n := 0
	var at []rulefile.Pos
	list := a41Errors(t, src)
	for _, e := range list {
		if strings.Contains(e.Msg, "an identifier of") {
			n++
			at = append(at, e.Pos)
		}
	}
	if n != 1 {
		t.Errorf("a 200-byte first word: refused as an identifier %d times, at %v; want once\n%v", n, at, list)
	}
}
