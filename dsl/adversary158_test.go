package dsl

// Adversary round 158: the copy charge of adversary 156's fix (copies.go:
// a read of a struct or an array of more than 256 bytes held by value is
// wrapped in __walk(x, __gov, walkCopy)) and the ?? rewrite of an optional
// chain on its right (rewrite.go, stoppedChainAsNil), over large host
// records held by value in lists, maps, arrays, fields and behind
// pointers, and as method receivers.
//
// What holds (Pinned): every optional chain probed over large records
// (through pointers, maps, index ?.[i], methods allowed by WithMethods,
// inside predicates, as arguments, nested, on either side of ??) gives the
// same value on the closures, on expr alone and in Explain; Explain's texts
// are the author's (no __walk, no "?? nil"); a stopped chain on the right
// of ?? is a plain nil; Explain agrees with Eval at the smallest budget
// Eval fits in; a copy refused by the budget is ErrLimit everywhere.
//
// What was broken (fixed in session 22): the charge had holes a rule's
// author reached by writing a ?. or a method call, or by asking `in` of a
// map or a list of records: each read a whole record by value at each
// step and was charged nothing. Now a method of a value receiver charges
// its receiver, a chain is charged the copies it makes where they cannot
// be wrapped, and in charges the lookup (a map) or every element (a list)
// before it reads them. And a field read through a pointer to a pointer
// compiled and failed every evaluation with a reflect error: it is now a
// type error when the rule compiles.

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/internal/testguard"
)

// a158Big is a record of about 600 bytes held by value.
type a158Big struct {
	Name string             `expr:"name"`
	Pad  [64]int64          `expr:"pad"`
	Sub  *a158Big           `expr:"sub"`
	Kids []a158Big          `expr:"kids"`
	M    map[string]a158Big `expr:"m"`
	N    int                `expr:"n"`
}

func (b a158Big) Self() a158Big     { return b }
func (b a158Big) Label() string     { return "<" + b.Name + ">" }
func (b a158Big) Kid(i int) a158Big { return b.Kids[i] }
func (b a158Big) Pads() [64]int64   { return b.Pad }

type a158Env struct {
	B    a158Big             `expr:"b"`
	Bs   []a158Big           `expr:"bs"`
	P    *a158Big            `expr:"p"`
	NilP *a158Big            `expr:"nilp"`
	M    map[string]a158Big  `expr:"m"`
	MP   map[string]*a158Big `expr:"mp"`
	Arr  [4]a158Big          `expr:"arr"`
	A    any                 `expr:"a"`
	I    int                 `expr:"i"`
	Ps   []*a158Big          `expr:"ps"`
}

// a158Data: bs = k0, k1, k2 (n = i, pad[0] = i); b has kids bs, m
// {"x": k1}, sub &bs[2], pad[1] = 9; p = &b; nilp nil; m {"a": k0};
// mp {"a": &k0, "nil": nil}; arr = k0, k1, k2, zero; ps = &k0, nil.
func a158Data() a158Env {
	e := a158Env{M: map[string]a158Big{}, MP: map[string]*a158Big{}}
	for i := range 3 {
		b := a158Big{Name: fmt.Sprint("k", i), N: i}
		b.Pad[0] = int64(i)
		e.Bs = append(e.Bs, b)
		e.Arr[i] = b
	}
	e.B = a158Big{Name: "b", Kids: e.Bs, M: map[string]a158Big{"x": e.Bs[1]}, Sub: &e.Bs[2]}
	e.B.Pad[1] = 9
	e.P = &e.B
	e.M["a"] = e.Bs[0]
	e.MP["a"] = &e.Bs[0]
	e.MP["nil"] = nil
	e.Ps = []*a158Big{&e.Bs[0], nil}
	return e
}

var a158Methods = WithMethods[a158Big]("Self", "Label", "Kid", "Pads")

// a158Out is one evaluation's outcome, comparable across backends: the
// value (a record by its name) or the error's kind.
func a158Out(v any, err error) string {
	if err != nil {
		var de *Error
		if errors.As(err, &de) {
			return "error " + de.Kind.String()
		}
		return fmt.Sprintf("untyped error %T: %v", err, err)
	}
	switch b := v.(type) {
	case a158Big:
		return "record " + b.Name
	case *a158Big:
		if b == nil {
			return "(*a158Big)(nil)"
		}
		return "*record " + b.Name
	}
	return fmt.Sprintf("%T %v", v, v)
}

// a158Texts are the Expr texts of an explanation's steps.
func a158Texts(s *Step) []string {
	if s == nil {
		return nil
	}
	out := []string{s.Expr}
	for _, c := range s.Children {
		out = append(out, a158Texts(c)...)
	}
	return out
}

// a158Eval compiles src for result R on the closures and on expr alone,
// and returns the outcomes of Eval on each and of Explain (closures),
// with Explain's texts.
func a158Eval[R any](t *testing.T, src string, opts ...Option) (outs [3]string, texts []string, root string) {
	t.Helper()
	testguard.Run(t, 20*time.Second, func() {
		for i, o := range [][]Option{nil, {exprOnly}} {
			o = append(append(o, a158Methods), opts...)
			e, err := Compile[a158Env, R](src, o...)
			if err != nil {
				outs[i] = "compile error: " + err.Error()
				if i == 0 {
					outs[2] = outs[0]
				}
				continue
			}
			v, err := e.Eval(a158Data(), time.Time{})
			outs[i] = a158Out(v, err)
			if i == 0 {
				x, err := e.Explain(a158Data(), time.Time{})
				var xv any
				if x != nil {
					xv = x.Value
					texts = a158Texts(x.Root)
					if x.Root != nil {
						root = x.Root.Expr
					}
				}
				outs[2] = a158Out(xv, err)
			}
		}
	})
	return
}

// Pinned: optional chains over large records held by value, through
// pointers, maps, ?.[i], methods of the record (WithMethods), inside
// predicates, as arguments, nested, and on either side of ??, give the
// same value on the closures, expr alone and Explain (conditions: also
// through a rule set's Eval, whose closures decide first), and Explain
// shows only the author's text. Each expression below reads records
// past copyFree, so each is instrumented by chargeCopies.
func TestAdversary158_OptionalChainsOverLargeRecords_Pinned(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{`p?.pad[1]`, "int 9"},
		{`p?.sub?.pad[0]`, "int 2"},
		{`nilp?.Self().name`, "<nil> <nil>"},
		{`p?.Self()?.name`, "string b"},
		{`b?.Self().name`, "string b"},
		{`bs?.[1]?.name`, "string k1"},
		{`bs?.[0].Label()`, "string <k0>"},
		{`ps[1]?.Kid(0).name`, "<nil> <nil>"},
		{`ps?.[1]?.Label()`, "<nil> <nil>"},
		{`p?.Kid(1).pad[0]`, "int 1"},
		{`m?.a.Label()`, "string <k0>"},
		{`mp?.nil?.Kid(0).Label()`, "<nil> <nil>"},
		{`mp?.a.Self().Self().Label()`, "string <k0>"},
		{`(ps[1]?.sub)?.Label()`, "<nil> <nil>"},
		{`(nilp?.sub)?.Self().name`, "<nil> <nil>"},
		{`b.m?.x.Label()`, "string <k1>"},
		{`b.m?.["zz"]?.Label()`, "string <>"},
		{`b?.kids?.[0]?.Label()`, "string <k0>"},
		{`(nilp?.kids ?? bs)[0].Label()`, "string <k0>"},
		{`map(bs, #?.Self().name)`, "[]interface {} [k0 k1 k2]"},
		{`map(ps, #?.Self().name)`, "[]interface {} [k0 <nil>]"},
		{`map(ps, #?.name ?? "none")`, "[]interface {} [k0 none]"},
		{`any(bs, #?.name == "k1")`, "bool true"},
		{`find(bs, .n == 9)?.Label()`, "<nil> <nil>"},
		{`findLast(bs, .n == 2)?.Label() ?? "none"`, "string <k2>"},
		{`get(bs, 9)?.name`, "<nil> <nil>"},
		{`nilp?.Self() ?? b`, "record b"},
		{`(nilp?.Self() ?? b).Label()`, "string <b>"},
		{`a ?? p?.Self()?.pad[1]`, "int 9"},
		{`a ?? find(bs, .n == 1)?.Self()`, "record k1"},
		{`(i == 0 ? nilp?.Self() : b) ?? 5`, "int 5"},
		{`let y = nilp?.Self() ?? b; y.Label()`, "string <b>"},
		{`len(nilp?.kids ?? [])`, "int 0"},
		{`(nilp?.name ?? "z") + (a ?? nilp?.name ?? "y")`, "string zy"},
		{`reduce(bs, #.n > #acc.n ? # : #acc).Label()`, "string <k2>"},
		{`sortBy(bs, .Label(), "desc")[0].Label()`, "string <k2>"},
		{`b.Pads() == b.pad`, "bool true"},
		{`[b, bs[0]][1].Label()`, "string <k0>"},
		{`(i > 0 ? bs[0] : b).Label()`, "string <b>"},
	} {
		outs, texts, _ := a158Eval[any](t, c.src)
		for i, o := range outs {
			if o != c.want {
				t.Errorf("%s on %s: %s; want %s", c.src, [3]string{"closures", "expr", "Explain"}[i], o, c.want)
			}
		}
		for _, x := range texts {
			if strings.Contains(x, "__") {
				t.Errorf("%s: Explain shows %q", c.src, x)
			}
		}
	}
	// Conditions: Compile[_, bool] and a rule set (the closures decide
	// first, then expr), all true.
	for _, w := range []string{
		`p?.sub?.n == 2`, `p?.pad[1] == 9`, `nilp?.Label() == nil`, `(a ?? nilp?.Self()) == nil`,
		`(a ?? p?.Self()) == b`, `(a ?? p?.Self())?.n == 0`, `any(ps, (#?.n ?? -1) == -1)`,
		`b.m?.x?.n == 1`, `(b.m?.zz?.n ?? 5) == 0`, `find(bs, .n == 7) == nil`,
		`groupBy(bs, .n > 0)[true][0] == bs[1]`, `let k = bs[1]; k.n == 1 && k == bs[1]`,
		`mp?.nil?.n == nil`, `get(arr, 3).name == ""`, `last(arr) == arr[3]`, `b.Self().Self() == b`,
	} {
		outs, texts, _ := a158Eval[bool](t, w)
		for i, o := range outs {
			if o != "bool true" {
				t.Errorf("%s on %s: %s; want true", w, [3]string{"closures", "expr", "Explain"}[i], o)
			}
		}
		for _, x := range texts {
			if strings.Contains(x, "__") {
				t.Errorf("%s: Explain shows %q", w, x)
			}
		}
		for i, r := range a93Check(t, a22When(w), a158Data(), a158Methods) {
			if r.compileErr != nil || r.err != nil || len(r.hits) != 1 {
				t.Errorf("%s: rule set on %s: %s; want one hit", w, a22Names[i], r)
			}
		}
	}
}

// Pinned: a chain that stops, on the right of ??, is a plain nil when what
// it stops at is a large record or an array of one (a *a158Big, a method
// of a large receiver, find's element, a [64]int64), in a predicate and
// through a let too; Explain's root is the author's text, without the
// "?? nil" the rewrite adds.
func TestAdversary158_CoalesceRightChainOverRecordsPlainNil_Pinned(t *testing.T) {
	for _, src := range []string{
		`a ?? nilp?.sub`, `a ?? nilp?.Self()`, `a ?? nilp?.sub?.Self()`, `a ?? nilp?.pad`,
		`a ?? nilp?.Self()?.pad`, `a ?? find(bs, .n == 9)?.Self()`, `a ?? ps[1]?.Kid(0)?.pad?.[1]`,
		`a ?? (a ?? nilp?.sub)`, `a ?? mp?.nil?.sub`, `let y = a ?? nilp?.Self(); y`,
		`a ?? (i == 0 ? nilp?.Self() : b)`, `map(ps, a ?? #?.sub)[1]`,
	} {
		outs, _, root := a158Eval[any](t, src)
		for i, o := range outs {
			if o != "<nil> <nil>" {
				t.Errorf("%s on %s: %s; want a plain nil", src, [3]string{"closures", "expr", "Explain"}[i], o)
			}
		}
		if root != src {
			t.Errorf("%s: Explain's root reads %q", src, root)
		}
	}
}

// Pinned: at the smallest memory budget Eval fits in, Explain (which runs
// the whole expression and then its operands) gives the same value, and
// one unit less refuses both with ErrLimit: the copies its sub-programs
// charge do not double the bill.
func TestAdversary158_ExplainAgreesAtTightBudget_Pinned(t *testing.T) {
	for _, src := range []string{
		`bs[0] == bs[1] || bs[1] == bs[2]`,
		`bs[0].n == 0 && bs[1].n == 1 && bs[2].n == 2`,
		`!(bs[0] == b)`,
		`any(bs, # == bs[2]) && bs[0] != bs[1]`,
		`(i == 0 ? arr[1] : b).n == 1`,
	} {
		testguard.Run(t, 20*time.Second, func() {
			for _, o := range [][]Option{nil, {exprOnly}} {
				compile := func(budget int) *Expr[a158Env, bool] {
					e, err := Compile[a158Env, bool](src, append(o, WithLimits(Limits{MemoryBudget: budget}))...)
					if err != nil {
						t.Fatalf("%s: %v", src, err)
					}
					return e
				}
				lo := 0
				for b := 1; b <= 2000; b++ {
					if _, err := compile(b).Eval(a158Data(), time.Time{}); err == nil {
						lo = b
						break
					} else if !errors.Is(err, ErrLimit) {
						t.Fatalf("%s at budget %d: %v; want ErrLimit", src, b, err)
					}
				}
				if lo <= 1 {
					t.Fatalf("premise: %s charges copies (fits in %d units)", src, lo)
				}
				v, err := compile(lo).Eval(a158Data(), time.Time{})
				x, xerr := compile(lo).Explain(a158Data(), time.Time{})
				if err != nil || xerr != nil || x == nil || x.Value != v {
					t.Errorf("%s (%d options) at budget %d: Eval %v, %v; Explain %v, %v", src, len(o), lo, v, err, x, xerr)
				}
				_, err = compile(lo-1).Eval(a158Data(), time.Time{})
				_, xerr = compile(lo-1).Explain(a158Data(), time.Time{})
				if !errors.Is(err, ErrLimit) || !errors.Is(xerr, ErrLimit) {
					t.Errorf("%s (%d options) at budget %d: Eval %v; Explain %v; want ErrLimit for both", src, len(o), lo-1, err, xerr)
				}
			}
		})
	}
}

// Pinned: under a budget smaller than one record, every read that copies
// one, wherever it stands (a predicate's # and #acc, sortBy, groupBy,
// find, get, last of an array, a ternary's branch, the left of ??, a
// method's record result, an array a method returns, a chain's record
// read before its ?.), is refused with ErrLimit on both backends and in
// Explain, never with another kind of error.
func TestAdversary158_CopyRefusalsAreErrLimit_Pinned(t *testing.T) {
	half := int(reflect.TypeFor[a158Big]().Size()) / memUnit / 2
	for _, src := range []string{
		`all(bs, .pad[0] >= 0)`, `reduce(bs, #acc.n > #.n ? #acc : #, b).name`, `sortBy(bs, .n)[0].name`,
		`groupBy(bs, .n)[1][0].name`, `find(bs, .n == 1).name`, `get(bs, 1).name`, `last(arr).name`,
		`(i == 0 ? bs[0] : b).name`, `(bs[0] ?? b).name`, `b.Self().n`, `b.Pads()[1]`, `b?.Self().name`,
		`bs[1]?.name`, `m["a"]?.Label()`, `a ?? bs[0]?.sub?.name`, `b.Kid(0) in bs`, `arr[0] == bs[0]`,
	} {
		outs, _, _ := a158Eval[any](t, src, WithLimits(Limits{MemoryBudget: half}))
		for i, o := range outs {
			if o != "error limit" {
				t.Errorf("%s under %d units (half a record) on %s: %s; want ErrLimit", src, half, [3]string{"closures", "expr", "Explain"}[i], o)
			}
		}
	}
}

// a158Rec is a host record of 32 KB held by value, with a method.
type a158Rec struct {
	Name string      `expr:"name"`
	Pad  [4096]int64 `expr:"pad"`
}

func (r a158Rec) Label() string { return r.Name }

type a158MemEnv struct {
	Rec   a158Rec            `expr:"rec"`
	Recs  []a158Rec          `expr:"recs"`
	MRecs map[string]a158Rec `expr:"mrecs"`
	P     *a158Rec           `expr:"p"`
	PP    **a158Rec          `expr:"pp"`
	Xs    []int              `expr:"xs"`
}

// a158MemData: 8 records in recs, one ("a") in mrecs, p a pointer to a
// record, xs n ints to loop over.
func a158MemData(n int) *a158MemEnv {
	r := &a158Rec{Name: "n"}
	return &a158MemEnv{Recs: make([]a158Rec, 8), MRecs: map[string]a158Rec{"a": {Name: "a"}}, P: r, PP: &r, Xs: make([]int, n)}
}

// a158Mem compiles a condition under adversary 156's budget (10,000
// units, 160 KB) and measures one Eval.
func a158Mem(t *testing.T, src string, env *a158MemEnv) (bytes uint64, ok bool, err error) {
	t.Helper()
	testguard.Run(t, 20*time.Second, func() {
		e, cerr := Compile[*a158MemEnv, bool](src, WithLimits(Limits{MemoryBudget: a156Budget}), WithMethods[a158Rec]("Label"))
		if cerr != nil {
			t.Fatalf("premise: %s compiles: %v", src, cerr)
		}
		bytes = a156Alloc(2, func() { ok, err = e.Eval(env, a156Now) })
	})
	return
}

// a158Holes checks that each src, over 300 steps reading a 32 KB record,
// is refused with ErrLimit or allocates at most adversary 156's allowance
// (8x the budget plus 1 MB), and that each premise (the same read without
// the hole) is refused with ErrLimit.
func a158Holes(t *testing.T, premises, srcs []string) {
	a156SkipRace(t)
	env := a158MemData(300)
	for _, src := range premises {
		if n, _, err := a158Mem(t, src, env); !errors.Is(err, ErrLimit) {
			t.Errorf("premise: %s is refused (%v, %d bytes)", src, err, n)
		}
	}
	for _, src := range srcs {
		n, ok, err := a158Mem(t, src, env)
		if errors.Is(err, ErrLimit) && n <= a156Allowed {
			continue
		}
		if n > a156Allowed {
			t.Errorf("%s over 300 steps: %v, %v after %d bytes allocated (%.0fx the budget of %d bytes); want ErrLimit within %d bytes",
				src, ok, err, n, a156Times(n), a156Budget*memUnit, a156Allowed)
		}
	}
}

// Was (fixed): a method called on a record held by value copies the record
// (expr boxes the receiver it fetches, and the reflect call copies it
// again), but chargeCopies leaves a method's receiver unwrapped ("copies
// nothing"), so calling a method is a copy the budget never sees: the
// allocation is the record's size per step, unbounded by MemoryBudget.
// Through a pointer and ?. (p?.Label(), rewritten to a let compared with
// nil) the same: p.Label() allocates nothing, p?.Label() 32 KB a step.
// Input: rec and *p 32 KB records with a Label method allowed, xs 300
// ints, MemoryBudget 10,000 units (160 KB).
// Got before the fix:
//
//	count(xs, rec.Label() != "") == 0   true, no error, ~12.3 MB (77x the budget)
//	count(xs, p?.Label() == "") == 0    true, no error, ~12.3 MB (77x)
//	premise: count(xs, recs[0].Label() != "") == 0  ErrLimit at 1.3x
func TestAdversary158_MethodReceiverCopyUncharged_Pinned(t *testing.T) {
	a158Holes(t,
		[]string{`count(xs, recs[0].Label() != "") == 0`, `count(xs, rec?.Label() == "") > 0`},
		[]string{`count(xs, rec.Label() != "") == 0`, `count(xs, p?.Label() == "") == 0`})
}

// Was (fixed): an optional chain is a way around the copy charge: a read
// that holds a ?. is never wrapped (copies.go, holdsOptional), and the
// chain's last read, which is charged "there", is the small field at its
// end, so the record the chain passes through is copied each step for
// free. Dropping the ?. (recs[0].name, mrecs["a"].name, p.pad[0]) is
// refused at about 1x the budget.
// Input: recs 8 records of 32 KB, mrecs {"a": one}, p a pointer to one,
// xs 300 ints, MemoryBudget 10,000 units (160 KB).
// Got before the fix: each true (or false), no error, after:
//
//	count(xs, recs?.[0].name == "") > 0      ~12.3 MB (77x the budget)
//	count(xs, recs?.[0]?.name == "") > 0     ~12.3 MB (77x)
//	count(xs, mrecs?.a.name == "a") > 0      ~12.3 MB (77x)
//	count(xs, mrecs?.["a"]?.name == "a") > 0 ~12.3 MB (77x)
//	count(xs, p?.pad[0] == 0) > 0            ~9.9 MB (62x)
func TestAdversary158_OptionalChainCopyUncharged_Pinned(t *testing.T) {
	a158Holes(t,
		[]string{`count(xs, recs[0].name == "") > 0`, `count(xs, mrecs["a"].name == "a") > 0`, `count(xs, p.pad[0] == 0) > 0`},
		[]string{`count(xs, recs?.[0].name == "") > 0`, `count(xs, recs?.[0]?.name == "") > 0`,
			`count(xs, mrecs?.a.name == "a") > 0`, `count(xs, mrecs?.["a"]?.name == "a") > 0`, `count(xs, p?.pad[0] == 0) > 0`})
}

// Was (fixed): `in` and keys() over a map of records, and `in` over a list
// of records, copy the records (expr's runtime.In reads the map's value
// with MapIndex and each list element with Index(i).Interface()), and
// nothing charges those copies: only the needle, when it is itself a
// record read, is charged. With the needle a let (read once), the list's
// copies are bounded only by the step limit.
// Input: mrecs {"a": a 32 KB record}, recs 8 of them, xs 300 ints,
// MemoryBudget 10,000 units (160 KB).
// Got before the fix:
//
//	count(xs, "a" in mrecs) > 0                true, no error, ~12.3 MB (77x the budget)
//	count(xs, len(keys(mrecs)) > 0) > 0        true, no error, ~12.4 MB (77x)
//	let r = rec; count(xs, r in recs) == 0     ErrLimit of the 1,000,000 steps, after ~11 MB (69x)
func TestAdversary158_InOverRecordsUncharged_Pinned(t *testing.T) {
	a158Holes(t,
		[]string{`count(xs, len(values(mrecs)) > 0) > 0`},
		[]string{`count(xs, "a" in mrecs) > 0`, `count(xs, len(keys(mrecs)) > 0) > 0`, `let r = rec; count(xs, r in recs) == 0`})
}

// Was (fixed): a field read through a pointer to a pointer to a record
// compiles (typed as the field) and fails every evaluation with a reflect
// error of kind eval: expr's field fetch dereferences one pointer only.
// Input: pp **a158Rec pointing at a record named "n".
// Expected: true (a pointer read as what it points to), or a compile-time
// type error.
// Got, on the closures and on expr alone:
//
//	pp.name == "n"    1:1: reflect: call of reflect.Value.Field on ptr Value (kind eval)
//	pp?.name == "n"   1:5: the same
//	pp.pad[0] == 0    1:1: the same
func TestAdversary158_DoublePointerFieldRead_Pinned(t *testing.T) {
	env := a158MemData(0)
	for _, src := range []string{`pp.name == "n"`, `pp?.name == "n"`, `pp.pad[0] == 0`} {
		for i, o := range [][]Option{nil, {exprOnly}} {
			testguard.Run(t, 20*time.Second, func() {
				e, err := Compile[*a158MemEnv, bool](src, o...)
				if err != nil {
					if !errors.Is(err, ErrType) {
						t.Errorf("%s on %s: refused, not as a type error: %v", src, a22Names[i], err)
					}
					return
				}
				ok, err := e.Eval(env, time.Time{})
				if err != nil || !ok {
					t.Errorf("%s on %s, pp -> p -> record \"n\": %v, %v; want true, or a compile-time type error", src, a22Names[i], ok, err)
				}
			})
		}
	}
}
