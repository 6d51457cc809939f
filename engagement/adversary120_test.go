package engagement_test

import (
	"context"
	"errors"
	"iter"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/engagekit/engagekit/engagement"
)

// adv120Guard runs f on its own goroutine and fails the test on a panic
// (with the panic value) or when f runs past 10 s.
func adv120Guard(t *testing.T, f func()) {
	t.Helper()
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		f()
	}()
	select {
	case p := <-done:
		if p != nil {
			t.Fatalf("panic out of the library: %v", p)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not return within 10 s")
	}
}

// Classifier.WithRule: "an expression over ClassifyEnv giving
// "maintain", "escalate", "disengage", or "" to fall through to the
// other overrides and the default. A rule's error or an unknown class
// name makes the response rejected, never guessed."
// README: "a rule can never panic the host".
//
// A rule that gives "Class(4)" (the text form Class.String writes for a
// number without a name, which Class.UnmarshalText reads back) is taken
// as Class(4): Classify returns it with no error, and Analyze and
// AnalyzeEvents fold it, indexing the profile's three class scores with
// 4−1 = 3: an index-out-of-range panic on the host's goroutine.
func TestAdversary120_RuleGivingClassNumberPanics(t *testing.T) {
	j := journey(t)
	c, err := engagement.Classifier{}.WithRule(`"Class(4)"`)
	if err != nil {
		t.Fatal(err)
	}
	rs := []engagement.Response{{Client: "c1", Stimulus: "linkedin-1", Kind: "like", Time: daysAgo(3)}}
	t.Run("Analyze", func(t *testing.T) {
		adv120Guard(t, func() {
			b, err := engagement.Analyze(context.Background(), j, slices.Values(rs), engagement.Options{AsOf: asOf, Classifier: c})
			if err != nil {
				t.Errorf("Analyze: %v", err)
				return
			}
			if b.Report.Used != 0 || b.Report.Rejected[engagement.Unclassified] != 1 {
				t.Errorf("a rule giving %q names no class: want the response rejected as unclassified, got %+v", "Class(4)", b.Report)
			}
		})
	})
	t.Run("AnalyzeEvents", func(t *testing.T) {
		adv120Guard(t, func() {
			x, err := engagement.NewIndex(j, "like")
			if err != nil {
				t.Error(err)
				return
			}
			ev := x.Event(0, rs[0])
			b, err := engagement.AnalyzeEvents(context.Background(), x, []string{"c1"}, slices.Values([]engagement.Event{ev}), engagement.Options{AsOf: asOf, Classifier: c})
			if err != nil {
				t.Errorf("AnalyzeEvents: %v", err)
				return
			}
			if b.Report.Used != 0 {
				t.Errorf("AnalyzeEvents used a response a rule classified as %q: %+v", "Class(4)", b.Report)
			}
		})
	})
	t.Run("Classify", func(t *testing.T) {
		adv120Guard(t, func() {
			st, _ := j.Stimulus("linkedin-1")
			from, _ := j.Setting("linkedin")
			cl, err := c.Classify(rs[0], st, from, from, asOf)
			if err == nil {
				t.Errorf("Classify gave class %v (%d) and no error for a rule giving %q", cl, uint8(cl), "Class(4)")
			}
		})
	})
}

// Index.Event: "It never fails: a name the index does not know becomes
// NoStimulus, NoKind or NoSetting". AnalyzeEvents and AnalyzeParallel
// treat the zero Index as an index of no journey (analyzeEvents: "nil,
// or a zero Index: no journey, nothing known"; adversary 37), and nothing
// the host passes may panic out of the library. The zero Index's own
// Event, Stimulus and Setting dereference its nil journey.
func TestAdversary120_ZeroIndexEventPanics(t *testing.T) {
	var x engagement.Index
	adv120Guard(t, func() {
		e := x.Event(0, engagement.Response{Client: "c", Stimulus: "s", Kind: "k", Setting: "web", Time: asOf})
		if e.Stimulus != engagement.NoStimulus || e.Kind != engagement.NoKind || e.Setting != engagement.NoSetting {
			t.Errorf("a zero Index knows no name, got %+v", e)
		}
	})
}

// ExperimentPlan.Analyze: "a control no client was exposed to is an
// error wrapping ErrNoControlData", and nothing panics out of the
// library. A zero ExperimentPlan (a var, not from NewExperimentPlan) has
// no arms: Analyze indexes its empty arms with the control's number 0,
// and Config dereferences its nil Correction: both panic, where the zero
// Book, Index (for the analyses) and Classifier are usable values.
func TestAdversary120_ZeroExperimentPlanPanics(t *testing.T) {
	var p engagement.ExperimentPlan
	t.Run("Analyze", func(t *testing.T) {
		adv120Guard(t, func() {
			_, err := p.Analyze(context.Background(), engagement.ExperimentData{AsOf: asOf,
				Exposures: slices.Values([]engagement.Exposure{{Client: "c", Experiment: "e", Variant: "a", Time: daysAgo(1)}})})
			if err == nil {
				t.Error("a zero plan analysed with no error")
			} else if !errors.Is(err, engagement.ErrNoControlData) && !errors.Is(err, engagement.ErrInvalidOption) {
				t.Logf("error: %v", err)
			}
		})
	})
	t.Run("Config", func(t *testing.T) {
		adv120Guard(t, func() { _ = p.Config() })
	})
}

// Analyze: "Memory grows with clients (one small profile each) and
// content groups, not with responses, but for their ids: each id a
// response used is kept until the analysis ends ... (tens of bytes an
// id)". Adversary 120 found the ids' memory undocumented (the docs said
// memory never grows with responses); the duplicate check needs every id
// used, so the docs now say so, and this holds the two halves: without ids
// one client's 300,000 responses hold nothing more, with ids at most
// 100 bytes an id.
func TestAdversary120_AnalyzeMemoryGrowsOnlyWithResponseIDs(t *testing.T) {
	j := journey(t)
	const n = 300_000
	growth := func(ids bool) int64 {
		var at1k, atN uint64
		heap := func() uint64 {
			runtime.GC()
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			return m.HeapAlloc
		}
		var rs iter.Seq[engagement.Response] = func(yield func(engagement.Response) bool) {
			for i := range n {
				switch i {
				case 1000:
					at1k = heap()
				case n - 1:
					atN = heap()
				}
				r := engagement.Response{Client: "c1", Stimulus: "linkedin-1", Kind: "like", Time: daysAgo(1 + i%300)}
				if ids {
					r.ID = "response-" + strconv.Itoa(i)
				}
				if !yield(r) {
					return
				}
			}
		}
		b, err := engagement.Analyze(context.Background(), j, rs, engagement.Options{AsOf: asOf})
		if err != nil {
			t.Fatal(err)
		}
		if b.Report.Used != n {
			t.Fatalf("used %d of %d", b.Report.Used, n)
		}
		return int64(atN) - int64(at1k)
	}
	without, with := growth(false), growth(true)
	t.Logf("live heap growth over %d responses of one client: %d bytes without ids, %d with", n, without, with)
	if without > 1<<20 {
		t.Errorf("one client's %d responses without ids grew the live heap by %.1f MB: memory grows with responses", n, float64(without)/(1<<20))
	}
	if with-without > 100*n {
		t.Errorf("one client's %d responses with ids grew the live heap by %.1f MB (%.1f MB without ids): more than 100 bytes an id",
			n, float64(with)/(1<<20), float64(without)/(1<<20))
	}
}
