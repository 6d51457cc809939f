package segment_test

import (
	"testing"
	"time"

	"github.com/engagekit/engagekit/segment"
)

// FuzzCustomScheme compiles arbitrary conditions as a custom scheme and an
// engagement rule and assigns a client: an error or a segment, never a
// panic, and never an empty segment without an error.
func FuzzCustomScheme(f *testing.F) {
	f.Add("profit >= 10000", "age < 30")
	f.Add("true", "profit > 1")
	f.Add("aum > 1e6 && (", "age")
	f.Fuzz(func(t *testing.T, a, b string) {
		env := schemeEnv{Profit: 500, AUM: 2e6, Age: 31}
		if s, err := segment.NewCustom[schemeEnv]([]segment.Rule{{Segment: "x", When: a}, {Segment: "y", When: b}}, "z"); err == nil {
			got, err := s.Assign("c", env, time.Time{})
			if err == nil && got.Segment == "" {
				t.Fatal("no segment and no error")
			}
		}
		if r, err := segment.NewEngagementRule[schemeEnv](a); err == nil {
			_, _ = r.Score(env, time.Time{})
		}
	})
}
