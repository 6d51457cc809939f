package dsl

// The ninety-seventh adversary's suite: count over a list of an optional
// chain's nils with a predicate that tests for them, the mean and median
// of durations reached through a list of lists or a value of unknown type,
// their precision, and a method called on them.

import (
	"errors"
	"testing"
	"time"
)

type a97Env struct {
	a93Env
	Exact []time.Duration `expr:"exact"`
	Huge  []time.Duration `expr:"huge"`
}

func a97Env0() a97Env {
	return a97Env{
		a93Env: a93Env0(),                  // p nil, pitems = [nil, {name "y", d 1h}], ds = [1h, 2h], d = 90m, a = 1h, m.d = 1h
		Exact:  []time.Duration{1<<53 + 1}, // about 104 days and a nanosecond
		Huge:   []time.Duration{1<<63 - 1}, // the largest duration
	}
}

// Contract (doc.go, NaN and nil): a nil from an optional chain, read
// through a predicate's # over map(items, #?.name), fails where it
// decides, but "compare the chain with nil (`a?.b == nil`) to test for
// absence, or give a default (`a?.b ?? 0`, where the default is what
// decides)". any, all, none, filter, find and sum with a predicate honour
// that: `any(map(pitems, #?.name), # == nil)` fires.
//
// Broken: count does not. With pitems = [nil, {name "y"}],
// `count(map(pitems, #?.name), # == nil) == 1`, `count(..., # != nil) ==
// 1`, `count(..., (# ?? "n") == "n") == 1`, `count([p?.name, "y"], # ==
// nil) == 1` and the same through a let all fail with ErrEval ("the
// optional chain is nil, and a nil decides nothing"), at the list, before
// the predicate sees the element: counting absent values is refused
// whenever one is absent, though the predicate decides nothing on a nil.
//
// Mechanism: instrument.go, guardBuiltin: count is in listBuiltins, and
// every list argument whose nilGuard is set is wrapped in withWalk with
// walkNil, which fails on the first nil element; the predicate argument is
// skipped but its presence is not considered (count(xs, p) decides by p,
// as any/all/none do, which are not in listBuiltins).
func TestAdversary97CountWithNilTestOverChainNils(t *testing.T) {
	env := a97Env0()
	for _, w := range []string{
		`count(map(pitems, #?.name), # == nil) == 1`,
		`count(map(pitems, #?.name), # != nil) == 1`,
		`count(map(pitems, #?.name), (# ?? "n") == "n") == 1`,
		`count([p?.name, "y"], # == nil) == 1`,
		`(let x = map(pitems, #?.name); count(x, # == nil) == 1)`,
	} {
		for i, r := range a93Check(t, a22When(w), env) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: %s with pitems = [nil, {name y}], p nil: %v; want one hit (the predicate tests for the nil or defaults it, as any(map(pitems, #?.name), # == nil) does)", a22Names[i], w, r)
			}
		}
	}
}

// Contract (doc.go, Numbers): "The mean and the median of durations are
// durations (rounded to the nanosecond), which compare with durations as
// any duration does"; "max, min, mean and median flatten lists of lists";
// a test that fails whatever the data is a compile error ([ErrType]); NaN
// and nil aside, nothing decides silently on a type mismatch.
//
// Broken: the mean of a list of lists of durations, or of durations in a
// value typed any, is still expr's float64 of nanoseconds. With ds = [1h,
// 2h], `mean([ds]) == duration("90m")` and `median([ds]) ==
// duration("90m")` are silently false and `mean([ds]) !=
// duration("90m")` fires; with a = m.d = 1h, `mean([m.d]) != m.d` fires
// and `mean(a) == a` is false; `mean([ds]) > d` fails on every
// evaluation ("invalid operation: float64 > time.Duration"), empty ds too;
// and `output o mean([ds])` is the float64 5.4e12, where `output o
// mean(ds)` is the duration 1h30m.
//
// Mechanism: instrument.go, meanOfDurations: it wraps the mean in
// __durmean only where each argument's type (mapsTo, or innermost of its
// static type) is a duration; [ds] is a []interface{} (innermost stops at
// interface{}), and a or [m.d] are known only when the rule runs ("left to
// expr"), so expr's float64 flows into a comparison with a duration,
// where expr's == is false and > fails, and no compile-time check
// (floatOnly, removed in e58fd85) catches it any more.
func TestAdversary97MeanOfDurationsThroughListsOrAnyStaysFloat(t *testing.T) {
	env := a97Env0()
	empty := env
	empty.Ds = nil
	for _, c := range []struct {
		w    string
		hits int
	}{
		{`mean([ds]) == duration("90m")`, 1},
		{`median([ds]) == duration("90m")`, 1},
		{`mean([ds]) != duration("90m")`, 0},
		{`mean([m.d]) != m.d`, 0},
		{`mean(a) == a`, 1},
	} {
		for i, r := range a93Check(t, a22When(c.w), env) {
			if r.compileErr != nil {
				if !errors.Is(r.compileErr, ErrType) {
					t.Errorf("%s: %s: refused, but not as a type error: %v", a22Names[i], c.w, r.compileErr)
				}
				continue
			}
			if r.err != nil || len(r.hits) != c.hits {
				t.Errorf("%s: %s with ds = [1h, 2h] (mean 90m), a = m.d = 1h: %v; want %d hit(s), or a compile-time type error (a float64 of nanoseconds equals no duration)", a22Names[i], c.w, r, c.hits)
			}
		}
	}
	w := `mean([ds]) > d`
	full, none := a93Check(t, a22When(w), env), a93Check(t, a22When(w), empty)
	for i := range full {
		if full[i].compileErr == nil && full[i].err != nil && none[i].err != nil {
			t.Errorf("%s: %s fails with ds = [1h, 2h] (%v) and with ds empty (%v); want it to decide (mean([ds]) is 90m) or a compile-time type error", a22Names[i], w, full[i], none[i])
		}
	}
	body := "rule r {\n  type \"t\"\n  when true\n  output o mean([ds])\n  output o2 mean(ds)\n}\n"
	for i, r := range a93Check(t, body, env) {
		if r.compileErr != nil || len(r.hits) != 1 {
			continue
		}
		o, o2 := r.hits[0].Outputs["o"], r.hits[0].Outputs["o2"]
		if _, ok := o.(time.Duration); !ok {
			t.Errorf("%s: output mean([ds]) is %T %v, output mean(ds) is %T %v; want the same duration (mean flattens lists of lists)", a22Names[i], o, o, o2, o2)
		}
	}
}

// Contract (doc.go, Numbers): "The mean and the median of durations are
// durations (rounded to the nanosecond)"; durations fail with ErrOverflow
// only beyond a duration's ±292 years.
//
// Broken: they are computed through float64, so they are not rounded to
// the nanosecond beyond 2^53 ns (about 104 days): with exact = [2^53 + 1
// ns], `median(exact) == exact[0]` and `mean(exact) == exact[0]` are
// silently false (the mean of one duration is not that duration), and
// with huge = [the largest duration], `median(huge) == huge[0]` fails
// with ErrOverflow ("a mean of durations * 9.223372036854776e+18: the
// duration does not fit") though the median is the element itself.
//
// Mechanism: arith.go, durationMean: it receives expr's float64 of
// nanoseconds (builtin mean/median convert every element to float64, and
// median(ds) of an odd count returns that float64), and rounds that
// float; float64(1<<63-1) is 2^63, out of range. The exact mean needs the
// durations themselves (an int sum with a remainder, or a big.Int).
func TestAdversary97MeanOfDurationsNotToTheNanosecond(t *testing.T) {
	env := a97Env0()
	for _, w := range []string{
		`median(exact) == exact[0]`,
		`mean(exact) == exact[0]`,
		`median(huge) == huge[0]`,
		`mean(huge) == huge[0]`,
	} {
		for i, r := range a93Check(t, a22When(w), env) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: %s with exact = [2^53+1 ns], huge = [2^63-1 ns]: %v; want one hit (the mean or median of one duration is that duration)", a22Names[i], w, r)
			}
		}
	}
}

// Contract: a rule that could succeed is never refused; the mean of
// durations is a duration (doc.go, Numbers), and a duration's methods
// (d.Hours()) are callable.
//
// Broken: `mean(ds).Hours() == 1.5` and `median(ds).Minutes() == 90` are
// compile errors ("method Hours is called on a value whose type is known
// only when the rule runs"), though the value is a time.Duration whenever
// the rule runs (`output o mean(ds)` is one; `mean(ds) > 0` is refused
// because it is typed a duration).
//
// Mechanism: the front end types the call as expr's checker does
// (validateAggregateFunc: interface{} for a list that is not of floats);
// meanOfDurations (instrument.go) wraps it in __durmean, typed
// time.Duration by registry.go, only in a deferred step of walk, after the
// method call on it has been refused as a method of an unknown type.
func TestAdversary97MethodOfMeanOfDurationsRefused(t *testing.T) {
	env := a97Env0()
	for _, w := range []string{`mean(ds).Hours() == 1.5`, `median(ds).Minutes() == 90`} {
		for i, r := range a93Check(t, a22When(w), env) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: %s with ds = [1h, 2h]: %v; want one hit (the mean of durations is a duration)", a22Names[i], w, r)
			}
		}
	}
}

// Pins (passing): a predicate's # over a list of chain nils still tests
// for them and defaults them, a filter that drops them leaves a list the
// next predicate reads freely, #index and reduce's #acc are untouched, and
// the mean of durations is a duration in arithmetic, titles and outputs.
func TestAdversary97NilTestsAndDurationMeansPin(t *testing.T) {
	env := a97Env0()
	for _, w := range []string{
		`any(map(pitems, #?.name), # == nil) && all(map(pitems, #?.name), # == nil || # == "y")`,
		`any(map(pitems, #?.name), (# ?? "d") == "d") && one(map(pitems, #?.name ?? "n"), # == "n")`,
		`none(filter(map(pitems, #?.name), # != nil), # == "q") && len(sortBy(filter(map(pitems, #?.name), # != nil), #)) == 1`,
		`reduce(map(pitems, #?.name), #acc + (# ?? ""), "") == "y" && map(map(pitems, #?.name), #index) == [0, 1]`,
		`any(map(pitems, #?.tags), any(# ?? [], # == "a")) && any(map(pitems, #?.when.Add(d)), # == nil)`,
		`mean(ds) - d == duration("0s") && mean(ds) * 2 == duration("3h") && mean(ds) in [d] && mean(map(items, #.d), d) == duration("75m")`,
	} {
		for i, r := range a93Check(t, a22When(w), env) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: %s: %v; want one hit", a22Names[i], w, r)
			}
		}
	}
}
