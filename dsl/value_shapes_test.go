package dsl

import (
	"strings"
	"testing"
)

// A rule reads a host's value the same whatever shape the host keeps it
// in: a plain string, bool or int; a named type (type Tier string); a
// named type whose methods rules call (it keeps its type); a pointer to
// any of them; any of them behind an any, or in a map of any; and lists of
// each. This test writes every template below over every shape and holds
// each to the plain shape's answer, on both backends, through Eval and
// Explain. A shape may be refused at compile time only where the contract
// says so (a type that keeps its type, where a built-in wants a plain
// number; an any as a condition); it may never compile and then fail, or
// decide otherwise than the plain value does. It is the brute-force
// counterpart of the positions numbers.go lists for __num and __plain: a
// position missing there shows up here as a shape that fails.

type shapeTier string

type shapeKeptTier string

// Title is a method rules may call, so the type keeps its type.
func (t shapeKeptTier) Title() string { return strings.ToUpper(string(t[:1])) + string(t[1:]) }

type shapeFlag bool

type shapeKeptFlag bool

// Not is a method rules may call.
func (f shapeKeptFlag) Not() bool { return !bool(f) }

type shapePence int64

type shapeGBP float64

type shapeKeptScore int

// Double is a method rules may call.
func (s shapeKeptScore) Double() int { return int(s) * 2 }

type shapeEnv struct {
	// text: "gold"; lists: ["gold", "bronze"]
	S    string          `expr:"s"`
	NS   shapeTier       `expr:"ns"`
	KS   shapeKeptTier   `expr:"ks"`
	PS   *string         `expr:"ps"`
	PNS  *shapeTier      `expr:"pns"`
	PKS  *shapeKeptTier  `expr:"pks"`
	LS   []string        `expr:"ls"`
	LNS  []shapeTier     `expr:"lns"`
	LKS  []shapeKeptTier `expr:"lks"`
	LPNS []*shapeTier    `expr:"lpns"`
	// bools: true
	B   bool           `expr:"b"`
	NB  shapeFlag      `expr:"nb"`
	KB  shapeKeptFlag  `expr:"kb"`
	PB  *bool          `expr:"pb"`
	PNB *shapeFlag     `expr:"pnb"`
	PKB *shapeKeptFlag `expr:"pkb"`
	// numbers: 5; lists: [5, 3]
	I    int              `expr:"i"`
	I8   int8             `expr:"i8"`
	U32  uint32           `expr:"u32"`
	NI   shapePence       `expr:"ni"`
	NF   shapeGBP         `expr:"nf"`
	F32  float32          `expr:"f32"`
	KI   shapeKeptScore   `expr:"ki"`
	PI   *int             `expr:"pi"`
	PNI  *shapePence      `expr:"pni"`
	PF32 *float32         `expr:"pf32"`
	LI   []int            `expr:"li"`
	LNI  []shapePence     `expr:"lni"`
	LNF  []shapeGBP       `expr:"lnf"`
	LF32 []float32        `expr:"lf32"`
	LKI  []shapeKeptScore `expr:"lki"`
	// every value above behind an any, by the field's name
	M map[string]any `expr:"m"`
	A any            `expr:"a"` // m.s's value
}

func shapeEnv0() shapeEnv {
	s, ns, ks := "gold", shapeTier("gold"), shapeKeptTier("gold")
	b, nb, kb := true, shapeFlag(true), shapeKeptFlag(true)
	i, ni, f32 := 5, shapePence(5), float32(5)
	bronze := shapeTier("bronze")
	e := shapeEnv{
		S: s, NS: ns, KS: ks, PS: &s, PNS: &ns, PKS: &ks,
		LS: []string{"gold", "bronze"}, LNS: []shapeTier{"gold", "bronze"}, LKS: []shapeKeptTier{"gold", "bronze"},
		LPNS: []*shapeTier{&ns, &bronze},
		B:    b, NB: nb, KB: kb, PB: &b, PNB: &nb, PKB: &kb,
		I: i, I8: 5, U32: 5, NI: ni, NF: 5, F32: f32, KI: 5, PI: &i, PNI: &ni, PF32: &f32,
		LI: []int{5, 3}, LNI: []shapePence{5, 3}, LNF: []shapeGBP{5, 3}, LF32: []float32{5, 3}, LKI: []shapeKeptScore{5, 3},
		A: s,
	}
	e.M = map[string]any{
		"s": e.S, "ns": e.NS, "ks": e.KS, "ps": e.PS, "pns": e.PNS, "pks": e.PKS,
		"ls": e.LS, "lns": e.LNS, "lks": e.LKS, "la": []any{"gold", "bronze"}, "lan": []any{ns, bronze},
		"b": e.B, "nb": e.NB, "kb": e.KB, "pb": e.PB, "pnb": e.PNB, "pkb": e.PKB,
		"i": e.I, "i8": e.I8, "u32": e.U32, "ni": e.NI, "nf": e.NF, "f32": e.F32, "ki": e.KI, "pi": e.PI, "pni": e.PNI,
		"li": e.LI, "lni": e.LNI, "lnf": e.LNF, "lf32": e.LF32, "lki": e.LKI, "lai": []any{5, 3}, "lanf": []any{shapeGBP(5), float32(3)},
	}
	return e
}

// shape is one way a host keeps the value: X is how a rule reads the
// value, L a list of two (empty where the shape has none).
type shape struct {
	x, l string
	// kept: a type that keeps its type (its methods are called), which a
	// built-in that wants a plain value may refuse at compile time.
	kept bool
	// dynamic: known only when the rule runs, which a condition may
	// refuse at compile time ("must be a bool").
	dynamic bool
	// float: a float, which % refuses (at compile time where the type
	// is known).
	float bool
}

var textShapes = []shape{
	{x: "s", l: "ls"}, {x: "ns", l: "lns"}, {x: "ks", l: "lks", kept: true}, {x: "ps", l: "lpns"}, {x: "pns"}, {x: "pks", kept: true},
	{x: "m.s", l: "m.la", dynamic: true}, {x: "m.ns", l: "m.lan", dynamic: true}, {x: "m.ks", l: "m.lks", dynamic: true, kept: true},
	{x: "m.ps", l: "m.ls", dynamic: true}, {x: "m.pns", l: "m.lns", dynamic: true}, {x: "a", dynamic: true},
}

var boolShapes = []shape{
	{x: "b"}, {x: "nb"}, {x: "kb", kept: true}, {x: "pb"}, {x: "pnb"}, {x: "pkb", kept: true},
	{x: "m.b", dynamic: true}, {x: "m.nb", dynamic: true}, {x: "m.kb", dynamic: true, kept: true}, {x: "m.pb", dynamic: true}, {x: "m.pnb", dynamic: true},
}

var numberShapes = []shape{
	{x: "i", l: "li"}, {x: "i8"}, {x: "u32"}, {x: "ni", l: "lni"}, {x: "nf", l: "lnf", float: true}, {x: "f32", l: "lf32", float: true}, {x: "ki", l: "lki", kept: true},
	{x: "pi"}, {x: "pni"}, {x: "pf32", float: true},
	{x: "m.i", l: "m.li", dynamic: true}, {x: "m.i8", l: "m.lai", dynamic: true}, {x: "m.u32", l: "m.lni", dynamic: true},
	{x: "m.ni", l: "m.lnf", dynamic: true}, {x: "m.nf", l: "m.lf32", dynamic: true, float: true}, {x: "m.f32", l: "m.lanf", dynamic: true, float: true},
	{x: "m.ki", l: "m.lki", dynamic: true, kept: true}, {x: "m.pi", dynamic: true}, {x: "m.pni", dynamic: true},
}

// Templates hold for "gold" (L: "gold", "bronze"), true, and 5 (L: 5, 3).
var textTemplates = []string{
	`@X == "gold"`, `"gold" == @X`, `@X != "silver"`, `@X > "a"`, `@X >= "gold"`, `"z" > @X`, `@X == @X`,
	`@X contains "ol"`, `@X startsWith "go"`, `@X endsWith "ld"`, `@X matches "^g.l"`, `"gold" contains @X`,
	`@X in ["gold", "x"]`, `@X + "!" == "gold!"`, `"!" + @X == "!gold"`, `len(@X) == 4`, `@X[0:2] == "go"`,
	`upper(@X) == "GOLD"`, `lower(@X) == "gold"`, `trim(@X) == "gold"`, `trimPrefix(@X, "g") == "old"`, `trimSuffix(@X, "d") == "gol"`,
	`hasPrefix(@X, "g")`, `hasSuffix(@X, "d")`, `indexOf(@X, "l") == 2`, `lastIndexOf(@X, "l") == 2`,
	`split(@X, "l")[0] == "go"`, `splitAfter(@X, "l")[0] == "gol"`, `repeat(@X, 2) == "goldgold"`, `replace(@X, "o", "0") == "g0ld"`,
	`join([@X, "x"], ",") == "gold,x"`, `string(@X) == "gold"`, `(true ? @X : "x") == "gold"`, `(@X ?? "x") == "gold"`,
	`(let y = @X; y == "gold")`, `[@X][0] == "gold"`, `{"k": @X}.k == "gold"`, `{"gold": 1}[@X] == 1`, `@X in {"gold": 1}`,
	`count([@X], # == "gold") == 1`, `any([@X], # startsWith "g")`, `map([@X], upper(#))[0] == "GOLD"`,
	`sortBy([@X, "a"], #)[1] == "gold"`, `groupBy([@X], #)["gold"][0] == "gold"`, `len(uniq([@X, "gold"])) == 1`,
	`reduce([@X], #acc + #, "") == "gold"`, `toPairs({"a": @X})[0][1] == "gold"`, `values({"a": @X})[0] == "gold"`,
	`(@X == "gold" ? 1 : 2) == 1`, `@X not in ["silver"]`, `!(@X == "silver")`, `not (@X == "silver")`,
	`@L[0] == "gold"`, `"gold" in @L`, `@X in @L`, `@L[0] contains "ol"`, `upper(@L[0]) == "GOLD"`, `trim(@L[1]) == "bronze"`,
	`len(@L) == 2`, `sortBy(@L, #)[0] == "bronze"`, `sort(@L)[0] == "bronze"`, `count(@L, # == "gold") == 1`,
	`filter(@L, # startsWith "g")[0] == "gold"`, `map(@L, upper(#))[0] == "GOLD"`, `join(@L, ",") == "gold,bronze"`,
	`first(@L) == "gold"`, `last(@L) == "bronze"`, `find(@L, # endsWith "ze") == "bronze"`, `findIndex(@L, # == "bronze") == 1`,
	`reverse(@L)[1] == "gold"`, `concat(@L, ["x"])[0] == "gold"`, `reduce(@L, #acc + #, "") == "goldbronze"`,
	`groupBy(@L, len(#))[4][0] == "gold"`, `len(uniq(@L)) == 2`, `any(@L, # matches "^b")`, `"gold" in map(@L, #)`, `"gold" in filter(@L, true)`, `"gold" in sortBy(@L, #)`, `(let l = map(@L, #); "gold" in l)`,
	`lower(join(@L)) == "goldbronze"`, `@L[0] == @X`, `@X == @L[0]`, `indexOf(join(@L, ","), "bronze") == 5`,
}

var boolTemplates = []string{
	`@X`, `!!@X`, `not not @X`, `@X == true`, `@X != false`, `@X && true`, `true && @X`, `@X || false`, `false || @X`,
	`@X and true`, `false or @X`, `@X ? true : false`, `(@X ? 1 : 2) == 1`, `@X in [true]`, `(let y = @X; y)`,
	`any([@X], #)`, `all([@X, true], #)`, `count([@X], #) == 1`, `len(filter([@X], #)) == 1`, `one([@X, false], #)`, `none([@X], !#)`,
	`(@X ?? false)`, `string(@X) == "true"`, `@X == @X`, `{"k": @X}.k == true`, `@X == (1 < 2)`, `!@X == false`,
	`len(groupBy([@X], #)) == 1`, `len(uniq([@X, true])) == 1`, `toPairs({"a": @X})[0][1] == true`, `find([@X], #) == true`,
	`reduce([@X], #acc && #, true)`, `(@X ? "y" : "n") == "y"`,
}

var numberTemplates = []string{
	`@X == 5`, `@X == 5.0`, `5 == @X`, `@X != 4`, `@X > 4`, `@X >= 5`, `4 < @X`, `@X <= 5.5`, `@X == @X`,
	`@X + 1 == 6`, `1 + @X == 6`, `@X - 1 == 4`, `@X * 2 == 10`, `@X / 5 == 1`, `@X % 2 == 1`, `@X ** 2 == 25`, `-@X == -5`, `@X + @X == 10`,
	`abs(@X) == 5`, `int(@X) == 5`, `float(@X) == 5`, `round(@X) == 5`, `ceil(@X) == 5`, `floor(@X) == 5`,
	`max(@X, 1) == 5`, `min(@X, 9) == 5`, `sum([@X, 1]) == 6`, `mean([@X]) == 5`, `median([@X, @X]) == 5`,
	`@X in [1, 5]`, `5 in [@X]`, `string(@X) == "5"`, `num(@X) == "5"`, `clamp(@X, 0, 3) == 3`, `ratio(@X, 5) == 1`,
	`between(@X, 1, 9)`, `(let y = @X; y + 1 == 6)`, `(true ? @X : 0) == 5`, `(@X ?? 0) == 5`, `[@X][0] == 5`, `{"k": @X}.k == 5`,
	`len(uniq([@X, @X])) == 1`, `toPairs({"a": @X})[0][1] == 5`, `reduce([@X, 1], #acc + #, 0) == 6`, `map([@X], # * 2)[0] == 10`,
	`sortBy([@X, 1], #)[1] == 5`, `groupBy([@X], # > 4)[true][0] == 5`, `count([@X], # > 4) == 1`, `pct(@X / 10) == "50%"`,
	`(@X > 4 ? 1 : 2) == 1`, `@X not in [4]`,
	`@L[0] == 5`, `5 in @L`, `@X in @L`, `sum(@L) == 8`, `max(@L) == 5`, `min(@L) == 3`, `mean(@L) == 4`, `median(@L) == 4`,
	`sortBy(@L, #)[0] == 3`, `sort(@L)[0] == 3`, `reduce(@L, #acc + #, 0) == 8`, `map(@L, # * 2)[0] == 10`,
	`filter(@L, # > 4)[0] == 5`, `count(@L, # > 4) == 1`, `sum(@L, # * 2) == 16`, `@L[0] + @L[1] == 8`, `max(@L[0], @L[1]) == 5`,
	`len(@L) == 2`, `first(@L) == 5`, `last(@L) == 3`, `@L[0] > @L[1]`, `abs(@L[1]) == 3`, `sum(map(@L, #)) == 8`,
	`len(uniq(@L)) == 2`, `groupBy(@L, # > 4)[true][0] == 5`, `reverse(@L)[0] == 3`,
}

// shapeOpts lets rules call the kept types' methods.
var shapeOpts = []Option{WithMethods[shapeKeptTier]("Title"), WithMethods[shapeKeptFlag]("Not"), WithMethods[shapeKeptScore]("Double"), a22Limits}

func TestValueShapesDecideAsThePlainValue(t *testing.T) {
	env := shapeEnv0()
	for _, family := range []struct {
		name      string
		shapes    []shape
		templates []string
	}{{"text", textShapes, textTemplates}, {"bool", boolShapes, boolTemplates}, {"number", numberShapes, numberTemplates}} {
		for _, tpl := range family.templates {
			for _, sh := range family.shapes {
				if strings.Contains(tpl, "@L") && sh.l == "" || sh.float && strings.Contains(tpl, "%") {
					continue
				}
				when := strings.NewReplacer("@X", sh.x, "@L", sh.l).Replace(tpl)
				if sh == family.shapes[0] {
					// The plain shape is the reference: a template it
					// does not hold for is a mistake in the template.
					if r := a93Run(a22When(when), env, shapeOpts...); r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
						t.Fatalf("template %s over the plain value: %s", tpl, r)
					}
				}
				for i, opts := range [][]Option{shapeOpts, append(shapeOpts[:len(shapeOpts):len(shapeOpts)], exprOnly)} {
					r := a93Run(a22When(when), env, opts...)
					switch {
					case r.panicked != "":
						t.Errorf("%s %s: %s: %s", family.name, a22Names[i], when, r)
					case r.compileErr != nil:
						if !sh.kept && !sh.dynamic {
							t.Errorf("%s %s: %s: %s; want it to compile", family.name, a22Names[i], when, r)
						}
					case r.err != nil || len(r.hits) != 1:
						t.Errorf("%s %s: %s: %s; want one hit", family.name, a22Names[i], when, r)
					default:
						for _, p := range a22Problems(r) {
							t.Errorf("%s %s: %s: %s", family.name, a22Names[i], when, p)
						}
					}
				}
			}
		}
	}
}
