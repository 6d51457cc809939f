package advisorytest

import (
	"reflect"
	"time"

	"pgregory.net/rapid"
)

// Files returns a rapid generator of client files of type Env (a struct),
// built field by field from its type: numbers at, just below and just above
// the boundaries or anywhere in a plausible range; times at, before and
// after now plus or minus a boundary's days (and years, for birth dates);
// strings the rules compare with; optional pointers sometimes nil. Slices,
// maps and interfaces are left empty. Generated values never include NaN or
// zero times, which rules report as errors by design.
func Files[Env any](b Boundaries, now time.Time) *rapid.Generator[Env] {
	return rapid.Custom(func(t *rapid.T) Env {
		var env Env
		fill(t, reflect.ValueOf(&env).Elem(), b, now, "file", 0)
		return env
	})
}

var timeType = reflect.TypeFor[time.Time]()

func fill(t *rapid.T, v reflect.Value, b Boundaries, now time.Time, label string, depth int) {
	switch {
	case v.Type() == timeType:
		v.Set(reflect.ValueOf(genTime(t, b, now, label)))
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i), b, now, label+"."+v.Type().Field(i).Name, depth)
			}
		}
	case v.Kind() == reflect.Pointer:
		if depth < 4 && rapid.IntRange(0, 3).Draw(t, label+"?") > 0 {
			p := reflect.New(v.Type().Elem())
			fill(t, p.Elem(), b, now, label, depth+1)
			v.Set(p)
		}
	case v.Kind() == reflect.Bool:
		v.SetBool(rapid.Bool().Draw(t, label))
	case v.Kind() == reflect.String:
		v.SetString(genString(t, b, label))
	case v.CanInt():
		v.SetInt(int64(genNumber(t, b, label, 1)))
	case v.CanUint():
		v.SetUint(uint64(max(0, genNumber(t, b, label, 1))))
	case v.CanFloat():
		v.SetFloat(genNumber(t, b, label, 0.01))
	}
}

// genNumber is a boundary, just beside one (by step), or a plain value.
func genNumber(t *rapid.T, b Boundaries, label string, step float64) float64 {
	if len(b.Numbers) > 0 && rapid.IntRange(0, 3).Draw(t, label+"#near") > 0 {
		v := rapid.SampledFrom(b.Numbers).Draw(t, label+"#boundary")
		return v + step*float64(rapid.IntRange(-1, 1).Draw(t, label+"#side"))
	}
	if step < 1 {
		return rapid.Float64Range(0, 1.5).Draw(t, label+"#ratio")
	}
	return float64(rapid.IntRange(0, 100).Draw(t, label+"#plain"))
}

func genString(t *rapid.T, b Boundaries, label string) string {
	if len(b.Strings) > 0 && rapid.Bool().Draw(t, label+"#known") {
		return rapid.SampledFrom(b.Strings).Draw(t, label)
	}
	return rapid.SampledFrom([]string{"", "x", "other"}).Draw(t, label)
}

// genTime places a time around now by a boundary's days (days until or
// since a date) or years (ages), one day either side.
func genTime(t *rapid.T, b Boundaries, now time.Time, label string) time.Time {
	n := int(genNumber(t, b, label, 1))
	sign := rapid.SampledFrom([]int{-1, 1}).Draw(t, label+"#dir")
	if rapid.Bool().Draw(t, label+"#years") {
		return now.AddDate(sign*n, 0, rapid.IntRange(-1, 1).Draw(t, label+"#day"))
	}
	return now.AddDate(0, 0, sign*n)
}
