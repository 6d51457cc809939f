package advisory_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/dsl/rulefile"
)

// TestReadmeRuleLanguage compiles the README's rule-language example over
// the default client file, so the example a newcomer copies cannot go
// stale, and checks the analysis finds nothing wrong with it.
func TestReadmeRuleLanguage(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "## The rule language\n\n```\n")
	src, _, closed := strings.Cut(rest, "```")
	if !ok || !closed {
		t.Fatal("no rule-language block in the README")
	}
	fw, err := advisory.Compile[advisory.File]([]byte(src))
	if err != nil {
		t.Fatalf("the README's rule file does not compile: %v", err)
	}
	if _, err := fw.Evaluate("c1", advisory.File{}, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Errorf("an empty file: %v", err)
	}
	f, err := rulefile.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, fd := range rulefile.Analyze(f) {
		if fd.Severity != rulefile.Info {
			t.Errorf("the README's rule file: %s %s", fd.Code, fd.Message)
		}
	}
}
