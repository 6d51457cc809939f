package dsl_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
)

type hostPence int64

type hostNumbers struct {
	PP   *hostPence `expr:"pp"`
	PF   *float32   `expr:"pf"`
	Anys []any      `expr:"anys"`
	I    int64      `expr:"i"`
	Is   []int      `expr:"is"`
	Ps   []hostPence
}

// hostDecides compiles when as a rule's condition and returns what Eval
// and Explain decided, which must agree.
func hostDecides(t *testing.T, when string, env hostNumbers) (bool, error) {
	t.Helper()
	rs, err := dsl.CompileRules[hostNumbers]([]byte("ruleset h version 1\nrule r {\n  type \"t\"\n  when " + when + "\n}\n"))
	if err != nil {
		t.Fatalf("%s: %v", when, err)
	}
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	hits, evalErr := rs.Eval(env, now)
	ex, err := rs.Explain("r", env, now)
	if err != nil {
		t.Fatalf("%s: Explain: %v", when, err)
	}
	if (evalErr == nil) != (ex.Err == "") || evalErr == nil && ex.Fired != (len(hits) == 1) {
		t.Fatalf("%s: Eval %d hits, %v; Explain fired %v, %q", when, len(hits), evalErr, ex.Fired, ex.Err)
	}
	return len(hits) == 1, evalErr
}

// Numbers behind pointers and inside lists of any are read as the
// numbers they hold; a nil pointer is nil.
func TestHostNumbersThroughPointersAndAny(t *testing.T) {
	seven, f := hostPence(7), float32(0.3)
	for _, c := range []struct {
		when string
		env  hostNumbers
		want bool
	}{
		{"pp == 7", hostNumbers{PP: &seven}, true},
		{"pp + 1 > 7", hostNumbers{PP: &seven}, true},
		{"pp == nil", hostNumbers{}, true},
		{"pp != nil && pp > 2", hostNumbers{}, false},
		{"pf == 0.3", hostNumbers{PF: &f}, true},
		{"pf > 0.3", hostNumbers{PF: &f}, false},
		{"0.9 in anys", hostNumbers{Anys: []any{"x", float32(0.9)}}, true},
		{"7 in anys", hostNumbers{Anys: []any{hostPence(7), []int{1}}}, true},
		{"8 in anys", hostNumbers{Anys: []any{hostPence(7)}}, false},
		{"7 in Ps", hostNumbers{Ps: []hostPence{3, 7}}, true},
	} {
		got, err := hostDecides(t, c.when, c.env)
		if err != nil || got != c.want {
			t.Errorf("%s: %v, %v; want %v", c.when, got, err, c.want)
		}
	}
}

// Int arithmetic that leaves the int range fails with ErrOverflow, in
// both backends; within it, nothing changes.
func TestIntArithmeticOverflow(t *testing.T) {
	for _, c := range []struct {
		when string
		env  hostNumbers
	}{
		{"i + 1 > 0", hostNumbers{I: math.MaxInt64}},
		{"i - 1 < 0", hostNumbers{I: math.MinInt64}},
		{"-i > 0", hostNumbers{I: math.MinInt64}},
		{"i * 2 > 0", hostNumbers{I: math.MaxInt64/2 + 1}},
		{"i * -1 > 0", hostNumbers{I: math.MinInt64}},
		{"sum(is) > 0", hostNumbers{Is: []int{math.MaxInt64, 1}}},
		{"sum(is, # * 1) > 0", hostNumbers{Is: []int{math.MaxInt64, 1}}},
		{"sum(Ps) > 0", hostNumbers{Ps: []hostPence{math.MaxInt64, 1}}},
		{"sum(anys) > 0", hostNumbers{Anys: []any{pence(math.MaxInt64), hostPence(1)}}},
	} {
		if _, err := hostDecides(t, c.when, c.env); !errors.Is(err, dsl.ErrOverflow) {
			t.Errorf("%s: %v, want ErrOverflow", c.when, err)
		}
	}
	for _, c := range []struct {
		when string
		env  hostNumbers
		want bool
	}{
		{"i + 1 > 0", hostNumbers{I: math.MaxInt64 - 1}, true},
		{"-i < 0", hostNumbers{I: math.MaxInt64}, true},
		{"i * 3 == -9", hostNumbers{I: -3}, true},
		{"sum(is) == -1", hostNumbers{Is: []int{math.MaxInt64, math.MinInt64}}, true},
		{"sum(is, # - 1) == 1", hostNumbers{Is: []int{1, 2}}, true},
	} {
		got, err := hostDecides(t, c.when, c.env)
		if err != nil || got != c.want {
			t.Errorf("%s: %v, %v; want %v", c.when, got, err, c.want)
		}
	}
}

// num and money write an int exactly, and nothing that rounds to zero with
// a minus sign.
func TestFormatIntsAndSigns(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"num(i)", "-9,223,372,036,854,775,808"},
		{"num(i + 1, 2)", "-9,223,372,036,854,775,807.00"},
		{`money(i, "GBP")`, "-£9,223,372,036,854,775,808.00"},
		{`money(-0.004, "GBP")`, "£0.00"},
		{`money(-0.006, "GBP")`, "-£0.01"},
		{`money(-1.0 / 0.0, "GBP")`, "-£∞"},
	} {
		e, err := dsl.Compile[hostNumbers, string](c.src)
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		got, err := e.Eval(hostNumbers{I: math.MinInt64}, time.Now())
		if err != nil || got != c.want {
			t.Errorf("%s = %q, %v; want %q", c.src, got, err, c.want)
		}
	}
}

// A date literal on a day whose midnight the clocks skip is that day's
// first instant, and a date built-in at a zero evaluation time fails.
func TestDatesWithoutMidnight(t *testing.T) {
	sp, err := time.LoadLocation("America/Sao_Paulo")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	now := time.Date(2018, 11, 10, 12, 0, 0, 0, sp)
	e, err := dsl.Compile[hostNumbers, string](`date(date("2018-11-04"))`)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := e.Eval(hostNumbers{}, now); err != nil || got != "4 Nov 2018" {
		t.Errorf("date(date(\"2018-11-04\")) in São Paulo = %q, %v", got, err)
	}
	d, err := dsl.Compile[hostNumbers, int](`daysSince(date("2018-11-04"))`)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := d.Eval(hostNumbers{}, now); err != nil || got != 6 {
		t.Errorf("daysSince(date(\"2018-11-04\")) on 10 Nov = %d, %v; want 6", got, err)
	}
	if _, err := d.Eval(hostNumbers{}, time.Time{}); err == nil {
		t.Error("a date built-in at a zero evaluation time answered")
	}
}

func pence(n hostPence) *hostPence { return &n }
