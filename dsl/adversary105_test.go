package dsl

// The hundred-and-fifth adversary's suite, aimed at 76a263e..6295982:
// named strings and bools read as plain (numbers.go numberKind, wrapDynamic),
// host function and method arguments (functions.go convertValue; method
// arguments not wrapped), AddDate/Sub checks (date_step.go), optional
// method chains rewritten at the chain root (optional_method.go), reserved
// names for lets. Failing probes first, then passing probes kept as
// regression tests.

import (
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
)

type a105Tier string
type a105Flag bool
type a105Pence int64
type a105Count int

// a105Label is a named string whose methods the host lets rules call.
type a105Label string

func (l a105Label) Is(t a105Tier) bool          { return string(l) == string(t) }
func (l a105Label) IsP(t *a105Tier) bool        { return t != nil && string(l) == string(*t) }
func (l a105Label) Rep(n a105Count) string      { return strings.Repeat(string(l), int(n)) }
func (l a105Label) Cost(p a105Pence) float64    { return float64(p) * 2 }
func (l a105Label) CostP(p *a105Pence) float64  { return float64(*p) * 2 }
func (f a105Flag) Not() bool                    { return !bool(f) }
func (l a105Label) Upper() string               { return strings.ToUpper(string(l)) }
func (l a105Label) Times(n a105Count) a105Count { return n * 2 }

type a105Acct struct {
	At    time.Time  `expr:"at"`
	PAt   *time.Time `expr:"pat"`
	Tier  a105Tier   `expr:"tier"`
	PT    *a105Tier  `expr:"pt"`
	Flag  a105Flag   `expr:"flag"`
	Label a105Label  `expr:"label"`
}

type a105Rec struct {
	N   int        `expr:"n"`
	Pad [127]int64 `expr:"pad"`
}

type a105Env struct {
	Tier     a105Tier       `expr:"tier"`
	PT       *a105Tier      `expr:"pt"`
	NilT     *a105Tier      `expr:"nilt"`
	Tiers    []a105Tier     `expr:"tiers"`
	Flag     a105Flag       `expr:"flag"`
	Pence    a105Pence      `expr:"pence"`
	PP       *a105Pence     `expr:"pp"`
	Pences   []a105Pence    `expr:"pences"`
	Count    a105Count      `expr:"count"`
	Label    a105Label      `expr:"label"`
	PLabel   *a105Label     `expr:"plabel"`
	NilLabel *a105Label     `expr:"nillabel"`
	Labels   []a105Label    `expr:"labels"`
	Acct     *a105Acct      `expr:"acct"`
	NoAcct   *a105Acct      `expr:"noacct"`
	Accts    []*a105Acct    `expr:"accts"`
	M        map[string]any `expr:"m"`
	At       time.Time      `expr:"at"`
	Zero     time.Time      `expr:"zero"`
	PAt      *time.Time     `expr:"pat"`
	NilAt    *time.Time     `expr:"nilat"`
	Ts       []time.Time    `expr:"ts"`
	D        time.Duration  `expr:"d"`
	Big      time.Duration  `expr:"big"`
	MinD     time.Duration  `expr:"mind"`
	I        int            `expr:"i"`
	F        float64        `expr:"f"`
	Recs     []a105Rec      `expr:"recs"`
}

func a105Env0() a105Env {
	g := a105Tier("gold")
	p := a105Pence(10)
	l := a105Label("gold")
	at := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	return a105Env{
		Tier: g, PT: &g, Tiers: []a105Tier{"gold", "bronze"}, Flag: true, Pence: 10, PP: &p, Pences: []a105Pence{1, 2},
		Count: 2, Label: l, PLabel: &l, Labels: []a105Label{"gold"},
		Acct:  &a105Acct{At: at, PAt: &at, Tier: "gold", PT: &g, Flag: true, Label: "gold"},
		Accts: []*a105Acct{nil, {At: at, PAt: &at, Tier: "gold", Label: "gold"}},
		M: map[string]any{"t": g, "s": "gold", "n": 2, "big": 300, "f": 2.5, "pt": &g, "c": a105Count(2),
			"fl": a105Flag(true), "neg": -1},
		At: at, PAt: &at, Ts: []time.Time{at}, D: time.Hour,
		Big: time.Duration(1<<63 - 1), MinD: time.Duration(-1 << 63), I: 3, F: 1.5,
	}
}

var a105Methods = []Option{
	WithMethods[a105Label]("Is", "IsP", "Rep", "Cost", "CostP", "Upper", "Times"),
	WithMethods[a105Flag]("Not"),
}

// a105Decides wants each condition either refused at compile time or
// decided with one hit and no error, by both backends, Explain agreeing
// (a93Check): never a rule that compiles and fails every evaluation.
func a105Decides(t *testing.T, whens []string, why string, opts ...Option) {
	t.Helper()
	for _, w := range whens {
		for i, r := range a93Check(t, a22When(w), a105Env0(), opts...) {
			if r.compileErr != nil {
				continue // refused at compile time: as good
			}
			if r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: %s\n  got %s\n  want one hit (or a compile-time error): %s", a22Names[i], w, r, why)
			}
		}
	}
}

// a105NeverDecides wants each condition refused at compile time or failed
// at run time, by both backends: each fires only on a wrong value.
func a105NeverDecides(t *testing.T, whens []string, why string, opts ...Option) {
	t.Helper()
	for _, w := range whens {
		for i, r := range a93Check(t, a22When(w), a105Env0(), opts...) {
			if r.compileErr == nil && r.err == nil {
				t.Errorf("%s: %s\n  got %s, no error\n  want an error (compile or evaluation): %s", a22Names[i], w, r, why)
			}
		}
	}
}

// Contract (doc.go, Numbers and Errors): a host's named string or bool is
// read as a string or bool, "a method the host lets rules call is still
// called on the value itself"; types are checked at compile time — never
// a rule that compiles and then fails on every evaluation; "a method called
// through one, p?.Year(), is nil where p is".
//
// Broken: a registered method of a named string (bool) called on a value
// that went through a let, a list literal, or an optional chain compiles
// and fails every evaluation where the receiver is set, with "reflect:
// Method index out of range": `plabel?.Is(tier)` (plabel a *Label, set),
// `acct?.label?.Is(tier)`, `acct?.flag?.Not() == false`, `(let l = label;
// l.Is(tier))`, `[label][0].Is(tier)`, `plabel?.Upper() == "GOLD"`, while
// `label.Is(tier)`, `plabel.Is(tier)` and `acct?.label.Is(tier)` decide.
//
// Mechanism (guess): optional_method.go optionalChainMethod writes the
// receiver into `let __opt1 = <receiver>`; the let's value (like any let
// or array element) is not a receiver to numbers.go's wrapNumbers, which
// reads the named string as a plain one ('s', or a *Label as *string
// 'q'); the checker typed the method call on the host type (its method
// index), and the VM then looks that index up on a plain string.
func TestAdversary105_MethodOfNamedValueThroughLetOrOptionalChain(t *testing.T) {
	a105Decides(t, []string{
		`label.Is(tier) && plabel.Is(tier) && acct?.label.Is(tier)`, // control: decides today
		`plabel?.Is(tier)`,
		`plabel?.Upper() == "GOLD"`,
		`acct?.label?.Is(tier)`,
		`acct?.flag?.Not() == false`,
		`(let l = label; l.Is(tier))`,
		`[label][0].Is(tier)`,
		`all(accts, #?.label?.Is(tier) ?? true)`,
	}, "the receiver is a set Label (Flag) whose method the host registered", a105Methods...)
}

// Contract (doc.go, Numbers; commit dc91a45: "converted back for host
// functions and methods that take the named type"): a host's named number
// is read as a number; never a rule that compiles and fails on every
// evaluation.
//
// Broken: a registered method whose parameter is a pointer to a named
// string, or a named integer where the method also gives a named integer,
// given the host's own field of exactly that type, compiles and fails
// every evaluation: `label.IsP(pt)` (IsP(*Tier) bool, pt a set *Tier) with
// "reflect: Call using string as type *dsl.a105Tier"; `!label.IsP(nilt)`
// (a plain nil *Tier, which IsP takes) with "the optional chain is nil,
// and a nil decides nothing" (there is no optional chain); and
// `label.Times(count) == 4` (Times(Count) Count) with "reflect: Call using
// int as type dsl.a105Count". `label.Rep(count)` (Rep(Count) string),
// `label.Cost(pence)` (Cost(Pence) float64) and `label.CostP(pp)` decide.
//
// Mechanism (guess): numbers.go wrapNumbers' CallNode case exempts a
// method's arguments only when it meets the method call itself; a method
// whose result is a named number is first wrapped in __num (the result
// read as an int), and the walk over that wrapper reads the arguments as
// plain values (count → int); a pointer to a named string is 'q' (read as
// *string, then dereferenced/nil-checked as a text operand) — expr then
// passes the plain value to reflect.Call, which needs the parameter's own
// type (convertValue's conversion back applies to host functions only).
func TestAdversary105_MethodArgumentsOfNamedNumbersAndPointers(t *testing.T) {
	a105Decides(t, []string{
		`label.Is(tier) && label.Rep(count) == "goldgold" && label.Cost(pence) > 10 && label.CostP(pp) > 10`, // control
		`label.IsP(pt)`,
		`!label.IsP(nilt)`,
		`label.Times(count) == 4`,
	}, "the argument is the host's field of the parameter's own type", a105Methods...)
}

// Contract (doc.go, Errors and Numbers): "Types are checked at compile
// time" — never a rule that compiles and fails on every evaluation; a
// time's Sub is checked (dc91a45), durations keep their type and their
// arithmetic is checked; Abs is on the allow-list of time.Duration.
//
// Broken: Abs() of a checked Sub or of checked duration arithmetic fails
// every evaluation with expr's "stack underflow": `at.Sub(pat).Abs() >=
// d - d`, `(pat?.Sub(at) ?? d).Abs()` is fine but `(pat?.Sub(at)).Abs()
// >= d - d` fails, and `(d + d).Abs() > d`; `d.Abs() == d`, `(d +
// d).Hours() == 2`, `(let x = d + d; x.Abs()) > d` decide. |a - b| is what
// a rule about "within 30 days either side" writes.
//
// Mechanism (guess): instrument.go wraps Sub's call in __sub (date_step.go
// boundTimeCall) and d + d in __dur; the receiver of .Abs() becomes a call
// of an internal function, and the member is compiled by expr as a field
// fetch (OpFetch, a bound method value) followed by OpCallTyped of the
// unbound method type func(time.Duration) time.Duration, which pops a
// receiver that was never pushed (checker.MethodIndex does not see the
// member as a method once its receiver is the internal call).
func TestAdversary105_AbsOfCheckedDurationFailsEveryEvaluation(t *testing.T) {
	a105Decides(t, []string{
		`d.Abs() == d && (d + d).Hours() == 2 && (let x = d + d; x.Abs()) > d`, // control: decides today
		`at.Sub(pat).Abs() >= d - d`,
		`at.Sub(at.AddDate(0, 0, 40)).Abs() > d`,
		`(pat?.Sub(at)).Abs() >= d - d`,
		`(d + d).Abs() > d`,
		`(d * -1).Abs() == d`,
	}, "|a - b| of two set times (durations) is a duration")
}

// Contract (doc.go, Numbers): "Nothing wraps around"; a value of the
// wrong kind never silently decides; the same value behind an any reads
// as it does where its type is known (half(f), a float64 for an int
// parameter, is refused at compile time).
//
// Broken: a host function's integer parameter takes any number by a plain
// Go conversion: with n8 func(uint8) int, `n8(i * 100) == 44` fires (i = 3:
// 300 wrapped to 44), `n8(m.big) == 44` (300 behind an any), `n8(m.neg) ==
// 255` (-1); with un func(uint) int, `un(m.neg) == -1`; with half
// func(int) int, `half(m.f) == 1` (2.5 truncated to 2, where `half(f)` is
// a compile error). No error, both backends.
//
// Mechanism (guess): functions.go convertValue: `isNumberKind(rv.Kind())
// && isNumberKind(t.Kind())` → rv.Convert(t) with no range or
// integrality check (reflect's Convert wraps and truncates).
func TestAdversary105_HostFunctionArgumentsWrapAndTruncate(t *testing.T) {
	opts := []Option{
		WithFunc1("n8", func(n uint8) int { return int(n) }),
		WithFunc1("un", func(n uint) int { return int(n) }),
		WithFunc1("half", func(n int) int { return n / 2 }),
	}
	// Control: a value that fits decides.
	for i, r := range a93Check(t, a22When(`n8(i) == 3 && un(i) == 3`), a105Env0(), opts...) {
		if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
			t.Errorf("%s: control n8(i) == 3: %s; want one hit", a22Names[i], r)
		}
	}
	a105NeverDecides(t, []string{
		`n8(i * 100) == 44`,
		`n8(m.big) == 44`,
		`n8(m.neg) == 255`,
		`un(m.neg) == -1`,
		`half(m.f) == 1`,
	}, "the argument does not fit the parameter (300 or -1 for a uint8, 2.5 for an int): ErrOverflow or a type error, never the wrapped value", opts...)
}

// Contract (doc.go, NaN and nil): nil never silently decides; "An
// expression whose result is nil where its type cannot hold one (a
// string, a number, a bool) fails rather than give that type's zero
// value"; "A missing map key reads as the map's zero value ... (nil for
// map[string]any); test presence with "k" in m".
//
// Broken: a missing key (nil) as the right operand of && or || is the
// whole condition's value, and the condition decides false silently:
// `i > 0 && m.missing`, `flag && m.missing`, `true and m.missing` and
// `false || m.missing` give 0 hits and no error, both backends and
// Explain; `m.missing` alone is refused at compile time, `!(true &&
// m.missing)` and `m.missing && true` fail with "interface {} is nil, not
// bool", and `(true && m.missing) == nil` fires — the && yields nil.
//
// Mechanism (guess): numbers.go wrapDynamic wraps the right operand of
// && / || in __num, which passes nil through; expr's && leaves its right
// operand on the stack unchecked, and the condition's nil result is read
// as false (not fired) by the evaluator rather than failing (instrument.go
// applies the nil rule only to optional chains, not to an any that is nil).
func TestAdversary105_NilRightOperandOfAndOrDecidesCondition(t *testing.T) {
	a105NeverDecides(t, []string{
		`!(true && m.missing)`, // control: fails today
		`i > 0 && m.missing`,
		`flag && m.missing`,
		`true and m.missing`,
		`false || m.missing`,
	}, "m.missing is nil: a condition of nil decides nothing")
}

// Contract (doc.go, Numbers): "Nothing wraps around"; a time's Sub "fails
// ... where the times are more than a duration's 292 years apart (Go
// would give the largest duration, whatever the difference)" — a
// saturated duration is not the value; int arithmetic whose result does
// not fit fails with ErrOverflow.
//
// Broken: time.Duration's Round and Abs (on the allow-list) saturate as
// Sub did: with big the largest duration (2562047h47m16.854775807s),
// `big.Round(duration("1h")) == big` fires (the nearest hour,
// 2562048h, does not fit; Go gives big itself, not a multiple of an
// hour), and with mind the smallest, `mind.Abs() == big` fires (|mind| is
// one more than big). No error, both backends.
//
// Mechanism (guess): date_step.go checks only Sub's result (timeSub); the
// other saturating methods of time.Duration pass through unchecked.
func TestAdversary105_DurationRoundAndAbsSaturate(t *testing.T) {
	a105NeverDecides(t, []string{
		`big.Round(duration("1h")) == big`,
		`mind.Abs() == big`,
	}, "the exact result does not fit a duration: ErrOverflow, never the saturated bound")
}

// Contract (doc.go, Untrusted rules): "Names starting with __ or $ are
// reserved" (5e12f93: "lets named __x or $x, in an expression or a rule
// file, are refused as reserved (they compiled, and could meet the
// library's own __opt1)").
//
// Broken: once an expression calls a method through an optional chain,
// the library's own let name is allowed to the rule too: `pat?.Year() ==
// (let __opt1 = 2026; __opt1)` compiles and fires (alone, `(let __opt1 =
// 2026; __opt1) == 2026` is refused), and `pat?.AddDate(0, 0,
// __opt1.Day()).Year() == 2026` compiles and reads the library's internal
// receiver. A rule file's `const __now = 5` compiles too (any read of it
// is refused as reserved).
//
// Mechanism (guess): rewrite.go walk's VariableDeclaratorNode case skips
// the reserved check for any name in r.own, which holds the names the
// rewriter wrote, not the nodes; identifier() accepts any in-scope name
// before the reserved check, so a user read inside the library's let
// resolves to it; ruleset_compile.go checks reservedName for lets, not for
// constants.
func TestAdversary105_ReservedNamesBesideOptionalMethod(t *testing.T) {
	for i, r := range a93Check(t, a22When(`(let __opt1 = 2026; __opt1) == 2026`), a105Env0()) {
		if r.compileErr == nil {
			t.Errorf("%s: control: a let named __opt1 compiled: %s", a22Names[i], r)
		}
	}
	for _, body := range []string{
		a22When(`pat?.Year() == (let __opt1 = 2026; __opt1)`),
		a22When(`pat?.AddDate(0, 0, __opt1.Day()).Year() == 2026`),
		"const __now = 5\n" + a22When(`i > 0`),
	} {
		for i, r := range a93Check(t, body, a105Env0()) {
			if r.compileErr == nil {
				t.Errorf("%s: %s\n  compiled: %s; want a compile error (the name is reserved)", a22Names[i], strings.TrimSpace(body), r)
			} else if !errors.Is(r.compileErr, ErrUnknownName) && !errors.Is(r.compileErr, ErrType) && !errors.Is(r.compileErr, ErrSyntax) {
				t.Errorf("%s: %s: refused, but untyped: %v", a22Names[i], strings.TrimSpace(body), r.compileErr)
			}
		}
	}
}

// Passing probe. Contract (doc.go, NaN and nil; Numbers): an optional
// chain's nil, through a method called on it and the rest of the chain,
// decides only through ?? or == nil; Sub and AddDate are checked through
// pointers, chains and lets; Explain agrees with Eval.
func TestAdversary105_OptionalChainsOfTimeMethods(t *testing.T) {
	a105Decides(t, []string{
		`acct?.pat?.AddDate(0, 1, 0).Year() == 2026`,
		`(noacct?.pat?.AddDate(0, 1, 0).Year() ?? 0) == 0`,
		`(noacct?.at.Sub(at) ?? d) == d`,
		`let y = noacct?.at.AddDate(0, 0, 1); y == nil`,
		`(nilat?.Sub(at).Hours() ?? 1) == 1`,
		`nilat?.Sub(zero) == nil`,
		`(accts[0]?.pat?.Sub(at) ?? d) == d`,
		`pat?.Format("2006")[0:2] == "20"`,
		`nillabel?.Is(tier) ?? true`,
	}, "the chain is nil or set as the data says", a105Methods...)
	for _, w := range []string{`pat?.Sub(zero) != nil`, `acct?.pat?.Sub(zero) > d`, `(let p = pat; p.Sub(zero)) > d`,
		`map(ts, #.Sub(zero))[0] > d`, `accts[1]?.pat?.Sub(zero) > d`} {
		for i, r := range a93Check(t, a22When(w), a105Env0()) {
			if r.compileErr != nil || !errors.Is(r.err, ErrOverflow) {
				t.Errorf("%s: %s: %s; want ErrOverflow (2026 years apart)", a22Names[i], w, r)
			}
		}
	}
	for _, w := range []string{`accts[0]?.pat?.Sub(at) > d`, `nillabel?.Is(tier)`} {
		for i, r := range a93Check(t, a22When(w), a105Env0(), a105Methods...) {
			if r.compileErr != nil || !errors.Is(r.err, ErrEval) {
				t.Errorf("%s: %s: %s; want ErrEval (a nil chain decides nothing)", a22Names[i], w, r)
			}
		}
	}
}

// Passing probe. Contract (doc.go, Numbers): "A host function that takes
// a pointer to a number gets the pointer"; named strings are converted
// back for host functions that take the named type, behind an any too;
// an optional chain's nil given as a string fails.
func TestAdversary105_HostFunctionsTakeNamedTypes(t *testing.T) {
	opts := []Option{
		WithFunc1("isGoldP", func(p *a105Tier) bool { return p != nil && *p == "gold" }),
		WithFunc1("cents", func(p *a105Pence) int { return int(*p) }),
		WithFunc1("nt", func(ts []a105Tier) int { return len(ts) }),
		WithFunc1("np", func(ps []a105Pence) int { return len(ps) }),
		WithFunc1("isGold", func(t a105Tier) bool { return t == "gold" }),
		WithFunc1("isEmpty", func(t a105Tier) bool { return t == "" }),
		WithFunc1("isOff", func(f a105Flag) bool { return !bool(f) }),
	}
	a105Decides(t, []string{
		`isGoldP(pt) && !isGoldP(nilt) && isGoldP(acct?.pt) && isGoldP(m.pt) && !isGoldP(noacct?.pt)`,
		`cents(pp) == 10 && nt(tiers) == 2 && np(pences) == 2`,
		`isGold(m.t) && isGold(m.s) && isGold(acct?.tier) && isGold(tiers[0])`,
	}, "the host function gets its own type", opts...)
	for _, w := range []string{`isEmpty(noacct?.tier)`, `isOff(noacct?.flag)`} {
		for i, r := range a93Check(t, a22When(w), a105Env0(), opts...) {
			if r.compileErr == nil && !errors.Is(r.err, ErrEval) {
				t.Errorf("%s: %s: %s; want ErrEval (a nil chain given as a string or bool)", a22Names[i], w, r)
			}
		}
	}
}

// Passing probe. Contract (doc.go, Untrusted rules): the memory a rule
// builds (arrays, maps) is charged to MemoryBudget, an element as large as
// its copy: maps built per element holding 1 KB records.
func TestAdversary105_MapLiteralsOfLargeElementsCharged(t *testing.T) {
	env := a105Env0()
	env.Recs = make([]a105Rec, 1000)
	const budget = 10_000
	lim := WithLimits(Limits{MemoryBudget: budget, MaxSteps: 2_000_000})
	for _, w := range []string{
		`len(map(recs, ({"r": #}))) > 0`,
		`len(map(1..1000, ({"r": recs[0]}))) > 0`,
		`len(groupBy(map(recs, ({"r": #})), #.r.n)) > 0`,
		`len(flatten(map(recs, [#]))) > 0`,
		`len(filter(recs, true)) > 0`,
	} {
		for i, o := range [][]Option{{lim}, {lim, exprOnly}} {
			rs, err := CompileRules[a105Env]([]byte("ruleset a105 version 1\n"+a22When(w)), o...)
			if err != nil {
				t.Fatalf("%s: %s: %v", a22Names[i], w, err)
			}
			var m0, m1 runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&m0)
			_, err = rs.Eval(env, a22Now)
			runtime.ReadMemStats(&m1)
			if alloc := m1.TotalAlloc - m0.TotalAlloc; err == nil {
				t.Errorf("%s: %s over 1,000 records of ~1 KB, MemoryBudget %d units: no error, %d KB allocated; want ErrLimit",
					a22Names[i], w, budget, alloc/1024)
			} else if !errors.Is(err, ErrLimit) {
				t.Errorf("%s: %s: %v; want ErrLimit", a22Names[i], w, err)
			}
		}
	}
}
