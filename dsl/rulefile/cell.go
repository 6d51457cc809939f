package rulefile

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/engagekit/engagekit/internal/jsonnull"
)

// parseTest parses a table cell: `-`, `< 30`, `[30..50)`, `"gold"`,
// `"gold" | "platinum"`, `not(< 10 | > 90)`.
func parseTest(text string) (UnaryTest, error) {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return UnaryTest{}, errors.New("empty cell (write - for any value)")
	case text == "-":
		return UnaryTest{Kind: TestAny}, nil
	case strings.HasPrefix(text, "not(") && strings.HasSuffix(text, ")"):
		list, err := parseOneOf(text[4 : len(text)-1])
		if err != nil {
			return UnaryTest{}, err
		}
		return UnaryTest{Kind: TestNot, List: list}, nil
	}
	list, err := parseOneOf(text)
	if err != nil {
		return UnaryTest{}, err
	}
	if len(list) == 1 {
		return list[0], nil
	}
	return UnaryTest{Kind: TestOneOf, List: list}, nil
}

func parseOneOf(text string) ([]UnaryTest, error) {
	var out []UnaryTest
	for _, part := range splitTop(text, '|') {
		t, err := parseSimple(strings.TrimSpace(part))
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

// splitTop splits text at sep outside strings.
func splitTop(text string, sep byte) []string {
	var parts []string
	start := 0
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '"', '\'', '`':
			end, _ := stringEnd(text, i)
			i = end - 1
		case sep:
			parts = append(parts, text[start:i])
			start = i + 1
		}
	}
	return append(parts, text[start:])
}

func parseSimple(text string) (UnaryTest, error) {
	if text == "" {
		return UnaryTest{}, errors.New("empty test")
	}
	for _, op := range []string{"<=", ">=", "==", "!=", "<", ">"} {
		if strings.HasPrefix(text, op) {
			v, err := parseValue(strings.TrimSpace(text[len(op):]))
			if err != nil {
				return UnaryTest{}, err
			}
			return UnaryTest{Kind: TestCompare, Op: op, Value: v}, nil
		}
	}
	if (text[0] == '[' || text[0] == '(') && strings.Contains(text, "..") {
		return parseInterval(text)
	}
	v, err := parseValue(text)
	if err != nil {
		return UnaryTest{}, err
	}
	return UnaryTest{Kind: TestCompare, Op: "==", Value: v}, nil
}

func parseInterval(text string) (UnaryTest, error) {
	last := text[len(text)-1]
	if last != ']' && last != ')' {
		if arrow := strings.Index(text, "=>"); arrow > 0 {
			return UnaryTest{}, fmt.Errorf("interval %s is not closed: end it with ] or ) before =>", strings.TrimSpace(text[:arrow]))
		}
		return UnaryTest{}, fmt.Errorf("interval %s must end with ] or )", text)
	}
	lo, hi, ok := cutOutsideStrings(text[1:len(text)-1], "..")
	if !ok {
		return UnaryTest{}, fmt.Errorf("interval %s needs \"..\" between its bounds", text)
	}
	lv, err := parseValue(strings.TrimSpace(lo))
	if err != nil {
		return UnaryTest{}, err
	}
	hv, err := parseValue(strings.TrimSpace(hi))
	if err != nil {
		return UnaryTest{}, err
	}
	return UnaryTest{Kind: TestInterval, Lo: lv, Hi: hv, LoOpen: text[0] == '(', HiOpen: last == ')'}, nil
}

// cutOutsideStrings is strings.Cut at the first sep that is not inside a
// string literal: a bound written "\x2e\x2e" holds "..", and Format
// writes it so.
func cutOutsideStrings(text, sep string) (before, after string, found bool) {
	for i := 0; i < len(text); {
		switch c := text[i]; {
		case c == '"' || c == '`' || c == '\'':
			end, _ := stringEnd(text, i)
			i = max(end, i+1)
		case strings.HasPrefix(text[i:], sep):
			return text[:i], text[i+len(sep):], true
		default:
			i++
		}
	}
	return text, "", false
}

func parseValue(text string) (*Value, error) {
	switch {
	case text == "":
		return nil, errors.New("missing value")
	case text == "true" || text == "false":
		return &Value{Kind: ValueBool, Bool: text == "true"}, nil
	case text == "nil":
		return &Value{Kind: ValueNil}, nil
	case text[0] == '"' || text[0] == '`':
		s, err := strconv.Unquote(text)
		if err != nil {
			return nil, fmt.Errorf("malformed string %s", text)
		}
		if !utf8.ValidString(s) {
			return nil, fmt.Errorf("string %s is not UTF-8 text", text) // see stringLit
		}
		return &Value{Kind: ValueString, Str: s}, nil
	case isLetter(text[0]):
		for i := 1; i < len(text); i++ {
			if !isLetter(text[i]) && !isDigit(text[i]) {
				return nil, fmt.Errorf("%q is not a literal or a constant's name", text)
			}
		}
		if len(text) > MaxIdentBytes {
			// As every name the parser reads (and Check holds a File's to).
			return nil, fmt.Errorf("a constant's name of %d bytes, over the limit of %d", len(text), MaxIdentBytes)
		}
		return &Value{Kind: ValueName, Name: text}, nil
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return nil, fmt.Errorf("%q is not a literal or a constant's name", text)
	}
	if math.IsNaN(f) {
		return nil, errors.New("a cell cannot test for NaN (NaN equals nothing)")
	}
	return &Value{Kind: ValueNumber, Number: f}, nil
}

// String writes the test back in canonical form.
func (t UnaryTest) String() string {
	switch t.Kind {
	case TestAny:
		return "-"
	case TestCompare:
		if t.Op == "==" {
			return t.Value.String()
		}
		return t.Op + " " + t.Value.String()
	case TestInterval:
		open, closing := "[", "]"
		if t.LoOpen {
			open = "("
		}
		if t.HiOpen {
			closing = ")"
		}
		return open + t.Lo.String() + ".." + t.Hi.String() + closing
	case TestOneOf, TestNot:
		parts := make([]string, len(t.List))
		for i, sub := range t.List {
			parts[i] = sub.String()
		}
		s := strings.Join(parts, " | ")
		if t.Kind == TestNot {
			return "not(" + s + ")"
		}
		return s
	}
	return "?"
}

// String writes the value as a literal.
func (v *Value) String() string {
	if v == nil {
		return "nil"
	}
	switch v.Kind {
	case ValueNumber:
		return strconv.FormatFloat(v.Number, 'f', -1, 64)
	case ValueString:
		return strconv.Quote(v.Str)
	case ValueBool:
		return strconv.FormatBool(v.Bool)
	case ValueName:
		return v.Name
	}
	return "nil"
}

// valueJSON is a Value as JSON. A number JSON cannot hold (±Inf) or would
// lose (-0) is written as a string, "+Inf", "-Inf" or "-0".
type valueJSON struct {
	Kind   ValueKind `json:"kind"`
	Number any       `json:"number,omitempty"`
	Str    string    `json:"str,omitempty"`
	Bool   bool      `json:"bool,omitempty"`
	Name   string    `json:"name,omitempty"`
}

// MarshalJSON writes the value losslessly: ±Inf and -0 as strings.
func (v Value) MarshalJSON() ([]byte, error) {
	j := valueJSON{Kind: v.Kind, Str: v.Str, Bool: v.Bool, Name: v.Name}
	if v.Kind == ValueNumber {
		j.Number = v.Number
		if math.IsInf(v.Number, 0) || math.IsNaN(v.Number) || v.Number == 0 && math.Signbit(v.Number) {
			j.Number = strconv.FormatFloat(v.Number, 'g', -1, 64)
		}
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (v *Value) UnmarshalJSON(b []byte) error {
	if jsonnull.Is(b) {
		return nil // null leaves the value as it was, as encoding/json does
	}
	var j struct {
		valueJSON
		Number json.RawMessage `json:"number,omitempty"`
	}
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*v = Value{Kind: j.Kind, Str: j.Str, Bool: j.Bool, Name: j.Name}
	if len(j.Number) == 0 {
		return nil
	}
	var text string
	if j.Number[0] == '"' {
		if err := json.Unmarshal(j.Number, &text); err != nil {
			return err
		}
	} else {
		text = string(j.Number)
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return fmt.Errorf("rulefile: cell number %s: %w", j.Number, err)
	}
	v.Number = f
	return nil
}
