package dsl

// The forty-first adversary's suite: the compile's cap on errors
// (MaxCompileErrors, joinCapped), the evidence computed once per rule
// decision (ruleset_eval.go appendHit), table cells against values whose
// type is known only when evaluated (cells.go), and keys/values in the
// order of a map's keys (registry.go compareKeys). Each test fails on the
// code it was written against and demonstrates one defect. It reuses the
// harness of adversary22_helpers_test.go.

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Promise broken: errors.go, "Kinds match sentinels under errors.Is" and
// each Kind's sentinel names what the error is (KindSyntax: "a malformed
// expression or rule file"); doc.go # Errors: a compile reports "one
// error per mistake ([MaxCompileErrors] at most)". joinCapped appends its
// summary ("and N more errors, not reported") as an *Error of KindSyntax
// whatever the errors it stands for, so a well-formed file whose 105
// mistakes are all type errors matches ErrSyntax: a host telling a
// malformed file from a mistyped one by errors.Is is told it is malformed.
//
// Observed: errors.Is(err, ErrSyntax) true, the summary's Kind syntax;
// expected no syntax error from a file with none.
func TestAdversary41_CappedTypeErrorsMatchErrSyntax(t *testing.T) {
	var b strings.Builder
	b.WriteString("ruleset x version 1\n")
	for i := range MaxCompileErrors + 5 {
		fmt.Fprintf(&b, "rule r%d {\n  type \"t\"\n  when s > 1\n}\n", i)
	}
	_, err := CompileRules[a22Env]([]byte(b.String()))
	errs := Errors(err)
	if len(errs) == 0 {
		t.Fatalf("compiled: %v", err)
	}
	for _, e := range errs[:min(len(errs), MaxCompileErrors)] {
		if e.Kind != KindType {
			t.Fatalf("premise: every reported mistake is a type error; got %v: %v", e.Kind, e)
		}
	}
	if errors.Is(err, ErrSyntax) {
		last := errs[len(errs)-1]
		t.Errorf("%d rules whose only mistake is `when s > 1` (a type error): the compile's error matches ErrSyntax, through %q of kind %v",
			MaxCompileErrors+5, last.Msg, last.Kind)
	}
}

// Promise broken: MaxCompileErrors, "the most errors a compile reports
// ...; one more says how many were left out ... so the messages of a
// hostile file stay a small multiple of its size". joinCapped counts the
// entries of the builder's list, but one expression's compile adds its
// errors as one entry, an errors.Join (frontend.go: rw.errs, in.errs): a
// single `when` naming 300 unknown fields reports 300 errors, and a file
// of many such statements reports 100 times as many as the cap, with no
// summary.
//
// Observed: 300 errors from one statement; expected at most
// MaxCompileErrors and the summary.
func TestAdversary41_OneStatementsErrorsPassTheCap(t *testing.T) {
	var parts []string
	for i := range 300 {
		parts = append(parts, fmt.Sprintf("nope%d == 1", i))
	}
	src := "ruleset x version 1\nrule r {\n  type \"t\"\n  when " + strings.Join(parts, " || ") + "\n}\n"
	_, err := CompileRules[a22Env]([]byte(src))
	if n := len(Errors(err)); n > MaxCompileErrors+1 {
		t.Errorf("one when naming 300 unknown fields: the compile reports %d errors; MaxCompileErrors is %d", n, MaxCompileErrors)
	}
}

// Promise broken: MaxCompileErrors, "the most errors a compile reports,
// as the rule-file parser's; one more says how many were left out"; the
// doc's Errors: "A compile reports all its problems at once". When the
// rule file does not parse, CompileRules reports what the parser kept,
// and the parser stops recording at 100 errors without a word
// (fileParser.errorf): the mistakes past the hundredth are lost, and
// nothing says so, where a compile's own errors past the cap end in "and
// N more errors, not reported".
//
// Input: 150 lines of an unknown statement. Observed: 100 errors, none
// saying that 50 were left out.
func TestAdversary41_ParseErrorsPastTheCapLeftOutSilently(t *testing.T) {
	src := "ruleset x version 1\nrule r {\n  type \"t\"\n" + strings.Repeat("  bogus 1\n", 150) + "}\n"
	_, err := CompileRules[a22Env]([]byte(src))
	errs := Errors(err)
	said := false
	for _, e := range errs {
		if strings.Contains(e.Msg, "more") || strings.Contains(e.Msg, "not reported") {
			said = true
		}
	}
	if len(errs) < 150 && !said {
		t.Errorf("150 unknown statements: CompileRules reports %d errors and nothing says that %d were left out", len(errs), 150-len(errs))
	}
}

// Promise broken: Hit's doc, "Hits are plain data owned by the caller";
// the thirty-fourth adversary's fix computes a rule's evidence once per
// decision and gives its other hits "a copy" (appendHit: slices.Clone of
// the cached evidence). The clone is of the []Binding only: the values
// inside, a list or map a let builds, are the same for every hit of a
// collect table, where each hit's evidence was computed apart before. A
// caller redacting or editing one hit's evidence edits the other hits'.
//
// Observed: after hits[1]'s let values are changed, hits[0]'s evidence
// reads the changes; expected hits[0] untouched (its outputs, computed per
// row, are not shared).
func TestAdversary41_CollectHitsShareEvidenceValues(t *testing.T) {
	body := "table tb hit collect {\n  type \"t\"\n  let ys = map(xs, # * 2)\n  let mo = {\"a\": i}\n  in i\n" +
		"  row - => output k 1\n  row - => output k 2\n}\n"
	for i, opts := range [][]Option{{a22Limits}, {a22Limits, exprOnly}} {
		rs, err := CompileRules[a22Env]([]byte("ruleset a41 version 1\n"+body), opts...)
		if err != nil {
			t.Fatal(err)
		}
		hits, err := rs.Eval(a22Env0(), a22Now)
		if err != nil || len(hits) != 2 || len(hits[0].Evidence) != 2 || len(hits[1].Evidence) != 2 {
			t.Fatalf("%s: %s, %v; want two hits with two lets each", a22Names[i], a22HitsString(hits), err)
		}
		before := fmt.Sprint(hits[0].Evidence)
		if l, ok := hits[1].Evidence[0].Value.([]any); ok && len(l) > 0 {
			l[0] = "edited"
		}
		if m, ok := hits[1].Evidence[1].Value.(map[string]any); ok {
			m["a"] = "edited"
		}
		if after := fmt.Sprint(hits[0].Evidence); after != before {
			t.Errorf("%s: editing the evidence of hit 2 (row 2) changed hit 1's: %s became %s", a22Names[i], before, after)
		}
	}
}

// Promise broken: cellComparable's doc, an input whose type is an
// interface is "known when evaluated: cellTest.match fails on a
// mismatch"; cellTest.match, "A value of a type the test cannot compare
// with is an error, never a silent false"; the thirty-sixth adversary's
// fix, "a Duration input's cells are durations, not numbers", as a
// condition compares them. With a static input type, a Duration is now
// refused against a number; behind an interface (an `any` field, a
// map[string]any's value) the cell compares the duration's nanoseconds
// with the number (number() reads any int64 kind), silently.
//
// Input: any = 1s; the condition `any > 5` fails ("invalid operation:
// time.Duration > int"), and `any == 1000000000` is false. Observed: a
// table over any with a row `> 5`, or a row `== 1000000000`, takes that
// row; expected an evaluation error, as the condition gives.
func TestAdversary41_DurationBehindInterfaceCellIsANumber(t *testing.T) {
	env := a22Env0()
	env.Any = time.Second
	for i, r := range a22Backends(a22When("any > 5"), env) {
		if r.compileErr != nil || r.err == nil {
			t.Fatalf("premise: the condition any > 5 over a Duration fails when evaluated; %s: %v", a22Names[i], r)
		}
	}
	for _, row := range []string{"> 5", "== 1000000000", "[0..2000000000]"} {
		body := "table tb hit first {\n  type \"t\"\n  in any\n  row " + row + " => output k 1\n  row - => output k 2\n}\n"
		for i, r := range a22Backends(body, env) {
			if r.panicked != "" || r.compileErr != nil {
				t.Fatalf("%s: %v", a22Names[i], r)
			}
			if r.err == nil && len(r.hits) == 1 && r.hits[0].Path == "row 1" {
				t.Errorf("%s: table over any = 1s (a time.Duration), row %s: takes row 1 with no error; want an evaluation error, as the condition any > 5 gives",
					a22Names[i], row)
			}
		}
	}
}

type a41Env struct {
	M map[int]string `expr:"m"`
}

// Promise broken: compareKeys's doc, keys order "the numbers (by value,
// NaN last, then by type)", and the thirty-sixth adversary's fix, "keys
// and values sort a map's entries in a total order (... numbers by
// value ...)". Numbers are compared as float64: two ints within one ulp
// above 2^53 tie, and the tie is broken by the keys' texts, compared as
// strings, where "int(10000000000000000)" comes before
// "int(9999999999999999)".
//
// Input: map[int]string{9999999999999999: "a", 10000000000000000: "b"}.
// Observed: keys(m) is [10000000000000000 9999999999999999], and
// keys(m)[0] < keys(m)[1] is false; expected the smaller key first.
func TestAdversary41_KeysOfLargeIntsNotByValue(t *testing.T) {
	src := "ruleset a41 version 1\nrule r {\n  type \"t\"\n  output k keys(m)\n  output v values(m)\n  output ordered keys(m)[0] < keys(m)[1]\n}\n"
	env := a41Env{M: map[int]string{9999999999999999: "a", 10000000000000000: "b"}}
	for i, opts := range [][]Option{nil, {exprOnly}} {
		rs, err := CompileRules[a41Env]([]byte(src), opts...)
		if err != nil {
			t.Fatal(err)
		}
		hits, err := rs.Eval(env, a22Now)
		if err != nil || len(hits) != 1 {
			t.Fatalf("%s: %v, %v", a22Names[i], hits, err)
		}
		out := hits[0].Outputs
		want := []any{9999999999999999, 10000000000000000}
		if !reflect.DeepEqual(out["k"], want) || out["ordered"] != true {
			t.Errorf("%s: keys(m) = %v, values(m) = %v, keys(m)[0] < keys(m)[1] is %v; want keys by value, %v",
				a22Names[i], out["k"], out["v"], out["ordered"], want)
		}
	}
}
