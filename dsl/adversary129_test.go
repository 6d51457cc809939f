package dsl

import (
	"context"
	"fmt"
	"github.com/engagekit/engagekit/internal/testguard"
	"math"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// Adversary 129: guard runs (guard_runs.go). Each test compares the
// evaluation that steps over runs with a timed evaluation (which steps
// over nothing) and with expr alone (exprOnly): hits, errors, Decided
// marks, and Explain's fired for every rule.

// a129Guard runs f under a timeout, turning a panic into a failure.
func a129Guard(t *testing.T, f func()) {
	t.Helper()
	testguard.Run(t, 60*time.Second, f)
}

type a129Result struct {
	Hits    []string
	Err     string
	Decided []bool
	Fired   map[string]bool
}

func a129Eval(rs *RuleSet[nativeEnv], env nativeEnv, timed bool) a129Result {
	o := EvalOptions{Decided: make([]bool, len(rs.rules))}
	if timed {
		o.Clock = func() time.Time { return nativeNow }
		o.RuleTimes = make([]time.Duration, len(rs.rules))
	}
	hits, err := rs.AppendEvalWith(context.Background(), nil, env, nativeNow, o)
	var res a129Result
	for _, h := range hits {
		res.Hits = append(res.Hits, fmt.Sprintf("%s/%s/%q/%v/%v", h.Rule, h.Type, h.Title, h.Urgency, h.Outputs))
	}
	res.Err = fmt.Sprint(err)
	res.Decided = o.Decided
	res.Fired = map[string]bool{}
	for _, r := range rs.rules {
		x, err := rs.Explain(r.id, env, nativeNow)
		if err == nil && x != nil {
			res.Fired[r.id] = x.Fired
		}
	}
	return res
}

// a129Diff compiles src with the closures and with expr alone, and
// reports where the run-stepping evaluation differs from either of the
// others; the closures' result is returned for pinning.
func a129Diff(t *testing.T, src string, env nativeEnv, opts ...Option) a129Result {
	t.Helper()
	fast, err := CompileRules[nativeEnv]([]byte(src), opts...)
	if err != nil {
		t.Fatalf("compile: %v\n%s", err, src)
	}
	ref, err := CompileRules[nativeEnv]([]byte(src), append(opts[:len(opts):len(opts)], exprOnly)...)
	if err != nil {
		t.Fatalf("compile exprOnly: %v", err)
	}
	got := a129Eval(fast, env, false)
	for _, other := range []struct {
		name string
		res  a129Result
	}{{"timed", a129Eval(fast, env, true)}, {"exprOnly", a129Eval(ref, env, false)}} {
		if d := cmp.Diff(other.res, got); d != "" {
			t.Errorf("runs differ from %s (-%s +runs):\n%s", other.name, other.name, d)
		}
	}
	return got
}

func a129HasRun(t *testing.T, src string, opts ...Option) {
	t.Helper()
	rs, err := CompileRules[nativeEnv]([]byte(src), opts...)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs.rules {
		if r.guards.runEnd > 0 {
			return
		}
	}
	t.Errorf("no run in the file: the test covers nothing")
}

// a129Level is a host number type whose Go syntax (GoString) does not
// spell its value, as a type with a debugging GoString may.
type a129Level int

func (a129Level) GoString() string { return "a129Level" }

// a129Rate is a host number type that formats itself, rounded, under
// every verb (fmt.Formatter), as display types do.
type a129Rate float64

func (r a129Rate) Format(f fmt.State, _ rune) { fmt.Fprintf(f, "%.2f%%", float64(r)*100) }

// Pin: two host constants of a number type whose %#v does not spell the
// value (a GoString method) have the same exprkey key, but a named
// number type is left to expr (__plain), so `n > Low` is no guard and the
// rules are not decided from each other: with n = 3, Low = 1, High = 5,
// low fires and high does not, in either order.
func TestAdversary129_ConstKeyCollisionGoString(t *testing.T) {
	a129Guard(t, func() {
		opts := []Option{WithConsts(map[string]any{"Low": a129Level(1), "High": a129Level(5)})}
		for _, order := range [][2]string{{"low", "high"}, {"high", "low"}} {
			body := map[string]string{"low": "n > Low && x >= 0", "high": "n > High && x >= 0"}
			src := "ruleset c version 1\n"
			for _, id := range order {
				src += fmt.Sprintf("rule %s {\n  type \"%s\"\n  when %s\n}\n", id, id, body[id])
			}
			env := nativeEnv{N: 3, X: 1}
			got := a129Diff(t, src, env, opts...)
			if want := []string{`low/low/""/0/map[]`}; !cmp.Equal(got.Hits, want) {
				t.Errorf("order %v: hits %v, want %v", order, got.Hits, want)
			}
		}
	})
}

// Pin: as above, for a number type that is a fmt.Formatter printing
// a rounded percentage: 0.05001 and 0.05004 both print 5.00%, so
// `x > A && n >= 0` and `x > B && n >= 0` share a guard. Expected with
// x = 0.05002: rule a fires, rule b does not.
func TestAdversary129_ConstKeyCollisionFormatter(t *testing.T) {
	a129Guard(t, func() {
		opts := []Option{WithConsts(map[string]any{"A": a129Rate(0.05001), "B": a129Rate(0.05004)})}
		for _, order := range [][2]string{{"a", "b"}, {"b", "a"}} {
			body := map[string]string{"a": "x > A && n >= 0", "b": "x > B && n >= 0"}
			src := "ruleset c version 1\n"
			for _, id := range order {
				src += fmt.Sprintf("rule %s {\n  type \"%s\"\n  when %s\n}\n", id, id, body[id])
			}
			env := nativeEnv{X: 0.05002}
			got := a129Diff(t, src, env, opts...)
			if want := []string{`a/a/""/0/map[]`}; !cmp.Equal(got.Hits, want) {
				t.Errorf("order %v: hits %v, want %v", order, got.Hits, want)
			}
		}
	})
}

// Lets of the same name bound to different expressions in each rule:
// `d > 0` is the same text, but lets are inlined, so the guards differ.
func TestAdversary129_SameLetNameDifferentMeaning(t *testing.T) {
	a129Guard(t, func() {
		src := `ruleset l version 1
rule a {
  type "a"
  let d = n - 5
  when d > 0 && x >= 0
}
rule b {
  type "b"
  let d = n + 5
  when d > 0 && x >= 0
  title "b {d}"
}
rule c {
  type "c"
  let e = n - 5
  let d = e * -1
  when d > 0 && x >= 0
}
rule f {
  type "f"
  let d = n - 5
  when d > 0 && client.age >= 0
}
`
		a129HasRun(t, src)
		got := a129Diff(t, src, nativeEnv{N: 3})
		want := []string{`b/b/"b 8"/0/map[]`, `c/c/""/0/map[]`}
		if !cmp.Equal(got.Hits, want) {
			t.Errorf("hits %v, want %v", got.Hits, want)
		}
	})
}

// A constant of the rule file with a let of the same name in one rule.
func TestAdversary129_ConstVersusLet(t *testing.T) {
	a129Guard(t, func() {
		src := `ruleset l version 1
const Lim = 10
rule a {
  type "a"
  when n > Lim && x >= 0
}
rule b {
  type "b"
  let Lim = 1
  when n > Lim && x >= 0
}
rule c {
  type "c"
  when n > 10 && x >= 0
}
`
		_, err := CompileRules[nativeEnv]([]byte(src))
		if err != nil {
			t.Logf("compile refuses a let hiding a constant: %v", err)
			return
		}
		got := a129Diff(t, src, nativeEnv{N: 3})
		if want := []string{`b/b/""/0/map[]`}; !cmp.Equal(got.Hits, want) {
			t.Errorf("hits %v, want %v", got.Hits, want)
		}
	})
}

// A hostile mix around runs: disabled rules and emit-false decisions in
// a run, readers of them, tables and trees with the same first guard,
// first guards that fail (nil deref, NaN) instead of being false,
// optional chains and the same guard spelled differently.
func TestAdversary129_HostileMix(t *testing.T) {
	src := `ruleset m version 1
rule a1 {
  type "a1"
  when product != nil && product.count > 0
}
rule off {
  type "off"
  enabled false
  when product != nil && product.value > 0
}
rule dec {
  type "dec"
  emit false
  when product != nil && n > 1
  output band "hi"
}
rule a2 {
  type "a2"
  when product != nil && n > 2
  title "a2 {product.count}"
}
rule reader {
  type "reader"
  when product != nil && (dec.band ?? "lo") == "hi"
}
rule a3 {
  type "a3"
  when product != nil && x > 1
}
table t1 hit first {
  type "t1"
  when product != nil && n >= 0
  in product.count
  row > 0 => output k 1
  row -   => output k 2
}
rule tree {
  type "tree"
  when product != nil && n >= 0
  branch product.count > 1 {
    type "tree.big"
  }
  else {
    type "tree.small"
  }
}
rule a4 {
  type "a4"
  when product != nil && client.age > 0
}
rule nilderef {
  type "nilderef"
  when product.count > 0 && n > 0
}
rule nilderef2 {
  type "nilderef2"
  when product.count > 0 && x > 0
}
rule opt1 {
  type "opt1"
  when product?.count > 0 && n > 0
}
rule opt2 {
  type "opt2"
  when product?.count > 0 && x > 0
}
rule nan1 {
  type "nan1"
  when x > 0.5 && n > 0
}
rule nan2 {
  type "nan2"
  when x > 0.5 && client.age > 0
}
rule nan3 {
  type "nan3"
  when x > 0.5 && client.score > 0
}
rule sp1 {
  type "sp1"
  when (product != nil) && n > 0
}
rule sp2 {
  type "sp2"
  when nil != product && n > 0
}
rule sp3 {
  type "sp3"
  when product != nil and n > 0
}
rule sc1 {
  type "sc1"
  when client.score < 0.5 && n > 0
}
rule sc2 {
  type "sc2"
  when client.score < 0.5 && x > 0
}
`
	a129Guard(t, func() {
		a129HasRun(t, src)
		envs := []nativeEnv{
			{N: 3, X: 2, Client: nativeClient{Age: 30, Score: 0.2}},
			{N: 3, X: math.NaN(), Client: nativeClient{Age: 30, Score: math.NaN()}},
			{N: 3, X: 2, Product: &nativeInner{Count: 2, Value: 1}, Client: nativeClient{Age: 30}},
			{N: 0, X: math.NaN(), Product: &nativeInner{Count: 0, Value: math.NaN()}},
			{N: 2, X: 0.7, Product: &nativeInner{Count: 1}, Client: nativeClient{Score: 0.9}},
		}
		for i, env := range envs {
			t.Run(fmt.Sprint(i), func(t *testing.T) { a129Diff(t, src, env) })
		}
	})
}

// A very long run (5000 rules) of one false first guard with a few rules
// that fire after it: the same result every way, every rule of the run
// marked decided.
func TestAdversary129_LongRun(t *testing.T) {
	a129Guard(t, func() {
		var b strings.Builder
		b.WriteString("ruleset long version 1\n")
		for i := range 5000 {
			if i%500 == 499 {
				fmt.Fprintf(&b, "rule off%d {\n  type \"off\"\n  enabled false\n  when product != nil && n > %d\n}\n", i, i)
				continue
			}
			fmt.Fprintf(&b, "rule r%d {\n  type \"r\"\n  when product != nil && n > %d\n}\n", i, i)
		}
		b.WriteString("rule last {\n  type \"last\"\n  when n > 1 && x > 1\n}\n")
		src := b.String()
		a129HasRun(t, src)
		got := a129Diff(t, src, nativeEnv{N: 3, X: 2})
		if want := []string{`last/last/""/0/map[]`}; !cmp.Equal(got.Hits, want) {
			t.Errorf("hits %v, want %v", got.Hits, want)
		}
		for i, d := range got.Decided {
			if d == (i%500 == 499 && i < 5000) {
				t.Fatalf("rule %d decided %v", i, d)
			}
		}
	})
}

// Concurrent evaluations of a rule set with runs give each the result of
// a lone evaluation.
func TestAdversary129_Concurrent(t *testing.T) {
	a129Guard(t, func() {
		src := `ruleset c version 1
rule a {
  type "a"
  when product != nil && product.count > 0
}
rule b {
  type "b"
  when product != nil && n > 0
}
rule c {
  type "c"
  when n > 0 && x > 0
}
`
		rs, err := CompileRules[nativeEnv]([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		envs := []nativeEnv{{N: 1, X: 1}, {N: 1, X: 1, Product: &nativeInner{Count: 1}}}
		want := make([]a129Result, len(envs))
		for i, env := range envs {
			want[i] = a129Eval(rs, env, false)
		}
		var wg sync.WaitGroup
		errs := make(chan string, 64)
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range 300 {
					i := (g + k) % len(envs)
					if d := cmp.Diff(want[i], a129Eval(rs, envs[i], k%2 == 0)); d != "" {
						errs <- d
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for d := range errs {
			t.Error(d)
		}
	})
}

// A context cancelled by a host function in a rule before a run: the
// first rule the loop reaches after it fails, named, whether or not the
// loop would step over a run, and the marks agree with a timed run.
func TestAdversary129_CancelBeforeRun(t *testing.T) {
	a129Guard(t, func() {
		var cancel context.CancelFunc
		opts := []Option{WithFunc1("stop", func(v int) bool { cancel(); return v > 0 })}
		src := `ruleset k version 1
rule a {
  type "a"
  when product != nil && n > 0
}
rule s {
  type "s"
  when stop(n)
}
rule b {
  type "b"
  when product != nil && x > 0
}
rule c {
  type "c"
  when product != nil && client.age > 0
}
rule d {
  type "d"
  when n > 0 && x > 0
}
`
		rs, err := CompileRules[nativeEnv]([]byte(src), opts...)
		if err != nil {
			t.Fatal(err)
		}
		var res [2]string
		for k, timed := range []bool{false, true} {
			var ctx context.Context
			ctx, cancel = context.WithCancel(context.Background())
			o := EvalOptions{Decided: make([]bool, len(rs.rules))}
			if timed {
				o.Clock = func() time.Time { return nativeNow }
				o.RuleTimes = make([]time.Duration, len(rs.rules))
			}
			hits, err := rs.AppendEvalWith(ctx, nil, nativeEnv{N: 1, X: 1}, nativeNow, o)
			res[k] = fmt.Sprint(hits, err, o.Decided)
			if !strings.Contains(fmt.Sprint(err), "b") {
				t.Errorf("timed %v: error %v does not name rule b", timed, err)
			}
			cancel()
		}
		if res[0] != res[1] {
			t.Errorf("untimed %s\ntimed   %s", res[0], res[1])
		}
	})
}

// a129Zones are two time zones of one name, "Z": one with London's rules
// (an hour ahead in 1968-1971), one with Abidjan's (GMT always). In
// January 2020 both are GMT, offset 0.
func a129Zones(t *testing.T) (*time.Location, *time.Location) {
	t.Helper()
	var locs []*time.Location
	for _, f := range []string{"/usr/share/zoneinfo/Europe/London", "/usr/share/zoneinfo/Africa/Abidjan"} {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Skipf("no zoneinfo: %v", err)
		}
		loc, err := time.LoadLocationFromTZData("Z", data)
		if err != nil {
			t.Skip(err)
		}
		locs = append(locs, loc)
	}
	return locs[0], locs[1]
}

// DEFECT: two time constants at the same instant, with the same offset,
// zone abbreviation and location name there, but in locations whose
// rules differ elsewhere, have the same guard key (exprkey spells a time
// by instant, offset, zone name and location name), yet yearsBetween(A,
// t) and yearsBetween(B, t) measure in A's and B's location and differ.
// The two conditions share their first guard (a run), so the second rule
// is decided from the first's guard (stepped over in a's run; the timed
// evaluation, which shares the guard too, agrees with the runs). Expected
// (expr alone), for birth 1970-01-15 23:30 UTC (London was an hour ahead
// then): rule a does not fire, rule b does; happens: neither fires.
// Repro: WithConsts A, B = 2020-01-15T00:00Z in the two "Z" zones; rules
// `yearsBetween(A, client.birth) <= -50 && n >= 0` and the same with B.
func TestAdversary129_TimeConstKeyCollision(t *testing.T) {
	a129Guard(t, func() {
		london, abidjan := a129Zones(t)
		inst := time.Date(2020, 1, 15, 0, 0, 0, 0, time.UTC)
		opts := []Option{WithConsts(map[string]any{"A": inst.In(london), "B": inst.In(abidjan)})}
		env := nativeEnv{Client: nativeClient{Birth: time.Date(1970, 1, 15, 23, 30, 0, 0, time.UTC)}}
		src := `ruleset z version 1
rule a {
  type "a"
  when yearsBetween(A, client.birth) <= -50 && n >= 0
}
rule b {
  type "b"
  when yearsBetween(B, client.birth) <= -50 && n >= 0
}
`
		a129HasRun(t, src, opts...)
		got := a129Diff(t, src, env, opts...)
		if want := []string{`b/b/""/0/map[]`}; !cmp.Equal(got.Hits, want) {
			t.Errorf("hits %v, want %v (expr alone)", got.Hits, want)
		}
	})
}

// DEFECT (the same key, in the closures' memo of date calls,
// native_memo.go): within ONE rule, yearsBetween(A, client.birth) and
// yearsBetween(B, client.birth), A and B the constants above, are
// memoized under one key, so the second call returns the first's value.
// Expected (expr alone): the condition `yearsBetween(A, client.birth) !=
// yearsBetween(B, client.birth)` is true (the two measure in different zones) and rule c fires;
// happens: false, no hit (Explain agrees with the wrong answer).
func TestAdversary129_TimeConstMemoCollision(t *testing.T) {
	a129Guard(t, func() {
		london, abidjan := a129Zones(t)
		inst := time.Date(2020, 1, 15, 0, 0, 0, 0, time.UTC)
		opts := []Option{WithConsts(map[string]any{"A": inst.In(london), "B": inst.In(abidjan)})}
		env := nativeEnv{Client: nativeClient{Birth: time.Date(1970, 1, 15, 23, 30, 0, 0, time.UTC)}}
		src := `ruleset z version 1
rule c {
  type "c"
  when yearsBetween(A, client.birth) != yearsBetween(B, client.birth)
}
`
		got := a129Diff(t, src, env, opts...)
		if want := []string{`c/c/""/0/map[]`}; !cmp.Equal(got.Hits, want) {
			t.Errorf("hits %v, want %v (expr alone)", got.Hits, want)
		}
	})
}
