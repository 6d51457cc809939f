package advisory_test

// Adversary 137: the rule-file analysis (rulefile.Analyze) held to the
// compiled framework (advisory.Compile) by brute force. Each case is one
// rule file of one rule, tree or table over e137; the analysis's
// unreachable-branch and unreachable-row findings are compared with the
// paths the compiled rule takes over a grid of client files (nil parents,
// boundaries ±1 and ±0.5, zero, negatives), and its gap and overlap
// witnesses are turned into client files and evaluated.

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/dsl/rulefile"
	"github.com/engagekit/engagekit/internal/testguard"
)

type q137 struct {
	C float64  `expr:"c"`
	D *float64 `expr:"d"`
}

type p137 struct {
	V float64  `expr:"v"`
	W *float64 `expr:"w"`
	S string   `expr:"s"`
	Q *q137    `expr:"q"`
}

type e137 struct {
	X  float64  `expr:"x"`
	Y  float64  `expr:"y"`
	N  int      `expr:"n"`
	B  bool     `expr:"b"`
	S  string   `expr:"s"`
	O  *float64 `expr:"o"`
	PB *bool    `expr:"pb"`
	P  *p137    `expr:"p"`
}

var now137 = time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)

func f137(v float64) *float64 { return &v }
func b137(v bool) *bool       { return &v }

// nums137 are the number boundaries every axis visits: ±1, ±0.5 around
// the literals the cases use (0, 1, 2), zero and negatives.
var nums137 = []float64{-3, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3, 4}

// axes137 are the grid's axes by name: each a list of setters, applied in
// the order named (a parent before its fields; a field's setter does
// nothing under a nil parent).
func axes137(name string) []func(*e137) {
	var out []func(*e137)
	numbers := func(set func(*e137, float64)) {
		for _, v := range nums137 {
			out = append(out, func(e *e137) { set(e, v) })
		}
	}
	switch name {
	case "x":
		numbers(func(e *e137, v float64) { e.X = v })
	case "y":
		numbers(func(e *e137, v float64) { e.Y = v })
	case "n":
		for _, v := range []int{-3, -2, -1, 0, 1, 2, 3, 4} {
			out = append(out, func(e *e137) { e.N = v })
		}
	case "b":
		out = append(out, func(e *e137) { e.B = false }, func(e *e137) { e.B = true })
	case "s":
		for _, v := range []string{"", "a", "a\x00", "ab", "b", "c"} {
			out = append(out, func(e *e137) { e.S = v })
		}
	case "o":
		out = append(out, func(e *e137) { e.O = nil })
		numbers(func(e *e137, v float64) { e.O = f137(v) })
	case "pb":
		out = append(out, func(e *e137) { e.PB = nil }, func(e *e137) { e.PB = b137(false) }, func(e *e137) { e.PB = b137(true) })
	case "p":
		out = append(out, func(e *e137) { e.P = nil }, func(e *e137) { e.P = &p137{} })
	case "p.v":
		numbers(func(e *e137, v float64) {
			if e.P != nil {
				e.P.V = v
			}
		})
	case "p.w":
		out = append(out, func(e *e137) {
			if e.P != nil {
				e.P.W = nil
			}
		})
		numbers(func(e *e137, v float64) {
			if e.P != nil {
				e.P.W = f137(v)
			}
		})
	case "p.s":
		for _, v := range []string{"", "a", "ab", "b"} {
			out = append(out, func(e *e137) {
				if e.P != nil {
					e.P.S = v
				}
			})
		}
	case "p.q":
		out = append(out, func(e *e137) {
			if e.P != nil {
				e.P.Q = nil
			}
		}, func(e *e137) {
			if e.P != nil {
				e.P.Q = &q137{}
			}
		})
	case "p.q.c":
		numbers(func(e *e137, v float64) {
			if e.P != nil && e.P.Q != nil {
				e.P.Q.C = v
			}
		})
	default:
		panic("no axis " + name)
	}
	return out
}

// grid137 is every client file over the named axes.
func grid137(names ...string) []e137 {
	files := []e137{{}}
	for _, n := range names {
		var next []e137
		for _, f := range files {
			for _, set := range axes137(n) {
				g := f
				if f.P != nil { // a copy of the parent, so setters do not share it
					p := *f.P
					if p.Q != nil {
						q := *p.Q
						p.Q = &q
					}
					g.P = &p
				}
				set(&g)
				next = append(next, g)
			}
		}
		files = next
	}
	return files
}

func (e e137) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "{x=%v y=%v n=%v b=%v s=%q", e.X, e.Y, e.N, e.B, e.S)
	if e.O != nil {
		fmt.Fprintf(&b, " o=%v", *e.O)
	} else {
		b.WriteString(" o=nil")
	}
	if e.PB != nil {
		fmt.Fprintf(&b, " pb=%v", *e.PB)
	} else {
		b.WriteString(" pb=nil")
	}
	if e.P == nil {
		b.WriteString(" p=nil}")
		return b.String()
	}
	fmt.Fprintf(&b, " p={v=%v s=%q", e.P.V, e.P.S)
	if e.P.W != nil {
		fmt.Fprintf(&b, " w=%v", *e.P.W)
	} else {
		b.WriteString(" w=nil")
	}
	if e.P.Q == nil {
		b.WriteString(" q=nil}}")
	} else {
		fmt.Fprintf(&b, " q={c=%v}}}", e.P.Q.C)
	}
	return b.String()
}

// outcome137 is what the compiled rule did with one file: the path it
// took ("branch 1/else", "row 2", "" for a plain rule's own statements),
// "fail" for an evaluation error, "none" for no decision.
func outcome137(fw *advisory.Framework[e137], e e137) string {
	alerts, err := fw.Evaluate("c", e, now137)
	switch {
	case err != nil:
		return "fail"
	case len(alerts) == 0:
		return "none"
	}
	paths := make([]string, len(alerts))
	for i, a := range alerts {
		paths[i] = a.Path
	}
	return strings.Join(paths, "+")
}

// report137 is the analysis's findings and the grid's outcomes for one
// rule file.
type report137 struct {
	findings   []rulefile.Finding
	unreach    map[string]bool           // labels reported unreachable (branch or row)
	seen       map[string]e137           // each outcome, with a file that gave it
	fw         *advisory.Framework[e137] // the compiled file
	findingTxt string
}

const header137 = "ruleset adv137 version 1\n"

func analyze137(t *testing.T, body string, axes ...string) *report137 {
	t.Helper()
	src := header137 + body
	f, err := rulefile.Parse([]byte(src))
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, src)
	}
	fw, err := advisory.Compile[e137]([]byte(src))
	if err != nil {
		t.Fatalf("compile: %v\n%s", err, src)
	}
	r := &report137{unreach: map[string]bool{}, seen: map[string]e137{}, fw: fw}
	r.findings = rulefile.Analyze(f)
	var lines []string
	for _, fd := range r.findings {
		lines = append(lines, fmt.Sprintf("  %s %v %s witness=%v", fd.Code, fd.Related, fd.Message, fd.Witness))
		if (fd.Code == "unreachable-branch" || fd.Code == "unreachable-row") && len(fd.Related) > 0 {
			r.unreach[fd.Related[0]] = true
		}
	}
	r.findingTxt = strings.Join(lines, "\n")
	for _, e := range grid137(axes...) {
		o := outcome137(fw, e)
		if _, ok := r.seen[o]; !ok {
			r.seen[o] = e
		}
	}
	return r
}

func (r *report137) outcomes() string {
	var out []string
	for o, e := range r.seen {
		out = append(out, fmt.Sprintf("  %q e.g. %v", o, e))
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// sound checks that no label reported unreachable is ever taken.
func (r *report137) sound(t *testing.T, body string) {
	t.Helper()
	for label := range r.unreach {
		for o, e := range r.seen {
			for _, p := range strings.Split(o, "+") {
				if p == label {
					t.Errorf("%s reported unreachable, but the compiled rule takes it at %v\nfile:\n%s\nfindings:\n%s", label, e, body, r.findingTxt)
				}
			}
		}
	}
}

// taken reports whether the grid saw the label taken.
func (r *report137) taken(label string) bool {
	for o := range r.seen {
		for _, p := range strings.Split(o, "+") {
			if p == label {
				return true
			}
		}
	}
	return false
}

// case137 is one rule file with the labels that by reasoning no input
// takes (each also never taken on the grid) and the labels the grid must
// see taken.
type case137 struct {
	name      string
	body      string
	axes      []string
	never     []string // unreachable by reasoning: must be reported
	reachable []string // must not be reported (and the grid takes them)
}

func check137(t *testing.T, c case137) {
	t.Helper()
	testguard.Run(t, 60*time.Second, func() {
		r := analyze137(t, c.body, c.axes...)
		r.sound(t, c.body)
		for _, l := range c.never {
			if r.taken(l) {
				t.Errorf("%s: the case says %s is never taken, but the grid takes it (the case is wrong)\n%s", c.name, l, r.outcomes())
				continue
			}
			if !r.unreach[l] {
				t.Errorf("%s: %s is taken by no input (never on the grid: outcomes\n%s\n), and the analysis does not report it\nfile:\n%s\nfindings:\n%s", c.name, l, r.outcomes(), c.body, r.findingTxt)
			}
		}
		for _, l := range c.reachable {
			if !r.taken(l) {
				t.Errorf("%s: the case says %s is taken, but the grid never takes it\n%s", c.name, l, r.outcomes())
			}
		}
	})
}

func tree137(when string, branches ...string) string {
	var b strings.Builder
	b.WriteString("rule r {\n  type \"t\"\n")
	if when != "" {
		b.WriteString("  when " + when + "\n")
	}
	for i, c := range branches {
		if c == "else" {
			b.WriteString("  else {\n    title \"else\"\n  }\n")
			continue
		}
		fmt.Fprintf(&b, "  branch %s {\n    title \"b%d\"\n  }\n", c, i+1)
	}
	b.WriteString("}\n")
	return b.String()
}

// file137 builds the client file a witness names, or says why e137 cannot
// hold it. Keys are paths as written (p?.v is p.v); AnyValue is a set
// value (a parent made, a number 7).
func file137(w map[string]any) (e137, string) {
	var e e137
	keys := make([]string, 0, len(w))
	for k := range w {
		keys = append(keys, k)
	}
	// parents first
	sort.Slice(keys, func(i, j int) bool {
		pi, pj := strings.Replace(keys[i], "?", "", -1), strings.Replace(keys[j], "?", "", -1)
		if strings.Count(pi, ".") != strings.Count(pj, ".") {
			return strings.Count(pi, ".") < strings.Count(pj, ".")
		}
		return pi < pj
	})
	nilP, nilQ := false, false
	num := func(v any) (float64, bool) {
		switch x := v.(type) {
		case float64:
			return x, true
		case rulefile.AnyValue:
			return 7, true
		}
		return 0, false
	}
	for _, k := range keys {
		v := w[k]
		path := strings.Replace(k, "?", "", -1)
		needP := func() string {
			if nilP {
				return "a field of p with p nil"
			}
			if e.P == nil {
				e.P = &p137{}
			}
			return ""
		}
		if v == nil && (path == "x" || path == "y" || path == "n" || path == "s" || path == "b") {
			return e, typeless137
		}
		switch path {
		case "x", "y", "o":
			n, ok := num(v)
			if path == "o" && v == nil {
				e.O = nil
				continue
			}
			if !ok {
				return e, fmt.Sprintf("%s = %v", k, v)
			}
			switch path {
			case "x":
				e.X = n
			case "y":
				e.Y = n
			case "o":
				e.O = &n
			}
		case "n":
			n, ok := num(v)
			if !ok || n != float64(int(n)) {
				return e, fmt.Sprintf("%s = %v", k, v)
			}
			e.N = int(n)
		case "s":
			s, ok := v.(string)
			if !ok {
				return e, fmt.Sprintf("%s = %v", k, v)
			}
			e.S = s
		case "b":
			b, ok := v.(bool)
			if !ok {
				return e, fmt.Sprintf("%s = %v", k, v)
			}
			e.B = b
		case "pb":
			switch b := v.(type) {
			case nil:
				e.PB = nil
			case bool:
				e.PB = &b
			default:
				return e, fmt.Sprintf("%s = %v", k, v)
			}
		case "p":
			if v == nil {
				nilP = true
				e.P = nil
			} else if _, ok := v.(rulefile.AnyValue); ok {
				e.P = &p137{}
			} else {
				return e, fmt.Sprintf("%s = %v", k, v)
			}
		case "p.v", "p.w", "p.s", "p.q":
			if v == nil && strings.Contains(k, "?") && w["p"] == nil && !hasKey137(w, "p") {
				nilP, e.P = true, nil // a chain's nil: p is nil
				continue
			}
			if nilP {
				if v == nil {
					continue // read through the nil p
				}
				return e, fmt.Sprintf("%s = %v with p nil", k, v)
			}
			if v == nil && (path == "p.v" || path == "p.s") {
				return e, typeless137
			}
			if why := needP(); why != "" {
				return e, why
			}
			switch path {
			case "p.v":
				n, ok := num(v)
				if !ok {
					return e, fmt.Sprintf("%s = %v", k, v)
				}
				e.P.V = n
			case "p.w":
				if v == nil {
					e.P.W = nil
				} else if n, ok := num(v); ok {
					e.P.W = &n
				} else {
					return e, fmt.Sprintf("%s = %v", k, v)
				}
			case "p.s":
				s, ok := v.(string)
				if !ok {
					return e, fmt.Sprintf("%s = %v", k, v)
				}
				e.P.S = s
			case "p.q":
				if v == nil {
					nilQ = true
					e.P.Q = nil
				} else {
					e.P.Q = &q137{}
				}
			}
		case "p.q.c":
			if nilP || nilQ {
				if v == nil {
					continue
				}
				return e, fmt.Sprintf("%s = %v under a nil parent", k, v)
			}
			needP()
			if e.P.Q == nil {
				e.P.Q = &q137{}
			}
			n, ok := num(v)
			if !ok {
				return e, fmt.Sprintf("%s = %v", k, v)
			}
			e.P.Q.C = n
		default:
			return e, "unknown key " + k
		}
	}
	return e, ""
}

// typeless137 says a witness gives nil to a field of e137 that cannot be
// nil: the analysis knows no types (it takes nil for every value), so
// such a witness is another host type's.
const typeless137 = "typeless"

func hasKey137(w map[string]any, k string) bool { _, ok := w[k]; return ok }

// witnesses137 evaluates each gap and overlap witness: a gap's file must
// take no row without failing ("none"), a unique overlap's must fail (the
// unique table refuses two matching rows).
func (r *report137) witnesses(t *testing.T, body string) {
	t.Helper()
	for _, fd := range r.findings {
		var want string
		switch fd.Code {
		case "table-gap":
			want = "none"
		case "unique-overlap":
			want = "fail"
		default:
			continue
		}
		e, why := file137(fd.Witness)
		if why == typeless137 {
			continue // nil for a field e137 holds no nil in: the analysis knows no types, so every value may be nil
		}
		if why != "" {
			t.Errorf("%s witness %v is no client file of e137 (%s)\nfile:\n%s", fd.Code, fd.Witness, why, body)
			continue
		}
		if got := outcome137(r.fw, e); got != want {
			t.Errorf("%s witness %v as %v: the compiled table gives %q, want %q\nfile:\n%s\nfindings:\n%s", fd.Code, fd.Witness, e, got, want, body, r.findingTxt)
		}
	}
}

// gapSeen: the grid saw a file that the table leaves undecided.
func (r *report137) codes() map[string]bool {
	out := map[string]bool{}
	for _, fd := range r.findings {
		out[fd.Code] = true
	}
	return out
}

type tcase137 struct {
	name      string
	body      string
	axes      []string
	never     []string
	reachable []string
	gap       int // 1: a gap must be reported, -1: must not be, 0: either
}

func tcheck137(t *testing.T, c tcase137) {
	t.Helper()
	testguard.Run(t, 60*time.Second, func() {
		check137(t, case137{name: c.name, body: c.body, axes: c.axes, never: c.never, reachable: c.reachable})
		r := analyze137(t, c.body, c.axes...)
		r.witnesses(t, c.body)
		_, none := r.seen["none"]
		codes := r.codes()
		if c.gap == 1 && !codes["table-gap"] {
			t.Errorf("%s: no gap reported\n%s\n%s", c.name, r.findingTxt, r.outcomes())
		}
		if c.gap == -1 && codes["table-gap"] {
			t.Errorf("%s: a gap reported, none expected\n%s\n%s", c.name, r.findingTxt, r.outcomes())
		}
		if c.gap == 1 && !none {
			t.Errorf("%s: the case says there is a gap, the grid finds none\n%s", c.name, r.outcomes())
		}
	})
}

func table137(hit, when, inputs string, rows ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "table r hit %s {\n  type \"t\"\n", hit)
	if when != "" {
		b.WriteString("  when " + when + "\n")
	}
	b.WriteString("  in " + inputs + "\n")
	for i, row := range rows {
		fmt.Fprintf(&b, "  row %s => title \"r%d\"\n", row, i+1)
	}
	b.WriteString("}\n")
	return b.String()
}

// TestAdversary137_ChainNilEqualityTree_Pinned: a `==` or `!=` of an
// optional chain with a literal fails the compiled rule where the chain's
// parent is nil ("a nil from ?. never decides a comparison"), so under
// `when p?.v != 1` no input has p == nil. The analysis reported nothing for
// branch 1 below in any of these files (fixed): it decided the comparison at grid
// points that pair a nil p with a non-nil p.v (points no input gives; see
// atoms.realizable, which trees never consult), and there its nil check
// reads the path's own value, pt[c.atom], instead of the value read
// through the nil parent (readThrough gives nil, which nil != 1 takes as
// true). Brute force: over p in {nil, set} x p.v (or p.w, p.s, p.q.c) in
// -3..4 by halves, branch 1 is never taken (p nil: "fail"). Expected: an
// unreachable-branch finding for branch 1 (and branch 2 of "deep").
// The fault was cond.eval's condCompare (dsl/rulefile/analyze_cond.go),
// whose nil check read pt[c.atom]; it now tests the value readThrough
// returns.
func TestAdversary137_ChainNilEqualityTree_Pinned(t *testing.T) {
	cases := []case137{
		{name: "ne", body: tree137("p?.v != 1", "p == nil", "else"), axes: []string{"p", "p.v"}, never: []string{"branch 1"}},
		{name: "not-eq", body: tree137("not (p?.v == 1)", "p == nil", "else"), axes: []string{"p", "p.v"}, never: []string{"branch 1"}},
		{name: "eq-or", body: tree137("p?.v == 1 || p == nil", "p == nil", "else"), axes: []string{"p", "p.v"}, never: []string{"branch 1"}},
		{name: "eq-false", body: tree137("(p?.v == 1) == false", "p == nil", "else"), axes: []string{"p", "p.v"}, never: []string{"branch 1"}},
		{name: "string-ne", body: tree137("p?.s != \"a\"", "p == nil", "else"), axes: []string{"p", "p.s"}, never: []string{"branch 1"}},
		{name: "pointer-field", body: tree137("p?.w != 1", "p?.w == nil", "else"), axes: []string{"p", "p.w"}, never: []string{"branch 1"}},
		{name: "deep", body: tree137("p?.q?.c != 1", "p == nil", "p?.q == nil", "else"), axes: []string{"p", "p.q", "p.q.c"}, never: []string{"branch 1", "branch 2"}},
		{name: "deep-not-eq", body: tree137("!(p?.q?.c == 1)", "p?.q == nil", "else"), axes: []string{"p", "p.q", "p.q.c"}, never: []string{"branch 1"}},
		{name: "in-branch", body: tree137("", "p?.v != 1 && p == nil", "else"), axes: []string{"p", "p.v"}, never: []string{"branch 1"}},
		{name: "let", body: "rule r {\n  type \"t\"\n  let v = p?.v\n  when v != 1\n  branch p == nil {\n    title \"b1\"\n  }\n  else {\n    title \"else\"\n  }\n}\n", axes: []string{"p", "p.v"}, never: []string{"branch 1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { check137(t, c) })
	}
}

// TestAdversary137_ChainNilEqualityTable_Pinned: the same in a table's
// when. `when p?.w != 1` fails wherever p?.w is nil (p nil, or p set with
// a nil w), so the row `nil` on input p?.w matches no input the when
// admits; likewise with p?.q?.c. The analysis reported neither row 1
// (fixed): at the point p = nil, p.w = 2 (no input's) its when was true, and the
// input, read through the nil p, is nil. Brute force: row 1 never taken
// (outcomes: "fail" for p nil, "none" for w = 1, "row 2" otherwise).
// Expected: unreachable-row for row 1. The fault was cond.eval's, as
// above (table.observe decides every grid point; only witnesses are
// filtered by realizable).
func TestAdversary137_ChainNilEqualityTable_Pinned(t *testing.T) {
	cases := []tcase137{
		{name: "pointer-field", body: table137("first", "p?.w != 1", "p?.w", "nil", "-"), axes: []string{"p", "p.w"}, never: []string{"row 1"}, reachable: []string{"row 2"}},
		{name: "deep", body: table137("first", "p?.q?.c != 1", "p?.q?.c", "nil", "-"), axes: []string{"p", "p.q", "p.q.c"}, never: []string{"row 1"}, reachable: []string{"row 2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { tcheck137(t, c) })
	}
}

// TestAdversary137_Trees_Pinned: right behaviour. Orderings of a chain's
// nil fail in the analysis as in the rule (`p?.v < 1 || p == nil`:
// branch p == nil reported unreachable); ?? gives a default, so p == nil
// is reachable and not reported; a nil *float64 compared with != 1 is
// true (not a chain: reachable); `not pb` fails on a nil *bool (the branch
// pb == nil is reported). `in`, `not in` and `contains` of a chain are
// opaque to the analysis (doc: "anything else is an opaque part"), so its
// p == nil branch, never taken on the grid, is not reported; no false
// claim is made either.
func TestAdversary137_Trees_Pinned(t *testing.T) {
	cases := []case137{
		{name: "lt-or", body: tree137("p?.v < 1 || p == nil", "p == nil", "else"), axes: []string{"p", "p.v"}, never: []string{"branch 1"}, reachable: []string{"else"}},
		{name: "coalesce", body: tree137("(p?.v ?? 0) != 1", "p == nil", "else"), axes: []string{"p", "p.v"}, reachable: []string{"branch 1", "else"}},
		{name: "nil-pointer-ne", body: tree137("o != 1", "o == nil", "else"), axes: []string{"o"}, reachable: []string{"branch 1", "else"}},
		{name: "bool-pointer-ne", body: tree137("pb != true", "pb == nil", "else"), axes: []string{"pb"}, reachable: []string{"branch 1", "else"}},
		{name: "not-bool-pointer", body: tree137("not pb", "pb == nil", "else"), axes: []string{"pb"}, never: []string{"branch 1"}, reachable: []string{"else"}},
		{name: "eq-nil", body: tree137("p?.v == nil || p?.v > 1", "p == nil", "p?.v > 2", "else"), axes: []string{"p", "p.v"}, reachable: []string{"branch 1", "branch 2", "else"}},
		{name: "boundaries", body: tree137("x >= 1 && x < 2", "x > 1", "x == 1", "else"), axes: []string{"x"}, never: []string{"else"}, reachable: []string{"branch 1", "branch 2"}},
		{name: "negation", body: tree137("-x > 1", "x < -1", "else"), axes: []string{"x"}, reachable: []string{"branch 1"}},
		{name: "in", body: tree137("p?.v in [1, 2]", "p == nil", "else"), axes: []string{"p", "p.v"}, reachable: []string{"else"}},
		{name: "not-in", body: tree137("p?.v not in [1, 2]", "p == nil", "else"), axes: []string{"p", "p.v"}, reachable: []string{"else"}},
		{name: "contains", body: tree137("p?.s contains \"a\"", "p == nil", "else"), axes: []string{"p", "p.s"}, reachable: []string{"else"}},
		{name: "and-or", body: tree137("x > 0 and (y < 0 or b)", "x <= 0", "y >= 0 and not b", "else"), axes: []string{"x", "y", "b"}, never: []string{"branch 1", "branch 2"}, reachable: []string{"else"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { check137(t, c) })
	}
}

// TestAdversary137_Tables_Pinned: gap and overlap witnesses that are
// client files of e137 do what the finding says (a gap's file takes no
// row without failing, a unique overlap's fails the table), and rows
// reported unreachable are never taken. A witness giving nil to a field
// that holds none in e137 (s = nil) is the typeless analysis's, skipped.
func TestAdversary137_Tables_Pinned(t *testing.T) {
	cases := []tcase137{
		{name: "when-other-field", body: table137("first", "p?.v != 1", "p?.s", "\"a\"", "-"), axes: []string{"p", "p.v", "p.s"}, reachable: []string{"row 1", "row 2"}},
		{name: "gap-chain", body: table137("first", "", "p?.v", "> 0", "<= 0"), axes: []string{"p", "p.v"}, gap: 1},
		{name: "nil-cells", body: table137("first", "", "o", "!= nil", "not(nil)", "not(1)", "nil"), axes: []string{"o"}, never: []string{"row 2", "row 3"}, reachable: []string{"row 1", "row 4"}},
		{name: "unique", body: table137("unique", "", "x, y", ">= 1, -", "-, < 1", "< 1, >= 1"), axes: []string{"x", "y"}},
		{name: "unique-chain", body: table137("unique", "", "p?.v, x", ">= 1, -", "nil, -", "-, > 2"), axes: []string{"p", "p.v", "x"}},
		{name: "int-cells", body: table137("first", "", "n", "[1..2)", "> 1.5", "-"), axes: []string{"n"}},
		{name: "string-cells", body: table137("first", "", "s", "< \"a\"", "[\"a\"..\"ab\")", "\"ab\"", "> \"ab\""), axes: []string{"s"}},
		{name: "first-shadowed", body: table137("first", "x > 0", "x", ">= 0", "> 1", "-"), axes: []string{"x"}, never: []string{"row 2", "row 3"}, reachable: []string{"row 1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { tcheck137(t, c) })
	}
}
