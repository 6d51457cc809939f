package hostapi_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/advisory/advisorytest"
	"github.com/engagekit/engagekit/canvas"
	"github.com/engagekit/engagekit/engagement"
	"github.com/engagekit/engagekit/segment"
)

// Pence is the CRM's money type.
type Pence int64

// Holding is one position of a client's portfolio.
type Holding struct {
	Asset string  `expr:"asset"`
	Value float64 `expr:"value"`
}

// ClientFile is the host's own client file, as its CRM keeps it.
type ClientFile struct {
	Client struct {
		Name      string    `expr:"name"`
		BirthDate time.Time `expr:"birthDate"`
		Income    float64   `expr:"income"`
		Age       int8      `expr:"age"`
		// Cash is in the CRM's own money type: rules compare it with
		// numbers and other money as it is (dsl reads it as an int).
		Cash Pence `expr:"cash"`
	} `expr:"client"`
	Holdings []Holding          `expr:"holdings"`
	Accounts map[string]float64 `expr:"accounts"`
}

const rules = `ruleset host version 1
rule concentrated {
  type "portfolio.concentrated"
  owner "investment-committee"
  when any(holdings, {.value > 50000}) && client.income < 100000
  urgency 0.6
  sensitivity 0.8
}
rule isa_unused {
  type "isa.unused"
  when accounts["isa"] == 0
  urgency 0.3
  sensitivity 0.2
}
rule idle_cash {
  type "cash.idle"
  when client.cash >= 2000 && client.age < 60
  title "{money(client.cash / 100, \"GBP\")} idle in cash"
  urgency 0.2
  sensitivity 0.1
}
`

var now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// The README's consolidation and decoding, over a CRM with holdings.
func consolidate(t *testing.T) (advisory.Consolidated, ClientFile) {
	t.Helper()
	crm := advisory.Record{Source: "crm", AsOf: now.AddDate(0, -1, 0), Fields: map[string]any{
		"client.name": "Ada", "client.income": 60000, "client.age": 31, "accounts.isa": 0,
		"holdings": []any{map[string]any{"asset": "VWRL", "value": 80000.0}}}}
	custodian := advisory.Record{Source: "custodian", AsOf: now, Fields: map[string]any{
		"holdings": []Holding{{Asset: "VWRL", Value: 80000}}, "accounts.sipp": Pence(120000), "client.cash": 2500}}
	policy := advisory.Policy{
		Default: advisory.FieldPolicy{Sources: []string{"custodian", "crm"}},
		Fields:  map[string]advisory.FieldPolicy{"client.income": {MaxAge: 365 * 24 * time.Hour}},
	}
	c, err := advisory.Consolidate("c-101", []advisory.Record{crm, custodian}, policy)
	if err != nil {
		t.Fatal(err)
	}
	d, err := advisory.NewDecoder[ClientFile]()
	if err != nil {
		t.Fatal(err)
	}
	var file ClientFile
	if err := d.Decode(c, &file); err != nil {
		t.Fatal(err)
	}
	_ = advisory.Staleness(c, policy, now)
	var reused advisory.Consolidated
	if err := advisory.ConsolidateInto(&reused, "c-102", []advisory.Record{crm}, policy); err != nil {
		t.Fatal(err)
	}
	return c, file
}

func TestConsolidateAndDecode(t *testing.T) {
	c, file := consolidate(t)
	if len(file.Holdings) != 1 || file.Accounts["sipp"] != 120000 || file.Client.Cash != 2500 || c.Provenance["accounts.sipp"].Source != "custodian" {
		t.Errorf("decoded %+v from %+v", file, c)
	}
	var f ClientFile
	err := advisory.Decode(advisory.Consolidated{Fields: map[string]any{"client.age": 300}}, &f)
	var de *advisory.DecodeError
	if !errors.As(err, &de) || de.Field != "client.age" {
		t.Errorf("300 into an int8: %v", err)
	}
}

// hostObserver is an observability hook a host writes: here it only
// counts, as a metrics exporter would.
type hostObserver struct {
	files int
	fires map[string]int
	last  advisory.Counts
}

func (o *hostObserver) File(f advisory.FileStats)  { o.files++ }
func (o *hostObserver) Progress(c advisory.Counts) { o.last = c }
func (o *hostObserver) Done(b advisory.BatchStats) {
	o.fires = map[string]int{}
	for _, r := range b.Rules {
		o.fires[r.Rule] = r.Fires
	}
}

// The README's framework batch with a progress callback, an observer, a
// failed file as an error, and a version diff.
func TestFrameworkBatch(t *testing.T) {
	_, file := consolidate(t)
	fw, err := advisory.Compile[ClientFile]([]byte(rules))
	if err != nil {
		t.Fatal(err)
	}
	alerts, err := fw.Evaluate("c-101", file, now)
	if err != nil || len(alerts) != 3 || alerts[0].Owner != "investment-committee" || alerts[2].Title != "£25.00 idle in cash" {
		t.Fatalf("alerts %+v, %v", alerts, err)
	}
	book := slices.Values([]advisory.Item[ClientFile]{
		{ClientID: "c-101", File: file},
		{ClientID: "c-102", Load: func() (ClientFile, []advisory.Alert, error) { return ClientFile{}, nil, errors.New("no records") }},
	})
	var progress []advisory.Counts
	obs := &hostObserver{}
	res := fw.EvaluateAll(context.Background(), book, now, advisory.BatchOptions{
		Progress: func(c advisory.Counts) { progress = append(progress, c) },
		Observer: obs,
		Clock:    func() time.Time { return now },
	})
	var failed error = res.Failed[0]
	var le *advisory.LoadError
	if !errors.As(failed, &le) || res.Counts.In != 2 || progress[len(progress)-1] != res.Counts || obs.files != 2 || obs.fires["concentrated"] != 1 {
		t.Errorf("result %+v, progress %v, observer %+v", res.Counts, progress, obs)
	}
	v2, _ := advisory.Compile[ClientFile]([]byte(rules + "\n"))
	diff, err := advisory.DiffVersions(context.Background(), fw, v2, slices.Values([]advisory.Item[ClientFile]{{ClientID: "c-101", File: file}}), now)
	if err != nil || diff.Unchanged != 3 || len(advisory.DiffAlerts(alerts, alerts).Appeared) != 0 {
		t.Errorf("diff %+v, %v", diff, err)
	}
}

// A custom generator for the test kit: holdings from the host's own
// asset list and incomes a wealth manager sees, checked with Check.
func TestMyFramework(t *testing.T) {
	fw, err := advisory.Compile[ClientFile]([]byte(rules))
	if err != nil {
		t.Fatal(err)
	}
	bounds, err := advisorytest.ParseBoundaries([]byte(rules))
	if err != nil {
		t.Fatal(err)
	}
	holdings := rapid.Custom(func(t *rapid.T) Holding {
		return Holding{Asset: rapid.SampledFrom([]string{"VWRL", "GILT"}).Draw(t, "asset"),
			Value: rapid.Float64Range(0, 200_000).Draw(t, "value")}
	})
	files, err := advisorytest.FilesWith[ClientFile](bounds, now,
		advisorytest.WithType(holdings),
		advisorytest.WithField("client.income", rapid.Float64Range(20_000, 500_000)))
	if err != nil {
		t.Fatal(err)
	}
	advisorytest.Check(t, fw, files, now)
	if cov := advisorytest.Cover(fw, files, 500, now); len(cov.Unfired()) > 0 {
		t.Errorf("never fired: %v\n%s", cov.Unfired(), cov)
	}
}

// The README's segment and canvas snippets, with the context every long
// call takes.
func TestSegmentAndPlan(t *testing.T) {
	ctx := context.Background()
	clients := []segment.Client{{ID: "c-101", Revenue: 5000, CostToServe: 1000}, {ID: "c-102", Revenue: 500, CostToServe: 900}}
	res, err := segment.Grid{Profit: segment.Top(0.4), Engagement: segment.Top(0.5)}.AssignAll(ctx, clients)
	if err != nil {
		t.Fatal(err)
	}
	var counts segment.Counts = res.Counts
	policy, _ := segment.DefaultPolicies().For(res.Assignments[0].Segment)
	placement, err := canvas.NewPlacement[ClientFile]([]canvas.TypeRule{
		{Type: "portfolio.concentrated", Base: canvas.Position{Urgency: 0.6}, Sensitivity: "client.client.income < 50000 ? 0.9 : 0.7"},
	})
	if err != nil {
		t.Fatal(err)
	}
	planner, err := canvas.NewPlanner(placement, canvas.Options{Now: now, AdviserCapacity: 40,
		Thresholds: canvas.Thresholds{Urgent: canvas.None}})
	if err != nil {
		t.Fatal(err)
	}
	_, file := consolidate(t)
	fw, _ := advisory.Compile[ClientFile]([]byte(rules))
	alerts, _ := fw.Evaluate("c-101", file, now)
	plan, err := planner.Plan(ctx, alerts, map[string]canvas.Client[ClientFile]{
		"c-101": {ID: "c-101", Context: file, Policy: policy, Consent: []canvas.Channel{canvas.AppPush, canvas.PhoneAdviser}}})
	if err != nil || plan.Totals.Alerts != 3 || counts.In != 2 {
		t.Errorf("plan %+v, %v; counts %+v", plan.Totals, err, counts)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := planner.PlanLookup(cancelled, alerts, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled plan: %v", err)
	}
}

// The README's engagement snippets, with the A/B view under its new name.
func TestEngagementNames(t *testing.T) {
	journey, err := engagement.NewJourney(
		[]engagement.Setting{{ID: "web", Depth: 1}, {ID: "call", Depth: 3}},
		[]engagement.Stimulus{{ID: "s-a", Setting: "web", Campaign: "esg", Variant: "a", Time: now.AddDate(0, -1, 0)},
			{ID: "s-b", Setting: "web", Campaign: "esg", Variant: "b", Time: now.AddDate(0, -1, 0)}})
	if err != nil {
		t.Fatal(err)
	}
	responses := []engagement.Response{
		{Client: "c-101", Stimulus: "s-a", Setting: "call", Kind: "click", Time: now.AddDate(0, 0, -20)},
		{Client: "c-102", Stimulus: "s-b", Setting: "web", Kind: "click", Time: now.AddDate(0, 0, -10)},
	}
	book, err := engagement.Analyze(context.Background(), journey, slices.Values(responses), engagement.Options{AsOf: now})
	if err != nil {
		t.Fatal(err)
	}
	if len(book.Scores()) != 2 {
		t.Errorf("scores %+v", book.Scores())
	}
	e, err := engagement.CompareResponders(context.Background(), journey, slices.Values(responses), "esg", "a", 10, engagement.Classifier{})
	if err != nil || len(e.Variants) != 2 {
		t.Errorf("A/B %+v, %v", e, err)
	}
}
