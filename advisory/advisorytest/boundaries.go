package advisorytest

import (
	"slices"

	"github.com/engagekit/engagekit/dsl/rulefile"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// Boundaries are the values a rule file compares with: its numeric
// constants and literals, and its string literals. Generated files cluster
// around them (29, 30 and 31 around `age >= 30`), so a property test meets
// the edges of every rule by construction.
type Boundaries struct {
	Numbers []float64 `json:"numbers"`
	Strings []string  `json:"strings"`
	// Keys are the names a rule looks up by member access, field names
	// and map keys alike (`accounts["isa"]`, `client.income`): generated
	// maps with string keys use them, so a rule's key is present in some
	// files and absent from others.
	Keys []string `json:"keys,omitempty"`
}

// ParseBoundaries collects the boundaries of a rule file. A file that does
// not parse gives its parse error.
func ParseBoundaries(rules []byte) (Boundaries, error) {
	f, err := rulefile.Parse(rules)
	if err != nil {
		return Boundaries{}, err
	}
	var b Boundaries
	visit := func(src string) {
		tree, err := parser.Parse(src)
		if err != nil {
			return
		}
		// Field names are string nodes too (client.birthDate); they are
		// not values a rule compares with.
		names := map[ast.Node]bool{}
		ast.Walk(&tree.Node, walker(func(n ast.Node) {
			switch m := n.(type) {
			case *ast.MemberNode:
				names[m.Property] = true
				if s, ok := m.Property.(*ast.StringNode); ok {
					b.Keys = append(b.Keys, s.Value)
				}
			case *ast.UnaryNode:
				// A negative literal is the value compared with: -1000,
				// not 1000.
				if m.Operator != "-" {
					return
				}
				switch v := m.Node.(type) {
				case *ast.IntegerNode:
					names[v] = true
					b.Numbers = append(b.Numbers, -float64(v.Value))
				case *ast.FloatNode:
					names[v] = true
					b.Numbers = append(b.Numbers, -v.Value)
				}
			}
		}))
		ast.Walk(&tree.Node, walker(func(n ast.Node) {
			if names[n] {
				return
			}
			switch m := n.(type) {
			case *ast.IntegerNode:
				b.Numbers = append(b.Numbers, float64(m.Value))
			case *ast.FloatNode:
				b.Numbers = append(b.Numbers, m.Value)
			case *ast.StringNode:
				b.Strings = append(b.Strings, m.Value)
			}
		}))
	}
	for _, c := range f.Consts {
		visit(c.Value.Src)
	}
	for _, r := range f.Rules {
		eachExpr(&r.Body, visit)
		for _, in := range r.Inputs {
			visit(in.Src)
		}
		for _, row := range r.Rows {
			for _, c := range row.Cells {
				cellValues(c.Test, &b)
			}
			eachExpr(&row.Out, visit)
		}
	}
	slices.Sort(b.Numbers)
	b.Numbers = slices.Compact(b.Numbers)
	slices.Sort(b.Strings)
	b.Strings = slices.Compact(b.Strings)
	slices.Sort(b.Keys)
	b.Keys = slices.Compact(b.Keys)
	return b, nil
}

type walker func(ast.Node)

// Visit calls the walker on each node, for ast.Walk.
func (w walker) Visit(n *ast.Node) { w(*n) }

// eachExpr calls f with every expression of a block and the blocks in
// it: lets, when, urgency, sensitivity, priority, outputs, the
// interpolations of title and message, and branch conditions (a
// comparison anywhere changes what a rule decides or says).
func eachExpr(b *rulefile.Block, f func(string)) {
	for _, l := range b.Lets {
		f(l.Value.Src)
	}
	for _, s := range []*rulefile.Stmt{b.When, b.Urgency, b.Sensitivity, b.Priority} {
		if s != nil {
			f(s.Expr.Src)
		}
	}
	for _, o := range b.Outputs {
		f(o.Value.Src)
	}
	for _, t := range []*rulefile.Template{b.Title, b.Message} {
		if t == nil {
			continue
		}
		for _, p := range t.Parts {
			if p.Expr != nil {
				f(p.Expr.Src)
			}
		}
	}
	for _, br := range b.Branches {
		if br.Cond != nil {
			f(br.Cond.Src)
		}
		eachExpr(&br.Body, f)
	}
}

func cellValues(t rulefile.UnaryTest, b *Boundaries) {
	for _, v := range []*rulefile.Value{t.Value, t.Lo, t.Hi} {
		if v == nil {
			continue
		}
		switch v.Kind {
		case rulefile.ValueNumber:
			b.Numbers = append(b.Numbers, v.Number)
		case rulefile.ValueString:
			b.Strings = append(b.Strings, v.Str)
		}
	}
	for _, sub := range t.List {
		cellValues(sub, b)
	}
}
