package advisory

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// A json.Number is a number written as JSON text (what a feed decoded
// with json.Decoder.UseNumber holds): a record compares it as the number
// it writes, not as its text, so "1e2", "100" and the int 100 agree.
// Against an integer or another json.Number it is compared exactly, as
// decimals; against a float64 as the float64 it reads as (correctly
// rounded), the form the other source's value took when it was read.

var jsonNumberType = reflect.TypeFor[json.Number]()

// sameJSONNumber compares two values of which one at least is a
// json.Number; ok is false when neither is.
func sameJSONNumber(a, b reflect.Value) (same, ok bool) {
	if b.Type() == jsonNumberType && a.Type() != jsonNumberType {
		a, b = b, a
	}
	if a.Type() != jsonNumberType {
		return false, false
	}
	text := a.String()
	switch {
	case b.Type() == jsonNumberType:
		return sameDecimal(text, b.String()), true
	case b.CanInt():
		return sameDecimal(text, strconv.FormatInt(b.Int(), 10)), true
	case b.CanUint():
		return sameDecimal(text, strconv.FormatUint(b.Uint(), 10)), true
	case b.CanFloat():
		f, err := strconv.ParseFloat(text, 64)
		return err == nil && f == b.Float(), true
	}
	return false, true
}

// sameDecimal compares two JSON numbers' texts as decimals, exactly; two
// it cannot read (an exponent beyond int64) agree only as texts.
func sameDecimal(x, y string) bool {
	cx, okX := canonicalDecimal(x)
	cy, okY := canonicalDecimal(y)
	if !okX || !okY {
		return x == y
	}
	return cx == cy
}

// canonicalDecimal writes a JSON number as its sign, its significant
// digits without leading or trailing zeros, and the exponent of the last
// of them: "100", "1e2" and "1.00E+2" are all "1e2", and every zero is
// "0".
func canonicalDecimal(s string) (string, bool) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mantissa, exponent, _ := strings.Cut(strings.ToLower(s), "e")
	exp := int64(0)
	if exponent != "" {
		e, err := strconv.ParseInt(exponent, 10, 64)
		if err != nil {
			return "", false
		}
		exp = e
	}
	whole, frac, _ := strings.Cut(mantissa, ".")
	digits := strings.TrimLeft(whole+frac, "0")
	if digits == "" {
		return "0", true
	}
	trimmed := strings.TrimRight(digits, "0")
	shift := int64(len(digits)-len(trimmed)) - int64(len(frac))
	if exp > 0 && shift > 0 && exp > (1<<63-1)-shift || exp < 0 && shift < 0 && exp < -(1<<63)-shift {
		return "", false
	}
	sign := ""
	if neg {
		sign = "-"
	}
	return sign + trimmed + "e" + strconv.FormatInt(exp+shift, 10), true
}

// jsonNumberValue reads a json.Number as an int64 or a uint64 where the
// decimal it writes is one exactly ("9007199254740993", and
// "9007199254740993.0" and "1e2" too), else as a float64, correctly
// rounded: -0 is a float's negative zero, as encoding/json reads it, and
// a number so small that a float64 would hold it as zero is refused, as
// one so large it would be infinite is. (wholeDecimal says whether a
// float64 it gives was a whole number before it was rounded.)
func jsonNumberValue(n json.Number) (any, error) {
	s := string(n)
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		if i == 0 && strings.HasPrefix(s, "-") {
			return math.Copysign(0, -1), nil
		}
		return i, nil
	}
	if u, err := strconv.ParseUint(s, 10, 64); err == nil {
		return u, nil
	}
	c, exact := canonicalDecimal(s)
	if digits, exp, ok := strings.Cut(c, "e"); exact && ok && !strings.HasPrefix(exp, "-") && len(exp) <= 2 {
		if e, _ := strconv.Atoi(exp); len(strings.TrimPrefix(digits, "-"))+e <= 20 {
			whole := digits + strings.Repeat("0", e)
			if i, err := strconv.ParseInt(whole, 10, 64); err == nil {
				return i, nil
			}
			if u, err := strconv.ParseUint(whole, 10, 64); err == nil {
				return u, nil
			}
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil && !errors.Is(err, strconv.ErrRange) || math.IsInf(f, 0):
		return nil, fmt.Errorf("%q is not a number a float64 holds", s)
	case f == 0 && exact && c != "0":
		return nil, fmt.Errorf("%q underflows a float64: it would be read as 0", s)
	case f == 0 && strings.HasPrefix(s, "-"):
		return math.Copysign(0, -1), nil
	}
	return f, nil
}

// wholeDecimal reports whether the JSON number s is a whole number, as it
// is written, before any rounding: 0.99999999999999999 is not, though
// the float64 it reads as is 1.
func wholeDecimal(s string) bool {
	c, ok := canonicalDecimal(s)
	if !ok {
		return false
	}
	_, exp, _ := strings.Cut(c, "e")
	return c == "0" || !strings.HasPrefix(exp, "-")
}
