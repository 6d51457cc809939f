package dsl_test

import (
	"errors"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/google/go-cmp/cmp"
)

// dateEnv carries the times and numbers the built-in tests need.
type dateEnv struct {
	T     time.Time      `expr:"t"`
	U     time.Time      `expr:"u"`
	X     float64        `expr:"x"`
	N     int            `expr:"n"`
	Extra map[string]int `expr:"extra"`
	Ptr   *dateEnv       `expr:"ptr"`
}

func evalAny(t *testing.T, src string, env dateEnv, now time.Time) (any, error) {
	t.Helper()
	e, err := dsl.Compile[dateEnv, any](src)
	if err != nil {
		t.Fatalf("compile %q: %v", src, err)
	}
	return e.Eval(env, now)
}

func TestBuiltins(t *testing.T) {
	now := time.Date(2026, 11, 24, 23, 30, 0, 0, time.UTC)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 1, 0, 0, 0, time.UTC) }
	amsterdam := time.FixedZone("CET", 3600)
	cases := []struct {
		name string
		src  string
		env  dateEnv
		now  time.Time
		want any
	}{
		{"daysUntil counts calendar days", "daysUntil(t)", dateEnv{T: day(2026, 12, 8)}, now, 14},
		{"daysUntil today is 0 whatever the hour", "daysUntil(t)", dateEnv{T: day(2026, 11, 24)}, now, 0},
		{"daysUntil in the past is negative", "daysUntil(t)", dateEnv{T: day(2026, 11, 20)}, now, -4},
		{"daysUntil across a leap day", "daysUntil(t)", dateEnv{T: day(2028, 3, 1)}, time.Date(2028, 2, 28, 0, 0, 0, 0, time.UTC), 2},
		{"days use the evaluation time's zone", "daysUntil(t)", dateEnv{T: time.Date(2026, 11, 25, 0, 30, 0, 0, amsterdam)}, now.In(amsterdam), 0},
		{"daysSince", "daysSince(t)", dateEnv{T: day(2026, 11, 1)}, now, 23},
		{"monthsSince whole months", "monthsSince(t)", dateEnv{T: day(2026, 5, 25)}, now, 5},
		{"monthsSince on the day", "monthsSince(t)", dateEnv{T: day(2026, 5, 24)}, now, 6},
		{"monthsSince from a month end", "monthsSince(t)", dateEnv{T: day(2026, 1, 31)}, time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC), 1},
		{"age on the birthday", "age(t)", dateEnv{T: day(1996, 11, 24)}, now, 30},
		{"age the day before the birthday", "age(t)", dateEnv{T: day(1996, 11, 25)}, now, 29},
		{"age born on a leap day", "age(t)", dateEnv{T: day(2000, 2, 29)}, time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC), 26},
		{"yearsBetween", "yearsBetween(t, u)", dateEnv{T: day(2000, 6, 1), U: day(2026, 5, 31)}, now, 25},
		{"yearsBetween reversed", "yearsBetween(u, t)", dateEnv{T: day(2000, 6, 1), U: day(2026, 6, 1)}, now, -26},
		{"clamp low", "clamp(x, 0, 1)", dateEnv{X: -2}, now, 0.0},
		{"clamp high with ints", "clamp(n, 0, 1)", dateEnv{N: 7}, now, 1.0},
		{"ratio", "ratio(3, 4)", dateEnv{}, now, 0.75},
		{"ratio by zero is 0", "ratio(x, 0)", dateEnv{X: 5}, now, 0.0},
		{"between inclusive", "between(n, 1, 3) && between(3, 1, 3)", dateEnv{N: 1}, now, true},
		{"between NaN fails", "between(x, 0, 1)", dateEnv{X: math.NaN()}, now, dsl.ErrNaN},
		{"pct one decimal", "pct(0.4231)", dateEnv{}, now, "42.3%"},
		{"pct trims zeros", "pct(0.5)", dateEnv{}, now, "50%"},
		{"pct with decimals", "pct(1/3, 2)", dateEnv{}, now, "33.33%"},
	}
	nanEq := cmp.Comparer(func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) })
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := evalAny(t, c.src, c.env, c.now)
			if want, ok := c.want.(error); ok {
				if !errors.Is(err, want) {
					t.Fatalf("%s: want %v, got %v, %v", c.src, want, got, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !cmp.Equal(c.want, got, nanEq) {
				t.Errorf("%s = %#v, want %#v", c.src, got, c.want)
			}
		})
	}
}

func TestBuiltinFailures(t *testing.T) {
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	// clamp keeps a NaN (it must not turn into a plausible bound), and a NaN
	// result is an error.
	if _, err := evalAny(t, "clamp(x, 0, 1)", dateEnv{X: math.NaN()}, now); !errors.Is(err, dsl.ErrNaN) {
		t.Errorf("clamp(NaN): want ErrNaN, got %v", err)
	}
	for _, src := range []string{"daysUntil(t)", "age(t)", "yearsBetween(t, u)", "clamp(1, 2, 1)", "pct(0.5, 11)"} {
		if _, err := evalAny(t, src, dateEnv{}, now); !errors.Is(err, dsl.ErrEval) {
			t.Errorf("%s: want an evaluation error, got %v", src, err)
		}
	}
}

func TestErrorKinds(t *testing.T) {
	type res struct {
		kind               dsl.Kind
		line, col          int
		suggestion, substr string
	}
	cases := []struct {
		name string
		src  string
		opts []dsl.Option
		want res
	}{
		{"syntax", "n >", nil, res{dsl.KindSyntax, 1, 3, "", "the expression is incomplete"}},
		{"unknown name with suggestion", "m > 1", nil, res{dsl.KindUnknownName, 1, 1, "n", "unknown name m"}},
		{"unknown field with suggestion", "ptr.xx > 1", nil, res{dsl.KindUnknownName, 1, 5, "ptr.x", "ptr has no field xx"}},
		{"unknown function with suggestion", "daysUntill(t) > 1", nil, res{dsl.KindUnknownName, 1, 1, "daysUntil", "unknown function"}},
		{"wrong arity", "daysUntil(t, t) > 1", nil, res{dsl.KindType, 1, 1, "", "takes 1 argument"}},
		{"wrong types", `n + "a" > 1`, nil, res{dsl.KindType, 1, 3, "", "mismatched types"}},
		{"wrong result type", "n + 1", nil, res{dsl.KindType, 0, 0, "", "bool"}},
		{"wall clock is disabled", "now() > t", nil, res{dsl.KindUnknownName, 1, 1, "", "unknown function now"}},
		{"reserved name", "$env.n > 1", nil, res{dsl.KindUnknownName, 1, 1, "", "reserved"}},
		{"source too large", strings.Repeat("n > 1 && ", 10) + "true", []dsl.Option{dsl.WithLimits(dsl.Limits{MaxSourceBytes: 20})}, res{dsl.KindLimit, 0, 0, "", "source is"}},
		{"too many nodes", strings.Repeat("n + ", 50) + "n > 1", []dsl.Option{dsl.WithLimits(dsl.Limits{MaxNodes: 20})}, res{dsl.KindLimit, 0, 0, "", "nodes"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := dsl.Compile[dateEnv, bool](c.src, append(c.opts, dsl.WithID("r1"))...)
			var de *dsl.Error
			if !errors.As(err, &de) {
				t.Fatalf("want a *dsl.Error, got %v", err)
			}
			got := res{de.Kind, de.Line, de.Column, de.Suggestion, c.want.substr}
			if !strings.Contains(de.Msg, c.want.substr) && !strings.Contains(err.Error(), c.want.substr) {
				got.substr = de.Msg
			}
			if c.want.line == 0 {
				got.line, got.col = 0, 0
			}
			if d := cmp.Diff(c.want, got, cmp.AllowUnexported(res{})); d != "" {
				t.Errorf("(-want +got):\n%s\n%v", d, err)
			}
			if de.RuleID != "r1" || !errors.Is(err, sentinel(c.want.kind)) {
				t.Errorf("rule id %q or errors.Is wrong for %v", de.RuleID, err)
			}
		})
	}
}

func sentinel(k dsl.Kind) error {
	return map[dsl.Kind]error{dsl.KindSyntax: dsl.ErrSyntax, dsl.KindType: dsl.ErrType, dsl.KindUnknownName: dsl.ErrUnknownName,
		dsl.KindEval: dsl.ErrEval, dsl.KindLimit: dsl.ErrLimit}[k]
}

func TestAllUnknownNamesAtOnce(t *testing.T) {
	_, err := dsl.Compile[dateEnv, bool]("a > 1 && b > 2 && ptr.zz > 3")
	if got := len(flatten(err)); got != 3 {
		t.Fatalf("want 3 errors at once, got %d: %v", got, err)
	}
	if !strings.Contains(err.Error(), " | a > 1 && b > 2 && ptr.zz > 3\n |          ^") {
		t.Errorf("want a caret under b:\n%v", err)
	}
}

func TestEvaluationSemantics(t *testing.T) {
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name    string
		src     string
		env     dateEnv
		want    bool
		wantErr error
	}{
		{"nil pointer is an error", "ptr.n > 1", dateEnv{}, false, dsl.ErrEval},
		{"nil pointer behind a guard is fine", "ptr != nil && ptr.n > 1", dateEnv{}, false, nil},
		{"missing map key reads as the zero value", `extra["k"] == 0`, dateEnv{Extra: map[string]int{}}, true, nil},
		{"presence is tested with in", `"k" in extra`, dateEnv{Extra: map[string]int{}}, false, nil},
		{"NaN never makes a condition true", "!(x > 0.5)", dateEnv{X: math.NaN()}, false, dsl.ErrNaN},
		{"NaN in a comparison fails even where it would make the condition false", "x > 0.5", dateEnv{X: math.NaN()}, false, dsl.ErrNaN},
		{"NaN from arithmetic", "x - x == 0", dateEnv{X: math.Inf(1)}, false, dsl.ErrNaN},
		{"NaN behind a short circuit is not seen", "1 > 0 || x > 0.5", dateEnv{X: math.NaN()}, true, nil},
		{"NaN in a nested field", "ptr != nil && !(ptr.x > 0)", dateEnv{Ptr: &dateEnv{X: math.NaN()}}, false, dsl.ErrNaN},
		{"+Inf is a number", "x > 1e300", dateEnv{X: math.Inf(1)}, true, nil},
		{"memory budget", "len(1..100000000) > 0", dateEnv{}, false, dsl.ErrLimit},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, err := dsl.Compile[dateEnv, bool](c.src)
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.Eval(c.env, now)
			if c.wantErr != nil {
				if !errors.Is(err, c.wantErr) {
					t.Fatalf("want %v, got %v (%v)", c.wantErr, err, got)
				}
				return
			}
			if err != nil || got != c.want {
				t.Errorf("got %v, %v; want %v", got, err, c.want)
			}
		})
	}
}

func TestHostFunctions(t *testing.T) {
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	opts := []dsl.Option{
		dsl.WithFunc1("double", func(x float64) float64 { return 2 * x }),
		dsl.WithFunc2("tier", func(x float64, limit int) string {
			if x >= float64(limit) {
				return "gold"
			}
			return "basic"
		}),
		dsl.WithFunction("checked", func(x int) (int, error) {
			if x < 0 {
				return 0, errors.New("negative")
			}
			return x, nil
		}),
		dsl.WithFunc1("explode", func(int) int { panic("boom") }),
	}
	e, err := dsl.Compile[dateEnv, bool](`double(n) == 6 && tier(x, 100) == "gold" && checked(n) == 3`, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := e.Eval(dateEnv{N: 3, X: 150}, now); !ok || err != nil {
		t.Errorf("got %v, %v", ok, err)
	}
	for _, src := range []string{"checked(-1) > 0", "explode(1) > 0"} {
		e, err := dsl.Compile[dateEnv, bool](src, opts...)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Eval(dateEnv{}, now); !errors.Is(err, dsl.ErrEval) {
			t.Errorf("%s: want an evaluation error, got %v", src, err)
		}
	}
	if _, err := dsl.Compile[dateEnv, bool](`double("a") > 1`, opts...); !errors.Is(err, dsl.ErrType) {
		t.Errorf("wrong argument type: want a type error, got %v", err)
	}
	for _, bad := range []dsl.Option{dsl.WithFunc1("ratio", func(x int) int { return x }), dsl.WithFunc1("no good", func(x int) int { return x }), dsl.WithFunction("f", 3)} {
		if _, err := dsl.Compile[dateEnv, bool]("true", bad); err == nil {
			t.Error("a bad function option must fail Compile")
		}
	}
}

// Environments that cannot use a flat frame (unexported field, methods,
// pointers) must answer as flat ones do.
type flatEnv struct {
	Age int `expr:"age"`
}

type nestedEnv struct {
	Age    int `expr:"age"`
	hidden int
}

type methodEnv struct {
	Age int `expr:"age"`
}

func (m methodEnv) Double() int { return 2 * m.Age }

func TestFrameShapesAgree(t *testing.T) {
	now := time.Now()
	src := "age >= 30 && age < 65"
	flat, _ := dsl.Compile[flatEnv, bool](src)
	nested, _ := dsl.Compile[nestedEnv, bool](src)
	method, err := dsl.Compile[methodEnv, bool](src+" && Double() > 0", dsl.WithMethods[methodEnv]("Double"))
	if err != nil {
		t.Fatal(err)
	}
	pointer, _ := dsl.Compile[*flatEnv, bool](src)
	for age := 0; age < 100; age++ {
		a, _ := flat.Eval(flatEnv{Age: age}, now)
		b, _ := nested.Eval(nestedEnv{Age: age, hidden: 1}, now)
		c, _ := method.Eval(methodEnv{Age: age}, now)
		d, _ := pointer.Eval(&flatEnv{Age: age}, now)
		if a != b || a != c || a != d {
			t.Fatalf("age %d: flat %v nested %v method %v pointer %v", age, a, b, c, d)
		}
	}
}

func TestReadsAndCalls(t *testing.T) {
	e, err := dsl.Compile[dateEnv, bool]("ptr != nil && ptr.x > ratio(x, n) && daysUntil(t) < 3")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"n", "ptr", "ptr.x", "t", "x"}, e.Reads()); d != "" {
		t.Errorf("reads:\n%s", d)
	}
	if d := cmp.Diff([]string{"daysUntil", "ratio"}, e.Calls()); d != "" {
		t.Errorf("calls:\n%s", d)
	}
}

func TestExplainTree(t *testing.T) {
	e, err := dsl.Compile[dateEnv, bool]("(n >= 30 || x > 1) && !(ptr != nil) ? true : n > 100")
	if err != nil {
		t.Fatal(err)
	}
	x, err := e.Explain(dateEnv{N: 31, X: 0.5}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	got := x.String()
	for _, want := range []string{"n (31) >= 30 → true", "x > 1 → not evaluated", "ptr (nil) != nil → false", "→ true"} {
		if !strings.Contains(got, want) {
			t.Errorf("explanation lacks %q:\n%s", want, got)
		}
	}
	if x.Value != true {
		t.Errorf("verdict %v", x.Value)
	}
}

func TestExprConcurrent(t *testing.T) {
	e, err := dsl.Compile[dateEnv, bool]("daysUntil(t) < n && ratio(x, n) < 1")
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	env := func(i int) (dateEnv, time.Time) {
		return dateEnv{T: base.AddDate(0, 0, i%20), N: i % 17, X: float64(i % 7)}, base.AddDate(0, 0, i%3)
	}
	want := make([]bool, 1000)
	for i := range want {
		ev, now := env(i)
		want[i], _ = e.Eval(ev, now)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range want {
				k := (i + g*97) % len(want)
				ev, now := env(k)
				if got, _ := e.Eval(ev, now); got != want[k] {
					t.Errorf("evaluation %d differs under concurrency", k)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// An environment ending in a zero-size field is padded; the evaluation
// time must survive copying it into the frame.
type paddedEnv struct {
	T    time.Time `expr:"t"`
	Mark struct{}  `expr:"mark"`
}

func TestPaddedEnvironment(t *testing.T) {
	e, err := dsl.Compile[paddedEnv, int]("daysUntil(t)")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	for i := range 3 {
		got, err := e.Eval(paddedEnv{T: now.AddDate(0, 0, 5+i)}, now)
		if err != nil || got != 5+i {
			t.Fatalf("evaluation %d: %v, %v", i, got, err)
		}
	}
}
