package advisory_test

import (
	"context"
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

// A host that keeps its clients' records in its own store consolidates and
// decodes each file on the batch's workers, where it also checks the data
// for staleness: the iterator only names the clients, the data alerts join
// the framework's, and a client whose file cannot be prepared is a failed
// file of the batch, not a crash or a silent gap.
func ExampleFramework_EvaluateAll_load() {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	store := map[string][]advisory.Record{ // the host's own source systems
		"c-1": {{Source: "crm", AsOf: now, Fields: map[string]any{"home.cover": 150000.0, "home.propertyValue": 400000.0}}},
		"c-2": {{Source: "crm", AsOf: now.AddDate(-1, 0, 0), Fields: map[string]any{"home.cover": 390000.0, "home.propertyValue": 400000.0}}},
		"c-3": {{Source: "crm", AsOf: now, Fields: map[string]any{"home.cover": "unknown"}}},
	}
	fw, err := advisory.Compile[advisory.File]([]byte(`ruleset home version 1
rule underinsured {
  type "insurance.home_under_value"
  when home != nil && ratio(home.cover, home.propertyValue) < 0.9
  title "Home cover is {pct(ratio(home.cover, home.propertyValue))} of the value"
}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	policy := advisory.Policy{Default: advisory.FieldPolicy{Sources: []string{"crm"}, MaxAge: 180 * 24 * time.Hour}}
	files := func(yield func(advisory.Item[advisory.File]) bool) {
		for _, id := range []string{"c-1", "c-2", "c-3"} {
			load := func() (advisory.File, []advisory.Alert, error) {
				c, err := advisory.Consolidate(id, store[id], policy)
				if err != nil {
					return advisory.File{}, nil, err
				}
				file, err := advisory.NewFile(c)
				return file, advisory.Staleness(c, policy, now), err
			}
			if !yield(advisory.Item[advisory.File]{ClientID: id, Load: load}) {
				return
			}
		}
	}
	res := fw.EvaluateAll(context.Background(), files, now, advisory.BatchOptions{})
	for _, a := range res.Alerts {
		fmt.Println(a.ClientID, a.Title)
	}
	for _, f := range res.Failed {
		fmt.Println(f.ClientID, "failed:", f.Message)
	}
	fmt.Printf("%+v\n", res.Counts)
	// Output:
	// c-1 Home cover is 37.5% of the value
	// c-2 Stale home.cover
	// c-2 Stale home.propertyValue
	// c-3 failed: advisory: loading the file of client c-3: advisory: field home.cover: cannot put string into float64
	// {In:3 OK:2 Failed:1 Cancelled:0 Unread:false}
}
