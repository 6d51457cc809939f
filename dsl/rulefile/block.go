package rulefile

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// block parses statements up to the closing brace. rule is the enclosing
// rule or table; top says whether this is its own body (where in, row and
// the rule-level statements are allowed).
func (p *fileParser) block(b *Block, rule *Rule, top bool) {
	for {
		doc := p.s.skipBlank()
		if p.s.eof() {
			p.errorf(p.s.pos(), "unexpected end of file; expected }")
			return
		}
		if p.s.peek() == '}' {
			b.Trailing = doc
			p.s.advance()
			p.note = &b.Close
			p.endLine()
			return
		}
		if p.s.atDeclStart() {
			p.errorf(p.s.pos(), "missing } before this declaration")
			return
		}
		pos := p.s.pos()
		kw := p.ident()
		p.stmt = kw
		if kw == "row" {
			p.stmt = fmt.Sprintf("row %d", len(rule.Rows)+1)
		}
		p.statement(b, rule, top, kw, pos, doc)
	}
}

func (p *fileParser) statement(b *Block, rule *Rule, top bool, kw string, pos Pos, doc []string) {
	switch kw {
	case "in", "row", "order":
		if !top || !rule.Table {
			p.errorf(pos, "%s is only allowed in a table", kw)
			p.recover()
			return
		}
		switch kw {
		case "in":
			rule.InDoc = doc
			p.inputs(rule, pos)
		case "order":
			p.order(rule, pos, doc)
		default:
			p.row(rule, pos, doc)
		}
	case "branch", "else":
		if rule.Table {
			p.errorf(pos, "a table has rows, not branches")
			p.recover()
			return
		}
		p.branch(b, rule, kw == "else", pos, doc)
	default:
		if !p.simple(b, kw, pos, doc, false) {
			p.errorf(pos, "unknown statement %q; expected type, title, message, let, when, urgency, sensitivity, output, tags, owner, enabled, emit, branch or else", kw+p.peekToken())
			p.recover()
			return
		}
		p.endLine()
	}
}

// simple parses a statement that may appear in any block; inRow is true on
// a table row, where expressions end before the next output keyword. It
// reports false for an unknown keyword.
func (p *fileParser) simple(b *Block, kw string, pos Pos, doc []string, inRow bool) bool {
	stop := exprStop{keywords: inRow}
	dup := func(set bool) bool {
		if set {
			p.errorf(pos, "%s is said twice", kw)
		}
		return set
	}
	switch kw {
	case "type", "owner":
		v, ok := p.stringLit()
		if !ok {
			return true
		}
		s := &Str{Pos: pos, Doc: doc, Value: v}
		p.note = &s.Comment
		if kw == "type" && !dup(b.Type != nil) {
			b.Type = s
		} else if kw == "owner" && !dup(b.Owner != nil) {
			b.Owner = s
		}
	case "tags":
		if vs, ok := p.stringList(); ok && !dup(b.Tags != nil) {
			b.Tags = &Strs{Pos: pos, Doc: doc, Values: vs}
			p.note = &b.Tags.Comment
		}
	case "enabled", "emit":
		p.s.skipInline()
		w := p.ident()
		if w != "true" && w != "false" {
			p.errorf(pos, "expected %s true or %s false", kw, kw)
			p.recover()
			return true
		}
		slot := &b.Enabled
		if kw == "emit" {
			slot = &b.Emit
		}
		if !dup(*slot != nil) {
			*slot = &Flag{Pos: pos, Doc: doc, Value: w == "true"}
			p.note = &(*slot).Comment
		}
	case "let":
		p.s.skipInline()
		name := p.ident()
		p.s.skipInline()
		if name == "" || p.s.peek() != '=' {
			p.errorf(pos, "expected let NAME = expression")
			p.recover()
			return true
		}
		p.s.advance()
		if e, ok := p.exprAt(stop); ok {
			l := &Let{Pos: pos, Doc: doc, Name: name, Value: e}
			b.Lets = append(b.Lets, l)
			p.note = &l.Comment
		}
	case "when", "urgency", "sensitivity", "priority":
		e, ok := p.exprAt(stop)
		if !ok {
			return true
		}
		st := &Stmt{Pos: pos, Doc: doc, Expr: e}
		p.note = &st.Comment
		slot := map[string]**Stmt{"when": &b.When, "urgency": &b.Urgency, "sensitivity": &b.Sensitivity, "priority": &b.Priority}[kw]
		if !dup(*slot != nil) {
			*slot = st
		}
	case "title", "message":
		t, ok := p.template(pos, doc)
		if !ok {
			return true
		}
		p.note = &t.Comment
		if kw == "title" && !dup(b.Title != nil) {
			b.Title = t
		} else if kw == "message" && !dup(b.Message != nil) {
			b.Message = t
		}
	case "output":
		p.s.skipInline()
		name := p.ident()
		if name == "" {
			p.errorf(pos, "expected output NAME expression")
			p.recover()
			return true
		}
		if e, ok := p.exprAt(stop); ok {
			o := &Output{Pos: pos, Doc: doc, Name: name, Value: e}
			b.Outputs = append(b.Outputs, o)
			p.note = &o.Comment
		}
	default:
		return false
	}
	return true
}

func (p *fileParser) stringLit() (string, bool) {
	v, _, ok := p.stringLitRaw()
	return v, ok
}

// stringLitRaw is stringLit, with the literal as the file spells it.
func (p *fileParser) stringLitRaw() (string, string, bool) {
	p.s.skipInline()
	pos := p.s.pos()
	if p.s.peek() != '"' && p.s.peek() != '`' {
		p.errorf(pos, "expected a quoted string")
		p.recover()
		return "", "", false
	}
	raw, ok := p.s.quoted()
	v, err := strconv.Unquote(raw)
	if !ok || err != nil {
		p.errorf(pos, "malformed string %s", raw)
		p.recover()
		return "", "", false
	}
	if !utf8.ValidString(v) {
		// An escape (\xff) can make bytes that are not text, which a
		// file's JSON cannot carry (it writes U+FFFD instead).
		p.errorf(pos, "string %s is not UTF-8 text", raw)
		p.recover()
		return "", "", false
	}
	return v, raw, true
}

func (p *fileParser) stringList() ([]string, bool) {
	var out []string
	for {
		v, ok := p.stringLit()
		if !ok {
			return nil, false
		}
		out = append(out, v)
		p.s.skipInline()
		if p.s.peek() != ',' {
			return out, true
		}
		p.s.advance()
	}
}

func (p *fileParser) branch(b *Block, rule *Rule, isElse bool, pos Pos, doc []string) {
	if n := len(b.Branches); n > 0 && b.Branches[n-1].Cond == nil {
		p.errorf(pos, "no branch may follow else")
	}
	br := &Branch{Pos: pos, Doc: doc}
	p.s.skipInline()
	if !isElse {
		e, ok := p.exprAt(exprStop{brace: true})
		if !ok {
			return
		}
		br.Cond = &e
	}
	p.s.skipInline()
	if p.s.peek() != '{' {
		p.errorf(p.s.pos(), "expected { to open the %s", map[bool]string{true: "else", false: "branch"}[isElse])
		p.recover()
		return
	}
	p.s.advance()
	if p.depth >= MaxBranchDepth {
		p.errorf(pos, "branches nest deeper than %d", MaxBranchDepth)
		p.skipNested()
		return
	}
	p.note = &br.Comment
	p.endLine()
	p.depth++
	p.block(&br.Body, rule, false)
	p.depth--
	b.Branches = append(b.Branches, br)
}

// skipNested skips to the brace that closes the block just opened, past
// any nested blocks and quoted text, without recursion.
func (p *fileParser) skipNested() {
	depth := 1
	for !p.s.eof() && depth > 0 {
		switch c := p.s.peek(); c {
		case '{':
			depth++
		case '}':
			depth--
		case '"', '`':
			if _, ok := p.s.quoted(); ok {
				continue
			}
		}
		p.s.advance()
	}
	p.endLine()
}

func (p *fileParser) inputs(rule *Rule, pos Pos) {
	if len(rule.Inputs) > 0 {
		p.errorf(pos, "in is said twice")
	}
	for {
		e, ok := p.exprAt(exprStop{comma: true})
		if !ok {
			return
		}
		rule.Inputs = append(rule.Inputs, e)
		p.s.skipInline()
		if p.s.peek() != ',' {
			break
		}
		p.s.advance()
		// A list of inputs may go on on the next line after a comma.
		p.s.skipInline()
		if p.s.peek() == '\n' {
			p.s.advance()
		}
	}
	p.note = &rule.InComment
	p.endLine()
}

// order parses `order OUTPUT value, value, ...`.
func (p *fileParser) order(rule *Rule, pos Pos, doc []string) {
	if rule.Order != nil {
		p.errorf(pos, "order is said twice")
	}
	p.s.skipInline()
	o := &Order{Pos: pos, Doc: doc, Output: p.ident()}
	if o.Output == "" {
		p.errorf(p.s.pos(), "expected `order OUTPUT value, value, ...` (OUTPUT is type or an output's name)")
		p.recover()
		return
	}
	for {
		p.s.skipInline()
		vpos := p.s.pos()
		// A value left open fails parseValue, which reads literals only.
		text, _ := p.s.expr(exprStop{comma: true})
		v, err := parseValue(text)
		if err != nil {
			p.errorf(vpos, "order: %v", err)
			p.recover()
			return
		}
		o.Values = append(o.Values, v)
		p.s.skipInline()
		if p.s.peek() != ',' {
			break
		}
		p.s.advance()
	}
	p.note = &o.Comment
	p.endLine()
	rule.Order = o
}

func (p *fileParser) row(rule *Rule, pos Pos, doc []string) {
	r := &Row{Pos: pos, Doc: doc}
	for {
		p.s.skipInline()
		cpos := p.s.pos()
		// A cell left open fails parseTest, which knows intervals and
		// says how to close them.
		text, _ := p.s.expr(exprStop{comma: true, arrow: true})
		t, err := parseTest(text)
		if err != nil {
			p.errorf(cpos, "cell %q: %v%s", text, err, cellHint(text))
			p.recover()
			return
		}
		r.Cells = append(r.Cells, Cell{Pos: cpos, Test: t})
		p.s.skipInline()
		if p.s.peek() == ',' {
			p.s.advance()
			continue
		}
		break
	}
	if !strings.HasPrefix(p.s.src[p.s.off:], "=>") {
		p.errorf(p.s.pos(), "expected => after the row's cells")
		p.recover()
		return
	}
	p.s.advance()
	p.s.advance()
	for {
		p.s.skipInline()
		if p.s.eof() || p.s.peek() == '\n' || strings.HasPrefix(p.s.src[p.s.off:], "//") {
			break
		}
		opos := p.s.pos()
		kw := p.ident()
		if kw == "" || !p.simple(&r.Out, kw, opos, nil, true) {
			p.errorf(opos, "unexpected %q in a row's outputs; expected type, title, message, urgency, sensitivity, priority or output", kw+p.peekToken())
			p.recover()
			return
		}
	}
	p.note = &r.Comment
	p.endLine()
	rule.Rows = append(rule.Rows, r)
}

// cellHint suggests the likely fix for a cell that does not parse: a
// missing => before the outputs.
func cellHint(text string) string {
	if strings.Contains(text, "=>") {
		return "" // the => is there: the cell before it is what is wrong
	}
	fields := strings.Fields(text)
	for _, f := range fields[min(1, len(fields)):] {
		if slices.Contains(rowKeywords, f) {
			return " (missing => between the cells and the outputs?)"
		}
	}
	return ""
}

// template parses a quoted title or message into text and {expr} parts.
func (p *fileParser) template(pos Pos, doc []string) (*Template, bool) {
	p.s.skipInline()
	spos := p.s.pos()
	v, raw, ok := p.stringLitRaw()
	if !ok {
		return nil, false
	}
	parts, err := splitTemplate(v, unquotedPositions(raw, spos))
	if err != nil {
		at := spos
		var te *templateError
		if errors.As(err, &te) {
			at = te.pos
		}
		p.errorf(at, "%v", err)
		return nil, false
	}
	return &Template{Pos: pos, Doc: doc, Parts: parts}, true
}
