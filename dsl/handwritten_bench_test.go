package dsl_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/google/go-cmp/cmp"
)

// handRule is one rule of benchRules written by hand in Go: what a host
// would write without a rules language, the floor the rule set is measured
// against. It appends the same hit the rule set gives.
type handRule func(dst []dsl.Hit, env *rsEnv, now time.Time) []dsl.Hit

// handRules writes benchRules(n) by hand, template by template, with the
// same thresholds.
func handRules(n int) []handRule {
	profiles := []string{"defensive", "neutral", "offensive"}
	out := make([]handRule, n)
	for i := range out {
		id := "r" + pad3(i)
		typ := "bench." + id
		k := i / 6
		switch i % 6 {
		case 0:
			minAge, maxCov := 25+k%30, 0.3+float64(k%5)/20
			out[i] = func(dst []dsl.Hit, e *rsEnv, _ time.Time) []dsl.Hit {
				if e.Client.Age >= minAge && e.Pension != nil && e.Pension.Coverage < maxCov {
					s := 0.9
					if e.Client.Age < 30 {
						s = 0.6
					}
					dst = append(dst, dsl.Hit{Rule: id, Type: typ, Title: "Pension gap", Urgency: 0.2, Sensitivity: s})
				}
				return dst
			}
		case 1:
			maxDays := 10 + k*7
			out[i] = func(dst []dsl.Hit, e *rsEnv, now time.Time) []dsl.Hit {
				if e.Mortgage == nil || e.Mortgage.FixedTermEnd.IsZero() {
					return dst
				}
				days := int(rawDayNumber(e.Mortgage.FixedTermEnd, now.Location()) - rawDayNumber(now, now.Location()))
				if days >= 0 && days <= maxDays {
					u := 0.3
					if days <= 14 {
						u = 0.9
					}
					dst = append(dst, dsl.Hit{Rule: id, Type: typ, Title: "Fixed-rate term ends in " + strconv.Itoa(days) + " days",
						Urgency: u, Sensitivity: 0.3, Evidence: []dsl.Binding{{Name: "days", Value: days}}})
				}
				return dst
			}
		case 2:
			maxRatio := 0.5 + float64(k%8)/20
			out[i] = func(dst []dsl.Hit, e *rsEnv, _ time.Time) []dsl.Hit {
				if e.Home != nil {
					r := 0.0
					if e.Home.PropertyValue != 0 {
						r = e.Home.Cover / e.Home.PropertyValue
					}
					if r < maxRatio {
						dst = append(dst, dsl.Hit{Rule: id, Type: typ, Title: "Home insurance below value", Urgency: 0.4, Sensitivity: 0.1})
					}
				}
				return dst
			}
		case 3:
			minDrift, profile := 0.02+float64(k%6)/50, profiles[k%3]
			out[i] = func(dst []dsl.Hit, e *rsEnv, _ time.Time) []dsl.Hit {
				if e.Portfolio != nil && e.Portfolio.Drift > minDrift && e.Client.RiskProfile == profile {
					dst = append(dst, dsl.Hit{Rule: id, Type: typ, Title: "Portfolio drift", Urgency: 0.3, Sensitivity: 0.5})
				}
				return dst
			}
		case 4:
			minDisc, maxAge := 1+k%9, 40+k%40
			out[i] = func(dst []dsl.Hit, e *rsEnv, _ time.Time) []dsl.Hit {
				if e.Client.Discrepancies >= minDisc && e.Client.Age < maxAge {
					s := min(max(0.2+float64(e.Client.Discrepancies)*0.08, 0), 1)
					dst = append(dst, dsl.Hit{Rule: id, Type: typ, Title: "Data discrepancies", Urgency: 0.2, Sensitivity: s})
				}
				return dst
			}
		default:
			minIncome, minContribution := float64(40000+k*5000), float64(2000+k*250)
			out[i] = func(dst []dsl.Hit, e *rsEnv, _ time.Time) []dsl.Hit {
				if e.Client.Income > minIncome && (e.Pension == nil || e.Pension.Contribution < minContribution) {
					dst = append(dst, dsl.Hit{Rule: id, Type: typ, Title: "Pension contribution low for income", Urgency: 0.1, Sensitivity: 0.7})
				}
				return dst
			}
		}
	}
	return out
}

func pad3(i int) string {
	s := strconv.Itoa(i)
	for len(s) < 3 {
		s = "0" + s
	}
	return s
}

// The hand-written rules are the rule set's rules: they give the same hits
// over varied clients, so the benchmark compares like with like.
func TestHandWrittenRulesMatchTheRuleSet(t *testing.T) {
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	rs, err := dsl.CompileRules[rsEnv]([]byte(benchRuleFile(benchRules(100))))
	if err != nil {
		t.Fatal(err)
	}
	hand := handRules(100)
	for i := range 200 {
		env := benchRuleEnv(now)
		env.Client.Age = 18 + i%60
		env.Client.Discrepancies = i % 11
		env.Client.Income = float64(30000 + 1000*i)
		env.Client.RiskProfile = []string{"defensive", "neutral", "offensive"}[i%3]
		env.Mortgage.FixedTermEnd = now.AddDate(0, 0, i%90-10)
		env.Pension.Coverage = float64(i%10) / 10
		env.Pension.Contribution = float64(1000 + 50*i)
		env.Portfolio.Drift = float64(i%20) / 100
		if i%7 == 0 {
			env.Pension, env.Home = nil, nil
		}
		want, err := rs.Eval(env, now)
		if err != nil {
			t.Fatal(err)
		}
		var got []dsl.Hit
		for _, r := range hand {
			got = r(got, &env, now)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("client %d: hand-written rules differ (-rule set +hand):\n%s", i, d)
		}
	}
}
