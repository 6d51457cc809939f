package segment_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/engagekit/engagekit/segment"
	"pgregory.net/rapid"
)

// A threshold read back from its text is the threshold written: the same
// value or share, bit for bit (NaN, ±Inf and -0 included), so a Grid kept
// as JSON resolves as it did.
func TestThresholdTextRoundTrips(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := rapid.OneOf(rapid.Float64(), rapid.SampledFrom([]float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1),
			0.55, 1.0 / 6, 5e-324, math.MaxFloat64, 1, 1.5, -0.5})).Draw(t, "f")
		th := segment.At(f)
		if rapid.Bool().Draw(t, "top") {
			th = segment.Top(f)
		}
		text, err := th.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back segment.Threshold
		if err := back.UnmarshalText(text); err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if fmt.Sprintf("%#v", back) != fmt.Sprintf("%#v", th) {
			t.Fatalf("%#v wrote %q, read back as %#v", th, text, back)
		}
	})
}

// The documented texts, and a Grid through JSON.
func TestThresholdText(t *testing.T) {
	for _, c := range []struct {
		th   segment.Threshold
		text string
	}{
		{segment.At(1000), "≥ 1000"},
		{segment.At(0.5), "≥ 0.5"},
		{segment.Top(0.4), "top 40%"},
		{segment.Top(0.55), "top 55%"},
		{segment.Top(1.0 / 6), "top 16.666666666666666%"},
	} {
		got, _ := c.th.MarshalText()
		if string(got) != c.text {
			t.Errorf("%v: %q, want %q", c.th, got, c.text)
		}
	}
	for _, text := range []string{">= 1000", " top 40 % ", "top 0.5%"} {
		var th segment.Threshold
		if err := th.UnmarshalText([]byte(text)); err != nil {
			t.Errorf("%q: %v", text, err)
		}
	}
	for _, text := range []string{"", "1000", "top", "top %", "top 40", "≥", "≥ x", "bottom 40%"} {
		var th segment.Threshold
		if err := th.UnmarshalText([]byte(text)); !errors.Is(err, segment.ErrThresholdText) {
			t.Errorf("%q: %v, want ErrThresholdText", text, err)
		}
	}
	g := segment.Grid{Profit: segment.Top(0.2), Engagement: segment.At(0.5)}
	b, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"profit":"top 20%","engagement":"≥ 0.5"}` {
		t.Errorf("Grid as JSON: %s", b)
	}
	var back segment.Grid
	if err := json.Unmarshal(b, &back); err != nil || fmt.Sprintf("%#v", back) != fmt.Sprintf("%#v", g) {
		t.Errorf("Grid read back: %#v, %v; want %#v", back, err, g)
	}
}

// Any text either fails with ErrThresholdText or reads as a threshold
// whose own text reads back to it.
func FuzzThresholdText(f *testing.F) {
	for _, s := range []string{"≥ 1000", ">= -0", "top 40%", "top 16.666666666666666%", "top NaN%", "≥ +Inf", "top 1e400%", "top -0%", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var th segment.Threshold
		if err := th.UnmarshalText([]byte(s)); err != nil {
			if !errors.Is(err, segment.ErrThresholdText) {
				t.Fatalf("%q: %v is not ErrThresholdText", s, err)
			}
			return
		}
		text, err := th.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back segment.Threshold
		if err := back.UnmarshalText(text); err != nil || fmt.Sprintf("%#v", back) != fmt.Sprintf("%#v", th) {
			t.Fatalf("%q read as %#v, written %q, read back as %#v (%v)", s, th, text, back, err)
		}
	})
}
