package errtext

import (
	"errors"
	"testing"
)

type nilErr struct{}

func (*nilErr) Error() string { panic("nil") }

type panicky struct{}

func (panicky) Error() string { panic("boom") }

// TestOf: an error's text, nothing for a nil error or a typed nil, and an
// Error that panics written as that panic.
func TestOf(t *testing.T) {
	var typedNil *nilErr
	for _, c := range []struct {
		err  error
		want string
	}{
		{nil, ""},
		{errors.New("x"), "x"},
		{typedNil, ""},
		{panicky{}, "(the error's text panicked: boom)"},
	} {
		if got := Of(c.err); got != c.want {
			t.Errorf("Of(%#v) = %q, want %q", c.err, got, c.want)
		}
	}
}
