package dsl

// The ninety-third adversary's suite: a duration times a float through a
// pointer, a method called through a chain of optional calls, an
// expression's let holding an optional chain's nil, and nil-chain elements
// of the list of an in.

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

type a93Item struct {
	Name string         `expr:"name"`
	Tags []string       `expr:"tags"`
	When time.Time      `expr:"when"`
	D    time.Duration  `expr:"d"`
	M    map[string]int `expr:"m"`
}

type a93Env struct {
	D      time.Duration            `expr:"d"`
	F      float64                  `expr:"f"`
	I      int                      `expr:"i"`
	I8     int8                     `expr:"i8"`
	U8     uint8                    `expr:"u8"`
	U64    uint64                   `expr:"u64"`
	Big    uint64                   `expr:"big"`
	F32    float32                  `expr:"f32"`
	PF     *float64                 `expr:"pf"`
	PFn    *float64                 `expr:"pfn"`
	PD     *time.Duration           `expr:"pd"`
	PDn    *time.Duration           `expr:"pdn"`
	Ds     []time.Duration          `expr:"ds"`
	MD     map[string]time.Duration `expr:"md"`
	M      map[string]any           `expr:"m"`
	A      any                      `expr:"a"`
	At     time.Time                `expr:"at"`
	PAt    *time.Time               `expr:"pat"`
	PAt2   *time.Time               `expr:"pat2"`
	P      *a93Item                 `expr:"p"`
	Q      *a93Item                 `expr:"q"`
	Ss     []string                 `expr:"ss"`
	Items  []a93Item                `expr:"items"`
	PItems []*a93Item               `expr:"pitems"`
}

func a93Env0() a93Env {
	f, d := 1.5, 90*time.Minute
	at := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	return a93Env{
		D: 90 * time.Minute, F: 1.5, I: 3, I8: 2, U8: 2, U64: 2, Big: 1 << 63, F32: 1.5,
		PF: &f, PD: &d, Ds: []time.Duration{time.Hour, 2 * time.Hour},
		MD: map[string]time.Duration{"a": time.Hour},
		M:  map[string]any{"d": time.Hour, "f": 1.5, "f32": float32(1.5), "tags": nil},
		A:  time.Hour, At: at, PAt2: &at,
		Q:      &a93Item{Name: "q", Tags: []string{"a"}, When: at, D: time.Hour},
		Ss:     []string{"a", "b"},
		Items:  []a93Item{{Name: "x", When: at, D: time.Hour}},
		PItems: []*a93Item{nil, {Name: "y", When: at, D: time.Hour, Tags: []string{"a"}}},
	}
}

func a93Run[E any](body string, env E, opts ...Option) (res a22Result) {
	start := time.Now()
	defer func() {
		res.took = time.Since(start)
		if r := recover(); r != nil {
			res.panicked = fmt.Sprint(r)
		}
	}()
	rs, err := CompileRules[E]([]byte("ruleset a93 version 1\n"+body), opts...)
	if err != nil {
		res.compileErr = err
		return res
	}
	res.hits, res.err = rs.Eval(env, a22Now)
	res.explain = map[string]*RuleExplanation{}
	res.explainErr = map[string]error{}
	for _, info := range rs.Rules() {
		x, err := rs.Explain(info.ID, env, a22Now)
		res.explain[info.ID], res.explainErr[info.ID] = x, err
	}
	return res
}

func a93Check[E any](t *testing.T, body string, env E, opts ...Option) [2]a22Result {
	t.Helper()
	var rs [2]a22Result
	for i, o := range [][]Option{
		append([]Option{a22Limits}, opts...),
		append([]Option{a22Limits, exprOnly}, opts...),
	} {
		rs[i] = a93Run(body, env, o...)
	}
	for i, r := range rs {
		for _, p := range a22Problems(r) {
			t.Errorf("%s: %s\n  %s", a22Names[i], strings.TrimSpace(body), p)
		}
	}
	if a, b := a22Outcome(rs[0]), a22Outcome(rs[1]); a != b {
		t.Errorf("closures and expr disagree on %s\n  closures: %s\n  expr:     %s", strings.TrimSpace(body), rs[0], rs[1])
	}
	return rs
}

// Contract (doc.go, Numbers): "time.Duration keeps its type, and its
// arithmetic (d + d, d * 2, d * -1 ...) is checked as an int's is; a
// duration times a float (d * 1.5) is a duration too, rounded to the
// nanosecond"; "Nothing wraps around"; "a pointer as what it points to";
// a test that fails whatever the data is a compile error.
//
// Broken: with pd a *time.Duration (pointing at 90m), pd * 1.5 is the
// float64 8.1e12 though typed a duration: `pd * 1.5 > d` fails every
// evaluation ("invalid operation: float64 > time.Duration"),
// `(pd * 1.5).Minutes()` fails ("reflect: Method index out of range"),
// and `pd * 1.5 == duration("135m")` is silently false. pd * pf fails every
// evaluation ("invalid operation: *time.Duration * float64"). Worse,
// integer arithmetic through the pointer wraps silently: d * pd is
// -1191434h53m46s, and `pd * 4000000000 > d`, `pd + duration("2562047h") > d`
// are false without an error (d * 4000000000 fails with ErrOverflow).
//
// Mechanism: arith.go, durationArith tests lt != durationType &&
// rt != durationType on the static types, so *time.Duration is neither a
// duration nor a scalar, and dynamicType is false for a pointer:
// instrument.go's BinaryNode case routes the operation to neither __dur
// nor __arith, and expr's unchecked runtime (which dereferences) runs it.
func TestAdversary93PointerDurationArithmeticUnchecked(t *testing.T) {
	env := a93Env0() // d = *pd = 90m, pf = &1.5
	for _, w := range []string{
		`pd * 1.5 == duration("135m")`,
		`1.5 * pd == duration("135m")`,
		`pd * 1.5 > d`,
		`(pd * 1.5).Minutes() == 135`,
		`pd * pf == duration("135m")`,
	} {
		for i, r := range a93Check(t, a22When(w), env) {
			if r.compileErr != nil {
				if !errors.Is(r.compileErr, ErrType) {
					t.Errorf("%s: %s: refused, but not as a type error: %v", a22Names[i], w, r.compileErr)
				}
				continue
			}
			if r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: %s with *pd = 90m, *pf = 1.5: %v; want one hit (135m), or a compile-time type error", a22Names[i], w, r)
			}
		}
	}
	for _, w := range []string{
		`d * pd > d`,
		`pd * 4000000000 > d`,
		`pd + duration("2562047h") > d`,
		`pd - duration("-2562047h") > d`,
	} {
		for i, r := range a93Check(t, a22When(w), env) {
			if r.compileErr != nil {
				continue
			}
			if !errors.Is(r.err, ErrOverflow) {
				t.Errorf("%s: %s with *pd = 90m: %v; want ErrOverflow (the duration does not fit; it wrapped around)", a22Names[i], w, r)
			}
		}
	}
	body := "rule a {\n  type \"t\"\n  title \"{words(pd * 1.5)}\"\n  output w pd * 1.5\n}\n"
	for i, r := range a93Check(t, body, env) {
		if r.compileErr != nil {
			continue
		}
		if r.err != nil || len(r.hits) != 1 {
			t.Errorf("%s: title {words(pd * 1.5)}: %v; want one hit titled with 135m", a22Names[i], r)
			continue
		}
		if _, ok := r.hits[0].Outputs["w"].(time.Duration); !ok {
			t.Errorf("%s: output w = pd * 1.5 is %T %v; want a time.Duration", a22Names[i], r.hits[0].Outputs["w"], r.hits[0].Outputs["w"])
		}
	}
}

// Contract (doc.go): bounded steps; MaxNodes bounds the size of the tree
// (the work of straight-line code); "a method called through [an optional
// chain], p?.Year(), is nil where p is".
//
// Broken: the rewrite (x == nil ? nil : x.m()) copies the receiver, and
// the rewriter then walks both copies, so a receiver that is itself an
// optional call is copied again: n chained optional calls make a tree of
// 2^n copies and evaluate the receiver 2^(n+1) times. A 120-byte rule
// `tick(1)?.Add(d)?.Add(d)...?.Year() > 2000` (14 Adds) calls the host
// function 32768 times in one evaluation under MaxSteps 10000, without
// any limit error (tick(1).Add(d)... calls it once). Compile time grows
// the same way: with pat2 as the receiver, 16 Adds took about 4s and 18
// Adds about 20s to compile (the plain chain about 1ms); 30 would not
// finish. expandedSize (MaxNodes) is measured before the rewrite.
//
// Mechanism: optional_method.go, optionalMethod builds
// cond(cloneNode(m.Node) == nil, nil, call) and rewrite.go's walk calls
// r.walk(slot) again on the result, so the nested optional calls inside
// both the clone and the original receiver are each rewritten (doubling
// per level); frontend.go's prepare checks expandedSize before
// rw.walk, and nothing charges a step for the copies.
func TestAdversary93OptionalMethodChainExponential(t *testing.T) {
	env := a93Env0()
	var calls atomic.Int64
	tick := WithFunc1("tick", func(int) time.Time { calls.Add(1); return env.At })
	const maxSteps = 10_000
	lim := WithLimits(Limits{MemoryBudget: 200_000, MaxSteps: maxSteps})
	const n = 14
	plain := "tick(1)" + strings.Repeat(".Add(d)", n) + ".Year() > 2000"
	opt := "tick(1)" + strings.Repeat("?.Add(d)", n) + "?.Year() > 2000"
	for _, w := range []string{plain, opt} {
		for i, o := range [][]Option{{lim, tick}, {lim, tick, exprOnly}} {
			rs, err := CompileRules[a93Env]([]byte("ruleset a version 1\n"+a22When(w)), o...)
			if err != nil {
				t.Fatalf("%s: %v", a22Names[i], err)
			}
			calls.Store(0)
			hits, err := rs.Eval(env, a22Now)
			if c := calls.Load(); c > maxSteps && !errors.Is(err, ErrLimit) {
				t.Errorf("%s: %s (%d bytes): one evaluation called tick %d times (%d hits, error %v) under MaxSteps %d; want the work bounded by the budget (the chain without ? calls it once)",
					a22Names[i], w, len(w), c, len(hits), err, maxSteps)
			}
		}
	}
}

// Contract (doc.go, NaN and nil): "A comparison or string operator that
// sees nil from an optional chain ... directly or through a conditional,
// ??, a list or a call, fails with [ErrEval] ... So does such a nil (or a
// decision's nil output) where it would otherwise decide as false or turn
// into a zero value: ... an argument a function takes as a string
// (`upper(p?.name)`) ..."; and the fix of adversary 91: a nil list on the
// right of in, from an optional chain or a decision that did not fire,
// fails.
//
// Broken: bound by an expression's let, the nil decides. With p nil,
// `(let x = p?.tags; "a" not in x)`, `"a" not in (let x = p?.tags; x)`,
// `(let x = p?.name; x not in ["q"])`, `(let x = p?.when; x != at)`,
// `(let x = p?.name; !(x matches "q"))`, `(let x = p?.name; upper(x) == "")`
// all fire; so does `(let t = dec.x; "z" not in t)` with decision dec not
// fired. (`x != "q"` through the let does fail, but with expr's
// "interface conversion" message.)
//
// Mechanism: instrument.go, carries (used by nilGuard) returns false for
// a VariableDeclaratorNode ("checked where their values are compared"),
// but where the value is used it is an IdentifierNode naming the let,
// which is neither a ChainNode nor a decision output: the guards
// (guardChain, guardOperand, __some/__decided) are never applied. Rule
// lets are inlined (lets.go), expression lets are not.
func TestAdversary93LetBoundChainNilDecides(t *testing.T) {
	env := a93Env0() // p nil
	for _, w := range []string{
		`(let x = p?.tags; "a" not in x)`,
		`"a" not in (let x = p?.tags; x)`,
		`(let x = p?.m; "a" not in x)`,
		`(let x = p?.name; x not in ["q"])`,
		`(let x = p?.when; x != at)`,
		`(let x = p?.name; !(x matches "q"))`,
		`(let x = p?.name; upper(x) == "")`,
	} {
		for i, r := range a93Check(t, a22When(w), env) {
			if r.compileErr != nil || len(r.hits) != 0 || !errors.Is(r.err, ErrEval) {
				t.Errorf("%s: %s with p nil: %v; want no hit and an ErrEval (the let holds an optional chain's nil, which decides nothing)", a22Names[i], w, r)
			}
		}
	}
	body := "rule dec {\n  type \"a\"\n  emit false\n  when i > 100\n  output x ss\n}\nrule b {\n  type \"b\"\n  when (let t = dec.x; \"z\" not in t)\n}\n"
	for i, r := range a93Check(t, body, env) {
		if r.compileErr != nil || len(r.hits) != 0 || !errors.Is(r.err, ErrEval) {
			t.Errorf("%s: rule b: (let t = dec.x; \"z\" not in t) with dec not fired: %v; want no hit and an ErrEval", a22Names[i], r)
		}
	}
}

// Contract (doc.go, NaN and nil): "the list of an in fail[s] on a NaN or
// nil-chain element, which would otherwise decide silently where it
// lands".
//
// Broken: a nil-chain element made inside a predicate is not seen: with
// pitems = [nil, {name "y", when 2026}], `"q" not in map(pitems, #?.name)`
// and `2025 not in map(pitems, #?.when?.Year())` fire (as does the same
// through filter), where `"q" not in [p?.name, "y"]` fails with ErrEval.
//
// Mechanism: instrument.go, the `in` case adds walkNil to the list's
// walk only when nilGuard(n.Right) != "", and carries stops at a
// PredicateNode ("their own scope"), so map(list, #?.x) is not known to
// carry an optional chain's nil and its nil elements pass as data.
func TestAdversary93NilChainElementOfInFromPredicate(t *testing.T) {
	env := a93Env0()
	for _, w := range []string{
		`"q" not in map(pitems, #?.name)`,
		`2025 not in map(pitems, #?.when?.Year())`,
		`"q" not in filter(map(pitems, #?.name), true)`,
	} {
		for i, r := range a93Check(t, a22When(w), env) {
			if r.compileErr != nil || len(r.hits) != 0 || !errors.Is(r.err, ErrEval) {
				t.Errorf("%s: %s with pitems[0] nil: %v; want no hit and an ErrEval (the list has a nil-chain element)", a22Names[i], w, r)
			}
		}
	}
}

// Contract (doc.go, Numbers): "A built-in that cannot take a list's
// elements whatever the data (max of times, min of strings or of a list
// of durations, ...) is a compile error ([ErrType]), not a failure of
// every evaluation".
//
// Broken: max(ds), min(ds) and sum(ds) are refused at compile time, but
// the same list made by map (map(ds, #), map(ds, # * 1.5)) compiles and
// fails every evaluation: "invalid argument for max (type
// time.Duration)", "invalid operation: time.Duration + int" for sum, and
// mean(map(ds, # * 1.5)) > d fails with "invalid operation: float64 >
// time.Duration".
//
// Mechanism: the refusal of durations in a list built-in (builtins.go)
// reads the list's element type from the checker, which types map's
// result as a list of interface, so only a field or literal of durations
// is refused.
func TestAdversary93DurationListBuiltinViaMapFailsEveryEval(t *testing.T) {
	env := a93Env0() // ds = [1h, 2h]
	for _, w := range []string{
		`max(map(ds, #)) > d`,
		`min(map(ds, # * 1.5)) > d`,
		`sum(map(ds, # * 2)) > d`,
		`mean(map(ds, # * 1.5)) > d`,
	} {
		for i, r := range a93Check(t, a22When(w), env) {
			if r.compileErr != nil {
				if !errors.Is(r.compileErr, ErrType) {
					t.Errorf("%s: %s: refused, but not as a type error: %v", a22Names[i], w, r.compileErr)
				}
				continue
			}
			if r.err != nil {
				t.Errorf("%s: %s: %v; want a compile-time type error (as for max(ds)), not a failure of every evaluation", a22Names[i], w, r)
			}
		}
	}
}

// Pins (passing): a default makes a nil list usable on the right of in,
// and optional method calls compose with ?? in titles and outputs.
func TestAdversary93OptionalDefaultsPin(t *testing.T) {
	env := a93Env0()
	for _, w := range []string{
		`"a" not in (p?.tags ?? [])`,
		`"a" not in (p?.m ?? {})`,
		`(pat?.Add(d)?.Year() ?? 0) == 0`,
		`pat2?.Add(pd?.Abs() ?? d)?.Year() == 2026`,
		`d * f32 == duration("135m") && m.d * m.f32 == duration("90m") && a * pf == duration("90m")`,
		`i8 * 1.5 * d == duration("270m") && d * u64 == duration("3h")`,
	} {
		for i, r := range a93Check(t, a22When(w), env) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: %s: %v; want one hit", a22Names[i], w, r)
			}
		}
	}
}
