package advisorytest_test

import (
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/advisory/advisorytest"
	"pgregory.net/rapid"
)

type a73Loan struct {
	Amount float64 `json:"amount" expr:"amount"`
}

type a73Env struct {
	Score float64  `json:"score" expr:"score"`
	Loan  *a73Loan `json:"loan" expr:"loan"`
}

var a73Now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// a73Flips brute-forces where the set of rules that fire changes as score
// walks the integers in [lo, hi]: the returned x are the points where the
// alerts at x differ from those at x-1.
func a73Flips(t *testing.T, rules string, lo, hi int) []float64 {
	t.Helper()
	fw, err := advisory.Compile[a73Env]([]byte(rules))
	if err != nil {
		t.Fatal(err)
	}
	sig := func(x int) string {
		as, err := fw.Evaluate("c", a73Env{Score: float64(x)}, a73Now)
		if err != nil {
			t.Fatal(err)
		}
		s := ""
		for _, a := range as {
			s += a.RuleID + "|" + a.Title + ";"
		}
		return s
	}
	var flips []float64
	prev := sig(lo)
	for x := lo + 1; x <= hi; x++ {
		if cur := sig(x); cur != prev {
			flips = append(flips, float64(x))
			prev = cur
		}
	}
	return flips
}

// Contract broken: Boundaries are "the values a rule file compares with: its
// numeric constants and literals" and generated files "cluster around them"
// (boundaries.go, doc.go): they must be real boundaries of the rules. A
// negative literal in an expression is expr's UnaryNode("-", 1000), and
// ParseBoundaries collects only the IntegerNode/FloatNode under it, so
// `score < -1000` yields the boundary 1000 (never a boundary: nothing changes
// there) and not -1000 (where the rule flips, brute forced). A table cell
// `< -1000` is read right (cellValues), so the two spellings disagree.
func TestAdversary73_NegativeLiteralBoundaryLosesSign(t *testing.T) {
	rules := "ruleset n version 1\nrule overdrawn {\n  type \"o\"\n  when score < -1000\n}\n"
	b, err := advisorytest.ParseBoundaries([]byte(rules))
	if err != nil {
		t.Fatal(err)
	}
	flips := a73Flips(t, rules, -1010, 1010) // -1001 fires, -1000 does not
	if len(flips) != 1 {
		t.Fatalf("sanity: flips %v", flips)
	}
	if !slices.Contains(b.Numbers, -1000.0) {
		t.Errorf("the rule flips at score %v (just above -1000), but the boundaries are %v: -1000 is missing", flips, b.Numbers)
	}
	if slices.Contains(b.Numbers, 1000.0) {
		t.Errorf("boundaries %v hold 1000, where nothing in the file changes", b.Numbers)
	}
}

// Contract broken: Boundaries are the values a rule file compares with,
// "its numeric constants and literals" (boundaries.go). ParseBoundaries
// walks only lets, when, urgency, sensitivity and branch conditions
// (eachExpr) and a table's inputs and cells: a named decision's output
// (read by another rule as id.name), a title or message template, and
// every statement after a row's => are never visited. Here `review` fires
// exactly when score >= 55 (brute forced), through band.high, yet 55 is
// not among the boundaries, so generated files never cluster at it.
func TestAdversary73_DecisionOutputComparisonNotABoundary(t *testing.T) {
	rules := `ruleset d version 1

rule band {
  type "b"
  emit false
  output high score >= 55
}

rule review {
  type "r"
  when band.high
}
`
	b, err := advisorytest.ParseBoundaries([]byte(rules))
	if err != nil {
		t.Fatal(err)
	}
	flips := a73Flips(t, rules, 0, 100)
	if !slices.Equal(flips, []float64{55}) {
		t.Fatalf("sanity: flips %v", flips)
	}
	if !slices.Contains(b.Numbers, 55.0) {
		t.Errorf("rule review flips at score 55, but the boundaries are %v", b.Numbers)
	}
}

// Same contract and mechanism as above, for a table row's outputs: the
// comparison in the row's title (what a cases file and Differential compare)
// changes the alert at score 70, but ParseBoundaries never reads Row.Out.
func TestAdversary73_RowOutputComparisonNotABoundary(t *testing.T) {
	rules := `ruleset r version 1

table t hit first {
  type "t"
  in score
  row - => title "{score >= 70 ? 'senior' : 'junior'}"
}
`
	b, err := advisorytest.ParseBoundaries([]byte(rules))
	if err != nil {
		t.Fatal(err)
	}
	flips := a73Flips(t, rules, 0, 100)
	if !slices.Equal(flips, []float64{70}) {
		t.Fatalf("sanity: flips %v", flips)
	}
	if !slices.Contains(b.Numbers, 70.0) {
		t.Errorf("table t's alert changes at score 70, but the boundaries are %v", b.Numbers)
	}
}

// Contract broken: "[Differential] shows what a new version changes"
// (doc.go; check.go: "evaluates two versions ... and diffs their alerts").
// The new version fails its rule on every file without a loan (an ordering
// comparison with nil fails the rule), where the old one quietly did not
// fire; Differential discards both evaluations' errors (`x, _ :=
// old.Evaluate`), so it reports no change at all: a version that breaks on
// every such client reads as identical.
func TestAdversary73_DifferentialHidesNewErrors(t *testing.T) {
	old, err := advisory.Compile[a73Env]([]byte("ruleset l version 1\nrule big {\n  type \"l\"\n  when loan != nil && loan.amount > 5\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	nw, err := advisory.Compile[a73Env]([]byte("ruleset l version 2\nrule big {\n  type \"l\"\n  when loan.amount > 5\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	file := a73Env{Score: 1}
	if _, err := nw.Evaluate("c", file, a73Now); err == nil {
		t.Fatal("sanity: the new version does not fail on a file without a loan")
	}
	if _, err := old.Evaluate("c", file, a73Now); err != nil {
		t.Fatalf("sanity: the old version fails: %v", err)
	}
	d := advisorytest.Differential(old, nw, rapid.Just(file), 3, a73Now)
	// Fixed: Differential reports the files each version fails
	// differently beside the alerts' diff.
	if len(d.Failures) != 3 || d.Failures[0].Old != "" || d.Failures[0].New == "" {
		t.Errorf("the new version fails on every file, the old never does; Differential reports no change: %+v", d)
	}
}

// Contract broken: "a malformed cases file gets a clear error with
// line:column" (strictDecode places a *json.SyntaxError at its line and
// column). A value of the wrong type is malformed too, but strictDecode
// positions only syntax errors: the *json.UnmarshalTypeError (which carries
// its Offset) is returned bare, so a compliance author is told neither the
// line nor the column of the bad "urgency" in a long file.
func TestAdversary73_CasesTypeErrorHasNoPosition(t *testing.T) {
	fw, err := advisory.Compile[a73Env]([]byte("ruleset c version 1\nrule hi {\n  type \"h\"\n  when score > 1\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	cases := "{\n  \"now\": \"2026-11-24T09:00:00Z\",\n  \"cases\": [\n    {\n      \"name\": \"a\",\n      \"input\": {\"score\": 2},\n      \"expect\": [{\"rule\": \"hi\", \"urgency\": \"high\"}]\n    }\n  ]\n}\n"
	_, err = advisorytest.EvaluateCases(fw, []byte(cases))
	if err == nil {
		t.Fatal("sanity: a string urgency is accepted")
	}
	if !regexp.MustCompile(`\b7:\d+`).MatchString(err.Error()) {
		t.Errorf("error %q does not say line 7 (and a column)", err)
	}
}
