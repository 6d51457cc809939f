package rulefile_test

// The ninth adversary's suite against rulefile.Analyze. Every test fails
// on the current code and documents one defect, held to the compiled rule
// set (dsl.CompileRules) as the property tests are: a claimed
// unreachable/outranked branch or row that an input takes, a table-gap or
// equivalent-when that evaluation contradicts, wrong unused findings, and
// work outside the bound.

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/dsl/rulefile"
)

type a9X struct {
	Score float64  `expr:"score"`
	Flag  bool     `expr:"flag"`
	Name  string   `expr:"name"`
	Age   int      `expr:"age"`
	P     *float64 `expr:"p"`
	PB    *bool    `expr:"pb"`
	PS    *string  `expr:"ps"`
}

type a9Env struct {
	X  a9X  `expr:"x"`
	Xp *a9X `expr:"xp"`
}

var a9Now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// a9Sweep is a set of inputs covering the classes of the files below.
func a9Sweep() []a9Env {
	var out []a9Env
	for _, sc := range []float64{-1, 0, 0.5, 1, 2} {
		for _, fl := range []bool{false, true} {
			for _, age := range []int{0, 5, 1 << 62} {
				for _, name := range []string{"", "a", "b"} {
					for _, withP := range []bool{false, true} {
						x := a9X{Score: sc, Flag: fl, Age: age, Name: name}
						if withP {
							p, b, s := sc, fl, name
							x.P, x.PB, x.PS = &p, &b, &s
						}
						xp := x
						out = append(out, a9Env{X: x}, a9Env{X: x, Xp: &xp})
					}
				}
			}
		}
	}
	return out
}

// TestAdversary9FalseUnreachable: a branch or row Analyze calls
// unreachable (or outranked) that the compiled rule set takes. The docs
// (doc.go "It is exact where it claims anything"; Analyze: "a branch or
// row is unreachable only when no input at all reaches it") promise none.
func TestAdversary9FalseUnreachable(t *testing.T) {
	for _, c := range []struct {
		name, body, code, rule, path string
		env                          a9Env
	}{
		// Opaque parts are keyed by expr's printed AST, which writes the
		// float literal 2.0 as "2": x.age * 2 (an int, which wraps) and
		// x.age * 2.0 (a float64) become one atom, so branch 2 is "never"
		// taken; at age = 2^62 the int product wraps to -2^63 and branch
		// 2 is taken.
		{"int_float_literal_one_atom", `rule r {
  type "r"
  branch x.age * 2 > 0 {
    title "a"
  }
  branch x.age * 2.0 > 0 {
    title "b"
  }
}
`, "unreachable-branch", "r", "branch 2", a9Env{X: a9X{Age: 1 << 62}}},
		// The same, without overflow: type(x.age * 1) is "int" and
		// type(x.age * 1.0) is "float" for every input, so branch 1 is
		// always taken; the analysis reads both as the atom
		// `type(x.age * 1)` and calls it unreachable.
		{"int_float_literal_type", `rule r {
  type "r"
  when type(x.age * 1) == "int"
  branch type(x.age * 1.0) == "float" {
    title "a"
  }
}
`, "unreachable-branch", "r", "branch 1", a9Env{}},
		// An order may rank nil (`order band "hi", nil`: the compiler
		// ranks a row whose band is nil by it, equalValues(nil, nil)).
		// The analysis never ranks a nil output: it takes row 2 as
		// unranked, so both rows "never win"; row 2 wins at score <= 0,
		// row 1 at score > 0.
		{"order_ranks_nil_priority", `table t hit priority {
  type "t"
  order band "hi", nil
  in x.score
  row > 0 => output band "hi"
  row -   => output band nil
}
`, "outranked-row", "t", "row 1", a9Env{X: a9X{Score: 1}}},
		{"order_ranks_nil_output_order", `table t hit output_order {
  type "t"
  order band "hi", nil
  in x.score
  row > 0 => output band "hi"
  row -   => output band nil
}
`, "unreachable-row", "t", "row 2", a9Env{X: a9X{Score: -1}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs, rs := analyzeCompiled[a9Env](t, "a9", c.body)
			f := findingOf(fs, c.code, c.rule, c.path)
			if f == nil {
				return // no such claim: what the analysis must give (a false claim would be checked below)
			}
			if tookPath(rs, c.env, a9Now, c.rule, c.path) {
				t.Errorf("FALSE %s: %q, yet the compiled rule set takes %s at %+v", c.code, f.Message, c.path, c.env)
			} else {
				t.Logf("not taken at %+v", c.env)
			}
		})
	}
}

// TestAdversary9FalseGap: a table-gap whose witness is no gap: at every
// input of the sweep the table's when does not hold or a row decides.
// Docs (Finding.Witness): "an input that demonstrates a gap"; Analyze:
// "the reads of one named decision ... hold together what one of its
// leaves gives (fired is false exactly when its outputs are nil)".
func TestAdversary9FalseGap(t *testing.T) {
	for _, c := range []struct {
		name, body string
		admits     func(a9Env) bool // the table's when
	}{
		// A bare `when d.fired` is read as an opaque condition, a free
		// atom apart from the decision's reads, so the grid pairs it
		// with d.band = nil: witness {d.fired: true, d.band: nil}, which
		// no input gives (d says band whenever it fires). `when d.fired
		// == true` is read right and reports no gap.
		{"bare_decision_fired", `rule d {
  type "d"
  emit false
  when x.score > 1
  output band "hi"
}

table t hit unique {
  type "t"
  when d.fired
  in d.band
  row "hi" => title "a"
}
`, func(e a9Env) bool { return e.X.Score > 1 }},
		// The same with a plain bool field: `when x.flag` is an opaque
		// atom, the input x.flag a value atom, and they vary apart; the
		// witness map, keyed by text, says x.flag = true, where row 1
		// matches.
		{"bare_bool_field", `table t hit unique {
  type "t"
  when x.flag
  in x.flag
  row true => title "a"
}
`, func(e a9Env) bool { return e.X.Flag }},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs, rs := analyzeCompiled[a9Env](t, "a9", c.body)
			f := findingOf(fs, "table-gap", "t", "")
			if f == nil {
				return // no such claim: what the analysis must give (a false claim would be checked below)
			}
			missed := 0
			for _, e := range a9Sweep() {
				if c.admits(e) && !tookPath(rs, e, a9Now, "t", "") {
					missed++
				}
			}
			if missed == 0 {
				t.Errorf("FALSE table-gap: %q (witness %v): every admitted input of the sweep is decided by a row", f.Message, f.Witness)
			}
		})
	}
}

// TestAdversary9FalseEquivalentWhen: "equivalent-when" for conditions
// that differ. The float literal 2.0 prints as "2", so x.age * 2 (int,
// wraps) and x.age * 2.0 (float64) are one atom; at age = 2^62 the first
// is false and the second true.
func TestAdversary9FalseEquivalentWhen(t *testing.T) {
	fs, rs := analyzeCompiled[a9Env](t, "a9", `rule a {
  type "a"
  when x.age * 2 > 0
}

rule b {
  type "b"
  when x.age * 2.0 > 0
}
`)
	f := findingOf(fs, "equivalent-when", "b", "")
	if f == nil {
		return // no such claim: what the analysis must give (a false claim would be checked below)
	}
	e := a9Env{X: a9X{Age: 1 << 62}}
	if tookPath(rs, e, a9Now, "a", "") != tookPath(rs, e, a9Now, "b", "") {
		t.Errorf("FALSE equivalent-when: %q, yet at age = 2^62 rule a fires %v and rule b %v", f.Message, tookPath(rs, e, a9Now, "a", ""), tookPath(rs, e, a9Now, "b", ""))
	}
}

// TestAdversary9Unused: unused-let and unused-const must be correct.
func TestAdversary9Unused(t *testing.T) {
	// A constant named in a table's order (the compiler resolves order
	// values as cells, b.cellValue) is used: removing it breaks the
	// file. Analyze reports High and Low unused: unused() looks at cells
	// only, not at Order.Values.
	t.Run("const_in_order_is_used", func(t *testing.T) {
		fs, rs := analyzeCompiled[a9Env](t, "a9", `const High = "high"
const Low = "low"

table t hit priority {
  type "t"
  order band High, Low
  in x.score
  row > 0 => output band "high"
  row -   => output band "low"
}
`)
		if !tookPath(rs, a9Env{X: a9X{Score: 1}}, a9Now, "t", "row 1") {
			t.Fatal("row 1 does not win at score 1")
		}
		for _, f := range fs {
			if f.Code == "unused-const" {
				t.Errorf("FALSE unused-const: %q, the table's order uses it", f.Message)
			}
		}
	})
	// A rule let that a branch let of the same name hides (the compiler
	// accepts it) is never used, but the name is used, so no unused-let.
	t.Run("let_hidden_by_branch_let", func(t *testing.T) {
		fs, _ := analyzeCompiled[a9Env](t, "a9", `rule r {
  type "r"
  let a = x.score
  branch x.age > 0 {
    let a = x.score * 2
    title "{a}"
  }
}
`)
		if findingOf(fs, "unused-let", "r", "") == nil {
			t.Errorf("MISSED unused-let: the rule's let a (line 5) is read nowhere (the branch reads its own a): %v", fs)
		}
	})
}

// TestAdversary9Bounded: "Its work is bounded ... a file built to be
// expensive is analyzed in a second or two at most". The points of a
// decision's reads taken together (atoms.together) are built, up to
// maxGrid of them with a fmt.Sprintf key each, before the grid's size is
// checked and outside the budget, and again for every branch of a tree:
// 60 branches over three open outputs of one decision took 29 s, 40
// took 16 s (measured), against milliseconds for the same tree over fields.
func TestAdversary9Bounded(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	file := func(n int, dec bool) *rulefile.File {
		var b strings.Builder
		b.WriteString("ruleset a9 version 1\n\nrule d {\n  type \"d\"\n  emit false\n  output a x.score\n  output b x.score\n  output c x.score\n}\n\nrule r {\n  type \"r\"\n")
		for i := range n {
			if dec {
				fmt.Fprintf(&b, "  branch d.a == %d && d.b == %d && d.c == %d {\n    title \"t\"\n  }\n", i, i, i)
			} else {
				fmt.Fprintf(&b, "  branch x.score == %d && x.age == %d && x.p == %d && d.fired {\n    title \"t\"\n  }\n", i, i, i)
			}
		}
		b.WriteString("}\n")
		f, err := rulefile.Parse([]byte(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	measure := func(f *rulefile.File) time.Duration {
		start := time.Now()
		rulefile.Analyze(f)
		return time.Since(start)
	}
	fields := measure(file(30, false))
	decs := measure(file(30, true))
	t.Logf("fields: %v; decision reads: %v", fields, decs)
	if decs > 10*fields+3*time.Second {
		t.Errorf("30 branches over three reads of one decision took %v (the same tree over fields %v): work outside the budget", decs, fields)
	}
}

// A row priority of NaN or Inf (strconv.ParseFloat reads both) once
// compiled, and a NaN compared equal to every other priority, leaving the
// ranking to row order, while the analysis ranked the rows by it and
// called rows 1 and 2 outranked. A priority must be a finite number: the
// compiler says so at the priority, and the analysis claims nothing of a
// table it cannot rank.
func TestAdversary9NonFinitePriority(t *testing.T) {
	for _, p := range []string{"NaN", "Inf", "-Inf", "+Inf"} {
		src := "ruleset a9 version 1\n\ntable t hit priority {\n  type \"t\"\n  in x.score\n  row - => priority 1\n  row - => priority " + p + "\n  row - => priority 2\n}\n"
		_, err := dsl.CompileRules[a9Env]([]byte(src))
		if err == nil || !strings.Contains(err.Error(), "priority must be a finite number literal") || !strings.Contains(err.Error(), "7:") {
			t.Errorf("priority %s: compile error %v, want one at 7:* saying a priority must be finite", p, err)
		}
		f, err := rulefile.Parse([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		for _, fd := range rulefile.Analyze(f) {
			if fd.Code == "outranked-row" {
				t.Errorf("priority %s: %s", p, fd.Message)
			}
		}
	}
}
