package dsl_test

import (
	"errors"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// benchClient and benchEnv are the environment of the benchmark
// rule, shared by the dsl and raw-expr benchmarks.
type benchClient struct {
	Age             int
	PensionCoverage float64
	FixedTermEnd    time.Time
}

type benchEnv struct {
	Client *benchClient `expr:"client"`
}

// rawEnv is what a host using expr directly would pass: the client and the
// evaluation time side by side.
type rawEnv struct {
	Client *benchClient `expr:"client"`
	Now    time.Time    `expr:"now"`
}

const benchRule = `client.Age >= 30 && client.PensionCoverage < 0.6 && daysUntil(client.FixedTermEnd) <= 14`

var benchNow = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

func benchClientValue() *benchClient {
	return &benchClient{Age: 31, PensionCoverage: 0.5, FixedTermEnd: benchNow.AddDate(0, 0, 10)}
}

// BenchmarkRule evaluates one rule through dsl and through expr run by
// hand, side by side.
func BenchmarkRule(b *testing.B) {
	b.Run("engine=dsl", benchmarkRuleDSL)
	b.Run("engine=expr", benchmarkRuleRawExpr)
}

// benchmarkRuleDSL evaluates the rule through dsl.
func benchmarkRuleDSL(b *testing.B) {
	e, err := dsl.Compile[benchEnv, bool](benchRule)
	if err != nil {
		b.Fatal(err)
	}
	env := benchEnv{Client: benchClientValue()}
	b.ReportAllocs()
	for b.Loop() {
		ok, err := e.Eval(env, benchNow)
		if err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

// benchmarkRuleRawExpr evaluates the same rule through expr directly, on a
// reused vm.VM, with daysUntil as an expr function taking the time from the
// environment: the fastest way a host could write it by hand.
func benchmarkRuleRawExpr(b *testing.B) {
	daysUntil := func(params ...any) (any, error) {
		t, now := params[0].(time.Time), params[1].(time.Time)
		if t.IsZero() {
			return nil, errors.New("zero time")
		}
		return int(rawDayNumber(t, now.Location()) - rawDayNumber(now, now.Location())), nil
	}
	program, err := expr.Compile(`client.Age >= 30 && client.PensionCoverage < 0.6 && daysUntil(client.FixedTermEnd, now) <= 14`,
		expr.Env(rawEnv{}), expr.AsBool(),
		expr.Function("daysUntil", daysUntil, new(func(time.Time, time.Time) int)))
	if err != nil {
		b.Fatal(err)
	}
	env := rawEnv{Client: benchClientValue(), Now: benchNow}
	var machine vm.VM
	b.ReportAllocs()
	for b.Loop() {
		out, err := machine.Run(program, env)
		if err != nil || !out.(bool) {
			b.Fatal(out, err)
		}
	}
}

// rawDayNumber is the same calendar-day arithmetic the dsl built-ins use,
// so the two benchmarks differ only in what dsl adds around expr.
func rawDayNumber(t time.Time, loc *time.Location) int64 {
	sec := t.Unix()
	if loc != time.UTC {
		_, offset := t.In(loc).Zone()
		sec += int64(offset)
	}
	day := sec / 86400
	if sec%86400 < 0 {
		day--
	}
	return day
}

// BenchmarkMaxOfAnyList reads max over a host list of any: plain numbers,
// which max reads in place, and the same with one inner list, which it
// reads flat (expr's max reads lists of lists).
func BenchmarkMaxOfAnyList(b *testing.B) {
	type env struct {
		Xs []any `expr:"xs"`
	}
	plain := make([]any, 20)
	for i := range plain {
		plain[i] = float64(i)
	}
	nested := append([]any{[]any{1.5, 2.5}}, plain[1:]...)
	for _, tc := range []struct {
		name string
		xs   []any
	}{{"plain", plain}, {"nested", nested}} {
		b.Run(tc.name, func(b *testing.B) {
			e, err := dsl.Compile[env, float64](`max(xs)`)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if v, err := e.Eval(env{Xs: tc.xs}, benchNow); err != nil || v != 19 {
					b.Fatal(v, err)
				}
			}
		})
	}
}
