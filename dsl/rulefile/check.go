package rulefile

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/engagekit/engagekit/internal/jsonnull"
)

// Check reports, as an [*Error], the first part of f that no text could
// give: what Parse refuses, or never builds, but a File read from JSON or
// built in Go may hold. A nil rule, constant, let, output, branch, row or
// ordered value; an empty expression, an else before another branch,
// branches deeper than MaxBranchDepth; a rule set name, rule id or name
// that is not an identifier; a comment or doc line with a line break
// (Format would write the rest as a statement); a table's parts in a
// rule, branches in a table or a row (Format would leave them out); a
// cell test of no known kind, a comparison without a known operator or a
// value, an interval without its ends, a one-of or not() of nothing; a
// value of no known kind, or a NaN; a table's hit policy, aggregator or
// aggregated output that the parser never reads. Last, what passes all
// of these must keep [Format]'s promise: its text parses, and to f again
// up to positions. An expression is text, and text can end itself early
// (an input "a, b" reads back as two inputs): the parser is the judge of
// what the text says, and the error names the first part that differs.
//
// A File's JSON is checked as it is read ([File.UnmarshalJSON]), and
// dsl.CompileFile checks a File before it compiles it; [Analyze] reports
// a File that fails Check as one finding of code "invalid", and [Format]
// writes nothing (nil) for one.
func (f *File) Check() error {
	if f == nil {
		return &Error{Msg: "no file"}
	}
	c := checker{}
	c.ident(f.Pos, "the rule set's name", f.Name)
	c.notes(f.Pos, f.Doc, f.Comment)
	c.notes(f.Pos, f.Trailing, "")
	for i, k := range f.Consts {
		if k == nil {
			c.fail(f.Pos, fmt.Sprintf("constant %d is missing", i+1))
			continue
		}
		c.declared(k.Pos, "a constant's name", k.Name, k.Doc, k.Comment)
		c.expr(k.Pos, "a constant's value", k.Value)
	}
	for i, r := range f.Rules {
		if r == nil {
			c.fail(f.Pos, fmt.Sprintf("rule %d is missing", i+1))
			continue
		}
		c.rule = r.ID
		c.declared(r.Pos, "a rule's id", r.ID, r.Doc, r.Comment)
		c.notes(r.Pos, r.InDoc, r.InComment)
		for _, in := range r.Inputs {
			c.expr(in.Pos, "a table's input", in)
		}
		if !r.Table && (r.Hit != "" || r.Aggregate != "" || r.AggregateOf != "" || len(r.Inputs) > 0 || len(r.Rows) > 0 || r.Order != nil) {
			// Format writes a rule without them: compiled, the File and
			// its text would be two rule sets.
			c.fail(r.Pos, "a rule that is not a table has a hit policy, inputs, rows or an order")
		}
		if r.Table {
			c.tableHead(r)
			if len(r.Body.Branches) > 0 {
				c.fail(r.Pos, "a table has rows, not branches")
			}
		}
		c.block(r.Pos, &r.Body, 0)
		if r.Order != nil {
			c.notes(r.Order.Pos, r.Order.Doc, r.Order.Comment)
			for j, v := range r.Order.Values {
				if v == nil {
					c.fail(r.Order.Pos, fmt.Sprintf("ordered value %d is missing", j+1))
					continue
				}
				c.value(r.Order.Pos, v)
			}
		}
		for j, row := range r.Rows {
			c.statement = fmt.Sprintf("row %d", j+1)
			if row == nil {
				c.fail(r.Pos, "the row is missing")
				continue
			}
			c.notes(row.Pos, row.Doc, row.Comment)
			for _, cell := range row.Cells {
				c.test(cell.Pos, cell.Test, true)
			}
			if len(row.Out.Branches) > 0 {
				c.fail(row.Pos, "a row's outputs hold no branches")
			}
			c.block(row.Pos, &row.Out, 0)
		}
		c.rule, c.statement = "", ""
	}
	if c.err == nil {
		c.readsBack(f)
	}
	return c.err
}

// UnmarshalJSON reads a File as encoding/json does, then checks it
// ([File.Check]): JSON can say what no text says (a null rule, a cell of
// no kind, a comment that runs onto a statement's line), and a File read
// so is refused rather than compiled, formatted or analyzed as another.
func (f *File) UnmarshalJSON(b []byte) error {
	if jsonnull.Is(b) {
		return nil // null leaves the value as it was, as encoding/json does
	}
	type plain File // no methods: the default decoding
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	if err := (*File)(&p).Check(); err != nil {
		return err
	}
	*f = File(p)
	return nil
}

// tableHead checks a table's hit policy as the parser reads it: one of
// its words (a DMN letter is read into its word), an aggregator only for
// collect, and the output it aggregates named exactly when the aggregator
// needs one. Format writes the head as it is, so anything else would
// come back as a table the parser refuses or reads as another.
func (c *checker) tableHead(r *Rule) {
	switch {
	case !validHit(r.Hit):
		c.fail(r.Pos, fmt.Sprintf("unknown hit policy %q; expected %s", r.Hit, hitWordsOnly))
	case r.Hit != "collect" && (r.Aggregate != "" || r.AggregateOf != ""):
		c.fail(r.Pos, fmt.Sprintf("an aggregator needs hit collect; this table is hit %s", r.Hit))
	case r.Aggregate != "" && !validAggregate(r.Aggregate):
		c.fail(r.Pos, fmt.Sprintf("unknown aggregator %q; expected sum, min, max or count", r.Aggregate))
	case r.Aggregate == "" || r.Aggregate == "count":
		if r.AggregateOf != "" {
			c.fail(r.Pos, fmt.Sprintf("%q is aggregated by no aggregator that takes an output", r.AggregateOf))
		}
	default:
		c.ident(r.Pos, "the output a collect table aggregates", r.AggregateOf)
	}
}

// checker keeps Check's first error and where it is.
type checker struct {
	rule, statement string
	err             error
}

func (c *checker) fail(pos Pos, msg string) {
	if c.err == nil {
		c.err = &Error{Pos: pos, Rule: c.rule, Statement: c.statement, Msg: msg}
	}
}

// ident checks a name as the scanner reads one: a letter or underscore,
// then letters, digits, underscores and dots, within MaxIdentBytes.
func (c *checker) ident(pos Pos, what, s string) {
	ok := s != "" && len(s) <= MaxIdentBytes && isLetter(s[0])
	for i := 1; ok && i < len(s); i++ {
		ok = isLetter(s[i]) || isDigit(s[i]) || s[i] == '.'
	}
	if !ok {
		c.fail(pos, fmt.Sprintf("%s %q is not an identifier", what, s))
	}
}

// notes checks doc lines and a comment: one line each. (A lone carriage
// return is no line break to the parser, which keeps it in a comment.)
// Check only reads: doc is not appended to, whose spare capacity may be
// another slice's, or read by another Check at once.
func (c *checker) notes(pos Pos, doc []string, comment string) {
	for _, l := range doc {
		c.line(pos, l)
	}
	c.line(pos, comment)
}

func (c *checker) line(pos Pos, l string) {
	if strings.Contains(l, "\n") {
		c.fail(pos, fmt.Sprintf("the comment %q holds a line break", l))
	}
}

// declared checks a named declaration: its name and its notes.
func (c *checker) declared(pos Pos, what, name string, doc []string, comment string) {
	c.ident(pos, what, name)
	c.notes(pos, doc, comment)
}

// expr checks an expression the parser would have read: some text once
// the spaces it trims are gone (a form feed, say, is no space to it).
func (c *checker) expr(pos Pos, what string, e Expr) {
	if trimExpr(e.Src) == "" {
		c.fail(pos, what+" is empty")
	}
}

// block checks a rule's, a branch's (depth branches down) or a row's
// statements.
func (c *checker) block(pos Pos, b *Block, depth int) {
	c.notes(pos, b.Trailing, b.Close)
	for _, s := range []*Str{b.Type, b.Owner} {
		if s != nil {
			c.notes(s.Pos, s.Doc, s.Comment)
		}
	}
	if b.Tags != nil {
		c.notes(b.Tags.Pos, b.Tags.Doc, b.Tags.Comment)
	}
	for _, fl := range []*Flag{b.Enabled, b.Emit} {
		if fl != nil {
			c.notes(fl.Pos, fl.Doc, fl.Comment)
		}
	}
	for _, s := range []*Stmt{b.When, b.Urgency, b.Sensitivity, b.Priority} {
		if s != nil {
			c.notes(s.Pos, s.Doc, s.Comment)
			c.expr(s.Pos, "a statement's expression", s.Expr)
		}
	}
	for _, t := range []*Template{b.Title, b.Message} {
		if t != nil {
			c.notes(t.Pos, t.Doc, t.Comment)
		}
	}
	for i, l := range b.Lets {
		if l == nil {
			c.fail(pos, fmt.Sprintf("let %d is missing", i+1))
			continue
		}
		c.declared(l.Pos, "a let's name", l.Name, l.Doc, l.Comment)
		c.expr(l.Pos, "a let's value", l.Value)
	}
	for i, o := range b.Outputs {
		if o == nil {
			c.fail(pos, fmt.Sprintf("output %d is missing", i+1))
			continue
		}
		c.declared(o.Pos, "an output's name", o.Name, o.Doc, o.Comment)
		c.expr(o.Pos, "an output's value", o.Value)
	}
	for i, br := range b.Branches {
		switch {
		case br == nil:
			c.fail(pos, fmt.Sprintf("branch %d is missing", i+1))
			continue
		case br.Cond == nil && i < len(b.Branches)-1:
			c.fail(br.Pos, "no branch may follow else")
		case br.Cond != nil:
			c.expr(br.Pos, "a branch's condition", *br.Cond)
		}
		if depth >= MaxBranchDepth {
			c.fail(br.Pos, fmt.Sprintf("branches nest deeper than %d", MaxBranchDepth))
			return // and no deeper: Check's own recursion stays bounded
		}
		c.notes(br.Pos, br.Doc, br.Comment)
		c.block(br.Pos, &br.Body, depth+1)
	}
}

// test checks a cell's test; top says whether it is the cell's own (a
// one-of or not() holds simple tests only, as the parser reads them).
func (c *checker) test(pos Pos, t UnaryTest, top bool) {
	switch t.Kind {
	case TestAny:
		if !top {
			c.fail(pos, "- inside a list of tests")
		}
	case TestCompare:
		switch t.Op {
		case "==", "!=", "<", "<=", ">", ">=":
		default:
			c.fail(pos, fmt.Sprintf("a comparison's operator %q is not ==, !=, <, <=, > or >=", t.Op))
		}
		c.valueOf(pos, t.Value)
	case TestInterval:
		c.valueOf(pos, t.Lo)
		c.valueOf(pos, t.Hi)
	case TestOneOf, TestNot:
		if !top {
			c.fail(pos, fmt.Sprintf("a %s test inside a list of tests", t.Kind))
			return // and no deeper: a File built in Go may nest them without end
		}
		if len(t.List) == 0 {
			c.fail(pos, fmt.Sprintf("a %s test of no tests", t.Kind))
		}
		for _, s := range t.List {
			c.test(pos, s, false)
		}
	default:
		c.fail(pos, fmt.Sprintf("a cell test of kind %q (any, compare, interval, one_of or not)", t.Kind))
	}
}

func (c *checker) valueOf(pos Pos, v *Value) {
	if v == nil {
		c.fail(pos, "a cell test without its value")
		return
	}
	c.value(pos, v)
}

func (c *checker) value(pos Pos, v *Value) {
	switch v.Kind {
	case ValueNumber:
		if math.IsNaN(v.Number) {
			c.fail(pos, "a cell cannot test for NaN (NaN equals nothing)")
		}
	case ValueString, ValueBool, ValueNil:
	case ValueName:
		c.ident(pos, "a constant's name", v.Name)
	default:
		c.fail(pos, fmt.Sprintf("a value of kind %q (number, string, bool, nil or name)", v.Kind))
	}
}
