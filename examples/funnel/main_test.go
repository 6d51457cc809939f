package main

import (
	"strings"
	"testing"
	"time"
)

func TestReportIsDeterministic(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	render := func() string {
		j, rs, ex := generate(11, 300, now)
		var b strings.Builder
		if err := report(&b, j, rs, ex, now); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	a, b := render(), render()
	if a != b {
		t.Fatal("two runs differ")
	}
	for _, want := range []string{"rfp_shortlist", "variant b", "adjusted", "always-valid", "percentile"} {
		if !strings.Contains(a, want) {
			t.Errorf("report lacks %q:\n%s", want, a)
		}
	}
}
