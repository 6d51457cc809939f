package dsl

// The seventeenth adversary's suite: the checked arithmetic layer
// (arith.go), numbers behind pointers and in lists (numbers.go), the
// aggregates, ranges and the governor (governor.go). Every test fails on
// the code it was written against (37e4508) and names the promise of
// doc.go it breaks, with the smallest input found. Each rule is run with
// the closures and with expr alone (exprOnly), and through Explain; none
// can hang or allocate much: the budgets are small and every loop short.

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"
)

type a17Pence int64

type a17Env struct {
	I    int         `expr:"i"`
	Big  int64       `expr:"big"`
	F    float64     `expr:"f"`
	PI   *int        `expr:"pi"`
	PJ   *int        `expr:"pj"`
	PP   *a17Pence   `expr:"pp"`
	PF   *float64    `expr:"pf"`
	Xs   []int       `expr:"xs"`
	PIs  []*int      `expr:"pis"`
	PPs  []*a17Pence `expr:"pps"`
	PFs  []*float64  `expr:"pfs"`
	Note string      `expr:"note"`
}

var a17Now = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)

func a17Env0() a17Env {
	one, two, half := 1, 2, 0.5
	p1, p2 := a17Pence(1), a17Pence(2)
	return a17Env{I: 1, Big: math.MaxInt64, F: 1.5, PI: &one, PJ: &two, PF: &half, Xs: []int{1, 2, 3},
		PIs: []*int{&one, &two}, PPs: []*a17Pence{&p1, &p2}, PFs: []*float64{&half}}
}

// a17Result is what one backend made of one rule: its hits and error, the
// panic that escaped, and what Explain said.
type a17Result struct {
	compileErr error
	hits       []Hit
	err        error
	panicked   string
	explain    *RuleExplanation
}

func (r a17Result) String() string {
	switch {
	case r.panicked != "":
		return "PANIC " + r.panicked
	case r.compileErr != nil:
		return "compile error: " + firstLine(r.compileErr.Error())
	}
	s := fmt.Sprintf("%d hits", len(r.hits))
	for _, h := range r.hits {
		s += fmt.Sprintf(" %s urgency=%v outputs=%v evidence=%v", h.Path, h.Urgency, h.Outputs, h.Evidence)
	}
	if r.err != nil {
		s += ", error " + firstLine(r.err.Error())
	}
	return s
}

// a17Run compiles the rule file body (after its header) with opts and
// evaluates it once, then explains rule r.
func a17Run(body string, env a17Env, opts ...Option) (res a17Result) {
	defer func() {
		if r := recover(); r != nil {
			res.panicked = fmt.Sprint(r)
		}
	}()
	rs, err := CompileRules[a17Env]([]byte("ruleset a17 version 1\n"+body), opts...)
	if err != nil {
		res.compileErr = err
		return res
	}
	res.hits, res.err = rs.Eval(env, a17Now)
	res.explain, _ = rs.Explain("r", env, a17Now)
	return res
}

// a17Both runs body with the closures and with expr alone; it fails t if
// either panics or if Explain disagrees with Eval, and returns both.
func a17Both(t *testing.T, body string, env a17Env, opts ...Option) [2]a17Result {
	t.Helper()
	var out [2]a17Result
	for i, o := range [][]Option{opts, append(append([]Option{}, opts...), exprOnly)} {
		r := a17Run(body, env, o...)
		name := [2]string{"closures", "expr"}[i]
		if r.panicked != "" {
			t.Errorf("%s: %s: panic out of the library: %s", name, body, r.panicked)
		}
		if r.compileErr == nil && r.panicked == "" && r.explain != nil {
			if (r.err == nil) != (r.explain.Err == "") || r.err == nil && r.explain.Fired != (len(r.hits) > 0) {
				t.Errorf("%s: %s: Eval (%v) and Explain (fired %v, %q) disagree", name, body, r, r.explain.Fired, r.explain.Err)
			}
		}
		out[i] = r
	}
	return out
}

func a17When(when string) string {
	return "rule r {\n  type \"t\"\n  when " + when + "\n}\n"
}

// TestAdversary17_PointerToIntArithmeticWraps: doc.go, Numbers: "a
// pointer to any of these [is read] as the number it points to", and
// "Nothing wraps around: ... int arithmetic (+, -, *, unary -, abs, sum)
// whose result does not fit an int, fail[s] the evaluation with
// ErrOverflow". A pointer to a host's own int (*int; *int64 too) is not
// converted by numberKind (int is already an int, so *int is no 'p'), the
// checker types the operand *int, and instrumentation routes through
// __int only operands typed int and through __arith only dynamic ones: so
// `pi + big` goes to expr's own wrapping addition. Minimal input: pi = &1,
// big = MaxInt64: `pi + big < 0` fires (1 + MaxInt64 = MinInt64), and so
// does `pj * big < 0` with pj = &2 (= -2), with no error, in both backends
// and in Explain; `output n pi + big` hands over -9223372036854775808.
// (With a *Pence, `pp + 1` fails with ErrOverflow as it should.)
func TestAdversary17_PointerToIntArithmeticWraps(t *testing.T) {
	env := a17Env0()
	for _, w := range []string{"pi + big < 0", "pj * big < 0", "big + pi < 0"} {
		for i, r := range a17Both(t, a17When(w), env) {
			if !errors.Is(r.err, ErrOverflow) {
				t.Errorf("%s: %s with pi = &1, pj = &2, big = MaxInt64: %v; want ErrOverflow (the int result wrapped)",
					[2]string{"closures", "expr"}[i], w, r)
			}
		}
	}
	for i, r := range a17Both(t, "rule r {\n  type \"t\"\n  when i > 0\n  output n pi + big\n}\n", env) {
		if !errors.Is(r.err, ErrOverflow) {
			t.Errorf("%s: output n pi + big with pi = &1, big = MaxInt64: %v; want ErrOverflow",
				[2]string{"closures", "expr"}[i], r)
		}
	}
}

// TestAdversary17_ListOfPointersToIntFailsAtRunTime: doc.go, Numbers: "a
// pointer to any of these as the number it points to ..., and a list of
// them element by element (`0.9 in ratios`, `sum(amounts)`...)", and Errors:
// "Types are checked at compile time". sum, max and mean of a []*Pence
// work (mapList reads each element), but of a []*int or a []*float64
// (numberKind of *int is 0, so the list is not mapped) they compile and
// then fail on every evaluation, whatever the data: sum(pis) with pis =
// [&1, &2] fails with "invalid operation: *int + int", max(pis) with
// "invalid argument for max (type *int)", sum(pfs) with "invalid
// operation: *float64 + int". Either the sum (3, 2, 0.5) or a compile
// error is right; a run-time type error on every client is not.
func TestAdversary17_ListOfPointersToIntFailsAtRunTime(t *testing.T) {
	env := a17Env0()
	// Control: the same over a list of pointers to a named int.
	for _, r := range a17Both(t, a17When("sum(pps) == 3 && max(pps) == 2"), env) {
		if r.err != nil || len(r.hits) != 1 {
			t.Fatalf("control: sum(pps) == 3 && max(pps) == 2: %v; want it to fire", r)
		}
	}
	for _, w := range []string{"sum(pis) == 3", "max(pis) == 2", "mean(pis) == 1.5", "sum(pfs) == 0.5"} {
		for i, r := range a17Both(t, a17When(w), env) {
			if r.compileErr == nil && (r.err != nil || len(r.hits) != 1) {
				t.Errorf("%s: %s with pis = [&1, &2], pfs = [&0.5]: compiled, then %v; want it to fire (or a compile error)",
					[2]string{"closures", "expr"}[i], w, r)
			}
		}
	}
}

// TestAdversary17_PointerToIntTitleSaysSet: doc.go, Numbers: a pointer to
// a number is read "as the number it points to", and a number
// interpolated is written as a number. A title "{pi}" with pi = &1 reads
// "set" (formatValue's word for a non-nil pointer), where "{pp}" with a
// *Pence reads "1"; likewise "{pf}" with a *float64 reads "set".
func TestAdversary17_PointerToIntTitleSaysSet(t *testing.T) {
	env := a17Env0()
	for _, c := range []struct{ title, want string }{{"{pp}", "2"}, {"{pi}", "1"}, {"{pf}", "0.5"}} {
		p := a17Pence(2)
		env.PP = &p
		for i, r := range a17Both(t, "rule r {\n  type \"t\"\n  when i > 0\n  title \""+c.title+"\"\n}\n", env) {
			if r.err != nil || len(r.hits) != 1 || r.hits[0].Title != c.want {
				got := ""
				if len(r.hits) == 1 {
					got = r.hits[0].Title
				}
				t.Errorf("%s: title %s: %q (%v); want %q", [2]string{"closures", "expr"}[i], c.title, got, r, c.want)
			}
		}
	}
}

// TestAdversary17_HugeRangeAfterSmallOneIsNotALimit: doc.go, Numbers: "a
// range a..b is sized exactly (a huge one is over the memory budget,
// never empty)", and Untrusted rules: a rule over a limit fails with
// ErrLimit, naming the limit. governor.charge and steps_ test
// g.mem+units > g.maxMem and g.steps+n > g.maxSteps, which wrap when
// makeRange charges a size near MaxInt64 after anything was charged: the
// check passes, and make([]int, size) panics inside the VM. Minimal
// input: `len(1..2) > 0 && len(0..big) > 0` with big = MaxInt64 fails
// with "runtime error: makeslice: len out of range" (KindEval), in both
// backends; alone, `len(0..big) > 0` is ErrLimit as promised.
func TestAdversary17_HugeRangeAfterSmallOneIsNotALimit(t *testing.T) {
	env := a17Env0()
	for _, r := range a17Both(t, a17When("len(0..big) > 0"), env) {
		if !errors.Is(r.err, ErrLimit) {
			t.Fatalf("control: len(0..big) > 0: %v; want ErrLimit", r)
		}
	}
	for _, w := range []string{"len(1..2) > 0 && len(0..big) > 0", "note + \"x\" != \"\" && len(1..1) == 1 && len(-big..big) > 0"} {
		for i, r := range a17Both(t, a17When(w), env) {
			if !errors.Is(r.err, ErrLimit) {
				t.Errorf("%s: %s with big = MaxInt64: %v; want ErrLimit (the range is over the budget)",
					[2]string{"closures", "expr"}[i], w, r)
			}
		}
	}
}

// TestAdversary17_HugeRangeLiftsTheBudget: doc.go, Untrusted rules:
// "nothing runs unbounded" — a hit's evidence "is computed under one more
// budget, shared by all its values: a value past it shows as nil", and
// Explain's sub-expressions are "charged to one budget for the whole
// condition". When the charge of a huge range wraps (see
// TestAdversary17_HugeRangeAfterSmallOneIsNotALimit) it leaves the
// governor's counts near MinInt64: the range fails, but every value
// computed after it on the same governor has about 2^63 steps and units
// of memory. Minimal input, with MaxSteps = MemoryBudget = 1000:
//
//	let a = len(1..2) + len(0..big)        (fails: nil)
//	let b = count(1..100, all(1..100, true))  (10,100 steps)
//
// b's evidence is 100 where it is nil without the let a before it; and
// Expr.Explain of `len(1..2) + len(0..big) == count(1..100, all(1..100,
// true))` computes the right operand (100). Any loop or range there
// (1..10^9) would run or allocate without bound.
func TestAdversary17_HugeRangeLiftsTheBudget(t *testing.T) {
	env := a17Env0()
	lim := WithLimits(Limits{MaxSteps: 1000, MemoryBudget: 1000})
	const b = "  let b = count(1..100, all(1..100, true))\n  when i > 0\n}\n"
	evidence := func(r a17Result) any {
		if len(r.hits) != 1 {
			return fmt.Sprintf("no hit (%v)", r)
		}
		for _, e := range r.hits[0].Evidence {
			if e.Name == "b" {
				return e.Value
			}
		}
		return "no evidence b"
	}
	for _, r := range a17Both(t, "rule r {\n  type \"t\"\n"+b, env, lim) {
		if v := evidence(r); v != nil {
			t.Fatalf("control: let b over the step budget alone: evidence %v; want nil", v)
		}
	}
	for i, r := range a17Both(t, "rule r {\n  type \"t\"\n  let a = len(1..2) + len(0..big)\n"+b, env, lim) {
		if v := evidence(r); v != nil {
			t.Errorf("%s: let a = len(1..2) + len(0..big) before let b: b's evidence %v, computed past the step budget of 1000; want nil",
				[2]string{"closures", "expr"}[i], v)
		}
	}
	for _, opts := range [][]Option{{lim}, {lim, exprOnly}} {
		e, err := Compile[a17Env, bool]("len(1..2) + len(0..big) == count(1..100, all(1..100, true))", opts...)
		if err != nil {
			t.Fatal(err)
		}
		x, _ := e.Explain(env, a17Now)
		if x == nil || x.Root == nil || len(x.Root.Children) != 2 {
			t.Fatalf("Explain: no tree: %v", x)
		}
		if right := x.Root.Children[1]; right.Err == "" {
			t.Errorf("Explain of len(1..2) + len(0..big) == count(1..100, all(1..100, true)) with MaxSteps 1000: the right operand was computed (%v) past the budget:\n%s",
				right.Value, x)
		}
	}
}

// TestAdversary17_SumFloatFirstFalseOverflow: doc.go, Numbers: int
// arithmetic "whose result does not fit an int" fails with ErrOverflow;
// arith.go checkedSum: "not an int: sum is a float's, which does not
// wrap". expr's sum adds in order from the int 0, so once a float is met
// the total is a float and no int addition follows; checkedSum adds all
// the ints of the list regardless of where the floats stand. Minimal
// input: `sum([1.5, big, 1]) > 0` with big = MaxInt64 fails with
// ErrOverflow, though expr computes 9.223372036854776e18 without any int
// overflow (and `big + 1.5 + 1 > 0` fires); so does
// `sum(map(xs, # == 1 ? 1.5 : big)) > 0` with xs = [1, 2, 3].
func TestAdversary17_SumFloatFirstFalseOverflow(t *testing.T) {
	env := a17Env0()
	for _, r := range a17Both(t, a17When("1.5 + big + 1 > 0"), env) {
		if r.err != nil || len(r.hits) != 1 {
			t.Fatalf("control: 1.5 + big + 1 > 0: %v; want it to fire", r)
		}
	}
	for _, w := range []string{"sum([1.5, big, 1]) > 0", "sum([f, big, big]) > 0", "sum(map(xs, # == 1 ? 1.5 : big)) > 0"} {
		for i, r := range a17Both(t, a17When(w), env) {
			if r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: %s with big = MaxInt64, f = 1.5: %v; want it to fire (the total is a float from its first element: nothing wraps)",
					[2]string{"closures", "expr"}[i], w, r)
			}
		}
	}
}

// TestAdversary17_CollectSumUrgencyNaN: doc.go, Rule files: hits carry an
// "urgency and sensitivity in [0,1]", and NaN and nil: "A number an
// expression yields (an urgency, ...) must not be NaN: it fails with
// ErrNaN". A collect table's aggregator adds the rows' values
// (aggregateValues checks each for NaN, not the total) and fireAggregate
// checks the total with agg < 0 || agg > 1, which NaN passes. Minimal
// input: `table r hit collect sum urgency` with rows urgency f * 1e308 * 2
// (+Inf) and -f * 1e308 * 2 (-Inf), f = 1.5: a hit with Urgency NaN, no
// error; with `collect sum n`, Outputs["n"] is NaN.
func TestAdversary17_CollectSumUrgencyNaN(t *testing.T) {
	env := a17Env0()
	for _, out := range []string{"urgency", "n"} {
		set := map[string]string{"urgency": "urgency", "n": "output n"}[out]
		body := "table r hit collect sum " + out + " {\n  type \"t\"\n  in i\n  row > 0 => " + set + " f * 1e308 * 2\n  row > 0 => " + set + " -f * 1e308 * 2\n}\n"
		for i, r := range a17Both(t, body, env) {
			nan := false
			for _, h := range r.hits {
				if v, ok := h.Outputs["n"].(float64); math.IsNaN(h.Urgency) || ok && math.IsNaN(v) {
					nan = true
				}
			}
			if nan || r.err == nil {
				t.Errorf("%s: collect sum %s of +Inf and -Inf: %v; want an error (ErrNaN), not a NaN %s",
					[2]string{"closures", "expr"}[i], out, r, out)
			}
		}
	}
}

// A range whose ends are known only at run time reads them as numbers are
// read everywhere: an int8 in a map of any is an int (it failed on every
// evaluation, "a range takes ints, not int8"); a float still fails.
func TestAdversary17Review_RangeOfDynamicNamedInt(t *testing.T) {
	type env struct {
		M map[string]any `expr:"m"`
	}
	rs, err := CompileRules[env]([]byte("ruleset r17 version 1\nrule r {\n  type \"t\"\n  when len(m.a..m.b) == 3\n}\n"))
	if err != nil {
		t.Fatal(err)
	}
	hits, err := rs.Eval(env{M: map[string]any{"a": int8(1), "b": uint16(3)}}, a17Now)
	if err != nil || len(hits) != 1 {
		t.Errorf("int8(1)..uint16(3): hits %v, err %v; want the rule to fire", hits, err)
	}
	if _, err := rs.Eval(env{M: map[string]any{"a": 1.5, "b": 3}}, a17Now); err == nil {
		t.Errorf("1.5..3: no error; a range takes ints")
	}
}
