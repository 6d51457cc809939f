// Command wealthdesk runs engagekit end to end for a sample wealth manager:
// it consolidates client files from two source systems, scores a year of
// engagement, segments the book, applies the advisory framework, and plans
// the follow-ups, then prints the report a practice manager reads and
// writes the canvas and the book as SVG pictures.
//
//	go run ./examples/wealthdesk                 # 300 generated clients
//	go run ./examples/wealthdesk -clients 100000 # the same firm, larger
//	go run ./examples/wealthdesk -json           # everything as JSON
package main

import (
	"context"
	_ "embed"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/canvas"
	"github.com/engagekit/engagekit/engagement"
	"github.com/engagekit/engagekit/segment"
)

//go:embed framework.rules
var frameworkRules []byte

func main() {
	clients := flag.Int("clients", 300, "how many clients the generated firm has")
	seed := flag.Uint64("seed", 1, "seed of the generated firm")
	out := flag.String("out", filepath.Join(os.TempDir(), "wealthdesk"), "directory for the SVG pictures")
	asJSON := flag.Bool("json", false, "print the whole result as JSON instead of the report")
	flag.Parse()
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	res, err := run(generate(*seed, *clients, now), now)
	if err != nil {
		log.Fatal(err)
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			log.Fatal(err)
		}
		return
	}
	report(os.Stdout, res)
	if err := pictures(*out, res); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("\nPictures: %s and %s\n", filepath.Join(*out, "canvas.svg"), filepath.Join(*out, "book.svg"))
}

// result is everything the run found.
type result struct {
	Book       segment.Book          `json:"book"`
	Summary    segment.Summary       `json:"summary"`
	Engagement engagement.Report     `json:"engagement"`
	Superfans  []engagement.Superfan `json:"superfans"`
	AtRisk     []engagement.AtRisk   `json:"at_risk"`
	Changes    []engagement.Change   `json:"changes"`
	Experiment engagement.Experiment `json:"experiment"`
	Alerts     advisory.BatchResult  `json:"alerts"`
	Stale      []advisory.Alert      `json:"stale"`
	Plan       canvas.Plan           `json:"plan"`
}

// placeCtx is what the canvas's granulation rules read about a client.
type placeCtx struct {
	Age           int       `expr:"age"`
	Discrepancies int       `expr:"discrepancies"`
	TermEnd       time.Time `expr:"termEnd"`
}

var placementRules = []canvas.TypeRule{
	{Type: "mortgage.term_end", Base: canvas.Position{Urgency: 0.3, Sensitivity: 0.3},
		Urgency: "client.termEnd.IsZero() ? 0.3 : (daysUntil(client.termEnd) <= 14 ? 0.9 : (daysUntil(client.termEnd) <= 60 ? 0.6 : 0.2))"},
	{Type: "pension.gap", Base: canvas.Position{Urgency: 0.1, Sensitivity: 0.9}, Sensitivity: "client.age < 30 ? 0.7 : 0.9"},
	{Type: "data.discrepancies", Base: canvas.Position{Urgency: 0.2}, Sensitivity: "clamp(0.2 + client.discrepancies * 0.08, 0, 1)"},
}

func run(f *firm, now time.Time) (*result, error) {
	ctx := context.Background()
	res := &result{}
	policy := advisory.Policy{
		Default: advisory.FieldPolicy{Sources: []string{"crm", "advice"}},
		Fields: map[string]advisory.FieldPolicy{
			"pension.coverage": {Sources: []string{"advice"}, MaxAge: 365 * 24 * time.Hour},
			"client.income":    {Strategy: advisory.MostRecent},
		},
	}
	// Engagement: a year of responses, scored and searched for changes.
	journey, err := engagement.NewJourney(f.settings, f.stimuli)
	if err != nil {
		return nil, err
	}
	book := engagement.Analyze(ctx, journey, slices.Values(f.responses), engagement.Options{AsOf: now})
	res.Engagement = book.Report
	res.Superfans = book.Superfans(engagement.SuperfanRule{})
	res.AtRisk = book.AtRisk(engagement.AtRiskRule{})
	res.Changes = book.Changes(0.01, 50)
	res.Experiment = engagement.Compare(ctx, journey, slices.Values(f.responses), "spring", "a", 100, engagement.Classifier{})
	scores := map[string]engagement.Score{}
	for _, s := range book.Scores() {
		scores[s.Client] = s
	}
	atRisk := map[string]bool{}
	for _, a := range res.AtRisk {
		atRisk[a.Client] = true
	}
	// Segments: profitability × engagement, top 40% and top 50%.
	var money []segment.Client
	for _, id := range f.ids {
		money = append(money, segment.Client{ID: id, Revenue: f.revenue[id], CostToServe: f.cost[id]})
	}
	scoreList := book.Scores()
	seg, err := segment.Grid{Profit: segment.Top(0.4), Engagement: segment.Top(0.5)}.AssignAll(ctx, segment.WithScores(money, scoreList))
	if err != nil {
		return nil, err
	}
	res.Book, res.Summary = seg, segment.Summarize(seg.Assignments, money)
	segOf := map[string]segment.Assignment{}
	for _, a := range seg.Assignments {
		segOf[a.ClientID] = a
	}
	// Client files: consolidated, enriched with the engagement and segment
	// summaries, then the advisory framework over the book.
	fw, err := advisory.Compile[advisory.File](frameworkRules)
	if err != nil {
		return nil, err
	}
	var items []advisory.Item[advisory.File]
	ctxs := map[string]placeCtx{}
	for _, id := range f.ids {
		c, err := advisory.Consolidate(id, f.records[id], policy)
		if err != nil {
			return nil, err
		}
		res.Stale = append(res.Stale, advisory.Staleness(c, policy, now)...)
		file, err := advisory.NewFile(c)
		if err != nil {
			return nil, err
		}
		s := scores[id]
		file.Engagement = &advisory.Engagement{Score: s.Total(), AtRisk: atRisk[id]}
		file.Segment = &advisory.Segment{Name: string(segOf[id].Segment), Profit: segOf[id].Profit}
		items = append(items, advisory.Item[advisory.File]{ClientID: id, File: file})
		pc := placeCtx{Age: now.Year() - file.Client.BirthDate.Year(), Discrepancies: file.Discrepancies}
		if file.Mortgage != nil {
			pc.TermEnd = file.Mortgage.FixedTermEnd
		}
		ctxs[id] = pc
	}
	res.Alerts = fw.EvaluateAll(ctx, slices.Values(items), now, advisory.BatchOptions{})
	// The canvas: place, bundle and plan what the firm can deliver.
	placement, err := canvas.NewPlacement[placeCtx](placementRules)
	if err != nil {
		return nil, err
	}
	policies := segment.DefaultPolicies()
	planClients := map[string]canvas.Client[placeCtx]{}
	for i, id := range f.ids {
		consent := []canvas.Channel{canvas.Email, canvas.PortalNudge, canvas.ReviewMeeting, canvas.AdviserMeeting, canvas.PhoneAdviser, canvas.Newsletter}
		if i%3 == 0 {
			consent = append(consent, canvas.AppPush)
		}
		planClients[id] = canvas.Client[placeCtx]{ID: id, Context: ctxs[id], Consent: consent, Policy: policies[segOf[id].Segment], TouchesUsed: i % 15}
	}
	alerts := append(slices.Clone(res.Alerts.Alerts), res.Stale...)
	res.Plan = canvas.NewPlanner(placement, canvas.Options{Now: now, AdviserCapacity: max(10, len(f.ids)/8)}).Plan(alerts, planClients)
	return res, nil
}

func report(w io.Writer, r *result) {
	fmt.Fprintf(w, "WEALTHDESK — practice report, %d clients\n\n", r.Book.Counts.In)
	fmt.Fprintln(w, "Segments (top 40% by profit × top 50% by engagement)")
	for _, s := range r.Summary.Segments {
		fmt.Fprintf(w, "  %s  %4d clients  profit %10.0f  (%5.1f%% of the book's)\n", s.Segment, s.Clients, s.Profit, 100*s.ProfitShare)
	}
	fmt.Fprintf(w, "\nEngagement: %d responses used, rejected %v\n", r.Engagement.Used, r.Engagement.Rejected)
	fmt.Fprintf(w, "  superfans: %d", len(r.Superfans))
	for i, s := range r.Superfans[:min(3, len(r.Superfans))] {
		fmt.Fprintf(w, "%s %s (%.1f)", map[bool]string{true: ",", false: ":"}[i > 0], s.Client, s.Score)
	}
	fmt.Fprintf(w, "\n  at risk (fans who stopped escalating): %d\n", len(r.AtRisk))
	for _, c := range r.Changes[:min(3, len(r.Changes))] {
		dir := "rising"
		if c.Falling {
			dir = "LOSING POPULARITY"
		}
		p := fmt.Sprintf("p = %.2g", c.P)
		if c.P < 1e-6 {
			p = "p < 1e-6"
		}
		fmt.Fprintf(w, "  %s %q: escalation %.1f%% → %.1f%% (%s) %s\n", c.Dimension, c.Value, 100*c.BaselineRate, 100*c.RecentRate, p, dir)
	}
	for _, v := range r.Experiment.Variants {
		fmt.Fprintf(w, "  campaign %s variant %s: %.1f%% escalate (%d clients)", r.Experiment.Campaign, v.Name, 100*v.Rate, v.Exposed)
		if v.Name != r.Experiment.Control {
			fmt.Fprintf(w, ", P(beats %s) = %.2f, p = %.2g", r.Experiment.Control, v.ProbBeats, v.P)
		}
		fmt.Fprintln(w)
	}
	byType := map[string]int{}
	for _, a := range r.Alerts.Alerts {
		byType[a.Type]++
	}
	fmt.Fprintf(w, "\nAdvisory framework: %d alerts over %d files (%d failed), plus %d data alerts\n", len(r.Alerts.Alerts), r.Alerts.Counts.In, r.Alerts.Counts.Failed, len(r.Stale))
	types := make([]string, 0, len(byType))
	for t := range byType {
		types = append(types, t)
	}
	slices.Sort(types)
	for _, t := range types {
		fmt.Fprintf(w, "  %-28s %d\n", t, byType[t])
	}
	p := r.Plan
	fmt.Fprintf(w, "\nFollow-up plan: %d alerts → %d contacts planned (%d alerts), %d alerts deferred\n", p.Totals.Alerts, len(p.FollowUps), p.Totals.Planned, p.Totals.Deferred)
	for _, f := range p.FollowUps[:min(8, len(p.FollowUps))] {
		titles := ""
		for i, it := range f.Items {
			if i > 0 {
				titles += "; "
			}
			titles += it.Alert.Title
		}
		fmt.Fprintf(w, "  %s %-9s %-16s %-15s due %s  %s\n", f.When.Format("Jan 02"), f.ClientID, f.Quadrant, f.Channel, f.Due.Format("Jan 02"), titles)
	}
	reasons := map[canvas.DeferReason]int{}
	for _, d := range p.Deferred {
		reasons[d.Reason]++
	}
	fmt.Fprintf(w, "  deferred by reason: %v\n", reasons)
}

func pictures(dir string, r *result) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "canvas.svg"), canvas.Picture(r.Plan.Items(), canvas.Thresholds{}), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "book.svg"), segment.Scatter(r.Book), 0o644)
}
