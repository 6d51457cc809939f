package segment_test

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/segment"
)

// env122 is a host's client type: a float, an int and a list of floats.
type env122 struct {
	X float64
	N int
	L []float64
}

var now122 = time.Date(2026, 4, 5, 12, 0, 0, 0, time.UTC)

// guard122 runs f on its own goroutine, failing the test on a panic (with
// its value) or when f takes more than 10 s.
func guard122(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		f()
	}()
	select {
	case p := <-done:
		if p != nil {
			t.Fatalf("%s panicked out of the library: %v", what, p)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("%s did not return within 10 s", what)
	}
}

// The library promises that nothing panics out of it, zero values of
// exported types included. EngagementRule's doc: "EngagementRule is the
// engagement axis written by the host ... It is immutable and safe for
// concurrent use", and Score: "Score evaluates the rule for one client at
// time now. A NaN is an error ... never a score". The zero EngagementRule
// (var r segment.EngagementRule[T], or one embedded in a host's struct)
// dereferences its nil condition in Score and panics.
func TestAdversary122_ZeroEngagementRuleScorePanics(t *testing.T) {
	var r segment.EngagementRule[env122]
	var (
		v   float64
		err error
	)
	guard122(t, "(zero EngagementRule).Score", func() { v, err = r.Score(env122{X: 1}, now122) })
	if err == nil {
		t.Fatalf("zero EngagementRule scored %v with no error: a rule that was never compiled decides nothing", v)
	}
}

// NewCustom's doc: "the default must be named (ErrNoDefault ...)", and
// ErrNoDefault "is returned for a custom scheme without a default segment
// (an empty or blank name)"; Segment's doc: "The zero value means 'not
// assigned'". The zero Custom is exactly a scheme with no default, yet its
// Assign puts every client in the segment "" — not assigned — with a nil
// error and the reason "no rule holds: default": a segment by default
// that NewCustom would have refused, silently.
func TestAdversary122_ZeroCustomAssignsUnnamedSegmentWithoutError(t *testing.T) {
	var c segment.Custom[env122]
	var (
		a   segment.Assignment
		err error
	)
	guard122(t, "(zero Custom).Assign", func() { a, err = c.Assign("c-1", env122{X: 1}, now122) })
	if err == nil && a.Segment == "" {
		t.Fatalf("zero Custom assigned client c-1 to the unnamed segment %q (reason %q) with no error; "+
			"a scheme without a default is ErrNoDefault, and the zero Segment means 'not assigned'", a.Segment, a.Reason)
	}
}

// NewEngagementRule's doc: "NewEngagementRule compiles src as a number, or
// failing that as a condition. Errors are *dsl.Error values; when src is
// neither, the error is the one of reading it as a number." And Score:
// "Score evaluates the rule for one client".
//
// mean(L), median(L), max(L), min(L) over a []float64 field are numbers.
// The dsl types them statically as an interface, so the number compile
// refuses them ("the expression is interface; it must be a number"); the
// condition compile then accepts them as "a condition known only when the
// rule runs", and NewEngagementRule returns a rule with no error that
// fails for every client ("the condition is float64, not a bool"),
// whatever the data: neither a score nor a compile error.
func TestAdversary122_EngagementRuleOfListMeanNeverScores(t *testing.T) {
	env := env122{L: []float64{1, 2, 3}}
	for _, c := range []struct {
		src  string
		want float64
	}{{"mean(L)", 2}, {"median(L)", 2}, {"max(L)", 3}, {"min(L)", 1}} {
		t.Run(c.src, func(t *testing.T) {
			var (
				r      *segment.EngagementRule[env122]
				cErr   error
				v      float64
				err    error
				scored bool
			)
			guard122(t, "NewEngagementRule/Score", func() {
				r, cErr = segment.NewEngagementRule[env122](c.src)
				if cErr == nil {
					v, err = r.Score(env, now122)
					scored = true
				}
			})
			if cErr != nil {
				return // refused when compiled: a typed error, acceptable
			}
			if !scored || err != nil || v != c.want {
				t.Fatalf("NewEngagementRule(%q) compiled with no error, but Score(L=%v) = %v, %v; want %v "+
					"(or a compile error): the rule is accepted and fails every client", c.src, env.L, v, err, c.want)
			}
		})
	}
}

// NewCustom's doc: "every condition is type-checked against Env: errors
// are *dsl.Error values naming the rule by its segment and position", and
// the dsl's: "A condition known only when the rule runs ... is read then
// ...; one that is no bool whatever the data (`n > 0 ? 1 : "a"`) is a
// compile error."
//
// A rule `when: max(L)` over a []float64 field is no bool whatever the
// data (max of numbers is a number), yet NewCustom accepts it (dsl.Compile
// of it as a bool succeeds) and then every client of the book fails at
// rule 1. `max(X, N)` — the same mistake over scalars — is refused when
// compiled, as the doc says.
func TestAdversary122_NumberRuleOverListAcceptedAsCondition(t *testing.T) {
	for _, src := range []string{"max(L)", "min(L)", "mean(L)", "median(L)", "abs(mean(L))", "reduce(L, #acc + #)"} {
		t.Run(src, func(t *testing.T) {
			var (
				sch   *segment.Custom[env122]
				cErr  error
				fails int
				first error
			)
			guard122(t, "NewCustom/Assign", func() {
				sch, cErr = segment.NewCustom[env122]([]segment.Rule{{Segment: "HIGH", When: src}}, "LOW")
				if cErr != nil {
					return
				}
				for i, l := range [][]float64{{1, 2, 3}, {0}, {-5, 7.5}, {1e9}} {
					if _, err := sch.Assign(fmt.Sprint("c-", i), env122{L: l}, now122); err != nil {
						fails++
						if first == nil {
							first = err
						}
					}
				}
			})
			if cErr != nil {
				var de *dsl.Error
				if !errors.As(cErr, &de) {
					t.Fatalf("NewCustom refused %q with %v, which is no *dsl.Error", src, cErr)
				}
				return
			}
			if fails == 4 {
				t.Fatalf("NewCustom accepted rule %q (a number over a list, never a bool) and every client then fails: %v", src, first)
			}
		})
	}
	// The same mistake over scalars is a compile error, as documented.
	if _, err := segment.NewCustom[env122]([]segment.Rule{{Segment: "HIGH", When: "max(X, N)"}}, "LOW"); err == nil {
		t.Fatalf("max(X, N) accepted as a condition")
	}
}

// Pinned (passes): the scheme analysis must not refuse a rule a client
// reaches, at the edges of int and float reading (2^53, MaxInt64, -0,
// denormals), nor miss the plain int-granularity cases; and a NaN never
// falls through to a later rule or the default.
func TestAdversary122_UnreachableEdgesPinned(t *testing.T) {
	type bigEnv struct {
		I int
		F float64
	}
	reachable := [][]string{
		{"I > 9007199254740992.0", "I == 9007199254740993"},
		{"I >= 9007199254740993", "I == 9007199254740992"},
		{"I < 9223372036854775807.0", "I == 9223372036854775806"},
		{"F < 1.7976931348623157e308", "F > 1.7976931348623157e308"},
		{"I > 1.9999999999999999", "I == 2"},
		{"I * 2 > 4", "I == 3"},
	}
	unreachable := [][]string{
		{"I > 1 && I < 3", "I == 2"},
		{"I >= 6", "I > 5"},
		{"F == 0", "F == -0.0"},
		{"F > -1e-320 && F < 1e-320", "F == 5e-324"},
	}
	mk := func(ws []string) []segment.Rule {
		var rs []segment.Rule
		for i, w := range ws {
			rs = append(rs, segment.Rule{Segment: segment.Segment(rune('A' + i)), When: w})
		}
		return rs
	}
	for _, ws := range reachable {
		if _, err := segment.NewCustom[bigEnv](mk(ws), "Z"); err != nil {
			t.Errorf("%q: every rule is reachable, got %v", ws, err)
		}
	}
	for _, ws := range unreachable {
		if _, err := segment.NewCustom[bigEnv](mk(ws), "Z"); !errors.Is(err, segment.ErrUnreachable) {
			t.Errorf("%q: rule 2 is unreachable, got %v", ws, err)
		}
	}
	sch, err := segment.NewCustom[bigEnv](mk([]string{"F > 0.5", "!(F > 0.5)"}), "Z")
	if err != nil {
		t.Fatal(err)
	}
	if a, err := sch.Assign("c", bigEnv{F: math.NaN()}, now122); !errors.Is(err, dsl.ErrNaN) {
		t.Errorf("NaN decided a rule: %+v, %v", a, err)
	}
}
