package dsl

import (
	"errors"
	"fmt"
	"github.com/engagekit/engagekit/internal/testguard"
	"math"
	"strings"
	"testing"
	"time"
)

// Adversary 134: the NaN guard of host functions' arguments (__nanarg,
// 60b06d1) and the self-reference guard of values typed any (__acyclic,
// c67bd61).

var a134Now = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

// a134Guard runs f in a goroutine, recovering a panic, and fails the test
// when f does not return within limit (a hang is the defect).
func a134Guard(t *testing.T, limit time.Duration, what string, f func()) bool {
	t.Helper()
	if !testguard.Run(t, limit, f) {
		t.Logf("the probe that did not return: %s", what)
		return false
	}
	return true
}

type a134Acc struct{ Limit float64 }

func (a a134Acc) Over(x float64) bool { return !(x <= a.Limit) }

type (
	a134Self *a134Self // a named pointer type that points at itself
	a134Any  any       // a named interface
)

type a134Env struct {
	X   float64            `expr:"x"`
	F32 float32            `expr:"g32"`
	C   complex128         `expr:"c"`
	P   *float64           `expr:"p"`
	L   []float64          `expr:"l"`
	LA  []any              `expr:"la"`
	M   map[string]float64 `expr:"m"`
	MK  map[float64]bool   `expr:"mk"`
	A   any                `expr:"a"`
	S   a134Acc            `expr:"s"`
	LS  []a134Acc          `expr:"ls"`
	Acc a134Acc            `expr:"acc"`
	Inf float64            `expr:"inf"`
	Cy  any                `expr:"cy"`
	CM  map[string]any     `expr:"cm"`
	CL  []any              `expr:"cl"`
	NA  a134Any            `expr:"na"`
	PP  **any              `expr:"pp"`
	Ch  any                `expr:"ch"`
	Nil *any               `expr:"nilp"`
}

func a134Opts() []Option {
	return []Option{
		WithFunc1("high", func(x float64) bool { return !(x < 0.5) }),
		WithFunction("highAny", func(x any) bool { f, _ := x.(float64); return !(f < 0.5) }),
		WithFunc2("second", func(a, b float64) bool { return !(b < 0.5) }),
		WithFunc1("f32", func(x float32) bool { return !(x < 0.5) }),
		WithFunc1("anyL", func(x []any) int { return len(x) }),
		WithFunc1("accs", func(x []a134Acc) int { return len(x) }),
		WithFunc1("limited", func(a a134Acc) bool { return a.Limit > 0 }),
		WithFunc1("firstHigh", func(l []float64) bool { return len(l) > 0 && !(l[0] < 0.5) }),
		WithFunc1("n", func(l []float64) int { return len(l) }),
		WithFunc1("id", func(x any) any { return x }),
		WithFunc1("idf", func(x float64) any { return x }),
		WithFunc1("fl", func(x []float64) any { return x }),
		WithMethods[a134Acc]("Over"),
	}
}

// a134Env returns an env of NaNs and self-references.
func a134BadEnv() a134Env {
	nan := math.NaN()
	cyc := new(any)
	*cyc = cyc
	q1, q2 := new(any), new(any) // p1 -> p2 -> p1
	*q1 = q2
	*q2 = q1
	var self a134Self
	self = &self
	pp := &cyc
	return a134Env{X: nan, F32: float32(nan), C: complex(nan, 0), P: &nan, L: []float64{nan}, LA: []any{a134Acc{nan}},
		M: map[string]float64{"k": nan}, MK: map[float64]bool{nan: true}, A: nan, S: a134Acc{nan}, LS: []a134Acc{{nan}},
		Acc: a134Acc{1}, Inf: math.Inf(1), Cy: cyc, CM: map[string]any{"k": cyc, "q": q1, "s": self},
		CL: []any{cyc}, NA: cyc, PP: pp, Ch: q1}
}

// a134Run compiles src with the closures and with expr alone, evaluates
// both on env, checks Explain agrees with Eval, and returns the two
// results as text ("compile: …" for a compile error).
func a134Run(t *testing.T, src string, env a134Env, opts []Option) [2]string {
	t.Helper()
	var out [2]string
	for i, o := range [][]Option{opts, append(opts[:len(opts):len(opts)], exprOnly)} {
		e, err := Compile[a134Env, any](src, o...)
		if err != nil {
			out[i] = "compile: " + strings.SplitN(err.Error(), "\n", 2)[0]
			continue
		}
		v, err := e.Eval(env, a134Now)
		if _, xerr := e.Explain(env, a134Now); fmt.Sprint(xerr) != fmt.Sprint(err) {
			t.Errorf("%s (expr alone %v): Explain's error %v, Eval's %v", src, i == 1, xerr, err)
		}
		if err != nil {
			out[i] = "error: " + strings.SplitN(err.Error(), "\n", 2)[0]
			if i == 0 && !errors.As(err, new(*Error)) {
				t.Errorf("%s: %v is no *dsl.Error", src, err)
			}
		} else {
			out[i] = fmt.Sprint(v)
		}
	}
	if out[0] != out[1] {
		t.Errorf("%s: closures %q, expr alone %q", src, out[0], out[1])
	}
	return out
}

// Pinned: NaN reaches a host's function by any road (a let, ?:, ??, a
// predicate's #, a nested list, a map's key, a float32, a complex, a
// *float64, a list element behind any, the second of two parameters, a
// method's argument) and fails with ErrNaN at the argument, on both
// paths; +Inf is a number and passes.
func TestAdversary134_NaNRoadsToHostFunctions(t *testing.T) {
	env := a134BadEnv()
	opts := a134Opts()
	a134Guard(t, 60*time.Second, "nan roads", func() {
		for _, src := range []string{
			"high(x)", "let y = x; high(y)", "high(true ? x : 1.0)", "high(p ?? 1.0)", "second(1.0, x)",
			"f32(g32)", "highAny(c)", "anyL([[x]])", "anyL(map(l, #))", "anyL(keys(mk))", "highAny(mk)",
			"acc.Over(x)", "any(l, high(#))", "firstHigh(l)", "highAny(m)", "highAny(p)",
		} {
			got := a134Run(t, src, env, opts)
			if !strings.HasPrefix(got[0], "error: ") || !strings.Contains(got[0], "argument is NaN") {
				t.Errorf("%s: %q, want ErrNaN at the argument", src, got[0])
			}
		}
		for _, c := range []struct{ src, want string }{
			{"high(inf)", "true"}, {"highAny(inf)", "true"}, {"second(inf, inf)", "true"},
			{"limited(s)", "false"}, {"accs(ls)", "1"}, {"highAny(s)", "false"},
			// A NaN receiver is a struct given as it is: the method's own
			// to check (as the doc says of a struct argument).
			{"s.Over(0.7)", "true"},
		} {
			if got := a134Run(t, c.src, env, opts); got[0] != c.want {
				t.Errorf("%s: %q, want %s", c.src, got[0], c.want)
			}
		}
	})
}

// DEFECT (60b06d1 + c67bd61). A host function whose result is typed any
// and whose argument the NaN guard wraps (a float, a list of floats, an
// any) no longer compiles: __acyclic wraps the call's result, expr's
// checker then re-checks the __nanarg inside it, whose validate is
// sameType, a rule of one argument, and __nanarg takes two.
// Expected: idf(x) == 1.0 compiles and gives true for x = 1 (and ErrNaN
// for x = NaN). Actual: compile error "internal wrapper takes 1 argument"
// at the argument, for Compile and CompileRules, closures and expr alone.
func TestAdversary134_HostFunctionReturningAnyRefused(t *testing.T) {
	opts := a134Opts()
	env := a134Env{X: 1, A: 1.0, L: []float64{1}}
	a134Guard(t, 60*time.Second, "any result", func() {
		for _, c := range []struct{ src, want string }{
			{"idf(x) == 1.0", "true"},
			{"id(a) == 1.0", "true"},
			{"id(x) == 1.0", "true"},
			{"fl(l) != nil", "true"},
			{"id(1) == 1", "true"}, // a literal is not guarded: compiles
		} {
			if got := a134Run(t, c.src, env, opts); got[0] != c.want {
				t.Errorf("%s: %q, want %s", c.src, got[0], c.want)
			}
		}
		src := "ruleset r version 1\nrule ra {\n  type \"a\"\n  when idf(x) != nil\n}\n"
		for _, o := range [][]Option{opts, append(opts[:len(opts):len(opts)], exprOnly)} {
			rs, err := CompileRules[a134Env]([]byte(src), o...)
			if err != nil {
				t.Errorf("rule set: %v", strings.SplitN(err.Error(), "\n", 2)[0])
				continue
			}
			if hits, err := rs.Eval(env, a134Now); err != nil || len(hits) != 1 {
				t.Errorf("rule set: %v, %v", hits, err)
			}
		}
	})
}

// DEFECT (60b06d1, doc "NaN and nil": "A struct is given as it is: what
// the function reads of it is its own to check"). The same struct whose
// field is NaN passes as limited(s), highAny(s) and accs(ls) (a
// []a134Acc), but fails with ErrNaN as anyL([s]) (the list literal is a
// []any, so deepNaN walks into the struct's fields) and as highAny(la[0])
// (the struct behind an any). Expected: the struct is given as it is
// whatever the static type of the list or value holding it, as
// accs(ls) gives it. Actual: ErrNaN "argument is NaN (or holds one)".
func TestAdversary134_StructBehindAnyIsNotGivenAsIs(t *testing.T) {
	env := a134BadEnv()
	opts := a134Opts()
	a134Guard(t, 60*time.Second, "struct", func() {
		for _, c := range []struct{ src, want string }{
			{"accs(ls)", "1"}, // passes: the reference
			{"anyL([s])", "1"},
			{"anyL(la)", "1"},
			{"highAny(la[0])", "false"},
		} {
			if got := a134Run(t, c.src, env, opts); got[0] != c.want {
				t.Errorf("%s: %q, want %s (as accs(ls): a struct is given as it is)", c.src, got[0], c.want)
			}
		}
	})
}

// Pinned: NaN through a decision's output read by another rule, and
// through a rule's let, fails the rule with ErrNaN at the argument; a
// rule set's Explain agrees.
func TestAdversary134_NaNThroughRuleSet(t *testing.T) {
	env := a134BadEnv()
	opts := a134Opts()
	a134Guard(t, 60*time.Second, "rule set", func() {
		for _, src := range []string{
			"ruleset r version 1\nrule src {\n  type \"s\"\n  emit false\n  output out l\n}\nrule ra {\n  type \"a\"\n  when firstHigh(src.out)\n}\n",
			"ruleset r version 1\nrule ra {\n  type \"a\"\n  let y = x\n  when high(y)\n}\n",
			"ruleset r version 1\nrule ra {\n  type \"a\"\n  when true\n  title \"{high(x)}\"\n}\n",
		} {
			for _, o := range [][]Option{opts, append(opts[:len(opts):len(opts)], exprOnly)} {
				rs, err := CompileRules[a134Env]([]byte(src), o...)
				if err != nil {
					t.Errorf("%q: %v", src, err)
					continue
				}
				hits, err := rs.Eval(env, a134Now)
				if len(hits) != 0 || !errors.Is(err, ErrNaN) {
					t.Errorf("%q: %v, %v; want ErrNaN", src, hits, err)
				}
				if x, xerr := rs.Explain("ra", env, a134Now); xerr != nil || x == nil {
					t.Errorf("%q: Explain: %v", src, xerr)
				}
			}
		}
	})
}

// Pinned: the NaN scan of a list given to a host's function costs a step
// an element, as `x in l` does: a 1.5 M list overruns the default step
// budget, passes under a larger one, promptly; a list given in a
// predicate costs its length at each call, as `# in s` does.
func TestAdversary134_NaNScanCost(t *testing.T) {
	type env struct {
		L []float64 `expr:"l"`
		S []float64 `expr:"s"`
	}
	e := env{L: make([]float64, 1_500_000), S: make([]float64, 2000)}
	base := []Option{
		WithFunc1("n", func(l []float64) int { return len(l) }),
		WithFunc2("has", func(l []float64, x float64) bool { return len(l) > 0 && l[0] == x }),
	}
	big := append(base[:len(base):len(base)], WithLimits(Limits{MaxSteps: 1 << 40, MemoryBudget: 1 << 40}))
	a134Guard(t, 60*time.Second, "cost", func() {
		for _, src := range []string{"n(l) > 0", "l[0] in l", "all(s, has(s, #))", "all(s, # in s)"} {
			c, err := Compile[env, bool](src, base...)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := c.Eval(e, a134Now); !errors.Is(err, ErrLimit) {
				t.Errorf("%s: %v, want the step limit (the same for a host's function and for in)", src, err)
			}
			c, err = Compile[env, bool](src, big...)
			if err != nil {
				t.Fatal(err)
			}
			t0 := time.Now()
			if v, err := c.Eval(e, a134Now); err != nil || !v {
				t.Errorf("%s under a larger budget: %v, %v", src, v, err)
			}
			if d := time.Since(t0); d > 5*time.Second {
				t.Errorf("%s: %v", src, d)
			}
		}
	})
}

// Pinned: self-references through a named interface, a pointer to a
// pointer to any, a cycle of two, a named pointer type and a list or a
// map element read by expr's built-ins fail promptly or are not read;
// a long legitimate chain and nil pointers read.
func TestAdversary134_SelfReferencesPinned(t *testing.T) {
	env := a134BadEnv()
	opts := a134Opts()
	a134Guard(t, 60*time.Second, "cycles", func() {
		for _, src := range []string{
			"na == nil", "pp == nil", "ch == nil", "cm.q == nil", "cm.s == nil", "cm.k == 1", "cl[0] == 1",
			"last(cl) == 1", "values(cm)[0] == 1", "cy in cl", "groupBy(cl, #)", "sortBy(cl, #)",
			"max(cl)", "min(cl)", "sum(cl)", "mean(cl)", "median(cl)", "flatten(cl)", "highAny(cy)",
			"id(1) == nil || cy == 1",
		} {
			got := a134Run(t, src, env, opts)
			if !strings.HasPrefix(got[0], "error: ") && !strings.HasPrefix(got[0], "compile: ") {
				t.Errorf("%s: %q, want an error", src, got[0])
			}
		}
		for _, src := range []string{"1 in cl", "cl == cl", "cl == [1]", "len(uniq(cl))", "len(sort(cl))", "len(concat(cl, cl))",
			"count(cl, true)", "reduce(cl, #acc, 1)", "len(toPairs(cm))", "len(cl[0:1])", "type(cl)", "nilp == nil",
			"highAny(cl)", "anyL(cl)", // a list that holds the cycle is given as it is
		} {
			if got := a134Run(t, src, env, opts); strings.HasPrefix(got[0], "error") || strings.HasPrefix(got[0], "compile") {
				t.Errorf("%s: %q, want a value", src, got[0])
			}
		}
		// A legitimate chain of 2000 pointers to any ends in a value.
		var v any = 1.0
		for range 2000 {
			p := new(any)
			*p = v
			v = p
		}
		long := a134Env{A: v, CM: map[string]any{"k": v}}
		for _, src := range []string{"a == 1.0", "cm.k == 1.0"} {
			if got := a134Run(t, src, long, opts); got[0] != "true" {
				t.Errorf("%s of a 2000-pointer chain: %q", src, got[0])
			}
		}
		// Evidence of a let that is the cycle: nil, no hang; a title's
		// {cy} fails the rule.
		rs, err := CompileRules[a134Env]([]byte("ruleset r version 1\nrule ra {\n  type \"a\"\n  let cyc = cy\n  when true\n}\nrule rb {\n  type \"b\"\n  when true\n  title \"{cy}\"\n}\n"), opts...)
		if err != nil {
			t.Fatal(err)
		}
		hits, err := rs.Eval(env, a134Now)
		if len(hits) != 1 || hits[0].Rule != "ra" || len(hits[0].Evidence) != 1 || hits[0].Evidence[0].Value != nil || err == nil || !strings.Contains(err.Error(), "points back at itself") {
			t.Errorf("hits %+v, %v", hits, err)
		}
	})
}
