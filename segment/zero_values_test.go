package segment_test

import (
	"testing"

	"github.com/engagekit/engagekit/internal/zerocall"
	"github.com/engagekit/engagekit/segment"
)

// Every exported type's zero value, and a pointer to one, take every
// method call without a panic: a host holds values it did not build with
// the constructors (a struct field, a var, a decoded config).
func TestZeroValuesNeverPanic(t *testing.T) {
	zerocall.Check(t, ".",
		segment.Assignment{}, segment.Book{}, segment.ClientError{}, segment.Client{}, segment.Counts{},
		segment.Custom[segment.Client]{}, segment.Cut{}, segment.EngagementRule[segment.Client]{}, segment.Flow{},
		segment.Grid{}, segment.Migration{}, segment.Move{}, segment.Policies(nil), segment.Policy{}, segment.Rule{},
		segment.Segment(""), segment.SegmentSummary{}, segment.Stance(0), segment.Summary{}, segment.Threshold{})
}
