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
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"time"

	"github.com/engagekit/engagekit/canvas"
	"github.com/engagekit/engagekit/engagement"
	"github.com/engagekit/engagekit/examples/internal/desk"
	"github.com/engagekit/engagekit/segment"
)

func main() {
	clients := flag.Int("clients", 300, "how many clients the generated firm has")
	perClient := flag.Int("responses", 30, "about how many responses each client gives in the year")
	seed := flag.Uint64("seed", 1, "seed of the generated firm")
	out := flag.String("out", filepath.Join(os.TempDir(), "wealthdesk"), "directory for the SVG pictures")
	asJSON := flag.Bool("json", false, "print the whole result as JSON instead of the report")
	verbose := flag.Bool("v", false, "print how long each stage took")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	memProfile := flag.String("memprofile", "", "write a heap profile to this file when the job is done (what it holds: the result)")
	// The limit keeps a million-client job's peak near 2.2 GB: the heap
	// would otherwise grow to twice what is live. It is set above that
	// peak, not at it: at 2200 MiB the collector started a cycle as the
	// plan ended, marking the 1.6 GB the result holds (a second of
	// marking, 0.2-0.3 s of the job's wall time) to free a few MB the
	// report and the pictures then asked for.
	memLimit := flag.Int("memlimit", 2400, "soft limit of the Go runtime's memory, in MiB (0: none): near it the collector runs more often rather than let the heap grow to twice what is live")
	planBy := flag.String("plan-by", "firm", "plan the whole firm at once (firm) or each adviser team apart, with its own capacity (team)")
	huge := flag.Bool("hugepages", true, "on Linux, ask for transparent huge pages for the Go heap as the runtime maps it, and keep the memory the stages free for the plan (a fault maps 2 MiB rather than 4 KiB: seconds of a million-client job where faults are costly)")
	flag.Parse()
	if *huge {
		defer adviseHugePages()()
	}
	if *planBy != "firm" && *planBy != "team" {
		log.Fatalf("-plan-by %q: want firm or team", *planBy)
	}
	if *clients < 0 || *perClient < 0 {
		log.Fatalf("-clients %d, -responses %d: want counts of zero or more", *clients, *perClient)
	}
	if *cpuProfile != "" {
		stop, err := profileCPU(*cpuProfile)
		if err != nil {
			log.Fatal(err)
		}
		defer stop()
	}
	if *memLimit > 0 {
		debug.SetMemoryLimit(int64(*memLimit) << 20)
	}
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	start := time.Now()
	stopWatch := watchPeak()
	f := desk.Generate(*seed, *clients, *perClient, now)
	res, err := desk.Run(f, now, desk.Options{PlanByTeam: *planBy == "team", KeepMemory: *huge})
	peak := stopWatch()
	if err != nil {
		log.Fatal(err)
	}
	if *memProfile != "" {
		if err := profileHeap(*memProfile); err != nil {
			log.Fatal(err)
		}
	}
	if *asJSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			log.Fatal(err)
		}
		return
	}
	// The pictures are drawn while the report is written: both only
	// read the result.
	drawing := time.Now()
	drawn := make(chan pictureFiles, 1)
	go func() { drawn <- draw(res) }()
	report(os.Stdout, res)
	fmt.Printf("\nRan %d clients and %d responses in %.1fs.\n", f.Len(), res.Engagement.In, time.Since(start).Seconds())
	if *verbose {
		took := time.Since(start).Seconds()
		fmt.Printf("  %.0f clients/s, %.0f responses/s, Go heap at most %d MB\n",
			float64(f.Len())/took, float64(res.Engagement.In)/took, peak>>20)
		for _, s := range res.Stages {
			fmt.Printf("  %-55s %6.2fs  %3.0f%% idle  %6d MB allocated\n", s.Name, s.Took.Seconds(), 100*s.Idle, s.Allocated>>20)
		}
	}
	if err := (<-drawn).write(*out); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("\nPictures: %s and %s\n", filepath.Join(*out, "canvas.svg"), filepath.Join(*out, "book.svg"))
	if *verbose {
		fmt.Printf("  drawn (beside the report) and written in %.2fs\n", time.Since(drawing).Seconds())
	}
}

func report(w io.Writer, r *desk.Result) {
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
	tally := r.Alerts.Tally()
	byType, data := tally.ByType, tally.Data
	fmt.Fprintf(w, "\nAdvisory framework: %d alerts over %d files (%d failed), plus %d data alerts\n", r.Alerts.Len()-data, r.Alerts.Counts.In, r.Alerts.Counts.Failed, data)
	types := make([]string, 0, len(byType))
	for t := range byType {
		types = append(types, t)
	}
	slices.Sort(types)
	for _, t := range types {
		fmt.Fprintf(w, "  %-28s %d\n", t, byType[t])
	}
	if len(r.Teams) == 0 {
		planReport(w, "Follow-up plan", r.Plan, 8)
		return
	}
	for _, t := range r.Teams {
		planReport(w, "Follow-up plan of "+t.Team, t.Plan, 2)
	}
}

// planReport prints a plan's totals, its first contacts and its deferrals
// by reason.
func planReport(w io.Writer, title string, p canvas.Plan, first int) {
	fmt.Fprintf(w, "\n%s: %d alerts → %d contacts planned (%d alerts; %d contacts late), %d alerts deferred\n",
		title, p.Totals.Alerts, len(p.FollowUps), p.Totals.Planned, p.Totals.Late, p.Totals.Deferred)
	for _, f := range p.FollowUps[:min(first, len(p.FollowUps))] {
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

// profileHeap writes a heap profile into path.
func profileHeap(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC() // the profile shows the live heap as of the last collection
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// pictureFiles are the pictures of a result, drawn: the firm's canvas
// (every plan's placed alerts) and its book of segments.
type pictureFiles struct {
	canvas, book []byte
}

func draw(r *desk.Result) pictureFiles {
	plans := []canvas.Plan{r.Plan}
	for _, t := range r.Teams {
		plans = append(plans, t.Plan)
	}
	return pictureFiles{canvas: canvas.PicturePlans(canvas.Thresholds{}, plans...), book: segment.Scatter(r.Book)}
}

// write writes the pictures into dir as canvas.svg and book.svg.
func (p pictureFiles) write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "canvas.svg"), p.canvas, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "book.svg"), p.book, 0o644)
}
