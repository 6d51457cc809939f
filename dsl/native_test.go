package dsl

import (
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/internal/mem"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

type nativeInner struct {
	Value float64   `expr:"value"`
	Count int       `expr:"count"`
	End   time.Time `expr:"end"`
	Label string    `expr:"label"`
}

type nativeClient struct {
	Age   int       `expr:"age"`
	Score float64   `expr:"score"`
	Name  string    `expr:"name"`
	Flag  bool      `expr:"flag"`
	Birth time.Time `expr:"birth"`
	Inner nativeInner
}

type nativeEnv struct {
	Client  nativeClient `expr:"client"`
	Product *nativeInner `expr:"product"`
	N       int          `expr:"n"`
	X       float64      `expr:"x"`
	// Small is of a type the closures leave to expr.
	Small int32 `expr:"small"`
}

var nativeNow = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// genNumber draws a numeric expression; genBool a condition.
func genNumber(t *rapid.T, depth int) string {
	atoms := []string{"client.age", "client.score", "n", "x", "product.value", "product.count", "client.Inner.count",
		"daysUntil(product.end)", "age(client.birth)", "daysSince(client.birth)", "monthsSince(product.end)",
		"yearsBetween(client.birth, product.end)", "0", "1", "30", "-2", "0.5", "1e300", "small"}
	if depth <= 0 || rapid.IntRange(0, 2).Draw(t, "leaf") == 0 {
		return rapid.SampledFrom(atoms).Draw(t, "atom")
	}
	a, b := genNumber(t, depth-1), genNumber(t, depth-1)
	switch rapid.IntRange(0, 7).Draw(t, "numop") {
	case 0:
		return fmt.Sprintf("(%s %s %s)", a, rapid.SampledFrom([]string{"+", "-", "*", "/", "**"}).Draw(t, "arith"), b)
	case 1:
		return fmt.Sprintf("(%s %% %s)", rapid.SampledFrom([]string{"client.age", "n", "7"}).Draw(t, "ma"),
			rapid.SampledFrom([]string{"n", "3", "client.age"}).Draw(t, "mb"))
	case 2:
		return fmt.Sprintf("ratio(%s, %s)", a, b)
	case 3:
		return fmt.Sprintf("clamp(%s, %s, %s)", a, genNumber(t, 0), genNumber(t, 0))
	case 4:
		return "-" + a
	case 5:
		return fmt.Sprintf("(%s ? %s : %s)", genBool(t, depth-1), a, a)
	default:
		return a
	}
}

func genBool(t *rapid.T, depth int) string {
	if depth <= 0 || rapid.IntRange(0, 3).Draw(t, "bleaf") == 0 {
		return "(" + genBoolAtom(t, depth) + ")"
	}
	a, b := genBool(t, depth-1), genBool(t, depth-1)
	switch rapid.IntRange(0, 5).Draw(t, "bop") {
	case 0:
		return fmt.Sprintf("(%s && %s)", a, b)
	case 1:
		return fmt.Sprintf("(%s || %s)", a, b)
	case 2:
		return fmt.Sprintf("!(%s)", a)
	case 3:
		return fmt.Sprintf("between(%s, %s, %s)", genNumber(t, depth-1), genNumber(t, 0), genNumber(t, 0))
	case 4:
		return fmt.Sprintf("(%s ? %s : %s)", a, b, genBool(t, depth-1))
	default:
		return fmt.Sprintf("(%s %s %s)", a, rapid.SampledFrom([]string{"==", "!="}).Draw(t, "beq"), b)
	}
}

// genBoolAtom draws a comparison or another condition without operators
// of its own.
func genBoolAtom(t *rapid.T, depth int) string {
	switch rapid.IntRange(0, 9).Draw(t, "batom") {
	case 0:
		return "product != nil"
	case 1:
		return "nil == product"
	case 2:
		return "client.flag"
	case 3:
		return fmt.Sprintf("client.name %s %q", rapid.SampledFrom([]string{"==", "!=", "<", ">="}).Draw(t, "sop"),
			rapid.SampledFrom([]string{"ada", "m", ""}).Draw(t, "str"))
	case 4:
		return "client.birth.IsZero()"
	case 5:
		return fmt.Sprintf("client.birth %s product.end", rapid.SampledFrom([]string{"<", "<=", ">", ">=", "==", "!="}).Draw(t, "top"))
	case 6:
		return "product.label == client.name"
	default:
		return fmt.Sprintf("%s %s %s", genNumber(t, depth), rapid.SampledFrom([]string{"<", "<=", ">", ">=", "==", "!="}).Draw(t, "cmp"), genNumber(t, depth))
	}
}

func genNativeEnv(t *rapid.T) nativeEnv {
	floats := []float64{0, 0.5, 1, 30, -3, math.NaN(), math.Inf(1), math.Inf(-1)}
	times := []time.Time{{}, nativeNow, nativeNow.AddDate(0, 0, 10), nativeNow.AddDate(-31, -2, 0), nativeNow.AddDate(0, 0, -40)}
	env := nativeEnv{
		Client: nativeClient{
			Age:   rapid.IntRange(-1, 90).Draw(t, "age"),
			Score: rapid.SampledFrom(floats).Draw(t, "score"),
			Name:  rapid.SampledFrom([]string{"", "ada", "zed"}).Draw(t, "name"),
			Flag:  rapid.Bool().Draw(t, "flag"),
			Birth: rapid.SampledFrom(times).Draw(t, "birth"),
		},
		N:     rapid.IntRange(-2, 3).Draw(t, "n"),
		X:     rapid.SampledFrom(floats).Draw(t, "x"),
		Small: int32(rapid.IntRange(0, 3).Draw(t, "small")),
	}
	env.Client.Inner.Count = rapid.IntRange(0, 3).Draw(t, "inner")
	if rapid.Bool().Draw(t, "product") {
		env.Product = &nativeInner{
			Value: rapid.SampledFrom(floats).Draw(t, "value"),
			Count: rapid.IntRange(0, 3).Draw(t, "count"),
			End:   rapid.SampledFrom(times).Draw(t, "end"),
			Label: rapid.SampledFrom([]string{"", "ada"}).Draw(t, "label"),
		}
	}
	return env
}

// The closures agree with expr on every condition they decide, and a rule
// set that uses them gives the same hits and the same errors as one that
// leaves every condition to expr.
func TestPropertyNativeAgreesWithExpr(t *testing.T) {
	decided, nativeLeaves := 0, 0
	rapid.Check(t, func(t *rapid.T) {
		conds := rapid.SliceOfN(rapid.Custom(func(t *rapid.T) string { return genBool(t, 3) }), 1, 4).Draw(t, "conds")
		var src strings.Builder
		src.WriteString("ruleset n version 1\n")
		for i, c := range conds {
			fmt.Fprintf(&src, "rule r%d {\n  type \"t\"\n  let v = %s\n  when %s\n", i, genNumber(t, 2), c)
			fmt.Fprintf(&src, "  title \"n={%s} p={pct(%s)} r={round(%s)} v={v}\"\n", genNumber(t, 2), genNumber(t, 1), genNumber(t, 1))
			fmt.Fprintf(&src, "  urgency clamp(%s, 0, 1)\n}\n", genNumber(t, 2))
		}
		native, err := CompileRules[nativeEnv]([]byte(src.String()), WithReadEvidence())
		if err != nil {
			t.Skip("not a valid rule set:", err) // the generator can write type errors (x % 0.5)
		}
		ref, err := CompileRules[nativeEnv]([]byte(src.String()), WithReadEvidence(), exprOnly)
		if err != nil {
			t.Fatalf("compiles with closures but not without: %v", err)
		}
		env := genNativeEnv(t)
		for _, r := range native.rules {
			if r.leaf.urgency != nil && r.leaf.urgency.native != nil {
				nativeLeaves++
			}
			if r.when == nil || r.when.cond == nil {
				continue
			}
			nc := nctx{env: mem.Of(&env), now: nativeNow, memo: make([]memoSlot, native.memoSlots)}
			v, ok := r.when.cond(&nc)
			if !ok {
				continue
			}
			decided++
			want, err := CompileRules[nativeEnv]([]byte("ruleset one version 1\nrule x {\n  type \"t\"\n  when "+conditionOf(src.String(), r.id)+"\n}\n"), exprOnly)
			if err != nil {
				t.Fatal(err)
			}
			hits, err := want.Eval(env, nativeNow)
			if err == nil && v != (len(hits) == 1) {
				t.Fatalf("rule %s: closures say %v, expr says %v", r.id, v, len(hits) == 1)
			}
		}
		got, gotErr := native.Eval(env, nativeNow)
		want, wantErr := ref.Eval(env, nativeNow)
		if d := cmp.Diff(want, got, cmp.Comparer(func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) })); d != "" {
			t.Fatalf("hits differ (-expr +closures):\n%s\n%s", d, src.String())
		}
		if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("errors differ: closures %v, expr %v", gotErr, wantErr)
		}
	})
	if decided == 0 || nativeLeaves == 0 {
		t.Fatalf("the closures decided %d conditions and computed %d decisions: this test tests too little", decided, nativeLeaves)
	}
}

// conditionOf finds the when line of rule id in a generated source.
func conditionOf(src, id string) string {
	block := src[strings.Index(src, "rule "+id+" {"):]
	when := block[strings.Index(block, "when ")+len("when "):]
	return when[:strings.Index(when, "\n")]
}

// The closures take the conditions they can and leave the rest to expr
// whole.
func TestNativeCoverage(t *testing.T) {
	for _, tc := range []struct {
		when   string
		native bool
	}{
		{"product != nil && product.value < 0.5", true},
		{"between(age(client.birth), 30, 34) && client.score >= 1", true},
		{"client.birth.IsZero() || daysUntil(product.end) <= 14", true},
		{"client.name == \"ada\" ? n > 1 : x < 2.5", true},
		{"ratio(product.value, client.score) < 0.9 && clamp(x, 0, 1) == 1", true},
		{"small > 1", true},                          // int32 is read as an int
		{"client.name in [\"ada\", \"zed\"]", false}, // so is in
		{"len(client.name) > 2", false},              // and expr's own built-ins
	} {
		rs, err := CompileRules[nativeEnv]([]byte("ruleset c version 1\nrule r {\n  type \"t\"\n  when " + tc.when + "\n}\n"))
		if err != nil {
			t.Fatalf("%s: %v", tc.when, err)
		}
		if got := rs.rules[0].when.cond != nil; got != tc.native {
			t.Errorf("%s: native = %v, want %v", tc.when, got, tc.native)
		}
	}
}

// A call of a host function stays with expr, and still decides.
func TestNativeLeavesHostFunctionsToExpr(t *testing.T) {
	rs, err := CompileRules[nativeEnv]([]byte("ruleset c version 1\nrule r {\n  type \"t\"\n  when double(x) > 1\n}\n"),
		WithFunc1("double", func(a float64) float64 { return 2 * a }))
	if err != nil {
		t.Fatal(err)
	}
	if rs.rules[0].when.cond != nil {
		t.Fatal("a host function was compiled to closures")
	}
	hits, err := rs.Eval(nativeEnv{X: 1}, nativeNow)
	if err != nil || len(hits) != 1 {
		t.Fatalf("double(1) = 2 > 1 should fire: %v %v", hits, err)
	}
}

// The conjuncts of the rules' chains of ands are guards, shared under
// their keys: each is decided once, and the first false one decides every
// chain it is in. The hits and errors are those expr gives.
func TestChainGuards(t *testing.T) {
	src := `ruleset g version 1
rule a {
  type "a"
  when product != nil && product.value > 1
}
rule b {
  type "b"
  when product != nil && product.count > 1 && client.age > 30
}
rule c {
  type "c"
  when product != nil
}
rule d {
  type "d"
  when client.age > 30 && product.value > 1
}
`
	rs, err := CompileRules[nativeEnv]([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := []ruleGuards{{at: []int32{0, 1}, whole: true, runEnd: 2}, {at: []int32{0, 2, 3}, whole: true, runEnd: 2}, {}, {at: []int32{3, 1}, whole: true, runEnd: 4}}
	got := []ruleGuards{rs.rules[0].guards, rs.rules[1].guards, rs.rules[2].guards, rs.rules[3].guards}
	if len(rs.guards) != 4 || !cmp.Equal(want, got, cmp.AllowUnexported(ruleGuards{})) {
		t.Fatalf("guards: %d, rules' guards %+v, want 4 and %+v", len(rs.guards), got, want)
	}
	ref, err := CompileRules[nativeEnv]([]byte(src), exprOnly)
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range []nativeEnv{
		{Client: nativeClient{Age: 40}},
		{Client: nativeClient{Age: 40}, Product: &nativeInner{Value: 2, Count: 2}},
		{Client: nativeClient{Age: 20}, Product: &nativeInner{Value: 2, Count: 2}},
		{Client: nativeClient{Age: 40}, Product: &nativeInner{Value: 0, Count: 0}},
		{Client: nativeClient{Age: 20}, Product: &nativeInner{Value: math.NaN()}},
		{Client: nativeClient{Age: 40}, Product: &nativeInner{Value: math.NaN(), Count: 2}},
	} {
		got, gotErr := rs.Eval(env, nativeNow)
		want, wantErr := ref.Eval(env, nativeNow)
		if d := cmp.Diff(want, got); d != "" || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Errorf("%+v: hits differ (-expr +closures):\n%s\nerrors %v, %v", env, d, gotErr, wantErr)
		}
	}
}

// Rule sets whose chains share conjuncts in every order, with tests that
// fail (a nil product read without its guard, a NaN compared) before,
// between and after the others, decide every environment as expr alone
// does, in Eval and in Explain: a shared guard decided by one rule's chain
// never decides another's wrongly.
func TestChainGuardsAgreeWithExpr(t *testing.T) {
	atoms := []string{"product != nil", "product.value > 1", "product.count > 1", "client.age > 30",
		"client.flag", "client.score < 0.5", "client.name == \"ann\"", "x >= 0", "n % 2 == 0", "!client.flag",
		"small > 0"} // small is left to expr: a chain stops there
	rapid.Check(t, func(t *rapid.T) {
		var b strings.Builder
		b.WriteString("ruleset g version 1\n")
		rules := rapid.IntRange(1, 8).Draw(t, "rules")
		for i := range rules {
			conj := rapid.SliceOfN(rapid.SampledFrom(atoms), 1, 5).Draw(t, "conjuncts")
			fmt.Fprintf(&b, "rule r%d {\n  type \"t%d\"\n  when %s\n}\n", i, i, strings.Join(conj, " && "))
		}
		src := b.String()
		rs, err := CompileRules[nativeEnv]([]byte(src))
		if err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		ref, err := CompileRules[nativeEnv]([]byte(src), exprOnly)
		if err != nil {
			t.Fatal(err)
		}
		num := rapid.SampledFrom([]float64{0, 0.25, 1, 2, 40, -1, math.NaN()})
		for range 4 {
			env := nativeEnv{
				Client: nativeClient{Age: rapid.IntRange(20, 40).Draw(t, "age"), Flag: rapid.Bool().Draw(t, "flag"),
					Score: num.Draw(t, "score"), Name: rapid.SampledFrom([]string{"ann", "bob"}).Draw(t, "name")},
				N: rapid.IntRange(0, 3).Draw(t, "n"), X: num.Draw(t, "x"), Small: int32(rapid.IntRange(-1, 1).Draw(t, "small")),
			}
			if rapid.Bool().Draw(t, "product") {
				env.Product = &nativeInner{Value: num.Draw(t, "value"), Count: rapid.IntRange(0, 3).Draw(t, "count")}
			}
			got, gotErr := rs.Eval(env, nativeNow)
			want, wantErr := ref.Eval(env, nativeNow)
			if d := cmp.Diff(want, got); d != "" || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Fatalf("%s\n%+v: hits differ (-expr +closures):\n%s\nerrors %v\n       %v", src, env, d, wantErr, gotErr)
			}
			var explained []Hit
			failed := false
			for i := range rules {
				ex, err := rs.Explain(fmt.Sprint("r", i), env, nativeNow)
				if err != nil {
					t.Fatal(err)
				}
				explained = append(explained, ex.Hits...)
				failed = failed || ex.Err != ""
			}
			if failed != (gotErr != nil) || !cmp.Equal(explained, got, cmpopts.EquateEmpty()) {
				t.Fatalf("%s\n%+v: Explain %v (failed %v); Eval %v, %v", src, env, explained, failed, got, gotErr)
			}
		}
	})
}

// A value that rounds to zero is written without a sign, however it was
// computed: expr folds -0 into 0 in a program that also has 0, and a
// reader takes "-0" for a typo.
func TestNegativeZeroRendersAsZero(t *testing.T) {
	src := "ruleset z version 1\nrule z {\n  type \"z\"\n  title \"{round(x / -2)} {pct(x / -2)} {0 / -2}\"\n}\n"
	for _, opts := range [][]Option{nil, {exprOnly}} {
		rs, err := CompileRules[nativeEnv]([]byte(src), opts...)
		if err != nil {
			t.Fatal(err)
		}
		hits, err := rs.Eval(nativeEnv{X: 0.0001}, nativeNow)
		if err != nil || len(hits) != 1 || hits[0].Title != "0 0% 0" {
			t.Errorf("%v: %v %v", opts, hits, err)
		}
	}
}

// A standalone expression gives the same value and the same error with its
// closures as with expr alone, for every result type.
func TestPropertyNativeExprAgreesWithExpr(t *testing.T) {
	check := func(t *rapid.T, src string, env nativeEnv, eval func(opts ...Option) (any, bool, error)) {
		got, compiled, gotErr := eval()
		want, _, wantErr := eval(exprOnly)
		if !compiled {
			return
		}
		if d := cmp.Diff(want, got, cmp.Comparer(func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) })); d != "" || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Fatalf("%s: closures %v (%v), expr %v (%v)", src, got, gotErr, want, wantErr)
		}
	}
	rapid.Check(t, func(t *rapid.T) {
		env := genNativeEnv(t)
		cond, num := genBool(t, 2), genNumber(t, 2)
		check(t, cond, env, evalAs[bool](cond, env))
		check(t, num, env, evalAs[float64](num, env))
		check(t, num, env, evalAs[int](num, env))
		check(t, num, env, evalAs[any](num, env))
	})
}

// evalAs compiles src for result type R, with the options it is given, and
// evaluates it over env.
func evalAs[R any](src string, env nativeEnv) func(opts ...Option) (any, bool, error) {
	return func(opts ...Option) (any, bool, error) {
		e, err := Compile[nativeEnv, R](src, opts...)
		if err != nil {
			return nil, false, nil
		}
		v, err := e.Eval(env, nativeNow)
		return v, true, err
	}
}

// FuzzNativeAgreesWithExpr compiles arbitrary source with and without the
// closures, as any value and as a number, and evaluates it: the two must
// give the same value and the same error, and neither may panic.
func FuzzNativeAgreesWithExpr(f *testing.F) {
	for _, seed := range []string{
		"product != nil && between(age(client.birth), 30, 34) && product.value < 0.35",
		"ratio(product.value, client.score) < 0.9 ? pct(x) : client.name",
		"clamp(x * 2 - n / 3, 0, 1) ** 2 + round(-x) + abs(n % 3)",
		"client.birth.IsZero() || daysUntil(product.end) <= 14 && yearsBetween(client.birth, product.end) > 3",
		"client.Inner.count + product.count > 2 == !(client.flag)",
		"mean([x, client.score, n]) / 2 + max([product?.value ?? 0, 1])",
	} {
		f.Add(seed)
	}
	envs := []nativeEnv{{}, {Client: nativeClient{Age: 31, Score: math.NaN(), Name: "ada", Birth: nativeNow.AddDate(-31, 0, 0)},
		Product: &nativeInner{Value: 0.2, Count: 2, End: nativeNow.AddDate(0, 0, 10)}, N: -2, X: math.Inf(1)}}
	f.Fuzz(func(t *testing.T, src string) {
		// As a number too: a value known only when it runs is read
		// then, by both (number_result.go).
		if native, err := Compile[nativeEnv, float64](src); err == nil {
			ref, err := Compile[nativeEnv, float64](src, exprOnly)
			if err != nil {
				t.Fatalf("compiles as a number with closures but not without: %v", err)
			}
			for _, env := range envs {
				got, gotErr := native.Eval(env, nativeNow)
				want, wantErr := ref.Eval(env, nativeNow)
				if (got != want && !(math.IsNaN(got) && math.IsNaN(want))) || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
					t.Fatalf("%s as a number: closures %v (%v), expr %v (%v)", src, got, gotErr, want, wantErr)
				}
			}
		}
		native, err := Compile[nativeEnv, any](src)
		if err != nil {
			return
		}
		ref, err := Compile[nativeEnv, any](src, exprOnly)
		if err != nil {
			t.Fatalf("compiles with closures but not without: %v", err)
		}
		for _, env := range envs {
			got, gotErr := native.Eval(env, nativeNow)
			want, wantErr := ref.Eval(env, nativeNow)
			if reflect.ValueOf(want).Kind() == reflect.Func {
				continue // a method value: two funcs never compare equal
			}
			if d := cmp.Diff(want, got, cmp.Comparer(func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) })); d != "" || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Fatalf("%s: closures %v (%v), expr %v (%v)", src, got, gotErr, want, wantErr)
			}
		}
	})
}

// A date call the rules of a set repeat has one slot, so it is computed
// once an evaluation; hits and errors are those expr gives, a zero time
// included.
func TestDateCallsMemoized(t *testing.T) {
	src := `ruleset m version 1
rule a {
  type "a"
  when age(client.birth) >= 30 && daysUntil(product.end) < 20
  title "{age(client.birth)} years, {daysUntil(product.end)} days"
}
rule b {
  type "b"
  when between(age(client.birth), 20, 40)
}
rule c {
  type "c"
  when product != nil && daysUntil(product.end) > 5
}
`
	rs, err := CompileRules[nativeEnv]([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if rs.memoSlots != 2 {
		t.Fatalf("%d memo slots, want 2 (age and daysUntil)", rs.memoSlots)
	}
	ref, err := CompileRules[nativeEnv]([]byte(src), exprOnly)
	if err != nil {
		t.Fatal(err)
	}
	for _, env := range []nativeEnv{
		{Client: nativeClient{Birth: nativeNow.AddDate(-31, 0, 0)}, Product: &nativeInner{End: nativeNow.AddDate(0, 0, 10)}},
		{Client: nativeClient{Birth: nativeNow.AddDate(-25, 0, 0)}},
		{Product: &nativeInner{End: nativeNow.AddDate(0, 0, 10)}}, // no birth date: age fails, in every rule
	} {
		for range 2 { // a second evaluation on the same runner starts with no answers kept
			got, gotErr := rs.Eval(env, nativeNow)
			want, wantErr := ref.Eval(env, nativeNow)
			if d := cmp.Diff(want, got); d != "" || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Errorf("%+v: hits differ (-expr +closures):\n%s\nerrors %v, %v", env, d, gotErr, wantErr)
			}
		}
	}
}
