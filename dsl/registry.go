package dsl

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/engagekit/engagekit/internal/valuetext"
	"github.com/expr-lang/expr/vm/runtime"
)

// The registry's governed and internal functions. Built-ins that build
// strings or lists replace expr's own of the same name, so that what they
// build is charged to the governor before it is built; the internal ones
// are the wrappers instrumentation inserts (see instrument.go). Each
// receives the governor as a hidden last argument, as the date built-ins
// receive the evaluation time.
//
// Every function here states, in its doc, what it does with nil, NaN and
// a zero value; the closures compile only the internal wrappers, with the
// same checks (native.go).

var (
	errNaNValue = fmt.Errorf("value is NaN, so the comparison cannot be decided: %w", ErrNaN)
	// errNaNWritten is a NaN given to num, pct or money to write.
	errNaNWritten = fmt.Errorf("value is NaN, which has no figure to write: %w", ErrNaN)
	// errNaNArgument is a NaN given to a host's function or method.
	errNaNArgument = fmt.Errorf("argument is NaN (or holds one), and the host's function could decide on it: %w", ErrNaN)
	errNilChain    = errors.New("the value is nil (an optional chain that stopped, a nil pointer, a missing key), and a nil decides nothing (use ?? to give a default, or compare with nil)")
)

// internalFuncs are the wrappers instrumentation inserts; rules cannot
// name them.
var internalFuncs = map[string]*hostFunc{
	// __nan(x) is x, or an ErrNaN failure when x is a NaN float.
	nanFunc: {name: nanFunc, arities: []int{1}, validate: sameType, fn: func(args ...any) (any, error) {
		if isNaN(args[0]) {
			return nil, errNaNValue
		}
		return dynamicNumber(args[0])
	}},
	// __nanarg(x, g) is x, an argument of a host's function or method,
	// or an ErrNaN failure when x is or holds a NaN (instrument.go,
	// guardNaNArgument).
	nanArgFunc: {name: nanArgFunc, arities: []int{2}, validate: firstArgType, fn: nanArgument},
	// __acyclic(x) is x, or a failure when x points back at itself
	// through pointers and interfaces (acyclic.go).
	acyclicFunc: {name: acyclicFunc, arities: []int{1}, validate: sameType, fn: acyclicValue},
	// __int(a, b, op) is a op b for ints, or a failure where the result
	// does not fit an int (arith.go).
	intFunc: {name: intFunc, arities: []int{3}, validate: intArithmetic, fn: checkedIntCall},
	// __arith(a, b, op) is a op b on values whose types are known only
	// when the rule runs, ints checked (arith.go).
	arithFunc: {name: arithFunc, arities: []int{3}, validate: func(args []reflect.Type) (reflect.Type, error) {
		if len(args) != 3 {
			return nil, fmt.Errorf("internal arithmetic takes 3 arguments")
		}
		return anyType, nil
	}, fn: arithAny},
	// __dur(a, b, op) is a op b on durations (and ints), or a failure
	// where the result does not fit (arith.go).
	durFunc: {name: durFunc, arities: []int{3}, validate: func(args []reflect.Type) (reflect.Type, error) {
		if len(args) != 3 {
			return nil, fmt.Errorf("internal duration arithmetic takes 3 arguments")
		}
		return durationType, nil
	}, fn: checkedDurationCall},
	// __fit(x, zero) is the number x as zero's type, for a method's
	// parameter (numbers.go).
	fitFunc: {name: fitFunc, arities: []int{4}, validate: func(args []reflect.Type) (reflect.Type, error) {
		if len(args) != 4 {
			return nil, fmt.Errorf("internal conversion takes 4 arguments")
		}
		return args[1], nil
	}, fn: fitValue},
	// __plain(x, strict) is x read as a plain string or bool (numbers.go).
	plainFunc: {name: plainFunc, arities: []int{2}, validate: plainType, fn: plainValue},
	// __list(x, name) is x, a list, or a failure (find_last.go).
	listFunc: {name: listFunc, arities: []int{2}, validate: listType, fn: listValue},
	// __cond(x) is a condition of bools or nils as a bool (numbers.go).
	condFunc: {name: condFunc, arities: []int{1}, validate: func([]reflect.Type) (reflect.Type, error) { return boolType, nil }, fn: condValue},
	// __number(x) is a number statement's value typed any as a float64
	// (number_result.go).
	numberValueFunc: {name: numberValueFunc, arities: []int{1}, validate: func([]reflect.Type) (reflect.Type, error) { return floatType64, nil }, fn: numberValue},
	// __datestep(n, unit) is a step of a time's AddDate, or a failure
	// where it is more than a million years (date_step.go).
	dateStepFunc: {name: dateStepFunc, arities: []int{2}, validate: sameType, fn: dateStep},
	// __sub(d) is a time's Sub, or a failure where it saturated
	// (date_step.go).
	timeSubFunc: {name: timeSubFunc, arities: []int{1}, validate: sameType, fn: timeSub},
	// __unixmilli(ms, t) is t's UnixMilli, or a failure where it does not
	// fit (date_step.go).
	unixMilliFunc: {name: unixMilliFunc, arities: []int{2}, validate: firstArgType, fn: unixMilli},
	// __dmethod(d, name, arg) is a duration's Abs or Round, or a failure
	// where Go saturates it (date_step.go).
	durationMethodFunc: {name: durationMethodFunc, arities: []int{3}, validate: func(args []reflect.Type) (reflect.Type, error) {
		return durationType, nil
	}, fn: durationMethod},
	// __mean(name, args…) and __meandur(name, args…) are mean and median,
	// of durations a duration (mean.go).
	meanFunc: {name: meanFunc, // no arities: instrumentation alone writes it
		validate: meanType, fn: meanOf(false)},
	meanDurFunc: {name: meanDurFunc, validate: func(args []reflect.Type) (reflect.Type, error) {
		return durationType, nil
	}, fn: meanOf(true)},
	// __range(a, b, g) is a..b, sized exactly and charged before it is
	// built (arith.go).
	rangeFunc: {name: rangeFunc, arities: []int{3}, validate: func(args []reflect.Type) (reflect.Type, error) {
		return reflect.TypeFor[[]int](), nil
	}, fn: makeRange},
	// __some(x) is x, or a failure when x is nil (an optional chain that
	// stopped) or NaN.
	someFunc: {name: someFunc, arities: []int{1}, validate: sameType, fn: func(args ...any) (any, error) {
		switch {
		case isNil(args[0]):
			return nil, errNilChain
		case isNaN(args[0]):
			return nil, errNaNValue
		}
		return dynamicNumber(args[0])
	}},
	// __step(g) counts one step of a loop; it is always true.
	stepFunc: {name: stepFunc, arities: []int{1}, types: []any{new(func(*governor) bool)}, fn: func(args ...any) (any, error) {
		g, err := govFrom(args[0])
		if err != nil {
			return nil, err
		}
		if err := g.step(); err != nil {
			return nil, err
		}
		return true, nil
	}},
	// __walk(x, g, mode): see walk.
	walkFunc: {name: walkFunc, arities: []int{3}, validate: firstArgType, fn: walk},
	// __concat(a, b, g) is a + b: for strings, charged before it is
	// built; for anything else (an operand whose type is known only when
	// the rule runs), expr's own addition.
	concatFunc: {name: concatFunc, arities: []int{3}, validate: validateAdd, fn: func(args ...any) (any, error) {
		a, aok := args[0].(string)
		b, bok := args[1].(string)
		if !aok || !bok {
			// A host's named string, or a pointer to a string, known
			// only now: the text it is, charged as any other (the
			// addition of numbers is arithAny's).
			x, xerr := dynamicNumber(args[0])
			y, yerr := dynamicNumber(args[1])
			if a, aok = x.(string); !aok || xerr != nil {
				return arithAny(args[0], args[1], "+")
			}
			if b, bok = y.(string); !bok || yerr != nil {
				return arithAny(args[0], args[1], "+")
			}
		}
		if err := charge(args[2], int64(len(a))+int64(len(b))); err != nil {
			return nil, err
		}
		return a + b, nil
	}},
}

// walkFlags say what __walk checks besides charging the steps.
type walkFlags int

const (
	// walkNumbers fails on a NaN element.
	walkNumbers walkFlags = 1 << iota
	// walkNil fails on a nil element (one an optional chain gave).
	walkNil
	// walkText charges a string's length (a regular expression scans
	// it) rather than a list's.
	walkText
	// walkListOnly charges nothing for a map, which the operation looks a
	// key up in rather than walks (in).
	walkListOnly
	// walkSort charges n·log₂n steps for n elements (sort).
	walkSort
	// walkScan, with walkText, charges a step for each KB of the string:
	// a plain scan (contains, trim, indexOf) costs far less a byte than a
	// regular expression, and a single one of a host's long text stays
	// well within the budget.
	walkScan
	// walkNested charges, besides the list's elements, the elements of
	// the lists among them, as steps and as memory: flatten builds a list
	// of their total length, and expr counts it only once built.
	walkNested
	// walkPattern charges a regular expression's text as what it
	// expands to when compiled (repeats multiply), as steps and memory,
	// before the operator compiles it: a pattern known only at run time
	// is compiled at each evaluation.
	walkPattern
	// walkBuilt charges the list's elements to the memory budget too: a
	// list the expression has just built (a range), whose memory expr
	// counts afresh at every run (Explain runs each sub-expression apart).
	walkBuilt
	// walkIntSum fails where adding the list's ints overflows an int
	// (sum of ints, which expr adds as Go does, wrapping).
	walkIntSum
	// walkDeepNaN fails on a NaN anywhere in the value, lists and maps
	// within lists and maps included, a step for each part it reads, and
	// gives the value on with its numbers read as the front end reads
	// them, at every depth (readDeep): the operands of ==, != and in (a
	// NaN inside a list made [x] == [1.0] false, and its negation true,
	// silently; a float32 in a list made it unequal to the decimal it
	// holds).
	walkDeepNaN
	// walkPairKeys fails on a pair whose key holds a NaN (fromPairs): a
	// NaN equals no key, so each one made a key of its own and the NaNs
	// decided how many keys the map had.
	walkPairKeys
	// walkDeep, with walkNumbers, reads the numbers of the lists among
	// the elements too, at every depth, as expr's max and min do: each
	// list is charged its elements as steps before they are read, a NaN
	// anywhere fails, and the numbers are given on as one flat list, read
	// as the front end reads them (a NaN in an inner list decided where
	// it stood, and its elements were read for nothing).
	walkDeep
	// walkCopy charges the value's size to the memory budget: a struct
	// or an array read by value, which expr boxes afresh at each read
	// (copies.go).
	walkCopy
)

// chargeCopied is walkCopy's charge: bytes when the mode says how many (a
// chain's copies, an in's lookups, known when the rule compiles), else
// the size of x, a copy of a struct or an array; for a list of them read
// by an in, each element's.
func chargeCopied(x any, bytes int64, g *governor) error {
	switch {
	case bytes > 0:
		return g.chargeBytes(bytes)
	case x == nil:
		return nil
	}
	t := reflect.TypeOf(x)
	if t.Kind() == reflect.Slice {
		return g.chargeBytes(saturatingMul(int64(reflect.ValueOf(x).Len()), int64(t.Elem().Size())))
	}
	return g.chargeBytes(int64(t.Size()))
}

// walkLastFlag is the highest flag: walkFactorShift must stay above it.
const walkLastFlag = walkCopy

// deepNaN fails with errNaNValue on a NaN anywhere in v, charging a step
// for each part it reads (a list that holds itself ends on the budget),
// and with a limit error past maxNaNDepth levels: the step budget may be
// MaxInt, and the stack is not.
func deepNaN(v reflect.Value, g *governor) error { return deepNaNAt(v, g, 0, true) }

// maxNaNDepth bounds how deeply deepNaN follows lists and maps.
const maxNaNDepth = 1000

// deepNaNAt is deepNaN at depth; intoStructs says whether a struct's
// fields are read too (== compares them; a host function reads what it
// reads of a struct it is given).
func deepNaNAt(v reflect.Value, g *governor, depth int, intoStructs bool) error {
	v = derefValue(v, true)
	if !v.IsValid() {
		return nil
	}
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		if math.IsNaN(v.Float()) {
			return errNaNValue
		}
		return nil
	case reflect.Complex64, reflect.Complex128:
		if c := v.Complex(); math.IsNaN(real(c)) || math.IsNaN(imag(c)) {
			return errNaNValue
		}
		return nil
	case reflect.Struct:
		// A struct compares field by field (DeepEqual), a NaN field
		// unequal to itself; a time holds no float.
		if !intoStructs || v.Type() == timeType {
			return nil
		}
		if depth >= maxNaNDepth {
			return &limitError{limit: "levels of nesting", max: maxNaNDepth}
		}
		if err := g.steps_(int64(v.NumField())); err != nil {
			return err
		}
		for i := range v.NumField() {
			if err := deepNaNAt(v.Field(i), g, depth+1, intoStructs); err != nil {
				return err
			}
		}
		return nil
	case reflect.Slice, reflect.Array, reflect.Map:
	default:
		return nil
	}
	if depth >= maxNaNDepth {
		return &limitError{limit: "levels of nesting", max: maxNaNDepth}
	}
	if err := g.steps_(int64(v.Len())); err != nil {
		return err
	}
	if v.Kind() == reflect.Map {
		for i, it := 0, v.MapRange(); it.Next(); i++ {
			if err := g.poll(i); err != nil {
				return err
			}
			if err := deepNaNAt(it.Key(), g, depth+1, intoStructs); err != nil {
				return err
			}
			if err := deepNaNAt(it.Value(), g, depth+1, intoStructs); err != nil {
				return err
			}
		}
		return nil
	}
	for i := range v.Len() {
		if err := g.poll(i); err != nil {
			return err
		}
		if err := deepNaNAt(v.Index(i), g, depth+1, intoStructs); err != nil {
			return err
		}
	}
	return nil
}

// nanArgument is __nanarg's function: the NaN walk of ==, but a struct,
// wherever it is, is given as it is: what the function reads of it is its
// own to check.
func nanArgument(args ...any) (any, error) {
	g, err := govFrom(args[1])
	if err != nil {
		return nil, err
	}
	if err := deepNaNAt(reflect.ValueOf(args[0]), g, 0, false); err != nil {
		if errors.Is(err, errNaNValue) {
			return nil, errNaNArgument
		}
		return nil, err
	}
	return args[0], nil
}

// errPatternSize is a regular expression built while the rule runs that
// expands past maxPatternSize: refused, as a constant one is when the
// rule compiles (it was charged as if it were maxPatternSize, and
// compiled to hundreds of megabytes).
var errPatternSize = &limitError{limit: "instructions of a regular expression (repeats of repeats multiply; a Unicode class is its ranges)", max: maxPatternSize}

// scanKB is the bytes of text a plain scan reads for a step.
const scanKB = 1024

// walkFactorShift places, in a walkText mode, the cost of a byte in
// regular-expression instructions: mode>>walkFactorShift.
const walkFactorShift = 14

// The factor must not fall on a flag's bit.
var _ [1<<walkFactorShift - 2*int(walkLastFlag)]struct{}

// walk is __walk(x, g, mode): x, after charging a step for each element
// of the list x (or each 16 bytes of the string x, for walkText) and
// checking its elements as mode says.
func walk(args ...any) (any, error) {
	g, err := govFrom(args[1])
	if err != nil {
		return nil, err
	}
	mode, _ := args[2].(int)
	x := args[0]
	if walkFlags(mode)&(1<<walkFactorShift-1) == walkCopy {
		return x, chargeCopied(x, int64(mode>>walkFactorShift), g)
	}
	if walkFlags(mode)&walkDeepNaN != 0 {
		if err := deepNaN(reflect.ValueOf(x), g); err != nil {
			return nil, err
		}
		return readDeep(x, g)
	}
	if walkFlags(mode)&walkPattern != 0 {
		// Charged what its text shows it weighs before it is parsed
		// (parsing a Unicode class builds its ranges), then the rest of
		// what it expands to; one past maxPatternSize is refused, as a
		// constant one is when the rule compiles.
		s, _ := x.(string)
		charge := func(n int64) error {
			if err := g.steps_(n); err != nil {
				return err
			}
			return g.charge(n * 4) // an instruction is some 40 bytes
		}
		pre := patternTextSize(s)
		if pre > maxPatternSize {
			return nil, errPatternSize
		}
		if err := charge(pre); err != nil {
			return nil, err
		}
		size := patternSize(s)
		if size > maxPatternSize {
			return nil, errPatternSize
		}
		return x, charge(max(size-pre, 0))
	}
	if s, ok := x.(string); ok && walkFlags(mode) == walkBuilt {
		return x, g.charge(int64(len(s))/16 + 1) // a string built: its bytes, in 16-byte units
	}
	if walkFlags(mode)&walkText != 0 {
		s, _ := x.(string)
		if walkFlags(mode)&walkScan != 0 {
			return x, g.steps_(int64(len(s))/scanKB + 1)
		}
		factor := max(int64(mode>>walkFactorShift), 1)
		return x, g.steps_((int64(len(s))+1)*factor/8 + 1)
	}
	rv := derefValue(reflect.ValueOf(x), true)
	if walkFlags(mode)&walkSort != 0 && (!rv.IsValid() || rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array) {
		// expr's sort gives an empty list of what is not a list: a
		// number or a map known only when the rule runs must not sort
		// silently into nothing.
		return nil, fmt.Errorf("sort: argument is %s, want a list", valueKind(x))
	}
	if !rv.IsValid() || (rv.Kind() != reflect.Slice && rv.Kind() != reflect.Array && rv.Kind() != reflect.Map) ||
		rv.Kind() == reflect.Map && walkFlags(mode)&walkListOnly != 0 {
		if walkFlags(mode)&walkNumbers != 0 && readAsNumber(x) {
			// Not a list after all (an any argument of max or min): a
			// number, read as the front end reads one (a named int as
			// an int), NaN failing.
			if isNaN(x) {
				return nil, errNaNValue
			}
			return dynamicNumber(x)
		}
		return x, nil
	}
	n := int64(rv.Len())
	if walkFlags(mode)&walkSort != 0 {
		n = saturatingMul(n, int64(bits.Len64(uint64(n))))
	}
	// The steps are charged before anything reads the elements (sizing
	// them, counting what flatten builds): a list is refused at a cost
	// the budget sets, not its length.
	walked := walkFlags(mode) != walkBuilt // only built, not walked: memory, no steps
	if walked {
		if err := g.steps_(n); err != nil {
			return nil, err
		}
	}
	if walkFlags(mode)&walkBuilt != 0 {
		var built int64
		if rv.Kind() == reflect.Map {
			// A map of lists (groupBy's groups): their elements too.
			built = int64(rv.Len())
			for it := rv.MapRange(); it.Next(); {
				v := it.Value()
				if v.Kind() == reflect.Interface && !v.IsNil() {
					v = v.Elem()
				}
				if v.Kind() == reflect.Slice || v.Kind() == reflect.Array {
					built += builtUnits(v)
				} else {
					built += elementUnits(v)
				}
			}
		} else {
			built = builtUnits(rv)
		}
		if err := g.charge(built); err != nil {
			return nil, err
		}
	}
	if walkFlags(mode)&walkNested != 0 && rv.Kind() != reflect.Map {
		// What flatten builds: every element at every depth, counted
		// without building it, and no further than the budget left.
		inner, err := nestedLen(rv, 0, g.maxMem-g.mem, g)
		if err != nil {
			return nil, err
		}
		if err := g.charge(inner); err != nil {
			return nil, err
		}
	}
	if !walked {
		return x, nil
	}
	if rv.Kind() == reflect.Map {
		return x, nil
	}
	if walkFlags(mode)&walkPairKeys != 0 {
		if err := pairKeysNaN(rv, g); err != nil {
			return nil, err
		}
	}
	et := rv.Type().Elem()
	if walkFlags(mode)&walkDeep != 0 && mayHoldList(et) && !plainAnyList(x) {
		// (A []any of plain values holds no list: read below, in place,
		// rather than copied flat.)
		return deepNumbers(rv, g)
	}
	// A list of any is read element by element as the front end reads
	// numbers whose types it knows (numbers.go), wherever the walk reads
	// numbers: 0.9 in a list holding float32(0.9) holds.
	// (A list whose type was known only when the rule ran, of a host's
	// named type, []Tier behind an any, is read so too.)
	normalize := walkFlags(mode)&(walkNumbers|walkIntSum) != 0 && (et.Kind() == reflect.Interface || readAsNumber(reflect.Zero(et).Interface()))
	// expr's sort copies only []any, []int, []float64 and []string, and
	// gives an empty list for any other (durations, times, an array): such
	// a list is given to it as a []any of its elements.
	copyAll := walkFlags(mode)&walkSort != 0 && !exprSortable(rv.Type())
	if walkFlags(mode)&(walkNumbers|walkNil) == 0 && !normalize && !copyAll {
		return x, sumOf(rv, mode)
	}
	var read []any // the elements read as numbers, once one needs it
	for i := range rv.Len() {
		if err := g.poll(i); err != nil {
			return nil, err
		}
		e := rv.Index(i).Interface()
		switch {
		case walkFlags(mode)&walkNumbers != 0 && isNaN(e):
			return nil, errNaNValue
		case walkFlags(mode)&walkNil != 0 && isNil(e):
			return nil, errNilChain
		}
		convert := normalize && readAsNumber(e)
		if !convert && read == nil && !copyAll {
			continue
		}
		n := e
		if convert {
			var err error
			if n, err = dynamicNumber(e); err != nil {
				return nil, err
			}
		}
		if read == nil {
			if err := g.charge(int64(rv.Len())); err != nil {
				return nil, err
			}
			read = make([]any, rv.Len())
			for j := range i {
				read[j] = rv.Index(j).Interface()
			}
		}
		read[i] = n
	}
	if read != nil {
		return read, sumOf(reflect.ValueOf(read), mode)
	}
	return x, sumOf(rv, mode)
}

// deepNumbers is the walk of max and min (walkDeep) over a list that may
// hold lists: its elements and those of the lists among them, at every
// depth, as one flat list, numbers read as the front end reads them.
// list's own elements are charged by the caller; each inner list is
// charged its elements as steps before they are read, and each element
// kept as memory. A NaN anywhere fails with errNaNValue; an element
// whose chain of pointers does not end, with errSelfReference; lists
// nested deeper than expr's own bound, with an error saying so.
func deepNumbers(list reflect.Value, g *governor) ([]any, error) {
	var flat []any
	var read func(v reflect.Value, depth int) error
	read = func(v reflect.Value, depth int) error {
		if depth > maxTreeDepth {
			return fmt.Errorf("lists nested deeper than %d", maxTreeDepth)
		}
		for i := range v.Len() {
			if err := g.poll(i); err != nil {
				return err
			}
			e, ok := chainEnd(v.Index(i))
			if !ok {
				return errSelfReference
			}
			if e.Kind() == reflect.Slice || e.Kind() == reflect.Array {
				if err := g.steps_(int64(e.Len())); err != nil {
					return err
				}
				if err := read(e, depth+1); err != nil {
					return err
				}
				continue
			}
			x := v.Index(i).Interface()
			if isNaN(x) {
				return errNaNValue
			}
			if readAsNumber(x) {
				n, err := dynamicNumber(x)
				if err != nil {
					return err
				}
				x = n
			}
			if err := g.charge(1); err != nil {
				return err
			}
			flat = append(flat, x)
		}
		return nil
	}
	if err := read(list, 0); err != nil {
		return nil, err
	}
	return flat, nil
}

// exprSortable reports whether expr's sort sorts a list of type t rather
// than give an empty list for it.
func exprSortable(t reflect.Type) bool {
	switch t {
	case reflect.TypeFor[[]any](), reflect.TypeFor[[]int](), reflect.TypeFor[[]float64](), reflect.TypeFor[[]string]():
		return true
	}
	return false
}

// pairKeysNaN fails with errNaNValue where a pair of the list (a list or
// array, behind interfaces and pointers) has a NaN in its key, and with
// errSelfReference where an element's chain of pointers does not end
// (fromPairs follows it without a bound). What is not a pair is left to
// fromPairs to refuse.
func pairKeysNaN(list reflect.Value, g *governor) error {
	for i := range list.Len() {
		if err := g.poll(i); err != nil {
			return err
		}
		pair, ok := chainEnd(list.Index(i))
		if !ok {
			return errSelfReference
		}
		if (pair.Kind() == reflect.Slice || pair.Kind() == reflect.Array) && pair.Len() > 0 {
			if err := deepNaN(pair.Index(0), g); err != nil {
				return err
			}
		}
	}
	return nil
}

// sumOf checks, for walkIntSum, the sum of the list's ints (as read).
func sumOf(list reflect.Value, mode int) error {
	if walkFlags(mode)&walkIntSum == 0 {
		return nil
	}
	return checkedSum(list)
}

// readAsNumber reports whether dynamicNumber reads e as another value: a
// number of another type than int and float64, a named string or bool, or
// a pointer to a value (valuePointer).
func readAsNumber(e any) bool {
	switch e.(type) {
	case nil, int, float64, string, bool:
		return false
	}
	t := reflect.TypeOf(e)
	if t.Kind() == reflect.Pointer {
		return valuePointer(t) // read as what it points to
	}
	// A host's named string or bool is read as a string or a bool, as
	// the front end reads one whose type it knows.
	return (isNumberKind(t.Kind()) || t.Kind() == reflect.String || t.Kind() == reflect.Bool) && pureMethods[t] == nil
}

// nestedLen counts the elements below the list v, at every depth (the
// lists among its elements, their lists, …), stopping once the count
// passes limit (what is left of the memory budget).
//
// v's own elements are charged as steps by the caller; a list among them
// is charged its elements before they are read (sized, looked into), so
// the work stays within the step budget whatever the elements' size (a
// list of empty arrays takes no memory), and the loops look at the
// evaluation's context as they go: either budget may be MaxInt64, and a
// list may hold itself twice. A list of numbers (its element type holds
// no list) is not looked into at all. An element whose chain of pointers
// and interfaces does not end fails with errSelfReference: flatten
// follows each element's chain without a bound.
func nestedLen(v reflect.Value, depth int, limit int64, g *governor) (int64, error) {
	if depth > maxTreeDepth {
		return saturatingAdd(limit, 1), nil // deeper than expr flattens: as good as over the budget
	}
	if !mayHoldList(v.Type().Elem()) {
		return 0, nil
	}
	n := int64(0)
	for i := 0; i < v.Len() && n <= limit; i++ {
		if err := g.poll(i); err != nil {
			return 0, err
		}
		e, ok := chainEnd(v.Index(i))
		if !ok {
			return 0, errSelfReference
		}
		if e.Kind() != reflect.Slice && e.Kind() != reflect.Array {
			continue
		}
		if err := g.steps_(int64(e.Len())); err != nil {
			return 0, err
		}
		// What flatten copies of the list: each element as large as its
		// copy (see builtUnits).
		if n = saturatingAdd(n, builtUnits(e)); n <= limit {
			inner, err := nestedLen(e, depth+1, limit-n, g)
			if err != nil {
				return 0, err
			}
			n = saturatingAdd(n, inner)
		}
	}
	return n, nil
}

// saturatingAdd is a+b for counts that are not negative, MaxInt64 where
// the sum would pass it.
func saturatingAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// saturatingMul is a·b for counts that are not negative, MaxInt64 where
// the product would pass it (sort's n·log₂n of a huge list).
func saturatingMul(a, b int64) int64 {
	if b != 0 && a > math.MaxInt64/b {
		return math.MaxInt64
	}
	return a * b
}

// mayHoldList reports whether a value of type t can be, or lead to, a
// list.
func mayHoldList(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Interface, reflect.Pointer, reflect.Slice, reflect.Array:
		return true
	}
	return false
}

// governedFuncs replace expr's built-ins that build strings or lists.
var governedFuncs = map[string]*hostFunc{
	// repeat(s, n) is s n times; n must not be negative.
	"repeat": {name: "repeat", arities: []int{2}, withGov: true,
		types: []any{new(func(string, int, *governor) string)},
		fn: func(args ...any) (any, error) {
			s, err := textArg("repeat", args, 0)
			if err != nil {
				return nil, err
			}
			n, err := intArg("repeat", args, 1)
			if err != nil {
				return nil, err
			}
			if n < 0 {
				return nil, fmt.Errorf("repeat: count %d is negative", n)
			}
			size := int64(len(s)) * int64(n)
			if len(s) > 0 && n > math.MaxInt64/len(s) {
				size = math.MaxInt64 // past any budget: charged so, the error names the rule's own limit
			}
			if err := charge(args[2], size); err != nil {
				return nil, err
			}
			return strings.Repeat(s, n), nil
		}},
	// replace(s, old, new) replaces every old in s by new.
	"replace": {name: "replace", arities: []int{3}, withGov: true,
		types: []any{new(func(string, string, string, *governor) string)},
		fn: func(args ...any) (any, error) {
			var texts [3]string
			for i := range texts {
				var err error
				if texts[i], err = textArg("replace", args, i); err != nil {
					return nil, err
				}
			}
			s, old, repl := texts[0], texts[1], texts[2]
			n := int64(strings.Count(s, old))
			if err := charge(args[3], int64(len(s))+n*int64(len(repl))); err != nil {
				return nil, err
			}
			return strings.ReplaceAll(s, old, repl), nil
		}},
	// upper(s) and lower(s) change the case of s.
	"upper": caseFunc("upper", strings.ToUpper, unicode.ToUpper),
	"lower": caseFunc("lower", strings.ToLower, unicode.ToLower),
	// split(s, sep) is the list of the parts of s between each sep.
	"split": splitFunc("split", strings.Split),
	// splitAfter(s, sep) is split keeping each sep at the end of its part.
	"splitAfter": splitFunc("splitAfter", strings.SplitAfter),
	// join(list, sep) joins the strings of a list with sep (default "").
	"join": {name: "join", arities: []int{1, 2}, withGov: true, validate: validateJoin,
		fn: func(args ...any) (any, error) {
			sep := ""
			if len(args) == 3 {
				var err error
				if sep, err = textArg("join", args, 1); err != nil {
					return nil, err
				}
			}
			// A step an element, and the copy of a list of any to
			// strings, charged before they are made.
			g, err := govFrom(args[len(args)-1])
			if err != nil {
				return nil, err
			}
			if n := reflect.ValueOf(args[0]); n.Kind() == reflect.Slice {
				if err := g.steps_(int64(n.Len())); err != nil {
					return nil, err
				}
				if _, copied := args[0].([]any); copied {
					if err := g.charge(int64(n.Len())); err != nil {
						return nil, err
					}
				}
			}
			parts, err := stringsOf(args[0])
			if err != nil {
				return nil, err
			}
			size := int64(len(sep)) * int64(max(len(parts)-1, 0))
			for _, p := range parts {
				size += int64(len(p))
			}
			if err := charge(args[len(args)-1], size); err != nil {
				return nil, err
			}
			return strings.Join(parts, sep), nil
		}},
	// keys(m), values(m) and toPairs(m) are expr's, in the order of the
	// keys: expr's follow Go's map order, which changes from run to run,
	// so `keys(m)[0] == "a"` decided one way and then the other.
	// uniq(list) is the list without repeats, in order, as expr's: each
	// element compared with those kept (runtime.Equal: 1 and 1.0 are
	// one). That is up to n²/2 comparisons, each charged as a step as it
	// is made (expr's was charged n steps, and ran for hours within
	// them); a NaN element fails, as it would decide what is kept.
	"uniq": {name: "uniq", arities: []int{1}, withGov: true,
		validate: func(args []reflect.Type) (reflect.Type, error) {
			if len(args) != 2 {
				return nil, fmt.Errorf("uniq takes 1 argument")
			}
			if !isList(args[0]) {
				return nil, fmt.Errorf("uniq: argument 1 is %v, want a list", args[0])
			}
			return reflect.TypeFor[[]any](), nil
		},
		fn: uniqGoverned},
	"keys":    mapListFunc("keys", mapKeys),
	"values":  mapListFunc("values", mapValues),
	"toPairs": mapListFunc("toPairs", mapPairs),
	// int(x) is x as an int: a float truncated toward zero, a string
	// parsed. A NaN fails with ErrNaN, as a comparison with it would; a
	// number out of an int's range fails too.
	"int": {name: "int", arities: []int{1}, validate: validateToInt, fn: func(args ...any) (any, error) {
		return toInt(args[0])
	}},
	// string(x) writes a number, string, bool, time or duration as text;
	// a NaN fails with ErrNaN, as int(x) of one does.
	// It does not take structs, lists or maps: written out, they would show
	// fields the environment hides.
	"string": {name: "string", arities: []int{1}, validate: validateScalar, fn: func(args ...any) (any, error) {
		return scalarString(args[0])
	}},
}

// mapPart is what mapListFunc lists of each entry of a map.
type mapPart int

const (
	mapKeys   mapPart = iota // keys
	mapValues                // values
	mapPairs                 // toPairs: [key, value]
)

// mapListFunc is keys, values or toPairs of a map (part), ordered by key
// (see compareKeys), entries whose keys order alike by their values'
// text: a total order, so the list is one whatever Go's map order. It
// costs a step an entry and one for each comparison of its sort.
func mapListFunc(name string, part mapPart) *hostFunc {
	values := part == mapValues
	return &hostFunc{name: name, arities: []int{1}, withGov: true,
		validate: func(args []reflect.Type) (reflect.Type, error) {
			if len(args) != 2 {
				return nil, fmt.Errorf("%s takes 1 argument", name)
			}
			if k := args[0].Kind(); k != reflect.Map && k != reflect.Interface {
				return nil, fmt.Errorf("%s: argument 1 is %v, want a map", name, args[0])
			}
			if part == mapPairs {
				return reflect.TypeFor[[][]any](), nil
			}
			return reflect.TypeFor[[]any](), nil
		},
		fn: func(args ...any) (any, error) {
			m := reflect.ValueOf(args[0])
			if !m.IsValid() || m.Kind() != reflect.Map {
				return nil, fmt.Errorf("%s: argument is %T, want a map", name, args[0])
			}
			g, err := govFrom(args[1])
			if err != nil {
				return nil, err
			}
			n := int64(m.Len())
			if err := g.steps_(n * int64(1+bits.Len64(uint64(n)))); err != nil {
				return nil, err
			}
			// The list holds a copy of each key or value (values of
			// 1 KB records are 64 units each, not one).
			t := m.Type().Key()
			if values {
				t = m.Type().Elem()
			}
			units := n * (1 + boxedUnits(t))
			if !values && copiesLarge(m.Type().Elem()) {
				// The entries read below hold each value too, for the
				// ties: a copy of a large record each.
				units += n * boxedUnits(m.Type().Elem())
			}
			if part == mapPairs {
				// A pair is a list of two: the key's and the value's
				// copies, and the list's own header.
				units = n * (4 + boxedUnits(m.Type().Key()) + boxedUnits(m.Type().Elem()))
			}
			if t.Kind() == reflect.Interface && part != mapPairs {
				units = 0
				for it := m.MapRange(); it.Next(); {
					v := it.Key()
					if values {
						v = it.Value()
					}
					units += elementUnits(v)
				}
			}
			if err := g.charge(units); err != nil {
				return nil, err
			}
			// Entries by MapRange: a NaN key is found by no lookup. The
			// texts that break ties are written once an entry, when a
			// tie first needs them (a text may be thousands of parts,
			// and a sort compares an entry log n times).
			entries := make([]*mapEntry, 0, m.Len())
			for it := m.MapRange(); it.Next(); {
				entries = append(entries, &mapEntry{k: it.Key(), v: it.Value()})
			}
			slices.SortFunc(entries, func(a, b *mapEntry) int {
				if c := compareKeys(a.k, b.k); c != 0 {
					return c
				}
				return cmp.Or(strings.Compare(a.keyText(), b.keyText()), strings.Compare(a.valueText(), b.valueText()))
			})
			if part == mapPairs {
				pairs := make([][]any, len(entries))
				for i, e := range entries {
					pairs[i] = []any{e.k.Interface(), e.v.Interface()}
				}
				return pairs, nil
			}
			out := make([]any, len(entries))
			for i, e := range entries {
				if values {
					out[i] = e.v.Interface()
				} else {
					out[i] = e.k.Interface()
				}
			}
			return out, nil
		}}
}

// compareKeys orders two keys of one map: false before true before the
// numbers (by value, NaN last, then by type), before the strings, before
// anything else (by its text, see compareText).
func compareKeys(a, b reflect.Value) int {
	a, b = concrete(a), concrete(b)
	ca, cb := keyClass(a), keyClass(b)
	if ca != cb {
		return cmp.Compare(ca, cb)
	}
	switch ca {
	case 0:
		return cmp.Compare(boolRank(a.Bool()), boolRank(b.Bool()))
	case 1:
		return cmp.Or(compareNumbers(a, b), strings.Compare(a.Type().String(), b.Type().String()))
	case 2:
		return strings.Compare(a.String(), b.String())
	}
	return 0 // left to their texts
}

// mapEntry is a map's entry as keys and values sort it, with the texts
// that break ties once written.
type mapEntry struct {
	k, v         reflect.Value
	kText, vText *string
}

func (e *mapEntry) keyText() string   { return cachedText(&e.kText, e.k) }
func (e *mapEntry) valueText() string { return cachedText(&e.vText, e.v) }

// cachedText is v's text (valuetext), written into *at once.
func cachedText(at **string, v reflect.Value) string {
	if *at == nil {
		t := ""
		if v = concrete(v); v.IsValid() && v.CanInterface() { // a rule reads no unexported field
			t = "v" + valuetext.Text(v.Interface())
		}
		*at = &t
	}
	return **at
}

// concrete is v without the interfaces around it.
func concrete(v reflect.Value) reflect.Value {
	for v.IsValid() && v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	return v
}

// keyClass ranks a key's kind for compareKeys.
func keyClass(v reflect.Value) int {
	switch {
	case !v.IsValid() || !v.CanInterface():
		return 3
	case v.Kind() == reflect.Bool:
		return 0
	case v.Kind() == reflect.String:
		return 2
	case v.CanInt(), v.CanUint(), v.CanFloat():
		return 1 // durations and named numbers too, by value
	}
	return 3
}

// compareNumbers orders two numeric values by value, exactly (ints past
// 2^53 tied as floats, and their texts sorted 10000000000000000 first),
// NaN last.
func compareNumbers(a, b reflect.Value) int {
	switch {
	case a.CanInt() && b.CanInt():
		return cmp.Compare(a.Int(), b.Int())
	case a.CanUint() && b.CanUint():
		return cmp.Compare(a.Uint(), b.Uint())
	}
	nan := func(v reflect.Value) bool { return v.CanFloat() && v.Float() != v.Float() }
	if na, nb := nan(a), nan(b); na || nb {
		return cmp.Compare(boolRank(na), boolRank(nb))
	}
	exact := func(v reflect.Value) *big.Float {
		switch {
		case v.CanInt():
			return new(big.Float).SetInt64(v.Int())
		case v.CanUint():
			return new(big.Float).SetUint64(v.Uint())
		}
		return new(big.Float).SetFloat64(v.Float()) // ±Inf are big.Floats too
	}
	return exact(a).Cmp(exact(b))
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// validateAdd types __concat: a string when both operands are strings,
// else unknown until the rule runs.
func validateAdd(args []reflect.Type) (reflect.Type, error) {
	if len(args) != 3 {
		return nil, fmt.Errorf("internal addition takes 3 arguments")
	}
	if args[0].Kind() == reflect.String && args[1].Kind() == reflect.String {
		return stringType, nil
	}
	return anyType, nil
}

// caseFunc is upper or lower: f maps the string, as mapRune maps each of
// its runes. What it builds is charged before it is built, at its exact
// size, which is not the input's: a letter may change its length
// (ſ, 2 bytes, upper-cases to S, 1; ⱥ, 3 bytes, to Ⱥ, 2), and each byte
// that is not UTF-8 becomes U+FFFD, three.
func caseFunc(name string, f func(string) string, mapRune func(rune) rune) *hostFunc {
	return &hostFunc{name: name, arities: []int{1}, withGov: true, types: []any{new(func(string, *governor) string)},
		fn: func(args ...any) (any, error) {
			s, err := textArg(name, args, 0)
			if err != nil {
				return nil, err
			}
			if err := charge(args[1], int64(mappedSize(s, mapRune))); err != nil {
				return nil, err
			}
			return f(s), nil
		}}
}

// mappedSize is the length of strings.Map(mapRune, s).
func mappedSize(s string, mapRune func(rune) rune) int {
	size := 0
	for _, r := range s {
		size += utf8.RuneLen(mapRune(r))
	}
	return size
}

func splitFunc(name string, f func(s, sep string) []string) *hostFunc {
	return &hostFunc{name: name, arities: []int{2}, withGov: true, types: []any{new(func(string, string, *governor) []string)},
		fn: func(args ...any) (any, error) {
			s, err := textArg(name, args, 0)
			if err != nil {
				return nil, err
			}
			sep, err := textArg(name, args, 1)
			if err != nil {
				return nil, err
			}
			parts := int64(len(s)) + 1
			if sep != "" {
				parts = int64(strings.Count(s, sep)) + 1
			}
			if err := charge(args[2], parts*memUnit); err != nil {
				return nil, err
			}
			return f(s, sep), nil
		}}
}

// uniqGoverned is the governed uniq (see governedFuncs). A string, a bool
// or a plain number below 2^53 in size is found among those kept by a key
// (a number by its value: 1 and 1.0 are one, as runtime.Equal says); any
// other element (a time, a list, a host's named type, a larger number) is
// compared with every element kept, and a kept one of them with every
// element after: each comparison a step. A list of plain values costs a
// step an element; one of others up to n²/2, charged as they are made.
func uniqGoverned(args ...any) (any, error) {
	g, err := govFrom(args[1])
	if err != nil {
		return nil, err
	}
	list := reflect.ValueOf(args[0])
	for list.IsValid() && list.Kind() == reflect.Interface && !list.IsNil() {
		list = list.Elem()
	}
	if !list.IsValid() || list.Kind() != reflect.Slice && list.Kind() != reflect.Array {
		return nil, fmt.Errorf("cannot uniq %T", args[0])
	}
	kept := []any{}
	byKey := map[any]bool{}
	var others []any // the kept elements without a key
	seen := func(e any, among []any) (bool, error) {
		if err := g.steps_(int64(len(among)) + 1); err != nil {
			return false, err
		}
		for _, k := range among {
			if runtime.Equal(e, k) {
				return true, nil
			}
		}
		return false, nil
	}
	for i := range list.Len() {
		e := list.Index(i).Interface()
		if err := deepNaN(reflect.ValueOf(e), g); err != nil {
			return nil, err // a NaN anywhere in it would decide what is kept
		}
		if readAsNumber(e) {
			// A host's named string, bool or number is kept as what the
			// rule reads it as: Tier("gold") and "gold" are one.
			if e, err = dynamicNumber(e); err != nil {
				return nil, err
			}
		}
		key, plain := uniqKey(e)
		among := others
		if !plain {
			among = kept
		}
		dup, err := seen(e, among)
		if err != nil {
			return nil, err
		}
		if dup || plain && byKey[key] {
			continue
		}
		if err := g.charge(1 + boxedOf(e)); err != nil {
			return nil, err
		}
		kept = append(kept, e)
		if plain {
			byKey[key] = true
		} else {
			others = append(others, e)
		}
	}
	return kept, nil
}

// uniqKey is the key uniq finds a plain value by: a string, a bool, or a
// number of a predeclared type below 2^53 in size as its float64 (exact
// there, so equal numbers of any types share it).
func uniqKey(e any) (any, bool) {
	switch x := e.(type) {
	case string, bool:
		return x, true
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		f, _ := toFloat(x)
		if math.Abs(f) < 1<<53 {
			if x, ok := e.(float32); ok {
				f = float64(x) // its own value, not its decimal: runtime.Equal compares so
			}
			return f, true
		}
	}
	return nil, false
}

func charge(g any, bytes int64) error {
	gov, err := govFrom(g)
	if err != nil {
		return err
	}
	return gov.chargeBytes(bytes)
}

// sameType is the type rule of the wrappers: the result has the type of
// the argument, so wrapping changes no static type.
func sameType(args []reflect.Type) (reflect.Type, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("internal wrapper takes 1 argument")
	}
	return args[0], nil
}

// firstArgType is the type rule of __walk: the list it passes on.
func firstArgType(args []reflect.Type) (reflect.Type, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("internal wrapper takes arguments")
	}
	return args[0], nil
}

func validateJoin(args []reflect.Type) (reflect.Type, error) {
	if len(args) < 2 || len(args) > 3 {
		return nil, fmt.Errorf("join takes 1 or 2 arguments")
	}
	switch t := args[0]; {
	case t.Kind() == reflect.Interface:
	case (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) &&
		(deref(t.Elem()).Kind() == reflect.String || t.Elem().Kind() == reflect.Interface):
	default:
		return nil, fmt.Errorf("join: argument 1 is %v, want a list of strings", t)
	}
	if len(args) == 3 && args[1].Kind() != reflect.String && args[1].Kind() != reflect.Interface {
		return nil, fmt.Errorf("join: argument 2 is %v, want a string", args[1])
	}
	return stringType, nil
}

func stringsOf(v any) ([]string, error) {
	switch xs := v.(type) {
	case []string:
		return xs, nil
	case []any:
		out := make([]string, len(xs))
		for i, x := range xs {
			s, err := textArg("join", xs, i) // a host's named string, a pointer to one (numbers.go)
			if err != nil {
				return nil, fmt.Errorf("join: element %d is %s, want a string", i, valueKind(x))
			}
			out[i] = s
		}
		return out, nil
	}
	// A list of a host's named strings (type Tier string), or of pointers
	// to strings: its elements read as strings, as the front end reads one.
	if rv := reflect.ValueOf(v); (rv.Kind() == reflect.Slice || rv.Kind() == reflect.Array) && deref(rv.Type().Elem()).Kind() == reflect.String {
		out := make([]string, rv.Len())
		for i := range out {
			s, err := textArg("join", []any{rv.Index(i).Interface()}, 0)
			if err != nil {
				return nil, fmt.Errorf("join: element %d is %s, want a string", i, valueKind(rv.Index(i).Interface()))
			}
			out[i] = s
		}
		return out, nil
	}
	return nil, fmt.Errorf("join: argument 1 is %T, want a list of strings", v)
}

func validateToInt(args []reflect.Type) (reflect.Type, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("int takes 1 argument")
	}
	if k := args[0].Kind(); !isNumberKind(k) && k != reflect.String && k != reflect.Interface {
		return nil, fmt.Errorf("int: argument is %v, want a number or a string", args[0])
	}
	return intType, nil
}

func toInt(v any) (any, error) {
	if s, ok := v.(string); ok {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("int: %q is not an integer", s)
		}
		return n, nil
	}
	n, err := dynamicNumber(v)
	if err != nil {
		return nil, err
	}
	switch x := n.(type) {
	case int:
		return x, nil
	case float64:
		switch {
		case x != x:
			return nil, fmt.Errorf("int: %w", errNaNValue)
		case x >= math.MaxInt64 || x < math.MinInt64 || math.IsInf(x, 0):
			return nil, fmt.Errorf("int: %v does not fit an int", x)
		}
		return int(x), nil
	}
	return nil, fmt.Errorf("int: argument is %T, want a number or a string", v)
}

func validateScalar(args []reflect.Type) (reflect.Type, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("string takes 1 argument")
	}
	// Through pointers: string(pd) of a *time.Duration reads the value,
	// as string(m.pd) does.
	if !scalarType(deref(args[0])) && args[0].Kind() != reflect.Interface {
		return nil, fmt.Errorf("string: argument is %v; it takes a number, string, bool, time or duration", args[0])
	}
	return stringType, nil
}

func scalarType(t reflect.Type) bool {
	if t == timeType || t == reflect.TypeFor[time.Duration]() {
		return true
	}
	switch t.Kind() {
	case reflect.Bool, reflect.String:
		return true
	}
	return isNumberKind(t.Kind())
}

func scalarString(v any) (any, error) {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer {
		v, _ = dynamicNumber(v) // a pointer to a string, bool or number is what it points to
	}
	if v == nil {
		return "nil", nil
	}
	if !scalarType(reflect.TypeOf(v)) {
		return nil, fmt.Errorf("string: argument is %T; it takes a number, string, bool, time or duration", v)
	}
	if isNaN(v) {
		// "NaN" compared with a string would let the NaN decide.
		return nil, fmt.Errorf("string: %w", errNaNValue)
	}
	return fmt.Sprint(v), nil
}

func isNaN(v any) bool {
	switch x := v.(type) {
	case float64:
		return x != x
	case float32:
		return x != x
	}
	rv := derefValue(reflect.ValueOf(v), false)
	if rv.IsValid() && (rv.Kind() == reflect.Float64 || rv.Kind() == reflect.Float32) {
		return math.IsNaN(rv.Float())
	}
	return false
}

// builtUnits is the memory a list just built holds, in units of memUnit
// bytes: each element as large as its copy. A list of 1 KB records that
// map or concat built holds a copy of each, 64 units an element, not one.
func builtUnits(list reflect.Value) int64 {
	et := list.Type().Elem()
	if (et.Kind() == reflect.Slice || et.Kind() == reflect.Array) && et.Elem().Kind() == reflect.Interface {
		// A list of lists of any (toPairs' pairs, [2]any): what they
		// hold too, one level (the branch below never recurses, so a
		// list that holds itself is charged once, never followed round).
		units := int64(list.Len()) * sizeUnits(et)
		for i := range list.Len() {
			units += builtUnits(list.Index(i))
		}
		return units
	}
	if et.Kind() != reflect.Interface {
		return int64(list.Len()) * sizeUnits(et)
	}
	// A list of any: an interface each, and the copy it boxes, by the
	// dynamic type (a list of one type looks its size up once).
	var units, lastUnits int64
	var last reflect.Type
	for i := range list.Len() {
		e := list.Index(i)
		if e.IsNil() {
			units++
			continue
		}
		if t := e.Elem().Type(); t != last {
			last, lastUnits = t, 1+boxedUnits(t)
		}
		units += lastUnits // a list among them is shared, not copied: its header only
	}
	return units
}

// boxedOf is boxedUnits of e's type; none for nil.
func boxedOf(e any) int64 {
	if e == nil {
		return 0
	}
	return boxedUnits(reflect.TypeOf(e))
}

// elementUnits is builtUnits of one value held in a map or list.
func elementUnits(v reflect.Value) int64 {
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			return 1
		}
		return 1 + boxedUnits(v.Elem().Type())
	}
	return sizeUnits(v.Type())
}

// sizeUnits is a value of type t in memory units, at least one.
func sizeUnits(t reflect.Type) int64 {
	return max(1, (int64(t.Size())+memUnit-1)/memUnit)
}

// boxedUnits is what an interface holding a value of type t allocates
// besides itself: a copy of the value, unless it is pointer-shaped (a
// pointer, map, channel or function is held as it is).
func boxedUnits(t reflect.Type) int64 {
	switch t.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return 0
	}
	if t.Size() == 0 {
		return 0
	}
	return sizeUnits(t)
}
