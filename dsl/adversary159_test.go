package dsl

// Adversary round 159: map keys as values (map_keys.go): groupBy's and
// fromPairs' canonical keys, and the lookups m[k] and k in m (then
// __lookupKey(k, m) over a copy of m; since the round, __index(m, k, …)
// and __in(k, m, …), which read m and k once and search a map by value),
// over host maps of interface keys (sized numbers, times in zones, nested
// maps, maps behind pointers and any), lookups through optional chains,
// conditionals, nested lookups and calls, large records read again by the
// lookup, Explain's steps, and the errors of nil chains and unhashable
// keys. Every defect it found is fixed or (beyond 2^53) a documented
// choice; the tests say how it was and pin what holds now.

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/internal/testguard"
)

type a159Inner struct {
	M map[any]any `expr:"m"`
}

// a159Huge is a record of 256 KiB held by value, with a map of interface
// keys in it.
type a159Huge struct {
	Pad [32768]int64 `expr:"pad"`
	M   map[any]any  `expr:"m"`
}

type a159Env struct {
	Host map[any]any  `expr:"host"`
	Ints []int        `expr:"ints"`
	Fs   []float64    `expr:"fs"`
	Ts   []time.Time  `expr:"ts"`
	UH   []any        `expr:"uh"`
	A    *a159Inner   `expr:"a"`
	NilA *a159Inner   `expr:"nila"`
	PM   *map[any]any `expr:"pm"`
	NilM map[any]any  `expr:"nilm"`
	DynF any          `expr:"dynf"`
	N    int          `expr:"n"`
	F    float64      `expr:"f"`
	Zero float64      `expr:"zero"`
}

type a159HugeEnv struct {
	H a159Huge `expr:"h"`
}

var (
	a159At  = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	a159CET = time.FixedZone("CET", 3600)
)

// a159Data: host holds 1.0, 2, "s", int8(3), float32(2.5), the instant
// a159At in CET, and under 7 a nested map {2: ..., 3.5: ...}; a.m and
// *pm hold 1.0; ts are a159At in UTC and in CET; dynf is a
// map[float64]string behind an any; uh are two arrays holding a list
// (comparable types, unhashable values) and 1.0.
func a159Data() a159Env {
	pm := map[any]any{1.0: "pm one"}
	return a159Env{
		Host: map[any]any{
			1.0: "float one", 2: "int two", "s": "text",
			int8(3): "int8 three", float32(2.5): "float32 two and a half",
			a159At.In(a159CET): "cet time",
			7:                  map[any]any{2: "nested int two", 3.5: "nested"},
		},
		Ints: []int{1, 2, 2},
		Fs:   []float64{1, 2, 2.5},
		Ts:   []time.Time{a159At, a159At.In(a159CET)},
		UH:   []any{[1]any{[]any{1}}, [1]any{[]any{1}}, 1.0},
		A:    &a159Inner{M: map[any]any{1.0: "a one"}},
		PM:   &pm,
		DynF: map[float64]string{1: "dynf one"},
		N:    1,
		F:    1,
	}
}

// a159Outcome is one evaluation's outcome: the value, or the error's kind
// and text.
func a159Outcome(v any, err error) string {
	if err != nil {
		var de *Error
		if errors.As(err, &de) {
			return "error " + de.Kind.String() + ": " + err.Error()
		}
		return fmt.Sprintf("untyped error %T: %v", err, err)
	}
	return fmt.Sprintf("%T %v", v, v)
}

// a159Eval gives the outcomes of Eval, of Eval on expr alone, and of
// Explain, of src over a159Data.
func a159Eval(t *testing.T, src string) (outs [3]string) {
	t.Helper()
	testguard.Run(t, 20*time.Second, func() {
		for i, o := range [][]Option{nil, {exprOnly}} {
			e, err := Compile[a159Env, any](src, o...)
			if err != nil {
				outs[i] = "compile error: " + err.Error()
				outs[2] = outs[0]
				continue
			}
			outs[i] = a159Outcome(e.Eval(a159Data(), a159At))
			if i == 0 {
				x, err := e.Explain(a159Data(), a159At)
				var xv any
				if x != nil {
					xv = x.Value
				}
				outs[2] = a159Outcome(xv, err)
			}
		}
	})
	return
}

// a159Expect checks that every outcome of each source is want.
func a159Expect(t *testing.T, cases [][2]string) {
	t.Helper()
	for _, c := range cases {
		outs := a159Eval(t, c[0])
		for i, name := range []string{"Eval", "Eval (expr alone)", "Explain"} {
			if outs[i] != c[1] {
				t.Errorf("%s: %s gives %q; want %q", c[0], name, outs[i], c[1])
			}
		}
	}
}

// Was (fixed): a lookup in a host's map[any] through an optional chain does
// not find a key by the other number type, where the same chain without
// ?. does, and so does a let of the chain: a?.m[1] reads a.m as a plain
// place would, but readAgain refuses an optional step, and the key is left
// as it is.
// Got before the fix: a?.m[1] and a?.m?.[1] are nil and 1 in a?.m false (a is not nil;
// a.m holds 1.0), where a.m[1] and `let m = a?.m; m[1]` give "a one".
// A fix gives "a one" (true) for each.
func TestAdversary159_OptionalChainLookup_Pinned(t *testing.T) {
	a159Expect(t, [][2]string{
		{`a.m[1]`, "string a one"},
		{`let m = a?.m; m[1]`, "string a one"},
		{`a?.m[1]`, "string a one"},
		{`a?.m?.[1]`, "string a one"},
		{`1 in a?.m`, "bool true"},
	})
}

// Was (fixed): a host's map[any] is found by either number type only where the
// map is written as a name or a chain of named fields: the same map
// reached through a conditional, a let in brackets, get, or a lookup in
// another map is searched for the key as it is.
// Got before the fix: host[1] is "float one" and map([host[7]], #[2.0])[0] is
// "nested int two", but (n == 1 ? host : host)[1], (let m = host; m)[1]
// and get(host, 1) are nil, host[7][2.0] nil and 2.0 in host[7] false.
// A fix finds the key in each (the map is at hand when the lookup runs).
func TestAdversary159_HostMapBehindExpression_Pinned(t *testing.T) {
	a159Expect(t, [][2]string{
		{`host[1]`, "string float one"},
		{`map([host[7]], #[2.0])[0]`, "string nested int two"},
		{`(n == 1 ? host : host)[1]`, "string float one"},
		{`(let m = host; m)[1]`, "string float one"},
		{`get(host, 1)`, "string float one"},
		{`host[7][2.0]`, "string nested int two"},
		{`2.0 in host[7]`, "bool true"},
	})
}

// Was (fixed): a map the rule built (groupBy, fromPairs) is searched
// canonically only when the builtin is the lookup's own operand: behind a
// conditional, or as a value of another map it built, the key is left as
// it is and 1.0 does not find the int key 1.
// Got before the fix: (true ? groupBy(ints, #) : groupBy(fs, #))[1.0] is [] (the group
// of 1 is [1]) and fromPairs([[1, fromPairs([[2, "x"]])]])[1][2.0] nil,
// where groupBy(ints, #)[1.0] is [1] and fromPairs([[2, "x"]])[2.0] "x".
// A fix gives [1] and "x".
func TestAdversary159_RuleBuiltMapBehindExpression_Pinned(t *testing.T) {
	a159Expect(t, [][2]string{
		{`groupBy(ints, #)[1.0]`, "[]interface {} [1]"},
		{`fromPairs([[2, "x"]])[2.0]`, "string x"},
		{`(n == 1 ? groupBy(ints, #) : groupBy(fs, #))[1.0]`, "[]interface {} [1]"},
		{`1.0 in (n == 1 ? groupBy(ints, #) : groupBy(fs, #))`, "bool true"},
		{`fromPairs([[1, fromPairs([[2, "x"]])]])[1][2.0]`, "string x"},
	})
}

// Was (fixed): a host's *map[any]V is not looked up by value: the lookup's
// rewrite looks at the operand's static type, a pointer, and leaves the
// key as it is (lookupKeyOf itself follows pointers, but is never
// called), so an int does not find the float64 key; and a missing key
// read through the pointer gives the map's own zero value, an empty map,
// not nil.
// Got before the fix: pm[1] is map[interface {}]interface {} map[] and 1 in pm false,
// where pm[1.0] is "pm one" and 1.0 in pm true. A fix gives "pm one" and
// true.
func TestAdversary159_PointerToMapLookup_Pinned(t *testing.T) {
	a159Expect(t, [][2]string{
		{`pm[1.0]`, "string pm one"},
		{`1.0 in pm`, "bool true"},
		{`pm[1]`, "string pm one"},
		{`1 in pm`, "bool true"},
		{`pm[n]`, "string pm one"},
	})
}

// Was (fixed): a host's map[any] keyed by a sized number (int8(3),
// float32(2.5)), which the rule reads as the number it is (a key of
// keys(host) == 3 holds), is not found by that number: __lookupKey tries
// only k, its canonical value and an int's float64.
// Got before the fix: host[3] nil and 3 in host false; host[2.5] nil and 2.5 in host
// false, while any(keys(host), # == 3) and any(keys(host), # == 2.5) are
// true. A fix finds them (the doc: "m[k] and k in m find a key by either
// number type ... in a host's map[any]V").
func TestAdversary159_SizedNumberKeysInHostMap_Pinned(t *testing.T) {
	a159Expect(t, [][2]string{
		{`any(keys(host), # == 3)`, "bool true"},
		{`any(keys(host), # == 2.5)`, "bool true"},
		{`host[3]`, "string int8 three"},
		{`3 in host`, "bool true"},
		{`host[2.5]`, "string float32 two and a half"},
		{`2.5 in host`, "bool true"},
	})
}

// Was (fixed): one instant in two zones is one value under == and one group
// key in groupBy, but a host's map[any] keyed by the instant in CET is not
// found by it in UTC, nor a key with a monotonic clock reading by the same
// instant without one (__lookupKey tries k and k in UTC, neither of which
// the map holds).
// Got before the fix: ts[0] in host false and host[ts[0]] nil, though ts[0] == ts[1] and
// ts[1] in host; a time.Now() key is not found by its Round(0). A fix
// finds both.
func TestAdversary159_TimeKeysInHostMap_Pinned(t *testing.T) {
	a159Expect(t, [][2]string{
		{`ts[0] == ts[1]`, "bool true"},
		{`any(keys(host), # == ts[0])`, "bool true"},
		{`ts[1] in host`, "bool true"},
		{`ts[0] in host`, "bool true"},
		{`host[ts[0]]`, "string cet time"},
	})
	testguard.Run(t, 20*time.Second, func() {
		type env struct {
			M   map[any]any `expr:"m"`
			Now time.Time   `expr:"now"`
		}
		now := time.Now() // with a monotonic reading
		e, err := Compile[env, any](`now in m`)
		if err != nil {
			t.Fatal(err)
		}
		if v, err := e.Eval(env{M: map[any]any{now: 1}, Now: now.Round(0)}, a159At); err != nil || v != true {
			t.Errorf("now in m, the key with a monotonic reading: %v, %v; want true", v, err)
		}
	})
}

// Was (a choice, now documented): a float64 and an int that == says are
// equal beyond 2^53 (2^53+1 == 2^53.0, 2^63-1 == 2^63.0, where == rounds
// the int to a float; uniq says one too) make two groups and two
// fromPairs keys, and the one does not find the other.
// Kept: == is not transitive there (2^53+1 == 2^53.0 == 2^53, but
// 2^53+1 != 2^53), so keys must choose, and they key by the exact value:
// two unequal ints are never one key. The dsl's doc says so (map keys).
// The pin holds that choice, and equality below 2^53 as one key.
func TestAdversary159_LargeIntegralKeys_Pinned(t *testing.T) {
	a159Expect(t, [][2]string{
		{`9007199254740993 == 9007199254740992.0`, "bool true"},
		{`len(groupBy([9007199254740993, 9007199254740992.0], #))`, "int 2"},
		{`len(groupBy([9007199254740993, 9007199254740992], #))`, "int 2"},
		{`len(groupBy([9007199254740992, 9007199254740992.0], #))`, "int 1"},
		{`len(fromPairs([[9007199254740993, 1], [9007199254740992.0, 2]]))`, "int 2"},
		{`9007199254740992.0 in groupBy([9007199254740992], #)`, "bool true"},
		{`9007199254740992.0 in groupBy([9007199254740993], #)`, "bool false"},
		{`len(groupBy([9223372036854775807, 9223372036854775808.0], #))`, "int 2"},
		{`len(groupBy([4503599627370497, 4503599627370497.0], #))`, "int 1"},
	})
}

// Was (fixed): k in m, where m is a chain of fields through a nil pointer,
// fails with a reflect error at another column: the copy of m that
// __lookupKey reads is evaluated before m and without the checks around
// it (it used to say "cannot get m from nila" at the in, as nila.m[1]
// still does).
// Got before the fix: `1 in nila.m` and `"x" in nila.m` fail with "reflect: call of
// reflect.Value.Field on zero Value" (1:11). A fix fails with the message
// the read of nila.m gives ("cannot get m from nila").
func TestAdversary159_InThroughNilPointerMessage_Pinned(t *testing.T) {
	for _, src := range []string{`nila.m[1]`, `1 in nila.m`, `"x" in nila.m`, `1 in nila.m || true`} {
		outs := a159Eval(t, src)
		for i, o := range outs {
			if !strings.Contains(o, "cannot get m from nila") || strings.Contains(o, "reflect") {
				t.Errorf("%s (outcome %d): %s; want the error of reading nila.m", src, i, o)
			}
		}
	}
}

// Was (fixed): a lookup in a map of interface keys inside a large record
// held by value read the record again through __lookupKey's copy of the
// chain, uncharged: len(map(1..40, h.m[#])) (h 256 KiB) allocated about
// 40 copies of h (10 MB) an evaluation under a budget of 32 KB.
// Fixed: the lookup is now one call over m and k, each read once, as
// before (__index, __in), so the lookups copy nothing: 40 of them
// allocate what 40 reads of h.m["s"] do, within a few hundred bytes each.
// (Eval copies a host's env passed by value, some 2.4 MB here whatever
// the rule; that is the host's to pass by pointer, and the same for
// both.)
func TestAdversary159_LookupCopyOfLargeRecordUncharged_Pinned(t *testing.T) {
	const budget = 2000
	testguard.Run(t, 20*time.Second, func() {
		allocated := func(src string) uint64 {
			e, err := Compile[a159HugeEnv, any](src, WithLimits(Limits{MemoryBudget: budget}))
			if err != nil {
				t.Fatal(err)
			}
			env := &a159HugeEnv{H: a159Huge{M: map[any]any{1.0: "one", "s": "s"}}}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err = e.Eval(*env, a159At)
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Errorf("%s: %v", src, err)
			}
			return after.TotalAlloc - before.TotalAlloc
		}
		base := allocated(`len(map(1..40, h.m["s"]))`)
		for _, src := range []string{`len(map(1..40, h.m[#]))`, `len(map(1..40, # in h.m))`, `len(map(1..40, get(h.m, #)))`} {
			if got := allocated(src); got > base+40*1024 {
				t.Errorf("%s: allocated %d bytes, %d more than 40 reads of h.m[\"s\"] (a copy of h is %d)",
					src, got, got-base, reflect.TypeFor[a159Huge]().Size())
			}
		}
	})
}

// a159Steps gives the explanation's steps by their text.
func a159Steps(s *Step, into map[string]*Step) {
	if s == nil {
		return
	}
	into[s.Expr] = s
	for _, c := range s.Children {
		a159Steps(c, into)
	}
}

// Was (fixed): Explain shows, as the value of the key of an in, the key the
// lookup searched for (__lookupKey's or __mapKey's), not the value of the
// expression it labels: unwrap looks through the wrapper for the text,
// and the value comes with it.
// Got before the fix: in `n in host`, the step "n" is float64 1 (n is the int 1); in
// `f in groupBy(ints, #)`, "f" is int 1 (f is the float64 1); in
// `ts[1] in groupBy(ts, #)`, "ts[1]" is 12:00 UTC (ts[1] is 13:00 CET). A
// fix shows each sub-expression's own value, as Eval of it gives.
func TestAdversary159_ExplainKeyStepValue_Pinned(t *testing.T) {
	testguard.Run(t, 20*time.Second, func() {
		for _, c := range []struct{ src, step string }{
			{`n in host`, "n"},
			{`f in groupBy(ints, #)`, "f"},
			{`ts[1] in groupBy(ts, #)`, "ts[1]"},
			{`ts[1] in host`, "ts[1]"},
		} {
			e, err := Compile[a159Env, any](c.src)
			if err != nil {
				t.Fatal(err)
			}
			x, err := e.Explain(a159Data(), a159At)
			if err != nil {
				t.Fatalf("%s: %v", c.src, err)
			}
			steps := map[string]*Step{}
			a159Steps(x.Root, steps)
			s := steps[c.step]
			if s == nil {
				t.Errorf("%s: no step %q", c.src, c.step)
				continue
			}
			own, err := Compile[a159Env, any](c.step)
			if err != nil {
				t.Fatal(err)
			}
			want, err := own.Eval(a159Data(), a159At)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(s.Value, want) {
				t.Errorf("Explain of %s: step %q is %T %v; %s is %T %v", c.src, c.step, s.Value, s.Value, c.step, want, want)
			}
		}
	})
}

// Was (fixed): a map[float64]V behind an any is not found by an int that ==
// says is its key; the lookup fails with a reflect message.
// Got before the fix: dynf[1] and 1 in dynf fail with "reflect.Value.MapIndex: value of
// type int is not assignable to type float64" (dynf[1.0] is "dynf one").
// A fix gives "dynf one" and true (__lookupKey could convert a number key
// to the map's number key type).
func TestAdversary159_TypedMapBehindAny_Pinned(t *testing.T) {
	a159Expect(t, [][2]string{
		{`dynf[1.0]`, "string dynf one"},
		{`dynf[1]`, "string dynf one"},
		{`1 in dynf`, "bool true"},
		{`dynf[n]`, "string dynf one"},
	})
}

// Pinned: what holds. The commit's lookups in host and rule-built maps by
// either number type; -0.0 and 0 one group, ±Inf one group each; one
// instant in two zones one group and one fromPairs key, found by either;
// NaN keys fail with ErrNaN in a lookup, in, groupBy and fromPairs; a
// uint64 beyond an int fails with ErrOverflow; a nil map and a nil key
// are a miss; each on Eval, expr alone and Explain alike.
func TestAdversary159_KeysAsValues_Pinned(t *testing.T) {
	a159Expect(t, [][2]string{
		{`host[1]`, "string float one"},
		{`host[2.0]`, "string int two"},
		{`host[n]`, "string float one"},
		{`host[f + 1]`, "string int two"},
		{`host?.[1]`, "string float one"},
		{`a.m[1]`, "string a one"},
		{`n in host`, "bool true"},
		{`groupBy(ints, #)[1.0]`, "[]interface {} [1]"},
		{`let g = groupBy(fs, #); g[2]`, "[]interface {} [2]"},
		{`map([groupBy(ints, #)], #[2.0])[0]`, "[]interface {} [2 2]"},
		{`len(groupBy([0.0, -1 * zero, 0], #))`, "int 1"},
		{`len(groupBy([1.0 / zero, 1.0 / zero * f, -1.0 / zero], #))`, "int 2"},
		{`len(groupBy(ts, #))`, "int 1"},
		{`len(fromPairs(map(ts, [#, #index])))`, "int 1"},
		{`fromPairs(map(ts, [#, #index]))[ts[0]]`, "int 1"},
		{`ts[1] in groupBy(ts, #)`, "bool true"},
		{`len(groupBy(ts, #)[ts[1]])`, "int 2"},
		{`fromPairs([[1, "a"], [1.0, "b"], [2.0, "c"]])[2]`, "string c"},
		{`nilm[1]`, "<nil> <nil>"},
		{`1 in nilm`, "bool false"},
		{`host[nil]`, "<nil> <nil>"},
		{`nil in host`, "bool false"},
	})
	for _, c := range []struct {
		src  string
		kind error
	}{
		{`host[zero / zero * f]`, ErrNaN},
		{`zero / zero * f in host`, ErrNaN},
		{`zero / zero in groupBy(ints, #)`, ErrNaN},
		{`len(groupBy(fs, # * zero / zero))`, ErrNaN},
		{`len(fromPairs([[zero / zero, 1]]))`, ErrNaN},
		{`len(fromPairs([[1, 1], [zero / zero, 1]]))`, ErrNaN},
	} {
		testguard.Run(t, 20*time.Second, func() {
			e, err := Compile[a159Env, any](c.src)
			if err != nil {
				t.Fatalf("%s: %v", c.src, err)
			}
			if v, err := e.Eval(a159Data(), a159At); !errors.Is(err, c.kind) {
				t.Errorf("%s: %v, %v; want %v", c.src, v, err, c.kind)
			}
			if x, err := e.Explain(a159Data(), a159At); !errors.Is(err, c.kind) {
				t.Errorf("Explain %s: %v, %v; want %v", c.src, x, err, c.kind)
			}
		})
	}
}

// Pinned: keys of comparable types holding unhashable values (an array
// holding a list) in groupBy, fromPairs (before and after a key that
// needs a copy), a lookup and in fail the evaluation with a positioned
// error (no panic out of Eval or Explain); a uint64 beyond an int fails
// with ErrOverflow as a key, as it does under ==.
func TestAdversary159_UnhashableAndHugeKeys_Pinned(t *testing.T) {
	type env struct {
		UH   []any       `expr:"uh"`
		Us   []uint64    `expr:"us"`
		Host map[any]any `expr:"host"`
	}
	data := env{UH: []any{[1]any{[]any{1}}, [1]any{[]any{1}}, 1.0}, Us: []uint64{1, 1 << 63}, Host: map[any]any{1.0: 1}}
	for _, c := range []struct {
		src  string
		kind error
	}{
		{`len(groupBy(uh, #))`, ErrEval},
		{`fromPairs(map(uh, [#, 1]))`, ErrEval},
		{`fromPairs([[1.0, 1], [uh[0], 2]])`, ErrEval},
		{`fromPairs([[uh[0], 2], [1.0, 1]])`, ErrEval},
		{`host[uh[0]]`, ErrEval},
		{`uh[0] in host`, ErrEval},
		{`uh[0] in groupBy(uh, #)`, ErrEval},
		{`len(groupBy(us, #))`, ErrOverflow},
		{`fromPairs(map(us, [#, 1]))`, ErrOverflow},
		{`host[us[1]]`, ErrOverflow},
		{`us[1] in host`, ErrOverflow},
	} {
		testguard.Run(t, 20*time.Second, func() {
			e, err := Compile[env, any](c.src)
			if err != nil {
				t.Fatalf("%s: %v", c.src, err)
			}
			_, err = e.Eval(data, a159At)
			var de *Error
			if !errors.Is(err, c.kind) || !errors.As(err, &de) || de.Line == 0 {
				t.Errorf("%s: %v; want %v with a position", c.src, err, c.kind)
			}
			if _, err := e.Explain(data, a159At); !errors.Is(err, c.kind) {
				t.Errorf("Explain %s: %v; want %v", c.src, err, c.kind)
			}
		})
	}
}
