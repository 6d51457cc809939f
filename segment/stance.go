package segment

import (
	"fmt"

	"github.com/engagekit/engagekit/internal/enumtext"
)

// Stance is how the firm treats a segment. The zero value is [StanceUnknown].
type Stance uint8

// The stances, one per built-in segment.
const (
	StanceUnknown Stance = iota
	// RetainAndGrow is segment A's stance: first-class service.
	RetainAndGrow
	// ShowTheValue is segment B's stance: help them see what the firm does.
	ShowTheValue
	// TakeCostOut is segment C's stance: simplify and automate.
	TakeCostOut
	// LetGoGracefully is segment D's stance.
	LetGoGracefully
)

var stanceNames = [...]string{"unknown", "retain_and_grow", "show_the_value", "take_cost_out", "let_go_gracefully"}

// String returns the stance's text form, e.g. "retain_and_grow".
func (s Stance) String() string {
	return enumtext.String(stanceNames[:], "Stance", uint8(s))
}

// MarshalText encodes the stance as its text form: its name, or
// "Stance(n)" for a number without one, which UnmarshalText reads back.
func (s Stance) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a stance from the text MarshalText writes: its
// name, or "Stance(n)" for a number without one.
func (s *Stance) UnmarshalText(b []byte) error {
	n, ok := enumtext.Parse(stanceNames[:], "Stance", string(b))
	if !ok {
		return fmt.Errorf("segment: unknown stance %q", b)
	}
	*s = Stance(n)
	return nil
}
