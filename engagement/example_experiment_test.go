package engagement_test

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/engagekit/engagekit/engagement"
)

// An adviser-meeting invitation tested in two new wordings against the
// current one over four weeks. The host logs who was shown which wording
// (exposures); a client converts by booking a meeting within a week of
// first seeing it. One client saw two wordings and is left out. Clients
// who engaged more before the test book more often, so their pre-period
// engagement sharpens the comparison (CUPED).
func ExampleExperimentPlan_Analyze() {
	start := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	plan, err := engagement.NewExperimentPlan(engagement.ExperimentConfig{
		Experiment: "meeting-invite",
		Control:    "current",
		Arms:       []engagement.Arm{{Variant: "current", Weight: 1}, {Variant: "short", Weight: 1}, {Variant: "personal", Weight: 1}},
		Window:     7 * 24 * time.Hour,
		Kinds:      []string{"book_meeting"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	var exposures []engagement.Exposure
	var responses []engagement.Response
	pre := map[string]float64{}
	for i := range 9000 {
		id := fmt.Sprint("client-", i)
		variant := []string{"current", "short", "personal"}[i%3]
		seen := start.Add(time.Duration(i%28)*24*time.Hour + time.Duration(i%600)*time.Minute)
		exposures = append(exposures, engagement.Exposure{Client: id, Experiment: "meeting-invite", Variant: variant, Time: seen})
		pre[id] = float64(i % 7) // pre-period engagement, 0 to 6
		// Booking: more likely with engagement; "personal" adds about
		// four points, "short" nothing.
		chance := (i*7919)%100 < 1+6*(i%7)+map[string]int{"personal": 4}[variant]
		if chance {
			responses = append(responses, engagement.Response{Client: id, Stimulus: "invite", Kind: "book_meeting", Time: seen.Add(50 * time.Hour)})
		}
	}
	exposures = append(exposures, engagement.Exposure{Client: "client-0", Experiment: "meeting-invite", Variant: "short", Time: start})
	report, err := plan.Analyze(context.Background(), engagement.ExperimentData{
		AsOf: start.AddDate(0, 0, 35), Exposures: slices.Values(exposures), Responses: slices.Values(responses), Pre: pre})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("clients %d, left out for seeing several wordings %d, SRM p %.2f mismatch %v\n",
		report.Counts.Clients, report.Counts.MultiVariant, report.SRM.P, report.SRM.Mismatch)
	for _, a := range report.Arms {
		fmt.Printf("%-8s %4d of %d  %.1f%% [%.1f%%, %.1f%%]\n", a.Variant, a.Converted, a.Exposed, 100*a.Rate, 100*a.Low, 100*a.High)
	}
	for _, c := range report.Comparisons {
		fmt.Printf("%-8s %+.1f pts, lift %+.0f%%, p %.2g (Holm %.2g), P(beats) %.3f, loss %.4f\n",
			c.Variant, 100*c.Diff, 100*c.Lift, c.P, c.PAdjusted, c.ProbBeats, c.ExpectedLoss)
		fmt.Printf("         always-valid p %.2g (Holm %.2g) over %d looks, CUPED %+.1f ± %.1f pts (variance −%.0f%%)\n",
			c.Sequential.P, c.Sequential.PAdjusted, c.Sequential.Looks, 100*c.CUPED.Diff, 100*c.CUPED.SE, 100*c.CUPED.VarianceReduction)
	}
	// Output:
	// clients 8999, left out for seeing several wordings 1, SRM p 1.00 mismatch false
	// current   585 of 2999  19.5% [18.1%, 21.0%]
	// short     561 of 3000  18.7% [17.3%, 20.1%]
	// personal  684 of 3000  22.8% [21.3%, 24.3%]
	// short    -0.8 pts, lift -4%, p 0.43 (Holm 0.43), P(beats) 0.214, loss 0.0093
	//          always-valid p 1 (Holm 1) over 30 looks, CUPED -0.8 ± 1.0 pts (variance −10%)
	// personal +3.3 pts, lift +17%, p 0.0018 (Holm 0.0036), P(beats) 0.999, loss 0.0000
	//          always-valid p 0.019 (Holm 0.038) over 30 looks, CUPED +3.3 ± 1.0 pts (variance −9%)
}
