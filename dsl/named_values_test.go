package dsl

import (
	"strings"
	"testing"
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
		`replace(m.t, "o", "0") == "g0ld"`, `split(tier, "l")[0] == "go"`,
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
