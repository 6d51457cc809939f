package rulefile_test

// The hundred-and-fourth adversary's suite against rulefile.Analyze,
// after decisions were proved once each in the order they read one
// another (settleDecisions), an aggregating collect table was read as
// its one decision, and an any table's rows deciding 1 and 1.0 came to
// conflict. Each probe holds the analysis's claims to the compiled rule
// set, evaluated over a sweep of inputs.

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/dsl/rulefile"
)

type a104Env struct {
	A any `expr:"a"`
	B any `expr:"b"`
}

var a104Now = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

func a104Vals() []any {
	return []any{nil, math.NaN(), math.Inf(-1), -2.0, -1.0, -0.5, math.Copysign(0, -1), 0.0, 0.5, 1.0, 1.5, 2.0, 3.0,
		4.0, 5.0, 6.0, 10.0, math.Inf(1), 1, "", "a", "x", "x\x00", "z", true, false}
}

func a104Sweep() []a104Env {
	var out []a104Env
	for _, a := range a104Vals() {
		for _, b := range a104Vals() {
			out = append(out, a104Env{A: a, B: b})
		}
	}
	return out
}

// a104Run is one rule's outcome at one input.
type a104Run struct {
	env      a104Env
	fired    bool
	err      string
	whenTrue bool
	paths    []string
}

// a104Outcomes explains every rule of the file at every input of the sweep.
func a104Outcomes[Env any](t *testing.T, rs *dsl.RuleSet[Env], ids []string, envs []Env) map[string][]a104Run {
	t.Helper()
	out := map[string][]a104Run{}
	for _, id := range ids {
		for _, e := range envs {
			x, err := rs.Explain(id, e, a104Now)
			if err != nil {
				t.Fatal(err)
			}
			run := a104Run{fired: x.Fired, err: x.Err}
			if ae, ok := any(e).(a104Env); ok {
				run.env = ae
			}
			if x.When != nil {
				run.whenTrue = x.When.Value == true && x.When.Root != nil && x.When.Root.Err == ""
			}
			for _, h := range x.Hits {
				run.paths = append(run.paths, h.Path)
			}
			out[id] = append(out[id], run)
		}
	}
	return out
}

// a104Problems holds every claim of the analysis about the file to the
// compiled rule set over the sweep, and the gaps and conflicts the
// compiled set shows to the analysis; it returns what does not hold.
func a104Problems(t *testing.T, label, body string) []string {
	t.Helper()
	src := "ruleset a104 version 1\n\n" + body
	f, err := rulefile.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := dsl.CompileRules[a104Env]([]byte(src))
	if err != nil {
		t.Fatalf("%s: compile: %v", label, err)
	}
	fs := rulefile.Analyze(f)
	var ids []string
	tables := map[string]*rulefile.Rule{}
	for _, r := range f.Rules {
		ids = append(ids, r.ID)
		if r.Table {
			tables[r.ID] = r
		}
	}
	runs := a104Outcomes(t, rs, ids, a104Sweep())
	var bad []string
	claimed := map[string]bool{}
	for _, x := range fs {
		claimed[x.Rule+" "+x.Code] = true
		switch x.Code {
		case "unreachable-row", "unreachable-branch", "outranked-row":
			p := x.Related[0]
			for _, run := range runs[x.Rule] {
				for _, hp := range run.paths {
					if hp == p || strings.HasPrefix(hp, p+"/") || strings.HasPrefix(hp, "rows ") && a104HasRow(hp, p) {
						bad = append(bad, fmt.Sprintf("FALSE %s: %q, but %s is taken at a=%#v b=%#v", x.Code, x.Message, p, run.env.A, run.env.B))
						goto next
					}
				}
			}
		case "table-gap":
			for _, run := range runs[x.Rule] {
				if !run.fired && run.err == "" && (tables[x.Rule].Body.When == nil || run.whenTrue) {
					goto next
				}
			}
			bad = append(bad, fmt.Sprintf("FALSE table-gap: %q (witness %v); no input of the sweep leaves %s without a hit", x.Message, x.Witness, x.Rule))
		case "unique-overlap", "any-conflict", "collect-out-of-range":
			want := map[string]string{"unique-overlap": "both match", "any-conflict": "decide differently", "collect-out-of-range": "outside [0,1]"}[x.Code]
			for _, run := range runs[x.Rule] {
				if strings.Contains(run.err, want) {
					goto next
				}
			}
			bad = append(bad, fmt.Sprintf("FALSE %s: %q; no input of the sweep fails %s", x.Code, x.Message, x.Rule))
		case "equivalent-when":
			other := x.Related[0]
			ra, rb := runs[x.Rule], runs[other]
			for i := range ra {
				if ra[i].whenTrue != rb[i].whenTrue {
					bad = append(bad, fmt.Sprintf("FALSE equivalent-when: %q, but at a=%#v b=%#v %s's when is %v and %s's %v",
						x.Message, ra[i].env.A, ra[i].env.B, x.Rule, ra[i].whenTrue, other, rb[i].whenTrue))
					break
				}
			}
		}
	next:
	}
	// The other direction, for tables without a when: a gap or conflict
	// the compiled table shows is claimed, or called unknown.
	for id, r := range tables {
		if r.Body.When != nil || claimed[id+" "+rulefile.CodeUnknown] {
			continue
		}
		for _, run := range runs[id] {
			if !run.fired && run.err == "" && !claimed[id+" table-gap"] {
				bad = append(bad, fmt.Sprintf("MISSED table-gap: %s decides nothing at a=%#v b=%#v", id, run.env.A, run.env.B))
				break
			}
		}
		if r.Hit == "any" && !claimed[id+" any-conflict"] {
			for _, run := range runs[id] {
				if strings.Contains(run.err, "decide differently") {
					bad = append(bad, fmt.Sprintf("MISSED any-conflict: %s fails at a=%#v b=%#v: %s", id, run.env.A, run.env.B, run.err))
					break
				}
			}
		}
	}
	if len(bad) > 0 {
		for _, x := range fs {
			t.Logf("%s: finding %s %s %v: %s", label, x.Rule, x.Code, x.Related, x.Message)
		}
	}
	return bad
}

// a104HasRow reports whether an aggregate's path "rows 1, 3" names row p
// ("row 3").
func a104HasRow(path, p string) bool {
	n := strings.TrimPrefix(p, "row ")
	for _, s := range strings.Split(strings.TrimPrefix(path, "rows "), ", ") {
		if s == n {
			return true
		}
	}
	return false
}

func a104Expect(t *testing.T, label, body string) {
	t.Helper()
	for _, p := range a104Problems(t, label, body) {
		t.Errorf("%s: %s", label, p)
	}
}

// Contract: doc.go # Analysis, "It is exact where it claims anything":
// a gap "carries such an input as its Finding.Witness", and a read of a
// named decision "holds only what the decision can say"; Analyze's doc,
// "The decisions are proved in the order they read one another, each
// once" (settleDecisions: "a decision's branches and rows are analyzed
// over the settled domains of the decisions it reads").
//
// Rule clamp reads x.fired; x's when is never true, so clamp always
// takes its else (band "live"), and Analyze says so itself
// (unreachable-branch: branch 1 of clamp). But x's when calls the
// built-in function clamp(...), whose name is clamp's id: settleDecisions
// collects "the decisions each rule reads" by identifiers, so x seems to
// read clamp, the depth-first walk enters clamp while x is still on its
// way, and clamp is proved over no domain of x (x.fired free): its
// branch 1 stays in its domain and t, over clamp.band, is told of a gap
// at "dead", which no input gives. (The same with a unique table: an
// overlap at "dead".)
func TestAdversary104_FunctionNamedDecisionProvedBeforeItsRead(t *testing.T) {
	decisions := `rule x {
  type "x"
  emit false
  when a > 5 && a < 3 && clamp(1, 0, 2) >= 0
}

rule clamp {
  type "y"
  emit false
  branch x.fired {
    output band "dead"
  }
  else {
    output band "live"
  }
}
`
	a104Expect(t, "gap", decisions+`
table t hit first {
  type "t"
  in clamp.band
  row "live" => title "live"
}
`)
	a104Expect(t, "overlap", decisions+`
table t hit unique {
  type "t"
  in clamp.band, a
  row "live", -    => title "live"
  row "dead", -    => title "dead"
  row "dead", >= 1 => title "dead too"
}
`)
}

// Contract: doc.go # Analysis, Analyze reports "conflicting rows in any
// tables", exactly ("It is exact where it claims anything");
// analyze_rank.go's sameText: equal numbers differ only where one is an
// int and the other a float, "which the compiled any policy tells apart".
//
// Rows 1 and 2 decide 0 and -0 (both ints: expr's -0 is the int 0), or
// 0.0 and -0.0 (float64 zeros, which the compiled any policy compares
// with ==: dsl's sameValue), or 1 and --1: the compiled table decides
// alike and never fails. identitySrc gives "int 0" and "-(int 0)" (a
// unary minus is kept as text), so sameText says decideDifferently and
// Analyze claims any-conflict at a = 4.
func TestAdversary104_AnyTableSignedZeroFalseConflict(t *testing.T) {
	for _, pair := range [][2]string{{"0", "-0"}, {"0.0", "-0.0"}, {"1", "--1"}} {
		a104Expect(t, pair[0]+" vs "+pair[1], fmt.Sprintf(`table t hit any {
  type "t"
  in a
  row < 5 => output x %s
  row < 9 => output x %s
  row -   => output x %s
}
`, pair[0], pair[1], pair[0]))
	}
	a104Expect(t, "const -0", `const Z = -0
table t hit any {
  type "t"
  in a
  row < 5 => output x Z
  row -   => output x 0
}
`)
}

// Contract: doc.go # Analysis, a decision's "fired is false only where it
// may not decide (a when false for some input, a level it may fall
// through)"; Analyze's doc, a gap comes with "an input that shows it".
//
// Table d's when (a == nil || a != nil) is false for no input (NaN is not
// nil), and its rows (nil, not(nil)) cover every input of b or fail the
// table. So d.fired is never false, and t (row true) always decides.
// settleDecisions proves the when never false (holds), but report
// (analyze_table.go) records the table closed only when it has no when,
// so mayMiss still gives d.fired false: a false gap at d.fired = false.
// The same for an aggregating collect table with such a when.
func TestAdversary104_TableWhenNeverFalseFiredGap(t *testing.T) {
	a104Expect(t, "first", `table d hit first {
  type "d"
  emit false
  when a == nil || a != nil
  in b
  row nil      => output band "n"
  row not(nil) => output band "v"
}

table t hit first {
  type "t"
  in d.fired
  row true => title "ok"
}
`)
	a104Expect(t, "collect sum", `table d hit collect sum rate {
  type "d"
  emit false
  when a == nil || a != nil
  in b
  row nil      => output rate 1
  row not(nil) => output rate 2
}

table t hit first {
  type "t"
  in d.fired
  row true => title "ok"
}
`)
}

type a104FieldEnv struct {
	A any `expr:"a"`
	X any `expr:"x"`
}

// Contract: doc.go # Named decisions, "These are compile errors: ... a
// read of a rule whose id a field or constant hides"; # Analysis, "It is
// exact where it claims anything" (the analysis's fieldAtom: "a root with
// it is a decision's id (the compiler refuses a field of the same
// name)").
//
// The host's environment has a field x of type any, and the file a rule
// x. t's input x.band compiles (no error) and reads the field, not the
// rule (dsl rewrite.member: envHas is false for an interface field, so
// the read is taken as the field path). The analysis reads it as rule
// x's band, "lo" or nil, and claims row 3 ("hi") unreachable; with x =
// {band: "hi"} the compiled t takes row 3. Either the compile must fail
// (as documented) or the claim must hold.
func TestAdversary104_InterfaceFieldNamedLikeRule(t *testing.T) {
	src := `ruleset a104 version 1

rule x {
  type "x"
  when a == 1
  output band "lo"
}

table t hit first {
  type "t"
  in x.band
  row "lo" => title "lo"
  row nil  => title "none"
  row "hi" => title "hi"
}
`
	rs, err := dsl.CompileRules[a104FieldEnv]([]byte(src))
	if err != nil {
		return // refused, as documented
	}
	f, err := rulefile.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	fs := rulefile.Analyze(f)
	c := findingOf(fs, "unreachable-row", "t", "row 3")
	if c == nil {
		return
	}
	env := a104FieldEnv{A: 1.0, X: map[string]any{"band": "hi"}}
	if tookPath(rs, env, a104Now, "t", "row 3") {
		t.Errorf("FALSE unreachable-row: %q; the file compiles over an environment with a field x of type any, and at %+v t takes row 3 (x.band reads the field)", c.Message, env)
	}
}

// Contract: Analyze's doc, "A collect table with an aggregator is read as
// the one decision it makes (its own type, urgency, sensitivity and
// outputs, and the aggregate, any number)"; "two reads of one decision
// hold what one of its leaves gives together (fired is false exactly when
// its outputs are nil)"; a gap comes with an input that shows it.
//
// d aggregates (count; sum rate): when it fires, its aggregate is a
// number (dsl fireAggregate sets it, a float64), never nil; when it does
// not, every read is nil. t covers (fired, a number) and (not fired, nil),
// so no input leaves t without a hit. readDecision
// (analyze_decision.go) deletes the aggregated name from the leaf's
// values, which makes it "any value" in that leaf, nil included, beside
// fired = true and type "x": Analyze claims a gap at d.count = nil,
// d.type = "x" (and at d.fired = true, d.rate = nil). The same for a
// rule's urgency that is not a literal (open in domain.leaf): a fired
// decision's urgency is a float64, never nil.
func TestAdversary104_NumberReadNilWhereFired(t *testing.T) {
	a104Expect(t, "count", `table d hit C# {
  type "x"
  emit false
  in a
  row < 5  => title "lo"
  row >= 5 => title "hi"
  row >= 3 => title "mid"
}

table t hit first {
  type "t"
  in d.count, d.type
  row not(nil), "x" => title "some"
  row nil, nil      => title "none"
}
`)
	a104Expect(t, "sum", `table d hit collect sum rate {
  type "x"
  emit false
  in a
  row < 5  => output rate 1
  row >= 5 => output rate 2
}

table t hit first {
  type "t"
  in d.fired, d.rate
  row true, not(nil) => title "fired"
  row false, nil     => title "quiet"
}
`)
	a104Expect(t, "open urgency", `rule d {
  type "x"
  emit false
  when a == 1
  urgency b == 1 ? 0.5 : 0.25
}

table t hit first {
  type "t"
  in d.fired, d.urgency
  row true, not(nil) => title "fired"
  row false, nil     => title "quiet"
}
`)
}

// Contract: Analyze's doc, "A collect table with an aggregator is read as
// the one decision it makes (its own type, urgency, sensitivity and
// outputs, and the aggregate, any number), and a decision whose when
// holds for no input never fires"; every claim exact. Reads of
// aggregating tables: with a when, with a row proved never, with a when
// never true, by count and by an output of the table's own block.
func TestAdversary104_AggregateTableReadsHold(t *testing.T) {
	cases := map[string]string{
		"sum with when": `table d hit collect sum rate {
  type "x"
  emit false
  when b == 1
  in a
  row < 5  => output rate 1
  row >= 5 => output rate 2
}

table t hit first {
  type "t"
  in d.fired, d.rate
  row true,  -   => title "fired"
  row false, nil => title "quiet"
}
`,
		"never row, own output": `table d hit collect max rate {
  type "x"
  emit false
  output band "b"
  in a, b
  row < 0, > 5 => output rate 1
  row -, -     => output rate 2
}

table t hit first {
  type "t"
  in d.band, d.fired
  row "b", true => title "b"
}
`,
		"when never true": `table d hit collect sum rate {
  type "x"
  emit false
  output band "b"
  when a > 5 && a < 3
  in b
  row - => output rate 1
}

table t hit first {
  type "t"
  in d.fired, d.band, d.rate
  row false, nil, nil => title "quiet"
  row true, -, -      => title "never"
}
`,
		"sum urgency, type": `table d hit collect sum urgency {
  type "x"
  emit false
  sensitivity 0.25
  in a
  row < 0 => urgency 0.2
  row > 0 => urgency 0.3
}

table t hit unique {
  type "t"
  in d.fired, d.type, d.sensitivity
  row true, "x", 0.25 => title "fired"
  row false, nil, nil => title "quiet"
}
`,
	}
	for label, body := range cases {
		a104Expect(t, label, body)
	}
}

// Contract: Analyze's doc, "a decision whose when holds for no input
// never fires"; doc.go, a comparison that sees NaN fails, an ordering of
// values of two kinds fails, nil fails an ordering. Decisions whose when
// is never true only by way of strings, nil, NaN and values of another
// kind than true and false; a never-firing rule's branches.
func TestAdversary104_NeverTrueWhenDecisions(t *testing.T) {
	reader := `
table t hit first {
  type "t"
  in d.fired
  row false => title "quiet"
  row true  => title "fires"
}
`
	for label, when := range map[string]string{
		"strings":    `a < "" || b < "" && b > "z"`,
		"nil, NaN":   `(a == nil && a != nil) || !(a >= 0) && !(a < 0)`,
		"bool other": `a != true && a != false && a != nil`,
		"interval":   `a > 5 && a < 3 || b >= 2 && b <= 1`,
	} {
		a104Expect(t, label, "rule d {\n  type \"d\"\n  emit false\n  when "+when+"\n}\n"+reader)
	}
	a104Expect(t, "branches", `rule d {
  type "d"
  emit false
  when a > 5 && a < 3
  branch b == 1 {
    output band "one"
  }
  else {
    output band "other"
  }
}

rule e {
  type "e"
  when d.band == "one" || d.fired || b == 2
  branch d.fired {
    title "x"
  }
  branch b == 2 {
    title "y"
  }
}

table t hit unique {
  type "t"
  in d.band
  row nil => title "none"
}
`)
}

// Contract: doc.go # Analysis, "two reads of one decision hold what one of
// its leaves gives together", every claim exact. Decisions reading
// decisions through table inputs, lets and branches; a rule whose when is
// never false with a closed level; an any table over int and float
// constants.
func TestAdversary104_DecisionChainsHold(t *testing.T) {
	cases := map[string]string{
		"table inputs": `table d hit first {
  type "d"
  emit false
  in a
  row < 0  => output band "neg"
  row >= 0 => output band "pos"
}

table e hit first {
  type "e"
  emit false
  in d.band
  row "neg" => output tier 1
  row "pos" => output tier 2
  row nil   => output tier 3
}

table t hit first {
  type "t"
  in e.tier
  row 1 | 2 | 3 => title "ok"
}
`,
		"lets and joint leaves": `rule d {
  type "d"
  emit false
  when a == 1
  branch b == 1 {
    output band "one"
    output k 1
  }
  else {
    output band "other"
    output k 2
  }
}

rule e {
  type "e"
  emit false
  let f = d.fired
  let band = d.band
  when f
  branch band == "one" {
    output tier 1
  }
  else {
    output tier 2
  }
}

table t hit unique {
  type "t"
  in d.band, d.k
  row "one", 1     => title "one"
  row "other", 2   => title "other"
  row nil, nil     => title "none"
  row "one", 2     => title "never"
}

table t2 hit unique {
  type "t2"
  in e.tier, e.fired
  row 1 | 2, true => title "tier"
  row nil, false  => title "none"
}
`,
		"never false closed": `rule d {
  type "d"
  emit false
  when a == nil || a != nil
  branch b == nil {
    output band "n"
  }
  branch b != nil {
    output band "v"
  }
}

table t hit first {
  type "t"
  in d.band
  row "n" | "v" => title "ok"
}
`,
		"any int float consts": `const One = 1
const OneF = 1.0
table t hit any {
  type "t"
  in a
  row < 5 => output x One
  row < 9 => output x 1
  row < 7 => output x OneF
  row -   => output x 1.0
}
`,
	}
	for label, body := range cases {
		a104Expect(t, label, body)
	}
}

// Contract: doc.go # Analysis, "Its work is bounded ... analyzed in a
// second or two at most"; nothing panics. Files the compiler refuses
// (cycles through an aggregating table, self-reads, duplicate ids of a
// decision that is read, decisions read only through a spurious name) are
// still analyzed, quickly, without a panic.
func TestAdversary104_RefusedDecisionGraphsAnalyzed(t *testing.T) {
	files := []string{`table d hit collect sum rate {
  type "d"
  in e.fired
  row - => output rate 1
}

rule e {
  type "e"
  when d.rate > 1 && d.count > 0
}
`, `rule d {
  type "d"
  when d.fired || d.band == "x"
  output band "x"
}
`, `rule d {
  type "d"
  when a == 1
}

table d hit collect count {
  type "d"
  in a
  row - => title "x"
}

table t hit first {
  type "t"
  in d.fired, d.count
  row -, - => title "x"
}
`, `rule a {
  type "a"
  when b.fired && between(1, 0, 2)
}

rule b {
  type "b"
  when a.fired
}

rule between {
  type "c"
  when a.fired || b.fired
}
`}
	for i, body := range files {
		f, err := rulefile.Parse([]byte("ruleset a104 version 1\n\n" + body))
		if err != nil {
			t.Fatalf("file %d: %v", i, err)
		}
		start := time.Now()
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("file %d: Analyze panics: %v", i, p)
				}
			}()
			rulefile.Analyze(f)
		}()
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("file %d: Analyze took %v", i, d)
		}
	}
}
