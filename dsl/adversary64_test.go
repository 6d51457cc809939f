package dsl

// The sixty-fourth adversary: reduce's #acc typed as it runs
// (accumulator.go), and the scopes of the arguments of expr's predicate
// built-ins. Each test is a minimal reproduction that fails on the code
// it was written against.

import (
	"errors"
	"strings"
	"testing"
	"time"
)

type a64Holding struct {
	V int `expr:"value"`
}

type a64Env struct {
	Xs   []int        `expr:"xs"`
	Fs   []float64    `expr:"fs"`
	Ss   []string     `expr:"ss"`
	Xss  [][]int      `expr:"xss"`
	Hv   []a64Holding `expr:"hv"`
	Best a64Holding   `expr:"best"`
}

func a64Env0() a64Env {
	return a64Env{
		Xs: []int{1, 2, 3}, Fs: []float64{0.5, 1}, Ss: []string{"desc"},
		Xss: [][]int{{1, 2}, {3}},
		Hv:  []a64Holding{{V: 1}, {V: 2}}, Best: a64Holding{V: 0},
	}
}

// a64CompiledNeverFailsOnType holds src to the package's promise for
// untrusted rules: a rule that compiles never fails at run time on a type
// error; a step that fails whatever the data is a compile error (ErrType).
// It runs src with the closures and with expr alone.
func a64CompiledNeverFailsOnType(t *testing.T, src string, env a64Env) {
	t.Helper()
	for i, opts := range [][]Option{nil, {exprOnly}} {
		c, err := Compile[a64Env, bool](src, opts...)
		if err != nil {
			if !errors.Is(err, ErrType) {
				t.Errorf("%s: %s: compile error of the wrong kind: %v", a22Names[i], src, err)
			}
			continue // refused at compile time: the contract holds
		}
		if _, err := c.Eval(env, time.Time{}); err != nil {
			t.Errorf("%s: %s compiles, then fails on every input of this shape: %v", a22Names[i], src, err)
		}
	}
}

// TestAdversary64_NestedReduceInitReadsOwnAcc: a reduce nested in another's
// step whose initial value is the outer accumulator (the natural way to
// thread a running total through a list of lists) compiles: the checker,
// and accumulator.go's accReads, read the inner reduce's initial value in
// the enclosing scope, so #acc there is the outer's (typed int). expr's
// compiler evaluates that initial value after OpBegin, in the inner
// reduce's own scope, where #acc is still nil. So the rule fails every
// evaluation with a non-empty inner list: "invalid operation: <nil> + int".
// Contract: a rule that compiles never fails at run time on a type error
// (doc.go, Numbers: "#acc is typed as it runs"); it should be 6, or a
// compile error.
// Mechanism: expr compiler.BuiltinNode "reduce" (init compiled inside the
// new scope) vs checker/accReads (init in the outer scope); dsl does not
// reconcile the two (accumulator.go accReads, frontend.go).
func TestAdversary64_NestedReduceInitReadsOwnAcc(t *testing.T) {
	a64CompiledNeverFailsOnType(t, `reduce(xss, reduce(#, #acc + #, #acc), 0) == 6`, a64Env0())
}

// TestAdversary64_NestedReduceInitFalseRefusal: the other face of the same
// scope mismatch, a false refusal made by the new typing. The inner
// reduce's initial value #acc is, at run time, the inner reduce's own
// accumulator before it is set (nil), so the inner step's `#acc == nil ? #
// : #acc + #` adds ints to ints and the rule runs on every input (true for
// xs empty or not). accumulator.go types that #acc as the outer one's
// initial value, a string, and refuses `"" + int`.
// Contract: only a step that fails whatever the data is a compile error; a
// refused rule that would have run is a false refusal, rules staff cannot
// write. Mechanism: accumulator.go accReads (walks a nested reduce's
// Arguments[2] as the outer's step) with typeAccumulators.
func TestAdversary64_NestedReduceInitFalseRefusal(t *testing.T) {
	// The contract since the fix (scopes.go): # and #acc cannot be read in
	// a reduce's initial value, which runs in the reduce's own scope
	// before its first element, whatever it would give there. The rule is
	// refused for that reason, not as a step that cannot take a string
	// (the false refusal this test found): the error names the initial
	// value.
	src := `reduce(xs, reduce(xs, #acc == nil ? # : #acc + #, #acc), "") != nil`
	for i, opts := range [][]Option{nil, {exprOnly}} {
		_, err := Compile[a64Env, bool](src, opts...)
		if !errors.Is(err, ErrType) || !strings.Contains(err.Error(), "initial value, which runs in reduce's own scope") || strings.Contains(err.Error(), "string") {
			t.Errorf("%s: %s: %v, want the type error of #acc read in the initial value", a22Names[i], src, err)
		}
	}
}

// TestAdversary64_SortByOrderFromEnclosingPredicate: sortBy's order
// argument, written with the enclosing predicate's element (the order is
// per element of ss), type-checks as a string in the enclosing scope, but
// expr's compiler evaluates it after sortBy's OpBegin, where # is sortBy's
// own first element (an int: "sortBy order argument must be a string"; on
// an empty list, "reflect: call of reflect.Value.Index on zero Value", a
// recovered reflect panic). The rule compiles and fails on every non-empty
// ss.
// Contract: a rule that compiles never fails at run time on a type error.
// Mechanism: expr compiler.BuiltinNode "sortBy" compiles Arguments[2]
// inside the new scope; the dsl neither refuses # / #acc / #index there
// nor evaluates it outside (registry.go / instrument.go).
func TestAdversary64_SortByOrderFromEnclosingPredicate(t *testing.T) {
	a64CompiledNeverFailsOnType(t, `all(ss, sortBy(xs, #, #)[0] == 3)`, a64Env0())
}

// TestAdversary64_AccSettledBeforeInnerTyped: `reduce(xs, #acc % 2 + 0.5,
// 0)` is refused (accumulator_test.go: #acc becomes a float64 after one
// step, and float64 % int fails). Give the same 0.5 through a reduce whose
// own initial value is a reduce, and the rule compiles, then fails on
// every list of two or more: "invalid operation: float64 % int".
// In round 0 the middle reduce's start is unknown, so the outer step's
// type is unknown and the outer accumulator is marked done with int; in
// round 1 the step is a float64, but a done accumulator is never advanced.
// Contract: doc.go, Numbers: "#acc is typed as it runs ... then as what
// the step gives", a step that cannot take it is ErrType.
// Mechanism: accumulator.go typeAccumulators (next == nil ⇒ done).
func TestAdversary64_AccSettledBeforeInnerTyped(t *testing.T) {
	a64CompiledNeverFailsOnType(t,
		`reduce(xs, #acc % 2 + reduce(fs, #acc + #, reduce(fs, #acc + #, 0.5)), 0) > 0`, a64Env0())
}

// TestAdversary64_AccRoundsExhausted: a reduce whose initial value is a
// chain of reduces (what a chain of lets, each folding onto the one before,
// inlines to) is typed one round per link; after maxAccumulatorRounds (6)
// the outer reduce is never typed, and `"" + 1` compiles: every evaluation
// over a non-empty xs fails with "invalid operation: string + int". With
// five links it is refused, as doc.go's own example
// reduce(xs, #acc + #, "") is.
// Contract: doc.go, Numbers (reduce(xs, #acc + #, "") over numbers is
// refused as "" + 1 is). Mechanism: accumulator.go typeAccumulators (the
// round budget is shared by all reduces and an accumulator not started
// when it runs out is left unchecked, silently).
func TestAdversary64_AccRoundsExhausted(t *testing.T) {
	const links = 6
	src := `reduce(xs, #acc + #, ` + strings.Repeat(`reduce(ss, #acc + #, `, links) + `""` + strings.Repeat(")", links) + `) != nil`
	a64CompiledNeverFailsOnType(t, src, a64Env0())
}

// TestAdversary64_StructAccumulatorUntyped: the accumulator of a host
// struct (the best holding so far) is never typed, so a step reading a
// field the struct does not have compiles and fails on every non-empty
// list ("cannot fetch valeu from dsl.a64Holding"), whatever the data.
// accumulator.go names exactly this mistake ("a field of a struct that has
// none") as what the typing exists to catch, and doc.go promises without
// restriction that a reduce whose step cannot take what #acc holds is a
// compile error; the same field misspelt on # is refused.
// Mechanism: accumulator.go accumulatorType (only bool, int, float64,
// string, time.Time, time.Duration are given to #acc).
func TestAdversary64_StructAccumulatorUntyped(t *testing.T) {
	a64CompiledNeverFailsOnType(t, `reduce(hv, #.value > #acc.valeu ? # : #acc, best).value > 0`, a64Env0())
}
