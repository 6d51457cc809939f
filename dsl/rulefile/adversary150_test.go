package rulefile_test

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/dsl/rulefile"
	"github.com/engagekit/engagekit/internal/testguard"
)

// Adversary 150: differential tests of Analyze against the compiled rule
// set, by brute force over a grid of inputs that holds every boundary the
// files write (each literal, its float64 neighbours, -0, ±Inf, a string's
// successor s+"\x00", nil, values of another kind in an any field).

var adv150Now = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

type adv150Inner struct{ V *float64 }

type adv150Env struct {
	X *float64
	S *string
	B *bool
	A any
	P *adv150Inner
}

func adv150F(f float64) *float64 { return &f }

// adv150Xs is every number a file below writes, its float64 neighbours,
// points between, -0 and the extremes.
func adv150Xs() []*float64 {
	lits := []float64{-5, 0, 0.5, 1, 2, 3, 4, 5, 6}
	fs := []float64{math.Inf(-1), math.Inf(1), -math.MaxFloat64, math.MaxFloat64, math.Copysign(0, -1), 5e-324, -5e-324}
	for _, l := range lits {
		fs = append(fs, l, math.Nextafter(l, math.Inf(-1)), math.Nextafter(l, math.Inf(1)), l-0.5, l+0.5)
	}
	out := []*float64{nil}
	for _, f := range fs {
		out = append(out, adv150F(f))
	}
	return out
}

func adv150Ss() []*string {
	out := []*string{nil}
	for _, s := range []string{"", "\x00", "A", "a", "a\x00", "a\x00\x00", "a\x01", "aa", "b", "b\x00", "c"} {
		out = append(out, &s)
	}
	return out
}

func adv150Bs() []*bool {
	f, t := false, true
	return []*bool{nil, &f, &t}
}

func adv150As() []any {
	return []any{nil, 3.0, 4.0, 5.0, 6.0, -1.0, "a", "n/a", true, false}
}

func adv150Ps() []*adv150Inner {
	out := []*adv150Inner{nil, {}}
	for _, x := range adv150Xs()[1:] {
		out = append(out, &adv150Inner{V: x})
	}
	return out
}

// adv150Grid is every env over the fields src mentions (the others nil).
func adv150Grid(src string) []adv150Env {
	mention := func(f string) bool {
		for _, sep := range []string{" ", "(", "!", ","} {
			if strings.Contains(src, sep+f+" ") || strings.Contains(src, sep+f+"?") || strings.Contains(src, sep+f+".") || strings.Contains(src, sep+f+"\n") || strings.Contains(src, sep+f+",") {
				return true
			}
		}
		return false
	}
	xs, ss, bs, as, ps := []*float64{nil}, []*string{nil}, []*bool{nil}, []any{nil}, []*adv150Inner{nil}
	if mention("X") {
		xs = adv150Xs()
	}
	if mention("S") {
		ss = adv150Ss()
	}
	if mention("B") {
		bs = adv150Bs()
	}
	if mention("A") {
		as = adv150As()
	}
	if mention("P") {
		ps = adv150Ps()
	}
	var out []adv150Env
	for _, x := range xs {
		for _, s := range ss {
			for _, b := range bs {
				for _, a := range as {
					for _, p := range ps {
						out = append(out, adv150Env{X: x, S: s, B: b, A: a, P: p})
					}
				}
			}
		}
	}
	return out
}

func (e adv150Env) String() string {
	var parts []string
	if e.X != nil {
		parts = append(parts, fmt.Sprintf("X=%v", *e.X))
	}
	if e.S != nil {
		parts = append(parts, fmt.Sprintf("S=%q", *e.S))
	}
	if e.B != nil {
		parts = append(parts, fmt.Sprintf("B=%v", *e.B))
	}
	if e.A != nil {
		parts = append(parts, fmt.Sprintf("A=%#v", e.A))
	}
	if e.P != nil {
		if e.P.V != nil {
			parts = append(parts, fmt.Sprintf("P.V=%v", *e.P.V))
		} else {
			parts = append(parts, "P={V:nil}")
		}
	}
	return "{" + strings.Join(parts, " ") + "}"
}

// adv150Truth is what the grid shows of rule id: the paths taken (a row
// or branch label; "" for the rule's own decision), an env where it made
// no hit without failing, and an env where it failed with msg in its
// error, by msg.
type adv150Truth struct {
	taken  map[string]adv150Env
	silent *adv150Env
	failed map[string]adv150Env
}

func adv150Sweep(t *testing.T, src, id string, fails ...string) adv150Truth {
	t.Helper()
	rs, err := dsl.CompileRules[adv150Env]([]byte(src))
	if err != nil {
		t.Fatalf("compile: %v\n%s", err, src)
	}
	tr := adv150Truth{taken: map[string]adv150Env{}, failed: map[string]adv150Env{}}
	for _, e := range adv150Grid(src) {
		hits, err := rs.Eval(e, adv150Now)
		hit := false
		for _, h := range hits {
			if h.Rule != id {
				continue
			}
			hit = true
			for _, p := range strings.Split(strings.TrimPrefix(h.Path, "rows "), ", ") {
				if h.Path != "" && !strings.HasPrefix(p, "row ") && !strings.HasPrefix(p, "branch") && p != "else" {
					p = "row " + p // an aggregate's "rows 1, 3"
				}
				// A branch is taken where one below it is.
				for k := range strings.Split(p, "/") {
					q := strings.Join(strings.Split(p, "/")[:k+1], "/")
					if _, ok := tr.taken[q]; !ok {
						tr.taken[q] = e
					}
				}
			}
		}
		failed := false
		if err != nil {
			for _, de := range dsl.Errors(err) {
				if de.RuleID == id {
					failed = true
					for _, m := range fails {
						if strings.Contains(de.Error(), m) {
							if _, ok := tr.failed[m]; !ok {
								tr.failed[m] = e
							}
						}
					}
				}
			}
		}
		if !hit && !failed && tr.silent == nil {
			e := e
			tr.silent = &e
		}
	}
	return tr
}

func adv150Analyze(t *testing.T, src string) []rulefile.Finding {
	t.Helper()
	f, err := rulefile.Parse([]byte(src))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, src)
	}
	return rulefile.Analyze(f)
}

func adv150Codes(fs []rulefile.Finding) string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%d:%d %s %v %s", f.Pos.Line, f.Pos.Col, f.Code, f.Related, f.Message))
	}
	return strings.Join(out, "\n")
}

// adv150TableCase is a one-table file and what the grid must show for
// the analysis to be right in both directions: every row the analysis
// does not call unreachable, outranked or unknown is taken somewhere, and
// none it does is; a gap is reported exactly when the grid shows one; an
// overlap or conflict exactly when the grid shows the table failing on it.
type adv150TableCase struct {
	name string
	body string
}

func adv150CheckTable(t *testing.T, c adv150TableCase) {
	t.Helper()
	src := "ruleset a150 version 1\n\n" + c.body
	fs := adv150Analyze(t, src)
	tr := adv150Sweep(t, src, "t", "hit policy unique", "hit policy any")
	for _, f := range fs {
		if f.Code == rulefile.CodeUnknown {
			t.Errorf("%s: analysis says unknown on a file it reads fully:\n%s", c.name, adv150Codes(fs))
			return
		}
	}
	f, _ := rulefile.Parse([]byte(src))
	var tbl *rulefile.Rule
	for _, r := range f.Rules {
		if r.ID == "t" {
			tbl = r
		}
	}
	claimed := map[string]string{}
	for _, f := range fs {
		if f.Code == "unreachable-row" || f.Code == "outranked-row" {
			claimed[f.Related[0]] = f.Code
		}
	}
	for i := range tbl.Rows {
		label := fmt.Sprintf("row %d", i+1)
		e, took := tr.taken[label]
		switch code, ok := claimed[label]; {
		case ok && took:
			t.Errorf("%s: FALSE %s: %s is taken at %v\n%s", c.name, code, label, e, adv150Codes(fs))
		case !ok && !took && tbl.Hit != "unique" && tbl.Hit != "any":
			t.Errorf("%s: MISSED: %s is never taken on the grid, and no finding says so\n%s", c.name, label, adv150Codes(fs))
		}
	}
	gap := slices.ContainsFunc(fs, func(f rulefile.Finding) bool { return f.Code == "table-gap" })
	switch {
	case gap && tr.silent == nil:
		t.Errorf("%s: FALSE table-gap: every input of the grid takes a row or fails\n%s", c.name, adv150Codes(fs))
	case !gap && tr.silent != nil:
		t.Errorf("%s: MISSED table-gap at %v\n%s", c.name, *tr.silent, adv150Codes(fs))
	}
	for code, msg := range map[string]string{"unique-overlap": "hit policy unique", "any-conflict": "hit policy any"} {
		claim := slices.ContainsFunc(fs, func(f rulefile.Finding) bool { return f.Code == code })
		e, shown := tr.failed[msg]
		switch {
		case claim && !shown:
			t.Errorf("%s: FALSE %s: no input of the grid makes the table fail so\n%s", c.name, code, adv150Codes(fs))
		case !claim && shown:
			t.Errorf("%s: MISSED %s at %v\n%s", c.name, code, e, adv150Codes(fs))
		}
	}
}

// Tables whose cells sit on the boundaries the analysis must tell apart:
// -0 against 0, ±Inf as bounds and as values, intervals open and closed,
// one-of lists holding nil, not() of a list with nil (a nil input passes
// neither), strings and their successors, an any field holding values of
// several kinds (a cell of another kind fails the table), and an optional
// chain read through a nil parent. The analysis is right both ways on
// each.
func TestAdversary150_TableBoundarySweep_Pinned(t *testing.T) {
	cases := []adv150TableCase{
		{"signed zero and infinities", `table t hit unique {
  type "t"
  in X
  row < -0          => title "neg"
  row [0..5)        => title "low"
  row [5..+Inf]     => title "high"
  row nil           => title "none"
  row -Inf          => title "floor"
}
`},
		{"open ends meet", `table t hit unique {
  type "t"
  in X
  row (-Inf..0)   => title "a"
  row (0..+Inf)   => title "b"
  row nil | +Inf  => title "c"
}
`},
		{"string successors", `table t hit first {
  type "t"
  in S
  row < "a"            => title "a"
  row ("a".."a\x00")   => title "empty"
  row ["a".."b")       => title "ab"
  row not(nil)         => title "rest"
  row nil              => title "none"
}
`},
		{"not of a list with nil", `table t hit unique {
  type "t"
  in X, B
  row not(< 5 | nil), true    => title "a"
  row < 5, -                  => title "b"
  row nil, -                  => title "c"
  row >= 5, false | nil       => title "d"
}
`},
		{"any field of several kinds", `table t hit any {
  type "t"
  in A
  row 3 | 5     => output v "x"
  row [3..5]    => output v 'x'
  row nil       => output v "n"
}
`},
		{"priorities", `table t hit priority {
  type "t"
  in X
  row > 0    => title "a" priority 1
  row > 5    => title "b" priority 2
  row -      => title "c" priority 0
  row > 6    => title "d" priority 0.5
}
`},
		{"optional chain input", `table t hit unique {
  type "t"
  in P?.V
  row nil    => title "a"
  row < 5    => title "b"
  row >= 5   => title "c"
}
`},
		{"collect sum in float64", `table t hit collect sum urgency {
  type "t"
  in X
  row > 0    => urgency 0.1
  row > 1    => urgency 0.2
  row > 2    => urgency 0.7
  row nil    => urgency 0
}
`},
	}
	for _, c := range cases {
		testguard.Run(t, 10*time.Second, func() { adv150CheckTable(t, c) })
	}
}

// In float64, 0.33 + 0.56 + 0.11 is 1.0000000000000002 and 0.11 + 0.56 +
// 0.33 is 1: the analysis's collect-out-of-range, summing in row order as
// the compiled table sums, agrees with the table, which fails for the
// first order of rows and decides for the second.
func TestAdversary150_CollectSumRounding_Pinned(t *testing.T) {
	for _, c := range []struct {
		rows string
		out  bool
	}{
		{"  row > 0 => urgency 0.33\n  row > 1 => urgency 0.56\n  row > 2 => urgency 0.11\n", true},
		{"  row > 0 => urgency 0.11\n  row > 1 => urgency 0.56\n  row > 2 => urgency 0.33\n", false},
	} {
		testguard.Run(t, 10*time.Second, func() {
			src := "ruleset a150 version 1\n\ntable t hit collect sum urgency {\n  type \"t\"\n  in X\n" + c.rows + "}\n"
			fs := adv150Analyze(t, src)
			claim := slices.ContainsFunc(fs, func(f rulefile.Finding) bool { return f.Code == "collect-out-of-range" })
			tr := adv150Sweep(t, src, "t", "outside [0,1]")
			_, fails := tr.failed["outside [0,1]"]
			if claim != c.out || fails != c.out {
				t.Errorf("rows\n%sclaimed out of range %v, table fails %v, want %v\n%s", c.rows, claim, fails, c.out, adv150Codes(fs))
			}
		})
	}
}

// adv150CheckTree holds a rule's unreachable-branch findings to the grid:
// a branch the analysis calls unreachable is never taken, and one it does
// not (nor calls unknown) is taken somewhere.
func adv150CheckTree(t *testing.T, name, body string, labels []string) {
	t.Helper()
	src := "ruleset a150 version 1\n\n" + body
	fs := adv150Analyze(t, src)
	tr := adv150Sweep(t, src, "r")
	claimed, unknown := map[string]bool{}, map[string]bool{}
	for _, f := range fs {
		switch f.Code {
		case "unreachable-branch":
			claimed[f.Related[0]] = true
		case rulefile.CodeUnknown:
			// A branch taken only where an any field holds a value of
			// another kind than true and false is unknown, as the docs
			// say; it must be taken somewhere.
			if _, took := tr.taken[f.Related[0]]; !took {
				t.Errorf("%s: unknown %s is never taken on the grid\n%s", name, f.Related[0], adv150Codes(fs))
			}
			unknown[f.Related[0]] = true
		}
	}
	for _, l := range labels {
		e, took := tr.taken[l]
		// A branch below an unreachable one is unreachable too, and
		// not reported again.
		below := false
		for c := range claimed {
			below = below || strings.HasPrefix(l, c+"/")
		}
		switch {
		case claimed[l] && took:
			t.Errorf("%s: FALSE unreachable-branch: %s is taken at %v\n%s", name, l, e, adv150Codes(fs))
		case !claimed[l] && !unknown[l] && !below && !took:
			t.Errorf("%s: MISSED unreachable-branch: %s is never taken on the grid\n%s", name, l, adv150Codes(fs))
		}
	}
}

// Decision trees whose branches turn on -0, ±Inf, a string's successor,
// an optional chain's nil through a let, and nested levels with else: the
// analysis's unreachable-branch findings match the grid both ways.
func TestAdversary150_TreeBoundarySweep_Pinned(t *testing.T) {
	cases := []struct {
		name, body string
		labels     []string
	}{
		{"signed zero", `rule r {
  type "t"
  when X != nil
  branch X < 0 {
    branch X == -0 {
      title "never"
    }
    else {
      title "neg"
    }
  }
  branch X <= 0 {
    title "zero"
  }
  branch X >= 1.7976931348623157e308 {
    title "max"
  }
  else {
    title "pos"
  }
}
`, []string{"branch 1", "branch 1/branch 1", "branch 1/else", "branch 2", "branch 3", "else"}},
		{"optional chain through a let", `rule r {
  type "t"
  let v = P?.V
  when v == nil
  branch P == nil {
    title "no P"
  }
  branch P != nil {
    title "P without V"
  }
  else {
    title "never"
  }
}
`, []string{"branch 1", "branch 2", "else"}},
		{"string successor", `rule r {
  type "t"
  when S >= "a" && S < "b"
  branch S == "a" {
    title "a"
  }
  branch S < "a\x00" {
    title "never"
  }
  branch S <= "a\x00" {
    title "succ"
  }
  else {
    title "rest"
  }
}
`, []string{"branch 1", "branch 2", "branch 3", "else"}},
		{"bool in any, closed", `rule r {
  type "t"
  when A != nil
  branch A == true {
    title "t"
  }
  branch A == false {
    title "f"
  }
  else {
    title "other kind"
  }
}
`, []string{"branch 1", "branch 2", "else"}},
	}
	for _, c := range cases {
		testguard.Run(t, 10*time.Second, func() { adv150CheckTree(t, c.name, c.body, c.labels) })
	}
}

// Was (fixed): a row of a first or priority table that never decides because
// the table FAILS wherever the row matches (an earlier row's cell of
// another kind fails on the value: `< 5` on a string in an any field, or a
// later row's `"n/a"` on a number under priority, which decides every
// matching row) is reported as beaten by other rows: unreachable-row
// "wherever it matches, no row matches first", and outranked-row "never
// wins: wherever it matches, no row ranks higher", naming no row that
// takes its inputs (Related is the row alone). No row matches first or
// ranks higher anywhere: the table fails there, as the unique policy's
// finding says ("never decides: every input it matches makes the table
// fail").
//
// Input: table t hit priority { in A; row < 5; row "n/a" } (A any), and the
// same as hit first.
// Expected: the rows reported as never deciding because the table fails
// (the unique table's unreachable-row message), or a finding that names
// the rows that rank higher / match first.
// Got before the fix: outranked-row "row 1 of t never wins: wherever it matches, no row
// ranks higher" (Related [row 1]), and for first, unreachable-row "row 2
// of t can never be taken: wherever it matches, no row matches first".
func TestAdversary150_FailingTableReadAsOutranked_Pinned(t *testing.T) {
	for _, hit := range []string{"first", "priority"} {
		// Under first, row 1 decides every number and row 2 is never
		// taken: a string fails row 1's cell before row 2 is tried.
		// Under priority, every row that matches is tried, and a number
		// fails row 2's cell, a string row 1's: neither row decides.
		testguard.Run(t, 10*time.Second, func() {
			src := "ruleset a150 version 1\n\ntable t hit " + hit + ` {
  type "t"
  in A
  row < 5     => title "small"
  row "n/a"   => title "not applicable"
}
`
			fs := adv150Analyze(t, src)
			tr := adv150Sweep(t, src, "t", "cannot compare")
			if _, ok := tr.failed["cannot compare"]; !ok {
				t.Fatalf("hit %s: the table never fails on the grid", hit)
			}
			var rows []string
			for _, f := range fs {
				if f.Code != "unreachable-row" && f.Code != "outranked-row" {
					continue
				}
				// Ground truth: the row is never taken (the claim is
				// right); what is wrong is the reason given.
				if e, took := tr.taken[f.Related[0]]; took {
					t.Errorf("hit %s: FALSE %s: %s is taken at %v", hit, f.Code, f.Related[0], e)
				}
				if len(f.Related) == 1 &&
					(strings.Contains(f.Message, "no row matches first") || strings.Contains(f.Message, "no row ranks higher")) {
					rows = append(rows, fmt.Sprintf("%s %s: %s", f.Code, f.Related[0], f.Message))
				}
			}
			sort.Strings(rows)
			if len(rows) > 0 {
				t.Errorf("hit %s: rows that never decide because the table fails where they match are reported as beaten by no row:\n%s",
					hit, strings.Join(rows, "\n"))
			}
		})
	}
}
