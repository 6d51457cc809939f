package advisory

import (
	"errors"
	"fmt"
	"github.com/engagekit/engagekit/internal/enumtext"
	"maps"
	"slices"
	"time"
)

// Strategy says how consolidation picks a field's value among sources.
// The zero value is [SourceOfTruth].
type Strategy uint8

// The strategies.
const (
	// SourceOfTruth takes the value of the first source in the policy's
	// order that has one: the source of truth, then its fallbacks. Sources
	// not named come after, most recent first.
	SourceOfTruth Strategy = iota
	// MostRecent takes the value with the latest as-of time; equal times go
	// to the source named earlier in the policy's order, then by name.
	MostRecent
	// FirstNonEmpty takes the first value in the policy's order, as
	// SourceOfTruth does, but does not report the sources that disagree
	// with it as conflicts: for fields where sources legitimately differ.
	FirstNonEmpty
)

var strategyNames = [...]string{"source_of_truth", "most_recent", "first_non_empty"}

// String returns the strategy's name.
func (s Strategy) String() string {
	return enumtext.String(strategyNames[:], "Strategy", uint8(s))
}

// MarshalText encodes the strategy as its name.
func (s Strategy) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText decodes a strategy from the text MarshalText writes: its
// name, or "Strategy(n)" for a number without one.
func (s *Strategy) UnmarshalText(b []byte) error {
	n, ok := enumtext.Parse(strategyNames[:], "Strategy", string(b))
	if !ok {
		return fmt.Errorf("advisory: unknown strategy %q", b)
	}
	*s = Strategy(n)
	return nil
}

// FieldPolicy is how one field is consolidated and when it goes stale.
type FieldPolicy struct {
	Strategy Strategy `json:"strategy"`
	// Sources is the order of preference, the source of truth first.
	Sources []string `json:"sources,omitempty"`
	// MaxAge is how old the chosen value may be before it is stale; zero
	// means it never goes stale.
	MaxAge time.Duration `json:"max_age,omitempty"`
	// Required makes a missing value a finding of its own.
	Required bool `json:"required,omitempty"`
}

// Policy is the consolidation policy of a book: a default, and overrides
// by field path. The zero Policy takes, for every field, the most preferred
// source in name order, never stale.
type Policy struct {
	Default FieldPolicy            `json:"default"`
	Fields  map[string]FieldPolicy `json:"fields,omitempty"`
}

// PolicyError is a policy consolidation cannot follow: a strategy that is
// not one of the three, or a negative MaxAge.
type PolicyError struct {
	// Field is the field whose policy it is; empty for the default.
	Field string `json:"field,omitempty"`
	Msg   string `json:"message"`
}

// Error names the field's policy.
func (e *PolicyError) Error() string {
	if e.Field == "" {
		return "advisory: default policy: " + e.Msg
	}
	return "advisory: policy of field " + e.Field + ": " + e.Msg
}

// Validate checks every field policy of p (see [FieldPolicy.Validate]),
// the default first, then the fields by name; Consolidate checks the
// policy of each field it consolidates.
func (p Policy) Validate() error {
	var errs []error
	if err := p.Default.check(""); err != nil {
		errs = append(errs, err)
	}
	for _, f := range slices.Sorted(maps.Keys(p.Fields)) {
		if err := p.Fields[f].check(f); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Validate checks a field policy: its strategy is one of the three (a
// Strategy(9) was taken as SourceOfTruth) and its MaxAge not negative.
func (fp FieldPolicy) Validate() error { return fp.check("") }

func (fp FieldPolicy) check(field string) error {
	switch {
	case int(fp.Strategy) >= len(strategyNames):
		return &PolicyError{Field: field, Msg: fmt.Sprintf("unknown strategy %s", fp.Strategy)}
	case fp.MaxAge < 0:
		return &PolicyError{Field: field, Msg: fmt.Sprintf("max age %v is negative", fp.MaxAge)}
	}
	return nil
}

// For returns the policy of a field.
func (p Policy) For(field string) FieldPolicy {
	if fp, ok := p.Fields[field]; ok {
		return fp
	}
	return p.Default
}
