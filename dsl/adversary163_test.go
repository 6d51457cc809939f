package dsl_test

// Adversary round 163: commit 8566617 made dsl.HitStore lay out the
// evidence values of hits (ints of 256 and more or negative, float64s,
// strings, times) in typed blocks of 256 and box them there with
// internal/mem.Boxed, which puts a runtime type word (taken from a
// "like" value) beside the slot's address as an interface's data word.
// evidenceValue takes that path when a program has unboxed closures
// (plan.go: any-kind expressions whose closures give a bool, an int, a
// float64, a string or a time) and the evaluation has a store.
//
// The round compares, value by value (dynamic type, %#v, ==,
// reflect.DeepEqual, json, gob, cmp), the evidence of evaluations with a
// store, without one, of Explain, and of a reference rule set that
// leaves everything to expr (an Env type with a method has no flat
// frame, so no closures): over host-named numbers and strings, float32,
// uint8, int64, uint64 past int64, NaN, ±Inf, -0, zero times, times in
// heap-allocated zones, nil and non-nil pointers, values behind any and
// maps, embedded fields, lets that fail, conditionals, date and format
// built-ins, collect tables of 40 rows with their inputs as evidence,
// decisions read from other rules, budgets exhausted part-way through
// the evidence, and cancellation. It keeps hits while a store moves on
// through many blocks, drops the store and every env, churns the heap
// (GC percent 1, runtime.GC, debug.FreeOSMemory, allocations of the
// blocks' size classes) and reads them again; hands hits to reader
// goroutines while the worker goes on (run with -race, which enables
// checkptr); and runs advisory's batch with 1 and 4 workers against
// Evaluate file by file, reading each file's alerts on another goroutine
// while the workers go on.
//
// It found one defect, in mem.Boxed's contract: it defines the types it
// must not be given as "pointer-shaped (a pointer, map, chan or func)",
// but the runtime also stores a struct of one pointer-shaped field, an
// array of one, and unsafe.Pointer directly in the data word; Boxed given
// one of those (which the doc allows) makes a value that is the slot's
// address. No caller does today (the store passes int, float64, string
// and time.Time). Fixed: Boxed's T is a closed type set (mem.Boxable),
// so neither such a type nor a mismatched type word compiles. The rest
// held.

import (
	"bytes"
	"context"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/internal/mem"
	"github.com/google/go-cmp/cmp"
)

type a163GBP float64
type a163Tier string
type a163Count int

type a163Inner struct {
	X float64   `expr:"x"`
	S string    `expr:"s"`
	T time.Time `expr:"t"`
	N int       `expr:"n"`
}

type A163Emb struct {
	E int `expr:"e"`
}

type a163Env struct {
	I    int            `expr:"i"`
	I64  int64          `expr:"i64"`
	U8   uint8          `expr:"u8"`
	U64  uint64         `expr:"u64"`
	Cnt  a163Count      `expr:"cnt"`
	F    float64        `expr:"f"`
	F32  float32        `expr:"f32"`
	G    a163GBP        `expr:"g"`
	Tier a163Tier       `expr:"tier"`
	S    string         `expr:"s"`
	B    bool           `expr:"b"`
	T    time.Time      `expr:"t"`
	PT   *time.Time     `expr:"pt"`
	PF   *float64       `expr:"pf"`
	P    *a163Inner     `expr:"p"`
	V    a163Inner      `expr:"v"`
	Any  any            `expr:"anyv"`
	M    map[string]any `expr:"m"`
	Xs   []int          `expr:"xs"`
	A163Emb
}

// a163Ref is a163Env with a method: its frame is not flat, so its rule
// sets have no closures and expr decides every expression (the
// reference the closures are held to).
type a163Ref a163Env

func (a163Ref) Nothing() {}

var a163Now = time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)

// a163Lets are the evidence expressions: every kind the store lays out
// (small and large ints, floats, strings, times, bools), and beside them
// what it leaves to the boxed path (pointers, any, maps, named strings)
// and to expr (a failing index, a host's named string).
var a163Lets = []string{
	"i", "-i", "i * 1000", "i + 0", "i64", "u8", "u64", "cnt", "e",
	"f", "f32", "g", "-f", "f / 0", "f - f", "f * 0 / 0", "f / i", "i / 2", "i % 3",
	"s", "tier", "b", "!b", "i > 3", "t", "pt", "pf",
	"p.x", "p.s", "p.t", "p.n", "v.x", "v.s", "v.t", "v.n",
	"anyv", "m.k", "b ? s : 'no'", "b ? f : 1.5", "b ? t : v.t",
	"daysUntil(t)", "age(t)", "ratio(f, i)", "clamp(f, 0, 1)", "between(f, 0, 1)",
	"num(f, 2)", "pct(f)", "money(f, 'GBP')", "round(f)", "abs(i)", "t.IsZero()", "num(g)", "num(u8)",
	"v.t.IsZero()", "i ** 2", "f ** 0.5", "xs[i]", "s + tier", "i * i",
	"p", "v",
}

func a163Src() string {
	var sb strings.Builder
	sb.WriteString("ruleset a163 version 1\nrule r {\n  type \"r\"\n")
	for k, l := range a163Lets {
		fmt.Fprintf(&sb, "  let l%d = %s\n", k, l)
	}
	// The condition reads fields, which WithReadEvidence adds too.
	sb.WriteString("  when i != 12345 || f > 0 || v.x > 0 || s == 'x' || t.IsZero()\n  title \"t {i} {s}\"\n}\n")
	return sb.String()
}

// a163File is file k of a deterministic sequence covering NaN, ±Inf, -0,
// zero times, zones made on the heap, nil and non-nil pointers, values
// behind any and maps, and ints on both sides of 256.
func a163File(k int) a163Env {
	pf := 2.5 + float64(k)
	pt := a163Now.Add(-time.Duration(k) * time.Hour)
	nan := math.NaN()
	e := a163Env{I: k*37 - 300, I64: int64(k) << 40, U8: uint8(k * 7), U64: uint64(k%4) * (1 << 62),
		Cnt: a163Count(k * 100), F: float64(k)/3 - 4, F32: float32(k) / 10, G: a163GBP(k) * 1.25,
		Tier: a163Tier(strings.Repeat("g", k%4)), S: strings.Repeat("é", k%5) + strconv.Itoa(k), B: k%2 == 0,
		T: a163Now.AddDate(0, 0, k%90*9-100), Xs: []int{1, 2, 3}, A163Emb: A163Emb{E: k * 1000}}
	switch k % 6 {
	case 0:
		e.F = nan
		e.PF = &nan
	case 1:
		e.PF, e.PT, e.P = &pf, &pt, &a163Inner{X: 1.5, S: "in" + strconv.Itoa(k), T: pt, N: 999 + k}
	case 2:
		e.T = time.Time{}
		e.F = math.Inf(-1)
		e.Any = 3.5
		e.M = map[string]any{"k": a163GBP(2)}
	case 3:
		e.F = math.Copysign(0, -1)
		e.Any = a163Tier("x")
		e.M = map[string]any{"k": 1000 + k}
		e.V = a163Inner{X: math.NaN(), S: "v", T: pt.In(time.FixedZone("Z"+strconv.Itoa(k), 3600*(k%12))), N: -5}
	case 4:
		e.I = k % 3
		e.V.N = 300
		e.V.X = math.Inf(1)
	case 5:
		e.I = 255 + k%3 // 255, 256, 257: both sides of the runtime's boxed ints
		e.V.T = a163Now.In(time.FixedZone("Y"+strconv.Itoa(k), -1800))
	}
	return e
}

// a163Show is a value as %T and %#v write it, times by their instant,
// zone name and offset (%#v of a time.Time writes its Location pointer).
func a163Show(v any) string {
	if t, ok := v.(time.Time); ok {
		name, off := t.Zone()
		return fmt.Sprintf("time.Time %s %s %d", t.Format(time.RFC3339Nano), name, off)
	}
	if p, ok := v.(*time.Time); ok && p != nil {
		return "*" + a163Show(*p)
	}
	return fmt.Sprintf("%T %#v", v, v)
}

// a163Fresh is v boxed again by the runtime (by reflect, a copy).
func a163Fresh(v any) any {
	if v == nil {
		return nil
	}
	rv := reflect.ValueOf(v)
	c := reflect.New(rv.Type()).Elem()
	c.Set(rv)
	return c.Interface()
}

func a163Data(v any) unsafe.Pointer { return (*[2]unsafe.Pointer)(unsafe.Pointer(&v))[1] }

// a163Same reports whether a stored box and a runtime box of the same
// value behave the same: %T/%#v, ==, reflect.DeepEqual, json, cmp.
func a163Same(stored, plain any) string {
	if a163Show(stored) != a163Show(plain) {
		return fmt.Sprintf("%s vs %s", a163Show(stored), a163Show(plain))
	}
	if reflect.TypeOf(stored) != reflect.TypeOf(plain) {
		return "types differ"
	}
	// A NaN anywhere in the value is unequal to itself by every
	// comparison below but the text and json.
	nan := strings.Contains(a163Show(plain), "NaN")
	if stored != nil && reflect.TypeOf(stored).Comparable() && !nan {
		if stored != plain {
			return "== differs"
		}
		if stored != a163Fresh(stored) {
			return "== against a fresh box differs"
		}
	}
	if !nan && !reflect.DeepEqual(stored, plain) {
		return "DeepEqual differs"
	}
	sj, serr := json.Marshal(stored)
	pj, perr := json.Marshal(plain)
	if string(sj) != string(pj) || fmt.Sprint(serr) != fmt.Sprint(perr) {
		return fmt.Sprintf("json %s %v vs %s %v", sj, serr, pj, perr)
	}
	if d := cmp.Diff(plain, stored, cmp.Comparer(func(a, b time.Time) bool { return a163Show(a) == a163Show(b) })); d != "" {
		if !nan {
			return "cmp: " + d
		}
	}
	return ""
}

func a163Compile[E any](t testing.TB, src string, opts ...dsl.Option) *dsl.RuleSet[E] {
	t.Helper()
	rs, err := dsl.CompileRules[E]([]byte(src), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// The evidence of every let and every field read, with a store, equals
// the evidence without one, Explain's lets, and the expr-only reference's,
// in dynamic type and value, by every comparison, file by file over more
// than a block of each kind. The store's boxes are checked to be in its
// blocks (data words 8 bytes apart for consecutive floats), so the
// comparison is of the new path.
func TestAdversary163_EvidenceAcrossBackends_Pinned(t *testing.T) {
	src := a163Src()
	rs := a163Compile[a163Env](t, src, dsl.WithReadEvidence())
	ref := a163Compile[a163Ref](t, src, dsl.WithReadEvidence())
	var st dsl.HitStore
	var kept, want [][]dsl.Binding
	laidOut := 0
	for fi := range 700 {
		env := a163File(fi)
		p, perr := rs.AppendEvalWith(context.Background(), nil, env, a163Now, dsl.EvalOptions{})
		q, qerr := rs.AppendEvalWith(context.Background(), nil, env, a163Now, dsl.EvalOptions{Store: &st})
		r, rerr := ref.AppendEvalWith(context.Background(), nil, a163Ref(env), a163Now, dsl.EvalOptions{})
		if perr != nil || qerr != nil || rerr != nil || len(p) != 1 || len(q) != 1 || len(r) != 1 {
			t.Fatalf("file %d: %v %v %v, %d %d %d hits", fi, perr, qerr, rerr, len(p), len(q), len(r))
		}
		if len(p[0].Evidence) != len(q[0].Evidence) || len(p[0].Evidence) != len(r[0].Evidence) {
			t.Fatalf("file %d: evidence lengths %d %d %d", fi, len(p[0].Evidence), len(q[0].Evidence), len(r[0].Evidence))
		}
		var x *dsl.RuleExplanation
		if fi < 60 {
			var err error
			if x, err = rs.Explain("r", env, a163Now); err != nil {
				t.Fatal(err)
			}
		}
		for k, b := range q[0].Evidence {
			pv, rv := p[0].Evidence[k].Value, r[0].Evidence[k].Value
			if b.Name != p[0].Evidence[k].Name || b.Name != r[0].Evidence[k].Name {
				t.Fatalf("file %d binding %d: names %q %q %q", fi, k, b.Name, p[0].Evidence[k].Name, r[0].Evidence[k].Name)
			}
			if d := a163Same(b.Value, pv); d != "" {
				t.Fatalf("file %d %s: with a store vs without: %s", fi, b.Name, d)
			}
			if d := a163Same(b.Value, rv); d != "" {
				t.Fatalf("file %d %s: with a store vs expr alone: %s", fi, b.Name, d)
			}
			if x != nil && k < len(a163Lets) {
				if d := a163Same(b.Value, x.Lets[k].Value); d != "" {
					t.Fatalf("file %d %s (%s): with a store vs Explain: %s", fi, b.Name, a163Lets[k], d)
				}
			}
		}
		// f (l9) and f32 (l10) are laid out one after the other in the
		// store's block of floats, unless the block turned between them.
		f, fok := q[0].Evidence[9].Value.(float64)
		_, gok := q[0].Evidence[10].Value.(float64)
		if fok && gok && f == f && uintptr(a163Data(q[0].Evidence[10].Value))-uintptr(a163Data(q[0].Evidence[9].Value)) == 8 {
			laidOut++
		}
		kept, want = append(kept, q[0].Evidence), append(want, p[0].Evidence)
	}
	if laidOut < 100 {
		t.Fatalf("only %d float evidence values were laid out next to the one before: the store's path was not taken", laidOut)
	}
	// Every kept value, with the store gone past many blocks, as made.
	st = dsl.HitStore{}
	runtime.GC()
	for i := range kept {
		for k := range kept[i] {
			if d := a163Same(kept[i][k].Value, want[i][k].Value); d != "" {
				t.Fatalf("file %d %s after the store went on: %s", i, kept[i][k].Name, d)
			}
		}
	}
}

// gob writes a stored box as it writes the runtime's box (gob reads the
// value through reflect and the type's registered name).
func TestAdversary163_GobAndJSONOfStoredBoxes_Pinned(t *testing.T) {
	gob.Register(a163Tier(""))
	gob.Register(time.Time{})
	rs := a163Compile[a163Env](t, a163Src())
	var st dsl.HitStore
	for fi := range 300 {
		env := a163File(fi)
		p, _ := rs.AppendEvalWith(context.Background(), nil, env, a163Now, dsl.EvalOptions{})
		q, _ := rs.AppendEvalWith(context.Background(), nil, env, a163Now, dsl.EvalOptions{Store: &st})
		for k, b := range q[0].Evidence {
			pv := p[0].Evidence[k].Value
			switch pv.(type) {
			case int, float64, string, time.Time, bool:
			default:
				continue
			}
			var sb, pb bytes.Buffer
			serr := gob.NewEncoder(&sb).Encode(&b.Value)
			perr := gob.NewEncoder(&pb).Encode(&pv)
			if !bytes.Equal(sb.Bytes(), pb.Bytes()) || fmt.Sprint(serr) != fmt.Sprint(perr) {
				t.Fatalf("file %d %s: gob of the stored box %x %v, of the runtime's %x %v", fi, b.Name, sb.Bytes(), serr, pb.Bytes(), perr)
			}
			var back any
			if serr == nil {
				if err := gob.NewDecoder(&sb).Decode(&back); err != nil {
					t.Fatal(err)
				}
				if d := a163Same(back, pv); d != "" && !strings.HasPrefix(a163Show(pv), "time.Time") {
					t.Fatalf("file %d %s: gob read back %s", fi, b.Name, d)
				}
			}
		}
		sj, _ := json.Marshal(q)
		pj, _ := json.Marshal(p)
		if !bytes.Equal(sj, pj) {
			t.Fatalf("file %d: json of the hits differs:\n%s\n%s", fi, sj, pj)
		}
	}
}

// a163Snapshot writes hits as text that holds no reference into them.
func a163Snapshot(hs []dsl.Hit) string {
	var sb strings.Builder
	for _, h := range hs {
		fmt.Fprintf(&sb, "%s|%s|%s|%s|%v|%v|%v\n", h.Rule, h.Path, h.Title, h.Message, h.Urgency, h.Sensitivity, h.Outputs)
		for _, b := range h.Evidence {
			sb.WriteString(b.Name + "=" + a163Show(b.Value) + "\n")
		}
	}
	return sb.String()
}

// a163Churn allocates and drops objects of the size classes of the
// store's blocks (256 ints or floats, 256 strings, 256 times, bindings),
// filled with garbage, so that a freed block would be written over.
func a163Churn() {
	var sink [][]byte
	for i := range 400 {
		n := []int{2048, 4096, 6144, 16384, 32768}[i%5]
		b := make([]byte, n)
		for j := range b {
			b[j] = 0xA5
		}
		sink = append(sink, b)
		if len(sink) > 40 {
			sink = sink[:0]
		}
	}
	runtime.KeepAlive(sink)
}

// Hits kept from thousands of files, with the store, the envs (whose
// strings, zones and times only the evidence then holds) and every other
// reference dropped, read back the same after the collector runs with
// the heap churned: GC percent 1, runtime.GC, debug.FreeOSMemory.
func TestAdversary163_KeptHitsSurviveCollection_Pinned(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(1))
	src := "ruleset k version 1\n" +
		"rule r {\n  type \"r\"\n  let ss = s\n  let tt = v.t\n  let big = i * 1000 + 7\n  let ff = f + 0.5\n  let label = num(f, 3)\n  let bb = i > 3\n  when i >= 0\n  title \"r {ss} {label}\"\n}\n" +
		"table c hit collect {\n  type \"c\"\n  let big = i * 7000\n  in i, s\n  row >= 0, - => title \"row {i}\"\n" +
		"  row -, - => title \"all\"\n}\n"
	rs := a163Compile[a163Env](t, src, dsl.WithReadEvidence())
	st := new(dsl.HitStore)
	var kept [][]dsl.Hit
	var want []string
	for fi := range 2500 {
		env := a163Env{I: fi, F: float64(fi) / 8, S: strings.Repeat(string(rune('a'+fi%26)), 1+fi%40) + strconv.Itoa(fi),
			V: a163Inner{T: time.Date(2026, 1, 1+fi%28, fi%24, 0, 0, fi, time.FixedZone("Z"+strconv.Itoa(fi), 60*(fi%600)))}}
		p, err := rs.AppendEvalWith(context.Background(), nil, env, a163Now, dsl.EvalOptions{})
		if err != nil {
			t.Fatal(err)
		}
		q, err := rs.AppendEvalWith(context.Background(), nil, env, a163Now, dsl.EvalOptions{Store: st})
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, a163Snapshot(p))
		if fi%3 != 1 { // keep two of three files' hits, drop the rest
			kept = append(kept, q)
		} else {
			kept = append(kept, nil)
		}
	}
	st = nil
	runtime.GC()
	a163Churn()
	runtime.GC()
	debug.FreeOSMemory()
	a163Churn()
	runtime.GC()
	for i, hs := range kept {
		if hs == nil {
			continue
		}
		if got := a163Snapshot(hs); got != want[i] {
			t.Fatalf("file %d after collection:\n%s\nwant\n%s", i, got, want[i])
		}
	}
	runtime.KeepAlive(st)
}

// Hits a worker hands to other goroutines are read there (fmt, json,
// reflect, ==) while the worker goes on laying out later files' evidence
// in the same blocks: no race (run with -race), and every read sees the
// values as made.
func TestAdversary163_HitsReadWhileWorkerGoesOn_Pinned(t *testing.T) {
	rs := a163Compile[a163Env](t, a163Src(), dsl.WithReadEvidence())
	type handed struct {
		fi   int
		hits []dsl.Hit
		want string
	}
	ch := make(chan handed, 4)
	errs := make(chan string, 8)
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for h := range ch {
				for range 2 {
					if got := a163Snapshot(h.hits); got != h.want {
						errs <- fmt.Sprintf("file %d read on another goroutine:\n%s\nwant\n%s", h.fi, got, h.want)
						return
					}
					if _, err := json.Marshal(h.hits); err != nil && !strings.Contains(err.Error(), "unsupported value") {
						errs <- err.Error()
						return
					}
					for _, b := range h.hits[0].Evidence {
						if b.Value != nil && reflect.TypeOf(b.Value).Comparable() {
							_ = b.Value == a163Fresh(b.Value)
						}
					}
				}
			}
		}()
	}
	var st dsl.HitStore
	for fi := range 600 {
		env := a163File(fi)
		q, err := rs.AppendEvalWith(context.Background(), nil, env, a163Now, dsl.EvalOptions{Store: &st})
		if err != nil {
			t.Fatal(err)
		}
		ch <- handed{fi, q, a163Snapshot(q)}
	}
	close(ch)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}

// A collect table of 40 rows, every one matching, each row's hit with
// its table's inputs and lets as evidence, one let reading another
// rule's decision (id.out) and one a failing index: with a store, as
// without, and as Explain.
func TestAdversary163_CollectRowsAndDecisions_Pinned(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("ruleset c version 1\n" +
		"rule base {\n  type \"b\"\n  emit false\n  when i > -1000\n  output band i > 10 ? \"high\" : \"low\"\n  output amount f * 2\n}\n" +
		"table many hit collect {\n  type \"m\"\n  let band = base.band ?? \"none\"\n  let amount = base.amount ?? -1.0\n  let big = i * 100000\n  let when = v.t\n  let bad = xs[i]\n  let f2 = f / 3\n  in i, f, s, v.t\n")
	for r := range 40 {
		fmt.Fprintf(&sb, "  row -, -, -, - => title \"row %d {i} {f2}\"\n", r)
	}
	sb.WriteString("}\n")
	rs := a163Compile[a163Env](t, sb.String(), dsl.WithReadEvidence())
	var st dsl.HitStore
	for fi := range 80 {
		env := a163File(fi)
		p, perr := rs.AppendEvalWith(context.Background(), nil, env, a163Now, dsl.EvalOptions{})
		q, qerr := rs.AppendEvalWith(context.Background(), nil, env, a163Now, dsl.EvalOptions{Store: &st})
		if fmt.Sprint(perr) != fmt.Sprint(qerr) || a163Snapshot(p) != a163Snapshot(q) {
			t.Fatalf("file %d: without a store %v\n%s\nwith %v\n%s", fi, perr, a163Snapshot(p), qerr, a163Snapshot(q))
		}
		if qerr == nil && len(q) != 40 {
			t.Fatalf("file %d: %d hits", fi, len(q))
		}
		if fi%10 == 0 {
			x, err := rs.Explain("many", env, a163Now)
			if err != nil {
				t.Fatal(err)
			}
			if a163Snapshot(x.Hits) != a163Snapshot(q) {
				t.Fatalf("file %d: Explain\n%s\nEval with a store\n%s", fi, a163Snapshot(x.Hits), a163Snapshot(q))
			}
		}
	}
}

// Budgets exhausted part-way through the evidence (a memory budget the
// format built-ins' text and a repeat() spend) and a context cancelled by
// a host function inside the evidence: with a store, the same values,
// nils and errors as without.
func TestAdversary163_BudgetsAndCancellation_Pinned(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("ruleset b version 1\nrule r {\n  type \"r\"\n")
	for k := range 30 {
		switch k % 5 {
		case 0:
			fmt.Fprintf(&sb, "  let a%d = num(f * %d, 2)\n", k, k+1)
		case 1:
			fmt.Fprintf(&sb, "  let a%d = repeat('x', i %% 50 * %d)\n", k, k)
		case 2:
			fmt.Fprintf(&sb, "  let a%d = f * %d\n", k, k)
		case 3:
			fmt.Fprintf(&sb, "  let a%d = pct(f, 3)\n", k)
		case 4:
			fmt.Fprintf(&sb, "  let a%d = stop(i) + %d\n", k, k*1000)
		}
	}
	sb.WriteString("  title \"t {i}\"\n}\nrule after {\n  type \"a\"\n  let z = i * 1000\n  title \"after\"\n}\n")
	for _, budget := range []int{40, 90, 200, 100000} {
		for _, stopAt := range []int{0, 1, 3, 6} {
			run := func(store *dsl.HitStore, env a163Env) ([]dsl.Hit, error) {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				calls := 0
				rs := a163Compile[a163Env](t, sb.String(), dsl.WithLimits(dsl.Limits{MemoryBudget: budget}),
					dsl.WithFunc1("stop", func(i int) int {
						if calls++; calls == stopAt {
							cancel()
						}
						return i * 1000
					}))
				return rs.AppendEvalWith(ctx, nil, env, a163Now, dsl.EvalOptions{Store: store})
			}
			st := new(dsl.HitStore)
			for fi := range 12 {
				env := a163File(fi)
				p, perr := run(nil, env)
				q, qerr := run(st, env)
				if fmt.Sprint(perr) != fmt.Sprint(qerr) || a163Snapshot(p) != a163Snapshot(q) {
					t.Fatalf("budget %d stop %d file %d: without a store %v\n%s\nwith %v\n%s", budget, stopAt, fi, perr, a163Snapshot(p), qerr, a163Snapshot(q))
				}
				if stopAt > 0 && qerr != nil && !errors.Is(qerr, dsl.ErrCancelled) && !errors.Is(qerr, context.Canceled) {
					t.Logf("budget %d stop %d: %v", budget, stopAt, qerr)
				}
			}
		}
	}
}

type a163AdvFile struct {
	A int       `expr:"a"`
	F float64   `expr:"f"`
	S string    `expr:"s"`
	T time.Time `expr:"t"`
	G a163GBP   `expr:"g"`
	U uint64    `expr:"u"`
}

// advisory's batch, 1 and 4 workers, EvaluateAll and EvaluateEach, gives
// each file the alerts Evaluate gives it alone, evidence of every kind
// the store lays out included; EvaluateEach's alerts are read on other
// goroutines while the workers go on (race-free under -race), and again
// once the batch is done and the collector has run.
func TestAdversary163_AdvisoryBatchEvidence_Pinned(t *testing.T) {
	src := `ruleset adv version 1
rule big {
  type "a.big"
  let half = a / 2
  let scaled = a * 1000
  let small = a % 200
  let label = num(f, 2)
  let when = t
  let money = g
  let huge = u
  let nanny = f * 0 / 0
  let words = s + "!"
  let x1 = a * 1000
  let x2 = a * 1001
  when a > 2
  title "big {a} {label}"
}
table band hit collect {
  type "a.band"
  let x = a * -300
  in a, f, t
  row > 5, -, - => title "over five {f}"
  row -, < 0.5, - => title "low {a}"
}
`
	fw, err := advisory.Compile[a163AdvFile]([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	const n = 700
	files := make([]a163AdvFile, n)
	for i := range files {
		files[i] = a163AdvFile{A: i%131*7 - 20, F: float64(i%17) / 16, S: strings.Repeat("s", i%50) + strconv.Itoa(i),
			T: time.Date(2026, 1, 1, 0, 0, i, 0, time.FixedZone("Q"+strconv.Itoa(i), 60*(i%30))), G: a163GBP(i) / 4,
			U: uint64(i) << (i % 64)}
	}
	seq := func(yield func(advisory.Item[a163AdvFile]) bool) {
		for i, f := range files {
			if !yield(advisory.Item[a163AdvFile]{ClientID: "c" + strconv.Itoa(i), File: f}) {
				return
			}
		}
	}
	show := func(as []advisory.Alert) string {
		var sb strings.Builder
		for _, a := range as {
			fmt.Fprintf(&sb, "%s|%s|%s\n", a.ClientID, a.Type, a.Title)
			for _, e := range a.Evidence {
				sb.WriteString(e.Name + "=" + a163Show(e.Value) + "\n")
			}
		}
		return sb.String()
	}
	wantEach := make([]string, n)
	var want strings.Builder
	for i, f := range files {
		as, err := fw.Evaluate("c"+strconv.Itoa(i), f, a163Now)
		if err != nil {
			t.Fatal(err)
		}
		wantEach[i] = show(as)
		want.WriteString(wantEach[i])
	}
	for _, workers := range []int{1, 4} {
		res := fw.EvaluateAll(context.Background(), seq, a163Now, advisory.BatchOptions{Workers: workers})
		if got := show(res.Alerts); got != want.String() {
			t.Fatalf("workers %d: EvaluateAll differs from Evaluate file by file:\n%s", workers, cmp.Diff(want.String(), got))
		}
		// The batch's alerts' evidence is laid out in its workers' stores:
		// x1 and x2, ints past 255, one after the other.
		adjacent := 0
		for _, a := range res.Alerts {
			var p1, p2 unsafe.Pointer
			for _, e := range a.Evidence {
				switch e.Name {
				case "x1":
					p1 = a163Data(e.Value)
				case "x2":
					p2 = a163Data(e.Value)
				}
			}
			if p1 != nil && uintptr(p2)-uintptr(p1) == 8 {
				adjacent++
			}
		}
		if adjacent < 100 {
			t.Fatalf("workers %d: only %d alerts' x1 and x2 laid out side by side: the store's path was not taken", workers, adjacent)
		}
		got := make([][]advisory.Alert, n)
		var wg sync.WaitGroup
		bad := make(chan string, n)
		fw.EvaluateEach(context.Background(), seq, a163Now, advisory.BatchOptions{Workers: workers}, func(fa advisory.FileAlerts) {
			got[fa.Index] = fa.Alerts
			wg.Add(1)
			go func(i int, as []advisory.Alert) {
				defer wg.Done()
				if s := show(as); s != wantEach[i] {
					bad <- fmt.Sprintf("file %d read while the batch went on:\n%s\nwant\n%s", i, s, wantEach[i])
				}
				if _, err := json.Marshal(as); err != nil {
					bad <- err.Error()
				}
			}(fa.Index, fa.Alerts)
		})
		wg.Wait()
		close(bad)
		for b := range bad {
			t.Fatalf("workers %d: %s", workers, b)
		}
		runtime.GC()
		a163Churn()
		runtime.GC()
		for i := range got {
			if s := show(got[i]); s != wantEach[i] {
				t.Fatalf("workers %d file %d after the batch and a collection:\n%s\nwant\n%s", workers, i, s, wantEach[i])
			}
		}
	}
}

// Was (fixed): mem.Boxed's contract named the types it must not be given
// as "pointer-shaped (a pointer, map, chan or func ...)", but the runtime
// stores more types directly in an interface's data word: a struct whose
// one field is pointer-shaped, an array of one such element, and
// unsafe.Pointer. Boxed given one of those, which its doc allowed (and
// which nothing checked: neither that T was not direct nor that like held
// a T), returned an interface whose value was the slot's address, not the
// slot's value. No caller passed such a T (the store passes int, float64,
// string and time.Time).
// Got before the fix: Boxed(any(struct{p *int}{}), &slot).p ==
// (*int)(&slot), not slot.p; likewise for [1]*int and unsafe.Pointer.
// Fixed: Boxed takes T from a closed type set (mem.Boxable: int, float64,
// string, time.Time) and its type word from T itself, so neither a direct
// type nor a mismatched like compiles. Pinned: every type of the set is
// held by an interface through the value's address, the premise Boxed
// rests on.
func TestAdversary163_BoxedContractDirectTypes_Pinned(t *testing.T) {
	x, f, s, tm := 1<<40, 2.5, "held", time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		box  any
		slot unsafe.Pointer
	}{
		{"int", mem.Boxed(&x), unsafe.Pointer(&x)},
		{"float64", mem.Boxed(&f), unsafe.Pointer(&f)},
		{"string", mem.Boxed(&s), unsafe.Pointer(&s)},
		{"time.Time", mem.Boxed(&tm), unsafe.Pointer(&tm)},
	} {
		if a163Data(c.box) != c.slot {
			t.Errorf("a boxed %s's data word is not its slot's address: the type is held directly, and Boxed must not take it", c.name)
		}
	}
}

// The types the store does pass keep their values through Boxed, and a
// bool or a small int is never laid out (the runtime's own boxes).
func TestAdversary163_BoxedStoreTypes_Pinned(t *testing.T) {
	loc := time.FixedZone("W", 5400)
	ints := []int{-1, 256, math.MaxInt, math.MinInt}
	floats := []float64{math.Copysign(0, -1), math.Inf(1), math.SmallestNonzeroFloat64}
	strs := []string{"", strings.Repeat("€", 1000)}
	times := []time.Time{{}, time.Date(1, 1, 1, 0, 0, 0, 1, loc), time.Now()}
	for i := range ints {
		if b := mem.Boxed(&ints[i]); b != any(ints[i]) || a163Show(b) != a163Show(ints[i]) {
			t.Errorf("int %d: %#v", ints[i], b)
		}
	}
	for i := range floats {
		if b := mem.Boxed(&floats[i]); b != any(floats[i]) || math.Signbit(b.(float64)) != math.Signbit(floats[i]) {
			t.Errorf("float %v: %#v", floats[i], b)
		}
	}
	for i := range strs {
		if b := mem.Boxed(&strs[i]); b != any(strs[i]) {
			t.Errorf("string %q: %#v", strs[i], b)
		}
	}
	for i := range times {
		b := mem.Boxed(&times[i])
		if b != any(times[i]) || a163Show(b) != a163Show(times[i]) || !b.(time.Time).Equal(times[i]) {
			t.Errorf("time %v: %v", times[i], b)
		}
	}
}
