package rulefile

// This file is the analysis's copy of how the compiled table decides a
// cell (package dsl, cells.go), on witnesses: numbers compare as float64,
// strings byte-wise, bools only for equality; a value of another kind than
// the cell's literal fails the table; and a nil input passes only `-` and
// the null test, alone or in a list (DMN: not(...) of null is null).

// cell is a table cell with its constants resolved.
type cell struct {
	kind           TestKind
	op             string
	v, lo, hi      value
	loOpen, hiOpen bool
	list           []cell
}

// resolveCell reads a parsed cell; it reports false for a constant whose
// value the analysis does not know.
func (a *analysis) resolveCell(t UnaryTest) (cell, bool) {
	c := cell{kind: t.Kind, op: t.Op, loOpen: t.LoOpen, hiOpen: t.HiOpen}
	ok := true
	switch t.Kind {
	case TestAny:
	case TestCompare:
		c.v, ok = a.cellValue(t.Value)
	case TestInterval:
		var okLo, okHi bool
		c.lo, okLo = a.cellValue(t.Lo)
		c.hi, okHi = a.cellValue(t.Hi)
		ok = okLo && okHi
	case TestOneOf, TestNot:
		for _, sub := range t.List {
			sc, subOK := a.resolveCell(sub)
			ok = ok && subOK
			c.list = append(c.list, sc)
		}
	default:
		ok = false
	}
	return c, ok
}

func (a *analysis) cellValue(v *Value) (value, bool) {
	if v == nil {
		return value{}, false
	}
	switch v.Kind {
	case ValueNumber:
		return numberValue(v.Number), true
	case ValueString:
		return stringValue(v.Str), true
	case ValueBool:
		return boolValue(v.Bool), true
	case ValueNil:
		return nilValue, true
	case ValueName:
		c, ok := a.consts[v.Name]
		return c.v, ok && !c.unread
	}
	return value{}, false
}

// literals calls f with every value the cell compares with.
// size is the number of tests in the cell: the work of deciding it.
func (c cell) size() int {
	n := 1
	for _, sub := range c.list {
		n += sub.size()
	}
	return n
}

func (c cell) literals(f func(value)) {
	switch c.kind {
	case TestCompare:
		f(c.v)
	case TestInterval:
		f(c.lo)
		f(c.hi)
	case TestOneOf, TestNot:
		for _, sub := range c.list {
			sub.literals(f)
		}
	}
}

// match decides the cell for an input value.
func (c cell) match(v value) tri {
	if v.kind == kindFailed {
		return triFail // the input's read failed: so does the table
	}
	if v.kind == kindNil {
		return triOf(c.matchNull())
	}
	switch c.kind {
	case TestAny:
		return triTrue
	case TestCompare:
		return compareInCell(v, c.op, c.v)
	case TestInterval:
		lo, okLo := orderInCell(v, c.lo)
		hi, okHi := orderInCell(v, c.hi)
		if !okLo || !okHi {
			return triFail
		}
		return triOf((lo > 0 || lo == 0 && !c.loOpen) && (hi < 0 || hi == 0 && !c.hiOpen))
	case TestOneOf, TestNot:
		hit := false
		for _, sub := range c.list {
			m := sub.match(v)
			if m == triFail {
				return triFail
			}
			if m == triTrue {
				hit = true
				break
			}
		}
		return triOf(hit != (c.kind == TestNot))
	}
	return triFail
}

func (c cell) matchNull() bool {
	switch c.kind {
	case TestAny:
		return true
	case TestCompare:
		return c.op == "==" && c.v.kind == kindNil
	case TestOneOf:
		for _, sub := range c.list {
			if sub.matchNull() {
				return true
			}
		}
	}
	return false
}

// compareInCell is a cell's comparison of a non-nil input: equality with
// nil is false, equality or order with a literal of another kind fails.
func compareInCell(v value, op string, lit value) tri {
	if op == "==" || op == "!=" {
		if lit.kind == kindNil {
			return triOf(op == "!=")
		}
		if v.kind != lit.kind || v.kind == kindOther {
			return triFail
		}
		return triOf(equalSame(v, lit) == (op == "=="))
	}
	c, ok := orderInCell(v, lit)
	if !ok {
		return triFail
	}
	return triOf(ordered(op, c))
}

func orderInCell(v, lit value) (int, bool) {
	if v.kind != lit.kind || (v.kind != kindNumber && v.kind != kindString) {
		return 0, false
	}
	return compareSame(v, lit), true
}
