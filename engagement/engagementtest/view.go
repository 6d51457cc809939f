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
	// The zero rules are valid: the errors are nil.
	v := BookView{Report: b.Report, Scores: b.Scores(), CrossSells: b.CrossSells(func(string, string) bool { return false })}
	v.Patterns, _ = b.Patterns(engagement.PatternRule{})
	v.Superfans, _ = b.Superfans(engagement.SuperfanRule{})
	v.AtRisk, _ = b.AtRisk(engagement.AtRiskRule{})
	v.Stages, _ = b.Lifecycle(engagement.LifecycleRule{})
	v.Changes, _ = b.ChangeTests(engagement.ChangeOptions{MinN: 1})
	v.Gaps, v.MeanGap = b.ExpectationGap()
	return v
}
