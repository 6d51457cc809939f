package stats

import (
	"math"
	"math/big"
	"strconv"
)

// Decimal is f read as the decimal a person wrote for it, the shortest
// that rounds to f (0.4, not 0.40000000000000002220446…), as an exact
// rational; ok is false for NaN and infinities. A threshold a host sets
// as a share or a factor is compared in it exactly, so that a count at
// the threshold is on it, whatever the float's last bit says.
func Decimal(f float64) (r *big.Rat, ok bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, false
	}
	return new(big.Rat).SetString(strconv.FormatFloat(f, 'g', -1, 64))
}
