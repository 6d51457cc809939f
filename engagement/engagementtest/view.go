package engagementtest

import "github.com/engagekit/engagekit/engagement"

// BookView is everything a book tells with the default rules, in a form
// go-cmp can compare: two books that should agree have views that differ
// by float rounding at most.
type BookView struct {
	Report    engagement.Report
	Scores    []engagement.Score
	Patterns  []engagement.ClientPattern
	Superfans []engagement.Superfan
	AtRisk    []engagement.AtRisk
	Stages    []engagement.ClientStage
	// CrossSells are every topic each client escalated on, as if they
	// held none.
	CrossSells []engagement.CrossSell
	Changes    []engagement.Change
	Gaps       []engagement.Gap
	MeanGap    float64
}

// View reads a book's derivations with the default rules (changes at any
// significance, every group tested from one response per window).
func View(b *engagement.Book) BookView {
	v := BookView{Report: b.Report, Scores: b.Scores(), Patterns: b.Patterns(engagement.PatternRule{}),
		Superfans: b.Superfans(engagement.SuperfanRule{}), AtRisk: b.AtRisk(engagement.AtRiskRule{}),
		Stages: b.Lifecycle(engagement.LifecycleRule{}), CrossSells: b.CrossSells(func(string, string) bool { return false })}
	v.Changes, _ = b.ChangeTests(engagement.ChangeOptions{MinN: 1})
	v.Gaps, v.MeanGap = b.ExpectationGap()
	return v
}
