package segment_test

// Adversary 42: failing tests, one defect each, for the custom schemes of
// package segment (rules as untrusted input).

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/engagekit/engagekit/dsl"
	"github.com/engagekit/engagekit/segment"
)

var adv42Now = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

// A pension scheme, as a wealth manager's CRM has one per client.
type adv42Pension struct {
	Type    string  `expr:"type"`
	Urgency float64 `expr:"urgency"`
}

type adv42Env struct {
	Scheme  adv42Pension `expr:"scheme"`
	Age     int          `expr:"age"`
	Weights []float64    `expr:"weights"`
}

// TestAdversary42_FieldNamedSchemeRefusedAsUnreachable: NewCustom refuses
// a rule with ErrUnreachable only if it "can never be chosen". The
// unreachability analysis wraps the rules in a rule file whose one rule
// has the id "scheme", so a field of the host's named scheme (a client's
// pension scheme) is read as a read of that decision: scheme.type is
// taken to hold only the decision's alert type, scheme.urgency only
// [0,1]. `scheme.type == "DB"`, the first and only rule, is refused as
// "earlier rules catch every client it would" (there are none), though a
// client with a DB scheme satisfies it.
func TestAdversary42_FieldNamedSchemeRefusedAsUnreachable(t *testing.T) {
	client := adv42Env{Scheme: adv42Pension{Type: "DB", Urgency: 5}, Age: 50}
	for _, when := range []string{`scheme.type == "DB"`, `scheme.urgency > 1`} {
		cond, err := dsl.Compile[adv42Env, bool](when)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := cond.Eval(client, adv42Now); !ok || err != nil {
			t.Fatalf("setup: %s does not hold for %+v: %v %v", when, client, ok, err)
		}
		c, err := segment.NewCustom[adv42Env]([]segment.Rule{{Segment: "db", When: when}}, "other")
		if err != nil {
			t.Errorf("rule %q, which client %+v satisfies, refused: %v", when, client, err)
			continue
		}
		if a, err := c.Assign("c1", client, adv42Now); a.Segment != "db" || err != nil {
			t.Errorf("rule %q: %+v %v", when, a, err)
		}
	}
}

// TestAdversary42_TodayRuleRefusedAsAlwaysFailing: NewCustom evaluates at
// compile time only a condition that "reads no field and calls no
// function (built-ins such as today() depend on the date ...)". today
// is neither a read nor a call to Reads/Calls, so `today.Day() <= 15`
// (first half of the month), which depends on the date, is taken for a
// constant, evaluated at the zero time, where today fails, and refused as
// "its condition fails for every client" (ErrUnreachable), though it
// holds on 1 January 2026 for every client.
func TestAdversary42_TodayRuleRefusedAsAlwaysFailing(t *testing.T) {
	const when = `today.Day() <= 15`
	cond, err := dsl.Compile[adv42Env, bool](when)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := cond.Eval(adv42Env{}, adv42Now); !ok || err != nil {
		t.Fatalf("setup: %s at %v: %v %v", when, adv42Now, ok, err)
	}
	c, err := segment.NewCustom[adv42Env]([]segment.Rule{{Segment: "early", When: when}, {Segment: "old", When: "age > 60"}}, "other")
	if err != nil {
		t.Fatalf("a date-dependent rule that holds at %v refused (unreachable: %v): %v", adv42Now, errors.Is(err, segment.ErrUnreachable), err)
	}
	if a, err := c.Assign("c1", adv42Env{}, adv42Now); a.Segment != "early" || err != nil {
		t.Errorf("%+v %v", a, err)
	}
}

// TestAdversary42_NaNInListDecidesSilently: Assign "fails (never falls
// through) ... a rule that cannot be decided because a float field it
// reads is NaN, whether it would hold or not: the scheme does not fall
// through to a later segment, or the default, on bad data". A rule
// comparing a list field (`weights == [0.6, 0.4]`, a model portfolio)
// reads the NaN in it and is false, without error, and so is its
// negation: the client silently gets the default.
func TestAdversary42_NaNInListDecidesSilently(t *testing.T) {
	c, err := segment.NewCustom[adv42Env]([]segment.Rule{{Segment: "model", When: "weights == [0.6, 0.4]"}}, "other")
	if err != nil {
		t.Fatal(err)
	}
	if a, err := c.Assign("ok", adv42Env{Weights: []float64{0.6, 0.4}}, adv42Now); a.Segment != "model" || err != nil {
		t.Fatalf("setup: %+v %v", a, err)
	}
	bad := adv42Env{Weights: []float64{0.6, nan()}}
	a, err := c.Assign("bad", bad, adv42Now)
	if err == nil || !errors.Is(err, dsl.ErrNaN) {
		t.Errorf("weights %v: got segment %q (%q), err %v; want an error wrapping dsl.ErrNaN", bad.Weights, a.Segment, a.Reason, err)
	}
}

func nan() float64 { z := 0.0; return z / z }

// TestAdversary42_HostConstantShadowMissed: doc.go: "A rule that can never
// be chosen is a compile error ([ErrUnreachable]): ... one that earlier
// rules always pre-empt", found by "the dsl's analysis of comparisons with
// constants". With the host's own constant given to the compiler
// (dsl.WithConsts, Retire = 60), `age >= 65` after `age >= Retire` can
// never be chosen (brute force over ages 0..130 below), yet NewCustom
// accepts the scheme: the analysis is not given the constants the rules
// are compiled with, and reads Retire as an unknown field.
func TestAdversary42_HostConstantShadowMissed(t *testing.T) {
	consts := dsl.WithConsts(map[string]any{"Retire": 60})
	rules := []segment.Rule{{Segment: "retired", When: "age >= Retire"}, {Segment: "senior", When: "age >= 65"}}
	c, err := segment.NewCustom[adv42Env](rules, "working", consts)
	if errors.Is(err, segment.ErrUnreachable) {
		return // found: the fix
	}
	if err != nil {
		t.Fatal(err)
	}
	for age := 0; age <= 130; age++ {
		a, err := c.Assign("c", adv42Env{Age: age}, adv42Now)
		if err != nil {
			t.Fatal(err)
		}
		if a.Segment == "senior" {
			t.Fatalf("setup: senior chosen at age %d", age)
		}
	}
	t.Errorf("rule 2 (senior: age >= 65) is never chosen for any age 0..130 after age >= Retire (60), yet NewCustom accepted the scheme")
}

// TestAdversary42_RefusedHugeRuleCrashesHost: rules are untrusted and
// "no rule can panic the host"; the dsl refuses a source over
// MaxSourceBytes before parsing it. NewCustom's unreachability analysis
// is nevertheless handed every rule's raw source, refused ones included,
// and parses it with expr's parser without a bound: a rule of a million
// `!` before `true` recurses the parser into a fatal, unrecoverable stack
// overflow that kills the host process (shown at Go's default 1 GB stack
// too; the child here caps its stack at 256 MB to run gently). The test
// runs NewCustom in a child process and fails if the child dies.
func TestAdversary42_RefusedHugeRuleCrashesHost(t *testing.T) {
	if os.Getenv("ADV42_CHILD") == "1" {
		debug.SetMaxStack(256 << 20)
		src := strings.Repeat("!", 1<<20) + "true"
		_, err := segment.NewCustom[adv42Env]([]segment.Rule{{Segment: "a", When: src}, {Segment: "b", When: "age > 2"}}, "other")
		if !errors.Is(err, dsl.ErrLimit) {
			fmt.Println("want ErrLimit, got", err)
			os.Exit(3)
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestAdversary42_RefusedHugeRuleCrashesHost$", "-test.count=1")
	cmd.Env = append(os.Environ(), "ADV42_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		first := string(out)
		if i := strings.Index(first, "fatal error"); i >= 0 {
			first = first[i:]
		}
		if i := strings.IndexByte(first, '\n'); i >= 0 {
			first = first[:i]
		}
		t.Errorf("NewCustom with a 1 MiB rule of `!`s killed the process (%v): %s", err, first)
	}
}
