package dsl_test

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
)

type numberResultEnv struct {
	L  []float64       `expr:"l"`
	I  []int           `expr:"i"`
	A  []any           `expr:"a"`
	M  map[string]any  `expr:"m"`
	P  *float64        `expr:"p"`
	N  int             `expr:"n"`
	Ds []time.Duration `expr:"ds"`
}

// A number statement typed any is read when the rule runs: a number of any
// kind is the value; a nil, a NaN, a bool, a string or a duration fails,
// naming the rule, the statement and the line:column. One that can be no
// number whatever the data stays a compile error.
func TestNumberStatementsReadWhenTheRuleRuns(t *testing.T) {
	half := 0.5
	env := numberResultEnv{L: []float64{0.2, 0.4}, I: []int{0, 1}, A: []any{0.1, 0.3}, P: &half, N: 1,
		M: map[string]any{"k": 0.5, "i": int8(1), "s": "0.5", "b": true, "nan": math.NaN(), "nil": nil, "d": time.Second,
			"p": &half}}
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		urgency string
		env     numberResultEnv
		want    float64
		err     string // a part of the evaluation's error; "" for none
	}{
		{"mean(l)", env, 0.30000000000000004, ""},
		{"mean(i)", env, 0.5, ""},
		{"mean(a)", env, 0.2, ""},
		{"median(l)", env, 0.30000000000000004, ""},
		{"max(l)", env, 0.4, ""},
		{"min(i)", env, 0, ""},
		{"max(a)", env, 0.3, ""},
		{"m.k", env, 0.5, ""},
		{"m.i", env, 1, ""},
		{"m.p", env, 0.5, ""},
		{"p", env, 0.5, ""},
		{"m.k ?? 0.1", env, 0.5, ""},
		{"m.missing ?? 0.1", env, 0.1, ""},
		{"n > 0 ? mean(l) : 0.9", env, 0.30000000000000004, ""},
		{"reduce(l, #acc + #, 0.0)", env, 0.6000000000000001, ""},
		{"first(a)", env, 0.1, ""},
		{"m.s", env, 0, "the value is string, not a number"},
		{"m.b", env, 0, "the value is bool, not a number"},
		{"m.d", env, 0, "not a number"},
		{"m.nan", env, 0, "NaN"},
		{"m.nil", env, 0, "nil"},
		{"m.missing", env, 0, "nil"},
		{"p", numberResultEnv{}, 0, "nil"},
		{"max(l)", numberResultEnv{}, 0, "nil"},
		{"mean(a)", numberResultEnv{A: []any{"x"}}, 0, "mean"},
	} {
		src := "ruleset r version 1\nrule a {\n  type \"a\"\n  urgency " + c.urgency + "\n}\n"
		rs, err := dsl.CompileRules[numberResultEnv]([]byte(src))
		if err != nil {
			t.Errorf("urgency %s: %v", c.urgency, err)
			continue
		}
		hits, err := rs.Eval(c.env, now)
		if c.err == "" {
			if err != nil || len(hits) != 1 || hits[0].Urgency != c.want {
				t.Errorf("urgency %s: hits %+v, error %v; want urgency %v", c.urgency, hits, err, c.want)
			}
			continue
		}
		var de *dsl.Error
		if len(hits) != 0 || !errors.As(err, &de) || !strings.Contains(err.Error(), c.err) {
			t.Errorf("urgency %s: hits %+v, error %v; want an error saying %q", c.urgency, hits, err, c.err)
			continue
		}
		if de.RuleID != "a" || de.Statement != "urgency" || de.Line != 4 || de.Column != 11 {
			t.Errorf("urgency %s: the error is at %s %s %d:%d, want rule a, urgency, 4:11", c.urgency, de.RuleID, de.Statement, de.Line, de.Column)
		}
		// Explain decides as Eval does.
		x, xerr := rs.Explain("a", c.env, now)
		if xerr != nil || x.Fired || x.Err != err.Error() {
			t.Errorf("urgency %s: Explain %+v, %v; want the evaluation's error %v", c.urgency, x, xerr, err)
		}
	}
	for _, src := range []string{`n > 0 ? "a" : true`, `m.k ? "a" : "b"`, `upper(m.s)`, `mean(ds)`, `max(ds)`, `median(ds)`} {
		_, err := dsl.Compile[numberResultEnv, float64](src)
		if !errors.Is(err, dsl.ErrType) {
			t.Errorf("%s as a number: %v, want a type error (it is no number whatever the data)", src, err)
		}
	}
}
