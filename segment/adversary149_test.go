package segment_test

// Adversary round 149: thresholds as text, hostile books, order.

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/internal/testguard"
	"github.com/engagekit/engagekit/segment"
)

const adv149Limit = 20 * time.Second

// Was (fixed): Threshold.String and Threshold.MarshalText disagree for a share
// Top refuses (above 1). MarshalText is documented to write "the
// threshold as its String does ... exactly", and String to write "the
// share as the decimal Top reads it (0.55 is "top 55%", not the float's
// 55.00000000000001)"; for a share outside (0, 1] String falls back to
// %g of share*100, which shows the float's noise, and for a large share
// overflows to +Inf: the text names a threshold it is not (a finite share
// described as an infinite one), and it is what an error or a log shows.
// Input: Top(1.1), Top(1e307).
// Expected: String() == MarshalText(): "top 110%", and the exact finite
// decimal MarshalText writes for 1e307 (1 followed by 309 zeros, "%").
// Got before the fix: String "top 110.00000000000001%" and "top +Inf%", while
// MarshalText writes "top 110%" and the 310-digit decimal.
func TestAdversary149_ThresholdStringDisagreesWithText_Pinned(t *testing.T) {
	for _, th := range []segment.Threshold{segment.Top(1.1), segment.Top(1e307)} {
		b, err := th.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		if s := th.String(); s != string(b) {
			t.Errorf("String %q, MarshalText %q: documented to be one text", s, b)
		}
	}
}

// Pinned: thresholds as text. Every edge (signed zeros, subnormals,
// MaxFloat64, NaN, ±Inf, shares refused when resolved) reads back as the
// threshold it was; text that looks octal or hexadecimal is read as its
// decimal or hex value exactly (never "010" as 8); and a Grid of such
// thresholds survives JSON.
func TestAdversary149_ThresholdTextPinned(t *testing.T) {
	edges := []float64{0, math.Copysign(0, -1), 5e-324, -5e-324, math.SmallestNonzeroFloat64 * 3, 2.2250738585072014e-308,
		0.1, 0.55, 1.0 / 3, 1, 1.0000000000000002, 1.1, 100, 1e307, math.MaxFloat64, -math.MaxFloat64, math.NaN(), math.Inf(1), math.Inf(-1)}
	same := func(a, b segment.Threshold) bool {
		ab, _ := a.MarshalText()
		bb, _ := b.MarshalText()
		return string(ab) == string(bb)
	}
	for _, v := range edges {
		for _, th := range []segment.Threshold{segment.At(v), segment.Top(v)} {
			b, err := th.MarshalText()
			if err != nil {
				t.Fatalf("%v: %v", th, err)
			}
			var back segment.Threshold
			if err := back.UnmarshalText(b); err != nil || !same(back, th) {
				t.Errorf("%q read back as %v (%v)", b, back, err)
			}
			g := segment.Grid{Profit: th, Engagement: th}
			js, err := json.Marshal(g)
			if err != nil {
				t.Fatalf("%q: %v", b, err)
			}
			var gb segment.Grid
			if err := json.Unmarshal(js, &gb); err != nil || !same(gb.Profit, th) || !same(gb.Engagement, th) {
				t.Errorf("grid %s read back as %v (%v)", js, gb, err)
			}
		}
	}
	for text, want := range map[string]segment.Threshold{"top 010%": segment.Top(0.1), "≥ 010": segment.At(10), "top 55%": segment.Top(0.55),
		">= -0": segment.At(math.Copysign(0, -1)), "top 0x10%": segment.Top(0.16), "  top   40 %  ": segment.Top(0.4)} {
		var th segment.Threshold
		if err := th.UnmarshalText([]byte(text)); err != nil || th != want {
			t.Errorf("%q read as %v (%v), want %v", text, th, err, want)
		}
	}
}

// Pinned: a hostile book (NaN, ±Inf, MaxFloat64 money whose difference
// overflows, -0 engagement, duplicate and empty ids, ties at a top
// share's cut) drops no client, and its assignments do not depend on the
// order of the book (each client's segment and reason are the same
// reversed, the cut too, once duplicates are distinct).
func TestAdversary149_HostileBookOrderPinned(t *testing.T) {
	book := []segment.Client{
		{ID: "nan", Revenue: math.NaN()},
		{ID: "inf", CostToServe: math.Inf(1)},
		{ID: "over", Revenue: math.MaxFloat64, CostToServe: -math.MaxFloat64},
		{ID: "max", Revenue: math.MaxFloat64, Engagement: 1},
		{ID: "min", Revenue: -math.MaxFloat64, Engagement: 1},
		{ID: "negzero", Revenue: 5, CostToServe: 5, Engagement: math.Copysign(0, -1)},
		{ID: ""},
		{ID: "t1", Revenue: 10, Engagement: 0.5},
		{ID: "t2", Revenue: 10, Engagement: 0.5},
		{ID: "t3", Revenue: 10, Engagement: 0.5},
		{ID: "hi", Revenue: 20, Engagement: 0.9},
		{ID: "zero", Revenue: 1},
	}
	grid := segment.Grid{Profit: segment.Top(0.25), Engagement: segment.Top(0.5)}
	testguard.Run(t, adv149Limit, func() {
		fwd, err := grid.AssignAll(t.Context(), book)
		if err != nil {
			t.Fatal(err)
		}
		rev := slices.Clone(book)
		slices.Reverse(rev)
		bwd, err := grid.AssignAll(t.Context(), rev)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range []segment.Book{fwd, bwd} {
			if c := b.Counts; c.In != len(book) || c.OK+c.Failed+c.Cancelled != c.In || c.OK != len(b.Assignments) || c.Failed != len(b.Failed) {
				t.Errorf("counts %+v, %d assignments, %d failed", c, len(b.Assignments), len(b.Failed))
			}
		}
		if fwd.Cut != bwd.Cut {
			t.Errorf("cut %+v forwards, %+v reversed", fwd.Cut, bwd.Cut)
		}
		byID := map[string]segment.Assignment{}
		for _, a := range fwd.Assignments {
			byID[a.ClientID] = a
		}
		for _, a := range bwd.Assignments {
			if !reflect.DeepEqual(byID[a.ClientID], a) {
				t.Errorf("%q: %+v forwards, %+v reversed", a.ClientID, byID[a.ClientID], a)
			}
		}
		if a := byID["negzero"]; a.Segment != segment.B && a.Segment != segment.D || math.Signbit(a.Engagement) {
			t.Errorf("negzero: %+v", a)
		}
		js, err := json.Marshal(fwd)
		if err != nil {
			t.Fatal(err)
		}
		var back segment.Book
		if err := json.Unmarshal(js, &back); err != nil {
			t.Fatal(err)
		}
		js2, _ := json.Marshal(back)
		if string(js2) != string(js) {
			t.Errorf("book JSON does not round trip:\n%s\n%s", js, js2)
		}
	})
}
