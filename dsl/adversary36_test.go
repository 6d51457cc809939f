package dsl

// The thirty-sixth adversary's suite: the chained guards shared between
// rules (native_guard.go) and the memoized date calls, both keyed by
// internal/exprkey; keys and values in the order of a map's keys
// (registry.go); and table cells checked against the input's static type
// (ruleset_compile.go, cellComparable).

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

type a36Env struct {
	At time.Time          `expr:"at"`
	B  bool               `expr:"b"`
	F  float64            `expr:"f"`
	D  time.Duration      `expr:"d"`
	MI map[string]int     `expr:"mi"`
	MF map[float64]string `expr:"mf"`
	MA map[any]string     `expr:"ma"`
	MP map[*int]string    `expr:"mp"`
}

var a36Now = time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC)

// a36Eval compiles a rule file over a36Env and evaluates it once; the
// rules that fired, by id, and the error.
func a36Eval(t *testing.T, src string, env a36Env, opts ...Option) ([]string, error) {
	t.Helper()
	rs, err := CompileRules[a36Env]([]byte("ruleset a36 version 1\n"+src), opts...)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	hits, err := rs.Eval(env, a36Now)
	var ids []string
	for _, h := range hits {
		ids = append(ids, h.Rule)
	}
	return ids, err
}

func a36Rule(id, when string) string {
	return "rule " + id + " {\n  type \"t\"\n  when " + when + "\n}\n"
}

// Package doc, Speed: each test of a condition's chain of ands "is decided
// once per file and shared by every rule whose chain holds it ... None of
// this can change a result, only what it costs"; native_memo.go: a date
// call is memoized "by its source (the same call, the same arguments, the
// same answer in one evaluation)". Both share by exprkey.Key, which is
// documented as "equal keys mean the same computation".
//
// Broken: Key spells a constant with %#v, and time.Time's GoString writes
// its wall clock and its zone's name, not its offset. Two host constants
// parsed from "2026-01-15T12:00:00+01:00" and "…-01:00" (time.Parse gives
// both an unnamed fixed zone) are two hours apart yet share a key. So
// `at < A && b` and `at < B && b` share one guard: with at between them,
// rule late (alone, it fires) is skipped on early's false guard. And
// daysUntil(A) and daysUntil(B) share one memo slot: the second rule is
// told the first's number of days.
func TestAdversary36_TimeConstantsOfOneWallClockShareAKey(t *testing.T) {
	parse := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	env := a36Env{At: time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC), B: true}

	// Guards: A is 11:00 UTC, B 13:00 UTC; at (12:00 UTC) is before B only.
	guards := WithConsts(map[string]any{"A": parse("2026-01-15T12:00:00+01:00"), "B": parse("2026-01-15T12:00:00-01:00")})
	alone, err := a36Eval(t, a36Rule("late", "at < B && b"), env, guards)
	if err != nil || len(alone) != 1 {
		t.Fatalf("rule late alone: %v, %v; want it to fire", alone, err)
	}
	both, err := a36Eval(t, a36Rule("early", "at < A && b")+a36Rule("late", "at < B && b"), env, guards)
	if err != nil || fmt.Sprint(both) != "[late]" {
		t.Errorf("guards: rules early (at < A && b) and late (at < B && b): fired %v (err %v); want [late], as late alone fires", both, err)
	}

	// Memo: A is 2026-03-31 23:30 UTC (2 days from now), B 2026-04-01
	// 01:30 UTC (3 days).
	memo := WithConsts(map[string]any{"A": parse("2026-04-01T00:30:00+01:00"), "B": parse("2026-04-01T00:30:00-01:00")})
	got, err := a36Eval(t, a36Rule("r2", "daysUntil(A) == 2")+a36Rule("r3", "daysUntil(B) == 3"), env, memo)
	if err != nil || fmt.Sprint(got) != "[r2 r3]" {
		t.Errorf("memo: daysUntil(A) == 2 and daysUntil(B) == 3: fired %v (err %v); want [r2 r3]", got, err)
	}
}

// registry.go: keys and values list a map "ordered by key", and the
// package doc (Explanations, Speed) has one environment decide one way:
// the thirty-fourth adversary's fix was that Go's map order must not
// decide keys(m)[0].
//
// Broken: compareKeys is not a total order. Distinct keys of one text
// compare equal (two pointers to equal ints: Text writes what a pointer
// points to), and a NaN among numbers of two types makes a cycle (int 1 <
// float64 2 by value, 2 < NaN and NaN < 1 by text), so the order the sort
// leaves is still the map's iteration order, which Go randomizes: one
// environment, 200 evaluations, several orders of keys(m).
func TestAdversary36_KeysOrderStillMapOrder(t *testing.T) {
	one, other := 1, 1
	for _, c := range []struct {
		expr string
		env  a36Env
	}{
		{"values(mp)", a36Env{MP: map[*int]string{&one: "first", &other: "second"}}},
		{"keys(ma)", a36Env{MA: map[any]string{1: "a", 2.0: "b", math.NaN(): "c"}}},
	} {
		rs, err := CompileRules[a36Env]([]byte("ruleset a36 version 1\nrule r {\n  type \"t\"\n  output k " + c.expr + "\n}\n"))
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for range 200 {
			hits, err := rs.Eval(c.env, a36Now)
			if err != nil || len(hits) != 1 {
				t.Fatalf("%s: %v, %v", c.expr, hits, err)
			}
			seen[fmt.Sprint(hits[0].Outputs["k"])]++
		}
		if len(seen) > 1 {
			t.Errorf("%s: one environment, 200 evaluations, %d different lists: %v", c.expr, len(seen), seen)
		}
	}
}

// Package doc: "A missing map key reads as the map's zero value, as in
// Go"; values(m) lists a map's values in the order of its keys; a failure
// is a typed evaluation error a rule author can act on, not a Go panic.
//
// Broken: mapListFunc reads each value back with m.MapIndex(key), and a
// NaN key is never found again (NaN != NaN): MapIndex gives the zero
// reflect.Value and Interface() panics. values(mf) of a map[float64]string
// holding a NaN key fails every evaluation with "reflect: call of
// reflect.Value.Interface on zero Value" (keys(mf) of the same map works).
func TestAdversary36_ValuesOfNaNKeyPanics(t *testing.T) {
	env := a36Env{MF: map[float64]string{1: "one", math.NaN(): "nan"}}
	rs, err := CompileRules[a36Env]([]byte("ruleset a36 version 1\nrule r {\n  type \"t\"\n  output k values(mf)\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	hits, err := rs.Eval(env, a36Now)
	if err != nil || len(hits) != 1 || len(hits[0].Outputs["k"].([]any)) != 2 {
		t.Errorf("values(mf) of a map with a NaN key: hits %v, error %v; want both values", hits, err)
	}
}

// Package doc, Untrusted rules: "every element a built-in walks without
// [a predicate]: sum, max, min, mean, median, sort (n·log n), uniq, keys,
// values, ... is a step", and a rule over MaxSteps fails with ErrLimit.
//
// Broken: keys and values (registry.go, mapListFunc) charge the memory of
// the list they build but no step, although they now also sort the keys
// (n·log n comparisons, each writing both keys' text when they are not
// strings). keys(mi) of a 20,000-entry map runs under a limit of 1,000
// steps; sum(values(mi)) over the same map does fail, but in sum's walk.
func TestAdversary36_KeysChargeNoSteps(t *testing.T) {
	env := a36Env{MI: map[string]int{}}
	for i := range 20_000 {
		env.MI[fmt.Sprintf("k%05d", i)] = i
	}
	lim := WithLimits(Limits{MemoryBudget: 10_000_000, MaxSteps: 1000})
	for _, when := range []string{"len(keys(mi)) > 0", "len(values(mi)) > 0"} {
		got, err := a36Eval(t, a36Rule("r", when), env, lim)
		if !errors.Is(err, ErrLimit) {
			t.Errorf("%s over 20,000 entries with MaxSteps 1000: fired %v, error %v; want ErrLimit", when, got, err)
		}
	}
}

// cellValue's doc: "a test the input's values can never pass or fail
// without an error ... is a compile error"; the package doc: "time.Duration
// keeps its type", and a condition comparing one with a number does not
// compile ("mismatched types time.Duration and int").
//
// Broken: cellComparable classes a Duration input as a number (its kind is
// int64), so `in d` with a row `> 5` compiles, and the cell compares the
// duration's nanoseconds with 5: one second is "> 5", and the row fires,
// where `when d > 5` is a compile error.
func TestAdversary36_DurationCellAgainstNumber(t *testing.T) {
	src := "ruleset a36 version 1\ntable tb hit first {\n  type \"t\"\n  in d\n  row > 5 => output k 1\n}\n"
	if _, err := CompileRules[a36Env]([]byte("ruleset a36 version 1\n" + a36Rule("r", "d > 5"))); !errors.Is(err, ErrType) {
		t.Fatalf("the condition d > 5: %v; this test's premise (ErrType) is gone", err)
	}
	rs, err := CompileRules[a36Env]([]byte(src))
	if err == nil {
		hits, evalErr := rs.Eval(a36Env{D: time.Second}, a36Now)
		t.Errorf("a table over a time.Duration with a row > 5 compiles (a condition d > 5 does not); one second: hits %v, error %v", a22HitsString(hits), evalErr)
	} else if !errors.Is(err, ErrType) {
		t.Errorf("compile error %v; want ErrType", err)
	}
}

// Package doc, NaN and nil: "A comparison (==, !=, <, <=, >, >=, in) that
// sees NaN as an operand fails the evaluation with ErrNaN, wherever the
// NaN came from"; a condition `f != K` with a NaN constant K does.
//
// Broken: a table cell compares with its operand through equalValues,
// which checks the input for NaN but not the cell's own value, and
// cellComparable accepts a NaN constant as any number. A row `!= K` with
// K = NaN silently matches every input and decides the table; `== K`
// silently never matches. (An ordering cell, `< K`, fails with ErrNaN.)
func TestAdversary36_NaNConstantCellDecides(t *testing.T) {
	nan := WithConsts(map[string]any{"K": math.NaN()})
	if _, err := a36Eval(t, a36Rule("r", "f != K"), a36Env{F: 2}, nan); !errors.Is(err, ErrNaN) {
		t.Fatalf("condition f != K: error %v; this test's premise (ErrNaN) is gone", err)
	}
	for _, row := range []string{"!= K", "== K"} {
		src := "ruleset a36 version 1\ntable tb hit first {\n  type \"t\"\n  in f\n  row " + row + " => output k 1\n  row - => output k 2\n}\n"
		rs, err := CompileRules[a36Env]([]byte(src), nan)
		if err != nil {
			continue // refused at compile time: a fix
		}
		hits, err := rs.Eval(a36Env{F: 2}, a36Now)
		if !errors.Is(err, ErrNaN) {
			t.Errorf("table over f = 2 with row %s, K = NaN: %s, error %v; want ErrNaN as the condition f %s gives",
				row, strings.TrimSpace(a22HitsString(hits)), err, strings.Fields(row)[0]+" K")
		}
	}
}
