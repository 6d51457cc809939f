package advisory_test

import (
	"fmt"
	"time"

	"github.com/engagekit/engagekit/advisory"
)

func Example() {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	crm := advisory.Record{Source: "crm", AsOf: now.AddDate(0, -1, 0), Fields: map[string]any{
		"client.name": "Ada Jansen", "client.birthDate": time.Date(1995, 3, 1, 0, 0, 0, 0, time.UTC),
		"mortgage.fixedTermEnd": now.AddDate(0, 0, 12)}}
	advice := advisory.Record{Source: "advice", AsOf: now.AddDate(-2, 0, 0), Fields: map[string]any{
		"client.name": "A. Jansen", "pension.coverage": 0.45}}
	policy := advisory.Policy{
		Default: advisory.FieldPolicy{Sources: []string{"crm", "advice"}},
		Fields:  map[string]advisory.FieldPolicy{"pension.coverage": {MaxAge: 365 * 24 * time.Hour}},
	}
	c, _ := advisory.Consolidate("c-101", []advisory.Record{advice, crm}, policy)
	file, _ := advisory.NewFile(c)

	fw, err := advisory.Compile[advisory.File]([]byte(`ruleset retail version 1
rule fixed_term_ending {
  type "mortgage.term_end"
  let days = daysUntil(mortgage.fixedTermEnd)
  when mortgage != nil && days >= 0 && days <= 180
  title "Fixed-rate term ends in {days} days"
  urgency days <= 14 ? 0.9 : 0.3
  sensitivity 0.3
}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	alerts, _ := fw.Evaluate(c.ClientID, file, now)
	alerts = append(alerts, advisory.Staleness(c, policy, now)...)
	for _, a := range alerts {
		fmt.Printf("%s %s: %s (urgency %.1f)\n", a.ClientID, a.Type, a.Title, a.Urgency)
	}
	fmt.Println("conflicts:", c.Conflicts[0].Field, "chosen from", c.Conflicts[0].Chosen)
	// Output:
	// c-101 mortgage.term_end: Fixed-rate term ends in 12 days (urgency 0.9)
	// c-101 data.stale: Stale pension.coverage (urgency 0.2)
	// conflicts: client.name chosen from crm
}
