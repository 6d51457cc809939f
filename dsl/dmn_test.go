package dsl_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/engagekit/engagekit/dsl"
	"github.com/google/go-cmp/cmp"
)

// dmnEnv holds the inputs of the published DMN examples; pointers are
// absent data when nil.
type dmnEnv struct {
	Season       *string  `expr:"season"`
	VacationDays *int     `expr:"vacationDays"`
	Probation    *bool    `expr:"probation"`
	Age          *float64 `expr:"age"`
	Student      bool     `expr:"student"`
	Tier         tier     `expr:"tier"`
}

type tier string

func ptr[T any](v T) *T { return &v }

// dmnRun compiles src and returns, for each hit, its named output out (or
// its path when out is empty).
func dmnRun(t *testing.T, src string, env dmnEnv, out string) ([]any, error) {
	t.Helper()
	rs, err := dsl.CompileRules[dmnEnv]([]byte("ruleset dmn version 1\n" + src))
	if err != nil {
		t.Fatal(err)
	}
	hits, err := rs.Eval(env, testNow)
	var got []any
	for _, h := range hits {
		if out == "" {
			got = append(got, h.Path)
		} else {
			got = append(got, h.Outputs[out])
		}
	}
	// Explain decides the same.
	x, xerr := rs.Explain(rs.Rules()[0].ID, env, testNow)
	if xerr != nil || len(x.Hits) != len(hits) || (x.Err != "") != (err != nil) {
		t.Fatalf("Explain disagrees with Eval: %+v %v; Eval %v %v", x, xerr, hits, err)
	}
	return got, err
}

// The Unique example of Camunda's hit policy reference, "Dish" by season
// (https://docs.camunda.org/manual/latest/reference/dmn/decision-table/hit-policy),
// written as a rule-file table, with a row for a season that is absent.
const dishTable = `table dish hit U {
  type "dish"
  in season
  row "Fall"   => output dish "Spareribs"
  row "Winter" => output dish "Roastbeef"
  row "Spring" => output dish "Steak"
  row "Summer" => output dish "Light Salad and a nice Steak"
  row nil      => output dish "Soup of the day"
}
`

func TestDMNUniqueDish(t *testing.T) {
	for season, want := range map[string]any{"Fall": "Spareribs", "Winter": "Roastbeef", "Spring": "Steak",
		"Summer": "Light Salad and a nice Steak", "": "Soup of the day", "Monsoon": nil} {
		env := dmnEnv{Season: ptr(season)}
		if season == "" {
			env.Season = nil // absent: only the null row matches
		}
		got, err := dmnRun(t, dishTable, env, "dish")
		if err != nil || (want == nil) != (len(got) == 0) || want != nil && got[0] != want {
			t.Errorf("season %q: got %v, %v; want %v", season, got, err, want)
		}
	}
}

// The Any example of the same page: a leave application is refused when
// no vacation days are left or the employee is on probation, and applied
// otherwise; two rules may match, deciding alike.
const leaveTable = `table leave hit A {
  type "leave"
  in vacationDays, probation
  row 0,   -     => output result "refused"
  row -,   true  => output result "refused"
  row > 0, false => output result "applied"
}
`

func TestDMNAnyLeave(t *testing.T) {
	for _, c := range []struct {
		days      *int
		probation *bool
		want      []any
	}{
		{ptr(0), ptr(true), []any{"refused"}}, // rows 1 and 2 match and agree
		{ptr(0), ptr(false), []any{"refused"}},
		{ptr(5), ptr(true), []any{"refused"}},
		{ptr(5), ptr(false), []any{"applied"}},
		{nil, ptr(true), []any{"refused"}}, // absent days: only "-" matches
		{nil, ptr(false), nil},
		{ptr(5), nil, nil},
	} {
		got, err := dmnRun(t, leaveTable, dmnEnv{VacationDays: c.days, Probation: c.probation}, "result")
		if err != nil || !cmp.Equal(c.want, got) {
			t.Errorf("%v %v: got %v, %v; want %v", c.days, c.probation, got, err, c.want)
		}
	}
	// Rows that match and decide differently violate the policy.
	bad := strings.Replace(leaveTable, `row -,   true  => output result "refused"`, `row -,   true  => output result "ask HR"`, 1)
	if _, err := dmnRun(t, bad, dmnEnv{VacationDays: ptr(0), Probation: ptr(true)}, "result"); !errors.Is(err, dsl.ErrEval) ||
		!strings.Contains(err.Error(), "row 1 and row 2") {
		t.Errorf("any with different outputs: want an error naming rows 1 and 2, got %v", err)
	}
}

// The First and Rule Order examples of the same page: the advertisement
// shown by age. A 19-year-old matches every row: First shows Cars, Rule
// Order all three in row order. Output Order orders them by the table's
// order of output values, and Priority takes the highest of them.
const adTable = `table ad hit %s {
  type "ad"
  in age
  %s
  row >= 18 => output ad "Cars"
  row >= 12 => output ad "Videogames"
  row -     => output ad "Toys"
}
`

func TestDMNAdvertisement(t *testing.T) {
	for _, c := range []struct {
		hit, order string
		age        *float64
		want       []any
	}{
		{"F", "", ptr(19.0), []any{"Cars"}},
		{"first", "", ptr(13.0), []any{"Videogames"}},
		{"R", "", ptr(19.0), []any{"Cars", "Videogames", "Toys"}},
		{"C", "", ptr(19.0), []any{"Cars", "Videogames", "Toys"}},
		{"rule_order", "", nil, []any{"Toys"}}, // an absent age passes only "-"
		{"O", `order ad "Toys", "Videogames", "Cars"`, ptr(19.0), []any{"Toys", "Videogames", "Cars"}},
		{"output_order", `order ad "Videogames", "Cars", "Toys"`, ptr(19.0), []any{"Videogames", "Cars", "Toys"}},
		{"P", `order ad "Videogames", "Cars", "Toys"`, ptr(19.0), []any{"Videogames"}},
		{"priority", `order ad "Videogames", "Cars", "Toys"`, ptr(5.0), []any{"Toys"}},
	} {
		src := strings.Replace(strings.Replace(adTable, "%s", c.hit, 1), "%s", c.order, 1)
		got, err := dmnRun(t, src, dmnEnv{Age: c.age}, "ad")
		if err != nil || !cmp.Equal(c.want, got) {
			t.Errorf("hit %s %s, age %v: got %v, %v; want %v", c.hit, c.order, c.age, got, err, c.want)
		}
	}
}

// Collect with an aggregator, after Laserfiche's documented "single result"
// example (https://doc.laserfiche.com/laserfiche/en-us/Content/Resources/Rules/Decision-Tables/hit-policy/single-result-hit-policy.htm):
// under 18 gets a 2% discount, a student 5%, and a 17-year-old student
// matches both: C+ gives 7. C<, C> and C# give 2, 5 and 2 rows.
const discountTable = `table discount hit %s {
  type "discount"
  in age, student
  row < 18, -    => output discount 2
  row -,    true => output discount 5
}
`

func TestDMNCollectAggregators(t *testing.T) {
	for _, c := range []struct {
		hit, out string
		env      dmnEnv
		want     []any
	}{
		{"C+ discount", "discount", dmnEnv{Age: ptr(17.0), Student: true}, []any{7.0}},
		{"collect sum discount", "discount", dmnEnv{Age: ptr(30.0), Student: true}, []any{5.0}},
		{"C< discount", "discount", dmnEnv{Age: ptr(17.0), Student: true}, []any{2.0}},
		{"C> discount", "discount", dmnEnv{Age: ptr(17.0), Student: true}, []any{5.0}},
		{"C#", "count", dmnEnv{Age: ptr(17.0), Student: true}, []any{2.0}},
		{"collect count", "count", dmnEnv{Age: nil, Student: true}, []any{1.0}}, // absent age: not < 18
		{"C+ discount", "discount", dmnEnv{Age: ptr(30.0)}, nil},                // no row, no hit
	} {
		got, err := dmnRun(t, strings.Replace(discountTable, "%s", c.hit, 1), c.env, c.out)
		if err != nil || !cmp.Equal(c.want, got) {
			t.Errorf("hit %s: got %v, %v; want %v", c.hit, got, err, c.want)
		}
	}
}

// Aggregating urgency keeps it in [0,1]; a sum over it is an error.
func TestDMNCollectUrgency(t *testing.T) {
	src := "table u hit C+ urgency {\n  type \"u\"\n  in age\n  row > 1 => urgency 0.25\n  row > 2 => urgency 0.5\n  row > 3 => urgency 0.5\n}\n"
	rs, err := dsl.CompileRules[dmnEnv]([]byte("ruleset dmn version 1\n" + src))
	if err != nil {
		t.Fatal(err)
	}
	hits, err := rs.Eval(dmnEnv{Age: ptr(2.5)}, testNow)
	if err != nil || len(hits) != 1 || hits[0].Urgency != 0.75 || hits[0].Path != "rows 1, 2" {
		t.Errorf("got %+v, %v; want one hit of urgency 0.75 from rows 1, 2", hits, err)
	}
	if hits, err = rs.Eval(dmnEnv{Age: ptr(5.0)}, testNow); !errors.Is(err, dsl.ErrEval) || len(hits) != 0 {
		t.Errorf("sum 1.25: want an error and no hit, got %+v, %v", hits, err)
	}
}

// A table over pointers, named types and absent values decides without
// failing: the nil input of DMN matches only "-" and nil.
func TestDMNNullAndPointerInputs(t *testing.T) {
	src := `table t hit collect {
  type "t"
  in age, tier
  row < 30,      -        => output r "young"
  row not(< 30), -        => output r "not young"
  row != 30,     -        => output r "not 30"
  row nil,       "gold"   => output r "no age, gold"
  row -,         "gold" | "silver" => output r "metal"
}
`
	for _, c := range []struct {
		env  dmnEnv
		want []any
	}{
		{dmnEnv{Age: ptr(20.0), Tier: "gold"}, []any{"young", "not 30", "metal"}},
		{dmnEnv{Age: ptr(30.0), Tier: "bronze"}, []any{"not young"}},
		{dmnEnv{Age: nil, Tier: "gold"}, []any{"no age, gold", "metal"}},
		{dmnEnv{Age: nil}, nil},
	} {
		got, err := dmnRun(t, src, c.env, "r")
		if err != nil || !cmp.Equal(c.want, got) {
			t.Errorf("%+v: got %v, %v; want %v", c.env, got, err, c.want)
		}
	}
}

// Compile errors of the decision logic, each placed.
func TestDMNCompileErrors(t *testing.T) {
	for _, c := range []struct{ name, src, want string }{
		{"order without ranking", "table t hit first {\n  type \"t\"\n  in age\n  order type \"t\"\n  row - => urgency 0.1\n}\n", "order means something only"},
		{"order and priorities", "table t hit priority {\n  type \"t\"\n  in age\n  order type \"t\"\n  row - => urgency 0.1 priority 2\n}\n", "not both"},
		{"type not in order", "table t hit P {\n  type \"t\"\n  in age\n  order type \"u\"\n  row - => urgency 0.1\n}\n", "not in the table's order"},
		{"row without the aggregated output", "table t hit C+ x {\n  type \"t\"\n  in age\n  row - => urgency 0.1\n}\n", "row 1 has no x to sum"},
		{"unknown policy", "table t hit Z {\n  type \"t\"\n  in age\n  row - => urgency 0.1\n}\n", "unknown hit policy"},
	} {
		_, err := dsl.CompileRules[dmnEnv]([]byte("ruleset dmn version 1\n" + c.src))
		var de *dsl.Error
		if !errors.As(err, &de) || de.RuleID != "t" && c.name != "unknown policy" || de.Line == 0 || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: want a placed error %q, got %v", c.name, c.want, err)
		}
	}
}
