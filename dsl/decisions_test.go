package dsl_test

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/engagekit/engagekit/dsl"
	"github.com/google/go-cmp/cmp"
)

// decEnv is a client file for the tests of named decisions.
type decEnv struct {
	Client decClient `expr:"client"`
	Score  float64   `expr:"score"`
	Values []int     `expr:"values"`
}

type decClient struct {
	Age    int     `expr:"age"`
	Wealth float64 `expr:"wealth"`
}

// chainRules chains three decisions: a table of fields, a rule reading the
// table's named output, a table reading the rule's output and the first
// table's; two readers read the first.
const chainRules = `ruleset chain version 1

const High = "high"

table risk_band hit first {
  type "risk.band"
  emit false
  in tick(score)
  row < 0.3      => output band "low"
  row [0.3..0.7) => output band "medium"
  row >= 0.7     => output band "high"
}

rule review_level {
  type "review.level"
  emit false
  when risk_band.fired
  output level risk_band.band == High ? 2 : 1
  branch client.age >= 70 {
    output level 3
  }
}

table advice hit first {
  type "advice"
  in review_level.level, risk_band.band
  row 3, -      => title "Senior review ({risk_band.band})" urgency 0.9
  row 2, "high" => title "High-risk review" urgency 0.7
  row -, -      => title "Routine review" urgency 0.1
}

rule wealthy_and_risky {
  type "wealth.risk"
  let band = risk_band.band
  when client.wealth > 1000000 && band != "low"
  title "Wealthy client, {band} risk"
  urgency risk_band.type == "risk.band" ? 0.5 : 0.1
}
`

func compileChain(t *testing.T, calls *atomic.Int64) *dsl.RuleSet[decEnv] {
	t.Helper()
	rs, err := dsl.CompileRules[decEnv]([]byte(chainRules), dsl.WithFunc1("tick", func(x float64) float64 {
		calls.Add(1)
		return x
	}))
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestDecisionChain(t *testing.T) {
	var calls atomic.Int64
	rs := compileChain(t, &calls)
	for _, tc := range []struct {
		name string
		env  decEnv
		want []string // rule: title
	}{
		{"senior", decEnv{Client: decClient{Age: 75}, Score: 0.1}, []string{"advice: Senior review (low)"}},
		{"high", decEnv{Client: decClient{Age: 40, Wealth: 2e6}, Score: 0.9},
			[]string{"advice: High-risk review", "wealthy_and_risky: Wealthy client, high risk"}},
		{"medium", decEnv{Client: decClient{Age: 40, Wealth: 2e6}, Score: 0.5},
			[]string{"advice: Routine review", "wealthy_and_risky: Wealthy client, medium risk"}},
		{"low", decEnv{Client: decClient{Age: 40, Wealth: 2e6}, Score: 0.1}, []string{"advice: Routine review"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls.Store(0)
			hits, err := rs.Eval(tc.env, testNow)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range hits {
				got = append(got, h.Rule+": "+h.Title)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("hits (-want +got):\n%s", d)
			}
			// risk_band is read by three rules, and decided once.
			if n := calls.Load(); n != 1 {
				t.Errorf("risk_band decided %d times, want 1", n)
			}
		})
	}
}

func TestDecisionRuleInfo(t *testing.T) {
	var calls atomic.Int64
	rs := compileChain(t, &calls)
	got := map[string]dsl.RuleInfo{}
	for _, info := range rs.Rules() {
		got[info.ID] = info
	}
	if !got["risk_band"].Silent || !got["review_level"].Silent || got["advice"].Silent {
		t.Errorf("Silent: %+v", got)
	}
	if d := cmp.Diff([]string{"review_level", "risk_band"}, got["advice"].Decisions); d != "" {
		t.Errorf("advice reads (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"risk_band"}, got["wealthy_and_risky"].Decisions); d != "" {
		t.Errorf("wealthy_and_risky reads (-want +got):\n%s", d)
	}
	if len(got["risk_band"].Decisions) != 0 || len(got["advice"].Reads) != 0 {
		t.Errorf("risk_band reads decisions, or advice fields: %+v", got)
	}
}

func TestDecisionExplainChain(t *testing.T) {
	var calls atomic.Int64
	rs := compileChain(t, &calls)
	env := decEnv{Client: decClient{Age: 40}, Score: 0.9}
	x, err := rs.Explain("advice", env, testNow)
	if err != nil {
		t.Fatal(err)
	}
	// risk_band is decided once, and its input computed again to be shown.
	if calls.Load() != 2 {
		t.Errorf("Explain called tick %d times, want 2", calls.Load())
	}
	if len(x.Reads) != 2 || x.Reads[0].Rule != "review_level" || x.Reads[1].Rule != "risk_band" {
		t.Fatalf("reads: %+v", x.Reads)
	}
	review := x.Reads[0]
	if !review.Fired || review.Explanation == nil || len(review.Explanation.Reads) != 1 {
		t.Fatalf("review_level: %+v", review)
	}
	band := review.Explanation.Reads[0]
	if band.Rule != "risk_band" || band.Path != "row 3" || band.Explanation == nil {
		t.Fatalf("risk_band as review_level read it: %+v", band)
	}
	// The second read of risk_band points at the first.
	if x.Reads[1].Explanation != nil || x.Reads[1].Path != "row 3" {
		t.Errorf("risk_band explained twice: %+v", x.Reads[1])
	}
	want := `rule advice fired
reads review_level (fired): review_level.level = 2
  rule review_level fired (emit false: it only feeds the rules that read it)
  reads risk_band (fired, row 3): risk_band.fired = true, risk_band.band = "high"
    rule risk_band fired (emit false: it only feeds the rules that read it)
    in 1: tick(score) = 0.9
    row 1: no match [false]
    row 2: no match [false]
    row 3: match [true]
    → risk.band "" urgency 0 sensitivity 0
  when risk_band.fired → true
  branch 1: client.age (40) >= 70 → false
  → review.level "" urgency 0 sensitivity 0
reads risk_band (fired, row 3): risk_band.band = "high"
  (risk_band is explained above)
in 1: review_level.level = 2
in 2: risk_band.band = "high"
row 1: no match [false true]
row 2: match [true true]
row 3: match [true true]
→ advice "High-risk review" urgency 0.7 sensitivity 0
`
	if d := cmp.Diff(want, x.String()); d != "" {
		t.Errorf("String (-want +got):\n%s", d)
	}
}

// A decision that did not fire reads as nil: nil never decides a
// comparison, and ?? and == nil say what to do without it.
func TestDecisionNotFired(t *testing.T) {
	src := `ruleset nf version 1

rule rich {
  type "rich"
  emit false
  when client.wealth > 1000
  output tier "gold"
  urgency 0.4
}

rule compare {
  type "compare"
  when rich.tier == "gold"
}

rule defaulted {
  type "defaulted"
  when (rich.tier ?? "none") == "none" && rich.urgency == nil && !rich.fired
  title "{rich.tier ?? 'no'} tier"
}

rule arithmetic {
  type "arithmetic"
  when rich.urgency * 2 > 0.5
}
`
	rs, err := dsl.CompileRules[decEnv]([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	hits, err := rs.Eval(decEnv{}, testNow)
	if len(hits) != 1 || hits[0].Rule != "defaulted" || hits[0].Title != "no tier" {
		t.Errorf("hits %+v", hits)
	}
	failed := map[string]*dsl.Error{}
	for _, e := range dsl.Errors(err) {
		failed[e.RuleID] = e
	}
	if e := failed["compare"]; e == nil || !errors.Is(e, dsl.ErrEval) || !strings.Contains(e.Msg, "did not fire") || e.Line != 13 || e.Column != 8 {
		t.Errorf("compare: %v", e)
	}
	if e := failed["arithmetic"]; e == nil || !errors.Is(e, dsl.ErrEval) {
		t.Errorf("arithmetic: %v", e)
	}
	if len(failed) != 2 {
		t.Errorf("errors: %v", err)
	}
	hits, err = rs.Eval(decEnv{Client: decClient{Wealth: 2000}}, testNow)
	if err != nil || len(hits) != 2 || hits[0].Rule != "compare" || hits[1].Rule != "arithmetic" {
		t.Errorf("fired: %+v, %v", hits, err)
	}
}

// A decision's failure is its readers': each fails at the place it reads
// it, with the decision's error as its cause, and yields no hits.
func TestDecisionErrorPropagates(t *testing.T) {
	src := `ruleset ep version 1

table tier hit first {
  type "tier"
  in score
  row < 0.5 => output t "low" urgency score + 1
  row -     => output t "high"
}

rule reader {
  type "reader"
  title "first"
  when client.age > 0 && tier.t == "low"
}

rule second {
  type "second"
  when tier.fired
}
`
	rs, err := dsl.CompileRules[decEnv]([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	hits, err := rs.Eval(decEnv{Client: decClient{Age: 30}, Score: 0.4}, testNow)
	if len(hits) != 0 {
		t.Errorf("hits %+v", hits)
	}
	errs := dsl.Errors(err)
	if len(errs) != 3 {
		t.Fatalf("errors: %v", err)
	}
	if errs[0].RuleID != "tier" || !errors.Is(errs[0], dsl.ErrEval) {
		t.Errorf("tier: %v", errs[0])
	}
	r := errs[1]
	if r.RuleID != "reader" || r.Statement != "when" || r.Line != 13 || r.Column != 26 || !errors.Is(r, dsl.ErrEval) ||
		!strings.Contains(r.Msg, "table tier, which it reads, failed: urgency is 1.4, outside [0,1]") {
		t.Errorf("reader: %v (%s %d:%d)", r, r.Statement, r.Line, r.Column)
	}
	if errs[2].RuleID != "second" {
		t.Errorf("second: %v", errs[2])
	}
	// Explain says the same.
	x, err := rs.Explain("reader", decEnv{Client: decClient{Age: 30}, Score: 0.4}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if x.Fired || x.Err != r.Error() || len(x.Reads) != 1 || x.Reads[0].Err == "" {
		t.Errorf("explanation: %+v\n%s", x, x)
	}
	if !strings.Contains(x.String(), "reads tier (did not fire): error: rule tier, row 1, urgency: 6:39: urgency is 1.4, outside [0,1]") {
		t.Errorf("explanation:\n%s", x)
	}
}

// Hits come in file order, whichever rule needed a decision first.
func TestDecisionHitOrder(t *testing.T) {
	src := `ruleset order version 1

rule first {
  type "first"
  when later.fired
  title "first sees {later.title}"
}

rule later {
  type "later"
  when score > 0
  output title "later"
}
`
	rs, err := dsl.CompileRules[decEnv]([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	hits, err := rs.Eval(decEnv{Score: 1}, testNow)
	if err != nil || len(hits) != 2 || hits[0].Title != "first sees later" || hits[1].Rule != "later" {
		t.Errorf("hits %+v, %v", hits, err)
	}
}

// A decision's steps are counted once, in its own budget, not again in
// each reader's.
func TestDecisionBudget(t *testing.T) {
	src := `ruleset budget version 1

rule heavy {
  type "heavy"
  emit false
  when all(values, {# >= 0}) && all(values, {# < 1000})
}

rule a {
  type "a"
  when heavy.fired && all(values, {# >= 0})
}

rule b {
  type "b"
  when heavy.fired && any(values, {# < 0}) == false
}
`
	rs, err := dsl.CompileRules[decEnv]([]byte(src), dsl.WithLimits(dsl.Limits{MaxSteps: 1500, MaxSourceBytes: 1 << 14, MaxNodes: 2000, MaxDepth: 50, MemoryBudget: 1e6}))
	if err != nil {
		t.Fatal(err)
	}
	values := make([]int, 700)
	hits, err := rs.Eval(decEnv{Values: values}, testNow)
	if err != nil || len(hits) != 2 {
		t.Errorf("hits %+v, %v", hits, err)
	}
	values = make([]int, 800) // heavy takes 1600 steps
	_, err = rs.Eval(decEnv{Values: values}, testNow)
	errs := dsl.Errors(err)
	if len(errs) != 2 || !errors.Is(errs[0], dsl.ErrLimit) || !errors.Is(errs[1], dsl.ErrLimit) {
		t.Errorf("errors: %v", err)
	}
}

func TestDecisionCompileErrors(t *testing.T) {
	head := "ruleset e version 1\n\nconst Limit = 3\n\n"
	for _, tc := range []struct {
		name, src string
		want      []string // one substring per error, in order
	}{
		{"cycle", `rule a {
  type "a"
  when b.fired
}

rule b {
  type "b"
  let x = a.urgency
  when x > 0.5
}
`, []string{`rule b, let x: 12:11: rule b reads a, which reads b: decisions cannot read each other in a cycle`}},
		{"self", `rule a {
  type "a"
  when client.age > 3 && a.fired
}
`, []string{`rule a, when: 7:26: rule a reads itself (a.fired)`}},
		{"long cycle", `table a hit first {
  type "a"
  in c.urgency
  row - => urgency 0.1
}

rule b {
  type "b"
  when a.fired
}

rule c {
  type "c"
  urgency b.urgency
}
`, []string{`rule b, when: 13:8: rule b reads a, which reads c, which reads b: decisions cannot read each other in a cycle`}},
		{"unknown id", `rule risk_band {
  type "a"
}

rule b {
  type "b"
  when risk_bnd.fired
}
`, []string{`rule b, when: 11:8: unknown name risk_bnd (did you mean risk_band?)`}},
		{"unknown output", `rule a {
  type "a"
  output band "x"
}

rule b {
  type "b"
  when a.bnad == "x"
}
`, []string{`rule b, when: 12:8: rule a has no output bnad; a decision is read as a.band, a.fired, a.sensitivity, a.type, a.urgency (did you mean a.band?)`}},
		{"type", `rule a {
  type "a"
  output band "x"
}

rule b {
  type "b"
  when a.band > 3
}
`, []string{`rule b, when: 12:15: invalid operation: > (mismatched types string and int)`}},
		{"field", `rule client {
  type "a"
}

rule b {
  type "b"
  when client.age > 3 && client.fired
}
`, []string{`rule b, when: 11:33: client has no field fired; client is also the id of a rule: rename the rule to read its result`}},
		{"const", `table Limit hit first {
  type "a"
  in score
  row - => urgency 0
}

rule b {
  type "b"
  when Limit.fired
}
`, []string{`rule b, when: 13:8: Limit is a constant and the id of a rule: rename the rule to read its result`}},
		{"let", `rule a {
  type "a"
}

rule b {
  type "b"
  let a = 1
  when a > 0
}
`, []string{`rule b, let a: 11:3: let a hides the rule of the same name`}},
		{"emit in branch", `rule a {
  type "a"
  branch score > 1 {
    emit false
  }
}
`, []string{`rule a, branch 1, emit: 8:5: emit belongs to the rule, not to a branch`}},
		{"emit in row", `table a hit first {
  type "a"
  in score
  row - => emit false
}
`, []string{`rule a, row 1, emit: 8:12: a row's outputs are type, title, message, urgency, sensitivity, priority and output; emit is not one`}},
		{"emit unread", `rule a {
  type "a"
  emit false
}
`, []string{`rule a, emit: 7:3: rule a says emit false, but no rule reads it`}},
		{"disabled", `rule a {
  type "a"
  enabled false
}

rule b {
  type "b"
  when a.fired
}
`, []string{`rule b, when: 12:8: rule a is disabled (enabled false), so b cannot read it`}},
		{"collect", `table a hit collect {
  type "a"
  in score
  row - => output x 1
}

rule b {
  type "b"
  when a.fired && a.x > 0
}
`, []string{`rule b, when: 13:19: table a (hit collect) can decide several rows, so only a.fired can be read`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dsl.CompileRules[decEnv]([]byte(head+tc.src), dsl.WithFunc1("tick", func(x float64) float64 { return x }))
			errs := dsl.Errors(err)
			if len(errs) != len(tc.want) {
				t.Fatalf("got %d errors, want %d: %v", len(errs), len(tc.want), err)
			}
			for i, w := range tc.want {
				if !strings.Contains(errs[i].Error(), w) {
					t.Errorf("error %d:\n%v\nwant it to contain\n%s", i, errs[i], w)
				}
			}
		})
	}
}

// A disabled rule may read a disabled decision: neither is evaluated.
func TestDecisionDisabledReader(t *testing.T) {
	src := `ruleset d version 1

rule a {
  type "a"
  enabled false
}

rule b {
  type "b"
  enabled false
  when a.fired
}
`
	rs, err := dsl.CompileRules[decEnv]([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if hits, err := rs.Eval(decEnv{}, testNow); err != nil || len(hits) != 0 {
		t.Errorf("hits %+v, %v", hits, err)
	}
}

// TestDecisionLongChain: a chain of decisions each reading the one before
// is decided once each, link by link, and explained to MaxExplainDepth
// reads deep, so a long chain explains in bounded size.
func TestDecisionLongChain(t *testing.T) {
	const n = 400
	var b strings.Builder
	b.WriteString("ruleset chain version 1\nrule r0 {\n  type \"t\"\n  when score > 0\n  urgency 0.5\n}\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "rule r%d {\n  type \"t\"\n  when r%d.fired\n  urgency r%d.urgency\n}\n", i, i-1, i-1)
	}
	rs, err := dsl.CompileRules[decEnv]([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	hits, err := rs.Eval(decEnv{Score: 1}, testNow)
	if err != nil || len(hits) != n {
		t.Fatalf("%d hits, %v; want %d", len(hits), err, n)
	}
	hits, err = rs.Eval(decEnv{Score: -1}, testNow)
	if err != nil || len(hits) != 0 {
		t.Fatalf("%d hits, %v; want none", len(hits), err)
	}
	x, err := rs.Explain(fmt.Sprintf("r%d", n-1), decEnv{Score: 1}, testNow)
	if err != nil || !x.Fired {
		t.Fatalf("%+v %v", x, err)
	}
	depth, deeper := 0, false
	for cur := x; len(cur.Reads) > 0; depth++ {
		r := cur.Reads[0]
		if r.Explanation == nil {
			deeper = r.Deeper
			break
		}
		cur = r.Explanation
	}
	if depth != dsl.MaxExplainDepth-1 || !deeper {
		t.Errorf("explained %d reads deep (deeper %v), want %d and the rest left to Explain", depth, deeper, dsl.MaxExplainDepth-1)
	}
	if s := x.String(); !strings.Contains(s, "the chain goes deeper: explain r") || len(s) > 10_000 {
		t.Errorf("the explanation is %d bytes:\n%s", len(s), s)
	}
}
