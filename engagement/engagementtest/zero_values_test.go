package engagementtest_test

import (
	"testing"

	"github.com/engagekit/engagekit/engagement/engagementtest"
	"github.com/engagekit/engagekit/internal/zerocall"
)

// Every exported type's zero value, and a pointer to one, take every
// method call without a panic.
func TestZeroValuesNeverPanic(t *testing.T) {
	zerocall.Check(t, ".", engagementtest.BookView{}, engagementtest.HistoryOptions{})
}
