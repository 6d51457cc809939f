package rulefile

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxFileBytes bounds the size of a rule file Parse accepts.
const MaxFileBytes = 4 << 20

// MaxIdentBytes bounds an identifier: a rule id, a constant's, a let's or
// an output's name. Errors quote them, so a longer one is refused once
// rather than copied into every error of its rule.
const MaxIdentBytes = 128

// Parse parses a rule file. It reports every syntax error of the file at
// once, as an [ErrorList], recovering at the next line; it never panics.
// The statements of each block are put in canonical order, so
// Parse(Format(f)) equals f for any f that Parse returned.
func Parse(src []byte) (*File, error) {
	if len(src) > MaxFileBytes {
		return nil, ErrorList{{Pos: Pos{1, 1}, Msg: fmt.Sprintf("file is %d bytes, over the limit of %d", len(src), MaxFileBytes)}}
	}
	if !utf8.Valid(src) {
		// Placed in the text as Parse reads it (a leading byte order
		// mark is not a column).
		return nil, ErrorList{{Pos: invalidUTF8(bytes.TrimPrefix(src, []byte("\ufeff"))), Msg: "the file is not valid UTF-8"}}
	}
	return parseText(Text(src))
}

// parseText parses a file's text as Parse reads it (see [Text]), of any
// size.
func parseText(text string) (*File, error) {
	p := &fileParser{s: scanner{src: text, line: 1, col: 1}}
	f := p.file()
	if p.dropped > 0 {
		p.errs = append(p.errs, &Error{Pos: p.errs[len(p.errs)-1].Pos, Msg: fmt.Sprintf("and %d more errors, not reported", p.dropped)})
	}
	if len(p.errs) > 0 {
		return f, p.errs
	}
	return f, nil
}

// Text is a rule file's text as Parse reads it, and its positions count:
// without a leading byte order mark (not text), CRLF line ends read as LF,
// and so do the carriage returns before one (a CRLF file is the LF file:
// an expression over two lines kept its \r, which Format wrote back).
func Text(src []byte) string {
	text := strings.TrimPrefix(string(src), "\ufeff")
	if !strings.Contains(text, "\r\n") {
		return text
	}
	// The carriage returns before a line end are all of it: replacing
	// CRLF once left "\r\r\n" as "\r\n", which a second reading read
	// otherwise. A carriage return elsewhere stays (in a raw string, say).
	b := make([]byte, 0, len(text))
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			for len(b) > 0 && b[len(b)-1] == '\r' {
				b = b[:len(b)-1]
			}
		}
		b = append(b, text[i])
	}
	return string(b)
}

// invalidUTF8 is the position of the first byte of src that is not UTF-8.
func invalidUTF8(src []byte) Pos {
	s := scanner{src: string(src), line: 1, col: 1}
	for !s.eof() {
		r, size := utf8.DecodeRuneInString(s.src[s.off:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		for range size {
			s.advance()
		}
	}
	return s.pos()
}

type fileParser struct {
	s    scanner
	errs ErrorList
	// depth is how many branches enclose the block being parsed.
	depth int
	// note is where the trailing comment of the line being parsed goes:
	// the Comment field of the statement the line holds; see endLine.
	note *string
	// rule and stmt name where the parser is, for errors.
	ruleID, stmt string
	// dropped counts the errors past maxErrors.
	dropped int
}

// MaxBranchDepth bounds how deeply branches may nest. The parser descends
// one level of Go recursion per branch, and no decision tree a person
// reads needs more.
const MaxBranchDepth = 32

func (p *fileParser) errorf(pos Pos, format string, args ...any) {
	switch {
	case len(p.errs) < maxErrors:
		// An id over the limit is refused once and named short after.
		rule := p.ruleID
		if len(rule) > MaxIdentBytes {
			rule = rule[:32] + "…"
		}
		p.errs = append(p.errs, &Error{Pos: pos, Rule: rule, Statement: p.stmt, Msg: fmt.Sprintf(format, args...)})
	default:
		p.dropped++
	}
}

// maxErrors is the most errors Parse reports; one more says how many it
// left out.
const maxErrors = 100

// ident reads an identifier, refusing one longer than MaxIdentBytes.
func (p *fileParser) ident() string {
	pos := p.s.pos()
	id := p.s.ident()
	if len(id) > MaxIdentBytes {
		p.errorf(pos, "an identifier of %d bytes, over the limit of %d", len(id), MaxIdentBytes)
	}
	return id
}

// recover skips the rest of the line after an error.
func (p *fileParser) recover() { p.s.restOfLine() }

// endLine expects nothing but a comment up to the end of the line, and
// keeps the comment in p.note, the statement the line holds.
func (p *fileParser) endLine() {
	note := p.note
	p.note = nil
	p.s.skipInline()
	if p.s.eof() || p.s.peek() == '\n' {
		return
	}
	if strings.HasPrefix(p.s.src[p.s.off:], "//") {
		text := commentText(p.s.restOfLine())
		if note != nil {
			*note = text
		}
		return
	}
	p.errorf(p.s.pos(), "unexpected %q; expected the end of the line", p.peekToken())
	p.recover()
}

func (p *fileParser) peekToken() string {
	rest := p.s.src[p.s.off:]
	if i := strings.IndexAny(rest, " \t\r\n"); i >= 0 {
		rest = rest[:i]
	}
	if len(rest) > 20 {
		rest = rest[:20] + "…"
	}
	return rest
}

func (p *fileParser) file() *File {
	f := &File{}
	f.Doc = p.s.skipBlank()
	f.Pos = p.s.pos()
	start := p.s
	if p.s.ident() != "ruleset" { // read again below as a declaration, checked there
		p.errorf(f.Pos, "a rule file starts with `ruleset NAME version N`")
		p.s = start // parse what follows as declarations
	} else {
		p.header(f)
	}
	for {
		doc := p.s.skipBlank()
		if p.s.eof() {
			f.Trailing = doc
			return f
		}
		pos := p.s.pos()
		switch kw := p.ident(); kw {
		case "const":
			if c := p.constDecl(pos, doc); c != nil {
				f.Consts = append(f.Consts, c)
			}
		case "rule", "table":
			if r := p.rule(pos, doc, kw == "table"); r != nil {
				f.Rules = append(f.Rules, r)
			}
		default:
			p.errorf(pos, "unexpected %q; expected const, rule or table", kw+p.peekToken())
			p.recover()
		}
	}
}

func (p *fileParser) header(f *File) {
	p.s.skipInline()
	f.Name = p.ident()
	if f.Name == "" {
		p.errorf(p.s.pos(), "expected the rule set's name after ruleset")
		p.recover()
		return
	}
	p.s.skipInline()
	if at := p.s.pos(); p.ident() != "version" {
		p.errorf(at, "expected `version N` after the rule set's name") // at the word, as an unknown word is
		p.recover()
		return
	}
	p.s.skipInline()
	pos := p.s.pos()
	n, err := strconv.Atoi(p.number())
	if err != nil || n < 0 {
		p.errorf(pos, "expected a version number")
		p.recover()
		return
	}
	f.Version = n
	p.note = &f.Comment
	p.endLine()
}

func (p *fileParser) number() string {
	start := p.s.off
	for !p.s.eof() && (isDigit(p.s.peek()) || p.s.peek() == '.' || p.s.peek() == '-') {
		p.s.advance()
	}
	return p.s.src[start:p.s.off]
}

func (p *fileParser) constDecl(pos Pos, doc []string) *Const {
	p.s.skipInline()
	name := p.ident()
	p.s.skipInline()
	if name == "" || p.s.peek() != '=' {
		p.errorf(p.s.pos(), "expected `const NAME = value`")
		p.recover()
		return nil
	}
	p.s.advance()
	e, ok := p.exprAt(exprStop{})
	if !ok {
		return nil
	}
	c := &Const{Pos: pos, Doc: doc, Name: name, Value: e}
	p.note = &c.Comment
	p.endLine()
	return c
}

// exprAt reads an expression after optional spaces; an empty one is an
// error.
func (p *fileParser) exprAt(stop exprStop) (Expr, bool) {
	p.s.skipInline()
	pos := p.s.pos()
	src, open := p.s.expr(stop)
	if src == "" {
		p.errorf(pos, "expected an expression")
		p.recover()
		return Expr{}, false
	}
	switch open.c {
	case 0:
	case '*':
		p.errorf(open.pos, "this comment is never closed: end it with */")
		p.recover()
		return Expr{}, false
	case '"', '\'', '`':
		p.errorf(open.pos, "this string is never closed: end it with %s on the same line", string(open.c))
		p.recover()
		return Expr{}, false
	default:
		p.errorf(open.pos, "this %q is never closed", string(open.c))
		p.recover()
		return Expr{}, false
	}
	if op, at := danglingOp(src); op != "" {
		p.errorf(posAfter(pos, src[:at]), "the expression ends with %q: an operand is missing "+
			"(an expression goes on past the end of a line that ends with an operator, but not past a // comment or a blank line)", op)
		p.recover()
		return Expr{}, false
	}
	return Expr{Pos: pos, Src: src}, true
}

func (p *fileParser) rule(pos Pos, doc []string, table bool) *Rule {
	r := &Rule{Pos: pos, Doc: doc, Table: table}
	p.s.skipInline()
	r.ID = p.ident()
	p.ruleID = r.ID
	defer func() { p.ruleID, p.stmt = "", "" }()
	if r.ID == "" {
		p.errorf(p.s.pos(), "expected an id after %s", kindWord(table))
		p.recover()
		p.skipBlock()
		return nil
	}
	p.s.skipInline()
	if table {
		if at := p.s.pos(); p.ident() != "hit" {
			p.errorf(at, "expected `hit first|unique|priority|collect` after the table's id")
			p.recover()
			p.skipBlock()
			return nil
		}
		p.hitPolicy(r)
		p.s.skipInline()
	}
	if p.s.peek() != '{' {
		p.errorf(p.s.pos(), "expected { after the %s's id", kindWord(table))
		p.recover()
		p.skipBlock()
		return nil
	}
	p.s.advance()
	p.note = &r.Comment
	p.endLine()
	p.ruleID = r.ID
	p.block(&r.Body, r, true)
	p.ruleID, p.stmt = "", ""
	return r
}

func kindWord(table bool) string {
	if table {
		return "table"
	}
	return "rule"
}

// hitLetters are DMN's single-letter hit policies, with the aggregator
// a collect letter implies.
var hitLetters = map[string][2]string{
	"U": {"unique"}, "A": {"any"}, "P": {"priority"}, "F": {"first"}, "O": {"output_order"},
	"R": {"rule_order"}, "C": {"collect"}, "C+": {"collect", "sum"}, "C<": {"collect", "min"},
	"C>": {"collect", "max"}, "C#": {"collect", "count"},
}

// hitWordsOnly names the hit policies as a File holds them; hitWords adds
// the DMN letters the text may use for them.
const (
	hitWordsOnly = "first, unique, any, priority, output_order, rule_order or collect"
	hitWords     = hitWordsOnly + " (or U, A, P, F, O, R, C, C+, C<, C>, C#)"
)

func validHit(h string) bool {
	switch h {
	case "first", "unique", "any", "priority", "output_order", "rule_order", "collect":
		return true
	}
	return false
}

func validAggregate(a string) bool { return a == "sum" || a == "min" || a == "max" || a == "count" }

// hitPolicy reads a table's hit policy after `hit`: a word or a DMN
// letter, and for collect an optional aggregator and the output it
// aggregates: `hit collect sum discount`, `hit C+ discount`, `hit C#`.
func (p *fileParser) hitPolicy(r *Rule) {
	p.s.skipInline()
	hpos := p.s.pos()
	word := p.s.word()
	if l, ok := hitLetters[word]; ok {
		r.Hit, r.Aggregate = l[0], l[1]
	} else {
		r.Hit = word
	}
	if !validHit(r.Hit) {
		p.errorf(hpos, "unknown hit policy %q; expected %s", word, hitWords)
		return
	}
	if r.Hit != "collect" {
		return
	}
	p.s.skipInline()
	if r.Aggregate == "" && p.s.peek() != '{' {
		apos := p.s.pos()
		r.Aggregate = p.s.word()
		if !validAggregate(r.Aggregate) {
			p.errorf(apos, "unknown aggregator %q; expected sum, min, max or count", r.Aggregate)
			r.Aggregate = ""
			return
		}
		p.s.skipInline()
	}
	if r.Aggregate != "" && r.Aggregate != "count" {
		opos := p.s.pos()
		if r.AggregateOf = p.ident(); r.AggregateOf == "" {
			p.errorf(opos, "expected the output to %s after the aggregator: urgency, sensitivity or an output's name", r.Aggregate)
		}
	}
}

// skipBlock skips lines up to a closing brace on a line of its own, to
// recover from a broken declaration head.
func (p *fileParser) skipBlock() {
	for !p.s.eof() {
		p.s.skipBlank()
		if p.s.peek() == '}' {
			p.s.advance()
			return
		}
		if p.s.atDeclStart() {
			return
		}
		p.s.restOfLine()
	}
}

func (s *scanner) atDeclStart() bool {
	rest := s.src[s.off:]
	for _, kw := range []string{"rule ", "table ", "const "} {
		if strings.HasPrefix(rest, kw) && s.col == 1 {
			return true
		}
	}
	return false
}
