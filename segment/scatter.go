package segment

import (
	"fmt"
	"math"
	"strconv"

	"github.com/engagekit/engagekit/internal/svg"
)

var segmentColors = map[Segment]string{A: "#1b7837", B: "#2166ac", C: "#e08214", D: "#b2182b"}

// ScatterDots is the most clients [Scatter] draws: a larger book is drawn
// as an even sample of it, every k-th client in the book's order, so that
// the picture of a million clients stays a picture a browser opens.
const ScatterDots = 5000

// Scatter draws a book as an SVG picture a person can open: profitability
// across, engagement up, one dot per client coloured by segment (up to
// [ScatterDots] of them; the title says when a sample is drawn), the two
// thresholds as dashed lines and each quadrant labelled with its segment.
// The axes span every client's finite values, sampled or not; a value or
// threshold that is not finite (a hand-made one) is not drawn. The output is deterministic (the same
// assignments give the same bytes) and well-formed XML for any client id,
// segment name or reason, of which a dot's title shows 120 characters at
// most, so the picture is bounded whatever the ids.
func Scatter(book Book) []byte {
	const w, h, left, right, top, bottom = 720.0, 520.0, 70.0, 20.0, 40.0, 50.0
	// The axes span the finite values only: a hand-made threshold of
	// ±Inf or NaN has no place on them, and is not drawn.
	var px, ey span
	px.add(book.Cut.Profit)
	ey.add(book.Cut.Engagement)
	for _, a := range book.Assignments {
		px.add(a.Profit)
		ey.add(a.Engagement)
	}
	minP, maxP := px.padded()
	minE, maxE := ey.padded()
	x := svg.Scale{D0: minP, D1: maxP, R0: left, R1: w - right}
	y := svg.Scale{D0: minE, D1: maxE, R0: h - bottom, R1: top}
	d := svg.New(w, h)
	stride := (len(book.Assignments) + ScatterDots - 1) / ScatterDots
	title := fmt.Sprintf("Book by profitability and engagement (%d clients)", len(book.Assignments))
	if stride > 1 {
		title = fmt.Sprintf("Book by profitability and engagement (%d clients, every %d%s drawn)", len(book.Assignments), stride, ordinal(stride))
	}
	d.Text(w/2, 24, title, svg.Anchor("middle"), svg.FontSize(16))
	axes(d, x, y, minP, maxP, minE, maxE)
	if finite(book.Cut.Profit) {
		cx := x.At(book.Cut.Profit)
		d.Line(cx, top, cx, h-bottom, svg.Stroke("#555"), svg.Dash("6 4"))
	}
	if finite(book.Cut.Engagement) {
		cy := y.At(book.Cut.Engagement)
		d.Line(left, cy, w-right, cy, svg.Stroke("#555"), svg.Dash("6 4"))
	}
	for i := 0; i < len(book.Assignments); i += max(stride, 1) {
		a := book.Assignments[i]
		d.Circle(x.At(a.Profit), y.At(a.Engagement), 3, fmt.Sprintf("%s: %s (%s)", clip(a.ClientID), clip(string(a.Segment)), clip(a.Reason)),
			svg.Fill(colorOf(a.Segment)), svg.Opacity(0.7))
	}
	labels := []struct {
		s      Segment
		lx, ly float64
		text   string
	}{
		{A, w - right - 8, top + 20, "A: profitable, engaged"},
		{B, w - right - 8, h - bottom - 10, "B: profitable, not yet engaged"},
		{C, left + 8, top + 20, "C: engaged, not profitable"},
		{D, left + 8, h - bottom - 10, "D: neither"},
	}
	for _, l := range labels {
		anchor := "end"
		if l.lx < w/2 {
			anchor = "start"
		}
		d.Text(l.lx, l.ly, l.text, svg.Anchor(anchor), svg.FontSize(13), svg.Fill(colorOf(l.s)))
	}
	return d.Bytes()
}

// span is the range of the finite values added to it.
type span struct {
	lo, hi float64
	any    bool
}

// clipRunes is the most of a client's id, segment name or reason a dot's
// title shows: the picture's size is bounded by its dots, whatever the
// host's ids.
const clipRunes = 120

// clip shortens s to clipRunes runes, marking the cut with "…".
func clip(s string) string {
	n := 0
	for i := range s {
		if n == clipRunes {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func (s *span) add(v float64) {
	switch {
	case !finite(v):
	case !s.any:
		s.lo, s.hi, s.any = v, v, true
	default:
		s.lo, s.hi = math.Min(s.lo, v), math.Max(s.hi, v)
	}
}

// padded widens the span by 5% on each side (by 1 when it is a point, or
// [-1, 1] when it is empty), without overflowing float64.
func (s *span) padded() (float64, float64) {
	d := s.hi*0.05 - s.lo*0.05
	if d == 0 {
		d = 1
	}
	lo, hi := s.lo-d, s.hi+d
	if !finite(lo) {
		lo = s.lo
	}
	if !finite(hi) {
		hi = s.hi
	}
	return lo, hi
}

// ordinal is the English suffix of n: "st" for 1 and 21, "th" for 11.
func ordinal(n int) string {
	if n%100 >= 11 && n%100 <= 13 {
		return "th"
	}
	switch n % 10 {
	case 1:
		return "st"
	case 2:
		return "nd"
	case 3:
		return "rd"
	}
	return "th"
}

func colorOf(s Segment) string {
	if c, ok := segmentColors[s]; ok {
		return c
	}
	return "#666"
}

func axes(d *svg.Doc, x, y svg.Scale, minP, maxP, minE, maxE float64) {
	d.Line(x.R0, y.R0, x.R1, y.R0, svg.Stroke("#222"))
	d.Line(x.R0, y.R0, x.R0, y.R1, svg.Stroke("#222"))
	for _, t := range svg.Ticks(minP, maxP, 6) {
		d.Line(x.At(t), y.R0, x.At(t), y.R0+5, svg.Stroke("#222"))
		d.Text(x.At(t), y.R0+18, strconv.FormatFloat(t, 'g', 6, 64), svg.Anchor("middle"), svg.FontSize(11))
	}
	for _, t := range svg.Ticks(minE, maxE, 5) {
		d.Line(x.R0-5, y.At(t), x.R0, y.At(t), svg.Stroke("#222"))
		d.Text(x.R0-8, y.At(t)+4, strconv.FormatFloat(t, 'g', 6, 64), svg.Anchor("end"), svg.FontSize(11))
	}
	d.Text((x.R0+x.R1)/2, y.R0+38, "profit (revenue − cost to serve)", svg.Anchor("middle"), svg.FontSize(12))
	d.Text(18, (y.R0+y.R1)/2, "engagement", svg.Anchor("middle"), svg.FontSize(12), svg.Attr{Name: "transform", Value: fmt.Sprintf("rotate(-90 18 %g)", (y.R0+y.R1)/2)})
}
