package dsl_test

// A second adversary's suite against the promises doc.go makes to an
// untrusted rule author. Every case is new relative to hostile_test.go; each
// runs on its own goroutine with a timeout and a recover, so a panic or hang
// fails that case only. Subtests are named kind/case:
//
//   panic     no panic escapes Compile, Eval, Explain, Explanation.String
//   explain   Explain agrees with Eval
//   bounded   steps, memory, time and cancellation are bounded
//   nan       NaN and nil never decide
//   reach     no method call, hidden field, clock or zone, host state
//   types     compile errors placed; type errors at compile time
//   numbers   named numbers, uint64, float32, formatting, dates

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
)

// ---------------------------------------------------------------------------
// The host.

type A2Money float64
type A2Count uint64

type A2Inner struct {
	Deep float64 `expr:"deep"`
}

// A2Emb is embedded by pointer in a2Env: its fields are promoted.
type A2Emb struct {
	Emb float64 `expr:"emb"`
}

type a2Client struct {
	Name  string  `expr:"name"`
	Rate  float64 `expr:"rate"`
	Flag  bool    `expr:"flag"`
	Token string  `expr:"-"`
	Bumps int     `expr:"bumps"`
}

// Bump changes host state: no rule may call it.
func (c *a2Client) Bump() int { c.Bumps++; return c.Bumps }

type a2Dec struct{ V float64 }

type a2Env struct {
	*A2Emb
	X    float64            `expr:"x"`
	Y    float64            `expr:"y"`
	N    int                `expr:"n"`
	Z    int                `expr:"z"`
	F32  float32            `expr:"f32"`
	M    A2Money            `expr:"cash"`
	U    uint64             `expr:"u"`
	UC   A2Count            `expr:"uc"`
	Us   []uint64           `expr:"us"`
	Xs   []float64          `expr:"xs"`
	Ms   []A2Money          `expr:"ms"`
	F32s []float32          `expr:"f32s"`
	Any  any                `expr:"any"`
	Anys []any              `expr:"anys"`
	MA   map[string]any     `expr:"ma"`
	MF   map[string]float64 `expr:"mf"`
	MU   map[string]uint64  `expr:"mu"`
	PF   *float64           `expr:"pf"`
	PP   **A2Inner          `expr:"pp"`
	In   *A2Inner           `expr:"inner"`
	C    *a2Client          `expr:"c"`
	S    string             `expr:"s"`
	T    time.Time          `expr:"t"`
	D    time.Duration      `expr:"d"`
	Dec  a2Dec              `expr:"dec"`
	Big  []int              `expr:"big"`
}

var a2Now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

var a2NaN = math.NaN()

// ---------------------------------------------------------------------------
// Harness.

type a2Case struct {
	name string
	run  func() error
}

func a2Guard(timeout time.Duration, fn func() error) error {
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				s := strings.Split(string(debug.Stack()), "\n")
				if len(s) > 20 {
					s = s[:20]
				}
				done <- fmt.Errorf("PANIC: %v\n%s", r, strings.Join(s, "\n"))
			}
		}()
		done <- fn()
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(timeout):
		return fmt.Errorf("HANG: no answer within %v", timeout)
	}
}

func a2Run(t *testing.T, kind string, cases []a2Case) {
	t.Helper()
	for _, c := range cases {
		t.Run(kind+"/"+c.name, func(t *testing.T) {
			if err := a2Guard(a2Timeout, c.run); err != nil {
				t.Error(err)
			}
		})
	}
}

func a2Kind(err error) string {
	switch {
	case err == nil:
		return "none"
	case errors.Is(err, dsl.ErrNaN):
		return "nan"
	case errors.Is(err, dsl.ErrLimit):
		return "limit"
	case errors.Is(err, dsl.ErrCancelled):
		return "cancelled"
	case errors.Is(err, dsl.ErrEval):
		return "eval"
	case errors.Is(err, dsl.ErrType):
		return "type"
	case errors.Is(err, dsl.ErrSyntax):
		return "syntax"
	case errors.Is(err, dsl.ErrUnknownName):
		return "unknown_name"
	}
	return "untyped"
}

func a2Short(err error) string {
	if err == nil {
		return "<nil>"
	}
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

// a2Explain runs Expr.Explain and String, catching a panic.
func a2Explain[E, R any](e *dsl.Expr[E, R], env E, now time.Time) (x *dsl.Explanation, text string, panicked string, err error) {
	func() {
		defer func() {
			if p := recover(); p != nil {
				panicked = fmt.Sprintf("PANIC in Explain: %v", p)
			}
		}()
		x, err = e.Explain(env, now)
		if x != nil && x.Root != nil {
			text = x.String()
		}
	}()
	return
}

// a2Agree compiles a bool expression, evaluates and explains it, and
// checks they agree; it returns Eval's answer.
func a2Agree(src string, env a2Env, opts ...dsl.Option) (bool, error, error) {
	return a2AgreeAt(src, env, a2Now, opts...)
}

func a2AgreeAt(src string, env a2Env, now time.Time, opts ...dsl.Option) (bool, error, error) {
	e, err := dsl.Compile[a2Env, bool](src, append([]dsl.Option{dsl.WithID("x")}, opts...)...)
	if err != nil {
		return false, nil, fmt.Errorf("SETUP: does not compile: %v", a2Short(err))
	}
	v, evalErr := e.Eval(env, now)
	x, _, p, xerr := a2Explain(e, env, now)
	if p != "" {
		return v, evalErr, errors.New(p)
	}
	if a2Kind(xerr) != a2Kind(evalErr) {
		return v, evalErr, fmt.Errorf("DISAGREE: Eval %v (%s), Explain error %s", v, a2Short(evalErr), a2Short(xerr))
	}
	if evalErr == nil && (x == nil || x.Root == nil || x.Root.Value != any(v)) {
		got := any(nil)
		if x != nil && x.Root != nil {
			got = x.Root.Value
		}
		return v, evalErr, fmt.Errorf("DISAGREE: Eval %v, Explain root %v", v, got)
	}
	return v, evalErr, nil
}

// a2Undecided: the expression over env must fail with ErrNaN or ErrEval
// (a NaN or nil chain must not decide it), in Eval and Explain alike.
func a2Undecided(src string, env a2Env, opts ...dsl.Option) func() error {
	return func() error {
		v, err, agree := a2Agree(src, env, opts...)
		if agree != nil {
			return agree
		}
		if err == nil {
			return fmt.Errorf("SILENT: %s = %v with no error; a NaN or nil chain decided it", src, v)
		}
		if k := a2Kind(err); k != "nan" && k != "eval" {
			return fmt.Errorf("WRONG KIND: %s", a2Short(err))
		}
		return nil
	}
}

// a2Want: the expression evaluates to want without error, in Eval and
// Explain alike.
func a2Want(src string, env a2Env, want bool, opts ...dsl.Option) func() error {
	return func() error {
		v, err, agree := a2Agree(src, env, opts...)
		if agree != nil {
			return agree
		}
		if err != nil || v != want {
			return fmt.Errorf("WRONG: %s = %v (%s), want %v", src, v, a2Short(err), want)
		}
		return nil
	}
}

// a2WantErr: the expression fails with an error of kind.
func a2WantErr(src string, env a2Env, kind string, opts ...dsl.Option) func() error {
	return func() error {
		v, err, agree := a2Agree(src, env, opts...)
		if agree != nil {
			return agree
		}
		if a2Kind(err) != kind {
			return fmt.Errorf("WRONG: %s = %v (%s, kind %s), want an error of kind %s", src, v, a2Short(err), a2Kind(err), kind)
		}
		return nil
	}
}

// a2TypeError expects src to be refused when it compiles, as a type
// error: a read through a pointer to a pointer, which expr's fetch cannot
// follow (it compiled, and failed every evaluation, until session 22).
func a2TypeError(src string) func() error {
	return func() error {
		_, err := dsl.Compile[a2Env, bool](src)
		var e *dsl.Error
		if !errors.As(err, &e) || e.Kind != dsl.KindType {
			return fmt.Errorf("WRONG: %s compiles to %v, want a type error", src, err)
		}
		return nil
	}
}

func a2File(stmts ...string) string {
	return "ruleset adv version 1\nrule r {\n  type \"t\"\n  " + strings.Join(stmts, "\n  ") + "\n}\n"
}

// a2RuleRun compiles a rule file, evaluates and explains rule r, checks
// they agree, and returns the hit and error of r.
func a2RuleRun(src string, env a2Env, opts ...dsl.Option) (*dsl.Hit, error, error) {
	rs, err := dsl.CompileRules[a2Env]([]byte(src), opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("SETUP: does not compile: %v", a2Short(err))
	}
	hits, evalErr := rs.Eval(env, a2Now)
	var h *dsl.Hit
	for i := range hits {
		if hits[i].Rule == "r" {
			h = &hits[i]
		}
	}
	var x *dsl.RuleExplanation
	var xerr error
	var p any
	func() {
		defer func() { p = recover() }()
		x, xerr = rs.Explain("r", env, a2Now)
		if x != nil {
			_ = x.String()
		}
	}()
	if p != nil {
		return h, evalErr, fmt.Errorf("PANIC in RuleSet.Explain: %v", p)
	}
	if xerr != nil {
		return h, evalErr, fmt.Errorf("Explain failed: %v", a2Short(xerr))
	}
	xErr := x.Err
	if xErr == "" && x.When != nil && x.When.Root != nil {
		xErr = x.When.Root.Err
	}
	if x.Fired != (h != nil) || (evalErr != nil) != (xErr != "") {
		return h, evalErr, fmt.Errorf("DISAGREE: Eval hit=%v err=%s; Explain fired=%v err=%q", h != nil, a2Short(evalErr), x.Fired, xErr)
	}
	if h != nil && len(x.Hits) > 0 && (h.Title != x.Hits[0].Title || h.Message != x.Hits[0].Message) {
		return h, evalErr, fmt.Errorf("DISAGREE: Eval title %q, Explain title %q", h.Title, x.Hits[0].Title)
	}
	return h, evalErr, nil
}

func a2RuleUndecided(src string, env a2Env, opts ...dsl.Option) func() error {
	return func() error {
		h, err, agree := a2RuleRun(src, env, opts...)
		if agree != nil {
			return agree
		}
		if h != nil {
			return fmt.Errorf("SILENT: rule fired (title %q) on a NaN or nil chain", h.Title)
		}
		if err == nil {
			return fmt.Errorf("SILENT: rule did not fire and reported no error")
		}
		return nil
	}
}

// ---------------------------------------------------------------------------
// nan: NaN and nil never decide.

func TestAdversary2NaN(t *testing.T) {
	nanX := a2Env{X: a2NaN, N: 1, Z: 1}
	nilIn := a2Env{N: 1}
	cases := []a2Case{
		// int() of NaN is some integer in Go, and the comparison sees no NaN.
		{"int_of_nan", a2Undecided(`!(int(x) > 0)`, nanX)},
		{"int_of_nan_eq", a2Undecided(`int(x) != 7`, nanX)},
		// max/min skip a NaN that is not first.
		{"max_nan_second", a2Undecided(`max(1, x) > 0.5`, nanX)},
		{"min_nan_second", a2Undecided(`min(1, x) < 2`, nanX)},
		{"max_list_nan", a2Undecided(`max(xs) > 0.5`, a2Env{Xs: []float64{1, a2NaN}})},
		{"min_list_nan", a2Undecided(`min(xs) < 2`, a2Env{Xs: []float64{1, a2NaN}})},
		{"median_nan", a2Undecided(`median(xs) > 0.5`, a2Env{Xs: []float64{1, a2NaN, 2}})},
		{"sort_first_nan", a2Undecided(`first(sort(xs)) > 0.5`, a2Env{Xs: []float64{1, a2NaN}})},
		{"max_named_list_nan", a2Undecided(`max(ms) > 0.5`, a2Env{Ms: []A2Money{1, A2Money(a2NaN)}})},
		{"max_float32_list_nan", a2Undecided(`max(f32s) > 0.5`, a2Env{F32s: []float32{1, float32(a2NaN)}})},
		// in with a NaN on the right.
		{"in_array_literal_nan", a2Undecided(`!(0.5 in [x])`, nanX)},
		{"not_in_slice_nan", a2Undecided(`0.5 not in xs`, a2Env{Xs: []float64{a2NaN}})},
		{"in_values_nan", a2Undecided(`!(0.5 in values(mf))`, a2Env{MF: map[string]float64{"k": a2NaN}})},
		// NaN of the host's own kinds.
		{"float32_field", a2Undecided(`!(f32 > 0.5)`, a2Env{F32: float32(a2NaN)})},
		{"named_float_field", a2Undecided(`!(cash > 0.5)`, a2Env{M: A2Money(a2NaN)})},
		{"any_float32", a2Undecided(`!(any > 0.5)`, a2Env{Any: float32(a2NaN)})},
		{"any_named_float", a2Undecided(`!(any > 0.5)`, a2Env{Any: A2Money(a2NaN)})},
		{"anys_named_float", a2Undecided(`!(anys[0] > 0.5)`, a2Env{Anys: []any{A2Money(a2NaN)}})},
		{"pointer_float", a2Undecided(`pf != nil && !(pf > 0.5)`, a2Env{PF: &a2NaN})},
		{"pointer_pointer", a2TypeError(`!(pp.deep > 0.5)`)},
		{"embedded_pointer", a2Undecided(`!(emb > 0.5)`, a2Env{A2Emb: &A2Emb{Emb: a2NaN}})},
		{"withNumber_nan", a2Undecided(`!(dec > 0.5)`, a2Env{}, dsl.WithNumber(func(d a2Dec) float64 { return a2NaN }))},
		{"host_named_float", a2Undecided(`!(g(1) > 0.5)`, a2Env{}, dsl.WithFunc1("g", func(float64) A2Money { return A2Money(a2NaN) }))},
		{"int_of_nan_in_let", a2RuleUndecided(a2File(`let k = int(x)`, `when k < 0`, `urgency 0.5`, `sensitivity 0.5`), nanX)},
		{"max_in_title", a2RuleUndecided(a2File(`when n > 0`, `title "{max(1, x)}"`, `urgency 0.5`, `sensitivity 0.5`), nanX)},
		{"max_in_urgency", a2RuleUndecided(a2File(`when n > 0`, `urgency max(0.5, x)`, `sensitivity 0.5`), nanX)},
		// Nil chains that are not themselves the operand.
		{"nil_chain_ternary", a2Undecided(`(n > 0 ? inner?.deep : 1) != 0.5`, nilIn)},
		{"nil_chain_coalesce_chain", a2Undecided(`(inner?.deep ?? inner?.deep) != 0.5`, nilIn)},
		{"nil_chain_array", a2Undecided(`[inner?.deep][0] != 0.5`, nilIn)},
		{"nil_chain_first", a2Undecided(`first([inner?.deep]) != 0.5`, nilIn)},
		{"nil_chain_in_right", a2Undecided(`!(0.5 in [inner?.deep])`, nilIn)},
		{"nil_chain_bool_not", a2Undecided(`!c?.flag`, nilIn)},
		{"nil_chain_bool_ternary", a2Undecided(`c?.flag ? false : true`, nilIn)},
		{"nil_chain_bool_or", a2Undecided(`c?.flag || n < 0 ? false : true`, nilIn)},
		{"nil_chain_max", a2Undecided(`max(1, inner?.deep) > 0.5`, nilIn)},
		{"nil_chain_let", a2RuleUndecided(a2File(`let r0 = n > 0 ? inner?.deep : 1.0`, `when r0 != 0.5`, `urgency 0.5`, `sensitivity 0.5`), nilIn)},
		{"nil_chain_string_ops", a2Undecided(`!(c?.name startsWith "a")`, nilIn)},
		{"nil_chain_contains", a2Undecided(`!(c?.name contains "a")`, nilIn)},
	}
	a2Run(t, "nan", cases)
}

// ---------------------------------------------------------------------------
// reach: no method call, no hidden field, no clock or zone.

func TestAdversary2Reach(t *testing.T) {
	noCall := func(src string, mk func(*a2Client) a2Env) func() error {
		return func() error {
			c := &a2Client{Name: "ann", Token: "TOKEN-a2"}
			env := mk(c)
			e, err := dsl.Compile[a2Env, bool](src, dsl.WithID("x"))
			if err != nil {
				return nil // refused at compile time: kept
			}
			v, evalErr := e.Eval(env, a2Now)
			_, _, _, _ = a2Explain(e, env, a2Now)
			if c.Bumps != 0 {
				return fmt.Errorf("REACH: %s compiled and called Bump %d times (Eval %v, %s)", src, c.Bumps, v, a2Short(evalErr))
			}
			return nil
		}
	}
	inAny := func(c *a2Client) a2Env { return a2Env{Any: c, N: 1} }
	inAnys := func(c *a2Client) a2Env { return a2Env{Anys: []any{c}, N: 1} }
	inMap := func(c *a2Client) a2Env { return a2Env{MA: map[string]any{"c": c}, N: 1} }
	field := func(c *a2Client) a2Env { return a2Env{C: c, S: "Bump", N: 1} }
	noSecret := func(src string) func() error {
		return func() error {
			c := &a2Client{Name: "ann", Token: "TOKEN-a2"}
			env := a2Env{Any: c, C: c, MA: map[string]any{"c": c}, S: "Token"}
			e, err := dsl.Compile[a2Env, string](src, dsl.WithID("x"))
			if err != nil {
				return nil
			}
			v, _ := e.Eval(env, a2Now)
			_, text, _, _ := a2Explain(e, env, a2Now)
			if strings.Contains(v, "TOKEN-a2") || strings.Contains(text, "TOKEN-a2") {
				return fmt.Errorf("REACH: %s revealed the expr:\"-\" field: %q", src, v)
			}
			return nil
		}
	}
	noZone := func(src string, env a2Env) func() error {
		return func() error {
			e, err := dsl.Compile[a2Env, bool](src, dsl.WithID("x"))
			if err != nil {
				return nil
			}
			v, err := e.Eval(env, a2Now)
			if err == nil {
				return fmt.Errorf("REACH: %s compiled and ran (= %v): a method that reads the local zone or the clock", src, v)
			}
			return nil
		}
	}
	cases := []a2Case{
		{"method_through_any", noCall(`any.Bump() > 0`, inAny)},
		{"method_through_any_slice", noCall(`anys[0].Bump() > 0`, inAnys)},
		{"method_through_map_any", noCall(`ma.c.Bump() > 0`, inMap)},
		{"method_through_predicate_any", noCall(`any(anys, {#.Bump() > 0})`, inAnys)},
		{"method_value_get", noCall(`let f = get(c, "Bump"); f() > 0`, field)},
		{"method_dynamic_index", noCall(`c["Bu" + "mp"]() > 0`, field)},
		{"method_index_field", noCall(`c[s]() > 0`, field)},
		{"secret_through_any", noSecret(`any.Token`)},
		{"secret_dynamic_index", noSecret(`c["To" + "ken"]`)},
		{"secret_get", noSecret(`get(c, "Token")`)},
		{"secret_get_field_key", noSecret(`get(c, s)`)},
		{"zone_local_through_any", noZone(`any.Local().Hour() >= 0`, a2Env{Any: a2Now})},
		{"zone_in_through_any", noZone(`any.Zone() != ""`, a2Env{Any: a2Now})},
		{"clock_reserved_let_now", func() error {
			// A rule that declares __now itself would choose the evaluation time.
			e, err := dsl.Compile[a2Env, int](`let __now = t; daysSince(date("2000-01-01"))`, dsl.WithID("x"))
			if err != nil {
				return nil
			}
			v, err := e.Eval(a2Env{T: time.Date(2000, 1, 11, 0, 0, 0, 0, time.UTC)}, a2Now)
			return fmt.Errorf("REACH: a rule bound the reserved __now and compiled (= %v, %s)", v, a2Short(err))
		}},
		{"gov_reserved_let", func() error {
			e, err := dsl.Compile[a2Env, bool](`let __gov = 1; all(1..3, {# > 0})`, dsl.WithID("x"))
			if err != nil {
				return nil
			}
			v, err := e.Eval(a2Env{}, a2Now)
			return fmt.Errorf("REACH: a rule bound the reserved __gov and compiled (= %v, %s)", v, a2Short(err))
		}},
	}
	a2Run(t, "reach", cases)
}

// ---------------------------------------------------------------------------
// bounded: steps, memory, time, cancellation.

// a2Timeout is the hang detector of every case: generous, since CI runs
// other packages' tests beside these, and more so under the race detector.
var a2Timeout = map[bool]time.Duration{false: 3 * time.Second, true: 30 * time.Second}[raceEnabled]

func TestAdversary2Bounded(t *testing.T) {
	if raceEnabled {
		// The race detector slows evaluation ten-fold or more, and these
		// cases are bounded in time; the plain test run checks them.
		t.Skip("time-bounded cases are not run under the race detector")
	}
	// wantBounded: with a 100 ms deadline the evaluation ends within 1 s,
	// with ErrLimit or a cancellation.
	wantBounded := func(src string, env a2Env) func() error {
		return func() error {
			e, err := dsl.Compile[a2Env, bool](src, dsl.WithID("x"))
			if err != nil {
				if errors.Is(err, dsl.ErrLimit) {
					return nil
				}
				return fmt.Errorf("SETUP: %v", a2Short(err))
			}
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			start := time.Now()
			v, err := e.EvalContext(ctx, env, a2Now)
			took := time.Since(start)
			switch {
			case took > 3*time.Second: // a hang detector: a busy CI machine runs other tests beside this
				return fmt.Errorf("UNBOUNDED: ran %v past a 50 ms deadline (= %v, %s)", took.Round(time.Millisecond), v, a2Short(err))
			case err == nil:
				return fmt.Errorf("UNBOUNDED: answered %v in %v, no limit hit", v, took.Round(time.Millisecond))
			}
			return nil
		}
	}
	// wantLimit: the evaluation must fail with ErrLimit (what it builds is
	// over the memory budget).
	wantLimit := func(src string, env a2Env) func() error {
		return func() error {
			e, err := dsl.Compile[a2Env, bool](src, dsl.WithID("x"))
			if err != nil {
				if errors.Is(err, dsl.ErrLimit) {
					return nil
				}
				return fmt.Errorf("SETUP: %v", a2Short(err))
			}
			v, err := e.Eval(env, a2Now)
			if !errors.Is(err, dsl.ErrLimit) {
				return fmt.Errorf("UNBOUNDED: = %v (%s); it built more than the memory budget without ErrLimit", v, a2Short(err))
			}
			return nil
		}
	}
	rep := func(part, sep string, n int) string {
		return strings.TrimSuffix(strings.Repeat(part+sep, n), sep)
	}
	cases := []a2Case{
		// Built-ins that loop over a list without a predicate take no steps.
		{"cpu_median_of_range", wantBounded(`let a = 1..900000; `+rep("median(a)", " + ", 3)+` > 0`, a2Env{})},
		{"cpu_sum_of_range", wantBounded(`let a = 1..900000; `+rep("sum(a)", " + ", 3)+` > 0`, a2Env{})},
		{"cpu_in_range_list", wantBounded(`let a = 1..900000; `+rep("-1 in a", " || ", 15), a2Env{})},
		{"cpu_sort_reverse", wantBounded(`let a = 1..900000; `+rep("len(sort(reverse(a)))", " + ", 2)+` > 0`, a2Env{})},
		{"cpu_regex", wantBounded(`repeat("a", 30000) matches "(a?){300}a{300}b"`, a2Env{})},
		// Lists built by built-ins are not charged.
		{"mem_concat_let", wantLimit(`let a = 1..100000; len(concat(`+rep("a", ", ", 12)+`)) > 0`, a2Env{})},
		{"mem_flatten_map", wantLimit(`let a = 1..20000; len(flatten(map(1..60, {a}))) > 0`, a2Env{})},
		{"mem_concat_doubling", wantLimit(`let a = 1..50000; let l2 = concat(a, a); let l3 = concat(l2, l2); let l4 = concat(l3, l3); `+
			`let l5 = concat(l4, l4); let l6 = concat(l5, l5); len(l6) > 0`, a2Env{})},
		{"mem_title_parts", func() error {
			part := `{repeat(s, 6000000)}`
			src := a2File(`when n > 0`, `title "`+strings.Repeat(part, 5)+`"`, `urgency 0.5`, `sensitivity 0.5`)
			rs, err := dsl.CompileRules[a2Env]([]byte(src))
			if err != nil {
				return fmt.Errorf("SETUP: %v", a2Short(err))
			}
			hits, err := rs.Eval(a2Env{N: 1, S: "ab"}, a2Now)
			if !errors.Is(err, dsl.ErrLimit) {
				n := 0
				if len(hits) > 0 {
					n = len(hits[0].Title)
				}
				return fmt.Errorf("UNBOUNDED: a title of %d MB built in one rule (budget 16 MB), err %s", n>>20, a2Short(err))
			}
			return nil
		}},
		{"cancelled_ruleset_before_start", func() error {
			rs, err := dsl.CompileRules[a2Env]([]byte(a2File(`when n > 0`, `urgency 0.5`, `sensitivity 0.5`)))
			if err != nil {
				return err
			}
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			hits, err := rs.EvalContext(ctx, a2Env{N: 1}, a2Now)
			if !errors.Is(err, dsl.ErrCancelled) || len(hits) > 0 {
				return fmt.Errorf("WRONG: a cancelled context gave %d hits (%s)", len(hits), a2Short(err))
			}
			return nil
		}},
	}
	a2Run(t, "bounded", cases)
}

// ---------------------------------------------------------------------------
// panic and explain: odd environments.

func TestAdversary2Panic(t *testing.T) {
	cases := []a2Case{
		{"pointer_pointer_to_nil", a2TypeError(`pp.deep > 0`)},
		{"pointer_pointer_nil", a2TypeError(`pp.deep > 0`)},
		{"embedded_nil_pointer", a2WantErr(`emb > 0`, a2Env{}, "eval")},
		{"embedded_nil_pointer_guarded_or", a2Want(`n > 0 || emb > 0`, a2Env{N: 1}, true)},
		{"embedded_nil_in_title", func() error {
			_, err, agree := a2RuleRun(a2File(`when n > 0`, `title "{emb}"`, `urgency 0.5`, `sensitivity 0.5`), a2Env{N: 1})
			if agree != nil {
				return agree
			}
			if err == nil {
				return fmt.Errorf("WRONG: a title through a nil embedded pointer gave no error")
			}
			return nil
		}},
		{"int_mod_zero", a2WantErr(`n % z > 0`, a2Env{N: 5}, "eval")},
		{"int_mod_zero_rule", func() error {
			_, err, agree := a2RuleRun(a2File(`when n % z > 0`, `urgency 0.5`, `sensitivity 0.5`), a2Env{N: 5})
			if agree != nil {
				return agree
			}
			if err == nil {
				return fmt.Errorf("WRONG: n %% 0 gave no error")
			}
			return nil
		}},
		{"typed_nil_in_any", a2WantErr(`any.name == "x"`, a2Env{Any: (*a2Client)(nil)}, "eval")},
		{"func_in_any_equal", func() error {
			_, _, agree := a2Agree(`any == any`, a2Env{Any: func() {}})
			return agree
		}},
		{"map_in_any_compare", func() error {
			_, _, agree := a2Agree(`any == anys`, a2Env{Any: map[string]int{"a": 1}, Anys: []any{map[string]int{}}})
			return agree
		}},
		{"withNumber_panics", func() error {
			_, err, agree := a2Agree(`dec > 1`, a2Env{}, dsl.WithNumber(func(d a2Dec) float64 { panic("host conversion broke") }))
			if agree != nil {
				return agree
			}
			if err == nil {
				return fmt.Errorf("WRONG: no error from a panicking conversion")
			}
			return nil
		}},
		{"withNumber_panics_rule", func() error {
			_, err, agree := a2RuleRun(a2File(`when dec > 1`, `urgency 0.5`, `sensitivity 0.5`), a2Env{},
				dsl.WithNumber(func(d a2Dec) float64 { panic("host conversion broke") }))
			if agree != nil {
				return agree
			}
			if err == nil {
				return fmt.Errorf("WRONG: no error from a panicking conversion")
			}
			return nil
		}},
		{"host_func_panics_rule", func() error {
			_, err, agree := a2RuleRun(a2File(`when g(x) > 1`, `urgency 0.5`, `sensitivity 0.5`), a2Env{},
				dsl.WithFunc1("g", func(float64) float64 { panic("host broke") }))
			if agree != nil {
				return agree
			}
			if err == nil {
				return fmt.Errorf("WRONG: no error from a panicking host function")
			}
			return nil
		}},
		{"float32_extremes", a2Want(`f32 > 0 && f32s[0] > 0 && f32s[1] > 0`,
			a2Env{F32: math.MaxFloat32, F32s: []float32{math.SmallestNonzeroFloat32, math.MaxFloat32}}, true)},
		{"explain_string_odd_values", func() error {
			e, err := dsl.Compile[a2Env, bool](`any != nil && ma != nil && (anys == nil || len(anys) >= 0)`, dsl.WithID("x"))
			if err != nil {
				return err
			}
			ch := make(chan int)
			env := a2Env{Any: ch, MA: map[string]any{"f": func() {}, "c": ch}, Anys: []any{nil, math.Inf(1), a2NaN}}
			_, _, p, _ := a2Explain(e, env, a2Now)
			if p != "" {
				return errors.New(p)
			}
			return nil
		}},
		{"zero_time_eval_time", func() error {
			_, _, agree := a2AgreeAt(`today >= date("2026-04-05") || daysSince(t) > 0`, a2Env{T: a2Now}, time.Time{})
			return agree
		}},
		{"date_of_field_runtime", a2WantErr(`date(s) > today`, a2Env{S: "not a date"}, "eval")},
	}
	a2Run(t, "panic", cases)
}

// ---------------------------------------------------------------------------
// numbers and formatting.

func TestAdversary2Numbers(t *testing.T) {
	title := func(tmpl string, env a2Env, want string, opts ...dsl.Option) func() error {
		return func() error {
			h, err, agree := a2RuleRun(a2File(`when true`, `title "`+tmpl+`"`, `urgency 0.5`, `sensitivity 0.5`), env, opts...)
			if agree != nil {
				return agree
			}
			if err != nil || h == nil {
				return fmt.Errorf("WRONG: title %s failed: %s", tmpl, a2Short(err))
			}
			if h.Title != want {
				return fmt.Errorf("WRONG: title %s = %q, want %q", tmpl, h.Title, want)
			}
			return nil
		}
	}
	noExponent := func(tmpl string, env a2Env) func() error {
		return func() error {
			h, err, agree := a2RuleRun(a2File(`when true`, `title "`+tmpl+`"`, `urgency 0.5`, `sensitivity 0.5`), env)
			if agree != nil {
				return agree
			}
			if err != nil || h == nil {
				return nil // refusing is fine
			}
			if strings.ContainsAny(h.Title, "eE") {
				return fmt.Errorf("WRONG: %s written in exponent form: %q", tmpl, h.Title)
			}
			return nil
		}
	}
	maxU := a2Env{U: math.MaxUint64, UC: math.MaxUint64, Us: []uint64{math.MaxUint64}, MU: map[string]uint64{"k": math.MaxUint64}}
	cases := []a2Case{
		{"uint64_max_field", a2WantErr(`!(u > 0)`, maxU, "eval")},
		{"uint64_max_named", a2WantErr(`!(uc > 0)`, maxU, "eval")},
		{"uint64_max_slice", a2WantErr(`!(us[0] > 0)`, maxU, "eval")},
		{"uint64_max_sum", a2WantErr(`!(sum(us) > 0)`, maxU, "eval")},
		{"uint64_max_map", a2WantErr(`!(mu.k > 0)`, maxU, "eval")},
		{"uint64_max_in_title", func() error {
			h, err, agree := a2RuleRun(a2File(`when true`, `title "{u}"`, `urgency 0.5`, `sensitivity 0.5`), maxU)
			if agree != nil {
				return agree
			}
			if err == nil {
				return fmt.Errorf("WRONG: uint64 max interpolated as %q with no error", h.Title)
			}
			return nil
		}},
		{"uint64_max_rule", func() error {
			h, err, agree := a2RuleRun(a2File(`when u < 5`, `urgency 0.5`, `sensitivity 0.5`), maxU)
			if agree != nil {
				return agree
			}
			if h != nil || err == nil {
				return fmt.Errorf("WRONG: u < 5 over uint64 max: hit=%v err=%s", h != nil, a2Short(err))
			}
			return nil
		}},
		{"float32_title", title(`{f32}`, a2Env{F32: 0.1}, "0.1")},
		{"float32_slice_title", title(`{f32s[0]}`, a2Env{F32s: []float32{0.9}}, "0.9")},
		{"float32_sum_eq", a2Want(`sum(f32s) == 1.0`, a2Env{F32s: []float32{0.1, 0.9}}, true)},
		{"float32_max_eq", a2Want(`max(f32s) == 0.9`, a2Env{F32s: []float32{0.1, 0.9}}, true)},
		{"float32_in_list", a2Want(`f32 in [0.1, 0.2]`, a2Env{F32: 0.1}, true)},
		{"float32_any_eq", a2Want(`any == 0.1`, a2Env{Any: float32(0.1)}, true)},
		{"named_float_any_eq", a2Want(`any > 1`, a2Env{Any: A2Money(2)}, true)},
		{"exponent_1e21", noExponent(`{x}`, a2Env{X: 1e21})},
		{"exponent_max_float", noExponent(`{x}`, a2Env{X: math.MaxFloat64})},
		{"words_min_duration", title(`{words(d)}`, a2Env{D: time.Duration(math.MinInt64)}, "-106751 days 23 hours")},
		{"money_negative_zero_locale", title(`{money(x, \"EUR\")}`, a2Env{X: -0.001}, "€0·00",
			dsl.WithLocale(dsl.Locale{Decimal: "·"}))},
		{"money_negative_zero_locale_after", title(`{money(x, \"EUR\")}`, a2Env{X: -0.004}, "0'00 €",
			dsl.WithLocale(dsl.Locale{Decimal: "'", SymbolAfter: true}))},
		{"num_negative_zero_locale", title(`{num(x, 1)}`, a2Env{X: -0.01}, "0.0")},
		// Year one is Go's zero time, which the dsl reads as missing data: a
		// literal so early is refused when the rule is compiled.
		{"date_literal_year_one", func() error {
			_, err := dsl.Compile[a2Env, bool](`daysUntil(date("0001-01-01")) < 0`)
			var de *dsl.Error
			if !errors.As(err, &de) || de.Kind != dsl.KindType || de.Line == 0 {
				return fmt.Errorf("WRONG: want a placed compile error, got %v", err)
			}
			return nil
		}},
		{"date_of_t_in_eval_zone", func() error {
			// t is 23:30 UTC on 5 Apr; in the evaluation zone (UTC+10) it is 6 Apr,
			// which is the day daysUntil counts.
			zone := time.FixedZone("AEST", 10*3600)
			now := time.Date(2026, 4, 6, 12, 0, 0, 0, zone)
			env := a2Env{T: time.Date(2026, 4, 5, 23, 30, 0, 0, time.UTC), N: 1}
			e, err := dsl.Compile[a2Env, string](`date(t) + " / " + string(daysUntil(t))`, dsl.WithID("x"))
			if err != nil {
				return err
			}
			v, err := e.Eval(env, now)
			if err != nil || v != "6 Apr 2026 / 0" {
				return fmt.Errorf("WRONG: date(t) and daysUntil(t) read different days: %q (%s)", v, a2Short(err))
			}
			return nil
		}},
		{"today_zone_explain", func() error {
			zone := time.FixedZone("X", -11*3600)
			_, _, agree := a2AgreeAt(`today == date("2026-11-23")`, a2Env{}, a2Now.In(zone))
			return agree
		}},
	}
	a2Run(t, "numbers", cases)
}

// ---------------------------------------------------------------------------
// types: compile errors placed, type errors at compile time.

func TestAdversary2Types(t *testing.T) {
	wantCompileType := func(src string) func() error {
		return func() error {
			e, err := dsl.Compile[a2Env, bool](src, dsl.WithID("x"))
			if err == nil {
				_, evalErr := e.Eval(a2Env{Xs: []float64{1, 2}, Anys: []any{1}, S: "a"}, a2Now)
				return fmt.Errorf("RUNTIME: %s compiled; its type error surfaces only when run: %s", src, a2Short(evalErr))
			}
			var de *dsl.Error
			for _, l := range a2Leaves(err) {
				if errors.As(l, &de) && (de.RuleID == "" || de.Line == 0) {
					return fmt.Errorf("UNPLACED: %v", a2Short(l))
				}
			}
			return nil
		}
	}
	wantPlaced := func(src string, line int) func() error {
		return func() error {
			_, err := dsl.CompileRules[a2Env]([]byte(src))
			if err == nil {
				return fmt.Errorf("RUNTIME: the rule file compiled")
			}
			for _, l := range a2Leaves(err) {
				var de *dsl.Error
				if !errors.As(l, &de) || de.RuleID != "r" || de.Line != line || de.Column == 0 || de.Statement == "" {
					return fmt.Errorf("UNPLACED: want rule r, a statement, line %d and a column: %v", line, a2Short(l))
				}
			}
			return nil
		}
	}
	cases := []a2Case{
		{"join_floats", wantCompileType(`join(xs, ",") == "1,2"`)},
		{"join_floats_one_arg", wantCompileType(`len(join(xs)) > 0`)},
		{"num_float_decimals", wantCompileType(`num(x, 2.5) == "1"`)},
		{"words_of_int", wantCompileType(`words(n) == "x"`)},
		{"date_of_int", wantCompileType(`date(n) == "x"`)},
		{"money_code_int", wantCompileType(`money(x, 3) == "x"`)},
		{"method_not_allowed_placed", wantCompileType(`t.Local().Hour() > 0`)},
		{"let_type_error_placed", wantCompileType(`let v = s; v > 1`)},
		{"date_literal_bad_placed", wantPlaced(a2File(`when today > date("2026-13-01")`, `urgency 0.5`, `sensitivity 0.5`), 4)},
		{"date_literal_in_title_placed", wantPlaced(a2File(`when true`, `title "{date(\"2026-02-30\")}"`, `urgency 0.5`, `sensitivity 0.5`), 5)},
		{"field_hides_builtin_placed", wantPlaced(a2File(`when s(1) > 0`, `urgency 0.5`, `sensitivity 0.5`), 4)},
		{"join_floats_in_title", wantPlaced(a2File(`when true`, `title "{join(xs, \",\")}"`, `urgency 0.5`, `sensitivity 0.5`), 5)},
	}
	a2Run(t, "types", cases)
}

func a2Leaves(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, a2Leaves(e)...)
		}
		return out
	}
	return []error{err}
}

// ---------------------------------------------------------------------------
// explain: Explain agrees with Eval where the closures and expr may differ.

func TestAdversary2Explain(t *testing.T) {
	agreeRule := func(when string, env a2Env) func() error {
		return func() error {
			_, _, agree := a2RuleRun(a2File(`when `+when, `urgency 0.5`, `sensitivity 0.5`), env)
			return agree
		}
	}
	agreeExpr := func(src string, env a2Env) func() error {
		return func() error {
			_, _, agree := a2Agree(src, env)
			return agree
		}
	}
	maxInt := a2Env{N: math.MaxInt64, Z: 0}
	minInt := a2Env{N: math.MinInt64, Z: -1}
	cases := []a2Case{
		{"int_overflow_add", agreeRule(`n + 1 > n`, maxInt)},
		{"int_overflow_mul", agreeRule(`n * 2 > 0`, maxInt)},
		{"int_div_zero", agreeRule(`n / z > 1`, maxInt)},
		{"int_min_div_minus_one", agreeRule(`n / z > 0`, minInt)},
		{"int_min_mod_minus_one", agreeRule(`n % z == 0`, minInt)},
		{"int_min_neg", agreeRule(`-n < 0`, minInt)},
		{"int_min_abs", agreeRule(`abs(n) > 0`, minInt)},
		{"pow_inf", agreeRule(`x ** y > 1`, a2Env{X: math.Inf(1), Y: 0})},
		{"ratio_inf", agreeRule(`ratio(x, y) > 0`, a2Env{X: math.Inf(1), Y: math.Inf(1)})},
		{"clamp_bad_bounds", agreeRule(`clamp(x, 1, 0) > 0`, a2Env{X: 0.5})},
		{"between_int_nan", agreeRule(`between(x, 0, n)`, a2Env{X: a2NaN, N: 1})},
		{"nil_chain_bool_or_rule", agreeRule(`c?.flag || n > 0`, a2Env{N: 1})},
		{"nil_chain_bool_and_rule", agreeRule(`n > 0 && c?.flag`, a2Env{N: 1})},
		{"nil_chain_bool_not_rule", agreeRule(`!c?.flag`, a2Env{N: 1})},
		{"nil_chain_bool_expr", agreeExpr(`c?.flag || n > 0`, a2Env{N: 1})},
		{"uint_named_rule", agreeRule(`uc < 5`, a2Env{UC: math.MaxUint64})},
		{"embedded_nil_rule", agreeRule(`emb > 0 || n > 0`, a2Env{N: 1})},
		{"pp_nil_rule", a2TypeError(`pp.deep > 0 || n > 0`)},
		{"float32_nan_rule", agreeRule(`!(f32 >= 0.5)`, a2Env{F32: float32(a2NaN)})},
		{"zero_time_date_rule", agreeRule(`date(t) == "1 Jan 0001"`, a2Env{})},
		{"today_vs_literal_rule", agreeRule(`today == date("2026-11-24")`, a2Env{})},
		{"words_rule", agreeRule(`words(d) != ""`, a2Env{D: time.Duration(math.MinInt64)})},
	}
	a2Run(t, "explain", cases)
}
