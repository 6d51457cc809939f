package engagement_test

import (
	"errors"
	"math"
	"testing"

	"github.com/engagekit/engagekit/engagement"
	"github.com/engagekit/engagekit/internal/stats"
	"pgregory.net/rapid"
)

// TestPowerMDE: the planning functions invert one another. For 50% →
// 60% at α = 0.05 and 80% power the Fleiss formula (without continuity
// correction), recomputed here from it, asks 387.3 → 388 clients per
// arm, the figure tables of the normal-approximation size give; 388
// clients then have power just over 0.8, and the MDE of 388 clients at
// 50% is just under ten points.
func TestPowerMDE(t *testing.T) {
	za, zb := 1.959963984540054, 0.8416212335729143
	want := math.Pow(za*math.Sqrt(2*0.55*0.45)+zb*math.Sqrt(0.25+0.24), 2) / 0.01
	n, err := engagement.SampleSize(0.5, 0.6, 0.05, 0.8)
	if err != nil || n != 388 || math.Ceil(want) != 388 {
		t.Fatalf("SampleSize(0.5, 0.6) = %d, %v; formula %v", n, err, want)
	}
	pw, err := engagement.Power(0.5, 0.6, 388, 0.05)
	if err != nil || pw < 0.8 || pw > 0.802 {
		t.Errorf("Power(388) = %v, %v", pw, err)
	}
	d, err := engagement.MDE(0.5, 388, 0.05, 0.8)
	if err != nil || d > 0.1 || d < 0.099 {
		t.Errorf("MDE(388) = %v, %v", d, err)
	}
	// Round trips over a grid: Power at the MDE is the power asked, and
	// SampleSize at the MDE is n.
	for _, base := range []float64{0.01, 0.1, 0.3, 0.5, 0.9} {
		for _, n := range []int{50, 1000, 100000} {
			for _, pow := range []float64{0.5, 0.8, 0.95} {
				d, err := engagement.MDE(base, n, 0.05, pow)
				if top, _ := engagement.Power(base, 1, n, 0.05); err != nil || top < pow {
					// Only when even a rise to a rate of 1 is not
					// detectable is there no MDE.
					if (err == nil) != (top >= pow) {
						t.Errorf("MDE(%v, %d, %v): %v, power of a rise to 1 is %v", base, n, pow, err, top)
					}
					continue
				}
				if got, _ := engagement.Power(base, base+d, n, 0.05); math.Abs(got-pow) > 1e-6 {
					t.Errorf("Power at MDE(%v, %d, %v) = %v", base, n, pow, got)
				}
				if got, _ := engagement.SampleSize(base, base+d, 0.05, pow); got != n && got != n+1 {
					t.Errorf("SampleSize at MDE(%v, %d, %v) = %d", base, n, pow, got)
				}
			}
		}
	}
	bad := []error{
		second(engagement.Power(0.1, 0.1, 100, 0.05)), second(engagement.Power(-0.1, 0.2, 100, 0.05)),
		second(engagement.Power(0.1, 0.2, 0, 0.05)), second(engagement.Power(0.1, 0.2, 100, 1)),
		second(engagement.MDE(1, 100, 0.05, 0.8)), second(engagement.MDE(math.NaN(), 100, 0.05, 0.8)),
		second(engagement.MDE(0.1, 0, 0.05, 0.8)), second(engagement.MDE(0.1, 100, 0, 0.8)),
		second(engagement.MDE(0.1, 100, 0.05, 1)), second(engagement.MDE(0.9, 3, 0.05, 0.99)),
	}
	for i, err := range bad {
		if !errors.Is(err, engagement.ErrInvalidOption) {
			t.Errorf("case %d: %v", i, err)
		}
	}
}

// SampleSize is the least n whose Power reaches the power asked, for any
// rates, alpha and power (a power so low that one client reaches it, an
// alpha so small that 1 − α/2 rounds to 1, rates of 0 and 1 included).
func TestSampleSizeIsTheLeastPoweredN(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		rate := rapid.SampledFrom([]float64{0, 1, 0.5, 0.01, 0.99})
		base := rapid.OneOf(rate, rapid.Float64Range(0, 1)).Draw(t, "base")
		target := rapid.OneOf(rate, rapid.Float64Range(0, 1)).Draw(t, "target")
		alpha := rapid.OneOf(rapid.SampledFrom([]float64{1e-20, 1e-12, 0.05, 0.9}), rapid.Float64Range(1e-9, 0.999)).Draw(t, "alpha")
		power := rapid.OneOf(rapid.SampledFrom([]float64{0.001, 0.5, 0.8}), rapid.Float64Range(0.001, 0.999)).Draw(t, "power")
		n, err := engagement.SampleSize(base, target, alpha, power)
		if base == target {
			if err == nil {
				t.Fatalf("equal rates: %d", n)
			}
			return
		}
		if err != nil {
			if errors.Is(err, engagement.ErrInvalidOption) && n == 0 {
				return // beyond an int
			}
			t.Fatal(err)
		}
		got, err := engagement.Power(base, target, n, alpha)
		if err != nil || got < power-1e-9 {
			t.Fatalf("Power(%v, %v, n = %d, α %v) = %v, %v; SampleSize asked %d for power %v", base, target, n, alpha, got, err, n, power)
		}
		if n > 1 {
			if less, _ := engagement.Power(base, target, n-1, alpha); less >= power+1e-9 {
				t.Fatalf("n − 1 = %d clients already have power %v ≥ %v", n-1, less, power)
			}
		}
	})
}

// TestPropertyMDEIsTheLeastRise holds MDE to its definition at any power,
// the low ones included (where the clients the formula needs do not fall
// steadily as the rise grows): n clients detect its rise, and none of a
// dense sample of smaller rises.
func TestPropertyMDEIsTheLeastRise(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		base := rapid.SampledFrom([]float64{0, 0.01, 0.1, 0.3, 0.5, 0.9, 0.99}).Draw(t, "base")
		n := rapid.IntRange(1, 2000).Draw(t, "n")
		alpha := rapid.SampledFrom([]float64{0.01, 0.05, 0.1, 0.5}).Draw(t, "alpha")
		power := rapid.SampledFrom([]float64{0.01, 0.1, 0.2, 0.3, 0.5, 0.8, 0.95}).Draw(t, "power")
		d, err := engagement.MDE(base, n, alpha, power)
		const steps = 20_000
		need := func(d float64) float64 { return stats.SampleSizeFloat(base, base+d, alpha, power) }
		if err != nil {
			for k := 1; k <= steps; k++ {
				if d := (1 - base) * float64(k) / steps; need(d) <= float64(n) {
					t.Fatalf("MDE(%v, %d, %v, %v): %v; yet a rise of %v needs %v clients", base, n, alpha, power, err, d, need(d))
				}
			}
			return
		}
		if need(d) > float64(n) {
			t.Fatalf("MDE(%v, %d, %v, %v) = %v needs %v clients", base, n, alpha, power, d, need(d))
		}
		for k := 1; k <= steps; k++ {
			if e := d * float64(k) / steps; e < d-1e-9 && need(e) <= float64(n) {
				t.Fatalf("MDE(%v, %d, %v, %v) = %v, yet the smaller rise %v needs %v clients", base, n, alpha, power, d, e, need(e))
			}
		}
	})
}
