package dsl

// The hundred-and-eighth adversary's suite: expr's findLast and
// findLastIndex leaving their loop test on the VM's stack; + on a host's
// named string uncharged; in with a host's named integer that keeps its
// type; a duration's Round given a *time.Duration; an order of a pointer
// to a named string behind an any; UnixMilli of a far date; in over a list
// the rule builds of a named string that keeps its type.

import (
	"errors"
	"strings"
	"testing"
)

// Contract (doc.go, Built-ins and Design): expr's own built-ins (find,
// findLast, findLastIndex, …) are available; the closures are held to
// expr, Explain to Eval; a result is the value the expression means.
//
// Broken: a comparison whose RIGHT operand is findLast(...) or
// findLastIndex(...) compares the wrong value: with nothing but literals,
// `3 == findLast([3], true)` is false and `3 != findLast([3], true)` is
// true (no error, both backends, Explain agreeing), while
// `findLast([3], true) == 3` is true. `0 == findLastIndex([3], true)` and
// `i < findLast([5], true)` fail every evaluation ("interface conversion:
// interface {} is bool, not int", "invalid operation: bool < int");
// `findLast([d], true).Abs()` fails with "the receiver is string". find
// and findIndex are right in the same places.
//
// Mechanism (guess): expr v1.17.8 compiler.emitLoopBackwards (used only by
// findLast and findLastIndex) leaves the loop test's bool (index >= 0) on
// the VM's stack, as OpJumpIfFalse does not pop it; an operator or call
// that takes findLast's value with an operand pushed before it pops that
// bool in place of its left operand. The library compiles such built-ins
// to expr (the closures fall back to it), and date_step.go's __dmethod
// (d.Abs() as __dmethod(d, "Abs", d)) pushes the receiver twice, so it
// trips on it too. Rewriting findLast/findLastIndex (e.g. to a let, or to
// the library's own built-in) before compiling would avoid it.
func TestAdversary108FindLastShiftsOperands(t *testing.T) {
	a107Want(t, 1, []string{
		`findLast([3], true) == 3`, // control: decides
		`3 == find([3], true)`,     // control: decides
		`3 == findLast([3], true)`,
		`i == findLast([1, 3], # > 2)`,
		`0 == findLastIndex([3], true)`,
		`!(3 != findLast([3], true))`,
		`i >= findLast([3], true)`,
		`findLast([d], true).Abs() == d`,
	}, "findLast of [3] is 3, its index 0; i is 3; |d| is d")
	a107Want(t, 0, []string{`3 != findLast([3], true)`}, "3 equals findLast([3], true)")
}

// Contract (doc.go, Untrusted rules; options.go, Limits.MemoryBudget):
// "the memory it builds (… strings …)": "+ on strings charge[s] what [it
// builds] to the evaluation's memory budget before [it builds] it".
//
// Broken: + with a host's named string that keeps its type (Label, whose
// methods rules call) or with a named string behind an any (m.l) is not
// charged at all. Under MemoryBudget 10,000 units (160 KB),
// `len(reduce(1..2000, #acc + s, "")) > 0` (s a string) fails with
// ErrLimit, but `len(reduce(1..2000, #acc + label, "")) > 0` allocates
// about 8.5 MB and fires, both backends; so does #acc + m.l. With a host
// label of a few KB, map(1..n, label + "x") holds n copies, uncharged.
//
// Mechanism (guess): registry.go's __concat asserts args[0].(string) and
// args[1].(string); a Label (or an any holding one) is neither, so it goes
// to arithAny (expr's addition), which charges nothing.
func TestAdversary108ConcatOfNamedStringUncharged(t *testing.T) {
	opts := append([]Option{WithLimits(Limits{MemoryBudget: 10_000, MaxSteps: 100_000})}, a107Methods...)
	for _, c := range []struct {
		when    string
		control bool
	}{
		{`len(reduce(1..2000, #acc + s, "")) > 0`, true},
		{`len(reduce(1..2000, #acc + label, "")) > 0`, false},
		{`len(reduce(1..2000, label + #acc, "")) > 0`, false},
		{`len(reduce(1..2000, #acc + m.l, "")) > 0`, false},
		{`len(reduce(1..2000, #acc + (flag ? label : "x"), "")) > 0`, false},
	} {
		for i, o := range [][]Option{opts, append(opts, exprOnly)} {
			rs, err := CompileRules[a107Env]([]byte("ruleset a108 version 1\n"+a22When(c.when)), o...)
			if err != nil {
				t.Errorf("%s: %s: compile: %v", a22Names[i], c.when, err)
				continue
			}
			hits, err := rs.Eval(a107Env0(), a22Now)
			if !errors.Is(err, ErrLimit) {
				t.Errorf("%s: %s: %d hit(s), error %v; want ErrLimit: it builds strings of 4 to 8,000 bytes 2,000 times (some 8 MB) under a 160 KB budget", a22Names[i], c.when, len(hits), err)
			}
		}
	}
}

type a108Count int64

func (c a108Count) Double() a108Count { return c * 2 }

type a108Env struct {
	C  a108Count      `expr:"c"`
	Cs []a108Count    `expr:"cs"`
	PC *a108Count     `expr:"pc"`
	M  map[string]any `expr:"m"`
	I  int            `expr:"i"`
}

func a108Env0() a108Env {
	c := a108Count(5)
	return a108Env{C: c, Cs: []a108Count{5, 1}, PC: &c, M: map[string]any{"c": c}, I: 3}
}

// Contract (doc.go, NaN and nil; Numbers): a comparison (==, !=, <, …, in)
// decides as it reads; a host's number type whose methods rules call
// keeps its type (so arithmetic on it is refused at compile time, by
// design) — but what compiles must decide right, and a comparison that
// cannot decide whatever the data is a compile error.
//
// Broken: with Count an int64 type whose method Double is registered,
// c = 5 and cs = [5, 1], `c == cs[0]` fires but `c in cs`, `c in [c]`,
// `cs[1] in cs` and `c.Double() in [c.Double()]` are false, and
// `c not in cs` fires, with no error, both backends, Explain agreeing: a
// kept named integer is in no list, not even [itself]. (A kept named
// float, time.Duration and time.Month are found.)
//
// Mechanism (guess): the two sides of in are read differently: numbers.go
// mapList maps in's list only where numberKind of its element is non-zero
// or it is kept text (a kept named integer is neither, so the elements
// stay Count), while the needle is read as a plain int somewhere on the
// in path (the NaN/nil guard of in's operand, instrument.go, or __num);
// expr's runtime.In then compares int 5 with Count(5) through
// runtime.Equal, whose type switch has no case for them and falls to
// reflect.DeepEqual, which finds them unequal. (expr alone would find
// Count(5) in []Count{5}: DeepEqual of equal Counts is true.)
func TestAdversary108KeptNamedIntegerNeverIn(t *testing.T) {
	opts := []Option{WithMethods[a108Count]("Double")}
	for _, c := range []struct {
		when string
		hits int
	}{
		{`c == cs[0] && c == c`, 1}, // control
		{`c in cs`, 1},
		{`c in [c]`, 1},
		{`cs[1] in cs`, 1},
		{`c.Double() in [c.Double()]`, 1},
		{`pc in cs`, 1},
		{`c not in cs`, 0},
	} {
		for i, r := range a93Check(t, a22When(c.when), a108Env0(), opts...) {
			if r.compileErr != nil {
				if c.hits == 1 && errors.Is(r.compileErr, ErrType) && !strings.Contains(c.when, "==") {
					continue // refused at compile time: acceptable, never a wrong answer
				}
				t.Errorf("%s: %s: %v", a22Names[i], c.when, r.compileErr)
				continue
			}
			if r.err != nil || len(r.hits) != c.hits {
				t.Errorf("%s: %s with c = 5, cs = [5, 1]: %s; want %d hit(s)", a22Names[i], c.when, r, c.hits)
			}
		}
	}
}

// Contract (doc.go, Errors; Numbers): "Types are checked at compile time"
// — a rule that fails whatever the data is a compile error; a pointer to a
// duration is read as the duration (*time.Duration arithmetic, Abs and
// Round through a pointer).
//
// Broken: `d.Round(pd) == d` and `pd.Round(pd) == d` (pd a
// *time.Duration, set) compile and fail every evaluation: "a duration's
// Round: the multiple is *time.Duration, want a duration" (both
// backends). `d.Truncate(pd) == d` decides: expr reads the pointer.
//
// Mechanism (guess): date_step.go durationMethod reads its receiver
// through a pointer but asserts args[2].(time.Duration) for Round's
// multiple; boundTimeCall passes c.Arguments[0] as it is.
func TestAdversary108DurationRoundByPointer(t *testing.T) {
	a107Want(t, 1, []string{
		`d.Truncate(pd) == d`, // control: decides
		`d.Round(pd) == d`,
		`pd.Round(pd) == d`,
		`(d + d).Round(pd) == d + d`,
	}, "*pd is 1h: a multiple of 1h rounds 1h to itself")
}

// Contract (doc.go, Numbers): a host's named string "is read the same
// way, as a string: `tier == "gold"`, … decide as they read, and so do the
// same values behind an any or a pointer in one".
//
// Broken: with m.pt = &Tier("gold") (a named string, no methods) and
// m.pl = &Label("gold") (methods registered) in a map of any,
// `m.pt == "gold"` and `m.pl == "gold"` fire and `m.ps < "h"` (a *string)
// fires, but `m.pt < "h"`, `m.pl < "h"`, `"h" > m.pl` and `m.l < m.pl`
// fail: "invalid operation: dsl.a107Tier < string" (both backends).
//
// Mechanism (guess): an order's operands known only when the rule runs
// go through numbers.go dynamicNumber, which reads a pointer through only
// where it points to a number (isNumberKind) and otherwise returns the
// pointer; expr's runtime.Less then dereferences it to the named Tier,
// which it has no case for. (plainValue's plainDeref does this for ==,
// not for an order.)
func TestAdversary108OrderOfPointerToNamedStringBehindAny(t *testing.T) {
	a107Want(t, 1, []string{
		`m.pt == "gold" && m.pl == "gold" && m.ps < "h" && m.l < "h"`, // control
		`m.pt < "h"`,
		`m.pl < "h"`,
		`"h" > m.pl`,
		`m.pl <= m.l`,
	}, "the pointers behind the any point to \"gold\", which is before \"h\"")
}

// Contract (doc.go, Numbers): "Nothing wraps around"; AddDate is bounded
// per step "(time.Date would wrap it into another date)", and Sub, Abs and
// Round fail where Go saturates; a time's UnixMilli is on the allow-list
// of pure methods.
//
// Broken: each AddDate step is bounded (a million years in each of its
// three arguments), but steps add up: 100 chained
// .AddDate(1000000, 12000000, 366000000) give a date some 300 million
// years on, whose UnixMilli wraps (Go: "undefined if the Unix time in
// milliseconds cannot be represented by an int64 (a date more than 292
// million years before or after 1970)"). `far.UnixMilli() >
// at.UnixMilli()` is false with no error while `far.After(at)` and
// `far.Year() > 300000000` fire (both backends). The rule is 4 KB, well
// under MaxSourceBytes and MaxNodes.
//
// Mechanism (guess): instrument.go pureMethods allows time.Time's
// UnixMilli, and date_step.go checks AddDate's steps but nothing checks
// UnixMilli's range (Unix is safe; UnixMilli is not).
func TestAdversary108UnixMilliWrapsOnFarDate(t *testing.T) {
	far := "at" + strings.Repeat(".AddDate(1000000, 12000000, 366000000)", 100)
	a107Want(t, 1, []string{far + `.After(at) && ` + far + `.Year() > 300000000`}, "control: the date is 300 million years on")
	w := far + `.UnixMilli() > at.UnixMilli()`
	for i, r := range a93Check(t, a22When(w), a107Env0(), a107Methods...) {
		if r.compileErr != nil {
			continue
		}
		if len(r.hits) != 1 && !errors.Is(r.err, ErrOverflow) {
			t.Errorf("%s: far.UnixMilli() > at.UnixMilli() for a date 300 million years after at: %s; want one hit or ErrOverflow (it wrapped around)", a22Names[i], r)
		}
	}
}

// Contract (doc.go, Numbers): a named string "whose methods the host lets
// rules call keeps its type … and is read as a string … wherever a rule
// needs one: a comparison …"; `"gold" in tiers` decides as it reads; a
// rule that could decide is not refused (adversary 107 fixed `label in
// labels` and `"gold" in labels` for a field's list).
//
// Broken: over a list the rule builds of such a type, in is refused at
// compile time: `"gold" in map(labels, #)`, `"gold" in filter(labels,
// true)`, `label in map(labels, #)`, `"gold" in map(labels, #.Self())`
// and `(let l = map(labels, #); "gold" in l)` all fail to compile with
// "cannot use string as type dsl.a107Label in array"; the same through
// labels itself decides.
//
// Mechanism (guess): numbers.go wraps in's needle as plain and mapList
// reads the list as plain, but expr's checker types map(labels, #) as
// []a107Label only after the pass in which mapList looked at it (or
// mapList sees a BuiltinNode typed []interface{} then), so the needle is
// a string and the list's elements stay Labels: the final check refuses.
func TestAdversary108InOverBuiltListOfKeptNamedStrings(t *testing.T) {
	a107Want(t, 1, []string{
		`"gold" in labels && label in labels`, // control: decides
		`"gold" in map(labels, #)`,
		`"gold" in filter(labels, true)`,
		`label in map(labels, #)`,
		`"gold" in map(labels, #.Self())`,
		`(let l = map(labels, #); "gold" in l)`,
	}, "labels holds \"gold\"")
}
