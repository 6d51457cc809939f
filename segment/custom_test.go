package segment_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/segment"
)

// Unreachable rules are found by what their conditions mean, not how they
// are spelt: a condition that reads nothing and calls nothing is a
// constant.
func TestCustomUnreachable(t *testing.T) {
	cases := []struct {
		name  string
		rules []segment.Rule
		bad   int // how many ErrUnreachable errors; 0: compiles
	}{
		{"a rule after true", []segment.Rule{{"all", "true"}, {"never", "age > 3"}}, 1},
		{"a rule after (true)", []segment.Rule{{"all", "(true)"}, {"never", "age > 3"}}, 1},
		{"a rule after 1 == 1", []segment.Rule{{"all", "1 == 1"}, {"never", "age > 3"}}, 1},
		{"a rule after !false", []segment.Rule{{"all", "!false"}, {"never", "age > 3"}}, 1},
		{"two rules after true && true", []segment.Rule{{"all", " true && true "}, {"x", "age > 3"}, {"y", "profit > 1"}}, 2},
		{"a rule after 2 > 1 || false", []segment.Rule{{"all", "2 > 1 || false"}, {"x", "age > 3"}}, 1},
		{"an always-false rule", []segment.Rule{{"none", "1 > 2"}, {"x", "age > 3"}}, 1},
		{"an always-false rule: false", []segment.Rule{{"x", "age > 3"}, {"none", "false"}}, 1},
		{"shadowed after an always-false rule", []segment.Rule{{"big", "profit >= 100"}, {"none", "false"}, {"bigger", "profit >= 1000"}}, 2},
		{"a constant true last is fine", []segment.Rule{{"x", "age > 3"}, {"rest", "1 == 1"}}, 0},
		{"a condition reading a field is not a constant", []segment.Rule{{"x", "age >= 10 || profit > 100"}, {"y", "age > 3"}}, 0},
		// Not a constant, but true for every age: y is never reached.
		{"a condition true for every value of a field", []segment.Rule{{"x", "age >= 0 || true"}, {"y", "age > 3"}}, 1},
		{"a call is not a constant", []segment.Rule{{"x", "abs(-1) > 0"}, {"y", "age > 3"}}, 0},
	}
	for _, c := range cases {
		_, err := segment.NewCustom[schemeEnv](c.rules, "other")
		n := countIs(err, segment.ErrUnreachable)
		if n != c.bad || (c.bad == 0 && err != nil) {
			t.Errorf("%s: %d unreachable, want %d (%v)", c.name, n, c.bad, err)
		}
	}
}

// countIs counts the errors joined in err that are target.
func countIs(err error, target error) int {
	if err == nil {
		return 0
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		n := 0
		for _, e := range j.Unwrap() {
			n += countIs(e, target)
		}
		return n
	}
	if errors.Is(err, target) {
		return 1
	}
	return 0
}

// Constants are evaluated on the zero environment, which may be a nil
// pointer, and with constants given to the compiler.
func TestCustomConstantsPointerEnvAndConsts(t *testing.T) {
	if _, err := segment.NewCustom[*schemeEnv]([]segment.Rule{{"all", "1 == 1"}, {"x", "age > 3"}}, "other"); !errors.Is(err, segment.ErrUnreachable) {
		t.Errorf("pointer env: %v", err)
	}
	consts := dsl.WithConsts(map[string]any{"Open": true})
	if _, err := segment.NewCustom[schemeEnv]([]segment.Rule{{"all", "Open"}, {"x", "age > 3"}}, "other", consts); !errors.Is(err, segment.ErrUnreachable) {
		t.Errorf("a constant name: %v", err)
	}
}

func TestCustomNames(t *testing.T) {
	for _, name := range []segment.Segment{"", " ", "\t\n"} {
		_, err := segment.NewCustom[schemeEnv]([]segment.Rule{{name, "age > 3"}}, "other")
		if !errors.Is(err, segment.ErrNoSegment) {
			t.Errorf("segment %q: want ErrNoSegment, got %v", name, err)
		}
		if _, err := segment.NewCustom[schemeEnv]([]segment.Rule{{"x", "age > 3"}}, name); !errors.Is(err, segment.ErrNoDefault) {
			t.Errorf("default %q: want ErrNoDefault, got %v", name, err)
		}
	}
	// Every problem at once.
	_, err := segment.NewCustom[schemeEnv]([]segment.Rule{{"", "age > 3"}, {"y", "agee > 1"}, {"z", "false"}}, "other")
	if !errors.Is(err, segment.ErrNoSegment) || !errors.Is(err, segment.ErrUnreachable) || !errors.Is(err, dsl.ErrUnknownName) {
		t.Errorf("want every problem reported, got %v", err)
	}
}

// A NaN input is an error whichever way the condition would go: never the
// default, never a later rule.
func TestCustomNaN(t *testing.T) {
	s, err := segment.NewCustom[schemeEnv]([]segment.Rule{
		{"private", "profit >= 10000"}, {"young", "age < 30"}, {"careful", "!(aum > 1e6)"},
	}, "other")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		env  schemeEnv
		want segment.Segment // "" means an error wrapping dsl.ErrNaN
	}{
		{"NaN profit, would fall to the default", schemeEnv{Profit: math.NaN(), Age: 40, AUM: 2e6}, ""},
		{"NaN profit, would fall to a later rule", schemeEnv{Profit: math.NaN(), Age: 20}, ""},
		{"NaN aum read by a negation", schemeEnv{Profit: 1, Age: 40, AUM: math.NaN()}, ""},
		{"NaN aum never read: an earlier rule holds", schemeEnv{Profit: 1, Age: 20, AUM: math.NaN()}, "young"},
		{"no NaN", schemeEnv{Profit: 1, Age: 40, AUM: 2e6}, "other"},
		{"infinity is a number", schemeEnv{Profit: math.Inf(1)}, "private"},
	}
	for _, c := range cases {
		a, err := s.Assign("c", c.env, now)
		switch {
		case c.want == "" && (!errors.Is(err, dsl.ErrNaN) || a.Segment != ""):
			t.Errorf("%s: got %q, %v; want an ErrNaN error", c.name, a.Segment, err)
		case c.want != "" && (err != nil || a.Segment != c.want):
			t.Errorf("%s: got %q, %v; want %s", c.name, a.Segment, err, c.want)
		}
	}
}

func TestEngagementRuleNaN(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, src := range []string{"opened > 0.5", "!(opened > 0.5)", "opened * 2"} {
		r, err := segment.NewEngagementRule[engEnv](src)
		if err != nil {
			t.Fatal(err)
		}
		if s, err := r.Score(engEnv{Opened: math.NaN()}, now); !errors.Is(err, dsl.ErrNaN) {
			t.Errorf("%s over NaN: %v, %v; want ErrNaN", src, s, err)
		}
	}
}

// A rule ending in a line comment still has its negation checked.
func TestCustomLineComment(t *testing.T) {
	s, err := segment.NewCustom[schemeEnv]([]segment.Rule{{"rich", "profit > 5 // the rich"}}, "other")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Assign("c", schemeEnv{Profit: math.NaN()}, time.Time{}); !errors.Is(err, dsl.ErrNaN) {
		t.Errorf("want ErrNaN, got %v", err)
	}
}

// TestCustomNoID: a scheme's Assign refuses a client of no id, as the grid
// does, with a ClientError on the id wrapping ErrNoID.
func TestCustomNoID(t *testing.T) {
	c, err := segment.NewCustom[schemeEnv]([]segment.Rule{{"old", "age > 60"}}, "other")
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Assign("", schemeEnv{}, time.Time{})
	var ce *segment.ClientError
	if !errors.Is(err, segment.ErrNoID) || !errors.As(err, &ce) || ce.Field != "id" {
		t.Errorf("Assign of no client id: %v, want a ClientError on the id wrapping ErrNoID", err)
	}
}
