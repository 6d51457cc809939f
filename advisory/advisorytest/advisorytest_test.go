package advisorytest_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/advisory/advisorytest"
	"pgregory.net/rapid"
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

type holdingT struct {
	Asset string  `expr:"asset"`
	Value float64 `expr:"value"`
}

type hostT struct {
	Client struct {
		Age    int8          `expr:"age"`
		Wait   time.Duration `expr:"wait"`
		Income float64       `expr:"income"`
	} `expr:"client"`
	Holdings []holdingT          `expr:"holdings"`
	ByName   map[string]holdingT `expr:"byName"`
	Best     *holdingT           `expr:"best"`
	Pair     [2]int8             `expr:"pair"`
}

// The generator fills every slice, map and array, keeps narrow numbers in
// range and durations in minutes to days; overrides by field and by type
// win over the defaults, a field's over a type's.
func TestFilesWithFillsEverything(t *testing.T) {
	b := advisorytest.Boundaries{Numbers: []float64{30, 1e6}, Strings: []string{"isa"}}
	files, err := advisorytest.FilesWith[hostT](b, now,
		advisorytest.WithType(rapid.Just(holdingT{Asset: "typed"})),
		advisorytest.WithField("best", rapid.Just(&holdingT{Asset: "field"})))
	if err != nil {
		t.Fatal(err)
	}
	var holdings, named, waits int
	for i := range 300 {
		f := files.Example(i)
		for _, h := range f.Holdings {
			holdings++
			if h.Asset != "typed" {
				t.Fatalf("holding %+v not from WithType", h)
			}
		}
		named += len(f.ByName)
		if f.Best != nil && f.Best.Asset != "field" {
			t.Fatalf("best %+v not from WithField", f.Best)
		}
		if w := f.Client.Wait; w != 0 {
			waits++
			if w%time.Minute != 0 {
				t.Fatalf("wait %v is not in minutes, hours or days", w)
			}
		}
	}
	if holdings == 0 || named == 0 || waits == 0 {
		t.Errorf("%d holdings, %d named, %d waits: slices, maps or durations left empty", holdings, named, waits)
	}
}

func TestFilesWithRejectsBadOptions(t *testing.T) {
	b := advisorytest.Boundaries{}
	for _, tc := range []struct {
		name string
		opt  advisorytest.Option
	}{
		{"unknown field", advisorytest.WithField("client.nope", rapid.Int())},
		{"wrong type", advisorytest.WithField("client.age", rapid.Int())},
		{"absent type", advisorytest.WithType(rapid.Just(struct{}{}))},
		{"negative length", advisorytest.WithLen(-1)},
	} {
		if _, err := advisorytest.FilesWith[hostT](b, now, tc.opt); err == nil {
			t.Errorf("%s: accepted", tc.name)
		}
	}
	if _, err := advisorytest.FilesWith[int](b, now); err == nil {
		t.Error("a non-struct type: accepted")
	}
	if _, err := advisorytest.FilesWith[hostT](b, now, advisorytest.WithField("holdings.value", rapid.Float64())); err != nil {
		t.Errorf("a field of a slice's elements: %v", err)
	}
}

// Check takes any rapid.TB: a *testing.T, a *testing.B, or the *rapid.T
// of an enclosing property (not run here: a property in a property runs
// the inner one a hundred times over).
var _ = []func(){
	func() { advisorytest.Check[advisory.File]((*testing.T)(nil), nil, nil, now) },
	func() { advisorytest.Check[advisory.File]((*testing.B)(nil), nil, nil, now) },
	func() { advisorytest.Check[advisory.File]((*rapid.T)(nil), nil, nil, now) },
}

// Cover counts the files each rule failed on.
func TestCoverCountsErrors(t *testing.T) {
	fw, err := advisory.Compile[advisory.File]([]byte(`ruleset e version 1
rule nan {
  type "t"
  when client.income / client.income > 0.5
}
`))
	if err != nil {
		t.Fatal(err)
	}
	zero := rapid.Just(advisory.File{})
	cov := advisorytest.Cover(fw, zero, 3, now)
	if cov.Rules[0].Errors != 3 || !strings.Contains(cov.String(), "3 failed") {
		t.Errorf("coverage %+v\n%s", cov, cov)
	}
}
