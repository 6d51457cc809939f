// Command funnel shows a different host: an asset manager's pre-sale
// funnel, from LinkedIn to the shortlist of an RFP. It generates a year of
// institutional prospects' responses, then prints conversion through the
// funnel, escalation rates per setting, the superfans, an A/B test of two
// campaign variants, and the firm's percentile against a peer distribution.
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
	j, responses := generate(11, 800, now)
	if err := report(os.Stdout, j, responses, now); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// generate builds the journey and a year of responses of n prospects. Each
// step escalates to the next with a probability that falls down the funnel;
// campaign variant b's posts pull a little harder than a's.
func generate(seed uint64, n int, now time.Time) (*engagement.Journey, []engagement.Response) {
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
	for i := range n {
		id := fmt.Sprintf("pension-fund-%03d", i)
		w := r.IntN(52)
		variant := w % 2
		out = append(out, engagement.Response{Client: id, Stimulus: fmt.Sprint("post-", w), Kind: "like", Time: now.AddDate(0, 0, -7*(52-w)+1)})
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
	return j, out
}

func report(w io.Writer, j *engagement.Journey, responses []engagement.Response, now time.Time) error {
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
	book := engagement.Analyze(ctx, j, slices.Values(responses), engagement.Options{AsOf: now})
	fmt.Fprintf(w, "\n%d responses analysed, %d rejected\n", book.Report.Used, book.Report.In-book.Report.Used)
	fans, err := book.Superfans(engagement.SuperfanRule{Window: 12, Min: 3})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "Superfans (escalated in 3 of the last 12 months): %d\n", len(fans))
	for _, f := range fans[:min(3, len(fans))] {
		fmt.Fprintf(w, "  %s, score %.1f\n", f.Client, f.Score)
	}
	e, err := engagement.CompareResponders(ctx, j, slices.Values(responses), "esg-launch", "a", 200, engagement.Classifier{})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nA/B test of the ESG launch posts (escalation = a click through to the website)")
	for _, v := range e.Variants {
		fmt.Fprintf(w, "  variant %s: %5.1f%% of %d prospects [%4.1f%%, %4.1f%%]", v.Name, 100*v.Rate, v.Exposed, 100*v.Low, 100*v.High)
		if v.Name != e.Control {
			fmt.Fprintf(w, "  p = %.3f, P(beats a) = %.2f", v.P, v.ProbBeats)
		}
		if v.SmallWarn {
			fmt.Fprint(w, "  (small sample)")
		}
		fmt.Fprintln(w)
	}
	if len(e.Variants) == 2 {
		if n, err := engagement.SampleSize(e.Variants[0].Rate, e.Variants[1].Rate, 0.05, 0.8); err == nil {
			fmt.Fprintf(w, "  to detect this difference reliably: %d prospects per variant\n", n)
		}
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

func days(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f days", d.Hours()/24)
}
