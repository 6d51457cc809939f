package advisorytest_test

import (
	"os"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/advisory/advisorytest"
)

// TestMyFramework is how a host property-tests its own framework: this is
// the test the README shows.
func TestMyFramework(t *testing.T) {
	rules, err := os.ReadFile("testdata/framework.rules")
	if err != nil {
		t.Fatal(err)
	}
	fw, err := advisory.Compile[advisory.File](rules)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	bounds, _ := advisorytest.ParseBoundaries(rules)
	files := advisorytest.Files[advisory.File](bounds, now)
	advisorytest.Check(t, fw, files, now) // never fails, deterministic, in range, with evidence
	if cov := advisorytest.Cover(fw, files, 2000, now); len(cov.Unfired()) > 0 {
		t.Errorf("never fired: %v\n%s", cov.Unfired(), cov)
	}
}
