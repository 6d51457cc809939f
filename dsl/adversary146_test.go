package dsl

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/internal/testguard"
)

// Adversary 146: formatting that lies, crashes or explodes. num, pct,
// money, date, words and string on extreme values, on both compile paths
// (closures and expr alone), with Explain's value held to Eval's; titles
// and messages of rule files (braces, quotes, budgets, error positions).

var a146Now = time.Date(2026, 4, 5, 10, 0, 0, 0, time.UTC)

type a146Pence int64

type a146Env struct {
	F    float64        `expr:"f"`
	I    int            `expr:"i"`
	I64  int64          `expr:"i64"`
	N    int            `expr:"n"`
	D    time.Duration  `expr:"d"`
	T    time.Time      `expr:"t"`
	S    string         `expr:"s"`
	Code string         `expr:"code"`
	M    map[string]any `expr:"m"`
}

// a146Out is one path's answer: Eval's string and error, and Explain's
// value.
type a146Out struct {
	s    string
	err  error
	xv   any
	xerr error
	cerr error
}

// a146Both compiles src as a string expression on the closures path and
// on expr alone and evaluates it with Eval and Explain.
func a146Both(t *testing.T, src string, env a146Env, now time.Time, opts ...Option) [2]a146Out {
	t.Helper()
	var out [2]a146Out
	for k, o := range [][]Option{opts, append(opts[:len(opts):len(opts)], exprOnly)} {
		testguard.Run(t, 5*time.Second, func() {
			e, err := Compile[a146Env, string](src, o...)
			if err != nil {
				out[k].cerr = err
				return
			}
			out[k].s, out[k].err = e.Eval(env, now)
			x, xerr := e.Explain(env, now)
			out[k].xerr = xerr
			if x != nil {
				out[k].xv = x.Value
			}
		})
	}
	return out
}

// a146Want checks that both paths give want, and that Explain's value is
// Eval's.
func a146Want(t *testing.T, src string, env a146Env, want string, opts ...Option) {
	t.Helper()
	for k, r := range a146Both(t, src, env, a146Now, opts...) {
		path := [2]string{"closures", "expr"}[k]
		if r.cerr != nil || r.err != nil || r.s != want {
			t.Errorf("%s: %s = %q, %v (compile %v); want %q", path, src, r.s, r.err, r.cerr, want)
			continue
		}
		if r.xerr != nil || r.xv != any(r.s) {
			t.Errorf("%s: Explain(%s).Value = %#v, %v; want Eval's %q", path, src, r.xv, r.xerr, r.s)
		}
	}
}

// a146WantErr checks that both paths fail with an *Error of kind KindEval
// whose message contains frag, and that the two messages agree.
func a146WantErr(t *testing.T, src string, env a146Env, frag string, is error, opts ...Option) {
	t.Helper()
	r := a146Both(t, src, env, a146Now, opts...)
	for k := range r {
		path := [2]string{"closures", "expr"}[k]
		var e *Error
		if r[k].cerr != nil || !errors.As(r[k].err, &e) || e.Kind != KindEval || !strings.Contains(e.Error(), frag) {
			t.Errorf("%s: %s = %q, %v (compile %v); want an eval error with %q", path, src, r[k].s, r[k].err, r[k].cerr, frag)
			continue
		}
		if is != nil && !errors.Is(r[k].err, is) {
			t.Errorf("%s: %s: %v does not match %v", path, src, r[k].err, is)
		}
		if e.Line != 1 || e.Column != 1 {
			t.Errorf("%s: %s: error at %d:%d; want 1:1 (the call)", path, src, e.Line, e.Column)
		}
	}
	if r[0].err != nil && r[1].err != nil && r[0].err.Error() != r[1].err.Error() {
		t.Errorf("%s: the paths disagree: %v / %v", src, r[0].err, r[1].err)
	}
}

func TestAdversary146_NumExtremes_Pinned(t *testing.T) {
	cases := []struct {
		src  string
		env  a146Env
		want string
	}{
		{"num(f)", a146Env{F: math.Inf(1)}, "∞"},
		{"num(f, 2)", a146Env{F: math.Inf(-1)}, "-∞"},
		{"num(f)", a146Env{F: math.Copysign(0, -1)}, "0"},
		{"num(f, 3)", a146Env{F: -0.0001}, "0.000"},
		{"num(f, 10)", a146Env{F: 5e-324}, "0.0000000000"},
		{"num(f, 10)", a146Env{F: -5e-324}, "0.0000000000"},
		{"num(f, 2)", a146Env{F: 2.675}, "2.67"}, // 2.67499999… in binary
		{"num(f, 0)", a146Env{F: 3.5}, "4"},
		{"num(0.1 + 0.2)", a146Env{}, "0.30"},
		{"num(i)", a146Env{I: math.MinInt}, "-9,223,372,036,854,775,808"},
		{"num(i, 3)", a146Env{I: math.MaxInt}, "9,223,372,036,854,775,807.000"},
		{"num(i64)", a146Env{I64: 1<<53 + 1}, "9,007,199,254,740,993"},
		{"num(f)", a146Env{F: math.MaxFloat64}, "179,769,313,486,231,570,814,527,423,731,704,356,798,070,567,525,844,996,598,917,476,803,157,260,780,028,538,760,589,558,632,766,878,171,540,458,953,514,382,464,234,321,326,889,464,182,768,467,546,703,537,516,986,049,910,576,551,282,076,245,490,090,389,328,944,075,868,508,455,133,942,304,583,236,903,222,948,165,808,559,332,123,348,274,797,826,204,144,723,168,738,177,180,919,299,881,250,404,026,184,124,858,368"},
		{"pct(f, 10)", a146Env{F: 5e-324}, "0%"},
		{"pct(f)", a146Env{F: -0.0001}, "0%"},
		{"pct(0.125, 1)", a146Env{}, "12.5%"},
		{"money(i, code)", a146Env{I: math.MinInt, Code: "GBP"}, "-£9,223,372,036,854,775,808.00"},
		{"money(f, code)", a146Env{F: -0.001, Code: "GBP"}, "£0.00"},
		{"money(f, code)", a146Env{F: -0.5, Code: "JPY"}, "¥0"},
		{"money(f, code)", a146Env{F: math.Inf(-1), Code: "GBP"}, "-£∞"},
		{"money(f, 'XYZ')", a146Env{F: 1500}, "XYZ 1,500.00"},
		{"money(f, code)", a146Env{F: 1500, Code: "GBP"}, "1.500,00 £"},
		{"words(d)", a146Env{D: math.MinInt64}, "-106751 days 23 hours"},
		{"words(d)", a146Env{D: math.MaxInt64}, "106751 days 23 hours"},
		{"words(d)", a146Env{D: -time.Hour - 1}, "-1 hour"},
		{"words(d)", a146Env{D: 90 * time.Second}, "1 minute 30 seconds"},
		{"words(d)", a146Env{D: 0}, "0 seconds"},
		{"date(t)", a146Env{T: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, "1 Jan 10000"},
		{"date(t)", a146Env{T: time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("odd", 14*3600))}, "31 Dec 2025"},
		{"date(t)", a146Env{T: time.Unix(1<<62, 0)}, "19 Jun 146138514283"},
		{"string(i)", a146Env{I: math.MinInt}, "-9223372036854775808"},
	}
	for _, c := range cases {
		var opts []Option
		if c.want == "1.500,00 £" {
			opts = []Option{WithLocale(Locale{Thousands: ".", Decimal: ",", SymbolAfter: true})}
		}
		a146Want(t, c.src, c.env, c.want, opts...)
	}
}

func TestAdversary146_BadArguments_Pinned(t *testing.T) {
	a146WantErr(t, "num(f)", a146Env{F: math.NaN()}, "num:", ErrNaN)
	a146WantErr(t, "money(f, 'GBP')", a146Env{F: math.NaN()}, "money:", ErrNaN)
	a146WantErr(t, "pct(f)", a146Env{F: math.NaN()}, "pct:", ErrNaN)
	a146WantErr(t, "num(f, 1000)", a146Env{F: 1}, "between 0 and 10", nil)
	a146WantErr(t, "num(f, -1)", a146Env{F: 1}, "between 0 and 10", nil)
	a146WantErr(t, "num(f, n)", a146Env{F: 1, N: math.MaxInt}, "between 0 and 10", nil)
	a146WantErr(t, "num(i, n)", a146Env{I: 5, N: math.MinInt}, "between 0 and 10", nil)
	a146WantErr(t, "num(f, 9223372036854775807)", a146Env{F: 1}, "between 0 and 10", nil)
	a146WantErr(t, "pct(f, n)", a146Env{F: 0.5, N: 11}, "between 0 and 10", nil)
	a146WantErr(t, "pct(f, n)", a146Env{F: 0.5, N: math.MinInt}, "between 0 and 10", nil)
	a146WantErr(t, "date(t)", a146Env{}, "zero", nil)
	a146WantErr(t, "num(m.nope)", a146Env{}, "want a number", nil)
	a146WantErr(t, "money(1, m.nope)", a146Env{}, "want a string", nil)
	for _, src := range []string{"num(f, 2.5)", "pct(f, 2.5)", "money(f, 1)"} {
		for k, r := range a146Both(t, src, a146Env{}, a146Now) {
			var e *Error
			if !errors.As(r.cerr, &e) || e.Kind != KindType {
				t.Errorf("path %d: %s compiled (%v); want a type error", k, src, r.cerr)
			}
		}
	}
}

// a146Rules compiles a one-rule file (title and message given) on both
// paths and evaluates it with Eval and Explain.
func a146Rules(t *testing.T, title, message string, env a146Env, opts ...Option) [2]struct {
	hits  []Hit
	err   error
	xhits []Hit
	xerr  string
	cerr  error
} {
	t.Helper()
	src := "ruleset a version 1\nrule r {\n  type \"t\"\n  when true\n  title " + strconv.Quote(title) + "\n"
	if message != "" {
		src += "  message " + strconv.Quote(message) + "\n"
	}
	src += "}\n"
	var out [2]struct {
		hits  []Hit
		err   error
		xhits []Hit
		xerr  string
		cerr  error
	}
	for k, o := range [][]Option{opts, append(opts[:len(opts):len(opts)], exprOnly)} {
		testguard.Run(t, 10*time.Second, func() {
			rs, err := CompileRules[a146Env]([]byte(src), o...)
			if err != nil {
				out[k].cerr = err
				return
			}
			out[k].hits, out[k].err = rs.Eval(env, a146Now)
			x, err := rs.Explain("r", env, a146Now)
			if err != nil {
				out[k].xerr = err.Error()
				return
			}
			out[k].xhits, out[k].xerr = x.Hits, x.Err
		})
	}
	return out
}

func TestAdversary146_TemplateText_Pinned(t *testing.T) {
	cases := []struct{ title, want string }{
		{`{ {"a": 1}.a }`, "1"},
		{`{"}"} {'{'}`, "} {"},
		{`{{literal}} {n}`, "{literal} 3"},
		{`{{{n}}}`, "{3}"},
		{`"q" {"\"" + s + "\""}`, `"q" "x"`},
		{`{f}`, "∞"},
		{`{-f}`, "-∞"},
		{`{-n * 0.0}`, "0"},
		{`{i}`, "-9223372036854775808"},
		{`{0.1 + 0.2}`, "0.3"},
		{`{5e-324}`, "0"},
		{`{1e21}`, "1000000000000000000000"},
		{`{num(1500000)} {money(2.5, "JPY")} {pct(0.4236)}`, "1,500,000 ¥2 42.4%"},
	}
	env := a146Env{F: math.Inf(1), I: math.MinInt, N: 3, S: "x"}
	for _, c := range cases {
		for k, r := range a146Rules(t, c.title, "", env) {
			if r.cerr != nil || r.err != nil || len(r.hits) != 1 || r.hits[0].Title != c.want {
				t.Errorf("path %d: title %s: %+v, %v (compile %v); want %q", k, c.title, r.hits, r.err, r.cerr, c.want)
				continue
			}
			if len(r.xhits) != 1 || r.xhits[0].Title != r.hits[0].Title || r.xerr != "" {
				t.Errorf("path %d: title %s: Explain's hits %+v (%s); want Eval's title %q", k, c.title, r.xhits, r.xerr, r.hits[0].Title)
			}
		}
	}
}

// A title's bad argument names the rule, the statement and the line and
// column of the call in the file; Explain reports the same error.
func TestAdversary146_TemplateErrorPosition_Pinned(t *testing.T) {
	for k, r := range a146Rules(t, `ab {num(f, n)}`, "", a146Env{F: 1, N: 11}) {
		var e *Error
		if !errors.As(r.err, &e) || e.RuleID != "r" || e.Statement != "title" || e.Line != 5 || e.Column != 14 || e.Kind != KindEval {
			t.Errorf("path %d: %v (%+v); want rule r, title, 5:14, eval", k, r.err, e)
			continue
		}
		if r.xerr != e.Error() {
			t.Errorf("path %d: Explain's error %q; want Eval's %q", k, r.xerr, e.Error())
		}
	}
}

// What a title and a message write is charged to the rule's memory
// budget: 10 MB built by repeat, or two host strings of 6 MB each in the
// title and two in the message, are over the default budget (16 MB).
func TestAdversary146_TemplateBudget_Pinned(t *testing.T) {
	big := strings.Repeat("x", 6<<20)
	for _, c := range []struct{ title, message string }{
		{`{repeat("a", 10000000)}`, ""},
		{`{s}{s}`, `{s}{s}`},
		{`{s}{s}{s}`, ""},
		{`{money(1, s)}{s}`, ""},
	} {
		for k, r := range a146Rules(t, c.title, c.message, a146Env{S: big}) {
			if !errors.Is(r.err, ErrLimit) || len(r.hits) != 0 {
				t.Errorf("path %d: title %s message %s: %d hits, %v; want ErrLimit", k, c.title, c.message, len(r.hits), r.err)
			}
			if r.err != nil && r.xerr != r.err.Error() {
				t.Errorf("path %d: Explain's error %q; want Eval's %v", k, r.xerr, r.err)
			}
		}
	}
	// A small budget refuses a title of a 2 MB host string.
	lim := WithLimits(Limits{MemoryBudget: 100_000})
	for k, r := range a146Rules(t, `{s}`, "", a146Env{S: big[:2<<20]}, lim) {
		if !errors.Is(r.err, ErrLimit) {
			t.Errorf("path %d: a 2 MB title under a 1.6 MB budget: %d hits, %v; want ErrLimit", k, len(r.hits), r.err)
		}
	}
}

// Broken: an integer behind an interface (a map of any) that is not an
// int (an int64, a host's type Pence int64, a uint64) is formatted
// through a float64, so num and money write a number it is not.
// Input: m = {"i": int64(1<<53 + 1)}, num(m.i); observed
// "9,007,199,254,740,992"; expected "9,007,199,254,740,993", as num(i64)
// of a typed int64 field and num(m.i) of a plain int write (format.go:91
// and :114 test args[0].(int) only; every other integer goes to toFloat).
// Same for money(m.p, "JPY") with a146Pence(1<<53+1): "¥9,007,199,254,740,992".
func TestAdversary146_NumOfIntBehindAny_Pinned(t *testing.T) {
	env := a146Env{M: map[string]any{"i": int64(1<<53 + 1), "p": a146Pence(1<<53 + 1), "u": uint64(1<<53 + 1)}}
	a146Want(t, "num(m.i)", env, "9,007,199,254,740,993")
	a146Want(t, "num(m.u)", env, "9,007,199,254,740,993")
	a146Want(t, "money(m.p, 'JPY')", env, "¥9,007,199,254,740,993")
}

// Broken: pct writes an infinite share as Go's "+Inf%" / "-Inf%", where
// every other way a rule writes a number (num, money, a number in a
// title) writes "∞". Input pct(f), f = +Inf; observed "+Inf%"; expected
// "∞%" (builtins.go:260-261 formats an infinite x with strconv).
func TestAdversary146_PctInfinity_Pinned(t *testing.T) {
	a146Want(t, "pct(f)", a146Env{F: math.Inf(1)}, "∞%")
	a146Want(t, "pct(f, 2)", a146Env{F: math.Inf(-1)}, "-∞%")
}

// Broken: WithLocale takes any separators, and a locale whose thousands
// separator is its decimal mark (or a digit) writes numbers that read as
// others. Input Locale{Thousands: "."} (Decimal defaults to "."), num(1500.5);
// observed Compile succeeds and writes "1.500.50"; Locale{Thousands: ",",
// Decimal: ","}: "1,500,50"; Locale{Thousands: "0"}: "10500.50" (ten
// thousand five hundred). Expected: Compile refuses the option ("a bad
// option is reported by Compile as an error", options.go:13; WithLocale
// at format.go:53 checks nothing).
func TestAdversary146_LocaleAmbiguousSeparators_Pinned(t *testing.T) {
	for _, l := range []Locale{{Thousands: "."}, {Thousands: ",", Decimal: ","}, {Thousands: "0"}, {Decimal: "5"}} {
		e, err := Compile[a146Env, string]("num(1500.5)", WithLocale(l))
		if err == nil {
			s, _ := e.Eval(a146Env{}, a146Now)
			t.Errorf("Locale %+v accepted; num(1500.5) writes %q; want Compile to refuse the locale", l, s)
		}
	}
}

// Broken: money with an empty currency code writes an amount with no
// currency at all. Input money(1500, code), code = ""; observed
// " 1,500.00" (a leading space) and with SymbolAfter "1,500.00 " (a
// trailing one); expected an evaluation error (format.go:345 takes "" as
// an unknown code and writes code + " " before the number).
func TestAdversary146_MoneyEmptyCode_Pinned(t *testing.T) {
	for _, opts := range [][]Option{nil, {WithLocale(Locale{SymbolAfter: true})}} {
		for k, r := range a146Both(t, "money(f, code)", a146Env{F: 1500}, a146Now, opts...) {
			if r.err == nil {
				t.Errorf("path %d: money(1500, \"\") = %q; want an error: no currency", k, r.s)
			}
		}
	}
}

// Broken: a list or map of one element is written "1 items" in a title
// (and in Explain). Input title "{[f]}"; observed "1 items"; expected
// "1 item" (explain.go:179 formats "%d items" whatever the count).
func TestAdversary146_OneItemPlural_Pinned(t *testing.T) {
	for _, title := range []string{`{[f]}`, `{ {"k": f} }`} {
		for k, r := range a146Rules(t, title, "", a146Env{F: 1}) {
			if len(r.hits) != 1 || r.hits[0].Title != "1 item" {
				t.Errorf("path %d: title %s: %+v, %v; want \"1 item\"", k, title, r.hits, r.err)
			}
		}
	}
}

// Broken: the error of num, pct or money given a NaN says "the comparison
// cannot be decided", where no comparison is made. Input num(f), f = NaN;
// observed "num: value is NaN, so the comparison cannot be decided: dsl:
// NaN"; expected a message about the number to write, not a comparison
// (format.go:101, :122 and builtins.go:237 wrap registry.go:34's errNaNValue, meant for comparisons).
func TestAdversary146_NaNErrorText_Pinned(t *testing.T) {
	for _, src := range []string{"num(f)", "pct(f)", "money(f, 'GBP')"} {
		for k, r := range a146Both(t, src, a146Env{F: math.NaN()}, a146Now) {
			if r.err == nil || strings.Contains(r.err.Error(), "comparison") {
				t.Errorf("path %d: %s: %v; want a NaN error that does not speak of a comparison", k, src, r.err)
			}
		}
	}
}

// Broken: date(t) at a zero evaluation time writes the day in UTC, a zone
// the rule was never given, where today and the other date built-ins fail
// ("a date built-in given one, or evaluated at a zero time, fails", doc.go).
// Input date(t), t = 5 Apr 2026 10:00 UTC, now = time.Time{}; observed
// "5 Apr 2026", no error; expected the missing-data error today gives
// (format.go:159-177 never checks now.IsZero()).
func TestAdversary146_DateAtZeroNow_Pinned(t *testing.T) {
	for k, r := range a146Both(t, "date(t)", a146Env{T: a146Now}, time.Time{}) {
		if r.err == nil {
			t.Errorf("path %d: date(t) at a zero evaluation time = %q; want an error", k, r.s)
		}
	}
}
