package dsl_test

import (
	"fmt"
	"time"

	"github.com/engagekit/engagekit/dsl"
)

// Client is a host's own client type; rules name its fields by their expr
// tags.
type Client struct {
	Age             int       `expr:"age"`
	PensionCoverage float64   `expr:"pensionCoverage"`
	FixedTermEnd    time.Time `expr:"fixedTermEnd"`
}

// Env is what a rule sees.
type Env struct {
	Client Client `expr:"client"`
}

func ExampleCompile() {
	rule, err := dsl.Compile[Env, bool](
		`client.age >= 30 && client.pensionCoverage < 0.6 && daysUntil(client.fixedTermEnd) <= 14`,
		dsl.WithID("review_now"))
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	env := Env{Client: Client{Age: 31, PensionCoverage: 0.45, FixedTermEnd: now.AddDate(0, 0, 10)}}
	fired, err := rule.Eval(env, now)
	fmt.Println(fired, err)
	fmt.Println(rule.Reads())
	// Output:
	// true <nil>
	// [client.age client.fixedTermEnd client.pensionCoverage]
}

func Example_error() {
	_, err := dsl.Compile[Env, bool](`client.age >= 30 && client.pensionCoverag < 0.6`, dsl.WithID("pension_gap"))
	fmt.Println(err)
	// Output:
	// rule pension_gap: 1:28: client has no field pensionCoverag (did you mean client.pensionCoverage?)
	//  | client.age >= 30 && client.pensionCoverag < 0.6
	//  |                            ^
}

func ExampleExpr_Explain() {
	rule, _ := dsl.Compile[Env, bool](`client.age >= 30 && client.pensionCoverage < 0.6`)
	why, _ := rule.Explain(Env{Client: Client{Age: 31, PensionCoverage: 0.72}}, time.Now())
	fmt.Print(why)
	// Output:
	// client.age >= 30 && client.pensionCoverage < 0.6 → false
	// ├─ client.age (31) >= 30 → true
	// └─ client.pensionCoverage (0.72) < 0.6 → false
}

func ExampleCompileRules() {
	src := `ruleset retail version 3
const UrgentDays = 14

rule fixed_term_ending {
  type "mortgage.term_end"
  let days = daysUntil(client.fixedTermEnd)
  when days >= 0 && days <= 180
  title "Fixed-rate term ends in {days} days"
  urgency days <= UrgentDays ? 0.9 : 0.3
  sensitivity 0.3
}

table pension_review hit first {
  type "pension.review"
  in client.age, client.pensionCoverage
  row < 30,  < 0.5 => type "pension.start_early" urgency 0.1 sensitivity 0.6
  row >= 30, < 0.6 => type "pension.gap" urgency 0.2 sensitivity 0.9
}
`
	rules, err := dsl.CompileRules[Env]([]byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	hits, err := rules.Eval(Env{Client: Client{Age: 31, PensionCoverage: 0.45, FixedTermEnd: now.AddDate(0, 0, 10)}}, now)
	if err != nil {
		fmt.Println(err)
	}
	for _, h := range hits {
		fmt.Printf("%s %s %q urgency %.1f sensitivity %.1f evidence %v\n", h.Rule, h.Type, h.Title, h.Urgency, h.Sensitivity, h.Evidence)
	}
	// Output:
	// fixed_term_ending mortgage.term_end "Fixed-rate term ends in 10 days" urgency 0.9 sensitivity 0.3 evidence [{days 10}]
	// pension_review pension.gap "" urgency 0.2 sensitivity 0.9 evidence []
}
