package rulefile

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/engagekit/engagekit/internal/exprkey"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// This file reads conditions (when, branch) and table inputs as formulas
// over atoms. An atom is what a condition depends on: a value (a field
// path, a let, any other expression) compared with literals or, written
// alone, deciding by being true or false; or a condition that does not
// parse, which may be true, false or fail. Expressions of the same
// structure (exprkey) in the same scope are the same atom (the rules'
// functions are pure: the compiler shares their results too), and
// distinct atoms are taken to vary independently, but for the reads of
// one decision, which the grid takes together (see gridAxis). That
// over-approximates what inputs can do, so a claim that something holds
// for every input is
// exact; a claim that some input exists comes with the witness.

// tri is a condition's outcome: false, true, or an evaluation error (a
// nil or a value of the wrong kind in an ordering comparison), which stops
// the rule.
type tri uint8

const (
	triFalse tri = iota
	triTrue
	triFail
)

// atom is one thing the conditions and inputs of a rule depend on.
type atom struct {
	key  string // identity: the same key has the same value in one evaluation
	text string // as written, for witnesses
	// chain is a field path a host sets directly (not a let, not a call).
	chain bool
	// boolean is a condition that does not parse: true, false or
	// failing.
	boolean bool
	lits    []value
	bools   bool // compared with true or false
	nilTest bool // compared with nil
	// domain, when set, is every value the atom can hold: a read of a
	// decision whose statements are literals (see decisionDomains).
	domain []value
	// decision and name say which read of a decision the atom is
	// (decision "" for none): a condition's comparison of an output
	// fails on nil, and the reads of one decision vary together.
	decision, name string
	// leaves are the decision's ways of deciding (see decisionLeaf); nil
	// when only fired can be read.
	leaves []decisionLeaf
	// unread is a constant the analysis cannot read (see constant).
	unread bool
	// mayFail is a value whose read may fail: a path below another
	// (through a nil pointer, an index out of range), a let or any other
	// expression (a division by zero, a read through a nil inside it).
	// Its witnesses include a failing read.
	mayFail bool
	// nan is a value that may be NaN, or of another kind than its
	// literals (see atoms.mayBeNaN).
	nan bool
	// neverNil is an expression that gives no nil (arithmetic, a
	// comparison, x ?? 0): nil is no witness of it, where a table's gap
	// "at nil" was an input no data could give.
	neverNil bool
	// axis caches the witnesses for the literals and flags of its key:
	// a tree of n branches asks n questions over the same atoms.
	axis    []value
	axisKey [5]int
}

// atoms is the atom table of one question.
type atoms struct {
	list  []*atom
	byKey map[string]int
	work  *budget // shared by every question of one Analyze call
	// points caches the points of a decision's reads (see together),
	// nil for too many.
	points map[string][][]value
}

func newAtoms(work *budget) *atoms { return &atoms{byKey: map[string]int{}, work: work} }

func (as *atoms) get(key, text string, chain, boolean bool) int {
	if i, ok := as.byKey[key]; ok {
		return i
	}
	as.list = append(as.list, &atom{key: key, text: text, chain: chain, boolean: boolean})
	as.byKey[key] = len(as.list) - 1
	return len(as.list) - 1
}

// witnesses are the points of atom i's axis.
func (as *atoms) witnesses(i int) []value {
	a := as.list[i]
	if a.boolean {
		return []value{boolValue(true), boolValue(false), {kind: kindFailed}}
	}
	if a.domain != nil {
		return a.domain
	}
	// A condition's == and != with a bool literal answer for a non-bool
	// value as they do for nil, except against nil itself: only there does
	// a value of another kind (in an `any` field) need its own witness.
	key := [5]int{len(a.lits), b2i(a.bools), b2i(a.nilTest), b2i(a.mayFail), b2i(a.nan)}
	if a.axis == nil || a.axisKey != key {
		a.axis, a.axisKey = axis(a.lits, a.nan || a.bools && a.nilTest && hasBoth(a.lits)), key
		if a.neverNil {
			a.axis = slices.DeleteFunc(a.axis, func(v value) bool { return v.kind == kindNil })
		}
		if a.mayFail {
			a.axis = append(a.axis, value{kind: kindFailed})
		}
		if a.nan {
			a.axis = append(a.axis, value{kind: kindNaN})
		}
	}
	return a.axis
}

// mayBeNaN gives every value the conditions read a NaN witness and one
// of another kind than its literals: the analysis knows no types, so any
// value may be a float, or an any holding a string where numbers are
// compared. A comparison that sees NaN fails, but for one with the
// literal nil, which NaN is not (dsl's "NaN and nil"); a value of another
// kind is unequal to every literal and fails every ordering. A point
// where a value is either decides as a point where it is a number not
// among the literals does, or fails where the value is compared, so a
// claim that no input reaches something holds without such points; a
// claim that two conditions decide alike needs them, since which of the
// two fails there depends on how each compares its values (c == 1 ||
// b == 1 and b == 1 || c == 1 at b = 1, c = NaN; a != 1 && a != nil and
// a != 1 && (a < 1 || a > 1) at a = "").
func (as *atoms) mayBeNaN() {
	for _, a := range as.list {
		a.nan = !a.boolean && a.domain == nil && !a.unread
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// untypedOther reports whether atom i's value at a point is that witness
// of another kind beside true and false.
func (as *atoms) untypedOther(i int, v value) bool {
	a := as.list[i]
	return !a.boolean && a.bools && v.kind == kindOther
}

func hasBoth(lits []value) bool {
	var t, f bool
	for _, l := range lits {
		if l.kind == kindBool {
			t, f = t || l.b, f || !l.b
		}
	}
	return t && f
}

type condOp uint8

const (
	condConst condOp = iota
	condAnd
	condOr
	condNot
	condCompare
	condOpaque
)

// cond is a condition read as a formula.
type cond struct {
	op   condOp
	c    tri // condConst
	l, r *cond
	atom int    // condCompare, condOpaque
	cmp  string // condCompare
	lit  value  // condCompare
	// through are the field paths a condCompare's path is read through
	// (a and a.b for a.b.c): where one is nil, the read gives nil, as
	// through a nil map, or fails, as through a nil pointer (the path's
	// failing witness).
	through []int
	// decided is set on a comparison with a literal other than nil of a
	// decision's output (anything but fired), which the compiled rule
	// guards with __decided, or of an optional chain (q?.a), which its
	// nil guard reads: a nil there, the path's own or a nil parent's,
	// fails the rule rather than compare unequal.
	decided bool
	src     string // the condition as written, for messages
	n       int    // its size, once worked out
}

// eval decides the condition at a point as the compiled rule would: && and
// || short-circuit left to right, and an error stops the evaluation.
func (c *cond) eval(pt []value) tri {
	switch c.op {
	case condConst:
		return c.c
	case condAnd, condOr:
		l := c.l.eval(pt)
		switch {
		case l == triFail:
			return triFail
		case c.op == condAnd && l == triFalse, c.op == condOr && l == triTrue:
			return l
		}
		return c.r.eval(pt)
	case condNot:
		switch c.l.eval(pt) {
		case triTrue:
			return triFalse
		case triFalse:
			return triTrue
		}
		return triFail
	case condCompare:
		// The nil that fails a decided comparison is the one the rule
		// reads: the path's own, or a nil parent's (q?.a where q is nil,
		// whatever a's own point is).
		v := readThrough(pt, c.atom, c.through)
		if c.decided && v.kind == kindNil {
			return triFail
		}
		return compareInCondition(v, c.cmp, c.lit)
	case condOpaque:
		v := pt[c.atom]
		if v.kind != kindBool {
			return triFail
		}
		if v.b {
			return triTrue
		}
		return triFalse
	}
	return triFail
}

// compareInCondition is a comparison of the expression language: == and
// != of any two values (nil equals only nil, values of different kinds are
// unequal), orderings of two numbers or two strings, anything else fails.
func compareInCondition(v value, op string, lit value) tri {
	if v.kind == kindFailed {
		return triFail // the value's read failed
	}
	if v.kind == kindNaN {
		if lit.kind == kindNil && (op == "==" || op == "!=") {
			return triOf(op == "!=") // a NaN is a value, not nil
		}
		return triFail
	}
	if op == "==" || op == "!=" {
		eq := v.kind == lit.kind && (v.kind == kindNil || equalSame(v, lit))
		return triOf(eq == (op == "=="))
	}
	if v.kind != lit.kind || (v.kind != kindNumber && v.kind != kindString) {
		return triFail
	}
	return triOf(ordered(op, compareSame(v, lit)))
}

func ordered(op string, c int) bool {
	switch op {
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	}
	return false
}

func triOf(b bool) tri {
	if b {
		return triTrue
	}
	return triFalse
}

// size is the number of tests in the condition: the work of deciding it
// at one point.
func (c *cond) size() int {
	if c == nil {
		return 0
	}
	if c.n == 0 {
		c.n = 1 + c.l.size() + c.r.size()
	}
	return c.n
}

// atomsOf calls f with each atom the condition reads.
func (c *cond) atomsOf(f func(int)) {
	if c == nil {
		return
	}
	switch c.op {
	case condCompare, condOpaque:
		f(c.atom)
		for _, t := range c.through {
			f(t)
		}
	case condAnd, condOr, condNot:
		c.l.atomsOf(f)
		if c.r != nil {
			c.r.atomsOf(f)
		}
	}
}

// scope is what names mean where an expression is written: the lets in
// scope, each with a key that identifies its value.
type scope map[string]string

// with returns the scope extended by lets declared in order; consts are
// the file's constants, to which a let of a literal adds its value.
func (s scope) with(lets []*Let, consts map[string]constant) scope {
	if len(lets) == 0 {
		return s
	}
	out := scope{}
	for k, v := range s {
		out[k] = v
	}
	for _, l := range lets {
		out[l.Name] = out.letKey(l, consts)
		// The compiler puts the let's expression where it is used: an
		// optional chain's nil in it reaches a comparison of the let.
		tree, err := parser.Parse(l.Value.Src)
		if err == nil && carriesChain(tree.Node, out) {
			out[chainMarker+l.Name] = ""
		} else {
			delete(out, chainMarker+l.Name)
		}
		// A let of an expression that gives no nil gives none either:
		// its atom gets no nil witness, as the expression's own would.
		if err == nil && neverNil(tree.Node, consts, out) {
			out[neverNilMarker+l.Name] = ""
		} else {
			delete(out, neverNilMarker+l.Name)
		}
	}
	return out
}

// chainMarker prefixes, in a scope, the names of the lets whose value may
// be an optional chain's nil (no let's name has a NUL).
const chainMarker = "\x00chain "

// neverNilMarker prefixes, in a scope, the names of the lets whose value
// is never nil (see neverNil).
const neverNilMarker = "\x00never nil "

// letKey is the key of a let's value in scope s. The compiler puts a
// let's expression where it is used, so a let is the value it names: a
// let of a literal or a constant is that value (its key, under which
// consts learns it), a let of a field path is that path (`let s =
// x.score` and x.score are one value), a let of any other expression that
// expression as the analysis keys it (see opaque).
func (s scope) letKey(l *Let, consts map[string]constant) string {
	var deps []string
	for _, n := range identifiers(l.Value.Src) {
		if k, ok := s[n]; ok {
			deps = append(deps, k)
		}
	}
	sort.Strings(deps)
	fallback := "let " + l.Name + " = (" + l.Value.Src + ")[" + strings.Join(deps, ";") + "]"
	tree, err := parser.Parse(l.Value.Src)
	if err != nil {
		return fallback
	}
	if v, exact, ok := literalNode(tree.Node, consts, s); ok {
		// Keyed by the literal as the compiler holds it, not by the
		// number the analysis reads: 1 and 1.0, or 2^53 and 2^53+1, are
		// one number to it and two values to an expression it cannot
		// read (type(a), an int field compared with k).
		id := literalIdentity(tree.Node, consts, s)
		k := "literal " + id // no constant's name has a space
		consts[k] = constant{v: v, exact: exact, identity: id}
		return k
	}
	if root, rest, ok := chainOf(tree.Node); ok {
		if k, isLet := s[root]; isLet {
			// As valueAtom reads it: a let of a let is the value it
			// names (let z = y is y's atom, whatever y computes).
			return k + rest
		}
		if c, isConst := consts[root]; isConst && c.unread {
			return unreadKey + root + rest // a constant the analysis cannot read: one unknown value
		}
		return fieldKey + root + rest
	}
	if key, ok := exprkey.Key(tree.Node); ok {
		return "value " + key + "[" + strings.Join(deps, ";") + "]"
	}
	return fallback
}

// fieldKey begins the key of a field path's atom; unreadKey that of a
// constant the analysis cannot read (see constant).
const (
	fieldKey  = "field "
	unreadKey = "constant "
)

// constant is a file constant with a literal value, or (unread) one whose
// value the analysis cannot read (2 * 3, a call): one value in every
// evaluation, which it does not know.
type constant struct {
	v value
	// exact: as a condition's operand it compares exactly as a float64
	// would (a number below 2^53 in magnitude, or any other literal).
	exact  bool
	unread bool
	// identity is the value as the compiler holds it (literalIdentity).
	identity string
}

// fileConstants reads the constants whose value is a literal (or the name
// of an earlier such constant), as the compiler computes them.
func fileConstants(f *File) map[string]constant {
	m := map[string]constant{}
	for _, c := range f.Consts {
		if _, dup := m[c.Name]; dup {
			continue
		}
		tree, err := parser.Parse(c.Value.Src)
		if err != nil {
			m[c.Name] = constant{unread: true}
			continue
		}
		if v, exact, ok := literalNode(tree.Node, m, nil); ok && v.kind != kindNil {
			m[c.Name] = constant{v: v, exact: exact, identity: literalIdentity(tree.Node, m, nil)}
		} else {
			m[c.Name] = constant{unread: true}
		}
	}
	return m
}

// maxExact is 2^53: an integer of at least this magnitude may compare
// differently as an int than as a float64.
const maxExact = 1 << 53

// literalNode reads a literal: a number, string, bool, nil, a negated
// number, or a constant's name not hidden by a let.
func literalNode(n ast.Node, consts map[string]constant, sc scope) (value, bool, bool) {
	switch m := n.(type) {
	case *ast.IntegerNode:
		return numberValue(float64(m.Value)), m.Value > -maxExact && m.Value < maxExact, true
	case *ast.FloatNode:
		return numberValue(m.Value), math.Abs(m.Value) < maxExact, true
	case *ast.StringNode:
		return stringValue(m.Value), true, true
	case *ast.BoolNode:
		return boolValue(m.Value), true, true
	case *ast.NilNode:
		return nilValue, true, true
	case *ast.UnaryNode:
		if m.Operator == "-" {
			if v, exact, ok := literalNode(m.Node, consts, sc); ok && v.kind == kindNumber {
				return numberValue(-v.num), exact, true
			}
		}
	case *ast.IdentifierNode:
		key, isLet := sc[m.Value]
		if !isLet {
			key = m.Value
		}
		// A constant's name, or a let of a literal, whose key is the
		// literal's (see letKey).
		if c, ok := consts[key]; ok && !c.unread {
			return c.v, c.exact, true
		}
	}
	return value{}, false, false
}

// floatIdentity is a float's identity: its bits, 0 for -0.
func floatIdentity(f float64) string {
	if f == 0 {
		f = 0
	}
	return "float " + strconv.FormatUint(math.Float64bits(f), 16)
}

// foldIdentity is the identity of op applied to the literal of identity
// id: a number negated or kept, a bool negated; where it does not fold,
// the operator around the operand's identity, a key of its own.
func foldIdentity(op, id string) string {
	unfolded := op + "(" + id + ")"
	kind, val, ok := strings.Cut(id, " ")
	if !ok || id == "" {
		return unfolded
	}
	switch {
	case op == "+" && (kind == "int" || kind == "float"):
		return id
	case op == "-" && kind == "int":
		n, err := strconv.Atoi(val)
		if err != nil || n == math.MinInt {
			return unfolded // -MinInt does not fold to an int
		}
		return "int " + strconv.Itoa(-n)
	case op == "-" && kind == "float":
		bits, err := strconv.ParseUint(val, 16, 64)
		if err != nil {
			return unfolded
		}
		return floatIdentity(-math.Float64frombits(bits))
	case (op == "!" || op == "not") && kind == "bool":
		return "bool " + strconv.FormatBool(val != "true")
	}
	return unfolded
}

// literalIdentity writes a literal that literalNode reads as the
// compiler holds it: its type and exact value (an int as its digits, a
// float as its bits), so that values the compiler keeps apart have keys
// apart.
func literalIdentity(n ast.Node, consts map[string]constant, sc scope) string {
	switch m := n.(type) {
	case *ast.IntegerNode:
		return "int " + strconv.Itoa(m.Value)
	case *ast.FloatNode:
		return floatIdentity(m.Value)
	case *ast.StringNode:
		return "string " + strconv.Quote(m.Value)
	case *ast.BoolNode:
		return "bool " + strconv.FormatBool(m.Value)
	case *ast.NilNode:
		return "nil"
	case *ast.UnaryNode:
		// Folded as the compiler folds it: -0, --1 and 0, 1 are one
		// value each (a float's -0 is 0: they compare equal).
		return foldIdentity(m.Operator, literalIdentity(m.Node, consts, sc))
	case *ast.IdentifierNode:
		key, isLet := sc[m.Value]
		if !isLet {
			key = m.Value
		}
		return consts[key].identity
	}
	return ""
}

// reader turns the conditions and inputs of one rule into formulas over
// one atom table.
type reader struct {
	as     *atoms
	consts map[string]constant
	// domains are the values reads of the file's decisions can hold
	// (see decisionDomains).
	domains decisionDomains
}

// condition reads src in scope sc. What it cannot parse is one opaque atom.
func (rd *reader) condition(src string, sc scope) *cond {
	tree, err := parser.Parse(src)
	if err != nil {
		return &cond{op: condOpaque, atom: rd.as.get("unparsed "+src, src, false, true), src: src}
	}
	c := rd.node(tree.Node, sc)
	c.src = src
	return c
}

func (rd *reader) node(n ast.Node, sc scope) *cond {
	switch m := n.(type) {
	case *ast.BoolNode:
		return &cond{op: condConst, c: triOf(m.Value)}
	case *ast.UnaryNode:
		if m.Operator == "!" || m.Operator == "not" {
			return &cond{op: condNot, l: rd.node(m.Node, sc)}
		}
	case *ast.BinaryNode:
		switch m.Operator {
		case "&&", "and":
			return &cond{op: condAnd, l: rd.node(m.Left, sc), r: rd.node(m.Right, sc)}
		case "||", "or":
			return &cond{op: condOr, l: rd.node(m.Left, sc), r: rd.node(m.Right, sc)}
		}
		if c, ok := rd.conditionVersusBool(m, sc); ok {
			return c
		}
		if c, ok := rd.comparison(m, sc); ok {
			return c
		}
	}
	// Any other expression is a value that decides by being true or
	// false (a nil or another kind fails, as in the compiled rule): the
	// atom of that value, which a table input or a comparison of the same
	// expression reads too (`when x.flag` and `in x.flag` are one value).
	i := rd.valueAtom(n, sc)
	a := rd.as.list[i]
	a.bools = true
	a.lits = append(a.lits, boolValue(true))
	return &cond{op: condOpaque, atom: i}
}

// conditionVersusBool reads a condition compared with true or false,
// `(x.score > 1) == true`, as the condition or its negation: a comparison
// or a logical expression is true, false or fails, and == true is then
// the same. (A value compared with true, `x.flag == true`, is not: a nil
// there is false, not a failure; comparison reads it.)
func (rd *reader) conditionVersusBool(bn *ast.BinaryNode, sc scope) (*cond, bool) {
	if bn.Operator != "==" && bn.Operator != "!=" {
		return nil, false
	}
	side, other := bn.Left, bn.Right
	lit, _, found := literalNode(other, rd.consts, sc)
	if !found || lit.kind != kindBool {
		side, other = bn.Right, bn.Left
		if lit, _, found = literalNode(other, rd.consts, sc); !found || lit.kind != kindBool {
			return nil, false
		}
	}
	if !isCondition(side) {
		return nil, false
	}
	c := rd.node(side, sc)
	if lit.b == (bn.Operator == "==") {
		return c, true
	}
	return &cond{op: condNot, l: c}, true
}

// isCondition reports whether n is a comparison, a logical expression or
// a negation: a bool when it does not fail.
func isCondition(n ast.Node) bool {
	switch m := n.(type) {
	case *ast.UnaryNode:
		return m.Operator == "!" || m.Operator == "not"
	case *ast.BinaryNode:
		switch m.Operator {
		case "&&", "and", "||", "or", "==", "!=", "<", "<=", ">", ">=":
			return true
		}
	}
	return false
}

var flipped = map[string]string{"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}

// comparison reads `value op literal` or `literal op value`, where the
// literal compares exactly as the compiled rule compares it.
func (rd *reader) comparison(bn *ast.BinaryNode, sc scope) (*cond, bool) {
	op, ok := flipped[bn.Operator]
	if !ok {
		return nil, false
	}
	side, lit, exact, found := bn.Left, value{}, false, false
	if lit, exact, found = literalNode(bn.Right, rd.consts, sc); found {
		op = bn.Operator
	} else if lit, exact, found = literalNode(bn.Left, rd.consts, sc); found {
		side = bn.Right
	}
	if !found || !exact {
		return nil, false
	}
	if other, otherExact, both := literalNode(side, rd.consts, sc); both {
		// Two literals (a let of one, a constant): a condition that is
		// what the comparison of the two is, as compiled (read as an
		// opaque part, `lim > 5` with lim = 3 was taken to be true).
		if !otherExact {
			return nil, false
		}
		return &cond{op: condConst, c: compareInCondition(other, op, lit)}, true
	}
	if op != "==" && op != "!=" && lit.kind != kindNumber && lit.kind != kindString {
		return nil, false
	}
	i := rd.valueAtom(side, sc)
	a := rd.as.list[i]
	switch lit.kind {
	case kindNil:
		a.nilTest = true
	case kindBool:
		a.bools = true
		a.lits = append(a.lits, lit)
	default:
		a.lits = append(a.lits, lit)
	}
	// The compiled rule fails, rather than compare, on a nil a decision's
	// output or an optional chain (q?.a where q is nil) gives, unless the
	// comparison is with nil itself.
	decided := lit.kind != kindNil && (a.decision != "" && a.name != "fired" || carriesChain(side, sc))
	return &cond{op: condCompare, atom: i, cmp: op, lit: lit, decided: decided, through: rd.through(i)}, true
}

// readThrough is the value of field path atom at pt, read through the
// paths above it (see cond.through): where one is nil, the read gives nil,
// as through a nil map, or fails, as through a nil pointer (the path's
// own failing witness: the types are unknown here, so both are taken).
// Conditions and a table's inputs read paths alike.
func readThrough(pt []value, atom int, through []int) value {
	v := pt[atom]
	for _, t := range through {
		if pt[t].kind == kindNil && v.kind != kindFailed {
			v = nilValue
		}
	}
	return v
}

// carriesChain reports whether the nil of an optional chain (a?.b) in n
// may be n's value, as the compiler reads it (dsl's nil guard): through
// ?? and + and any part but a comparison or arithmetic, which fail on a
// nil or are guarded themselves, and a predicate's own scope; through a
// let in scope sc whose value carries one.
func carriesChain(n ast.Node, sc scope) bool {
	switch m := n.(type) {
	case nil:
		return false
	case *ast.ChainNode:
		return true
	case *ast.IdentifierNode:
		_, chained := sc[chainMarker+m.Value] // a let of one
		return chained
	case *ast.PredicateNode, *ast.VariableDeclaratorNode:
		return false
	case *ast.BinaryNode:
		if m.Operator != "??" && m.Operator != "+" {
			return false
		}
	}
	for _, c := range exprkey.Children(n) {
		if carriesChain(*c, sc) {
			return true
		}
	}
	return false
}

// valueAtom is the atom of a value expression: a field path, a path from
// a let, or any other expression by its text.
func (rd *reader) valueAtom(n ast.Node, sc scope) int {
	if v, _, ok := literalNode(n, rd.consts, sc); ok {
		// A literal or a constant (`in On`): one value, never another,
		// keyed as the compiler holds it (see letKey).
		i := rd.as.get("literal "+literalIdentity(n, rd.consts, sc), n.String(), false, false)
		rd.as.list[i].domain = []value{v}
		return i
	}
	if root, rest, ok := chainOf(n); ok {
		if k, isLet := sc[root]; isLet {
			if path, alias := strings.CutPrefix(k, fieldKey); alias {
				// A let naming a field path is the path.
				r, p := splitPath(path)
				return rd.fieldAtom(r, p+rest)
			}
			i := rd.as.get(k+rest, root+rest, false, false)
			if strings.HasPrefix(k, unreadKey) {
				rd.as.list[i].unread = true // a let of a constant the analysis cannot read
			}
			if _, never := sc[neverNilMarker+root]; never && rest == "" {
				rd.as.list[i].neverNil = true
			}
			return i
		}
		c, isConst := rd.consts[root]
		if !isConst {
			return rd.fieldAtom(root, rest)
		}
		if c.unread {
			// One value the analysis does not know, not a field that
			// varies: what a table does with it is unknown.
			i := rd.as.get(unreadKey+root+rest, root+rest, false, false)
			rd.as.list[i].unread = true
			return i
		}
	}
	return rd.opaque(n, sc)
}

// through lists the field paths atom i is read through when it is a
// field path below another (pitem and pitem.a for pitem.a.name), each
// tested for nil (see cond.through); a decision's outputs are read
// through no nil. It marks an atom whose read may fail (see
// atom.mayFail): a path below another, a let, any other expression.
func (rd *reader) through(i int) []int {
	a := rd.as.list[i]
	switch {
	case a.domain != nil || a.decision != "":
		return nil // one value, or a decision's output: read as it is
	case !a.chain:
		a.mayFail = !a.unread // a let or an expression; an unread constant is one value
		return nil
	}
	// Below another path, a read may fail: through a nil pointer, or an
	// index out of range.
	a.mayFail = strings.ContainsAny(a.text, ".[")
	var out []int
	for k := 1; k < len(a.text); k++ {
		if c := a.text[k]; c != '.' && c != '[' {
			continue
		}
		root, rest := splitPath(a.text[:k])
		if _, isDecision := rd.domains.reads[root+".fired"]; isDecision {
			return nil // a decision is never nil
		}
		j := rd.fieldAtom(root, rest)
		if rd.as.list[j].domain == nil {
			rd.as.list[j].nilTest = true
			out = append(out, j)
		}
	}
	if len(out) > 0 {
		// Read through a nil parent the path is nil itself: the point
		// where both are nil is the only one with a nil parent that an
		// input gives (realizable), so the path's values hold nil.
		a.nilTest = true
	}
	return out
}

// fieldAtom is the atom of the field path root+rest.
func (rd *reader) fieldAtom(root, rest string) int {
	i := rd.as.get(fieldKey+root+rest, root+rest, true, false)
	a := rd.as.list[i]
	if dom, ok := rd.domains.reads[root+rest]; ok {
		a.domain = dom
	}
	// Every decision has fired: a root with it is a decision's id (the
	// compiler refuses a field of the same name).
	if _, isDecision := rd.domains.reads[root+".fired"]; isDecision && strings.Count(rest, ".") == 1 && !strings.Contains(rest, "[") {
		a.decision, a.name, a.leaves = root, rest[1:], rd.domains.leaves[root]
	}
	return i
}

// splitPath splits a path as chainOf wrote it into its root and the rest.
func splitPath(path string) (string, string) {
	if i := strings.IndexAny(path, ".["); i >= 0 {
		return path[:i], path[i:]
	}
	return path, ""
}

// opaque is the atom of an expression read as a whole, keyed by its
// structure (exprkey: expr's printer prints x * 2 and x * 2.0 alike, which
// an int and a float product are not) and the lets it uses. One the key
// cannot spell out is an atom of its own.
func (rd *reader) opaque(n ast.Node, sc scope) int {
	text := n.String()
	structure, ok := exprkey.Key(n)
	if !ok {
		structure = "unkeyed " + strconv.Itoa(len(rd.as.list))
	}
	var deps []string
	freeNames(n, map[string]int{}, func(name string) {
		if k, isLet := sc[name]; isLet {
			deps = append(deps, k)
		}
	})
	sort.Strings(deps)
	i := rd.as.get("value "+structure+"["+strings.Join(deps, ";")+"]", text, false, false)
	if neverNil(n, rd.consts, sc) {
		rd.as.list[i].neverNil = true // (the same atom read through a let may have said so first)
	}
	return i
}

// neverNil reports whether the expression n gives a value whenever it
// gives one at all: what arithmetic, a comparison, a logical or a
// membership operator gives (each fails on a nil operand rather than
// give nil), x ?? y where y gives no nil, a conditional both of whose
// sides give none, a literal other than nil, a let of any of these.
// Anything else (a field, a call, an index) may be nil.
func neverNil(n ast.Node, consts map[string]constant, sc scope) bool {
	switch m := n.(type) {
	case *ast.IdentifierNode:
		// A let of such an expression (see scope.with).
		_, never := sc[neverNilMarker+m.Value]
		return never
	case *ast.BinaryNode:
		switch m.Operator {
		case "??":
			return neverNil(m.Right, consts, sc)
		case "+", "-", "*", "/", "%", "**", "^", "==", "!=", "<", "<=", ">", ">=",
			"&&", "||", "and", "or", "in", "not in", "matches", "contains", "startsWith", "endsWith", "..":
			return true
		}
	case *ast.UnaryNode:
		return m.Operator == "-" || m.Operator == "+" || m.Operator == "!" || m.Operator == "not"
	case *ast.ConditionalNode:
		return neverNil(m.Exp1, consts, sc) && neverNil(m.Exp2, consts, sc)
	}
	v, _, ok := literalNode(n, consts, sc)
	return ok && v.kind != kindNil
}

// input reads a table input as a value atom.
func (rd *reader) input(src string, sc scope) int {
	tree, err := parser.Parse(src)
	if err != nil {
		return rd.as.get("unparsed "+src, src, false, false)
	}
	return rd.valueAtom(tree.Node, sc)
}

// chainOf splits a field path into its root name and the rest (".a.b").
// An optional chain (q?.a) is the path it reads (q.a): its value is that
// path's where q is set, and nil where q is nil, as readThrough reads a
// path through a nil parent; that such a nil fails a comparison is the
// comparison's (carriesChain).
func chainOf(n ast.Node) (string, string, bool) {
	switch m := n.(type) {
	case *ast.ChainNode:
		return chainOf(m.Node)
	case *ast.IdentifierNode:
		return m.Value, "", true
	case *ast.MemberNode:
		s, ok := m.Property.(*ast.StringNode)
		if !ok || m.Method {
			return "", "", false
		}
		root, rest, ok := chainOf(m.Node)
		return root, rest + pathSegment(s.Value), ok
	}
	return "", "", false
}

// pathSegment writes a member's name in a path: ".name" for a name, and
// `["k.z"]` for a key that is not one, so that x.m["k.z"] (the entry
// named k.z) and x.m.k.z (entry z of entry k) are two paths.
func pathSegment(name string) string {
	ident := name != ""
	for i, r := range name {
		if !(r == '_' || unicode.IsLetter(r) || i > 0 && unicode.IsDigit(r)) {
			ident = false
			break
		}
	}
	if ident {
		return "." + name
	}
	return "[" + strconv.Quote(name) + "]"
}

// identifiers lists the names an expression reads from outside it (not
// member names, nor the names its own `let x = …; …` binds where they are
// bound: there x is the expression's, hiding a rule's let or a constant).
func identifiers(src string) []string {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil
	}
	var out []string
	freeNames(tree.Node, map[string]int{}, func(name string) { out = append(out, name) })
	return out
}

// memberRoots lists the names src reads a member of (d in d.fired, d?.x,
// d["band"]): the decisions it may read, which a call of a function
// named like one (clamp(1, 0, 2)) is not.
func memberRoots(src string) []string {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil
	}
	var out []string
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		if n == nil {
			return
		}
		if m, ok := n.(*ast.MemberNode); ok {
			if id, ok := m.Node.(*ast.IdentifierNode); ok {
				out = append(out, id.Value)
			}
		}
		for _, c := range exprkey.Children(n) {
			walk(*c)
		}
	}
	walk(tree.Node)
	return out
}

// freeNames calls f with each identifier n reads that bound does not.
func freeNames(n ast.Node, bound map[string]int, f func(string)) {
	switch m := n.(type) {
	case nil:
		return
	case *ast.IdentifierNode:
		if bound[m.Value] == 0 {
			f(m.Value)
		}
		return
	case *ast.VariableDeclaratorNode:
		freeNames(m.Value, bound, f)
		bound[m.Name]++
		freeNames(m.Expr, bound, f)
		bound[m.Name]--
		return
	}
	for _, c := range exprkey.Children(n) {
		freeNames(*c, bound, f)
	}
}
