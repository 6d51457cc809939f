package dsl

// The ninety-fifth adversary's suite: nil-chain elements of a list read
// through # in a predicate (all, any, none, one, filter, findIndex,
// groupBy), and the mean or median of durations, a float64, used with a
// duration other than by a direct comparison.

import (
	"errors"
	"testing"
)

// Contract (doc.go, NaN and nil): "A comparison or string operator that
// sees nil from an optional chain ..., directly or through a conditional,
// ??, a list, a call, a let of the expression's own ... or the values a
// map or reduce makes (`"q" in map(items, #?.name)`), fails with
// [ErrEval]"; "such a nil (or a decision's nil output) where it would
// otherwise decide as false or turn into a zero value: ... an argument a
// function takes as a string (`upper(p?.name)`)"; "sortBy and groupBy on
// a NaN or nil-chain key" fail.
//
// Broken: the same nil reaching the comparison through # of a predicate
// decides. With pitems = [nil, {name "y", tags ["a"]}],
// `none(map(pitems, #?.name), # == "q")`, `all(map(pitems, #?.name), # !=
// "q")`, `findIndex(map(pitems, #?.name), # == "q") == -1`,
// `none(map(pitems, #?.name), upper(#) == "Q")`, `none(map(pitems,
// #?.tags), "z" in #)`, `none([p?.name, "y"], # == "q")` with p nil, and
// `"q" not in groupBy(map(pitems, #?.name), #)` all fire (where `"q" not
// in map(pitems, #?.name)` and `count(map(pitems, #?.name), # == "q") == 0`
// fail with ErrEval). So does `none([dec.w], # == 2026)` where decision
// dec says a nil w, and `none(map(ss, dec.x), # == "q")` where dec did not
// fire.
//
// Mechanism: instrument.go, walk's BuiltinNode case: the predicate's
// operand is a PointerNode (#), which carries() never reports (a
// PredicateNode is "its own scope"), so guardOperand/guardChain add no
// __some/__decided inside the predicate; and the list a predicate
// built-in walks is only guardChain'ed as a whole (nil list), never walked
// with walkNil: guardBuiltin applies walkNil only to listBuiltins (count,
// sum, max, ...), which do not include all/any/none/one/filter/find/
// findIndex/findLastIndex/groupBy.
func TestAdversary95PredicateOverNilChainElementsDecides(t *testing.T) {
	env := a93Env0() // p nil, pitems = [nil, {name "y", tags ["a"]}]
	for _, w := range []string{
		`none(map(pitems, #?.name), # == "q")`,
		`all(map(pitems, #?.name), # != "q")`,
		`!any(map(pitems, #?.name), # == "q")`,
		`one(map(pitems, #?.name), # == "y")`,
		`findIndex(map(pitems, #?.name), # == "q") == -1`,
		`len(filter(map(pitems, #?.name), # != "q")) == 2`,
		`none(map(pitems, #?.name), upper(#) == "Q")`,
		`none(map(pitems, #?.name), # startsWith "q")`,
		`none(map(pitems, #?.tags), "z" in #)`,
		`none([p?.name, "y"], # == "q")`,
		`(let x = map(pitems, #?.name); none(x, # == "q"))`,
		`"q" not in groupBy(map(pitems, #?.name), #)`,
	} {
		for i, r := range a93Check(t, a22When(w), env) {
			if r.compileErr != nil || len(r.hits) != 0 || !errors.Is(r.err, ErrEval) {
				t.Errorf("%s: %s with pitems[0] (or p) nil: %v; want no hit and an ErrEval (the predicate's # is a nil-chain element, which decides nothing)", a22Names[i], w, r)
			}
		}
	}
	for _, body := range []string{
		"rule dec {\n  type \"d\"\n  emit false\n  when pat == nil\n  output w pat?.Year()\n}\nrule c {\n  type \"c\"\n  when none([dec.w], # == 2026)\n}\n",
		"rule dec {\n  type \"d\"\n  emit false\n  when i > 100\n  output x \"q\"\n}\nrule c {\n  type \"c\"\n  when none(map(ss, dec.x), # == \"q\")\n}\n",
	} {
		for i, r := range a93Check(t, body, env) {
			if r.compileErr != nil || len(r.hits) != 0 || !errors.Is(r.err, ErrEval) {
				t.Errorf("%s: rule c over a decision's nil output through #: %v; want no hit and an ErrEval\n%s", a22Names[i], r, body)
			}
		}
	}
}

// Contract (doc.go, Numbers): "mean and median read a list of durations as
// their nanoseconds, a float64, so comparing one with a duration is a
// compile error"; a test that fails whatever the data is a compile error
// ([ErrType]), not a failure of every evaluation; NaN and nil aside,
// nothing decides silently on a type mismatch.
//
// Broken: only a direct comparison (mean(ds) > d, mean(ds) == d) is
// refused. With ds = [1h, 2h] and d = 90m (so the mean is d),
// `mean(ds) in [d]` is false and `mean(ds) not in [d]` fires (the float64
// 5.4e12 equals no time.Duration in expr's equality): a silent wrong
// decision. And `mean(ds) + d > d`, `d + mean(ds) > d`, `abs(mean(ds)) >
// d`, `mean(ds) * 2 > d`, `max(mean(ds), d) > d`, `(mean(ds) ?? d) > d`,
// `(let z = mean(ds); z > d)`, `median(ds) - d < d`, `mean(ds) > pd`
// compile and fail every evaluation ("invalid operation: float64 +
// time.Duration", "float64 > time.Duration"), with ds empty too.
//
// Mechanism: instrument.go, floatOnly looks only at a comparison whose
// operand is itself the mean/median BuiltinNode and whose other side
// keepsType (a *time.Duration does not): `in` is handled in its own case
// before isComparison and never calls floatOnly, and a mean reached
// through arithmetic, abs, max, ??, a list or a let is typed by the
// checker as something it accepts beside a duration.
func TestAdversary95MeanOfDurationsUsedAsDuration(t *testing.T) {
	env := a93Env0() // ds = [1h, 2h], d = *pd = 90m
	for _, w := range []string{`mean(ds) in [d]`, `mean(ds) not in [d]`, `median(ds) in [d]`} {
		for i, r := range a93Check(t, a22When(w), env) {
			if r.compileErr != nil {
				if !errors.Is(r.compileErr, ErrType) {
					t.Errorf("%s: %s: refused, but not as a type error: %v", a22Names[i], w, r.compileErr)
				}
				continue
			}
			want := 1
			if w == `mean(ds) not in [d]` {
				want = 0
			}
			if r.err != nil || len(r.hits) != want {
				t.Errorf("%s: %s with mean(ds) = median(ds) = d = 90m: %v; want %d hit(s), or a compile-time type error (as for mean(ds) == d)", a22Names[i], w, r, want)
			}
		}
	}
	empty := env
	empty.Ds = nil
	for _, w := range []string{
		`mean(ds) + d > d`,
		`d + mean(ds) > d`,
		`abs(mean(ds)) > d`,
		`mean(ds) * 2 > d`,
		`max(mean(ds), d) > d`,
		`(mean(ds) ?? d) > d`,
		`(let z = mean(ds); z > d)`,
		`median(ds) - d < d`,
		`mean(ds) > pd`,
	} {
		full := a93Check(t, a22When(w), env)
		none := a93Check(t, a22When(w), empty)
		for i := range full {
			if full[i].compileErr != nil {
				if !errors.Is(full[i].compileErr, ErrType) {
					t.Errorf("%s: %s: refused, but not as a type error: %v", a22Names[i], w, full[i].compileErr)
				}
				continue
			}
			if full[i].err != nil && none[i].err != nil {
				t.Errorf("%s: %s: fails with ds = [1h, 2h] (%v) and with ds empty (%v); want a compile-time type error, not a failure of every evaluation",
					a22Names[i], w, full[i], none[i])
			}
		}
	}
}

// Pins (passing): a rule that could succeed is not refused: means,
// medians, maxima and sums of durations mapped to numbers, duration
// arithmetic through pointers and interfaces, optional method chains
// through lets, and an expression's let of a chain's nil compared with nil
// or given a default.
func TestAdversary95CouldSucceedPin(t *testing.T) {
	env := a93Env0()
	for _, w := range []string{
		`mean(map(ds, #.Hours())) > 1`,
		`median(map(ds, #.Hours())) > 1`,
		`max(map(ds, #.Hours())) > 1`,
		`sum(map(ds, #.Hours())) > 1`,
		`mean(map(ds, #.Hours())) == d.Hours()`,
		`pd * 2.0 > d && pd + pd == duration("3h") && pd * -1 < d && m.d * 2 > d`,
		`(let x = p?.name; x == nil) && (let x = p?.name ?? "z"; x == "z")`,
		`(let x = p?.tags; "a" in (x ?? [])) || (let x = [1]; 1 in x)`,
		`(pdn?.Minutes() ?? 1) == 1 && pat2?.Add(d)?.Before(pat2?.AddDate(0, 0, 1) ?? at) == true`,
	} {
		for i, r := range a93Check(t, a22When(w), env) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: %s: %v; want one hit", a22Names[i], w, r)
			}
		}
	}
}
