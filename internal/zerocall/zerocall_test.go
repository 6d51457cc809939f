package zerocall

import (
	"fmt"
	"strings"
	"testing"
)

type recorder struct{ errs []string }

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// Fine's methods take zero values; Broken's Name reads through a nil
// pointer, and its Each iterator panics once ranged over.
type Fine struct{ n int }

func (f Fine) Twice() int { return 2 * f.n }

type Broken struct{ p *Fine }

func (b *Broken) Name() int { return b.p.n }

func (b Broken) Each() func(func(int) bool) {
	return func(yield func(int) bool) { _ = b.p.n }
}

func TestCheckReportsPanicsAndMissingTypes(t *testing.T) {
	var r recorder
	Check(&r, "testdata", Fine{}, Broken{})
	got := strings.Join(r.errs, "\n")
	for _, want := range []string{".Name with zero arguments panicked", ".Each with zero arguments panicked", "exported type Missing is not checked"} {
		if !strings.Contains(got, want) {
			t.Errorf("no report saying %q in:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Twice") || strings.Contains(got, "Fine is not") {
		t.Errorf("a method that takes zero values is reported:\n%s", got)
	}
}
