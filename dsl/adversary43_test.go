package dsl

// The forty-third adversary's suite: numbers written into titles from
// values whose type is known only when the rule runs, the compile-time
// type checks of the built-ins (a rule that compiles must not fail every
// evaluation on a type error), the rule-file analysis's equivalent-when
// against evaluation, Explain's sub-expressions against Eval, the any hit
// policy on a NaN, and what a template's parts cost to compile. Each test
// fails on the code it was written against and demonstrates one defect.
// It reuses the harness of adversary22_helpers_test.go.

import (
	"errors"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl/rulefile"
)

// a43GBP is a host's named float, as doc.go's "type GBP float64".
type a43GBP float64

// Promise broken: doc.go # Built-ins, "A number interpolated without them
// is never written in exponent form (1500000, 0.3, 0.0000001)"; # Numbers,
// a named float "as a float64", a float32 "as the decimal it holds", and
// arithmetic "on values known only when the rule runs (an any field, a map
// value, ...), which reads them the same way". formatTemplateValue (program.go)
// writes a float64 with templateNumber, but a float32 or a named float reaching a title through an `any` field
// (or a map[string]any value, a []any element) falls through to
// formatValue, which writes it with fmt.Sprint.
//
// Observed: `{any}` with any = float32(15000000) is "1.5e+07", with any =
// GBP(0.0000001) "1e-07"; expected "15000000" and "0.0000001", as the same
// numbers in a float64 field are written.
func TestAdversary43_TitleNumberBehindInterfaceInExponentForm(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{float32(15000000), "15000000"},
		{a43GBP(15000000), "15000000"},
		{a43GBP(0.0000001), "0.0000001"},
		{map[string]any{"k": float32(15000000)}, "15000000"},
	} {
		env := a22Env0()
		env.Any = c.v
		title := "{any}"
		if _, ok := c.v.(map[string]any); ok {
			title = "{any.k}"
		}
		for i, r := range a22Backends("rule r {\n  type \"t\"\n  when true\n  title \""+title+"\"\n}\n", env) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Fatalf("%s: %v", a22Names[i], r)
			}
			if got := r.hits[0].Title; got != c.want {
				t.Errorf("%s: title %s with any = %T(%v) is %q; want %q (never in exponent form)", a22Names[i], title, c.v, c.v, got, c.want)
			}
		}
	}
}

// Promise broken: doc.go # Numbers, "time.Duration keeps its type" and "A
// built-in that cannot take a list's elements whatever the data ... is a
// compile error ([ErrType]), not a failure of every evaluation"; numbers.go
// numericCalls, the built-ins "which expr's checker lets a type that keeps
// its own through ... and which then fail on every evaluation" are refused
// at compile time. The list is abs, sum, int and float: round, floor and
// ceil of a duration compile and then fail at every evaluation, whatever
// the duration ("invalid argument for round (type time.Duration)"), as
// abs(d) would, which is refused.
//
// Observed: `round(d) > 0` (and floor, ceil) compiles, and fails with d =
// 90m and with d = 0; expected a compile error of kind type, as abs(d).
func TestAdversary43_RoundOfDurationFailsEveryEvaluation(t *testing.T) {
	for _, r := range a22Backends(a22When("abs(d) > 0"), a22Env0()) {
		if !errors.Is(r.compileErr, ErrType) {
			t.Fatalf("premise: abs(d) is refused at compile time; got %v", r)
		}
	}
	for _, w := range []string{"round(d) > 0", "floor(d) > 0", "ceil(d) > 0"} {
		for _, d := range []time.Duration{90 * time.Minute, 0} {
			env := a22Env0()
			env.D = d
			for i, r := range a22Backends(a22When(w), env) {
				if r.compileErr == nil && r.err != nil {
					t.Errorf("%s: %s compiles, and fails when evaluated with d = %v: %v; want a compile error (ErrType)",
						a22Names[i], w, d, firstLine(r.err.Error()))
				}
			}
		}
	}
}

// Promise broken: doc.go # Numbers, "A built-in that cannot take a list's
// elements whatever the data (max of times, min of strings, sortBy a key
// that has no order) is a compile error ([ErrType]), not a failure of every
// evaluation". instrument.go unorderedElements checks max, min, mean,
// median and sum only in their one-argument form (`if len(n.Arguments) !=
// 1 { return }`): sum(ss) is refused, but sum(ss, #), sum(items, #.name)
// and sum(ts, #) (a predicate whose value is a string or a time), and
// max(ss, 1), compile and fail at every evaluation of a non-empty list.
//
// Observed: compile OK, then "invalid operation: string + int"; expected a
// compile error of kind type, as for sum(ss).
func TestAdversary43_SumWithPredicateOfStringsFailsEveryEvaluation(t *testing.T) {
	for _, r := range a22Backends(a22When("sum(ss) != nil"), a22Env0()) {
		if !errors.Is(r.compileErr, ErrType) {
			t.Fatalf("premise: sum(ss) is refused at compile time; got %v", r)
		}
	}
	for _, w := range []string{"sum(ss, #) != nil", "sum(items, #.name) != nil", "sum(ts, #) != nil", "max(ss, 1) != nil"} {
		for i, r := range a22Backends(a22When(w), a22Env0()) {
			if r.compileErr == nil && r.err != nil {
				t.Errorf("%s: %s compiles, and fails when evaluated: %v; want a compile error (ErrType), as sum(ss) is",
					a22Names[i], w, firstLine(r.err.Error()))
			}
		}
	}
}

// Promise broken: doc.go # Numbers, "A built-in that cannot take a list's
// elements whatever the data (... sortBy a key that has no order) is a
// compile error ([ErrType]), not a failure of every evaluation". sortBy by
// a list key is refused (instrument.go unorderedElements), but groupBy by
// a key that cannot be a map key (a list, a struct holding one) is not
// checked at all: it compiles and fails at every evaluation of a non-empty
// list with "hash of unhashable type".
//
// Observed: `groupBy(items, #.tags) != nil` compiles, then fails; expected
// a compile error of kind type, as `sortBy(items, #.tags)`.
func TestAdversary43_GroupByUnhashableKeyFailsEveryEvaluation(t *testing.T) {
	for _, r := range a22Backends(a22When("sortBy(items, #.tags) != nil"), a22Env0()) {
		if !errors.Is(r.compileErr, ErrType) {
			t.Fatalf("premise: sortBy by a list key is refused at compile time; got %v", r)
		}
	}
	for _, w := range []string{"groupBy(items, #.tags) != nil", "groupBy(items, #) != nil"} {
		for i, r := range a22Backends(a22When(w), a22Env0()) {
			if r.compileErr == nil && r.err != nil {
				t.Errorf("%s: %s compiles, and fails when evaluated: %v; want a compile error (ErrType)",
					a22Names[i], w, firstLine(r.err.Error()))
			}
		}
	}
}

// Promise broken: rulefile/doc.go # Analysis, "It is exact where it claims
// anything", and Finding's code "equivalent-when": "rules whose conditions
// hold for the same inputs". The analysis reads == and != as never failing
// (analyze_cond.go compareInCondition: "== and != of any two values"), so
// `i == 1 || pitem.name == "x"` and `pitem.name == "x" || i == 1` are the
// same formula to it. The compiled rule reads pitem.name through the
// pointer, which fails when pitem is nil (doc.go: "Reading a field through
// a nil pointer (a.b with a nil) fails with [ErrEval]"), so the order of
// the operands decides whether the rule holds or fails.
//
// Input: i = 1, pitem = nil. Observed: the analysis reports b equivalent
// to a; rule a fires and rule b fails. Expected no equivalence claimed.
func TestAdversary43_EquivalentWhenIgnoresFailureThroughNilPointer(t *testing.T) {
	src := "ruleset a43 version 1\n" +
		"rule a {\n  type \"t\"\n  when i == 1 || pitem.name == \"x\"\n}\n" +
		"rule b {\n  type \"t\"\n  when pitem.name == \"x\" || i == 1\n}\n"
	f, err := rulefile.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	claimed := false
	for _, fd := range rulefile.Analyze(f) {
		if fd.Code == "equivalent-when" {
			claimed = true
		}
	}
	rs, err := CompileRules[a22Env]([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	env := a22Env0()
	env.I, env.PItem = 1, nil
	hits, evalErr := rs.Eval(env, a22Now)
	aFired := len(hits) == 1 && hits[0].Rule == "a"
	bFailed := a22RuleErr(evalErr, "b") != nil
	if claimed && aFired && bFailed {
		t.Errorf("the analysis says b's condition is equivalent to a's, but with i = 1 and pitem = nil rule a fires and rule b fails: %v",
			firstLine(a22RuleErr(evalErr, "b").Error()))
	}
}

// Promise broken: doc.go # Untrusted rules, "Explain runs each
// sub-expression of a condition apart; their steps ... are charged to one
// budget for the whole condition, as in Eval"; # Explanations, Explain
// "evaluates like Eval and returns the tree of logical and comparison
// sub-expressions with their values". explainRun.eval (explain.go)
// evaluates a comparison's or a negation's children and then runs the
// node's whole program again, so a sub-expression's work is charged once
// for every level above it: `i > 0 && !(sum(map(1..10000, #)) < 0)` is
// within MaxSteps in Eval (the rule fires), but its explanation shows the
// negation and the comparison failing "over the limit of 50000 steps"
// under a root that says true.
//
// Observed: steps of the tree with a limit error while Eval and the root
// say true; expected every step to have the value Eval computed.
func TestAdversary43_ExplainChargesNestedWorkOnceALevel(t *testing.T) {
	for i, r := range a22Backends(a22When("i > 0 && !(sum(map(1..10000, #)) < 0)"), a22Env0()) {
		if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
			t.Fatalf("premise: %s: the condition is within the budget and fires in Eval; got %v", a22Names[i], r)
		}
		x := r.explain["r"]
		if x == nil || x.When == nil || x.When.Root == nil {
			t.Fatalf("%s: no explanation", a22Names[i])
		}
		var bad []string
		var walk func(s *Step)
		walk = func(s *Step) {
			if s == nil {
				return
			}
			if s.Err != "" {
				bad = append(bad, s.Expr+" → "+s.Err)
			}
			for _, c := range s.Children {
				walk(c)
			}
		}
		walk(x.When.Root)
		if len(bad) > 0 {
			t.Errorf("%s: Eval fires and the explanation's root is %v, but its steps say %q:\n%s",
				a22Names[i], x.When.Root.Value, bad, x.When)
		}
	}
}

// Promise broken: hit.go HitAny, "allows several matching rows when they
// all decide the same (type, title, message, urgency, sensitivity and
// outputs); rows that match and differ are an evaluation error"; doc.go #
// NaN and nil, "NaN and nil never decide". sameDecision (ruleset_table.go)
// compares outputs with reflect.DeepEqual, for which a NaN is unequal to
// itself: two rows with the same output `[f]` (or `map(fs, #)`) decide
// "differently" when f is NaN, though they compute one value, while the
// same rows over `fs` (the host's own slice, equal to itself by address)
// fire.
//
// Input: f = NaN, a table hit any whose two rows both say `output k [f]`.
// Observed: "hit policy any: row 1 and row 2 both match and decide
// differently"; expected the rows to decide alike (a hit), or the NaN
// reported as such (ErrNaN), not a conflict the rows do not have.
func TestAdversary43_AnyPolicyNaNInOutputIsAConflict(t *testing.T) {
	env := a22Env0()
	env.F = math.NaN()
	env.Fs = []float64{1, math.NaN()}
	for _, out := range []string{"[f]", "map(fs, #)"} {
		body := "table tb hit any {\n  type \"t\"\n  in i\n  row > 0 => output k " + out + "\n  row < 10 => output k " + out + "\n}\n"
		for i, r := range a22Backends(body, env) {
			if r.compileErr != nil || r.panicked != "" {
				t.Fatalf("%s: %v", a22Names[i], r)
			}
			if r.err != nil && !errors.Is(r.err, ErrNaN) && strings.Contains(r.err.Error(), "decide differently") {
				t.Errorf("%s: two rows saying `output k %s`, with a NaN in it: %v; the rows decide alike",
					a22Names[i], out, firstLine(r.err.Error()))
			}
		}
	}
}

// Promise broken: dsl/doc.go, rules are untrusted and "resources are
// bounded"; MaxNodes bounds "the size of the tree with the rule's lets
// expanded ..., so doubling lets are refused in linear time". The bound is
// per expression, and each interpolation of a title is an expression of
// its own: a let of 1,619 nodes (under MaxNodes, built by tripling lets)
// interpolated 100 times, `{a4}{a4}…`, is a 613-byte file that compiles
// 160,000 nodes and keeps a RuleSet of some 44 MB (90 MB allocated, 0.4
// s); a title within MaxSourceBytes (16 KiB, 4,000 parts) keeps about
// 1.7 GB, and a rule file may hold as many titles as it likes.
//
// Observed: more than 16 MB retained by the compiled rule set of a
// 613-byte file; expected the compile bounded by a small multiple of the
// source (a template's expanded size counted as a whole against MaxNodes).
func TestAdversary43_TemplatePartsMultiplyTheLetExpansion(t *testing.T) {
	lets := "  let a0 = i + i + i + i + i + i + i + i + i + i\n"
	for k := 1; k <= 4; k++ {
		p := "a" + string(rune('0'+k-1))
		lets += "  let a" + string(rune('0'+k)) + " = " + p + " + " + p + " + " + p + "\n"
	}
	src := "ruleset a43 version 1\nrule r {\n  type \"t\"\n" + lets + "  when i > 0\n  title \"" + strings.Repeat("{a4}", 100) + "\"\n}\n"
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rs, err := CompileRules[a22Env]([]byte(src))
	runtime.GC()
	runtime.ReadMemStats(&after)
	if err != nil {
		// The fix: a template's parts share one MaxNodes, so this title
		// is refused as over the limit, naming the rule and statement.
		if !errors.Is(err, ErrLimit) || !strings.Contains(err.Error(), "rule r, title") {
			t.Fatalf("compile: %v; want a limit error naming rule r's title", err)
		}
		return
	}
	kept := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	runtime.KeepAlive(rs)
	if kept > 16<<20 {
		t.Errorf("a %d-byte rule file compiles to a rule set holding %d MB (%d KB a byte of source)", len(src), kept>>20, kept/int64(len(src))>>10)
	}
}
