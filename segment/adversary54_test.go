package segment

// Adversary 54: failing tests, one defect each, for package segment.

import (
	"errors"
	"testing"
	"time"
)

var adv54Now = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

// a54Client is a host's client type with an unsigned field, as a CRM
// keeps a count of products or years of tenure.
type a54Client struct {
	Products uint8 `expr:"products"`
	Age      int   `expr:"age"`
}

// TestAdversary54_UnsignedAlwaysTrueRuleAccepted
//
// Promise broken (doc.go): "A rule that can never be chosen is a compile
// error ([ErrUnreachable]): ... one that earlier rules always pre-empt."
// and NewCustom: "no rule may be unreachable ([ErrUnreachable])".
//
// Observed: `products >= 0` over a uint8 field holds for every client,
// so the rule after it can never be chosen, yet NewCustom compiles the
// scheme: the unreachability analysis (custom.go, unreachable, via
// rulefile.Analyze) reads the field as any real number, not as the
// unsigned type the condition is compiled against.
//
// Expected: NewCustom refuses rule 2 with an error wrapping
// ErrUnreachable, as it refuses `products > 200` followed by
// `products > 255` (which it does catch).
func TestAdversary54_UnsignedAlwaysTrueRuleAccepted(t *testing.T) {
	rules := []Rule{
		{Segment: "Everyone", When: "products >= 0"},
		{Segment: "Young", When: "age < 30"},
	}
	c, err := NewCustom[a54Client](rules, "D")
	if !errors.Is(err, ErrUnreachable) {
		a, _ := c.Assign("x", a54Client{Products: 0, Age: 20}, adv54Now)
		t.Fatalf("NewCustom = %v, want ErrUnreachable for rule 2: rule 1 holds for every uint8 (a client of age 20 goes to %q)", err, a.Segment)
	}
}
