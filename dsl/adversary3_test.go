package dsl_test

// The third adversary's suite, against named decisions (a rule reading
// another's result as id.name) and the promises doc.go makes for them:
// nil never decides, Explain and Eval never disagree, every problem of a
// read is a compile error, nothing panics or hangs. Each case runs on its
// own goroutine with a recover and a generous hang bound, so a panic or a
// hang fails that case only. Cases named guard/... check something that
// holds today, and are kept as regression guards.

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
)

type a3Inner struct {
	Age  int     `expr:"age"`
	Rate float64 `expr:"rate"`
	Name string  `expr:"name"`
	Flag bool    `expr:"flag"`
}

type a3Env struct {
	Client a3Inner        `expr:"client"`
	P      *a3Inner       `expr:"p"`
	Score  float64        `expr:"score"`
	N      int            `expr:"n"`
	Values []int          `expr:"values"`
	M      map[string]any `expr:"m"`
}

// a3Guard runs fn with a recover and a hang bound.
func a3Guard(t *testing.T, fn func(t *testing.T)) {
	t.Helper()
	done := make(chan string, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Sprintf("PANIC: %v\n%s", r, debug.Stack())
				return
			}
			done <- ""
		}()
		fn(t)
	}()
	select {
	case msg := <-done:
		if msg != "" {
			t.Fatal(msg)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("HANG: no answer in 60s")
	}
}

func a3Compile(t *testing.T, src string, opts ...dsl.Option) *dsl.RuleSet[a3Env] {
	t.Helper()
	rs, err := dsl.CompileRules[a3Env]([]byte("ruleset a3 version 1\n\n"+src), opts...)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return rs
}

// a3Silent is a decision that never fires at score 0: every read of an
// output is nil.
const a3Silent = `rule d {
  type "d"
  emit false
  when score > 10
  output band "high"
  output ok true
  output num 0.5
}

`

// a3Undecided: rule r, reading a decision that did not fire, must fail
// (nil never decides), in Eval and Explain alike, and make no hit.
func a3Undecided(body string) func(t *testing.T) {
	return func(t *testing.T) {
		rs := a3Compile(t, a3Silent+"rule r {\n  type \"r\"\n"+body+"\n}\n")
		hits, err := rs.Eval(a3Env{}, testNow)
		x, xerr := rs.Explain("r", a3Env{}, testNow)
		if xerr != nil {
			t.Fatal(xerr)
		}
		var rErr *dsl.Error
		for _, e := range dsl.Errors(err) {
			if e.RuleID == "r" {
				rErr = e
			}
		}
		if rErr == nil || len(hits) != 0 {
			var paths []string
			for _, h := range hits {
				paths = append(paths, h.Rule+" "+h.Path)
			}
			t.Errorf("SILENT: %q over a decision that did not fire: hits %v, no error; nil decided it", body, paths)
		} else if !errors.Is(rErr, dsl.ErrEval) && !errors.Is(rErr, dsl.ErrNaN) {
			t.Errorf("WRONG KIND: %v", rErr)
		}
		if (rErr == nil) != (x.Err == "") || x.Fired != (len(hits) > 0) {
			t.Errorf("DISAGREE: Eval %v / %v, Explain fired %v error %q", hits, err, x.Fired, x.Err)
		}
	}
}

// TestAdversary3Nil: a decision that did not fire reads as nil, and "nil
// never decides" (doc.go, Named decisions).
func TestAdversary3Nil(t *testing.T) {
	for _, c := range []struct {
		name, body string
	}{
		// A bool output read bare: the rule is silently not fired, where
		// !d.ok and d.ok || true fail.
		{"bare_bool_when", `  when d.ok`},
		{"bare_bool_after_and", `  when score >= 0 && d.ok`},
		{"bare_bool_in_let", "  let k = d.ok\n  when score >= 0 && k"},
		// A branch on a nil bool: the else is taken, so nil chose the
		// decision.
		{"bare_bool_branch", "  branch d.ok {\n    title \"yes\"\n  }\n  else {\n    title \"no\"\n  }"},
		// String built-ins turn nil into "": the rule fires.
		{"upper_of_nil", `  when upper(d.band) == ""`},
		{"lower_of_nil_in_let", "  let u = lower(d.band)\n  when u == \"\""},
		// string(nil) is "nil": the rule fires.
		{"string_of_nil", `  when string(d.num) == "nil"`},
		// guard: these fail as they should today.
		{"guard/not_bool", `  when !d.ok`},
		{"guard/compare", `  when d.band != "high"`},
		{"guard/in_list", `  when d.band in ["high", "low"] || true`},
		{"guard/index_form", `  when d["band"] == "high"`},
		{"guard/arith", `  when d.num * 2 > 0.5`},
		{"guard/urgency_output", `  urgency d.num`},
		{"guard/coalesce_chain", `  when (d.num ?? d.num) > 0`},
		{"guard/in_closure", `  when any([1], {d.num > #})`},
	} {
		t.Run(c.name, func(t *testing.T) { a3Guard(t, a3Undecided(c.body)) })
	}
}

// TestAdversary3Compile: every problem of a read is a compile error
// (rulefile/doc.go: "a read of a rule whose id a field or constant hides").
func TestAdversary3Compile(t *testing.T) {
	// A rule named like a field, read through one of the field's own
	// members: the read silently reads the host's field, and the rule's
	// output is lost. Reading client.fired is refused ("client has no
	// field fired; client is also the id of a rule"), client.age is not.
	t.Run("field_hides_rule_silently", func(t *testing.T) {
		a3Guard(t, func(t *testing.T) {
			src := "ruleset a3 version 1\n\n" + `rule client {
  type "c"
  output age 5
}

rule r {
  type "r"
  when client.age == 5
}
`
			rs, err := dsl.CompileRules[a3Env]([]byte(src))
			if err == nil {
				hits, _ := rs.Eval(a3Env{Client: a3Inner{Age: 40}}, testNow)
				var fired []string
				for _, h := range hits {
					fired = append(fired, h.Rule)
				}
				t.Errorf("compiled: client.age reads the host's field, not rule client's output 5 (fired: %v, r not among them); want a compile error naming the rule client that the field hides", fired)
			}
		})
	})
	// An output named fired, type, urgency or sensitivity cannot be read:
	// the reader gets the decision's own fired/type/... instead, silently.
	for _, name := range []string{"fired", "urgency", "sensitivity"} {
		t.Run("output_named_"+name+"_shadowed", func(t *testing.T) {
			a3Guard(t, func(t *testing.T) {
				val := map[string]string{"fired": "false", "urgency": "0.3", "sensitivity": "0.3"}[name]
				src := "ruleset a3 version 1\n\n" + fmt.Sprintf(`rule d {
  type "d"
  emit false
  output %s %s
}

rule r {
  type "r"
  title "{d.%s}"
}
`, name, val, name)
				rs, err := dsl.CompileRules[a3Env]([]byte(src))
				if err != nil {
					return // refused: fine
				}
				hits, err := rs.Eval(a3Env{}, testNow)
				if err != nil || len(hits) != 1 {
					t.Fatalf("%v %v", hits, err)
				}
				if hits[0].Title != val {
					t.Errorf("output %s %s compiles, but d.%s reads %q: the output can never be read; want a compile error (or the output)", name, val, name, hits[0].Title)
				}
			})
		})
	}
	// guard: the documented compile errors.
	for _, c := range []struct{ name, src, want string }{
		{"guard/self", "rule a {\n  type \"a\"\n  when a.fired\n}\n", "reads itself"},
		{"guard/cycle_through_table", "table a hit first {\n  type \"a\"\n  in b.urgency\n  row - => urgency 0.1\n}\n\nrule b {\n  type \"b\"\n  when a.fired\n}\n", "cycle"},
		{"guard/const_hides_rule", "const K = 1\n\nrule K {\n  type \"k\"\n}\n\nrule r {\n  type \"r\"\n  when K.fired\n}\n", "constant"},
		{"guard/multi_hit_output", "table c hit collect {\n  type \"c\"\n  in score\n  row - => output x 1\n}\n\nrule r {\n  type \"r\"\n  when c.x == 1\n}\n", "several rows"},
		{"guard/member_beyond_string", a3Silent + "rule r {\n  type \"r\"\n  when d.band.x == \"a\"\n}\n", "no field"},
		{"guard/bare_id", a3Silent + "rule r {\n  type \"r\"\n  let x = d\n  when x != nil\n}\n", "not a value"},
		{"guard/const_reads_decision", "const K = d.num\n\n" + a3Silent + "rule r {\n  type \"r\"\n  when K > 0\n}\n", "unknown name d"},
	} {
		t.Run(c.name, func(t *testing.T) {
			a3Guard(t, func(t *testing.T) {
				_, err := dsl.CompileRules[a3Env]([]byte("ruleset a3 version 1\n\n" + c.src))
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Errorf("want a compile error with %q, got %v", c.want, err)
				}
				for _, e := range dsl.Errors(err) {
					if e.Line == 0 || e.Column == 0 {
						t.Errorf("error without line:column: %v", e)
					}
				}
			})
		})
	}
}

// TestAdversary3Explain: Explain and Eval never disagree, and an
// explanation does not contradict itself.
func TestAdversary3Explain(t *testing.T) {
	// The when's tree says k → true and the hit fired on it, but the let
	// is shown as nil, and the hit's evidence says k = nil: the let is
	// computed again for display on the budget the condition has spent.
	t.Run("let_nil_after_budget", func(t *testing.T) {
		a3Guard(t, func(t *testing.T) {
			rs := a3Compile(t, `rule heavy {
  type "heavy"
  emit false
  when all(values, {# >= 0})
}

rule reader {
  type "r"
  let k = all(values, {# >= 0})
  when heavy.fired && k
}
`, dsl.WithLimits(dsl.Limits{MaxSteps: 1000, MaxSourceBytes: 1 << 14, MaxNodes: 2000, MaxDepth: 50, MemoryBudget: 1e6}))
			env := a3Env{Values: make([]int, 700)}
			hits, err := rs.Eval(env, testNow)
			if err != nil || len(hits) != 1 {
				t.Fatalf("%v %v", hits, err)
			}
			if ev := hits[0].Evidence; len(ev) != 1 || ev[0].Value != true {
				t.Errorf("Eval: the rule fired on k = true, but its evidence says %+v", ev)
			}
			x, err := rs.Explain("reader", env, testNow)
			if err != nil {
				t.Fatal(err)
			}
			if len(x.Lets) != 1 || x.Lets[0].Value != true {
				t.Errorf("Explain: the rule fired on k = true, but the explanation shows %+v:\n%s", x.Lets, x)
			}
		})
	})
	// guard: a decision failing on its budget, on a division, on a unique
	// overlap: the reader fails the same way in Eval and Explain, and so
	// does a reader whose when short-circuits before the read.
	src := `rule heavy {
  type "heavy"
  emit false
  when all(values, {# >= 0}) && 10 / n > 1
  output v 1
}

table u hit unique {
  type "u"
  emit false
  in score
  row > 0 => output x 1
  row > 0.5 => output x 2
}

rule a {
  type "a"
  when score < 0 && heavy.v == 1
}

rule b {
  type "b"
  title "{u.x} {heavy.fired}"
}
`
	rs := a3Compile(t, src, dsl.WithLimits(dsl.Limits{MaxSteps: 500, MaxSourceBytes: 1 << 14, MaxNodes: 2000, MaxDepth: 50, MemoryBudget: 1e6}))
	for _, c := range []struct {
		name string
		env  a3Env
	}{
		{"guard/budget", a3Env{Values: make([]int, 600), N: 1}},
		{"guard/division_by_zero", a3Env{Values: make([]int, 6)}},
		{"guard/unique_overlap", a3Env{Values: make([]int, 6), N: 1, Score: 0.9}},
		{"guard/fine", a3Env{Values: make([]int, 6), N: 1, Score: 0.2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			a3Guard(t, func(t *testing.T) {
				hits, err := rs.Eval(c.env, testNow)
				byRule := map[string]*dsl.Error{}
				for _, e := range dsl.Errors(err) {
					byRule[e.RuleID] = e
				}
				for _, id := range []string{"a", "b"} {
					x, xerr := rs.Explain(id, c.env, testNow)
					if xerr != nil {
						t.Fatal(xerr)
					}
					fired := false
					for _, h := range hits {
						fired = fired || h.Rule == id
					}
					e := byRule[id]
					if x.Fired != fired || (e == nil) != (x.Err == "") || e != nil && (x.Err != e.Error() || x.ErrKind != e.Kind) {
						t.Errorf("%s: Eval fired %v error %v; Explain fired %v error %q (%v)", id, fired, e, x.Fired, x.Err, x.ErrKind)
					}
					_ = x.String()
				}
			})
		})
	}
}

// TestAdversary3Concurrency: guard: one RuleSet with a chain of decisions,
// evaluated, explained and cancelled from many goroutines (run with
// -race), answers each evaluation as it answers it alone.
func TestAdversary3Concurrency(t *testing.T) {
	t.Run("guard/many_goroutines", func(t *testing.T) {
		a3Guard(t, func(t *testing.T) {
			rs := a3Compile(t, `table band hit first {
  type "band"
  emit false
  in score
  row < 0.3 => output b "low" urgency 0.1
  row -     => output b "high" urgency 0.9
}

rule mid {
  type "mid"
  when band.b == "high"
  output lvl band.urgency * 2
  title "{band.b}"
}

rule top {
  type "top"
  when mid.fired && (mid.lvl ?? 0) > 1 && 10 / n > 1
  title "{mid.lvl} {band.b}"
}
`)
			var wg sync.WaitGroup
			errs := make(chan string, 8)
			for g := 0; g < 8; g++ {
				wg.Add(1)
				go func(g int) {
					defer wg.Done()
					for i := 0; i < 100; i++ {
						env := a3Env{Score: float64((i+g)%10) / 10, N: (i + g) % 3}
						want := fmt.Sprint(rs.Eval(env, testNow))
						ctx, cancel := context.WithCancel(context.Background())
						if i%5 == 0 {
							cancel()
						}
						if _, err := rs.EvalContext(ctx, env, testNow); i%5 == 0 && !errors.Is(err, dsl.ErrCancelled) {
							errs <- fmt.Sprintf("cancelled evaluation: %v", err)
						}
						cancel()
						x, _ := rs.Explain("top", env, testNow)
						_ = x.String()
						if got := fmt.Sprint(rs.Eval(env, testNow)); got != want {
							errs <- fmt.Sprintf("g%d i%d: %s != %s", g, i, got, want)
							return
						}
					}
				}(g)
			}
			wg.Wait()
			close(errs)
			for e := range errs {
				t.Error(e)
			}
		})
	})
}
