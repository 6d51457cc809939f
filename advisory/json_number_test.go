package advisory

import (
	"encoding/json"
	"math"
	"math/big"
	"reflect"
	"strings"
	"testing"
)

// TestSameJSONNumber: a json.Number agrees with another, or an integer,
// of the same decimal value, and with a float64 it reads as.
func TestSameJSONNumber(t *testing.T) {
	cases := []struct {
		a, b any
		want bool
	}{
		{json.Number("100"), json.Number("1e2"), true},
		{json.Number("1.00E+2"), json.Number("100"), true},
		{json.Number("-0"), json.Number("0.0e5"), true},
		{json.Number("1.50"), json.Number("1.5"), true},
		{json.Number("10e-1"), json.Number("1"), true},
		{json.Number("0.1"), json.Number("0.10000000000000000001"), false},
		{json.Number("100"), 100, true},
		{json.Number("100"), uint8(100), true},
		{json.Number("-1"), uint64(math.MaxUint64), false},
		{json.Number("9223372036854775807"), int64(math.MaxInt64), true},
		{json.Number("9007199254740993"), 9007199254740993, true},
		{json.Number("9007199254740993"), 9007199254740992, false},
		{json.Number("0.5"), 0.5, true},
		{json.Number("0.1"), 0.1, true},
		{json.Number("0.10000000000000000001"), 0.1, true}, // reads as 0.1
		{json.Number("1e999"), math.MaxFloat64, false},
		{json.Number("1e9223372036854775807"), json.Number("1e9223372036854775807"), true},
		{json.Number("10e9223372036854775807"), json.Number("1e9223372036854775808"), false}, // unreadable exponents: as texts
		{json.Number("100"), "100", false},
		{json.Number("1"), true, false},
	}
	for _, c := range cases {
		for _, pair := range [][2]any{{c.a, c.b}, {c.b, c.a}} {
			if got := same(pair[0], pair[1]); got != c.want {
				t.Errorf("same(%T(%v), %T(%v)) = %v, want %v", pair[0], pair[0], pair[1], pair[1], got, c.want)
			}
		}
	}
}

// FuzzCanonicalDecimal holds the decimal comparison of two JSON numbers
// to exact rationals (math/big), on numbers whose exponents keep the
// rationals small.
func FuzzCanonicalDecimal(f *testing.F) {
	for _, s := range [][2]string{{"100", "1e2"}, {"-0", "0"}, {"1.50", "15e-1"}, {"0.001", "1E-3"}, {"12", "12.000001"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, x, y string) {
		if len(x) > 40 || len(y) > 40 || jsonNumber(json.Number(x)) != nil || jsonNumber(json.Number(y)) != nil || x == "" || y == "" {
			return
		}
		if !smallExponent(x) || !smallExponent(y) {
			return
		}
		rx, okX := new(big.Rat).SetString(x)
		ry, okY := new(big.Rat).SetString(y)
		if !okX || !okY {
			t.Fatalf("big.Rat cannot read %q or %q", x, y)
		}
		want := rx.Cmp(ry) == 0
		if got, _ := sameJSONNumber(reflect.ValueOf(json.Number(x)), reflect.ValueOf(json.Number(y))); got != want {
			t.Errorf("%q against %q: %v, want %v", x, y, got, want)
		}
	})
}

// smallExponent says whether a JSON number's exponent is within ±400.
func smallExponent(s string) bool {
	_, e, found := strings.Cut(strings.ToLower(s), "e")
	if !found {
		return true
	}
	e = strings.TrimLeft(strings.TrimLeft(e, "+-"), "0")
	return len(e) < 3 || len(e) == 3 && e <= "400"
}
