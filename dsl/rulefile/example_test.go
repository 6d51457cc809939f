package rulefile_test

import (
	"fmt"

	"github.com/engagekit/engagekit/dsl/rulefile"
)

func Example() {
	src := `ruleset retail version 3
# Shorter than this is urgent.
const UrgentDays=14
rule fixed_term_ending {
  urgency days <= UrgentDays ? 0.9 : 0.3
  type "mortgage.term_end"
  let days = daysUntil(mortgage.FixedTermEnd)
  when mortgage != nil && days >= 0
}
table pension hit first {
  type "pension.gap"
  in client.Age
  row < 30 => sensitivity 0.6
  row < 20 => sensitivity 0.9
}
`
	f, err := rulefile.Parse([]byte(src))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(rulefile.Format(f)))
	for _, finding := range rulefile.Analyze(f) {
		fmt.Printf("%d:%d %s %s: %s\n", finding.Pos.Line, finding.Pos.Col, finding.Severity, finding.Code, finding.Message)
	}
	// Output:
	// ruleset retail version 3
	//
	// # Shorter than this is urgent.
	// const UrgentDays = 14
	//
	// rule fixed_term_ending {
	//   type "mortgage.term_end"
	//   let days = daysUntil(mortgage.FixedTermEnd)
	//   when mortgage != nil && days >= 0
	//   urgency days <= UrgentDays ? 0.9 : 0.3
	// }
	//
	// table pension hit first {
	//   type "pension.gap"
	//   in client.Age
	//   row < 30 => sensitivity 0.6
	//   row < 20 => sensitivity 0.9
	// }
	// 10:1 info table-gap: no row of pension covers inputs such as client.Age = 30
	// 14:3 warning unreachable-row: row 2 of pension can never be taken: wherever it matches, row 1 matches first (checked over every class of values of client.Age)
}
