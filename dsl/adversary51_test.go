package dsl

// The fifty-first adversary's suite: the compile-time refusals of max,
// min, mean and median (which refuse nested lists expr flattens), of
// count and of a collect table's aggregator (which let through what fails
// on every evaluation); the NaN rule at == and != on lists (a list the
// rule builds, a list behind an interface); a host's named float behind an
// interface, which round, ceil, floor and float do not read as a float64;
// and in, which takes a host's nil element for a nil optional chain. Each
// test fails on the code it was written against and demonstrates one
// defect. It reuses the harness of adversary22_helpers_test.go.

import (
	"errors"
	"math"
	"testing"
)

type a51GBP float64

// a51Env holds nested lists, a map of any and lists of any.
type a51Env struct {
	Xss [][]int        `expr:"xss"`
	Xs  []int          `expr:"xs"`
	Ss  []string       `expr:"ss"`
	Fs  []float64      `expr:"fs"`
	F   float64        `expr:"f"`
	I   int            `expr:"i"`
	M   map[string]any `expr:"m"`
	Any any            `expr:"any"`
	L   []any          `expr:"l"`
}

func a51Envs() []a51Env {
	return []a51Env{
		{Xss: [][]int{{1, 2}, {3}}, Xs: []int{3, 1, 2}, Ss: []string{"a"}, Fs: []float64{1}, F: 1, I: 3,
			M: map[string]any{"g": a51GBP(2.5)}, Any: [][]int{{1, 2}, {3}}, L: []any{"x", 1}},
		{Xss: [][]int{{7}}, Xs: []int{-4}, Ss: []string{"b", "c"}, Fs: []float64{2}, F: 2, I: 1,
			M: map[string]any{"g": a51GBP(-1)}, Any: [][]int{{7}}, L: []any{"y"}},
	}
}

// a51Compile compiles a rule file over a51Env on both backends.
func a51Compile(body string) ([2]*RuleSet[a51Env], [2]error) {
	var rss [2]*RuleSet[a51Env]
	var errs [2]error
	for i, o := range [][]Option{nil, {exprOnly}} {
		rss[i], errs[i] = CompileRules[a51Env]([]byte("ruleset a51 version 1\n"+body), o...)
	}
	return rss, errs
}

// a51FailsEveryTime reports a rule file that compiles and then fails on
// every one of envs.
func a51FailsEveryTime(t *testing.T, body string, envs []a51Env) {
	t.Helper()
	rss, errs := a51Compile(body)
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
			t.Errorf("%s: %q compiles, then fails on every evaluation (%d of %d): %v; want a compile error (ErrType)",
				a22Names[i], body, failures, len(envs), firstLine(last.Error()))
		}
	}
}

// a51Eval evaluates a one-rule file on both backends and reports its
// hits and error.
func a51Eval(t *testing.T, when string, env a51Env) [2]a22Result {
	t.Helper()
	var out [2]a22Result
	rss, errs := a51Compile(a22When(when))
	for i, rs := range rss {
		if errs[i] != nil {
			t.Fatalf("%s: `%s` does not compile: %v", a22Names[i], when, errs[i])
		}
		out[i].hits, out[i].err = rs.Eval(env, a22Now)
	}
	return out
}

// Promise broken: the standard "a rule that could succeed is never
// refused", and dsl/doc.go # Numbers, "A built-in that cannot take a
// list's elements whatever the data ... is a compile error", which says
// the refusal is for what cannot succeed. instrument.go unorderedElements
// (numbers) refuses any argument of max, min, mean and median that is a
// list whose elements are not numbers ("max takes a list of numbers, and
// this is a list of []int"); but expr's max, min, mean and median flatten
// nested lists (builtin minMax, mean, median recurse into a slice), and
// expr's own checker takes them (validateAggregateFunc): the same
// [][]int behind an `any` field evaluates on both backends.
//
// Observed: `max(xss) == 3`, `min(xss) == 1`, `mean(xss) == 2`,
// `median(xss) == 2` and `max([xs, [9]]) == 9` are compile errors for xss
// a [][]int {{1, 2}, {3}}. Expected: they compile and fire, as
// `max(any) == 3` (any holding that [][]int) does.
func TestAdversary51_AggregateOfNestedListsRefused(t *testing.T) {
	env := a51Envs()[0]
	for i, r := range a51Eval(t, "max(any) == 3 && min(any) == 1 && mean(any) == 2 && median(any) == 2", env) {
		if r.err != nil || len(r.hits) != 1 {
			t.Fatalf("premise: %s: the [][]int behind any: %d hits, %v", a22Names[i], len(r.hits), r.err)
		}
	}
	for _, w := range []string{"max(xss) == 3", "min(xss) == 1", "mean(xss) == 2", "median(xss) == 2", "max([xs, [9]]) == 9"} {
		_, errs := a51Compile(a22When(w))
		for i, err := range errs {
			if err != nil {
				t.Errorf("%s: `%s` is refused: %v; expr flattens nested lists, and the same value behind any evaluates",
					a22Names[i], w, firstLine(err.Error()))
			}
		}
	}
}

// Promise broken: dsl/doc.go # NaN and nil, "A comparison (==, !=, <, <=,
// >, >=, in) that sees NaN as an operand fails the evaluation with
// [ErrNaN], wherever the NaN came from: a field, ... a slice element";
// instrument.go's own comment at == and !=: "a NaN inside a list made [x]
// == [1.0] false, and its negation true, silently". instrument.go walk
// (BinaryNode) wraps a list the rule builds in __walk(walkBuilt) when it
// walks the operands, and only then asks isContainer((*side).Type()) of
// the wrapped operand: the new call has no type yet, so no list literal
// is ever checked for a NaN.
//
// Input: f = NaN. Observed: `[f] != [1.0]` and `[f, i] != [1.0, 3]` fire
// on both backends (and `[f] == [1.0]` is false, silently). Expected: the
// evaluation fails with ErrNaN, as `fs != [1.0]` does for fs = [NaN].
func TestAdversary51_NaNInListLiteralDecidesEquality(t *testing.T) {
	env := a51Envs()[0]
	env.F = math.NaN()
	env.Fs = []float64{math.NaN()}
	for i, r := range a51Eval(t, "fs != [1.0]", env) {
		if !errors.Is(r.err, ErrNaN) {
			t.Fatalf("premise: %s: a NaN in a list field fails != with ErrNaN; got %d hits, %v", a22Names[i], len(r.hits), r.err)
		}
	}
	for _, w := range []string{"[f] != [1.0]", "[f, i] != [1.0, 3]", "!([f] == [1.0])"} {
		for i, r := range a51Eval(t, w, env) {
			if !errors.Is(r.err, ErrNaN) {
				t.Errorf("%s: `%s` with f = NaN: %d hits, error %v; want ErrNaN", a22Names[i], w, len(r.hits), r.err)
			}
		}
	}
}

// Promise broken: dsl/doc.go # NaN and nil, "A comparison (==, !=, ...)
// that sees NaN as an operand fails the evaluation with [ErrNaN],
// wherever the NaN came from: a field, ... a slice element, a map value".
// instrument.go walk (BinaryNode) checks an operand of == and != for a
// NaN at any depth only when its static type is a list or a map
// (isContainer): a list or map behind an `any` field or a map of any's
// value is compared by expr element by element, where NaN is unequal to
// everything, and decides.
//
// Input: any = []any{NaN}, fs = [1]; m["v"] = map[string]any{"x": NaN}.
// Observed: `any != fs` and `!(any == fs)` fire on both backends.
// Expected: the evaluation fails with ErrNaN, as `[1.0] != fs` fails for a
// NaN in fs.
func TestAdversary51_NaNInListBehindInterfaceDecidesEquality(t *testing.T) {
	env := a51Envs()[0]
	env.Any = []any{math.NaN()}
	env.Fs = []float64{1}
	for _, w := range []string{"any != fs", "!(any == fs)"} {
		for i, r := range a51Eval(t, w, env) {
			if !errors.Is(r.err, ErrNaN) {
				t.Errorf("%s: `%s` with any = [NaN]: %d hits, error %v; want ErrNaN", a22Names[i], w, len(r.hits), r.err)
			}
		}
	}
}

// Promise broken: dsl/doc.go # Numbers, "a named float (type GBP float64)
// [is read] as a float64 ... So `cash > 100` ... work whatever the types,
// and so does arithmetic on values known only when the rule runs (an any
// field, a map value, a predicate's accumulator), which reads them the
// same way." round, ceil, floor and float of a GBP field work (the front
// end wraps the field, numbers.go wrapNumbers), and so do abs, clamp and
// * of a GBP behind an interface (read by dynamicNumber); but round,
// ceil, floor and float of a value known only when the rule runs are
// expr's, unwrapped, and expr's take only the plain float kinds by type
// switch: "invalid argument for round (type dsl.a51GBP)". An int8 or a
// float32 behind the interface works.
//
// Input: m["g"] = a51GBP(2.5). Observed: `round(m.g) == 3`, `ceil(m.g) ==
// 3`, `floor(m.g) == 2` and `float(m.g) == 2.5` fail on every evaluation
// on both backends. Expected: they fire, as `abs(m.g) == 2.5` does.
func TestAdversary51_RoundOfNamedFloatBehindInterfaceFails(t *testing.T) {
	env := a51Envs()[0]
	for i, r := range a51Eval(t, "abs(m.g) == 2.5 && m.g * 2 == 5.0", env) {
		if r.err != nil || len(r.hits) != 1 {
			t.Fatalf("premise: %s: abs and * read the GBP as a float64: %d hits, %v", a22Names[i], len(r.hits), r.err)
		}
	}
	for _, w := range []string{"round(m.g) == 3", "ceil(m.g) == 3", "floor(m.g) == 2", "float(m.g) == 2.5"} {
		for i, r := range a51Eval(t, w, env) {
			if r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: `%s` with m.g = GBP(2.5): %d hits, error %v; want one hit", a22Names[i], w, len(r.hits), firstLineErr(r.err))
			}
		}
	}
}

func firstLineErr(err error) string {
	if err == nil {
		return "<nil>"
	}
	return firstLine(err.Error())
}

// Promise broken: dsl/doc.go # Numbers, "A built-in that cannot take a
// list's elements whatever the data (max of times, min of strings, sortBy
// a key that has no order) is a compile error ([ErrType]), not a failure
// of every evaluation". expr's count(list) without a predicate counts the
// elements that are true, reading each as a bool (an unchecked type
// assertion): count of a []int or a []string fails on the first element,
// whatever it is ("interface conversion: interface {} is int, not bool").
// instrument.go unorderedElements has no case for count.
//
// Observed: `count(xs) >= 0` and `count(ss) >= 0` compile, then fail on
// every evaluation with a non-empty list, on both backends. Expected: a
// compile error of kind type (as `count([true, false])` compiles and
// evaluates).
func TestAdversary51_CountOfNonBoolsFailsEveryEvaluation(t *testing.T) {
	for _, w := range []string{"count(xs) >= 0", "count(ss) >= 0"} {
		a51FailsEveryTime(t, a22When(w), a51Envs())
	}
}

// Promise broken: dsl/doc.go # Rule files, "Every statement means
// something where it is written, or the file does not compile", and #
// Errors, "Types are checked at compile time: ... an urgency that is not
// a number ... [is a] compile error". A collect table's aggregator sums,
// or takes the min or max of, a named output ("rows' numbers are
// aggregated as float64"); ruleset_table.go aggregate checks only that
// every row has the output, and aggregateValues finds at run time that it
// is not a number: a string, a time, a list, a time.Duration, whose types
// the row's expression gives at compile time.
//
// Observed: `table tb hit collect sum k` whose row says `output k "a"`
// (or `output k ss`) compiles, then fails on every evaluation ("row 1:
// output k is "a"; collect sum needs a number"), on both backends.
// Expected: a compile error of kind type.
func TestAdversary51_CollectAggregateOfNonNumberFailsEveryEvaluation(t *testing.T) {
	for _, out := range []string{`"a"`, "ss"} {
		body := "table tb hit collect sum k {\n  type \"t\"\n  in i\n  row - => output k " + out + "\n}\n"
		a51FailsEveryTime(t, body, a51Envs())
	}
}

// Promise broken: dsl/doc.go # NaN and nil: "The built-ins that order or
// pick from a list of numbers ... and the list of an in fail on a NaN or
// nil-chain element", and "A missing map key reads as the map's zero
// value, as in Go (nil for map[string]any)": a nil the host put in its
// data is a value, as m.c == nil shows. instrument.go walk (in) wraps the
// list in __walk(walkNil), and registry.go walk fails on any nil element
// with errNilChain, whatever its origin: a host's []any holding a nil
// fails every in, with a message about an optional chain the rule does not
// have.
//
// Input: l = []any{"x", nil}. Observed: `"x" in l` fails on both backends
// with "the optional chain is nil, and a nil decides nothing". Expected:
// true, as `len(filter(l, # == "x")) == 1` is.
func TestAdversary51_InFailsOnHostNilElement(t *testing.T) {
	env := a51Envs()[0]
	env.L = []any{"x", nil}
	for i, r := range a51Eval(t, `len(filter(l, # == "x")) == 1`, env) {
		if r.err != nil || len(r.hits) != 1 {
			t.Fatalf("premise: %s: filter(l, # == \"x\"): %d hits, %v", a22Names[i], len(r.hits), r.err)
		}
	}
	for i, r := range a51Eval(t, `"x" in l`, env) {
		if r.err != nil || len(r.hits) != 1 {
			t.Errorf("%s: `\"x\" in l` with l = [\"x\", nil]: %d hits, error %v; want one hit", a22Names[i], len(r.hits), firstLineErr(r.err))
		}
	}
}
