package dsl

// The forty-seventh adversary's suite: the rule-file analysis against
// evaluation where a field path is read through a nil map, Explain's
// sub-expressions against Eval under the memory budget, and the
// compile-time type checks of built-ins (a rule that compiles must not
// fail every evaluation on a type error). Each test fails on the code it
// was written against and demonstrates one defect. It reuses the harness
// of adversary22_helpers_test.go.

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl/rulefile"
)

type a47Env struct {
	M map[string]any `expr:"m"`
	X float64        `expr:"x"`
}

// a47Analyze parses, analyzes and compiles body over a47Env with the
// closures and with expr alone.
func a47Analyze(t *testing.T, body string) ([]rulefile.Finding, [2]*RuleSet[a47Env]) {
	t.Helper()
	src := "ruleset a47 version 1\n\n" + body
	f, err := rulefile.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var out [2]*RuleSet[a47Env]
	for i, opts := range [][]Option{nil, {exprOnly}} {
		if out[i], err = CompileRules[a47Env]([]byte(src), opts...); err != nil {
			t.Fatalf("compile: %v", err)
		}
	}
	return rulefile.Analyze(f), out
}

// Promise broken: rulefile/doc.go # Analysis, "It is exact where it claims
// anything" and "an unreachable branch or row says what no input
// satisfies"; dsl/doc.go # NaN and nil, "A missing map key reads as the
// map's zero value, as in Go (nil for map[string]any)". The analysis now
// reads a field path through its parents, each of which may be nil, "the
// read then fails" (analyze_cond.go cond.eval, through): that holds of a
// nil pointer, but a nil map is read like any map, each key its zero
// value, and m == nil holds of it.
//
// Observed: with `branch m.k == "x"` then `branch m == nil`, Analyze says
// branch 2 "can never be taken" (with m nil it takes branch 1's read of
// m.k to fail), and Eval with m = nil takes branch 2 on both backends.
// Expected: no unreachable-branch finding for a branch an input takes.
func TestAdversary47_NilMapParentTakenForFailingRead(t *testing.T) {
	body := `rule r {
  type "t"
  when x >= 0
  branch m.k == "x" {
    title "one"
  }
  branch m == nil {
    title "two"
  }
}
`
	fs, rss := a47Analyze(t, body)
	var claim *rulefile.Finding
	for i := range fs {
		if fs[i].Code == "unreachable-branch" && fs[i].Rule == "r" && len(fs[i].Related) > 0 && fs[i].Related[0] == "branch 2" {
			claim = &fs[i]
		}
	}
	if claim == nil {
		return
	}
	for i, rs := range rss {
		hits, err := rs.Eval(a47Env{M: nil}, a22Now)
		if err != nil {
			t.Fatalf("%s: %v", a22Names[i], err)
		}
		for _, h := range hits {
			if h.Rule == "r" && h.Path == "branch 2" {
				t.Errorf("%s: Analyze says %q, and Eval with m = nil (a nil map) takes branch 2 (title %q)", a22Names[i], claim.Message, h.Title)
			}
		}
	}
}

// Promise broken: dsl/doc.go # Untrusted rules, the MemoryBudget bounds
// "the memory it builds (MemoryBudget: arrays, maps, ranges, strings ...)"
// and "Explain runs each sub-expression of a condition apart; their steps
// and the ranges and strings they build are charged to one budget for the
// whole condition as Eval charges them ..., so Explain goes over a limit
// where Eval does". Ranges are charged to the governor and Explain shows
// the operand that went over; arrays and maps are charged by expr's
// vm.MemoryBudget, which explainRun.value (explain.go) runs afresh for
// every sub-expression, so each operand of && gets a whole budget of its
// own.
//
// Observed: with MemoryBudget 10, `len([1,2,3,4,5,6]) > 0 &&
// len([1,2,3,4,5,6]) > 0` fails in Eval with "memory budget exceeded" at
// the right operand, and Explain shows that operand true, without error
// (the same condition over 1..6 shows it over the limit). Expected: the
// right operand's step over the limit, as Eval evaluated it.
//
// Since adversary 101 an element of a built list is charged the copy it
// holds: each operand here fits a budget of 20 units (the range 15, the
// list of six any 12, the map of six 18) and the two together do not.
func TestAdversary47_ExplainArraysOutsideOneMemoryBudget(t *testing.T) {
	limits := WithLimits(Limits{MemoryBudget: 20, MaxSteps: 1000})
	for _, c := range []struct{ when, kind string }{
		{"len(1..15) > 0 && len(1..15) > 0", "range"},
		{"len([1,2,3,4,5,6]) > 0 && len([1,2,3,4,5,6]) > 0", "array"},
		{"len({a:1,b:2,c:3,d:4,e:5,f:6}) > 0 && len({a:1,b:2,c:3,d:4,e:5,f:6}) > 0", "map"},
	} {
		for i, r := range a22Backends(a22When(c.when), a22Env0(), limits) {
			if r.compileErr != nil || r.err == nil || !errors.Is(r.err, ErrLimit) {
				t.Fatalf("%s: premise: %s goes over the memory budget in Eval; got %v", a22Names[i], c.when, r)
			}
			x := r.explain["r"]
			if x == nil || x.When == nil || x.When.Root == nil || len(x.When.Root.Children) != 2 || x.When.Root.Children[1] == nil {
				t.Fatalf("%s: no explanation of %s", a22Names[i], c.when)
			}
			right := x.When.Root.Children[1]
			if right.Err == "" {
				t.Errorf("%s: %s (%s): Eval fails at the right operand (%v), and Explain shows it %v without error",
					a22Names[i], c.when, c.kind, firstLine(r.err.Error()), right.Value)
			}
		}
	}
}

// a47FailsEveryTime reports the evaluations of when, over envs, that
// compile and fail; all of them failing is the defect.
func a47FailsEveryTime(t *testing.T, when string, envs []a22Env) {
	t.Helper()
	for i := range a22Names {
		failed, compiled := 0, true
		var first error
		for _, env := range envs {
			r := a22Backends(a22When(when), env)[i]
			if r.compileErr != nil {
				compiled = false
				break
			}
			if r.err != nil {
				failed++
				if first == nil {
					first = r.err
				}
			}
		}
		if compiled && failed == len(envs) {
			t.Errorf("%s: %s compiles, and fails on every evaluation (%d of %d inputs): %v; want a compile error (ErrType)",
				a22Names[i], when, failed, len(envs), firstLine(first.Error()))
		}
	}
}

// a47Envs are inputs with a duration and lists of every size.
func a47Envs() []a22Env {
	var out []a22Env
	for _, d := range []time.Duration{0, 90 * time.Minute, -time.Second} {
		for _, n := range []int{0, 1, 3} {
			env := a22Env0()
			env.D = d
			env.Xs, env.Ss = env.Xs[:0:0], env.Ss[:0:0]
			for k := 0; k < n; k++ {
				env.Xs = append(env.Xs, k)
				env.Ss = append(env.Ss, strings.Repeat("s", k))
			}
			out = append(out, env)
		}
	}
	return out
}

// Promise broken: dsl/doc.go # Numbers, "time.Duration keeps its type" and
// "A built-in that cannot take a list's elements whatever the data ... is
// a compile error ([ErrType]), not a failure of every evaluation"; the
// commit of round 45 made max/min/mean/median of durations "in any
// argument" compile errors. instrument.go unorderedElements' numbers
// checks keepsType only for the elements of a list literal: max([d, 1]) is
// refused, but max(d, 1), min(d, i) and max(f, d) (a duration beside a
// number, as separate arguments) compile, and every evaluation fails
// comparing a time.Duration with an int or a float64.
//
// Observed: compile OK, then "invalid operation: time.Duration < int" for
// every d. Expected: a compile error of kind type, as for max([d, 1]).
func TestAdversary47_MaxOfDurationAndNumberFailsEveryEvaluation(t *testing.T) {
	for _, r := range a22Backends(a22When("max([d, 1]) != nil"), a22Env0()) {
		if !errors.Is(r.compileErr, ErrType) {
			t.Fatalf("premise: max([d, 1]) is refused at compile time; got %v", r)
		}
	}
	for _, w := range []string{"max(d, 1) != nil", "min(d, i) != nil", "max(f, d) != nil"} {
		a47FailsEveryTime(t, w, a47Envs())
	}
}

// Promise broken: the standard "a rule that compiles never fails at run
// time on a type error", and dsl/doc.go # Dates' own practice for a
// literal argument ("a malformed one is a compile error"). sort's and
// sortBy's order is a literal here, and not "asc" or "desc": no input can
// make the call succeed, the empty list included; instrument.go
// unorderedElements checks sortBy's key and nothing of its order.
//
// Observed: `sort(xs, "up")` and `sortBy(xs, #, "up")` compile and fail
// on every evaluation ("invalid order up, expected asc or desc", "unknown
// order, use asc or desc"), even with xs empty. Expected: a compile error.
func TestAdversary47_SortByLiteralUnknownOrderFailsEveryEvaluation(t *testing.T) {
	for _, w := range []string{`sort(xs, "up") != nil`, `sortBy(xs, #, "up") != nil`} {
		a47FailsEveryTime(t, w, a47Envs())
	}
}

// Promise broken: dsl/doc.go # Numbers, "A built-in that cannot take a
// list's elements whatever the data ... is a compile error ([ErrType]),
// not a failure of every evaluation"; the commit of round 45 made
// "groupBy and fromPairs by a key no map can hold" compile errors.
// fromPairs takes a list of [key, value] pairs, and instrument.go
// unorderedElements looks only at the first element of pairs written out:
// a list whose elements are ints or strings (fromPairs(xs),
// fromPairs(ss), fromPairs(map(xs, # * 2))) can never be pairs, and fails
// on any element.
//
// Observed: compile OK, then "invalid pair 0" whenever the list has an
// element. Expected: a compile error of kind type, as sum(ss) is.
func TestAdversary47_FromPairsOfScalarsFailsOnEveryElement(t *testing.T) {
	for _, w := range []string{"fromPairs(xs) != nil", "fromPairs(ss) != nil", "fromPairs(map(xs, # * 2)) != nil"} {
		var nonEmpty []a22Env
		for _, env := range a47Envs() {
			if len(env.Xs) > 0 {
				nonEmpty = append(nonEmpty, env)
			}
		}
		a47FailsEveryTime(t, w, nonEmpty)
	}
}

// Promise broken: dsl/doc.go # Numbers, "A built-in that cannot take a
// list's elements whatever the data ... is a compile error ([ErrType]),
// not a failure of every evaluation", and the standard that a rule that
// compiles never fails at run time on a type error. reduce's accumulator
// starts as the given initial value, a typed literal, and its first step
// adds it to the list's first element: reduce(ss, #acc + #, 0) adds an int
// to a string, reduce(xs, #acc + #, "") a string to an int, whatever the
// list holds. Neither expr's checker (#acc is untyped) nor
// instrument.go unorderedElements looks at reduce.
//
// Observed: compile OK, then "invalid operation: int + string" for every
// non-empty list. Expected: a compile error of kind type, as sum(ss).
func TestAdversary47_ReduceAccumulatorOfOtherKindFailsOnEveryElement(t *testing.T) {
	for _, r := range a22Backends(a22When("sum(ss) != nil"), a22Env0()) {
		if !errors.Is(r.compileErr, ErrType) {
			t.Fatalf("premise: sum(ss) is refused at compile time; got %v", r)
		}
	}
	var nonEmpty []a22Env
	for _, env := range a47Envs() {
		if len(env.Xs) > 0 {
			nonEmpty = append(nonEmpty, env)
		}
	}
	for _, w := range []string{"reduce(ss, #acc + #, 0) != nil", `reduce(xs, #acc + #, "") != nil`} {
		a47FailsEveryTime(t, w, nonEmpty)
	}
}
