package advisorytest_test

// The twenty-eighth adversary's suite: generated files and rule tests as
// data. Every test here fails on the code it was written against, names
// the promise it breaks and the minimal input that breaks it.

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/advisory/advisorytest"
)

// a28Twins has two fields whose Go names differ only in case: Go allows
// it, and the decoder reaches ID by "id" (the first by lower-cased name).
type a28Twins struct {
	ID int
	Id string
}

// TestAdversary28_WithFieldCaseTwinPanics: FilesWith: "a generator whose
// type is not the field's, is an error: the options are checked here,
// never by a panic while drawing", and WithField "draws the field at
// path from g". WithField[int]("ID", g) is accepted (ID is an int), but
// the option is stored under the lower-cased Go name "id", which Id (a
// string) shares: drawing Id from the int generator panics in
// reflect.Set. Minimal input: struct{ID int; Id string},
// WithField("ID", rapid.Just(7)). Expected: files with ID 7 and Id
// drawn as a string (or an error from FilesWith), never a panic.
func TestAdversary28_WithFieldCaseTwinPanics(t *testing.T) {
	g, err := advisorytest.FilesWith[a28Twins](advisorytest.Boundaries{}, now, advisorytest.WithField("ID", rapid.Just(7)))
	if err != nil {
		return // refusing the option is a fix too
	}
	var panicked any
	var got a28Twins
	func() {
		defer func() { panicked = recover() }()
		got = g.Example(1)
	}()
	if panicked != nil {
		t.Fatalf("drawing a file panicked: %v", panicked)
	}
	if got.ID != 7 {
		t.Errorf("ID = %d, want 7 from WithField", got.ID)
	}
}

const a28Rules = `ruleset a28 version 1

rule high {
  type "score.high"
  when score > 0.8
  urgency 0.7
}

rule any {
  type "score.any"
  when score > 0
  urgency 0.1
}
`

type a28Env struct {
	Score float64 `json:"score" expr:"score"`
}

func a28Run(t *testing.T, body string) (advisorytest.Report, error) {
	t.Helper()
	fw, err := advisory.Compile[a28Env]([]byte(a28Rules))
	if err != nil {
		t.Fatal(err)
	}
	return advisorytest.EvaluateCases(fw, []byte(`{"now": "2026-11-24T09:00:00Z", "cases": [`+body+`]}`))
}

// TestAdversary28_CaseDuplicateKeySilentlyOverrides: EvaluateCases: "A
// cases file that is malformed ... is an error naming the case"; the
// file is decoded strictly (unknown fields and trailing data refused).
// A case that gives "mode" twice is accepted and the last one silently
// wins: "only" (the hits are exactly those expected: high, yet any
// fires too, so the case must fail) is overridden by "includes", and
// the case passes. (A repeated "expect" is merged element by element,
// the first list's fields surviving where the second omits them.)
// Minimal input: {"name": "n", "mode": "only", "input": {"score": 0.9},
// "expect": [{"rule": "high"}], "mode": "includes"}. Expected: an error
// naming the repeated key.
func TestAdversary28_CaseDuplicateKeySilentlyOverrides(t *testing.T) {
	rep, err := a28Run(t, `{"name": "n", "mode": "only", "input": {"score": 0.9},
	  "expect": [{"rule": "high"}], "mode": "includes"}`)
	if err == nil {
		t.Errorf("a case with two \"mode\" keys is accepted (passed %d of %d)", rep.Passed, len(rep.Cases))
	}
}

// TestAdversary28_CaseKeyCaseFoldedAccepted: the format names its keys
// ("name", "expect", ...) and the input's "field names are the Env's
// json tags ... a field the Env does not have is an error". encoding/json
// matches keys ignoring case, so "EXPECT" is taken for "expect" and
// "SCORE" for the tag "score": a cases file with keys the format does
// not have, and an input field the Env does not have, are accepted.
// Minimal input: {"name": "n", "input": {"SCORE": 0.9}, "EXPECT":
// [{"rule": "high"}, {"rule": "any"}]}. Expected: an error naming the unknown key.
func TestAdversary28_CaseKeyCaseFoldedAccepted(t *testing.T) {
	for _, body := range []string{
		`{"name": "n", "input": {"score": 0.9}, "EXPECT": [{"rule": "high"}, {"rule": "any"}]}`,
		`{"name": "n", "input": {"SCORE": 0.9}, "expect": [{"rule": "high"}, {"rule": "any"}]}`,
	} {
		rep, err := a28Run(t, body)
		if err == nil {
			t.Errorf("%s: accepted (%d of %d passed), want an unknown-field error", body, rep.Passed, len(rep.Cases))
		}
	}
}
