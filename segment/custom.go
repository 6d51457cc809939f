package segment

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/dsl/rulefile"
	"github.com/engagekit/engagekit/internal/envfield"
	"github.com/engagekit/engagekit/internal/exprkey"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// Rule is one step of a custom scheme: clients for whom When holds go to
// Segment. When is a dsl condition over the scheme's environment type.
type Rule struct {
	Segment Segment `json:"segment"`
	When    string  `json:"when"`
}

// Custom is a compiled custom scheme over environment type Env: its rules in
// order, first match wins, and a default that makes it total. It is
// immutable and safe for concurrent use by multiple goroutines.
type Custom[Env any] struct {
	rules []compiledRule[Env]
	def   Segment
}

type compiledRule[Env any] struct {
	segment Segment
	when    condition[Env]
}

// ErrNoDefault is returned for a custom scheme without a default segment
// (an empty or blank name).
var ErrNoDefault = errors.New("segment: a custom scheme needs a default segment")

// ErrNoSegment is the cause of the error for a rule without a segment name
// (an empty or blank one).
var ErrNoSegment = errors.New("segment: a rule needs a segment name")

// ErrBadSegmentName is the cause of the error for a rule's or the default
// segment's name that is not UTF-8 text, as a client id must be
// ([ErrBadID]): JSON writes every such name alike.
var ErrBadSegmentName = errors.New("segment: a segment name must be UTF-8 text")

// ErrUnreachable is the cause of the error for a rule that can never be
// chosen: its condition is always false, or earlier rules catch every
// client it would.
var ErrUnreachable = errors.New("segment: unreachable rule")

// NewCustom compiles a custom scheme. The checks, each reported (all at
// once, with errors.Join):
//
//   - the default must be named ([ErrNoDefault]; nothing else is checked
//     without one) and so must every rule's segment ([ErrNoSegment]);
//   - every condition is type-checked against Env: errors are *dsl.Error
//     values naming the rule by its segment and position;
//   - no rule may be unreachable ([ErrUnreachable]). A condition that reads
//     no field and calls no function is a constant, evaluated here: a rule
//     whose condition is always false is never chosen, and no rule after
//     an always-true one is (so `(true)`, `1 == 1` and `!false` end a
//     scheme as `true` does). Among the other conditions, the dsl's
//     analysis of comparisons with constants finds rules that earlier
//     ones always pre-empt. A constant condition whose evaluation fails
//     (`1 % 0 == 0`) fails for every client, so neither its rule nor any
//     after it is ever chosen: an ErrUnreachable that wraps the failure.
//
// opts go to the dsl compiler.
func NewCustom[Env any](rules []Rule, def Segment, opts ...dsl.Option) (*Custom[Env], error) {
	if strings.TrimSpace(string(def)) == "" {
		return nil, ErrNoDefault
	}
	if !utf8.ValidString(string(def)) {
		// JSON would write it, and another name, as U+FFFD: two
		// segments would read back as one.
		return nil, fmt.Errorf("%w: the default segment %q", ErrBadSegmentName, def)
	}
	c := &Custom[Env]{def: def}
	var errs []error
	compiled := make([]*condition[Env], len(rules)) // nil where a rule does not compile
	for i, r := range rules {
		if strings.TrimSpace(string(r.Segment)) == "" {
			errs = append(errs, fmt.Errorf("%w: rule %d", ErrNoSegment, i+1))
		} else if !utf8.ValidString(string(r.Segment)) {
			errs = append(errs, fmt.Errorf("%w: rule %d's %q", ErrBadSegmentName, i+1, r.Segment))
		}
		// A copy of opts: appending to the caller's slice would write
		// into its spare capacity, which another compile may share.
		cond, err := compileCondition[Env](r.When, append(opts[:len(opts):len(opts)], dsl.WithID(fmt.Sprintf("%s (rule %d)", r.Segment, i+1))))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		compiled[i] = &cond
		c.rules = append(c.rules, compiledRule[Env]{segment: r.Segment, when: cond})
	}
	errs = append(errs, unreachable(rules, compiled, dsl.Consts(opts...))...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// unreachable finds the rules that can never be chosen: constant
// conditions decide themselves and what follows them; the rest are read
// by the rule-file analysis as the branches of a decision tree, each
// branch linked to its rule by index.
func unreachable[Env any](rules []Rule, compiled []*condition[Env], consts map[string]any) []error {
	var errs []error
	// The scheme is read as one rule's branches; its id names nothing a
	// condition reads (a field called scheme was taken for the rule's own
	// result, and a rule that can be chosen refused).
	id := "scheme"
	for n := 1; slices.ContainsFunc(rules, func(r Rule) bool { return strings.Contains(r.When, id) }); n++ {
		id = fmt.Sprintf("scheme%d", n)
	}
	f := &rulefile.File{Name: "scheme", Rules: []*rulefile.Rule{{ID: id}}}
	// The host's constants, as the file's: the analysis then reads
	// `age >= Retire` as the comparison with a constant it is (it took
	// Retire for a field, and missed the rules it pre-empts).
	for _, name := range slices.Sorted(maps.Keys(consts)) {
		if lit, ok := literal(consts[name]); ok {
			f.Consts = append(f.Consts, &rulefile.Const{Name: name, Value: rulefile.Expr{Src: lit}})
		}
	}
	var ruleOf []int // ruleOf[b] is the index of the rule of branch b+1, -1 for none
	// The analysis reads every field as any value; what the Go type rules
	// out, a first branch of no rule says: it catches those values, so
	// that `products >= 0` over an unsigned field, or `on == true` then
	// `on == false` over a bool, is seen to catch every client the rules
	// after it would. Each such branch holds for no client and never
	// fails (a comparison of nil with a number would fail the scheme).
	assume := func(src string) {
		f.Rules[0].Body.Branches = append(f.Rules[0].Body.Branches, &rulefile.Branch{Cond: &rulefile.Expr{Src: src}})
		ruleOf = append(ruleOf, -1)
	}
	for _, path := range typedReads[Env](compiled, isUnsigned) {
		assume(path + " < 0")
	}
	// A sized integer holds nothing past its width: level <= 127 over an
	// int8 catches every client (64-bit ones reach past what a float64
	// holds exactly, and are left to the analysis).
	for _, w := range sizedIntegers {
		for _, path := range typedReads[Env](compiled, func(t reflect.Type) bool { return t.Kind() == w.kind }) {
			assume(fmt.Sprintf("%s < %d || %s > %d", path, w.min, path, w.max))
		}
	}
	// Between two integers an int field holds nothing: for each number
	// the scheme compares with, the spans (k, k+1) beside it, where the
	// analysis would take a value such as 5.5 (age >= 6 then age > 5).
	if ints := typedReads[Env](compiled, isInteger); len(ints) > 0 {
		spans := integerSpans(rules, compiled, consts)
		if len(ints)*len(spans) <= maxIntegerSpans {
			for _, path := range ints {
				for _, k := range spans {
					assume(fmt.Sprintf("%s > %s && %s < %s", path, floatLiteral(k), path, floatLiteral(k+1)))
				}
			}
		}
	}
	for _, path := range typedReads[Env](compiled, isBool) {
		assume(path + " != true && " + path + " != false")
	}
rules:
	for i, r := range rules {
		v, constant, fails := false, false, error(nil)
		if compiled[i] != nil {
			v, constant, fails = compiled[i].constant()
		}
		switch {
		case fails != nil:
			// Assign stops at a failing rule: neither it nor any rule
			// after it is ever chosen.
			errs = append(errs, fmt.Errorf("%w: rule %d (%s): its condition fails for every client: %w", ErrUnreachable, i+1, r.Segment, fails))
			for j := i + 1; j < len(rules); j++ {
				errs = append(errs, fmt.Errorf("%w: rule %d (%s) follows a rule that always fails", ErrUnreachable, j+1, rules[j].Segment))
			}
			break rules
		case constant && !v:
			errs = append(errs, fmt.Errorf("%w: rule %d (%s): its condition is always false", ErrUnreachable, i+1, r.Segment))
			continue
		case constant:
			for j := i + 1; j < len(rules); j++ {
				errs = append(errs, fmt.Errorf("%w: rule %d (%s) follows an always-true rule", ErrUnreachable, j+1, rules[j].Segment))
			}
		}
		if compiled[i] == nil {
			// Refused already: the analysis reads only what compiled,
			// which the dsl bounded (a rule of a million !s overflowed
			// the stack in the analysis's parse). Without it, later
			// rules can only seem more reachable, never less.
			continue
		}
		f.Rules[0].Body.Branches = append(f.Rules[0].Body.Branches, &rulefile.Branch{Cond: &rulefile.Expr{Src: r.When}})
		ruleOf = append(ruleOf, i)
		if constant {
			break
		}
	}
	for _, finding := range rulefile.Analyze(f) {
		if finding.Code != "unreachable-branch" || len(finding.Related) == 0 {
			continue
		}
		var n int
		if _, err := fmt.Sscanf(finding.Related[0], "branch %d", &n); err == nil && n >= 1 && n <= len(ruleOf) && ruleOf[n-1] >= 0 {
			i := ruleOf[n-1]
			errs = append(errs, fmt.Errorf("%w: rule %d (%s): earlier rules catch every client it would", ErrUnreachable, i+1, rules[i].Segment))
		}
	}
	return errs
}

// typedReads lists the fields the compiled rules read whose type is of
// kind, sorted: those reached from the environment through struct fields
// alone, which a rule reads without a nil on the way (through a nil
// pointer the analysis reads nil, which the branch must not compare).
func typedReads[Env any](compiled []*condition[Env], kind func(reflect.Type) bool) []string {
	seen := map[string]bool{}
	for _, c := range compiled {
		if c == nil {
			continue
		}
		for _, path := range c.when.Reads() {
			if t, ok := fieldType(reflect.TypeFor[Env](), path); ok && kind(t) {
				seen[path] = true
			}
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

func isUnsigned(t reflect.Type) bool { return t.Kind() >= reflect.Uint && t.Kind() <= reflect.Uintptr }

func isBool(t reflect.Type) bool { return t.Kind() == reflect.Bool }

func isInteger(t reflect.Type) bool { return t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64 }

// maxIntegerSpans bounds the branches integerSpans adds for a scheme:
// past it, the analysis reads int fields as any number, as it did.
const maxIntegerSpans = 512

// integerSpans lists the k, sorted, of the spans (k, k+1) that hold a
// number the rules or the constants write (between two integers), or end
// at one: every class of values the analysis takes between the numbers
// a field is compared with lies in one of them when it holds no integer.
// Numbers past 2^53 are integers already. Only the rules that compiled
// are read.
func integerSpans[Env any](rules []Rule, compiled []*condition[Env], consts map[string]any) []float64 {
	seen := map[float64]bool{}
	add := func(c float64) {
		if math.IsNaN(c) || math.IsInf(c, 0) || math.Abs(c) >= 1<<53 {
			return
		}
		seen[math.Floor(c)] = true
		seen[math.Ceil(c)-1] = true
	}
	for i, r := range rules {
		if compiled[i] == nil {
			continue // refused: only what the dsl bounded is parsed again
		}
		tree, err := parser.Parse(r.When)
		if err != nil {
			continue
		}
		var walk func(n ast.Node)
		walk = func(n ast.Node) {
			switch x := n.(type) {
			case *ast.IntegerNode:
				add(float64(x.Value))
			case *ast.FloatNode:
				add(x.Value)
			}
			for _, c := range exprkey.Children(n) {
				if *c != nil {
					walk(*c)
				}
			}
		}
		walk(tree.Node)
	}
	for _, v := range consts {
		if rv := reflect.ValueOf(v); rv.IsValid() && (rv.CanInt() || rv.CanUint() || rv.CanFloat()) {
			add(rv.Convert(reflect.TypeFor[float64]()).Float())
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// floatLiteral writes k as a float literal of the rules ("5.0").
func floatLiteral(k float64) string {
	s := strconv.FormatFloat(k, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// fieldType is the type of the field a rule reads as path (dotted names,
// by `expr` tag or Go name) in t, a struct or a pointer to one: false
// where path leads through anything but struct fields (a pointer, a map,
// an interface), or is not a field.
func fieldType(t reflect.Type, path string) (reflect.Type, bool) {
	if t.Kind() == reflect.Pointer {
		t = t.Elem() // the environment itself, never nil when a rule runs
	}
	for name := range strings.SplitSeq(path, ".") {
		if t.Kind() != reflect.Struct {
			return nil, false
		}
		// The field the dsl reads for the name (exported fields first,
		// then promoted ones, depth first): reflect's FieldByNameFunc
		// takes the shallowest and counts unexported fields, another
		// field where an embedded struct holds one of the name too.
		f, ok := envfield.Lookup(t, name)
		if !ok || len(f.Index) > 1 && embeddedPointer(t, f.Index) {
			return nil, false
		}
		t = f.Type
	}
	return t, true
}

// embeddedPointer reports whether the field at index in t is promoted
// through an embedded pointer (nil, possibly).
func embeddedPointer(t reflect.Type, index []int) bool {
	for _, i := range index[:len(index)-1] {
		f := t.Field(i)
		if f.Type.Kind() == reflect.Pointer {
			return true
		}
		t = f.Type
	}
	return false
}

// literal writes a constant as the rule-file literal of its value: a
// number, string or bool; false for any other (a time, a NaN), which the
// analysis then reads as unknown.
func literal(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		if !utf8.ValidString(x) {
			return "", false // Quote writes \xff, which the analysis reads as U+00FF
		}
		return strconv.Quote(x), true
	case bool:
		return strconv.FormatBool(x), true
	case time.Time, time.Duration:
		return "", false
	}
	rv := reflect.ValueOf(v)
	switch {
	case rv.CanInt():
		return strconv.FormatInt(rv.Int(), 10), true
	case rv.CanUint():
		return strconv.FormatUint(rv.Uint(), 10), true
	case rv.CanFloat() && !math.IsNaN(rv.Float()) && !math.IsInf(rv.Float(), 0):
		bits := 64
		if rv.Kind() == reflect.Float32 {
			bits = 32 // the decimal a float32 holds, as the dsl reads it: 0.1, not 0.10000000149011612
		}
		s := strconv.FormatFloat(rv.Float(), 'g', -1, bits)
		if !strings.ContainsAny(s, ".e") {
			s += ".0" // a float, as the value is
		}
		return s, true
	}
	return "", false
}

// Assign puts one environment's client in the first segment whose rule
// holds, or the default. A rule that fails to evaluate is an error, and so
// is a rule that cannot be decided because a float field it reads is NaN,
// whether it would hold or not (the error wraps dsl.ErrNaN): the scheme
// does not fall through to a later segment, or the default, on bad data.
// An empty clientID is an error wrapping [ErrNoID], one that is not
// UTF-8 [ErrBadID]; a scheme NewCustom did not make (a zero one) has no
// default, and every client is an error wrapping [ErrNoDefault].
func (c *Custom[Env]) Assign(clientID string, env Env, now time.Time) (Assignment, error) {
	if err := checkID(clientID); err != nil {
		return Assignment{}, err
	}
	if c == nil || c.def == "" {
		// A zero scheme, made by no NewCustom: it has no default to
		// assign, as NewCustom would have said.
		return Assignment{ClientID: clientID}, &ClientError{ClientID: clientID, Field: "scheme", Err: ErrNoDefault}
	}
	for i, r := range c.rules {
		ok, err := r.when.eval(env, now)
		if err != nil {
			return Assignment{ClientID: clientID}, &ClientError{ClientID: clientID, Field: fmt.Sprintf("rule %d", i+1), Err: err}
		}
		if ok {
			return Assignment{ClientID: clientID, Segment: r.segment, Reason: fmt.Sprintf("rule %d: %s", i+1, r.when.when.Source())}, nil
		}
	}
	return Assignment{ClientID: clientID, Segment: c.def, Reason: "no rule holds: default"}, nil
}

// sizedIntegers are the integer kinds narrower than 64 bits, with the
// values they hold.
var sizedIntegers = []struct {
	kind     reflect.Kind
	min, max int64
}{
	{reflect.Int8, math.MinInt8, math.MaxInt8}, {reflect.Int16, math.MinInt16, math.MaxInt16}, {reflect.Int32, math.MinInt32, math.MaxInt32},
	{reflect.Uint8, 0, math.MaxUint8}, {reflect.Uint16, 0, math.MaxUint16}, {reflect.Uint32, 0, math.MaxUint32},
}
