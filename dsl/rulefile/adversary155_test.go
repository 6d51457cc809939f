package rulefile_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/dsl/rulefile"
	"github.com/engagekit/engagekit/internal/testguard"
)

// adv155Src is a file header followed by body.
func adv155Src(body string) string { return "ruleset x version 1\n\n" + body }

// Was (fixed): Parse accepted a constant's name of any length in a table
// cell (and in an order's values: parseValue read letters and digits with
// no bound), but Check's value check holds a cell's name to MaxIdentBytes
// (c.ident). So a File that Parse returned, without error, failed Check:
// Format wrote nil for it, Analyze reported it "invalid", its JSON did not
// read back, and dsl.CompileRules reported a syntax error for text Parse
// took. Parse now refuses such a name, as it does every other name past
// the limit.
// Got before the fix: Check on the parsed file: `rule t, row 1: 5:7: a
// constant's name "kkk…k" is not an identifier`; Format returned "" (nil).
func TestAdversary155_LongCellConstantName_Pinned(t *testing.T) {
	long := strings.Repeat("k", rulefile.MaxIdentBytes+1)
	for _, c := range []struct{ name, body string }{
		{"row cell", "table t hit first {\n  in a\n  row " + long + " => output o 1\n}\n"},
		{"interval bound", "table t hit first {\n  in a\n  row [1.." + long + "] => output o 1\n}\n"},
		{"one-of", "table t hit first {\n  in a\n  row 1 | " + long + " => output o 1\n}\n"},
		{"order value", "table t hit priority {\n  in a\n  order o " + long + "\n  row - => output o 1\n}\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			src := adv155Src(c.body)
			f, err := rulefile.Parse([]byte(src))
			if err != nil {
				if !strings.Contains(err.Error(), "over the limit") {
					t.Errorf("Parse refuses it, but not for its length: %v", err)
				}
				return // refused: the consistent answer the fix gives
			}
			if err := f.Check(); err != nil {
				t.Errorf("a File Parse returned without error fails Check: %v", err)
			}
			if out := rulefile.Format(f); len(out) == 0 {
				t.Errorf("Format writes nothing for a File Parse returned")
			}
			b, err := json.Marshal(f)
			if err != nil {
				t.Fatal(err)
			}
			var back rulefile.File
			if err := json.Unmarshal(b, &back); err != nil {
				t.Errorf("the JSON of a parsed File does not read back: %v", err)
			}
		})
	}
}

// Was (fixed): readsBack parsed write(f) with parseText, not as Parse
// reads a file's bytes (Text: a CR before a line end is dropped). An
// expression of a File built in Go or read from JSON that spans lines
// with CRLF ("1 +\r\n  2") read back as itself there, so Check accepted
// it, but Parse(Format(f)) gave "1 +\n  2": Check's own promise did not
// hold for a File it accepted. readsBack now reads the text as Parse does,
// and Check refuses the File, naming the expression: dropping the CR is
// no harmless normalization, for a raw string literal spanning the line
// (`a\r\nb`) would read back as another string.
// Got before the fix: Check = nil; Parse(Format(f)).Consts[0].Value.Src =
// "1 +\n  2" against f's "1 +\r\n  2".
func TestAdversary155_CRLFInExpressionReadsBack_Pinned(t *testing.T) {
	for _, src := range []string{"1 +\r\n  2", "`a\r\nb` == s"} {
		f := &rulefile.File{Name: "x", Version: 1,
			Consts: []*rulefile.Const{{Name: "k", Value: rulefile.Expr{Src: src}}},
		}
		err := f.Check()
		if err == nil || !strings.Contains(err.Error(), "read back") {
			t.Errorf("%q: Check = %v, want it refused as reading back as another", src, err)
		}
		if out := rulefile.Format(f); out != nil {
			t.Errorf("%q: Format wrote %q for a File Check refuses", src, out)
		}
	}
}

// Was (fixed): when the text of a File does not parse back, readsBack reported
// the parser's first error with the parser's rule: an expression of rule
// r that closes r's block early ("1\n}") leaves the error outside any rule
// (Rule "", at the File's position), and one that opens a rule of its own
// ("1\n}\nrule q {\n  bogus") names rule q, which the File does not have.
// The rule whose text is at fault, r, is named in neither.
// Each declaration is now written and read back alone.
// Got before the fix: Rule "" (`0:0: written as text, it would not read back: unexpected
// "}"; expected const, rule or table`), and Rule "q".
func TestAdversary155_ReadBackErrorNamesTheRule_Pinned(t *testing.T) {
	for _, src := range []string{"1\n}", "1\n}\nrule q {\n  bogus"} {
		f := &rulefile.File{Name: "x", Version: 1, Rules: []*rulefile.Rule{
			{ID: "ok", Body: rulefile.Block{Type: &rulefile.Str{Value: "t"}}},
			{ID: "r", Body: rulefile.Block{Outputs: []*rulefile.Output{{Name: "o", Value: rulefile.Expr{Src: src}}}}},
		}}
		err := f.Check()
		var e *rulefile.Error
		if !errors.As(err, &e) {
			t.Fatalf("output %q: got %v (%T), want an *rulefile.Error", src, err, err)
		}
		if e.Rule != "r" {
			t.Errorf("output %q of rule r: the error names rule %q: %v", src, e.Rule, err)
		}
	}
}

type adv155Env struct {
	A float64 `expr:"a"`
	B float64 `expr:"b"`
	S string  `expr:"s"`
}

var adv155Now = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

// adv155Hits evaluates rs over a grid of inputs, one line per input.
func adv155Hits(t *testing.T, rs *dsl.RuleSet[adv155Env]) []string {
	t.Helper()
	var out []string
	for _, a := range []float64{-2, -0.5, 0, 1, 2, 3, 5, 7, 30, 50, 51} {
		for _, b := range []float64{-1, 0, 2, 4, 9} {
			for _, s := range []string{"", "gold", "x|y", "{}"} {
				hits, err := rs.Eval(adv155Env{A: a, B: b, S: s}, adv155Now)
				out = append(out, fmt.Sprintf("%v %v %q: %+v %v", a, b, s, hits, err))
			}
		}
	}
	return out
}

// Pinned: a File Check accepts compiles to what its text compiles to.
// The File is a parsed one read back through JSON (which keeps no
// positions); dsl.CompileFile on it and dsl.CompileRules on Format(f)
// decide alike on every input tried, and alike with the file as parsed.
func TestAdversary155_CheckedFileCompilesAsItsText_Pinned(t *testing.T) {
	src := adv155Src(`const Lo = 30 +
  0

rule r {
  type "t"
  when a > 1 &&
    b < 5
  title "a is {a} {{literal}} { {\"k\": s}.k }"
  urgency (a >
    2) ? 0.9 : 0.1
  branch a == 2 ||
    a == 3 {
    output o "two or three"
  }
  else {
    output o "other"
  }
}

table t hit first {
  type "tt"
  in a, s
  row < -0, -              => output band "neg"
  row [Lo..50], "gold" | "x|y" => output band "mid"
  row (0..Lo), not("gold") => output band "low"
  row -, -                 => output band "rest"
}

table c hit collect sum urgency {
  type "c"
  in b
  row >= 2 => urgency 0.25
  row not(< 4 | > 8) => urgency 0.5
}
`)
	parsed, err := rulefile.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	// The same file, through JSON (positions are all it loses).
	var f rulefile.File
	b, _ := json.Marshal(parsed)
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("the File is refused: %v", err)
	}
	fromFile, err := dsl.CompileFile[adv155Env](&f)
	if err != nil {
		t.Fatal(err)
	}
	fromText, err := dsl.CompileRules[adv155Env](rulefile.Format(&f))
	if err != nil {
		t.Fatal(err)
	}
	fromParsed, err := dsl.CompileFile[adv155Env](parsed)
	if err != nil {
		t.Fatal(err)
	}
	hf, ht, hp := adv155Hits(t, fromFile), adv155Hits(t, fromText), adv155Hits(t, fromParsed)
	for i := range hf {
		if hf[i] != ht[i] || hf[i] != hp[i] {
			t.Fatalf("the File, its text and the parsed file decide differently:\nfile:   %s\ntext:   %s\nparsed: %s", hf[i], ht[i], hp[i])
		}
	}
	if !strings.Contains(strings.Join(hf, "\n"), "mid") || !strings.Contains(strings.Join(hf, "\n"), "two or three") {
		t.Fatalf("the grid reaches too little of the file:\n%s", strings.Join(hf[:5], "\n"))
	}
}

// adv155Refused holds err to an *rulefile.Error whose message says want.
func adv155Refused(t *testing.T, what string, err error, want string) {
	t.Helper()
	var e *rulefile.Error
	if !errors.As(err, &e) {
		t.Errorf("%s: got %v (%T), want an *rulefile.Error", what, err, err)
		return
	}
	if !strings.Contains(e.Msg, want) {
		t.Errorf("%s: got %q, want it to say %q", what, e.Msg, want)
	}
}

// Pinned: hostile shapes are refused with an *Error, without a panic or a
// hang: a nil File (Check, Format, Analyze, CompileFile), branches nested
// 100,000 deep built in Go (Check stops at MaxBranchDepth), a cell test
// nested 20,000 deep in Go and as deep as encoding/json reads, and a File
// of 3,000 rules, which Check accepts and whose text reads back.
func TestAdversary155_HostileShapes_Pinned(t *testing.T) {
	testguard.Run(t, 5*time.Second, func() {
		var nilFile *rulefile.File
		adv155Refused(t, "nil File", nilFile.Check(), "no file")
		if out := rulefile.Format(nilFile); out != nil {
			t.Errorf("Format(nil) = %q", out)
		}
		if fs := rulefile.Analyze(nilFile); len(fs) != 1 || fs[0].Code != rulefile.CodeInvalid {
			t.Errorf("Analyze(nil) = %+v", fs)
		}
		_, err := dsl.CompileFile[adv155Env](nil)
		var de *dsl.Error
		if !errors.As(err, &de) || de.Kind != dsl.KindSyntax {
			t.Errorf("CompileFile(nil) = %v", err)
		}
	})
	testguard.Run(t, 5*time.Second, func() {
		body := rulefile.Block{}
		for range 100_000 {
			body = rulefile.Block{Branches: []*rulefile.Branch{{Cond: &rulefile.Expr{Src: "true"}, Body: body}}}
		}
		f := &rulefile.File{Name: "x", Version: 1, Rules: []*rulefile.Rule{{ID: "r", Body: body}}}
		adv155Refused(t, "deep branches", f.Check(), "branches nest deeper than")
	})
	testguard.Run(t, 5*time.Second, func() {
		test := rulefile.UnaryTest{Kind: rulefile.TestCompare, Op: "==", Value: &rulefile.Value{Kind: rulefile.ValueNumber, Number: 1}}
		for i := range 20_000 {
			k := rulefile.TestOneOf
			if i%2 == 1 {
				k = rulefile.TestNot
			}
			test = rulefile.UnaryTest{Kind: k, List: []rulefile.UnaryTest{test}}
		}
		f := &rulefile.File{Name: "x", Version: 1, Rules: []*rulefile.Rule{{ID: "t", Table: true, Hit: "first",
			Inputs: []rulefile.Expr{{Src: "a"}},
			Rows:   []*rulefile.Row{{Cells: []rulefile.Cell{{Test: test}}}}}}}
		adv155Refused(t, "deep cell test", f.Check(), "inside a list of tests")
	})
	testguard.Run(t, 5*time.Second, func() {
		// encoding/json reads 10,000 levels: a test is two of them.
		inner := `{"kind":"compare","op":"==","value":{"kind":"number","number":1}}`
		js := strings.Repeat(`{"kind":"one_of","list":[`, 4_900) + inner + strings.Repeat(`]}`, 4_900)
		doc := `{"name":"x","version":1,"rules":[{"id":"t","table":true,"hit":"first","inputs":[{"src":"a"}],"rows":[{"cells":[{"test":` + js + `}],"out":{}}]}]}`
		var f rulefile.File
		adv155Refused(t, "deep JSON cell test", json.Unmarshal([]byte(doc), &f), "inside a list of tests")
	})
	testguard.Run(t, 10*time.Second, func() {
		f := &rulefile.File{Name: "x", Version: 1}
		for i := range 3_000 {
			f.Rules = append(f.Rules, &rulefile.Rule{ID: fmt.Sprintf("r%d", i), Doc: []string{"doc"}, Body: rulefile.Block{
				Type:    &rulefile.Str{Value: "t"},
				When:    &rulefile.Stmt{Expr: rulefile.Expr{Src: fmt.Sprintf("a > %d", i)}},
				Outputs: []*rulefile.Output{{Name: "o", Value: rulefile.Expr{Src: "{\"k\": [1, 2]}"}, Comment: "c"}},
			}})
		}
		if err := f.Check(); err != nil {
			t.Errorf("a wide File is refused: %v", err)
			return
		}
		g, err := rulefile.Parse(rulefile.Format(f))
		if err != nil {
			t.Errorf("its text does not parse: %v", err)
			return
		}
		if len(g.Rules) != len(f.Rules) || !reflect.DeepEqual(g.Rules[2999].Body.Outputs[0].Value.Src, f.Rules[2999].Body.Outputs[0].Value.Src) {
			t.Errorf("its text reads back as another file")
		}
	})
}
