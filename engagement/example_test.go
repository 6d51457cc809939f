package engagement_test

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/engagekit/engagekit/engagement"
)

// A LinkedIn post: likes and shares maintain engagement in the feed, a
// click through to the website escalates it, an unfollow disengages.
func Example() {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 9, 0, 0, 0, time.UTC) }
	j, err := engagement.NewJourney(
		[]engagement.Setting{
			{ID: "linkedin", Kind: "social", Stage: engagement.PreSale, Depth: 1},
			{ID: "website", Kind: "owned", Stage: engagement.PreSale, Depth: 2},
		},
		[]engagement.Stimulus{{ID: "post-42", Setting: "linkedin", Kind: "post", Topic: "pensions", Time: day(1)}},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	responses := []engagement.Response{
		{Client: "ada", Stimulus: "post-42", Kind: "like", Time: day(2)},
		{Client: "ada", Stimulus: "post-42", Kind: "click", Setting: "website", Time: day(2)},
		{Client: "bram", Stimulus: "post-42", Kind: "share", Time: day(3)},
		{Client: "chen", Stimulus: "post-42", Kind: "unfollow", Time: day(4)},
		{Client: "dirk", Stimulus: "post-41", Kind: "like", Time: day(4)},
	}
	book, err := engagement.Analyze(context.Background(), j, slices.Values(responses), engagement.Options{AsOf: day(10)})
	if err != nil {
		fmt.Println(err) // invalid options, such as a zero AsOf
		return
	}
	for _, s := range book.Scores() {
		fmt.Printf("%-4s escalation %.2f maintenance %.2f disengagement %.2f total %+.2f\n",
			s.Client, s.Escalation, s.Maintenance, s.Disengagement, s.Total())
	}
	fmt.Println("used", book.Report.Used, "rejected", book.Report.Rejected)
	// Output:
	// ada  escalation 2.82 maintenance 0.94 disengagement 0.00 total +3.76
	// bram escalation 0.00 maintenance 0.95 disengagement 0.00 total +0.95
	// chen escalation 0.00 maintenance 0.00 disengagement 1.91 total -1.91
	// used 4 rejected map[unknown_stimulus:1]
}

// At scale a host numbers its clients, stimuli and response kinds once and
// streams compact events; shards of them analyze in parallel and merge.
func ExampleAnalyzeParallel() {
	day := func(d int) time.Time { return time.Date(2026, 11, d, 9, 0, 0, 0, time.UTC) }
	j, _ := engagement.NewJourney(
		[]engagement.Setting{{ID: "linkedin", Depth: 1}, {ID: "website", Depth: 2}},
		[]engagement.Stimulus{{ID: "post-42", Setting: "linkedin", Kind: "post", Time: day(1)}},
	)
	x, err := engagement.NewIndex(j, "like", "click")
	if err != nil {
		fmt.Println(err)
		return
	}
	post, _ := x.Stimulus("post-42")
	like, _ := x.Kind("like")
	click, _ := x.Kind("click")
	website, _ := x.Setting("website")
	clients := []string{"ada", "bram"}
	monday := []engagement.Event{
		{Client: 0, Stimulus: post, Kind: like, Time: day(2).Unix()},
		{Client: 1, Stimulus: post, Kind: like, Time: day(2).Unix()},
	}
	tuesday := []engagement.Event{
		{Client: 0, Stimulus: post, Kind: click, Setting: website, Time: day(3).Unix()},
		{Client: 7, Stimulus: post, Kind: like, Time: day(3).Unix()}, // no such client: rejected, counted
	}
	book, err := engagement.AnalyzeParallel(context.Background(), x, clients,
		[]iter.Seq[engagement.Event]{slices.Values(monday), slices.Values(tuesday)}, engagement.Options{AsOf: day(10)})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range book.Scores() {
		fmt.Printf("%-4s escalation %.2f maintenance %.2f responses %d\n", s.Client, s.Escalation, s.Maintenance, s.Responses)
	}
	fmt.Println("in", book.Report.In, "used", book.Report.Used, "rejected", book.Report.Rejected)
	// Output:
	// ada  escalation 2.84 maintenance 0.94 responses 2
	// bram escalation 0.00 maintenance 0.94 responses 1
	// in 4 used 3 rejected map[unknown_client:1]
}

// Webinars stopped pulling clients through to a meeting; articles did
// not change. Each client answered several times, so the test counts
// clients, not responses, and the p-values are adjusted across the groups
// of the call (Benjamini–Hochberg by default).
func ExampleBook_Changes() {
	asOf := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	j, _ := engagement.NewJourney(
		[]engagement.Setting{{ID: "inbox", Depth: 1}, {ID: "meeting", Depth: 3}},
		[]engagement.Stimulus{
			{ID: "webinar", Setting: "inbox", Kind: "webinar", Time: asOf.AddDate(-1, 0, 0)},
			{ID: "article", Setting: "inbox", Kind: "article", Time: asOf.AddDate(-1, 0, 0)},
		})
	var rs []engagement.Response
	for c := range 300 {
		for k := range 4 {
			daysAgo := 1 + (c*13+k*67)%260
			recent := daysAgo <= 90
			for _, st := range []string{"webinar", "article"} {
				books := (c+k)%3 == 0
				if st == "webinar" && recent {
					books = (c+k)%9 == 0
				}
				r := engagement.Response{Client: fmt.Sprint("client-", c), Stimulus: st, Kind: "open", Time: asOf.AddDate(0, 0, -daysAgo)}
				if books {
					r.Kind, r.Setting = "book", "meeting"
				}
				rs = append(rs, r)
			}
		}
	}
	book, err := engagement.Analyze(context.Background(), j, slices.Values(rs), engagement.Options{AsOf: asOf})
	if err != nil {
		fmt.Println(err)
		return
	}
	tests, err := book.ChangeTests(engagement.ChangeOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range tests {
		fmt.Printf("%s %-7s %4.1f%% → %4.1f%%  p %.2g  adjusted %.2g  significant %v\n", c.Dimension, c.Value,
			100*c.BaselineRate, 100*c.RecentRate, c.P, c.PAdjusted, c.Significant)
	}
	// Output:
	// kind article 33.3% → 33.3%  p 1  adjusted 1  significant false
	// kind webinar 33.3% → 11.2%  p 2.9e-06  adjusted 8.8e-06  significant true
	// setting inbox   33.3% → 22.3%  p 0.0013  adjusted 0.002  significant true
}
