package dsl

// The forty-ninth adversary's suite: the compile-time refusals of
// built-ins added in rounds 43 to 47 (max, min, mean, median, fromPairs),
// which still let through calls that fail on every evaluation and refuse
// calls that succeed; the NaN rule at fromPairs' keys and at a title's
// number of a host's float type; the memory charge of a list a rule
// builds, which charges steps too; Explain's bound on its reruns at a
// MaxInt step budget; and an any table's comparison of outputs (NaN the
// same as NaN) on a map keyed by NaN. Each test fails on the code it was
// written against and demonstrates one defect. It reuses the harness of
// adversary22_helpers_test.go.

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

type a49Pence int64

type a49GBP float64

// a49Env holds the host types the refusals reason about: durations,
// named integers, pointers to pairs, a map keyed by float64.
type a49Env struct {
	D     time.Duration      `expr:"d"`
	Ds    []time.Duration    `expr:"ds"`
	Ps    []a49Pence         `expr:"ps"`
	Pairs []*[2]string       `expr:"pairs"`
	Any   any                `expr:"any"`
	MF    map[float64]string `expr:"mf"`
	I     int                `expr:"i"`
}

func a49Envs() []a49Env {
	a, b := [2]string{"k", "v"}, [2]string{"j", "w"}
	return []a49Env{
		{D: time.Hour, Ds: []time.Duration{time.Hour, time.Minute}, Ps: []a49Pence{1, 7}, Pairs: []*[2]string{&a, &b}, I: 3},
		{D: time.Second, Ds: []time.Duration{3 * time.Hour}, Ps: []a49Pence{-4}, Pairs: []*[2]string{&b}, I: 1},
	}
}

// a49Rule compiles a one-rule file over a49Env on both backends.
func a49Rule(when string) ([2]*RuleSet[a49Env], [2]error) {
	var rss [2]*RuleSet[a49Env]
	var errs [2]error
	for i, o := range [][]Option{nil, {exprOnly}} {
		rss[i], errs[i] = CompileRules[a49Env]([]byte("ruleset a49 version 1\n"+a22When(when)), o...)
	}
	return rss, errs
}

// a49FailsEveryTime reports a condition that compiles and then fails on
// every one of envs.
func a49FailsEveryTime(t *testing.T, when string, envs []a49Env) {
	t.Helper()
	rss, errs := a49Rule(when)
	for i, rs := range rss {
		if errs[i] != nil {
			continue // refused at compile time, as promised
		}
		failures, last := 0, error(nil)
		for _, env := range envs {
			if _, err := rs.Eval(env, a22Now); err != nil {
				failures++
				last = err
			}
		}
		if failures == len(envs) {
			t.Errorf("%s: `%s` compiles, then fails on every evaluation (%d of %d): %v; want a compile error (ErrType)",
				a22Names[i], when, failures, len(envs), firstLine(last.Error()))
		}
	}
}

// Promise broken: dsl/doc.go # Numbers, "A built-in that cannot take a
// list's elements whatever the data (max of times, min of strings, sortBy
// a key that has no order) is a compile error ([ErrType]), not a failure
// of every evaluation". instrument.go unorderedElements takes a list of
// durations as numbers (aggregatable: its kind is int64) and looks for a
// kept type only to tell it apart from the other arguments; but expr's
// max and min read a list's elements one by one and take only the plain
// number types (builtin minMax: "invalid argument for max (type
// time.Duration)"), while max(d, d2) of two durations succeeds.
//
// Observed: `max(ds) > d`, `min(ds) > d` and `max(d, ds) > d` over a
// []time.Duration compile, and fail on every evaluation with a non-empty
// list. Expected: a compile error of kind type (or an evaluation that
// succeeds).
func TestAdversary49_MaxOfDurationListFailsEveryEvaluation(t *testing.T) {
	for _, w := range []string{"max(ds) > d", "min(ds) > d", "max(d, ds) > d"} {
		a49FailsEveryTime(t, w, a49Envs())
	}
}

// Promise broken: dsl/doc.go # Numbers, "a named or narrow integer (type
// Pence int64 ...) is read as an int ... and a list of them element by
// element (`0.9 in ratios`, `sum(amounts)` ...)", and "A built-in that
// cannot take a list's elements whatever the data ... is a compile error
// ([ErrType]), not a failure of every evaluation". numbers.go mapNumbers
// maps a list of a host's number type to plain numbers only when the
// aggregate has exactly one argument: max(ps) works, but max(1, ps) and
// min(ps, 2) hand expr the []Pence itself, whose elements expr's max does
// not take ("invalid argument for max (type dsl.a49Pence)").
//
// Observed: both compile and fail on every evaluation with a non-empty
// list. Expected: the maximum (as max(ps) and max(map(ps, #), 1) give),
// or at worst a compile error.
func TestAdversary49_MaxOfNamedIntListBesideANumberFailsEveryEvaluation(t *testing.T) {
	rss, errs := a49Rule("max(ps) > -10 && max(map(ps, #), 1) > 0")
	for i, rs := range rss {
		if errs[i] != nil {
			t.Fatalf("premise: %v", errs[i])
		}
		if _, err := rs.Eval(a49Envs()[0], a22Now); err != nil {
			t.Fatalf("premise: max(ps) and max(map(ps, #), 1) evaluate: %v", err)
		}
	}
	for _, w := range []string{"max(1, ps) > 0", "min(ps, 2) > -10"} {
		a49FailsEveryTime(t, w, a49Envs())
	}
}

// The contract since adversary 95: a mean or a median of durations is a
// duration (expr reads durations by kind and gave a float64 of
// nanoseconds, which compared and added with no duration, so mean(ds) > d
// failed on every evaluation). It compares with durations, as any
// duration does: mean(ds) > duration("0s") compiles and evaluates, as
// mean(map(ds, #)) does (the map's values are durations too), and
// mean(ds) > 0 is refused at compile time as d > 0 is. Adversary 49's
// finding stands in its first form: the mean of durations is never
// refused.
func TestAdversary49_MeanOfDurationsRefusedThoughItSucceeds(t *testing.T) {
	for _, w := range []string{
		`mean(map(ds, #)) > duration("0s") && median(map(ds, #)) > duration("0s")`,
		`mean(ds) > duration("0s")`, `median(ds) > duration("0s")`,
	} {
		rss, errs := a49Rule(w)
		for i, rs := range rss {
			if errs[i] != nil {
				t.Fatalf("%s: `%s` is refused: %v", a22Names[i], w, firstLine(errs[i].Error()))
			}
			for _, env := range a49Envs() {
				if _, err := rs.Eval(env, a22Now); err != nil {
					t.Errorf("%s: `%s` fails: %v", a22Names[i], w, err)
				}
			}
		}
	}
	for _, w := range []string{"mean(ds) > 0", "median(ds) > 0"} {
		_, errs := a49Rule(w)
		for i, err := range errs {
			if !errors.Is(err, ErrType) {
				t.Errorf("%s: `%s`: %v; want a type error, as d > 0 is", a22Names[i], w, err)
			}
		}
	}
}

// Promise broken: the standard "a rule that could succeed is never
// refused". instrument.go unorderedElements (fromPairs) refuses a list
// whose elements are not slices, arrays or interfaces ("fromPairs takes a
// list of pairs [key, value], and this is a list of *[2]string"); but
// expr's fromPairs reads each element through its pointer (deref.Value),
// so a list of pointers to pairs makes the map: the same list behind an
// `any` field does, on both backends.
//
// Observed: `len(fromPairs(pairs)) == 2` is a compile error for pairs a
// []*[2]string. Expected: it compiles and fires where
// `len(fromPairs(any)) == 2` (any holding that list) fires.
func TestAdversary49_FromPairsOfPointersToPairsRefused(t *testing.T) {
	env := a49Envs()[0]
	env.Any = env.Pairs
	rss, errs := a49Rule("len(fromPairs(any)) == 2")
	for i, rs := range rss {
		if errs[i] != nil {
			t.Fatalf("premise: %v", errs[i])
		}
		if hits, err := rs.Eval(env, a22Now); err != nil || len(hits) != 1 {
			t.Fatalf("premise: %s: fromPairs of the list behind any: %d hits, %v", a22Names[i], len(hits), err)
		}
	}
	_, errs = a49Rule("len(fromPairs(pairs)) == 2")
	for i, err := range errs {
		if err != nil {
			t.Errorf("%s: fromPairs of a []*[2]string is refused: %v; expr reads pairs through pointers",
				a22Names[i], firstLine(err.Error()))
		}
	}
}

// Promise broken: dsl/doc.go # NaN and nil, "NaN and nil never decide";
// "sortBy and groupBy [fail] on a NaN or nil-chain key". fromPairs makes
// a map by keys as groupBy does, and a NaN key is a new key every time (a
// NaN equals nothing): instrument.go walk guards the keys of sortBy and
// groupBy only, so the NaNs of a list decide how many keys the map has.
//
// Input: fs = [NaN, NaN]. Observed: `len(fromPairs(map(fs, [#, 1]))) ==
// 2` fires on both backends (with fs = [1, 1] it does not: one key).
// Expected: the evaluation fails with ErrNaN, as groupBy(fs, #) does.
func TestAdversary49_FromPairsNaNKeysDecide(t *testing.T) {
	env := a22Env0()
	env.Fs = []float64{math.NaN(), math.NaN()}
	for i, r := range a22Backends(a22When("len(groupBy(fs, #)) >= 0"), env) {
		if !errors.Is(r.err, ErrNaN) {
			t.Fatalf("premise: %s: groupBy by a NaN key fails with ErrNaN; got %v", a22Names[i], r)
		}
	}
	for i, r := range a22Backends(a22When("len(fromPairs(map(fs, [#, 1]))) == 2"), env) {
		if r.compileErr != nil || r.panicked != "" {
			t.Fatalf("%s: %v", a22Names[i], r)
		}
		if !errors.Is(r.err, ErrNaN) {
			t.Errorf("%s: fromPairs keyed by two NaNs: %s; want ErrNaN (two NaN keys made a map of two keys, where two 1s make one)",
				a22Names[i], r)
		}
	}
}

// Promise broken: dsl/doc.go # Untrusted rules, "the steps of its loops
// (MaxSteps: every element a predicate such as all, any, map or filter
// visits is a step, and so is every element a built-in walks without one:
// sum, max, ... a range ...)", and the memory "it builds (MemoryBudget:
// arrays, maps, ...)". A list the expression builds is now wrapped in
// __walk with walkBuilt (instrument.go walk), meant to charge its elements
// to the memory budget; registry.go walk charges them as steps too, which
// no promise counts. Nothing walks the list [#, #, #, #]: its index reads
// one element.
//
// Observed: `all(1..10000, [#, #, #, #][0] >= 0)` under MaxSteps 50,000
// (10,000 elements of the range, 10,000 visits of the predicate) fails
// "over the limit of 50000 steps" on both backends, as it did not before
// the change. Expected: it fires.
func TestAdversary49_BuiltListChargedAsSteps(t *testing.T) {
	lim := WithLimits(Limits{MaxSteps: 50_000, MemoryBudget: 1 << 20})
	for i, opts := range [][]Option{{lim}, {lim, exprOnly}} {
		r := a22Run(a22When("all(1..10000, [#, #, #, #][0] >= 0)"), a22Env0(), opts...)
		if r.compileErr != nil || r.panicked != "" {
			t.Fatalf("%s: %v", a22Names[i], r)
		}
		if r.err != nil || len(r.hits) != 1 {
			t.Errorf("%s: a loop of 20,000 steps under MaxSteps 50,000: %s; want one hit", a22Names[i], r)
		}
	}
}

// Promise broken: dsl/doc.go # NaN and nil, "A number an expression
// yields (an urgency, a title's part, a table's input) must not be NaN:
// it fails with [ErrNaN]". program.go formatTemplateValue now writes a
// host's float type behind an interface as a number (rv.CanFloat), but
// checkValue, which applies the NaN rule to a part's value, knows only
// float64 and float32: a GBP NaN in a map of any is written "NaN".
//
// Input: m["g"] = a49GBP(NaN). Observed: title "{m.g}" gives a hit titled
// "NaN" on both backends (a float32 NaN there fails with ErrNaN).
// Expected: the rule fails with ErrNaN.
func TestAdversary49_TitleHostFloatNaNWritten(t *testing.T) {
	env := a22Env0()
	env.M = map[string]any{"g": a49GBP(math.NaN()), "h": float32(math.NaN())}
	title := func(x string) string { return "rule r {\n  type \"t\"\n  when true\n  title \"{" + x + "}\"\n}\n" }
	for i, r := range a22Backends(title("m.h"), env) {
		if !errors.Is(r.err, ErrNaN) {
			t.Fatalf("premise: %s: a float32 NaN in a title fails with ErrNaN; got %v", a22Names[i], r)
		}
	}
	for i, r := range a22Backends(title("m.g"), env) {
		if r.compileErr != nil || r.panicked != "" {
			t.Fatalf("%s: %v", a22Names[i], r)
		}
		if !errors.Is(r.err, ErrNaN) {
			t.Errorf("%s: a GBP NaN in a title: %s; want ErrNaN", a22Names[i], r)
		}
	}
}

// Promise broken: dsl/doc.go # Untrusted rules, "Explain goes over a
// limit where Eval does (the runs done again are bounded apart, at 16
// budgets of steps)", and # Explanations, Explain "evaluates like Eval".
// explain.go rerun computes its bound as explainReruns * r.gov.maxSteps,
// which overflows for a step budget of MaxInt (which the budget allows:
// registry.go deepNaN, "the step budget may be MaxInt") to -16: every
// rerun is refused before it starts.
//
// Observed: with Limits{MaxSteps: math.MaxInt}, Explain of `!(i > 1) || f
// > 1` (i = 3, f = 1.5) says "!(i > 1) → error: over the limit of -16
// steps (Explain's reruns of nested sub-expressions)", and `f > 1 → not
// evaluated`, while its value is true. Expected: the tree of the default
// budget: !(i > 1) → false, f (1.5) > 1 → true.
func TestAdversary49_ExplainRerunBoundOverflowsAtMaxIntSteps(t *testing.T) {
	src := "!(i > 1) || f > 1"
	e, err := Compile[a22Env, bool](src, WithLimits(Limits{MaxSteps: math.MaxInt}))
	if err != nil {
		t.Fatal(err)
	}
	if v, err := e.Eval(a22Env0(), a22Now); err != nil || !v {
		t.Fatalf("premise: Eval is true: %v, %v", v, err)
	}
	x, err := e.Explain(a22Env0(), a22Now)
	if err != nil {
		t.Fatal(err)
	}
	var bad []string
	var visit func(s *Step)
	visit = func(s *Step) {
		if s == nil {
			return
		}
		if s.Err != "" || s.Skipped {
			bad = append(bad, s.Expr+" → "+firstLine(s.Err))
		}
		for _, c := range s.Children {
			visit(c)
		}
	}
	visit(x.Root)
	if len(bad) > 0 {
		t.Errorf("Explain at MaxSteps MaxInt, where Eval succeeds:\n%s\nsteps failed or skipped: %s", x, strings.Join(bad, "; "))
	}
}

// Promise broken: dsl/doc.go # Rule files, hit policy any ("rows may
// overlap if they decide alike"), and same_value.go sameOutputs, "a NaN is
// the same as a NaN". sameValue compares two maps by looking each key of
// one up in the other (b.MapIndex(key)): a NaN key is found by no lookup,
// so a map holding one is never the same as itself. reflect.DeepEqual,
// which it replaced, took a map as the same as itself by its pointer; now
// two rows that say `output k mf`, the host's very map, conflict.
//
// Input: mf = {NaN: "x", 1: "y"}, i = 3, a table hit any whose two rows
// both match and both say `output k mf`. Observed: "hit policy any: row 1
// and row 2 both match and decide differently" on both backends.
// Expected: one hit, as for any other value of mf.
func TestAdversary49_AnyTableMapWithNaNKeyConflictsWithItself(t *testing.T) {
	env := a49Envs()[0]
	env.MF = map[float64]string{math.NaN(): "x", 1: "y"}
	body := "table tb hit any {\n  type \"t\"\n  in i\n  row > 0 => output k mf\n  row < 10 => output k mf\n}\n"
	for i, o := range [][]Option{nil, {exprOnly}} {
		rs, err := CompileRules[a49Env]([]byte("ruleset a49 version 1\n"+body), o...)
		if err != nil {
			t.Fatal(err)
		}
		hits, err := rs.Eval(env, a22Now)
		if err != nil || len(hits) != 1 {
			t.Errorf("%s: two rows outputting the same host map: %d hits, %v; want one hit", a22Names[i], len(hits), err)
		}
	}
}
