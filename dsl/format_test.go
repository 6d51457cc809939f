package dsl_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
)

type formatEnv struct {
	Balance float64       `expr:"balance"`
	Last    time.Time     `expr:"last"`
	Wait    time.Duration `expr:"wait"`
	Cash    Pence         `expr:"cash"`
}

var formatNow = time.Date(2026, 4, 5, 15, 0, 0, 0, time.UTC)

func render(t *testing.T, title string, env formatEnv, opts ...dsl.Option) (string, error) {
	t.Helper()
	src := "ruleset f version 1\nrule r {\n  type \"t\"\n  title \"" + title + "\"\n}\n"
	rs, err := dsl.CompileRules[formatEnv]([]byte(src), opts...)
	if err != nil {
		return "", err
	}
	hits, err := rs.Eval(env, formatNow)
	if err != nil {
		return "", err
	}
	return hits[0].Title, nil
}

// Titles read as a client reads them: numbers without exponents, money
// with its symbol and grouping, dates and durations in words.
func TestFormattingBuiltins(t *testing.T) {
	env := formatEnv{Balance: 1500000, Last: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), Wait: 76*time.Hour + 5*time.Minute, Cash: 123456}
	for _, c := range []struct{ title, want string }{
		{`{balance}`, "1500000"},
		{`{round(balance)}`, "1500000"},
		{`{0.1 + 0.2}`, "0.3"},
		{`{1e-7}`, "0.0000001"},
		{`{-0.0}`, "0"},
		{`{num(balance)}`, "1,500,000"},
		{`{num(1234.5)}`, "1,234.50"},
		{`{num(1234.5, 1)}`, "1,234.5"},
		{`{num(-999.999, 2)}`, "-1,000.00"},
		{`{money(balance, \"GBP\")}`, "£1,500,000.00"},
		{`{money(1500, \"JPY\")}`, "¥1,500"},
		{`{money(-12.5, \"EUR\")}`, "-€12.50"},
		{`{money(-0.004, \"USD\")}`, "$0.00"},
		{`{money(10, \"XYZ\")}`, "XYZ 10.00"},
		{`{money(cash / 100, \"GBP\")}`, "£1,234.56"},
		{`{date(last)}`, "5 Jan 2026"},
		{`{words(wait)}`, "3 days 4 hours"},
		{`{words(duration(\"90s\"))}`, "1 minute 30 seconds"},
		{`{date(today)}`, "5 Apr 2026"},
		{`{daysSince(date(\"2026-04-01\"))}`, "4"},
		{`{last.IsZero() ? \"never\" : date(last)}`, "5 Jan 2026"},
	} {
		got, err := render(t, c.title, env)
		if err != nil || got != c.want {
			t.Errorf("%s = %q, %v; want %q", c.title, got, err, c.want)
		}
	}
	// A missing date is said in words, not with a sentinel number.
	if got, err := render(t, `{last.IsZero() ? \"never contacted\" : date(last)}`, formatEnv{}); err != nil || got != "never contacted" {
		t.Errorf("missing date: %q, %v", got, err)
	}
}

func TestLocale(t *testing.T) {
	env := formatEnv{Balance: 1234567.891}
	l := dsl.WithLocale(dsl.Locale{Thousands: ".", Decimal: ",", SymbolAfter: true, Symbols: map[string]string{"XAU": "oz"}})
	for _, c := range []struct{ title, want string }{
		{`{num(balance, 2)}`, "1.234.567,89"},
		{`{money(balance, \"EUR\")}`, "1.234.567,89 €"},
		{`{money(3, \"XAU\")}`, "3,00 oz"},
	} {
		got, err := render(t, c.title, env, l)
		if err != nil || got != c.want {
			t.Errorf("%s = %q, %v; want %q", c.title, got, err, c.want)
		}
	}
	got, err := render(t, `{num(balance, 0)}`, env, dsl.WithLocale(dsl.Locale{Thousands: dsl.NoSeparator}))
	if err != nil || got != "1234568" {
		t.Errorf("no separator: %q, %v", got, err)
	}
}

// Formatting never hides bad data: NaN fails, a zero time is missing, a
// date literal that is not a date is a compile error.
func TestFormattingRefusesBadData(t *testing.T) {
	if _, err := render(t, `{money(balance, \"GBP\")}`, formatEnv{Balance: math.NaN()}); !errors.Is(err, dsl.ErrNaN) {
		t.Errorf("money(NaN): %v", err)
	}
	if _, err := render(t, `{num(balance)}`, formatEnv{Balance: math.NaN()}); !errors.Is(err, dsl.ErrNaN) {
		t.Errorf("num(NaN): %v", err)
	}
	if _, err := render(t, `{date(last)}`, formatEnv{}); !errors.Is(err, dsl.ErrEval) {
		t.Errorf("date(zero): %v", err)
	}
	var de *dsl.Error
	if _, err := render(t, `{date(\"2026-13-05\")}`, formatEnv{}); !errors.As(err, &de) || de.Kind != dsl.KindType || de.Line == 0 {
		t.Errorf("bad literal: %v", err)
	}
}

// The evaluation day is a name; a date literal is midnight in the
// evaluation time's zone, so day counts do not depend on the hour.
func TestTodayAndDateLiterals(t *testing.T) {
	ny := time.FixedZone("EST", -5*3600)
	now := time.Date(2026, 4, 5, 22, 30, 0, 0, ny)
	e, err := dsl.Compile[formatEnv, bool](`today == date("2026-04-05") && daysUntil(date("2026-04-06")) == 1`)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := e.Eval(formatEnv{}, now); err != nil || !ok {
		t.Fatalf("today at 22:30 EST: %v %v", ok, err)
	}
}
