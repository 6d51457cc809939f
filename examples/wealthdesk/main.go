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
	"cmp"
	"context"
	_ "embed"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"iter"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
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
	perClient := flag.Int("responses", 30, "about how many responses each client gives in the year")
	seed := flag.Uint64("seed", 1, "seed of the generated firm")
	out := flag.String("out", filepath.Join(os.TempDir(), "wealthdesk"), "directory for the SVG pictures")
	asJSON := flag.Bool("json", false, "print the whole result as JSON instead of the report")
	verbose := flag.Bool("v", false, "print how long each stage took")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	flag.Parse()
	if *cpuProfile != "" {
		stop, err := profileCPU(*cpuProfile)
		if err != nil {
			log.Fatal(err)
		}
		defer stop()
	}
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	start := time.Now()
	stopWatch := watchPeak()
	f := generate(*seed, *clients, *perClient, now)
	res, err := run(f, now)
	peak := stopWatch()
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
	fmt.Printf("\nRan %d clients and %d responses in %.1fs.\n", len(f.ids), res.Engagement.In, time.Since(start).Seconds())
	if *verbose {
		took := time.Since(start).Seconds()
		fmt.Printf("  %.0f clients/s, %.0f responses/s, Go heap at most %d MB\n",
			float64(len(f.ids))/took, float64(res.Engagement.In)/took, peak>>20)
		for _, s := range res.Stages {
			fmt.Printf("  %-55s %6.2fs\n", s.Name, s.Took.Seconds())
		}
	}
	if err := pictures(*out, res); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("\nPictures: %s and %s\n", filepath.Join(*out, "canvas.svg"), filepath.Join(*out, "book.svg"))
}

// result is everything the run found.
type result struct {
	Book       segment.Book                `json:"book"`
	Summary    segment.Summary             `json:"summary"`
	Engagement engagement.Report           `json:"engagement"`
	Superfans  []engagement.Superfan       `json:"superfans"`
	AtRisk     []engagement.AtRisk         `json:"at_risk"`
	Changes    []engagement.Change         `json:"changes"`
	Experiment engagement.ExperimentReport `json:"experiment"`
	Alerts     advisory.BatchResult        `json:"alerts"`
	Plan       canvas.Plan                 `json:"plan"`
	// Stages is how long each stage took, for -v; not part of the
	// (deterministic) result.
	Stages []stage `json:"-"`
}

// stage is one timed stage of the run.
type stage struct {
	Name string
	Took time.Duration
}

// lap records the time since the previous lap as the named stage.
func (r *result) lap(name string, since *time.Time) {
	now := time.Now()
	r.Stages = append(r.Stages, stage{name, now.Sub(*since)})
	*since = now
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

// run is the host's whole job. Each stage streams: engagement reads the
// generated responses as numbered events, a shard per core; the client
// files are generated, consolidated and evaluated on the framework's
// batch workers, one file at a time; only what the stages produce (one
// profile, file summary and the alerts per client) is held.
func run(f *firm, now time.Time) (*result, error) {
	ctx := context.Background()
	res := &result{}
	n, shards := len(f.ids), runtime.GOMAXPROCS(0)
	clock := time.Now()
	// Engagement: a year of responses, scored and searched for changes.
	journey, err := engagement.NewJourney(f.settings, f.stimuli)
	if err != nil {
		return nil, err
	}
	x, err := engagement.NewIndex(journey, kinds...)
	if err != nil {
		return nil, err
	}
	parts := make([]iter.Seq[engagement.Event], shards)
	for s := range parts {
		parts[s] = f.events(x, s*n/shards, (s+1)*n/shards)
	}
	book := engagement.AnalyzeParallel(ctx, x, f.ids, parts, engagement.Options{AsOf: now})
	res.lap("engagement: generate and score responses", &clock)
	res.Engagement = book.Report
	res.AtRisk, _ = book.AtRisk(engagement.AtRiskRule{}) // the zero rule is valid
	res.lap("engagement: clients at risk", &clock)
	// The book numbers clients as f.ids does: join by number, not by id.
	engaged := make([]float64, n)
	for i := range n {
		if s, ok := book.ScoreAt(i); ok {
			engaged[i] = s.Total()
		}
	}
	// The files carry each client's percentile of engagement in the book,
	// so the framework's thresholds read the same for any book; it is
	// worked out beside the segments.
	ranked := make(chan []float64, 1)
	go func() { ranked <- percentiles(engaged) }()
	atRisk := make(map[string]bool, len(res.AtRisk))
	for _, a := range res.AtRisk {
		atRisk[a.Client] = true
	}
	// Segments: profitability × engagement, top 40% and top 50%.
	money := make([]segment.Client, n)
	for i, id := range f.ids {
		money[i] = segment.Client{ID: id, Revenue: f.revenue[i], CostToServe: f.cost[i], Engagement: engaged[i]}
	}
	seg, err := segment.Grid{Profit: segment.Top(0.4), Engagement: segment.Top(0.5)}.AssignAll(ctx, money)
	if err != nil {
		return nil, err
	}
	res.Book = seg
	segOf := byNumber(f.ids, seg.Assignments)
	percentile := <-ranked
	res.lap("segments", &clock)
	// Client files: consolidated, enriched with the engagement and segment
	// summaries, then the advisory framework over the book.
	fw, err := advisory.Compile[advisory.File](frameworkRules)
	if err != nil {
		return nil, err
	}
	ctxs := make([]placeCtx, n)
	// Each file is consolidated, checked for staleness and enriched on
	// the batch's workers, as it is evaluated: the iterator only names
	// the clients, and the data alerts join each client's alerts. Like a
	// CRM reading rows into buffers it reuses, each worker keeps its
	// records and consolidated record from one client to the next: the
	// file and the alerts take nothing from them.
	buffers := sync.Pool{New: func() any { return &prepBuffers{} }}
	prepare := func(i int) (advisory.File, []advisory.Alert, error) {
		buf := buffers.Get().(*prepBuffers)
		defer buffers.Put(buf)
		buf.records = f.records(i, buf.records)
		c := &buf.consolidated
		if err := advisory.ConsolidateInto(c, f.ids[i], buf.records, policy); err != nil {
			return advisory.File{}, nil, err
		}
		stale := advisory.Staleness(*c, policy, now)
		file, err := advisory.NewFile(*c)
		if err != nil {
			return advisory.File{}, nil, err
		}
		file.StaleFields = len(stale)
		file.Engagement = &advisory.Engagement{Score: percentile[i], AtRisk: atRisk[f.ids[i]]}
		file.Segment = &advisory.Segment{Name: string(segOf[i].Segment), Profit: segOf[i].Profit}
		ctxs[i] = placeCtx{Age: now.Year() - file.Client.BirthDate.Year(), Discrepancies: file.Discrepancies}
		if file.Mortgage != nil {
			ctxs[i].TermEnd = file.Mortgage.FixedTermEnd
		}
		return file, stale, nil
	}
	files := func(yield func(advisory.Item[advisory.File]) bool) {
		for i, id := range f.ids {
			load := func() (advisory.File, []advisory.Alert, error) { return prepare(i) }
			if !yield(advisory.Item[advisory.File]{ClientID: id, Load: load}) {
				return
			}
		}
	}
	res.Alerts = fw.EvaluateAll(ctx, files, now, advisory.BatchOptions{})
	res.lap("files: generate, consolidate, evaluate the framework", &clock)
	// The canvas: place, bundle and plan what the firm can deliver.
	placement, err := canvas.NewPlacement[placeCtx](placementRules)
	if err != nil {
		return nil, err
	}
	policies := segment.DefaultPolicies()
	// The firm finds a client by the number in its id, as a CRM finds a
	// row by key: no table of a million clients is built for the plan.
	lookup := func(id string) (canvas.Client[placeCtx], bool) {
		i, err := strconv.Atoi(strings.TrimPrefix(id, "c-"))
		if err != nil || i < 0 || i >= n || f.ids[i] != id {
			return canvas.Client[placeCtx]{}, false
		}
		consent := consentAll
		if i%3 != 0 {
			consent = consentAll[:len(consentAll)-1]
		}
		return canvas.Client[placeCtx]{ID: id, Context: ctxs[i], Consent: consent, Policy: policies[segOf[i].Segment], TouchesUsed: i % 15}, true
	}
	// What only the report needs is worked out beside the plan, which
	// runs on one goroutine (adviser capacity is shared): the book and
	// the segments are safe for concurrent use.
	reported := make(chan struct{})
	go func() {
		defer close(reported)
		res.Summary = segment.Summarize(seg.Assignments, money)
		res.Superfans, _ = book.Superfans(engagement.SuperfanRule{}) // the zero rule is valid
		// The options are constants, valid: Changes cannot fail here.
		res.Changes, _ = book.Changes(engagement.ChangeOptions{Alpha: 0.01, MinN: 50})
		// The invitation test ran on a cohort of the book. Its control
		// is in the generated data unless the book is tiny; without it
		// the report shows no experiment.
		res.Experiment, _ = experiment(ctx, f, min(n, 20_000), now)
	}()
	planner, err := canvas.NewPlanner(placement, canvas.Options{Now: now, AdviserCapacity: max(10, n/8)})
	if err != nil {
		return nil, err
	}
	if res.Plan, err = planner.PlanLookup(ctx, res.Alerts.Alerts, lookup); err != nil {
		<-reported
		return nil, err
	}
	res.lap("canvas: plan", &clock)
	<-reported
	res.lap("report: segment summary, superfans, changes, experiment (waited)", &clock)
	return res, nil
}

// percentiles gives each value its share of the values below it, in [0,1):
// ties share the lowest rank of their run.
func percentiles(vs []float64) []float64 {
	order := make([]int32, len(vs))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(vs[a], vs[b]) })
	out := make([]float64, len(vs))
	for k := 0; k < len(order); {
		run := k
		for run < len(order) && vs[order[run]] == vs[order[k]] {
			run++
		}
		for _, i := range order[k:run] {
			out[i] = float64(k) / float64(len(vs))
		}
		k = run
	}
	return out
}

// prepBuffers is what one worker reuses to prepare client files.
type prepBuffers struct {
	records      []advisory.Record
	consolidated advisory.Consolidated
}

// policy is the firm's source of truth per field.
var policy = advisory.Policy{
	Default: advisory.FieldPolicy{Sources: []string{"crm", "advice"}},
	Fields: map[string]advisory.FieldPolicy{
		"pension.coverage":   {Sources: []string{"advice"}, MaxAge: 455 * 24 * time.Hour},
		"portfolio.value":    {Sources: []string{"advice"}, MaxAge: 455 * 24 * time.Hour},
		"home.propertyValue": {MaxAge: 455 * 24 * time.Hour},
		"client.income":      {Strategy: advisory.MostRecent},
	},
}

// consentAll is the channels clients consent to; one in three also allows
// app pushes (the last). Clients share the slice, which planning only
// reads.
var consentAll = []canvas.Channel{canvas.Email, canvas.PortalNudge, canvas.ReviewMeeting, canvas.AdviserMeeting,
	canvas.PhoneAdviser, canvas.Newsletter, canvas.AppPush}

// byNumber lines assignments up with the clients' numbers. AssignAll keeps
// its input's order, so they line up unless a client was rejected; then
// they are matched by id.
func byNumber(ids []string, as []segment.Assignment) []segment.Assignment {
	if len(as) == len(ids) {
		aligned := true
		for i := range as {
			if as[i].ClientID != ids[i] {
				aligned = false
				break
			}
		}
		if aligned {
			return as
		}
	}
	byID := make(map[string]segment.Assignment, len(as))
	for _, a := range as {
		byID[a.ClientID] = a
	}
	out := make([]segment.Assignment, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out
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
		p := fmt.Sprintf("p = %.2g, adjusted %.2g", c.P, c.PAdjusted)
		if c.PAdjusted < 1e-6 {
			p = "adjusted p < 1e-6"
		}
		fmt.Fprintf(w, "  %s %q: escalation %.1f%% → %.1f%% (%s) %s\n", c.Dimension, c.Value, 100*c.BaselineRate, 100*c.RecentRate, p, dir)
	}
	experimentReport(w, r.Experiment)
	byType, data := map[string]int{}, 0
	for _, a := range r.Alerts.Alerts {
		if a.RuleSet == "" && a.RuleID == advisory.StalenessRule {
			data++
			continue
		}
		byType[a.Type]++
	}
	fmt.Fprintf(w, "\nAdvisory framework: %d alerts over %d files (%d failed), plus %d data alerts\n", len(r.Alerts.Alerts)-data, r.Alerts.Counts.In, r.Alerts.Counts.Failed, data)
	types := make([]string, 0, len(byType))
	for t := range byType {
		types = append(types, t)
	}
	slices.Sort(types)
	for _, t := range types {
		fmt.Fprintf(w, "  %-28s %d\n", t, byType[t])
	}
	p := r.Plan
	fmt.Fprintf(w, "\nFollow-up plan: %d alerts → %d contacts planned (%d alerts; %d contacts late), %d alerts deferred\n",
		p.Totals.Alerts, len(p.FollowUps), p.Totals.Planned, p.Totals.Late, p.Totals.Deferred)
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

// experimentReport prints an experiment's arms and each variant against
// the control: the fixed-horizon and always-valid p-values, each with its
// Holm adjustment for the number of variants in brackets.
func experimentReport(w io.Writer, e engagement.ExperimentReport) {
	if len(e.Arms) == 0 {
		return
	}
	n := e.Counts
	fmt.Fprintf(w, "\nExperiment %q: %d clients (%d who saw two variants left out), sample ratio p = %.2f\n", e.Experiment, n.Clients, n.MultiVariant, e.SRM.P)
	if e.SRM.Mismatch {
		fmt.Fprintln(w, "  SAMPLE RATIO MISMATCH: the assignment is broken; do not trust the results")
	}
	fmt.Fprintf(w, "  %-9s %-16s  %-10s %-16s %-20s %s\n", "variant", "converted", "vs "+e.Control, "p (Holm)", "always-valid (Holm)", "P(beats)")
	cmp := map[string]engagement.Comparison{}
	for _, c := range e.Comparisons {
		cmp[c.Variant] = c
	}
	for _, a := range e.Arms {
		line := fmt.Sprintf("  %-9s %5.1f%% of %d", a.Variant, 100*a.Rate, a.Exposed)
		if c, ok := cmp[a.Variant]; ok {
			line = fmt.Sprintf("%-28s  %+5.1f pts  %-16s %-20s %.2f", line, 100*c.Diff, fmt.Sprintf("%.2g (%.2g)", c.P, c.PAdjusted),
				fmt.Sprintf("%.2g (%.2g)", c.Sequential.P, c.Sequential.PAdjusted), c.ProbBeats)
		}
		fmt.Fprintln(w, line)
	}
}

// profileCPU starts a CPU profile into path; the returned function stops
// it.
func profileCPU(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
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
