package dsl

import (
	"errors"
	"fmt"
	"sync"
	"testing"
)

// TestAdversary91NilListOfInDecides: doc.go, NaN and nil: "A comparison
// (==, !=, <, <=, >, >=, in) ... A comparison or string operator that
// sees nil from an optional chain ... fails with [ErrEval] ... So does such
// a nil (or a decision's nil output) where it would otherwise decide as
// false ... and the list a built-in walks". The list of an `in` that is a
// nil optional chain, or the nil output of a decision that did not fire,
// decides as an empty list: `"a" in pitem?.tags` is false, and
// `"a" not in pitem?.tags` fires, with pitem nil; the same for
// `"a" not in a.x` when decision a did not fire.
// Mechanism: instrument.go, instrumenter.walk, case n.Operator == "in":
// guardOperand guards only the left operand; for the right it adds
// walkNil to the __walk mode when nilGuard(n.Right) != "", but walkNil
// (registry.go, the __walk function) fails only on nil elements: a nil
// list itself (!rv.IsValid()) is returned as is, and expr's `in` reads
// nil as an empty list. The right operand is never wrapped in
// __some/__decided.
func TestAdversary91NilListOfInDecides(t *testing.T) {
	dec := func(out, reader string) string {
		return "rule a {\n type \"a\"\n emit false\n when i > 100\n output x " + out + "\n}\nrule b {\n type \"b\"\n when " + reader + "\n}\n"
	}
	for _, body := range []string{
		a22When(`"a" not in pitem?.tags`),
		a22When(`not ("a" in pitem?.tags)`),
		a22When(`"a" in pitem?.tags || i == 3`),
		dec("ss", `"a" not in a.x`),
		dec("ss", `!("a" in a.x)`),
		dec("xs", `1 not in a.x`),
		dec("m", `"a" not in a.x`),
	} {
		env := a22Env0() // pitem nil; a's condition i > 100 false
		for i, r := range a22Check(t, body, env) {
			if r.compileErr != nil || !errors.Is(r.err, ErrEval) || len(r.hits) != 0 {
				t.Errorf("%s: %s\n  => %v; want no hit and an ErrEval (the list of the in is nil, which never decides)", a22Names[i], body, r)
			}
		}
	}
}

// TestAdversary91ConcurrentChainEvalExplain pins (passing): one rule set
// of a priority table ranked by an order, a collect-sum table reading it,
// and a rule reading both, with clamped outputs and read evidence, gives
// each goroutine the same hits while others Explain it (run with -race).
func TestAdversary91ConcurrentChainEvalExplain(t *testing.T) {
	src := `ruleset c version 1
table band hit priority {
  type "band"
  emit false
  order level "high", "mid", "low"
  in f, i
  row >= 1, -   => output level "high" output amt d * 2
  row -, >= 2   => output level "mid" output amt d
  row -, -      => output level "low" output amt d
}
table agg hit collect sum urgency {
  type "agg"
  in band.level, i
  row "high", - => urgency 0.25 title "{band.level} {words(band.amt)} {num(f)}"
  row -, >= 1   => urgency i / 10
}
rule chain {
  type "chain"
  let lv = band.level
  when agg.fired && lv != nil && agg.urgency > 0.1
  title "{lv}: {agg.urgency} {sum(map(items, #.score))} {upper(s)}"
  output at at.AddDate(0, 1, 0)
  branch band.amt > d {
    output at at
  }
}
`
	rs, err := CompileRules[a22Env]([]byte(src), WithClampedOutputs(), WithReadEvidence())
	if err != nil {
		t.Fatal(err)
	}
	envOf := func(k int) a22Env {
		env := a22Env0()
		env.F, env.I = float64(k)/2, k
		return env
	}
	base := map[int]string{}
	for k := range 4 {
		h, err := rs.Eval(envOf(k), a22Now)
		base[k] = fmt.Sprint(h, err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for n := range 100 {
				k := (g + n) % 4
				if n%3 == 0 {
					for _, id := range []string{"band", "agg", "chain"} {
						if x, err := rs.Explain(id, envOf(k), a22Now); err != nil || x == nil {
							t.Errorf("Explain(%s): %v", id, err)
						} else {
							_ = x.String()
						}
					}
					continue
				}
				h, err := rs.Eval(envOf(k), a22Now)
				if s := fmt.Sprint(h, err); s != base[k] {
					t.Errorf("k=%d: %s, alone %s", k, s, base[k])
				}
			}
		}(g)
	}
	wg.Wait()
}
