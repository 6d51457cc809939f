package dsl

// The hundred-and-third adversary's suite, aimed at 76a263e: a host's
// named strings and bools (type Tier string, type Flag bool) read as plain
// strings and bools; the built-ins reading dynamic arguments by kind; built
// lists charged by the size of their copies; AddDate's bounded steps;
// Explain's formatValue by kind (which titles share). Failing probes first,
// then passing probes kept as regression tests.

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

type a103Tier string
type a103Flag bool

// a103Label is a named string whose methods the host lets rules call
// (WithMethods), and whose String method must never be called by the
// library.
type a103Label string

func (l a103Label) Short() string  { return string(l[:1]) }
func (l a103Label) String() string { panic("a103Label.String called") }

// a103Switch is a named bool whose method the host lets rules call.
type a103Switch bool

func (s a103Switch) Off() bool { return !bool(s) }

type a103Inner struct {
	Tier a103Tier  `expr:"tier"`
	PT   *a103Tier `expr:"pt"`
	Flag a103Flag  `expr:"flag"`
}

type a103Env struct {
	Tier   a103Tier            `expr:"tier"`
	PT     *a103Tier           `expr:"pt"`
	NilT   *a103Tier           `expr:"nilt"`
	Tiers  []a103Tier          `expr:"tiers"`
	PTiers []*a103Tier         `expr:"ptiers"`
	MT     map[a103Tier]int    `expr:"mt"`
	MV     map[string]a103Tier `expr:"mv"`
	Flag   a103Flag            `expr:"flag"`
	PF     *a103Flag           `expr:"pf"`
	NilF   *a103Flag           `expr:"nilf"`
	Flags  []a103Flag          `expr:"flags"`
	Ins    []a103Inner         `expr:"ins"`
	NIn    *a103Inner          `expr:"nin"`
	A      any                 `expr:"a"`
	AF     any                 `expr:"af"`
	M      map[string]any      `expr:"m"`
	Label  a103Label           `expr:"label"`
	Labels []a103Label         `expr:"labels"`
	Switch a103Switch          `expr:"switch"`
	S      string              `expr:"s"`
	PS     *string             `expr:"ps"`
	I      int                 `expr:"i"`
	At     time.Time           `expr:"at"`
	Zero   time.Time           `expr:"zero"`
	D      time.Duration       `expr:"d"`
}

func a103Env0() a103Env {
	g, f := a103Tier("gold"), a103Flag(true)
	s := "gold"
	at := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	return a103Env{
		Tier: "gold", PT: &g, Tiers: []a103Tier{"gold", "bronze"}, PTiers: []*a103Tier{&g, nil},
		MT: map[a103Tier]int{"gold": 1}, MV: map[string]a103Tier{"k": "gold"},
		Flag: true, PF: &f, Flags: []a103Flag{true, false},
		Ins: []a103Inner{{Tier: "gold", PT: &g, Flag: true}, {Tier: "bronze"}},
		A:   g, AF: f,
		M: map[string]any{"t": g, "f": f, "pt": &g, "pf": &f, "ps": &s, "ts": []a103Tier{"gold"}, "fs": []a103Flag{true},
			"s": "gold", "long": a103Tier(strings.Repeat("x", 300))},
		Label: "gold", Labels: []a103Label{"gold"}, Switch: true,
		S: "gold", PS: &s, I: 3, At: at, D: 90 * time.Minute,
	}
}

// a103Decides wants each condition either refused at compile time (as a
// type error) or decided with one hit and no error, by both backends,
// Explain agreeing (a93Check).
func a103Decides(t *testing.T, whens []string, why string, opts ...Option) {
	t.Helper()
	for _, w := range whens {
		for i, r := range a93Check(t, a22When(w), a103Env0(), opts...) {
			if r.compileErr != nil {
				if !errors.Is(r.compileErr, ErrType) && !errors.Is(r.compileErr, ErrSyntax) {
					t.Errorf("%s: %s: refused, but not as a type error: %v", a22Names[i], w, r.compileErr)
				}
				continue
			}
			if r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: %s\n  got %s\n  want one hit (or a compile-time type error): %s", a22Names[i], w, r, why)
			}
		}
	}
}

// Contract (doc.go, Numbers): "A host's named string or bool (type Tier
// string, type Flag bool) is read the same way, as a string or a bool ...
// `"gold" in tiers` ... decide as they read"; "a value of the wrong kind
// never silently decides".
//
// Broken: a list of named strings that a built-in passes through as a
// list of any keeps its elements' host type, and `in` compares them with
// a plain string as unequal: with tiers = [gold, bronze] (type Tier) and
// mt = {gold: 1} (map[Tier]int), `"gold" in uniq(tiers)`, `"gold" in
// reverse(tiers)`, `"gold" in concat(tiers)`, `"gold" in flatten([tiers])`,
// `"gold" in groupBy(tiers, #)["gold"]`, `"gold" in keys(mt)`, `"gold" in
// values(mv)` and `"gold" in m.ts` (an any holding []Tier) are all false,
// with no error, on both backends; and uniq(concat(tiers, ["gold"])) keeps
// both "gold"s (3 elements). `"gold" in tiers` itself is true.
func TestAdversary103_NamedStringsInBuiltListsMissIn(t *testing.T) {
	a103Decides(t, []string{
		`"gold" in tiers`, // control: true today
		`"gold" in uniq(tiers)`,
		`"gold" in reverse(tiers)`,
		`"gold" in concat(tiers)`,
		`"gold" in flatten([tiers])`,
		`"gold" in groupBy(tiers, #)["gold"]`,
		`"gold" in keys(mt)`,
		`"gold" in values(mv)`,
		`"gold" in m.ts`,
		`len(uniq(concat(tiers, ["gold"]))) == 2`,
	}, `the list holds the named string "gold", which is read as the string "gold"`)
}

// Contract (doc.go, NaN and nil): "A nil pointer to a string or a bool
// fails where it would be read as "" or false: a text operator or built-in
// (matches, contains, upper), in, !, && and ||"; nil never decides.
//
// Broken: a nil *Tier (a pointer to a host's named string) is read as a
// nil that the text operators take as no match, silently:
// `!(nilt contains "o")`, `!(nilt startsWith "o")`, `!(nilt matches "o")`,
// `!(nilt in ["x"])`, `!(ptiers[1] contains "x")` and
// `!any(ptiers, # contains "x")` (ptiers[1] nil) all fire, no error, on
// both backends. The same rules over a nil *string (ps) fail with ErrEval
// ("the optional chain is nil, and a nil decides nothing"), and
// upper(nilt) fails.
func TestAdversary103_NilPointerToNamedStringDecidesTextOperators(t *testing.T) {
	env := a103Env0()
	env.PS = nil
	for _, w := range []string{
		`!(ps contains "o")`, // control: fails today, as the contract says
		`!(nilt contains "o")`,
		`!(nilt startsWith "o")`,
		`!(nilt matches "o")`,
		`!(nilt in ["x"])`,
		`!(ptiers[1] contains "x")`,
		`!any(ptiers, # contains "x")`,
	} {
		for i, r := range a93Check(t, a22When(w), env) {
			if r.compileErr == nil && r.err == nil {
				t.Errorf("%s: %s with a nil pointer: %s; want ErrEval (a nil pointer to a string is not \"\", it never decides)", a22Names[i], w, r)
			}
		}
	}
}

// Contract (doc.go, Numbers): a named string or bool "is read the same way
// [as a number of a host's type], as a string or a bool"; "so does
// arithmetic on values known only when the rule runs (an any field, a map
// value ...), which reads them the same way"; a value of the wrong kind
// never silently decides.
//
// Broken: a pointer to a named string or bool behind an any is compared
// as a pointer: with m.pt = &Tier("gold") and m.pf = &Flag(true),
// `m.pt == "gold"` and `m.pf == true` are false (no error) and
// `m.pt != "gold"` is true, where a plain *string there (m.ps) reads as
// its string: `m.ps == "gold"` is true.
func TestAdversary103_PointerToNamedValueBehindAnyComparesUnequal(t *testing.T) {
	a103Decides(t, []string{
		`m.ps == "gold"`, // control: true today
		`m.pt == "gold"`,
		`m.pf == true`,
		`!(m.pt != "gold")`,
	}, `the map's value points to "gold" (or true), read as what it points to, as a *string is`)
}

// Contract (doc.go, Numbers): a named string or bool "is read the same way,
// as a string or a bool" where its type is known only at run time too
// ("upper of a number ... is an error", but upper of a named string is a
// string); "never a rule that compiles and fails on every evaluation"
// where the static type is known (keys(mt) of a map[Tier]int).
//
// Broken: the string operators and expr's own string built-ins, and the
// logical operators, do not read a named string or bool behind an
// interface: `m.t contains "ol"`, `a contains "ol"`, `m.t startsWith
// "g"`, `m.t matches "^g"`, `trim(m.t) == "gold"`, `hasPrefix(m.t, "g")`,
// `any(m.ts, # contains "o")`, `uniq(tiers)[0] contains "ol"`,
// `keys(mt)[0] contains "o"`, `values(mv)[0] contains "ol"`, `!!af`,
// `af && true`, `m.f || false` and `any(m.fs, #)` fail every evaluation
// with Go's "interface conversion: interface {} is dsl.a103Tier, not
// string" (or "... not bool"), while `m.t == "gold"`, `upper(m.t)`,
// `split(m.t, "l")` and `af == true` decide.
func TestAdversary103_NamedValuesBehindAnyFailOperators(t *testing.T) {
	a103Decides(t, []string{
		`m.t == "gold" && upper(m.t) == "GOLD" && af == true`, // control: decides today
		`m.t contains "ol"`,
		`a contains "ol"`,
		`m.t startsWith "g"`,
		`m.t matches "^g"`,
		`trim(m.t) == "gold"`,
		`hasPrefix(m.t, "g")`,
		`any(m.ts, # contains "o")`,
		`uniq(tiers)[0] contains "ol"`,
		`keys(mt)[0] contains "o"`,
		`values(mv)[0] contains "ol"`,
		`!!af`,
		`af && true`,
		`m.f || false`,
		`any(m.fs, #)`,
	}, "the value is a named string or bool, read as a string or a bool")
}

// Contract (doc.go, Numbers): "A built-in that cannot take a list's
// elements whatever the data (max of times, min of strings ...) is a
// compile error ([ErrType]), not a failure of every evaluation".
//
// Broken: max, min, mean and median of a list of named strings compile
// (max(ss) of a []string is refused: "max takes a list of numbers, and
// this is a list of string") and fail every evaluation: `max(tiers) ==
// "gold"` with "invalid argument for max (type string)", likewise min,
// mean, median.
func TestAdversary103_AggregatesOfNamedStringsFailEveryEvaluation(t *testing.T) {
	for _, w := range []string{`max(tiers) == "gold"`, `min(tiers) == "bronze"`, `mean(tiers) == 0`, `median(tiers) == 0`} {
		for i, r := range a93Check(t, a22When(w), a103Env0()) {
			if r.compileErr == nil {
				t.Errorf("%s: %s compiled, then: %s; want a compile-time ErrType (a list of strings, whatever the data)", a22Names[i], w, r)
			} else if !errors.Is(r.compileErr, ErrType) {
				t.Errorf("%s: %s: refused, but not as ErrType: %v", a22Names[i], w, r.compileErr)
			}
		}
	}
}

// Contract (doc.go, Numbers and Errors): a named string or bool is read
// as a string or a bool "unless rules call its methods"; "Types are
// checked at compile time" — never a rule that compiles and fails on every
// evaluation.
//
// Broken: once the host registers a method of its named string or bool
// (WithMethods), the type keeps its type everywhere, and what expr's
// checker lets through by kind fails every evaluation: with label a
// Label string (method Short registered), `label contains "ol"`,
// `label startsWith "g"`, `label matches "^g"`, `label > "a"` and
// `any(labels, # contains "o")` fail ("interface conversion: interface {}
// is dsl.a103Label, not string"; "invalid operation: dsl.a103Label >
// string"); with switch a Switch bool (method Off registered), `switch`
// as a whole condition fails with "invalid operation:
// bool(dsl.a103Switch)", `!switch`, `switch && true` and `switch ? true :
// false` likewise. (`label == "gold"` is refused at compile time.)
func TestAdversary103_NamedTypeWithMethodsFailsEveryEvaluation(t *testing.T) {
	a103Decides(t, []string{
		`label.Short() == "g"`, // control: decides today
		`label contains "ol"`,
		`label startsWith "g"`,
		`label matches "^g"`,
		`label > "a"`,
		`any(labels, # contains "o")`,
		`switch`,
		`!!switch`,
		`switch && true`,
		`switch ? true : false`,
	}, "the static type is a string (bool) kind: decide, or refuse at compile time", WithMethods[a103Label]("Short"), WithMethods[a103Switch]("Off"))
}

// Contract (doc.go, Numbers): a named string "is read the same way, as a
// string"; a title interpolates a string as its text (doc.go's examples:
// "Fixed-rate term ends in {days} days"); "An explanation's text writes a
// long string's first 256 bytes" is Explain's rule, not a title's.
//
// Broken (by 76a263e: titles share Explain's formatValue, which now writes
// a named string by %q): a named string behind an interface is written in
// a title quoted, and cut at 256 bytes: with m.t = Tier("gold"),
// `title "{m.t}"` is `"gold"` (with the quotes) where `{m.s}` (a plain
// string there) is `gold`; `{uniq(tiers)[0]}` is `"gold"`; a 300-byte
// named string is written as `"xxx…" (300 bytes)`.
func TestAdversary103_TitleQuotesNamedStringBehindAny(t *testing.T) {
	for _, c := range []struct{ part, want string }{
		{"{m.s}", "gold"}, // control
		{"{m.t}", "gold"},
		{"{a}", "gold"},
		{"{uniq(tiers)[0]}", "gold"},
		{"{m.long}", strings.Repeat("x", 300)},
	} {
		body := "rule d {\n  type \"t\"\n  when true\n  title \"" + c.part + "\"\n}\n"
		for i, r := range a93Check(t, body, a103Env0()) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: title %s: %s; want one hit", a22Names[i], c.part, r)
				continue
			}
			if got := r.hits[0].Title; got != c.want {
				t.Errorf("%s: title %s is %q; want %q (the named string's text, as a plain string's)", a22Names[i], c.part, got, c.want)
			}
		}
	}
}

type a103Rec struct {
	N   int        `expr:"n"`
	Pad [127]int64 `expr:"pad"`
}

type a103REnv struct {
	Recs  []a103Rec          `expr:"recs"`
	MRecs map[string]a103Rec `expr:"mrecs"`
	Nest  [][]a103Rec        `expr:"nest"`
}

// Contract (doc.go, Untrusted rules; options.go, MemoryBudget): the memory
// a rule builds is charged to MemoryBudget, "an element of an array is as
// many units as the copy it holds (a list of 1 KB records that map builds
// is 64 units an element)".
//
// Broken: the lists values, uniq, flatten and toPairs build hold a copy
// of each 1 KB record (each boxed in an interface) but are charged a unit
// or two an element: over 1,000 records and MemoryBudget 10,000 units
// (~156 KB), `len(values(mrecs)) > 0`, `len(uniq(recs)) > 0`,
// `len(flatten(nest)) > 0`, `len(flatten([recs])) > 0` and
// `len(toPairs(mrecs)) > 0` pass, each allocating ~1 MB. (map, reverse,
// groupBy, sortBy over the same records fail with ErrLimit, as they
// should.)
func TestAdversary103_CopiesOfLargeElementsUndercharged(t *testing.T) {
	env := a103REnv{Recs: make([]a103Rec, 1000), MRecs: map[string]a103Rec{}}
	for i := range env.Recs {
		env.Recs[i].N = i
		env.MRecs[fmt.Sprint(i)] = a103Rec{N: i}
	}
	env.Nest = [][]a103Rec{env.Recs}
	const budget = 10_000
	lim := WithLimits(Limits{MemoryBudget: budget, MaxSteps: 2_000_000})
	for _, w := range []string{
		`len(map(recs, #)) > 0`, // control: ErrLimit today
		`len(values(mrecs)) > 0`,
		`len(uniq(recs)) > 0`,
		`len(flatten(nest)) > 0`,
		`len(flatten([recs])) > 0`,
		`len(toPairs(mrecs)) > 0`,
	} {
		for i, o := range [][]Option{{lim}, {lim, exprOnly}} {
			rs, err := CompileRules[a103REnv]([]byte("ruleset a103 version 1\n"+a22When(w)), o...)
			if err != nil {
				t.Fatalf("%s: %s: %v", a22Names[i], w, err)
			}
			var m0, m1 runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&m0)
			_, err = rs.Eval(env, a22Now)
			runtime.ReadMemStats(&m1)
			alloc := m1.TotalAlloc - m0.TotalAlloc
			if err == nil && alloc > 4*budget*memUnit {
				t.Errorf("%s: %s over 1,000 records of ~1 KB, MemoryBudget %d units (~%d KB): no error, %d KB allocated; want ErrLimit",
					a22Names[i], w, budget, budget*memUnit/1024, alloc/1024)
			}
		}
	}
}

// Contract (doc.go, Numbers): "Nothing wraps around"; a duration "beyond a
// duration's ±292 years" fails with [ErrOverflow]; a value never silently
// decides wrong; "A zero time.Time is missing data".
//
// Broken: time.Time's Sub (on the allow-list of pure methods) saturates at
// a duration's bound: `at.AddDate(1000, 0, 0).Sub(at) ==
// at.AddDate(2000, 0, 0).Sub(at)` fires (1,000 years equal 2,000), and
// `at.Sub(zero) == at.Sub(at.AddDate(-1000, 0, 0))` fires (the 2,025 years
// since a zero time, missing data, equal 1,000 years) — no error, both
// backends.
func TestAdversary103_TimeSubSaturates(t *testing.T) {
	for _, w := range []string{
		`at.AddDate(1000, 0, 0).Sub(at) == at.AddDate(2000, 0, 0).Sub(at)`,
		`at.Sub(zero) == at.Sub(at.AddDate(-1000, 0, 0))`,
	} {
		for i, r := range a93Check(t, a22When(w), a103Env0()) {
			if r.compileErr == nil && r.err == nil && len(r.hits) == 1 {
				t.Errorf("%s: %s fired: Sub saturated at 292 years; want ErrOverflow (or any error), never a decision", a22Names[i], w)
			}
		}
	}
}

// Passing probe. Contract (doc.go, Numbers; Rule files): named strings and
// bools decide as they read in the places 76a263e converts them: fields,
// pointers, lists, arrays of them, nested structs, optional chains, ??,
// lets, predicates, sortBy/groupBy keys, literals holding them.
func TestAdversary103_NamedValuesDecideWhereTyped(t *testing.T) {
	a103Decides(t, []string{
		`tier contains "ol" && pt contains "ol" && "gold" in ptiers && ptiers[0] contains "o"`,
		`any(ptiers, # contains "ol") && join(tiers, ",") == "gold,bronze"`,
		`mv.k contains "o" && mv["k"] == "gold" && keys(mt)[0] == "gold"`,
		`flag && !flags[1] && any(flags, #) && one(flags, #) && count(flags, #) == 1`,
		`(nin?.tier ?? "gold") contains "ol" && (nin?.flag ?? true)`,
		`any(ins, #.tier contains "ol") && sortBy(ins, .tier)[0].tier == "bronze" && len(groupBy(ins, .tier)) == 2`,
		`let x = tier; x contains "o"`,
		`(flag ? tier : "x") contains "o" && [tier, "x"][0] contains "o" && {"a": tier}.a contains "o"`,
		`reduce(tiers, #acc + #, "") == "goldbronze" && map(tiers, # + "!")[0] == "gold!"`,
		`nilt == nil && nilt != "gold" && !(nilt == "gold")`,
		`upper(a) == "GOLD" && split(m.t, "l")[0] == "go" && repeat(m.t, 2) == "goldgold"`,
	}, "named strings and bools are read as strings and bools")
	// A nil optional chain still never decides.
	for i, r := range a93Check(t, a22When(`nin?.tier contains "ol"`), a103Env0()) {
		if r.compileErr == nil && r.err == nil {
			t.Errorf("%s: nin?.tier contains \"ol\" with nin nil: %s; want ErrEval", a22Names[i], r)
		}
	}
}

// Passing probe. Contract (doc.go, Rule files): tables read inputs through
// pointers, compare cells with named strings and bools as with plain
// ones; a decision's output of a named type is read as its plain value;
// Explain agrees with Eval (a93Check).
func TestAdversary103_NamedValuesInTablesAndDecisions(t *testing.T) {
	for _, c := range []struct {
		body string
		hits int
	}{
		{"table tb hit first {\n  type \"t\"\n  in tier, pt, flag, pf\n  row \"gold\", \"gold\", true, true => urgency 0.5\n}\n", 1},
		{"table tb hit first {\n  type \"t\"\n  in nilt\n  row \"gold\" => urgency 0.5\n  row nil => urgency 0.2\n}\n", 1},
		{"table tb hit first {\n  type \"t\"\n  in a, af, m.t\n  row \"gold\", true, > \"a\" => urgency 0.5\n}\n", 1},
		{"table tb hit unique {\n  type \"t\"\n  in tier, flag\n  row \"gold\", true => output band tier\n  row \"gold\", false => output band \"x\"\n  row not(\"gold\"), - => output band \"y\"\n}\n", 1},
		{"table tb hit first {\n  type \"t\"\n  in i\n  row 3 => output band tier\n}\nrule r {\n  type \"x\"\n  when tb.band contains \"ol\" && tb.band == \"gold\"\n}\n", 2},
		{"rule dd {\n  type \"t\"\n  when true\n  output band pt\n  output f flag\n}\nrule r {\n  type \"x\"\n  when dd.band contains \"ol\" && dd.f\n}\n", 2},
		{"rule d {\n  type \"t\"\n  when true\n  title \"{tier} {pt} {flag} {label}\"\n}\n", 1},
	} {
		for i, r := range a93Check(t, c.body, a103Env0()) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != c.hits {
				t.Errorf("%s: %s\n  got %s; want %d hits", a22Names[i], c.body, r, c.hits)
			}
		}
	}
}

// Passing probe. Contract (doc.go, Numbers): "a time's AddDate fails with
// [ErrOverflow] on a step of more than a million years", through a
// pointer too; Explain agrees.
func TestAdversary103_AddDateStepsBounded(t *testing.T) {
	env := a103Env0()
	env.I = 1_000_001
	for _, w := range []string{`at.AddDate(i, 0, 0) > at`, `at.AddDate(0, -i * 12, 0) < at`, `at.AddDate(0, 0, i * 366) > at`} {
		for i, r := range a93Check(t, a22When(w), env) {
			if r.compileErr != nil || r.err == nil || !errors.Is(r.err, ErrOverflow) {
				t.Errorf("%s: %s with i = 1,000,001: %s; want ErrOverflow", a22Names[i], w, r)
			}
		}
	}
	env.I = 1_000_000
	for i, r := range a93Check(t, a22When(`at.AddDate(i, 0, 0).Year() == 1002026`), env) {
		if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
			t.Errorf("%s: a step of exactly a million years: %s; want one hit", a22Names[i], r)
		}
	}
}
