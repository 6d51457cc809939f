package dsl

// The hundred-and-fifteenth adversary's suite: values the host keeps
// behind pointers (to times, durations, kept named types) and behind an
// any, where the front end's static readings (numbers.go) have no run-time
// counterpart: titles, in, sort, the date and duration built-ins, host
// functions; and *bool conditions in shapes other than the root.

import (
	"errors"
	"strings"
	"testing"
	"time"
)

type a115Env struct {
	I   int              `expr:"i"`
	S   string           `expr:"s"`
	B   bool             `expr:"b"`
	PI  *int             `expr:"pi"`
	PS  *string          `expr:"ps"`
	PB  *bool            `expr:"pb"`
	PNS *shapeTier       `expr:"pns"`
	PNB *shapeFlag       `expr:"pnb"`
	KS  shapeKeptTier    `expr:"ks"`
	KB  shapeKeptFlag    `expr:"kb"`
	PKS *shapeKeptTier   `expr:"pks"`
	PKB *shapeKeptFlag   `expr:"pkb"`
	NI  shapePence       `expr:"ni"`
	PNI *shapePence      `expr:"pni"`
	At  time.Time        `expr:"at"`
	PAt *time.Time       `expr:"pat"`
	D   time.Duration    `expr:"d"`
	PD  *time.Duration   `expr:"pd"`
	Ds  []time.Duration  `expr:"ds"`
	PDs []*time.Duration `expr:"pds"`
	M   map[string]any   `expr:"m"`
	A   any              `expr:"a"`
}

// a115Env0: i = 5, s = "gold", b = true, every pointer set to the same
// value; at = 2026-01-15 (73 days before a22Now), d = 90m; m holds the
// same values (and lists of them) behind an any.
func a115Env0() a115Env {
	i, s, b := 5, "gold", true
	ns, nb := shapeTier("gold"), shapeFlag(true)
	ks, kb := shapeKeptTier("gold"), shapeKeptFlag(true)
	ni := shapePence(5)
	at := time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)
	at2 := at.AddDate(0, 1, 0)
	d, d2 := 90*time.Minute, time.Hour
	return a115Env{
		I: i, S: s, B: b, PI: &i, PS: &s, PB: &b, PNS: &ns, PNB: &nb,
		KS: ks, KB: kb, PKS: &ks, PKB: &kb, NI: ni, PNI: &ni,
		At: at, PAt: &at, D: d, PD: &d, Ds: []time.Duration{d, d2}, PDs: []*time.Duration{&d, &d2},
		M: map[string]any{
			"i": i, "s": s, "b": b, "pi": &i, "ps": &s, "pb": &b, "pns": &ns,
			"at": at, "pat": &at, "d": d, "pd": &d,
			"ts": []time.Time{at2, at}, "pts": []*time.Time{&at, &at2},
			"ds": []time.Duration{d, d2}, "pds": []*time.Duration{&d, &d2},
		},
		A: []time.Duration{d, d2},
	}
}

var a115Opts = []Option{WithMethods[shapeKeptTier]("Title"), WithMethods[shapeKeptFlag]("Not")}

// a115Both runs body on both backends (Eval and Explain), without
// a93Check's own reports.
func a115Both(body string, env a115Env, opts ...Option) [2]a22Result {
	o := append(append([]Option{a22Limits}, a115Opts...), opts...)
	return [2]a22Result{a93Run(body, env, o...), a93Run(body, env, append(o[:len(o):len(o)], exprOnly)...)}
}

// Contract (doc.go, Numbers): "A pointer to a string or a bool, named or
// not, is read as the value it points to, as a pointer to a number is",
// "and so do the same values behind an any or a pointer in one"; a kept
// named type "is read as a string, a bool or a number wherever a rule
// needs one"; a number interpolated in a title is written as a number.
//
// Observed: titles "{m.pi}", "{m.ps}", "{m.pb}" (a *int, *string, *bool
// in a map of any) and "{pks}", "{pkb}" (a field that is a pointer to a
// kept named string or bool) are written "set", on both backends, where
// "{pi}", "{ps}", "{pb}", "{ks}", "{kb}" write 5, gold, true. A client's
// alert reads "Balance: set".
//
// Mechanism (guess): program.go formatTemplateValue reads no pointer: a
// value the front end did not convert statically (a pointer behind an any,
// a pointer to a type that keeps its type: numberKind 0) falls to
// explain.go formatValue, which writes any non-nil pointer as "set".
func TestAdversary115TitleWritesPointerAsSet(t *testing.T) {
	env := a115Env0()
	for _, c := range []struct{ x, want string }{
		{"pi", "5"}, {"ps", "gold"}, {"pb", "true"}, {"ks", "gold"}, {"kb", "true"}, // references
		{"m.pi", "5"}, {"m.ps", "gold"}, {"m.pb", "true"}, {"pks", "gold"}, {"pkb", "true"},
	} {
		body := "rule r {\n  type \"t\"\n  when true\n  title \"v={" + c.x + "}\"\n}\n"
		for i, r := range a93Check(t, body, env, a115Opts...) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: title {%s}: %s; want one hit titled v=%s", a22Names[i], c.x, r, c.want)
				continue
			}
			if got := r.hits[0].Title; got != "v="+c.want {
				t.Errorf("%s: title \"v={%s}\" is %q; want %q (the value the pointer points to)", a22Names[i], c.x, got, "v="+c.want)
			}
		}
	}
}

// Contract (doc.go, NaN and nil; Numbers): in is a comparison; a pointer
// is read as what it points to, the same values behind an any too; a
// value reads the same whatever shape the host keeps it in (durations
// "through a pointer too").
//
// Observed (both backends, no error): `m.pd in [m.pd]` is false, a value
// not in a list holding only itself. `m.d in m.pds` and `m.pd in m.pds`
// are false though `m.d == m.pds[0]` and `m.pd == m.pds[0]` are true;
// `m.pat in m.pts`, `m.at in m.pts`, `pd in m.pds` and `pat in m.pts` are
// false likewise (m.pds a []*time.Duration, m.pts a []*time.Time in a map
// of any, holding the very pointers). A rule `not in` decides the opposite,
// silently.
//
// Mechanism (guess): the needle is read through its pointer (the
// duration, the time), while the list's elements are not:
// registry.go walk normalizes a list's elements only where readAsNumber
// says so, and readAsNumber (like dynamicNumber) leaves a pointer to a
// time.Duration or time.Time as the pointer (pureMethods), so expr's
// runtime.In compares a duration with pointers.
func TestAdversary115InPointerToDurationOrTime(t *testing.T) {
	env := a115Env0()
	for _, ref := range []string{`m.pd == m.pds[0]`, `m.d == m.pds[0]`, `m.pat == m.pts[0]`, `m.at == m.pts[0]`, `m.pd in m.ds`, `m.d in m.ds`} {
		for i, r := range a115Both(a22When(ref), env) {
			if r.err != nil || len(r.hits) != 1 {
				t.Fatalf("reference %s: %s: %s", ref, a22Names[i], r)
			}
		}
	}
	for _, w := range []string{`m.pd in [m.pd]`, `m.d in m.pds`, `m.pd in m.pds`, `pd in m.pds`, `m.pat in m.pts`, `m.at in m.pts`, `pat in m.pts`} {
		for i, r := range a93Check(t, a22When(w), env, a115Opts...) {
			if r.compileErr == nil && r.err == nil && len(r.hits) == 0 {
				t.Errorf("%s: %s is false without an error; the list holds that very value (== says so)", a22Names[i], w)
			} else if r.compileErr != nil || r.err != nil {
				t.Errorf("%s: %s: %s; want one hit", a22Names[i], w, r)
			}
		}
	}
}

// Contract (doc.go): results do not depend on how the host holds a value;
// "The library's built-ins read an argument known only when the rule runs
// by its kind and fail on one of another kind"; sort is one of the
// built-ins that "order or pick from a list" and must not decide silently.
//
// Observed: sort of a list of durations or times known only when the rule
// runs (m.ds a []time.Duration in a map of any, m.ts a []time.Time, m.pds
// a []*time.Duration, a an any field holding a []time.Duration) is an
// empty list, without an error, on both backends: `len(sort(m.ds)) == 0`
// fires, and `sort(m.ds)[0]` fails "index out of range: 0 (array length
// is 0)". The same durations in a list literal sort:
// `sort([d, duration("1h")])[0] == duration("1h")` holds.
//
// Mechanism (guess): expr's sort (builtin.go) copies only []any, []int,
// []float64 and []string and sorts nothing else, returning an empty list
// for any other slice type; registry.go walk (walkNumbers|walkSort) hands
// it the host's typed slice as it is, since readAsNumber does not read a
// time.Duration or time.Time (pureMethods), so nothing becomes a []any.
func TestAdversary115SortOfListBehindAnyIsEmpty(t *testing.T) {
	env := a115Env0()
	for i, r := range a115Both(a22When(`sort([d, duration("1h")])[0] == duration("1h")`), env) {
		if r.err != nil || len(r.hits) != 1 {
			t.Fatalf("reference: %s: %s", a22Names[i], r)
		}
	}
	for _, l := range []string{"m.ds", "m.ts", "m.pds", "a"} {
		w := "len(sort(" + l + ")) == 0"
		for i, r := range a93Check(t, a22When(w), env, a115Opts...) {
			if r.compileErr == nil && r.err == nil && len(r.hits) == 1 {
				t.Errorf("%s: %s fires: sort of a list of two made an empty list, silently (want the sorted list, or a failure)", a22Names[i], w)
			}
		}
	}
}

// Contract (doc.go): a type error that fails whatever the data is a
// compile error (Errors: "Types are checked at compile time"; Numbers: a
// built-in that cannot take its argument whatever the data is a compile
// error, ErrType, "not a failure of every evaluation"); a pointer to a
// duration is read as the duration.
//
// Observed: abs(d), round(d), ceil(d), floor(d) and float(d) (d a
// time.Duration) are compile errors ("abs takes a number, and this is a
// time.Duration, which keeps its type"), and abs(m.d) (behind an any) is
// the duration; but abs(pd), round(pd), ceil(pd), floor(pd), float(pd)
// (pd a *time.Duration) compile and fail every evaluation, nil or not, on
// both backends: "invalid argument for abs (type time.Duration)",
// "invalid operation: float(time.Duration)".
//
// Mechanism (guess): numbers.go keptNumberArgument asks keepsType(t) of
// the argument's static type, and keepsType requires isNumberKind(t.Kind()):
// a *time.Duration is a pointer, so the compile-time refusal is skipped
// and expr's checker lets the pointer through to its run-time builtin.
func TestAdversary115NumericBuiltinOfDurationPointer(t *testing.T) {
	env := a115Env0()
	for _, f := range []string{"abs", "round", "ceil", "floor", "float"} {
		w := f + "(pd) != nil"
		for i, r := range a93Check(t, a22When(w), env, a115Opts...) {
			switch {
			case r.compileErr != nil:
				if !errors.Is(r.compileErr, ErrType) {
					t.Errorf("%s: %s refused, but not as a type error: %v", a22Names[i], w, r.compileErr)
				}
			case r.err != nil:
				t.Errorf("%s: %s compiles and then fails on every evaluation (%s); want a compile error, as %s(d) is, or the value", a22Names[i], w, r, f)
			}
		}
	}
}

// Contract (doc.go): a value reads the same whatever shape the host keeps
// it in (pointers, an any, a map); durations are read "through a pointer
// too"; "A zero time.Time is missing data, and a date built-in given one
// fails" (a time that is set is not missing); the library's built-ins read
// an argument known only at run time by its kind.
//
// Observed: with m.pat a set *time.Time and m.pd a *time.Duration in a
// map of any, daysSince(m.pat), monthsSince(m.pat) and age(m.pat) fail
// with "daysSince: time is zero (missing)", date(m.pat) with "argument is
// *time.Time, want a time", words(m.pd) with "argument is *time.Duration,
// want a duration", on both backends; daysSince(pat), date(pat),
// words(pd) (the same pointers as fields) and daysSince(m.at),
// words(m.d) (the values in the map) all work. A set date is reported as
// missing data. (daysSince(m.s) with a string, or of a number, says "time
// is zero (missing)" too.)
//
// Mechanism (guess): dynamicNumber (numbers.go) returns a pointer to a
// time.Time or time.Duration unchanged (pureMethods), and the date
// built-ins (builtins.go dateFunc: t, _ := args[0].(time.Time)) take a
// failed assertion as the zero time; date and words (format.go) check
// the kind without reading through the pointer.
func TestAdversary115DateBuiltinsThroughPointerBehindAny(t *testing.T) {
	env := a115Env0()
	for _, c := range []struct{ ref, w string }{
		{`daysSince(pat) == 73`, `daysSince(m.pat) == 73`},
		{`monthsSince(pat) == 2`, `monthsSince(m.pat) == 2`},
		{`age(pat) == 0`, `age(m.pat) == 0`},
		{`date(pat) == "15 Jan 2026"`, `date(m.pat) == "15 Jan 2026"`},
		{`words(pd) == "1 hour 30 minutes"`, `words(m.pd) == "1 hour 30 minutes"`},
		{`daysSince(m.at) == 73`, `daysSince(m.pat) == 73`},
	} {
		for i, r := range a115Both(a22When(c.ref), env) {
			if r.err != nil || len(r.hits) != 1 {
				t.Fatalf("reference %s: %s: %s", c.ref, a22Names[i], r)
			}
		}
		for i, r := range a93Check(t, a22When(c.w), env, a115Opts...) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: %s: %s; want one hit, as %s", a22Names[i], c.w, r, c.ref)
			}
		}
	}
}

// Contract (doc.go, Numbers): a pointer to a number, string or bool is
// read as what it points to, "and so do the same values behind an any or
// a pointer in one"; "A host function or method that takes the named type
// is given it back"; results do not depend on the value's shape.
//
// Observed: a host function of an int, a string, a bool or a named
// string, given a pointer known only when the rule runs, fails every
// such evaluation: plain(m.pi) "plain: argument 1 is *int, want int",
// str(m.ps) "argument 1 is *string, want string", flag(m.pb),
// tier(m.pns); the same pointers as fields (plain(pi), str(ps), flag(pb),
// tier(pns)) and the values in the map (plain(m.i), str(m.s)) work. And
// statically, plain(pni) (pni a *Pence, plain(x int)) is refused at compile
// time ("cannot use *dsl.shapePence as argument (type int)") though
// plain(ni) and plain(pi) compile and work.
//
// Mechanism (guess): functions.go convertValue (through coerce) reads no
// pointer given to a parameter that is not one (it only builds a pointer
// for a pointer parameter); the static *int works only because expr's
// checker and VM dereference a pointer to the parameter's exact type, and
// wrapCallArguments (numbers.go) leaves a host function's pointer argument
// unconverted, so a pointer to a named or narrow number meets the widened
// int parameter as a *Pence.
func TestAdversary115HostFunctionPointerArgument(t *testing.T) {
	env := a115Env0()
	opts := []Option{
		WithFunc1("plain", func(x int) int { return x }),
		WithFunc1("str", func(x string) string { return x }),
		WithFunc1("flag", func(x bool) bool { return x }),
		WithFunc1("tier", func(x shapeTier) string { return string(x) }),
	}
	for _, c := range []struct{ ref, w string }{
		{`plain(pi) == 5`, `plain(m.pi) == 5`},
		{`plain(m.i) == 5`, `plain(m.pi) == 5`},
		{`str(ps) == "gold"`, `str(m.ps) == "gold"`},
		{`flag(pb)`, `flag(m.pb)`},
		{`tier(pns) == "gold"`, `tier(m.pns) == "gold"`},
		{`plain(ni) == 5`, `plain(pni) == 5`},
	} {
		for i, r := range a115Both(a22When(c.ref), env, opts...) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Fatalf("reference %s: %s: %s", c.ref, a22Names[i], r)
			}
		}
		for i, r := range a93Check(t, a22When(c.w), env, append(a115Opts[:len(a115Opts):len(a115Opts)], opts...)...) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: %s: %s; want one hit, as %s", a22Names[i], c.w, r, c.ref)
			}
		}
	}
}

// Contract (doc.go, Numbers): "`when optIn` (a *bool, where a nil fails:
// it decides nothing)" reads the value, and so does `optIn ?? false`
// (README/commit: "when optIn and optIn ?? false with a *bool compile");
// a compile error is for a type error that fails whatever the data; an
// expression's own let does not change what the expression means.
//
// Observed: `pb ?? false`, `b ? pb : false` and `(let y = 1; pb)` compile
// and fire, but `(let y = 1; pb ?? false)`, `(let y = pb; y) ?? false`
// and `(let y = 1; y > 0 ? pb : false)` are refused at compile time on
// both backends: "the when is interface; it must be a bool" (the last
// "the when is unknown"). An unrelated let around a valid condition makes
// it a compile error.
//
// Mechanism (guess): numbers.go normalizeNumbers wraps the whole condition
// in __cond only where boolOrNil(root) holds, and boolOrNil looks through
// ??, ?: and __num/__plain but not through a VariableDeclaratorNode (an
// expression's let), nor into a let's value under ??.
func TestAdversary115PointerBoolConditionUnderLet(t *testing.T) {
	env := a115Env0()
	for _, ref := range []string{`pb ?? false`, `b ? pb : false`, `(let y = 1; pb)`, `(let y = pb; y)`} {
		for i, r := range a115Both(a22When(ref), env) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Fatalf("reference %s: %s: %s", ref, a22Names[i], r)
			}
		}
	}
	for _, w := range []string{`(let y = 1; pb ?? false)`, `(let y = pb; y) ?? false`, `(let y = 1; y > 0 ? pb : false)`, `(let y = pnb; y ?? false)`} {
		for i, r := range a93Check(t, a22When(w), env, a115Opts...) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: when %s: %s; want one hit (pb points to true)", a22Names[i], w, r)
			}
		}
	}
}

// Contract (doc.go, Numbers): a named bool "whose methods the host lets
// rules call keeps its type ... and is read as a string, a bool or a
// number wherever a rule needs one: a comparison, a text operator, a
// condition, &&"; "A pointer to a string or a bool, named or not, is read
// as the value it points to" (`when optIn`, a *bool, compiles); the value
// does not depend on the shape the host keeps it in.
//
// Observed: with kb a kept named bool (its Not method allowed) and pkb a
// pointer to one, `when kb`, `when pb`, `when pnb`, `when pkb ?? false`
// and `when pkb == true` compile and fire, but `when pkb` (and a rule's
// `let y = pkb` then `when y`) is refused on both backends: "the when is
// *dsl.shapeKeptFlag; it must be a bool".
//
// Mechanism (guess): numbers.go normalizeNumbers reads a kept bool as a
// condition only where the root's type is itself of kind Bool
// (t.Kind() == reflect.Bool && keptText(t)); for a pointer to one the
// kind is Pointer, numberKind gives 0 (the pointee keeps its type, so no
// __num), and boolOrNil sees no __num/__plain of a *bool: nothing wraps
// it in __plain or __cond.
func TestAdversary115PointerToKeptBoolCondition(t *testing.T) {
	env := a115Env0()
	for _, ref := range []string{`kb`, `pb`, `pnb`, `pkb ?? false`, `pkb == true`} {
		for i, r := range a115Both(a22When(ref), env) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Fatalf("reference %s: %s: %s", ref, a22Names[i], r)
			}
		}
	}
	for _, body := range []string{a22When(`pkb`), a22When(`pkb && true`), "rule r {\n  type \"t\"\n  let y = pkb\n  when y\n}\n"} {
		for i, r := range a93Check(t, body, env, a115Opts...) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: %s: %s; want one hit (pkb points to a true kept flag)", a22Names[i], strings.TrimSpace(body), r)
			}
		}
	}
}

// Passing probe (kept as a regression test): findLast and findLastIndex,
// now a forward search of the indices from the last (find_last.go), keep
// the NaN and nil rules find and findIndex keep: a list that may hold an
// optional chain's nils fails where # decides (ErrEval), in an
// expression's own let too; a NaN fails only where the search reaches it
// (the last element first); an operand before the call is read as itself.
func TestAdversary115FindLastKeepsNaNAndNilRules(t *testing.T) {
	env := a93Env0() // pitems = [nil, {name: "y"}], f = 1.5
	for _, c := range []struct {
		when string
		want error // nil: one hit
	}{
		{`findLast(map(pitems, #?.name), # == "q") == nil`, ErrEval},
		{`findLastIndex(map(pitems, #?.name), # == "q") == -1`, ErrEval},
		{`(let x = map(pitems, #?.name); findLast(x, # == "q") == nil)`, ErrEval},
		{`findLast([p?.name], # == "q") == nil`, ErrEval},
		{`findLast(map(pitems, #?.name), # == "y") == "y"`, nil},
		{`findLast([f, f / 0 * 0], # > 1) == 1.5`, ErrNaN},
		{`findLast([f / 0 * 0, f], # > 1) == 1.5`, nil},
		{`3 == findLast([3], true) && 0 == findLastIndex([3], true)`, nil},
		{`findLast(pitems, #?.name == "y")?.name == "y"`, nil},
	} {
		for i, r := range a93Check(t, a22When(c.when), env) {
			switch {
			case c.want == nil && (r.compileErr != nil || r.err != nil || len(r.hits) != 1):
				t.Errorf("%s: %s: %s; want one hit", a22Names[i], c.when, r)
			case c.want != nil && !errors.Is(r.err, c.want):
				t.Errorf("%s: %s: %s; want %v", a22Names[i], c.when, r, c.want)
			}
		}
	}
}
