package rulefile

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// readsBack holds a File that passed Check's other checks to Format's
// promise: its text parses, and to f again, up to positions. The checks
// before it name what a File read from JSON or built in Go most often
// gets wrong; this one is what makes them complete. An expression is
// text, and text can end itself early (an input "a, b" is two inputs, a
// branch condition "x {" opens the branch, an output "1 title" starts a
// title), so no list of refusals would be: the parser is the judge of
// what its text says.
//
// Each declaration is written and read back alone, under the file's
// header: the error then names the declaration at fault, where text that
// ends itself early would be blamed on what follows it (a rule "closed"
// by an output's "}" makes the next line an error outside any rule). A
// declaration that reads back alone as itself ends where its text does,
// so the next one starts afresh, and the parts are the whole.
func (c *checker) readsBack(f *File) {
	head := &File{Doc: f.Doc, Name: f.Name, Version: f.Version, Comment: f.Comment, Trailing: f.Trailing}
	if g, msg := readBack(head, f.Name); msg != "" {
		c.fail(f.Pos, msg)
		return
	} else if !sameDecl(head, g) {
		c.fail(f.Pos, "the file's header would read back from its text as another: "+firstDiff(head, g))
		return
	}
	for _, k := range f.Consts {
		g, msg := readBack(&File{Name: f.Name, Consts: []*Const{k}}, "")
		switch {
		case msg != "":
			c.fail(k.Pos, fmt.Sprintf("constant %s: %s", k.Name, msg))
			return
		case len(g.Consts) != 1 || len(g.Rules) != 0 || !sameDecl(k, g.Consts[0]):
			c.fail(k.Pos, fmt.Sprintf("constant %s would read back from its text as another: %s", k.Name, firstDiff(k, onlyOne(g.Consts))))
			return
		}
	}
	for _, r := range f.Rules {
		c.rule = r.ID
		g, msg := readBack(&File{Name: f.Name, Rules: []*Rule{r}}, r.ID)
		switch {
		case msg != "":
			c.fail(r.Pos, msg)
			return
		case len(g.Rules) != 1 || len(g.Consts) != 0 || !sameDecl(r, g.Rules[0]):
			c.fail(r.Pos, "it would read back from its text as another: "+firstDiff(r, onlyOne(g.Rules)))
			return
		}
	}
	c.rule = ""
}

// readBack writes f and parses its text as Parse reads a file's bytes
// ([Text]), of any size (Format may write a file Parse took at its limit
// longer than the limit, and that one must still pass). It returns what
// the text read as, or why it did not read: the parser's first error,
// with the statement it names when it is in the rule of id.
func readBack(f *File, id string) (*File, string) {
	text := write(f)
	if !utf8.ValidString(text) {
		return nil, "it holds text that is not UTF-8"
	}
	g, err := parseText(Text([]byte(text)))
	if err == nil {
		return g, ""
	}
	var e *Error
	switch {
	case !errors.As(err, &e):
		return nil, "written as text, it would not read back: " + err.Error()
	case e.Rule == id && e.Statement != "":
		return nil, "written as text, its " + e.Statement + " would not read back: " + e.Msg
	}
	return nil, "written as text, it would not read back: " + e.Msg
}

// onlyOne is the one element of s, or nil: what a declaration written
// alone read back as, when it read back as one.
func onlyOne[T any](s []*T) *T {
	if len(s) == 1 {
		return s[0]
	}
	return nil
}

// sameDecl compares two parts of a File as Format's promise does: up to
// positions (Pos, and Expr.At, which places an interpolation's runes),
// with an empty list and none the same (JSON writes neither).
func sameDecl(a, b any) bool {
	return diffAST(reflect.ValueOf(a), reflect.ValueOf(b), nil) == nil
}

// firstDiff names the first part in which a and b differ, as a path of
// field names and indexes (.Body.When.Expr.Src), with the two values.
func firstDiff(a, b any) string {
	var steps []astStep
	d := diffAST(reflect.ValueOf(a), reflect.ValueOf(b), &steps)
	if d == nil {
		return "it is missing"
	}
	var path strings.Builder
	for _, s := range steps {
		if s.field != "" {
			path.WriteString("." + s.field)
		} else {
			path.WriteString("[" + strconv.Itoa(s.index) + "]")
		}
	}
	return path.String() + " is " + show(d.a) + ", read back as " + show(d.b)
}

// astStep is one step of a path into a File: a field, or an index.
type astStep struct {
	field string
	index int
}

// astDiff is where two Files differ first.
type astDiff struct{ a, b reflect.Value }

var (
	posType  = reflect.TypeFor[Pos]()
	exprType = reflect.TypeFor[Expr]()
)

// diffAST walks a and b, of one type, in field order, and returns the
// first place they differ, or nil; steps, when not nil, is left holding
// the path to it (only firstDiff asks: the walk itself allocates
// nothing). It is reflect.DeepEqual with Format's exceptions; a File is a
// tree (Parse and JSON build no shared parts), so it needs no cycle
// check, and Check has bounded its depth before this runs.
func diffAST(a, b reflect.Value, steps *[]astStep) *astDiff {
	differ := func() *astDiff { return &astDiff{a: a, b: b} }
	step := func(s astStep, a, b reflect.Value) *astDiff {
		if steps == nil {
			return diffAST(a, b, nil)
		}
		*steps = append(*steps, s)
		d := diffAST(a, b, steps)
		if d == nil {
			*steps = (*steps)[:len(*steps)-1]
		}
		return d
	}
	switch {
	case !a.IsValid() || !b.IsValid():
		if a.IsValid() != b.IsValid() {
			return differ()
		}
		return nil
	case a.Type() == posType:
		return nil
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				return differ()
			}
			return nil
		}
		return diffAST(a.Elem(), b.Elem(), steps)
	case reflect.Interface:
		return diffAST(a.Elem(), b.Elem(), steps)
	case reflect.Struct:
		for i := range a.NumField() {
			name := a.Type().Field(i).Name
			if a.Type() == exprType && name == "At" {
				continue
			}
			if d := step(astStep{field: name}, a.Field(i), b.Field(i)); d != nil {
				return d
			}
		}
		return nil
	case reflect.Slice:
		if a.Len() != b.Len() {
			return differ()
		}
		for i := range a.Len() {
			if d := step(astStep{index: i}, a.Index(i), b.Index(i)); d != nil {
				return d
			}
		}
		return nil
	case reflect.String:
		if a.String() != b.String() {
			return differ()
		}
	case reflect.Bool:
		if a.Bool() != b.Bool() {
			return differ()
		}
	case reflect.Int:
		if a.Int() != b.Int() {
			return differ()
		}
	case reflect.Float64:
		if a.Float() != b.Float() {
			return differ()
		}
	default: // a kind no File holds today: compared whole
		if !reflect.DeepEqual(a.Interface(), b.Interface()) {
			return differ()
		}
	}
	return nil
}

// show writes a value of a File for a message: strings quoted, nothing
// as "nothing".
func show(v reflect.Value) string {
	switch {
	case !v.IsValid():
		return "nothing"
	case v.Kind() == reflect.String:
		return strconv.Quote(v.String())
	case v.Kind() == reflect.Pointer && v.IsNil():
		return "nothing"
	case v.Kind() == reflect.Pointer:
		return show(v.Elem())
	case v.Kind() == reflect.Slice:
		return fmt.Sprintf("%d of them", v.Len())
	case v.Kind() == reflect.Struct:
		return "a " + v.Type().Name()
	case v.CanInterface():
		return fmt.Sprintf("%v", v.Interface())
	}
	return v.String()
}
