// Package svg writes small SVG documents deterministically: the same calls
// give the same bytes, numbers with fixed precision and text escaped. The
// segment and canvas pictures share it.
//
// A document is well-formed XML whatever it is given: text and attribute
// values are escaped, invalid UTF-8 and characters XML cannot hold (control
// characters, U+FFFE, U+FFFF) become U+FFFD, and an element with a NaN or
// infinite coordinate or size is left out rather than written with "NaN"
// in it.
package svg

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
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

// num formats a coordinate with at most two decimals; a non-finite number,
// which elements never reach (see element), is written as 0.
func num(f float64) string {
	if !finite(f) {
		return "0"
	}
	s := strconv.FormatFloat(f, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" || s == "" {
		return "0"
	}
	return s
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// element writes one element, or nothing when a coordinate is not finite:
// a shape at NaN has no place in the picture, and "NaN" is no SVG length.
func (d *Doc) element(name string, coords []any, attrs []Attr, body string) {
	for i := 1; i < len(coords); i += 2 {
		if !finite(coords[i].(float64)) {
			return
		}
	}
	d.b.WriteString("<" + name)
	for i := 0; i+1 < len(coords); i += 2 {
		fmt.Fprintf(&d.b, ` %s="%s"`, coords[i], num(coords[i+1].(float64)))
	}
	for _, a := range attrs {
		fmt.Fprintf(&d.b, ` %s="%s"`, a.Name, Escape(a.Value))
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
		body = "<title>" + Escape(title) + "</title>"
	}
	d.element("circle", []any{"cx", cx, "cy", cy, "r", r}, attrs, body)
}

// Line draws a line.
func (d *Doc) Line(x1, y1, x2, y2 float64, attrs ...Attr) {
	d.element("line", []any{"x1", x1, "y1", y1, "x2", x2, "y2", y2}, attrs, "")
}

// Text writes escaped text at a point.
func (d *Doc) Text(x, y float64, s string, attrs ...Attr) {
	d.element("text", []any{"x", x, "y", y}, attrs, Escape(s))
}

// Escape makes s safe as XML character data or an attribute value: the
// five markup characters are escaped as html.EscapeString does, and
// invalid UTF-8 and characters XML 1.0 does not allow (controls other than
// tab, newline and carriage return; U+FFFE and U+FFFF) become U+FFFD.
func Escape(s string) string {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !xmlChar(r, size) {
			return html.EscapeString(sanitize(s))
		}
		i += size
	}
	return html.EscapeString(s)
}

// xmlChar reports whether the rune r, decoded from size bytes, may appear
// in an XML document.
func xmlChar(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size <= 1:
		return false // invalid UTF-8
	case r < 0x20:
		return r == '\t' || r == '\n' || r == '\r'
	case r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
		return false
	}
	return true
}

// sanitize replaces what XML cannot hold by U+FFFD.
func sanitize(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if xmlChar(r, size) {
			b.WriteString(s[i : i+size])
		} else {
			b.WriteRune(utf8.RuneError)
		}
		i += size
	}
	return b.String()
}

// Bytes closes the document and returns it.
func (d *Doc) Bytes() []byte { return []byte(d.b.String() + "</svg>\n") }

// Scale maps a domain [D0, D1] linearly onto a range [R0, R1].
type Scale struct{ D0, D1, R0, R1 float64 }

// At maps v; a degenerate domain (empty, or with a non-finite end) maps
// everything to the range's middle. Differences are taken in halves, so a
// domain spanning nearly all of float64 does not overflow to NaN; a
// non-finite v maps to a non-finite result, which [Doc] leaves out.
func (s Scale) At(v float64) float64 {
	if s.D1 == s.D0 || !finite(s.D0) || !finite(s.D1) {
		return (s.R0 + s.R1) / 2
	}
	return s.R0 + (v/2-s.D0/2)/(s.D1/2-s.D0/2)*(s.R1-s.R0)
}

// Ticks returns about n round values inside [lo, hi], each a whole
// multiple of a round step (1, 2 or 5 times a power of ten), computed by
// multiplication so no rounding error accumulates. A degenerate interval
// gives lo alone, and a non-finite end gives no ticks.
func Ticks(lo, hi float64, n int) []float64 {
	if !finite(lo) || !finite(hi) {
		return nil
	}
	if hi <= lo || n < 1 {
		return []float64{lo}
	}
	step := niceStep(hi/float64(n) - lo/float64(n))
	if !finite(step) || step == 0 {
		return []float64{lo}
	}
	var out []float64
	// i+1 > i stops the walk where float64 can no longer count.
	for i := math.Ceil(lo / step); i*step <= hi && len(out) <= 100 && i+1 > i; i++ {
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
