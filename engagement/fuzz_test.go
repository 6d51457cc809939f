package engagement_test

import (
	"testing"

	"github.com/engagekit/engagekit/engagement"
)

// FuzzClassifierRule compiles arbitrary classification rules and classifies
// a response: a class or an error, never a panic, and never ClassUnknown
// without an error.
func FuzzClassifierRule(f *testing.F) {
	f.Add(`response.Value >= 0.9 ? "escalate" : ""`)
	f.Add(`from.Depth < to.Depth ? "maintain" : "nonsense"`)
	f.Fuzz(func(t *testing.T, src string) {
		c, err := engagement.Classifier{}.WithRule(src)
		if err != nil {
			return
		}
		cl, err := c.Classify(engagement.Response{Kind: "watch", Value: 0.95}, engagement.Stimulus{Kind: "video"},
			engagement.Setting{ID: "a", Depth: 1}, engagement.Setting{ID: "b", Depth: 2}, asOf)
		if err == nil && cl == engagement.ClassUnknown {
			t.Fatal("unknown class without an error")
		}
	})
}
