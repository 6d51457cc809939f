package dsl

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

// outcome is what an evaluation said of one rule: whether it fired, the
// kind of its error (KindUnknown for none), and its hits.
type outcome struct {
	Fired bool
	Err   Kind
	Hits  []Hit
}

// outcomesOfEval splits a rule set's evaluation by rule.
func outcomesOfEval[Env any](rs *RuleSet[Env], hits []Hit, err error) map[string]outcome {
	out := map[string]outcome{}
	for _, r := range rs.rules {
		out[r.id] = outcome{}
	}
	for _, h := range hits {
		o := out[h.Rule]
		o.Fired, o.Hits = true, append(o.Hits, h)
		out[h.Rule] = o
	}
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else if err != nil {
		list = []error{err}
	}
	for _, e := range list {
		var de *Error
		if !errors.As(e, &de) {
			panic(fmt.Sprintf("an error that is not an *Error: %v", e))
		}
		o := out[de.RuleID]
		o.Err = de.Kind
		out[de.RuleID] = o
	}
	return out
}

// outcomesOfExplain asks Explain about every rule.
func outcomesOfExplain[Env any](t *rapid.T, rs *RuleSet[Env], env Env) map[string]outcome {
	out := map[string]outcome{}
	for _, r := range rs.rules {
		x, err := rs.Explain(r.id, env, nativeNow)
		if err != nil {
			t.Fatalf("Explain(%s): %v", r.id, err)
		}
		o := outcome{Fired: x.Fired, Hits: x.Hits}
		if x.Err != "" {
			o.Err = x.ErrKind
		}
		if x.Silent {
			// A decision that only feeds others: Eval says nothing of it,
			// and what it decided is in its readers' hits.
			o = outcome{}
		}
		out[r.id] = o
		_ = x.String() // rendering never fails
	}
	return out
}

var nanEqual = cmp.Comparer(func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) })

// genExplainRules writes a rule set that exercises every way a rule can
// decide: plain rules with lets and date built-ins in their conditions,
// titles and outputs; decision trees; a table; optional chains; and named
// decisions: rules reading the results of the rules before them and of the
// table, which may read the first rule, some of them only feeding others
// (emit false).
func genExplainRules(t *rapid.T) string {
	var b strings.Builder
	b.WriteString("ruleset x version 1\n")
	n := rapid.IntRange(1, 4).Draw(t, "rules")
	var table strings.Builder
	hasTable := rapid.Bool().Draw(t, "table")
	oneRow := false
	if hasTable {
		oneRow = genExplainTable(t, &table, n)
	}
	// r0 may feed only the others when r1 reads it.
	silent0 := n > 1 && rapid.Bool().Draw(t, "silent0")
	for i := range n {
		fmt.Fprintf(&b, "rule r%d {\n  type \"t%d\"\n", i, i)
		if i == 0 && silent0 {
			b.WriteString("  emit false\n")
		}
		fmt.Fprintf(&b, "  let d = %s\n", rapid.SampledFrom([]string{"daysUntil(product.end)", "age(client.birth)",
			"monthsSince(client.birth)", "client.score * 2", "product?.value ?? 0"}).Draw(t, "let"))
		cond := genBool(t, 2)
		if rapid.Bool().Draw(t, "chain") {
			cond = fmt.Sprintf("(product?.value %s %s) || %s", rapid.SampledFrom([]string{"!=", ">", "=="}).Draw(t, "cop"),
				rapid.SampledFrom([]string{"0.5", "x", "nil"}).Draw(t, "crhs"), cond)
		}
		if rapid.Bool().Draw(t, "uses-let") {
			cond = fmt.Sprintf("(d %s %s) && %s", rapid.SampledFrom([]string{"<", ">=", "!="}).Draw(t, "dop"), genNumber(t, 0), cond)
		}
		var reads []string // decisions the rule reads
		if i > 0 && (i == 1 && silent0 || rapid.Bool().Draw(t, "reads")) {
			j := 0
			if !(i == 1 && silent0) {
				j = rapid.IntRange(0, i-1).Draw(t, "read")
			}
			reads = append(reads, fmt.Sprintf("r%d", j))
		}
		if i > 0 && hasTable && rapid.Bool().Draw(t, "reads-table") {
			reads = append(reads, "tb") // tb reads at most r0, which reads nothing
		}
		for _, d := range reads {
			read := rapid.SampledFrom([]string{"%s.fired", "!%s.fired", "%s.urgency > 0.5", "(%s.urgency ?? 0) < 0.5",
				"%s.type == nil", "%s.sensitivity >= 0.5"}).Draw(t, "read-cond")
			if d == "tb" && !oneRow && !strings.Contains(read, "fired") {
				read = "%s.fired"
			}
			cond = fmt.Sprintf("(%s) %s %s", fmt.Sprintf(read, d), rapid.SampledFrom([]string{"&&", "||"}).Draw(t, "read-op"), cond)
		}
		fmt.Fprintf(&b, "  when %s\n", cond)
		fmt.Fprintf(&b, "  title \"d={d} n={%s}\"\n", genNumber(t, 1))
		fmt.Fprintf(&b, "  urgency clamp(%s, 0, 1)\n", genNumber(t, 1))
		fmt.Fprintf(&b, "  sensitivity %s ? 0.9 : 0.1\n", genBool(t, 1))
		for k, d := range reads {
			if d == "tb" && !oneRow {
				fmt.Fprintf(&b, "  output seen%d %s.fired\n", k, d)
				continue
			}
			fmt.Fprintf(&b, "  output seen%d [%s.type ?? \"none\", %s.urgency ?? -1]\n", k, d, d)
		}
		for j := range rapid.IntRange(0, 2).Draw(t, "branches") {
			fmt.Fprintf(&b, "  branch %s {\n    type \"b%d\"\n    urgency %s ? 0.8 : 0.2\n  }\n", genBool(t, 1), j, genBool(t, 0))
		}
		b.WriteString("}\n")
	}
	b.WriteString(table.String())
	return b.String()
}

// genExplainTable writes a decision table under any hit policy, in word or
// letter form, with or without an aggregator or an order of output values,
// over an input that may be absent (product?.value is nil when product is),
// or the result of rule r0. It reports whether the table decides at most
// one row, so that its outputs can be read.
func genExplainTable(t *rapid.T, b *strings.Builder, rules int) bool {
	hit := rapid.SampledFrom([]string{"first", "collect", "unique", "priority", "any", "output_order", "rule_order",
		"U", "A", "P", "F", "O", "R", "C", "C+ urgency", "C< score", "C> score", "C# ", "collect sum score"}).Draw(t, "hit")
	ranked := strings.HasPrefix(hit, "priority") || strings.HasPrefix(hit, "output_order") || hit == "P" || hit == "O"
	byOrder := ranked && rapid.Bool().Draw(t, "by-order")
	third := "product?.value"
	if rules > 0 && rapid.Bool().Draw(t, "table-reads") {
		third = rapid.SampledFrom([]string{"r0.urgency", "r0.fired ? r0.sensitivity : nil"}).Draw(t, "table-input")
	}
	fmt.Fprintf(b, "table tb hit %s {\n  type \"tb\"\n  in client.score, client.age, %s\n", hit, third)
	if byOrder {
		b.WriteString("  order level \"high\", \"mid\", \"low\"\n")
	}
	cells := []string{"< 0.5, -, -", "[0.5..1], > 30, -", "-, <= 30, -", "-, -, nil", "-, -, > 0.5 | nil", "-, -, not(nil)"}
	for i := range rapid.IntRange(1, 4).Draw(t, "rows") {
		fmt.Fprintf(b, "  row %s => urgency 0.%d output score %s", rapid.SampledFrom(cells).Draw(t, "cells"),
			rapid.IntRange(1, 3).Draw(t, "urgency"), genNumber(t, 0))
		switch {
		case byOrder:
			fmt.Fprintf(b, " output level %q", rapid.SampledFrom([]string{"high", "mid", "low"}).Draw(t, "level"))
		case ranked:
			fmt.Fprintf(b, " priority %d", rapid.IntRange(1, 3).Draw(t, "priority"))
		}
		_ = i
		b.WriteString("\n")
	}
	b.WriteString("}\n")
	multi := strings.HasPrefix(hit, "collect") && hit != "collect sum score" || hit == "C" || hit == "R" || hit == "O" ||
		strings.HasPrefix(hit, "output_order") || strings.HasPrefix(hit, "rule_order")
	return !multi
}

// Explain decides every rule as Eval does: fired, not fired, or failed
// with the same kind of error, with the same hits, on environments with
// NaN, ±Inf, nil pointers and zero times; and the closures change none of
// it.
func TestPropertyExplainAgreesWithEval(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		src := genExplainRules(t)
		rs, err := CompileRules[nativeEnv]([]byte(src))
		if err != nil {
			t.Skip("not a valid rule set:", err) // the generator can write type errors
		}
		ref, err := CompileRules[nativeEnv]([]byte(src), exprOnly)
		if err != nil {
			t.Fatalf("compiles with closures but not without: %v", err)
		}
		env := genNativeEnv(t)
		hits, err := rs.Eval(env, nativeNow)
		eval := outcomesOfEval(rs, hits, err)
		if d := cmp.Diff(eval, outcomesOfExplain(t, rs, env), nanEqual); d != "" {
			t.Fatalf("Explain differs from Eval (-eval +explain):\n%s\n%s", d, src)
		}
		refHits, refErr := ref.Eval(env, nativeNow)
		if d := cmp.Diff(eval, outcomesOfEval(ref, refHits, refErr), nanEqual); d != "" {
			t.Fatalf("the closures change a decision (-closures +expr):\n%s\n%s", d, src)
		}
	})
}

// Expr.Explain's verdict and root are Eval's.
func TestPropertyExprExplainAgreesWithEval(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		src := genBool(t, 3)
		e, err := Compile[nativeEnv, bool](src)
		if err != nil {
			t.Skip(err)
		}
		env := genNativeEnv(t)
		v, evalErr := e.Eval(env, nativeNow)
		x, explainErr := e.Explain(env, nativeNow)
		if (evalErr == nil) != (explainErr == nil) || evalErr != nil && evalErr.Error() != explainErr.Error() {
			t.Fatalf("%s: Eval %v, Explain %v", src, evalErr, explainErr)
		}
		if evalErr == nil && (x.Value != v || x.Root.Value != v || x.Root.Err != "") {
			t.Fatalf("%s: Eval %v, Explain value %v root %v %q", src, v, x.Value, x.Root.Value, x.Root.Err)
		}
		_ = x.String()
	})
}

// FuzzExplainAgreesWithEval holds Explain to Eval on arbitrary conditions
// and environments: neither may panic, and they must agree on the verdict.
// The condition may read the decisions band (a table) and level (a rule
// reading band), which are decided before it.
func FuzzExplainAgreesWithEval(f *testing.F) {
	for _, seed := range []string{
		"daysUntil(product.end) <= 14", "!(x > 1)", "product.value > 1 || true", "product?.value != 0.5",
		"x - x == 0", "client.age > 30 ? x > 0.5 : n < 2", "between(x, 0, 1)", "age(client.birth) >= 60 && product != nil",
		`band.band == "high"`, "level.fired && level.urgency > 0.5", `(band.band ?? "none") != "low" || level.n > 1`,
		"band.fired != level.fired", `level.type == nil || band.sensitivity < level.sensitivity`,
	} {
		f.Add(seed, uint8(0), 0.5)
		f.Add(seed, uint8(7), math.NaN())
		f.Add(seed, uint8(2), 0.1)
	}
	f.Fuzz(func(t *testing.T, cond string, shape uint8, x float64) {
		src := "ruleset f version 1\nrule r {\n  type \"t\"\n  let d = daysUntil(product.end)\n  when " +
			strings.ReplaceAll(cond, "\n", " ") + "\n  title \"{d}\"\n  urgency 0.5\n}\n" +
			"table band hit first {\n  type \"band\"\n  in x\n  row < 0.3 => output band \"low\"\n  row >= 0.7 => output band \"high\" urgency 0.9\n}\n" +
			"rule level {\n  type \"level\"\n  when band.fired && client.age > 3\n  output n band.band == \"high\" ? 2 : 1\n  urgency band.urgency\n}\n"
		rs, err := CompileRules[nativeEnv]([]byte(src))
		if err != nil {
			return
		}
		env := nativeEnv{X: x, N: int(shape % 5), Client: nativeClient{Age: int(shape), Score: x}}
		if shape&1 == 1 {
			env.Product = &nativeInner{Value: x, End: nativeNow.AddDate(0, 0, int(shape%40))}
		}
		if shape&2 == 2 {
			env.Client.Birth = nativeNow.AddDate(-int(shape%90), 0, 0)
		}
		hits, evalErr := rs.Eval(env, nativeNow)
		eval := outcomesOfEval(rs, hits, evalErr)
		for _, id := range []string{"r", "band", "level"} {
			xp, err := rs.Explain(id, env, nativeNow)
			if err != nil {
				t.Fatal(err)
			}
			o := eval[id]
			if xp.Fired != o.Fired || (xp.Err != "") != (o.Err != KindUnknown) || xp.Err != "" && xp.ErrKind != o.Err {
				t.Fatalf("%q, rule %s: Eval %+v, Explain fired %v error %q", cond, id, o, xp.Fired, xp.Err)
			}
			if d := cmp.Diff(o.Hits, xp.Hits, nanEqual); d != "" {
				t.Fatalf("%q, rule %s: hits differ (-eval +explain):\n%s", cond, id, d)
			}
			_ = xp.String()
		}
	})
}
