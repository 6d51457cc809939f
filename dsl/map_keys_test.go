package dsl_test

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"pgregory.net/rapid"
)

type keysEnv struct {
	Xs   []any       `expr:"xs"`
	Ints []int       `expr:"ints"`
	Fs   []float64   `expr:"fs"`
	Host map[any]any `expr:"host"`
	Dyn  any         `expr:"dyn"`
	Ts   []time.Time `expr:"ts"`
}

var keysAt = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

func keysEnvironment() keysEnv {
	return keysEnv{
		Xs: []any{1, 1.0, 2, int8(2), 2.5, float32(2.5)}, Ints: []int{1, 2, 2}, Fs: []float64{1, 2, 2.5},
		// A host's own map: an integral float key and an int key.
		Host: map[any]any{1.0: "float one", 2: "int two", "s": "text"},
		Dyn:  map[any]any{1.0: "behind an any"},
		Ts:   []time.Time{keysAt, keysAt.In(time.FixedZone("CET", 3600)), keysAt.Add(time.Hour)},
	}
}

// Equal numbers are one key, as == says they are one value: groupBy's
// groups, fromPairs' map, and lookups in either, by a number of either
// type; one instant in two zones is one group; a host's map[any] is found
// by either type too. Each case on Eval and Explain.
func TestMapKeysAreValuesAsCompared(t *testing.T) {
	for _, c := range []struct {
		src  string
		want any
	}{
		{`len(groupBy(xs, #))`, 3},
		{`len(groupBy(xs, #)) == len(uniq(xs))`, true},
		{`len(groupBy(concat(ints, fs), #))`, 3},
		{`len(groupBy(xs, #)[1])`, 2},
		{`len(groupBy(xs, #)[1.0])`, 2},
		{`len(groupBy(xs, #)[2.5])`, 2},
		{`groupBy(ints, #)[1.0]`, []any{1}},
		{`groupBy(fs, #)[1]`, []any{1.0}},
		{`1.0 in groupBy(ints, #)`, true},
		{`2 in groupBy(fs, #)`, true},
		{`3 in groupBy(fs, #)`, false},
		{`(let g = groupBy(ints, #); len(g[2.0]))`, 2},
		{`len(groupBy(xs, # > 1 ? 1 : 1.0))`, 1},
		{`len(groupBy(ts, #))`, 2},
		{`len(fromPairs([[1, "a"], [1.0, "b"]]))`, 1},
		{`fromPairs([[1, "a"], [1.0, "b"]])[1]`, "b"},
		{`fromPairs([[1.0, "a"], [1, "b"]])[1.0]`, "b"},
		{`fromPairs([[1, "a"]])[1.0]`, "a"},
		{`fromPairs([["k", 1]])["k"]`, 1},
		{`len(fromPairs(map(xs, [#, #])))`, 3},
		{`host[1]`, "float one"},
		{`host[1.0]`, "float one"},
		{`host[2.0]`, "int two"},
		{`host["s"]`, "text"},
		{`host?.[1]`, "float one"},
		{`1 in host`, true},
		{`2.0 in host`, true},
		{`3 in host`, false},
		{`dyn[1]`, "behind an any"},
		{`1 in dyn`, true},
	} {
		t.Run(c.src, func(t *testing.T) {
			e, err := dsl.Compile[keysEnv, any](c.src)
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.Eval(keysEnvironment(), keysAt)
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Errorf("Eval: %#v, %v; want %#v", got, err, c.want)
			}
			x, err := e.Explain(keysEnvironment(), keysAt)
			if err != nil || !reflect.DeepEqual(x.Value, c.want) {
				t.Errorf("Explain: %#v, %v; want %#v", x, err, c.want)
			}
		})
	}
}

// A NaN key fails, as a comparison with one does: it would make a group
// of its own each time.
func TestMapKeyNaNFails(t *testing.T) {
	for _, src := range []string{`len(groupBy(fs, # - # + 0.0 / 0.0 * #))`, `len(fromPairs([[0.0 / 0.0 * len(fs), 1]]))`} {
		e, err := dsl.Compile[keysEnv, any](src)
		if err != nil {
			t.Fatal(err)
		}
		if v, err := e.Eval(keysEnvironment(), keysAt); !errors.Is(err, dsl.ErrNaN) {
			t.Errorf("%s: %v, %v; want ErrNaN", src, v, err)
		}
	}
}

// groupBy makes one group for each value uniq keeps, holding the elements
// equal to it, and each group is found by any element equal to its key,
// whatever their Go types; fromPairs keeps the last pair of each value.
func TestMapKeysAgreeWithEquality(t *testing.T) {
	pool := []any{0, 1, -1, 1.0, 2, 2.0, 0.5, float32(0.5), int8(1), uint16(2), int64(-1), math.Copysign(0, -1), 1 << 40, float64(1 << 40), 3.25}
	group, err := dsl.Compile[keysEnv, any](`map(xs, len(groupBy(xs, #)[#]))`)
	if err != nil {
		t.Fatal(err)
	}
	count, err := dsl.Compile[keysEnv, any](`[len(groupBy(xs, #)), len(uniq(xs)), len(fromPairs(map(xs, [#, #index])))]`)
	if err != nil {
		t.Fatal(err)
	}
	last, err := dsl.Compile[keysEnv, any](`(let m = fromPairs(map(xs, [#, #index])); map(xs, m[#]))`)
	if err != nil {
		t.Fatal(err)
	}
	value := func(x any) float64 {
		return reflect.ValueOf(x).Convert(reflect.TypeFor[float64]()).Float()
	}
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 10).Draw(t, "n")
		env := keysEnv{Xs: make([]any, n)}
		for i := range env.Xs {
			env.Xs[i] = pool[rapid.IntRange(0, len(pool)-1).Draw(t, "x")]
		}
		want, lastAt := make([]any, n), map[float64]int{}
		for i, x := range env.Xs {
			same := 0
			for _, y := range env.Xs {
				if value(x) == value(y) {
					same++
				}
			}
			want[i] = same
			lastAt[value(x)] = i
		}
		got, err := group.Eval(env, keysAt)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("group sizes of %v: %v, %v; want %v", env.Xs, got, err, want)
		}
		got, err = count.Eval(env, keysAt)
		if err != nil {
			t.Fatal(err)
		}
		if c := got.([]any); c[0] != c[1] || c[0] != c[2] || c[0] != len(lastAt) {
			t.Fatalf("%v: groups, uniq, pairs %v; want %d each", env.Xs, c, len(lastAt))
		}
		got, err = last.Eval(env, keysAt)
		if err != nil {
			t.Fatal(err)
		}
		for i, x := range env.Xs {
			if got.([]any)[i] != lastAt[value(x)] {
				t.Fatalf("%v: fromPairs kept %v, want the last pair of each value %v", env.Xs, got, fmt.Sprint(lastAt))
			}
		}
	})
}

// A key that is a nil pointer, a map that points at itself, and a nil
// map are looked up without a panic or a spin, as expr looks them up.
func TestMapKeyLookupOddValues(t *testing.T) {
	type env struct {
		M  map[any]any `expr:"m"`
		P  *int        `expr:"p"`
		Sp any         `expr:"sp"`
		N  map[any]any `expr:"n"`
	}
	var self any
	self = &self
	e := env{M: map[any]any{nil: "nil key", 1: "one"}, Sp: self}
	for _, c := range []struct {
		src  string
		want any
	}{{`m[p]`, "nil key"}, {`1 in n`, false}, {`n[1]`, nil}} {
		x, err := dsl.Compile[env, any](c.src)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := x.Eval(e, keysAt); err != nil || got != c.want {
			t.Errorf("%s: %v, %v; want %v", c.src, got, err, c.want)
		}
	}
	x, err := dsl.Compile[env, any](`1 in sp`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := x.Eval(e, keysAt); err == nil {
		t.Error("1 in a pointer that points at itself: no error")
	}
}
