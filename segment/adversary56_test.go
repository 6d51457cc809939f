package segment

// Adversary 56: failing tests, one defect each, for package segment's
// custom schemes (NewCustom's unreachability check).

import (
	"errors"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
)

var adv56Now = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

type a56Holdings struct {
	N uint8 `expr:"n"`
}

// a56Client is a host's client type: an optional record with an unsigned
// count, a signed integer and a bool.
type a56Client struct {
	P   *a56Holdings `expr:"p"`
	Age int          `expr:"age"`
	On  bool         `expr:"on"`
}

// Promise broken (NewCustom): "no rule may be unreachable
// ([ErrUnreachable])" and ErrUnreachable "is the cause of the error for a
// rule that can never be chosen: its condition is always false, or
// earlier rules catch every client it would" — a rule that can be chosen
// is no such error.
//
// unsignedReads (segment/custom.go) finds p.n, a uint8 below the pointer
// p, and adds a first branch `p.n < 0` to the analysis's tree. The
// analysis reads p.n through its parent p: where p is nil the read is nil
// (or fails), and an ordering comparison with nil fails the whole tree
// (rulefile: "an ordering comparison with nil fails the rule"). So in
// the analysis no client with p = nil gets past the synthetic branch, and
// the rule `p == nil` is "pre-empted" — by a branch that is no rule. The
// compiled scheme never evaluates `p.n < 0`: a client with p = nil goes
// to None.
//
// Observed: NewCustom fails with "rule 2 (None): earlier rules catch
// every client it would" (ErrUnreachable).
// Expected: the scheme compiles; Assign of a client with p = nil gives
// None. (With N an int the same scheme compiles.)
func TestAdversary56_UnsignedBehindNilPointerPreemptsNilRule(t *testing.T) {
	rules := []Rule{
		{Segment: "Big", When: "p != nil && p.n > 5"},
		{Segment: "None", When: "p == nil"},
	}
	for i := range rules {
		if _, err := NewCustom[a56Client](rules[i:i+1], "D"); err != nil {
			t.Fatalf("test broken: rule %d alone: %v", i+1, err)
		}
	}
	c, err := NewCustom[a56Client](rules, "D")
	if errors.Is(err, ErrUnreachable) {
		t.Fatalf("NewCustom = %v; rule 2 (p == nil) is chosen for a client without holdings: only the synthetic `p.n < 0` branch of unsignedReads, which fails at p = nil in the analysis, pre-empts it", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if a, err := c.Assign("x", a56Client{}, adv56Now); err != nil || a.Segment != "None" {
		t.Fatalf("Assign(p = nil) = %v, %v; want None", a.Segment, err)
	}
}

// Promise broken (doc.go, Custom schemes): "A rule that can never be
// chosen is a compile error ([ErrUnreachable]): ... and one that earlier
// rules always pre-empt."
//
// age is an int: `age > 5` holds exactly where `age >= 6` does, so rule 2
// is never chosen. The analysis (rulefile.Analyze via unreachable in
// segment/custom.go) reads every field as a float64 and finds 5.5, which
// no int field holds; custom.go conveys a field's type only for unsigned
// fields (unsignedReads), not that an integer field takes no value between
// integers.
//
// Observed: NewCustom compiles the scheme. Expected: ErrUnreachable for
// rule 2 (every int age > 5 is >= 6: brute force over ages confirms it).
func TestAdversary56_IntegerFieldGranularityMissed(t *testing.T) {
	rules := []Rule{
		{Segment: "Six", When: "age >= 6"},
		{Segment: "OverFive", When: "age > 5"},
	}
	c, err := NewCustom[a56Client](rules, "D")
	if errors.Is(err, ErrUnreachable) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	for age := -1000; age <= 1000; age++ {
		if a, _ := c.Assign("x", a56Client{Age: age}, adv56Now); a.Segment == "OverFive" {
			t.Fatalf("test broken: age %d chooses rule 2", age)
		}
	}
	t.Fatal("NewCustom accepted rule 2 (age > 5) after rule 1 (age >= 6) over an int age: no client is ever put in OverFive")
}

// Promise broken (doc.go, Custom schemes): "A rule that can never be
// chosen is a compile error ([ErrUnreachable]): ... and one that earlier
// rules always pre-empt."
//
// on is a Go bool: `on == true` and `on == false` between them catch every
// client, so rule 3 is never chosen. The analysis takes a field compared
// with true and false to maybe hold "a value of another kind" (reporting
// code unknown, which unreachable in segment/custom.go ignores); custom.go
// knows the field is a bool (reflect) but, as for unsigned fields only
// (unsignedReads), does not tell the analysis. (`on` then `!on` is
// caught: the difference is only how the bool is written.)
//
// Observed: NewCustom compiles the scheme. Expected: ErrUnreachable for
// rule 3.
func TestAdversary56_BoolFieldComparedWithLiteralsMissed(t *testing.T) {
	rules := []Rule{
		{Segment: "On", When: "on == true"},
		{Segment: "Off", When: "on == false"},
		{Segment: "Old", When: "age > 60"},
	}
	c, err := NewCustom[a56Client](rules, "D")
	if errors.Is(err, ErrUnreachable) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, on := range []bool{false, true} {
		if a, _ := c.Assign("x", a56Client{On: on, Age: 70}, adv56Now); a.Segment == "Old" {
			t.Fatalf("test broken: on = %v chooses rule 3", on)
		}
	}
	_, err = NewCustom[a56Client]([]Rule{rules[0], {Segment: "Off", When: "!on"}, rules[2]}, "D")
	t.Fatalf("NewCustom accepted rule 3 after `on == true` and `on == false` over a bool field (with `on`, `!on` it reports %v)", err)
}

// a56Named is a client with a name a rule compares with a host constant.
type a56Named struct {
	S string `expr:"s"`
}

// Promise broken (NewCustom): "no rule may be unreachable
// ([ErrUnreachable])", ErrUnreachable being "a rule that can never be
// chosen: ... earlier rules catch every client it would"; and literal's
// own doc: it "writes a constant as the rule-file literal of its value".
//
// The host's constant C is the one-byte string "\xff" (not UTF-8: a raw
// code, as a legacy system stores). literal (segment/custom.go) writes it
// with strconv.Quote as `"\xff"`, which the rule-file analysis (expr's
// string literals) reads as the character U+00FF "ÿ", not the byte. So
// the analysis reads `s == C` as `s == "ÿ"` and finds rule 2 pre-empted;
// the compiled rule compares with the byte, and a client named "ÿ" goes
// to rule 2.
//
// Observed: NewCustom refuses rule 2 with ErrUnreachable.
// Expected: the scheme compiles; Assign(s = "ÿ") gives Y.
func TestAdversary56_HostStringConstantQuotedAsOtherString(t *testing.T) {
	rules := []Rule{
		{Segment: "Raw", When: "s == C"},
		{Segment: "Y", When: `s == "ÿ"`},
	}
	opt := dsl.WithConsts(map[string]any{"C": "\xff"})
	alone, err := NewCustom[a56Named](rules[:1], "D", opt)
	if err != nil {
		t.Fatal(err)
	}
	if a, err := alone.Assign("x", a56Named{S: "ÿ"}, adv56Now); err != nil || a.Segment != "D" {
		t.Fatalf("test broken: rule 1 alone puts s = ÿ in %q (%v)", a.Segment, err)
	}
	c, err := NewCustom[a56Named](rules, "D", opt)
	if errors.Is(err, ErrUnreachable) {
		t.Fatalf("NewCustom = %v; rule 1 (s == C, C the byte 0xff) does not hold for s = \"ÿ\", which rule 2 takes", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	if a, err := c.Assign("x", a56Named{S: "ÿ"}, adv56Now); err != nil || a.Segment != "Y" {
		t.Fatalf("Assign(s = ÿ) = %q, %v; want Y", a.Segment, err)
	}
}
