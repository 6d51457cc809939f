package dsl

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// The formatting built-ins write numbers, money, dates and durations the
// way a client reads them in an alert's title or message:
//
//	num(x), num(x, d)     1,500,000 and 1,500,000.50: grouped, d decimals
//	                      (none for a whole number, else 2, when d is not
//	                      given)
//	money(x, "GBP")       £1,500,000.00: the currency's symbol and minor
//	                      units (¥1,500 for JPY); an unknown code is written
//	                      before the number ("XYZ 1,500.00")
//	date(t)               5 Apr 2026
//	date("2026-04-05")    the date as a time, midnight in the evaluation
//	                      time's zone: a date literal
//	today                 the evaluation day, midnight in its zone
//	words(d)              3 days 4 hours: a duration in its two largest
//	                      units
//
// [WithLocale] sets the separators and where a currency's symbol goes. A
// NaN given to num, pct or money fails with ErrNaN, and so does money
// with an empty currency code (with an error); an integer of any type,
// behind an any too, is written exactly; an infinity is ∞. A zero time
// given to date, or date(t) evaluated at a zero time (whose zone would
// name the day), is missing data and fails, as for every date built-in. A
// number interpolated without a built-in is never written in exponent
// form.

// Locale is how the formatting built-ins write numbers and money. The
// zero value is the default: "," between thousands, "." before decimals,
// symbols before the number.
type Locale struct {
	// Thousands separates groups of three digits; "" means ",". Use
	// [NoSeparator] for none.
	Thousands string `json:"thousands,omitempty"`
	// Decimal separates the decimals; "" means ".".
	Decimal string `json:"decimal,omitempty"`
	// SymbolAfter writes a currency's symbol after the number, with a
	// space ("1.500,00 €").
	SymbolAfter bool `json:"symbol_after,omitempty"`
	// Symbols adds or replaces currency symbols by ISO 4217 code.
	Symbols map[string]string `json:"symbols,omitempty"`
}

// NoSeparator is the Thousands of a [Locale] that groups no digits.
const NoSeparator = "\x00"

// WithLocale sets how num and money write numbers. A locale whose numbers
// a reader could not tell apart is an error of Compile's: a decimal mark
// the same as the thousands separator (1,500,50), or either holding a
// digit or a minus sign (10500.50 with "0" between thousands).
func WithLocale(l Locale) Option {
	return optionFunc(func(c *config) {
		if err := l.check(); err != nil {
			c.errs = append(c.errs, err)
		}
		c.locale = l
	})
}

// check refuses separators that make a number ambiguous.
func (l Locale) check() error {
	dec, sep := cmpOr(l.Decimal, "."), cmpOr(l.Thousands, ",")
	bad := func(s string) bool { return strings.ContainsAny(s, "0123456789-+") }
	switch {
	case bad(dec) || sep != NoSeparator && bad(sep):
		return &Error{Kind: KindType, Msg: fmt.Sprintf("locale: separators %q and %q: a digit or a sign in one would read as part of the number", sep, dec)}
	case sep == dec:
		return &Error{Kind: KindType, Msg: fmt.Sprintf("locale: the decimal mark and the thousands separator are both %q", dec)}
	}
	return nil
}

// currency is what money needs of a currency.
type currency struct {
	symbol string
	minor  int
}

// currencies are the symbols and minor units of common currencies; others
// are written with their code.
var currencies = map[string]currency{
	"GBP": {"£", 2}, "USD": {"$", 2}, "EUR": {"€", 2}, "JPY": {"¥", 0}, "CHF": {"CHF ", 2},
	"CAD": {"CA$", 2}, "AUD": {"A$", 2}, "NZD": {"NZ$", 2}, "HKD": {"HK$", 2}, "SGD": {"S$", 2},
	"SEK": {"kr ", 2}, "NOK": {"kr ", 2}, "DKK": {"kr ", 2}, "INR": {"₹", 2}, "CNY": {"CN¥", 2},
	"ZAR": {"R ", 2}, "KRW": {"₩", 0},
}

// formatFuncs are the formatting built-ins of one compile: they know its
// locale.
func formatFuncs(cfg *config) []*hostFunc {
	l := cfg.locale
	return []*hostFunc{
		{name: "num", arities: []int{1, 2}, withGov: true,
			types: []any{new(func(int, *governor) string), new(func(int, int, *governor) string),
				new(func(float64, *governor) string), new(func(float64, int, *governor) string)},
			fn: func(args ...any) (any, error) {
				d := -1
				if len(args) == 3 {
					var err error
					if d, err = intArg("num", args, 1); err != nil {
						return nil, err
					}
					if d < 0 || d > 10 {
						return nil, fmt.Errorf("num: decimals %d must be between 0 and 10", d)
					}
				}
				if i, ok := exactInt(args[0]); ok {
					// An integer is written exactly: through a float64,
					// 2^53+1 would print as 2^53.
					return charged(l.integer(i, max(d, 0)), args[len(args)-1])
				}
				x, ok := toFloat(args[0])
				if !ok {
					return nil, fmt.Errorf("num: argument 1 is %s, want a number", valueKind(args[0]))
				}
				if x != x {
					return nil, fmt.Errorf("num: %w", errNaNWritten)
				}
				return charged(l.number(x, d), args[len(args)-1])
			}},
		{name: "pct", arities: []int{1, 2}, withGov: true,
			types: []any{new(func(int, *governor) string), new(func(int, int, *governor) string),
				new(func(float64, *governor) string), new(func(float64, int, *governor) string)}, fn: pct},
		{name: "money", arities: []int{2}, withGov: true,
			types: []any{new(func(int, string, *governor) string), new(func(float64, string, *governor) string)},
			fn: func(args ...any) (any, error) {
				code, err := textArg("money", args, 1)
				if err != nil {
					return nil, err
				}
				if code == "" {
					return nil, errors.New("money: the currency code is empty")
				}
				if i, ok := exactInt(args[0]); ok {
					return charged(l.money(i, code), args[2])
				}
				x, ok := toFloat(args[0])
				if !ok {
					return nil, fmt.Errorf("money: argument 1 is %s, want a number", valueKind(args[0]))
				}
				if x != x {
					return nil, fmt.Errorf("money: %w", errNaNWritten)
				}
				return charged(l.money(x, code), args[2])
			}},
	}
}

// exactInt is v as an int where it is an integer an int holds, whatever
// its type (an int64 or a named int behind an any, a pointer to one), as
// dynamicNumber reads it: for num and money to write exactly.
func exactInt(v any) (int, bool) {
	n, err := dynamicNumber(v)
	i, ok := n.(int)
	return i, ok && err == nil
}

// charged is a formatted number, charged to the rule's budget: a number
// of 1e308 with ten decimals is some 400 bytes, built through as many
// again, so a loop of them is charged what it writes, and a step for
// every 64 bytes of it, as the other built-ins that build text are.
func charged(s string, gov any) (any, error) {
	g, err := govFrom(gov)
	if err != nil {
		return nil, err
	}
	if err := chargeText(g, s); err != nil {
		return nil, err
	}
	return s, nil
}

// chargeText charges a formatted number to g: twice its bytes (what it is
// built through) and a step for every 64 of them. The closures of num, pct
// and money charge through it too (native_format.go).
func chargeText(g *governor, s string) error {
	if err := g.chargeBytes(2 * int64(len(s))); err != nil {
		return err
	}
	return g.steps_(int64(len(s)) / 64)
}

// dateFuncs are date(t), date("2026-04-05"), words(d) and the hidden
// function behind today.
var dateFuncs = map[string]*hostFunc{
	"date": {name: "date", arities: []int{1}, withNow: true,
		types: []any{new(func(time.Time, time.Time) string), new(func(string, time.Time) time.Time)},
		fn: func(args ...any) (any, error) {
			now, _ := args[1].(time.Time)
			// A pointer to a time or a string, a named string: read as
			// the front end reads one whose type it knows.
			arg, err := dynamicNumber(args[0])
			if err != nil {
				return nil, fmt.Errorf("date: %w", err)
			}
			switch v := arg.(type) {
			case string:
				return dateLiteral(v, now.Location())
			case time.Time, nil:
				t, err := timeArg("date", v)
				if err != nil {
					return nil, err
				}
				if now.IsZero() {
					// The day is the evaluation time's zone's: without one
					// it would be UTC's, a zone the rule was never given.
					return nil, fmt.Errorf("date: the evaluation %w", errZeroTime)
				}
				// The day in the evaluation time's zone, the day the date
				// built-ins count in.
				return t.In(now.Location()).Format("2 Jan 2006"), nil
			}
			return nil, fmt.Errorf("date: argument is %s, want a time or a \"2006-01-02\" string", valueKind(args[0]))
		}},
	"words": {name: "words", arities: []int{1}, types: []any{new(func(time.Duration) string)},
		fn: func(args ...any) (any, error) {
			d, ok := args[0].(time.Duration)
			if !ok {
				// A pointer to a duration (in a map of any, say).
				if p, _, isPointer := valuePointee(reflect.ValueOf(args[0])); isPointer {
					d, ok = p.(time.Duration)
				}
			}
			if !ok {
				return nil, fmt.Errorf("words: argument is %s, want a duration", valueKind(args[0]))
			}
			return durationWords(d), nil
		}},
	todayFunc: {name: todayFunc, arities: []int{1}, types: []any{new(func(time.Time) time.Time)},
		fn: func(args ...any) (any, error) {
			now, _ := args[0].(time.Time)
			if now.IsZero() {
				return nil, fmt.Errorf("today: the evaluation %w", errZeroTime)
			}
			y, m, d := now.Date()
			return startOfDay(y, m, d, now.Location()), nil
		}},
}

// todayFunc is what the name today calls, with the evaluation time.
const todayFunc = "__today"

// localeFuncs are the formatting built-ins with the default locale: the
// rewriter reads their arities from here; each compile gives expr its own,
// with its locale (exprConfig).
var localeFuncs = func() map[string]*hostFunc {
	m := map[string]*hostFunc{}
	for _, f := range formatFuncs(&config{}) {
		m[f.name] = f
	}
	return m
}()

// dateLiteral reads "2026-04-05" as midnight of that day in loc. Years
// before 1000 are refused: year one is the zero time, which rules read as
// missing data.
func dateLiteral(s string, loc *time.Location) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("date: %q is not a date written 2006-01-02", s)
	}
	if t.Year() < 1000 {
		return time.Time{}, fmt.Errorf("date: %q is before the year 1000", s)
	}
	if loc == nil {
		loc = time.UTC
	}
	return startOfDay(t.Year(), t.Month(), t.Day(), loc), nil
}

// startOfDay is the first instant of a day in loc: its midnight, or where
// a change of clocks skips midnight (São Paulo on 4 Nov 2018 went from
// 23:59:59 to 01:00), the instant the day begins, never one of the day
// before (which time.Date gives for a midnight that does not exist).
func startOfDay(y int, m time.Month, d int, loc *time.Location) time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	sameDay := func(u time.Time) bool { uy, um, ud := u.Date(); return uy == y && um == m && ud == d }
	if sameDay(t) {
		if !sameDay(t.Add(-time.Second)) {
			return t
		}
		// Midnight came twice (clocks went back from 01:00 to 00:00):
		// time.Date gave the second; the day begins at the first,
		// within the hours a change of clocks can repeat.
		lo, hi := t.Add(-4*time.Hour), t
		for hi.Sub(lo) > time.Second {
			mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Second)
			if sameDay(mid) {
				hi = mid
			} else {
				lo = mid
			}
		}
		return hi
	}
	// t is in the day before: the day begins where its zone's offset
	// changes, within the hours a change of clocks can skip.
	lo, hi := t, t.Add(4*time.Hour)
	for hi.Sub(lo) > time.Second {
		mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Second)
		if my, mm, md := mid.Date(); my == y && mm == m && md == d {
			hi = mid
		} else {
			lo = mid
		}
	}
	return hi
}

// number writes x grouped with d decimals; d < 0 means none for a whole
// number, else 2.
func (l Locale) number(x float64, d int) string {
	if math.IsInf(x, 0) {
		if x < 0 {
			return "-∞"
		}
		return "∞"
	}
	if d < 0 {
		d = 2
		if x == math.Trunc(x) {
			d = 0
		}
	}
	return l.grouped(x < 0, strconv.FormatFloat(math.Abs(x), 'f', d, 64))
}

// integer writes i exactly, grouped, with d zero decimals.
func (l Locale) integer(i int, d int) string {
	digits := strconv.FormatUint(uint64(i), 10) // MinInt64's magnitude too
	if i < 0 {
		digits = strconv.FormatUint(-uint64(i), 10)
	}
	if d > 0 {
		digits += "." + strings.Repeat("0", d)
	}
	return l.grouped(i < 0, digits)
}

// grouped writes the digits s (strconv's, with a "." before decimals),
// grouped and with the locale's decimal mark, after a minus sign when
// negative and some digit is not zero: nothing that rounds to zero is
// written as -0.
func (l Locale) grouped(negative bool, s string) string {
	whole, frac, _ := strings.Cut(s, ".")
	sep := cmpOr(l.Thousands, ",")
	if sep == NoSeparator {
		sep = ""
	}
	var b strings.Builder
	if negative && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(cmpOr(l.Decimal, "."))
		b.WriteString(frac)
	}
	return b.String()
}

// money writes x (an int or a float64) in currency code: the sign is the
// written amount's, so -0.5 yen is ¥0 (or ¥-1 were it rounded so), and an
// infinite amount is ∞.
func (l Locale) money(x any, code string) string {
	c, known := currencies[code]
	if s, ok := l.Symbols[code]; ok {
		c.symbol, known = s, true
		if _, std := currencies[code]; !std {
			c.minor = 2
		}
	}
	if !known {
		c = currency{symbol: code + " ", minor: 2}
	}
	var n string
	switch v := x.(type) {
	case int:
		n = l.integer(v, c.minor)
	case float64:
		n = l.number(v, c.minor)
	}
	sign := ""
	if cut, ok := strings.CutPrefix(n, "-"); ok {
		sign, n = "-", cut
	}
	if l.SymbolAfter {
		return sign + n + " " + strings.TrimSpace(c.symbol)
	}
	return sign + c.symbol + n
}

// durationWords writes d in its two largest units: "3 days 4 hours",
// "45 minutes", "0 seconds".
func durationWords(d time.Duration) string {
	if d == 0 {
		return "0 seconds"
	}
	sign := ""
	if d < 0 {
		sign = "-"
		if d == math.MinInt64 {
			d++ // -MinInt64 does not fit; a nanosecond is below what is written
		}
		d = -d
	}
	units := []struct {
		name string
		size time.Duration
	}{{"day", 24 * time.Hour}, {"hour", time.Hour}, {"minute", time.Minute}, {"second", time.Second}}
	var parts []string
	for _, u := range units {
		if n := d / u.size; n > 0 {
			parts = append(parts, plural(int64(n), u.name))
			d -= n * u.size
		} else if len(parts) > 0 {
			break
		}
		if len(parts) == 2 {
			break
		}
	}
	if len(parts) == 0 {
		return sign + d.String()
	}
	return sign + strings.Join(parts, " ")
}

func plural(n int64, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.FormatInt(n, 10) + " " + unit + "s"
}

// templateNumber writes a number interpolated in a title or message
// without a built-in: never in exponent form, at most ten decimals,
// trailing zeros dropped, and zero without a sign.
func templateNumber(x float64) string {
	var buf [48]byte
	return string(appendTemplateNumber(buf[:0], x))
}

// appendTemplateNumber appends x to b as templateNumber writes it: a
// title's number is written into the title rather than made a string of
// its own first.
func appendTemplateNumber(b []byte, x float64) []byte {
	switch {
	case x != x:
		return append(b, "NaN"...)
	case math.IsInf(x, 1):
		return append(b, "∞"...)
	case math.IsInf(x, -1):
		return append(b, "-∞"...)
	}
	n := len(b)
	// Ten decimals always write a point: the zeros after it go, then
	// the point if nothing is left after it.
	b = strconv.AppendFloat(b, x, 'f', 10, 64)
	for b[len(b)-1] == '0' {
		b = b[:len(b)-1]
	}
	if b[len(b)-1] == '.' {
		b = b[:len(b)-1]
	}
	if string(b[n:]) == "-0" {
		b = append(b[:n], '0')
	}
	return b
}
