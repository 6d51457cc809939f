package advisorytest_test

import (
	"fmt"
	"os"
	"strings"
	"time"

	"pgregory.net/rapid"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/advisory/advisorytest"
)

// Property-testing a framework, as the README shows: files around the
// rules' boundaries, the properties every framework should have, and the
// rules the population never fired. In a test, pass its *testing.T to
// Check; here tb, a small rapid.TB that prints, stands in for it.
func Example() {
	rules, err := os.ReadFile("testdata/framework.rules")
	if err != nil {
		fmt.Println(err)
		return
	}
	fw, err := advisory.Compile[advisory.File](rules)
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	bounds, _ := advisorytest.ParseBoundaries(rules)
	files := advisorytest.Files[advisory.File](bounds, now)
	tb := &printTB{}
	advisorytest.Check(tb, fw, files, now) // never fails, deterministic, in range, with evidence
	fmt.Println("check passed:", !tb.Failed())
	cov := advisorytest.Cover(fw, files, 2000, now)
	fmt.Println("never fired:", cov.Unfired())
	// Output:
	// check passed: true
	// never fired: []
}

func ExampleParseBoundaries() {
	b, err := advisorytest.ParseBoundaries([]byte(`ruleset r version 1
const Adult = 30
rule young {
  type "t"
  when age(client.birthDate) < Adult && client.riskProfile == "offensive"
}
`))
	fmt.Println(b.Numbers, b.Strings, err)
	// Output: [30] [offensive] <nil>
}

// A host's own CRM type, with holdings, accounts and a tenure.
type crm struct {
	Client struct {
		Income float64       `expr:"income"`
		Tenure time.Duration `expr:"tenure"`
	} `expr:"client"`
	Holdings []struct {
		Asset string  `expr:"asset"`
		Value float64 `expr:"value"`
	} `expr:"holdings"`
	Accounts map[string]float64 `expr:"accounts"`
}

// FilesWith fills slices, maps and durations, and takes a generator per
// field (WithField) or per type (WithType) where the default would not
// do: here incomes a wealth manager sees, and asset names from a list.
func ExampleFilesWith() {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	bounds, _ := advisorytest.ParseBoundaries([]byte(`ruleset r version 1
rule concentrated {
  type "portfolio.concentrated"
  when any(holdings, {.value > 0.4 * client.income}) && accounts["isa"] < 20000
}
`))
	files, err := advisorytest.FilesWith[crm](bounds, now,
		advisorytest.WithField("client.income", rapid.Float64Range(20_000, 2_000_000)),
		advisorytest.WithField("holdings.asset", rapid.SampledFrom([]string{"VWRL", "GILT", "CASH"})),
		advisorytest.WithLen(5))
	if err != nil {
		fmt.Println(err)
		return
	}
	incomes, assets, mostHoldings, withISA, inDays := true, true, 0, 0, 0
	for i := range 200 {
		f := files.Example(i)
		incomes = incomes && f.Client.Income >= 20_000 && f.Client.Income <= 2_000_000
		for _, h := range f.Holdings {
			assets = assets && strings.Contains("VWRL GILT CASH", h.Asset)
		}
		mostHoldings = max(mostHoldings, len(f.Holdings))
		if _, ok := f.Accounts["isa"]; ok {
			withISA++
		}
		if f.Client.Tenure%(24*time.Hour) == 0 && f.Client.Tenure != 0 {
			inDays++
		}
	}
	fmt.Println("incomes in range:", incomes)
	fmt.Println("assets from the list:", assets)
	fmt.Println("at most 5 holdings:", mostHoldings == 5)
	fmt.Println("some files hold an isa account:", withISA > 0)
	fmt.Println("some tenures in whole days:", inDays > 0)
	_, err = advisorytest.FilesWith[crm](bounds, now, advisorytest.WithField("client.income", rapid.Int()))
	fmt.Println(err)
	// Output:
	// incomes in range: true
	// assets from the list: true
	// at most 5 holdings: true
	// some files hold an isa account: true
	// some tenures in whole days: true
	// advisorytest: WithField("client.income"): the field is a float64, the generator makes int
}

// Differential shows what a new version changes over one generated
// population before it is deployed: raising the age limit adds alerts.
func ExampleDifferential() {
	v1 := `ruleset r version 1
const Adult = 30
rule young {
  type "t.young"
  when age(client.birthDate) < Adult
}
`
	v2 := strings.Replace(v1, "Adult = 30", "Adult = 35", 1)
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	old, _ := advisory.Compile[advisory.File]([]byte(v1))
	next, _ := advisory.Compile[advisory.File]([]byte(v2))
	bounds, _ := advisorytest.ParseBoundaries([]byte(v1 + v2))
	d := advisorytest.Differential(old, next, advisorytest.Files[advisory.File](bounds, now), 500, now)
	fmt.Println("appeared:", len(d.Appeared) > 0, "disappeared:", len(d.Disappeared))
	// Output: appeared: true disappeared: 0
}

// printTB is a rapid.TB that prints what a test would report; a test
// passes its *testing.T instead.
type printTB struct{ failed bool }

func (*printTB) Helper()                        {}
func (*printTB) Name() string                   { return "example" }
func (*printTB) Logf(string, ...any)            {}
func (*printTB) Log(...any)                     {}
func (*printTB) Skipf(string, ...any)           {}
func (*printTB) Skip(...any)                    {}
func (*printTB) SkipNow()                       {}
func (t *printTB) Errorf(f string, args ...any) { t.failed = true; fmt.Printf(f+"\n", args...) }
func (t *printTB) Error(args ...any)            { t.failed = true; fmt.Println(args...) }
func (t *printTB) Fatalf(f string, args ...any) { t.Errorf(f, args...) }
func (t *printTB) Fatal(args ...any)            { t.Error(args...) }
func (t *printTB) FailNow()                     { t.failed = true }
func (t *printTB) Fail()                        { t.failed = true }
func (t *printTB) Failed() bool                 { return t.failed }

// Rule tests as data: a host stores the cases beside the rule file and
// gates approval on the report, without a test. (In a Go test, RunCases
// runs the same file as subtests.)
func ExampleEvaluateCases() {
	fw, err := advisory.Compile[advisory.File]([]byte(`ruleset r version 1
rule drift {
  type "portfolio.drift"
  when portfolio != nil && portfolio.drift > 0.08
  title "Portfolio drifted {pct(portfolio.drift)}"
  urgency 0.6
  sensitivity 0.6
}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	cases := []byte(`{
  "now": "2026-11-24T09:00:00Z",
  "cases": [
    {"name": "drifted", "input": {"portfolio": {"value": 1000, "drift": 0.1}},
     "expect": [{"rule": "drift", "urgency": 0.6, "title": "10%"}]},
    {"name": "no portfolio", "input": {}, "expect": []},
    {"name": "wrong", "input": {"portfolio": {"value": 1000, "drift": 0.1}},
     "expect": [{"rule": "drift", "urgency": 0.9}]}
  ]
}`)
	rep, err := advisorytest.EvaluateCases(fw, cases)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("approve:", rep.OK())
	for _, c := range rep.Cases {
		fmt.Println(c.Name, c.Pass)
		for _, l := range strings.Split(c.Diff, "\n") { // the diff's changed lines
			if l = strings.Join(strings.Fields(l), " "); strings.HasPrefix(l, "-") || strings.HasPrefix(l, "+") {
				fmt.Println("  ", l)
			}
		}
	}
	fmt.Println(rep.Coverage.Summary())
	// Output:
	// approve: false
	// drifted true
	// no portfolio true
	// wrong false
	//    - Urgency: 0.9,
	//    + Urgency: 0.6,
	// coverage: rules 1/1, branches 0/0, rows 0/0
}
