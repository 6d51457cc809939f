package rulefile

import (
	"fmt"
	"strings"
)

// Error is a syntax error in a rule file: where, and what was wrong or
// expected.
type Error struct {
	Pos Pos `json:"pos"`
	// Rule is the id of the rule or table the error is in; empty outside
	// one. Statement is the statement ("when", "row 2"), when known.
	Rule      string `json:"rule,omitempty"`
	Statement string `json:"statement,omitempty"`
	Msg       string `json:"message"`
}

// Error formats the error as "rule ID, statement: line:col: message".
func (e *Error) Error() string {
	where := ""
	switch {
	case e.Rule != "" && e.Statement != "":
		where = "rule " + e.Rule + ", " + e.Statement + ": "
	case e.Rule != "":
		where = "rule " + e.Rule + ": "
	}
	return fmt.Sprintf("%s%d:%d: %s", where, e.Pos.Line, e.Pos.Col, e.Msg)
}

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
