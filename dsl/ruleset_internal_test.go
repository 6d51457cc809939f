package dsl

import (
	"math"
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
rule a2 {
  type "a"
  let d = daysUntil(product.end)
  when product != nil && d < 60
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

// exprOnly compiles with every condition left to expr.
var exprOnly = optionFunc(func(c *config) { c.exprOnly = true })

func TestPropertyFastPathEqualsSlowPath(t *testing.T) {
	fast, err := CompileRules[propEnv]([]byte(propRules))
	if err != nil {
		t.Fatal(err)
	}
	if len(fast.guards) == 0 {
		t.Fatal("no guard is shared, so this test does not cover sharing")
	}
	ref, err := CompileRules[propEnv]([]byte(propRules), exprOnly)
	if err != nil {
		t.Fatal(err)
	}
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
			t.Fatalf("closures differ from expr (-expr +closures):\n%s", d)
		}
		if (gotErr == nil) != (wantErr == nil) || gotErr != nil && gotErr.Error() != wantErr.Error() {
			t.Fatalf("errors differ: closures %v, expr %v", gotErr, wantErr)
		}
	})
}
