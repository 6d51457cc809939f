package dsl

// The sixty-ninth adversary's findings: rule files' decision trees and
// tables as Explain shows them, tables ranked by an order of output
// values, and templates in titles. Each test is a minimal reproduction
// that fails on the code it was written against.

import (
	"strings"
	"testing"
	"time"
)

type a69Tier string

type a69Env struct {
	Tier a69Tier        `expr:"tier"`
	PS   *string        `expr:"ps"`
	I    int            `expr:"i"`
	S    string         `expr:"s"`
	M    map[string]any `expr:"m"`
}

var a69Now = time.Date(2026, 3, 29, 12, 0, 0, 0, time.UTC)

func a69Compile(t *testing.T, body string, opts ...Option) *RuleSet[a69Env] {
	t.Helper()
	rs, err := CompileRules[a69Env]([]byte("ruleset a69 version 1\n"+body), opts...)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return rs
}

var a69Backends = []struct {
	name string
	opts []Option
}{{"closures", nil}, {"expr", []Option{exprOnly}}}

// Contract (doc.go, Explanations; RuleSet.Explain): Explain "decides the
// rule exactly as Eval does (the same condition, guard, branch, row and
// hits, the same errors), then shows how: ... the branches or rows
// tried"; BranchExplanation.Taken says which branch was taken. Here Eval
// fails at branch 1's condition and takes no branch, yet Explain reports
// the else as tried and Taken.
//
// Mechanism: explainBranches sets Taken = err == nil && on and, on an
// error, goes on to the next sibling (selectBranch returns the error
// instead), so an else after a failing condition always shows as taken.
func TestAdversary69_ExplainTakesElseAfterFailingBranch(t *testing.T) {
	body := `rule r {
  type "t"
  branch m.k > 1 {
    title "big"
  }
  else {
    title "other"
  }
}
`
	env := a69Env{M: map[string]any{"k": "not a number"}}
	for _, b := range a69Backends {
		rs := a69Compile(t, body, b.opts...)
		_, err := rs.Eval(env, a69Now)
		if err == nil {
			t.Fatalf("%s: sanity: Eval should fail on branch 1's condition", b.name)
		}
		x, err := rs.Explain("r", env, a69Now)
		if err != nil {
			t.Fatal(err)
		}
		if x.Err == "" {
			t.Fatalf("%s: sanity: Explain should report Eval's error", b.name)
		}
		for _, bx := range x.Branches {
			if bx.Taken {
				t.Errorf("%s: Eval failed at branch 1 and took no branch, but Explain shows %s as taken:\n%s", b.name, bx.Label, x)
			}
		}
	}
}

// Contract (doc.go, Rule files; rulefile doc: "Rows are ranked by a
// table's order of output values"; cells: a named string type's value
// "gold" matches "gold", and "Inputs are read through pointers"): an
// output whose value is "high" ranks where "high" stands in the order.
// Here an output of a named string type (type Tier string) holding
// "high", or a *string pointing to "high", fails every evaluation with
// "output band is high, which is not in the table's order".
//
// Mechanism: rank → orderRank → equalValues(v, o) compares by Go type
// (reflect.TypeOf(a) != reflect.TypeOf(b) is an error, taken as "not
// equal"), without cellInput's normalization of named strings and
// pointers that the cells get.
func TestAdversary69_OrderDoesNotRankNamedOrPointerString(t *testing.T) {
	high := "high"
	env := a69Env{Tier: "high", PS: &high, I: 3}
	for _, out := range []string{"tier", "ps"} {
		body := `table r hit priority {
  type "t"
  order band "high", "low"
  in i
  row > 1 => output band ` + out + `
  row -   => output band "low"
}
`
		for _, b := range a69Backends {
			rs := a69Compile(t, body, b.opts...)
			hits, err := rs.Eval(env, a69Now)
			if err != nil || len(hits) != 1 || hits[0].Path != "row 1" {
				t.Errorf("%s, output band %s (= \"high\"): hits %s, error %v; want row 1, ranked first by band \"high\"", b.name, out, a22HitsString(hits), err)
			}
		}
	}
}

// Contract (doc.go, Errors and Numbers: a test the data can never pass
// is "a compile error ([ErrType]), not a failure of every evaluation";
// ruleset_compile.go's cellValue says the same of cells): a rule that
// compiles never fails at run time on a type error. A table ordered by
// string values over an output that is an int compiles, and then every
// evaluation that matches the row fails ("output band is 3, which is
// not in the table's order"): no int is ever in a list of strings.
//
// Mechanism: builder.order checks each order value with cellValue(v,
// nil, false), against no type, and never compares the order's values
// with the static type of the output it ranks (as cell values are
// checked against the input's type); the mismatch is found only by
// rank at run time.
func TestAdversary69_OrderOfStringsOverIntOutputCompiles(t *testing.T) {
	body := `table r hit priority {
  type "t"
  order band "high", "low"
  in i
  row > 1 => output band i
  row -   => output band "low"
}
`
	env := a69Env{I: 3}
	for _, b := range a69Backends {
		rs, err := CompileRules[a69Env]([]byte("ruleset a69 version 1\n"+body), b.opts...)
		if err != nil {
			continue // refused at compile time: what the contract asks
		}
		if _, err := rs.Eval(env, a69Now); err != nil {
			t.Errorf("%s: compiled, then failed at run time on a type error no data can avoid: %v", b.name, firstLine(err.Error()))
		}
	}
}

// Contract (rulefile doc, The language: "Within an expression, expr's
// own comments work: /* */ anywhere"; a title's {expr} is an
// expression): a comment holding a brace inside an interpolation is a
// comment. "x {s /* } */} y" is refused as "unmatched } in template",
// and "x {s /* { */} y" as "unterminated {…} in template".
//
// Mechanism: rulefile's matchBrace skips string literals but not /* */
// comments, so the brace in the comment closes (or opens) the
// interpolation.
func TestAdversary69_TemplateBraceInsideComment(t *testing.T) {
	for _, title := range []string{`x {s /* } */} y`, `x {s /* { */} y`} {
		body := "rule r {\n  type \"t\"\n  title \"" + title + "\"\n}\n"
		rs, err := CompileRules[a69Env]([]byte("ruleset a69 version 1\n" + body))
		if err != nil {
			t.Errorf("title %q: refused: %v", title, strings.TrimSpace(firstLine(err.Error())))
			continue
		}
		hits, err := rs.Eval(a69Env{S: "hello"}, a69Now)
		if err != nil || len(hits) != 1 || hits[0].Title != "x hello y" {
			t.Errorf("title %q: hits %s, error %v; want title \"x hello y\"", title, a22HitsString(hits), err)
		}
	}
}
