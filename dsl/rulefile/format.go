package rulefile

import (
	"fmt"
	"strconv"
	"strings"
)

// Format prints a file in canonical form: the header, then constants, then
// rules and tables, one blank line between declarations, two-space
// indentation, statements in canonical order, table cells aligned, comments
// kept (written with #). Format is idempotent, and Parse(Format(f)) equals f
// up to positions.
func Format(f *File) []byte {
	w := &writer{}
	w.doc(f.Doc, "")
	fmt.Fprintf(&w.b, "ruleset %s version %d\n", f.Name, f.Version)
	for _, c := range f.Consts {
		w.b.WriteByte('\n')
		w.doc(c.Doc, "")
		fmt.Fprintf(&w.b, "const %s = %s\n", c.Name, c.Value.Src)
	}
	for _, r := range f.Rules {
		w.b.WriteByte('\n')
		w.rule(r)
	}
	if len(f.Trailing) > 0 {
		w.b.WriteByte('\n')
		w.doc(f.Trailing, "")
	}
	return []byte(w.b.String())
}

type writer struct {
	b strings.Builder
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
		fmt.Fprintf(&w.b, "table %s hit %s {\n", r.ID, hit)
	} else {
		fmt.Fprintf(&w.b, "rule %s {\n", r.ID)
	}
	w.block(&r.Body, "  ")
	if r.Table {
		w.table(r)
	}
	w.b.WriteString("}\n")
}

func (w *writer) block(b *Block, indent string) {
	line := func(doc []string, text string) {
		w.doc(doc, indent)
		w.b.WriteString(indent + text + "\n")
	}
	if b.Type != nil {
		line(b.Type.Doc, "type "+strconv.Quote(b.Type.Value))
	}
	if b.Owner != nil {
		line(b.Owner.Doc, "owner "+strconv.Quote(b.Owner.Value))
	}
	if b.Tags != nil {
		line(b.Tags.Doc, "tags "+quoteAll(b.Tags.Values))
	}
	if b.Enabled != nil {
		line(b.Enabled.Doc, "enabled "+strconv.FormatBool(b.Enabled.Value))
	}
	for _, l := range b.Lets {
		line(l.Doc, "let "+l.Name+" = "+l.Value.Src)
	}
	stmt := func(kw string, s *Stmt) {
		if s != nil {
			line(s.Doc, kw+" "+s.Expr.Src)
		}
	}
	stmt("when", b.When)
	for kw, t := range map[string]*Template{"title": b.Title} {
		if t != nil {
			line(t.Doc, kw+" "+strconv.Quote(templateSource(t.Parts)))
		}
	}
	if b.Message != nil {
		line(b.Message.Doc, "message "+strconv.Quote(templateSource(b.Message.Parts)))
	}
	stmt("urgency", b.Urgency)
	stmt("sensitivity", b.Sensitivity)
	stmt("priority", b.Priority)
	for _, o := range b.Outputs {
		line(o.Doc, "output "+o.Name+" "+o.Value.Src)
	}
	for _, br := range b.Branches {
		w.doc(br.Doc, indent)
		if br.Cond == nil {
			w.b.WriteString(indent + "else {\n")
		} else {
			w.b.WriteString(indent + "branch " + br.Cond.Src + " {\n")
		}
		w.block(&br.Body, indent+"  ")
		w.b.WriteString(indent + "}\n")
	}
}

func quoteAll(vs []string) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = strconv.Quote(v)
	}
	return strings.Join(parts, ", ")
}

// table writes the inputs and the rows, cells padded so columns line up.
func (w *writer) table(r *Rule) {
	if len(r.Inputs) > 0 {
		srcs := make([]string, len(r.Inputs))
		for i, in := range r.Inputs {
			srcs[i] = in.Src
		}
		w.b.WriteString("  in " + strings.Join(srcs, ", ") + "\n")
	}
	if o := r.Order; o != nil {
		vals := make([]string, len(o.Values))
		for i, v := range o.Values {
			vals[i] = v.String()
		}
		w.doc(o.Doc, "  ")
		w.b.WriteString("  order " + o.Output + " " + strings.Join(vals, ", ") + "\n")
	}
	widths := map[int]int{}
	for _, row := range r.Rows {
		for i, c := range row.Cells {
			widths[i] = max(widths[i], len(c.Test.String()))
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
			cells[i] = text + strings.Repeat(" ", widths[i]-len(c.Test.String()))
		}
		w.b.WriteString("  row " + strings.Join(cells, " ") + " => " + rowOutputs(&row.Out) + "\n")
	}
}

func rowOutputs(b *Block) string {
	var parts []string
	if b.Type != nil {
		parts = append(parts, "type "+strconv.Quote(b.Type.Value))
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
