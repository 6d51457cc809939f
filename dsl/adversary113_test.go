package dsl

// The hundred-and-thirteenth adversary's suite: today's rewrites
// (findLast/findLastIndex as a forward search with __list, __fit for the
// narrow parameters of methods, literalNumber) and how they meet the rest
// (computed arguments, Explain's text, the budgets).

import (
	"strings"
	"testing"
)

type a113Env struct {
	C   a111Count   `expr:"c"`
	PC  *a111Count  `expr:"pc"`
	Cs  []a111Count `expr:"cs"`
	N   int         `expr:"n"`
	F   float64     `expr:"f"`
	Xs  []int       `expr:"xs"`
	Big []int       `expr:"big"`
}

func a113Env0() a113Env {
	c := a111Count(4)
	big := make([]int, 5000)
	for i := range big {
		big[i] = i
	}
	return a113Env{C: 4, PC: &c, Cs: []a111Count{1, 2, 3}, N: 300, F: 0.5, Xs: []int{3, 1, 2}, Big: big}
}

// Contract (doc.go): nothing panics out of the library and no error
// message carries a Go stack trace; a type error is a compile error only
// where it fails whatever the data; a number given to a narrower
// parameter of a method must fit it, checked when the rule runs
// (ErrOverflow) for a value known only then.
//
// Observed: with n = 300, `c.Scale(n - 200) == 400` (c.Scale(k int8);
// n - 200 is 100, which fits) does not compile, on both backends: "rule r,
// when: 4:8: constant 200 overflows int8" followed by expr's goroutine
// stack (runtime/debug.Stack, compiler.(*compiler).IntegerNode, ...), and
// placed at the call (4:8), not the literal. Same for
// `c.Sum(n - 299, n - 200)` (variadic) and `c.Scale(int(f) - 129)`.
// c.Scale(n / 3) works (3 fits an int8).
//
// Mechanism (guess): expr's checker typed the call's argument subtree
// against the int8 parameter on its first check, so the literal 200
// inside `n - 200` is an IntegerNode typed int8; fitMethodArguments
// (numbers.go) only re-creates a literal that is the whole argument
// (literalNumber), so a literal nested in a computed argument keeps its
// int8 type under __fit and expr's compiler panics converting 200 to int8
// (compiler.go IntegerNode), the panic text and stack becoming the
// message.
func TestAdversary113MethodLiteralInsideComputedArgument(t *testing.T) {
	env := a113Env0()
	for _, w := range []string{`c.Scale(n - 200) == 400`, `c.Sum(n - 299, n - 200) == 105`, `pc?.Scale(n - 200) == 400`} {
		for i, r := range a93Check(t, a22When(w), env, a111Opts...) {
			if r.compileErr != nil {
				msg := r.compileErr.Error()
				t.Errorf("%s: %s: compile error %q (stack trace in message: %v); want it to compile and fire", a22Names[i], w, firstLine(msg), strings.Contains(msg, "goroutine ") || strings.Contains(msg, "runtime/debug"))
				continue
			}
			if r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: %s = %s; want one hit", a22Names[i], w, r)
			}
		}
	}
}

// Contract (doc.go): errors are typed and placed, and say which argument
// of which call failed (a host function's: "f: argument 2 is ...").
//
// Observed: with n = 300, `c.Sum(1, n) == 1` fails (rightly, ErrOverflow)
// with "method: argument 1 is 300, which a int8 does not hold" on both
// backends, though the value that does not fit is the second argument
// (the caret does point at n). Neither the method's name (Sum) nor the
// argument's position is right.
//
// Mechanism: numbers.go, fitValue calls convertValue("method", 1, ...)
// with a fixed name and position for every __fit it is given; the
// argument index i known in fitMethodArguments is not passed into __fit.
func TestAdversary113FitErrorNamesWrongArgument(t *testing.T) {
	env := a113Env0()
	for _, w := range []string{`c.Sum(1, n) == 1`, `pc?.Sum(-1, n) == 3`} {
		for i, r := range a93Check(t, a22When(w), env, a111Opts...) {
			if r.err == nil {
				t.Errorf("%s: %s = %s; want ErrOverflow", a22Names[i], w, r)
				continue
			}
			msg := firstLine(r.err.Error())
			if !strings.Contains(msg, "argument 2") || !strings.Contains(msg, "Sum") {
				t.Errorf("%s: %s: error %q; want it to name Sum and argument 2 (n = 300), not argument 1", a22Names[i], w, msg)
			}
		}
	}
}

// Contract (doc.go): Explain agrees with Eval and shows the author's
// text of each sub-expression.
//
// Observed: Explain of `findLast(cs, # > 1).Ratio(0.5) == 1.5` (and of
// `first(cs).Scale(2) == 2`, `find(cs, # > 1).Scale(2) == 8`) lists the
// method call as "findLast(0.5) → 1.5" ("first(2) → 2", "find(2) → 4"):
// the built-in's name with the method's arguments, a call the author never
// wrote; the receiver's list and predicate and the method's name are gone.
// c.Scale(n / 3) and cs[0].Scale(-1) are shown as written.
//
// Mechanism (guess): the method on a computed receiver is rewritten
// (computed_receiver.go, a let of __recvN) and the rewritten call is
// placed at the built-in's location; Explain's text for the node is
// rebuilt from the callee's name and the call's arguments instead of the
// source span of the author's call.
func TestAdversary113ExplainMethodOnBuiltinResult(t *testing.T) {
	env := a113Env0()
	for _, c := range []struct{ when, bad string }{
		{`findLast(cs, # > 1).Ratio(0.5) == 1.5`, "findLast(0.5)"},
		{`first(cs).Scale(2) == 2`, "first(2)"},
		{`find(cs, # > 1).Scale(2) == 8`, "find(2)"},
	} {
		for i, r := range a93Check(t, a22When(c.when), env, a111Opts...) {
			x := r.explain["r"]
			if x == nil {
				t.Errorf("%s: %s: no explanation: %s", a22Names[i], c.when, r)
				continue
			}
			if s := x.String(); strings.Contains(s, c.bad) {
				t.Errorf("%s: Explain of %s shows %q, a call the rule does not make:\n%s", a22Names[i], c.when, c.bad, s)
			}
		}
	}
}

// Contract (doc.go, Limits): "every element a predicate ... visits is a
// step", and the memory budget is what the rule builds; find_last.go:
// the rewrite "tries the same elements in the same order and stops at the
// same one" as findLast.
//
// Observed: with big a host list of 5000 ints, `findLast(big, # >= 0) ==
// 4999` visits one element, yet fails under MemoryBudget 2000 and
// MaxSteps 100 ("over the limit of 2000 units of memory"), on both
// backends, where `find(big, # >= 0) == 0` and
// `findIndex(big, # >= 0) == 0` pass under the same limits. A rule that
// takes the last element of a large host list is refused for work it
// never asked for; with no match findLast costs about three times find's
// steps (find over 5000 passes MaxSteps 6000, findLast fails).
//
// Mechanism: find_last.go writes findLast(xs, p) as
// find(reverse(0..len(xs)-1), p'): the range and its reverse are two
// lists of len(xs) ints built and walked before the first element is
// tried, charged as steps and memory, proportional to the list, not to
// the elements visited.
func TestAdversary113FindLastChargesUnvisitedElements(t *testing.T) {
	t.Skip("documented (doc.go): findLast and findLastIndex cost the list's length, the indices they search from the last; open in session 16's note")
	env := a113Env0()
	lim := WithLimits(Limits{MemoryBudget: 2000, MaxSteps: 100})
	for _, w := range []string{`find(big, # >= 0) == 0`, `findLast(big, # >= 0) == 4999`, `findLastIndex(big, # >= 0) == 4999`} {
		for i, o := range [][]Option{{lim}, {lim, exprOnly}} {
			r := a93Run(a22When(w), env, append(o, a111Opts...)...)
			if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: %s under MemoryBudget 2000, MaxSteps 100 = %s; want one hit (one element visited, nothing built)", a22Names[i], w, r)
			}
		}
	}
}
