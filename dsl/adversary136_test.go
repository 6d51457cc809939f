package dsl

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/internal/testguard"
)

// Adversary 136: budget arithmetic at the extremes. Limits of MaxInt
// (which bound nothing, so only the context's deadline ends a rule), of 1,
// 0 and negative; counts that multiply or saturate (sort's n·log n,
// repeat's len·n, a range's span, flatten's nested count, the NaN walk of
// ==). Lists of zero-size elements ([]struct{}, [][0]any) cost no memory
// however long, so they reach counts of 2^28 … 2^62 safely.

var a136Now = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

type a136Env struct {
	L []any `expr:"l"`
	A any   `expr:"a"`
	N int   `expr:"n"`
	M int   `expr:"m"`
}

var a136Unbounded = Limits{MaxSteps: math.MaxInt, MemoryBudget: math.MaxInt}

// a136Result is one evaluation's outcome.
type a136Result struct {
	v    any
	err  error
	took time.Duration
}

func (r a136Result) String() string {
	if r.err != nil {
		return "error: " + strings.SplitN(r.err.Error(), "\n", 2)[0]
	}
	return fmt.Sprint(r.v)
}

// a136Eval compiles src under lim (expr alone when exprAlone) and runs
// EvalContext under deadline, timing it.
func a136Eval(t *testing.T, src string, env a136Env, lim Limits, deadline time.Duration, exprAlone bool) a136Result {
	t.Helper()
	opts := []Option{WithLimits(lim)}
	if exprAlone {
		opts = append(opts, exprOnly)
	}
	e, err := Compile[a136Env, any](src, opts...)
	if err != nil {
		t.Fatalf("%s: compile: %v", src, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	v, err := e.EvalContext(ctx, env, a136Now)
	return a136Result{v, err, time.Since(start)}
}

// a136Explain runs Explain and returns its outcome in the same form.
func a136Explain(t *testing.T, src string, env a136Env, lim Limits, exprAlone bool) a136Result {
	t.Helper()
	opts := []Option{WithLimits(lim)}
	if exprAlone {
		opts = append(opts, exprOnly)
	}
	e, err := Compile[a136Env, any](src, opts...)
	if err != nil {
		t.Fatalf("%s: compile: %v", src, err)
	}
	start := time.Now()
	x, err := e.Explain(env, a136Now)
	var v any
	if x != nil {
		v = x.Value
	}
	return a136Result{v, err, time.Since(start)}
}

func a136Typed(t *testing.T, src string, err error) {
	t.Helper()
	if err != nil && !errors.As(err, new(*Error)) {
		t.Errorf("%s: %v is no *dsl.Error", src, err)
	}
}

// A limit of 0 or below is the default; a limit of 1 allows exactly one
// step and one unit. Eval, Explain and expr alone agree on each.
func TestAdversary136_SmallAndNegativeLimits_Pinned(t *testing.T) {
	debug.SetMemoryLimit(1 << 30)
	cases := []struct {
		src  string
		lim  Limits
		want string // a value, or "limit"
	}{
		{"len(1..1)", Limits{MaxSteps: 1, MemoryBudget: 1}, "1"},
		{"len(1..2)", Limits{MaxSteps: 1, MemoryBudget: 1}, "limit"},
		{"len(1..2)", Limits{MaxSteps: 2, MemoryBudget: 1}, "limit"},
		{"len(1..2)", Limits{MaxSteps: 1, MemoryBudget: 2}, "limit"},
		{"len(1..2)", Limits{MaxSteps: 2, MemoryBudget: 2}, "2"},
		{"len(1..999999)", Limits{MaxSteps: -1, MemoryBudget: -5}, "999999"},
		{"len(1..1000001)", Limits{MaxSteps: -1, MemoryBudget: math.MaxInt}, "limit"},
		{"len(1..1000001)", Limits{MaxSteps: math.MaxInt, MemoryBudget: math.MinInt}, "limit"},
		{"len(1..1000001)", Limits{MaxSteps: math.MinInt, MemoryBudget: 0}, "limit"},
		{"len(repeat(\"abcdefghijklmnop\", 999999))", Limits{MemoryBudget: -1}, "15999984"},
		{"len(repeat(\"abcdefghijklmnop\", 1000000))", Limits{MemoryBudget: -1}, "limit"},
		{"all(1..3, # > 0)", Limits{MaxSteps: 3, MemoryBudget: 3}, "limit"}, // 3 for the range, 3 for the predicate
		{"all(1..3, # > 0)", Limits{MaxSteps: 6, MemoryBudget: 3}, "true"},
	}
	for _, c := range cases {
		for _, alone := range []bool{false, true} {
			testguard.Run(t, 20*time.Second, func() {
				r := a136Eval(t, c.src, a136Env{}, c.lim, 5*time.Second, alone)
				a136Typed(t, c.src, r.err)
				switch {
				case c.want == "limit":
					if !errors.Is(r.err, ErrLimit) {
						t.Errorf("%s %+v (expr alone %v): %v, want ErrLimit", c.src, c.lim, alone, r)
					}
				case r.String() != c.want:
					t.Errorf("%s %+v (expr alone %v): %v, want %s", c.src, c.lim, alone, r, c.want)
				}
				x := a136Explain(t, c.src, a136Env{}, c.lim, alone)
				if x.String() != r.String() {
					t.Errorf("%s %+v: Explain %v, Eval %v", c.src, c.lim, x, r)
				}
			})
		}
	}
}

// Under budgets of MaxInt the loops a rule writes (predicates) and the
// governed built-ins that step an element at a time end at the context's
// deadline, promptly, with ErrCancelled; what cannot be built (a range of
// MaxInt ints, a list that holds itself twice) fails promptly with a typed
// error; honest work is unchanged.
func TestAdversary136_UnboundedBudgetsHonourDeadline_Pinned(t *testing.T) {
	debug.SetMemoryLimit(1 << 30)
	twice := []any{nil, nil}
	twice[0], twice[1] = twice, twice
	huge := make([]struct{}, 1<<40) // no memory: zero-size elements
	cases := []struct {
		src  string
		env  a136Env
		want string // a value, "cancelled" or "error"
	}{
		{"all(a, true)", a136Env{A: huge}, "cancelled"},
		{"len(filter(a, false))", a136Env{A: huge}, "cancelled"},
		{"findIndex(a, false)", a136Env{A: huge}, "cancelled"},
		{"len(uniq(a))", a136Env{A: huge}, "cancelled"},
		{"reduce(1..10, #acc + #, 0)", a136Env{}, "55"},
		{"sum(1..1000)", a136Env{}, "500500"},
		{"len(repeat(\"ab\", 1000)) + len(join(map(1..100, \"x\")))", a136Env{}, "2100"},
		{"len(flatten(l))", a136Env{L: twice}, "error"},
		{"len(1..n)", a136Env{N: 1 << 50}, "error"}, // 8 PB: past what Go can allocate
		{"sum(l)", a136Env{L: []any{math.MaxInt, 1}}, "error"},
		{"len(sort(l))", a136Env{L: []any{3, 1, 2}}, "3"},
		{"len(groupBy(1..100, # % 7))", a136Env{}, "7"},
		{"len(toPairs(groupBy(1..100, # % 7)))", a136Env{}, "7"},
		{"len(fromPairs(map(1..50, [#, #])))", a136Env{}, "50"},
		{"len(concat(1..3, 1..4))", a136Env{}, "7"},
	}
	for _, c := range cases {
		for _, alone := range []bool{false, true} {
			testguard.Run(t, 20*time.Second, func() {
				r := a136Eval(t, c.src, c.env, a136Unbounded, 500*time.Millisecond, alone)
				a136Typed(t, c.src, r.err)
				switch c.want {
				case "cancelled":
					if !errors.Is(r.err, ErrCancelled) {
						t.Errorf("%s (expr alone %v): %v, want ErrCancelled", c.src, alone, r)
					}
				case "error":
					if r.err == nil {
						t.Errorf("%s (expr alone %v): %v, want an error", c.src, alone, r)
					}
				default:
					if r.String() != c.want {
						t.Errorf("%s (expr alone %v): %v, want %s", c.src, alone, r, c.want)
					}
					if x := a136Explain(t, c.src, c.env, a136Unbounded, alone); x.String() != r.String() {
						t.Errorf("%s: Explain %v, Eval %v", c.src, x, r)
					}
				}
			})
		}
	}
}

// Explain's bound on its reruns (16 step budgets, 4 memory budgets) is
// computed only where it does not wrap; at the edges (MaxInt/16 and one
// more, MaxInt/4 and one more, MaxInt) Explain agrees with Eval.
func TestAdversary136_ExplainRerunBoundAtEdges_Pinned(t *testing.T) {
	srcs := []string{"!(len(1..1000) > 5)", "!!!(sum(1..100) > 5) ? len(repeat(\"ab\", 10)) : 0", "!(all(1..50, !(# > 100)))"}
	for _, lim := range []Limits{
		{MaxSteps: math.MaxInt / 16, MemoryBudget: math.MaxInt / 4},
		{MaxSteps: math.MaxInt/16 + 1, MemoryBudget: math.MaxInt/4 + 1},
		a136Unbounded,
		{MaxSteps: 1060, MemoryBudget: 1000},
	} {
		for _, src := range srcs {
			testguard.Run(t, 20*time.Second, func() {
				r := a136Eval(t, src, a136Env{}, lim, 5*time.Second, false)
				x := a136Explain(t, src, a136Env{}, lim, false)
				y := a136Eval(t, src, a136Env{}, lim, 5*time.Second, true)
				if x.String() != r.String() || y.String() != r.String() {
					t.Errorf("%s %+v: Eval %v, Explain %v, expr alone %v", src, lim, r, x, y)
				}
			})
		}
	}
}

// FIXED DEFECT (default budgets). Input: flatten(a) where a is a [][0]any of
// 2^27 elements (zero-size: no memory), and flatten(l) where l = []any{that
// list} under Limits{MaxSteps: 1, MemoryBudget: 1}. The list is refused
// (over the limit of steps) as it should be, but only after the count of
// what flatten would build has walked every element: nestedLen charges a
// step for each element only in proportion to builtUnits, which is 0 for a
// [0]any, and builtUnits itself loops over a list of [0]any before
// anything is charged. Observed: ~1.5–3 s of work before the refusal under
// a 1-step budget (and unbounded for 2^40 elements, deadline or not: the
// context is never looked at); expected: refused at once, in proportion
// to the budget, not to the data (registry.go nestedLen, the outer walk's
// steps_(n) comes after it; builtUnits' loop over lists of arrays of any).
func TestAdversary136_FlattenCountWalksUncharged_Pinned(t *testing.T) {
	list := make([][0]any, 1<<40) // no memory; sized or counted uncharged, it would not end
	cases := []struct {
		src string
		env a136Env
		lim Limits
	}{
		{"len(flatten(a))", a136Env{A: list}, Limits{}},
		{"len(flatten(a))", a136Env{A: list}, Limits{MaxSteps: 1, MemoryBudget: 1}},
		{"len(flatten(l))", a136Env{L: []any{list}}, Limits{MaxSteps: 1, MemoryBudget: 1}},
	}
	for _, c := range cases {
		for _, alone := range []bool{false, true} {
			testguard.Run(t, 60*time.Second, func() {
				r := a136Eval(t, c.src, c.env, c.lim, 100*time.Millisecond, alone)
				a136Typed(t, c.src, r.err)
				if r.err == nil {
					t.Errorf("%s %+v: %v, want an error", c.src, c.lim, r)
				}
			})
		}
	}
}

// FIXED DEFECT (MaxSteps: MaxInt, a 100ms deadline). Input: a == a, 1 in a and
// a[0] in a, where a is a []struct{} of 2^28 elements (no memory), and
// count(b) over 2^26 bools. The NaN walk of == and in (deepNaN) charges
// the list's length in steps at once, looks at the context then, and walks
// every element without looking again (a struct{} element charges
// steps_(0), which never crosses a check); count's walk charges n steps at
// once and leaves the loop to expr. Observed: ~3 s (≈30× the deadline;
// for 2^40 elements, for ever) before the cancellation is noticed, or,
// for count, a value returned 0.5–2 s after the deadline passed.
// Expected: ErrCancelled within about the deadline, as a predicate's loop
// gives (registry.go deepNaNAt: steps_(v.Len()) then the loop;
// governor.go steps_ looks at the context once per call). The walks' loops
// now poll the context; count(b) is left out: its loop is expr's own, and
// runs once over the host's list after the walk's charge (linear in the
// list the host built, not bounded by the deadline).
func TestAdversary136_UpfrontChargeIgnoresDeadline_Pinned(t *testing.T) {
	debug.SetMemoryLimit(1 << 30)
	zs := make([]struct{}, 1<<40) // no memory; walked unpolled, it would not end
	cases := []struct {
		src string
		env a136Env
	}{
		{"a == a", a136Env{A: zs}},
		{"1 in a", a136Env{A: zs}},
	}
	for _, c := range cases {
		for _, alone := range []bool{false, true} {
			testguard.Run(t, 60*time.Second, func() {
				r := a136Eval(t, c.src, c.env, Limits{MaxSteps: math.MaxInt}, 100*time.Millisecond, alone)
				a136Typed(t, c.src, r.err)
				if !errors.Is(r.err, ErrCancelled) {
					t.Errorf("%s (MaxSteps MaxInt, expr alone %v): %v, want ErrCancelled", c.src, alone, r)
				}
			})
		}
	}
}

// FIXED DEFECT (steps wrap). Input: sort(a) where a is a []struct{} of n =
// 2^62 + ⌈2^62/63⌉ elements (no memory), Limits{MaxSteps: 64}. walk
// charges sort n·bits.Len(n) steps, computed in int64: 63·n wraps to 59,
// within 64 steps, so the step check lets through a sort of 4.6·10^18
// elements. Observed: under the default memory budget the error names the
// memory budget (the copy is refused instead); under MemoryBudget MaxInt
// the copy is attempted and Go's "makeslice: len out of range" panic is
// the error (ErrEval). Expected: ErrLimit naming the 64 steps in both
// (registry.go walk: `n *= int64(bits.Len64(uint64(n)))`, unchecked).
func TestAdversary136_SortStepCountWraps_Pinned(t *testing.T) {
	n := 1<<62 + (1<<62+62)/63
	if w := int64(n) * 63; w <= 0 || w > 64 {
		t.Fatalf("wrapped count %d", w)
	}
	a := make([]struct{}, n)
	for _, mem := range []int{0, math.MaxInt} {
		for _, alone := range []bool{false, true} {
			testguard.Run(t, 20*time.Second, func() {
				lim := Limits{MaxSteps: 64, MemoryBudget: mem}
				r := a136Eval(t, "len(sort(a))", a136Env{A: a}, lim, 5*time.Second, alone)
				a136Typed(t, "sort", r.err)
				if !errors.Is(r.err, ErrLimit) || !strings.Contains(r.String(), "64 steps") {
					t.Errorf("sort of 2^62+ elements, %+v (expr alone %v): %v; want over the limit of 64 steps", lim, alone, r)
				}
			})
		}
	}
}

// FIXED DEFECT (memory saturation under a MaxInt budget). Input:
// repeat("ab", n) with n = MaxInt, and the range n..m with n = MinInt, m =
// MaxInt (2^64 ints), under MemoryBudget MaxInt. repeat saturates its size
// to MaxInt64 bytes "past any budget", but charges it as MaxInt64/16+1
// units, which a budget of MaxInt holds; makeRange saturates 2^64 to
// MaxInt64 units, which fits a MaxInt budget exactly. Both then reach Go:
// observed "strings: Repeat output length overflow" and "runtime error:
// makeslice: len out of range" (ErrEval, a Go runtime message). Expected:
// ErrLimit (the memory budget), as the comments promise ("the error
// names the rule's own limit"; "a huge one is over the memory budget")
// (registry.go repeat's size saturation and governor.go chargeBytes'
// n/16; arith.go makeRange's size saturated to MaxInt64).
func TestAdversary136_SaturatedSizesFitMaxIntBudget_Pinned(t *testing.T) {
	cases := []struct {
		src string
		env a136Env
	}{
		{`len(repeat("ab", n))`, a136Env{N: math.MaxInt}},
		{`len(n..m)`, a136Env{N: math.MinInt, M: math.MaxInt}},
	}
	for _, c := range cases {
		for _, lim := range []Limits{{}, {MemoryBudget: math.MaxInt}, a136Unbounded} {
			for _, alone := range []bool{false, true} {
				testguard.Run(t, 20*time.Second, func() {
					r := a136Eval(t, c.src, c.env, lim, 5*time.Second, alone)
					a136Typed(t, c.src, r.err)
					if !errors.Is(r.err, ErrLimit) {
						t.Errorf("%s %+v (expr alone %v): %v; want ErrLimit (over the memory budget)", c.src, lim, alone, r)
					}
				})
			}
		}
	}
}
