package rulefile

import (
	"cmp"
	"math"
	"sort"
	"strconv"
	"strings"
)

// This file is what the analysis knows about values: the kinds a rule
// compares, and for each input the witnesses that stand for every value it
// can take. Between and beyond the literals a rule compares an input with,
// every comparison answers the same, so one witness per elementary
// interval, each literal itself, nil, and (where no literal tells them
// apart) one value of no particular kind decide every comparison for all
// values. Numbers are float64, as every comparison the rules make ends up
// being (a table converts its input and cells to float64, and a condition
// is read only where its literals keep that exact): witnesses are exact
// float64 values, never a midpoint that rounds onto a literal.

// AnyValue is a witness for an input whose tests tell no non-nil values
// apart (only `-` and `nil` cells, or `!= nil`): any value but nil will do.
type AnyValue struct{}

// MarshalJSON writes the witness as {"any_value":true}.
func (AnyValue) MarshalJSON() ([]byte, error) { return []byte(`{"any_value":true}`), nil }

// String describes the witness.
func (AnyValue) String() string { return "any value but nil" }

type valueKind uint8

const (
	kindNil valueKind = iota
	kindNumber
	kindString
	kindBool
	// kindOther is a non-nil value of a kind no literal of its input has.
	kindOther
	// kindFailed is an opaque condition that fails (an evaluation error).
	kindFailed
	// kindNaN is a float NaN, a witness only where two conditions are
	// compared (see atoms.mayBeNaN).
	kindNaN
)

// value is a literal or a witness.
type value struct {
	kind valueKind
	num  float64
	str  string
	b    bool
}

var nilValue = value{kind: kindNil}

// writeKey writes v exactly (a number by its bits, a string with its
// length), so that two values write alike only when they are one.
func (v value) writeKey(b *strings.Builder) {
	b.WriteByte(byte('0' + v.kind))
	switch v.kind {
	case kindNumber:
		b.WriteString(strconv.FormatUint(math.Float64bits(v.num), 16))
	case kindString:
		b.WriteString(strconv.Itoa(len(v.str)) + ":" + v.str)
	case kindBool:
		b.WriteString(strconv.FormatBool(v.b))
	}
	b.WriteByte(';')
}

func numberValue(f float64) value { return value{kind: kindNumber, num: f} }
func stringValue(s string) value  { return value{kind: kindString, str: s} }
func boolValue(b bool) value      { return value{kind: kindBool, b: b} }

// public is the witness as a Go value: float64, string, bool, nil or
// [AnyValue].
func (v value) public() any {
	switch v.kind {
	case kindNumber:
		return v.num
	case kindString:
		return v.str
	case kindBool:
		return v.b
	case kindOther:
		return AnyValue{}
	case kindNaN:
		return math.NaN()
	}
	return nil
}

func (v value) String() string {
	switch v.kind {
	case kindNumber:
		return strconv.FormatFloat(v.num, 'g', -1, 64)
	case kindString:
		return strconv.Quote(v.str)
	case kindBool:
		return strconv.FormatBool(v.b)
	case kindOther:
		return "any value but nil"
	case kindFailed:
		return "an error"
	case kindNaN:
		return "NaN"
	}
	return "nil"
}

// compareSame orders two values of the same kind (numbers, which are
// never NaN here, and strings); equalSame reports equality for any kinds.
func compareSame(a, b value) int {
	if a.kind == kindString {
		return cmp.Compare(a.str, b.str)
	}
	return cmp.Compare(a.num, b.num)
}

func equalSame(a, b value) bool {
	switch a.kind {
	case kindNumber:
		return a.num == b.num
	case kindString:
		return a.str == b.str
	case kindBool:
		return a.b == b.b
	}
	return a.kind == b.kind
}

// axis lists the witnesses of one value input: nil, then for each kind of
// literal compared with it the witnesses of that kind's elementary
// intervals, in order; a value of no kind when no literal has one.
func axis(lits []value, other bool) []value {
	var nums []float64
	var strs []string
	var bools bool
	for _, l := range lits {
		switch l.kind {
		case kindNumber:
			nums = append(nums, l.num)
		case kindString:
			strs = append(strs, l.str)
		case kindBool:
			bools = true
		}
	}
	var out []value
	for _, n := range numberWitnesses(nums) {
		out = append(out, numberValue(n))
	}
	for _, s := range stringWitnesses(strs) {
		out = append(out, stringValue(s))
	}
	if bools {
		out = append(out, boolValue(false), boolValue(true))
	}
	if len(out) == 0 || other {
		out = append(out, value{kind: kindOther})
	}
	return append(out, nilValue)
}

// numberWitnesses returns the literals and one number strictly inside each
// non-empty open interval they leave, below the least and above the
// greatest: integers where one fits, else the next float64.
func numberWitnesses(lits []float64) []float64 {
	if len(lits) == 0 {
		return nil
	}
	sort.Float64s(lits)
	uniq := lits[:1]
	for _, n := range lits[1:] {
		if n != uniq[len(uniq)-1] {
			uniq = append(uniq, n)
		}
	}
	var out []float64
	if lo := uniq[0]; !math.IsInf(lo, -1) {
		out = append(out, below(lo))
	}
	for i, n := range uniq {
		out = append(out, n)
		if i+1 < len(uniq) {
			if w, ok := between(n, uniq[i+1]); ok {
				out = append(out, w)
			}
		} else if !math.IsInf(n, 1) {
			out = append(out, above(n))
		}
	}
	return out
}

// between picks a float64 strictly between a < b, an integer if one fits.
func between(a, b float64) (float64, bool) {
	if !math.IsInf(a, 0) {
		if c := math.Floor(a) + 1; c > a && c < b {
			return c, true
		}
	} else if !math.IsInf(b, 0) {
		return below(b), true
	}
	if c := math.Nextafter(a, math.Inf(1)); c < b {
		return c, true
	}
	return 0, false
}

func below(a float64) float64 {
	if !math.IsInf(a, 0) {
		if c := math.Ceil(a) - 1; c < a {
			return c
		}
	}
	return math.Nextafter(a, math.Inf(-1))
}

func above(a float64) float64 {
	if !math.IsInf(a, 0) {
		if c := math.Floor(a) + 1; c > a {
			return c
		}
	}
	return math.Nextafter(a, math.Inf(1))
}

// stringWitnesses returns "", the literals, and each literal's successor
// s+"\x00": the least string above s, so it lies inside (s, t) whenever
// that interval has any string in it (the interval is empty exactly when
// t is s+"\x00").
func stringWitnesses(lits []string) []string {
	if len(lits) == 0 {
		return nil
	}
	lits = uniqueStrings(lits)
	var out []string
	if lits[0] != "" {
		out = append(out, "")
	}
	for i, s := range lits {
		out = append(out, s)
		if succ := s + "\x00"; i+1 == len(lits) || succ != lits[i+1] {
			out = append(out, succ)
		}
	}
	return out
}

func uniqueStrings(ss []string) []string {
	ss = append([]string(nil), ss...)
	sort.Strings(ss)
	out := ss[:0]
	for i, s := range ss {
		if i == 0 || s != ss[i-1] {
			out = append(out, s)
		}
	}
	return out
}
