package valuetext

import (
	"strings"
	"testing"
	"time"
)

// Promise: equal content → equal text, deterministically. Broken: past the
// 4,096-part budget, map entries are written (via sub) in the map's random
// iteration order, so which entries get text before the budget runs out
// varies from call to call. Minimal input: map[int]int with 5,000 entries.
func TestAdversary30_MapPastBudgetNondeterministic(t *testing.T) {
	m := map[int]int{}
	for i := range 5000 {
		m[i] = i
	}
	first := Text(m)
	for range 20 {
		if Text(m) != first {
			t.Fatalf("one map past the budget wrote two different texts")
		}
	}
}

// Promise: different content → different text past the cut. Broken: the
// digest hashes a complex number as v.String() ("<complex128 Value>"), so
// values differing only in a late complex element share text. Minimal
// input: 5,000 ints then complex(1,0) vs complex(2,0).
func TestAdversary30_DigestIgnoresComplex(t *testing.T) {
	a, b := make([]any, 5001), make([]any, 5001)
	for i := range 5000 {
		a[i], b[i] = i, i
	}
	a[5000], b[5000] = complex(1, 0), complex(2, 0)
	if Text(a) == Text(b) {
		t.Fatalf("values differing in their last complex element have one text")
	}
}

// Promise: different content → different text. Broken: past maxDepth
// (1,000 levels, i.e. 500 nestings of []any) both the text and the digest
// stop, so two nestings differing only in their leaf share text.
// Minimal input: 600 levels of []any{…} around 1 vs around 2.
func TestAdversary30_DeepNestingSameText(t *testing.T) {
	a, b := any(1), any(2)
	for range 600 {
		a, b = []any{a}, []any{b}
	}
	if Text(a) == Text(b) {
		t.Fatalf("two nestings differing in their leaf have one text")
	}
}

// Promise: bounded memory for any value. Broken: past the budget the slice
// loop still writes a comma per element. Minimal input: make([]int, 4e6).
func TestAdversary30_WideSliceTextUnbounded(t *testing.T) {
	if n := len(Text(make([]int, 4_000_000))); n > 1<<20 {
		t.Fatalf("a 4e6-element slice wrote %d bytes of text, past any budget", n)
	}
}

// Promise: bounded memory for huge strings. Broken: a string is one part and
// is quoted whole. Minimal input: an 8 MiB string.
func TestAdversary30_HugeStringTextUnbounded(t *testing.T) {
	if n := len(Text(strings.Repeat("x", 8<<20))); n > 1<<20 {
		t.Fatalf("an 8 MiB string wrote %d bytes of text", n)
	}
}

type withTime struct{ at time.Time }

// Promise: times as instant + offset + zone, monotonic readings ignored.
// Broken: a time.Time in an unexported field cannot Interface, so it is
// written field by field (wall, ext, loc), monotonic bits included.
// Minimal input: withTime{now} vs withTime{now.Round(0)}.
func TestAdversary30_UnexportedTimeMonotonic(t *testing.T) {
	now := time.Now()
	if a, b := Text(withTime{now}), Text(withTime{now.Round(0)}); a != b {
		t.Fatalf("one instant in an unexported field, with and without a monotonic reading:\n%s\n%s", a, b)
	}
}

// Promise: every part with its type; different content → different text.
// Broken: a pointer writes "&" and an interface writes "&", and a pointer's
// type is never written, so *any holding 1 and **int pointing at 1 collide.
func TestAdversary30_PointerInterfaceAmbiguity(t *testing.T) {
	var x any = 1
	one := 1
	p := &one
	a, b := []any{&x}, []any{&p}
	if Text(a) == Text(b) {
		t.Fatalf("[]any{*any→1} and []any{**int→1} have one text %s", Text(a))
	}
}

// Promise: shared vs copied parts give equal text (past the cut too).
// Broken: the digest memoizes a part's sum even when it contains a
// back-reference by depth to an ancestor, then reuses that sum at another
// depth where Text writes a different ↺ count. Minimal input:
// A = []any{X, []any{X}, pad} with X = []any{A}, vs the same with two
// separate copies of X; pad = 5,000 ints to pass the budget.
func TestAdversary30_DigestMemoSharedVsCopied(t *testing.T) {
	pad := make([]int, 5000)
	shared := make([]any, 3)
	x := []any{shared}
	shared[0], shared[1], shared[2] = x, []any{x}, pad
	copied := make([]any, 3)
	copied[0], copied[1], copied[2] = []any{copied}, []any{[]any{copied}}, pad
	if a, b := Text(shared), Text(copied); a != b {
		t.Fatalf("shared and copied parts of one shape: texts end %q and %q", a[len(a)-20:], b[len(b)-20:])
	}
}

// Promise: pointers followed, never addresses. Broken: a chan (and func,
// unsafe pointer) is written with %v, its address. Minimal input: two
// empty chan int.
func TestAdversary30_ChanWritesAddress(t *testing.T) {
	if a := Text(make(chan int)); strings.Contains(a, "0x") {
		t.Fatalf("a chan's text holds its address: %s", a)
	}
}
