package rulefile

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Format prints a file in canonical form: the header, then constants, then
// rules and tables, one blank line between declarations, two-space
// indentation, statements in canonical order, table cells aligned, comments
// kept (written with #). Format is idempotent, and Parse(Format(f)) equals f
// up to positions. A File that fails [File.Check] (one no text gives,
// built in Go) is written as nothing, nil. The canonical form may be
// longer than the source (a comment "#c" is written "# c"), so a file
// near [MaxFileBytes] may format to more than Parse takes.
func Format(f *File) []byte {
	if f.Check() != nil {
		return nil // no text says it: see Check
	}
	return []byte(write(f))
}

// write is Format without Check: Check itself writes a File to see that
// its text reads back as it.
func write(f *File) string {
	w := &writer{}
	w.doc(f.Doc, "")
	w.line("", fmt.Sprintf("ruleset %s version %d", f.Name, f.Version), f.Comment)
	for _, c := range f.Consts {
		w.b.WriteByte('\n')
		w.doc(c.Doc, "")
		w.line("", fmt.Sprintf("const %s = %s", c.Name, c.Value.Src), c.Comment)
	}
	for _, r := range f.Rules {
		w.b.WriteByte('\n')
		w.rule(r)
	}
	if len(f.Trailing) > 0 {
		w.b.WriteByte('\n')
		w.doc(f.Trailing, "")
	}
	return w.b.String()
}

type writer struct {
	b strings.Builder
}

// line writes one line of text at indent, with its trailing comment.
func (w *writer) line(indent, text, comment string) {
	w.b.WriteString(indent + text)
	switch {
	case comment != "":
		w.b.WriteString(" // " + comment)
	case continues(blankComments(text)) && balanced(blankComments(text)):
		// A line ending in an operator would run on into the next one; a
		// comment, even an empty one, ends it, as it did in the source.
		w.b.WriteString(" //")
	}
	w.b.WriteByte('\n')
}

// balanced reports whether text closes every bracket it opens, outside
// quoted strings (and, as line gives it, comments): only then does a
// comment end it.
func balanced(text string) bool {
	depth := 0
	var quote byte
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case quote != 0:
			if c == '\\' && quote != '`' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
		}
	}
	return depth == 0 && quote == 0
}

// close writes the end of a block: its trailing comment lines, then the
// brace with its comment.
func (w *writer) close(b *Block, indent string) {
	w.doc(b.Trailing, indent+"  ")
	w.line(indent, "}", b.Close)
}

func (w *writer) doc(lines []string, indent string) {
	for _, l := range lines {
		if l == "" {
			w.b.WriteString(indent + "#\n")
			continue
		}
		w.b.WriteString(indent + "# " + l + "\n")
	}
}

func (w *writer) rule(r *Rule) {
	w.doc(r.Doc, "")
	if r.Table {
		hit := r.Hit
		if r.Aggregate != "" {
			hit += " " + r.Aggregate
		}
		if r.AggregateOf != "" {
			hit += " " + r.AggregateOf
		}
		w.line("", fmt.Sprintf("table %s hit %s {", r.ID, hit), r.Comment)
	} else {
		w.line("", fmt.Sprintf("rule %s {", r.ID), r.Comment)
	}
	w.block(&r.Body, "  ")
	if r.Table {
		w.table(r)
	}
	w.close(&r.Body, "")
}

func (w *writer) block(b *Block, indent string) {
	line := func(doc []string, text, comment string) {
		w.doc(doc, indent)
		w.line(indent, text, comment)
	}
	if b.Type != nil {
		line(b.Type.Doc, "type "+strconv.Quote(b.Type.Value), b.Type.Comment)
	}
	if b.Owner != nil {
		line(b.Owner.Doc, "owner "+strconv.Quote(b.Owner.Value), b.Owner.Comment)
	}
	if b.Tags != nil {
		line(b.Tags.Doc, "tags "+quoteAll(b.Tags.Values), b.Tags.Comment)
	}
	if b.Enabled != nil {
		line(b.Enabled.Doc, "enabled "+strconv.FormatBool(b.Enabled.Value), b.Enabled.Comment)
	}
	if b.Emit != nil {
		line(b.Emit.Doc, "emit "+strconv.FormatBool(b.Emit.Value), b.Emit.Comment)
	}
	for _, l := range b.Lets {
		line(l.Doc, "let "+l.Name+" = "+l.Value.Src, l.Comment)
	}
	stmt := func(kw string, s *Stmt) {
		if s != nil {
			line(s.Doc, kw+" "+s.Expr.Src, s.Comment)
		}
	}
	stmt("when", b.When)
	for _, t := range []struct {
		kw string
		t  *Template
	}{{"title", b.Title}, {"message", b.Message}} {
		if t.t != nil {
			line(t.t.Doc, t.kw+" "+strconv.Quote(templateSource(t.t.Parts)), t.t.Comment)
		}
	}
	stmt("urgency", b.Urgency)
	stmt("sensitivity", b.Sensitivity)
	stmt("priority", b.Priority)
	for _, o := range b.Outputs {
		line(o.Doc, "output "+o.Name+" "+o.Value.Src, o.Comment)
	}
	for _, br := range b.Branches {
		head := "else {"
		if br.Cond != nil {
			head = "branch " + br.Cond.Src + " {"
		}
		line(br.Doc, head, br.Comment)
		w.block(&br.Body, indent+"  ")
		w.close(&br.Body, indent)
	}
}

func quoteAll(vs []string) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = strconv.Quote(v)
	}
	return strings.Join(parts, ", ")
}

// maxPaddedCell is the widest cell, in runes, a table's column is lined up
// to.
const maxPaddedCell = 48

// table writes the inputs and the rows, cells padded so columns line up
// (those no wider than maxPaddedCell).
func (w *writer) table(r *Rule) {
	if len(r.Inputs) > 0 {
		srcs := make([]string, len(r.Inputs))
		for i, in := range r.Inputs {
			srcs[i] = in.Src
		}
		w.doc(r.InDoc, "  ")
		w.line("  ", "in "+strings.Join(srcs, ", "), r.InComment)
	}
	if o := r.Order; o != nil {
		vals := make([]string, len(o.Values))
		for i, v := range o.Values {
			vals[i] = v.String()
		}
		w.doc(o.Doc, "  ")
		w.line("  ", "order "+o.Output+" "+strings.Join(vals, ", "), o.Comment)
	}
	widths := map[int]int{}
	for _, row := range r.Rows {
		for i, c := range row.Cells {
			widths[i] = max(widths[i], utf8.RuneCountInString(c.Test.String())) // columns count runes
		}
	}
	for i, wd := range widths {
		if wd > maxPaddedCell {
			// One long cell would pad every row to it: a column that wide
			// is not lined up, so the file stays the size it was.
			widths[i] = 0
		}
	}
	for _, row := range r.Rows {
		w.doc(row.Doc, "  ")
		cells := make([]string, len(row.Cells))
		for i, c := range row.Cells {
			text := c.Test.String()
			if i < len(row.Cells)-1 {
				text += ","
			}
			cells[i] = text + strings.Repeat(" ", max(0, widths[i]-utf8.RuneCountInString(c.Test.String())))
		}
		w.line("  ", "row "+strings.Join(cells, " ")+" => "+rowOutputs(&row.Out), row.Comment)
	}
}

// rowOutputs writes what a row says after its =>, every statement the
// parser takes there included: those a row may not say (owner, tags,
// enabled, emit, let, when) too, for the compiler to refuse, so that
// formatting never changes a file's meaning.
func rowOutputs(b *Block) string {
	var parts []string
	if b.Type != nil {
		parts = append(parts, "type "+strconv.Quote(b.Type.Value))
	}
	if b.Owner != nil {
		parts = append(parts, "owner "+strconv.Quote(b.Owner.Value))
	}
	if b.Tags != nil {
		parts = append(parts, "tags "+quoteAll(b.Tags.Values))
	}
	for _, f := range []struct {
		kw string
		f  *Flag
	}{{"enabled", b.Enabled}, {"emit", b.Emit}} {
		if f.f != nil {
			parts = append(parts, f.kw+" "+strconv.FormatBool(f.f.Value))
		}
	}
	for _, l := range b.Lets {
		parts = append(parts, "let "+l.Name+" = "+l.Value.Src)
	}
	if b.When != nil {
		parts = append(parts, "when "+b.When.Expr.Src)
	}
	if b.Title != nil {
		parts = append(parts, "title "+strconv.Quote(templateSource(b.Title.Parts)))
	}
	if b.Message != nil {
		parts = append(parts, "message "+strconv.Quote(templateSource(b.Message.Parts)))
	}
	for _, kv := range []struct {
		kw string
		s  *Stmt
	}{{"urgency", b.Urgency}, {"sensitivity", b.Sensitivity}, {"priority", b.Priority}} {
		if kv.s != nil {
			parts = append(parts, kv.kw+" "+kv.s.Expr.Src)
		}
	}
	for _, o := range b.Outputs {
		parts = append(parts, "output "+o.Name+" "+o.Value.Src)
	}
	return strings.Join(parts, " ")
}
