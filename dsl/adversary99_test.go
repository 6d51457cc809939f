package dsl

// The ninety-ninth adversary's suite: the mean and the median as the
// library's own call (mean.go): NaN through a median's scalar arguments
// and nested lists, the cost of the lists of lists they flatten, list
// literals and pointers of durations refused, and one compiled rule set
// shared by goroutines.

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"testing"
	"time"
)

type a99Env struct {
	a97Env
	PDs []*time.Duration `expr:"pds"`
}

func a99Env0() a99Env {
	h, h2 := time.Hour, 2*time.Hour
	return a99Env{a97Env: a97Env0(), PDs: []*time.Duration{&h, &h2}}
}

// Contract (doc.go, NaN and nil): NaN never decides; a comparison, an
// output, a built-in's order that sees NaN fails with ErrNaN.
//
// Broken: the median of numbers that hold a NaN picks a number. With
// f = NaN and m.fs = [NaN, 1, 2], `median(f, 1.0, 2.0) == 1.0`,
// `median([m.fs]) == 1.0` and `median([[f, 1.0, 2.0]]) == 1.0` fire, and
// `output o median(f, 1.0, 2.0)` is 1: the NaN sorted first and decided
// which element is the middle one (max([[f, 1.0, 2.0]]) fails with ErrNaN
// as it should).
//
// Mechanism: instrument.go, guardBuiltin: for mean and median only an
// argument that is a list is wrapped in __walk(walkNumbers), which checks
// the list's top-level elements only; a scalar argument is guarded
// (guardOperand) for max and min alone, and a list within the list is
// never looked into. __mean (mean.go, meanOf) then hands the numbers to
// expr's median, which flattens and sort.Float64s them (NaN first) and
// returns a number; the comparison's __nan sees 1, not NaN. (A mean
// survives because NaN propagates to its result.)
func TestAdversary99MedianNaNDecides(t *testing.T) {
	env := a99Env0()
	env.F = math.NaN()
	env.M["fs"] = []float64{math.NaN(), 1, 2}
	for _, w := range []string{
		`median(f, 1.0, 2.0) == 1.0`,
		`median([m.fs]) == 1.0`,
		`median([[f, 1.0, 2.0]]) == 1.0`,
		`(let y = median([m.fs]); y == 1.0)`,
	} {
		for i, r := range a93Check(t, a22When(w), env) {
			if r.compileErr == nil && !errors.Is(r.err, ErrNaN) {
				t.Errorf("%s: %s with f = NaN, m.fs = [NaN, 1, 2]: %v; want ErrNaN (a NaN decided which element is the median)", a22Names[i], w, r)
			}
		}
	}
	body := "rule r {\n  type \"t\"\n  when true\n  output o median(f, 1.0, 2.0)\n}\n"
	for i, r := range a93Check(t, body, env) {
		if r.compileErr == nil && !errors.Is(r.err, ErrNaN) {
			t.Errorf("%s: output o median(f, 1.0, 2.0) with f = NaN: %v; want ErrNaN", a22Names[i], r)
		}
	}
}

// Contract (options.go, Limits; package doc): an evaluation is bounded by
// MaxSteps and MemoryBudget, with typed errors; no short rule costs
// super-linear time or memory.
//
// Broken: a mean or median flattens lists of lists, and only the top
// level is charged. Under MaxSteps 10,000 and MemoryBudget 10,000 (about
// 160 KB), `(let a = map(1..10, ds); … 5 levels …; mean(h) > d)` reads
// 10^5 × len(ds) = 200,000 durations, and allocates some 16 MB (a
// []time.Duration of all of them and a big.Int each) with no error; each
// further level of the rule multiplies the work by ten for some 20 more
// steps (six levels: 2M durations, 160 MB, ~4M mallocs, under 200 steps
// charged). The median of numbers (expr's, which builds a []float64 of
// every element) does the same.
//
// Mechanism: instrument.go, listBuiltins gives mean and median
// walkNumbers, so registry.go's walk charges rv.Len() of the outer list
// (10) and no more (flatten has walkNested for exactly this); mean.go's
// durationsIn then recurses to depth 64, appending every duration and
// allocating a big.Int per element in meanOf, none of it charged to the
// governor; for numbers, builtin.Builtins[…].Func flattens likewise.
func TestAdversary99MeanOfNestedListsUncharged(t *testing.T) {
	env := a99Env0() // ds = [1h, 2h]
	lim := WithLimits(Limits{MemoryBudget: 10_000, MaxSteps: 10_000})
	lets := `let a = map(1..10, %s); let b = map(1..10, a); let c = map(1..10, b); let e = map(1..10, c); let h = map(1..10, e); `
	for _, c := range []struct{ w, list string }{
		{`mean(h) > d`, "ds"},
		{`median(h) > d`, "ds"},
		{`median(h) > 1.0`, "[1.0, 2.0]"},
	} {
		w := "(" + fmt.Sprintf(lets, c.list) + c.w + ")"
		for i, o := range [][]Option{{lim}, {lim, exprOnly}} {
			rs, err := CompileRules[a99Env]([]byte("ruleset a99 version 1\n"+a22When(w)), o...)
			if err != nil {
				t.Fatalf("%s: %s: %v", a22Names[i], w, err)
			}
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			_, err = rs.Eval(env, a22Now)
			runtime.ReadMemStats(&m1)
			if err == nil {
				t.Errorf("%s: %s (10^5 × 2 = 200,000 elements flattened) under MaxSteps 10,000, MemoryBudget 10,000 (~160 KB): no error, %d bytes in %d allocations; want ErrLimit (a step for each element read, memory for what is built)",
					a22Names[i], w, m1.TotalAlloc-m0.TotalAlloc, m1.Mallocs-m0.Mallocs)
			}
		}
	}
}

// Contract: a rule that could succeed is never refused; "The mean and
// the median of durations are durations" (doc.go, Numbers), durations
// "through a pointer too (*time.Duration)", and "a pointer to any of
// these as the number it points to … and a list of them element by
// element".
//
// Broken: `mean(d, d)`, `mean(ds)`, `mean([ds])` and `mean(m.pd, d)` (m.pd
// a *time.Duration behind an any) and `mean(m.pds)` all succeed, but the
// same values written as a list literal, or through a pointer whose type
// is known, are compile errors: `mean([d, d]) == d`, `mean([d]) == d`,
// `median([d, q.d]) == duration("75m")`, `mean([ds[0], ds[1]]) ==
// duration("90m")` ("mean takes numbers, and this is a time.Duration"),
// `mean(pd) == d`, `mean(d, pd) == d` ("… this is a *time.Duration") and
// `mean(pds) == duration("90m")` ("… a list of *time.Duration").
//
// Mechanism: instrument.go, unorderedElements, its numbers helper: a list
// literal's elements are refused where in.cfg.keepsType(t) (right for max
// and min, which read a list's elements as plain numbers, wrong for mean
// and median, which mean.go now computes of durations), and a pointer
// (*time.Duration, []*time.Duration) is not aggregatable, though
// durationsIn reads through pointers.
func TestAdversary99MeanOfDurationLiteralsAndPointersRefused(t *testing.T) {
	env := a99Env0() // d = *pd = 90m, ds = [1h, 2h], q.d = 1h, pds = [&1h, &2h]
	d := 90 * time.Minute
	env.M["pd"] = &d
	env.M["pds"] = env.PDs
	for _, w := range []string{`mean(d, d) == d`, `mean([ds]) == duration("90m")`, `mean(m.pd, d) == d`, `mean(m.pds) == duration("90m")`} {
		for i, r := range a93Check(t, a22When(w), env) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Fatalf("%s: %s: %v; the comparison point no longer holds", a22Names[i], w, r)
			}
		}
	}
	for _, w := range []string{
		`mean([d, d]) == d`,
		`mean([d]) == d`,
		`median([d, q.d]) == duration("75m")`,
		`mean([ds[0], ds[1]]) == duration("90m")`,
		`mean(pd) == d`,
		`mean(d, pd) == d`,
		`mean(pds) == duration("90m")`,
	} {
		for i, r := range a93Check(t, a22When(w), env) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: %s: %v; want one hit (mean(d, d), mean([ds]), mean(m.pd, d) and mean(m.pds) of the same values succeed)", a22Names[i], w, r)
			}
		}
	}
}

// Pin (passing): one compiled rule set using the new machinery (a mean of
// durations, of a list of lists and of a []any, an optional method's let,
// count over a chain's nils), evaluated and explained from many
// goroutines at once, agrees with itself (run with -race).
func TestAdversary99ConcurrentMeansAndOptionalMethods(t *testing.T) {
	env := a99Env0()
	src := "ruleset a99 version 1\n" + a22When(`mean(ds) > duration("1h") && median([ds]) < d * 2 && (q?.when.Year() ?? 0) > 2000 && mean(m.d, a) == a && count(map(pitems, #?.name), # == nil) == 1`)
	for i, o := range [][]Option{{a22Limits}, {a22Limits, exprOnly}} {
		rs, err := CompileRules[a99Env]([]byte(src), o...)
		if err != nil {
			t.Fatalf("%s: %v", a22Names[i], err)
		}
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 20 {
					h, err := rs.Eval(env, a22Now)
					x, xerr := rs.Explain("r", env, a22Now)
					if err != nil || len(h) != 1 || xerr != nil || !x.Fired {
						t.Errorf("%s: %v %v; explain %v %v", a22Names[i], h, err, x, xerr)
						return
					}
				}
			}()
		}
		wg.Wait()
	}
}
