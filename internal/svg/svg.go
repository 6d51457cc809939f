// Package svg writes small SVG documents deterministically: the same calls
// give the same bytes, numbers with fixed precision and text escaped. The
// segment and canvas pictures share it.
package svg

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// Doc is an SVG document being written. The zero Doc is not usable; call
// [New].
type Doc struct {
	b strings.Builder
}

// Attr is one attribute of an element.
type Attr struct{ Name, Value string }

// Fill sets the fill colour.
func Fill(c string) Attr { return Attr{"fill", c} }

// Stroke sets the stroke colour.
func Stroke(c string) Attr { return Attr{"stroke", c} }

// StrokeWidth sets the stroke width.
func StrokeWidth(w float64) Attr { return Attr{"stroke-width", num(w)} }

// Anchor sets a text's anchor: start, middle or end.
func Anchor(a string) Attr { return Attr{"text-anchor", a} }

// FontSize sets a text's size in pixels.
func FontSize(px float64) Attr { return Attr{"font-size", num(px)} }

// Opacity sets an element's opacity.
func Opacity(o float64) Attr { return Attr{"opacity", num(o)} }

// Dash sets a stroke's dash pattern.
func Dash(d string) Attr { return Attr{"stroke-dasharray", d} }

// New starts a document of the given size in pixels, white, in a sans-serif
// font.
func New(width, height float64) *Doc {
	d := &Doc{}
	fmt.Fprintf(&d.b, `<svg xmlns="http://www.w3.org/2000/svg" width="%s" height="%s" viewBox="0 0 %s %s" font-family="sans-serif">`+"\n",
		num(width), num(height), num(width), num(height))
	d.Rect(0, 0, width, height, Fill("white"))
	return d
}

// num formats a coordinate with at most two decimals.
func num(f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" || s == "" {
		return "0"
	}
	return s
}

func (d *Doc) element(name string, coords []any, attrs []Attr, body string) {
	d.b.WriteString("<" + name)
	for i := 0; i+1 < len(coords); i += 2 {
		fmt.Fprintf(&d.b, ` %s="%s"`, coords[i], num(coords[i+1].(float64)))
	}
	for _, a := range attrs {
		fmt.Fprintf(&d.b, ` %s="%s"`, a.Name, html.EscapeString(a.Value))
	}
	if body == "" {
		d.b.WriteString("/>\n")
		return
	}
	d.b.WriteString(">" + body + "</" + name + ">\n")
}

// Rect draws a rectangle.
func (d *Doc) Rect(x, y, w, h float64, attrs ...Attr) {
	d.element("rect", []any{"x", x, "y", y, "width", w, "height", h}, attrs, "")
}

// Circle draws a circle; title, if not empty, is its tooltip.
func (d *Doc) Circle(cx, cy, r float64, title string, attrs ...Attr) {
	body := ""
	if title != "" {
		body = "<title>" + html.EscapeString(title) + "</title>"
	}
	d.element("circle", []any{"cx", cx, "cy", cy, "r", r}, attrs, body)
}

// Line draws a line.
func (d *Doc) Line(x1, y1, x2, y2 float64, attrs ...Attr) {
	d.element("line", []any{"x1", x1, "y1", y1, "x2", x2, "y2", y2}, attrs, "")
}

// Text writes escaped text at a point.
func (d *Doc) Text(x, y float64, s string, attrs ...Attr) {
	d.element("text", []any{"x", x, "y", y}, attrs, html.EscapeString(s))
}

// Bytes closes the document and returns it.
func (d *Doc) Bytes() []byte { return []byte(d.b.String() + "</svg>\n") }

// Scale maps a domain [D0, D1] linearly onto a range [R0, R1].
type Scale struct{ D0, D1, R0, R1 float64 }

// At maps v; a degenerate domain maps everything to the range's middle.
func (s Scale) At(v float64) float64 {
	if s.D1 == s.D0 {
		return (s.R0 + s.R1) / 2
	}
	return s.R0 + (v-s.D0)/(s.D1-s.D0)*(s.R1-s.R0)
}

// Ticks returns about n round values inside [lo, hi], each a whole
// multiple of a round step (1, 2 or 5 times a power of ten), computed by
// multiplication so no rounding error accumulates.
func Ticks(lo, hi float64, n int) []float64 {
	if hi <= lo || n < 1 {
		return []float64{lo}
	}
	step := niceStep((hi - lo) / float64(n))
	var out []float64
	for i := math.Ceil(lo / step); i*step <= hi && len(out) <= 100; i++ {
		// Round away the binary noise of i·step (0.6000000000000001).
		v, _ := strconv.ParseFloat(strconv.FormatFloat(i*step, 'g', 12, 64), 64)
		out = append(out, v+0) // +0 turns -0 into 0
	}
	return out
}

// niceStep rounds a raw step to 1, 2, 5 or 10 times a power of ten,
// whichever is nearest in ratio.
func niceStep(raw float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	switch r := raw / p; {
	case r < 1.5:
		return p
	case r < 3:
		return 2 * p
	case r < 7:
		return 5 * p
	}
	return 10 * p
}
