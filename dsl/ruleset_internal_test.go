package dsl

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

type propClient struct {
	Age   int     `expr:"age"`
	Score float64 `expr:"score"`
}

type propProduct struct {
	Value float64   `expr:"value"`
	End   time.Time `expr:"end"`
}

type propEnv struct {
	Client  propClient   `expr:"client"`
	Product *propProduct `expr:"product"`
}

const propRules = `ruleset p version 1
rule a {
  type "a"
  let d = daysUntil(product.end)
  when product != nil && d < 30
  title "{d} days, value {product.value}"
  urgency d < 7 ? 0.9 : 0.2
}
rule b {
  type "b"
  when client.age >= 30 && client.score < 0.5
  sensitivity clamp(client.score, 0, 1)
}
rule c {
  type "c"
  when !(client.score > 0.2) || product.value > 10 || product.value == 5
  branch client.age < 40 {
    urgency 0.5
  }
}
table t hit collect {
  type "t"
  in client.age, client.score
  row < 30, -       => urgency 0.1
  row -,    [0..0.5] => urgency 0.2
}
`

// slow returns a copy of rs that evaluates every part on its own, with no
// batch: the reference the fast path must agree with.
func slow[Env any](rs *RuleSet[Env]) *RuleSet[Env] {
	c := &RuleSet[Env]{name: rs.name, version: rs.version, byID: rs.byID, layout: rs.layout, budget: rs.budget, clamp: rs.clamp}
	for _, r := range rs.rules {
		cp := *r
		cp.native = nil
		cp.leaf = noBatch(r.leaf)
		cp.branches = nil
		for _, b := range r.branches {
			bc := *b
			bc.leaf = noBatch(b.leaf)
			cp.branches = append(cp.branches, &bc)
		}
		if r.tbl != nil {
			t := *r.tbl
			t.rows = append([]cRow(nil), r.tbl.rows...)
			for i := range t.rows {
				t.rows[i].leaf = noBatch(t.rows[i].leaf)
			}
			cp.tbl = &t
		}
		c.rules = append(c.rules, &cp)
	}
	c.runners.New = func() any { return newRunner[Env](c.layout, c.budget) }
	return c
}

func noBatch(l *leaf) *leaf {
	if l == nil {
		return nil
	}
	c := *l
	c.batch, c.native = nil, nil
	return &c
}

// exprOnly compiles with every condition left to expr.
var exprOnly = optionFunc(func(c *config) { c.exprOnly = true })

func TestPropertyFastPathEqualsSlowPath(t *testing.T) {
	fast, err := CompileRules[propEnv]([]byte(propRules), exprOnly)
	if err != nil {
		t.Fatal(err)
	}
	if fast.whens == nil {
		t.Fatal("the conditions batch was not built")
	}
	if !strings.Contains(fast.whens.program.Disassemble(), "__g") {
		t.Fatal("no guarded expression was shared, so this test does not cover sharing")
	}
	ref := slow(fast)
	now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
	rapid.Check(t, func(t *rapid.T) {
		env := propEnv{Client: propClient{
			Age:   rapid.IntRange(0, 90).Draw(t, "age"),
			Score: rapid.SampledFrom([]float64{0, 0.2, 0.3, 0.5, 0.9, math.NaN(), math.Inf(1)}).Draw(t, "score"),
		}}
		if rapid.Bool().Draw(t, "product") {
			env.Product = &propProduct{
				Value: rapid.SampledFrom([]float64{0, 5, 11, math.NaN()}).Draw(t, "value"),
				End:   rapid.SampledFrom([]time.Time{{}, now.AddDate(0, 0, 3), now.AddDate(0, 1, 0)}).Draw(t, "end"),
			}
		}
		got, gotErr := fast.Eval(env, now)
		want, wantErr := ref.Eval(env, now)
		if d := cmp.Diff(want, got, cmp.Comparer(func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) })); d != "" {
			t.Fatalf("fast path differs (-slow +fast):\n%s", d)
		}
		if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
			t.Fatalf("errors differ: fast %v, slow %v", gotErr, wantErr)
		}
	})
}
