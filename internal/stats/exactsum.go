package stats

import (
	"math"
	"math/big"
)

// ExactSum adds float64s exactly: the sum is the same whatever the order
// of the additions, and is the exact total rounded once. Adding in order
// rounds at every step, so 1e17 + -1e17 + 1 is 1 in one order and 0 in
// another. The zero value is an empty sum. A NaN or an infinity added
// makes the sum what float64 addition makes it (NaN, ±Inf, and NaN for
// +Inf and -Inf together); the sum of finite values whose exact total is
// beyond the float64 range is ±Inf.
//
// It keeps the total in fixed point, 32 bits a limb, over the whole range
// of float64 (2,098 bits): an addition is a few integer additions, and the
// limbs are carried every 2^30 additions, before any could overflow.
type ExactSum struct {
	limbs [limbs]int64
	adds  int
	// nan, posInf and negInf record the values no limb can hold.
	nan, posInf, negInf bool
}

const (
	limbBits = 32
	// bias places 2^-1074, the least float64 magnitude, at bit 0.
	bias  = 1074
	limbs = (bias+1024)/limbBits + 3
)

// Add adds x.
func (s *ExactSum) Add(x float64) {
	switch {
	case x == 0:
		return
	case x != x:
		s.nan = true
		return
	case math.IsInf(x, 1):
		s.posInf = true
		return
	case math.IsInf(x, -1):
		s.negInf = true
		return
	}
	frac, exp := math.Frexp(x) // x = frac · 2^exp, 0.5 ≤ |frac| < 1
	m := int64(math.Ldexp(frac, 53))
	p := exp - 53 + bias // the bit m's lowest bit stands at
	if p < 0 {
		m >>= -p // subnormal: frac · 2^53 has trailing zeros below 2^-1074
		p = 0
	}
	neg := m < 0
	u := uint64(m)
	if neg {
		u = uint64(-m)
	}
	i, shift := p/limbBits, uint(p%limbBits)
	// u << shift spans up to 53 + 31 bits: three limbs.
	parts := [3]int64{
		int64(u << shift & (1<<limbBits - 1)),
		int64(u >> (limbBits - shift) & (1<<limbBits - 1)),
		int64(u >> (2*limbBits - shift)), // 0 when shift is 0: Go shifts out every bit
	}
	for k, v := range parts {
		if neg {
			v = -v
		}
		s.limbs[i+k] += v
	}
	if s.adds++; s.adds == 1<<30 {
		s.carry()
	}
}

// carry brings every limb back within 32 bits, the excess into the next.
func (s *ExactSum) carry() {
	for i := 0; i < limbs-1; i++ {
		c := s.limbs[i] >> limbBits // floor division: the limb keeps 0 ≤ v < 2^32
		s.limbs[i] -= c << limbBits
		s.limbs[i+1] += c
	}
	s.adds = 0
}

// Float64 is the sum, the exact total rounded to the nearest float64.
func (s *ExactSum) Float64() float64 {
	switch {
	case s.nan || s.posInf && s.negInf:
		return math.NaN()
	case s.posInf:
		return math.Inf(1)
	case s.negInf:
		return math.Inf(-1)
	}
	// Exact, then rounded once; an empty or cancelled sum is +0.
	f, _ := s.exact().Float64()
	return f + 0
}

// exact is the finite part of the sum, exactly.
func (s *ExactSum) exact() *big.Float {
	c := *s
	c.carry()
	total := new(big.Int)
	for i := limbs - 1; i >= 0; i-- {
		total.Lsh(total, limbBits)
		total.Add(total, big.NewInt(c.limbs[i]))
	}
	return new(big.Float).SetMantExp(new(big.Float).SetInt(total), -bias)
}

// Ratio is a's sum over b's, from the exact totals, rounded once: finite
// when both are finite sums and b's is not 0, even where a total itself is
// beyond the float64 range (a quotient beyond it is held to it). It is NaN when b's is 0 or either holds a NaN
// or an infinity.
func Ratio(a, b *ExactSum) float64 {
	if a.nan || a.posInf || a.negInf || b.nan || b.posInf || b.negInf {
		return math.NaN()
	}
	den := b.exact()
	if den.Sign() == 0 {
		return math.NaN()
	}
	num := a.exact()
	num.SetPrec(2200).Quo(num.SetPrec(2200), den)
	f, _ := num.Float64()
	// A quotient beyond the float64 range (1e200 over 1e-200) is held
	// to the largest float64 of its sign: finite, as promised.
	return max(-math.MaxFloat64, min(f, math.MaxFloat64)) + 0
}
