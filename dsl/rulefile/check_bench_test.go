package rulefile

import (
	"os"
	"testing"
)

// BenchmarkCheck times Check on the example desk's framework (100 rules),
// beside Parse of its text: Check writes each declaration and reads it
// back, so it costs about what parsing the file does.
func BenchmarkCheck(b *testing.B) {
	src, err := os.ReadFile("../../examples/internal/desk/framework.rules")
	if err != nil {
		b.Fatal(err)
	}
	f, err := Parse(src)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("parse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Parse(src); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("check", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := f.Check(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
