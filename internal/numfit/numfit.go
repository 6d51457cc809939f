// Package numfit is the one rule for whether a number converts to a Go
// number type unchanged, shared by dsl (an argument given to a host
// function's or a method's parameter) and advisory (a source's value
// decoded into a client file's field), so that one value never fits one
// path and not the other.
//
// A number fits a type when the type holds it exactly, but for a float
// into a float32, which holds the nearest float32 (floats are rounded by
// nature) as long as that is neither infinite where the value was not
// (overflow) nor zero where the value was not (underflow). An integer
// into a float type must survive the round trip (2^24+1 does not fit a
// float32); a float into an integer type must be whole and in range; a
// NaN fits a float type only.
package numfit

import (
	"math"
	"reflect"
)

// Misfit says why a number does not fit a type; Fits when it does.
type Misfit uint8

// The misfits.
const (
	Fits Misfit = iota
	// Overflow: beyond the type's range.
	Overflow
	// NotWhole: a fraction for an integer type.
	NotWhole
	// Inexact: an integer a float type would round.
	Inexact
	// Underflow: a float so small that a float32 would hold it as zero.
	Underflow
	// NaN: a NaN for an integer type.
	NaN
)

var misfitText = [...]string{"fits", "overflows", "is not a whole number", "loses precision", "underflows", "is NaN"}

// String says the misfit as a predicate of the number: "overflows".
func (m Misfit) String() string {
	if int(m) < len(misfitText) {
		return misfitText[m]
	}
	return "does not fit"
}

// Check says whether the number v (of any integer or float kind) fits
// type t (of any integer or float kind).
func Check(v reflect.Value, t reflect.Type) Misfit {
	z := reflect.New(t).Elem()
	switch {
	case v.CanInt():
		i := v.Int()
		switch {
		case z.CanInt():
			return when(z.OverflowInt(i), Overflow)
		case z.CanUint():
			return when(i < 0 || z.OverflowUint(uint64(i)), Overflow)
		}
		f := float64(i)
		return when(f >= 1<<63 || int64(f) != i || t.Kind() == reflect.Float32 && int64(float32(f)) != i, Inexact)
	case v.CanUint():
		u := v.Uint()
		switch {
		case z.CanInt():
			return when(u > math.MaxInt64 || z.OverflowInt(int64(u)), Overflow)
		case z.CanUint():
			return when(z.OverflowUint(u), Overflow)
		}
		f := float64(u)
		return when(f >= 1<<64 || uint64(f) != u || t.Kind() == reflect.Float32 && uint64(float32(f)) != u, Inexact)
	}
	f := v.Float()
	switch {
	case z.CanFloat():
		if t.Kind() == reflect.Float32 && !math.IsInf(f, 0) && !math.IsNaN(f) {
			g := float32(f)
			switch {
			case math.IsInf(float64(g), 0):
				return Overflow
			case g == 0 && f != 0:
				return Underflow
			}
		}
		return Fits
	case math.IsNaN(f):
		return NaN
	case math.IsInf(f, 0):
		return Overflow
	case f != math.Trunc(f):
		return NotWhole
	case z.CanInt():
		return when(f < -(1<<63) || f >= 1<<63 || z.OverflowInt(int64(f)), Overflow)
	}
	return when(f < 0 || f >= 1<<64 || z.OverflowUint(uint64(f)), Overflow)
}

func when(bad bool, m Misfit) Misfit {
	if bad {
		return m
	}
	return Fits
}
