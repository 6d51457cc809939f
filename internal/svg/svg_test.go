package svg

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

func TestTicks(t *testing.T) {
	cases := []struct {
		lo, hi float64
		n      int
		want   []float64
	}{
		{0, 1, 5, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
		{-1150, 9700, 6, []float64{0, 2000, 4000, 6000, 8000}},
		{0.05, 0.95, 4, []float64{0.2, 0.4, 0.6, 0.8}},
	}
	for _, c := range cases {
		if got := Ticks(c.lo, c.hi, c.n); !cmp.Equal(c.want, got) {
			t.Errorf("Ticks(%v, %v, %d) = %v, want %v", c.lo, c.hi, c.n, got, c.want)
		}
	}
}

func TestDocEscapesAndIsDeterministic(t *testing.T) {
	draw := func() string {
		d := New(100, 50)
		d.Text(1.005, 2, `a <b> & "c"`, Fill("#fff"))
		d.Circle(3, 4, 5, "tip <x>")
		return string(d.Bytes())
	}
	a, b := draw(), draw()
	if a != b {
		t.Fatal("not deterministic")
	}
	for _, want := range []string{"a &lt;b&gt; &amp; &#34;c&#34;", "<title>tip &lt;x&gt;</title>", `x="1"`, "</svg>"} {
		if !strings.Contains(a, want) {
			t.Errorf("missing %q in\n%s", want, a)
		}
	}
}

func TestScale(t *testing.T) {
	s := Scale{D0: 0, D1: 10, R0: 100, R1: 0}
	if s.At(5) != 50 || s.At(0) != 100 || (Scale{D0: 1, D1: 1, R0: 0, R1: 10}).At(3) != 5 {
		t.Error("scale wrong")
	}
}

// wellFormed fails t unless doc passes Check.
func wellFormed(t interface {
	Helper()
	Fatalf(string, ...any)
}, doc []byte) {
	t.Helper()
	if err := Check(doc); err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
}

func TestEscape(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain", "plain"},
		{`a <b> & "c" 'd'`, "a &lt;b&gt; &amp; &#34;c&#34; &#39;d&#39;"},
		{"tab\tnl\ncr\r", "tab\tnl\ncr\r"},
		{"nul\x00bell\x07esc\x1b", "nul\uFFFDbell\uFFFDesc\uFFFD"},
		{"bad \xff\xfe utf8", "bad \uFFFD\uFFFD utf8"},
		{"cut \xe2\x82", "cut \uFFFD\uFFFD"},
		{"\uFFFE\uFFFF", "\uFFFD\uFFFD"},
		{"ok \u00e9\u4e2d\U0001F600", "ok \u00e9\u4e2d\U0001F600"},
	}
	for _, c := range cases {
		if got := Escape(c.in); got != c.want {
			t.Errorf("Escape(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNonFiniteElementsAreLeftOut(t *testing.T) {
	d := New(100, 50)
	nan, inf := math.NaN(), math.Inf(1)
	d.Circle(nan, 1, 2, "x")
	d.Line(0, 0, inf, 1)
	d.Rect(0, 0, -inf, 1)
	d.Text(1, nan, "t")
	d.Text(1, 2, "kept", FontSize(nan), Opacity(inf))
	doc := d.Bytes()
	wellFormed(t, doc)
	if n := strings.Count(string(doc), "\n"); n != 4 { // svg, background, kept, </svg>
		t.Errorf("want only the background and one text, got\n%s", doc)
	}
}

func TestScaleExtremes(t *testing.T) {
	s := Scale{D0: -math.MaxFloat64, D1: math.MaxFloat64, R0: 0, R1: 100}
	if got := s.At(0); got != 50 {
		t.Errorf("middle of all float64: %v, want 50", got)
	}
	if got := (Scale{D0: 0, D1: math.Inf(1), R0: 0, R1: 10}).At(3); got != 5 {
		t.Errorf("infinite domain: %v, want the middle", got)
	}
	for _, c := range [][2]float64{{math.NaN(), 1}, {0, math.Inf(1)}, {-math.MaxFloat64, math.MaxFloat64}, {1e20, 1e20 + 1e5}} {
		for _, v := range Ticks(c[0], c[1], 5) {
			if !finite(v) {
				t.Errorf("Ticks(%v, %v): %v", c[0], c[1], v)
			}
		}
	}
}

// Any text and any numbers give a well-formed document without NaN.
func TestPropertyWellFormed(t *testing.T) {
	num := rapid.OneOf(rapid.Float64(), rapid.SampledFrom([]float64{math.NaN(), math.Inf(1), math.Inf(-1), math.MaxFloat64, -math.MaxFloat64}))
	rapid.Check(t, func(t *rapid.T) {
		d := New(100, 100)
		for range rapid.IntRange(0, 8).Draw(t, "n") {
			s := string(rapid.SliceOf(rapid.Byte()).Draw(t, "bytes")) + rapid.String().Draw(t, "text")
			x, y := num.Draw(t, "x"), num.Draw(t, "y")
			sc := Scale{D0: num.Draw(t, "d0"), D1: num.Draw(t, "d1"), R0: 0, R1: 100}
			d.Text(sc.At(x), y, s, Fill(s), FontSize(x))
			d.Circle(x, sc.At(y), 3, s)
			d.Line(x, y, sc.At(x), sc.At(y))
			for _, v := range Ticks(x, y, 5) {
				d.Text(sc.At(v), 1, "tick")
			}
		}
		wellFormed(t, d.Bytes())
	})
}

func TestCheck(t *testing.T) {
	for _, bad := range []string{`<svg><circle cx="NaN"/></svg>`, `<svg><text x="1">a</svg>`, "<svg>\x01</svg>", ""} {
		if Check([]byte(bad)) == nil {
			t.Errorf("Check(%q) passed", bad)
		}
	}
}
