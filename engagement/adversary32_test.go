package engagement_test

// The 32nd adversary's suite: the derived analyses of the engagement
// package (planning, lifecycle, cross-sells, expectation gap). Each test
// fails on the code it was written against and names the promise it
// holds the code to.

import (
	"context"
	"slices"
	"strconv"
	"testing"

	"github.com/engagekit/engagekit/engagement"
)

// TestAdversary32_PowerZeroAgainstOneIgnoresN: power.go promises that
// SampleSize, Power and MDE share one formula, "so each is the inverse of
// the others", and that Power is that formula solved for the power:
//
//	power = Φ((√n·|p₁−p₂| − z_{1−α/2}·√(2p̄(1−p̄))) / √(p₁(1−p₁)+p₂(1−p₂)))
//
// For base 0 against target 1 the denominator is 0, and Power returns 1
// for every n and α ("one client of each tells them apart"). But the
// formula gives Φ(−∞) = 0 whenever √n < z·√½, and SampleSize itself says
// 2 clients are needed at α = 0.05 (6 at α = 0.001), MDE says n = 1 is
// "too few clients", and the pooled z-test on 0/1 against 1/1 gives
// z = √2 ≈ 1.41 < 1.96: one client of each never detects the change.
func TestAdversary32_PowerZeroAgainstOneIgnoresN(t *testing.T) {
	for _, alpha := range []float64{0.05, 0.001} {
		n, err := engagement.SampleSize(0, 1, alpha, 0.8)
		if err != nil || n < 2 {
			t.Fatalf("SampleSize(0, 1, %v, 0.8) = %d, %v", alpha, n, err)
		}
		p, err := engagement.Power(0, 1, n-1, alpha)
		if err != nil {
			t.Fatal(err)
		}
		if p >= 0.8 {
			t.Errorf("α = %v: SampleSize(0, 1) needs %d clients per variant for power 0.8, yet Power(0, 1, %d) = %v (the formula gives Φ(−∞) = 0)",
				alpha, n, n-1, p)
		}
	}
}

// TestAdversary32_PowerTinyAlphaIsZero: Power's doc accepts any alpha in
// (0, 1) and promises Φ((√n·|p₁−p₂| − z_{1−α/2}·√(2p̄(1−p̄)))/√(…)). For
// α below about 1.1e-16, 1 − α/2 rounds to 1, z_{1−α/2} becomes +Inf and
// Power returns 0 — silently — even for a million clients per variant
// and a rate rising from 10% to 50%, where z_{1−α/2} ≈ 9.3 and the power
// is 1 to every digit. (SampleSize and MDE answer the same inputs with an
// *OptionError saying the difference is "too small to detect" or that n
// is "too few clients", which is not the reason either.)
func TestAdversary32_PowerTinyAlphaIsZero(t *testing.T) {
	p, err := engagement.Power(0.1, 0.5, 1_000_000, 1e-20)
	if err == nil && p < 0.99 {
		t.Errorf("Power(0.1, 0.5, n = 1e6, α = 1e-20) = %v, nil; z_{1−α/2} ≈ 9.3 and the power is ≈ 1", p)
	}
}

// TestAdversary32_SampleSizeLowPowerNotMinimal: SampleSize is "how many
// clients each variant needs ... to detect a change ... with the given
// power", and the planning functions are "each ... the inverse of the
// others". Any power in (0, 1) is accepted. With a power below α's
// reach (here 0.01 at α = 0.05, z_power = −2.33 < −z_{1−α/2}·√(2p̄(1−p̄))
// / √(p₁(1−p₁)+p₂(1−p₂))), the bracket of the formula is negative and
// squaring it turns "any n will do" into a positive n: SampleSize(0.5,
// 0.6, 0.05, 0.01) asks for 7 clients per variant while Power says one
// client already gives power 0.034 ≥ 0.01. (MDE inherits it: MDE(0.5, 10,
// 0.9, 0.05) is 0.305, where Power is 0.92, far above the 0.05 asked.)
func TestAdversary32_SampleSizeLowPowerNotMinimal(t *testing.T) {
	const base, target, alpha, power = 0.5, 0.6, 0.05, 0.01
	n, err := engagement.SampleSize(base, target, alpha, power)
	if err != nil {
		t.Fatal(err)
	}
	if n > 1 {
		p, err := engagement.Power(base, target, n-1, alpha)
		if err != nil {
			t.Fatal(err)
		}
		if p >= power {
			t.Errorf("SampleSize(%v, %v, α %v, power %v) = %d, yet Power with %d clients is already %.3f ≥ %v",
				base, target, alpha, power, n, n-1, p, power)
		}
	}
}

// TestAdversary32_SampleSizeRefusesSizesThatFitAnInt: SampleSize's doc
// makes only "a size beyond an int" an *OptionError. The code refuses any
// size of 2^31 or more (n < math.MaxInt32), so on a 64-bit platform a
// rise from 50% to 50.001% — about 3.9e10 clients per variant, an int
// with room to spare, which Power accepts and evaluates — is refused as
// "the difference is too small to detect".
func TestAdversary32_SampleSizeRefusesSizesThatFitAnInt(t *testing.T) {
	if strconv.IntSize != 64 {
		t.Skip("an int of 32 bits")
	}
	n, err := engagement.SampleSize(0.5, 0.50001, 0.05, 0.8)
	if err != nil {
		t.Fatalf("SampleSize(0.5, 0.50001, 0.05, 0.8): %v; the size, ≈ 3.9e10, fits an int", err)
	}
	if p, err := engagement.Power(0.5, 0.50001, n, 0.05); err != nil || p < 0.8 {
		t.Errorf("SampleSize gave %d, with power %v, %v", n, p, err)
	}
}

// TestAdversary32_LifecycleNoOnboardingStillOnboards: LifecycleRule's doc
// promises "Onboarding [None] means no onboarding stage" (and None's doc:
// "LifecycleRule{Onboarding: None} has no onboarding stage"). A client
// whose only post-sale response is exactly at as-of (a response at as-of
// is used: only those after it are rejected) is placed in Onboarding
// anyway: None resolves to a limit of 0, and an age of 0 is within it.
func TestAdversary32_LifecycleNoOnboardingStillOnboards(t *testing.T) {
	rs := []engagement.Response{{Client: "c", Stimulus: "meeting-1", Kind: "attend", Time: asOf}}
	b := must(engagement.Analyze(context.Background(), journey(t), slices.Values(rs), engagement.Options{AsOf: asOf}))
	if b.Report.Used != 1 {
		t.Fatalf("report %+v", b.Report)
	}
	st := must(b.Lifecycle(engagement.LifecycleRule{Onboarding: engagement.None}))
	for _, s := range st {
		if s.Stage == engagement.Onboarding {
			t.Errorf("LifecycleRule{Onboarding: None}: client %s is %s", s.Client, s.Stage)
		}
	}
}

// TestAdversary32_CrossSellsNilHoldsPanics: the project's standard is
// that nothing panics out of the library (a nil response stream is read
// as empty by Analyze and Funnel). CrossSells takes the host's holds
// function and returns no error, and a nil one — "the client holds
// nothing we know of" — panics with a nil function call as soon as a
// client has escalated on a topic.
func TestAdversary32_CrossSellsNilHoldsPanics(t *testing.T) {
	rs := []engagement.Response{{Client: "c", Stimulus: "linkedin-1", Kind: "click", Setting: "website", Time: daysAgo(3)}}
	b := must(engagement.Analyze(context.Background(), journey(t), slices.Values(rs), engagement.Options{AsOf: asOf}))
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("CrossSells(nil) panicked: %v", r)
		}
	}()
	_ = b.CrossSells(nil)
}

// TestAdversary32_ExpectationGapOverflowsToNaN: ExpectationGap promises
// "the mean score of what they expected minus the mean score of what
// they felt was delivered", and Analyze accepts every finite Value (NaN
// and ±Inf are rejected as nan_value, never folded). A client answering
// both surveys twice with 1e308 has means of 1e308 and a gap of 0, but
// the profile sums the answers first: the sums overflow to +Inf, and the
// client's Expected and Delivered come out +Inf, the gap and the book's
// mean gap NaN — a silently wrong result, with no error and no
// rejection.
func TestAdversary32_ExpectationGapOverflowsToNaN(t *testing.T) {
	var rs []engagement.Response
	for i, k := range []string{"survey_expected", "survey_expected", "survey_delivered", "survey_delivered"} {
		rs = append(rs, engagement.Response{Client: "c", Stimulus: "meeting-1", Kind: k, Time: daysAgo(1 + i), Value: 1e308})
	}
	b := must(engagement.Analyze(context.Background(), journey(t), slices.Values(rs),
		engagement.Options{AsOf: asOf, ExpectedKind: "survey_expected", DeliveredKind: "survey_delivered"}))
	if b.Report.Used != 4 {
		t.Fatalf("report %+v", b.Report)
	}
	gaps, mean := b.ExpectationGap()
	if len(gaps) != 1 {
		t.Fatalf("gaps %+v", gaps)
	}
	g := gaps[0]
	if g.Expected != 1e308 || g.Delivered != 1e308 || g.Gap != 0 || mean != 0 {
		t.Errorf("two answers of 1e308 to each survey: expected %v, delivered %v, gap %v, mean gap %v; want 1e308, 1e308, 0, 0",
			g.Expected, g.Delivered, g.Gap, mean)
	}
}
