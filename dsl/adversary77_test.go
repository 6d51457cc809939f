package dsl

import (
	"regexp/syntax"
	"strings"
	"testing"
	"time"
)

type a77Env struct {
	S string `expr:"s"`
}

// Contract (regex_size.go, maxPatternSize/patternSize; commit 8d7dad8):
// "a regular expression is measured by what it expands to ... a constant
// one over 65,536 instructions [of its compiled program] is a compile
// error". Input: `s matches "<[a-z]{1000} written 33 times>"` (363 bytes),
// whose compiled program (syntax.Compile of its Simplify, as regexp
// does) has 33,002 instructions, half the bound. Observed: compile error
// "the regular expression expands to over 65536 instructions".
// Mechanism: regexpSize adds one for every node on top of its operands
// (min(n+1, over)), so a repeated leaf (a char class, a one-rune
// literal) is counted twice per copy: x{1000} is 2,001, not ~1,000; the
// estimate is up to twice the program and refuses legitimate patterns
// between 32,768 and 65,536 instructions (the run-time walkPattern charge
// is doubled alike).
func TestAdversary77_PatternSizeDoubleCounts(t *testing.T) {
	for _, pattern := range []string{strings.Repeat("[a-z]{1000}", 33), strings.Repeat("a{1000}", 33)} {
		re, err := syntax.Parse(pattern, syntax.Perl)
		if err != nil {
			t.Fatalf("premise: %v", err)
		}
		prog, err := syntax.Compile(re.Simplify())
		if err != nil {
			t.Fatalf("premise: %v", err)
		}
		if len(prog.Inst) > maxPatternSize {
			t.Fatalf("premise: the program has %d instructions", len(prog.Inst))
		}
		src := `s matches "` + pattern + `"`
		e, err := Compile[a77Env, bool](src)
		if err != nil {
			t.Errorf("a pattern of %d instructions (bound %d) is refused: %v", len(prog.Inst), maxPatternSize, err)
			continue
		}
		if _, err := e.Eval(a77Env{S: "abc"}, time.Unix(0, 0)); err != nil {
			t.Errorf("eval: %v", err)
		}
	}
}
