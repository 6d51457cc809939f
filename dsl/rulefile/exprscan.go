package rulefile

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// An expression in a rule file runs to the end of its line. It continues
// onto the next line while a bracket is open, when the line ends with a
// binary operator, or when the next line starts with one (&&, ||, ?, :, and,
// or). A `//` outside strings and brackets ends it with a comment; inside
// brackets it is expr's line comment, and /* */ is expr's block comment
// anywhere, both skipped whole. `#` is not a comment: expr uses it in
// predicates.

// exprStop says where an expression may also end: before a comma or "=>"
// at the top level (table cells), or before an output keyword (row
// outputs).
type exprStop struct {
	comma    bool
	arrow    bool
	keywords bool
	brace    bool // before a trailing "{" (branch conditions)
}

// rowKeywords start the statements of a row's outputs: an expression
// there ends before one.
var rowKeywords = []string{"type", "title", "message", "urgency", "sensitivity", "output", "priority", "let", "when"}

// bracket is an opening bracket and where it is.
type bracket struct {
	c   byte // 0: none
	pos Pos
}

// expr reads an expression at the cursor and returns its text, trimmed,
// and the innermost bracket it left open (c is 0 when it closed them
// all). An expression that ends with a bracket open ends where it does
// only because of what follows it (a statement, the block's }, the end of
// the file), and Format may write something else after it: the caller
// must refuse it, or the file would mean something else once formatted.
func (s *scanner) expr(stop exprStop) (string, bracket) {
	start := s.off
	commentEnd := 0    // where the last block comment ended
	var open []bracket // the brackets open, innermost last
	text := func() (string, bracket) {
		if len(open) == 0 {
			return trimExpr(s.src[start:s.off]), bracket{}
		}
		return trimExpr(s.src[start:s.off]), open[len(open)-1]
	}
	for !s.eof() {
		c := s.peek()
		depth := len(open)
		switch {
		case c == '"' || c == '\'' || c == '`':
			// A string runs to its closing quote on the same line; one
			// left open is refused as a bracket is.
			pos := s.pos()
			if _, closed := s.quoted(); !closed {
				open = append(open, bracket{c, pos})
				return text()
			}
			continue
		case c == '/' && strings.HasPrefix(s.src[s.off:], "/*"):
			// expr's block comment: skipped whole, quotes and brackets in
			// it included; one left open is refused as a bracket is.
			pos := s.pos()
			if !s.blockComment() {
				open = append(open, bracket{'*', pos})
				return text()
			}
			commentEnd = s.off // a comment begun on a line before ends on this one
			continue
		case depth > 0 && strings.HasPrefix(s.src[s.off:], "//"):
			// Inside brackets, // is expr's line comment (at the top level
			// it is the rule file's, and ends the expression, below).
			for !s.eof() && s.peek() != '\n' {
				s.advance()
			}
			continue
		case c == '(' || c == '[' || c == '{':
			if c == '{' && stop.brace && depth == 0 && s.braceEndsLine() {
				return text()
			}
			open = append(open, bracket{c, s.pos()})
		case c == ')' || c == ']' || c == '}':
			if depth == 0 {
				return text()
			}
			open = open[:depth-1]
		case depth == 0 && c == '\n':
			// A line ending with an operator reaches for the next, unless
			// that one closes the block: the expression is cut off there
			// (the caller says so), and the } stays the block's.
			goesOn := continues(blankComments(s.src[max(start, s.lineStart, commentEnd):s.off])) && !s.nextLineCloses()
			if !goesOn && !s.nextLineContinues() {
				return text()
			}
		case c == '\n' && s.nextLineEndsBlock(open[depth-1].c, stop.arrow):
			// A bracket is still open, but the next line closes the block
			// (or, after a row's cell, starts a statement): the bracket
			// was never closed. Stop here, so the expression reports it
			// and the block's } is not swallowed. In an expression a line
			// that starts with a statement's word does not stop it:
			// inside brackets that word is a name, `in`, or a map's key.
			return text()
		case depth == 0 && strings.HasPrefix(s.src[s.off:], "//"):
			return text()
		case depth == 0 && stop.comma && c == ',':
			return text()
		case depth == 0 && stop.arrow && strings.HasPrefix(s.src[s.off:], "=>"):
			return text()
		case depth == 0 && stop.keywords && s.atRowKeyword(start):
			return text()
		}
		s.advance()
	}
	return text()
}

// trimExpr trims an expression's text of the blanks the scanner itself
// skips (space, tab, carriage return, newline) and no others: trimming more
// (a form feed, a no-break space) would let Format write a different
// expression from the one read, and the line rules above would read the
// written one differently ("or\f" ends an expression, "or" continues it).
func trimExpr(text string) string {
	return strings.Trim(text, " \t\r\n")
}

// nextLineEndsBlock reports whether the line after the cursor's starts
// with a } that the innermost open bracket, inner, does not match, or,
// when statements is set, with a word that starts a statement.
func (s *scanner) nextLineEndsBlock(inner byte, statements bool) bool {
	if s.nextLineCloses() {
		return inner != '{'
	}
	if !statements {
		return false
	}
	rest := s.src[s.off+1:]
	if nl := strings.IndexByte(rest, '\n'); nl >= 0 {
		rest = rest[:nl]
	}
	word, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
	return slices.Contains(blockLineStarts, word)
}

// blockLineStarts are the words that start a line of a block.
var blockLineStarts = []string{"when", "let", "type", "title", "message", "urgency", "sensitivity", "output",
	"priority", "tags", "owner", "enabled", "emit", "branch", "else", "in", "row", "rule", "table", "const"}

// blockComment skips the /* */ comment at the cursor and reports whether
// it is closed; one that is not is skipped to the end of its line only,
// so the parse goes on with the next.
func (s *scanner) blockComment() bool {
	end := s.commentEnd(s.off + 2)
	if end < 0 {
		for !s.eof() && s.peek() != '\n' {
			s.advance()
		}
		return false
	}
	for s.off < end+2 {
		s.advance()
	}
	return true
}

// commentEnd is the offset of the first "*/" at or after from, -1 for
// none. It remembers the last answer: a file of many comments left open
// would otherwise search to its end from each, in quadratic time.
func (s *scanner) commentEnd(from int) int {
	if s.endKnown && from >= s.endFrom && (s.endAt < 0 || s.endAt >= from) {
		return s.endAt
	}
	s.endKnown, s.endFrom, s.endAt = true, from, -1
	if i := strings.Index(s.src[from:], "*/"); i >= 0 {
		s.endAt = from + i
	}
	return s.endAt
}

// blankComments is text with expr's comments (/* */ anywhere, // inside
// brackets) turned to spaces, newlines kept, so the line rules read an
// expression's code alone and offsets into it stay offsets into text.
// Strings are kept whole.
func blankComments(text string) string {
	if !strings.Contains(text, "/") {
		return text
	}
	b := []byte(text)
	depth := 0
	blank := func(from, to int) {
		for k := from; k < to; k++ {
			if b[k] != '\n' {
				b[k] = ' '
			}
		}
	}
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '"' || c == '\'' || c == '`':
			end, _ := stringEnd(text, i)
			i = end - 1
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth = max(depth-1, 0)
		case c == '/' && i+1 < len(b) && b[i+1] == '*':
			to := len(b)
			if end := strings.Index(text[i+2:], "*/"); end >= 0 {
				to = i + 2 + end + 2
			}
			blank(i, to)
			i = to - 1
		case c == '/' && i+1 < len(b) && b[i+1] == '/' && depth > 0:
			to := len(b)
			if nl := strings.IndexByte(text[i:], '\n'); nl >= 0 {
				to = i + nl
			}
			blank(i, to)
			i = to - 1
		}
	}
	return string(b)
}

// braceEndsLine reports whether the "{" at the cursor is the last thing
// on its line (but for a comment). It looks no further than the first
// thing after the brace, so a line of many braces costs linear time.
func (s *scanner) braceEndsLine() bool {
	i := s.off + 1
	for i < len(s.src) && (s.src[i] == ' ' || s.src[i] == '\t' || s.src[i] == '\r') {
		i++
	}
	rest := s.src[i:]
	return rest == "" || rest[0] == '\n' || strings.HasPrefix(rest, "//") || rest[0] == '#'
}

// atRowKeyword reports whether an output keyword starts at the cursor as a
// word of its own, after white space, inside an expression begun at start.
func (s *scanner) atRowKeyword(start int) bool {
	if s.off == start || (s.src[s.off-1] != ' ' && s.src[s.off-1] != '\t') {
		return false
	}
	rest := s.src[s.off:]
	for _, kw := range rowKeywords {
		if strings.HasPrefix(rest, kw) && (len(rest) == len(kw) || rest[len(kw)] == ' ' || rest[len(kw)] == '\t' ||
			strings.HasPrefix(rest[len(kw):], "//")) {
			return true
		}
	}
	return false
}

// trailingSymbols and trailingWords are the binary operators (and the
// let sequence's ;) a line can end with and go on, longest symbols first.
var (
	trailingSymbols = []string{"&&", "||", "??", "==", "!=", "<=", ">=", "..", "**", "+", "-", "*", "/", "%", "^", "?", ":",
		"<", ">", ",", "|", ";"}
	trailingWords = []string{"and", "or", "not", "in", "matches", "contains", "startsWith", "endsWith"}
)

// trailingOp returns the binary operator line ends with ("" for none) and
// the offset it starts at. A word operator must stand apart: after a
// blank, or alone on the line.
func trailingOp(line string) (string, int) {
	line = strings.TrimRight(line, " \t\r")
	for _, op := range trailingSymbols {
		if strings.HasSuffix(line, op) {
			return op, len(line) - len(op)
		}
	}
	for _, w := range trailingWords {
		if !strings.HasSuffix(line, w) {
			continue
		}
		at := len(line) - len(w)
		if at == 0 || line[at-1] == ' ' || line[at-1] == '\t' {
			return w, at
		}
	}
	return "", 0
}

// continues reports whether the last line of an expression so far ends
// with a binary operator, so it must go on.
func continues(line string) bool {
	op, _ := trailingOp(line)
	return op != ""
}

// danglingOp returns the binary operator an expression's text ends with
// ("" for none) and the offset it starts at, comments aside. Such an
// expression was cut off (by a blank line, a comment, the block's end),
// and the caller must refuse it as it refuses a bracket left open: Format
// would write it with something else after it, and the operator would
// reach for that.
func danglingOp(text string) (string, int) {
	code := blankComments(text)
	last := strings.LastIndexByte(code, '\n') + 1
	op, at := trailingOp(code[last:])
	return op, last + at
}

// posAfter is the position reached from start by reading text.
func posAfter(start Pos, text string) Pos {
	nl := strings.LastIndexByte(text, '\n')
	if nl < 0 {
		return Pos{Line: start.Line, Col: start.Col + utf8.RuneCountInString(text)}
	}
	return Pos{Line: start.Line + strings.Count(text, "\n"), Col: 1 + utf8.RuneCountInString(text[nl+1:])}
}

var leadingOps = []string{"&&", "||", "?", ":", "and", "or"}

// nextLineContinues reports whether the line after the newline at the
// cursor starts with a binary operator that continues the expression. A
// word operator must end where a name could not go on (a space, the end
// of the line, a bracket): "or" alone on a line continues as "or " does,
// since Format strips the space after it, while "orders" does not.
func (s *scanner) nextLineContinues() bool {
	rest := strings.TrimLeft(s.src[s.off+1:], " \t\r")
	for _, op := range leadingOps {
		if !strings.HasPrefix(rest, op) {
			continue
		}
		if op != "and" && op != "or" || len(rest) == len(op) || !isNameByte(rest[len(op)]) {
			return true
		}
	}
	return false
}

// isNameByte reports whether b can go on a name.
func isNameByte(b byte) bool {
	return b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b >= 0x80
}

// nextLineCloses reports whether the line after the cursor's starts
// with a }.
func (s *scanner) nextLineCloses() bool {
	rest := strings.TrimLeft(s.src[s.off+1:], " \t\r")
	return strings.HasPrefix(rest, "}")
}
