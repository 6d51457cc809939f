package engagement

import (
	"errors"
	"fmt"
)

// ErrInvalidOption is the cause of every [OptionError]: an option, rule
// or input that the library would otherwise have to replace by a default
// or guess at.
var ErrInvalidOption = errors.New("engagement: invalid option")

// OptionError is an option or rule that cannot be honoured: its name, the
// value given and why. It unwraps to [ErrInvalidOption].
type OptionError struct {
	Option string `json:"option"`
	Value  string `json:"value"`
	Msg    string `json:"message"`
}

// Error names the option and the problem.
func (e *OptionError) Error() string {
	return fmt.Sprintf("engagement: %s = %s: %s", e.Option, e.Value, e.Msg)
}

// Unwrap returns [ErrInvalidOption].
func (e *OptionError) Unwrap() error { return ErrInvalidOption }

func optErr(option string, value any, msg string) error {
	return &OptionError{Option: option, Value: fmt.Sprint(value), Msg: msg}
}
