package dsl

import (
	"fmt"
	"math"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"

	"github.com/engagekit/engagekit/dsl/rulefile"
)

// Every statement of a rule file means something where it is written, or
// it is a compile error: nothing is accepted and then ignored. The parser
// takes any statement in any block (so an editor can show a file as it is
// being written); the compiler holds each to its place. A file built by
// hand or read from JSON goes through the same checks.

// placement reports the statements of a rule that mean nothing where
// they are written.
func (b *builder[Env]) placement(r *rulefile.Rule) {
	body := &r.Body
	if body.Priority != nil {
		b.stmtErrorf(r.ID, "priority", body.Priority.Pos, KindSyntax,
			"priority means something only on the rows of a table with hit priority or output order")
	}
	if !r.Table {
		if len(r.Inputs) > 0 || len(r.Rows) > 0 {
			b.errorf(r.ID, r.Pos, KindSyntax, "rule %s has inputs or rows; only a table has them", r.ID)
		}
		b.branchPlacement(r.ID, body.Branches, "")
		return
	}
	if len(body.Branches) > 0 {
		b.errorf(r.ID, body.Branches[0].Pos, KindSyntax, "a table has rows, not branches")
	}
	var policy HitPolicy
	_ = policy.UnmarshalText([]byte(r.Hit)) // an unknown policy is reported by table
	ranked := policy.ranked()
	for i, row := range r.Rows {
		where := fmt.Sprintf("row %d", i+1)
		b.rowPlacement(r.ID, where, &row.Out)
		if p := row.Out.Priority; p != nil && !ranked {
			b.stmtErrorf(r.ID, where+", priority", p.Pos, KindSyntax,
				"priority means something only in a table with hit priority or output order; this one is hit %s", r.Hit)
		}
	}
}

// branchPlacement reports the statements of branches that belong to the
// rule: a branch's condition is the one after `branch`, and tags, owner
// enabled and emit are the rule's.
func (b *builder[Env]) branchPlacement(id string, bs []*rulefile.Branch, prefix string) {
	for i, br := range bs {
		label := prefix + "else"
		if br.Cond != nil {
			label = prefix + fmt.Sprintf("branch %d", i+1)
		}
		blk := &br.Body
		if blk.When != nil {
			b.stmtErrorf(id, label+", when", blk.When.Pos, KindSyntax,
				"a branch has no when: its condition is the one after `branch` (write `branch A && B {`)")
		}
		for _, s := range []struct {
			kw  string
			pos *rulefile.Pos
		}{{"tags", tagsPos(blk.Tags)}, {"owner", strPos(blk.Owner)}, {"enabled", flagPos(blk.Enabled)}, {"emit", flagPos(blk.Emit)}} {
			if s.pos != nil {
				b.stmtErrorf(id, label+", "+s.kw, *s.pos, KindSyntax, "%s belongs to the rule, not to a branch", s.kw)
			}
		}
		if blk.Priority != nil {
			b.stmtErrorf(id, label+", priority", blk.Priority.Pos, KindSyntax,
				"priority means something only on the rows of a table with hit priority or output order")
		}
		b.branchPlacement(id, blk.Branches, label+"/")
	}
}

// rowPlacement reports what a row's outputs cannot say.
func (b *builder[Env]) rowPlacement(id, where string, out *rulefile.Block) {
	bad := func(kw string, pos rulefile.Pos) {
		b.stmtErrorf(id, where+", "+kw, pos, KindSyntax,
			"a row's outputs are type, title, message, urgency, sensitivity, priority and output; %s is not one", kw)
	}
	if out.When != nil {
		bad("when", out.When.Pos)
	}
	if p := tagsPos(out.Tags); p != nil {
		bad("tags", *p)
	}
	if p := strPos(out.Owner); p != nil {
		bad("owner", *p)
	}
	if p := flagPos(out.Enabled); p != nil {
		bad("enabled", *p)
	}
	if p := flagPos(out.Emit); p != nil {
		bad("emit", *p)
	}
	if len(out.Lets) > 0 {
		bad("let", out.Lets[0].Pos)
	}
	if len(out.Branches) > 0 {
		bad("branch", out.Branches[0].Pos)
	}
}

func tagsPos(s *rulefile.Strs) *rulefile.Pos {
	if s == nil {
		return nil
	}
	return &s.Pos
}

func strPos(s *rulefile.Str) *rulefile.Pos {
	if s == nil {
		return nil
	}
	return &s.Pos
}

func flagPos(s *rulefile.Flag) *rulefile.Pos {
	if s == nil {
		return nil
	}
	return &s.Pos
}

// literalUnit reports an urgency or sensitivity that is a number literal
// (or a constant) outside [0,1], or a conditional any of whose results is
// one: it would fail at every evaluation that reaches it. A rule set that
// clamps its outputs ([WithClampedOutputs]) accepts them.
func (b *builder[Env]) literalUnit(sc scope, stmt string, e rulefile.Expr) {
	if b.base.clamp {
		return
	}
	tree, err := parser.Parse(e.Src)
	if err != nil {
		return // the front end has reported it
	}
	for _, n := range resultNodes(tree.Node, nil) {
		v, ok := b.literalNumber(n)
		if !ok || v >= 0 && v <= 1 {
			continue
		}
		cfg := config{id: sc.id, stmt: joinStmt(sc.where, stmt), line: e.Pos.Line, col: e.Pos.Col, at: e.At}
		err := cfg.errorAt(e.Src, n.Location().From, KindType,
			fmt.Sprintf("%s %v is outside [0,1]", stmt, v), "")
		b.errs = append(b.errs, err)
		return
	}
}

// resultNodes lists the nodes whose value can be an expression's result:
// the expression itself, or the results of a conditional's two arms.
func resultNodes(n ast.Node, out []ast.Node) []ast.Node {
	if c, ok := n.(*ast.ConditionalNode); ok {
		return resultNodes(c.Exp2, resultNodes(c.Exp1, out))
	}
	return append(out, n)
}

// literalNumber is the value of a number literal, a negated one, or a
// numeric constant of the file.
func (b *builder[Env]) literalNumber(n ast.Node) (float64, bool) {
	switch n := n.(type) {
	case *ast.IntegerNode:
		return float64(n.Value), true
	case *ast.FloatNode:
		return n.Value, true
	case *ast.UnaryNode:
		if v, ok := b.literalNumber(n.Node); ok && n.Operator == "-" {
			return -v, true
		}
	case *ast.IdentifierNode:
		if c, ok := b.consts[n.Value]; ok {
			if f, ok := number(c); ok && !math.IsNaN(f) {
				return f, true
			}
		}
	}
	return 0, false
}
