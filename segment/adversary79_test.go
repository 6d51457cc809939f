package segment_test

import (
	"errors"
	"testing"
	"time"

	"github.com/engagekit/engagekit/segment"
)

type level79 int8

type client79 struct {
	Level    level79 `expr:"level"`
	Products uint8   `expr:"products"`
}

// TestAdversary79_IntegerWidthBoundsMissed
//
// Contract (doc.go, custom.go NewCustom): "A rule that can never be chosen
// is a compile error ([ErrUnreachable]): ... one that earlier rules always
// pre-empt." (the analysis of comparisons with constants).
//
// Input: over an int8 field (a named type), `level <= 127` then
// `level > 0`; over a uint8 field, `products <= 255` then `products > 0`.
// The first rule holds for every value the Go type can hold, so the second
// is never chosen (brute force over every int8 / uint8 value below
// confirms it). NewCustom accepts both schemes.
//
// Root mechanism (guess): unreachable() tells the analysis what the Go
// type rules out only for the sign of unsigned fields (`x < 0`), the
// spans between integers, and bool; it never adds the width bounds of
// sized integer kinds (x > 127 for int8, x < -128, x > 255 for uint8...),
// so the analysis reads the field as an unbounded number and finds a
// value (128, 256) that would reach rule 2.
func TestAdversary79_IntegerWidthBoundsMissed(t *testing.T) {
	now := time.Unix(0, 0)
	for _, rules := range [][]segment.Rule{
		{{Segment: "All", When: "level <= 127"}, {Segment: "Positive", When: "level > 0"}},
		{{Segment: "All", When: "products <= 255"}, {Segment: "Some", When: "products > 0"}},
		{{Segment: "All", When: "level >= -128"}, {Segment: "Negative", When: "level < 0"}},
	} {
		c, err := segment.NewCustom[client79](rules, "Default")
		if errors.Is(err, segment.ErrUnreachable) {
			continue
		}
		if err != nil {
			t.Fatalf("%q: unexpected error %v", rules, err)
		}
		// Sanity: brute force every value of both fields: rule 2 is never chosen.
		reached := false
		for l := -128; l <= 127; l++ {
			for _, p := range []uint8{0, 1, 2, 127, 128, 254, 255} {
				a, aerr := c.Assign("c", client79{Level: level79(l), Products: p}, now)
				if aerr == nil && a.Segment == rules[1].Segment {
					reached = true
				}
			}
		}
		if !reached {
			t.Errorf("%q: NewCustom accepted the scheme, but rule 2 (%s) is chosen for no int8/uint8 value; want ErrUnreachable", rules, rules[1].Segment)
		}
	}
}
