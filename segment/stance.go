package segment

import "fmt"

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
	if int(s) < len(stanceNames) {
		return stanceNames[s]
	}
	return fmt.Sprintf("Stance(%d)", uint8(s))
}

// MarshalText encodes the stance as its text form.
func (s Stance) MarshalText() ([]byte, error) {
	if int(s) >= len(stanceNames) {
		return nil, fmt.Errorf("segment: invalid stance %d", uint8(s))
	}
	return []byte(stanceNames[s]), nil
}

// UnmarshalText decodes a stance from its text form.
func (s *Stance) UnmarshalText(b []byte) error {
	for i, name := range stanceNames {
		if name == string(b) {
			*s = Stance(i)
			return nil
		}
	}
	return fmt.Errorf("segment: unknown stance %q", b)
}
