package dsl_test

// The tenth adversary's suite: the host side of the rule language (numbers
// as a CRM has them, the formatting built-ins, dates). Every test here
// fails on the code it was written against and names the promise of
// doc.go it breaks. None can hang: each evaluates one small rule once.

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
)

type a10Pence int64

type a10Env struct {
	F32  float32   `expr:"f32"`
	F32s []float32 `expr:"f32s"`
	PF   *float32  `expr:"pf"`
	PI   *int8     `expr:"pi"`
	PP   *a10Pence `expr:"pp"`
	A    any       `expr:"a"`
	U64s []uint64  `expr:"u64s"`
	I64  int64     `expr:"i64"`
	X    float64   `expr:"x"`
	T    time.Time `expr:"t"`
}

var a10Now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// a10Fires compiles one rule with condition when and reports whether Eval
// fired it, and whether Explain says it fired.
func a10Fires(t *testing.T, when string, env a10Env) (eval, explain bool) {
	t.Helper()
	rs, err := dsl.CompileRules[a10Env]([]byte("ruleset a10 version 1\nrule r {\n  type \"t\"\n  when " + when + "\n}\n"))
	if err != nil {
		t.Fatalf("%s: compile: %v", when, err)
	}
	hits, err := rs.Eval(env, a10Now)
	if err != nil {
		t.Fatalf("%s: eval: %v", when, err)
	}
	ex, err := rs.Explain("r", env, a10Now)
	if err != nil {
		t.Fatalf("%s: explain: %v", when, err)
	}
	return len(hits) == 1, ex.Fired
}

// a10Title evaluates an expression that gives a string (a title's part).
func a10Title(t *testing.T, src string, env a10Env, now time.Time, opts ...dsl.Option) (string, error) {
	t.Helper()
	e, err := dsl.Compile[a10Env, string](src, opts...)
	if err != nil {
		t.Fatalf("%s: compile: %v", src, err)
	}
	return e.Eval(env, now)
}

// TestAdversary10InListOfFloat32: doc.go, Numbers: "a float32 [is read]
// as the decimal it holds (a stored 0.9 equals the literal 0.9)", and this
// reaches "a slice element". f32s[0] == 0.9 holds, but the membership test
// of the same literal in the same list does not: `0.9 in f32s` is false
// (in compares float64(float32(0.9)) = 0.8999999761581421 with 0.9). The
// same for a []any holding a float32.
func TestAdversary10InListOfFloat32(t *testing.T) {
	env := a10Env{F32s: []float32{0.9}}
	if ev, _ := a10Fires(t, "f32s[0] == 0.9", env); !ev {
		t.Fatal("setup: f32s[0] == 0.9 should hold")
	}
	if ev, ex := a10Fires(t, "0.9 in f32s", env); !ev || !ex {
		t.Errorf("0.9 in f32s with f32s = []float32{0.9}: Eval fired %v, Explain fired %v; want true, as f32s[0] == 0.9 is", ev, ex)
	}
}

// TestAdversary10PointerToFloat32: doc.go, Numbers (a stored 0.9 equals
// the literal 0.9) and "Inputs are read through pointers" (tables). A
// *float32 field, the way a CRM keeps an optional ratio, is compared at
// float64 of the float32: a stored 0.3 is not == 0.3 and is > 0.3, in a
// condition and in a table cell. (A *float64 and a *int8 compare right.)
func TestAdversary10PointerToFloat32(t *testing.T) {
	f := float32(0.3)
	env := a10Env{PF: &f}
	for _, c := range []struct {
		when string
		want bool
	}{{"pf == 0.3", true}, {"pf > 0.3", false}, {"pf <= 0.3", true}} {
		if ev, ex := a10Fires(t, c.when, env); ev != c.want || ex != c.want {
			t.Errorf("%s with *pf = float32(0.3): Eval %v, Explain %v; want %v", c.when, ev, ex, c.want)
		}
	}
	rs, err := dsl.CompileRules[a10Env]([]byte("ruleset a10 version 1\ntable r hit first {\n  type \"t\"\n  in pf\n  row 0.3 => urgency 0.5\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if hits, err := rs.Eval(env, a10Now); len(hits) != 1 {
		t.Errorf("table row `0.3` on in pf (*pf = float32(0.3)): %d hits (%v); want the row to match", len(hits), err)
	}
}

// TestAdversary10TableInputFloat32InInterface: doc.go, Numbers: numbers
// are read "wherever they come from: ... a map value" and a value in an
// interface is read by its dynamic type (`a == 0.9` holds for a =
// float32(0.9)). A table whose input is that same value does not match
// the cell 0.3 for a stored float32 0.3, and matches `> 0.3`.
func TestAdversary10TableInputFloat32InInterface(t *testing.T) {
	env := a10Env{A: float32(0.3)}
	if ev, _ := a10Fires(t, "a == 0.3", env); !ev {
		t.Fatal("setup: a == 0.3 should hold for a = float32(0.3)")
	}
	for _, cell := range []string{"0.3", "<= 0.3"} {
		rs, err := dsl.CompileRules[a10Env]([]byte("ruleset a10 version 1\ntable r hit first {\n  type \"t\"\n  in a\n  row " + cell + " => urgency 0.5\n}\n"))
		if err != nil {
			t.Fatal(err)
		}
		if hits, err := rs.Eval(env, a10Now); len(hits) != 1 {
			t.Errorf("table row `%s` on in a (a = float32(0.3)): %d hits (%v); want a match, as the condition a == 0.3 holds", cell, len(hits), err)
		}
	}
}

// TestAdversary10PointerToNamedInteger: doc.go, Numbers: "a named or
// narrow integer (type Pence int64, int8, uint32) is read as an int ...
// So `cash > 100` ... work[s] whatever the types". Through a pointer (an
// optional amount) a *int8 compares with a literal, but a *Pence is a
// compile error "mismatched types a10Pence and int".
func TestAdversary10PointerToNamedInteger(t *testing.T) {
	i, p := int8(7), a10Pence(7)
	env := a10Env{PI: &i, PP: &p}
	if ev, _ := a10Fires(t, "pi == 7", env); !ev {
		t.Fatal("setup: pi == 7 should hold")
	}
	_, err := dsl.Compile[a10Env, bool]("pp == 7")
	if err != nil {
		t.Fatalf("pp == 7 with pp a *Pence (type Pence int64): %v; want it to compile and hold, as pi == 7 does for a *int8", err)
	}
}

// TestAdversary10UnsignedSumWraps: doc.go, Numbers: "a uint64 too large
// for an int fails the evaluation rather than wrapping". Two uint64
// amounts that each fit an int, 2^62 each, sum to 2^63 — a uint64 too
// large for an int — and the rule reads -2^63 instead: `sum(u64s) > 0` is
// silently false, no error.
func TestAdversary10UnsignedSumWraps(t *testing.T) {
	env := a10Env{U64s: []uint64{1 << 62, 1 << 62}}
	e, err := dsl.Compile[a10Env, bool]("sum(u64s) > 0")
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Eval(env, a10Now)
	if err == nil && !got {
		t.Errorf("sum(u64s) > 0 for two uint64 of 2^62: false, no error (the sum wrapped to -2^63); want true or an evaluation error")
	}
}

// TestAdversary10NumRoundsIntegers: doc.go, Built-ins: num(x) writes
// "1,500,000" grouped, and interpolating the same int writes it exactly.
// num takes a float64, so an int64 amount is rounded through it:
// num(9007199254740993) is "9,007,199,254,740,992" and num(MaxInt64) is
// "9,223,372,036,854,775,808" (a number the field cannot even hold),
// while string(i64) writes ...993 and ...807.
func TestAdversary10NumRoundsIntegers(t *testing.T) {
	for _, v := range []int64{1<<53 + 1, math.MaxInt64} {
		got, err := a10Title(t, "num(i64)", a10Env{I64: v}, a10Now)
		exact, _ := a10Title(t, "string(i64)", a10Env{I64: v}, a10Now)
		if err != nil || strings.ReplaceAll(got, ",", "") != exact {
			t.Errorf("num(i64) for %d: %q (%v); want the same digits as string(i64) = %q, grouped", v, got, err, exact)
		}
	}
}

// TestAdversary10MoneyNegativeZero: doc.go, Built-ins: money writes
// money "the way a client reads" it (¥1,500 for JPY), and zero is never
// "-0" (num already writes num(-0.5, 0) as "0"). money(-0.5, "JPY") is
// "-¥0": the sign is decided by math.Round (away from zero: 1) and the
// digits by strconv (half to even: 0). The same for KRW.
func TestAdversary10MoneyNegativeZero(t *testing.T) {
	for _, code := range []string{"JPY", "KRW"} {
		got, err := a10Title(t, `money(x, "`+code+`")`, a10Env{X: -0.5}, a10Now)
		if err != nil || strings.HasPrefix(got, "-") && strings.Trim(got, "-¥₩0 ") == "" {
			t.Errorf(`money(-0.5, %q) = %q (%v); want a zero without a minus sign, or -1`, code, got, err)
		}
	}
}

// TestAdversary10MoneyInfinityIsCalledNaN: doc.go, NaN and nil: "±Inf are
// numbers", and num(+Inf) writes "∞". money(+Inf, "GBP") fails with
// ErrNaN, "value is NaN, so the comparison cannot be decided": a typed
// error that names the wrong value (it is not NaN, and nothing is
// compared). Want "∞"-style text as num gives, or an error that says
// infinite.
func TestAdversary10MoneyInfinityIsCalledNaN(t *testing.T) {
	_, err := a10Title(t, `money(x, "GBP")`, a10Env{X: math.Inf(1)}, a10Now)
	if err != nil && (errors.Is(err, dsl.ErrNaN) || strings.Contains(err.Error(), "NaN")) {
		t.Errorf("money(+Inf, \"GBP\"): %v; want ∞ written (as num does) or an error that says the value is infinite, not NaN", firstLine(err))
	}
}

// TestAdversary10TodayWithoutMidnight: doc.go, Dates: "today is the
// evaluation day (midnight in the evaluation time's zone)". On a day whose
// midnight does not exist (daylight saving starting at 00:00, as in São
// Paulo on 4 Nov 2018, Santiago, Havana, Beirut), today is 23:00 of the
// day before: date(today) writes "3 Nov 2018" on 4 Nov, and
// daysSince(today) is 1. (date("2018-11-04") is the same wrong instant.)
func TestAdversary10TodayWithoutMidnight(t *testing.T) {
	sp, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	now := time.Date(2018, 11, 4, 12, 0, 0, 0, sp)
	got, err := a10Title(t, "date(today)", a10Env{}, now)
	if err != nil || got != "4 Nov 2018" {
		t.Errorf("date(today) at %v: %q (%v); want \"4 Nov 2018\"", now, got, err)
	}
	e, err := dsl.Compile[a10Env, int]("daysSince(today)")
	if err != nil {
		t.Fatal(err)
	}
	if d, err := e.Eval(a10Env{}, now); err != nil || d != 0 {
		t.Errorf("daysSince(today) at %v: %d (%v); want 0", now, d, err)
	}
}

// TestAdversary10ZeroEvaluationTime: doc.go, Time: "A zero time.Time is
// missing data, and a date built-in given one fails rather than answering
// for the year 1." With a zero evaluation time, date(today) fails so, but
// daysUntil(t) answers 739943 days and age(t) -2025 years: date
// arithmetic against the year 1.
func TestAdversary10ZeroEvaluationTime(t *testing.T) {
	if _, err := a10Title(t, "date(today)", a10Env{}, time.Time{}); err == nil {
		t.Fatal("setup: date(today) with a zero now should fail")
	}
	e, err := dsl.Compile[a10Env, int]("daysUntil(t)")
	if err != nil {
		t.Fatal(err)
	}
	if d, err := e.Eval(a10Env{T: a10Now}, time.Time{}); err == nil {
		t.Errorf("daysUntil(t) with a zero evaluation time: %d, no error; want the missing-data error date(today) gives", d)
	}
}

func firstLine(err error) string { return strings.SplitN(err.Error(), "\n", 2)[0] }

// a10Decimal is a host's fixed-point decimal, registered with WithNumber.
type a10Decimal struct{ Cents int64 }

type a10DecEnv struct {
	D  a10Decimal  `expr:"d"`
	PD *a10Decimal `expr:"pd"`
}

// TestAdversary10TableOverPointerToDecimal: doc.go, Numbers ("a decimal
// type registered with WithNumber [is read] as the float64 its conversion
// gives"), tables ("Inputs are read through pointers") and Errors ("Types
// are checked at compile time"). A table whose input is a *Decimal
// compiles, then fails every evaluation with a run-time type error, "row
// 1, column 1: cannot order a10Decimal". (In a condition, `pd > 2` is a
// compile error instead.)
func TestAdversary10TableOverPointerToDecimal(t *testing.T) {
	opt := dsl.WithNumber(func(d a10Decimal) float64 { return float64(d.Cents) / 100 })
	env := a10DecEnv{D: a10Decimal{150}, PD: &a10Decimal{250}}
	for _, in := range []string{"pd", "d"} {
		src := "ruleset a10 version 1\ntable r hit first {\n  type \"t\"\n  in " + in + "\n  row > 1 => urgency 0.5\n}\n"
		rs, err := dsl.CompileRules[a10DecEnv]([]byte(src), opt)
		if err != nil {
			continue // a compile error is what the docs allow
		}
		if hits, err := rs.Eval(env, a10Now); err != nil || len(hits) != 1 {
			t.Errorf("table `in %s`, row `> 1`: compiled, then %d hits and a run-time error: %v; want the row to match, or a compile error", in, len(hits), err)
		}
	}
}
