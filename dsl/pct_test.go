package dsl

import (
	"math"
	"math/big"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// TestPropertyPctRoundsOnce holds pct to the exact product x·100 rounded
// once to its decimals (math/big), on floats of every size and on the
// near-ties where rounding the product to a float64 first went wrong.
func TestPropertyPctRoundsOnce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var x float64
		if rapid.Bool().Draw(t, "near a tie") {
			k := rapid.IntRange(-100000, 100000).Draw(t, "k")
			x = math.Nextafter((float64(k)+0.5)/1000, rapid.Float64().Draw(t, "toward"))
		} else {
			x = rapid.Float64().Draw(t, "x")
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return
		}
		d := rapid.IntRange(0, 4).Draw(t, "decimals")
		want := new(big.Float).SetPrec(64).Mul(new(big.Float).SetFloat64(x), big.NewFloat(100)).Text('f', d)
		if strings.Contains(want, ".") {
			want = strings.TrimRight(strings.TrimRight(want, "0"), ".")
		}
		if want == "-0" {
			want = "0"
		}
		if got := formatPct(x, d); got != want+"%" {
			t.Fatalf("formatPct(%v, %d) = %q, want %q", x, d, got, want+"%")
		}
	})
}
