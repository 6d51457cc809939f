package dsl_test

import (
	"context"
	"errors"
	"fmt"
	"math"
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

// A risk band table feeds a rule: the rule reads the band the table
// decided as risk_band.band, and the table, which says emit false, is not
// an alert of its own. The explanation shows the chain.
func ExampleCompileRules_namedDecisions() {
	src := `ruleset retail version 4

table risk_band hit first {
  type "risk.band"
  emit false
  in client.age, client.pensionCoverage
  row >= 55, < 0.6 => output band "high"
  row -,     < 0.8 => output band "medium"
  row -,     -     => output band "low"
}

rule pension_review {
  type "pension.review"
  when risk_band.band != "low"
  title "Pension review: {risk_band.band} risk"
  urgency risk_band.band == "high" ? 0.9 : 0.4
}
`
	rules, err := dsl.CompileRules[Env]([]byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	env := Env{Client: Client{Age: 58, PensionCoverage: 0.45}}
	hits, err := rules.Eval(env, now)
	if err != nil {
		fmt.Println(err)
	}
	for _, h := range hits {
		fmt.Printf("%s %q urgency %.1f\n", h.Rule, h.Title, h.Urgency)
	}
	x, _ := rules.Explain("pension_review", env, now)
	fmt.Print(x)
	// Output:
	// pension_review "Pension review: high risk" urgency 0.9
	// rule pension_review fired
	// reads risk_band (fired, row 1): risk_band.band = "high"
	//   rule risk_band fired (emit false: it only feeds the rules that read it)
	//   in 1: client.age = 58
	//   in 2: client.pensionCoverage = 0.45
	//   row 1: match [true true]
	//   row 2: match [true true]
	//   row 3: match [true true]
	//   → risk.band "" urgency 0 sensitivity 0
	// when risk_band.band ("high") != "low" → true
	// → pension.review "Pension review: high risk" urgency 0.9 sensitivity 0
}

// NaN never decides: a comparison that sees it fails the rule instead of
// answering false (which !(…) would turn into true).
func ExampleErrNaN() {
	rule, _ := dsl.Compile[Env, bool](`!(client.pensionCoverage >= 0.6)`, dsl.WithID("coverage_gap"))
	_, err := rule.Eval(Env{Client: Client{PensionCoverage: math.NaN()}}, time.Time{})
	fmt.Println(errors.Is(err, dsl.ErrNaN))
	fmt.Println(err)
	// Output:
	// true
	// rule coverage_gap: 1:3: value is NaN, so the comparison cannot be decided: dsl: NaN
	//  | !(client.pensionCoverage >= 0.6)
	//  |   ^
}

// Limits bound what an untrusted rule may cost: a loop over too many
// elements fails with ErrLimit, and a context that ends stops a rule that
// is running.
func ExampleLimits() {
	type Book struct {
		Values []float64 `expr:"values"`
	}
	rule, _ := dsl.Compile[Book, bool](`all(values, {all(values, {# >= 0})})`, dsl.WithLimits(dsl.Limits{MaxSteps: 10_000}))
	_, err := rule.Eval(Book{Values: make([]float64, 1000)}, time.Time{})
	fmt.Println(errors.Is(err, dsl.ErrLimit))

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	unbounded, _ := dsl.Compile[Book, bool](`all(values, {all(values, {# >= 0})})`, dsl.WithLimits(dsl.Limits{MaxSteps: 1 << 40}))
	_, err = unbounded.EvalContext(ctx, Book{Values: make([]float64, 1000)}, time.Time{})
	fmt.Println(errors.Is(err, dsl.ErrCancelled), errors.Is(err, context.Canceled))
	// Output:
	// true
	// true true
}

// Ledger is a host type with a method a rule may call once the host allows
// it.
type Ledger struct {
	Entries []float64 `expr:"entries"`
}

// Balance sums the entries; it is pure, so the host allows it.
func (l Ledger) Balance() float64 {
	total := 0.0
	for _, e := range l.Entries {
		total += e
	}
	return total
}

// A rule may call only the methods the host allows.
func ExampleWithMethods() {
	type File struct {
		Ledger Ledger `expr:"ledger"`
	}
	_, err := dsl.Compile[File, bool](`ledger.Balance() < 0`)
	fmt.Println(err)
	rule, _ := dsl.Compile[File, bool](`ledger.Balance() < 0`, dsl.WithMethods[Ledger]("Balance"))
	fmt.Println(rule.Eval(File{Ledger: Ledger{Entries: []float64{10, -25}}}, time.Time{}))
	// Output:
	// 1:8: method Balance of dsl_test.Ledger is not allowed in rules
	//  | ledger.Balance() < 0
	//  |        ^
	// true <nil>
}

// Errors lists every problem of a compile, each with its rule, statement
// and place.
func ExampleErrors() {
	_, err := dsl.CompileRules[Env]([]byte(`ruleset r version 1
rule a {
  type "t"
  when client.agee > 30
}
rule b {
  type "t"
  when client.age + 1
}
`))
	for _, e := range dsl.Errors(err) {
		fmt.Printf("%s %s %d:%d %s\n", e.RuleID, e.Statement, e.Line, e.Column, e.Kind)
	}
	// Output:
	// a when 4:15 unknown_name
	// b when 8:8 type
}

// A worker evaluating many files keeps one store: its hits' titles and
// evidence are laid out in the store's blocks, a few allocations for
// hundreds of hits, and stay valid after it.
func ExampleHitStore() {
	rules, err := dsl.CompileRules[Env]([]byte(`ruleset retail version 1
rule fixed_term_ending {
  type "mortgage.term_end"
  let days = daysUntil(client.fixedTermEnd)
  when days >= 0 && days <= 180
  title "Fixed-rate term ends in {days} days"
}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	var store dsl.HitStore // one a goroutine
	var hits []dsl.Hit
	for _, days := range []int{10, 400, 90} {
		file := Env{Client: Client{FixedTermEnd: now.AddDate(0, 0, days)}}
		if hits, err = rules.AppendEvalWith(context.Background(), hits, file, now, dsl.EvalOptions{Store: &store}); err != nil {
			fmt.Println(err)
		}
	}
	for _, h := range hits {
		fmt.Println(h.Title, h.Evidence)
	}
	// Output:
	// Fixed-rate term ends in 10 days [{days 10}]
	// Fixed-rate term ends in 90 days [{days 90}]
}
