package advisorytest_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/advisory/advisorytest"
)

var now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

const twoRules = `ruleset t version 1
const Adult = 30
rule young {
  type "t.young"
  let years = age(client.birthDate)
  when years < Adult
  urgency 0.2
}
rule rich {
  type "t.rich"
  when client.income >= 100000 && client.riskProfile == "offensive"
  urgency 0.3
}
`

func TestBoundaries(t *testing.T) {
	b, err := advisorytest.ParseBoundaries([]byte(twoRules))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []float64{30, 100000, 0.2} {
		if !slices.Contains(b.Numbers, want) {
			t.Errorf("boundaries %v lack %v", b.Numbers, want)
		}
	}
	if !slices.Contains(b.Strings, "offensive") {
		t.Errorf("strings %v", b.Strings)
	}
}

func TestGeneratedFilesReachTheEdges(t *testing.T) {
	fw, err := advisory.Compile[advisory.File]([]byte(twoRules))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := advisorytest.ParseBoundaries([]byte(twoRules))
	cov := advisorytest.Cover(fw, advisorytest.Files[advisory.File](b, now), 500, now)
	if u := cov.Unfired(); len(u) > 0 {
		t.Fatalf("boundary-driven files never fired %v:\n%s", u, cov)
	}
	if !strings.Contains(cov.String(), "young") {
		t.Errorf("table:\n%s", cov)
	}
}

func TestCheckFileCatchesABrokenFramework(t *testing.T) {
	broken := strings.Replace(twoRules, "urgency 0.2", "urgency years / 10", 1)
	fw, err := advisory.Compile[advisory.File]([]byte(broken))
	if err != nil {
		t.Fatal(err)
	}
	young := advisory.File{Client: advisory.Client{BirthDate: now.AddDate(-25, 0, 0)}}
	if err := advisorytest.CheckFile(fw, young, now); err == nil {
		t.Fatal("urgency 2.5 must be reported")
	}
	ok, _ := advisory.Compile[advisory.File]([]byte(twoRules))
	if err := advisorytest.CheckFile(ok, young, now); err != nil {
		t.Fatal(err)
	}
}

func TestDifferential(t *testing.T) {
	v1, _ := advisory.Compile[advisory.File]([]byte(twoRules))
	v2, _ := advisory.Compile[advisory.File]([]byte(strings.Replace(twoRules, "const Adult = 30", "const Adult = 35", 1)))
	b, _ := advisorytest.ParseBoundaries([]byte(twoRules))
	d := advisorytest.Differential(v1, v2, advisorytest.Files[advisory.File](b, now), 300, now)
	if len(d.Appeared) == 0 || len(d.Disappeared) != 0 {
		t.Errorf("raising the age limit must add young alerts only: %d appeared, %d disappeared", len(d.Appeared), len(d.Disappeared))
	}
}
