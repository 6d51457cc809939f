package rulefile

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
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
func (c *checker) readsBack(f *File) {
	text := write(f)
	if !utf8.ValidString(text) {
		c.fail(f.Pos, "the file holds text that is not UTF-8")
		return
	}
	// Of any size: Format may write a file Parse took at its limit longer
	// than the limit (see Format), and that one must still pass.
	g, err := parseText(text)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) {
			c.fail(f.Pos, "written as text, the file would not read back: "+err.Error())
			return
		}
		c.rule, c.statement = e.Rule, e.Statement
		c.fail(rulePos(f, e.Rule), "written as text, it would not read back: "+e.Msg)
		return
	}
	for i, k := range f.Consts {
		if i >= len(g.Consts) || !sameDecl(k, g.Consts[i]) {
			c.fail(k.Pos, fmt.Sprintf("constant %s would read back from its text as another: %s", k.Name, firstDiff(k, at(g.Consts, i))))
			return
		}
	}
	for i, r := range f.Rules {
		if i >= len(g.Rules) || !sameDecl(r, g.Rules[i]) {
			c.rule = r.ID
			c.fail(r.Pos, "it would read back from its text as another: "+firstDiff(r, at(g.Rules, i)))
			return
		}
	}
	if !sameDecl(f, g) {
		c.fail(f.Pos, "the file would read back from its text as another: "+firstDiff(f, g))
	}
}

// rulePos is the position of the rule of id in f, or f's own.
func rulePos(f *File, id string) Pos {
	for _, r := range f.Rules {
		if r.ID == id {
			return r.Pos
		}
	}
	return f.Pos
}

// at is s[i], or nil past its end.
func at[T any](s []*T, i int) *T {
	if i < len(s) {
		return s[i]
	}
	return nil
}

// sameDecl compares two parts of a File as Format's promise does: up to
// positions (Pos, and Expr.At, which places an interpolation's runes),
// with an empty list and none the same (JSON writes neither).
func sameDecl(a, b any) bool { return diffAST(reflect.ValueOf(a), reflect.ValueOf(b), nil) == nil }

// firstDiff names the first part in which a and b differ, as a path of
// field names and indexes (Body.When.Expr.Src), with the two values.
func firstDiff(a, b any) string {
	path := diffAST(reflect.ValueOf(a), reflect.ValueOf(b), nil)
	if path == nil {
		return "it is missing"
	}
	return strings.Join(path.steps, "") + " is " + show(path.a) + ", read back as " + show(path.b)
}

// astDiff is where two Files differ first.
type astDiff struct {
	steps []string
	a, b  reflect.Value
}

var (
	posType  = reflect.TypeFor[Pos]()
	exprType = reflect.TypeFor[Expr]()
)

// diffAST walks a and b, of one type, in field order, and returns the
// first place they differ, or nil. It is reflect.DeepEqual with Format's
// exceptions; a File is a tree (Parse and JSON build no shared parts),
// so it needs no cycle check, and its depth is bounded by
// MaxBranchDepth and the parser's nesting of tests.
func diffAST(a, b reflect.Value, steps []string) *astDiff {
	differ := func() *astDiff { return &astDiff{steps: slices.Clone(steps), a: a, b: b} }
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
			if d := diffAST(a.Field(i), b.Field(i), append(steps, "."+name)); d != nil {
				return d
			}
		}
		return nil
	case reflect.Slice:
		if a.Len() != b.Len() {
			return differ()
		}
		for i := range a.Len() {
			if d := diffAST(a.Index(i), b.Index(i), append(steps, "["+strconv.Itoa(i)+"]")); d != nil {
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
