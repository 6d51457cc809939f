package celcompare

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"cel.dev/cel-go/cel"
	"github.com/engagekit/engagekit/dsl"
	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// Env is the client the conditions read, as a host's struct for dsl and
// expr; cel-go declares the same names as variables.
type Env struct {
	Age           int     `expr:"age"`
	Coverage      float64 `expr:"coverage"`
	Income        float64 `expr:"income"`
	Contribution  float64 `expr:"contribution"`
	Drift         float64 `expr:"drift"`
	Discrepancies int     `expr:"discrepancies"`
	RiskProfile   string  `expr:"riskProfile"`
	HasPension    bool    `expr:"hasPension"`
}

// conditions writes n conditions in the syntax the three languages share,
// from six templates with varying thresholds (the shapes of the rules an
// advisory framework holds).
func conditions(n int) []string {
	profiles := []string{"defensive", "neutral", "offensive"}
	out := make([]string, n)
	for i := range out {
		k := i / 6
		switch i % 6 {
		case 0:
			out[i] = fmt.Sprintf("age >= %d && hasPension && coverage < %.2f", 25+k%30, 0.3+float64(k%5)/20)
		case 1:
			out[i] = fmt.Sprintf("(age < 30 ? coverage < %.2f : coverage < %.2f) && hasPension", 0.2+float64(k%4)/20, 0.5+float64(k%3)/20)
		case 2:
			out[i] = fmt.Sprintf("drift > %.2f && riskProfile == %q", 0.02+float64(k%6)/50, profiles[k%3])
		case 3:
			out[i] = fmt.Sprintf("discrepancies >= %d && age < %d", 1+k%9, 40+k%40)
		case 4:
			out[i] = fmt.Sprintf("income > %d.0 && (!hasPension || contribution < %d.0)", 40000+k*5000, 2000+k*250)
		default:
			out[i] = fmt.Sprintf("(income - contribution * 12.0) / income > %.2f && age >= %d", 0.5+float64(k%5)/10, 30+k%20)
		}
	}
	return out
}

func ruleFile(conds []string) []byte {
	var b strings.Builder
	b.WriteString("ruleset compare version 1\n")
	for i, c := range conds {
		fmt.Fprintf(&b, "rule r%d {\n  type \"t\"\n  when %s\n}\n", i, c)
	}
	return []byte(b.String())
}

func celEnv() (*cel.Env, error) {
	return cel.NewEnv(
		cel.Variable("age", cel.IntType), cel.Variable("coverage", cel.DoubleType),
		cel.Variable("income", cel.DoubleType), cel.Variable("contribution", cel.DoubleType),
		cel.Variable("drift", cel.DoubleType), cel.Variable("discrepancies", cel.IntType),
		cel.Variable("riskProfile", cel.StringType), cel.Variable("hasPension", cel.BoolType))
}

func celCompile(env *cel.Env, src string) (cel.Program, error) {
	ast, iss := env.Compile(src)
	if iss.Err() != nil {
		return nil, iss.Err()
	}
	return env.Program(ast)
}

var sample = Env{Age: 31, Coverage: 0.45, Income: 72000, Contribution: 2400, Drift: 0.03, Discrepancies: 3,
	RiskProfile: "neutral", HasPension: true}

func (e Env) vars() map[string]any {
	return map[string]any{"age": e.Age, "coverage": e.Coverage, "income": e.Income, "contribution": e.Contribution,
		"drift": e.Drift, "discrepancies": e.Discrepancies, "riskProfile": e.RiskProfile, "hasPension": e.HasPension}
}

// The three compile the same conditions and decide them alike, so the
// benchmark compares like with like.
func TestTheThreeAgree(t *testing.T) {
	conds := conditions(100)
	rs, err := dsl.CompileRules[Env](ruleFile(conds))
	if err != nil {
		t.Fatal(err)
	}
	hits, err := rs.Eval(sample, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	fired := map[string]bool{}
	for _, h := range hits {
		fired[h.Rule] = true
	}
	env, err := celEnv()
	if err != nil {
		t.Fatal(err)
	}
	var machine vm.VM
	for i, c := range conds {
		id := fmt.Sprintf("r%d", i)
		p, err := celCompile(env, c)
		if err != nil {
			t.Fatalf("cel %s: %v", c, err)
		}
		out, _, err := p.Eval(sample.vars())
		if err != nil {
			t.Fatalf("cel %s: %v", c, err)
		}
		prog, err := expr.Compile(c, expr.Env(Env{}), expr.AsBool())
		if err != nil {
			t.Fatalf("expr %s: %v", c, err)
		}
		got, err := machine.Run(prog, sample)
		if err != nil {
			t.Fatalf("expr %s: %v", c, err)
		}
		if out.Value() != fired[id] || got != fired[id] {
			t.Errorf("%s: dsl %v, cel %v, expr %v", c, fired[id], out.Value(), got)
		}
	}
	if len(fired) == 0 || len(fired) == len(conds) {
		t.Fatalf("%d of %d fired: the sample decides too little", len(fired), len(conds))
	}
}

// BenchmarkCompile100 compiles 100 conditions to something that can be
// evaluated: a dsl rule set from a rule file, each condition with dsl.Compile,
// cel-go (Compile, which parses and checks, then Program) and expr.
func BenchmarkCompile100(b *testing.B) {
	conds := conditions(100)
	b.Run("engine=dsl-ruleset", func(b *testing.B) {
		src := ruleFile(conds)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := dsl.CompileRules[Env](src); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("engine=dsl-expressions", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, c := range conds {
				if _, err := dsl.Compile[Env, bool](c); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("engine=cel", func(b *testing.B) {
		env, err := celEnv()
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			for _, c := range conds {
				if _, err := celCompile(env, c); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("engine=expr", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for _, c := range conds {
				if _, err := expr.Compile(c, expr.Env(Env{}), expr.AsBool()); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
