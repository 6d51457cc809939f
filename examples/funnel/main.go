// Command funnel shows a different host: an asset manager's pre-sale
// funnel, from LinkedIn to the shortlist of an RFP. It generates a year of
// institutional prospects' responses, then prints conversion through the
// funnel, escalation rates per setting, the superfans, an A/B test of two
// campaign variants read from the exposure log (who was shown which
// variant), and the firm's percentile against a peer distribution.
//
//	go run ./examples/funnel
package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"time"

	"github.com/engagekit/engagekit/engagement"
)

var steps = []string{"linkedin", "website", "podcast", "event", "meeting", "rfp_shortlist"}

func main() {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	j, responses, exposures := generate(11, 800, now)
	if err := report(os.Stdout, j, responses, exposures, now); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// generate builds the journey, a year of responses of n prospects and the
// exposure log of the ESG launch: every prospect is shown one week's post,
// whose variant alternates by week; some never respond. Each step
// escalates to the next with a probability that falls down the funnel;
// campaign variant b's posts pull a little harder than a's.
func generate(seed uint64, n int, now time.Time) (*engagement.Journey, []engagement.Response, []engagement.Exposure) {
	r := rand.New(rand.NewPCG(seed, 7))
	var settings []engagement.Setting
	var stimuli []engagement.Stimulus
	for d, s := range steps {
		settings = append(settings, engagement.Setting{ID: s, Stage: engagement.PreSale, Depth: d + 1})
		stimuli = append(stimuli, engagement.Stimulus{ID: s + "-cta", Setting: s, Kind: "cta", Time: now.AddDate(-1, 0, 0)})
	}
	for w := range 52 {
		stimuli = append(stimuli, engagement.Stimulus{ID: fmt.Sprint("post-", w), Setting: "linkedin", Kind: "post",
			Campaign: "esg-launch", Variant: []string{"a", "b"}[w%2], Time: now.AddDate(0, 0, -7*(52-w))})
	}
	j, _ := engagement.NewJourney(settings, stimuli)
	var out []engagement.Response
	var exposures []engagement.Exposure
	for i := range n {
		id := fmt.Sprintf("pension-fund-%03d", i)
		w := r.IntN(52)
		variant := w % 2
		shown := now.AddDate(0, 0, -7*(52-w))
		exposures = append(exposures, engagement.Exposure{Client: id, Experiment: "esg-launch", Variant: []string{"a", "b"}[variant], Time: shown})
		if r.Float64() < 0.2 {
			continue // shown the post, never responded
		}
		out = append(out, engagement.Response{Client: id, Stimulus: fmt.Sprint("post-", w), Kind: "like", Time: shown.AddDate(0, 0, 1)})
		pull := 0.55 + 0.08*float64(variant)
		if r.Float64() > pull {
			continue
		}
		t := now.AddDate(0, 0, -7*(52-w)+2)
		out = append(out, engagement.Response{Client: id, Stimulus: fmt.Sprint("post-", w), Kind: "click", Setting: "website", Time: t})
		for s := 1; s < len(steps)-1; s++ {
			t = t.Add(time.Duration(3+r.IntN(20*s)) * 24 * time.Hour)
			if t.After(now) || r.Float64() > 0.75-0.1*float64(s) {
				break
			}
			out = append(out, engagement.Response{Client: id, Stimulus: steps[s] + "-cta", Kind: "advance", Setting: steps[s+1], Time: t})
		}
	}
	return j, out, exposures
}

func report(w io.Writer, j *engagement.Journey, responses []engagement.Response, exposures []engagement.Exposure, now time.Time) error {
	ctx := context.Background()
	fmt.Fprintln(w, "Pre-sale funnel, last 12 months")
	// A prospect converts from a step to the next within 90 days.
	fr, err := engagement.Funnel(ctx, j, slices.Values(responses), steps, 90*24*time.Hour)
	if err != nil {
		return err
	}
	funnel := fr.Steps
	for _, s := range funnel {
		fmt.Fprintf(w, "  %-14s %4d prospects  %5.1f%% of the step before  median %s\n", s.Setting, s.Reached, 100*s.Conversion, days(s.MedianTime))
	}
	book, err := engagement.Analyze(ctx, j, slices.Values(responses), engagement.Options{AsOf: now})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\n%d responses analysed, %d rejected\n", book.Report.Used, book.Report.In-book.Report.Used)
	fans, err := book.Superfans(engagement.SuperfanRule{Window: 12, Min: 3})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Superfans (escalated in 3 of the last 12 months): %d\n", len(fans))
	for _, f := range fans[:min(3, len(fans))] {
		fmt.Fprintf(w, "  %s, score %.1f\n", f.Client, f.Score)
	}
	if err := abTest(w, responses, exposures, now); err != nil {
		return err
	}
	rate := 0.0
	if funnel[0].Reached > 0 {
		rate = float64(funnel[len(funnel)-1].Reached) / float64(funnel[0].Reached)
	}
	peers := []float64{0.004, 0.006, 0.008, 0.01, 0.012, 0.015, 0.02, 0.025, 0.03, 0.05}
	rank, err := engagement.Benchmark("shortlist rate", rate, peers)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nShortlist rate %.1f%%: percentile %.0f among %d peers (quartile %d)\n", 100*rate, rank.Percentile, rank.Peers, rank.Quartile)
	return nil
}

// abTest reads the ESG launch as an experiment: a prospect converts with
// a click through to the website within 14 days of being shown a post;
// the denominator is every prospect shown a variant, not only those who
// responded.
func abTest(w io.Writer, responses []engagement.Response, exposures []engagement.Exposure, now time.Time) error {
	plan, err := engagement.NewExperimentPlan(engagement.ExperimentConfig{
		Experiment: "esg-launch", Control: "a",
		Arms:   []engagement.Arm{{Variant: "a", Weight: 1}, {Variant: "b", Weight: 1}},
		Window: 14 * 24 * time.Hour, Kinds: []string{"click"},
	})
	if err != nil {
		return err
	}
	rep, err := plan.Analyze(context.Background(), engagement.ExperimentData{AsOf: now,
		Exposures: slices.Values(exposures), Responses: slices.Values(responses)})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nA/B test of the ESG launch posts (%d prospects shown a variant; conversion = a click through to the website within 14 days)\n",
		rep.Counts.Clients)
	for _, a := range rep.Arms {
		fmt.Fprintf(w, "  variant %s: %5.1f%% of %d prospects [%4.1f%%, %4.1f%%]\n", a.Variant, 100*a.Rate, a.Exposed, 100*a.Low, 100*a.High)
	}
	for _, c := range rep.Comparisons {
		fmt.Fprintf(w, "  %s vs a: %+.1f points, p = %.3f (adjusted %.3f), always-valid p = %.3f, P(beats a) = %.2f\n",
			c.Variant, 100*c.Diff, c.P, c.PAdjusted, c.Sequential.P, c.ProbBeats)
	}
	if rep.SRM.Mismatch {
		fmt.Fprintf(w, "  warning: the split is not the planned 50/50 (sample ratio p = %.4f)\n", rep.SRM.P)
	}
	if len(rep.Arms) == 2 {
		if n, err := engagement.SampleSize(rep.Arms[0].Rate, rep.Arms[1].Rate, 0.05, 0.8); err == nil {
			fmt.Fprintf(w, "  to detect this difference reliably: %d prospects per variant\n", n)
		}
	}
	return nil
}

func days(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f days", d.Hours()/24)
}
