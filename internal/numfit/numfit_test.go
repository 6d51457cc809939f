package numfit

import (
	"math"
	"reflect"
	"testing"

	"pgregory.net/rapid"
)

func TestCheckTable(t *testing.T) {
	f32, i8, u8, i64, u64, f64 := reflect.TypeFor[float32](), reflect.TypeFor[int8](), reflect.TypeFor[uint8](),
		reflect.TypeFor[int64](), reflect.TypeFor[uint64](), reflect.TypeFor[float64]()
	for _, c := range []struct {
		v    any
		t    reflect.Type
		want Misfit
	}{
		{-128, i8, Fits}, {128, i8, Overflow}, {-1, u8, Overflow}, {255, u8, Fits},
		{2.5, i8, NotWhole}, {math.NaN(), i8, NaN}, {math.Inf(1), i64, Overflow}, {math.NaN(), f32, Fits},
		{1 << 24, f32, Fits}, {1<<24 + 1, f32, Inexact}, {int64(1<<53 + 1), f64, Inexact}, {uint64(math.MaxUint64), f64, Inexact},
		{uint64(math.MaxUint64), u64, Fits}, {uint64(math.MaxUint64), i64, Overflow},
		{1e-50, f32, Underflow}, {-1e-50, f32, Underflow}, {1e-40, f32, Fits}, {0.1, f32, Fits}, {math.Copysign(0, -1), f32, Fits},
		{1e39, f32, Overflow}, {math.MaxFloat32 * (1 + 1.0/(1<<25)), f32, Fits}, {math.Inf(-1), f32, Fits},
		{9.3e18, i64, Overflow}, {-9.223372036854775808e18, i64, Fits},
	} {
		if got := Check(reflect.ValueOf(c.v), c.t); got != c.want {
			t.Errorf("Check(%v %T, %v) = %v; want %v", c.v, c.v, c.t, got, c.want)
		}
	}
}

// What fits converts and converts back unchanged (a float into a float32
// to its nearest float32).
func TestFitsRoundTrips(t *testing.T) {
	types := []reflect.Type{reflect.TypeFor[int8](), reflect.TypeFor[uint16](), reflect.TypeFor[int64](),
		reflect.TypeFor[uint64](), reflect.TypeFor[float32](), reflect.TypeFor[float64]()}
	rapid.Check(t, func(rt *rapid.T) {
		var v reflect.Value
		switch rapid.IntRange(0, 2).Draw(rt, "kind") {
		case 0:
			v = reflect.ValueOf(rapid.Int64().Draw(rt, "i"))
		case 1:
			v = reflect.ValueOf(rapid.Uint64().Draw(rt, "u"))
		default:
			v = reflect.ValueOf(rapid.Float64().Draw(rt, "f"))
		}
		to := rapid.SampledFrom(types).Draw(rt, "t")
		if Check(v, to) != Fits || v.CanFloat() && to.Kind() == reflect.Float32 || v.CanFloat() && math.IsNaN(v.Float()) {
			return
		}
		back := v.Convert(to).Convert(v.Type())
		if back.Interface() != v.Interface() {
			rt.Fatalf("%v (%v) fits %v but converts back as %v", v, v.Type(), to, back)
		}
	})
}
