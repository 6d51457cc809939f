package dsl

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/internal/testguard"
	"pgregory.net/rapid"
)

// Adversary 141: the paths that must compute one thing (the closures,
// expr alone, Eval and Explain, a rule set and a single expression) held
// to each other on random well- and ill-typed expressions.

var a141Now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// a141Nows are the evaluation times tried: the usual one, one in another
// zone just before midnight there, and the zero time.
var a141Nows = []time.Time{a141Now, time.Date(2026, 3, 1, 23, 59, 0, 0, time.FixedZone("X", -11*3600)), {}}

type a141Pence int64

type a141Q struct {
	V *float64 `expr:"v"`
	N int      `expr:"n"`
}

type a141Inner struct {
	V *float64 `expr:"v"`
	N int      `expr:"n"`
	S string   `expr:"s"`
	Q *a141Q   `expr:"q"`
}

type a141Env struct {
	F   float64            `expr:"f"`
	G   float64            `expr:"g"`
	I   int                `expr:"i"`
	J   int                `expr:"j"`
	I64 int64              `expr:"i64"`
	F32 float32            `expr:"f32"`
	PF  *float64           `expr:"pf"`
	B   bool               `expr:"b"`
	PB  *bool              `expr:"pb"`
	S   string             `expr:"s"`
	T   time.Time          `expr:"t"`
	D   time.Duration      `expr:"d"`
	L   []float64          `expr:"l"`
	LA  []any              `expr:"la"`
	M   map[string]any     `expr:"m"`
	MF  map[string]float64 `expr:"mf"`
	P   *a141Inner         `expr:"p"`
	Pe  a141Pence          `expr:"pe"`
	A   any                `expr:"a"`
}

var a141Floats = []float64{0, math.Copysign(0, -1), 0.5, 1, -3, 2.5, 1e308, -1e308, 5e-324, math.NaN(), math.Inf(1), math.Inf(-1), 9.223372036854776e18}
var a141Ints = []int{0, 1, -1, 2, 7, math.MaxInt, math.MinInt, 1 << 53, -(1 << 31)}

func a141GenEnv(t *rapid.T) a141Env {
	fl := rapid.SampledFrom(a141Floats)
	in := rapid.SampledFrom(a141Ints)
	e := a141Env{
		F: fl.Draw(t, "f"), G: fl.Draw(t, "g"), I: in.Draw(t, "i"), J: in.Draw(t, "j"),
		I64: int64(in.Draw(t, "i64")), F32: float32(fl.Draw(t, "f32")),
		B: rapid.Bool().Draw(t, "b"), S: rapid.SampledFrom([]string{"", "ab", "zed", "é"}).Draw(t, "s"),
		T:  rapid.SampledFrom([]time.Time{{}, a141Now, a141Now.AddDate(-40, 3, 0), a141Now.AddDate(0, 0, 9)}).Draw(t, "t"),
		D:  rapid.SampledFrom([]time.Duration{0, time.Hour, -time.Second, math.MaxInt64, math.MinInt64}).Draw(t, "d"),
		Pe: a141Pence(in.Draw(t, "pe")),
	}
	if rapid.Bool().Draw(t, "pf?") {
		v := fl.Draw(t, "pfv")
		e.PF = &v
	}
	if rapid.Bool().Draw(t, "pb?") {
		v := rapid.Bool().Draw(t, "pbv")
		e.PB = &v
	}
	switch rapid.IntRange(0, 3).Draw(t, "l?") {
	case 1:
		e.L = []float64{}
	case 2:
		e.L = []float64{fl.Draw(t, "l0")}
	case 3:
		e.L = []float64{fl.Draw(t, "l0"), fl.Draw(t, "l1"), fl.Draw(t, "l2")}
	}
	anyv := rapid.SampledFrom([]any{nil, 1, 2.5, math.NaN(), "x", true, -3, math.Inf(-1), math.Copysign(0, -1), a141Pence(4), float32(0.1), []any{1, 2}})
	switch rapid.IntRange(0, 2).Draw(t, "la?") {
	case 1:
		e.LA = []any{}
	case 2:
		e.LA = []any{anyv.Draw(t, "la0"), anyv.Draw(t, "la1")}
	}
	if rapid.Bool().Draw(t, "m?") {
		e.M = map[string]any{"n": anyv.Draw(t, "mn"), "s": anyv.Draw(t, "ms")}
	}
	if rapid.Bool().Draw(t, "mf?") {
		e.MF = map[string]float64{"k": fl.Draw(t, "mfk")}
	}
	if rapid.Bool().Draw(t, "p?") {
		e.P = &a141Inner{N: in.Draw(t, "pn"), S: "pq"}
		if rapid.Bool().Draw(t, "pv?") {
			v := fl.Draw(t, "pv")
			e.P.V = &v
		}
		if rapid.Bool().Draw(t, "pq?") {
			e.P.Q = &a141Q{N: in.Draw(t, "qn")}
			if rapid.Bool().Draw(t, "qv?") {
				v := fl.Draw(t, "qv")
				e.P.Q.V = &v
			}
		}
	}
	e.A = anyv.Draw(t, "a")
	return e
}

// a141Gen draws an expression of the kind asked ("n" number, "b" bool,
// "s" string, "l" list, "t" time, "d" duration), now and then of any
// other kind (an ill-typed one).
func a141Gen(t *rapid.T, kind string, depth int) string {
	if rapid.IntRange(0, 14).Draw(t, "wrong") == 0 {
		kind = rapid.SampledFrom([]string{"n", "b", "s", "l", "t", "d"}).Draw(t, "kind")
	}
	leaf := depth <= 0 || rapid.IntRange(0, 3).Draw(t, "leaf") == 0
	pick := func(xs ...string) string { return rapid.SampledFrom(xs).Draw(t, "pick") }
	g := func(k string) string { return a141Gen(t, k, depth-1) }
	switch kind {
	case "n":
		if leaf {
			return pick("f", "g", "i", "j", "i64", "f32", "pf", "pe", "a", `mf["k"]`, `m["n"]`, "p?.v", "p?.q?.v", "p.n", "p?.n",
				"0", "1", "-1", "0.5", "-0.0", "1e308", "5e-324", "9223372036854775807", "2", "len(l)", "l[0]", "la[0]")
		}
		switch rapid.IntRange(0, 13).Draw(t, "nop") {
		case 0, 1:
			return "(" + g("n") + " " + pick("+", "-", "*", "/", "%", "**") + " " + g("n") + ")"
		case 2:
			return "-" + g("n")
		case 3:
			// abs is left out of the generator (the -0 case is pinned apart): see TestAdversary141_AbsOfNegativeZero_Pinned.
			return pick("round", "floor", "ceil", "int", "float") + "(" + g("n") + ")"
		case 4:
			return pick("sum", "mean", "median", "max", "min", "len", "first", "last") + "(" + g("l") + ")"
		case 5:
			return pick("min", "max", "ratio") + "(" + g("n") + ", " + g("n") + ")"
		case 6:
			return "(" + g("b") + " ? " + g("n") + " : " + g("n") + ")"
		case 7:
			return "(" + g("n") + " ?? " + g("n") + ")"
		case 8:
			return "(let x = " + g("n") + "; " + strings.ReplaceAll(g("n"), "g", "x") + ")"
		case 9:
			return pick("daysSince", "daysUntil", "monthsSince", "age") + "(" + g("t") + ")"
		case 10:
			return pick("count("+g("l")+", # "+pick(">", "<", "==", "!=")+" "+g("n")+")",
				"reduce("+g("l")+", #acc + #, "+g("n")+")", "findIndex("+g("l")+", # > 0)")
		case 11:
			return "clamp(" + g("n") + ", " + g("n") + ", " + g("n") + ")"
		case 12:
			return pick("d.Hours()", "len("+g("s")+")", "yearsBetween("+g("t")+", "+g("t")+")")
		default:
			return g("n")
		}
	case "b":
		if leaf {
			return pick("b", "pb", "true", "false", "(p == nil)", "(pf == nil)", "(p?.q == nil)", `(m["s"] == nil)`, "(a == nil)", "(nil != pb)", "t.IsZero()")
		}
		switch rapid.IntRange(0, 11).Draw(t, "bop") {
		case 0, 1:
			return "(" + g("n") + " " + pick("<", "<=", ">", ">=", "==", "!=") + " " + g("n") + ")"
		case 2:
			return "(" + g("b") + " " + pick("&&", "||", "and", "or", "==", "!=") + " " + g("b") + ")"
		case 3:
			return pick("!", "not ") + g("b")
		case 4:
			return "(" + g("n") + " " + pick("in", "not in") + " " + g("l") + ")"
		case 5:
			return "(" + g("s") + " " + pick("contains", "startsWith", "endsWith", "==", "<", "in") + " " + g("s") + ")"
		case 6:
			return pick("all", "any", "none", "one") + "(" + g("l") + ", # " + pick(">", "==", "<=") + " " + g("n") + ")"
		case 7:
			return "(" + g("b") + " ? " + g("b") + " : " + g("b") + ")"
		case 8:
			return "(" + g("b") + " ?? " + g("b") + ")"
		case 9:
			return "between(" + g("n") + ", " + g("n") + ", " + g("n") + ")"
		case 10:
			return "(" + g("t") + " " + pick("<", ">=", "==", "!=") + " " + g("t") + ")"
		default:
			return "(" + g("d") + " " + pick("<", ">", "==") + " " + g("d") + ")"
		}
	case "s":
		if leaf {
			return pick("s", `""`, `"ab"`, "p?.s", `m["s"]`, "p.s")
		}
		switch rapid.IntRange(0, 4).Draw(t, "sop") {
		case 0:
			return "string(" + g("n") + ")"
		case 1:
			return "(" + g("s") + " + " + g("s") + ")"
		case 2:
			return pick("upper", "lower", "trim") + "(" + g("s") + ")"
		case 3:
			return "(" + g("b") + " ? " + g("s") + " : " + g("s") + ")"
		default:
			return pick("pct", "num") + "(" + g("n") + ")"
		}
	case "l":
		if leaf {
			return pick("l", "la", "[]", "[1, 2.5]", "[f, i]", "[pf, a]", "1..3", "[-0.0, 0]")
		}
		switch rapid.IntRange(0, 3).Draw(t, "lop") {
		case 0:
			return pick("sort", "uniq") + "(" + g("l") + ")"
		case 1:
			return "filter(" + g("l") + ", # " + pick(">", "!=") + " " + g("n") + ")"
		case 2:
			return "map(" + g("l") + ", # " + pick("*", "+", "/") + " " + g("n") + ")"
		default:
			return "[" + g("n") + ", " + g("n") + "]"
		}
	case "t":
		if leaf {
			return pick("t", "today", `date("2026-01-01")`)
		}
		return pick(g("t")+".AddDate(0, 1, 0)", "("+g("t")+" + "+g("d")+")")
	default: // "d"
		if leaf {
			return pick("d", `duration("1h")`)
		}
		return pick("("+g("d")+" * "+g("n")+")", "("+g("d")+" + "+g("d")+")", "("+g("t")+" - "+g("t")+")")
	}
}

// a141Canon writes a value so that two values are equal exactly when
// their texts are: NaN is NaN, -0 is not 0, and types count.
func a141Canon(v any) string {
	switch x := v.(type) {
	case nil:
		return "nil"
	case float64:
		switch {
		case x != x:
			return "f:NaN"
		case x == 0 && math.Signbit(x):
			return "f:-0"
		}
		return "f:" + strconv.FormatFloat(x, 'g', -1, 64)
	case float32:
		return "f32:" + a141Canon(float64(x))
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		parts := make([]string, rv.Len())
		for i := range parts {
			parts[i] = a141Canon(rv.Index(i).Interface())
		}
		return fmt.Sprintf("%T[%s]", v, strings.Join(parts, " "))
	case reflect.Map:
		var parts []string
		for _, k := range rv.MapKeys() {
			parts = append(parts, fmt.Sprint(k.Interface())+":"+a141Canon(rv.MapIndex(k).Interface()))
		}
		sort.Strings(parts)
		return fmt.Sprintf("%T{%s}", v, strings.Join(parts, " "))
	case reflect.Pointer:
		if rv.IsNil() {
			return fmt.Sprintf("(%T)nil", v)
		}
		return fmt.Sprintf("&%T", v) + a141Canon(rv.Elem().Interface())
	}
	return fmt.Sprintf("%T:%v", v, v)
}

var a141Sentinels = []error{ErrNaN, ErrEval, ErrLimit, ErrOverflow, ErrType, ErrSyntax, ErrUnknownName, ErrCancelled}

// a141Err writes an error as its sentinels and its first line.
func a141Err(err error) string {
	if err == nil {
		return ""
	}
	var kinds []string
	for _, s := range a141Sentinels {
		if errors.Is(err, s) {
			kinds = append(kinds, strings.TrimPrefix(s.Error(), "dsl: "))
		}
	}
	return "[" + strings.Join(kinds, ",") + "] " + strings.SplitN(err.Error(), "\n", 2)[0]
}

// a141Outcome is one path's answer: a compile error, or a value or an
// evaluation error, and what Explain said.
func a141Eval[R any](src string, envs []a141Env, only bool) []string {
	var opts []Option
	if only {
		opts = append(opts, exprOnly)
	}
	e, err := Compile[a141Env, R](src, opts...)
	if err != nil {
		return []string{"compile " + a141Err(err)}
	}
	out := make([]string, 0, len(envs))
	for _, env := range envs {
		for _, now := range a141Nows {
			v, err := e.Eval(env, now)
			s := "= " + a141Canon(v)
			if err != nil {
				s = "error " + a141Err(err)
			}
			x, xerr := e.Explain(env, now)
			if a141Err(xerr) != a141Err(err) {
				s += fmt.Sprintf(" | EXPLAIN error %q", a141Err(xerr))
			} else if xerr == nil && a141Canon(x.Value) != a141Canon(any(v)) {
				s += fmt.Sprintf(" | EXPLAIN value %s", a141Canon(x.Value))
			}
			out = append(out, s)
		}
	}
	return out
}

// a141Paths evaluates src every way and returns the disagreements.
func a141Paths(src string, envs []a141Env) []string {
	var bad []string
	check := func(what string, a, b []string) {
		for i := range a {
			if i >= len(b) || a[i] != b[i] || strings.Contains(a[i], "EXPLAIN") {
				other := ""
				if i < len(b) {
					other = b[i]
				}
				bad = append(bad, fmt.Sprintf("%s: env %d: closures %q, expr alone %q", what, i, a[i], other))
				return
			}
		}
		if len(a) != len(b) {
			bad = append(bad, fmt.Sprintf("%s: closures %q, expr alone %q", what, a, b))
		}
	}
	check("any", a141Eval[any](src, envs, false), a141Eval[any](src, envs, true))
	check("bool", a141Eval[bool](src, envs, false), a141Eval[bool](src, envs, true))
	check("float64", a141Eval[float64](src, envs, false), a141Eval[float64](src, envs, true))
	return bad
}

// a141Hits writes hits so that equal hits write alike.
func a141Hits(hits []Hit) string {
	var b strings.Builder
	for _, h := range hits {
		fmt.Fprintf(&b, "%s %q %q u=%s s=%s out=%s ev=[", h.Rule, h.Title, h.Message, a141Canon(h.Urgency), a141Canon(h.Sensitivity), a141Canon(h.Outputs))
		for _, e := range h.Evidence {
			fmt.Fprintf(&b, "%s:%s ", e.Name, a141Canon(e.Value))
		}
		b.WriteString("];")
	}
	return b.String()
}

// a141Files are the rule files src is tried in: as a condition, as a let,
// a title's part and a named output, and as an urgency.
func a141Files(src string) []string {
	return []string{
		"ruleset r version 1\nrule w {\n  type \"t\"\n  when " + src + "\n}\nrule w2 {\n  type \"t\"\n  when b && (" + src + ")\n}\nrule w3 {\n  type \"t\"\n  when b && !(" + src + ")\n}\n",
		"ruleset r version 1\nrule o {\n  type \"t\"\n  let x = " + src + "\n  when true\n  title \"{x}\"\n  output v " + src + "\n}\n",
		"ruleset r version 1\nrule u {\n  type \"t\"\n  when true\n  urgency clamp(" + src + ", 0, 1)\n  title \"{num(" + src + ")} {pct(" + src + ")} {money(" + src + ", \"GBP\")}\"\n}\n",
	}
}

// a141Rules evaluates src in rule sets with and without the closures, by
// Eval, AppendEvalWith and Explain, and says where they disagree.
func a141Rules(src string, envs []a141Env, nows []time.Time) []string {
	var bad []string
	for fi, file := range a141Files(src) {
		run := func(only bool) []string {
			opts := []Option{WithReadEvidence()}
			if only {
				opts = append(opts, exprOnly)
			}
			rs, err := CompileRules[a141Env]([]byte(file), opts...)
			if err != nil {
				return []string{"compile " + a141Err(err)}
			}
			var out []string
			for _, env := range envs {
				for _, now := range nows {
					hits, err := rs.Eval(env, now)
					hits2, err2 := rs.AppendEvalWith(context.Background(), nil, env, now, EvalOptions{})
					s, s2 := a141Hits(hits)+" "+a141Err(err), a141Hits(hits2)+" "+a141Err(err2)
					if s != s2 {
						bad = append(bad, fmt.Sprintf("file %d (expr alone %v): Eval %s, AppendEvalWith %s", fi, only, s, s2))
					}
					for _, r := range rs.Rules() {
						x, xerr := rs.Explain(r.ID, env, now)
						if xerr != nil {
							bad = append(bad, fmt.Sprintf("file %d: Explain(%s): %v", fi, r.ID, xerr))
							continue
						}
						fired, msg := false, ""
						for _, h := range hits {
							fired = fired || h.Rule == r.ID
						}
						for _, e := range Errors(err) {
							if e.RuleID == r.ID {
								msg = strings.SplitN(e.Error(), "\n", 2)[0]
							}
						}
						if x.Fired != fired || strings.SplitN(x.Err, "\n", 2)[0] != msg && !strings.HasPrefix(msg, strings.SplitN(x.Err, "\n", 2)[0]) {
							bad = append(bad, fmt.Sprintf("file %d (expr alone %v) rule %s: Eval fired %v %q, Explain fired %v %q", fi, only, r.ID, fired, msg, x.Fired, x.Err))
						}
						if x.Fired && a141Hits(x.Hits) != a141Hits(a141Only(hits, r.ID)) {
							bad = append(bad, fmt.Sprintf("file %d (expr alone %v) rule %s: Eval %s, Explain %s", fi, only, r.ID, a141Hits(a141Only(hits, r.ID)), a141Hits(x.Hits)))
						}
					}
					out = append(out, s)
				}
			}
			return out
		}
		a, b := run(false), run(true)
		for i := range a {
			if i >= len(b) || a[i] != b[i] {
				other := ""
				if i < len(b) {
					other = b[i]
				}
				bad = append(bad, fmt.Sprintf("file %d, run %d: closures %q, expr alone %q", fi, i, a[i], other))
				break
			}
		}
	}
	return bad
}

func a141Only(hits []Hit, id string) []Hit {
	var out []Hit
	for _, h := range hits {
		if h.Rule == id {
			out = append(out, h)
		}
	}
	return out
}

type a141Rec struct {
	testing.TB
	msgs []string
}

func (r *a141Rec) Helper() {}
func (r *a141Rec) Errorf(format string, args ...any) {
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

// Pinned: on random expressions of every kind, well-typed or not, the
// closures and expr alone agree for any, bool and float64 results, on
// compile-time acceptance, values and errors, and Explain with Eval.
func TestAdversary141_PathsAgree_Pinned(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		src := a141Gen(rt, rapid.SampledFrom([]string{"n", "b", "s", "l"}).Draw(rt, "top"), 3)
		envs := []a141Env{a141GenEnv(rt), a141GenEnv(rt), {}}
		var bad []string
		rec := &a141Rec{TB: t}
		testguard.Run(rec, 20*time.Second, func() { bad = a141Paths(src, envs) })
		bad = append(bad, rec.msgs...)
		if len(bad) > 0 {
			rt.Fatalf("%s\n%s", src, strings.Join(bad, "\n"))
		}
	})
}

// Pinned: a rule set decides as the single expression does, with and
// without the closures, by Eval and AppendEvalWith.
func TestAdversary141_RulesAgree_Pinned(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		src := a141Gen(rt, rapid.SampledFrom([]string{"n", "b"}).Draw(rt, "top"), 3)
		envs := []a141Env{a141GenEnv(rt), a141GenEnv(rt), {}}
		var bad []string
		rec := &a141Rec{TB: t}
		testguard.Run(rec, 20*time.Second, func() { bad = a141Rules(src, envs, a141Nows) })
		bad = append(bad, rec.msgs...)
		if len(bad) > 0 {
			rt.Fatalf("%s\n%s", src, strings.Join(bad, "\n"))
		}
	})
}

// Broken: abs of a negative zero depends on the road. The closures
// (native_calls.go:168, math.Abs) and abs of a value typed any
// (__arith's "abs", arith.go:329-331, math.Abs) give 0; abs of a value
// statically typed float64 left to expr (instrument.go:478-483 rewrites
// only an int's or an any's abs, so expr's builtin.Abs runs, which is
// `if x < 0 { return -x }; return x` and keeps -0) gives -0. So with
// f = -0.0:
//
//	abs(f)          closures 0, expr alone -0
//	abs(-0.0)       closures 0, expr alone -0
//	1 / abs(f) > 0  closures true, expr alone false (+Inf against -Inf)
//	abs(a), a = -0.0 (any)   0 on both paths, where abs(f) is -0 on expr
//	let x = f; abs(x)        -0 on both (the let is left to expr whole)
//
// and a rule `when 1 / abs(f) > 0` fires or not depending on whether
// its set was compiled with the closures. Expected: abs(-0) is 0 on
// every path and road (math.Abs), as the closures and __arith give it.
func TestAdversary141_AbsOfNegativeZero_Pinned(t *testing.T) {
	nz := math.Copysign(0, -1)
	env := a141Env{F: nz, A: nz}
	testguard.Run(t, 20*time.Second, func() {
		for _, src := range []string{"abs(f)", "abs(-0.0)", "1 / abs(f)", "1 / abs(f) > 0", "let x = f; abs(x)", "abs(a)"} {
			for _, only := range []bool{false, true} {
				got := a141Eval[any](src, []a141Env{env}, only)
				for _, g := range got {
					if strings.HasPrefix(g, "= f:-") || g == "= bool:false" {
						t.Errorf("%s (expr alone %v): %s, want abs(-0) = 0", src, only, g)
						break
					}
				}
			}
		}
		for _, bad := range a141Rules("1 / abs(f) > 0", []a141Env{env}, a141Nows[:1]) {
			t.Errorf("rule when 1 / abs(f) > 0, f = -0: %s", bad)
		}
	})
}

// Pinned: abs of the least int fails with ErrOverflow on both paths, and
// abs of the other numbers, NaN and ±Inf included, agrees.
func TestAdversary141_AbsAgrees_Pinned(t *testing.T) {
	testguard.Run(t, 20*time.Second, func() {
		for _, env := range []a141Env{{I: math.MinInt, Pe: math.MinInt, F: math.NaN()}, {I: -5, Pe: -3, F: math.Inf(-1)}, {I: 3, F: -2.5}} {
			for _, src := range []string{"abs(i)", "abs(pe)", "abs(f)", "abs(i) > 0", "-i", "-pe"} {
				a := a141Eval[any](src, []a141Env{env}, false)
				b := a141Eval[any](src, []a141Env{env}, true)
				if fmt.Sprint(a) != fmt.Sprint(b) {
					t.Errorf("%s: closures %q, expr alone %q", src, a, b)
				}
				if env.I == math.MinInt && src != "abs(f)" && !strings.Contains(a[0], "number out of range") {
					t.Errorf("%s of the least int: %q, want ErrOverflow", src, a[0])
				}
			}
		}
	})
}
