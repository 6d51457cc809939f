package dsl

// The fifty-fifth adversary's suite: a differential of Explain against
// Eval and of the closures against expr, under tight and huge limits, over
// loops, string building, lets, tables, trees, decisions read by other
// rules and templates. Each TestAdversary55_ test fails on the code it was
// written against and demonstrates one defect. It reuses the harness of
// adversary22_helpers_test.go.

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// a55Arr is an array literal of n elements, each the field i.
func a55Arr(n int) string {
	return "[" + strings.TrimSuffix(strings.Repeat("i, ", n), ", ") + "]"
}

// a55StepErrors lists the steps below the root of an explanation that
// failed (the root is settled by Eval's verdict).
func a55StepErrors(x *Explanation) []string {
	var bad []string
	var visit func(s *Step)
	visit = func(s *Step) {
		for _, c := range s.Children {
			if c == nil {
				continue
			}
			if c.Err != "" {
				bad = append(bad, c.Expr+" → "+c.Err)
			}
			visit(c)
		}
	}
	visit(x.Root)
	return bad
}

// Promise broken: dsl/doc.go # Untrusted rules, "MemoryBudget: arrays,
// maps, ranges, strings ... A rule over a limit fails with [ErrLimit],
// naming the limit"; "Explain runs each sub-expression of a condition
// apart; their steps and the ranges and strings they build are charged to
// one budget for the whole condition as Eval charges them ... so Explain
// goes over a limit where Eval does"; and Limits.MemoryBudget, "bounds
// what one evaluation of a rule may allocate".
//
// Two meters count a rule's memory: the governor (governor.go charge,
// which refuses only what goes past the budget, "units > maxMem - mem"),
// and expr's own VM, which frame.go newRunner gives the same number
// (vm.VM{MemoryBudget: uint(limits.MemoryBudget)}) and which refuses
// memory that reaches it (vm.memGrow: "memory >= MemoryBudget"), counting
// each Run apart. Eval is one Run, so the VM refuses a condition that
// builds exactly its budget, and fails it with expr's message ("memory
// budget exceeded", program.go evalError keeps it), while Explain runs
// each conjunct in a Run of its own (explain.go explainRun.value), where
// the VM never reaches the budget and the governor allows it: the tree
// shows every conjunct true.
//
// Observed: MemoryBudget 40, `len([i × 20]) > 0 && len([i × 20]) > 0`
// (40 units): Eval fails "1:78: memory budget exceeded"; Explain's tree:
// both conjuncts (20) > 0 → true, no step over the limit. Expected: the
// 40 units the budget allows succeed (as they do in Explain's tree), or
// else Eval and the tree agree and the error names the limit of 40.
func TestAdversary55_VMBudgetRefusesExactBudgetExplainDoesNot(t *testing.T) {
	src := "len(" + a55Arr(20) + ") > 0 && len(" + a55Arr(20) + ") > 0"
	for i, o := range [][]Option{nil, {exprOnly}} {
		e, err := Compile[a22Env, bool](src, append(o, WithLimits(Limits{MemoryBudget: 40}))...)
		if err != nil {
			t.Fatal(err)
		}
		v, evalErr := e.Eval(a22Env0(), a22Now)
		x, _ := e.Explain(a22Env0(), a22Now)
		if evalErr != nil && len(a55StepErrors(x)) == 0 {
			t.Errorf("%s: Eval fails %q where no sub-expression of Explain's tree goes over the limit:\n%s",
				a22Names[i], firstLine(evalErr.Error()), x)
		}
		if evalErr == nil && !v {
			t.Errorf("%s: Eval false, want true", a22Names[i])
		}
	}
}

// Promise broken: dsl/doc.go # Untrusted rules, "nothing [a rule can
// write] runs unbounded": "the steps of its loops (MaxSteps: ... every
// element a built-in walks without one: sum, max, min, mean, median, sort
// (n·log n), uniq, keys, values ...)"; and Limits.MaxSteps, "bounds the
// steps one evaluation of a rule may take".
//
// instrument.go charges uniq as a walk of its list (walkNumbers: n steps,
// where sort gets walkSort, n·log n), but expr's uniq (builtin.go "uniq")
// compares each element with every distinct element kept so far, through
// runtime.Equal on interfaces: n²/2 comparisons for a list of distinct
// values. So the step budget bounds uniq's cost only quadratically: under
// the default limits (MaxSteps 1,000,000, MemoryBudget 1,000,000),
// `len(uniq(1..400000)) > 0` is within both (800,000 steps, 400,000
// units) and runs for hours, on data of the rule's own making.
//
// Observed: `len(uniq(1..6000)) > 0` (12,000 steps) takes hundreds of
// times as long as `count(1..6000, # > 0) > 0` (12,000 steps too).
// Expected: what a rule costs grows with the steps it is charged: uniq
// charged for the comparisons it makes (or made linear, by hashing).
func TestAdversary55_UniqQuadraticChargedLinear(t *testing.T) {
	lim := WithLimits(Limits{MaxSteps: 20_000})
	run := func(src string) time.Duration {
		e, err := Compile[a22Env, bool](src, lim)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if v, err := e.Eval(a22Env0(), a22Now); err != nil || !v {
			t.Fatalf("%s: %v, %v; want true", src, v, err)
		}
		return time.Since(start)
	}
	loop := run("count(1..6000, # > 0) > 0") // warm up
	loop = min(loop, run("count(1..6000, # > 0) > 0"))
	uniq := run("len(uniq(1..6000)) > 0")
	if ratio := float64(uniq) / float64(max(loop, time.Microsecond)); ratio > 50 {
		t.Errorf("uniq of 6,000 elements took %v, %.0f times a loop charged the same 12,000 steps (%v): uniq's cost is quadratic, its charge linear",
			uniq, ratio, loop)
	}
}

// Promise broken: dsl/doc.go # Untrusted rules, "per rule: ... the memory
// it builds (MemoryBudget: arrays, maps, ranges, strings, ...)", and
// Limits.MemoryBudget, "bounds what one evaluation of a rule may allocate
// for the arrays, maps and strings it builds".
//
// The governor charges what the front end's instrumentation tells it to
// (ranges, strings, the lists __walk marks walkBuilt, instrument.go); the
// lists and maps expr's built-ins build from a list (groupBy, uniq,
// toPairs, map, filter, concat, sort, ...) are not charged to it. Some are
// caught by expr's own VM meter (vm.memGrow), which counts each
// expression apart, not the rule: a rule that builds a list in its
// condition and again in its title builds twice the budget; groupBy, uniq
// and toPairs are counted by neither.
//
// Observed, MemoryBudget 100 over a host list xs of 5,000 ints: `when
// len(groupBy(xs, #)) > 0` (a map of 5,000 lists) fires; with
// MemoryBudget 1000 and 600 ints, `when len(map(xs, #)) > 0` with title
// "{len(map(xs, #))}" (1,200 elements built) fires, where the same rule
// over 1..600 fails "over the limit of 1000 units of memory". Expected:
// both fail with ErrLimit.
func TestAdversary55_BuiltListsNotChargedToRuleBudget(t *testing.T) {
	big := a22Env0()
	big.Xs = make([]int, 5000)
	for j := range big.Xs {
		big.Xs[j] = j
	}
	mid := a22Env0()
	mid.Xs = big.Xs[:600]
	for _, c := range []struct {
		body string
		env  a22Env
		mem  int
	}{
		{a22When("len(groupBy(xs, #)) > 0"), big, 100},
		{"rule r {\n  type \"t\"\n  when len(map(xs, #)) > 0\n  title \"{len(map(xs, #))}\"\n}\n", mid, 1000},
	} {
		rs := a22Backends(c.body, c.env, WithLimits(Limits{MemoryBudget: c.mem}))
		for i, r := range rs {
			if r.compileErr != nil || r.panicked != "" {
				t.Fatalf("%s: %s", a22Names[i], r)
			}
			if !errors.Is(r.err, ErrLimit) {
				t.Errorf("%s, MemoryBudget %d, %d elements in xs: %s\n  %s; want ErrLimit", a22Names[i], c.mem, len(c.env.Xs), strings.TrimSpace(c.body), r)
			}
		}
	}
}

// a55Compile compiles a rule file over a22Env under opts.
func a55Compile(t *testing.T, body string, opts ...Option) *RuleSet[a22Env] {
	t.Helper()
	rs, err := CompileRules[a22Env]([]byte("ruleset a55 version 1\n"+body), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// Promise broken: dsl/doc.go # Untrusted rules, "so Explain goes over a
// limit where Eval does"; and RuleSet.Explain, "It decides the rule
// exactly as [RuleSet.Eval] does (the same condition, guard, branch, row
// and hits, the same errors), then shows how: the condition's tree, the
// branches or rows tried".
//
// Eval decides a rule's branches (ruleset_eval.go selectBranch) on the
// budget its condition left: one budget for the rule. Explain shows them
// (ruleset_explain.go explainBranches) by deciding each condition again
// after s.r.gov.reset(), on a fresh budget, so a branch whose condition
// went over the limit in Eval is shown taken, true.
//
// Observed, MaxSteps 2000: `when count(1..600, # > 0) > 0` (1,200
// steps) and `branch count(1..600, # > 0) > 0` (1,200 more): Eval fails
// "branch 1, condition: over the limit of 2000 steps"; Explain's Err says
// so too, while its Branches say "branch 1: count(1..600, # > 0) (600) >
// 0 → true", Taken. Expected: the branch's condition shown failing, over
// the limit, as Eval decided it.
func TestAdversary55_ExplainBranchesFreshBudget(t *testing.T) {
	body := "rule r {\n  type \"t\"\n  when count(1..600, # > 0) > 0\n  branch count(1..600, # > 0) > 0 {\n    title \"one\"\n  }\n  else {\n    title \"else\"\n  }\n}\n"
	lim := WithLimits(Limits{MaxSteps: 2000})
	for i, o := range [][]Option{{lim}, {lim, exprOnly}} {
		rs := a55Compile(t, body, o...)
		if _, err := rs.Eval(a22Env0(), a22Now); !errors.Is(err, ErrLimit) {
			t.Fatalf("%s: test broken: Eval %v; want the branch over the step limit", a22Names[i], err)
		}
		x, err := rs.Explain("r", a22Env0(), a22Now)
		if err != nil {
			t.Fatal(err)
		}
		if x.ErrKind != KindLimit {
			t.Fatalf("%s: test broken: Explain's verdict %q", a22Names[i], x.Err)
		}
		for _, b := range x.Branches {
			if b.Cond != nil && (b.Taken || b.Cond.Root.Err == "") {
				t.Errorf("%s: Eval's branch 1 condition is over the limit, Explain shows %s: taken %v, %s",
					a22Names[i], b.Label, b.Taken, strings.TrimSpace(b.Cond.String()))
			}
		}
	}
}

// Promise broken: RuleSet.Explain, "It decides the rule exactly as
// [RuleSet.Eval] does ... then shows how: the condition's tree, the
// branches or rows tried, the lets"; RuleExplanation.Inputs, "a table's
// input values; Rows how each row matched".
//
// ruleset_explain.go explainRule computes the lets for display on a reset
// budget, then, for a table, explainTable evaluates the inputs again on
// what the lets left; only a rule with a when resets the budget between
// (rs.condition). Eval decides a table's inputs on a fresh budget
// (condition resets it, when or no when), so a table without a when whose
// lets and inputs together pass the limit fires in Eval and is shown by
// Explain with no inputs and no rows (explainTable returns on the
// inputs' error and says nothing).
//
// Observed, MaxSteps 2000: a table hit first with `let k = count(1..600,
// # > 0)` (1,200 steps), `in count(1..600, # > 0)` and `row > 0`: Eval
// gives one hit, row 1; Explain says fired, Hits row 1, Inputs and Rows
// empty. Expected: the input (600) and row 1 matching, as Eval decided.
func TestAdversary55_ExplainTableInputsOnLetsBudget(t *testing.T) {
	body := "table r hit first {\n  type \"t\"\n  let k = count(1..600, # > 0)\n  in count(1..600, # > 0)\n  row > 0 => title \"one\"\n}\n"
	lim := WithLimits(Limits{MaxSteps: 2000})
	for i, o := range [][]Option{{lim}, {lim, exprOnly}} {
		rs := a55Compile(t, body, o...)
		hits, err := rs.Eval(a22Env0(), a22Now)
		if err != nil || len(hits) != 1 {
			t.Fatalf("%s: test broken: Eval %d hits, %v", a22Names[i], len(hits), err)
		}
		x, err := rs.Explain("r", a22Env0(), a22Now)
		if err != nil {
			t.Fatal(err)
		}
		if !x.Fired {
			t.Fatalf("%s: test broken: Explain's verdict did not fire", a22Names[i])
		}
		if len(x.Inputs) != 1 || len(x.Rows) != 1 || !x.Rows[0].Match {
			t.Errorf("%s: the table fired on row 1; Explain shows inputs %v, rows %v:\n%s", a22Names[i], x.Inputs, x.Rows, x)
		}
	}
}

// Promise broken: EvalOptions.Decided, "gets true at the index of each
// rule this evaluation decided: every enabled rule that emits (unless the
// context ended first), and a decision with emit false only when a rule
// read it".
//
// An emitting rule the loop reaches after the context ended is not
// evaluated and not marked (ruleset_eval.go AppendEvalWith checks
// interrupted before it marks). A decision with emit false is decided in
// decisions.go memo, which sets st.done before it looks at the context;
// when the context has ended it records the cancellation without deciding
// anything, and markRead marks every slot that is done. So a decision the
// context's end kept from being decided is reported decided.
//
// Input: decisions d1 (emit false, when stop(i): a host function that
// cancels the evaluation's context) and d2 (emit false, when i > 0), and
// rule r reading d1.fired && d2.fired. Observed: r fails "rule d2, which
// it reads, failed: evaluation cancelled"; d2's condition never ran;
// Decided is [true true true]. Expected: d2 not marked, as an emitting
// rule the context's end kept from running is not.
func TestAdversary55_DecidedMarksCancelledDecision(t *testing.T) {
	body := "rule d1 {\n  type \"d1\"\n  emit false\n  when stop(i)\n}\n" +
		"rule d2 {\n  type \"d2\"\n  emit false\n  when i > 0\n}\n" +
		"rule r {\n  type \"r\"\n  when d1.fired && d2.fired\n}\n"
	for i, o := range [][]Option{nil, {exprOnly}} {
		ctx, cancel := context.WithCancel(context.Background())
		rs := a55Compile(t, body, append(o, WithFunc1("stop", func(int) bool { cancel(); return true }))...)
		decided := make([]bool, len(rs.Rules()))
		_, err := rs.AppendEvalWith(ctx, nil, a22Env0(), a22Now, EvalOptions{Decided: decided})
		cancel()
		if !errors.Is(err, ErrCancelled) {
			t.Fatalf("%s: test broken: %v; want the cancellation", a22Names[i], err)
		}
		for j, info := range rs.Rules() {
			if info.ID == "d2" && decided[j] {
				t.Errorf("%s: d2, whose condition the context's end kept from running, is reported decided: %v (%v)",
					a22Names[i], decided, firstLine(err.Error()))
			}
		}
	}
}
