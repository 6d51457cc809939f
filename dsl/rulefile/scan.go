package rulefile

import (
	"strings"
)

// scanner walks the source by bytes, keeping line and column.
type scanner struct {
	src  string
	off  int
	line int
	col  int
	// lineStart is the offset where the current line starts, kept so no
	// question about the current line has to search backwards (which
	// would make a long file quadratic).
	lineStart int
	// endKnown, endFrom and endAt remember where the first "*/" at or
	// after endFrom is (-1: none), for commentEnd.
	endKnown       bool
	endFrom, endAt int
}

func (s *scanner) pos() Pos { return Pos{Line: s.line, Col: s.col} }

func (s *scanner) eof() bool { return s.off >= len(s.src) }

func (s *scanner) peek() byte {
	if s.eof() {
		return 0
	}
	return s.src[s.off]
}

func (s *scanner) advance() {
	if s.eof() {
		return
	}
	switch c := s.src[s.off]; {
	case c == '\n':
		s.line++
		s.col = 1
		s.lineStart = s.off + 1
	case c&0xC0 != 0x80: // columns count runes: not a UTF-8 continuation byte
		s.col++
	}
	s.off++
}

func (s *scanner) skipInline() {
	for !s.eof() && (s.peek() == ' ' || s.peek() == '\t' || s.peek() == '\r') {
		s.advance()
	}
}

// atComment reports whether a comment starts at the cursor.
func (s *scanner) atComment() bool {
	return s.peek() == '#' || strings.HasPrefix(s.src[s.off:], "//")
}

// restOfLine consumes up to (not including) the newline.
func (s *scanner) restOfLine() string {
	start := s.off
	for !s.eof() && s.peek() != '\n' {
		s.advance()
	}
	return s.src[start:s.off]
}

// skipBlank skips blank lines and comment lines, returning the comments'
// text (marker and one following space removed). Comments belong to what
// follows them, across blank lines: none is lost, and Format writes them
// right above it.
func (s *scanner) skipBlank() []string {
	var doc []string
	for !s.eof() {
		s.skipInline()
		switch {
		case s.peek() == '\n':
			s.advance()
		case s.atComment():
			doc = append(doc, commentText(s.restOfLine()))
		default:
			return doc
		}
	}
	return doc
}

func commentText(c string) string {
	c = strings.TrimPrefix(c, "//")
	c = strings.TrimPrefix(c, "#")
	c = strings.TrimPrefix(c, " ")
	return strings.TrimRight(c, " \t\r")
}

func isLetter(b byte) bool {
	return b == '_' || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// ident reads an identifier (letters, digits, underscores, and dots inside
// rule ids such as "pension.gap").
func (s *scanner) ident() string {
	start := s.off
	for !s.eof() && (isLetter(s.peek()) || (s.off > start && (isDigit(s.peek()) || s.peek() == '.'))) {
		s.advance()
	}
	return s.src[start:s.off]
}

// word reads up to white space or a brace: a hit policy such as "C+".
func (s *scanner) word() string {
	start := s.off
	for !s.eof() && !strings.ContainsRune(" \t\r\n{", rune(s.peek())) {
		s.advance()
	}
	return s.src[start:s.off]
}

// quoted reads a Go-style quoted string literal token, returning its raw
// text including quotes; ok is false when it is not terminated on its line.
func (s *scanner) quoted() (string, bool) {
	start := s.off
	end, ok := stringEnd(s.src, start)
	for s.off < end {
		s.advance()
	}
	return s.src[start:end], ok
}

// stringEnd is the offset just past the string literal whose quote is at
// text[i], and whether it is closed there. Every reader of strings in a
// rule file (the scanner, the comment blanker, cells, templates) finds
// their ends here, so they agree: a string ends at its quote, or, left
// open, at the end of its line; a backslash escapes the next byte (not a
// newline) except in a raw, backquoted string.
func stringEnd(text string, i int) (int, bool) {
	q := text[i]
	for j := i + 1; j < len(text); j++ {
		switch c := text[j]; {
		case c == '\n':
			return j, false
		case c == '\\' && q != '`':
			if j+1 < len(text) && text[j+1] != '\n' {
				j++
			}
		case c == q:
			return j + 1, true
		}
	}
	return len(text), false
}
