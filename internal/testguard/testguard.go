// Package testguard runs a test's probe of a hostile input on a goroutine
// of its own, so that a probe that hangs or panics fails its test instead
// of the whole test binary. Tests use it; the library does not.
package testguard

import (
	"fmt"
	"testing"
	"time"
)

// Run calls f on a goroutine of its own and reports whether it returned
// within limit. A panic in f, and a limit passed, fail t with Errorf (the
// test goes on to its next probe; a hung f is left running). A t.Fatal
// inside f ends f's goroutine, as it would the test's.
func Run(t testing.TB, limit time.Duration, f func()) bool {
	t.Helper()
	done := make(chan string, 1)
	go func() {
		msg := ""
		defer func() {
			if p := recover(); p != nil {
				msg = fmt.Sprintf("panic: %v", p)
			}
			done <- msg
		}()
		f()
	}()
	select {
	case msg := <-done:
		if msg != "" {
			t.Errorf("%s", msg)
		}
		return true
	case <-time.After(limit):
		t.Errorf("no answer within %v (a hang)", limit)
		return false
	}
}
