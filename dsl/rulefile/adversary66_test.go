package rulefile_test

// The sixty-sixth adversary's suite against rulefile.Analyze: lets of
// literals that are one value to the analysis but two to the compiled
// rule set. scope.letKey (analyze_cond.go) keys a let of a literal by the
// literal's value as a float64 (value.writeKey writes a number by its
// float64 bits), so `let a = 1` and `let a = 1.0` (an int and a float),
// and `let k = 9007199254740993` and `let k = 9007199254740992` (two ints
// that round to one float64), get one key, "literal <bits>". Every opaque
// expression over the let (reader.opaque keys it by its structure and the
// keys of the lets it reads) is then one atom, taken to hold one value in
// one evaluation, although the compiled rule computes two different
// values. Every test fails on the code it was written against and is held
// to the compiled rule set (dsl.CompileRules) by evaluation.

import (
	"testing"
	"time"
)

type a66X struct {
	N int `expr:"n"`
}

type a66Env struct {
	X *a66X `expr:"x"`
}

var a66Now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

// TestAdversary66_LetIntAndFloatLiteralEquivalentWhen: Analyze reports
// "equivalent-when" (the conditions "hold for exactly the same inputs",
// a claim the doc says is exact) for r1 and r2, yet r1 fires on every
// input and r2 on none: type(a) is "int" for `let a = 1` and "float" for
// `let a = 1.0`.
//
// Mechanism: scope.letKey keys both lets "literal <bits of 1.0>"
// (literalNode reads an IntegerNode and a FloatNode alike as a float64
// value, and writeKey drops the kind of number), so the opaque atom
// type(a) has one key in both rules; equivalentWhens groups them and
// sameWhen finds them equal on every point. exprkey keeps an int and a
// float literal apart (adversary 9), but letKey's literal key does not.
func TestAdversary66_LetIntAndFloatLiteralEquivalentWhen(t *testing.T) {
	fs, rs := analyzeCompiled[a66Env](t, "a66", `
rule r1 {
  type "t1"
  let a = 1
  when type(a) == "int"
  title "one"
}

rule r2 {
  type "t2"
  let a = 1.0
  when type(a) == "int"
  title "two"
}
`)
	f := findingOf(fs, "equivalent-when", "r2", "r1")
	if f == nil {
		return // fixed: no equivalent-when finding (letKey keys a literal as the compiler holds it)
	}
	env := a66Env{}
	r1 := tookPath(rs, env, a66Now, "r1", "")
	r2 := tookPath(rs, env, a66Now, "r2", "")
	if r1 != r2 {
		t.Errorf("Analyze: %q; but on the empty input r1 fires = %v and r2 fires = %v", f.Message, r1, r2)
	}
}

// TestAdversary66_LetIntsBeyond2p53EquivalentWhen: the same with ints. The
// doc: "A condition's comparison with a number of 2^53 or more is read as
// opaque: whether it compares as an int or a float64 depends on the
// field's type". Here the comparison is opaque, yet Analyze still claims
// "equivalent-when" for `x.n == k` with k = 2^53+1 and with k = 2^53; for
// the int field x.n = 2^53+1, r1 fires and r2 does not (a condition
// comparing two ints tells them apart, dsl doc).
//
// Mechanism: scope.letKey's "literal" key of 9007199254740993 is that of
// float64(9007199254740993) = 2^53, the key of 9007199254740992 too; the
// opaque atom `x.n == k` then has one key in both rules.
func TestAdversary66_LetIntsBeyond2p53EquivalentWhen(t *testing.T) {
	fs, rs := analyzeCompiled[a66Env](t, "a66", `
rule r1 {
  type "t1"
  let k = 9007199254740993
  when x != nil && x.n == k
  title "one"
}

rule r2 {
  type "t2"
  let k = 9007199254740992
  when x != nil && x.n == k
  title "two"
}
`)
	f := findingOf(fs, "equivalent-when", "r2", "r1")
	if f == nil {
		return // fixed: no equivalent-when finding (letKey keys a literal as the compiler holds it)
	}
	env := a66Env{X: &a66X{N: 9007199254740993}}
	r1 := tookPath(rs, env, a66Now, "r1", "")
	r2 := tookPath(rs, env, a66Now, "r2", "")
	if r1 != r2 {
		t.Errorf("Analyze: %q; but at x.n = 9007199254740993 r1 fires = %v and r2 fires = %v", f.Message, r1, r2)
	}
}

// TestAdversary66_ShadowedLetLiteralUnreachableBranch: within one rule, a
// branch's let of 1.0 hides the rule's let of 1 (the compiler allows it,
// and reads the branch's conditions below it with the branch's let).
// Analyze says branch 1/branch 1 "can never be taken: no input has when
// type(a) == "int" and true and type(a) == "float"" — the doc: "a branch
// or row is unreachable only when no input at all reaches it" — yet the
// compiled rule takes it on every input: the when's a is the int 1, the
// inner condition's a the float 1.0.
//
// Mechanism: as above, scope.with/letKey gives the inner let the same
// "literal" key as the outer one, so reader.opaque keys both type(a) as
// one atom, which cannot be "int" and "float" at once.
func TestAdversary66_ShadowedLetLiteralUnreachableBranch(t *testing.T) {
	fs, rs := analyzeCompiled[a66Env](t, "a66", `
rule r {
  type "t"
  title "x"
  let a = 1
  when type(a) == "int"
  branch true {
    let a = 1.0
    branch type(a) == "float" {
      title "float"
    }
    else {
      title "else"
    }
  }
}
`)
	f := findingOf(fs, "unreachable-branch", "r", "branch 1/branch 1")
	if f == nil {
		return // fixed: no unreachable-branch finding (letKey keys a literal as the compiler holds it)
	}
	if tookPath(rs, a66Env{}, a66Now, "r", "branch 1/branch 1") {
		t.Errorf("Analyze: %q; but the empty input takes branch 1/branch 1", f.Message)
	}
}
