package dsl

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl/rulefile"
	"github.com/engagekit/engagekit/internal/testguard"
)

// Adversary 148: built-ins over collections and nested values (max, min,
// sum, mean, median, sort, flatten, fromPairs, uniq, groupBy, in, ==) over
// lists of lists, maps of lists, pointers and any fields holding nested
// data; huge, self-referencing and deep data; NaN nested inside; mixed
// int/float/uint64/float32/named numbers; and the hit any check of rule
// files (same_value.go), with rulefile.Analyze's claim about it. Every
// expression runs on both backends (closures, expr alone), and Explain is
// held to Eval.

var a148Now = time.Date(2026, 4, 5, 10, 0, 0, 0, time.UTC)

type a148Pence int64

type a148Item struct {
	Name string `expr:"name"`
	Hook func() `expr:"-"`
}

type a148Env struct {
	F32s  []float32            `expr:"f32s"`
	Us    []uint64             `expr:"us"`
	Fs    []float64            `expr:"fs"`
	LL    [][]float64          `expr:"ll"`
	ML    map[string][]float64 `expr:"ml"`
	M     map[string]any       `expr:"m"`
	A     any                  `expr:"a"`
	Ps    []*float64           `expr:"ps"`
	Pence []a148Pence          `expr:"pence"`
	X     float64              `expr:"x"`
	I     int                  `expr:"i"`
	Xs    []int                `expr:"xs"`
	Xss   [][]int              `expr:"xss"`
	Xss2  [][]int              `expr:"xss2"`
	Deep  []any                `expr:"deep"`
	It    *a148Item            `expr:"it"`
	ItV   a148Item             `expr:"itv"`
	At    time.Time            `expr:"at"`
}

// a148Env0 is an environment of hostile collections: NaNs nested in lists
// and maps of lists, uint64s beyond an int, float32s and named ints
// behind any, a list that holds itself, a pointer that points at itself,
// a list of lists of 2^50 leaves sharing its lists.
func a148Env0() a148Env {
	nan := math.NaN()
	self := []any{1.0, nil}
	self[1] = self
	selfp := new(any)
	*selfp = selfp
	dag := []any{1.0}
	for range 50 {
		dag = []any{dag, dag}
	}
	one := 1.0
	return a148Env{
		F32s: []float32{0.9, 0.1}, Us: []uint64{1 << 63, 1}, Fs: []float64{1, 2},
		LL: [][]float64{{1, nan}, {2}}, ML: map[string][]float64{"a": {3}, "b": {nan}},
		M: map[string]any{
			"f32s": []any{float32(0.9)}, "f32": float32(0.9), "us": []any{uint64(1 << 63)}, "u": uint64(1 << 63), "u5": uint64(5),
			"pence": []any{a148Pence(3)}, "p": a148Pence(3), "mixed": []any{1, 1.0}, "mixall": []any{1, 1.0, uint64(1), float32(1), a148Pence(1)},
			"nested": []any{[]any{1.0, nan}}, "deepnan": []any{[]any{[]any{nan}}}, "lists": []any{[]any{1}, []any{1.0}},
			"self": self, "selfp": selfp, "dag": dag, "mixu": []any{uint64(5), 5},
		},
		A: []any{[]any{nan}}, Ps: []*float64{&one, nil}, Pence: []a148Pence{1, 2}, X: nan, I: 5,
	}
}

// a148Out is one backend's answer to one expression: Eval's value and
// error, Explain's value and error, and the compile error.
type a148Out struct {
	v, xv     any
	err, xerr error
	cerr      error
}

// a148Run compiles src (result any) with opts on the closures and on expr
// alone, evaluates it with Eval and Explain under testguard, and checks
// that Explain agrees with Eval on each backend: the same value, or an
// error of the same kind.
func a148Run(t *testing.T, src string, env a148Env, opts ...Option) [2]a148Out {
	t.Helper()
	var out [2]a148Out
	for k, o := range [][]Option{opts, append(opts[:len(opts):len(opts)], exprOnly)} {
		testguard.Run(t, 20*time.Second, func() {
			e, err := Compile[a148Env, any](src, o...)
			if err != nil {
				out[k].cerr = err
				return
			}
			out[k].v, out[k].err = e.Eval(env, a148Now)
			x, xerr := e.Explain(env, a148Now)
			out[k].xerr = xerr
			if x != nil {
				out[k].xv = x.Value
			}
		})
		path := a22Names[k]
		r := out[k]
		switch {
		case r.cerr != nil:
		case (r.err == nil) != (r.xerr == nil):
			t.Errorf("%s: %s: Eval %v, %v; Explain %v, %v", path, src, a148Show(r.v), r.err, a148Show(r.xv), r.xerr)
		case r.err != nil && a148Kind(r.err) != a148Kind(r.xerr):
			t.Errorf("%s: %s: Eval error %v (%s), Explain error %v (%s)", path, src, r.err, a148Kind(r.err), r.xerr, a148Kind(r.xerr))
		case r.err == nil && a148Show(r.v) != a148Show(r.xv):
			t.Errorf("%s: %s: Eval %s, Explain %s", path, src, a148Show(r.v), a148Show(r.xv))
		}
	}
	return out
}

// a148Kind names an error's kind and the sentinels it matches.
func a148Kind(err error) string {
	if err == nil {
		return "none"
	}
	var e *Error
	if !errors.As(err, &e) {
		return fmt.Sprintf("untyped %T", err)
	}
	s := e.Kind.String()
	for _, is := range []error{ErrNaN, ErrOverflow, ErrLimit, ErrCancelled} {
		if errors.Is(err, is) {
			s += " " + is.Error()
		}
	}
	return s
}

// a148Show writes a value without following a list into itself.
func a148Show(v any) string {
	switch x := v.(type) {
	case []any:
		if len(x) > 8 {
			return fmt.Sprintf("[%d elements]", len(x))
		}
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = a148Show(e)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case nil, bool, string, int, int64, uint64, float32, float64:
		return fmt.Sprintf("%T(%v)", v, v)
	}
	return fmt.Sprintf("%T", v)
}

// a148Want checks that both backends give want.
func a148Want(t *testing.T, src string, env a148Env, want any, opts ...Option) {
	t.Helper()
	for k, r := range a148Run(t, src, env, opts...) {
		if r.cerr != nil || r.err != nil || !reflect.DeepEqual(r.v, want) {
			t.Errorf("%s: %s = %s, %v (compile %v); want %s", a22Names[k], src, a148Show(r.v), r.err, r.cerr, a148Show(want))
		}
	}
}

// a148WantErr checks that both backends fail at run time with an *Error
// matching is (nil: any), which names its line and column.
func a148WantErr(t *testing.T, src string, env a148Env, is error, opts ...Option) {
	t.Helper()
	for k, r := range a148Run(t, src, env, opts...) {
		var e *Error
		if r.cerr != nil || !errors.As(r.err, &e) || is != nil && !errors.Is(r.err, is) {
			t.Errorf("%s: %s = %s, %v (compile %v); want an evaluation error matching %v", a22Names[k], src, a148Show(r.v), r.err, r.cerr, is)
			continue
		}
		if e.Line == 0 || e.Column == 0 {
			t.Errorf("%s: %s: error without its place: %v", a22Names[k], src, r.err)
		}
	}
}

// a148Table is a hit any table of two rows that both match (i = 5),
// deciding output band x and band y.
func a148Table(x, y string) string {
	return "table tb hit any {\n  type \"t\"\n  in i\n  row 5 => output band " + x + "\n  row - => output band " + y + "\n}\n"
}

// a148Findings is what rulefile.Analyze says of body's file: the codes
// of its findings.
func a148Findings(t *testing.T, body string) []string {
	t.Helper()
	f, err := rulefile.Parse([]byte("ruleset a93 version 1\n" + body))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	var codes []string
	for _, x := range rulefile.Analyze(f) {
		codes = append(codes, x.Code)
	}
	return codes
}

// a148WantOneHit checks that the hit any table of rows deciding x and y
// makes one hit on both backends (Explain agreeing, a93Check's checks).
func a148WantOneHit(t *testing.T, x, y string, env a148Env) {
	t.Helper()
	body := a148Table(x, y)
	for i, r := range a93Check(t, body, env) {
		if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
			t.Errorf("%s: hit any, rows deciding band %s and band %s (the same value): %s; want one hit", a22Names[i], x, y, r)
		}
	}
}

// ---------------------------------------------------------------------
// Were broken, fixed in the same session
// ---------------------------------------------------------------------

// Was (fixed): == (and in, which compares as == does) between lists does not
// read a float32 as the decimal it holds, though a scalar comparison and
// in over the list's elements do.
// Contract (doc.go, Numbers): "a float32 as the decimal it holds (a stored
// 0.9 equals the literal 0.9 ...) ... and a list of them element by element
// (`0.9 in ratios`, ...), and a list of any holding them too".
// Input: f32s a []float32 {0.9, 0.1}; m.f32s an []any{float32(0.9)};
// m.f32 a float32(0.9) in a map of any.
// Expected: `f32s == [0.9, 0.1]`, `m.f32s == [0.9]`, `[m.f32] == [0.9]`,
// `{'a': m.f32} == {'a': 0.9}` and `[0.9] in [m.f32s]` true, as
// `f32s[0] == 0.9`, `0.9 in m.f32s` and `[f32s[0]] == [0.9]` are.
// Got before the fix: all false, silently, on both backends (`m.f32s != [0.9]` is true).
func TestAdversary148_ListEqualityFloat32_Pinned(t *testing.T) {
	env := a148Env0()
	// The reference: element by element, the float32 is 0.9.
	for _, src := range []string{`f32s[0] == 0.9`, `0.9 in m.f32s`, `0.9 in f32s`, `[f32s[0]] == [0.9]`, `m.f32 == 0.9`} {
		a148Want(t, src, env, true)
	}
	for _, src := range []string{`f32s == [0.9, 0.1]`, `m.f32s == [0.9]`, `[m.f32] == [0.9]`, `{'a': m.f32} == {'a': 0.9}`, `[0.9] in [m.f32s]`} {
		a148Want(t, src, env, true)
	}
	a148Want(t, `m.f32s != [0.9]`, env, false)
}

// Was (fixed): == between lists does not read a host's named int (type Pence
// int64) as an int when it stands in a list of any, though it does for a
// uint64 there and for the element alone.
// Contract (doc.go, Numbers): "a named or narrow integer (type Pence int64
// ...) is read as an int ... and a list of them element by element ...
// and a list of any holding them too".
// Input: m.pence an []any{Pence(3)}; m.p a Pence(3) in a map of any.
// Expected: `m.pence == [3]` and `[m.p] == [3]` true, as `m.pence[0] == 3`,
// `3 in m.pence` and `[m.u5] == [5]` (a uint64 5) are.
// Got before the fix: both false, silently, on both backends.
func TestAdversary148_ListEqualityNamedIntInAny_Pinned(t *testing.T) {
	env := a148Env0()
	for _, src := range []string{`m.pence[0] == 3`, `3 in m.pence`, `[m.u5] == [5]`, `m.p == 3`} {
		a148Want(t, src, env, true)
	}
	for _, src := range []string{`m.pence == [3]`, `[m.p] == [3]`} {
		a148Want(t, src, env, true)
	}
}

// Was (fixed): hit any's sameness check (same_value.go) takes two values
// nested more than maxSameDepth (1000) deep to differ, even when they are
// one and the same host value: two rows deciding the same field fail the
// table ("decide differently"), while rulefile.Analyze, rightly, finds no
// conflict (equal text decides alike).
// Input: deep, an []any nested 1100 lists deep; table hit any with rows
// `output band deep` and `output band deep`.
// Expected: one hit (the rows decide alike), as Analyze claims.
// Got before the fix: "hit policy any: row 1 and row 2 both match and decide
// differently" on both backends.
func TestAdversary148_HitAnySameDeepValue_Pinned(t *testing.T) {
	env := a148Env0()
	deep := []any{1.0}
	for range 1100 {
		deep = []any{deep}
	}
	env.Deep = deep
	if codes := a148Findings(t, a148Table("deep", "deep")); len(codes) != 0 {
		t.Fatalf("Analyze: %v; the pin assumed no finding", codes)
	}
	a148WantOneHit(t, "deep", "deep", env)
}

// Was (fixed): hit any's sameness check finds a struct holding a func (a field
// hidden from rules, `expr:"-"`) different from itself, even behind one
// and the same pointer: reflect.DeepEqual takes two equal pointers as
// deeply equal, sameValue has no such case and descends into the func.
// Input: it, a *Item{Name: "x", Hook: func(){}} (Hook tagged expr:"-");
// table hit any with rows `output band it` and `output band it`. (The
// struct value itv fails alike; it is left out here, as the harness's own
// comparison of hits, reflect.DeepEqual, cannot hold a func either.)
// Expected: one hit; Analyze finds no conflict (equal text decides
// alike).
// Got before the fix: "hit policy any: row 1 and row 2 both match and decide
// differently" on both backends.
func TestAdversary148_HitAnySameStructWithFunc_Pinned(t *testing.T) {
	env := a148Env0()
	env.It = &a148Item{Name: "x", Hook: func() {}}
	for _, f := range []string{"it"} {
		if codes := a148Findings(t, a148Table(f, f)); len(codes) != 0 {
			t.Fatalf("Analyze(%s): %v; the pin assumed no finding", f, codes)
		}
		a148WantOneHit(t, f, f, env)
	}
}

// Was (fixed): hit any's sameness check compares a time.Time's internal
// fields, so one instant in one location, with and without Go's monotonic
// clock reading, decides "differently". A host's time read from
// time.Now() carries one; at.AddDate(0, 0, 0) (the same instant, the
// same location: `at == at.AddDate(0, 0, 0)` is true) does not.
// Input: at = time.Now(); rows `output band at` and
// `output band at.AddDate(0, 0, 0)`.
// Expected: one hit (Analyze says it cannot tell: CodeUnknown).
// Got before the fix: "hit policy any: row 1 and row 2 both match and decide
// differently" on both backends.
func TestAdversary148_HitAnyMonotonicTime_Pinned(t *testing.T) {
	env := a148Env0()
	env.At = time.Now()
	a148Want(t, `at == at.AddDate(0, 0, 0)`, env, true)
	a148WantOneHit(t, "at", "at.AddDate(0, 0, 0)", env)
}

// Was (fixed): hit any's sameness check compares an output read from a map of
// any as the Go value it holds: a uint64, a float32 or a named int there
// decides "differently" from the int or the float it is read as
// everywhere else, though the same numbers in typed fields are read
// (rows `u` and `5` with u a uint64 field decide alike; so do `f32` and
// `0.9` with f32 a float32 field; adversary 117 pinned m.pi, a *int, and
// 5 alike).
// Input: m.u5 = uint64(5), m.f32 = float32(0.9), m.p = Pence(3) in a
// map[string]any; rows `output band m.u5` / `output band 5`, m.f32 / 0.9,
// m.p / 3.
// Expected: one hit each (`m.u5 == 5`, `m.f32 == 0.9`, `m.p == 3` hold).
// Got before the fix: "hit policy any: row 1 and row 2 both match and decide
// differently" on both backends.
func TestAdversary148_HitAnyNumberFromAny_Pinned(t *testing.T) {
	env := a148Env0()
	for _, c := range [][2]string{{"m.u5", "5"}, {"m.f32", "0.9"}, {"m.p", "3"}} {
		a148Want(t, c[0]+" == "+c[1], env, true)
		a148WantOneHit(t, c[0], c[1], env)
	}
}

// ---------------------------------------------------------------------
// Pinned
// ---------------------------------------------------------------------

// A uint64 beyond an int fails every aggregate and order that reads it
// with ErrOverflow, in a typed list, behind any and as a scalar argument.
func TestAdversary148_Uint64Overflow_Pinned(t *testing.T) {
	env := a148Env0()
	for _, src := range []string{`mean(us)`, `median(us)`, `max(us)`, `min(us)`, `sum(us)`, `mean(m.us)`, `median(m.us)`,
		`sort(m.us)`, `uniq(m.us)`, `mean(m.u)`, `mean([m.u])`, `median([m.u, 1])`, `max(m.us)`, `m.u > 0`} {
		a148WantErr(t, src, env, ErrOverflow)
	}
}

// A NaN nested in a list of lists, a map of lists or an any holding lists
// fails mean, median, uniq, ==, in and the predicates that compare lists;
// a sum of one fails on its NaN result.
func TestAdversary148_NestedNaN_Pinned(t *testing.T) {
	env := a148Env0()
	for _, src := range []string{`mean(ll)`, `median(ll)`, `mean(ml.b)`, `mean(values(ml))`, `median(values(ml))`,
		`mean(a)`, `median(a)`, `uniq(a)`, `mean(m.deepnan)`, `median([1, [2, [x]]])`, `uniq(m.deepnan)`,
		`[x] in [[x]]`, `[[x]] == [[x]]`, `[1] in m.nested`, `ll[0] == ll[0]`, `count(m.nested, # == [1.0])`,
		`any(ll, # == [2.0])`, `any(ll, 2.0 in #)`, `findIndex(ll, # == [1.0])`, `fromPairs([[x, 2]])`} {
		a148WantErr(t, src, env, ErrNaN)
	}
	for _, src := range []string{`sum(ll[0])`, `sum(flatten(a))`, `reduce(ll, #acc + sum(#), 0.0)`, `sum([x, 1])`} {
		a148WantErr(t, src, env, nil)
	}
}

// A list of lists that cannot be ordered fails sort and sortBy rather
// than sort into an order; a key that is a list is a compile error where
// its type shows it, and fails where it is known only at run time.
func TestAdversary148_SortListsOfLists_Pinned(t *testing.T) {
	env := a148Env0()
	for _, src := range []string{`sort(m.lists)`, `sort([[2], [1]])`, `sort([[x], [1]])`, `sortBy(m.lists, #)`,
		`sort(m.self)`, `groupBy(m.lists, #)`, `groupBy(m.deepnan, #)`} {
		a148WantErr(t, src, env, nil)
	}
	for _, src := range []string{`sortBy([[x], [1]], #)`, `fromPairs([[[1], 2]])`} {
		for k, r := range a148Run(t, src, env) {
			if r.cerr == nil {
				t.Errorf("%s: %s compiled; want a compile error", a22Names[k], src)
			}
		}
	}
}

// Mixed number types read as one value: uniq keeps 1, 1.0, uint64(1),
// float32(1) and Pence(1) as one; a float32 and a named int behind any are
// their decimal and their int in mean, median, max, sum and uniq.
func TestAdversary148_MixedNumbers_Pinned(t *testing.T) {
	env := a148Env0()
	a148Want(t, `len(uniq(m.mixall))`, env, 1)
	a148Want(t, `mean(m.f32s) == 0.9`, env, true)
	a148Want(t, `median(m.f32s) == 0.9`, env, true)
	a148Want(t, `max(m.f32s) == 0.9`, env, true)
	a148Want(t, `sum(m.f32s) == 0.9`, env, true)
	a148Want(t, `mean(f32s) == 0.5`, env, true)
	a148Want(t, `mean(m.pence)`, env, 3.0)
	a148Want(t, `max(m.pence)`, env, 3)
	a148Want(t, `uniq(m.pence)`, env, []any{3})
	a148Want(t, `[1] == [1.0]`, env, true)
	a148Want(t, `[1.0] in m.lists`, env, true)
	a148Want(t, `m.mixu == [5, 5]`, env, true)
}

// A nil among the values a mean, median, max or sum reads fails.
func TestAdversary148_NilElements_Pinned(t *testing.T) {
	env := a148Env0()
	for _, src := range []string{`mean(ps)`, `median(ps)`, `max(ps)`, `sum(ps)`} {
		a148WantErr(t, src, env, nil)
	}
}

// Data that holds itself ends: a list holding itself fails mean, median,
// max, flatten and uniq on a bound of nesting or memory; a pointer to
// itself fails with ErrEval where it is read.
func TestAdversary148_SelfReference_Pinned(t *testing.T) {
	env := a148Env0()
	for _, src := range []string{`mean(m.self)`, `median(m.self)`, `max(m.self)`, `len(flatten(m.self))`, `len(uniq(m.self))`,
		`mean(m.selfp)`, `max(m.selfp)`, `flatten(m.selfp)`, `uniq(m.selfp)`, `sort(m.selfp)`} {
		a148WantErr(t, src, env, nil)
	}
	a148Want(t, `len(groupBy(m.self, 1))`, env, 1)
}

// A list of lists of 2^50 leaves, its lists shared, is walked within the
// step budget, and with no step budget to speak of within the context's
// deadline: mean, median, flatten, uniq and == end.
func TestAdversary148_SharedListsBudget_Pinned(t *testing.T) {
	env := a148Env0()
	srcs := []string{`mean(m.dag)`, `median(m.dag)`, `len(flatten(m.dag))`, `len(uniq(m.dag))`, `m.dag == m.dag`, `[m.dag] == [m.dag]`}
	for _, src := range srcs {
		a148WantErr(t, src, env, ErrLimit)
	}
	for _, src := range srcs {
		for k, o := range [][]Option{{WithLimits(Limits{MaxSteps: math.MaxInt, MemoryBudget: math.MaxInt})}, {exprOnly, WithLimits(Limits{MaxSteps: math.MaxInt, MemoryBudget: math.MaxInt})}} {
			testguard.Run(t, 20*time.Second, func() {
				e, err := Compile[a148Env, any](src, o...)
				if err != nil {
					t.Errorf("%s: %s: %v", a22Names[k], src, err)
					return
				}
				ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
				defer cancel()
				if _, err := e.EvalContext(ctx, env, a148Now); err == nil {
					t.Errorf("%s: %s: no error over 2^50 leaves", a22Names[k], src)
				}
			})
		}
	}
}

// Comparing lists of lists costs their elements: in, ==, a predicate's ==
// and uniq over 300 lists of a million ints (one list shared, so the data
// is small and the work is not) are over a budget of 10,000 steps.
func TestAdversary148_ListsOfListsCompareCharged_Pinned(t *testing.T) {
	env := a148Env0()
	const n, k = 1_000_000, 300
	xs, ys, zs := make([]int, n), make([]int, n), make([]int, n)
	ys[n-1] = 1
	env.Xs = xs
	for range k {
		env.Xss = append(env.Xss, ys)
		env.Xss2 = append(env.Xss2, zs)
	}
	small := WithLimits(Limits{MaxSteps: 10_000})
	for _, src := range []string{`xs in xss`, `xss == xss2`, `count(xss, # == xs)`, `any(xss, # == xs)`, `len(uniq(xss))`, `xss2 == xss2`, `xss[0] == xss2[0]`} {
		a148WantErr(t, src, env, ErrLimit, small)
	}
}

// hit any and Analyze agree where the values are plain: -0.0 and 0.0
// decide alike (one hit, no finding); 1 and 1.0 decide differently (an
// error, and Analyze's any-conflict); [-0.0] and [0.0] decide alike.
func TestAdversary148_HitAnyPlainValues_Pinned(t *testing.T) {
	env := a148Env0()
	env.I = 5
	if codes := a148Findings(t, a148Table("-0.0", "0.0")); len(codes) != 0 {
		t.Errorf("Analyze(-0.0, 0.0): %v; want none", codes)
	}
	a148WantOneHit(t, "-0.0", "0.0", env)
	a148WantOneHit(t, "[-0.0]", "[0.0]", env)
	a148WantOneHit(t, "[fs]", "[fs]", env)
	// Values that print for ever (a list holding itself, 2^50 shared
	// leaves): a93Run, whose results are not printed.
	for _, f := range []string{"m.self", "m.dag"} {
		for k, o := range [][]Option{{a22Limits}, {a22Limits, exprOnly}} {
			var r a22Result
			testguard.Run(t, 20*time.Second, func() { r = a93Run(a148Table(f, f), env, o...) })
			if r.panicked != "" || r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: hit any of band %s twice: panic %q, compile %v, err %v, %d hits; want one hit", a22Names[k], f, r.panicked, r.compileErr, r.err, len(r.hits))
			}
		}
	}
	codes := a148Findings(t, a148Table("1", "1.0"))
	if len(codes) != 1 || codes[0] != "any-conflict" {
		t.Errorf("Analyze(1, 1.0): %v; want [any-conflict]", codes)
	}
	for i, r := range a93Check(t, a148Table("1", "1.0"), env) {
		if r.err == nil || !strings.Contains(r.err.Error(), "decide differently") {
			t.Errorf("%s: hit any of band 1 and band 1.0: %s; want the rows to decide differently", a22Names[i], r)
		}
	}
}
