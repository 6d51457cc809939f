package dsl

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Tests of the eighty-sixth adversary: the date built-ins' time zones and
// pct's rounding.

type a86Env struct {
	At time.Time `expr:"at"`
	F  float64   `expr:"f"`
}

// a86Eval evaluates src with the closures and with expr alone, writing
// each result (or error, or panic) as text.
func a86Eval[R any](src string, env a86Env, now time.Time, opts ...Option) [2]string {
	var out [2]string
	for i, o := range [][]Option{opts, append(append([]Option{}, opts...), exprOnly)} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					out[i] = fmt.Sprint("PANIC ", r)
				}
			}()
			e, err := Compile[a86Env, R](src, o...)
			if err != nil {
				out[i] = "compile: " + err.Error()
				return
			}
			v, err := e.Eval(env, now)
			if err != nil {
				out[i] = "err: " + err.Error()
				return
			}
			out[i] = fmt.Sprint(v)
		}()
	}
	return out
}

func a86Loc(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("sanity: zone %s: %v", name, err)
	}
	return loc
}

// TestAdversary86_TodayAmbiguousMidnight: doc.go, Dates: "today is the
// evaluation day (its first instant in the evaluation time's zone:
// midnight, or where clocks skip midnight, the instant the day begins)".
// In Asia/Amman on Friday 29 Oct 2021 clocks went back from 01:00 EEST to
// 00:00 EET, so midnight happened twice and the day began at the first,
// 00:00 EEST = 2021-10-28T21:00Z. today is 00:00 EET (22:00Z), an hour
// into the day: a time at 00:30 EEST that daysSince counts as today (0)
// is before today, and `at >= today` is false for it. The same for
// date("2021-10-29").
// Mechanism: startOfDay trusts time.Date when the date it gives is the
// right day; for an ambiguous local midnight Go's time.Date picks the
// offset in force after the change (here the second midnight), and
// startOfDay only searches when midnight is skipped, never for an earlier
// instant of the same day.
func TestAdversary86_TodayAmbiguousMidnight(t *testing.T) {
	amman := a86Loc(t, "Asia/Amman")
	now := time.Date(2021, 10, 29, 12, 0, 0, 0, amman)
	// Oracle: the earliest instant (to the minute) whose date in Amman is
	// 29 Oct 2021.
	first := time.Date(2021, 10, 28, 18, 0, 0, 0, time.UTC)
	for y, m, d := first.In(amman).Date(); !(y == 2021 && m == 10 && d == 29); y, m, d = first.In(amman).Date() {
		first = first.Add(time.Minute)
	}
	if want := time.Date(2021, 10, 28, 21, 0, 0, 0, time.UTC); !first.Equal(want) {
		t.Fatalf("sanity: tzdata: day begins %v, expected %v", first, want)
	}
	at := first.Add(30 * time.Minute) // 00:30 EEST on 29 Oct, local time
	for _, src := range []string{"at >= today", `at >= date("2021-10-29")`, "daysSince(at) == 0 && at >= today"} {
		got := a86Eval[bool](src, a86Env{At: at}, now)
		for i, g := range got {
			if g != "true" {
				t.Errorf("%s: %s with at = %v (00:30 on the evaluation day, local) and now = %v: %s; want true (today is the day's first instant, %v)",
					[2]string{"closures", "expr"}[i], src, at.In(amman), now, g, first.In(amman))
			}
		}
	}
	got := a86Eval[time.Time]("today", a86Env{}, now)
	if got[0] != fmt.Sprint(first.In(amman)) {
		t.Errorf("today = %s; want %v", got[0], first.In(amman))
	}
}

// TestAdversary86_MonthsSinceUsesArgumentZone: doc.go, Time: "Days and
// months are calendar units in the time zone of the evaluation time."
// at = 2026-01-14T20:00Z is 15 Jan 05:00 in Tokyo; now is 14 Feb 12:00 in
// Tokyo. In the evaluation zone that is 15 Jan → 14 Feb: no whole month
// (and daysSince agrees: 30 days, counted in Tokyo). monthsSince gives 1,
// and age / yearsBetween likewise count in the argument's zone: a birth
// date stored in UTC makes a client a year older a day early.
// Mechanism: wholeMonths(a, b) converts b to a.Location() (the argument's
// zone, UTC here) instead of converting both to now's zone; when b is
// before a it recurses with the roles swapped, so even the zone it uses
// depends on the order of the two times.
func TestAdversary86_MonthsSinceUsesArgumentZone(t *testing.T) {
	tokyo := a86Loc(t, "Asia/Tokyo")
	at := time.Date(2026, 1, 14, 20, 0, 0, 0, time.UTC)
	now := time.Date(2026, 2, 14, 12, 0, 0, 0, tokyo)
	if d := a86Eval[int]("daysSince(at)", a86Env{At: at}, now); d[0] != "30" {
		t.Fatalf("sanity: daysSince = %v, want 30 (15 Jan → 14 Feb in Tokyo)", d)
	}
	for i, g := range a86Eval[int]("monthsSince(at)", a86Env{At: at}, now) {
		if g != "0" {
			t.Errorf("%s: monthsSince(at) with at = %v (%v in Tokyo), now = %v: %s; want 0 (15 Jan → 14 Feb in the evaluation zone)",
				[2]string{"closures", "expr"}[i], at, at.In(tokyo), now, g)
		}
	}
	// age: born 2000-02-14T20:00Z = 15 Feb 2000 in Tokyo; on 14 Feb 2026 in
	// Tokyo the client is still 25.
	birth := time.Date(2000, 2, 14, 20, 0, 0, 0, time.UTC)
	for i, g := range a86Eval[int]("age(at)", a86Env{At: birth}, now) {
		if g != "25" {
			t.Errorf("%s: age(at) with birth %v (%v in Tokyo), now %v: %s; want 25",
				[2]string{"closures", "expr"}[i], birth, birth.In(tokyo), now, g)
		}
	}
}

// TestAdversary86_PctRoundsTwice: doc.go, Built-ins: pct(x) is "42.3%",
// x as a percentage "with at most one (or d) decimals", and format.go's
// pct writes a huge x·100 "exactly". For an ordinary x it rounds twice:
// x·100 is first rounded to a float64, and that float is then rounded to d
// decimals. pct(0.0125): the float 0.0125 is 0.01250000000000000069…, so
// the percentage is 1.250000000000000069…%, which to one decimal is 1.3%;
// the float product is exactly 1.25 and strconv's half-to-even gives
// "1.2%". No tie rule makes 1.2 right: the exact value is above the half.
// Mechanism: formatPct does strconv.FormatFloat(x*100, ...) and uses the
// exact big.Float product only when x*100 overflows.
func TestAdversary86_PctRoundsTwice(t *testing.T) {
	exact := func(x float64, d int) string {
		// The exact percentage, rounded to d decimals (the inputs below are
		// never exact ties), trailing zeros dropped as pct does.
		p := new(big.Float).SetPrec(200).Mul(new(big.Float).SetFloat64(x), big.NewFloat(100))
		s := p.Text('f', d)
		if strings.Contains(s, ".") {
			s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		}
		return s + "%"
	}
	for _, c := range []struct {
		x float64
		d int
	}{{0.0125, 1}, {0.00125, 2}} {
		src := "pct(f)"
		if c.d != 1 {
			src = "pct(f, " + strconv.Itoa(c.d) + ")"
		}
		want := exact(c.x, c.d)
		for i, g := range a86Eval[string](src, a86Env{F: c.x}, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
			if g != want {
				t.Errorf("%s: %s with f = %v (exactly %s): %q; want %q", [2]string{"closures", "expr"}[i], src, c.x,
					new(big.Float).SetFloat64(c.x).Text('f', 30), g, want)
			}
		}
	}
}
