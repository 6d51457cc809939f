package rulefile

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// splitTemplate splits a template's text into literal and {expr} parts.
// Braces nest inside an interpolation (map literals), "{{" and "}}" are
// literal braces. Positions of expressions are approximate: the string's
// position plus the offset in its unquoted text.
func splitTemplate(v string, pos Pos) ([]TemplatePart, error) {
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
			return nil, errors.New("unmatched } in template (write }} for a literal brace)")
		case c == '{':
			end := matchBrace(v, i)
			if end < 0 {
				return nil, errors.New("unterminated {…} in template")
			}
			src := strings.TrimSpace(v[i+1 : end])
			if src == "" {
				return nil, errors.New("empty {} in template")
			}
			flush()
			parts = append(parts, TemplatePart{Expr: &Expr{Pos: Pos{Line: pos.Line, Col: pos.Col + utf8.RuneCountInString(v[:i]) + 2}, Src: src}})
			i = end
		default:
			text.WriteByte(c)
		}
	}
	flush()
	return parts, nil
}

// matchBrace returns the index of the } closing the { at i, skipping
// strings inside.
func matchBrace(v string, i int) int {
	depth := 0
	for j := i; j < len(v); j++ {
		switch v[j] {
		case '"', '\'', '`':
			end, _ := stringEnd(v, j)
			j = end - 1
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
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
		b.WriteString(strings.NewReplacer("{", "{{", "}", "}}").Replace(part.Text))
	}
	return b.String()
}
