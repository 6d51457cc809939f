package advisory_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
)

// benchFramework writes a 100-rule framework over [advisory.File] from six
// rule shapes with varying thresholds.
func benchFramework(n int) string {
	var b strings.Builder
	b.WriteString("ruleset bench version 1\n\n")
	for i := range n {
		k := i / 6
		fmt.Fprintf(&b, "rule r%03d {\n  type \"bench.%d\"\n", i, i%6)
		switch i % 6 {
		case 0:
			fmt.Fprintf(&b, "  when pension != nil && pension.coverage < %.2f && age(client.birthDate) >= %d\n  urgency 0.2\n  sensitivity 0.9\n", 0.3+float64(k%5)/20, 25+k%20)
		case 1:
			fmt.Fprintf(&b, "  let days = daysUntil(mortgage.fixedTermEnd)\n  when mortgage != nil && days >= 0 && days <= %d\n  title \"Term ends in {days} days\"\n  urgency days <= 14 ? 0.9 : 0.3\n  sensitivity 0.3\n", 10+k*7)
		case 2:
			fmt.Fprintf(&b, "  when home != nil && ratio(home.cover, home.propertyValue) < %.2f\n  urgency 0.4\n  sensitivity 0.1\n", 0.5+float64(k%8)/20)
		case 3:
			fmt.Fprintf(&b, "  when portfolio != nil && portfolio.drift > %.2f && client.riskProfile == %q\n  urgency 0.3\n  sensitivity 0.5\n", 0.02+float64(k%6)/50, []string{"defensive", "neutral", "offensive"}[k%3])
		case 4:
			fmt.Fprintf(&b, "  when discrepancies >= %d\n  urgency 0.2\n  sensitivity clamp(0.2 + discrepancies * 0.08, 0, 1)\n", 1+k%9)
		default:
			fmt.Fprintf(&b, "  when client.income > %d && (pension == nil || pension.contribution < %d)\n  urgency 0.1\n  sensitivity 0.7\n", 40000+k*5000, 2000+k*250)
		}
		b.WriteString("}\n\n")
	}
	return b.String()
}

// benchBook generates n realistic client files from a fixed seed.
func benchBook(n int) []advisory.Item[advisory.File] {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]advisory.Item[advisory.File], n)
	for i := range out {
		f := advisory.File{Client: advisory.Client{ID: fmt.Sprint(i), BirthDate: now.AddDate(-20-r.IntN(60), -r.IntN(12), 0),
			Income: float64(20000 + r.IntN(150000)), RiskProfile: []string{"defensive", "neutral", "offensive"}[r.IntN(3)]},
			Discrepancies: r.IntN(4)}
		if r.IntN(2) == 0 {
			f.Mortgage = &advisory.Mortgage{FixedTermEnd: now.AddDate(0, 0, r.IntN(900)-30), Rate: 0.01 + r.Float64()*0.04}
		}
		if r.IntN(3) > 0 {
			f.Pension = &advisory.Pension{Coverage: r.Float64(), Contribution: float64(r.IntN(6000))}
		}
		if r.IntN(2) == 0 {
			v := 200000 + r.Float64()*600000
			f.Home = &advisory.Home{Cover: v * (0.6 + r.Float64()*0.6), PropertyValue: v}
		}
		if r.IntN(2) == 0 {
			f.Portfolio = &advisory.Portfolio{Value: r.Float64() * 1e6, Drift: r.Float64() * 0.15}
		}
		out[i] = advisory.Item[advisory.File]{ClientID: f.Client.ID, File: f}
	}
	return out
}

// BenchmarkFramework100x100k runs a 100-rule framework over 100,000 files,
// on one core and on all cores; files/s is the figure to compare.
func BenchmarkFramework100x100k(b *testing.B) {
	fw, err := advisory.Compile[advisory.File]([]byte(benchFramework(100)))
	if err != nil {
		b.Fatal(err)
	}
	book := benchBook(100_000)
	for _, workers := range []int{1, 0} {
		name := "cores=all"
		if workers == 1 {
			name = "cores=1"
		}
		b.Run(name, func(b *testing.B) {
			// One core means one core for the collector too, or the
			// baseline would borrow the second core for GC.
			if workers == 1 {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
			}
			b.ReportAllocs()
			var res advisory.BatchResult
			start := time.Now()
			for b.Loop() {
				res = fw.EvaluateAll(context.Background(), slices.Values(book), now, advisory.BatchOptions{Workers: workers})
			}
			elapsed := time.Since(start).Seconds() / float64(b.N)
			b.ReportMetric(float64(len(book))/elapsed, "files/s")
			b.ReportMetric(float64(len(res.Alerts))/float64(len(book)), "alerts/file")
		})
	}
}

// BenchmarkConsolidateFile merges a client's CRM and advice-tool records
// (20 fields, five in conflict) and decodes the result into a File: the
// per-client cost of preparing files before a framework runs.
func BenchmarkConsolidateFile(b *testing.B) {
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	crm := advisory.Record{Source: "crm", AsOf: at, Fields: map[string]any{"client.id": "c-1", "client.name": "Ada Jansen",
		"client.birthDate": at.AddDate(-40, 0, 0), "client.income": 85000.0, "client.riskProfile": "neutral",
		"household.members": 4, "household.income": 120000.0, "home.propertyValue": 450000.0, "home.cover": 400000.0}}
	tool := advisory.Record{Source: "advice", AsOf: at.AddDate(0, -3, 0), Fields: map[string]any{"client.name": "A. Jansen",
		"client.birthDate": at.AddDate(-40, 0, 0), "client.income": 80000.0, "mortgage.fixedTermEnd": at.AddDate(1, 0, 0),
		"mortgage.rate": 0.031, "mortgage.balance": 310000.0, "pension.coverage": 0.62, "home.propertyValue": 460000.0,
		"home.cover": 400000.0, "portfolio.value": 120000.0, "portfolio.drift": 0.04}}
	records := []advisory.Record{crm, tool}
	policy := advisory.Policy{Default: advisory.FieldPolicy{Sources: []string{"crm", "advice"}},
		Fields: map[string]advisory.FieldPolicy{"client.income": {Strategy: advisory.MostRecent}}}
	b.ReportAllocs()
	for b.Loop() {
		c, err := advisory.Consolidate("c-1", records, policy)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := advisory.NewFile(c); err != nil {
			b.Fatal(err)
		}
	}
}

// diffAlertsOfOneKey is n old and n new alerts of one key, alike in what
// the diff compares, each with a long evidence (a shared list of 200
// holdings), the new ones one more binding each.
func diffAlertsOfOneKey(n int) (old, nw []advisory.Alert) {
	holdings := make([]any, 200)
	for i := range holdings {
		holdings[i] = map[string]any{"k": i, "v": fmt.Sprint("fund ", i)}
	}
	for i := range n {
		a := advisory.Alert{ClientID: "c", Type: "t", RuleSet: "rs", Version: 1, RuleID: "r", Title: "T", Message: "M", Urgency: 0.5, Sensitivity: 0.25}
		a.Evidence = []advisory.Evidence{{Name: "holdings", Value: holdings}}
		old = append(old, a)
		a.Version = 2
		a.Evidence = []advisory.Evidence{{Name: "holdings", Value: holdings}, {Name: "i", Value: i}}
		nw = append(nw, a)
	}
	return old, nw
}

// BenchmarkDiffAlerts diffs 600 alerts of one key against 600, which tie
// on what the diff compares and are told apart by their whole text, and
// 100,000 alerts of distinct clients against the same with a tenth
// changed, as a version's diff over a book is.
func BenchmarkDiffAlerts(b *testing.B) {
	b.Run("one-key", func(b *testing.B) {
		old, nw := diffAlertsOfOneKey(600)
		b.ReportAllocs()
		for b.Loop() {
			advisory.DiffAlerts(old, nw)
		}
	})
	b.Run("book", func(b *testing.B) {
		var old, nw []advisory.Alert
		for i := range 100_000 {
			a := advisory.Alert{ClientID: fmt.Sprintf("c-%06d", i), Type: "drift", RuleSet: "rs", Version: 1, RuleID: "drift",
				Title: "Portfolio drifted", Message: "M", Urgency: 0.5, Sensitivity: 0.25}
			old = append(old, a)
			if i%10 == 0 {
				a.Urgency = 0.6
			}
			a.Version = 2
			nw = append(nw, a)
		}
		b.ReportAllocs()
		for b.Loop() {
			advisory.DiffAlerts(old, nw)
		}
	})
}
