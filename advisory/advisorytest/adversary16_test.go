package advisorytest_test

// The sixteenth adversary's suite: rule tests as data (cases.go). Every
// test here fails on the code it was written against and names the
// promise it breaks.

import (
	"strings"
	"testing"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/advisory/advisorytest"
)

type a16Env struct {
	Score float64 `json:"score" expr:"score"`
	Tier  string  `json:"tier" expr:"tier"`
}

const a16Rules = `ruleset a16 version 1

rule high {
  type "score.high"
  when score > 0.8
  urgency 0.7
}

table col hit collect {
  type "c"
  in score
  row > 0.1 => title "ab" urgency 0.1
  row > 0.2 => title "a" urgency 0.1
}

table agg hit collect sum urgency {
  type "s"
  in score
  row > 0.1 => urgency 0.1
  row > 0.2 => urgency 0.2
}

rule tree {
  type "t"
  when score > 0
  branch tier == "A" {
    urgency 0.9
    branch score > 0.5 {
      urgency 0.8
    }
  }
}
`

func a16Compile(t *testing.T, src string) *advisory.Framework[a16Env] {
	t.Helper()
	fw, err := advisory.Compile[a16Env]([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return fw
}

func a16Cases(body string) []byte {
	return []byte(`{"now": "2026-11-24T09:00:00Z", "cases": [` + body + `]}`)
}

func a16Rule(c advisorytest.Coverage, id string) advisorytest.RuleCoverage {
	for _, r := range c.Rules {
		if r.Rule == id {
			return r
		}
	}
	return advisorytest.RuleCoverage{}
}

// TestAdversary16TrailingBracketAccepted: EvaluateCases: "A cases file
// that is malformed (not JSON, ...) is an error"; strictDecode refuses
// "trailing data". A cases file followed by a stray "}" or "]" (a
// hand-edit that lost its opening brace elsewhere) is not JSON, yet it is
// accepted: strictDecode asks dec.More(), which reports false before a
// closing bracket.
func TestAdversary16TrailingBracketAccepted(t *testing.T) {
	fw := a16Compile(t, a16Rules)
	good := a16Cases(`{"name": "n", "input": {"score": 0.05}, "expect": []}`)
	if _, err := advisorytest.EvaluateCases(fw, good); err != nil {
		t.Fatalf("the well-formed file: %v", err)
	}
	for _, tail := range []string{"}", "]", "\n]]}"} {
		data := append(append([]byte{}, good...), tail...)
		if _, err := advisorytest.EvaluateCases(fw, data); err == nil {
			t.Errorf("cases file with %q after it (not JSON) accepted without an error", tail)
		}
	}
}

// TestAdversary16AbsentRuleExpectedPasses: the format: in "includes" mode
// "any others are ignored (except the rules listed in "absent")", and
// "absent" lists "rules that must not fire". A case that lists rule high
// both in "expect" and in "absent" is contradictory: high fires, so the
// case must fail (or the file be refused). It passes: the hit is consumed
// by the expectation before "absent" is looked at.
func TestAdversary16AbsentRuleExpectedPasses(t *testing.T) {
	fw := a16Compile(t, a16Rules)
	rep, err := advisorytest.EvaluateCases(fw, a16Cases(`{"name": "high must not fire", "mode": "includes",
	  "input": {"score": 0.9, "tier": "B"},
	  "expect": [{"rule": "high"}], "absent": ["high"]}`))
	if err != nil {
		return // refusing the contradictory case is fine
	}
	if rep.OK() {
		t.Errorf("rule high fired and is listed in \"absent\", yet the case passed:\n%s", rep)
	}
}

// TestAdversary16IncludesEmptyExpectVacuous: the format: "\"expect\" is
// required: [] says the case raises no hit at all." With "mode":
// "includes" and "expect": [], a case whose input raises four hits
// passes: [] then says nothing at all, and the case can never fail.
func TestAdversary16IncludesEmptyExpectVacuous(t *testing.T) {
	fw := a16Compile(t, a16Rules)
	rep, err := advisorytest.EvaluateCases(fw, a16Cases(`{"name": "no hit at all", "mode": "includes",
	  "input": {"score": 0.9, "tier": "A"}, "expect": []}`))
	if err != nil {
		return // refusing a vacuous case is fine
	}
	if rep.OK() {
		t.Errorf("\"expect\": [] (no hit at all) passed for an input raising hits of high, col, agg and tree:\n%s", rep)
	}
}

// TestAdversary16GreedyMatchFailsCorrectCase: the format: "In \"only\"
// mode the case's hits are exactly those expected". Table col (hit
// collect) raises row 1 titled "ab" and row 2 titled "a"; a case
// expecting one hit of col whose title holds "a" and one whose title
// holds "ab" describes those hits exactly (row 2 and row 1), but fails:
// the first expectation greedily takes row 1 ("ab" holds "a") and the
// second finds only row 2 left.
func TestAdversary16GreedyMatchFailsCorrectCase(t *testing.T) {
	fw := a16Compile(t, a16Rules)
	rep, err := advisorytest.EvaluateCases(fw, a16Cases(`{"name": "both rows", "mode": "includes",
	  "input": {"score": 0.5, "tier": "B"},
	  "expect": [{"rule": "col", "title": "a"}, {"rule": "col", "title": "ab"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Errorf("a case the hits satisfy (row 2 \"a\", row 1 \"ab\") failed:\n%s", rep)
	}
}

// TestAdversary16AggregateRowsCountedAsBranch: Report/Summary: the
// coverage line says "how many of the rules, of the branches of decision
// trees and of the rows of tables fired at least once". Table agg (hit
// collect sum) has rows "row 1" and "row 2" and no branch; a case in
// which both rows match raises one hit whose path is "rows 1, 2". The
// coverage adds that path as a new entry, and, since it does not start
// with "row ", counts it as a branch: "branches 1/1, rows 0/2" for a
// table without branches whose two rows were both reached.
func TestAdversary16AggregateRowsCountedAsBranch(t *testing.T) {
	fw := a16Compile(t, `ruleset a16 version 1
table agg hit collect sum urgency {
  type "s"
  in score
  row > 0.1 => urgency 0.1
  row > 0.2 => urgency 0.2
}
`)
	rep, err := advisorytest.EvaluateCases(fw, a16Cases(`{"name": "both rows", "mode": "includes",
	  "input": {"score": 0.5}, "expect": [{"rule": "agg"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := rep.Coverage.Summary(), "coverage: rules 1/1, branches 0/0, rows 2/2"; got != want {
		t.Errorf("coverage %q, want %q (paths counted: %v)", got, want, a16Rule(rep.Coverage, "agg").Paths)
	}
}

// TestAdversary16NestedBranchPath: the format: "path": optional, "branch
// 1", "row 2", ...; a path the rule does not have is an error. The
// nested branch of rule tree raises hits with path "branch 1/branch 1",
// but fw.Rules() lists it as "branch 1/branch 1/branch 1". So (a) a case
// naming the path its hit actually has is refused as "rule has no path",
// and (b) the coverage of a case reaching it reports "branches 1/3"
// (the hit's path added beside the phantom) for a rule with two
// branches, and lists the phantom as unfired.
func TestAdversary16NestedBranchPath(t *testing.T) {
	fw := a16Compile(t, `ruleset a16 version 1
rule tree {
  type "t"
  when score > 0
  branch tier == "A" {
    urgency 0.9
    branch score > 0.5 {
      urgency 0.8
    }
  }
}
`)
	_, err := advisorytest.EvaluateCases(fw, a16Cases(`{"name": "nested", "input": {"score": 0.9, "tier": "A"},
	  "expect": [{"rule": "tree", "path": "branch 1/branch 1"}]}`))
	if err != nil {
		t.Errorf("a case naming the path its hit has is refused: %v", err)
	}
	rep, err := advisorytest.EvaluateCases(fw, a16Cases(`{"name": "nested", "input": {"score": 0.9, "tier": "A"},
	  "expect": [{"rule": "tree"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	sum := rep.Coverage.Summary()
	if !strings.Contains(sum, "branches 1/2") {
		t.Errorf("coverage %q for a rule of two branches, one reached (paths counted: %v; unfired %q)",
			sum, a16Rule(rep.Coverage, "tree").Paths, rep.Coverage.Unfired())
	}
}
