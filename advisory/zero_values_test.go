package advisory_test

import (
	"testing"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/internal/zerocall"
)

// Every exported type's zero value, and a pointer to one, take every
// method call without a panic: a host holds values it did not build with
// the constructors (a struct field, a var, a decoded config).
func TestZeroValuesNeverPanic(t *testing.T) {
	zerocall.Check(t, ".",
		advisory.Alert{}, advisory.BatchOptions{}, advisory.BatchResult{}, advisory.BatchStats{}, advisory.Change{},
		advisory.Client{}, advisory.Conflict{}, advisory.Consolidated{}, advisory.Counts{}, advisory.DecodeError{},
		advisory.Decoder[advisory.File]{}, advisory.Diff{}, advisory.Engagement{}, advisory.FieldPolicy{},
		advisory.FileAlerts{}, advisory.FileError{}, advisory.FileStats{}, advisory.File{}, advisory.Framework[advisory.File]{},
		advisory.Home{}, advisory.Household{}, advisory.Item[advisory.File]{}, advisory.LoadError{}, advisory.Mortgage{},
		advisory.Pension{}, advisory.PolicyError{}, advisory.Policy{}, advisory.Portfolio{}, advisory.Provenance{},
		advisory.RecordError{}, advisory.Record{}, advisory.RuleStats{}, advisory.Segment{}, advisory.SourceValue{},
		advisory.Strategy(0), advisory.TypeDiff{})
}
