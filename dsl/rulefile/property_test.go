package rulefile

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"pgregory.net/rapid"
)

// The generators build syntax trees in canonical form, the form Parse
// produces, so Parse(Format(f)) must give f back.

var genName = rapid.SampledFrom([]string{"a", "b", "days", "cover", "x1", "limit_2"})

func genExpr() *rapid.Generator[Expr] {
	return rapid.Custom(func(t *rapid.T) Expr {
		fields := []string{"client.Age", "pension.Coverage", "home.Cover", "n", "daysUntil(mortgage.FixedTermEnd)"}
		ops := []string{"<", "<=", ">", ">=", "==", "!="}
		parts := rapid.IntRange(1, 3).Draw(t, "terms")
		src := ""
		for i := range parts {
			if i > 0 {
				src += rapid.SampledFrom([]string{" && ", " || "}).Draw(t, "join")
			}
			src += fmt.Sprintf("%s %s %d", rapid.SampledFrom(fields).Draw(t, "field"), rapid.SampledFrom(ops).Draw(t, "op"), rapid.IntRange(-5, 200).Draw(t, "n"))
		}
		return Expr{Src: src}
	})
}

func genDoc(t *rapid.T, label string) []string {
	return rapid.SliceOfN(rapid.SampledFrom([]string{"", "why this rule", "owner: compliance", "see ticket #42"}), 0, 2).Draw(t, label)
}

// genComment draws a trailing comment, often none.
func genComment(t *rapid.T, label string) string {
	return rapid.SampledFrom([]string{"", "", "note", "see #42", "a // b", "ünïcode"}).Draw(t, label)
}

func genTemplate(t *rapid.T) *Template {
	if !rapid.Bool().Draw(t, "has") {
		return nil
	}
	tmpl := &Template{Comment: genComment(t, "tcomment")}
	n := rapid.IntRange(1, 3).Draw(t, "parts")
	lastText := false
	for range n {
		if !lastText && rapid.Bool().Draw(t, "text") {
			tmpl.Parts = append(tmpl.Parts, TemplatePart{Text: rapid.SampledFrom([]string{"Term ends in ", " days", "a {brace}", "50% \"quoted\""}).Draw(t, "text")})
			lastText = true
			continue
		}
		e := genExpr().Draw(t, "e")
		tmpl.Parts = append(tmpl.Parts, TemplatePart{Expr: &e})
		lastText = false
	}
	return tmpl
}

func genStmt(t *rapid.T, label string) *Stmt {
	if !rapid.Bool().Draw(t, label) {
		return nil
	}
	return &Stmt{Doc: genDoc(t, label+"doc"), Comment: genComment(t, label+"comment"), Expr: genExpr().Draw(t, label+"expr")}
}

func genBlock(t *rapid.T, depth int, row bool) Block {
	var b Block
	if rapid.Bool().Draw(t, "type") {
		b.Type = &Str{Comment: genComment(t, "typecomment"), Value: rapid.SampledFrom([]string{"mortgage.term_end", "pension.gap", "a \"b\""}).Draw(t, "typ")}
	}
	b.Title = genTemplate(t)
	b.Urgency = genStmt(t, "urgency")
	b.Sensitivity = genStmt(t, "sensitivity")
	for i := range rapid.IntRange(0, 2).Draw(t, "outputs") {
		b.Outputs = append(b.Outputs, &Output{Comment: genComment(t, "outcomment"), Name: fmt.Sprintf("out%d", i), Value: genExpr().Draw(t, "out")})
	}
	if row {
		// A row's outputs sit on one line: they carry no comments.
		for _, st := range []*Stmt{b.Urgency, b.Sensitivity} {
			if st != nil {
				st.Doc, st.Comment = nil, ""
			}
		}
		for _, o := range b.Outputs {
			o.Comment = ""
		}
		if b.Type != nil {
			b.Type.Comment = ""
		}
		if b.Title != nil {
			b.Title.Comment = ""
		}
		if rapid.Bool().Draw(t, "priority") {
			b.Priority = &Stmt{Expr: Expr{Src: fmt.Sprint(rapid.IntRange(0, 9).Draw(t, "prio"))}}
		}
		// Statements a row may not say parse there, for the compiler to
		// refuse, and survive formatting.
		if rapid.Bool().Draw(t, "rowemit") {
			b.Emit = &Flag{Value: rapid.Bool().Draw(t, "rowemits")}
		}
		if rapid.Bool().Draw(t, "rowowner") {
			b.Owner = &Str{Value: "compliance"}
		}
		return b
	}
	b.Message = genTemplate(t)
	if rapid.Bool().Draw(t, "owner") {
		b.Owner = &Str{Doc: genDoc(t, "ownerdoc"), Comment: genComment(t, "ownercomment"), Value: "compliance"}
	}
	if rapid.Bool().Draw(t, "tags") {
		b.Tags = &Strs{Comment: genComment(t, "tagscomment"), Values: rapid.SliceOfN(rapid.SampledFrom([]string{"retail", "pension", "x y"}), 1, 3).Draw(t, "tagv")}
	}
	if rapid.Bool().Draw(t, "enabled") {
		b.Enabled = &Flag{Comment: genComment(t, "encomment"), Value: rapid.Bool().Draw(t, "on")}
	}
	if rapid.Bool().Draw(t, "emit") {
		b.Emit = &Flag{Doc: genDoc(t, "emitdoc"), Comment: genComment(t, "emitcomment"), Value: rapid.Bool().Draw(t, "emits")}
	}
	for range rapid.IntRange(0, 2).Draw(t, "lets") {
		b.Lets = append(b.Lets, &Let{Doc: genDoc(t, "letdoc"), Comment: genComment(t, "letcomment"), Name: genName.Draw(t, "let"), Value: genExpr().Draw(t, "letv")})
	}
	b.When = genStmt(t, "when")
	b.Trailing, b.Close = genDoc(t, "blocktrailing"), genComment(t, "close")
	if depth < 2 {
		n := rapid.IntRange(0, 2).Draw(t, "branches")
		for i := range n {
			br := &Branch{Doc: genDoc(t, "brdoc"), Comment: genComment(t, "brcomment"), Body: genBlock(t, depth+1, false)}
			if i < n-1 || rapid.Bool().Draw(t, "cond") {
				e := genExpr().Draw(t, "cond")
				br.Cond = &e
			}
			b.Branches = append(b.Branches, br)
		}
	}
	return b
}

func genTest(depth int) *rapid.Generator[UnaryTest] {
	return rapid.Custom(func(t *rapid.T) UnaryTest {
		num := func(label string) *Value {
			special := []float64{math.Copysign(0, -1), math.Inf(1), math.Inf(-1), 0.1, 1e300, 9007199254740993}
			if i := rapid.IntRange(-6, 20).Draw(t, label+"special"); i < 0 {
				return &Value{Kind: ValueNumber, Number: special[-i-1]}
			}
			return &Value{Kind: ValueNumber, Number: float64(rapid.IntRange(-10, 100).Draw(t, label))}
		}
		switch k := rapid.IntRange(0, 4).Draw(t, "kind"); {
		case k == 0:
			return UnaryTest{Kind: TestAny}
		case k == 1:
			return UnaryTest{Kind: TestCompare, Op: rapid.SampledFrom([]string{"<", "<=", ">", ">=", "==", "!="}).Draw(t, "op"), Value: num("v")}
		case k == 2:
			return UnaryTest{Kind: TestInterval, Lo: num("lo"), Hi: num("hi"), LoOpen: rapid.Bool().Draw(t, "lo_open"), HiOpen: rapid.Bool().Draw(t, "hi_open")}
		case k == 3 && depth == 0:
			list := []UnaryTest{
				{Kind: TestCompare, Op: "==", Value: &Value{Kind: ValueString, Str: "gold"}},
				{Kind: TestCompare, Op: "==", Value: &Value{Kind: ValueString, Str: "plat|inum"}},
			}
			kind := TestOneOf
			if rapid.Bool().Draw(t, "not") {
				kind = TestNot
			}
			return UnaryTest{Kind: kind, List: list}
		}
		return UnaryTest{Kind: TestCompare, Op: "==", Value: &Value{Kind: ValueName, Name: "Limit"}}
	})
}

func genFile() *rapid.Generator[*File] {
	return rapid.Custom(func(t *rapid.T) *File {
		f := &File{Doc: genDoc(t, "filedoc"), Comment: genComment(t, "headcomment"), Name: "set", Version: rapid.IntRange(0, 99).Draw(t, "version")}
		for i := range rapid.IntRange(0, 3).Draw(t, "consts") {
			f.Consts = append(f.Consts, &Const{Doc: genDoc(t, "cdoc"), Name: fmt.Sprintf("C%d", i), Comment: genComment(t, "ccomment"), Value: Expr{Src: fmt.Sprint(rapid.IntRange(0, 99).Draw(t, "cv"))}})
		}
		for i := range rapid.IntRange(0, 4).Draw(t, "rules") {
			r := &Rule{Doc: genDoc(t, "rdoc"), Comment: genComment(t, "rcomment"), ID: fmt.Sprintf("r%d", i)}
			if rapid.Bool().Draw(t, "table") {
				r.Table, r.Hit = true, rapid.SampledFrom([]string{"first", "unique", "priority", "collect", "any", "output_order", "rule_order"}).Draw(t, "hit")
				if r.Hit == "collect" {
					r.Aggregate = rapid.SampledFrom([]string{"", "sum", "min", "max", "count"}).Draw(t, "agg")
					if r.Aggregate != "" && r.Aggregate != "count" {
						r.AggregateOf = rapid.SampledFrom([]string{"urgency", "score"}).Draw(t, "aggOf")
					}
				}
				if rapid.Bool().Draw(t, "order") {
					r.Order = &Order{Doc: genDoc(t, "odoc"), Comment: genComment(t, "ocomment"), Output: "type", Values: []*Value{{Kind: ValueString, Str: "a"}, {Kind: ValueNumber, Number: 2}}}
				}
				r.InDoc, r.InComment = genDoc(t, "indoc"), genComment(t, "incomment")
				r.Body.Trailing, r.Body.Close = genDoc(t, "ttrailing"), genComment(t, "tclose")
				cols := rapid.IntRange(1, 3).Draw(t, "cols")
				for range cols {
					r.Inputs = append(r.Inputs, genExpr().Draw(t, "in"))
				}
				for range rapid.IntRange(0, 3).Draw(t, "rows") {
					row := &Row{Doc: genDoc(t, "rowdoc"), Comment: genComment(t, "rowcomment"), Out: genBlock(t, 0, true)}
					for range cols {
						row.Cells = append(row.Cells, Cell{Test: genTest(0).Draw(t, "cell")})
					}
					r.Rows = append(r.Rows, row)
				}
			} else {
				r.Body = genBlock(t, 0, false)
			}
			f.Rules = append(f.Rules, r)
		}
		f.Trailing = rapid.SliceOfN(rapid.SampledFrom([]string{"end", "really the end"}), 0, 2).Draw(t, "trailing")
		return f
	})
}

func TestPropertyFormatParseRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := genFile().Draw(t, "file")
		out := Format(f)
		g, err := Parse(out)
		if err != nil {
			t.Fatalf("Format output does not parse: %v\n%s", err, out)
		}
		if d := cmp.Diff(f, g, ignorePos); d != "" {
			t.Fatalf("Parse(Format(f)) != f (-f +g):\n%s\n%s", d, out)
		}
		if again := Format(g); string(again) != string(out) {
			t.Fatalf("Format not idempotent:\n%s\n---\n%s", out, again)
		}
	})
}

func TestPropertyJSONRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		f := genFile().Draw(t, "file")
		b, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		var g File
		if err := json.Unmarshal(b, &g); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(f, &g, cmpopts.EquateEmpty()); d != "" {
			t.Fatalf("JSON round trip differs:\n%s", d)
		}
		// cmp holds -0 equal to 0; the text tells them apart.
		if a, b := Format(f), Format(&g); string(a) != string(b) {
			t.Fatalf("JSON round trip changes the text:\n%s\n---\n%s", a, b)
		}
	})
}
