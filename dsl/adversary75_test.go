package dsl

// Adversary round 75: the budgets of untrusted rules (doc.go, "Untrusted
// rules"; Limits in options.go). Each test is a minimal reproduction of a
// path where a rule allocates or works far past what its budget charges,
// on both backends (the closures, and expr alone with exprOnly), measured
// by runtime.MemStats.TotalAlloc or by the budget's own verdict, never by
// wall-clock time.

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
)

type a75Env struct {
	S   string    `expr:"s"`
	At  time.Time `expr:"at"`
	Ss  []string  `expr:"ss"`
	As  []any     `expr:"as"`
	Xs  []int     `expr:"xs"`
	Big string    `expr:"big"`
}

var a75Now = time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC)

// a75Budget is a small memory budget: 10000 units of 16 bytes, 160 KB.
const a75Budget = 10000

const a75BudgetBytes = a75Budget * memUnit

var a75Backends = [2]string{"closures", "expr"}

// a75Alloc is the bytes f allocates.
func a75Alloc(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// a75Over compiles src under lim on both backends, evaluates it once, and
// reports a backend where the evaluation succeeds (no ErrLimit) having
// allocated more than ten times the memory budget.
func a75Over(t *testing.T, src string, env a75Env, lim Limits) {
	t.Helper()
	for i, o := range [][]Option{{WithLimits(lim)}, {WithLimits(lim), exprOnly}} {
		e, err := Compile[a75Env, bool](src, o...)
		if err != nil {
			t.Fatalf("%s: premise: %s compiles: %v", a75Backends[i], src, err)
		}
		var evalErr error
		n := a75Alloc(func() { _, evalErr = e.Eval(env, a75Now) })
		if errors.Is(evalErr, ErrLimit) {
			continue
		}
		if n > 10*uint64(lim.MemoryBudget*memUnit) {
			t.Errorf("%s: %s allocated %d bytes (%dx the memory budget of %d bytes) and was not refused (err %v)",
				a75Backends[i], src, n, n/uint64(lim.MemoryBudget*memUnit), lim.MemoryBudget*memUnit, evalErr)
		}
	}
}

// Contract: doc.go, "the memory it builds (MemoryBudget: arrays, maps,
// ranges, strings, …)"; "the built-ins that build strings … charge what
// they build to the evaluation's memory budget before they build it".
// Input: big is a host string of 100 KB; `all(1..100, len(string(big)) > 0)`
// under a budget of 160 KB. Observed: ~21 MB allocated (130x), no ErrLimit.
// Mechanism: the governed string() (registry.go, scalarString) writes its
// argument with fmt.Sprint, which copies a string argument into a fresh
// buffer, and charges nothing: string of a string is an uncharged copy.
func TestAdversary75_StringOfStringUncharged(t *testing.T) {
	env := a75Env{Big: strings.Repeat("a", 100_000)}
	a75Over(t, `all(1..100, len(string(big)) > 0)`, env, Limits{MemoryBudget: a75Budget})
}

// Contract: as above (strings a rule builds are charged). time.Time's
// Format is on the allow-list of pure methods (instrument.go pureMethods),
// and its result is a string as long as its layout.
// Input: `all(1..100, len(at.Format(big)) > 0)`, big a 100 KB host string,
// budget 160 KB. Observed: ~21 MB allocated, no ErrLimit.
// Mechanism: method calls are not instrumented for memory at all: only
// the governed built-ins, __concat and list builders charge; Format (and
// String) write text of any length the layout asks for.
func TestAdversary75_TimeFormatUncharged(t *testing.T) {
	env := a75Env{At: a75Now, Big: strings.Repeat("a", 100_000)}
	a75Over(t, `all(1..100, len(at.Format(big)) > 0)`, env, Limits{MemoryBudget: a75Budget})
}

// Contract: doc.go, "every element a built-in walks without [a
// predicate]: sum, max, min, mean, median, sort, uniq, keys, values,
// join, … is a step".
// Input: ss is a host []string of 100000 elements; `join(ss) == ""` under
// MaxSteps 1000. Observed: true, no error; expected ErrLimit (100000 steps).
// Mechanism: join is a governed function (registry.go) that charges the
// bytes of what it builds but never calls g.steps_ for the parts it
// reads; listBuiltins leaves it out because "governed functions charge
// and check what they read themselves", and join does not.
func TestAdversary75_JoinChargesNoSteps(t *testing.T) {
	env := a75Env{Ss: make([]string, 100_000)}
	for i, o := range [][]Option{{WithLimits(Limits{MaxSteps: 1000})}, {WithLimits(Limits{MaxSteps: 1000}), exprOnly}} {
		e, err := Compile[a75Env, bool](`join(ss) == ""`, o...)
		if err != nil {
			t.Fatalf("%s: premise: %v", a75Backends[i], err)
		}
		v, err := e.Eval(env, a75Now)
		if !errors.Is(err, ErrLimit) {
			t.Errorf("%s: join over 100000 elements under MaxSteps 1000 gave %v, %v; want ErrLimit", a75Backends[i], v, err)
		}
	}
}

// Contract: MemoryBudget bounds what one evaluation allocates; join is
// charged what it builds.
// Input: as is a host []any of 10000 empty strings;
// `all(1..100, join(as) == "")` under 160 KB. Observed: ~16 MB allocated
// (100x), no ErrLimit: each join is charged 1 unit (its result is "").
// Mechanism: stringsOf (registry.go) copies a []any into a fresh
// []string (16 bytes an element) before join charges only the bytes of
// its result; the copy is never charged.
func TestAdversary75_JoinOfAnyListCopyUncharged(t *testing.T) {
	env := a75Env{As: make([]any, 10_000)}
	for i := range env.As {
		env.As[i] = ""
	}
	a75Over(t, `all(1..100, join(as) == "")`, env, Limits{MemoryBudget: a75Budget})
}

// Contract: doc.go, "matches costs its string's length times its
// pattern's size"; MemoryBudget bounds what an evaluation allocates.
// Input: s = ""; `none(1..200, s matches (s + "a{1000}a{1000}"))`, budget
// 160 KB, default MaxSteps. Observed: ~58 MB allocated (~360x), no
// ErrLimit; each iteration is charged ~34 steps and one unit.
// Mechanism: for a pattern known only at run time, regexCost assumes 256
// instructions a byte of the *subject* (here empty), and the pattern is
// compiled afresh by expr on every evaluation of matches, uncharged: a
// 14-byte pattern with counted repetition compiles to ~2000 instructions
// (~200 KB), neither its compile nor its size counted.
func TestAdversary75_DynamicRegexCompileUncharged(t *testing.T) {
	a75Over(t, `none(1..200, s matches (s + "a{1000}a{1000}"))`, a75Env{}, Limits{MemoryBudget: a75Budget})
}

// Contract: doc.go, "the memory it builds (MemoryBudget: arrays, maps,
// …)"; builtLists (instrument.go): "groupBy and toPairs [are charged]".
// Input: xs is a host []int of 100000 zeros; `len(groupBy(xs, 0)) > 0`
// under 160 KB. Observed: ~10 MB allocated (65x), no ErrLimit.
// Mechanism: the walk charged to groupBy's result (walkBuilt) counts
// rv.Len() of the map it returns, the number of groups (here 1), not the
// elements of the group lists it built (100000 boxed elements).
func TestAdversary75_GroupByGroupListsUncharged(t *testing.T) {
	env := a75Env{Xs: make([]int, 100_000)}
	a75Over(t, `len(groupBy(xs, 0)) > 0`, env, Limits{MemoryBudget: a75Budget})
}

// Contract: doc.go, "Explain runs each sub-expression of a condition
// apart; their steps and the ranges and strings they build are charged
// to one budget for the whole condition as Eval charges them … so
// Explain goes over a limit where Eval does (the runs done again are
// bounded apart, at 16 budgets of steps)"; the brief's rule: explaining
// must not cost unboundedly more than evaluating.
// Input: forty `!` around `len(repeat("a", 100000)) == 0`, budget 160 KB.
// Observed: Eval allocates ~108 KB; Explain ~4.6 MB (~42x Eval, 28x the
// budget). Mechanism: each `!` level reruns its whole sub-program
// (explainRun.rerun) after resetting gov.mem to what it was before its
// children, so the string is rebuilt once a level, each rebuild within
// the budget; only the reruns' steps are bounded (explainReruns), and
// repeat costs no steps, so their memory is bounded by nothing but
// MaxDepth.
func TestAdversary75_ExplainRerunsRebuildMemoryEachLevel(t *testing.T) {
	src := strings.Repeat("!", 40) + `(len(repeat("a", 100000)) == 0)`
	for i, o := range [][]Option{{WithLimits(Limits{MemoryBudget: a75Budget})}, {WithLimits(Limits{MemoryBudget: a75Budget}), exprOnly}} {
		e, err := Compile[a75Env, bool](src, o...)
		if err != nil {
			t.Fatalf("%s: premise: %v", a75Backends[i], err)
		}
		var evalErr, explErr error
		ev := a75Alloc(func() { _, evalErr = e.Eval(a75Env{}, a75Now) })
		if evalErr != nil {
			t.Fatalf("%s: premise: Eval within budget: %v", a75Backends[i], evalErr)
		}
		_, _ = e.Explain(a75Env{}, a75Now) // compile the sub-programs once, outside the measure
		ex := a75Alloc(func() { _, explErr = e.Explain(a75Env{}, a75Now) })
		// Since the fix, the reruns' memory is bounded apart at four
		// budgets (explainRerunsMem): Explain stays within 1 + 4 budgets
		// and the overhead of its steps.
		if explErr == nil && ex > 8*max(ev, a75BudgetBytes) {
			t.Errorf("%s: Explain allocated %d bytes, Eval %d, budget %d bytes: %dx the budget",
				a75Backends[i], ex, ev, a75BudgetBytes, ex/a75BudgetBytes)
		}
	}
}

// Contract: the brief's "explaining a rule must not cost unboundedly
// more than evaluating it" and formatValue's own rule (explain.go:
// "Composite values would flood a line a person reads: say what they
// are, not what they hold").
// Input: big is a host string of 100000 NUL bytes; the condition
// `big != "a" && … && big != "j"` (ten comparisons). Observed: Eval
// allocates ~1.3 KB; the explanation's String() is 4 MB of text and
// allocates ~55 MB. Mechanism: formatValue writes a string in full with
// %q (a NUL is 4 bytes quoted), once for every step that shows it
// (operand() of each comparison), uncharged and unbounded: the text grows
// as steps × length × 4, for a value Eval never copied.
func TestAdversary75_ExplainRendersHugeStringPerStep(t *testing.T) {
	env := a75Env{Big: string(make([]byte, 100_000))}
	var terms []string
	for c := 'a'; c <= 'j'; c++ {
		terms = append(terms, `big != "`+string(c)+`"`)
	}
	src := strings.Join(terms, " && ")
	for i, o := range [][]Option{{WithLimits(Limits{MemoryBudget: a75Budget})}, {WithLimits(Limits{MemoryBudget: a75Budget}), exprOnly}} {
		e, err := Compile[a75Env, bool](src, o...)
		if err != nil {
			t.Fatalf("%s: premise: %v", a75Backends[i], err)
		}
		x, err := e.Explain(env, a75Now)
		if err != nil {
			t.Fatalf("%s: premise: %v", a75Backends[i], err)
		}
		var text string
		n := a75Alloc(func() { text = x.String() })
		if n > 10*a75BudgetBytes {
			t.Errorf("%s: rendering the explanation allocated %d bytes (text %d bytes), %dx the memory budget of %d bytes",
				a75Backends[i], n, len(text), n/a75BudgetBytes, a75BudgetBytes)
		}
	}
}

// Contract: doc.go, "at compile time, the source size (MaxSourceBytes)
// … and the size of the tree … each bound is checked where it can be
// first" (a rule's cost is bounded from its source); brief (d).
// Input: `s matches "a{1000}a{1000}…"` (100 repetitions, a 712-byte
// source). Observed: Compile allocates ~98 MB, against ~0.4 MB for a
// source of the same size whose pattern is plain letters (>200x).
// Mechanism: a constant pattern is compiled to a regexp program several
// times at compile time (expr's checker/compiler, regexCost's
// syntax.Compile), and counted repetition expands each `a{1000}` (7
// bytes) into ~1000 instructions; nothing bounds the program's size but
// Go's own regexp limit, far past any budget.
func TestAdversary75_ConstantRegexCompileBlowup(t *testing.T) {
	blow := `s matches "` + strings.Repeat("a{1000}", 100) + `"`
	plain := `s matches "` + strings.Repeat("aaaaaaa", 100) + `"`
	for i, o := range [][]Option{nil, {exprOnly}} {
		var err1, err2 error
		nPlain := a75Alloc(func() { _, err1 = Compile[a75Env, bool](plain, o...) })
		nBlow := a75Alloc(func() { _, err2 = Compile[a75Env, bool](blow, o...) })
		if err1 != nil {
			t.Fatalf("%s: premise: %v", a75Backends[i], err1)
		}
		if err2 == nil && nBlow > 20*nPlain {
			t.Errorf("%s: compiling a %d-byte rule allocated %d bytes, %dx a plain rule of the same size (%d bytes)",
				a75Backends[i], len(blow), nBlow, nBlow/nPlain, nPlain)
		}
	}
}
