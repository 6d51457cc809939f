package dsl

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an [Error]. Each kind has a sentinel error, so callers
// test the kind with errors.Is and never by message text.
type Kind uint8

// The error kinds. New kinds are only ever added at the end.
const (
	// KindUnknown is the zero Kind; the library never returns it.
	KindUnknown Kind = iota
	// KindSyntax is a malformed expression or rule file.
	KindSyntax
	// KindType is a well-formed expression whose types do not fit: a
	// comparison of a string with a number, a result of the wrong type.
	KindType
	// KindUnknownName is a reference to a field, constant or function
	// that the environment does not have.
	KindUnknownName
	// KindEval is a failure while evaluating: a nil pointer, a NaN that
	// would have made a condition true, a panic in a host function.
	KindEval
	// KindLimit is a rule over one of the configured [Limits].
	KindLimit
	// KindCancelled is an evaluation stopped because its context ended.
	KindCancelled
)

// Sentinel errors, one per [Kind]. An *[Error] matches the sentinel of its
// kind under errors.Is.
var (
	ErrSyntax      = errors.New("dsl: syntax error")
	ErrType        = errors.New("dsl: type error")
	ErrUnknownName = errors.New("dsl: unknown name")
	ErrEval        = errors.New("dsl: evaluation error")
	ErrLimit       = errors.New("dsl: limit exceeded")
)

var kindNames = [...]string{"unknown", "syntax", "type", "unknown_name", "eval", "limit", "cancelled"}

// String returns the kind's text form, e.g. "unknown_name".
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// MarshalText encodes the kind as its text form.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText decodes a kind from its text form.
func (k *Kind) UnmarshalText(b []byte) error {
	for i, name := range kindNames {
		if name == string(b) {
			*k = Kind(i)
			return nil
		}
	}
	return fmt.Errorf("dsl: unknown error kind %q", b)
}

func (k Kind) sentinel() error {
	switch k {
	case KindSyntax:
		return ErrSyntax
	case KindType:
		return ErrType
	case KindUnknownName:
		return ErrUnknownName
	case KindEval:
		return ErrEval
	case KindLimit:
		return ErrLimit
	case KindCancelled:
		return ErrCancelled
	}
	return nil
}

// Error is every error the dsl package returns about a rule: where it is,
// what kind it is, and what went wrong. Line and Column are 1-based and count
// runes; they are 0 when the problem has no position (a rule too large).
type Error struct {
	// RuleID is the id the caller gave the rule ([WithID]), or the id of the
	// rule in a rule file.
	RuleID string `json:"rule_id,omitempty"`
	// Statement names the part of the rule the problem is in: "when",
	// "urgency", "title", "let days", "branch 2", "row 3, urgency", … Empty
	// for a standalone expression and for problems of the file as a whole.
	Statement string `json:"statement,omitempty"`
	// Line and Column locate the problem in the source.
	Line   int `json:"line,omitempty"`
	Column int `json:"column,omitempty"`
	// Kind classifies the error.
	Kind Kind `json:"kind"`
	// Msg says what is wrong, without position or rule id.
	Msg string `json:"message"`
	// Suggestion is the nearest known name for an unknown one, if any.
	Suggestion string `json:"suggestion,omitempty"`
	// Snippet is the source line and a caret under the column.
	Snippet string `json:"snippet,omitempty"`
	// Err is the underlying cause, when there is one (a host function's
	// error, for example).
	Err error `json:"-"`
}

// Error formats the error as "rule ID, statement: line:col: message (did
// you mean X?)" followed by the snippet on its own lines.
func (e *Error) Error() string {
	var b strings.Builder
	switch {
	case e.RuleID != "" && e.Statement != "":
		fmt.Fprintf(&b, "rule %s, %s: ", e.RuleID, e.Statement)
	case e.RuleID != "":
		fmt.Fprintf(&b, "rule %s: ", e.RuleID)
	case e.Statement != "":
		fmt.Fprintf(&b, "%s: ", e.Statement)
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "%d:%d: ", e.Line, e.Column)
	}
	b.WriteString(e.Msg)
	if e.Suggestion != "" {
		fmt.Fprintf(&b, " (did you mean %s?)", e.Suggestion)
	}
	if e.Snippet != "" {
		b.WriteByte('\n')
		b.WriteString(e.Snippet)
	}
	return b.String()
}

// Is reports whether target is the sentinel of e's kind.
func (e *Error) Is(target error) bool { return target != nil && target == e.Kind.sentinel() }

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Errors lists every *[Error] in err, in order: a compile joins one per
// problem and an evaluation one per failed rule, sometimes joins inside
// joins, and errors.As finds only the first. It returns nil for nil.
func Errors(err error) []*Error {
	var out []*Error
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case nil:
		case *Error:
			out = append(out, e)
		case interface{ Unwrap() []error }:
			for _, inner := range e.Unwrap() {
				walk(inner)
			}
		default:
			var de *Error
			if errors.As(err, &de) {
				out = append(out, de)
			}
		}
	}
	walk(err)
	return out
}

// snippet renders the line'th line of src (1-based) with a caret under
// column col (1-based, in runes). A long line is cut to a window around
// the column, so an error in a huge expression stays readable.
func snippet(src string, line, col int) string {
	text, ok := nthLine(src, line)
	if !ok {
		return ""
	}
	return caretLine(text, col)
}

// nthLine returns the line'th line of src without splitting all of it.
func nthLine(src string, line int) (string, bool) {
	if line < 1 {
		return "", false
	}
	for i := 1; i < line; i++ {
		nl := strings.IndexByte(src, '\n')
		if nl < 0 {
			return "", false
		}
		src = src[nl+1:]
	}
	if nl := strings.IndexByte(src, '\n'); nl >= 0 {
		src = src[:nl]
	}
	return src, true
}

// snippetWindow is how many runes of a line a snippet shows at most on
// either side of the caret.
const snippetWindow = 60

func caretLine(text string, col int) string {
	runes := []rune(strings.ReplaceAll(text, "\t", " "))
	pad := max(col-1, 0)
	from, to := 0, len(runes)
	if pad > snippetWindow {
		from = pad - snippetWindow
	}
	to = min(to, pad+snippetWindow)
	shown := string(runes[from:max(from, to)])
	if from > 0 {
		shown = "…" + shown
		pad = pad - from + 1
	}
	if to < len(runes) {
		shown += "…"
	}
	return " | " + shown + "\n | " + strings.Repeat(" ", pad) + "^"
}

// lineIndex finds lines of one source by number in constant time, for
// reporting many errors of one file without reading it again for each.
type lineIndex struct {
	src    string
	starts []int
}

func newLineIndex(src string) *lineIndex {
	idx := &lineIndex{src: src, starts: []int{0}}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			idx.starts = append(idx.starts, i+1)
		}
	}
	return idx
}

func (idx *lineIndex) snippet(line, col int) string {
	if line < 1 || line > len(idx.starts) {
		return ""
	}
	text := idx.src[idx.starts[line-1]:]
	if nl := strings.IndexByte(text, '\n'); nl >= 0 {
		text = text[:nl]
	}
	return caretLine(text, col)
}

// lineCol converts a rune offset in src to a 1-based line and column.
func lineCol(src string, offset int) (line, col int) {
	line, col = 1, 1
	i := 0
	for _, r := range src {
		if i == offset {
			break
		}
		i++
		if r == '\n' {
			line++
			col = 1
			continue
		}
		col++
	}
	return line, col
}
