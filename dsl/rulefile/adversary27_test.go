package rulefile_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/engagekit/engagekit/dsl/rulefile"
)

// Promise broken: "A File marshals to and from JSON losslessly" (doc.go,
// # Formatting). Parse refuses raw invalid UTF-8, but a string literal may
// spell it with an escape: `type "a\xffb"` is valid UTF-8 source whose
// unquoted value holds the byte 0xff. encoding/json writes such a string
// with U+FFFD in place of the byte, so the file that comes back from JSON
// says `type "a�b"`. The same holds for every unquoted text of a file: an
// owner, tags, a template's text and a string inside its {expr}, a cell's
// and an order's string values.
//
// Minimal input: ruleset x version 1 / rule r { type "a\xffb" }.
// Observed: Format(JSON round trip) writes "a\ufffdb"; expected "a\xffb".
func TestAdversary27_JSONLosesEscapedInvalidUTF8(t *testing.T) {
	for _, src := range []string{
		"ruleset x version 1\nrule r {\n  type \"a\\xffb\"\n}\n",
		"ruleset x version 1\nrule r {\n  type \"t\"\n  owner \"\\xc3\"\n  tags \"\\x80\"\n}\n",
		"ruleset x version 1\nrule r {\n  type \"t\"\n  title \"\\xfe {\\\"\\xfe\\\"}\"\n}\n",
		"ruleset x version 1\ntable t hit priority {\n  type \"t\"\n  in a\n  order type \"\\xfe\", \"t\"\n  row \"\\xfe\" => type \"\\xfe\"\n}\n",
	} {
		f, err := rulefile.Parse([]byte(src))
		if err != nil {
			// Since the fix a string that is not UTF-8 text is refused
			// where it is written: a file Parse returns has none.
			if !strings.Contains(err.Error(), "not UTF-8 text") {
				t.Fatalf("%q: %v", src, err)
			}
			continue
		}
		want := string(rulefile.Format(f))
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatalf("%q: marshal: %v", src, err)
		}
		var back rulefile.File
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%q: unmarshal: %v", src, err)
		}
		if got := string(rulefile.Format(&back)); got != want {
			t.Errorf("JSON round trip changes the file:\n%q\n---\n%q", want, got)
		}
	}
}

// Promise broken: "Parse(Format(f)) equals f" for any file Parse returned
// (FuzzParse). An interpolation's string may hold an escaped newline:
// title "{\"a\n}". Unquoted, the template is {"a<newline>}; matchBrace
// reads the string "a as ending at the newline (stringEnd stops there), so
// the } closes the interpolation, and its source, trimmed with
// strings.TrimSpace, loses the newline and becomes `"a`. Format writes the
// template back as "{\"a}", where the string now runs over the } and the
// interpolation is never closed: the formatted file does not parse.
//
// Minimal input: title "{\"a\n}" (as written in the file).
// Observed: Parse(Format(f)) fails "unterminated {…} in template";
// expected the same file back.
func TestAdversary27_TemplateStringCutByEscapedNewline(t *testing.T) {
	for _, title := range []string{
		`"{\"a\n}"`,
		"\"{`a\\n}\"",
		`"x {\"\\` + `\n}"`,
	} {
		src := "ruleset x version 1\nrule r {\n  type \"t\"\n  title " + title + "\n}\n"
		f, err := rulefile.Parse([]byte(src))
		if err != nil {
			continue // refusing it is as good
		}
		out := rulefile.Format(f)
		again, err := rulefile.Parse(out)
		if err != nil {
			t.Errorf("title %s: the formatted file does not parse: %v\n%s", title, err, out)
			continue
		}
		if twice := string(rulefile.Format(again)); twice != string(out) {
			t.Errorf("title %s: Format(Parse(Format(f))) != Format(f):\n%s\n---\n%s", title, out, twice)
		}
	}
}
