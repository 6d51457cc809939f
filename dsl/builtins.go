package dsl

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"strconv"
	"time"

	"github.com/expr-lang/expr/builtin"
)

// The date built-ins measure against the evaluation time passed to Eval,
// never the wall clock. Days and months are calendar units in the time zone
// of that evaluation time, so "two weeks from now" is 14 whatever the hour.
// A zero time.Time is treated as missing data: the built-in fails with an
// evaluation error rather than answering for the year 1.
var builtinFuncs = map[string]*hostFunc{
	"daysUntil":    dateFunc("daysUntil", func(t, now time.Time) int { return civilDays(now, t, now.Location()) }),
	"daysSince":    dateFunc("daysSince", func(t, now time.Time) int { return civilDays(t, now, now.Location()) }),
	"monthsSince":  dateFunc("monthsSince", func(t, now time.Time) int { return wholeMonths(t, now, now.Location()) }),
	"age":          dateFunc("age", func(t, now time.Time) int { return wholeMonths(t, now, now.Location()) / 12 }),
	"yearsBetween": {name: "yearsBetween", arities: []int{2}, types: []any{new(func(time.Time, time.Time) int)}, fn: yearsBetween},
	"clamp":        {name: "clamp", arities: []int{3}, types: []any{new(func(float64, float64, float64) float64)}, fn: clamp},
	"ratio":        {name: "ratio", arities: []int{2}, types: []any{new(func(float64, float64) float64)}, fn: ratio},
	"between":      {name: "between", arities: []int{3}, types: []any{new(func(float64, float64, float64) bool)}, fn: between},
}

// disabledExprBuiltins are expr built-ins a rule may not call: now reads the
// wall clock, timezone can load time-zone files (expr's date, which can
// too, is replaced by the registry's: format.go), and the
// serialisers would write out fields the environment hides (toJSON uses
// encoding/json's names, not the rules').
var disabledExprBuiltins = []string{"now", "timezone", "toJSON", "fromJSON", "toBase64", "fromBase64"}

// exprBuiltins is the set of expr's own built-in names that stay enabled.
var exprBuiltins = func() map[string]bool {
	m := map[string]bool{}
	for _, f := range builtin.Builtins {
		m[f.Name] = true
	}
	for _, name := range disabledExprBuiltins {
		delete(m, name)
	}
	return m
}()

var errZeroTime = errors.New("time is zero (missing)")

func dateFunc(name string, f func(t, now time.Time) int) *hostFunc {
	return &hostFunc{name: name, withNow: true, arities: []int{1}, date: f,
		types: []any{new(func(time.Time, time.Time) int)},
		fn: func(args ...any) (any, error) {
			t, err := timeArg(name, args[0])
			if err != nil {
				return nil, err
			}
			if now, _ := args[1].(time.Time); !now.IsZero() {
				return f(t, now), nil
			}
			return nil, fmt.Errorf("%s: the evaluation %w", name, errZeroTime)
		}}
}

// timeArg reads an argument of the date built-in name as a time: a time,
// or a pointer to one (in a map of any, say), as the front end reads one
// whose type it knows. A zero time, a nil pointer or a nil is missing
// data (errZeroTime); a value of another kind is an error that names it.
func timeArg(name string, v any) (time.Time, error) {
	t, ok := v.(time.Time)
	if !ok {
		if p, _, isPointer := valuePointee(reflect.ValueOf(v)); isPointer {
			v = p
		}
		switch x := v.(type) {
		case time.Time:
			t = x
		case nil:
		default:
			return time.Time{}, fmt.Errorf("%s: argument is %s, want a time", name, valueKind(v))
		}
	}
	if t.IsZero() {
		return time.Time{}, fmt.Errorf("%s: %w", name, errZeroTime)
	}
	return t, nil
}

// civilDays counts calendar days from one time to another, both read as
// dates in loc (the evaluation time's zone), so the count does not depend on
// the hour of either.
func civilDays(from, to time.Time, loc *time.Location) int {
	return int(dayNumber(to, loc) - dayNumber(from, loc))
}

// dayNumber is the number of the calendar day of t in loc, counted from the
// Unix epoch. It works on seconds rather than through time.Date because the
// date built-ins sit on the hot path of many rules.
func dayNumber(t time.Time, loc *time.Location) int64 {
	sec := t.Unix()
	if loc != time.UTC {
		_, offset := t.In(loc).Zone()
		sec += int64(offset)
	}
	day := sec / 86400
	if sec%86400 < 0 {
		day--
	}
	return day
}

// wholeMonths counts the whole calendar months from a to b, both read in
// loc (the evaluation time's zone: days and months are its calendar's): a
// month is complete on the same day of the month (or the month's last
// day).
func wholeMonths(a, b time.Time, loc *time.Location) int {
	if b.Before(a) {
		return -wholeMonths(b, a, loc)
	}
	a, b = a.In(loc), b.In(loc)
	y1, m1, d1 := a.Date()
	y2, m2, d2 := b.Date()
	months := (y2-y1)*12 + int(m2-m1)
	if d2 < d1 && d2 < daysIn(y2, m2) {
		months--
	}
	return months
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func yearsBetween(args ...any) (any, error) {
	a, err := timeArg("yearsBetween", args[0])
	if err != nil {
		return nil, err
	}
	b, err := timeArg("yearsBetween", args[1])
	if err != nil {
		return nil, err
	}
	return wholeMonths(a, b, a.Location()) / 12, nil // of two times alone: in the first's zone
}

// float2 and float3 read a built-in's numeric arguments without
// allocating: they sit on the hot path of many rules.
func float2(name string, args []any) (a, b float64, err error) {
	var ok bool
	if a, ok = toFloat(args[0]); !ok {
		return 0, 0, fmt.Errorf("%s: argument 1 is %T, want a number", name, args[0])
	}
	if b, ok = toFloat(args[1]); !ok {
		return 0, 0, fmt.Errorf("%s: argument 2 is %T, want a number", name, args[1])
	}
	return a, b, nil
}

func float3(name string, args []any) (a, b, c float64, err error) {
	if a, b, err = float2(name, args); err != nil {
		return 0, 0, 0, err
	}
	var ok bool
	if c, ok = toFloat(args[2]); !ok {
		return 0, 0, 0, fmt.Errorf("%s: argument 3 is %T, want a number", name, args[2])
	}
	return a, b, c, nil
}

// clamp(x, lo, hi) limits x to [lo, hi]. A NaN x stays NaN, so that it is
// caught as NaN rather than turned into a plausible bound.
func clamp(args ...any) (any, error) {
	x, lo, hi, err := float3("clamp", args)
	if err != nil {
		return nil, err
	}
	v, err := clampOf(x, lo, hi)
	if err != nil {
		return nil, err
	}
	return v, nil
}

func clampOf(x, lo, hi float64) (float64, error) {
	if lo > hi {
		return 0, fmt.Errorf("clamp: lower bound %v above upper bound %v", lo, hi)
	}
	if math.IsNaN(x) {
		return x, nil
	}
	return min(max(x, lo), hi), nil
}

// ratio(a, b) is a / b, and 0 when b is 0: a rule asking "what share of the
// target is covered" should read "none" for a zero target, not fail or
// produce ±Inf.
func ratio(args ...any) (any, error) {
	a, b, err := float2("ratio", args)
	if err != nil {
		return nil, err
	}
	return ratioOf(a, b), nil
}

func ratioOf(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// between(x, lo, hi) reports lo <= x <= hi. A NaN argument fails with
// ErrNaN, as a comparison with NaN does.
func between(args ...any) (any, error) {
	x, lo, hi, err := float3("between", args)
	if err != nil {
		return nil, err
	}
	if math.IsNaN(x) || math.IsNaN(lo) || math.IsNaN(hi) {
		return nil, fmt.Errorf("between: %w", errNaNValue)
	}
	return lo <= x && x <= hi, nil
}

// pct(x) formats a ratio as a percentage with at most one decimal
// ("42.5%", "50%"); pct(x, d) with at most d decimals; an integer of any
// type exactly ("300%", however large). Its last argument is the rule's
// governor, charged the text (formatFuncs).
func pct(args ...any) (any, error) {
	if i, ok := exactInt(args[0]); ok {
		if len(args) == 3 {
			if _, err := pctDecimals(args[1]); err != nil {
				return nil, err
			}
		}
		// An integer is written exactly: through a float64, 2^53+1
		// (times 100) would print as 2^53.
		return charged(pctInt(i), args[len(args)-1])
	}
	x, ok := toFloat(args[0])
	if !ok {
		return nil, fmt.Errorf("pct: argument 1 is %T, want a number", args[0])
	}
	if math.IsNaN(x) {
		return nil, fmt.Errorf("pct: %w", errNaNWritten)
	}
	decimals := 1
	if len(args) == 3 {
		var err error
		if decimals, err = pctDecimals(args[1]); err != nil {
			return nil, err
		}
	}
	return charged(formatPct(x, decimals), args[len(args)-1])
}

// pctDecimals reads pct's decimals: 0 to 10.
func pctDecimals(a any) (int, error) {
	d, ok := toFloat(a)
	if !ok || d < 0 || d > 10 {
		return 0, fmt.Errorf("pct: decimals must be between 0 and 10")
	}
	return int(d), nil
}

// pctInt writes a whole number of ratios as a percentage, exactly (its
// digits and two zeros: an int times 100 may not fit an int).
func pctInt(i int) string {
	if i == 0 {
		return "0%"
	}
	return strconv.Itoa(i) + "00%"
}

func formatPct(x float64, decimals int) string {
	// x·100 is rounded once, to the decimals: rounded to a float64
	// first, 0.0125 (a little over 1.25%) became 1.25 and then 1.2%. The
	// float64 product p is off by e (exact, by a fused multiply-add); the
	// exact value lies between p and its neighbour toward e, and when
	// both write alike, so does it. Else (a rounding boundary between
	// them, or an overflow past 1.8e306) it is written from the exact
	// product (a float64 times 100 needs at most 60 bits).
	//
	// It is written into buffers on the stack, the result the one
	// allocation (a title's pct(x) was three).
	var buf, near [48]byte
	p := x * 100
	b := strconv.AppendFloat(buf[:0], p, 'f', decimals, 64)
	if e := math.FMA(x, 100, -p); math.IsInf(x, 0) {
		b = append(b[:0], "∞"...) // as num, money and a title write it
		if x < 0 {
			b = append(b[:0], "-∞"...)
		}
	} else if math.IsInf(p, 0) || e != 0 && !bytes.Equal(strconv.AppendFloat(near[:0], math.Nextafter(p, math.Copysign(math.Inf(1), e)), 'f', decimals, 64), b) {
		b = new(big.Float).SetPrec(64).Mul(new(big.Float).SetFloat64(x), big.NewFloat(100)).Append(b[:0], 'f', decimals)
	}
	if bytes.IndexByte(b, '.') >= 0 {
		b = bytes.TrimRight(bytes.TrimRight(b, "0"), ".")
	}
	if string(b) == "-0" {
		b = append(b[:0], '0') // a share that rounds to nothing has no sign
	}
	return string(append(b, '%'))
}
