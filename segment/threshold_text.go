package segment

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"

	"github.com/engagekit/engagekit/internal/stats"
)

// ErrThresholdText is the cause of [Threshold.UnmarshalText]'s error for
// text it cannot read as a threshold.
var ErrThresholdText = errors.New(`segment: a threshold is "≥ v" (or ">= v") or "top p%"`)

// MarshalText writes the threshold as its String does, "≥ 1000" or
// "top 40%", exactly: UnmarshalText reads it back to the same threshold
// (a share as the decimal Top reads it; a value, or a share Top refuses,
// as the shortest decimal that is its float64), so a [Grid] kept as JSON
// or in a config file is the grid it was.
func (t Threshold) MarshalText() ([]byte, error) {
	if !t.isTop {
		return []byte("≥ " + strconv.FormatFloat(t.value, 'g', -1, 64)), nil
	}
	if pct, ok := stats.Decimal(t.raw); ok && !math.IsInf(t.raw, 0) && t.raw != 0 {
		return []byte("top " + ratDecimal(pct.Mul(pct, big.NewRat(100, 1))) + "%"), nil
	}
	return []byte("top " + strconv.FormatFloat(t.raw, 'g', -1, 64) + "%"), nil // NaN, ±Inf, ±0: refused when resolved
}

// UnmarshalText reads the text MarshalText writes: "≥ v" or ">= v" for
// [At](v), "top p%" for [Top](p/100), the share worked out exactly from
// the decimal p (so "top 55%" is Top(0.55)).
func (t *Threshold) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if rest, ok := cutAnyPrefix(s, "≥", ">="); ok {
		v, err := strconv.ParseFloat(strings.TrimSpace(rest), 64)
		if err != nil {
			return fmt.Errorf("%w: %q", ErrThresholdText, s)
		}
		*t = At(v)
		return nil
	}
	rest, ok := strings.CutPrefix(s, "top")
	if !ok {
		return fmt.Errorf("%w: %q", ErrThresholdText, s)
	}
	pct, ok := strings.CutSuffix(strings.TrimSpace(rest), "%")
	if !ok || pct == "" {
		return fmt.Errorf("%w: %q", ErrThresholdText, s)
	}
	pct = strings.TrimSpace(pct)
	if f, err := strconv.ParseFloat(pct, 64); err == nil && (math.IsNaN(f) || math.IsInf(f, 0) || f == 0) {
		*t = Top(f / 100) // refused when resolved, as Top(NaN) is (-0 kept)
		return nil
	}
	r, ok := decimalRat(pct)
	if !ok {
		return fmt.Errorf("%w: %q", ErrThresholdText, s)
	}
	share, _ := r.Quo(r, big.NewRat(100, 1)).Float64() // the decimal p/100, rounded once
	*t = Top(share)
	return nil
}

// decimalRat reads a decimal number ("55", "-0.5", "1.7e310") exactly,
// its exponent within what a float64's decimal needs: a rational of a
// number written with a huge exponent is a huge integer to build.
func decimalRat(s string) (*big.Rat, bool) {
	if len(s) > 2048 || strings.ContainsAny(s, "/_") {
		return nil, false
	}
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		exp, err := strconv.Atoi(s[i+1:])
		if err != nil || exp < -1100 || exp > 1100 {
			return nil, false
		}
	}
	return new(big.Rat).SetString(s)
}

// cutAnyPrefix is strings.CutPrefix with the first of prefixes s has.
func cutAnyPrefix(s string, prefixes ...string) (string, bool) {
	for _, p := range prefixes {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return rest, true
		}
	}
	return s, false
}
