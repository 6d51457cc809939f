package testguard_test

import (
	"testing"
	"time"

	"github.com/engagekit/engagekit/internal/testguard"
)

// recorder is a testing.TB that keeps what Errorf said.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) { r.errs = append(r.errs, format) }

// Run fails on a panic and on a hang, and passes a probe that returns.
func TestRun(t *testing.T) {
	for _, c := range []struct {
		name     string
		f        func()
		returned bool
		failed   bool
	}{
		{"returns", func() {}, true, false},
		{"panics", func() { panic("boom") }, true, true},
		{"hangs", func() { select {} }, false, true},
	} {
		r := &recorder{TB: t}
		if got := testguard.Run(r, 50*time.Millisecond, c.f); got != c.returned || (len(r.errs) > 0) != c.failed {
			t.Errorf("%s: returned %v, errors %v; want %v, failed %v", c.name, got, r.errs, c.returned, c.failed)
		}
	}
}
