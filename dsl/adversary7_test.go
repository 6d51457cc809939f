package dsl_test

// The seventh adversary's suite. Every test here failed on the code it was
// written against, and names the promise of doc.go it broke; they now
// hold the fixes (one evidence budget, titles and num/money charged, text
// scans charged by the KB, flatten charged before it builds, ranges
// charged to the rule's budget, which Explain's runs share). Each runs
// its suspect call on a goroutine with a recover and a bound (a context
// deadline, or a measured allocation), so a failure cannot hang the
// binary.

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
)

type a7Env struct {
	N int     `expr:"n"`
	S string  `expr:"s"`
	X float64 `expr:"x"`
}

var a7Now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// a7Result is what one evaluation did: its hits and error, the bytes it
// allocated, the time it took, or the panic that escaped.
type a7Result struct {
	hits  []dsl.Hit
	err   error
	alloc uint64
	took  time.Duration
	panic string
}

// a7Eval compiles src (a rule file, after its ruleset line) and evaluates
// it once under a context that ends after limit, on its own goroutine.
func a7Eval(t *testing.T, src string, env a7Env, limit time.Duration) a7Result {
	t.Helper()
	rs, err := dsl.CompileRules[a7Env]([]byte("ruleset a7 version 1\n" + src))
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	done := make(chan a7Result, 1)
	go func() {
		var res a7Result
		defer func() {
			if r := recover(); r != nil {
				res.panic = fmt.Sprintf("%v\n%s", r, debug.Stack())
			}
			done <- res
		}()
		ctx, cancel := context.WithTimeout(context.Background(), limit)
		defer cancel()
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		start := time.Now()
		res.hits, res.err = rs.EvalContext(ctx, env, a7Now)
		res.took = time.Since(start)
		runtime.ReadMemStats(&m1)
		res.alloc = m1.TotalAlloc - m0.TotalAlloc
	}()
	select {
	case res := <-done:
		if res.panic != "" {
			t.Fatalf("PANIC: %s", res.panic)
		}
		return res
	case <-time.After(limit + 30*time.Second):
		t.Fatalf("HANG: no answer %v past the context's deadline", 30*time.Second)
	}
	return a7Result{}
}

const a7MB = 1 << 20

// a7WantBoundedMemory fails t when an evaluation allocated more than 100
// MB without failing with ErrLimit.
func a7WantBoundedMemory(t *testing.T, res a7Result) {
	t.Helper()
	if res.alloc > 100*a7MB {
		t.Errorf("MEMORY: one evaluation allocated %d MB (err %v, %d hits); want ErrLimit within the memory budget (16 MB of strings)",
			res.alloc/a7MB, res.err, len(res.hits))
	}
}

// TestAdversary7EvidenceLetsEachGetABudget: "no rule can make the host
// allocate a gigabyte" (the brief) and doc.go, Untrusted rules: the
// MemoryBudget bounds "the memory it builds" per rule, per evaluation.
// A hit's evidence computes every let of the rule again, and gives each
// let a fresh budget (ruleset_eval.go:evidence calls gov.reset() before
// each binding, "a budget of its own"). So n lets that each build a string
// just under the budget (15 MB) make one evaluation of one rule allocate
// and keep n × 15 MB in Hit.Evidence: 12 lets make 180 MB, 70 lets (a 2
// KB file) make a gigabyte. The lets need not even be used. Explain does
// the same (ruleset_explain.go:explainRule, x.Lets).
func TestAdversary7EvidenceLetsEachGetABudget(t *testing.T) {
	var b strings.Builder
	b.WriteString("rule r {\n  type \"t\"\n")
	for i := range 12 {
		fmt.Fprintf(&b, "  let a%d = repeat(\"x\", 15000000)\n", i)
	}
	b.WriteString("  when n > 0\n}\n")
	res := a7Eval(t, b.String(), a7Env{N: 1}, 20*time.Second)
	a7WantBoundedMemory(t, res)
}

// TestAdversary7TitleOfConstantParts: titles are among what "no rule can
// make the host allocate a gigabyte" with (the brief; doc.go, Untrusted
// rules: MemoryBudget bounds "the memory it builds: arrays, maps, ranges
// and strings"). A constant is computed once, at compile time, within the
// budget: a 10 MB string is fine. A title interpolating it n times is
// rendered by ruleset_eval.go:render, which appends every part's value to
// the title without charging the governor: 12 parts make a 120 MB title
// (and about twice that allocated while it grows), 100 parts of a 1.5 KB
// file a gigabyte. The same holds for a host's field ({s} 3000 times over
// a 100 KB string: 300 MB, 2 GB allocated).
func TestAdversary7TitleOfConstantParts(t *testing.T) {
	src := "const Big = repeat(\"a\", 10000000)\nrule r {\n  type \"t\"\n  title \"" + strings.Repeat("{Big}", 12) + "\"\n}\n"
	res := a7Eval(t, src, a7Env{N: 1}, 20*time.Second)
	a7WantBoundedMemory(t, res)
}

// TestAdversary7StringScanPerStep: "nothing runs unbounded" (doc.go,
// Untrusted rules: MaxSteps counts "every element a predicate ... visits",
// and "matches costs its string's length times its pattern's size"). The
// other string operators that scan a whole string (trim, contains,
// indexOf, lastIndexOf, ...) cost one step however long the string, so a
// loop of a million steps over a 10 MB constant scans 5 TB: trim takes
// about 4 ms a step here, so the rule below runs for more than an hour on
// the default limits. Under a 3 s deadline it is stopped by the context,
// never by a limit.
func TestAdversary7StringScanPerStep(t *testing.T) {
	for _, c := range []struct{ name, when string }{
		{"trim", `any(1..500000, {trim(Big, "a") == "x"})`},
		{"contains", `any(1..500000, {Big contains "ab"})`},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := "const Big = repeat(\"a\", 10000000)\nrule r {\n  type \"t\"\n  when " + c.when + "\n}\n"
			// Before, the deadline stopped it (ErrCancelled) after hours'
			// worth of scanning was under way; now the steps do.
			res := a7Eval(t, src, a7Env{N: 1}, 60*time.Second)
			if !errors.Is(res.err, dsl.ErrLimit) {
				t.Errorf("ran %v and ended with %v; want ErrLimit", res.took.Round(time.Millisecond), res.err)
			}
		})
	}
}

// TestAdversary7FlattenBuildsBeforeCharging: doc.go, Untrusted rules:
// MemoryBudget bounds "the memory it builds (arrays, maps, ranges and
// strings)", and the brief: "no rule can make the host allocate a
// gigabyte ... lists by map/filter". flatten is charged a step for each
// element of the list it is given (instrument.go:listBuiltins walks only
// the outer list), and expr charges its memory budget with the size of
// flatten's result only after building it (expr builtin "flatten" is a
// Safe built-in: it returns the size it built). So flatten of a short list
// of long lists (the same list, computed once by expr's own let) builds a
// list of their total length first: 40 copies of a 50,000-element range
// make a 2,000,000-element []any (32 MB, about 100 MB allocated while it
// grows) before the evaluation fails; 1..900000 and 1..1000 make 14 GB. A
// host's list field needs no let: `flatten(map(1..400, {l}))` with 10,000
// elements in l allocates 3 GB.
func TestAdversary7FlattenBuildsBeforeCharging(t *testing.T) {
	src := "rule r {\n  type \"t\"\n  when (let a = 1..50000; len(flatten(map(1..40, {a}))) > 0)\n}\n"
	res := a7Eval(t, src, a7Env{N: 1}, 20*time.Second)
	a7WantBoundedMemory(t, res)
}

// TestAdversary7ExplainRangesEachGetABudget: Explain is held to the same
// bounds as Eval (the brief: "nothing panics out of the library (Eval,
// Explain, ...) ... memory stays bounded"; doc.go, Untrusted rules:
// MemoryBudget bounds "the memory it builds (arrays, maps, ranges and
// strings)"). Eval of a chain of comparisons over a 900,000-element range
// fails at the second range, over the budget, having allocated a few MB.
// Explain runs every sub-expression as its own expr program
// (explain.go:explainRun.eval, value): expr's memory budget, which is what
// charges ranges, starts afresh at every vm.Run, so each comparison, its
// call and its range get a full budget of their own, and the explanation
// of n comparisons allocates about 14 MB × n: 40 comparisons (a 900-byte
// expression) allocate over 500 MB, 280 (within MaxNodes) several GB.
// RuleSet.Explain of the same when does the same.
func TestAdversary7ExplainRangesEachGetABudget(t *testing.T) {
	src := strings.TrimSuffix(strings.Repeat("len(1..900000) > 0 && ", 40), " && ")
	measure := func(fn func()) uint64 {
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		fn()
		runtime.ReadMemStats(&m1)
		return m1.TotalAlloc - m0.TotalAlloc
	}
	a3Guard(t, func(t *testing.T) {
		e, err := dsl.Compile[a7Env, bool](src, dsl.WithID("x"))
		if err != nil {
			t.Error(err)
			return
		}
		var evalErr, explainErr error
		evalAlloc := measure(func() { _, evalErr = e.Eval(a7Env{}, a7Now) })
		explainAlloc := measure(func() { _, explainErr = e.Explain(a7Env{}, a7Now) })
		if !errors.Is(evalErr, dsl.ErrLimit) {
			t.Errorf("Eval: %v, want ErrLimit", evalErr)
		}
		if explainAlloc > 100*a7MB {
			t.Errorf("MEMORY: Expr.Explain allocated %d MB (Eval %d MB, ErrLimit), error %v", explainAlloc/a7MB, evalAlloc/a7MB, firstLineOf(explainErr))
		}
	})
	a3Guard(t, func(t *testing.T) {
		rs, err := dsl.CompileRules[a7Env]([]byte("ruleset a7 version 1\nrule r {\n  type \"t\"\n  when " + src + "\n}\n"))
		if err != nil {
			t.Error(err)
			return
		}
		var x *dsl.RuleExplanation
		alloc := measure(func() { x, _ = rs.Explain("r", a7Env{}, a7Now) })
		if alloc > 100*a7MB {
			t.Errorf("MEMORY: RuleSet.Explain allocated %d MB (error %q)", alloc/a7MB, firstLineOf(errors.New(x.Err)))
		}
	})
}

func firstLineOf(err error) string {
	if err == nil {
		return "<nil>"
	}
	line, _, _ := strings.Cut(err.Error(), "\n")
	return line
}

// TestAdversary7FormattingBuiltinsUncharged: doc.go, Untrusted rules: a
// rule's memory is bounded by MemoryBudget ("the built-ins that build
// strings ... charge what they build to the evaluation's memory budget
// before they build it" names repeat, replace, join, ...), and the brief:
// no evaluation takes seconds of CPU or allocates 100 MB. num(x, d) and
// money(x, code) write a number without an exponent, grouped
// (format.go:formatFuncs): 1e308 is a string of over 400 bytes, built
// through several intermediate strings, costing a few microseconds, and
// charged nothing. A loop of half a million steps (within MaxSteps and,
// for its range, within MemoryBudget) makes one evaluation allocate about
// a gigabyte and run for seconds; the rule does not even keep the strings.
func TestAdversary7FormattingBuiltinsUncharged(t *testing.T) {
	for _, c := range []struct{ name, when string }{
		{"num", `all(1..500000, {num(1e308, 10) != ""})`},
		{"money", `all(1..500000, {money(1e308, "GBP") != ""})`},
	} {
		t.Run(c.name, func(t *testing.T) {
			// Bounded by the budget, not by the deadline: the rule
			// fails with ErrLimit (no wall-clock figure is asserted, the
			// machine's speed drifts).
			res := a7Eval(t, "rule r {\n  type \"t\"\n  when "+c.when+"\n}\n", a7Env{N: 1}, 60*time.Second)
			if !errors.Is(res.err, dsl.ErrLimit) {
				t.Errorf("ran %v and ended with %v; want ErrLimit", res.took.Round(time.Millisecond), firstLineOf(res.err))
			}
			a7WantBoundedMemory(t, res)
		})
	}
}
