package rulefile

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/engagekit/engagekit/internal/jsonnull"
	"github.com/google/go-cmp/cmp"
)

// FuzzParse feeds arbitrary bytes to Parse: it must return a file or
// errors, never panic, and a file it returns must survive formatting.
func FuzzParse(f *testing.F) {
	for _, src := range fixtures(f) {
		f.Add(src)
	}
	f.Add([]byte("ruleset x version 1\nrule r {\n  type \"t\"\n  when (((\n}\n"))
	f.Add([]byte("ruleset x version 1\ntable t hit first {\n  in a, b\n  row [1..2), not(\"x\" | 3) => type \"t\" output o {a: 1}\n}\n"))
	f.Add([]byte("ruleset \x00 version -1\n}}}{{{"))
	f.Add([]byte("ruleset x version 1\nrule band {\n  type \"t\"\n  emit false // feeds r\n  output b \"high\"\n}\nrule r {\n  # reads band\n  emit true\n  type \"u\"\n  when band.b == \"high\" && (\n    band.fired\n  emit false\n}\n"))
	f.Add([]byte(commentedFile))
	f.Add([]byte("# a\rb\nruleset x version 1 // c\rd\nrule r {\n  type \"t\" // e\rf\n}\n")) // a lone CR stays in a comment
	f.Add([]byte("ruleset x version 1\ntable t hit C+ s {\n  in a\n  order type \"t\"\n  row < +Inf => output s -0\n  row -0 | -Inf => type \"é\" // ü\n}\n"))
	f.Add([]byte("ruleset x version 1\nrule r {\n  when (a || // don't (\n    b) /* c \"d */ &&\n    s matches\n    \"x\"\n  title \"{ {\\\"a\\\": 1}.a }\"\n}\n"))
	f.Add([]byte("ruleset x version 1\ntable t hit first {\n  in a,\n    b\n  row -, - => let x = 1 type \"t\" when c\n}\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		file, err := Parse(src)
		if err != nil {
			return
		}
		if err := file.Check(); err != nil {
			t.Fatalf("a parsed file fails Check: %v", err)
		}
		out := Format(file)
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("formatted file does not parse: %v\n%s", err, out)
		}
		if d := cmp.Diff(file, again, ignorePos); d != "" {
			t.Fatalf("Parse(Format(f)) != f:\n%s\n%s", d, out)
		}
		if twice := Format(again); string(twice) != string(out) {
			t.Fatalf("Format is not idempotent:\n%s\n---\n%s", out, twice)
		}
		b, err := json.Marshal(file)
		if err != nil {
			t.Fatalf("JSON: %v", err)
		}
		var back File
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("JSON back: %v", err)
		}
		if viaJSON := Format(&back); string(viaJSON) != string(out) {
			t.Fatalf("JSON round trip changes the file:\n%s\n---\n%s", out, viaJSON)
		}
		_ = Analyze(file)
	})
}

// FuzzFileJSON feeds arbitrary JSON to a File: it is refused, or it is a
// File Check accepts, which Format, Analyze and the JSON round trip take
// without panicking, and whose formatted text parses. A null is neither:
// it leaves the File as it was.
func FuzzFileJSON(f *testing.F) {
	for _, src := range fixtures(f) {
		if file, err := Parse(src); err == nil {
			b, _ := json.Marshal(file)
			f.Add(b)
		}
	}
	f.Add([]byte(`{"name":"x","version":1,"rules":[null]}`))
	f.Add([]byte(`{"name":"x","version":1,"rules":[{"id":"t","table":true,"hit":"first","inputs":[{"src":"a"}],"rows":[{"cells":[{"test":{"kind":"not"}}],"out":{}}]}]}`))
	f.Add([]byte(`{"name":"x","version":1,"rules":[{"id":"r","comment":"c\n  enabled false","body":{}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var file File
		if err := json.Unmarshal(b, &file); err != nil {
			return
		}
		if jsonnull.Is(b) {
			// A null reads no file: it leaves the value as it was, here
			// the zero File, as encoding/json does for every type.
			if !reflect.DeepEqual(file, File{}) {
				t.Fatalf("null changed the File: %+v", file)
			}
			return
		}
		if err := file.Check(); err != nil {
			t.Fatalf("UnmarshalJSON let through a file Check refuses: %v", err)
		}
		_ = Analyze(&file)
		out := Format(&file)
		if _, err := json.Marshal(&file); err != nil {
			t.Fatalf("JSON: %v", err)
		}
		if _, err := Parse(out); err != nil {
			t.Fatalf("the formatted text of a checked File does not parse: %v\n%s", err, out)
		}
	})
}
