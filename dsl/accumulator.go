package dsl

import (
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/engagekit/engagekit/internal/exprkey"
	"github.com/expr-lang/expr/ast"
)

// Typing reduce's accumulator. expr's checker leaves #acc untyped, so a
// step that cannot take what the accumulator holds (an int added to a
// string, a bool or'ed with a number, a field of a struct that has none)
// compiles and then fails on every list long enough to run it. The front
// end checks each step with #acc typed as it will be at run time: first
// the initial value's type (the first element's, without one), then the
// type the step gives, until that no longer changes. The tree keeps its
// untyped #acc: the typing is a check, and the backends see the tree the
// checker made.
//
// #acc is given any concrete type (a host's struct, a pointer, a list
// too), but for a number type that keeps its own (a time.Month, a type
// with methods), which the checker reads apart from the numbers it runs
// as, and an interface: that accumulator stays untyped, as expr leaves
// it.
//
// A step's type may wait on the accumulators of the reduces inside it:
// they are typed first, and it is typed in the rounds after. An
// accumulator whose type changes goes round again until a type comes
// back. Rounds are bounded (each checks the whole tree): reduces nested
// so deep that their accumulators are not all typed within them are a
// limit error, not left unchecked.

// maxAccumulatorRounds bounds the checks of the tree, each a round in
// which every accumulator not yet settled is typed one step further.
const maxAccumulatorRounds = 64

// accumulator is one reduce's #acc as the check types it.
type accumulator struct {
	reduce *ast.BuiltinNode
	// slots are where the step reads this reduce's #acc (a nested
	// reduce's step reads its own), reads the #acc nodes they held.
	slots []*ast.Node
	reads []ast.Node
	// inner are the accumulators of the reduces inside this one, whose
	// types its own may wait on.
	inner []*accumulator
	// typ is the type #acc holds in the step being checked, seen the
	// types it held in the checks before, round how many steps were
	// typed before it; done is set once the type settles or cannot be
	// given.
	typ   reflect.Type
	seen  []reflect.Type
	round int
	done  bool
}

// typeAccumulators checks every reduce's step with its accumulator typed.
// check type-checks the whole tree; the tree is checked again, untyped,
// before it returns. keeps says which number types keep their own.
func typeAccumulators(tree *ast.Node, check func() error, keeps func(reflect.Type) bool, limit func(string) error) error {
	accs := accumulators(tree)
	if len(accs) == 0 {
		return nil
	}
	defer func() {
		for _, a := range accs {
			a.restore()
		}
	}()
	given := func(t reflect.Type) reflect.Type { return accumulatorType(t, keeps) }
	for round := 0; ; round++ {
		active := 0
		for _, a := range accs {
			if a.done {
				continue
			}
			if a.typ == nil {
				// The start: the initial value's type, known once the
				// steps of the reduces inside it are typed.
				if a.typ = given(a.start()); a.typ == nil {
					a.done = !a.waits()
					continue
				}
			}
			a.place()
			active++
		}
		if active == 0 {
			break
		}
		if round == maxAccumulatorRounds {
			return limit(fmt.Sprintf("reduces nest too deeply for their accumulators to be typed in %d rounds", maxAccumulatorRounds))
		}
		if err := check(); err != nil {
			return accumulatorError(accs, check, err)
		}
		for _, a := range accs {
			if a.done || a.typ == nil {
				continue
			}
			next := given(a.stepType())
			switch {
			case next == nil:
				a.done = !a.waits()
			case next == a.typ || slices.Contains(a.seen, next):
				a.done = true // settled, or back to a type checked already
			default:
				a.seen = append(a.seen, a.typ)
				a.typ, a.round = next, a.round+1
			}
		}
	}
	for _, a := range accs {
		a.restore()
	}
	return check()
}

// waits reports whether an accumulator of a type not known yet may learn
// it: while one inside it is still being typed.
func (a *accumulator) waits() bool {
	for _, in := range a.inner {
		if !in.done {
			return true
		}
	}
	return false
}

// maxAccumulatorBlame bounds the checks that look for the reduce to
// name, so that a failing expression of thousands of reduces costs a few
// checks of its tree, not one per reduce.
const maxAccumulatorBlame = 16

// accumulatorError names the reduce whose typed step fails: the first
// whose accumulator alone, typed as it was, makes the check fail. The
// checker's own error is kept if none does alone, or if there are too
// many to try.
func accumulatorError(accs []*accumulator, check func() error, err error) error {
	for _, a := range accs {
		a.restore()
	}
	tried := 0
	for _, a := range accs {
		if a.done || a.typ == nil {
			continue
		}
		if tried++; tried > maxAccumulatorBlame {
			break
		}
		a.place()
		alone := check()
		a.restore()
		if alone != nil {
			return a.explain(alone)
		}
	}
	return err
}

// explain says what #acc held where the typed step failed.
func (a *accumulator) explain(err error) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	held := fmt.Sprintf("its initial value, a %s", a.typ)
	if len(a.reduce.Arguments) == 2 {
		held = fmt.Sprintf("the list's first element, a %s", a.typ)
	}
	if a.round > 0 {
		held = fmt.Sprintf("what the step gives, a %s, after %d step(s)", a.typ, a.round)
	}
	out := *e
	out.Msg = fmt.Sprintf("%s (reduce's #acc holds %s, which its step cannot take)", e.Msg, held)
	return &out
}

// start is the type #acc starts as, as the checker knows it.
func (a *accumulator) start() reflect.Type {
	args := a.reduce.Arguments
	if len(args) == 3 {
		return args[2].Type()
	}
	if t := args[0].Type(); t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		return t.Elem()
	}
	return nil
}

// stepType is the type the step gave in the last check.
func (a *accumulator) stepType() reflect.Type {
	body := a.reduce.Arguments[1]
	if p, ok := body.(*ast.PredicateNode); ok {
		body = p.Node
	}
	return body.Type()
}

// place puts a value of the accumulator's type where the step reads #acc.
func (a *accumulator) place() {
	zero := reflect.Zero(a.typ).Interface()
	for i, slot := range a.slots {
		c := &ast.ConstantNode{Value: zero}
		c.SetLocation(a.reads[i].Location())
		*slot = c
	}
}

// restore puts the #acc nodes back.
func (a *accumulator) restore() {
	for i, slot := range a.slots {
		*slot = a.reads[i]
	}
}

// accumulatorType is t when #acc may be typed as t: a concrete type,
// not a number type that keeps its own (but time.Duration, which the
// checker reads as it runs).
func accumulatorType(t reflect.Type, keeps func(reflect.Type) bool) reflect.Type {
	switch {
	case t == nil, t.Kind() == reflect.Interface, t.Kind() == reflect.Func, t.Kind() == reflect.Chan, t.Kind() == reflect.UnsafePointer:
		return nil
	case t == durationType:
		return t
	case keeps(t):
		return nil
	}
	return t
}

// accumulators finds the reduces of the tree that read #acc in their
// step, outer ones first, each knowing those inside it.
func accumulators(tree *ast.Node) []*accumulator {
	var out []*accumulator
	var walk func(slot *ast.Node, outer []*accumulator)
	walk = func(slot *ast.Node, outer []*accumulator) {
		if r, ok := (*slot).(*ast.BuiltinNode); ok && r.Name == "reduce" && (len(r.Arguments) == 2 || len(r.Arguments) == 3) {
			a := &accumulator{reduce: r}
			accReads(&r.Arguments[1], a)
			if len(a.slots) > 0 {
				for _, o := range outer {
					o.inner = append(o.inner, a)
				}
				out = append(out, a)
				outer = append(outer[:len(outer):len(outer)], a)
			}
		}
		for _, c := range exprkey.Children(*slot) {
			walk(c, outer)
		}
	}
	walk(tree, nil)
	return out
}

// accReads collects the slots of a step that read its reduce's #acc: a
// reduce inside the step binds its own #acc in its step, not in its list
// or initial value.
func accReads(slot *ast.Node, a *accumulator) {
	switch n := (*slot).(type) {
	case *ast.PointerNode:
		if n.Name == "acc" {
			a.slots, a.reads = append(a.slots, slot), append(a.reads, n)
		}
		return
	case *ast.BuiltinNode:
		if n.Name == "reduce" {
			for i := range n.Arguments {
				if i != 1 {
					accReads(&n.Arguments[i], a)
				}
			}
			return
		}
	}
	for _, c := range exprkey.Children(*slot) {
		accReads(c, a)
	}
}
