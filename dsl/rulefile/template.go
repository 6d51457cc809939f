package rulefile

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// splitTemplate splits a template's text into literal and {expr} parts.
// Braces nest inside an interpolation (map literals), "{{" and "}}" are
// literal braces. at places each byte of v in the file (see
// unquotedPositions): an expression's Pos is where its first character is
// written, and its At where each of its runes is, escapes and all.
func splitTemplate(v string, at []Pos) ([]TemplatePart, error) {
	var parts []TemplatePart
	var text strings.Builder
	flush := func() {
		if text.Len() > 0 {
			parts = append(parts, TemplatePart{Text: text.String()})
			text.Reset()
		}
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '{' && i+1 < len(v) && v[i+1] == '{':
			text.WriteByte('{')
			i++
		case c == '}' && i+1 < len(v) && v[i+1] == '}':
			text.WriteByte('}')
			i++
		case c == '}':
			return nil, &templateError{at[i], "unmatched } in template (write }} for a literal brace)"}
		case c == '{':
			end := matchBrace(v, i)
			if end < 0 {
				return nil, &templateError{at[i], "unterminated {…} in template"}
			}
			inner := v[i+1 : end]
			src := strings.TrimSpace(inner)
			if src == "" {
				return nil, &templateError{at[i], "empty {} in template"}
			}
			flush()
			start := i + 1 + len(inner) - len(strings.TrimLeftFunc(inner, unicode.IsSpace))
			if endsInLineComment(src) {
				// The newline that ends the comment is the expression's:
				// written back without it, the comment would reach the
				// closing brace (matchBrace found the brace after it).
				src += "\n"
			}
			e := &Expr{Pos: at[start], Src: src}
			for b := range src {
				e.At = append(e.At, at[start+b])
			}
			parts = append(parts, TemplatePart{Expr: e})
			i = end
		default:
			text.WriteByte(c)
		}
	}
	flush()
	return parts, nil
}

// templateError is a template that does not split, placed at the brace
// at fault (the string's quote may be far from it, past a snippet's
// reach).
type templateError struct {
	pos Pos
	msg string
}

func (e *templateError) Error() string { return e.msg }

// matchBrace returns the index of the } closing the { at i, skipping
// the strings and comments inside.
func matchBrace(v string, i int) int {
	depth := 0
	for j := i; j < len(v); {
		// A brace inside a string or a comment is no brace of the
		// expression's; one that does not end leaves no end to them.
		if next, ends := skipped(v, j); next != j || !ends {
			if !ends {
				return -1
			}
			j = next
			continue
		}
		switch v[j] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return j
			}
		}
		j++
	}
	return -1
}

// endsInLineComment reports whether an interpolation's source ends in
// one of expr's // comments, strings and /* */ comments aside.
func endsInLineComment(src string) bool {
	for j := 0; j < len(src); {
		next, ends := skipped(src, j)
		switch {
		case !ends:
			return strings.HasPrefix(src[j:], "//")
		case next == j:
			j++
		default:
			j = next
		}
	}
	return false
}

// skipped is where a string or one of expr's comments that starts at j
// ends (past it; a // comment at its line's end, the newline not its),
// and whether it ends within v; j itself when none starts there.
func skipped(v string, j int) (next int, ends bool) {
	switch {
	case v[j] == '"' || v[j] == '\'' || v[j] == '`':
		return stringEnd(v, j)
	case strings.HasPrefix(v[j:], "/*"):
		if end := strings.Index(v[j+2:], "*/"); end >= 0 {
			return j + 2 + end + 2, true
		}
		return len(v), false
	case strings.HasPrefix(v[j:], "//"):
		if nl := strings.IndexByte(v[j:], '\n'); nl >= 0 {
			return j + nl, true
		}
		return len(v), false
	}
	return j, true
}

// templateSource writes a template back as the text of a quoted string
// (without the quotes' escaping).
func templateSource(parts []TemplatePart) string {
	var b strings.Builder
	for _, part := range parts {
		if part.Expr != nil {
			// An expression that starts with a brace (a map literal) is
			// written after a space: "{{" would read as a literal brace.
			open := "{"
			if strings.HasPrefix(part.Expr.Src, "{") {
				open = "{ "
			}
			b.WriteString(open + part.Expr.Src + "}")
			continue
		}
		b.WriteString(braceDoubler.Replace(part.Text))
	}
	return b.String()
}

// braceDoubler writes a template's literal braces as the text spells
// them; a Replacer is safe for concurrent use, and built once.
var braceDoubler = strings.NewReplacer("{", "{{", "}", "}}")

// unquotedPositions places each byte of a string literal's value, raw
// being the literal as written at pos: the position of the character, or
// the escape, that makes it, and one more entry for the end. A literal
// ends on its line (stringEnd), so only columns advance.
func unquotedPositions(raw string, pos Pos) []Pos {
	col := pos.Col + 1 // past the quote
	var at []Pos
	if raw == "" || raw[0] == '`' {
		for _, r := range raw[min(1, len(raw)):max(len(raw)-1, 1)] {
			if r == '\r' {
				col++ // written, but not in the value: Unquote drops it
				continue
			}
			for range utf8.RuneLen(r) {
				at = append(at, Pos{Line: pos.Line, Col: col})
			}
			col++
		}
		return append(at, Pos{Line: pos.Line, Col: col})
	}
	rest := raw[1 : len(raw)-1]
	for rest != "" {
		value, multibyte, tail, err := strconv.UnquoteChar(rest, '"')
		if err != nil {
			break // not reached: raw unquoted once already
		}
		n := 1
		if multibyte {
			n = utf8.RuneLen(value)
		}
		for range n {
			at = append(at, Pos{Line: pos.Line, Col: col})
		}
		col += utf8.RuneCountInString(rest[:len(rest)-len(tail)])
		rest = tail
	}
	return append(at, Pos{Line: pos.Line, Col: col})
}
