package dsl

// The hundred-and-first adversary's suite: a host's named string and bool
// types (type Tier string, type Flag bool: a CRM's enums and flags), which
// the checker takes for string and bool and the run time does not; what
// Explain writes of a long named string; the memory charged for a list a
// rule builds of large host elements; a time method that wraps. Passing
// probes are kept as regression tests (int conversions, run-time error
// positions over lines, a nil environment pointer, NaN through sortBy,
// groupBy and reduce, calendar days beyond a duration's range, and a
// random differential of Eval, Explain and the two backends).

import (
	"errors"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"
)

type a101Text string
type a101Flag bool

type a101Item struct {
	Name  string    `expr:"name"`
	Score float64   `expr:"score"`
	N     int       `expr:"n"`
	When  time.Time `expr:"when"`
}

type a101Env struct {
	S     string         `expr:"s"`
	I     int            `expr:"i"`
	J     int            `expr:"j"`
	F     float64        `expr:"f"`
	Nan   float64        `expr:"nan"`
	Inf   float64        `expr:"inf"`
	D     time.Duration  `expr:"d"`
	At    time.Time      `expr:"at"`
	Xs    []int          `expr:"xs"`
	Fs    []float64      `expr:"fs"`
	M     map[string]any `expr:"m"`
	Items []a101Item     `expr:"items"`
	P     *a101Item      `expr:"p"`
	Q     *a101Item      `expr:"q"`

	Tier  a101Text   `expr:"tier"`
	PTier *a101Text  `expr:"ptier"`
	Tiers []a101Text `expr:"tiers"`
	Flag  a101Flag   `expr:"flag"`
}

func a101Env0() a101Env {
	at := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	g := a101Text("gold")
	return a101Env{
		S: "hello", I: 3, J: 0, F: 1.5, Nan: math.NaN(), Inf: math.Inf(1),
		D: 90 * time.Minute, At: at, Xs: []int{3, 1, 2}, Fs: []float64{1.5, 0.5},
		M:     map[string]any{"a": 1, "f": 2.5, "nan": math.NaN(), "n": nil},
		Items: []a101Item{{Name: "x", Score: 0.5, N: 1, When: at}, {Name: "y", Score: math.NaN(), N: 2, When: at}},
		Q:     &a101Item{Name: "q", Score: 2, N: 5, When: at},
		Tier:  "gold", PTier: &g, Tiers: []a101Text{"gold", "bronze"}, Flag: true,
	}
}

// a101CompilesOrDecides wants each rule of whens either refused at compile
// time or decided (one hit, no error) on env, by both backends: a rule
// that compiles must not fail every evaluation on a type error.
func a101CompilesOrDecides(t *testing.T, bodies []string) {
	t.Helper()
	for _, body := range bodies {
		for i, r := range a93Check(t, body, a101Env0()) {
			if r.compileErr == nil && (r.err != nil || len(r.hits) != 1) {
				t.Errorf("%s: %s\n  compiled, then: %s\n  want a compile error (ErrType) or one hit: the static type is known, and the evaluation fails whatever the data",
					a22Names[i], strings.TrimSpace(body), r)
			}
		}
	}
}

// Contract (doc.go, Errors and Numbers): "Types are checked at compile
// time"; type errors are refused at compile time wherever static types
// allow (a built-in "that cannot take a list's elements whatever the data
// (... sortBy a key that has no order) is a compile error ([ErrType]), not
// a failure of every evaluation").
//
// Broken: a host's named string type (type Tier string, with tier =
// "gold") passes the checker for the string operators and built-ins and
// fails every evaluation: `tier contains "ol"`, `tier startsWith "g"`,
// `tier endsWith "d"`, `ptier contains "o"`, `any(tiers, # contains "o")`
// fail with "interface conversion: interface {} is dsl.a101Text, not
// string" (a panic in expr's VM, recovered); `tier matches "^g"` with
// "... not []uint8"; `join(tiers, ",") == "gold,bronze"` with "join:
// argument 1 is []dsl.a101Text, want a list of strings";
// `len(sortBy(tiers, #)) == 2` with "invalid operation: dsl.a101Text <
// dsl.a101Text"; `tier <= tier` likewise. (`tier == "gold"` and
// `upper(tier)` are refused at compile time, consistently.)
func TestAdversary101_NamedStringOperatorsFailEveryEvaluation(t *testing.T) {
	var bodies []string
	for _, w := range []string{
		`tier contains "ol"`,
		`tier startsWith "g"`,
		`tier endsWith "d"`,
		`tier matches "^g"`,
		`ptier contains "o"`,
		`any(tiers, # contains "o")`,
		`join(tiers, ",") == "gold,bronze"`,
		`len(sortBy(tiers, #)) == 2`,
		`tier <= tier`,
	} {
		bodies = append(bodies, a22When(w))
	}
	a101CompilesOrDecides(t, bodies)
}

// Contract (doc.go, Errors): "Types are checked at compile time: a
// condition that is not a bool, an urgency that is not a number ... are
// compile errors."
//
// Broken: a host's named bool (type Flag bool, flag = true) compiles as a
// condition and as an operand of !, &&, || and ?:, and fails every
// evaluation: `when flag` and `when i > 0 && flag` with "invalid
// operation: bool(dsl.a101Flag)"; `when !flag`, `when flag && i > 0`,
// `when flag || i > 0`, `when flag ? true : false` and `urgency flag ? 0.5
// : 0.1` with "interface conversion: interface {} is dsl.a101Flag, not
// bool". (A *a101Flag as the condition is refused at compile time: "the
// when is *dsl.a101Flag; it must be a bool"; `flag == true` too.) Through
// Compile[Env, bool] the same.
func TestAdversary101_NamedBoolConditionFailsEveryEvaluation(t *testing.T) {
	bodies := []string{"rule r {\n  type \"t\"\n  when i > 0\n  urgency flag ? 0.5 : 0.1\n}\n"}
	for _, w := range []string{`flag`, `!!flag`, `flag && i > 0`, `i > 0 && flag`, `flag || i > 0`, `flag ? true : false`} {
		bodies = append(bodies, a22When(w))
	}
	a101CompilesOrDecides(t, bodies)
	for _, o := range [][]Option{nil, {exprOnly}} {
		e, err := Compile[a101Env, bool](`flag`, o...)
		if err != nil {
			continue
		}
		v, err := e.Eval(a101Env0(), a22Now)
		if err != nil || !v {
			t.Errorf("Compile[a101Env, bool](`flag`) compiled, then Eval = %v, %v; want true (or a compile error)", v, err)
		}
	}
}

// Contract (doc.go, Untrusted rules): "An explanation's text writes a long
// string's first 256 bytes and its length."
//
// Broken: a host's named string (type Note string) of 100,000 bytes is
// written whole: Expr.Explain of `tier == tier` renders a 200,028-byte
// text (the value twice), and RuleSet.Explain of a rule with `let l =
// tier` writes the let's 100,000 bytes. A plain string of the same length
// is cut to 256 bytes.
func TestAdversary101_ExplainWritesLongNamedStringWhole(t *testing.T) {
	env := a101Env0()
	env.Tier = a101Text(strings.Repeat("x", 100_000))
	const most = 8 << 10
	for i, o := range [][]Option{{a22Limits}, {a22Limits, exprOnly}} {
		e, err := Compile[a101Env, bool](`tier == tier`, o...)
		if err != nil {
			t.Fatalf("%s: %v", a22Names[i], err)
		}
		x, err := e.Explain(env, a22Now)
		if err != nil {
			t.Fatalf("%s: Explain: %v", a22Names[i], err)
		}
		if n := len(x.String()); n > most {
			t.Errorf("%s: Explain(`tier == tier`), tier a named string of 100,000 bytes: the text is %d bytes; want the string cut to its first 256 bytes and its length", a22Names[i], n)
		}
		rs, err := CompileRules[a101Env]([]byte("ruleset a101 version 1\nrule r {\n  type \"t\"\n  let l = tier\n  when len(l) > 0\n}\n"), o...)
		if err != nil {
			t.Fatalf("%s: %v", a22Names[i], err)
		}
		rx, err := rs.Explain("r", env, a22Now)
		if err != nil {
			t.Fatalf("%s: RuleSet.Explain: %v", a22Names[i], err)
		}
		if n := len(rx.String()); n > most {
			t.Errorf("%s: RuleSet.Explain of `let l = tier; when len(l) > 0`: the text is %d bytes; want the let's long string cut to 256 bytes and its length", a22Names[i], n)
		}
	}
}

type a101Rec struct {
	N    int          `expr:"n"`
	Hist [128]float64 `expr:"hist"` // 1 KB: a year of daily balances would be 3 KB
}

type a101REnv struct {
	Recs []a101Rec `expr:"recs"`
}

// Contract (doc.go, Untrusted rules; options.go, Limits.MemoryBudget):
// MemoryBudget bounds "what one evaluation of a rule may allocate for the
// arrays, maps and strings it builds, in units of about 16 bytes (an
// element of an array, or 16 bytes of a string)".
//
// Broken: an element costs one unit however large it is. With 1,000 host
// records of about 1 KB each and MemoryBudget 10,000 units (about 160 KB),
// `len(map(recs, #)) > 0`, `len(filter(recs, true)) > 0`,
// `len(concat(recs, recs)) > 0` and `len(sortBy(recs, .n)) > 0` pass
// (charged 1,000 to 2,000 units) while building lists that hold copies of
// every record: over 1 MB each, 7 to 14 times the budget; a record of 4
// KB makes it 256 times, so the default budget (16 MB) lets a rule build
// gigabytes.
func TestAdversary101_BuiltListOfLargeElementsChargedAsUnits(t *testing.T) {
	env := a101REnv{Recs: make([]a101Rec, 1000)}
	const budget = 10_000
	lim := WithLimits(Limits{MemoryBudget: budget, MaxSteps: 1_000_000})
	for _, w := range []string{`len(map(recs, #)) > 0`, `len(filter(recs, true)) > 0`, `len(concat(recs, recs)) > 0`, `len(sortBy(recs, .n)) > 0`} {
		for i, o := range [][]Option{{lim}, {lim, exprOnly}} {
			rs, err := CompileRules[a101REnv]([]byte("ruleset a101 version 1\n"+a22When(w)), o...)
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
				t.Errorf("%s: %s over 1,000 records of ~1 KB, MemoryBudget %d units (~%d KB): no error, %d KB allocated; want ErrLimit (the list built holds ~1 MB of copies)",
					a22Names[i], w, budget, budget*memUnit/1024, alloc/1024)
			}
		}
	}
}

// Contract (doc.go, Numbers): "Nothing wraps around"; time.Time's AddDate
// is on the allow-list of pure methods a rule may call.
//
// Broken (arguably outside the listed operators, but a silent wrong
// decision all the same): `at.AddDate(i, 0, 0) < at` fires for a positive
// i = MaxInt: the year overflows inside time.Date and the time a
// 9.2·10^18-year step ahead lands before at. No error, both backends.
func TestAdversary101_AddDateWrapsAround(t *testing.T) {
	env := a101Env0()
	env.I = math.MaxInt
	for i, r := range a93Check(t, a22When(`at.AddDate(i, 0, 0) < at`), env) {
		if r.compileErr == nil && r.err == nil && len(r.hits) == 1 {
			t.Errorf("%s: at.AddDate(i, 0, 0) < at with i = MaxInt fired: the date wrapped into the past; want ErrOverflow (or any error), never a decision", a22Names[i])
		}
	}
}

// Contract (doc.go, Numbers and Errors): int(x) of a number out of an
// int's range fails; an integer division by zero is a typed evaluation
// error placed at its operator. (Passing; regression.)
func TestAdversary101_IntConversionsAndModuloByZero(t *testing.T) {
	for _, w := range []string{`int(1e300) > 0`, `int(f * 1e300) > 0`, `xs[0] % j == 0`} {
		for i, r := range a93Check(t, a22When(w), a101Env0()) {
			var de *Error
			if r.compileErr == nil && (!errors.As(r.err, &de) || de.Kind != KindEval) {
				t.Errorf("%s: %s: %v; want a typed evaluation error", a22Names[i], w, r)
			}
		}
	}
}

// Contract (doc.go, Errors): every error names rule, statement and
// line:column in runes, for multi-line expressions, titles, nested
// branches and table rows alike. (Passing; regression.)
func TestAdversary101_RunTimeErrorPositionsOverLines(t *testing.T) {
	for _, c := range []struct {
		body      string
		stmt      string
		line, col int
	}{
		{"rule r {\n  type \"t\"\n  when i > 0 &&\n       xs[10] > 1\n}\n", "when", 5, 10},
		{"rule r {\n  type \"t\"\n  when i > 0\n  title \"a {xs[10]} b\"\n}\n", "title", 5, 15},
		{"rule r {\n  type \"t\"\n  when i > 0\n  branch i > 1 {\n    branch xs[10] > 0 {\n      urgency 0.5\n    }\n  }\n}\n", "branch 1/branch 1, condition", 6, 14},
		{"table tt hit first {\n  type \"t\"\n  in i, s\n  row > 1, \"hello\" => urgency xs[10] * 0.1\n}\n", "row 1, urgency", 5, 33},
		{"rule r {\r\n  type \"t\"\r\n  when i > 0 &&\r\n       xs[10] > 1\r\n}\r\n", "when", 5, 10},
	} {
		for i, r := range a93Check(t, c.body, a101Env0()) {
			var de *Error
			if !errors.As(r.err, &de) || de.Statement != c.stmt || de.Line != c.line || de.Column != c.col {
				t.Errorf("%s: %q: %v; want statement %q at %d:%d", a22Names[i], c.body, r.err, c.stmt, c.line, c.col)
			}
		}
	}
}

// Contract (doc.go): nothing panics out of the library; errors are typed.
// A nil pointer environment. (Passing; regression.)
func TestAdversary101_NilEnvironmentPointer(t *testing.T) {
	for i, o := range [][]Option{nil, {exprOnly}} {
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%s: panic out of the library on a nil *Env: %v", a22Names[i], p)
				}
			}()
			rs, err := CompileRules[*a101Env]([]byte("ruleset a101 version 1\n"+a22When("i > 0")), o...)
			if err != nil {
				t.Fatal(err)
			}
			var de *Error
			if _, err := rs.Eval(nil, a22Now); !errors.As(err, &de) {
				t.Errorf("%s: Eval(nil): %v; want an *Error", a22Names[i], err)
			}
			if _, err := rs.Explain("r", nil, a22Now); err != nil {
				t.Errorf("%s: Explain(nil): %v", a22Names[i], err)
			}
			e, err := Compile[*a101Env, bool]("i > 0", o...)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.Eval(nil, a22Now); !errors.As(err, &de) {
				t.Errorf("%s: Expr.Eval(nil): %v; want an *Error", a22Names[i], err)
			}
		}()
	}
}

// Contract (doc.go, NaN and nil): sortBy and groupBy on a NaN key, and a
// reduce or sum over a NaN, fail with ErrNaN; calendar days are counted
// beyond a duration's 292 years. (Passing; regression.)
func TestAdversary101_NaNKeysAndFarDates(t *testing.T) {
	for _, w := range []string{`sortBy(items, .score)[0].name == "x"`, `len(groupBy(items, .score)) == 2`, `reduce(items, #acc + #.score, 0.0) > 0`, `sum(items, .score) > 0`, `(p?.score ?? nan) > 1`} {
		for i, r := range a93Check(t, a22When(w), a101Env0()) {
			if r.compileErr != nil || !errors.Is(r.err, ErrNaN) {
				t.Errorf("%s: %s with items[1].score = NaN: %v; want ErrNaN", a22Names[i], w, r)
			}
		}
	}
	for _, w := range []string{`daysUntil(at.AddDate(500, 0, 0)) > 150000`, `daysSince(date("1700-01-01")) > 110000`} {
		for i, r := range a93Check(t, a22When(w), a101Env0()) {
			if r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: %s: %v; want one hit", a22Names[i], w, r)
			}
		}
	}
}

type a101Rand struct{ s uint64 }

func (r *a101Rand) n(k int) int {
	r.s ^= r.s << 13
	r.s ^= r.s >> 7
	r.s ^= r.s << 17
	return int(r.s % uint64(k))
}

// Contract (doc.go): Explain agrees with Eval; the closures agree with
// expr; errors are typed and placed; NaN and nil never decide. A random
// differential over conditions mixing NaN, ±Inf, nil chains, lets,
// ternaries and predicates. (Passing; regression.)
func TestAdversary101_RandomDifferential(t *testing.T) {
	rnd := &a101Rand{s: 0x9e3779b97f4a7c15}
	num := []string{"i", "j", "f", "nan", "inf", "-inf", "1", "0.5", "xs[0]", "fs[1]", "(p?.score ?? 1)", "(q?.score ?? nan)", "q.n", "len(s)", "sum(fs)", "max(xs)", "mean(fs)", "abs(f)", "m.f", "(m.n ?? 2)", "clamp(f, 0, 1)", "ratio(f, j)", "count(items, .n > 1)", "reduce(xs, #acc + #, 0)", "(i > 1 ? f : nan)", "float(i)", "d.Hours()", "daysSince(at)", "findIndex(xs, # == 7)"}
	var numE func(int) string
	numE = func(depth int) string {
		if depth <= 0 || rnd.n(3) == 0 {
			return num[rnd.n(len(num))]
		}
		return "(" + numE(depth-1) + " " + []string{"+", "-", "*", "/"}[rnd.n(4)] + " " + numE(depth-1) + ")"
	}
	var boolE func(int) string
	boolE = func(depth int) string {
		if depth <= 0 || rnd.n(3) == 0 {
			switch rnd.n(8) {
			case 0:
				return "(p?.name == nil)"
			case 1:
				return "any(items, .score > " + numE(0) + ")"
			case 2:
				return numE(0) + " in fs"
			case 3:
				return "between(" + numE(0) + ", 0, 2)"
			case 4:
				return `(s contains "l")`
			}
			return numE(1) + " " + []string{"<", "<=", ">", ">=", "==", "!="}[rnd.n(6)] + " " + numE(1)
		}
		switch rnd.n(5) {
		case 0:
			return "!(" + boolE(depth-1) + ")"
		case 1:
			return "(" + boolE(depth-1) + " ? " + boolE(depth-1) + " : " + boolE(depth-1) + ")"
		case 2:
			return "(let v = " + numE(1) + "; " + boolE(depth-1) + " && v > 0)"
		}
		return "(" + boolE(depth-1) + " " + []string{"&&", "||"}[rnd.n(2)] + " " + boolE(depth-1) + ")"
	}
	deadline := time.Now().Add(1500 * time.Millisecond)
	for k := 0; k < 600 && time.Now().Before(deadline); k++ {
		a93Check(t, a22When(boolE(3)), a101Env0())
		if t.Failed() {
			return
		}
	}
}
