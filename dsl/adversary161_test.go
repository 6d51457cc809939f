package dsl

// Adversary round 161: commit 4fc0491 made every lookup whose operand is
// a map of interface keys, a pointer to one, or a value typed any one
// call, __index(m, k, mode, g) or __in(k, m, mode, g) (map_keys.go), so
// every dynamic index and in (lists, strings, structs behind an any) now
// runs through it rather than expr's VM. The round compares the outcomes
// of Eval, Eval on expr alone and Explain here with a worktree at 9aa4145
// (before the map-key work): optional chains, methods, NaN indexes,
// foreign keys, the copies a lookup makes and what the budgets see.
// Every defect it found is fixed (a method named by a value known only
// at run time is refused, rather than read as one); the tests say how it
// was and pin what holds now.

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/internal/testguard"
)

// a161Rec is a small record with a method of a value receiver and one of
// a pointer receiver that mutates it; neither is on any allow-list.
type a161Rec struct {
	Name  string `expr:"name"`
	Age   int    `expr:"age"`
	Calls int    `expr:"calls"`
}

func (r a161Rec) Hello() string { return "hi " + r.Name }

func (r *a161Rec) Bump() int { r.Calls++; return r.Calls }

// a161Attrs is a host's named map of interface keys with a method.
type a161Attrs map[any]any

func (a161Attrs) Size() int { return 42 }

// a161Big is a record of 32 KiB held by value.
type a161Big struct {
	Pad [4096]int64 `expr:"pad"`
	N   int         `expr:"n"`
}

type a161Env struct {
	Xs    any               `expr:"xs"`
	Fs    any               `expr:"fs"`
	S     any               `expr:"s"`
	St    any               `expr:"st"`
	PSt   any               `expr:"pst"`
	NilP  any               `expr:"nilp"`
	NilA  any               `expr:"nilany"`
	Arr   any               `expr:"arr"`
	Ptrs  any               `expr:"ptrs"`
	Named any               `expr:"named"`
	D2    any               `expr:"d2"`
	NM    a161Attrs         `expr:"nm"`
	DNM   any               `expr:"dnm"`
	DSI   any               `expr:"dsi"`
	DTM   any               `expr:"dtm"`
	Host  map[any]any       `expr:"host"`
	Key   string            `expr:"key"`
	Meth  string            `expr:"meth"`
	N     int               `expr:"n"`
	NaN   float64           `expr:"nan"`
	P10   *int              `expr:"p10"`
	Tier  a161Tier          `expr:"tier"`
	T0    time.Time         `expr:"t0"`
	SBigs []a161Big         `expr:"sbigs"`
	DBigs any               `expr:"dbigs"`
	SMap  map[any]a161Big   `expr:"smap"`
	DMap  any               `expr:"dmap"`
	Times map[any]time.Time `expr:"times"`
}

type a161Tier string

var a161At = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

func a161Data() *a161Env {
	one, ten := 1, 10
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	bigs := make([]a161Big, 2)
	return &a161Env{
		Xs: []int{10, 20, 30}, Fs: []float64{1, math.NaN(), 2}, S: "héllo",
		St: a161Rec{Name: "ann", Age: 3}, PSt: &a161Rec{Name: "bob", Age: 4},
		NilP: (*a161Rec)(nil), Arr: [3]int{7, 8, 9}, Ptrs: []*int{&one},
		Named: []a161Tier{"gold"}, Tier: "gold",
		D2: map[any]any{1.0: map[string]any{"x": "X"}, 2.0: map[any]any{3.0: "three"}},
		NM: a161Attrs{"Size": "key size"}, DNM: a161Attrs{"Size": "key size"},
		DSI:  map[string]int{"a": 1},
		DTM:  map[time.Time]string{t0.In(time.FixedZone("X", 3600)): "tm"},
		Host: map[any]any{1.0: "one"},
		Key:  "name", Meth: "Size", N: 1, NaN: math.NaN(), P10: &ten, T0: t0,
		SBigs: bigs, DBigs: bigs,
		SMap: map[any]a161Big{1: {}}, DMap: map[any]a161Big{1: {}},
	}
}

// a161Outcome is one evaluation's outcome: the value, or the error's kind
// and its first line.
func a161Outcome(v any, err error) string {
	if err != nil {
		var de *Error
		if errors.As(err, &de) {
			return "error " + de.Kind.String() + ": " + strings.SplitN(err.Error(), "\n", 2)[0]
		}
		return fmt.Sprintf("untyped error %T: %v", err, err)
	}
	return fmt.Sprintf("%T %v", v, v)
}

// a161Eval gives the outcomes of Eval, of Eval on expr alone, and of
// Explain, of src over a161Data.
func a161Eval(t *testing.T, src string) (outs [3]string) {
	t.Helper()
	testguard.Run(t, 20*time.Second, func() {
		for i, o := range [][]Option{nil, {exprOnly}} {
			e, err := Compile[*a161Env, any](src, o...)
			if err != nil {
				outs[i] = "compile error: " + strings.SplitN(err.Error(), "\n", 2)[0]
				outs[2] = outs[0]
				continue
			}
			outs[i] = a161Outcome(e.Eval(a161Data(), a161At))
			if i == 0 {
				x, err := e.Explain(a161Data(), a161At)
				var xv any
				if x != nil {
					xv = x.Value
				}
				outs[2] = a161Outcome(xv, err)
			}
		}
	})
	return
}

// a161Expect checks that every outcome of each source is want.
func a161Expect(t *testing.T, cases [][2]string) {
	t.Helper()
	for _, c := range cases {
		outs := a161Eval(t, c[0])
		for i, name := range []string{"Eval", "Eval (expr alone)", "Explain"} {
			if outs[i] != c[1] {
				t.Errorf("%s: %s gives %q; want %q", c[0], name, outs[i], c[1])
			}
		}
	}
}

// Was (fixed): an optional index into a map behind an any that does not end
// its chain (d2?.[1].x, d2?.[1]?.x, (d2?.[1]).x) is left to expr's fetch,
// which looks the key up by its Go type: d2 holds the float64 key 1.0, the
// literal is the int 1, and the lookup misses. The same lookup ending its
// chain (d2?.[1]), without ?. (d2[1].x), or followed by ["x"] rather than
// .x (d2?.[1]["x"], which the parser chains differently) finds it. The
// doc says m?.[k] finds a key by any number type that holds the value.
// Got before the fix: d2?.[1].x and (d2?.[1]).x fail "cannot fetch x from <nil>" (1:9,
// 1:11), d2?.[1]?.x is nil, on Eval, expr alone and Explain.
// A fix gives "X" for each, as d2[1].x and d2?.[1]["x"] do.
// (At 9aa4145 no form found the key: the gap is in the new lookup.)
func TestAdversary161_OptionalIndexInsideChain_Pinned(t *testing.T) {
	a161Expect(t, [][2]string{
		{`d2[1].x`, "string X"},
		{`d2?.[1]["x"]`, "string X"},
		{`d2?.[1].x`, "string X"},
		{`d2?.[n].x`, "string X"},
		{`d2?.[1]?.x`, "string X"},
		{`(d2?.[1]).x`, "string X"},
		{`d2?.[1]?.x ?? "none"`, "string X"},
	})
}

// Was (a regression of consistency, now refused): a host's named map of
// interface keys with a method Size, holding the key "Size": nm["Size"]
// was the method value, nm[meth] (meth == "Size") the map's entry; at
// 9aa4145 every form was the method value.
// Fixed: a lookup by a name known only when the rule runs that names a
// method gives no method value (a rule could call it past the allow-list,
// see the next test); it fails, naming the method, for nm[meth],
// get(nm, "Size"), and for the map behind an any, dnm["Size"] too.
func TestAdversary161_NamedMapMethodVsKey_Pinned(t *testing.T) {
	for _, src := range []string{`nm[meth]`, `get(nm, "Size")`, `dnm[meth]`, `get(dnm, "Size")`, `dnm["Size"]`} {
		for i, o := range a161Eval(t, src) {
			if !strings.Contains(o, `"Size" is a method`) {
				t.Errorf("%s (outcome %d): %s; want a failure naming the method", src, i, o)
			}
		}
	}
}

// Was (fixed; before the change too, now through __index): a method value
// fetched by a dynamic index out of a record behind an any can be bound
// by a let and called, so a rule calls a host's method that is on no
// allow-list (pst.Bump() is refused at compile time: "rules call methods
// only of known types"). Bump mutates the host's record.
// Got before the fix: `let g = pst[meth]; g()` with meth == "Bump" compiles and runs Bump
// (the record's Calls goes 0 -> 1), on Eval and expr alone; st["Hello"]
// likewise calls Hello. (9aa4145 the same.)
// A fix refuses it: __index (and the literal fetch) should not hand a
// rule a method value, or the call of a let bound to one should fail, as
// the direct call does.
func TestAdversary161_MethodValueCalledPastAllowList_Pinned(t *testing.T) {
	testguard.Run(t, 20*time.Second, func() {
		direct := func() error {
			_, err := Compile[*a161Env, any](`pst.Bump()`)
			return err
		}()
		if direct == nil {
			t.Fatalf("pst.Bump() compiles; the test expects it refused")
		}
		for _, src := range []string{`let g = pst[meth]; g()`, `let g = st["Hello"]; g()`} {
			for _, o := range [][]Option{nil, {exprOnly}} {
				env := a161Data()
				env.Meth = "Bump"
				e, err := Compile[*a161Env, any](src, o...)
				if err != nil {
					continue // refused: what a fix may do
				}
				v, err := e.Eval(env, a161At)
				if err == nil {
					t.Errorf("%s (options %d): called a method on no allow-list: %T %v (pst's Calls now %d); direct call refused: %v",
						src, len(o), v, v, env.PSt.(*a161Rec).Calls, strings.SplitN(direct.Error(), "\n", 2)[0])
				}
			}
		}
	})
}

// Was (fixed; before the change too; __index is now where it would be
// caught): a NaN index into a list behind an any decides. get(xs, nan)
// is nil, so get(xs, nan) ?? 99 is 99 where a NaN should fail; xs[nan]
// fails, but as an index out of range at -9223372036854775805 (the NaN
// converted to an int), not ErrNaN. A map's NaN key fails with ErrNaN
// (host[nan], pinned in round 159), and the same list statically typed
// refuses a float index when the rule compiles.
// Got before the fix: get(xs, nan) ?? 99 is int 99; xs[nan] is KindEval "index out of
// range: -9223372036854775805 (array length is 3)".
// A fix fails both with ErrNaN, at the index.
func TestAdversary161_NaNIndexBehindAny_Pinned(t *testing.T) {
	for _, src := range []string{`host[nan]`, `get(xs, nan) ?? 99`, `xs[nan]`, `get(xs, nan)`} {
		testguard.Run(t, 20*time.Second, func() {
			e, err := Compile[*a161Env, any](src)
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			if v, err := e.Eval(a161Data(), a161At); !errors.Is(err, ErrNaN) {
				t.Errorf("%s: %s; want ErrNaN", src, a161Outcome(v, err))
			}
			if x, err := e.Explain(a161Data(), a161At); !errors.Is(err, ErrNaN) {
				var xv any
				if x != nil {
					xv = x.Value
				}
				t.Errorf("Explain %s: %s; want ErrNaN", src, a161Outcome(xv, err))
			}
		})
	}
}

// a161Allocated is what one Eval of src allocates under budget (memory
// units), and its error.
func a161Allocated(t *testing.T, src string, budget int) (uint64, error) {
	t.Helper()
	e, err := Compile[*a161Env, any](src, WithLimits(Limits{MemoryBudget: budget}))
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	env := a161Data()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = e.Eval(env, a161At)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, err
}

// Was (fixed; a regression): findKey tests whether the map has the key with
// m.MapIndex(v).IsValid(), which copies the value out, and index then
// reads it with MapIndex again: a lookup in a map of large values copies
// each value twice, where the budget is charged one copy (copies.go) and
// expr's fetch made one. Under one budget, a loop of smap[1] (a 32 KiB
// record) allocates twice what the same loop over sbigs[0] does before
// the budget stops it.
// Got before the fix: about 8.2 MB for smap[1] against 4.1 MB for sbigs[0] (budget
// 200,000 units, 3.2 MB); dmap[1] (behind an any) 16.5 MB against 8.3 MB
// for dbigs[0]. At 9aa4145: 4.1 MB and 4.1 MB; 8.3 MB and 8.3 MB.
// A fix copies a value found once (MapIndex once, its validity the
// presence), as expr did.
func TestAdversary161_LookupCopiesLargeValueTwice_Pinned(t *testing.T) {
	testguard.Run(t, 60*time.Second, func() {
		for _, pair := range [][2]string{
			{`len(map(1..200, sbigs[0]))`, `len(map(1..200, smap[1]))`},
			{`len(map(1..200, dbigs[0]))`, `len(map(1..200, dmap[1]))`},
		} {
			list, _ := a161Allocated(t, pair[0], 200_000)
			lookup, err := a161Allocated(t, pair[1], 200_000)
			if !errors.Is(err, ErrLimit) {
				t.Errorf("%s: %v; want the budget to stop it", pair[1], err)
			}
			if lookup > list+list/2 {
				t.Errorf("%s allocated %d bytes, %s %d (%.1fx): a lookup copies the value twice",
					pair[1], lookup, pair[0], list, float64(lookup)/float64(list))
			}
		}
	})
}

// Was (fixed; before the change too; __index is now the one place every
// dynamic index runs): a large record read by a dynamic index out of a
// list behind an any is copied at each read, uncharged: copies.go charges
// by the static type, which is any. The same read of a list typed
// []a161Big is charged and the budget stops the loop.
// Got before the fix: all(1..2000, dbigs[0] != nil) runs to true, allocating about 64 MB
// (2000 copies of 32 KiB) under a budget of 200,000 units (3.2 MB);
// all(1..2000, sbigs[0] != nil) fails with ErrLimit.
// A fix charges what __index returns by its size when it is a large
// struct or array, as walkCopy does for a static read.
func TestAdversary161_DynamicIndexLargeCopyUncharged_Pinned(t *testing.T) {
	testguard.Run(t, 60*time.Second, func() {
		if _, err := a161Allocated(t, `all(1..2000, sbigs[0] != nil)`, 200_000); !errors.Is(err, ErrLimit) {
			t.Fatalf("static read: %v; want ErrLimit", err)
		}
		got, err := a161Allocated(t, `all(1..2000, dbigs[0] != nil)`, 200_000)
		if !errors.Is(err, ErrLimit) {
			t.Errorf("all(1..2000, dbigs[0] != nil): %v after allocating %d bytes under a budget of 3.2 MB; want ErrLimit", err, got)
		}
	})
}

// Pinned: dynamic indexes and ins of lists, strings, arrays and structs
// behind an any give what they gave at 9aa4145, when they went straight
// to expr's VM: negative indexes from the end, out of range and nil
// operands fail with expr's message at the index, float indexes truncate,
// a string is indexed by byte, a struct is read by a field name from a
// variable, a nil pointer and a nil any fail (and ?. gives nil), in over
// a struct looks for a Go field name, in over a string fails, NaN in a
// list fails with ErrNaN, and pointers and named types compare by value.
func TestAdversary161_DynamicIndexAsBefore_Pinned(t *testing.T) {
	a161Expect(t, [][2]string{
		{`xs[0]`, "int 10"},
		{`xs[-1]`, "int 30"},
		{`xs[3]`, "error eval: 1:3: index out of range: 3 (array length is 3)"},
		{`xs[-4]`, "error eval: 1:3: index out of range: -1 (array length is 3)"},
		{`xs[1.0]`, "int 20"},
		{`xs[1.5]`, "int 20"},
		{`xs["a"]`, "error eval: 1:3: invalid operation: int(string)"},
		{`xs[nil]`, "error eval: 1:3: invalid operation: int(<nil>)"},
		{`xs?.[5]`, "error eval: 1:5: index out of range: 5 (array length is 3)"},
		{`get(xs, 5)`, "<nil> <nil>"},
		{`get(xs, -1)`, "int 30"},
		{`s[1]`, "uint8 195"},
		{`s[-1]`, "uint8 111"},
		{`arr[-1]`, "int 9"},
		{`st[key]`, "string ann"},
		{`pst[key]`, "string bob"},
		{`st["nope"]`, "error eval: 1:3: cannot fetch nope from dsl.a161Rec"},
		{`nilp[key]`, "error eval: 1:5: cannot fetch name from *dsl.a161Rec"},
		{`nilp?.[key]`, "<nil> <nil>"},
		{`nilany[0]`, "error eval: 1:7: cannot fetch 0 from <nil>"},
		{`nilany?.[0] ?? 5`, "int 5"},
		{`map([st, pst], #[key])`, "[]interface {} [ann bob]"},
		{`10.0 in xs`, "bool true"},
		{`1 not in xs`, "bool true"},
		{`p10 in xs`, "bool true"},
		{`1 in ptrs`, "bool true"},
		{`tier in named`, "bool true"},
		{`"Name" in st`, "bool true"},
		{`"name" in st`, "bool false"},
		{`"name" in nilp`, "bool false"},
		{`"x" in nilany`, "bool false"},
		{`"h" in s`, `error eval: 1:5: operator "in" not defined on string`},
		{`1 in fs`, "error eval: 1:6: value is NaN, so the comparison cannot be decided: dsl: NaN"},
		{`nan not in fs`, "error eval: 1:1: value is NaN, so the comparison cannot be decided: dsl: NaN"},
	})
}

// Pinned (changed by 4fc0491, for the better): a typed map behind an any
// looked up by a key of a type it cannot hold is a miss (its zero value,
// in false), not a reflect error; a map[time.Time]V behind an any is
// found by the instant in another zone, by [k], ?.[k], get and in.
// At 9aa4145: dsi[1] and 1 in dsi failed "reflect.Value.MapIndex: value
// of type int is not assignable to type string"; dtm[t0] was "" and
// t0 in dtm false.
func TestAdversary161_ForeignKeysBehindAny_Pinned(t *testing.T) {
	a161Expect(t, [][2]string{
		{`dsi[1]`, "int 0"},
		{`1 in dsi`, "bool false"},
		{`dsi["a"]`, "int 1"},
		{`dtm[t0]`, "string tm"},
		{`dtm?.[t0]`, "string tm"},
		{`get(dtm, t0)`, "string tm"},
		{`t0 in dtm`, "bool true"},
	})
}

// Pinned: a lookup of a time in a large map of interface keys charges a
// step for each key it compares, so a loop of such lookups ends on the
// step budget rather than running len(m) times the loop for free.
func TestAdversary161_TimeKeySearchCharged_Pinned(t *testing.T) {
	testguard.Run(t, 60*time.Second, func() {
		host := make(map[any]any, 20_000)
		for i := range 20_000 {
			host[i] = i
		}
		host[a161At.In(time.FixedZone("CET", 3600))] = "cet"
		type env struct {
			M map[any]any `expr:"m"`
			T time.Time   `expr:"t"`
		}
		e, err := Compile[env, any](`all(1..1000, m[t] == "cet")`, WithLimits(Limits{MaxSteps: 100_000}))
		if err != nil {
			t.Fatal(err)
		}
		if v, err := e.Eval(env{M: host, T: a161At}, a161At); !errors.Is(err, ErrLimit) {
			t.Errorf("1000 lookups of a time in a map of 20,001 keys under 100,000 steps: %v, %v; want ErrLimit", v, err)
		}
		one, err := Compile[env, any](`m[t]`, WithLimits(Limits{MaxSteps: 100_000}))
		if err != nil {
			t.Fatal(err)
		}
		if v, err := one.Eval(env{M: host, T: a161At}, a161At); err != nil || v != "cet" {
			t.Errorf("m[t]: %v, %v; want cet", v, err)
		}
	})
}

// Pinned: Explain pairs the operands of an in looked up by value with
// __in's arguments, for a list behind an any and under not too: each
// operand's step has the value Eval gives it alone.
func TestAdversary161_ExplainInOperands_Pinned(t *testing.T) {
	testguard.Run(t, 20*time.Second, func() {
		for _, c := range []struct{ src, step string }{
			{`p10 in xs`, "p10"},
			{`p10 in xs`, "xs"},
			{`n not in xs`, "xs"},
			{`tier in named`, "tier"},
		} {
			e, err := Compile[*a161Env, any](c.src)
			if err != nil {
				t.Fatal(err)
			}
			x, err := e.Explain(a161Data(), a161At)
			if err != nil {
				t.Fatalf("%s: %v", c.src, err)
			}
			steps := map[string]*Step{}
			a161Steps(x.Root, steps)
			s := steps[c.step]
			if s == nil {
				t.Errorf("%s: no step %q", c.src, c.step)
				continue
			}
			own, err := Compile[*a161Env, any](c.step)
			if err != nil {
				t.Fatal(err)
			}
			want, err := own.Eval(a161Data(), a161At)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(s.Value, want) {
				t.Errorf("Explain of %s: step %q is %T %v; %s is %T %v", c.src, c.step, s.Value, s.Value, c.step, want, want)
			}
		}
	})
}

func a161Steps(s *Step, into map[string]*Step) {
	if s == nil {
		return
	}
	into[s.Expr] = s
	for _, c := range s.Children {
		a161Steps(c, into)
	}
}
