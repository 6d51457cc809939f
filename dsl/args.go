package dsl

import (
	"fmt"
)

// The library's built-ins are typed for expr's checker, which lets an
// argument known only when the rule runs (a map value, an any field)
// through: such an argument is read here, and one of another kind fails
// the evaluation rather than being read as "" or 0 (upper(m.n) of a
// number, or of a missing key, was "", and a rule decided on it).

// textArg reads argument i of built-in fn as a string: a string, or a
// host's named string read as one (numbers.go).
func textArg(fn string, args []any, i int) (string, error) {
	if s, ok := args[i].(string); ok {
		return s, nil
	}
	if v, err := dynamicNumber(args[i]); err == nil { // a named string, a pointer to one
		if s, ok := v.(string); ok {
			return s, nil
		}
	}
	return "", fmt.Errorf("%s: argument %d is %s, want a string", fn, i+1, valueKind(args[i]))
}

// intArg reads argument i of built-in fn as an int: an int, or an integer
// of another type that fits one (dynamicNumber).
func intArg(fn string, args []any, i int) (int, error) {
	v, err := dynamicNumber(args[i])
	if err != nil {
		return 0, fmt.Errorf("%s: argument %d: %w", fn, i+1, err)
	}
	if n, ok := v.(int); ok {
		return n, nil
	}
	return 0, fmt.Errorf("%s: argument %d is %s, want an integer", fn, i+1, valueKind(args[i]))
}

// valueKind names what a value is, for an error: nil, or its type.
func valueKind(v any) string {
	if v == nil {
		return "nil"
	}
	return fmt.Sprintf("%T", v)
}
