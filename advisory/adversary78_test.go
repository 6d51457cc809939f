package advisory_test

// Adversary 78: failing tests, one defect each, for the advisory
// framework's batch evaluation path.

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/engagekit/engagekit/advisory"
	"github.com/engagekit/engagekit/dsl"
)

var adv78Now = time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)

type adv78Obs struct {
	files []advisory.FileStats
	done  []advisory.BatchStats
}

func (o *adv78Obs) File(s advisory.FileStats)  { o.files = append(o.files, s) }
func (o *adv78Obs) Progress(advisory.Counts)   {}
func (o *adv78Obs) Done(b advisory.BatchStats) { o.done = append(o.done, b) }

// TestAdversary78_GoexitInRuleDropsLoadAndOtherAlerts
//
// Contract broken: Item ("Load may also return alerts ...: they come first
// among the file's alerts in the result ... and the batch owns them"; "a
// batch drops no alert"), the standard "a failing rule fails its file but
// the other rules' alerts are kept", and ErrExited ("a host function a
// rule called, ended its goroutine ...: the file failed"), plus the
// Observer's FileStats (Alerts counts all the file's alerts, Load's
// included; Elapsed by the Clock) and RuleStats (rule "first" was
// evaluated and fired on the file).
//
// Input: two rules; rule "second" calls a host function that calls
// runtime.Goexit for client c1. c1's Load succeeds and returns one
// data.stale alert. Observed: c1 is handed over with ErrExited and NO
// alerts: the Load's data.stale alert and rule "first"'s alert (decided
// before "second" ran) are both gone; FileStats says Alerts 0 and Elapsed
// 0 despite a Clock, and RuleStats for "first" count 1 evaluation/1 fire
// (c0's only). The same rule failing by a panic keeps both alerts.
//
// Mechanism (guess): internal/batch.evaluate's Goexit recovery writes
// the zero Out (outs[at] = zero) for the input in hand, so everything
// the advisory eval had built — o.alerts with the Load's found alerts,
// o.loaded, o.decided, and the o.elapsed its deferred Clock call sets on
// the named result — is discarded; the dsl's hits of earlier rules live
// only in the pooled scratch and are lost with the goroutine.
func TestAdversary78_GoexitInRuleDropsLoadAndOtherAlerts(t *testing.T) {
	src := `ruleset g version 1
rule first {
  type "g.first"
  when true
  title "first"
}
rule second {
  type "g.second"
  when stop(client.income) > 0
  title "second"
}
`
	fw, err := advisory.Compile[advisory.File]([]byte(src), dsl.WithFunc1("stop", func(x float64) float64 {
		if x == 1 {
			runtime.Goexit()
		}
		return x
	}))
	if err != nil {
		t.Fatal(err)
	}
	stale := advisory.Alert{ClientID: "c1", Type: "data.stale", RuleID: "client.income", Title: "stale"}
	items := []advisory.Item[advisory.File]{
		{ClientID: "c0", File: advisory.File{Client: advisory.Client{Income: 2}}},
		{ClientID: "c1", Load: func() (advisory.File, []advisory.Alert, error) {
			return advisory.File{Client: advisory.Client{Income: 1}}, []advisory.Alert{stale}, nil
		}},
	}
	obs := &adv78Obs{}
	tick := time.Unix(0, 0)
	clock := func() time.Time { tick = tick.Add(time.Millisecond); return tick } // Workers 1: one worker calls it
	var got []advisory.FileAlerts
	c := fw.EvaluateEach(context.Background(), slices.Values(items), adv78Now,
		advisory.BatchOptions{Workers: 1, Observer: obs, Clock: clock},
		func(fa advisory.FileAlerts) { got = append(got, fa) })
	if c != (advisory.Counts{In: 2, OK: 1, Failed: 1}) || len(got) != 2 {
		t.Fatalf("counts %+v, %d files handed over", c, len(got))
	}
	var types []string
	for _, a := range got[1].Alerts {
		types = append(types, a.Type)
	}
	// The contract since the fix (Item's doc, ErrExited): the file fails
	// with ErrExited and keeps what the evaluation wrote before the exit,
	// the Load's alerts among it; the alerts of the rules evaluated
	// before it were never returned (the rule set's scratch holds them)
	// and are not kept.
	if !errors.Is(got[1].Err, advisory.ErrExited) || !slices.Contains(types, "data.stale") {
		t.Errorf("c1 (err %v) handed over alerts %q; want ErrExited and the Load's data.stale kept", got[1].Err, types)
	}
	if len(obs.files) == 2 && (obs.files[1].Alerts != len(got[1].Alerts) || obs.files[1].Alerts == 0 || obs.files[1].Elapsed == 0) {
		t.Errorf("Observer FileStats for c1: %+v; want its alerts (Load's included) counted and its time by the Clock", obs.files[1])
	}
	if len(obs.done) == 1 && obs.done[0].Rules[0].Evaluations != 2 {
		t.Errorf("RuleStats for first: %+v; it was evaluated on both files", obs.done[0].Rules[0])
	}
}

// TestAdversary78_ObserverNeverCountsSilentDecisionFailure
//
// Contract broken: Observer/BatchStats: "for each rule of the framework
// in rule order, how many files it was evaluated on, how many alerts it
// raised ... and on how many files it failed" — with the Observer's
// stats consistent with the batch's failures.
//
// Input: a silent decision `dec` (emit false) whose urgency is
// client.income (out of [0,1] for income 2), read by rule `a`; six files,
// two with income 2. The error of files 2 and 5 says "rule dec, which it
// reads, failed: urgency is 2, outside [0,1]". Observed: RuleStats for dec
// is {Evaluations: 6, Errors: 0} — counted as evaluated on every file
// yet never as failed, though it failed on two (the failure is booked
// only to its reader `a`).
//
// Mechanism (guess): observation.file counts Errors by the RuleID of
// each *dsl.Error in dsl.Errors(err); the dsl reports a decision's
// failure as an error of the rule that read it (RuleID "a"), while
// markRead marks the silent decision decided, so Evaluations and Errors
// disagree about the same rule.
func TestAdversary78_ObserverNeverCountsSilentDecisionFailure(t *testing.T) {
	src := `ruleset g version 1
rule dec {
  type "g.dec"
  emit false
  when true
  urgency client.income
}
rule a {
  type "g.a"
  when dec.urgency >= 0
  title "a {dec.urgency}"
}
rule c {
  type "g.c"
  when true
  title "c"
}
`
	fw, err := advisory.Compile[advisory.File]([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var items []advisory.Item[advisory.File]
	for i := range 6 {
		items = append(items, advisory.Item[advisory.File]{ClientID: fmt.Sprint(i), File: advisory.File{Client: advisory.Client{Income: float64(i % 3)}}})
	}
	obs := &adv78Obs{}
	res := fw.EvaluateAll(context.Background(), slices.Values(items), adv78Now, advisory.BatchOptions{Workers: 2, Observer: obs})
	if res.Counts.Failed != 2 || len(obs.done) != 1 {
		t.Fatalf("sanity: counts %+v, %d Done calls", res.Counts, len(obs.done))
	}
	dec := obs.done[0].Rules[0]
	if dec.Rule != "dec" {
		t.Fatalf("sanity: first rule %+v", dec)
	}
	if dec.Errors != 2 {
		t.Errorf("RuleStats for the silent decision dec: %+v; it failed on 2 files (%v), want Errors 2", dec, res.Failed[0].Message)
	}
}
