package rulefile

import (
	"strings"
	"unicode/utf8"
)

// An expression in a rule file runs to the end of its line. It continues
// onto the next line while a bracket is open, when the line ends with a
// binary operator, or when the next line starts with one (&&, ||, ?, :, and,
// or). A `//` outside strings and brackets ends it with a comment; `#` does
// not, since expr uses it in predicates.

// exprStop says where an expression may also end: before a comma or "=>"
// at the top level (table cells), or before an output keyword (row
// outputs).
type exprStop struct {
	comma    bool
	arrow    bool
	keywords bool
	brace    bool // before a trailing "{" (branch conditions)
}

var rowKeywords = []string{"type", "title", "message", "urgency", "sensitivity", "output", "priority"}

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
			goesOn := continues(s.src[max(start, s.lineStart):s.off]) && !s.nextLineCloses()
			if !goesOn && !s.nextLineContinues() {
				return text()
			}
		case c == '\n' && s.nextLineEndsBlock(open[depth-1].c):
			// A bracket is still open, but the next line closes the block or
			// starts a statement: the bracket was never closed. Stop here, so
			// the expression reports it and the block's } is not swallowed.
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

// blockLineStarts are the words that start a line of a block, which no
// expression continued across lines starts with.
var blockLineStarts = []string{"when", "let", "type", "title", "message", "urgency", "sensitivity", "output",
	"priority", "tags", "owner", "enabled", "emit", "branch", "else", "in", "row", "rule", "table", "const"}

// nextLineEndsBlock reports whether the line after the cursor's closes the
// block (it starts with a } that the innermost open bracket, inner, does
// not match) or starts a statement or declaration.
func (s *scanner) nextLineEndsBlock(inner byte) bool {
	rest := s.src[s.off+1:]
	if nl := strings.IndexByte(rest, '\n'); nl >= 0 {
		rest = rest[:nl]
	}
	line := strings.TrimSpace(rest)
	if strings.HasPrefix(line, "}") {
		return inner != '{'
	}
	word, _, _ := strings.Cut(line, " ")
	for _, kw := range blockLineStarts {
		if word == kw {
			return true
		}
	}
	return false
}

// nextLineCloses reports whether the line after the cursor's starts
// with a }.
func (s *scanner) nextLineCloses() bool {
	rest := strings.TrimLeft(s.src[s.off+1:], " \t\r")
	return strings.HasPrefix(rest, "}")
}

// braceEndsLine reports whether the "{" at the cursor is the last thing
// on its line.
func (s *scanner) braceEndsLine() bool {
	rest := s.src[s.off+1:]
	if i := strings.IndexByte(rest, '\n'); i >= 0 {
		rest = rest[:i]
	}
	rest = strings.TrimSpace(rest)
	return rest == "" || strings.HasPrefix(rest, "//") || strings.HasPrefix(rest, "#")
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

var trailingOps = []string{"&&", "||", "+", "-", "*", "/", "%", "?", ":", "==", "!=", "<", ">", "<=", ">=", ",", "??", "|", " and", " or", " not", " in"}

// continues reports whether the last line of an expression so far ends
// with a binary operator, so it must go on.
func continues(line string) bool {
	line = strings.TrimRight(line, " \t\r")
	if line == "" {
		return false
	}
	for _, op := range trailingOps {
		if strings.HasSuffix(line, op) {
			return true
		}
	}
	// A word operator alone on its line ends it too (" or" needs the
	// space before it only to tell it from the end of a name).
	switch strings.TrimLeft(line, " \t") {
	case "and", "or", "not", "in":
		return true
	}
	return false
}

// danglingOp returns the binary operator an expression's text ends with
// ("" for none) and the offset it starts at. Such an expression was cut
// off (by a blank line, a comment, the block's end), and the caller must
// refuse it as it refuses a bracket left open: Format would write it with
// something else after it, and the operator would reach for that.
func danglingOp(text string) (string, int) {
	last := text[strings.LastIndexByte(text, '\n')+1:]
	if !continues(last) {
		return "", 0
	}
	trimmed := strings.TrimRight(text, " \t\r")
	for _, op := range trailingOps {
		if strings.HasSuffix(trimmed, op) {
			op = strings.TrimLeft(op, " ")
			return op, len(trimmed) - len(op)
		}
	}
	word := strings.TrimLeft(last, " \t")
	return word, len(trimmed) - len(word)
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
