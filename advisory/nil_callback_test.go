package advisory_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
)

// TestEvaluateEachNilCallback: a nil callback takes nothing, as a nil
// lookup or holds function elsewhere means nothing; it panicked with a nil
// function call at the first file.
func TestEvaluateEachNilCallback(t *testing.T) {
	fw, err := advisory.Compile[advisory.File]([]byte("ruleset r version 1\nrule a {\n  type \"x.y\"\n  when true\n  title \"t\"\n  urgency 0.5\n  sensitivity 0.5\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	items := []advisory.Item[advisory.File]{{ClientID: "c1"}, {ClientID: "c2"}}
	c := fw.EvaluateEach(context.Background(), slices.Values(items), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), advisory.BatchOptions{}, nil)
	if c.OK != 2 || c.In != 2 {
		t.Errorf("counts %+v, want two files evaluated", c)
	}
}
