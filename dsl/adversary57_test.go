package dsl

// The fifty-seventh adversary's suite: what changed with adversary 55
// (governed uniq, built lists charged, == and != checking NaN deeply).
// Each TestAdversary57_ test fails on the code it was written against and
// demonstrates one defect. It reuses adversary22_helpers_test.go.

import (
	"math"
	"testing"
)

// a57Eval compiles src with each backend and evaluates it on env.
func a57Eval(t *testing.T, src string, env a22Env, each func(name string, v bool, err error)) {
	t.Helper()
	for i, o := range [][]Option{nil, {exprOnly}} {
		e, err := Compile[a22Env, bool](src, append(o, a22Limits)...)
		if err != nil {
			t.Fatalf("%s: %v", a22Names[i], err)
		}
		v, err := e.Eval(env, a22Now)
		each(a22Names[i], v, err)
	}
}

// Promise broken: dsl/doc.go, "NaN and nil never decide": a comparison
// with a NaN fails (ErrNaN) rather than deciding, and == and != fail on
// a NaN inside what they compare (adversary 51: lists, maps, values
// behind interfaces).
//
// The deep check instrument.go walk (BinaryNode, == and !=) wraps only
// operands whose types are containers or dynamic, and registry.go
// deepNaNAt returns nil for every other kind, a struct included. expr
// compares structs with reflect.DeepEqual, where a NaN field is unequal
// to itself: the NaN decides.
//
// Observed: items[0].score = NaN: `items[0] != items[0]` is true, and
// `any != any` (any holding that struct) is true, with no error, in both
// backends. Expected: an error (ErrNaN), as for `[f] != [f]` with f NaN.
func TestAdversary57_NaNFieldOfStructDecidesEquality(t *testing.T) {
	env := a22Env0()
	env.Items[0].Score = math.NaN()
	env.Any = env.Items[0]
	for _, src := range []string{`items[0] != items[0]`, `any != any`} {
		a57Eval(t, src, env, func(name string, v bool, err error) {
			if err == nil {
				t.Errorf("%s: %s = %v with no error: the NaN field decided", name, src, v)
			}
		})
	}
}

// Promise broken: dsl/doc.go, "NaN and nil never decide"; uniq fails on a
// NaN element (registry.go uniqGoverned: isNaN(e) → errNaNValue), as ==
// and != fail on a NaN inside lists they compare.
//
// uniqGoverned checks only the elements themselves for NaN; lists among
// them are compared pair by pair with runtime.Equal, where a NaN inside
// makes two equal lists unequal, so the NaN decides what uniq keeps:
// uniq(fs) fails with fs = [NaN], uniq([fs, fs]) keeps both.
//
// Observed: fs = [NaN]: `len(uniq([fs, fs])) == 2` is true, no error,
// both backends (while `len(uniq(fs)) == 1` and `[fs] == [fs]` fail with
// ErrNaN). Expected: an error (ErrNaN).
func TestAdversary57_UniqNestedNaNDecides(t *testing.T) {
	env := a22Env0()
	env.Fs = []float64{math.NaN()}
	src := `len(uniq([fs, fs])) == 2`
	a57Eval(t, src, env, func(name string, v bool, err error) {
		if err == nil {
			t.Errorf("%s: %s = %v with no error: the NaN inside decided what uniq kept", name, src, v)
		}
	})
}

// Promise broken: dsl/doc.go, "a built-in that fails on every evaluation
// whatever the data is a compile error (ErrType)"; adversary 51 made count
// of non-bools one.
//
// The check reads the list's element type as expr's checker types it; a
// list literal or a map(...) is []interface{} there, even when every
// element is a *bool (or nil), which count can never read as a bool.
//
// Observed: `count([pb]) == 1` and `count(map(xs, pb)) == 3` compile, in
// both backends, and every evaluation fails, nil pointer or not, with
// "interface conversion: interface {} is *bool, not bool". Expected: a
// compile error (ErrType), as for count of a list of *bool the host gives.
//
// Since session 16 a pointer to a bool is read as the bool it points to
// (numbers.go, numberKind 'p'), so these lists are lists of bools: count
// decides by what the pointers point to, and a nil pointer fails.
func TestAdversary57_CountOfPointerBoolsNotRefused(t *testing.T) {
	yes, no := true, false
	for _, c := range []struct {
		pb   *bool
		want bool
	}{{&yes, true}, {&no, false}, {nil, false}} {
		env := a22Env0()
		env.PB, env.Xs = c.pb, []int{1, 2, 3}
		for _, src := range []string{`count([pb]) == 1`, `count(map(xs, pb)) == 3`} {
			for i, o := range [][]Option{nil, {exprOnly}} {
				e, err := Compile[a22Env, bool](src, append(o, a22Limits)...)
				if err != nil {
					t.Errorf("%s: %s: %v", a22Names[i], src, err)
					continue
				}
				got, err := e.Eval(env, a22Now)
				switch {
				case c.pb == nil && err == nil:
					t.Errorf("%s: %s with a nil pb = %v; want an error (a nil decides nothing)", a22Names[i], src, got)
				case c.pb != nil && (err != nil || got != c.want):
					t.Errorf("%s: %s with pb = %v: %v, %v; want %v", a22Names[i], src, *c.pb, got, err, c.want)
				}
			}
		}
	}
}
