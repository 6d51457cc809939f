package dsl

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

// genRunRules draws a rule file whose rules come in runs sharing a first
// guard, with what may sit in a run or end one between them: disabled
// rules, decisions that only feed others and the rules that read them,
// single tests, rules that fail on a NaN.
func genRunRules(t *rapid.T) string {
	firsts := []string{"product != nil", "client.age > 30", "client.flag", "product?.count > 1"}
	seconds := []string{"product.value > 1", "client.score < 0.5", "product.count > 0", "n > 2", "x > 1"}
	var b strings.Builder
	b.WriteString("ruleset runs version 1\n")
	n := rapid.IntRange(1, 14).Draw(t, "rules")
	first := rapid.SampledFrom(firsts).Draw(t, "first")
	for i := range n {
		if rapid.IntRange(0, 3).Draw(t, "new run") == 0 {
			first = rapid.SampledFrom(firsts).Draw(t, "first")
		}
		second := rapid.SampledFrom(seconds).Draw(t, "second")
		switch rapid.IntRange(0, 5).Draw(t, "shape") {
		case 0: // disabled
			fmt.Fprintf(&b, "rule r%d {\n  type \"r%d\"\n  enabled false\n  when %s && %s\n}\n", i, i, first, second)
		case 1: // a decision only others read, and its reader
			fmt.Fprintf(&b, "rule d%d {\n  type \"d%d\"\n  emit false\n  when %s && %s\n  output band \"hi\"\n}\n", i, i, first, second)
			fmt.Fprintf(&b, "rule r%d {\n  type \"r%d\"\n  when %s && (d%d.band ?? \"lo\") == \"hi\"\n}\n", i, i, first, i)
		case 2: // a single test
			fmt.Fprintf(&b, "rule r%d {\n  type \"r%d\"\n  when %s\n}\n", i, i, first)
		default: // a plain rule of the run, with evidence and a title
			fmt.Fprintf(&b, "rule r%d {\n  type \"r%d\"\n  when %s && %s\n  title \"r%d {n}\"\n}\n", i, i, first, second, i)
		}
	}
	return b.String()
}

func drawRunEnv(t *rapid.T) nativeEnv {
	env := nativeEnv{
		Client: nativeClient{Age: rapid.IntRange(20, 40).Draw(t, "age"), Flag: rapid.Bool().Draw(t, "flag"),
			Score: rapid.SampledFrom([]float64{0, 0.7, math.NaN()}).Draw(t, "score")},
		N: rapid.IntRange(0, 4).Draw(t, "n"), X: rapid.SampledFrom([]float64{0, 2, math.NaN()}).Draw(t, "x"),
	}
	if rapid.Bool().Draw(t, "product") {
		env.Product = &nativeInner{Value: rapid.SampledFrom([]float64{0, 2, math.NaN()}).Draw(t, "value"),
			Count: rapid.IntRange(0, 2).Draw(t, "count")}
	}
	return env
}

// Stepping over a run whose first guard is false decides what the loop
// decides rule by rule: the same hits and errors as expr alone, the same
// rules marked decided, and the same as a timed evaluation, which steps
// over nothing.
func TestGuardRunsDecideAsTheLoop(t *testing.T) {
	sawRun := false
	rapid.Check(t, func(t *rapid.T) {
		src := genRunRules(t)
		fast, err := CompileRules[nativeEnv]([]byte(src))
		if err != nil {
			t.Fatalf("%v\n%s", err, src)
		}
		ref, err := CompileRules[nativeEnv]([]byte(src), exprOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range fast.rules {
			sawRun = sawRun || r.guards.runEnd > 0
		}
		env := drawRunEnv(t)
		eval := func(rs *RuleSet[nativeEnv], timed bool) ([]Hit, string, []bool) {
			o := EvalOptions{Decided: make([]bool, len(rs.rules))}
			if timed {
				o.Clock = func() time.Time { return nativeNow }
				o.RuleTimes = make([]time.Duration, len(rs.rules))
			}
			hits, err := rs.AppendEvalWith(context.Background(), nil, env, nativeNow, o)
			return hits, fmt.Sprint(err), o.Decided
		}
		nan := cmp.Comparer(func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) })
		gotHits, gotErr, gotMarks := eval(fast, false)
		for _, other := range []struct {
			name  string
			rs    *RuleSet[nativeEnv]
			timed bool
		}{{"expr", ref, false}, {"timed", fast, true}} {
			hits, err, marks := eval(other.rs, other.timed)
			if d := cmp.Diff(hits, gotHits, nan); d != "" || err != gotErr || !cmp.Equal(marks, gotMarks) {
				t.Fatalf("%s\n%+v: runs differ from %s (-%s +runs):\n%s\nerrors %s, %s\ndecided %v, %v",
					src, env, other.name, other.name, d, err, gotErr, marks, gotMarks)
			}
		}
	})
	if !sawRun {
		t.Error("no rule file drew a run: the test covers nothing")
	}
}

// The runs of the wealthdesk-like file: products' families, with what
// ends a run.
func TestGuardRunsMarked(t *testing.T) {
	src := `ruleset g version 1
rule a {
  type "a"
  when product != nil && product.value > 1
}
rule off {
  type "off"
  enabled false
  when client.flag && n > 1
}
rule b {
  type "b"
  when product != nil && product.count > 1
}
rule c {
  type "c"
  when client.flag && n > 1
}
rule d {
  type "d"
  when client.flag && x > 1
}
rule alone {
  type "alone"
  when client.flag
}
rule e {
  type "e"
  when client.flag && n > 3
}
`
	rs, err := CompileRules[nativeEnv]([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, r := range rs.rules {
		got = append(got, r.guards.runEnd)
	}
	// a and b share a run over the disabled rule; c and d another; the
	// single test ends it, and e's run is the file's end.
	if want := []int{3, 0, 3, 5, 5, 0, 7}; !cmp.Equal(got, want) {
		t.Errorf("runs end at %v, want %v", got, want)
	}
}
