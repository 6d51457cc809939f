package dsl

import (
	"reflect"

	"github.com/expr-lang/expr/ast"
)

// A statement's value typed any (a value of a map of any, max of a list,
// a reduce) is read when the rule runs as what the statement needs: a
// condition as a bool (__cond), a number statement as a number
// (__number); a nil, or a value of another kind, fails then. But only a
// value that may be one for some data is: a condition that is a number
// whatever the data (mean(l)), or a number statement that is a string or
// a bool whatever the data (m.a ? "x" : true), stays a compile error.
// mayBe answers that question for either kind, from the tree: the
// checker's types say any where the expression's shape says more.

// valueWant is the kind of value a may-be question asks about.
type valueWant uint8

const (
	wantBool valueWant = iota
	wantNumber
)

// mayBe reports whether n's value may be of the kind w for some data: a
// value of that type, a pointer to one, a value typed any, and ??, ?: and
// lets whose results may be. Arithmetic and a sign are numbers (m.i + 1 is
// typed any, but is a number or a string whatever the data), never bools;
// a name bound to a value is what that value may be.
func mayBe(n ast.Node, scope *letScope, w valueWant) bool {
	switch m := n.(type) {
	case *ast.NilNode:
		return false
	case *ast.ConditionalNode:
		return mayBe(m.Exp1, scope, w) || mayBe(m.Exp2, scope, w)
	case *ast.VariableDeclaratorNode:
		return mayBe(m.Expr, &letScope{m.Name, m.Value, scope}, w)
	case *ast.SequenceNode:
		return len(m.Nodes) > 0 && mayBe(m.Nodes[len(m.Nodes)-1], scope, w)
	case *ast.IdentifierNode:
		if v, at, ok := scope.lookup(m.Value); ok {
			return mayBe(v, at, w)
		}
	case *ast.BinaryNode:
		switch m.Operator {
		case "??":
			// The right side is the value only where the left is nil.
			return mayBe(m.Left, scope, w) || mayBeNil(m.Left, scope) && mayBe(m.Right, scope, w)
		case "+", "-", "*", "/", "%", "**", "^":
			return arithmeticMayBe(m.Left, m.Right, scope, w)
		}
	case *ast.UnaryNode:
		if m.Operator == "-" || m.Operator == "+" {
			return w == wantNumber && mayBe(m.Node, scope, w)
		}
	case *ast.CallNode:
		if name, ok := isInternalCall(m); ok {
			switch name {
			case numFunc, plainFunc:
				return mayBe(m.Arguments[0], scope, w) // what the conversion reads
			case arithFunc, intFunc, concatFunc:
				// Arithmetic, checked; a + of values known only when
				// the rule runs (__concat) adds two numbers too.
				return arithmeticMayBe(m.Arguments[0], m.Arguments[1], scope, w)
			case durFunc:
				return false // a duration
			}
		}
	case *ast.MemberNode:
		// An element of a list or a value of a map (a literal's too:
		// ["a", true][n] is no number) is what the elements may be.
		switch m.Node.(type) {
		case *ast.ArrayNode, *ast.MapNode:
			return elementMayBe(m.Node, scope, w)
		}
		if isCollection(m.Node) {
			return elementMayBe(m.Node, scope, w)
		}
	case *ast.SliceNode:
		return false // a string or a list
	case *ast.BuiltinNode:
		return builtinMayBe(m, scope, w)
	}
	t := n.Type()
	if t == nil {
		return false
	}
	return typeMayBe(t, w)
}

// arithmeticMayBe is mayBe for l op r, op an arithmetic operator: a
// number only of two numbers (a string and a string make a string, a time
// and a duration a time, a duration and a number a duration), never a
// bool.
func arithmeticMayBe(l, r ast.Node, scope *letScope, w valueWant) bool {
	return w == wantNumber && mayBe(l, scope, w) && mayBe(r, scope, w)
}

// isCollection reports a node whose static type is a list or a map, or
// unknown (an any, which may be either).
func isCollection(n ast.Node) bool {
	t := deref(n.Type())
	if t == nil {
		return false
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map, reflect.Interface:
		return true
	}
	return false
}

// builtinMayBe is mayBe for a call of one of expr's built-ins.
func builtinMayBe(m *ast.BuiltinNode, scope *letScope, w valueWant) bool {
	aggregate := m.Name == "mean" || m.Name == "median" || m.Name == "max" || m.Name == "min"
	switch {
	case aggregate && durationArguments(m.Arguments):
		return false // a duration (or a failure) whatever the data
	case numberBuiltins[m.Name]:
		return w == wantNumber // typed any over a list (mean(l)), but a number whatever the data
	case m.Name == "indexOf" || m.Name == "lastIndexOf":
		return w == wantNumber
	case neverBoolBuiltins[m.Name]:
		return false // a list, a string, a map or a time whatever the data
	case m.Name == "max" || m.Name == "min":
		if w == wantNumber {
			return true // a number, or nil of an empty list
		}
		// A number, but for a lone argument that is no list, which expr
		// gives back as it is (max(a), a true).
		for _, a := range m.Arguments {
			if t := a.Type(); t == nil || t.Kind() == reflect.Interface && mayBe(a, scope, w) {
				return true
			}
		}
		return false
	case m.Name == "reduce" && len(m.Arguments) >= 2:
		// What the step gives; or the initial value, or without one the
		// first element, which is the value of a list of one.
		body := m.Arguments[1]
		if c, ok := body.(*ast.PredicateNode); ok {
			body = c.Node
		}
		if mayBe(body, scope, w) {
			return true
		}
		if len(m.Arguments) > 2 {
			return mayBe(m.Arguments[2], scope, w)
		}
		return elementMayBe(m.Arguments[0], scope, w)
	case len(m.Arguments) > 0 && elementBuiltins[m.Name]:
		return elementMayBe(m.Arguments[0], scope, w)
	}
	t := m.Type()
	return t != nil && typeMayBe(t, w)
}

// typeMayBe reports whether a value of static type t may be of the kind
// w: one of its type (a number of any kind but a duration's), an any, or
// a pointer to either.
func typeMayBe(t reflect.Type, w valueWant) bool {
	if t.Kind() == reflect.Pointer {
		t = deref(t)
		if t.Kind() == reflect.Pointer {
			return false
		}
	}
	switch k := t.Kind(); {
	case k == reflect.Interface:
		return true
	case w == wantBool:
		return k == reflect.Bool
	default:
		// A duration, a month and a weekday keep their types, and
		// are no numbers a rule computes with.
		return isNumberKind(k) && pureMethods[t] == nil
	}
}

// elementMayBe reports whether an element of the list (or a value of the
// map) n may be of the kind w: the numbers of a range (reversed, sorted or
// taken from) are numbers, the elements of a list literal what they may
// be.
func elementMayBe(n ast.Node, scope *letScope, w valueWant) bool {
	switch m := n.(type) {
	case *ast.BinaryNode:
		if m.Operator == ".." {
			return w == wantNumber
		}
	case *ast.ArrayNode:
		for _, e := range m.Nodes {
			if mayBe(e, scope, w) {
				return true
			}
		}
		return false
	case *ast.BuiltinNode:
		switch m.Name {
		case "reverse", "sort", "uniq", "take", "filter":
			if len(m.Arguments) > 0 {
				return elementMayBe(m.Arguments[0], scope, w)
			}
		}
	case *ast.MapNode:
		for _, p := range m.Pairs {
			if pair, ok := p.(*ast.PairNode); !ok || mayBe(pair.Value, scope, w) {
				return true
			}
		}
		return false
	case *ast.IdentifierNode:
		if v, at, ok := scope.lookup(m.Value); ok {
			return elementMayBe(v, at, w)
		}
	}
	t := n.Type()
	if t == nil {
		return true
	}
	switch t = deref(t); t.Kind() {
	case reflect.Slice, reflect.Array, reflect.Map:
		return typeMayBe(t.Elem(), w)
	case reflect.Interface:
		return true
	}
	return false
}
