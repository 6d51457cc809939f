package enumtext

import (
	"testing"

	"pgregory.net/rapid"
)

var names = []string{"unknown", "maintain", "escalate"}

// Every value's text reads back as the value: the round trip the
// library's enumerations rely on for JSON.
func TestRoundTrip(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		n := rapid.Uint8().Draw(rt, "n")
		got, ok := Parse(names, "Class", String(names, "Class", n))
		if !ok || got != n {
			rt.Fatalf("%d wrote %q, read back as %d, %v", n, String(names, "Class", n), got, ok)
		}
	})
}

// Only what String writes is read: another spelling of a number, or a
// number that has a name, is no value.
func TestParseRefuses(t *testing.T) {
	for _, text := range []string{"", "Maintain", "Class(1)", "Class(03)", "Class(+3)", "Class(-3)", "Class(256)",
		"Class(3", "Stage(3)", "Class()", "Class( 3)", "class(3)"} {
		if n, ok := Parse(names, "Class", text); ok {
			t.Errorf("Parse(%q) = %d; want no value", text, n)
		}
	}
	for text, want := range map[string]uint8{"unknown": 0, "escalate": 2, "Class(3)": 3, "Class(255)": 255} {
		if n, ok := Parse(names, "Class", text); !ok || n != want {
			t.Errorf("Parse(%q) = %d, %v; want %d", text, n, ok, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"unknown", "Class(3)", "Class(03)", "Class(255)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if n, ok := Parse(names, "Class", text); ok && String(names, "Class", n) != text {
			t.Errorf("Parse(%q) = %d, which writes %q", text, n, String(names, "Class", n))
		}
	})
}
