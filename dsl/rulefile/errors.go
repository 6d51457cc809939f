package rulefile

import (
	"fmt"
	"strings"
)

// Error is a syntax error in a rule file: where, and what was wrong or
// expected.
type Error struct {
	Pos Pos    `json:"pos"`
	Msg string `json:"message"`
}

// Error formats the error as "line:col: message".
func (e *Error) Error() string { return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Col, e.Msg) }

// ErrorList is every syntax error of a file, in source order. Parse
// returns one when a file has errors; errors.As finds the *Error values
// through Unwrap.
type ErrorList []*Error

// Error lists the errors, one a line.
func (l ErrorList) Error() string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Unwrap returns the errors, for errors.Is and errors.As.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}
