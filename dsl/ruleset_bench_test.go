package dsl_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/dsl/rulefile"
	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// The rule-set benchmark's environment: a client file with the client by
// value and optional products by pointer, as hosts tend to model them.
type rsClient struct {
	Age           int     `expr:"age"`
	Income        float64 `expr:"income"`
	RiskProfile   string  `expr:"riskProfile"`
	Discrepancies int     `expr:"discrepancies"`
}

type rsMortgage struct {
	FixedTermEnd time.Time `expr:"fixedTermEnd"`
	Rate         float64   `expr:"rate"`
}

type rsPension struct {
	Coverage     float64 `expr:"coverage"`
	Contribution float64 `expr:"contribution"`
}

type rsHome struct {
	Cover         float64 `expr:"cover"`
	PropertyValue float64 `expr:"propertyValue"`
}

type rsPortfolio struct {
	Drift float64 `expr:"drift"`
}

type rsEnv struct {
	Client    rsClient     `expr:"client"`
	Mortgage  *rsMortgage  `expr:"mortgage"`
	Pension   *rsPension   `expr:"pension"`
	Home      *rsHome      `expr:"home"`
	Portfolio *rsPortfolio `expr:"portfolio"`
}

// rsNaiveEnv is the raw-expr host's environment: the same, with the time.
type rsNaiveEnv struct {
	rsEnv
	Now time.Time `expr:"now"`
}

// genRule is one generated rule: its let, condition and outputs, written
// once for the rule file and once for raw expr.
type genRule struct {
	id, let, letName, when, urgency, sensitivity, title string
}

// benchRules generates n realistic rules from six templates with varying
// thresholds; about one in five fires for benchRuleEnv.
func benchRules(n int) []genRule {
	profiles := []string{"defensive", "neutral", "offensive"}
	out := make([]genRule, n)
	for i := range out {
		id := fmt.Sprintf("r%03d", i)
		k := i / 6
		switch i % 6 {
		case 0:
			out[i] = genRule{id: id, when: fmt.Sprintf("client.age >= %d && pension != nil && pension.coverage < %.2f", 25+k%30, 0.3+float64(k%5)/20),
				urgency: "0.2", sensitivity: "client.age < 30 ? 0.6 : 0.9", title: "Pension gap"}
		case 1:
			out[i] = genRule{id: id, let: "daysUntil(mortgage.fixedTermEnd)", letName: "days",
				when: fmt.Sprintf("mortgage != nil && days >= 0 && days <= %d", 10+k*7), urgency: "days <= 14 ? 0.9 : 0.3",
				sensitivity: "0.3", title: "Fixed-rate term ends in {days} days"}
		case 2:
			out[i] = genRule{id: id, when: fmt.Sprintf("home != nil && ratio(home.cover, home.propertyValue) < %.2f", 0.5+float64(k%8)/20),
				urgency: "0.4", sensitivity: "0.1", title: "Home insurance below value"}
		case 3:
			out[i] = genRule{id: id, when: fmt.Sprintf("portfolio != nil && portfolio.drift > %.2f && client.riskProfile == %q", 0.02+float64(k%6)/50, profiles[k%3]),
				urgency: "0.3", sensitivity: "0.5", title: "Portfolio drift"}
		case 4:
			out[i] = genRule{id: id, when: fmt.Sprintf("client.discrepancies >= %d && client.age < %d", 1+k%9, 40+k%40),
				urgency: "0.2", sensitivity: "clamp(0.2 + client.discrepancies * 0.08, 0, 1)", title: "Data discrepancies"}
		default:
			out[i] = genRule{id: id, when: fmt.Sprintf("client.income > %d && (pension == nil || pension.contribution < %d)", 40000+k*5000, 2000+k*250),
				urgency: "0.1", sensitivity: "0.7", title: "Pension contribution low for income"}
		}
	}
	return out
}

func benchRuleFile(rules []genRule) string {
	var b strings.Builder
	b.WriteString("ruleset bench version 1\n\n")
	for _, r := range rules {
		fmt.Fprintf(&b, "rule %s {\n  type \"bench.%s\"\n", r.id, r.id)
		if r.let != "" {
			fmt.Fprintf(&b, "  let %s = %s\n", r.letName, r.let)
		}
		fmt.Fprintf(&b, "  when %s\n  title %q\n  urgency %s\n  sensitivity %s\n}\n\n", r.when, r.title, r.urgency, r.sensitivity)
	}
	return b.String()
}

// naiveSource is the rule as one raw expr program, the way a host would
// write it by hand: the let spelled out where it is used, the outputs in
// an array when the condition holds.
func (r genRule) naiveSource() string {
	sub := func(s string) string {
		if r.letName == "" {
			return s
		}
		return strings.ReplaceAll(s, r.letName, "daysUntil(mortgage.fixedTermEnd, now)")
	}
	title := fmt.Sprintf("%q", r.title)
	if strings.Contains(r.title, "{days}") {
		parts := strings.SplitN(r.title, "{days}", 2)
		title = fmt.Sprintf("%q + string(%s) + %q", parts[0], sub("days"), parts[1])
	}
	return fmt.Sprintf("%s ? [%s, %s, %s] : nil", sub(r.when), sub(r.urgency), sub(r.sensitivity), title)
}

func benchRuleEnv(now time.Time) rsEnv {
	return rsEnv{
		Client:    rsClient{Age: 31, Income: 72000, RiskProfile: "neutral", Discrepancies: 3},
		Mortgage:  &rsMortgage{FixedTermEnd: now.AddDate(0, 0, 12), Rate: 0.021},
		Pension:   &rsPension{Coverage: 0.45, Contribution: 2400},
		Home:      &rsHome{Cover: 300000, PropertyValue: 410000},
		Portfolio: &rsPortfolio{Drift: 0.03},
	}
}

// BenchmarkRuleSet100 evaluates a 100-rule set over one client three
// ways, side by side: through dsl (hits with their outputs, interpolated
// titles and lets as evidence); as 100 raw expr programs on one reused
// vm.VM, each returning its outputs when its condition holds (how a host
// would use expr directly); and as the same rules written by hand in Go.
func BenchmarkRuleSet100(b *testing.B) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	env := benchRuleEnv(now)
	b.Run("engine=dsl", func(b *testing.B) {
		rs, err := dsl.CompileRules[rsEnv]([]byte(benchRuleFile(benchRules(100))))
		if err != nil {
			b.Fatal(err)
		}
		var hits []dsl.Hit
		b.ReportAllocs()
		for b.Loop() {
			hits, err = rs.AppendEval(hits[:0], env, now)
			if err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(hits)), "fired")
	})
	b.Run("engine=expr", func(b *testing.B) {
		progs := naivePrograms(b, benchRules(100))
		nenv := rsNaiveEnv{rsEnv: env, Now: now}
		var machine vm.VM
		b.ReportAllocs()
		fired := 0
		for b.Loop() {
			fired = 0
			for _, p := range progs {
				out, err := machine.Run(p, nenv)
				if err != nil {
					b.Fatal(err)
				}
				if out != nil {
					fired++
				}
			}
		}
		b.ReportMetric(float64(fired), "fired")
	})
	b.Run("engine=go", func(b *testing.B) {
		hand := handRules(100)
		var hits []dsl.Hit
		b.ReportAllocs()
		for b.Loop() {
			hits = hits[:0]
			for _, r := range hand {
				hits = r(hits, &env, now)
			}
		}
		b.ReportMetric(float64(len(hits)), "fired")
	})
}

func naivePrograms(b *testing.B, rules []genRule) []*vm.Program {
	daysUntil := func(params ...any) (any, error) {
		t, now := params[0].(time.Time), params[1].(time.Time)
		return int(rawDayNumber(t, now.Location()) - rawDayNumber(now, now.Location())), nil
	}
	ratio := func(params ...any) (any, error) {
		a, c := toF(params[0]), toF(params[1])
		if c == 0 {
			return 0.0, nil
		}
		return a / c, nil
	}
	clamp := func(params ...any) (any, error) {
		return min(max(toF(params[0]), toF(params[1])), toF(params[2])), nil
	}
	var progs []*vm.Program
	for _, r := range rules {
		p, err := expr.Compile(r.naiveSource(), expr.Env(rsNaiveEnv{}),
			expr.Function("daysUntil", daysUntil, new(func(time.Time, time.Time) int)),
			expr.Function("ratio", ratio, new(func(float64, float64) float64)),
			expr.Function("clamp", clamp, new(func(float64, float64, float64) float64)))
		if err != nil {
			b.Fatal(r.id, err)
		}
		progs = append(progs, p)
	}
	return progs
}

func toF(v any) float64 {
	switch x := v.(type) {
	case int:
		return float64(x)
	case float64:
		return x
	}
	return 0
}

// BenchmarkCompile200 parses and compiles a 200-rule file.
func BenchmarkCompile200(b *testing.B) {
	src := []byte(benchRuleFile(benchRules(200)))
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := dsl.CompileRules[rsEnv](src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompileScale compiles rule sets of growing size: the time and
// the memory a compiled rule keeps (retained_B/rule, the heap held by the
// compiled rule set after a collection) should stay flat as sets grow. A
// rule file is at most rulefile.MaxFileBytes, so the 100,000 rules are
// parsed as ten files and compiled as one set with CompileFile.
func BenchmarkCompileScale(b *testing.B) {
	for _, n := range []int{100, 1000, 10000, 100000} {
		b.Run(fmt.Sprintf("rules=%d", n), func(b *testing.B) {
			if n > 10000 && testing.Short() {
				b.Skip("100,000 rules take several seconds; run without -short")
			}
			rules := benchRules(n)
			file := &rulefile.File{}
			for start := 0; start < n; start += 10000 {
				part, err := rulefile.Parse([]byte(benchRuleFile(rules[start:min(n, start+10000)])))
				if err != nil {
					b.Fatal(err)
				}
				file.Name, file.Version = part.Name, part.Version
				file.Rules = append(file.Rules, part.Rules...)
			}
			b.ReportAllocs()
			var retained uint64
			for b.Loop() {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				rs, err := dsl.CompileFile[rsEnv](file)
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				retained = after.HeapAlloc - min(before.HeapAlloc, after.HeapAlloc)
				runtime.KeepAlive(rs)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/rule")
			b.ReportMetric(float64(retained)/float64(n), "retained_B/rule")
		})
	}
}
