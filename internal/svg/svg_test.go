package svg

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
