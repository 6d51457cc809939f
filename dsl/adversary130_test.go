package dsl

import (
	"encoding/json"
	"errors"
	"fmt"
	"github.com/engagekit/engagekit/internal/testguard"
	"math"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"
)

// Adversary 130: number statements typed any, read when the rule runs
// through __number (number_result.go, numbers.go normalizeNumbers,
// may_be.go). Every run is compared with expr alone (exprOnly) and with
// RuleSet.Explain.

// a130Guard runs f under a timeout, turning a panic into a failure.
func a130Guard(t *testing.T, f func()) {
	t.Helper()
	testguard.Run(t, 60*time.Second, f)
}

type a130Score float64
type a130Count uint8
type a130Flag bool

type a130Bad struct{}

func (a130Bad) String() string { panic("boom") }

type a130BadF float64

func (a130BadF) String() string { panic("boomf") }

type a130Cycle *a130Cycle

type a130Env struct {
	L  []float64       `expr:"l"`
	A  []any           `expr:"a"`
	M  map[string]any  `expr:"m"`
	N  int             `expr:"n"`
	P  *float64        `expr:"p"`
	PP **float64       `expr:"pp"`
	Ds []time.Duration `expr:"ds"`
	T  time.Time       `expr:"t"`
	S  string          `expr:"s"`
}

var a130Now = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

func a130Rule(urgency string) string {
	return "ruleset r version 1\nrule ra {\n  type \"a\"\n  urgency " + urgency + "\n}\n"
}

// a130Outcome is one evaluation of rule ra: its urgency, or its error.
type a130Outcome struct {
	compileErr error
	hits       []Hit
	err        error
}

func (o a130Outcome) String() string {
	if o.compileErr != nil {
		return "compile error: " + a130FirstLine(o.compileErr.Error())
	}
	s := ""
	for _, h := range o.hits {
		s += fmt.Sprintf("[%s u=%v s=%v o=%v]", h.Rule, h.Urgency, h.Sensitivity, h.Outputs)
	}
	if o.err != nil {
		s += " error: " + a130FirstLine(o.err.Error())
	}
	return s
}

func a130FirstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// a130Eval compiles src with the closures and with expr alone, evaluates
// both, and fails the test where they, or Explain of rule, disagree.
func a130Eval(t *testing.T, src string, env a130Env, rule string, opts ...Option) a130Outcome {
	t.Helper()
	var outs [2]a130Outcome
	for i, o := range [][]Option{opts, append(opts[:len(opts):len(opts)], exprOnly)} {
		rs, err := CompileRules[a130Env]([]byte(src), o...)
		if err != nil {
			outs[i] = a130Outcome{compileErr: err}
			continue
		}
		hits, err := rs.Eval(env, a130Now)
		outs[i] = a130Outcome{hits: hits, err: err}
		x, xerr := rs.Explain(rule, env, a130Now)
		if xerr != nil {
			t.Errorf("%q: Explain(%s): %v", src, rule, xerr)
			continue
		}
		fired := false
		for _, h := range hits {
			fired = fired || h.Rule == rule
		}
		if fired != x.Fired {
			t.Errorf("%q: Explain(%s) fired %v, Eval %v", src, rule, x.Fired, fired)
		}
		var de *Error
		if err != nil && errors.As(err, &de) && de.RuleID == rule && x.Err != err.Error() {
			t.Errorf("%q: Explain(%s) error %q, Eval's %q", src, rule, x.Err, err)
		}
	}
	if outs[0].String() != outs[1].String() {
		t.Errorf("%q: closures %s, expr alone %s", src, outs[0], outs[1])
	}
	return outs[0]
}

// DEFECT. A number statement whose value is a division (or %, **, ^) of a
// value typed any is refused, while the same with * or - compiles and is
// read by __number. normalizeNumbers decides on the checker's first type of
// `mean(l) / 2` (float64: expr types any / int as a float), so it does not
// wrap it in __number; the instrumenter then turns the division of an any
// into __arith(…, "/"), typed any, and the front end's final check refuses
// the statement. The float() hint that used to say how to write it is gone.
// Expected: `urgency mean(l) / 2` compiles and is 0.15 (as `mean(l) * 0.5`
// is); actual: "the urgency is interface; it must be a number". The same
// for p / 2 with p a *float64 field, m.k / 2, max(l) / 2, (mean(l) +
// max(l)) / 2, sum(a) / len(a), abs(m.k / 2), m.k ** 2, m.i % 2, a let
// bound to mean(l) / 2, a branch's sensitivity, and Compile[Env, float64].
func TestAdversary130_DivisionOfAnyNumberIsRefused(t *testing.T) {
	half := 0.5
	env := a130Env{L: []float64{0.2, 0.4}, A: []any{0.2, 0.4}, N: 1, P: &half, M: map[string]any{"k": 0.5, "i": 3}}
	a130Guard(t, func() {
		// expr's % takes integers: of a float known only when the rule
		// runs it fails then, naming the rule and the statement.
		if got := a130Eval(t, a130Rule("m.k % 1"), env, "ra"); got.compileErr != nil || got.err == nil || len(got.hits) != 0 {
			t.Errorf("urgency m.k %% 1 of 0.5: %s; want an evaluation error", got)
		}
		// Pinned: the multiplication and the subtraction are read.
		for u, want := range map[string]float64{"mean(l) * 0.5": 0.15000000000000002, "m.k * 2": 1, "1 - mean(l)": 0.7, "p * 2": 1} {
			got := a130Eval(t, a130Rule(u), env, "ra")
			if got.compileErr != nil || got.err != nil || len(got.hits) != 1 || got.hits[0].Urgency != want {
				t.Errorf("urgency %s: %s; want %v", u, got, want)
			}
		}
		for _, c := range []struct {
			urgency string
			want    float64
		}{
			{"mean(l) / 2", 0.15000000000000002},
			{"max(l) / 2", 0.2},
			{"m.k / 2", 0.25},
			{"p / 2", 0.25},
			{"(mean(l) + max(l)) / 2", 0.35000000000000003},
			{"sum(a) / len(a)", 0.30000000000000004},
			{"abs(m.k / 2)", 0.25},
			{"m.k ** 2", 0.25},
			{"m.k ^ 2", 0.25},
			{"m.i % 2", 1},
		} {
			got := a130Eval(t, a130Rule(c.urgency), env, "ra")
			if got.compileErr != nil || got.err != nil || len(got.hits) != 1 || math.Abs(got.hits[0].Urgency-c.want) > 1e-12 {
				t.Errorf("urgency %s: %s; want %v (as with * or -)", c.urgency, got, c.want)
			}
		}
		src := "ruleset r version 1\nrule ra {\n  type \"a\"\n  let r = mean(l) / 2\n  branch n > 0 {\n    sensitivity m.k / 2\n  }\n  urgency r\n}\n"
		if got := a130Eval(t, src, env, "ra"); got.compileErr != nil || got.err != nil || len(got.hits) != 1 || got.hits[0].Sensitivity != 0.25 {
			t.Errorf("let r = mean(l) / 2, sensitivity m.k / 2: %s; want urgency 0.15, sensitivity 0.25", got)
		}
		e, err := Compile[a130Env, float64]("m.k / 2")
		if err != nil {
			t.Errorf("Compile[Env, float64](m.k / 2): %v; want 0.25", a130FirstLine(err.Error()))
		} else if v, err := e.Eval(env, a130Now); err != nil || v != 0.25 {
			t.Errorf("Compile[Env, float64](m.k / 2): %v, %v; want 0.25", v, err)
		}
	})
}

// DEFECT. A number statement that is no number whatever the data must stay
// a compile error (dsl.ErrType), as first(["a", true]) and get(["a",
// true], n) are. These compile and fail on every evaluation: an index of a
// list literal of a string and a bool, a member of a map literal of a
// string, a string literal + anything (a string or a failure), a time minus
// anything (a duration or a failure), anything times a duration (a duration
// or a failure). mayBe reads every + - * as a number and an index or member
// by its checker type, any. Expected: ErrType at compile time; actual: the
// rule compiles, then fails with "the value is bool/string/time.Duration,
// not a number".
func TestAdversary130_NoNumberWhateverTheDataCompiles(t *testing.T) {
	env := a130Env{N: 1, S: "a", T: a130Now, M: map[string]any{"k": 0.5, "s": "x", "t": a130Now}}
	a130Guard(t, func() {
		// Pinned: the list literal is read through first and get.
		for _, u := range []string{`first(["a", true])`, `get(["a", true], n)`, `n > 0 ? "a" : true`} {
			if got := a130Eval(t, a130Rule(u), env, "ra"); !errors.Is(got.compileErr, ErrType) {
				t.Errorf("urgency %s: %s; want a type error", u, got)
			}
		}
		for _, u := range []string{`["a", true][n]`, `{k: "x"}.k`, `"a" + m.s`, `let x = "a"; x + m.s`, `t - m.t`, `m.k * duration("1s")`} {
			if got := a130Eval(t, a130Rule(u), env, "ra"); !errors.Is(got.compileErr, ErrType) {
				t.Errorf("urgency %s: %s; want a type error (it is no number whatever the data)", u, got)
			}
		}
	})
}

// DEFECT. __number refuses a time.Duration, which keeps its type and is no
// number for a number statement, but not a time.Month or a time.Weekday,
// which keep their types too (pureMethods) and which the static path
// refuses: `urgency t.Month()` is "the urgency is time.Month; it must be a
// number". The same month in a map of any is read as a number. Expected:
// `urgency m.month` (time.January) fails "the value is time.Month, not a
// number", as t.Month() is refused; actual: urgency 1.
func TestAdversary130_MonthInAnyIsANumber(t *testing.T) {
	env := a130Env{T: a130Now, M: map[string]any{"month": time.January, "day": time.Monday}}
	a130Guard(t, func() {
		if got := a130Eval(t, a130Rule("t.Month()"), env, "ra"); !errors.Is(got.compileErr, ErrType) {
			t.Errorf("urgency t.Month(): %s; want a type error", got)
		}
		for _, u := range []string{"m.month", "m.day"} {
			got := a130Eval(t, a130Rule(u), env, "ra")
			if got.compileErr != nil || len(got.hits) != 0 || got.err == nil || !strings.Contains(got.err.Error(), "not a number") {
				t.Errorf("urgency %s: %s; want an error saying it is not a number (as t.Month() is refused)", u, got)
			}
		}
	})
}

// Pinned: host values behind an any, read by __number, the closures and
// expr alone alike, Explain reporting Eval's error.
func TestAdversary130_HostValuesBehindAny(t *testing.T) {
	half := 0.5
	ph := &half
	var nilp *float64
	d := time.Second
	var cyc a130Cycle
	cyc = &cyc
	env := a130Env{N: 1, P: &half, PP: &ph, M: map[string]any{
		"score": a130Score(0.25), "f32": float32(0.7), "u64": uint64(1<<63 + 5), "u8": a130Count(1), "pp": &ph, "nilpp": &nilp,
		"pd": &d, "json": json.Number("0.5"), "big": big.NewFloat(0.5), "inf": math.Inf(1), "ninf": math.Inf(-1),
		"f32nan": float32(math.NaN()), "nan": math.NaN(), "flag": a130Flag(true), "c128": complex(0.5, 0), "bad": a130Bad{},
		"badf": a130BadF(0.5), "cyc": cyc, "two": 2.0,
	}}
	a130Guard(t, func() {
		for _, c := range []struct {
			urgency string
			want    float64
			err     string
		}{
			{"m.score", 0.25, ""},
			{"m.f32", 0.7, ""},
			{"m.u8", 1, ""},
			{"m.pp", 0.5, ""},
			{"pp", 0.5, ""},
			{"m.badf", 0.5, ""},
			{"m.u64", 0, "does not fit an int"},
			{"m.nilpp", 0, "nil"},
			{"m.pd", 0, "*time.Duration, not a number"},
			{"m.json", 0, "json.Number, not a number"},
			{"m.big", 0, "*big.Float, not a number"},
			{"m.inf", 0, "outside [0,1]"},
			{"m.ninf", 0, "outside [0,1]"},
			{"m.two", 0, "outside [0,1]"},
			{"m.nan", 0, "NaN"},
			{"m.f32nan", 0, "NaN"},
			{"m.flag", 0, "a130Flag, not a number"},
			{"m.c128", 0, "complex128, not a number"},
			{"m.bad", 0, "a130Bad, not a number"},
			{"m.cyc", 0, "points back at itself"},
		} {
			got := a130Eval(t, a130Rule(c.urgency), env, "ra")
			if c.err == "" {
				if got.compileErr != nil || got.err != nil || len(got.hits) != 1 || got.hits[0].Urgency != c.want {
					t.Errorf("urgency %s: %s; want %v", c.urgency, got, c.want)
				}
				continue
			}
			var de *Error
			if got.compileErr != nil || len(got.hits) != 0 || !errors.As(got.err, &de) || !strings.Contains(got.err.Error(), c.err) ||
				de.RuleID != "ra" || de.Statement != "urgency" || de.Line != 4 || de.Column != 11 {
				t.Errorf("urgency %s: %s; want an error of ra, urgency, 4:11 saying %q", c.urgency, got, c.err)
			}
		}
		if got := a130Eval(t, a130Rule("m.u64"), env, "ra"); !errors.Is(got.err, ErrOverflow) {
			t.Errorf("urgency m.u64: %s; want ErrOverflow", got)
		}
		// Clamped: ±Inf and 2 are clamped, NaN still fails.
		for u, want := range map[string]float64{"m.inf": 1, "m.ninf": 0, "m.two": 1} {
			got := a130Eval(t, a130Rule(u), env, "ra", WithClampedOutputs())
			if got.compileErr != nil || got.err != nil || len(got.hits) != 1 || got.hits[0].Urgency != want {
				t.Errorf("clamped urgency %s: %s; want %v", u, got, want)
			}
		}
		for _, u := range []string{"m.nan", "m.f32nan"} {
			if got := a130Eval(t, a130Rule(u), env, "ra", WithClampedOutputs()); got.err == nil || !strings.Contains(got.err.Error(), "NaN") {
				t.Errorf("clamped urgency %s: %s; want a NaN failure", u, got)
			}
		}
	})
}

// Pinned: decisions read in a number statement, a table's rows, a huge
// reduce or mean bounded by the budgets.
func TestAdversary130_DecisionsTablesBudgets(t *testing.T) {
	anyBig := make([]any, 1_100_000)
	for i := range anyBig {
		anyBig[i] = 0.0
	}
	env := a130Env{L: []float64{0.2, 0.4}, N: 1, M: map[string]any{"k": 0.5, "s": "x", "big": 100_000_000}}
	a130Guard(t, func() {
		for _, c := range []struct {
			src, rule, want, err string
		}{
			{"ruleset r version 1\nrule ra {\n  type \"a\"\n  output o mean(l)\n}\nrule rb {\n  type \"b\"\n  urgency ra.o\n  sensitivity ra.urgency\n}\n",
				"rb", "[ra u=0 s=0 o=map[o:0.30000000000000004]][rb u=0.30000000000000004 s=0 o=map[]]", ""},
			{"ruleset r version 1\nrule ra {\n  type \"a\"\n  emit false\n  when n > 5\n  output o m.k\n}\nrule rb {\n  type \"b\"\n  urgency ra.o ?? 0.2\n}\n",
				"rb", "[rb u=0.2 s=0 o=map[]]", ""},
			{"ruleset r version 1\nrule ra {\n  type \"a\"\n  emit false\n  when n > 5\n  output o m.k\n}\nrule rb {\n  type \"b\"\n  urgency ra.o\n}\n",
				"rb", "", "nil"},
			{"ruleset r version 1\nrule ra {\n  type \"a\"\n  emit false\n  output o m.s\n}\nrule rb {\n  type \"b\"\n  urgency ra.o\n}\n",
				"rb", "", "the value is string, not a number"},
			{"ruleset r version 1\ntable tt hit collect sum urgency {\n  type \"t\"\n  in n\n  row 1 => urgency m.k\n  row - => urgency mean(l)\n}\n",
				"tt", "[tt u=0.8 s=0 o=map[]]", ""},
			{"ruleset r version 1\ntable tt hit first {\n  type \"t\"\n  in n\n  row 1 => urgency m.s\n  row - => urgency 0.1\n}\n",
				"tt", "", "row 1, urgency: 5:20: the value is string, not a number"},
			{a130Rule("reduce(1..m.big, #acc + #, 0.0)"), "ra", "", "over the limit"},
			{a130Rule("mean(map(1..m.big, m.k))"), "ra", "", "over the limit"},
			{a130Rule("m.k ?? reduce(1..m.big, #acc + #)"), "ra", "[ra u=0.5 s=0 o=map[]]", ""},
		} {
			got := a130Eval(t, c.src, env, c.rule)
			s := got.String()
			if got.compileErr != nil || c.err == "" && (got.err != nil || s != c.want) || c.err != "" && (got.err == nil || !strings.Contains(got.err.Error(), c.err)) {
				t.Errorf("%q: %s; want %q, error %q", c.src, s, c.want, c.err)
			}
		}
		big := env
		big.A = anyBig
		for _, u := range []string{"reduce(a, #acc + #, 0.0)", "mean(a)", "max(a)", "median(a)"} {
			if got := a130Eval(t, a130Rule(u), big, "ra"); got.err == nil || !errors.Is(got.err, ErrLimit) {
				t.Errorf("urgency %s over %d elements: %s; want a limit error", u, len(anyBig), got)
			}
		}
	})
}

// Pinned: one rule set evaluated at once from several goroutines.
func TestAdversary130_Concurrent(t *testing.T) {
	a130Guard(t, func() {
		for _, o := range [][]Option{nil, {exprOnly}} {
			rs, err := CompileRules[a130Env]([]byte("ruleset r version 1\nrule ra {\n  type \"a\"\n  urgency m.k ?? mean(l)\n  sensitivity max(a)\n}\n"), o...)
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			errs := make(chan string, 64)
			for g := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range 300 {
						var env a130Env
						want := float64(i%10) / 10
						switch (g + i) % 3 {
						case 0:
							env = a130Env{M: map[string]any{"k": want}, A: []any{0.1}}
						case 1:
							env = a130Env{L: []float64{want}, A: []any{0.1}}
						case 2:
							env = a130Env{M: map[string]any{"k": "x"}, A: []any{0.1}}
						}
						hits, err := rs.Eval(env, a130Now)
						bad := (g+i)%3 == 2
						if bad != (err != nil) || !bad && (len(hits) != 1 || hits[0].Urgency != want || hits[0].Sensitivity != 0.1) {
							select {
							case errs <- fmt.Sprintf("goroutine %d, %d: %+v, %v", g, i, hits, err):
							default:
							}
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for e := range errs {
				t.Error(e)
			}
		}
	})
}
