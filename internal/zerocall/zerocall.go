// Package zerocall holds a package's exported types to the library's
// promise that nothing panics out of it, for values a host did not build
// with the package's constructors: it calls every exported method of each
// type's zero value and of a pointer to one, with zero arguments (a background context for a context), and calls the iterators
// they return, reporting each panic and each call that does not return.
// Tests use it; the library does not.
package zerocall

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"
)

// TB is the part of testing.TB Check uses.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

// wait bounds one call: a zero value's method that does not return in it
// runs unbounded.
const wait = 10 * time.Second

// Check calls the methods of the zero value of each value's type (each
// value is one, as T{}, and stands for T and *T), and reports through t.
// dir is the package's directory: every exported type its files (tests
// aside) declare must be among values, so that a new type is not left
// out; a generic type appears once, instantiated with any type.
func Check(t TB, dir string, values ...any) {
	t.Helper()
	covered := map[string]bool{}
	for _, v := range values {
		typ := reflect.TypeOf(v)
		name, _, _ := strings.Cut(typ.Name(), "[")
		covered[name] = true
		for _, recv := range receivers(typ) {
			for i := range recv.v.NumMethod() {
				m := recv.v.Type().Method(i)
				call(t, fmt.Sprintf("(%s).%s", recv.name, m.Name), recv.v.Method(i))
			}
		}
	}
	declared, err := exportedTypes(dir)
	if err != nil {
		t.Errorf("zerocall: %v", err)
		return
	}
	for _, name := range declared {
		if !covered[name] {
			t.Errorf("zerocall: exported type %s is not checked: add its zero value", name)
		}
	}
}

type receiver struct {
	name string
	v    reflect.Value
}

// receivers are the zero T and a pointer to a zero T. A nil *T is left
// out: as in Go's own packages, a method called on a nil pointer may
// panic, in the caller's code when it is T's.
func receivers(typ reflect.Type) []receiver {
	return []receiver{
		{"zero " + typ.String(), reflect.New(typ).Elem()},
		{"*" + typ.String() + " to a zero value", reflect.New(typ)},
	}
}

// call calls fn with zero arguments, then any iterator it returns, and
// reports a panic or a call that does not return.
func call(t TB, name string, fn reflect.Value) {
	t.Helper()
	ft := fn.Type()
	args := make([]reflect.Value, ft.NumIn())
	for i := range args {
		args[i] = argument(ft.In(i))
	}
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		var out []reflect.Value
		if ft.IsVariadic() {
			out = fn.CallSlice(args)
		} else {
			out = fn.Call(args)
		}
		for _, o := range out {
			drain(o)
		}
	}()
	select {
	case p := <-done:
		if p != nil {
			t.Errorf("%s with zero arguments panicked: %v", name, p)
		}
	case <-time.After(wait):
		t.Errorf("%s with zero arguments did not return in %v", name, wait)
	}
}

var contextType = reflect.TypeFor[context.Context]()

func argument(t reflect.Type) reflect.Value {
	if t == contextType {
		return reflect.ValueOf(context.Background())
	}
	return reflect.Zero(t)
}

// drain ranges over v when it is an iterator (iter.Seq or iter.Seq2),
// taking at most a thousand values.
func drain(v reflect.Value) {
	t := v.Type()
	if t.Kind() != reflect.Func || v.IsNil() || t.NumIn() != 1 || t.NumOut() != 0 {
		return
	}
	yield := t.In(0)
	if yield.Kind() != reflect.Func || yield.NumOut() != 1 || yield.Out(0).Kind() != reflect.Bool {
		return
	}
	n := 0
	v.Call([]reflect.Value{reflect.MakeFunc(yield, func([]reflect.Value) []reflect.Value {
		n++
		return []reflect.Value{reflect.ValueOf(n < 1000)}
	})})
}

// exportedTypes lists the exported types declared in dir's Go files, tests
// aside, sorted.
func exportedTypes(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var names []string
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.TYPE {
				continue
			}
			for _, s := range g.Specs {
				// An interface has no zero value to call methods of.
				// An alias is checked as the type it names.
				if ts := s.(*ast.TypeSpec); ts.Name.IsExported() && !isInterface(ts.Type) && !ts.Assign.IsValid() {
					names = append(names, ts.Name.Name)
				}
			}
		}
	}
	slices.Sort(names)
	return names, nil
}

func isInterface(e ast.Expr) bool {
	_, ok := e.(*ast.InterfaceType)
	return ok
}
