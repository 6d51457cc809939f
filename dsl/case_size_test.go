package dsl

import (
	"strings"
	"testing"
	"unicode"

	"pgregory.net/rapid"
)

// upper and lower charge what they build at its exact size, which a
// string of changing letters or of bytes that are not UTF-8 differs from
// the input's.
func TestPropertyCaseChargesWhatItBuilds(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := string(rapid.SliceOf(rapid.SampledFrom([]byte("aZſⱥİ\xff\xc3\x80ß\xe2\x82"))).Draw(t, "bytes"))
		if got, want := mappedSize(s, unicode.ToUpper), len(strings.ToUpper(s)); got != want {
			t.Fatalf("upper %q: charged %d, built %d", s, got, want)
		}
		if got, want := mappedSize(s, unicode.ToLower), len(strings.ToLower(s)); got != want {
			t.Fatalf("lower %q: charged %d, built %d", s, got, want)
		}
	})
}
