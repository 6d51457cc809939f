package dsl

import (
	"strings"
	"testing"
	"time"
)

// A host's named strings and bools (type Tier string, type Flag bool) are
// read as plain strings and bools wherever their types are known, as
// named numbers are read as numbers (numbers.go); the library's built-ins
// fail on an argument of another kind known only when the rule runs,
// rather than reading it as "" or 0 (args.go).

type namedTier string
type namedFlag bool

type namedEnv struct {
	Tier  namedTier      `expr:"tier"`
	Tiers []namedTier    `expr:"tiers"`
	PT    *namedTier     `expr:"pt"`
	NilT  *namedTier     `expr:"nilt"`
	M     map[string]any `expr:"m"`
	Flag  namedFlag      `expr:"flag"`
	PF    *namedFlag     `expr:"pf"`
}

func namedEnv0() namedEnv {
	g, f := namedTier("gold"), namedFlag(true)
	return namedEnv{Tier: "gold", Tiers: []namedTier{"gold", "bronze"}, PT: &g, PF: &f, Flag: true,
		M: map[string]any{"t": namedTier("gold"), "n": 5, "f": 2.5}}
}

func TestNamedStringsAndBoolsDecide(t *testing.T) {
	for _, w := range []string{
		`tier == "gold"`, `"gold" == tier`, `upper(tier) == "GOLD"`, `"gold" in tiers`, `tier in tiers`,
		`tier in ["gold"]`, `pt == "gold"`, `m.t == "gold"`, `lower(m.t) == "gold"`, `tier + "x" == "goldx"`,
		`len(tier) == 4`, `count(tiers, # == "gold") == 1`, `tier == tiers[0]`, `tiers[0] matches "^g"`,
		`tier[0:2] == "go"`, `tier contains "ol"`, `join(tiers, "+") == "gold+bronze"`, `sortBy(tiers, #)[0] == "bronze"`,
		`flag`, `!!flag`, `flag == true`, `flag && tier == "gold"`, `pf == true`, `nilt == nil`, `repeat(tier, 2) == "goldgold"`,
		`replace(m.t, "o", "0") == "g0ld"`, `split(tier, "l")[0] == "go"`, `m.t > "a"`, `m.t contains "ol"`, `trim(m.t) == "gold"`,
	} {
		for i, r := range a93Check(t, a22When(w), namedEnv0()) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: %s: %s; want one hit", a22Names[i], w, r)
			}
		}
	}
}

func TestBuiltinArgumentsOfAnotherKindFail(t *testing.T) {
	for _, c := range []struct{ when, want string }{
		{`upper(m.n) == ""`, "upper: argument 1 is int, want a string"},
		{`lower(m.missing) == ""`, "lower: argument 1 is nil, want a string"},
		{`split(m.n, ",")[0] == ""`, "split: argument 1 is int, want a string"},
		{`join(tiers, m.n) == ""`, "join: argument 2 is int, want a string"},
		{`repeat("a", m.f) == ""`, "repeat: argument 2 is float64, want an integer"},
		{`replace("a", m.n, "b") == ""`, "replace: argument 2 is int, want a string"},
		{`num(1.5, m.f) == ""`, "num: argument 2 is float64, want an integer"},
		{`money(1.5, m.n) == ""`, "money: argument 2 is int, want a string"},
		{`num(m.t) == ""`, "num: argument 1 is dsl.namedTier, want a number"},
	} {
		for i, r := range a93Check(t, a22When(c.when), namedEnv0()) {
			if r.compileErr != nil {
				continue // refused at compile time: as good
			}
			if r.err == nil || !strings.Contains(r.err.Error(), c.want) {
				t.Errorf("%s: %s: %s; want the evaluation to fail with %q", a22Names[i], c.when, r, c.want)
			}
		}
	}
}

// A host function that takes or gives the host's named type still does:
// the argument is converted back, and what it gives is read as a string.
func TestNamedStringsThroughHostFunctions(t *testing.T) {
	isGold := WithFunc1("isGold", func(t namedTier) bool { return t == "gold" })
	tierOf := WithFunc1("tierOf", func(s string) namedTier { return namedTier(s) })
	for _, w := range []string{`isGold(tier)`, `isGold(tiers[0])`, `tierOf("gold") == "gold"`, `tierOf("gold") contains "ol"`, `isGold(tierOf("gold"))`} {
		for i, o := range [][]Option{{isGold, tierOf}, {isGold, tierOf, exprOnly}} {
			rs, err := CompileRules[namedEnv]([]byte("ruleset n version 1\n"+a22When(w)), o...)
			if err != nil {
				t.Errorf("%s: %s: %v", a22Names[i], w, err)
				continue
			}
			hits, err := rs.Eval(namedEnv0(), a22Now)
			if err != nil || len(hits) != 1 {
				t.Errorf("%s: %s: %d hits, %v; want one hit", a22Names[i], w, len(hits), err)
			}
		}
	}
}

type namedHolder struct{ Best namedTier }

// Is reports whether t is the holder's best tier.
func (h namedHolder) Is(t namedTier) bool { return h.Best == t }

type namedMethodEnv struct {
	namedEnv
	H namedHolder `expr:"h"`
}

// A method the host lets rules call, whose parameter is the host's named
// type, takes the value a rule reads as a string.
func TestNamedStringsThroughHostMethods(t *testing.T) {
	env := namedMethodEnv{namedEnv: namedEnv0(), H: namedHolder{Best: "gold"}}
	for _, w := range []string{`h.Is(tier)`, `h.Is("gold")`, `h.Is(tiers[0])`} {
		for i, o := range [][]Option{{WithMethods[namedHolder]("Is")}, {WithMethods[namedHolder]("Is"), exprOnly}} {
			rs, err := CompileRules[namedMethodEnv]([]byte("ruleset n version 1\n"+a22When(w)), o...)
			if err != nil {
				t.Logf("%s: %s: refused: %v", a22Names[i], w, err)
				continue
			}
			hits, err := rs.Eval(env, a22Now)
			if err != nil || len(hits) != 1 {
				t.Errorf("%s: %s: %d hits, %v; want one hit (or a compile error)", a22Names[i], w, len(hits), err)
			}
		}
	}
}

type namedPence int64

// A time's method takes a host's named number as the int it is read as.
func TestNamedNumbersThroughTimeMethods(t *testing.T) {
	type env struct {
		At time.Time  `expr:"at"`
		N  namedPence `expr:"n"`
	}
	e := env{At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), N: 2}
	for _, w := range []string{`at.AddDate(n, 0, 0).Year() == 2028`, `at.AddDate(0, n, 0).YearDay() == 60`} {
		for i, o := range [][]Option{nil, {exprOnly}} {
			rs, err := CompileRules[env]([]byte("ruleset n version 1\n"+a22When(w)), o...)
			if err != nil {
				t.Errorf("%s: %s: %v", a22Names[i], w, err)
				continue
			}
			hits, err := rs.Eval(e, a22Now)
			if err != nil || len(hits) != 1 {
				t.Errorf("%s: %s: %d hits, %v; want one hit", a22Names[i], w, len(hits), err)
			}
		}
	}
}
