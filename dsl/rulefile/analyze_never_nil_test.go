package rulefile

import (
	"strings"
	"testing"
)

// TestAnalyzeNeverNilInputs: a table input that can give no nil (x ?? 0,
// arithmetic, a comparison) has no gap "at nil", which no data can
// produce; a field, or a let, may be nil and keeps it.
func TestAnalyzeNeverNilInputs(t *testing.T) {
	for _, tc := range []struct {
		input string
		gap   bool
	}{
		{"x ?? 0", false},
		{"x + 1", false},
		{"-x", false},
		{"x > 3 ? 1 : 2", false},
		{"x > 3 ? 1 : y", true},
		{"x ?? y", true},
		{"x", true},
	} {
		src := "ruleset r version 1\ntable t hit first {\n  type \"t\"\n  in " + tc.input + "\n  row < 5 => output o 1\n  row >= 5 => output o 2\n}\n"
		f, err := Parse([]byte(src))
		if err != nil {
			t.Fatalf("%s: %v", tc.input, err)
		}
		gap := false
		for _, fd := range Analyze(f) {
			if fd.Code == "table-gap" {
				gap = true
				if !strings.Contains(fd.Message, "nil") {
					t.Errorf("in %s: a gap other than nil: %s", tc.input, fd.Message)
				}
			}
		}
		if gap != tc.gap {
			t.Errorf("in %s: table-gap %v, want %v", tc.input, gap, tc.gap)
		}
	}
}
