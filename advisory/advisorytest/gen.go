package advisorytest

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"pgregory.net/rapid"
)

// Files returns a rapid generator of client files of type Env (a struct),
// built field by field from its type, as [FilesWith] does without options.
func Files[Env any](b Boundaries, now time.Time) *rapid.Generator[Env] {
	g, _ := FilesWith[Env](b, now) // without options it cannot fail
	return g
}

// FilesWith returns a rapid generator of client files of type Env (a
// struct), built field by field from its type, in this order:
//   - a field named by [WithField], or of a type named by [WithType], is
//     drawn from that option's generator (a field's option first);
//   - numbers are at, just below or just above the boundaries, or anywhere
//     in a plausible range; times are at, before or after now by a
//     boundary's days (and years, for birth dates); a time.Duration is a
//     boundary's (or a small) number of minutes, hours or days, never a
//     few nanoseconds;
//   - strings are those the rules compare with, or a few others;
//   - structs are filled field by field; optional pointers are sometimes
//     nil; slices and maps get 0 to 3 elements (see [WithLen]), each
//     generated as a field of the element's type, string map keys from
//     the names and strings the rules use (Boundaries.Keys and Strings),
//     and a file 2,000 elements and pointers at most in all (a type that
//     holds lists of itself stays small);
//     arrays are filled whole;
//     interfaces, channels and functions are left nil.
//
// Generated values never include NaN or zero times, which rules report as
// errors by design. An option that names no field of Env, or a generator
// whose type is not the field's, is an error: the options are checked
// here, never by a panic while drawing.
func FilesWith[Env any](b Boundaries, now time.Time, opts ...Option) (*rapid.Generator[Env], error) {
	cfg := genConfig{b: b, now: now, maxLen: 3, fields: map[string]*override{}, types: map[reflect.Type]*override{}}
	t := reflect.TypeFor[Env]()
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("advisorytest: %s is not a struct", t)
	}
	for _, o := range opts {
		if err := o.apply(&cfg, t); err != nil {
			return nil, err
		}
	}
	return rapid.Custom(func(rt *rapid.T) Env {
		var env Env
		draw := cfg // the options are shared; the element budget is the file's
		draw.left = maxElements
		draw.fill(rt, reflect.ValueOf(&env).Elem(), "", "file", 0)
		return env
	}), nil
}

// maxElements bounds the elements of slices and maps and the pointers one
// file is drawn with, all told: WithLen bounds each list, and a type that
// holds lists of itself (a household of people, each advising others)
// would otherwise be drawn with up to 100 to the fourth.
const maxElements = 2000

// Option tunes [FilesWith]. Only this package's functions make options.
type Option interface {
	apply(cfg *genConfig, env reflect.Type) error
}

type optionFunc func(cfg *genConfig, env reflect.Type) error

func (f optionFunc) apply(cfg *genConfig, env reflect.Type) error { return f(cfg, env) }

// override draws a value of one type.
type override struct {
	typ  reflect.Type
	draw func(t *rapid.T, label string) reflect.Value
}

func overrideOf[T any](g *rapid.Generator[T]) *override {
	return &override{typ: reflect.TypeFor[T](), draw: func(t *rapid.T, label string) reflect.Value {
		x := g.Draw(t, label)
		return reflect.ValueOf(&x).Elem() // a T even when x is a nil interface
	}}
}

// WithField draws the field at path from g. The path is dotted, each
// segment a struct field's `expr` tag, `json` tag or Go name (ignoring
// case), as a record's paths are ("client.income", "Holdings"), through
// pointers; the field's type must be T. The field of a slice's or map's
// elements is named through the slice or map ("holdings.value").
func WithField[T any](path string, g *rapid.Generator[T]) Option {
	return optionFunc(func(cfg *genConfig, env reflect.Type) error {
		canon, ft, err := resolve(env, path)
		if err != nil {
			return err
		}
		if ft != reflect.TypeFor[T]() {
			return fmt.Errorf("advisorytest: WithField(%q): the field is a %s, the generator makes %s", path, ft, reflect.TypeFor[T]())
		}
		cfg.fields[canon] = overrideOf(g)
		return nil
	})
}

// WithType draws every value of type T (a field, a slice's or map's
// element, a pointer's target) from g, unless [WithField] names the field.
// T must occur in Env.
func WithType[T any](g *rapid.Generator[T]) Option {
	return optionFunc(func(cfg *genConfig, env reflect.Type) error {
		t := reflect.TypeFor[T]()
		if !reaches(env, t, map[reflect.Type]bool{}) {
			return fmt.Errorf("advisorytest: WithType: %s has no value of type %s", env, t)
		}
		cfg.types[t] = overrideOf(g)
		return nil
	})
}

// WithLen sets the most elements a generated slice or map has (default 3);
// the least is 0. It must be between 0 and 100.
func WithLen(max int) Option {
	return optionFunc(func(cfg *genConfig, _ reflect.Type) error {
		if max < 0 || max > 100 {
			return fmt.Errorf("advisorytest: WithLen(%d): outside [0, 100]", max)
		}
		cfg.maxLen = max
		return nil
	})
}

// genConfig is what a generator of files draws with. Its options are only
// read once FilesWith returns; each file is drawn with a copy of its own,
// whose left counts down.
type genConfig struct {
	b      Boundaries
	now    time.Time
	maxLen int
	fields map[string]*override // by canonical path: Go names, lower case
	types  map[reflect.Type]*override
	// left is how many more elements the file being drawn may have (see
	// maxElements).
	left int
}

// take draws how many elements a list (or one pointer) gets: up to most,
// and no more than the file has left.
func (c *genConfig) take(t *rapid.T, most int, label string) int {
	n := rapid.IntRange(0, max(0, min(most, c.left))).Draw(t, label)
	c.left -= n
	return n
}

// resolve finds the field a path names in t, and its canonical path.
func resolve(t reflect.Type, path string) (string, reflect.Type, error) {
	var canon []string
	for _, seg := range strings.Split(path, ".") {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		f, ok := fieldNamed(t, seg)
		if !ok {
			return "", nil, fmt.Errorf("advisorytest: WithField(%q): %s has no field %s", path, t, seg)
		}
		canon = append(canon, f.Name) // the Go name: unique in its struct, where "ID" and "Id" lower alike
		t = f.Type
	}
	return strings.Join(canon, "."), t, nil
}

// fieldNamed matches a segment as the advisory decoder does: expr tag,
// json tag, then Go name ignoring case.
func fieldNamed(t reflect.Type, seg string) (reflect.StructField, bool) {
	if t.Kind() != reflect.Struct {
		return reflect.StructField{}, false
	}
	for _, key := range []string{"expr", "json"} {
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && strings.Split(f.Tag.Get(key), ",")[0] == seg && seg != "" {
				return f, true
			}
		}
	}
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() && strings.EqualFold(f.Name, seg) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// reaches reports whether a value of type want occurs in t.
func reaches(t, want reflect.Type, seen map[reflect.Type]bool) bool {
	if t == want {
		return true
	}
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return reaches(t.Elem(), want, seen)
	case reflect.Map:
		return reaches(t.Key(), want, seen) || reaches(t.Elem(), want, seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if t.Field(i).IsExported() && reaches(t.Field(i).Type, want, seen) {
				return true
			}
		}
	}
	return false
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	durationType = reflect.TypeFor[time.Duration]()
)

// fill draws v; path is its canonical path, label its name for rapid.
func (c *genConfig) fill(t *rapid.T, v reflect.Value, path, label string, depth int) {
	if o := c.fields[path]; o != nil && path != "" {
		v.Set(o.draw(t, label))
		return
	}
	if o := c.types[v.Type()]; o != nil {
		v.Set(o.draw(t, label))
		return
	}
	switch {
	case v.Type() == timeType:
		v.Set(reflect.ValueOf(genTime(t, c.b, c.now, label)))
	case v.Type() == durationType:
		v.SetInt(int64(genDuration(t, c.b, label)))
	case v.Kind() == reflect.Struct:
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() {
				c.fill(t, v.Field(i), join(path, f.Name), label+"."+f.Name, depth)
			}
		}
	case v.Kind() == reflect.Pointer:
		if depth < 4 && c.left > 0 && rapid.IntRange(0, 3).Draw(t, label+"?") > 0 {
			c.left--
			p := reflect.New(v.Type().Elem())
			c.fill(t, p.Elem(), path, label, depth+1)
			v.Set(p)
		}
	case v.Kind() == reflect.Slice:
		if depth < 4 {
			n := c.take(t, c.maxLen, label+"#len")
			v.Set(reflect.MakeSlice(v.Type(), n, n))
			for i := range n {
				c.fill(t, v.Index(i), path, fmt.Sprintf("%s[%d]", label, i), depth+1)
			}
		}
	case v.Kind() == reflect.Array:
		for i := range v.Len() {
			c.fill(t, v.Index(i), path, fmt.Sprintf("%s[%d]", label, i), depth+1)
		}
	case v.Kind() == reflect.Map:
		if depth < 4 {
			c.fillMap(t, v, path, label, depth)
		}
	default:
		c.fillBasic(t, v, label)
	}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// fillMap makes a map of up to maxLen entries; keys that collide make it
// smaller.
func (c *genConfig) fillMap(t *rapid.T, v reflect.Value, path, label string, depth int) {
	n := c.take(t, c.maxLen, label+"#len")
	m := reflect.MakeMapWithSize(v.Type(), n)
	for i := range n {
		k := reflect.New(v.Type().Key()).Elem()
		if k.Kind() == reflect.String && c.types[k.Type()] == nil {
			k.SetString(genKey(t, c.b, fmt.Sprintf("%s#key%d", label, i)))
		} else {
			c.fill(t, k, "", fmt.Sprintf("%s#key%d", label, i), depth+1)
		}
		e := reflect.New(v.Type().Elem()).Elem()
		c.fill(t, e, path, fmt.Sprintf("%s[%d]", label, i), depth+1)
		m.SetMapIndex(k, e)
	}
	v.Set(m)
}

func (c *genConfig) fillBasic(t *rapid.T, v reflect.Value, label string) {
	switch {
	case v.Kind() == reflect.Bool:
		v.SetBool(rapid.Bool().Draw(t, label))
	case v.Kind() == reflect.String:
		v.SetString(genString(t, c.b, label))
	case v.CanInt():
		n := int64(genNumber(t, c.b, label, 1))
		for v.OverflowInt(n) {
			n /= 2 // a boundary beyond a narrow type: the nearest that fits
		}
		v.SetInt(n)
	case v.CanUint():
		n := uint64(max(0, genNumber(t, c.b, label, 1)))
		for v.OverflowUint(n) {
			n /= 2
		}
		v.SetUint(n)
	case v.CanFloat():
		v.SetFloat(genNumber(t, c.b, label, 0.01))
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

// genKey is a map key: one the rules look up or compare with, or a short
// one.
func genKey(t *rapid.T, b Boundaries, label string) string {
	if known := append(slices.Clip(b.Keys), b.Strings...); len(known) > 0 && rapid.Bool().Draw(t, label+"#known") {
		return rapid.SampledFrom(known).Draw(t, label)
	}
	return rapid.SampledFrom([]string{"a", "b", "c"}).Draw(t, label)
}

// genDuration is a boundary's (or a plain) number of minutes, hours or
// days: the magnitudes rules about durations speak of.
func genDuration(t *rapid.T, b Boundaries, label string) time.Duration {
	n := genNumber(t, b, label, 1)
	unit := rapid.SampledFrom([]time.Duration{time.Minute, time.Hour, 24 * time.Hour}).Draw(t, label+"#unit")
	if n > float64(1<<62)/float64(unit) || n < -float64(1<<62)/float64(unit) {
		return 0
	}
	return time.Duration(n * float64(unit))
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
