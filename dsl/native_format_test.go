package dsl

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"
)

type formatDiffEnv struct {
	F    float64  `expr:"f"`
	I    int      `expr:"i"`
	F32  float32  `expr:"f32"`
	D    int      `expr:"d"`
	Code string   `expr:"code"`
	PF   *float64 `expr:"pf"`
}

// formatDiffTitles are titles that interpolate num, pct and money over
// every kind of argument the closures compile; each is a rule of its own,
// so that one failing does not hide another.
var formatDiffTitles = []string{
	`{pct(f)}`, `{pct(f, d)}`, `{pct(i)}`, `{pct(i, 0)}`, `{pct(f32)}`, `{pct(-f, 10)}`,
	`{num(f)}`, `{num(f, d)}`, `{num(i)}`, `{num(i, d)}`, `{num(f32, 2)}`, `{num(f * 1e300)}`,
	`{money(f, code)}`, `{money(i, code)}`, `{money(f, \"JPY\")}`, `{money(-i, \"GBP\")}`,
	`{pct(pf ?? 0.5)}`, `{money(f, code)} and {num(i, d)}`, `{pct(ratio(f, i))}`,
	// Plain values a title writes as they are, unboxed (appendText).
	`{f}`, `{i}`, `{f32}`, `{f * 1e300} and {i * 2}`, `{code}{code}{code}`, `{ratio(f, i)} of {-i}`, `{d}: {f / 3}`,
}

// TestFormatClosuresMatchExpr holds the closures of num, pct and money
// (native_format.go), and the plain numbers and strings a title writes
// unboxed (appendText), to the built-ins as expr calls them: the same text,
// or the same error, for any number (NaN, ±Inf, -0, the int limits),
// decimals in and out of range, any currency code, and a memory budget
// that some titles overrun; through Eval and Explain; in the default
// locale and another.
func TestFormatClosuresMatchExpr(t *testing.T) {
	src := "ruleset fmt version 1\n"
	for k, title := range formatDiffTitles {
		src += fmt.Sprintf("rule r%d {\n  type \"t\"\n  title \"%s\"\n}\n", k, title)
	}
	locales := []Locale{{}, {Thousands: ".", Decimal: ",", SymbolAfter: true, Symbols: map[string]string{"XAU": "oz"}}}
	budgets := []Limits{{}, {MemoryBudget: 30}, {MaxSteps: 3}}
	type compiled struct{ fast, slow *RuleSet[formatDiffEnv] }
	var sets []compiled
	for _, l := range locales {
		for _, b := range budgets {
			fast, err := CompileRules[formatDiffEnv]([]byte(src), WithLocale(l), WithLimits(b))
			if err != nil {
				t.Fatal(err)
			}
			slow, err := CompileRules[formatDiffEnv]([]byte(src), WithLocale(l), WithLimits(b), exprOnly)
			if err != nil {
				t.Fatal(err)
			}
			sets = append(sets, compiled{fast, slow})
		}
	}
	// The test holds the closures only where they run: every title's
	// parts must have compiled to closures, but for one the closures
	// leave to expr (a pointer's ??), which must give the same.
	unboxed := 0
	for _, r := range sets[0].fast.rules {
		for _, part := range r.base.title.parts {
			if part.p != nil && part.p.native == nil && part.p.src != "pct(pf ?? 0.5)" {
				t.Fatalf("rule %s: %q did not compile to closures", r.id, part.p.src)
			}
			if part.p != nil && part.p.unboxed != nil {
				unboxed++
			}
		}
	}
	if unboxed < 30 {
		t.Fatalf("%d title parts written unboxed, want every one the closures give (30 or more)", unboxed)
	}
	special := []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1), math.MaxFloat64, math.SmallestNonzeroFloat64,
		0.0125, 0.005, 1e21, -1e-7, 123456.785}
	now := time.Date(2026, 4, 5, 9, 0, 0, 0, time.UTC)
	rapid.Check(t, func(rt *rapid.T) {
		var env formatDiffEnv
		if rapid.Bool().Draw(rt, "special") {
			env.F = rapid.SampledFrom(special).Draw(rt, "f")
		} else {
			env.F = rapid.Float64().Draw(rt, "f")
		}
		env.I = rapid.OneOf(rapid.Int(), rapid.SampledFrom([]int{math.MinInt64, math.MaxInt64, 0, -1, 999, 1000})).Draw(rt, "i")
		env.F32 = rapid.Float32().Draw(rt, "f32")
		env.D = rapid.IntRange(-2, 12).Draw(rt, "d")
		env.Code = rapid.SampledFrom([]string{"GBP", "JPY", "XAU", "XYZ", "", "EUR"}).Draw(rt, "code")
		if rapid.Bool().Draw(rt, "pf") {
			v := rapid.SampledFrom(special).Draw(rt, "*pf")
			env.PF = &v
		}
		for _, s := range sets {
			fast, fastErr := s.fast.Eval(env, now)
			slow, slowErr := s.slow.Eval(env, now)
			if got, want := formatOutcome(fast, fastErr), formatOutcome(slow, slowErr); got != want {
				rt.Fatalf("env %+v:\n closures: %s\n expr:     %s", env, got, want)
			}
			for _, r := range s.fast.rules {
				x, err := s.fast.Explain(r.id, env, now)
				if err != nil {
					rt.Fatalf("Explain %s: %v", r.id, err)
				}
				y, err := s.slow.Explain(r.id, env, now)
				if err != nil {
					rt.Fatalf("Explain %s (expr): %v", r.id, err)
				}
				if x.String() != y.String() {
					rt.Fatalf("Explain %s, env %+v:\n closures: %s\n expr:     %s", r.id, env, x, y)
				}
			}
		}
	})
}

// formatOutcome is what an evaluation gave: each rule's title, or the
// error.
func formatOutcome(hits []Hit, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	var b strings.Builder
	for _, h := range hits {
		fmt.Fprintf(&b, "%s=%q ", h.Rule, h.Title)
	}
	return b.String()
}
